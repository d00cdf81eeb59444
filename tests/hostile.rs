//! The session engine against a scripted fake server doing what a real server will not:
//! refused or tampered STARTTLS, huge literals, overlong lines, tag mismatches, BYE mid-command,
//! silence, garbage, truncation, trickled bytes (see shared/reference/hostile-servers.md).
//!
//! The client side is the real `Session` over a real socket. Every test sets a finite I/O
//! timeout and checks that the call returns promptly (generous bounds: machines are noisy).

mod fake;

use fake::{expect, send, trickle, FakeServer, Step, Transcript};
use imap::proto::framer::LiteralData;
use imap::proto::response::Item;
use imap::proto::Limits;
use imap::transport::Interrupter;
use imap::{Config, Error, ErrorKind, Session, TlsMode};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

// ----- a watch on allocation sizes -----------------------------------------------------------

/// The system allocator, remembering the largest single request: a literal size announced by
/// the server must never become an allocation.
struct PeakAlloc;

static LARGEST_ALLOC: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for PeakAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LARGEST_ALLOC.fetch_max(layout.size(), Ordering::Relaxed);
        System.alloc(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LARGEST_ALLOC.fetch_max(new_size, Ordering::Relaxed);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOC: PeakAlloc = PeakAlloc;

// ----- the common setup ----------------------------------------------------------------------

/// An I/O timeout no passing test comes near: a call that waits for it has hung.
const LONG_WAIT: Duration = Duration::from_secs(20);
/// The bound for "returned promptly".
const PROMPT: Duration = Duration::from_secs(5);
/// The I/O timeout of the timeout tests.
const SHORT_WAIT: Duration = Duration::from_millis(300);

const GREETING: &str = "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] fake ready\r\n";
const GREETING_STARTTLS: &str = "* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] fake ready\r\n";

/// A greeting that needs no CAPABILITY command.
fn greeting() -> Step {
    send(GREETING)
}

/// PREAUTH greeting, CAPABILITY, then SELECT INBOX: the session ends up in SELECTED state.
fn selected(rest: Vec<Step>) -> Vec<Step> {
    let mut script = vec![
        send("* PREAUTH fake ready\r\n"),
        expect("CAPABILITY"),
        send("* CAPABILITY IMAP4rev1\r\n{tag} OK done\r\n"),
        expect("SELECT INBOX"),
        send("* 1 EXISTS\r\n{tag} OK [READ-WRITE] selected\r\n"),
    ];
    script.extend(rest);
    script
}

/// The exact client bytes for these commands, tagged `<prefix>0`, `<prefix>1`...
fn commands(prefix: &str, cmds: &[&str]) -> String {
    cmds.iter()
        .enumerate()
        .map(|(i, c)| format!("{prefix}{i} {c}\r\n"))
        .collect()
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed())
}

/// One fake server and the session connected to it.
struct Case {
    server: FakeServer,
    session: Session,
    opened: Result<(), Error>,
    took: Duration,
    prefix: String,
}

impl Case {
    /// Starts `script` and opens a session to it with `mode`; `tweak` adjusts the config
    /// (I/O timeout [`LONG_WAIT`], the fake server's certificate trusted).
    fn new(script: Vec<Step>, mode: TlsMode, tweak: impl FnOnce(&mut Config)) -> Case {
        let server = FakeServer::start(script);
        let mut config = Config {
            connect_timeout: PROMPT,
            io_timeout: LONG_WAIT,
            ..Config::default()
        };
        config.tls.ca_file = Some(fake::certificate().0.clone());
        tweak(&mut config);
        let mut session = Session::new(config);
        let (opened, took) = timed(|| session.open("127.0.0.1", server.port, mode));
        let prefix = String::from_utf8_lossy(session.tag_prefix()).into_owned();
        Case {
            server,
            session,
            opened,
            took,
            prefix,
        }
    }

    /// A plaintext session that opened successfully.
    fn open(script: Vec<Step>, tweak: impl FnOnce(&mut Config)) -> Case {
        let case = Case::new(script, TlsMode::None, tweak);
        if let Err(e) = &case.opened {
            panic!("open failed: {:?}: {}", e.kind, e.message);
        }
        case
    }

    /// A session in SELECTED state; `rest` follows the SELECT in the script.
    fn selected(rest: Vec<Step>, tweak: impl FnOnce(&mut Config)) -> Case {
        let mut case = Case::open(selected(rest), tweak);
        let out = case.session.select("INBOX", false).expect("select");
        assert!(out.is_ok(), "{out:?}");
        case
    }

