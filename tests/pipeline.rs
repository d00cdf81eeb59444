//! Pipelining against the scripted fake server: the interleavings a real server does not
//! produce on demand (data of two in-flight commands interleaved with unsolicited responses,
//! completions out of order, BYE with tickets pending), the RFC 3501 §5.5 waits, and the C
//! calls' stop / bad-ticket paths.

mod fake;

use fake::{expect, send, FakeServer, Step};
use imap::ffi::client::{imap_client_free, imap_client_new, imap_open, ImapClient};
use imap::ffi::code::ImapCode;
use imap::ffi::commands::imap_noop;
use imap::ffi::parsed::fetch::ImapFetchMessage;
use imap::ffi::pipeline::{
    imap_collect, imap_fetch_each, imap_pending_count, imap_submit, imap_submit_fetch,
};
use imap::ffi::result::imap_result_free;
use imap::proto::response::Item;
use imap::session::Pulled;
use imap::{Config, ErrorKind, Session, TlsMode};
use std::ffi::{c_void, CString};
use std::ptr;
use std::time::Duration;

fn selected_script(rest: Vec<Step>) -> Vec<Step> {
    let mut s = vec![
        send("* PREAUTH fake ready\r\n"),
        expect("CAPABILITY"),
        send("* CAPABILITY IMAP4rev1\r\n{tag} OK done\r\n"),
        expect("SELECT INBOX"),
        send("* 5 EXISTS\r\n{tag} OK [READ-WRITE] selected\r\n"),
    ];
    s.extend(rest);
    s
}

fn open(script: Vec<Step>) -> (FakeServer, Session) {
    let server = FakeServer::start(selected_script(script));
    let mut s = Session::new(Config {
        io_timeout: Duration::from_secs(5),
        ..Config::default()
    });
    s.open("127.0.0.1", server.port, TlsMode::None).unwrap();
    s.select("INBOX", false).unwrap();
    (server, s)
}

fn lines(items: &[Item]) -> Vec<String> {
    items
        .iter()
        .map(|i| match i {
            Item::Line(l) | Item::Literal(l, _) => String::from_utf8_lossy(l).into_owned(),
            Item::None => "None".into(),
        })
        .collect()
}

#[test]
fn two_fetches_interleaved_with_unsolicited_data_complete_out_of_order() {
    let (server, mut s) = open(vec![
        expect("FETCH 1:2 (FLAGS)"),
        expect("FETCH 3:4 (FLAGS)"),
        send(
            "* 3 FETCH (FLAGS (\\Seen))\r\n\
             * 1 FETCH (FLAGS ())\r\n\
             * 6 EXISTS\r\n\
             * 9 FETCH (FLAGS (\\Deleted))\r\n\
             * 4 FETCH (FLAGS ())\r\n\
             {tag} OK second done\r\n\
             * 2 FETCH (FLAGS (\\Answered))\r\n\
             {tag-1} OK first done\r\n",
        ),
    ]);
    let t1 = s.submit_fetch("1:2", "(FLAGS)", false, false).unwrap();
    let t2 = s.submit_fetch("3:4", "(FLAGS)", false, false).unwrap();
    assert_ne!(t1, t2);
    // Collected in the other order than sent.
    let o2 = s.collect(t2).unwrap();
    assert_eq!(o2.typ, "OK");
    assert_eq!(lines(&o2.data), ["3 (FLAGS (\\Seen))", "4 (FLAGS ())"]);
    let o1 = s.collect(t1).unwrap();
    assert_eq!(lines(&o1.data), ["1 (FLAGS ())", "2 (FLAGS (\\Answered))"]);
    assert_eq!(o1.tagged.unwrap().text, b"first done");
    // Unsolicited data went where it always goes.
    assert_eq!(lines(s.untagged().get("EXISTS").unwrap()), ["5", "6"]);
    assert_eq!(
        lines(s.untagged().get("FETCH").unwrap()),
        ["9 (FLAGS (\\Deleted))"]
    );
    // Each ticket once.
    let again = s.collect(t1).unwrap_err();
    assert_eq!(again.kind, ErrorKind::InvalidArgument);
    drop(s);
    server.finish();
}

