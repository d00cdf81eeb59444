//! AUTHENTICATE (built-in mechanisms and the callback), IDLE, stream connections and raw I/O:
//! against the test Dovecot for what it supports, against the scripted fake server for the
//! rest (XOAUTH2, OAUTHBEARER, a server without AUTH=).

mod common;
mod fake;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use fake::{expect, expect_line, send, FakeServer, Step};
use imap::{Config, ErrorKind, Mechanism, Session, State, TlsMode};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A session whose trace (level 5) is captured.
fn traced(mut s: Session) -> (Session, Arc<Mutex<String>>) {
    let log = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&log);
    s.set_debug(5);
    s.set_trace_sink(Some(Box::new(move |_level, msg: &str| {
        let mut l = sink.lock().unwrap();
        l.push_str(msg);
        l.push('\n');
    })));
    (s, log)
}

/// Asserts that no secret, nor its base64 in any SASL message, appears in the trace.
fn assert_trace_clean(log: &Mutex<String>, secrets: &[&str]) {
    let log = log.lock().unwrap();
    assert!(log.contains("AUTHENTICATE"), "trace is empty: {log}");
    for s in secrets {
        assert!(!log.contains(s), "trace holds {s:?}: {log}");
    }
    for line in log.lines() {
        for word in line.split_whitespace() {
            if let Ok(decoded) = B64.decode(word) {
                let d = String::from_utf8_lossy(&decoded);
                for s in secrets {
                    assert!(!d.contains(s), "trace holds base64 of {s:?}: {line}");
                }
            }
        }
    }
}

#[test]
fn builtin_mechanisms_log_in_against_dovecot_and_never_reach_the_trace() {
    let mechanisms = [
        Mechanism::Plain {
            authzid: None,
            user: "user2",
            password: "pass2".into(),
        },
        Mechanism::Login {
            user: "user2",
            password: "pass2".into(),
        },
        Mechanism::CramMd5 {
            user: "user2",
            password: "pass2".into(),
        },
    ];
    for m in mechanisms {
        let (mut s, log) = traced(common::connect());
        assert!(s.has_capability(&format!("AUTH={}", m.name())));
        let out = s
            .login_with(m.clone())
            .unwrap_or_else(|e| panic!("{}: {e}", m.name()));
        assert_eq!(out.typ, "OK", "{}: {out:?}", m.name());
        assert_eq!(s.state(), State::Auth);
        // Capabilities were refreshed: Dovecot lists MOVE only after login.
        assert!(
            s.has_capability("MOVE"),
            "{}: {:?}",
            m.name(),
            s.capabilities()
        );
        assert_eq!(s.select("INBOX", true).unwrap().typ, "OK");
        assert_trace_clean(&log, &["pass2"]);
    }
}

#[test]
fn wrong_password_is_no_and_the_connection_stays_usable() {
    for m in [
        Mechanism::Plain {
            authzid: None,
            user: "user2",
            password: "wrong-secret".into(),
        },
        Mechanism::CramMd5 {
            user: "user2",
            password: "wrong-secret".into(),
        },
    ] {
        let (mut s, log) = traced(common::connect());
        let out = s.login_with(m.clone()).unwrap();
        assert_eq!(out.typ, "NO", "{}", m.name());
        assert_eq!(s.state(), State::NonAuth);
        assert_eq!(s.noop().unwrap().typ, "OK");
        assert_trace_clean(&log, &["wrong-secret"]);
    }
}

