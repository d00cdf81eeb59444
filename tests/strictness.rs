//! Failure semantics and protocol strictness against a scripted fake server: a fatal error
//! always means the connection is closed, a login that worked is never reported as failed, a
//! literal that was never sent is never reported as stored, a continuation nobody asked for is
//! a protocol error, mailbox data sent before login is not kept, `response()` reports its own
//! status, IDLE without the capability is Unsupported in every state, and a handle opens again
//! from a clean state.

mod fake;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use fake::{expect, send, FakeServer, Step, Transcript};
use imap::proto::encode::{Arg, Command};
use imap::proto::response::Item;
use imap::{Config, Error, ErrorKind, Mechanism, Session, State, TlsMode};
use std::time::{Duration, Instant};

/// An I/O timeout no passing test comes near.
const LONG_WAIT: Duration = Duration::from_secs(20);
/// The bound for "returned promptly".
const PROMPT: Duration = Duration::from_secs(5);

const GREETING: &str = "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR] fake ready\r\n";
const PREAUTH: &str = "* PREAUTH fake ready\r\n";

/// A PREAUTH greeting and the CAPABILITY exchange it needs (imaplib reads no code in PREAUTH).
fn preauth() -> Vec<Step> {
    vec![
        send(PREAUTH),
        expect("CAPABILITY"),
        send("* CAPABILITY IMAP4rev1 IDLE\r\n{tag} OK done\r\n"),
    ]
}

/// [`preauth`] followed by `rest`.
fn after_preauth(rest: &[Step]) -> Vec<Step> {
    let mut steps = preauth();
    steps.extend_from_slice(rest);
    steps
}

fn config() -> Config {
    Config {
        connect_timeout: PROMPT,
        io_timeout: LONG_WAIT,
        ..Config::default()
    }
}

/// A fake server running `script` and a session opened to it (the open must work).
fn open_with(script: Vec<Step>, tweak: impl FnOnce(&mut Config)) -> (FakeServer, Session) {
    let server = FakeServer::start(script);
    let mut cfg = config();
    tweak(&mut cfg);
    let mut session = Session::new(cfg);
    if let Err(e) = session.open("127.0.0.1", server.port, TlsMode::None) {
        panic!("open failed: {:?}: {}", e.kind, e.message);
    }
    (server, session)
}

fn open(script: Vec<Step>) -> (FakeServer, Session) {
    open_with(script, |_| {})
}

fn script(steps: &[Step]) -> Vec<Step> {
    steps.to_vec()
}

/// Checks that `r` failed with `kind`, promptly, that the connection is closed (the server saw
/// it close) and that a later call says Closed. Returns the error and the transcript.
#[track_caller]
fn closed_by<T: std::fmt::Debug>(
    what: &str,
    mut session: Session,
    server: FakeServer,
    r: Result<T, Error>,
    started: Instant,
    kind: ErrorKind,
) -> (Error, Transcript) {
    let took = started.elapsed();
    let e = r.unwrap_err_or_panic(what);
    assert_eq!(e.kind, kind, "{what}: wrong kind; message: {}", e.message);
    assert!(took < PROMPT, "{what}: took {took:?}");
    assert!(kind.is_fatal(), "{what}: {kind:?} is not a fatal kind");
    assert!(
        !session.is_open(),
        "{what}: {kind:?} returned, yet the connection is still open ({})",
        e.message
    );
    let later = session.noop().expect_err("noop after a fatal error");
    assert_eq!(later.kind, ErrorKind::Closed, "{what}: {}", later.message);
    drop(session);
    let t = server.finish();
    assert!(t.client_closed, "{what}: the server never saw the close");
    (e, t)
}

trait UnwrapErr<T> {
    fn unwrap_err_or_panic(self, what: &str) -> Error;
}

impl<T: std::fmt::Debug> UnwrapErr<T> for Result<T, Error> {
    #[track_caller]
    fn unwrap_err_or_panic(self, what: &str) -> Error {
        match self {
            Ok(v) => panic!("{what}: the call should have failed, got {v:?}"),
            Err(e) => e,
        }
    }
}