#[test]
fn uid_fetches_are_routed_by_uid_and_other_kinds_to_the_oldest_collector() {
    let (server, mut s) = open(vec![
        expect("UID FETCH 100:101 (FLAGS)"),
        expect("UID FETCH 200 (FLAGS)"),
        expect("STATUS Other (MESSAGES)"),
        send(
            "* 4 FETCH (UID 200 FLAGS ())\r\n\
             * 1 FETCH (FLAGS () UID 100)\r\n\
             * 2 FETCH (UID 101 FLAGS ())\r\n\
             {tag-2} OK a\r\n\
             {tag-1} OK b\r\n\
             * STATUS Other (MESSAGES 3)\r\n\
             {tag} OK c\r\n",
        ),
    ]);
    let a = s.submit_fetch("100:101", "(FLAGS)", true, false).unwrap();
    let b = s.submit_fetch("200", "(FLAGS)", true, false).unwrap();
    let c = s
        .submit_named(
            "STATUS",
            vec![
                imap::proto::encode::Arg::Astring(b"Other".to_vec()),
                imap::proto::encode::Arg::Group(vec![imap::proto::encode::Arg::Raw(
                    b"MESSAGES".to_vec(),
                )]),
            ],
        )
        .unwrap();
    assert_eq!(
        lines(&s.collect(a).unwrap().data),
        ["1 (FLAGS () UID 100)", "2 (UID 101 FLAGS ())"]
    );
    assert_eq!(lines(&s.collect(b).unwrap().data), ["4 (UID 200 FLAGS ())"]);
    assert_eq!(lines(&s.collect(c).unwrap().data), ["Other (MESSAGES 3)"]);
    assert!(s.untagged().get("FETCH").is_none());
    drop(s);
    server.finish();
}

#[test]
fn a_conflicting_command_waits_for_what_is_in_flight() {
    let (server, mut s) = open(vec![
        expect("UID FETCH 1:* (FLAGS)"),
        // A sequence-number command may not go out while a UID command (which allows
        // EXPUNGE responses) is in flight: nothing comes until it completes.
        Step::Quiet(Duration::from_millis(300)),
        send("* 3 EXPUNGE\r\n* 1 FETCH (UID 7 FLAGS ())\r\n{tag} OK done\r\n"),
        expect("FETCH 3 (FLAGS)"),
        send("* 3 FETCH (FLAGS ())\r\n{tag} OK done\r\n"),
        // SELECT waits for everything.
        expect("NOOP"),
        Step::Quiet(Duration::from_millis(300)),
        send("{tag} OK noop\r\n"),
        expect("SELECT Other"),
        send("* 1 EXISTS\r\n{tag} OK [READ-WRITE] selected\r\n"),
    ]);
    let t = s.submit_fetch("1:*", "(FLAGS)", true, false).unwrap();
    // Sent only once the UID FETCH completed; submit waited for it (reading meanwhile).
    let f = s.submit_fetch("3", "(FLAGS)", false, false).unwrap();
    assert_eq!(lines(&s.collect(t).unwrap().data), ["1 (UID 7 FLAGS ())"]);
    assert_eq!(lines(&s.collect(f).unwrap().data), ["3 (FLAGS ())"]);
    assert_eq!(lines(s.untagged().get("EXPUNGE").unwrap()), ["3"]);
    let n = s.submit_named("NOOP", vec![]).unwrap();
    let sel = s.select("Other", false).unwrap();
    assert_eq!(lines(&sel.data), ["1"]);
    assert_eq!(s.collect(n).unwrap().typ, "OK");
    drop(s);
    server.finish();
}

