//! AUTHENTICATE strictness against a scripted server: an OK that comes before the mechanism's
//! credentials have all gone out is a failed login (the connection is closed: the server's
//! state and ours disagree), a challenge that is not base64 is cancelled with `*` and the call
//! fails after the server's tagged answer, and an OK to a cancelled exchange is not believed.

mod fake;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use fake::{expect, expect_line, send, FakeServer, Step};
use imap::{Config, Error, ErrorKind, Mechanism, Outcome, Session, State, TlsMode};
use std::time::Duration;

const USER: &str = "alice";
const PW: &str = "wonderland-pw";

fn b64(s: &str) -> String {
    B64.encode(s)
}

/// Which login call a case makes.
#[derive(Clone, Copy, Debug)]
enum Mech {
    Plain,
    Login,
    CramMd5,
    XOAuth2,
    OAuthBearer,
    /// `authenticate` with a callback answering every challenge.
    Callback,
}

impl Mech {
    fn name(self) -> &'static str {
        match self {
            Mech::Plain => "PLAIN",
            Mech::Login => "LOGIN",
            Mech::CramMd5 => "CRAM-MD5",
            Mech::XOAuth2 => "XOAUTH2",
            Mech::OAuthBearer => "OAUTHBEARER",
            Mech::Callback => "X-TEST",
        }
    }

    fn login(self, s: &mut Session) -> Result<Outcome, Error> {
        let password = PW.into();
        let token = PW.into();
        match self {
            Mech::Plain => s.login_with(Mechanism::Plain {
                authzid: None,
                user: USER,
                password,
            }),
            Mech::Login => s.login_with(Mechanism::Login {
                user: USER,
                password,
            }),
            Mech::CramMd5 => s.login_with(Mechanism::CramMd5 {
                user: USER,
                password,
            }),
            Mech::XOAuth2 => s.login_with(Mechanism::XOAuth2 { user: USER, token }),
            Mech::OAuthBearer => s.login_with(Mechanism::OAuthBearer { user: USER, token }),
            Mech::Callback => {
                let mut step = |_: &[u8]| Some(b"callback-answer".to_vec().into());
                s.authenticate("X-TEST", None, &mut step)
            }
        }
    }
}

const ALL: [Mech; 6] = [
    Mech::Plain,
    Mech::Login,
    Mech::CramMd5,
    Mech::XOAuth2,
    Mech::OAuthBearer,
    Mech::Callback,
];

/// Greets with `caps` (plus `AUTH=` of every built-in mechanism), runs `steps`, logs in with
/// `mech`; returns the result, the session and what the client sent.
fn run(
    caps: &str,
    steps: Vec<Step>,
    mech: Mech,
    after: impl FnOnce(&mut Session),
) -> (Result<Outcome, Error>, Session, String) {
    let mut script = vec![send(format!(
        "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN AUTH=LOGIN AUTH=CRAM-MD5 AUTH=XOAUTH2 \
         AUTH=OAUTHBEARER {caps}] ready\r\n"
    ))];
    script.extend(steps);
    let server = FakeServer::start(script);
    let mut s = Session::new(Config {
        io_timeout: Duration::from_secs(5),
        ..Config::default()
    });
    s.open("127.0.0.1", server.port, TlsMode::None).unwrap();
    let r = mech.login(&mut s);
    after(&mut s);
    s.close("test over");
    let t = server.finish();
    (r, s, String::from_utf8_lossy(&t.all()).into_owned())
}

/// The server's answer that claims success, with the capabilities a login would send.
const LOGGED_IN: &str = "{tag} OK [CAPABILITY IMAP4rev1 IDLE] logged in\r\n";

#[test]
fn ok_before_the_credentials_went_out_is_a_failed_login_and_closes() {
    let auth = |m: &str| expect(&format!("AUTHENTICATE {m}"));
    let cases: Vec<(&str, Mech, Vec<Step>)> = vec![
        (
            "CRAM-MD5 without a challenge",
            Mech::CramMd5,
            vec![auth("CRAM-MD5")],
        ),
        (
            "LOGIN without a challenge",
            Mech::Login,
            vec![auth("LOGIN")],
        ),
        (
            "LOGIN after the user name only",
            Mech::Login,
            vec![
                auth("LOGIN"),
                send("+ VXNlcm5hbWU6\r\n"),
                expect_line(&b64(USER)),
            ],
        ),
        (
            "PLAIN without SASL-IR or a challenge",
            Mech::Plain,
            vec![auth("PLAIN")],
        ),
        (
            "XOAUTH2 without SASL-IR or a challenge",
            Mech::XOAuth2,
            vec![auth("XOAUTH2")],
        ),
        (
            "OAUTHBEARER without SASL-IR or a challenge",
            Mech::OAuthBearer,
            vec![auth("OAUTHBEARER")],
        ),
    ];
    for (what, mech, mut steps) in cases {
        steps.push(send(LOGGED_IN));
        let mut later = None;
        let (r, s, sent) = run("", steps, mech, |s| {
            later = Some((s.is_open(), s.state(), s.noop()));
        });
        let e = r.expect_err(what);
        assert_eq!(e.kind, ErrorKind::Abort, "{what}: {}", e.message);
        assert!(
            e.message
                .contains("OK before the mechanism's exchange was complete"),
            "{what}: {}",
            e.message
        );
        let (open, state, noop) = later.unwrap();
        assert!(!open, "{what}: connection left open");
        assert_eq!(state, State::NonAuth, "{what}");
        assert_eq!(noop.unwrap_err().kind, ErrorKind::Closed, "{what}");
        assert_eq!(s.state(), State::NonAuth, "{what}");
        // Nothing more was sent after the false OK (no CAPABILITY refresh, no password).
        assert!(!sent.contains("CAPABILITY"), "{what}: {sent:?}");
        assert!(!sent.contains(&b64(PW)), "{what}: {sent:?}");
    }
}