    /// Checks a fatal failure of open.
    fn fatal_open(mut self, kind: ErrorKind) -> Fatal {
        let opened = std::mem::replace(&mut self.opened, Ok(()));
        let took = self.took;
        self.fatal(opened, took, kind)
    }

    /// Checks a fatal failure: its kind, that it came promptly, that the session closed the
    /// connection (the server saw it close) and that later calls say Closed.
    fn fatal<T: std::fmt::Debug>(
        mut self,
        result: Result<T, Error>,
        took: Duration,
        kind: ErrorKind,
    ) -> Fatal {
        let err = result.expect_err("the call should have failed");
        assert_eq!(err.kind, kind, "wrong kind; message: {}", err.message);
        assert!(took < PROMPT, "took {took:?}: {}", err.message);
        assert!(
            !self.session.is_open(),
            "connection still open after {kind:?}"
        );
        let t = self.server.finish();
        // After a rejected handshake the server no longer holds the socket to see it close.
        assert!(
            t.client_closed || t.handshake_error.is_some(),
            "the server never saw the connection close"
        );
        let later = self.session.noop().expect_err("noop after a fatal error");
        assert_eq!(later.kind, ErrorKind::Closed, "{}", later.message);
        Fatal {
            prefix: self.prefix,
            t,
            message: err.message,
        }
    }

    /// Closes the session and returns what the client sent.
    fn finish(self) -> (Transcript, String) {
        drop(self.session);
        (self.server.finish(), self.prefix)
    }
}

/// What a fatal failure left behind.
struct Fatal {
    prefix: String,
    t: Transcript,
    message: String,
}

impl Fatal {
    /// The client sent exactly these commands in plaintext and nothing over TLS.
    fn assert_sent(&self, cmds: &[&str]) {
        assert_eq!(
            String::from_utf8_lossy(&self.t.plain),
            commands(&self.prefix, cmds)
        );
        assert!(self.t.tls.is_empty());
    }
}

// ----- STARTTLS ------------------------------------------------------------------------------

#[test]
fn starttls_refused_fails_closed_and_sends_nothing_more() {
    for reply in [
        "{tag} NO not today\r\n",
        "{tag} BAD unknown command\r\n",
        "+ go ahead\r\n",
    ] {
        let script = vec![send(GREETING_STARTTLS), expect("STARTTLS"), send(reply)];
        let f = Case::new(script, TlsMode::StartTls, |_| {}).fatal_open(ErrorKind::Tls);
        f.assert_sent(&["STARTTLS"]);
    }
}

#[test]
fn starttls_not_advertised_fails_closed_after_capability_only() {
    let script = vec![
        send("* OK fake ready\r\n"),
        expect("CAPABILITY"),
        send("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n{tag} OK done\r\n"),
    ];
    let f = Case::new(script, TlsMode::StartTls, |_| {}).fatal_open(ErrorKind::Tls);
    assert!(f.message.contains("STARTTLS"), "{}", f.message);
    f.assert_sent(&["CAPABILITY"]);
}

#[test]
fn bytes_injected_after_starttls_ok_are_refused_not_parsed() {
    let script = vec![
        send(GREETING_STARTTLS),
        expect("STARTTLS"),
        send("{tag} OK Begin TLS\r\n* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] injected\r\n"),
    ];
    let case = Case::new(script, TlsMode::StartTls, |_| {});
    assert!(!case.session.has_capability("AUTH=PLAIN"));
    let f = case.fatal_open(ErrorKind::Tls);
    // Not even a TLS ClientHello followed the STARTTLS line.
    f.assert_sent(&["STARTTLS"]);
}

#[test]
fn preauth_greeting_is_refused_when_starttls_is_required() {
    let script = vec![send(
        "* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] welcome\r\n",
    )];
    let f = Case::new(script, TlsMode::StartTls, |_| {}).fatal_open(ErrorKind::Tls);
    f.assert_sent(&[]);
}

