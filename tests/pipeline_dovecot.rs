//! Pipelining against the test Dovecot: many FETCHes in flight give exactly what the same
//! FETCHes give one at a time; several threads on one C handle each get their own results,
//! while their calls are pipelined (a wait does not hold the handle).

mod common;

use imap::ffi::client::{imap_client_free, imap_client_new, imap_open, ImapClient};
use imap::ffi::code::ImapCode;
use imap::ffi::commands::{imap_login, imap_noop, imap_select};
use imap::ffi::pipeline::{imap_collect, imap_pending_count, imap_submit_fetch};
use imap::ffi::result::{imap_result_count, imap_result_free, imap_result_item, ImapResult};
use std::ffi::CString;
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};

#[test]
fn a_thousand_pipelined_fetches_equal_the_sequential_ones() {
    let mut s = common::login("user1");
    s.select("INBOX", true).unwrap();
    let items = "(UID FLAGS RFC822.SIZE ENVELOPE)";
    let set = |i: u32| (i % 20 + 1).to_string();
    let sequential: Vec<_> = (0..1000)
        .map(|i| s.fetch(&set(i), items).unwrap())
        .collect();
    let tickets: Vec<_> = (0..1000)
        .map(|i| s.submit_fetch(&set(i), items, false, false).unwrap())
        .collect();
    let pipelined: Vec<_> = tickets.into_iter().map(|t| s.collect(t).unwrap()).collect();
    for (i, (a, b)) in sequential.iter().zip(&pipelined).enumerate() {
        assert_eq!(a.typ, b.typ, "fetch {i}");
        assert_eq!(a.data, b.data, "fetch {i}");
        assert_eq!(
            a.tagged.as_ref().map(|t| &t.status),
            b.tagged.as_ref().map(|t| &t.status)
        );
    }
    // Nothing was left behind in the store by the pipelined ones.
    assert!(s.untagged().get("FETCH").is_none());
    s.logout().unwrap();
}

/// The first line of a result's first item.
unsafe fn first_line(r: *const ImapResult) -> String {
    assert!(imap_result_count(r) >= 1);
    let item = &*imap_result_item(r, 0);
    assert!(!item.data.is_null(), "no data");
    String::from_utf8_lossy(std::slice::from_raw_parts(item.data, item.len)).into_owned()
}

struct Handle(*mut ImapClient);
// SAFETY: the C handle is documented as usable from several threads at once.
unsafe impl Send for Handle {}
unsafe impl Sync for Handle {}

impl Handle {
    fn get(&self) -> *mut ImapClient {
        self.0
    }
}

#[test]
fn several_threads_on_one_handle_each_get_their_own_results() {
    let c = Handle(common::c_login("INBOX"));
    let done = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for thread in 0..4u32 {
            let (c, done) = (&c, &done);
            scope.spawn(move || {
                let items = CString::new("(UID)").unwrap();
                for round in 0..50u32 {
                    // A few in flight per thread, collected in reverse order.
                    let ns: Vec<u32> = (0..3).map(|k| (thread * 5 + round + k) % 20 + 1).collect();
                    let tickets: Vec<u64> = ns
                        .iter()
                        .map(|n| {
                            let set = CString::new(n.to_string()).unwrap();
                            let mut t = 0;
                            let code = unsafe {
                                imap_submit_fetch(c.get(), set.as_ptr(), items.as_ptr(), &mut t)
                            };
                            assert_eq!(code, ImapCode::Ok);
                            t
                        })
                        .collect();
                    for (n, t) in ns.iter().zip(&tickets).rev() {
                        let mut r = ptr::null_mut();
                        assert_eq!(unsafe { imap_collect(c.get(), *t, &mut r) }, ImapCode::Ok);
                        // The test INBOX has UID n for message n.
                        assert_eq!(unsafe { first_line(r) }, format!("{n} (UID {n})"));
                        unsafe { imap_result_free(r) };
                    }
                }
                done.fetch_add(1, Ordering::Relaxed);
            });
        }
        // Meanwhile, synchronous calls on the same handle.
        scope.spawn(|| {
            for _ in 0..20 {
                let mut r = ptr::null_mut();
                assert_eq!(unsafe { imap_noop(c.get(), &mut r) }, ImapCode::Ok);
                unsafe { imap_result_free(r) };
            }
        });
    });
    assert_eq!(done.load(Ordering::Relaxed), 4);
    unsafe {
        assert_eq!(imap_pending_count(c.get()), 0);
        imap_client_free(c.get());
    }
}

