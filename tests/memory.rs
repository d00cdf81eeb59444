//! The untagged-response limit bounds real memory: a server flooding tiny responses makes the
//! process grow by at most the limit plus a small constant before the call fails with
//! `Limit` and the connection closes.
//!
//! This test binary counts every byte live on the heap (a global allocator that tracks live
//! bytes and their peak) and runs its cases one at a time, so the peak belongs to the case.

mod fake;

use fake::{expect, send, FakeServer, Step};
use imap::proto::Limits;
use imap::{Config, ErrorKind, Session, TlsMode};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

// ----- live heap bytes -----------------------------------------------------------------------

/// The system allocator, counting live bytes and their peak. A reallocation counts as the new
/// block allocated before the old one is freed (the worst case: a copy).
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

fn grew(n: usize) {
    let now = LIVE.fetch_add(n as isize, Ordering::Relaxed) + n as isize;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

fn shrank(n: usize) {
    LIVE.fetch_sub(n as isize, Ordering::Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            grew(new_size);
            shrank(layout.size());
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// One case at a time: the counters are process-wide. (A case builds its script under the
/// lock too, see [`check_flood`].)
static SERIAL: Mutex<()> = Mutex::new(());

// ----- the cases -----------------------------------------------------------------------------

/// The untagged limit of these tests.
const LIMIT: u64 = 4 << 20;
/// What may come on top of the limit: the read buffer's growth, the framer's line buffer,
/// error texts, the fake server's own buffers (it runs in this process).
const SLACK: isize = 1 << 20;

/// PREAUTH: mailbox data is only kept once authenticated (data before login is dropped).
const GREETING: &str = "* PREAUTH [CAPABILITY IMAP4rev1] fake ready\r\n";

/// Opens a session with the untagged limit [`LIMIT`], runs NOOP against `flood`, and checks
/// that it failed with `Limit`, closed the connection, and that the heap grew by at most the
/// limit plus [`SLACK`] meanwhile.
fn check_flood(what: &str, flood: impl FnOnce() -> Step) {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let flood = flood();
    let server = FakeServer::start(vec![
        send(GREETING),
        expect("CAPABILITY"),
        send("* CAPABILITY IMAP4rev1\r\n{tag} OK done\r\n"),
        expect("NOOP"),
        flood,
    ]);
    let mut session = Session::new(Config {
        io_timeout: Duration::from_secs(20),
        limits: Limits {
            max_untagged: LIMIT,
            ..Limits::default()
        },
        ..Config::default()
    });
    session
        .open("127.0.0.1", server.port, TlsMode::None)
        .expect("open");
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let r = session.noop();
    let growth = PEAK.load(Ordering::Relaxed) - base;
    // The figure the README quotes: `cargo test --test memory -- --nocapture`.
    eprintln!("{what}: peak heap growth {growth} bytes for an untagged limit of {LIMIT}");
    let err = r.expect_err("the flood must end with an error");
    assert_eq!(err.kind, ErrorKind::Limit, "{what}: {}", err.message);
    assert!(!session.is_open(), "{what}: connection still open");
    assert!(
        growth <= LIMIT as isize + SLACK,
        "{what}: the heap grew by {growth} bytes for an untagged limit of {LIMIT}"
    );
    drop(session);
    server.finish();
}

/// `line` sent over and over, far more than the limit holds at any accounting.
fn flood(line: &str) -> Step {
    Step::Flood(line.as_bytes().to_vec(), (8 * LIMIT as usize) / line.len())
}

#[test]
fn a_flood_of_exists_stays_within_the_limit() {
    check_flood("EXISTS", || flood("* 1 EXISTS\r\n"));
}

#[test]
fn a_flood_of_fetch_flags_stays_within_the_limit() {
    check_flood("FETCH", || flood("* 1 FETCH (FLAGS ())\r\n"));
}

#[test]
fn a_flood_of_untagged_ok_stays_within_the_limit() {
    check_flood("OK", || flood("* OK x\r\n"));
}

#[test]
fn a_flood_of_response_codes_stays_within_the_limit() {
    // Each line is stored twice: under OK and under its code.
    check_flood("OK [ALERT]", || flood("* OK [ALERT] x\r\n"));
}

#[test]
fn a_flood_of_distinct_names_stays_within_the_limit() {
    // Every response under a name of its own: each costs a key and an entry in the store.
    check_flood("distinct names", || {
        let mut lines = Vec::new();
        for i in 0..400_000 {
            let mut name = *b"XAAAAA";
            let mut n = i;
            for c in name.iter_mut().skip(1).rev() {
                *c = b'A' + (n % 26) as u8;
                n /= 26;
            }
            lines.extend_from_slice(b"* ");
            lines.extend_from_slice(&name);
            lines.extend_from_slice(b" a\r\n");
        }
        Step::Flood(lines, 1)
    });
}

#[test]
fn a_flood_of_small_literals_stays_within_the_limit() {
    check_flood("literals", || flood("* 1 FETCH (BODY[] {1}\r\nx)\r\n"));
}