#[test]
fn starttls_forgets_everything_learned_before_tls() {
    let script = vec![
        send("* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] fake ready\r\n"),
        expect("STARTTLS"),
        send("* 3 EXISTS\r\n* OK [ALERT] pre-TLS text\r\n* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n"),
        send("{tag} OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] Begin TLS\r\n"),
        Step::StartTls,
        expect("CAPABILITY"),
        send("* CAPABILITY IMAP4rev1 AUTH=SCRAM-SHA-256\r\n{tag} OK done\r\n"),
        expect("LOGIN user \"secret\""),
        send("{tag} OK [CAPABILITY IMAP4rev1 IDLE] logged in\r\n"),
    ];
    let mut case = Case::new(script, TlsMode::StartTls, |_| {});
    case.opened
        .as_ref()
        .expect("STARTTLS against the fake server");
    let s = &mut case.session;
    assert!(s.is_tls());
    assert_eq!(s.capabilities(), ["IMAP4REV1", "AUTH=SCRAM-SHA-256"]);
    for pre_tls in ["EXISTS", "ALERT", "CAPABILITY"] {
        assert_eq!(s.response(pre_tls).data, vec![Item::None], "{pre_tls} kept");
    }
    assert!(s.login("user", "secret").expect("login over TLS").is_ok());
    assert_eq!(s.capabilities(), ["IMAP4REV1", "IDLE"]);
    let (t, prefix) = case.finish();
    assert_eq!(
        String::from_utf8_lossy(&t.plain),
        commands(&prefix, &["STARTTLS"])
    );
    let tls = format!("{prefix}1 CAPABILITY\r\n{prefix}2 LOGIN user \"secret\"\r\n");
    assert_eq!(String::from_utf8_lossy(&t.tls), tls);
}

#[test]
fn pre_tls_capabilities_are_not_reused_when_the_tls_side_sends_none() {
    // An attacker injects capabilities before TLS; over TLS, CAPABILITY completes without data.
    let script = vec![
        send(GREETING_STARTTLS),
        expect("STARTTLS"),
        send("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n{tag} OK Begin TLS\r\n"),
        Step::StartTls,
        expect("CAPABILITY"),
        send("{tag} OK no data\r\n"),
    ];
    let case = Case::new(script, TlsMode::StartTls, |_| {});
    assert!(!case.session.has_capability("AUTH=PLAIN"));
    let f = case.fatal_open(ErrorKind::Abort);
    assert!(f.message.contains("CAPABILITY"), "{}", f.message);
}

#[test]
fn untrusted_certificate_is_refused_on_starttls_as_on_implicit_tls() {
    let starttls = vec![
        send(GREETING_STARTTLS),
        expect("STARTTLS"),
        send("{tag} OK Begin TLS\r\n"),
        Step::StartTls,
    ];
    for (mode, script, sent) in [
        (TlsMode::StartTls, starttls, &["STARTTLS"][..]),
        (TlsMode::Implicit, vec![Step::StartTls], &[]),
    ] {
        let case = Case::new(script, mode, |c| c.tls.ca_file = None);
        let f = case.fatal_open(ErrorKind::Tls);
        assert!(
            f.t.handshake_error.is_some(),
            "{mode:?}: no handshake happened"
        );
        f.assert_sent(sent);
    }
}

#[test]
fn login_never_travels_in_plaintext_when_tls_was_asked_for() {
    // TLS asked for at open, or later by starttls() on a plaintext session; the server refuses;
    // the caller ignores the error and logs in anyway.
    for mode in [TlsMode::StartTls, TlsMode::None] {
        let script = vec![
            send(GREETING_STARTTLS),
            expect("STARTTLS"),
            send("{tag} NO later\r\n"),
        ];
        let mut case = Case::new(script, mode, |_| {});
        let refused = match mode {
            TlsMode::None => case.session.starttls().map(drop),
            _ => std::mem::replace(&mut case.opened, Ok(())),
        };
        assert_eq!(refused.expect_err("STARTTLS refused").kind, ErrorKind::Tls);
        let err = case.session.login("user", "hunter2").expect_err("login");
        assert!(
            matches!(err.kind, ErrorKind::Tls | ErrorKind::Closed),
            "{err:?}"
        );
        assert!(!err.message.contains("hunter2"));
        let (t, prefix) = case.finish();
        assert_eq!(
            String::from_utf8_lossy(&t.all()),
            commands(&prefix, &["STARTTLS"])
        );
    }
}

// ----- literals and lines past the limits ----------------------------------------------------

/// The server announces a literal of `size` bytes, sends `tail`, then holds the connection.
fn fetch_announcing(size: &str, tail: Vec<Step>, max_literal: u64) -> Case {
    let mut rest = vec![
        expect("FETCH 1 (BODY[])"),
        send(format!("* 1 FETCH (BODY[] {{{size}}}\r\n")),
    ];
    rest.extend(tail);
    Case::selected(rest, |c| c.limits.max_literal = max_literal)
}