#[test]
fn bye_with_tickets_pending_ends_every_ticket_with_the_closing_code() {
    let (server, mut s) = open(vec![
        expect("FETCH 1 (FLAGS)"),
        expect("FETCH 2 (FLAGS)"),
        send("* 1 FETCH (FLAGS ())\r\n* BYE going down\r\n"),
        Step::Close,
    ]);
    let a = s.submit_fetch("1", "(FLAGS)", false, false).unwrap();
    let b = s.submit_fetch("2", "(FLAGS)", false, false).unwrap();
    let ea = s.collect(a).unwrap_err();
    assert_eq!(ea.kind, ErrorKind::Abort, "{ea:?}");
    assert!(!s.is_open());
    let eb = s.collect(b).unwrap_err();
    assert_eq!(eb.kind, ErrorKind::Abort, "{eb:?}");
    assert_eq!(
        s.ticket_count().load(std::sync::atomic::Ordering::Relaxed),
        0
    );
    drop(s);
    server.finish();
}

#[test]
fn a_streamed_fetch_gives_its_messages_as_they_come_and_refuses_a_conflicting_command() {
    let (server, mut s) = open(vec![
        expect("FETCH 1:3 (FLAGS)"),
        send("* 1 FETCH (FLAGS ())\r\n* 2 FETCH (FLAGS ())\r\n"),
        Step::Sleep(Duration::from_millis(50)),
        send("* 4 EXISTS\r\n* 3 FETCH (FLAGS ())\r\n{tag} NO partly\r\n"),
    ]);
    let t = s.submit_fetch("1:3", "(FLAGS)", false, true).unwrap();
    // A stream is read with pull, not collected.
    assert_eq!(s.collect(t).unwrap_err().kind, ErrorKind::InvalidArgument);
    // SELECT would have to wait for the stream, whose data nobody reads: refused.
    assert_eq!(
        s.select("Other", false).unwrap_err().kind,
        ErrorKind::IllegalState
    );
    let mut got = Vec::new();
    let end = loop {
        match s.next_pulled(t, 1).unwrap() {
            Pulled::Messages(m) => {
                assert_eq!(m.len(), 1);
                got.extend(lines(&m[0]));
            }
            Pulled::End(r) => break r,
        }
    };
    assert_eq!(got, ["1 (FLAGS ())", "2 (FLAGS ())", "3 (FLAGS ())"]);
    assert_eq!(end.unwrap().typ, "NO");
    assert_eq!(s.pull(t, 1).unwrap_err().kind, ErrorKind::InvalidArgument);
    drop(s);
    server.finish();
}

fn c_open(port: u16) -> *mut ImapClient {
    let mut c = ptr::null_mut();
    unsafe {
        assert_eq!(imap_client_new(&mut c), ImapCode::Ok);
        let host = CString::new("127.0.0.1").unwrap();
        assert_eq!(imap_open(c, host.as_ptr(), port, 0), ImapCode::Ok);
        let mbox = CString::new("INBOX").unwrap();
        let mut r = ptr::null_mut();
        assert_eq!(
            imap::ffi::commands::imap_select(c, mbox.as_ptr(), 0, &mut r),
            ImapCode::Ok
        );
        imap_result_free(r);
    }
    c
}

unsafe extern "C" fn stop_at_second(ctx: *mut c_void, msg: *const ImapFetchMessage) -> i32 {
    let seen = &mut *ctx.cast::<Vec<u32>>();
    seen.push((*msg).seq);
    i32::from(seen.len() == 2)
}