#[test]
fn ok_after_every_credential_went_out_is_a_login() {
    let cases: Vec<(&str, Mech, &str, Vec<Step>)> = vec![
        (
            "PLAIN with SASL-IR",
            Mech::Plain,
            "SASL-IR",
            vec![expect(&format!(
                "AUTHENTICATE PLAIN {}",
                b64(&format!("\0{USER}\0{PW}"))
            ))],
        ),
        (
            "LOGIN with both answers",
            Mech::Login,
            "",
            vec![
                expect("AUTHENTICATE LOGIN"),
                send("+ VXNlcm5hbWU6\r\n"),
                expect_line(&b64(USER)),
                send("+ UGFzc3dvcmQ6\r\n"),
                expect_line(&b64(PW)),
            ],
        ),
        (
            "XOAUTH2 after the first challenge",
            Mech::XOAuth2,
            "",
            vec![
                expect("AUTHENTICATE XOAUTH2"),
                send("+ \r\n"),
                Step::AnyLine,
            ],
        ),
        // The callback's exchange is the caller's: an OK without a challenge is believed.
        (
            "callback",
            Mech::Callback,
            "",
            vec![expect("AUTHENTICATE X-TEST")],
        ),
    ];
    for (what, mech, caps, mut steps) in cases {
        steps.push(send(LOGGED_IN));
        let mut state = None;
        let (r, _, _) = run(caps, steps, mech, |s| state = Some(s.state()));
        assert_eq!(r.expect(what).typ, "OK", "{what}");
        assert_eq!(state, Some(State::Auth), "{what}");
    }
}

#[test]
fn a_challenge_that_is_not_base64_is_cancelled_then_the_call_fails() {
    for mech in ALL {
        for (answer, kind) in [("BAD", ErrorKind::Bad), ("NO", ErrorKind::No)] {
            let what = format!("{mech:?} / {answer}");
            let steps = vec![
                expect(&format!("AUTHENTICATE {}", mech.name())),
                send("+ this is *not* base64!\r\n"),
                expect_line("*"),
                send(format!("{{tag}} {answer} exchange cancelled\r\n")),
                expect("NOOP"),
                send("{tag} OK still here\r\n"),
            ];
            let mut later = None;
            let (r, _, sent) = run("", steps, mech, |s| {
                later = Some((s.state(), s.noop()));
            });
            let e = r.expect_err(&what);
            assert_eq!(e.kind, kind, "{what}: {}", e.message);
            assert!(
                e.message.contains("not valid base64"),
                "{what}: {}",
                e.message
            );
            assert!(
                e.message.contains("exchange cancelled"),
                "{what}: {}",
                e.message
            );
            let (state, noop) = later.unwrap();
            assert_eq!(state, State::NonAuth, "{what}");
            assert_eq!(noop.expect(&what).typ, "OK", "{what}: connection unusable");
            assert!(sent.contains("\r\n*\r\n"), "{what}: {sent:?}");
        }
    }
}

#[test]
fn ok_to_a_cancelled_exchange_is_not_believed() {
    for mech in ALL {
        let steps = vec![
            expect(&format!("AUTHENTICATE {}", mech.name())),
            send("+ %%%\r\n"),
            expect_line("*"),
            send(LOGGED_IN),
        ];
        let mut later = None;
        let (r, _, _) = run("", steps, mech, |s| later = Some((s.is_open(), s.state())));
        let e = r.expect_err(mech.name());
        assert_eq!(e.kind, ErrorKind::Abort, "{mech:?}: {}", e.message);
        assert!(e.message.contains("cancelled"), "{mech:?}: {}", e.message);
        assert_eq!(later, Some((false, State::NonAuth)), "{mech:?}");
    }
    // The same when the caller's step gives up.
    let mut script = vec![send("* OK [CAPABILITY IMAP4rev1] ready\r\n")];
    script.extend([
        expect("AUTHENTICATE X-TEST"),
        send("+ \r\n"),
        expect_line("*"),
        send(LOGGED_IN),
    ]);
    let server = FakeServer::start(script);
    let mut s = Session::default();
    s.open("127.0.0.1", server.port, TlsMode::None).unwrap();
    let mut step = |_: &[u8]| None;
    let e = s.authenticate("X-TEST", None, &mut step).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Abort, "{}", e.message);
    assert_eq!((s.is_open(), s.state()), (false, State::NonAuth));
    drop(s);
    server.finish();
}