fn text(t: &Transcript) -> String {
    String::from_utf8_lossy(&t.all()).into_owned()
}

// ----- 4: a fatal error always means the connection is closed ---------------------------------

/// The ways a CAPABILITY refresh after a successful login can come back empty-handed.
const EMPTY_REFRESHES: [&str; 4] = [
    "{tag} OK no data\r\n",
    "{tag} NO not now\r\n",
    "{tag} BAD what\r\n",
    "* CAPABILITY FOO BAR\r\n{tag} OK not imap\r\n",
];

#[test]
fn login_that_worked_stays_ok_when_the_capability_refresh_brings_nothing() {
    for reply in EMPTY_REFRESHES {
        let (server, mut s) = open(script(&[
            send(GREETING),
            expect("LOGIN user \"secret1\""),
            send("{tag} OK logged in\r\n"),
            expect("CAPABILITY"),
            send(reply),
            expect("NOOP"),
            send("{tag} OK still here\r\n"),
        ]));
        let before = s.capabilities().to_vec();
        let out = s
            .login("user", "secret1")
            .unwrap_or_else(|e| panic!("{reply:?}: login reported {:?}: {}", e.kind, e.message));
        assert!(out.is_ok(), "{reply:?}: {out:?}");
        assert_eq!(s.state(), State::Auth, "{reply:?}");
        assert!(s.is_open(), "{reply:?}");
        assert_eq!(s.capabilities(), before, "{reply:?}: last known kept");
        assert!(s.noop().expect("noop after login").is_ok());
        drop(s);
        server.finish();
    }
}

#[test]
fn authenticate_that_worked_stays_ok_when_the_capability_refresh_brings_nothing() {
    let ir = B64.encode(b"\0user\0secret1");
    for reply in EMPTY_REFRESHES {
        let (server, mut s) = open(vec![
            send(GREETING),
            expect(&format!("AUTHENTICATE PLAIN {ir}")),
            send("{tag} OK authenticated\r\n"),
            expect("CAPABILITY"),
            send(reply),
            expect("NOOP"),
            send("{tag} OK still here\r\n"),
        ]);
        let out = s
            .login_with(Mechanism::Plain {
                authzid: None,
                user: "user",
                password: "secret1".into(),
            })
            .unwrap_or_else(|e| panic!("{reply:?}: login reported {:?}: {}", e.kind, e.message));
        assert!(out.is_ok(), "{reply:?}: {out:?}");
        assert_eq!(s.state(), State::Auth);
        assert!(s.is_open());
        assert!(s.noop().expect("noop after login").is_ok());
        drop(s);
        server.finish();
    }
}

#[test]
fn login_then_the_connection_drops_during_the_refresh_is_abort_and_closed() {
    let (server, mut s) = open(script(&[
        send(GREETING),
        expect("LOGIN user \"secret1\""),
        send("{tag} OK logged in\r\n"),
        expect("CAPABILITY"),
        Step::Close,
    ]));
    let t0 = Instant::now();
    let r = s.login("user", "secret1");
    closed_by("login", s, server, r, t0, ErrorKind::Abort);
}

type Action = fn(&mut Session) -> Result<(), Error>;

fn noop(s: &mut Session) -> Result<(), Error> {
    s.noop().map(drop)
}

