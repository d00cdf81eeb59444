//! Overall deadlines (see `Config::call_timeout`): a server that keeps a call alive by dripping
//! bytes, or that stops reading what the client writes, ends the call with a timeout within
//! its deadline, while data that flows at a reasonable rate is never cut.
//!
//! The client side is the real `Session` over a real socket against the scripted fake server.
//! Bounds are generous (several times the deadline): they catch calls that never end or that
//! take a multiple of their timeout, not small timing differences.

mod fake;

use fake::{drip, expect, send, FakeServer, Step};
use imap::proto::framer::LiteralData;
use imap::proto::response::Item;
use imap::{Config, Error, ErrorKind, Session, TlsMode};
use std::time::{Duration, Instant};

/// The I/O timeout (and so the call deadline) of the drip tests.
const IO: Duration = Duration::from_millis(500);
/// "Ended within its deadline", generously: three times the deadline.
const BOUND: Duration = Duration::from_millis(1500);
/// One byte per this is 20 bytes/s, far below any reasonable minimum throughput.
const DRIP: Duration = Duration::from_millis(50);

const GREETING: &str = "* OK [CAPABILITY IMAP4rev1] fake ready\r\n";

fn config(io: Duration) -> Config {
    let mut config = Config {
        connect_timeout: Duration::from_secs(5),
        io_timeout: io,
        ..Config::default()
    };
    config.tls.ca_file = Some(fake::certificate().0.clone());
    config
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed())
}

/// Whole untagged responses, about `n` bytes of them, then the tagged OK.
fn responses(n: usize) -> Vec<u8> {
    let mut out = b"* 1 EXISTS\r\n".repeat(n / 12 + 1);
    out.extend_from_slice(b"{tag} OK done\r\n");
    out
}

/// Checks a timeout that ended the call within [`BOUND`] and closed the connection.
fn assert_timed_out<T: std::fmt::Debug>(
    session: &Session,
    r: Result<T, Error>,
    took: Duration,
) -> String {
    let err = r.expect_err("the call should have timed out");
    assert_eq!(err.kind, ErrorKind::Timeout, "{}", err.message);
    assert!(took < BOUND, "took {took:?}: {}", err.message);
    assert!(!session.is_open(), "connection still open after a timeout");
    err.message
}

/// A plaintext session, opened.
fn open(script: Vec<Step>, io: Duration) -> (FakeServer, Session) {
    let server = FakeServer::start(script);
    let mut session = Session::new(config(io));
    session
        .open("127.0.0.1", server.port, TlsMode::None)
        .expect("open");
    (server, session)
}

// ----- reads: a dripping server --------------------------------------------------------------

#[test]
fn a_response_dripped_byte_by_byte_ends_with_timeout_within_the_deadline() {
    let script = vec![
        send(GREETING),
        expect("NOOP"),
        drip(responses(200), 1, DRIP),
    ];
    let (server, mut session) = open(script, IO);
    let (r, took) = timed(|| session.noop());
    let message = assert_timed_out(&session, r, took);
    assert!(message.contains("deadline"), "{message}");
    drop(session);
    server.finish();
}

#[test]
fn whole_small_responses_trickled_end_with_timeout_too() {
    // Each write is a whole response; a call made of many of them is no different.
    let script = vec![
        send(GREETING),
        expect("NOOP"),
        drip(responses(2000), 12, Duration::from_millis(30)),
    ];
    let (server, mut session) = open(script, IO);
    let (r, took) = timed(|| session.noop());
    assert_timed_out(&session, r, took);
    drop(session);
    server.finish();
}

