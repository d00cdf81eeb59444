//! What the fuzz targets found (fuzz/fuzz_targets), replayed against the scripted fake server,
//! and the in-memory connection the session target runs on.
//!
//! Each test names the invariant its target checks; the input that broke it is written out as
//! a script so the case stays readable after the fuzz input's encoding changes.

mod fake;

use fake::{expect, expect_line, send, FakeServer, Step};
use imap::{Config, Error, ErrorKind, Mechanism, Outcome, Session, State, TlsMode};
use std::io::{self, Read, Write};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

fn open(script: Vec<Step>) -> (FakeServer, Session) {
    let server = FakeServer::start(script);
    let mut s = Session::new(Config {
        connect_timeout: WAIT,
        io_timeout: WAIT,
        ..Config::default()
    });
    s.open("127.0.0.1", server.port, TlsMode::None)
        .expect("open");
    (server, s)
}

/// The session target's invariant: a fatal error kind means the connection is closed, and a
/// success means it is open. Either outcome is honest; an error that leaves it open is not.
#[track_caller]
fn honest(s: &Session, r: &Result<Outcome, Error>, what: &str) {
    match r {
        Err(e) if e.kind.is_fatal() => assert!(
            !s.is_open(),
            "{what}: {:?} ({}) left the session open",
            e.kind,
            e.message
        ),
        Err(e) => panic!("{what}: unexpected {:?}: {}", e.kind, e.message),
        Ok(out) => {
            assert!(out.is_ok(), "{out:?}");
            assert!(s.is_open(), "a successful login on a closed session");
            assert_eq!(s.state(), State::Auth);
        }
    }
}

/// Found by the session target: LOGIN answered OK, then the automatic CAPABILITY refresh
/// answered OK with no CAPABILITY data. The login returned ABORT and the session stayed open
/// and authenticated. The class: every way to log in (LOGIN, AUTHENTICATE with a built-in
/// mechanism, CRAM-MD5).
#[test]
fn a_login_whose_capability_refresh_fails_is_never_abort_with_the_session_open() {
    type Login = fn(&mut Session) -> Result<Outcome, Error>;
    let cases: Vec<(&str, Vec<Step>, Login)> = vec![
        (
            "LOGIN",
            vec![
                expect("LOGIN user \"secret\""),
                send("{tag} OK logged in\r\n"),
            ],
            |s| s.login("user", "secret"),
        ),
        (
            "AUTHENTICATE PLAIN",
            vec![
                expect("AUTHENTICATE PLAIN"),
                send("+ \r\n"),
                expect_line("AHVzZXIAc2VjcmV0"),
                send("{tag} OK logged in\r\n"),
            ],
            |s| {
                s.login_with(Mechanism::Plain {
                    authzid: None,
                    user: "user",
                    password: "secret".into(),
                })
            },
        ),
        (
            "AUTHENTICATE CRAM-MD5",
            vec![
                expect("AUTHENTICATE CRAM-MD5"),
                send("+ PDEyMzQ1QGhvc3Q+\r\n"),
                Step::AnyLine,
                send("{tag} OK logged in\r\n"),
            ],
            |s| s.login_cram_md5("user", "secret"),
        ),
    ];
    for (what, steps, login) in cases {
        for refresh in ["{tag} OK no data\r\n", "{tag} NO not now\r\n"] {
            let mut script = vec![send(
                "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN AUTH=CRAM-MD5] ready\r\n",
            )];
            script.extend(steps.clone());
            script.extend([expect("CAPABILITY"), send(refresh)]);
            let (server, mut s) = open(script);
            let r = login(&mut s);
            honest(&s, &r, what);
            s.close("test done");
            server.finish();
        }
    }
}

// ----- the in-memory connection --------------------------------------------------------------

/// A server held in memory: the bytes to hand out, then EOF (or a read timeout).
struct Scripted {
    bytes: Vec<u8>,
    pos: usize,
    then_timeout: bool,
    eof_reads: usize,
}

impl Read for Scripted {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.bytes.len() {
            if self.then_timeout {
                return Err(io::ErrorKind::WouldBlock.into());
            }
            self.eof_reads += 1;
            assert!(self.eof_reads < 10, "reading EOF in a loop");
            return Ok(0);
        }
        let n = buf.len().min(self.bytes.len() - self.pos).min(7);
        buf[..n].copy_from_slice(&self.bytes[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

impl Write for Scripted {
    /// A STARTTLS line is answered with OK.
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if let Some(tag) = data.strip_suffix(b" STARTTLS\r\n") {
            self.bytes
                .extend_from_slice(&[tag, b" OK begin TLS\r\n"].concat());
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn memory(bytes: &str, then_timeout: bool) -> Box<Scripted> {
    Box::new(Scripted {
        bytes: bytes.as_bytes().to_vec(),
        pos: 0,
        then_timeout,
        eof_reads: 0,
    })
}

/// The session target relies on this: EOF on the in-memory connection is a socket's EOF
/// (ABORT, closed, no retry), a read timeout is TIMEOUT (closed), and a reopen works.
#[test]
fn the_in_memory_connection_behaves_like_a_socket() {
    let mut s = Session::default();
    s.open_duplex(memory(
        "* OK [CAPABILITY IMAP4rev1] hi\r\n* 3 EXISTS\r\n",
        false,
    ))
    .expect("greeting");
    assert!(s.is_open());
    assert_eq!(s.capabilities(), ["IMAP4REV1"]);
    assert_eq!(s.socket_fd(), -1);
    let e = s.noop().expect_err("EOF");
    assert_eq!(
        (e.kind, e.message.as_str()),
        (ErrorKind::Abort, "socket error: EOF")
    );
    assert!(!s.is_open());
    assert_eq!(s.noop().expect_err("closed").kind, ErrorKind::Closed);

    s.open_duplex(memory("* OK [CAPABILITY IMAP4rev1] hi\r\n", true))
        .expect("reopen");
    let e = s.noop().expect_err("timeout");
    assert_eq!(e.kind, ErrorKind::Timeout, "{}", e.message);
    assert!(!s.is_open());

    s.open_duplex(memory("* OK [CAPABILITY IMAP4rev1 STARTTLS] hi\r\n", false))
        .expect("reopen");
    let e = s.starttls().expect_err("no TLS in memory");
    assert_eq!(e.kind, ErrorKind::Tls, "{}", e.message);
    assert_eq!(e.message, "TLS is not available on an in-memory connection");
    assert!(!s.is_open());
}