/// Many ways to fail fatally; each must leave the handle closed.
#[test]
fn every_fatal_failure_closes_the_connection() {
    let tagged_ok = "{tag} OK done\r\n";
    let cases: Vec<(&str, Vec<Step>, Action, ErrorKind)> = vec![
        (
            "EOF mid-command",
            vec![send(GREETING), expect("NOOP"), Step::Close],
            noop,
            ErrorKind::Abort,
        ),
        (
            "EOF mid-response",
            vec![send(GREETING), expect("NOOP"), send("* 1 EXI"), Step::Close],
            noop,
            ErrorKind::Abort,
        ),
        (
            "garbage line",
            vec![send(GREETING), expect("NOOP"), send("garbage\r\n")],
            noop,
            ErrorKind::Abort,
        ),
        (
            "BYE",
            vec![send(GREETING), expect("NOOP"), send("* BYE going\r\n")],
            noop,
            ErrorKind::Abort,
        ),
        (
            "tag never sent",
            vec![send(GREETING), expect("NOOP"), send("{tag}7 OK x\r\n")],
            noop,
            ErrorKind::Abort,
        ),
        (
            "foreign tag",
            vec![send(GREETING), expect("NOOP"), send("ZZZZ1 OK x\r\n")],
            noop,
            ErrorKind::Abort,
        ),
        (
            "stray continuation",
            vec![send(GREETING), expect("NOOP"), send("+ hi\r\n")],
            noop,
            ErrorKind::Abort,
        ),
        (
            "line over the limit",
            vec![
                send(GREETING),
                expect("NOOP"),
                send(format!("* OK {}\r\n", "x".repeat(300))),
            ],
            noop,
            ErrorKind::Limit,
        ),
        (
            "untagged store over the limit",
            vec![
                send(GREETING),
                expect("NOOP"),
                send("* XFLOOD 1\r\n".repeat(2000)),
            ],
            noop,
            ErrorKind::Limit,
        ),
        (
            "silent server",
            vec![send(GREETING), expect("NOOP")],
            noop,
            ErrorKind::Timeout,
        ),
        (
            "login, then the refresh's connection drops",
            vec![
                send(GREETING),
                expect("LOGIN u \"pw\""),
                send("{tag} OK in\r\n"),
                expect("CAPABILITY"),
                Step::Close,
            ],
            |s| s.login("u", "pw").map(drop),
            ErrorKind::Abort,
        ),
        (
            "APPEND answered OK without a continuation",
            after_preauth(&[
                expect("APPEND INBOX {5}"),
                send("{tag} OK [APPENDUID 1 1] stored\r\n"),
            ]),
            |s| s.append(Some("INBOX"), None, None, b"hello").map(drop),
            ErrorKind::Abort,
        ),
        (
            "IDLE answered OK instead of +",
            after_preauth(&[expect("IDLE"), send(tagged_ok)]),
            |s| s.idle_start().map(drop),
            ErrorKind::Abort,
        ),
        (
            "a second + during IDLE",
            after_preauth(&[expect("IDLE"), send("+ idling\r\n"), send("+ again\r\n")]),
            |s| {
                s.idle_start()?;
                s.idle_wait(LONG_WAIT).map(drop)
            },
            ErrorKind::Abort,
        ),
        (
            "STARTTLS without the capability",
            vec![send(GREETING)],
            |s| s.starttls().map(drop),
            ErrorKind::Tls,
        ),
        (
            "pipelined start/complete, EOF",
            vec![send(GREETING), expect("NOOP"), Step::Close],
            |s| {
                let tag = s.start(Command::new("NOOP", vec![]), "NOOP")?;
                s.complete(&tag).map(drop)
            },
            ErrorKind::Abort,
        ),
        (
            "raw read, EOF",
            vec![send(GREETING), Step::Close],
            |s| s.read_raw(LONG_WAIT).map(drop),
            ErrorKind::Abort,
        ),
        (
            "xatom, BYE",
            vec![send(GREETING), expect("XFOO"), send("* BYE no\r\n")],
            |s| s.xatom("XFOO", &[]).map(drop),
            ErrorKind::Abort,
        ),
    ];
    for (what, steps, action, kind) in cases {
        let short = matches!(kind, ErrorKind::Timeout);
        let (server, mut s) = open_with(steps, |c| {
            c.limits.max_line = 200;
            c.limits.max_untagged = 1000;
            if short {
                c.io_timeout = Duration::from_millis(300);
            }
        });
        let t0 = Instant::now();
        let r = action(&mut s);
        closed_by(what, s, server, r, t0, kind);
    }
}

// ----- 7: a literal that was never sent is never reported as stored ---------------------------

#[test]
fn append_answered_ok_before_the_continuation_fails_saying_not_sent() {
    let (server, mut s) = open(after_preauth(&[
        expect("APPEND Drafts {5}"),
        send("{tag} OK [APPENDUID 1 2] APPEND completed\r\n"),
    ]));
    let t0 = Instant::now();
    let r = s.append(Some("Drafts"), None, None, b"hello");
    let (e, t) = closed_by("append", s, server, r, t0, ErrorKind::Abort);
    assert!(e.message.contains("not sent"), "{}", e.message);
    assert!(!t.sent("hello"), "{}", text(&t));
}