#[test]
fn a_dripped_literal_ends_with_timeout() {
    let mut bytes = b"* 1 FETCH (BODY[] {200}\r\n".to_vec();
    bytes.extend_from_slice(&[b'x'; 200]);
    bytes.extend_from_slice(b")\r\n{tag} OK done\r\n");
    let script = vec![
        send("* PREAUTH fake\r\n"),
        expect("CAPABILITY"),
        send("* CAPABILITY IMAP4rev1\r\n{tag} OK done\r\n"),
        expect("SELECT INBOX"),
        send("* 1 EXISTS\r\n{tag} OK [READ-WRITE] selected\r\n"),
        expect("FETCH 1 (BODY[])"),
        drip(bytes, 1, DRIP),
    ];
    let (server, mut session) = open(script, IO);
    session.select("INBOX", false).expect("select");
    let (r, took) = timed(|| session.fetch("1", "(BODY[])"));
    assert_timed_out(&session, r, took);
    drop(session);
    server.finish();
}

#[test]
fn a_dripped_greeting_ends_open_with_timeout() {
    let greeting = format!("* OK {} ready\r\n", "x".repeat(200));
    let server = FakeServer::start(vec![drip(greeting, 1, DRIP)]);
    let mut session = Session::new(config(IO));
    let (r, took) = timed(|| session.open("127.0.0.1", server.port, TlsMode::None));
    assert_timed_out(&session, r, took);
    drop(session);
    server.finish();
}

#[test]
fn a_dripped_tls_handshake_ends_open_with_timeout() {
    // A TLS record header announcing 16 KiB, then its body one byte at a time: the handshake
    // never completes unless something bounds it.
    let mut hello = vec![0x16, 0x03, 0x03, 0x40, 0x00];
    hello.extend_from_slice(&[0x02; 200]);
    let server = FakeServer::start(vec![drip(hello, 1, DRIP)]);
    let mut session = Session::new(config(IO));
    let (r, took) = timed(|| session.open("127.0.0.1", server.port, TlsMode::Implicit));
    let message = assert_timed_out(&session, r, took);
    assert!(message.contains("TLS handshake"), "{message}");
    drop(session);
    server.finish();
}

#[test]
fn a_response_dripped_over_tls_ends_with_timeout() {
    let script = vec![
        send("* OK [CAPABILITY IMAP4rev1 STARTTLS] fake ready\r\n"),
        expect("STARTTLS"),
        send("{tag} OK begin TLS\r\n"),
        Step::StartTls,
        expect("CAPABILITY"),
        send("* CAPABILITY IMAP4rev1\r\n{tag} OK done\r\n"),
        expect("NOOP"),
        drip(responses(200), 1, DRIP),
    ];
    let server = FakeServer::start(script);
    let mut session = Session::new(config(IO));
    session
        .open("127.0.0.1", server.port, TlsMode::StartTls)
        .expect("open with STARTTLS");
    assert!(session.is_tls());
    let (r, took) = timed(|| session.noop());
    assert_timed_out(&session, r, took);
    drop(session);
    server.finish();
}

// ----- reads: data that flows is not cut ------------------------------------------------------

/// A FETCH of a `size`-byte literal, sent in 64 KiB writes with a pause after each.
fn flowing_literal(size: usize, pause: Duration) -> Vec<Step> {
    let mut bytes = format!("* 1 FETCH (BODY[] {{{size}}}\r\n").into_bytes();
    bytes.extend((0..size).map(|i| b'a' + (i % 26) as u8));
    bytes.extend_from_slice(b")\r\n");
    vec![
        send("* PREAUTH fake\r\n"),
        expect("CAPABILITY"),
        send("* CAPABILITY IMAP4rev1\r\n{tag} OK done\r\n"),
        expect("SELECT INBOX"),
        send("* 1 EXISTS\r\n{tag} OK [READ-WRITE] selected\r\n"),
        expect("FETCH 1 (BODY[])"),
        drip(bytes, 64 * 1024, pause),
        send("{tag} OK done\r\n"),
    ]
}

fn fetched_literal_len(out: &imap::Outcome) -> usize {
    match out.data.first() {
        Some(Item::Literal(_, LiteralData::Bytes(b))) => b.len(),
        other => panic!("unexpected data {other:?}"),
    }
}