#[test]
fn c_fetch_each_stops_on_request_and_the_connection_stays_usable() {
    let server = FakeServer::start(selected_script(vec![
        expect("FETCH 1:4 (FLAGS)"),
        send(
            "* 1 FETCH (FLAGS ())\r\n* 7 FETCH (FLAGS (\\Seen))\r\n* 2 FETCH (FLAGS ())\r\n\
             * 3 FETCH (FLAGS ())\r\n* 4 FETCH (FLAGS ())\r\n{tag} OK done\r\n",
        ),
        expect("NOOP"),
        send("{tag} OK noop\r\n"),
    ]));
    let c = c_open(server.port);
    let mut seen: Vec<u32> = Vec::new();
    let set = CString::new("1:4").unwrap();
    let items = CString::new("(FLAGS)").unwrap();
    unsafe {
        let code = imap_fetch_each(
            c,
            set.as_ptr(),
            items.as_ptr(),
            Some(stop_at_second),
            (&mut seen as *mut Vec<u32>).cast(),
        );
        assert_eq!(code, ImapCode::Stopped);
        // 7 is not in the set: unsolicited, not passed to the callback.
        assert_eq!(seen, [1, 2]);
        assert_eq!(imap_pending_count(c), 0);
        let mut r = ptr::null_mut();
        assert_eq!(imap_noop(c, &mut r), ImapCode::Ok);
        imap_result_free(r);
        imap_client_free(c);
    }
    server.finish();
}