#[test]
fn any_literal_answered_ok_before_the_continuation_fails() {
    let (server, mut s) = open(after_preauth(&[
        expect("XLIT {3}"),
        send("{tag} OK fine\r\n"),
    ]));
    let t0 = Instant::now();
    let r = s
        .start(
            Command::new("XLIT", vec![Arg::Literal(b"abc".to_vec())]),
            "NOOP",
        )
        .and_then(|tag| s.complete(&tag));
    let (e, t) = closed_by("literal", s, server, r, t0, ErrorKind::Abort);
    assert!(e.message.contains("not sent"), "{}", e.message);
    assert!(!t.sent("abc"), "{}", text(&t));
}

#[test]
fn literal_refused_with_no_or_bad_keeps_the_connection() {
    let (server, mut s) = open(after_preauth(&[
        expect("APPEND Drafts {5}"),
        send("{tag} NO [TRYCREATE] no such mailbox\r\n"),
        expect("APPEND Drafts {5}"),
        send("{tag} BAD no thanks\r\n"),
        expect("NOOP"),
        send("{tag} OK fine\r\n"),
    ]));
    let out = s.append(Some("Drafts"), None, None, b"hello").expect("NO");
    assert_eq!(out.typ, "NO");
    let e = s.append(Some("Drafts"), None, None, b"hello").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Bad, "{}", e.message);
    assert!(s.is_open());
    assert!(s.noop().unwrap().is_ok());
    drop(s);
    let t = server.finish();
    assert!(!t.sent("hello"), "{}", text(&t));
}

// ----- 8: a continuation nobody asked for ------------------------------------------------------

#[test]
fn continuation_nobody_waits_for_is_a_protocol_error() {
    let cases: Vec<(&str, Vec<Step>, Action)> = vec![
        (
            "before the tagged OK of NOOP",
            vec![
                send(GREETING),
                expect("NOOP"),
                send("+ nobody asked\r\n{tag} OK done\r\n"),
            ],
            noop,
        ),
        (
            "during LOGIN",
            vec![
                send(GREETING),
                expect("LOGIN u \"pw\""),
                send("+ \r\n{tag} OK in\r\n"),
            ],
            |s| s.login("u", "pw").map(drop),
        ),
        (
            "during a FETCH",
            after_preauth(&[
                expect("SELECT INBOX"),
                send("{tag} OK [READ-WRITE] ok\r\n"),
                expect("FETCH 1 (FLAGS)"),
                send("* 1 FETCH (FLAGS ())\r\n+\r\n{tag} OK done\r\n"),
            ]),
            |s| {
                s.select("INBOX", false)?;
                s.fetch("1", "(FLAGS)").map(drop)
            },
        ),
        (
            "a second + after the literal went",
            after_preauth(&[
                expect("APPEND INBOX {5}"),
                send("+ go\r\n"),
                Step::AnyLine,
                send("+ more?\r\n{tag} OK stored\r\n"),
            ]),
            |s| s.append(Some("INBOX"), None, None, b"hello").map(drop),
        ),
        (
            "between two commands",
            vec![
                send(GREETING),
                expect("NOOP"),
                send("{tag} OK done\r\n+ late\r\n"),
                expect("NOOP"),
                send("{tag} OK done\r\n"),
            ],
            |s| {
                s.noop()?;
                s.noop().map(drop)
            },
        ),
    ];
    for (what, steps, action) in cases {
        let (server, mut s) = open(steps);
        let t0 = Instant::now();
        let r = action(&mut s);
        let (e, _) = closed_by(what, s, server, r, t0, ErrorKind::Abort);
        assert!(e.message.contains("continuation"), "{what}: {}", e.message);
    }
}