#[test]
fn a_large_literal_flowing_for_longer_than_the_deadline_completes() {
    // 16 MiB in 256 writes with 10 ms after each: over 2.5 s in all, far longer than the
    // 1 s timeout, at several MB/s.
    let size = 16 << 20;
    let io = Duration::from_secs(1);
    let (server, mut session) = open(flowing_literal(size, Duration::from_millis(10)), io);
    session.select("INBOX", false).expect("select");
    let (out, took) = timed(|| session.fetch("1", "(BODY[])"));
    let out = out.expect("a flowing literal must not be cut");
    assert!(
        took > io,
        "the transfer was too fast to test anything: {took:?}"
    );
    assert!(out.is_ok(), "{out:?}");
    assert_eq!(fetched_literal_len(&out), size);
    assert!(session.is_open());
    drop(session);
    server.finish();
}

#[test]
fn a_slow_server_that_still_delivers_the_minimum_rate_completes() {
    // 8 KiB every 100 ms (80 KiB/s, above the default minimum) for 3 s with a 500 ms timeout.
    let size = 240 * 1024;
    let mut bytes = format!("* 1 FETCH (BODY[] {{{size}}}\r\n").into_bytes();
    bytes.extend(std::iter::repeat_n(b'z', size));
    bytes.extend_from_slice(b")\r\n{tag} OK done\r\n");
    let script = vec![
        send("* PREAUTH fake\r\n"),
        expect("CAPABILITY"),
        send("* CAPABILITY IMAP4rev1\r\n{tag} OK done\r\n"),
        expect("SELECT INBOX"),
        send("* 1 EXISTS\r\n{tag} OK [READ-WRITE] selected\r\n"),
        expect("FETCH 1 (BODY[])"),
        drip(bytes, 8 * 1024, Duration::from_millis(100)),
    ];
    let (server, mut session) = open(script, IO);
    session.select("INBOX", false).expect("select");
    let out = session.fetch("1", "(BODY[])").expect("fetch at 80 KiB/s");
    assert_eq!(fetched_literal_len(&out), size);
    drop(session);
    server.finish();
}

#[test]
fn a_longer_call_timeout_lets_a_slow_call_finish() {
    // The same drip as above would time out; with a call timeout of 20 s it completes.
    let script = vec![
        send(GREETING),
        expect("NOOP"),
        drip(responses(24), 1, Duration::from_millis(20)),
    ];
    let server = FakeServer::start(script);
    let mut c = config(IO);
    c.call_timeout = Some(Duration::from_secs(20));
    let mut session = Session::new(c);
    session
        .open("127.0.0.1", server.port, TlsMode::None)
        .expect("open");
    let (out, took) = timed(|| session.noop());
    let out = out.expect("noop under a long call timeout");
    assert!(out.is_ok());
    assert!(took > IO, "{took:?}");
    drop(session);
    server.finish();
}

#[test]
fn the_deadline_is_per_call() {
    // Three calls, each taking about 60% of the deadline: none is cut by the time the
    // earlier ones took.
    let mut script = vec![send(GREETING)];
    for _ in 0..3 {
        script.push(expect("NOOP"));
        script.push(Step::Sleep(Duration::from_millis(300)));
        script.push(send("{tag} OK done\r\n"));
    }
    let (server, mut session) = open(script, IO);
    for _ in 0..3 {
        assert!(session.noop().expect("noop").is_ok());
    }
    drop(session);
    server.finish();
}