#[test]
fn pipelined_fetches_and_fetch_each_over_tls() {
    // The waits poll the socket only once a read found nothing: data TLS has already
    // decrypted is never left waiting for more bytes.
    let d = common::dovecot();
    let mut c = ptr::null_mut();
    unsafe {
        assert_eq!(imap_client_new(&mut c), ImapCode::Ok);
        let ca = CString::new(d.ca().to_str().unwrap()).unwrap();
        assert_eq!(
            imap::ffi::client::imap_set_ca_file(c, ca.as_ptr()),
            ImapCode::Ok
        );
        let host = CString::new(d.host()).unwrap();
        assert_eq!(imap_open(c, host.as_ptr(), d.tls_port(), 1), ImapCode::Ok);
        let (u, p) = (
            CString::new("user1").unwrap(),
            CString::new("pass1").unwrap(),
        );
        let mut r = ptr::null_mut();
        assert_eq!(imap_login(c, u.as_ptr(), p.as_ptr(), &mut r), ImapCode::Ok);
        imap_result_free(r);
        let m = CString::new("INBOX").unwrap();
        assert_eq!(imap_select(c, m.as_ptr(), 1, &mut r), ImapCode::Ok);
        imap_result_free(r);
        let items = CString::new("(UID BODY.PEEK[])").unwrap();
        let tickets: Vec<u64> = (0..200u32)
            .map(|i| {
                let set = CString::new((i % 20 + 1).to_string()).unwrap();
                let mut t = 0;
                assert_eq!(
                    imap_submit_fetch(c, set.as_ptr(), items.as_ptr(), &mut t),
                    ImapCode::Ok
                );
                t
            })
            .collect();
        for (i, t) in tickets.into_iter().enumerate() {
            assert_eq!(imap_collect(c, t, &mut r), ImapCode::Ok);
            let n = i % 20 + 1;
            assert!(
                first_line(r).starts_with(&format!("{n} (UID {n} ")),
                "{}",
                first_line(r)
            );
            imap_result_free(r);
        }
        let mut count = 0u32;
        unsafe extern "C" fn one(
            ctx: *mut std::ffi::c_void,
            _m: *const imap::ffi::parsed::fetch::ImapFetchMessage,
        ) -> i32 {
            *ctx.cast::<u32>() += 1;
            0
        }
        let all = CString::new("1:*").unwrap();
        assert_eq!(
            imap::ffi::pipeline::imap_fetch_each(
                c,
                all.as_ptr(),
                items.as_ptr(),
                Some(one),
                (&mut count as *mut u32).cast()
            ),
            ImapCode::Ok
        );
        assert_eq!(count, 20);
        imap_client_free(c);
    }
}

/// A stream connection (imaplib's IMAP4_stream: the server's imap binary as a child process)
/// through the C calls that wait outside the session: a synchronous command, pipelined
/// FETCHes and fetch_each all get their answers (the child's pipe is read when the wait says
/// it is readable, not only after a wait of its own).
#[test]
fn a_stream_connection_answers_the_waiting_calls() {
    let d = common::dovecot();
    let cmd = CString::new(d.env["DOVECOT_STREAM_CMD"].as_str()).unwrap();
    let mut c = ptr::null_mut();
    unsafe {
        assert_eq!(imap_client_new(&mut c), ImapCode::Ok);
        assert_eq!(
            imap::ffi::client::imap_set_timeouts(c, 5000, 5000),
            ImapCode::Ok
        );
        assert_eq!(
            imap::ffi::auth::imap_open_stream(c, cmd.as_ptr()),
            ImapCode::Ok
        );
        let inbox = CString::new("INBOX").unwrap();
        let mut r: *mut ImapResult = ptr::null_mut();
        assert_eq!(imap_select(c, inbox.as_ptr(), 1, &mut r), ImapCode::Ok);
        imap_result_free(r);
        assert_eq!(imap_noop(c, ptr::null_mut()), ImapCode::Ok);
        let items = CString::new("(UID FLAGS)").unwrap();
        let mut t = [0u64; 5];
        for (i, t) in t.iter_mut().enumerate() {
            let set = CString::new((i + 1).to_string()).unwrap();
            assert_eq!(
                imap_submit_fetch(c, set.as_ptr(), items.as_ptr(), t),
                ImapCode::Ok
            );
        }
        for t in t {
            let mut r: *mut ImapResult = ptr::null_mut();
            assert_eq!(imap_collect(c, t, &mut r), ImapCode::Ok);
            assert_eq!(imap_result_count(r), 1);
            imap_result_free(r);
        }
        assert_eq!(imap_pending_count(c), 0);
        imap_client_free(c);
    }
}