#[test]
fn master_user_logs_in_as_another_user() {
    // Dovecot's master user, by LOGIN "user*master" and by PLAIN with an authorization
    // identity (mailbox access then follows the master's ACL rights, so only the login and
    // the session's identity are checked).
    let mut s = common::connect();
    assert_eq!(s.login("user3*master", "masterpw").unwrap().typ, "OK");
    let mut t = common::connect();
    let plain = Mechanism::Plain {
        authzid: Some("user3"),
        user: "master",
        password: "masterpw".into(),
    };
    assert_eq!(t.login_with(plain).unwrap().typ, "OK");
    for session in [&mut s, &mut t] {
        assert_eq!(session.state(), State::Auth);
        assert_eq!(session.noop().unwrap().typ, "OK");
    }
    let wrong = Mechanism::Plain {
        authzid: Some("user3"),
        user: "master",
        password: "not-it".into(),
    };
    assert_eq!(common::connect().login_with(wrong).unwrap().typ, "NO");
}

#[test]
fn a_mechanism_the_server_does_not_offer_is_refused_before_sending() {
    let mut s = common::connect();
    let e = s
        .login_with(Mechanism::XOAuth2 {
            user: "user2",
            token: "tok".into(),
        })
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unsupported);
    assert!(e.message.contains("AUTH=XOAUTH2"), "{}", e.message);
    assert_eq!(s.login("user2", "pass2").unwrap().typ, "OK");
}

#[test]
fn callback_sees_challenges_and_can_abort() {
    let mut s = common::connect();
    let mut seen = Vec::new();
    let mut step = |c: &[u8]| {
        seen.push(c.to_vec());
        match seen.len() {
            1 => Some(b"user2".to_vec().into()),
            _ => None,
        }
    };
    let r = s.authenticate("login", None, &mut step);
    // The server answers an aborted exchange with BAD (an error) or NO.
    match r {
        Ok(out) => assert_eq!(out.typ, "NO"),
        Err(e) => assert_eq!(e.kind, ErrorKind::Bad),
    }
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert_eq!(s.state(), State::NonAuth);
    let mut answers = vec![b"pass2".to_vec(), b"user2".to_vec()];
    let mut step = |_: &[u8]| answers.pop().map(Into::into);
    assert_eq!(s.authenticate("LOGIN", None, &mut step).unwrap().typ, "OK");
}

/// user2, with a fresh mailbox selected.
fn selected_fresh_mailbox() -> (Session, String) {
    let mut s = common::login("user2");
    let mbox = common::unique_mailbox("idle");
    assert_eq!(s.create(&mbox).unwrap().typ, "OK");
    assert_eq!(s.select(&mbox, false).unwrap().typ, "OK");
    (s, mbox)
}

#[test]
fn idle_is_woken_by_another_connections_append() {
    let (mut s, mbox) = selected_fresh_mailbox();
    let start = s.idle_start().unwrap();
    assert_eq!(start.typ, "OK");
    assert_eq!(s.state(), State::Idling);
    // Nothing happens: the wait ends, the connection stays usable.
    let t0 = Instant::now();
    assert!(s.idle_wait(Duration::from_millis(300)).unwrap().is_none());
    assert!(t0.elapsed() >= Duration::from_millis(250));
    // Other commands are refused while idling, and nothing is sent.
    let e = s.noop().unwrap_err();
    assert_eq!(e.kind, ErrorKind::IllegalState);
    assert!(e.message.contains("IDLING"), "{}", e.message);

    let mut other = common::login("user2");
    let msg = b"Subject: wake up\r\n\r\nhello\r\n";
    assert_eq!(
        other.append(Some(&mbox), None, None, msg).unwrap().typ,
        "OK"
    );
    let (name, items) = common::idle_update(&mut s, "EXISTS", Duration::from_secs(10))
        .expect("an update within 10 s");
    assert_eq!(name, "EXISTS");
    assert_eq!(items, vec![imap::Item::Line(b"1".to_vec())]);

    let done = s.idle_done().unwrap();
    assert_eq!(done.typ, "OK");
    assert_eq!(s.state(), State::Selected);
    assert!(s.idle_wait(Duration::from_millis(10)).is_err());
    assert_eq!(s.fetch("1", "(FLAGS)").unwrap().typ, "OK");
}

