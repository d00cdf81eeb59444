//! `imap_fetch_each` and `imap_fetch_next` over the 100,000-message mailbox "Big"
//! (tests/server/big-mailbox.sh) in constant memory: this test binary counts every byte live
//! on the heap (a global allocator tracking live bytes and their peak) and asserts the peak
//! growth during the whole FETCH stays far below what keeping the responses would take (about
//! 100 bytes of data each, 10 MB for the lot, before any bookkeeping). It prints the figure.

mod common;

use imap::ffi::client::{imap_client_free, ImapClient};
use imap::ffi::code::ImapCode;
use imap::ffi::parsed::fetch::{imap_fetch_list_free, ImapFetchMessage};
use imap::ffi::pipeline::{
    imap_fetch_each, imap_fetch_next, imap_fetch_stream, imap_fetch_stream_cancel,
    imap_pending_count,
};
use imap::ffi::result::imap_result_free;
use std::alloc::{GlobalAlloc, Layout, System};
use std::ffi::{c_void, CString};
use std::path::PathBuf;
use std::process::Command;
use std::ptr;
use std::sync::atomic::{AtomicIsize, Ordering};
use std::sync::Mutex;

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
            PEAK.fetch_max(now + layout.size() as isize, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// One case at a time: the counters are process-wide.
static SERIAL: Mutex<()> = Mutex::new(());

const BIG: u32 = 100_000;
/// Far below the 10 MB the responses' data alone would take if they were kept.
const BOUND: isize = 2 << 20;

fn big_mailbox() -> *mut ImapClient {
    // The server first: the script fills its store.
    common::dovecot();
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/server/big-mailbox.sh");
    let out = Command::new("bash").arg(script).output().unwrap();
    assert!(
        out.status.success(),
        "big-mailbox.sh: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    common::c_login("Big")
}

struct Count {
    n: u32,
    last_uid: u32,
    ordered: bool,
}

unsafe extern "C" fn count(ctx: *mut c_void, msg: *const ImapFetchMessage) -> i32 {
    let c = &mut *ctx.cast::<Count>();
    let m = &*msg;
    c.n += 1;
    c.ordered &= m.seq == c.n && m.has_uid != 0 && m.uid > c.last_uid;
    c.last_uid = m.uid;
    0
}

#[test]
fn fetch_each_over_100000_messages_in_constant_memory() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let c = big_mailbox();
    let set = CString::new("1:*").unwrap();
    let items = CString::new("(UID FLAGS RFC822.SIZE)").unwrap();
    let mut ctx = Count {
        n: 0,
        last_uid: 0,
        ordered: true,
    };
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let code = unsafe {
        imap_fetch_each(
            c,
            set.as_ptr(),
            items.as_ptr(),
            Some(count),
            (&mut ctx as *mut Count).cast(),
        )
    };
    let growth = PEAK.load(Ordering::Relaxed) - base;
    assert_eq!(code, ImapCode::Ok);
    assert_eq!(ctx.n, BIG);
    assert!(ctx.ordered, "messages out of order or without UID");
    println!("fetch_each over {BIG} messages: peak heap growth {growth} bytes");
    assert!(growth < BOUND, "peak heap growth {growth} bytes");
    unsafe { imap_client_free(c) };
}

#[test]
fn fetch_next_pulls_100000_messages_in_constant_memory_and_cancel_keeps_the_connection() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let c = big_mailbox();
    let set = CString::new("1:*").unwrap();
    let items = CString::new("(UID)").unwrap();
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let mut t = 0;
    let mut n = 0u32;
    unsafe {
        assert_eq!(
            imap_fetch_stream(c, set.as_ptr(), items.as_ptr(), 0, &mut t),
            ImapCode::Ok
        );
        let end = loop {
            let mut list = ptr::null_mut();
            let code = imap_fetch_next(c, t, 100, &mut list);
            if list.is_null() {
                break code;
            }
            assert_eq!(code, ImapCode::Ok);
            n += u32::try_from((*list).count).unwrap();
            imap_fetch_list_free(list);
        };
        assert_eq!(end, ImapCode::Ok);
    }
    let growth = PEAK.load(Ordering::Relaxed) - base;
    assert_eq!(n, BIG);
    println!("fetch_next over {BIG} messages: peak heap growth {growth} bytes");
    assert!(growth < BOUND, "peak heap growth {growth} bytes");
    unsafe {
        assert_eq!(imap_pending_count(c), 0);
        // A second stream, cancelled after one batch: the rest is read and dropped.
        assert_eq!(
            imap_fetch_stream(c, set.as_ptr(), items.as_ptr(), 1, &mut t),
            ImapCode::Ok
        );
        let mut list = ptr::null_mut();
        assert_eq!(imap_fetch_next(c, t, 10, &mut list), ImapCode::Ok);
        assert!(!list.is_null());
        imap_fetch_list_free(list);
        assert_eq!(imap_fetch_stream_cancel(c, t), ImapCode::Ok);
        assert_eq!(imap_pending_count(c), 0);
        let mut r = ptr::null_mut();
        assert_eq!(imap::ffi::commands::imap_noop(c, &mut r), ImapCode::Ok);
        imap_result_free(r);
        imap_client_free(c);
    }
}