#[test]
fn expected_continuations_still_work() {
    // APPEND's +, IDLE's + and SASL challenges are asked for.
    let (server, mut s) = open(script(&[
        send("* OK [CAPABILITY IMAP4rev1 IDLE AUTH=LOGIN] fake ready\r\n"),
        expect("AUTHENTICATE LOGIN"),
        send("+ VXNlcm5hbWU6\r\n"),
        Step::ExpectLine(B64.encode("u")),
        send("+ UGFzc3dvcmQ6\r\n"),
        Step::ExpectLine(B64.encode("pw12")),
        send("* CAPABILITY IMAP4rev1 IDLE\r\n{tag} OK in\r\n"),
        expect("APPEND INBOX {5}"),
        send("+ go\r\n"),
        Step::ExpectLine("hello".into()),
        send("{tag} OK stored\r\n"),
        expect("IDLE"),
        send("+ idling\r\n"),
        Step::ExpectLine("DONE".into()),
        send("{tag} OK idle done\r\n"),
    ]));
    let out = s
        .login_with(Mechanism::Login {
            user: "u",
            password: "pw12".into(),
        })
        .unwrap();
    assert!(out.is_ok(), "{out:?}");
    assert!(s
        .append(Some("INBOX"), None, None, b"hello")
        .unwrap()
        .is_ok());
    s.idle_start().unwrap();
    assert!(s.idle_done().unwrap().is_ok());
    assert!(s.is_open());
    drop(s);
    server.finish();
}

// ----- 10: mailbox data before login -----------------------------------------------------------

const MAILBOX_DATA: &str = "* 3 EXISTS\r\n* 1 RECENT\r\n* 2 EXPUNGE\r\n\
* 1 FETCH (FLAGS (\\Seen) UID 9)\r\n* FLAGS (\\Seen \\Deleted)\r\n* SEARCH 1 2\r\n\
* LIST () \"/\" Evil\r\n* STATUS INBOX (MESSAGES 1)\r\n* OK [UIDVALIDITY 77] planted\r\n\
* OK [UIDNEXT 5] planted\r\n* OK [PERMANENTFLAGS (\\Seen)] planted\r\n* OK [READ-ONLY] planted\r\n";

/// Names whose data the script above plants before login.
const PLANTED: [&str; 12] = [
    "EXISTS",
    "RECENT",
    "EXPUNGE",
    "FETCH",
    "FLAGS",
    "SEARCH",
    "LIST",
    "STATUS",
    "UIDVALIDITY",
    "UIDNEXT",
    "PERMANENTFLAGS",
    "READ-ONLY",
];

#[test]
fn mailbox_data_received_before_login_is_not_kept() {
    let (server, mut s) = open(vec![
        send("* OK [CAPABILITY IMAP4rev1] fake ready\r\n"),
        send("* OK [UIDNEXT 8] early\r\n"),
        expect("NOOP"),
        send(format!(
            "{MAILBOX_DATA}* OK [ALERT] kept\r\n* ID (\"name\" \"fake\")\r\n{{tag}} OK done\r\n"
        )),
        expect("LOGIN u \"pw\""),
        send(format!(
            "{MAILBOX_DATA}* CAPABILITY IMAP4rev1 IDLE\r\n{{tag}} OK [READ-WRITE] in\r\n"
        )),
        expect("NOOP"),
        send("{tag} OK after\r\n"),
    ]);
    let trace = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let sink = trace.clone();
    s.set_debug(1);
    s.set_trace_sink(Some(Box::new(move |_, line| {
        sink.lock().unwrap().push(line.to_string())
    })));
    assert!(s.noop().unwrap().is_ok());
    assert!(s.login("u", "pw").unwrap().is_ok());
    assert_eq!(s.capabilities(), ["IMAP4REV1", "IDLE"]);
    // Dropped, and said so in the trace at level 1.
    let lines = trace.lock().unwrap().join("\n");
    for name in ["EXISTS", "FETCH", "UIDVALIDITY", "READ-ONLY"] {
        assert!(
            lines.contains(&format!("dropped untagged {name} received before login"))
                || lines.contains(&format!(
                    "dropped response code [{name}] received before login"
                )),
            "{name} not traced:\n{lines}"
        );
    }
    // READ-ONLY planted before login would refuse every later command.
    assert!(s.noop().unwrap().is_ok());
    for name in PLANTED.iter().chain(&["READ-WRITE"]) {
        assert_eq!(
            s.response(name).data,
            vec![Item::None],
            "{name} received before login was kept"
        );
    }
    // What may legitimately come before login stays available.
    assert_ne!(s.response("ALERT").data, vec![Item::None]);
    assert_ne!(s.response("ID").data, vec![Item::None]);
    drop(s);
    server.finish();
}