#[test]
fn huge_literal_announcement_is_refused_at_once() {
    for (size, kind) in [
        ("99999999999", ErrorKind::Limit),
        ("1001", ErrorKind::Limit),
        ("18446744073709551616", ErrorKind::Abort),
        ("9223372036854775808", ErrorKind::Abort),
    ] {
        let mut case = fetch_announcing(size, vec![], 1000);
        let (r, took) = timed(|| case.session.fetch("1", "(BODY[])"));
        let f = case.fatal(r, took, kind);
        assert!(f.message.contains(size), "{}", f.message);
    }
}

#[test]
fn announced_literal_size_is_never_allocated_up_front() {
    // 60 MB is under the default literal limit: only the bytes that come may take memory.
    let tail = vec![send("only a few bytes"), Step::Close];
    let mut case = fetch_announcing("60000000", tail, Limits::default().max_literal);
    let (r, took) = timed(|| case.session.fetch("1", "(BODY[])"));
    case.fatal(r, took, ErrorKind::Abort);
    // No test in this binary legitimately allocates anywhere near that much at once.
    let largest = LARGEST_ALLOC.load(Ordering::Relaxed);
    assert!(
        largest < 16 << 20,
        "an allocation of {largest} bytes happened"
    );
}

#[test]
fn literal_exactly_at_the_limit_is_accepted() {
    let body = "x".repeat(1000);
    let rest = vec![
        expect("FETCH 1 (BODY[])"),
        send(format!(
            "* 1 FETCH (BODY[] {{1000}}\r\n{body})\r\n{{tag}} OK done\r\n"
        )),
    ];
    let mut case = Case::selected(rest, |c| c.limits.max_literal = 1000);
    let out = case.session.fetch("1", "(BODY[])").expect("fetch");
    assert!(matches!(&out.data[0], Item::Literal(_, LiteralData::Bytes(b)) if b.len() == 1000));
}

#[test]
fn line_over_the_limit_without_crlf_is_refused_promptly() {
    let script = vec![
        greeting(),
        expect("NOOP"),
        send(format!("* OK {}", "x".repeat(5000))),
    ];
    let mut case = Case::open(script, |c| c.limits.max_line = 100);
    let (r, took) = timed(|| case.session.noop());
    case.fatal(r, took, ErrorKind::Limit);
}

#[test]
fn greeting_over_the_line_limit_is_refused_promptly() {
    let script = vec![send(format!("* OK {}", "x".repeat(5000)))];
    Case::new(script, TlsMode::None, |c| c.limits.max_line = 100).fatal_open(ErrorKind::Limit);
}

#[test]
fn untagged_flood_beyond_the_store_limit_is_refused() {
    // In SELECTED state: before login, mailbox data is dropped, not stored.
    let flood = "* 1 EXISTS\r\n".repeat(2000);
    let script = vec![expect("NOOP"), send(flood + "{tag} OK done\r\n")];
    let mut case = Case::selected(script, |c| c.limits.max_untagged = 4096);
    let (r, took) = timed(|| case.session.noop());
    case.fatal(r, took, ErrorKind::Limit);
}

#[test]
fn response_over_the_size_limit_is_refused() {
    // Three literals of 900 bytes, each under the literal limit, 2700 bytes in all.
    let part = format!("BODY[] {{900}}\r\n{} ", "x".repeat(900));
    let rest = vec![
        expect("FETCH 1 (BODY[])"),
        send(format!(
            "* 1 FETCH ({}FLAGS ())\r\n{{tag}} OK done\r\n",
            part.repeat(3)
        )),
    ];
    let mut case = Case::selected(rest, |c| c.limits.max_response = 2000);
    let (r, took) = timed(|| case.session.fetch("1", "(BODY[])"));
    case.fatal(r, took, ErrorKind::Limit);
}

#[test]
fn append_literal_is_withheld_when_the_server_answers_no_instead_of_plus() {
    let script = vec![
        send("* PREAUTH fake ready\r\n"),
        expect("CAPABILITY"),
        send("* CAPABILITY IMAP4rev1\r\n{tag} OK done\r\n"),
        expect("APPEND Drafts {5}"),
        send("{tag} NO [TRYCREATE] no such mailbox\r\n"),
    ];
    let mut case = Case::open(script, |_| {});
    let out = case
        .session
        .append(Some("Drafts"), None, None, b"hello")
        .expect("append");
    assert_eq!(out.typ, "NO");
    let (t, prefix) = case.finish();
    assert_eq!(
        String::from_utf8_lossy(&t.all()),
        commands(&prefix, &["CAPABILITY", "APPEND Drafts {5}"])
    );
}