#[test]
fn interrupt_ends_an_idle_wait_promptly() {
    let (mut s, _) = selected_fresh_mailbox();
    s.idle_start().unwrap();
    let intr = s.interrupter();
    let waker = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        intr.interrupt()
    });
    let t0 = Instant::now();
    let e = s.idle_wait(Duration::from_secs(30)).unwrap_err();
    assert!(waker.join().unwrap());
    assert_eq!(e.kind, ErrorKind::Interrupted);
    assert!(t0.elapsed() < Duration::from_secs(5));
    assert_eq!(s.noop().unwrap_err().kind, ErrorKind::Closed);
}

#[test]
fn stream_connection_runs_the_imap_binary_preauthenticated() {
    let d = common::dovecot();
    let mut s = common::session();
    s.open_stream(&d.env["DOVECOT_STREAM_CMD"]).unwrap();
    assert_eq!(s.state(), State::Auth);
    assert!(s.welcome().starts_with(b"* PREAUTH"), "{:?}", s.welcome());
    assert!(s.has_capability("IMAP4REV1"));
    let out = s.select("INBOX", true).unwrap();
    assert_eq!(out.typ, "OK");
    assert_eq!(s.logout().unwrap().typ, "BYE");
    assert!(!s.is_open());
}

#[test]
fn raw_lines_keep_the_framing_and_the_injection_rule() {
    let mut s = common::login("user2");
    assert_eq!(
        s.send_line(b"R1 NOOP\r\nR2 LOGOUT").unwrap_err().kind,
        ErrorKind::InvalidArgument
    );
    s.send_line(b"R1 NOOP").unwrap();
    let resp = s
        .read_raw(Duration::from_secs(10))
        .unwrap()
        .expect("a reply");
    let imap::Item::Line(line) = &resp[0] else {
        panic!("{resp:?}")
    };
    assert!(line.starts_with(b"R1 OK"), "{line:?}");
    assert!(s.read_raw(Duration::from_millis(100)).unwrap().is_none());
    assert!(s.socket_fd() >= 0);
    // The session's own commands still work afterwards.
    assert_eq!(s.noop().unwrap().typ, "OK");
}

/// A fake server greeting with `caps`, then running `steps`; returns the session's result of
/// `f`, the client's bytes and the server's port.
fn against_fake<T>(
    caps: &str,
    steps: Vec<Step>,
    f: impl FnOnce(&mut Session) -> T,
) -> (T, String, u16) {
    let mut script = vec![send(format!(
        "* OK [CAPABILITY IMAP4rev1 {caps}] ready\r\n"
    ))];
    script.extend(steps);
    let server = FakeServer::start(script);
    let port = server.port;
    let mut s = Session::new(Config {
        io_timeout: Duration::from_secs(5),
        ..Config::default()
    });
    s.open("127.0.0.1", server.port, TlsMode::None).unwrap();
    let r = f(&mut s);
    s.close("test over");
    let t = server.finish();
    (r, String::from_utf8_lossy(&t.all()).into_owned(), port)
}

#[test]
fn xoauth2_sends_the_token_on_the_command_line_with_sasl_ir() {
    let payload = B64.encode("user=me@example.com\x01auth=Bearer T0KEN\x01\x01");
    let (r, sent, _) = against_fake(
        "AUTH=XOAUTH2 SASL-IR",
        vec![
            expect(&format!("AUTHENTICATE XOAUTH2 {payload}")),
            // A rejected token: an error challenge, answered with an empty line.
            send("+ eyJzdGF0dXMiOiI0MDEifQ==\r\n"),
            expect_line(""),
            send("{tag} NO [AUTHENTICATIONFAILED] invalid token\r\n"),
        ],
        |s| {
            s.login_with(Mechanism::XOAuth2 {
                user: "me@example.com",
                token: "T0KEN".into(),
            })
        },
    );
    let out = r.unwrap();
    assert_eq!(out.typ, "NO");
    assert!(
        sent.ends_with(&format!("XOAUTH2 {payload}\r\n\r\n")),
        "{sent}"
    );
}