#[test]
fn an_idle_wait_keeps_its_own_timeout() {
    // idle_wait's explicit timeout replaces the call deadline: a quiet 1.2 s wait with a
    // 300 ms I/O timeout returns nothing and leaves the connection usable; a dripping server
    // during the wait does not end it early either.
    let script = vec![
        send("* PREAUTH fake\r\n"),
        expect("CAPABILITY"),
        send("* CAPABILITY IMAP4rev1 IDLE\r\n{tag} OK done\r\n"),
        expect("IDLE"),
        send("+ idling\r\n"),
        Step::Sleep(Duration::from_millis(1400)),
        drip("* 2 EXISTS\r\n", 1, Duration::from_millis(100)),
        Step::ExpectLine("DONE".into()),
        send("{tag} OK idle done\r\n"),
    ];
    let (server, mut session) = open(script, Duration::from_millis(300));
    session.idle_start().expect("idle start");
    let (got, took) = timed(|| session.idle_wait(Duration::from_millis(1200)));
    assert_eq!(got.expect("quiet idle wait"), None);
    assert!(took >= Duration::from_millis(1100), "{took:?}");
    assert!(session.is_open());
    let got = session
        .idle_wait(Duration::from_secs(5))
        .expect("dripped idle wait");
    assert_eq!(
        got,
        Some(("EXISTS".into(), vec![Item::Line(b"2".to_vec())]))
    );
    assert!(session.idle_done().expect("idle done").is_ok());
    drop(session);
    server.finish();
}

// ----- writes: a server that stops reading ---------------------------------------------------

/// A server that asks for an APPEND literal of `size` bytes, then stops reading.
fn stalled_append(size: usize, tls: bool) -> Vec<Step> {
    let mut script = if tls {
        vec![
            send("* OK [CAPABILITY IMAP4rev1 STARTTLS] fake ready\r\n"),
            expect("STARTTLS"),
            send("{tag} OK begin TLS\r\n"),
            Step::StartTls,
            expect("CAPABILITY"),
            send("* CAPABILITY IMAP4rev1\r\n{tag} OK done\r\n"),
            expect("LOGIN user \"secret\""),
            send("{tag} OK [CAPABILITY IMAP4rev1] logged in\r\n"),
        ]
    } else {
        vec![
            send("* PREAUTH fake\r\n"),
            expect("CAPABILITY"),
            send("* CAPABILITY IMAP4rev1\r\n{tag} OK done\r\n"),
        ]
    };
    script.extend([
        expect(&format!("APPEND INBOX {{{size}}}")),
        send("+ go ahead\r\n"),
        // Stop reading: the client's literal fills the socket buffers and stalls.
        Step::Sleep(Duration::from_secs(6)),
    ]);
    script
}

fn check_stalled_append(tls: bool) {
    // Far more than loopback socket buffers hold.
    let size = 48 << 20;
    let io = Duration::from_millis(800);
    let server = FakeServer::start(stalled_append(size, tls));
    let mut session = Session::new(config(io));
    let mode = if tls {
        TlsMode::StartTls
    } else {
        TlsMode::None
    };
    session.open("127.0.0.1", server.port, mode).expect("open");
    if tls {
        session.login("user", "secret").expect("login");
    }
    let message = vec![b'm'; size];
    let (r, took) = timed(|| session.append(Some("INBOX"), None, None, &message));
    let err = r.expect_err("a stalled APPEND must fail");
    assert_eq!(err.kind, ErrorKind::Timeout, "{}", err.message);
    assert!(
        err.message.contains("stopped reading"),
        "the message must say the write stalled (took {took:?}): {}",
        err.message
    );
    // Within the configured timeout, generously: not a multiple of it.
    assert!(
        took < io * 2 + Duration::from_millis(300),
        "took {took:?} for a {io:?} timeout"
    );
    assert!(!session.is_open());
    drop(session);
    server.finish();
}

#[test]
fn a_stalled_append_times_out_saying_the_server_stopped_reading() {
    check_stalled_append(false);
}

#[test]
fn a_stalled_append_over_tls_times_out_saying_the_server_stopped_reading() {
    check_stalled_append(true);
}

// ----- the C setter --------------------------------------------------------------------------