// ----- tags ----------------------------------------------------------------------------------

/// NOOP answered with `reply`.
fn noop_answered(reply: &str) -> Case {
    Case::open(vec![greeting(), expect("NOOP"), send(reply)], |_| {})
}

#[test]
fn tagged_response_for_a_tag_never_sent_aborts() {
    for (reply, why) in [
        ("{tag}9 OK done\r\n", "unexpected tagged response"),
        ("ZZZZ1 OK done\r\n", "unexpected response"),
    ] {
        let mut case = noop_answered(reply);
        let (r, took) = timed(|| case.session.noop());
        let f = case.fatal(r, took, ErrorKind::Abort);
        assert!(f.message.contains(why), "{}", f.message);
    }
}

#[test]
fn duplicate_tagged_response_aborts_the_next_call() {
    let mut case = noop_answered("{tag} OK done\r\n{tag} OK again\r\n");
    assert!(case.session.noop().expect("first noop").is_ok());
    let (r, took) = timed(|| case.session.noop());
    let f = case.fatal(r, took, ErrorKind::Abort);
    assert!(f.message.contains("again"), "{}", f.message);
}

#[test]
fn lowercase_tagged_status_is_accepted() {
    let mut case = noop_answered("{tag} ok done\r\n");
    let out = case.session.noop().expect("noop");
    assert_eq!(out.typ, "OK");
    case.finish();
}

// ----- BYE, silence, interrupt, truncation ---------------------------------------------------

#[test]
fn bye_mid_fetch_aborts_with_its_text_then_closed() {
    let rest = vec![
        expect("FETCH 1 (FLAGS)"),
        send("* BYE shutting down\r\n"),
        Step::Close,
    ];
    let mut case = Case::selected(rest, |_| {});
    let (r, took) = timed(|| case.session.fetch("1", "(FLAGS)"));
    let f = case.fatal(r, took, ErrorKind::Abort);
    assert!(f.message.contains("shutting down"), "{}", f.message);
}

#[test]
fn silent_server_times_out_on_open() {
    let case = Case::new(vec![], TlsMode::None, |c| c.io_timeout = SHORT_WAIT);
    assert!(
        case.took >= SHORT_WAIT - Duration::from_millis(50),
        "{:?}",
        case.took
    );
    case.fatal_open(ErrorKind::Timeout).assert_sent(&[]);
}

#[test]
fn server_silent_mid_command_times_out() {
    let mut case = Case::open(vec![greeting(), expect("NOOP")], |c| {
        c.io_timeout = SHORT_WAIT
    });
    let (r, took) = timed(|| case.session.noop());
    assert!(took >= SHORT_WAIT - Duration::from_millis(50), "{took:?}");
    case.fatal(r, took, ErrorKind::Timeout)
        .assert_sent(&["NOOP"]);
}

#[test]
fn interrupt_ends_a_blocked_call_promptly() {
    let mut case = Case::open(vec![greeting(), expect("NOOP")], |_| {});
    let helper = interrupt_after(case.session.interrupter(), Duration::from_millis(200));
    let (r, took) = timed(|| case.session.noop());
    helper.join().expect("interrupting thread");
    case.fatal(r, took, ErrorKind::Interrupted);
}

/// Interrupts once, after `delay` (spinning for the last millisecond, for precision). An
/// interrupt that lands before the call begins is kept for it.
fn interrupt_after(interrupter: Arc<Interrupter>, delay: Duration) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        let start = Instant::now();
        thread::sleep(delay.saturating_sub(Duration::from_millis(1)));
        while start.elapsed() < delay {}
        interrupter.interrupt();
    })
}

#[test]
fn interrupt_during_open_is_never_lost() {
    // Interrupts landing before the call, or anywhere in resolve, connect and the greeting
    // wait; one that lands before the socket is registered must still end the call at once (it
    // once waited for the I/O timeout, in about 1% of these), and one that lands before the call
    // begins ends it at once too.
    for i in 0..500u64 {
        let server = FakeServer::start(vec![]);
        let mut session = Session::new(Config {
            io_timeout: LONG_WAIT,
            ..Config::default()
        });
        let delay = Duration::from_nanos(i * 7919 % 200_000);
        let helper = interrupt_after(session.interrupter(), delay);
        let (r, took) = timed(|| session.open("127.0.0.1", server.port, TlsMode::None));
        helper.join().expect("interrupting thread");
        let err = r.expect_err("open of a silent server");
        assert_eq!(err.kind, ErrorKind::Interrupted, "{}", err.message);
        assert!(
            took < PROMPT,
            "iteration {i} (delay {delay:?}) took {took:?}"
        );
        assert!(!session.is_open());
        drop(session);
        // An open interrupted before it connected leaves the server waiting: release it (a
        // connection after the session's own waits unread in the backlog).
        drop(std::net::TcpStream::connect(("127.0.0.1", server.port)));
        server.finish();
    }
}