#[test]
fn oauthbearer_without_sasl_ir_answers_the_first_challenge() {
    let (r, sent, port) = against_fake(
        "AUTH=OAUTHBEARER",
        vec![
            expect("AUTHENTICATE OAUTHBEARER"),
            send("+ \r\n"),
            Step::AnyLine,
            send("{tag} OK [CAPABILITY IMAP4rev1 IDLE] logged in\r\n"),
        ],
        |s| {
            let r = s.login_with(Mechanism::OAuthBearer {
                user: "me",
                token: "T0KEN".into(),
            });
            (r, s.state(), s.has_capability("IDLE"))
        },
    );
    let (out, state, idle) = r;
    assert_eq!(out.unwrap().typ, "OK");
    assert_eq!(state, State::Auth);
    assert!(idle, "capabilities from the tagged OK's code");
    let payload = format!("n,a=me,\x01host=127.0.0.1\x01port={port}\x01auth=Bearer T0KEN\x01\x01");
    let want = format!("AUTHENTICATE OAUTHBEARER\r\n{}\r\n", B64.encode(payload));
    assert!(sent.ends_with(&want), "{sent:?}");
}

#[test]
fn no_auth_mechanism_advertised_means_nothing_is_sent() {
    let (r, sent, _) = against_fake("IDLE", vec![], |s| {
        s.login_with(Mechanism::Plain {
            authzid: None,
            user: "u",
            password: "p".into(),
        })
    });
    assert_eq!(r.unwrap_err().kind, ErrorKind::Unsupported);
    assert_eq!(sent, "");
}

#[test]
fn plain_challenge_and_response_stay_out_of_the_trace_at_level_5() {
    let (r, _, _) = against_fake(
        "AUTH=PLAIN",
        vec![
            expect("AUTHENTICATE PLAIN"),
            send("+ c2VjcmV0LWNoYWxsZW5nZQ==\r\n"),
            expect_line(&B64.encode("\0u\0hunter2")),
            send("{tag} OK done\r\n"),
            expect("CAPABILITY"),
            send("* CAPABILITY IMAP4rev1 MOVE\r\n{tag} OK\r\n"),
        ],
        |s| {
            let log = Arc::new(Mutex::new(String::new()));
            let sink = Arc::clone(&log);
            s.set_debug(5);
            s.set_trace_sink(Some(Box::new(move |_l, m: &str| {
                sink.lock().unwrap().push_str(m);
            })));
            let r = s.login_with(Mechanism::Plain {
                authzid: None,
                user: "u",
                password: "hunter2".into(),
            });
            (r, log)
        },
    );
    let (out, log) = r;
    assert_eq!(out.unwrap().typ, "OK");
    assert_trace_clean(&log, &["hunter2", "secret-challenge", "c2VjcmV0"]);
}

#[test]
fn short_or_empty_passwords_do_not_mangle_the_servers_text() {
    for password in ["", "a", "ti"] {
        let mut s = common::connect();
        let out = s.login("user2", password).unwrap();
        assert_eq!(out.typ, "NO");
        let text = String::from_utf8_lossy(&out.tagged.unwrap().text).into_owned();
        assert!(
            text.contains("Authentication failed"),
            "{password:?}: {text}"
        );
        assert!(!text.contains("<redacted>"), "{password:?}: {text}");
    }
}

#[test]
fn a_stream_command_that_exits_at_once_is_a_connect_error() {
    let mut s = common::session();
    let e = s.open_stream("exit 3").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Connect, "{}", e.message);
    assert!(!s.is_open());
    // The handle can connect again.
    s.open_stream(&common::dovecot().env["DOVECOT_STREAM_CMD"])
        .unwrap();
    assert_eq!(s.state(), State::Auth);
}