#[test]
fn mailbox_data_after_a_preauth_greeting_is_kept() {
    let (server, mut s) = open(after_preauth(&[
        expect("NOOP"),
        send(format!("{MAILBOX_DATA}{{tag}} OK done\r\n")),
    ]));
    assert!(s.noop().unwrap().is_ok());
    for name in ["EXISTS", "FETCH", "UIDVALIDITY"] {
        assert_ne!(s.response(name).data, vec![Item::None], "{name}");
    }
    drop(s);
    server.finish();
}

// ----- 12: imap_response reports its own status -----------------------------------------------

mod c_abi {
    use super::*;
    use imap::ffi::client::{imap_client_free, imap_client_new, imap_open, ImapClient};
    use imap::ffi::code::ImapCode;
    use imap::ffi::commands::{imap_noop, imap_response};
    use imap::ffi::result::{imap_result_count, imap_result_free, imap_result_type, ImapResult};
    use std::ffi::{CStr, CString};
    use std::ptr;

    /// `imap_response(name)`: its code, type and item count.
    unsafe fn response(c: *mut ImapClient, name: &str) -> (ImapCode, String, usize) {
        let name = CString::new(name).unwrap();
        let mut r: *mut ImapResult = ptr::null_mut();
        let code = imap_response(c, name.as_ptr(), &mut r);
        assert!(!r.is_null(), "no result");
        let typ = CStr::from_ptr(imap_result_type(r))
            .to_string_lossy()
            .into_owned();
        let n = imap_result_count(r);
        imap_result_free(r);
        (code, typ, n)
    }

    #[test]
    fn imap_response_is_ok_whatever_the_stored_data() {
        let server = FakeServer::start(vec![
            send(GREETING),
            expect("NOOP"),
            send("* NO [ALERT] disk full\r\n* BAD odd\r\n* 2 EXISTS\r\n{tag} OK done\r\n"),
        ]);
        unsafe {
            let mut c: *mut ImapClient = ptr::null_mut();
            assert_eq!(imap_client_new(&mut c), ImapCode::Ok);
            let host = CString::new("127.0.0.1").unwrap();
            assert_eq!(imap_open(c, host.as_ptr(), server.port, 0), ImapCode::Ok);
            let mut r: *mut ImapResult = ptr::null_mut();
            assert_eq!(imap_noop(c, &mut r), ImapCode::Ok);
            imap_result_free(r);
            // Stored NO, BAD, mailbox data, a code, nothing at all ([None]): the call worked.
            for (name, items) in [
                ("NO", 1),
                ("BAD", 1),
                ("EXISTS", 1),
                ("ALERT", 1),
                ("NONE", 1),
            ] {
                let (code, typ, n) = response(c, name);
                assert_eq!(code, ImapCode::Ok, "imap_response({name})");
                assert_eq!(typ, name);
                assert_eq!(n, items, "{name}");
            }
            imap_client_free(c);
        }
        server.finish();
    }
}

// ----- 13: IDLE without the capability --------------------------------------------------------

#[test]
fn idle_without_the_capability_is_unsupported_in_every_state() {
    let (server, mut s) = open(vec![
        send("* OK [CAPABILITY IMAP4rev1] fake ready\r\n"),
        expect("LOGIN u \"pw\""),
        send("{tag} OK [CAPABILITY IMAP4rev1] in\r\n"),
        expect("SELECT INBOX"),
        send("{tag} OK [READ-WRITE] ok\r\n"),
    ]);
    let e = s.idle_start().unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unsupported, "NONAUTH: {}", e.message);
    s.login("u", "pw").unwrap();
    let e = s.idle_start().unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unsupported, "AUTH: {}", e.message);
    s.select("INBOX", false).unwrap();
    let e = s.idle_start().unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unsupported, "SELECTED: {}", e.message);
    assert!(s.is_open());
    drop(s);
    let t = server.finish();
    assert!(!t.sent("IDLE"), "{}", text(&t));
}