/// NOOP through the C ABI against a server dripping its reply at 50 bytes/s (io timeout
/// 500 ms), after `configure`; returns the code and how long it took.
fn c_noop_against_a_drip(
    configure: impl FnOnce(*mut imap::ffi::client::ImapClient),
) -> (imap::ffi::code::ImapCode, Duration) {
    use imap::ffi::client::{imap_client_free, imap_client_new, imap_open, imap_set_timeouts};
    use imap::ffi::code::ImapCode;
    use imap::ffi::commands::imap_noop;
    use imap::ffi::result::imap_result_free;
    let script = vec![
        send(GREETING),
        expect("NOOP"),
        drip(responses(48), 1, Duration::from_millis(20)),
    ];
    let server = FakeServer::start(script);
    // SAFETY: a handle of our own, used on this thread and freed at the end.
    unsafe {
        let mut c = std::ptr::null_mut();
        assert_eq!(imap_client_new(&mut c), ImapCode::Ok);
        assert_eq!(imap_set_timeouts(c, 5000, 500), ImapCode::Ok);
        configure(c);
        assert_eq!(
            imap_open(c, c"127.0.0.1".as_ptr(), server.port, 0),
            ImapCode::Ok
        );
        let mut r = std::ptr::null_mut();
        let (code, took) = timed(|| imap_noop(c, &mut r));
        imap_result_free(r);
        imap_client_free(c);
        server.finish();
        (code, took)
    }
}

#[test]
fn imap_set_call_timeout_sets_the_deadline_of_c_calls() {
    use imap::ffi::client::imap_set_call_timeout;
    use imap::ffi::code::ImapCode;
    // The default: the deadline is the I/O timeout, and the drip ends the call.
    let (code, took) = c_noop_against_a_drip(|_| {});
    assert_eq!(code, ImapCode::Timeout);
    assert!(took < BOUND, "{took:?}");
    // A 20 s call timeout lets it finish.
    let (code, _) = c_noop_against_a_drip(|c| {
        // SAFETY: a live handle.
        assert_eq!(
            unsafe { imap_set_call_timeout(c, 20_000, 1024) },
            ImapCode::Ok
        );
    });
    assert_eq!(code, ImapCode::Ok);
    // NULL is refused.
    // SAFETY: NULL is allowed and refused.
    let code = unsafe { imap_set_call_timeout(std::ptr::null_mut(), 1, 1) };
    assert_eq!(code, ImapCode::InvalidArgument);
}

// ----- a child process (IMAP4_stream) ---------------------------------------------------------

/// Closing a child stream gives the child up to a second to exit before it is killed (these
/// children do not read their stdin, so they use it all): the bounds add that second.
const CHILD_EXIT: Duration = Duration::from_secs(1);

#[test]
fn a_child_process_dripping_its_reply_ends_with_timeout() {
    let command = "printf '* OK [CAPABILITY IMAP4rev1] ready\\r\\n'; read line; \
                   i=0; while [ $i -lt 200 ]; do printf x; sleep 0.05; i=$((i+1)); done";
    let mut session = Session::new(config(IO));
    session.open_stream(command).expect("open_stream");
    let (r, took) = timed(|| session.noop());
    let message = assert_timed_out(&session, r, took.saturating_sub(CHILD_EXIT));
    assert!(message.contains("deadline"), "{message}");
}

#[test]
fn a_child_process_that_stops_reading_times_out_saying_so() {
    let command = "printf '* PREAUTH ready\\r\\n'; read line; \
                   printf '* CAPABILITY IMAP4rev1\\r\\n%s OK done\\r\\n' \"${line%% *}\"; \
                   read line; printf '+ go ahead\\r\\n'; sleep 10";
    let io = Duration::from_millis(800);
    let mut session = Session::new(config(io));
    session.open_stream(command).expect("open_stream");
    let message = vec![b'm'; 8 << 20];
    let (r, took) = timed(|| session.append(Some("INBOX"), None, None, &message));
    let err = r.expect_err("a stalled APPEND must fail");
    assert_eq!(err.kind, ErrorKind::Timeout, "{}", err.message);
    assert!(err.message.contains("stopped reading"), "{}", err.message);
    assert!(
        took < io * 2 + Duration::from_millis(300) + CHILD_EXIT,
        "took {took:?}"
    );
    assert!(!session.is_open());
}