#[test]
fn c_bad_tickets_and_bad_submissions_send_nothing() {
    let server = FakeServer::start(selected_script(vec![
        expect("FETCH 1 (UID)"),
        send("* 1 FETCH (UID 5)\r\n{tag} OK done\r\n"),
        expect("NOOP"),
        send("{tag} OK noop\r\n"),
    ]));
    let c = c_open(server.port);
    unsafe {
        let mut r = ptr::null_mut();
        assert_eq!(imap_collect(c, 0, &mut r), ImapCode::InvalidArgument);
        assert_eq!(imap_collect(c, 12345, &mut r), ImapCode::InvalidArgument);
        assert!(r.is_null());
        let mut t = 99;
        let bad_set = CString::new("1\r\nX").unwrap();
        let items = CString::new("(UID)").unwrap();
        assert_eq!(
            imap_submit_fetch(c, bad_set.as_ptr(), items.as_ptr(), &mut t),
            ImapCode::InvalidArgument
        );
        assert_eq!(t, 0);
        for name in ["LOGIN", "IDLE", "BOGUS", "UID NOOP"] {
            let n = CString::new(name).unwrap();
            assert_eq!(
                imap_submit(c, n.as_ptr(), ptr::null(), ptr::null(), 0, &mut t),
                ImapCode::InvalidArgument,
                "{name}"
            );
        }
        let set = CString::new("1").unwrap();
        assert_eq!(
            imap_submit_fetch(c, set.as_ptr(), items.as_ptr(), &mut t),
            ImapCode::Ok
        );
        assert_ne!(t, 0);
        assert_eq!(imap_pending_count(c), 1);
        assert_eq!(imap_collect(c, t, &mut r), ImapCode::Ok);
        assert!(!r.is_null());
        imap_result_free(r);
        assert_eq!(imap_collect(c, t, &mut r), ImapCode::InvalidArgument);
        let noop = CString::new("NOOP").unwrap();
        assert_eq!(
            imap_submit(c, noop.as_ptr(), ptr::null(), ptr::null(), 0, &mut t),
            ImapCode::Ok
        );
        assert_eq!(imap_collect(c, t, &mut r), ImapCode::Ok);
        imap_result_free(r);
        imap_client_free(c);
    }
    server.finish();
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
fn c_a_waiting_collect_does_not_hold_the_handle() {
    // The server answers the FETCH only once the NOOP, sent by another thread while the
    // first waits, has arrived: a wait that held the handle would never see it.
    let server = FakeServer::start(selected_script(vec![
        expect("FETCH 1 (FLAGS)"),
        expect("NOOP"),
        send("{tag} OK noop\r\n* 1 FETCH (FLAGS ())\r\n{tag-1} OK fetch\r\n"),
    ]));
    let c = Handle(c_open(server.port));
    unsafe {
        assert_eq!(
            imap::ffi::client::imap_set_timeouts(c.get(), 5000, 3000),
            ImapCode::Ok
        );
    }
    let set = CString::new("1").unwrap();
    let items = CString::new("(FLAGS)").unwrap();
    let mut t = 0;
    unsafe {
        assert_eq!(
            imap_submit_fetch(c.get(), set.as_ptr(), items.as_ptr(), &mut t),
            ImapCode::Ok
        );
    }
    std::thread::scope(|scope| {
        let waiter = scope.spawn(|| {
            let mut r = ptr::null_mut();
            let code = unsafe { imap_collect(c.get(), t, &mut r) };
            let line = unsafe { r.as_ref().map(|_| common_first_line(r)) };
            unsafe { imap_result_free(r) };
            (code, line)
        });
        std::thread::sleep(Duration::from_millis(200));
        let mut r = ptr::null_mut();
        assert_eq!(unsafe { imap_noop(c.get(), &mut r) }, ImapCode::Ok);
        unsafe { imap_result_free(r) };
        let (code, line) = waiter.join().unwrap();
        assert_eq!(code, ImapCode::Ok);
        assert_eq!(line.as_deref(), Some("1 (FLAGS ())"));
    });
    unsafe { imap_client_free(c.get()) };
    server.finish();
}

#[test]
fn c_imap_interrupt_ends_a_waiting_collect_at_once() {
    let server = FakeServer::start(selected_script(vec![
        expect("FETCH 1 (FLAGS)"),
        // Never answered.
    ]));
    let c = Handle(c_open(server.port));
    let set = CString::new("1").unwrap();
    let items = CString::new("(FLAGS)").unwrap();
    let mut t = 0;
    unsafe {
        assert_eq!(
            imap_submit_fetch(c.get(), set.as_ptr(), items.as_ptr(), &mut t),
            ImapCode::Ok
        );
    }
    let start = std::time::Instant::now();
    std::thread::scope(|scope| {
        let waiter = scope.spawn(|| {
            let mut r = ptr::null_mut();
            unsafe { imap_collect(c.get(), t, &mut r) }
        });
        // Retried until the collect is running (ILLEGAL_STATE before).
        let mut fired = ImapCode::IllegalState;
        for _ in 0..100 {
            fired = unsafe { imap::ffi::client::imap_interrupt(c.get()) };
            if fired == ImapCode::Ok {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(fired, ImapCode::Ok);
        assert_eq!(waiter.join().unwrap(), ImapCode::Interrupted);
    });
    assert!(start.elapsed() < Duration::from_secs(4));
    unsafe {
        assert_eq!(imap_pending_count(c.get()), 0);
        assert_eq!(
            imap::ffi::client::imap_client_is_open(c.get()),
            0,
            "closed after an interrupt"
        );
        imap_client_free(c.get());
    }
    server.finish();
}

/// The first line of a result's first item.
unsafe fn common_first_line(r: *const imap::ffi::result::ImapResult) -> String {
    let item = &*imap::ffi::result::imap_result_item(r, 0);
    assert!(!item.data.is_null());
    String::from_utf8_lossy(std::slice::from_raw_parts(item.data, item.len)).into_owned()
}

#[test]
fn a_later_command_about_the_same_message_gets_the_second_response() {
    // Dovecot runs pipelined FETCHes in parallel: both answers about message 1 may come
    // before the first command completes.
    let (server, mut s) = open(vec![
        expect("FETCH 1 (FLAGS)"),
        expect("FETCH 1 (UID)"),
        send(
            "* 1 FETCH (FLAGS ())\r\n* 1 FETCH (UID 10)\r\n\
             {tag-1} OK a\r\n{tag} OK b\r\n",
        ),
    ]);
    let a = s.submit_fetch("1", "(FLAGS)", false, false).unwrap();
    let b = s.submit_fetch("1", "(UID)", false, false).unwrap();
    assert_eq!(lines(&s.collect(a).unwrap().data), ["1 (FLAGS ())"]);
    assert_eq!(lines(&s.collect(b).unwrap().data), ["1 (UID 10)"]);
    drop(s);
    server.finish();
}

#[test]
fn c_a_synchronous_fetch_alone_keeps_imaplibs_result_with_unsolicited_data() {
    // imaplib's fetch returns every FETCH response kept, the unsolicited ones included (here
    // one left by the NOOP and one arriving during the FETCH): so does the C call.
    let server = FakeServer::start(selected_script(vec![
        expect("NOOP"),
        send("* 9 FETCH (FLAGS (\\Seen))\r\n{tag} OK noop\r\n"),
        expect("FETCH 1 (FLAGS)"),
        send("* 1 FETCH (FLAGS ())\r\n* 8 FETCH (FLAGS ())\r\n{tag} OK done\r\n"),
    ]));
    let c = c_open(server.port);
    let set = CString::new("1").unwrap();
    let items = CString::new("(FLAGS)").unwrap();
    unsafe {
        let mut r = ptr::null_mut();
        assert_eq!(imap_noop(c, &mut r), ImapCode::Ok);
        imap_result_free(r);
        assert_eq!(
            imap::ffi::commands::imap_fetch(c, set.as_ptr(), items.as_ptr(), &mut r),
            ImapCode::Ok
        );
        let n = imap::ffi::result::imap_result_count(r);
        let got: Vec<String> = (0..n)
            .map(|i| {
                let item = &*imap::ffi::result::imap_result_item(r, i);
                String::from_utf8_lossy(std::slice::from_raw_parts(item.data, item.len))
                    .into_owned()
            })
            .collect();
        assert_eq!(got, ["9 (FLAGS (\\Seen))", "1 (FLAGS ())", "8 (FLAGS ())"]);
        imap_result_free(r);
        imap_client_free(c);
    }
    server.finish();
}

#[test]
fn a_submitted_select_changes_the_state_when_it_completes() {
    let (server, mut s) = open(vec![
        expect("CLOSE"),
        send("{tag} OK closed\r\n"),
        expect("SELECT Other"),
        send("* 7 EXISTS\r\n{tag} OK [READ-WRITE] selected\r\n"),
        expect("FETCH 7 (FLAGS)"),
        send("* 7 FETCH (FLAGS ())\r\n{tag} OK done\r\n"),
    ]);
    let close = s.submit_named("CLOSE", vec![]).unwrap();
    // SELECT waits for the CLOSE; the FETCH for the SELECT (checked in its new state).
    let select = s
        .submit_named(
            "SELECT",
            vec![imap::proto::encode::Arg::Astring(b"Other".to_vec())],
        )
        .unwrap();
    let fetch = s.submit_fetch("7", "(FLAGS)", false, false).unwrap();
    assert_eq!(s.state(), imap::State::Selected);
    assert_eq!(s.collect(close).unwrap().typ, "OK");
    assert_eq!(lines(&s.collect(select).unwrap().data), ["7"]);
    assert_eq!(lines(&s.collect(fetch).unwrap().data), ["7 (FLAGS ())"]);
    drop(s);
    server.finish();
}

#[test]
fn c_a_waiting_collect_times_out_by_the_io_timeout_and_closes() {
    let server = FakeServer::start(selected_script(vec![
        expect("FETCH 1 (FLAGS)"),
        // Never answered.
    ]));
    let c = c_open(server.port);
    let set = CString::new("1").unwrap();
    let items = CString::new("(FLAGS)").unwrap();
    unsafe {
        assert_eq!(
            imap::ffi::client::imap_set_timeouts(c, 5000, 300),
            ImapCode::Ok
        );
        let mut t = 0;
        assert_eq!(
            imap_submit_fetch(c, set.as_ptr(), items.as_ptr(), &mut t),
            ImapCode::Ok
        );
        let start = std::time::Instant::now();
        let mut r = ptr::null_mut();
        assert_eq!(imap_collect(c, t, &mut r), ImapCode::Timeout);
        let took = start.elapsed();
        assert!(took >= Duration::from_millis(250), "{took:?}");
        assert!(took < Duration::from_secs(5), "{took:?}");
        let msg = std::ffi::CStr::from_ptr(imap::ffi::client::imap_last_error(c));
        assert!(
            msg.to_string_lossy().contains("no data from the server"),
            "{msg:?}"
        );
        assert_eq!(imap::ffi::client::imap_client_is_open(c), 0);
        assert_eq!(imap_pending_count(c), 0);
        imap_client_free(c);
    }
    server.finish();
}

/// A flag change the server reports on its own (`* 2 FETCH (FLAGS ...)`) about a message an
/// in-flight FETCH asked other items of is not that FETCH's answer: it goes to the mailbox's
/// untagged data, and each FETCH gets exactly its own answer, in whatever order they come.
/// (Seen against Dovecot when another connection stored flags while FETCHes were in flight:
/// the update was taken as one FETCH's answer and the real answer went to the next command.)
#[test]
fn an_unsolicited_flag_change_is_not_the_answer_of_a_fetch_that_asked_other_items() {
    let (server, mut s) = open(vec![
        expect("FETCH 2 (UID)"),
        expect("FETCH 2 (UID RFC822.SIZE)"),
        expect("UID FETCH 7 (FLAGS)"),
        send(
            "* 2 FETCH (FLAGS (\\Flagged \\Seen))\r\n\
             * 2 FETCH (UID 7)\r\n\
             * 2 FETCH (FLAGS (\\Seen))\r\n\
             * 2 FETCH (UID 7 RFC822.SIZE 100)\r\n\
             * 2 FETCH (FLAGS (\\Seen) UID 7)\r\n\
             {tag-2} OK first done\r\n\
             {tag-1} OK second done\r\n\
             {tag} OK third done\r\n",
        ),
    ]);
    let t1 = s.submit_fetch("2", "(UID)", false, false).unwrap();
    let t2 = s
        .submit_fetch("2", "(UID RFC822.SIZE)", false, false)
        .unwrap();
    let t3 = s.submit_fetch("7", "(FLAGS)", true, false).unwrap();
    assert_eq!(lines(&s.collect(t1).unwrap().data), ["2 (UID 7)"]);
    assert_eq!(
        lines(&s.collect(t2).unwrap().data),
        ["2 (UID 7 RFC822.SIZE 100)"]
    );
    assert_eq!(
        lines(&s.collect(t3).unwrap().data),
        ["2 (FLAGS (\\Seen) UID 7)"]
    );
    let unsolicited = s.untagged().get("FETCH").cloned().unwrap_or_default();
    assert_eq!(
        lines(&unsolicited),
        ["2 (FLAGS (\\Flagged \\Seen))", "2 (FLAGS (\\Seen))"]
    );
    drop(server);
}

/// A FETCH that asks for more than flags (UID FLAGS ENVELOPE) is not answered by a flag
/// change the server reports on its own about one of its messages (`* 1 FETCH (FLAGS ...)`,
/// even with UID beside it): fetch_each and the pull form see each message once.
#[test]
fn a_flag_change_does_not_answer_a_fetch_that_asked_for_more_than_flags() {
    let (server, mut s) = open(vec![
        expect("FETCH 1:2 (UID FLAGS RFC822.SIZE)"),
        send(
            "* 1 FETCH (UID 1 FLAGS () RFC822.SIZE 10)\r\n\
             * 1 FETCH (FLAGS (\\Flagged) UID 1)\r\n\
             * 2 FETCH (UID 2 FLAGS () RFC822.SIZE 20)\r\n\
             {tag} OK done\r\n",
        ),
    ]);
    let t = s
        .submit_fetch("1:2", "(UID FLAGS RFC822.SIZE)", false, false)
        .unwrap();
    assert_eq!(
        lines(&s.collect(t).unwrap().data),
        [
            "1 (UID 1 FLAGS () RFC822.SIZE 10)",
            "2 (UID 2 FLAGS () RFC822.SIZE 20)"
        ]
    );
    let unsolicited = s.untagged().get("FETCH").cloned().unwrap_or_default();
    assert_eq!(lines(&unsolicited), ["1 (FLAGS (\\Flagged) UID 1)"]);
    drop(server);
}