#[test]
fn eof_in_the_middle_of_a_literal_aborts() {
    let rest = vec![
        expect("FETCH 1 (BODY[])"),
        send("* 1 FETCH (BODY[] {100}\r\nonly a few bytes"),
        Step::Close,
    ];
    let mut case = Case::selected(rest, |_| {});
    let (r, took) = timed(|| case.session.fetch("1", "(BODY[])"));
    let f = case.fatal(r, took, ErrorKind::Abort);
    assert!(f.message.contains("EOF"), "{}", f.message);
}

// ----- garbage -------------------------------------------------------------------------------

#[test]
fn nul_bare_lf_and_bare_cr_in_a_line_abort() {
    for reply in [
        "* OK h\0i\r\n{tag} OK done\r\n",
        "* OK hi\n{tag} OK done\r\n",
        "* OK a\rb\r\n",
    ] {
        let mut case = noop_answered(reply);
        let (r, took) = timed(|| case.session.noop());
        case.fatal(r, took, ErrorKind::Abort);
    }
}

#[test]
fn garbage_or_missing_greeting_aborts() {
    for greeting in ["HELLO THERE\r\n", "+ ready\r\n", "* \r\n", "\0\0\0\r\n", ""] {
        let script = vec![send(greeting), Step::Close];
        let f = Case::new(script, TlsMode::None, |_| {}).fatal_open(ErrorKind::Abort);
        f.assert_sent(&[]);
    }
}

// ----- greetings -----------------------------------------------------------------------------

#[test]
fn greeting_bye_fails_open_with_its_text() {
    let script = vec![send("* BYE too many connections\r\n")];
    let f = Case::new(script, TlsMode::None, |_| {}).fatal_open(ErrorKind::Abort);
    assert!(f.message.contains("too many connections"), "{}", f.message);
    f.assert_sent(&[]);
}

#[test]
fn greeting_capability_code_saves_the_capability_command() {
    let case = Case::open(vec![greeting()], |_| {});
    assert_eq!(case.session.capabilities(), ["IMAP4REV1", "AUTH=PLAIN"]);
    let (t, _) = case.finish();
    assert_eq!(t.all(), b"");

    let script = vec![
        send("* OK fake ready\r\n"),
        expect("CAPABILITY"),
        send("* CAPABILITY IMAP4rev1 IDLE\r\n{tag} OK done\r\n"),
    ];
    let case = Case::open(script, |_| {});
    assert_eq!(case.session.capabilities(), ["IMAP4REV1", "IDLE"]);
    let (t, prefix) = case.finish();
    assert_eq!(
        String::from_utf8_lossy(&t.all()),
        commands(&prefix, &["CAPABILITY"])
    );
}

// ----- arbitrary chunking --------------------------------------------------------------------

#[test]
fn response_trickled_one_byte_at_a_time_is_parsed() {
    // The literal holds a copy of the FETCH's own tagged completion: it is data, not the end.
    // Tags are a 4-letter prefix and one digit here, so the literal is 22 bytes.
    let rest = vec![
        expect("FETCH 1 (BODY[] FLAGS)"),
        trickle("* 1 FETCH (BODY[] {22}\r\nhello\r\n{tag} OK fake\r\n FLAGS (\\Seen))\r\n"),
        trickle("{tag} OK done\r\n"),
    ];
    let mut case = Case::selected(rest, |_| {});
    let out = case.session.fetch("1", "(BODY[] FLAGS)").expect("fetch");
    let literal = format!("hello\r\n{}2 OK fake\r\n", case.prefix);
    assert_eq!(literal.len(), 22, "test data");
    assert_eq!(
        out.tagged.as_ref().map(|t| t.text.as_slice()),
        Some(&b"done"[..])
    );
    assert_eq!(
        out.data,
        vec![
            Item::Literal(
                b"1 (BODY[] {22}".to_vec(),
                LiteralData::Bytes(literal.into_bytes())
            ),
            Item::Line(b" FLAGS (\\Seen))".to_vec()),
        ]
    );
    case.finish();
}