#[test]
fn idle_with_the_capability_before_login_is_illegal_state() {
    let (server, mut s) = open(vec![send(
        "* OK [CAPABILITY IMAP4rev1 IDLE] fake ready\r\n",
    )]);
    let e = s.idle_start().unwrap_err();
    assert_eq!(e.kind, ErrorKind::IllegalState, "{}", e.message);
    drop(s);
    server.finish();
}

// ----- 17: a handle opens again from a clean state --------------------------------------------

#[test]
fn open_after_logout_starts_clean() {
    // The first server leaves its tagged OK unread behind the BYE, plants data of every kind,
    // and ends in SELECTED, read-only; the second greets plainly.
    let first = FakeServer::start(after_preauth(&[
        expect("EXAMINE INBOX"),
        send("* 3 EXISTS\r\n* OK [UIDVALIDITY 5] x\r\n{tag} OK [READ-ONLY] ok\r\n"),
        expect("NOOP"),
        send("* 4 EXISTS\r\n* OK [ALERT] first\r\n{tag} OK done\r\n"),
        expect("LOGOUT"),
        send("* BYE bye\r\n{tag} OK Logout completed\r\n* 9 EXISTS\r\n"),
    ]));
    let second = FakeServer::start(vec![
        send("* OK [CAPABILITY IMAP4rev1 XSECOND] second\r\n"),
        expect("NOOP"),
        send("{tag} OK second done\r\n"),
    ]);
    let mut s = Session::new(config());
    s.open("127.0.0.1", first.port, TlsMode::None).unwrap();
    s.select("INBOX", true).unwrap();
    s.noop().unwrap();
    assert_eq!(s.logout().unwrap().typ, "BYE");
    assert!(!s.is_open());
    s.open("127.0.0.1", second.port, TlsMode::None)
        .unwrap_or_else(|e| panic!("reopen: {:?}: {}", e.kind, e.message));
    assert_eq!(s.state(), State::NonAuth);
    assert_eq!(s.capabilities(), ["IMAP4REV1", "XSECOND"]);
    assert!(!s.is_readonly());
    assert_eq!(s.welcome(), b"* OK [CAPABILITY IMAP4rev1 XSECOND] second");
    for name in ["EXISTS", "UIDVALIDITY", "READ-ONLY", "ALERT", "BYE"] {
        assert_eq!(s.response(name).data, vec![Item::None], "{name} survived");
    }
    assert!(s.noop().unwrap().is_ok());
    drop(s);
    first.finish();
    second.finish();
}

#[test]
fn open_after_a_failed_connection_starts_clean() {
    // Fails mid-response (a partial response stays buffered), then opens elsewhere.
    let first = FakeServer::start(vec![
        send("* OK [CAPABILITY IMAP4rev1] first\r\n"),
        expect("NOOP"),
        send("{tag} OK [ALERT] done\r\n* 1 FETCH (BODY[] {10}\r\nabc"),
        expect("NOOP"),
        Step::Close,
    ]);
    let second = FakeServer::start(vec![
        send("* OK [CAPABILITY IMAP4rev1] second\r\n"),
        expect("NOOP"),
        send("{tag} OK second done\r\n"),
    ]);
    let mut s = Session::new(config());
    s.open("127.0.0.1", first.port, TlsMode::None).unwrap();
    s.noop().unwrap();
    let e = s.noop().unwrap_err();
    assert!(e.kind.is_fatal(), "{e:?}");
    assert!(!s.is_open());
    s.open("127.0.0.1", second.port, TlsMode::None)
        .unwrap_or_else(|e| panic!("reopen: {:?}: {}", e.kind, e.message));
    assert_eq!(s.response("ALERT").data, vec![Item::None]);
    assert!(s.noop().unwrap().is_ok());
    drop(s);
    first.finish();
    second.finish();
}
