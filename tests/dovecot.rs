//! The session engine against a real Dovecot (tests/common starts it): every command with
//! imaplib's result shapes, the state machine, TLS and connection failures, a server process
//! killed mid-command, interrupts, timeouts, and CR/LF/NUL injection on every argument.
//!
//! Tests run in parallel and share the server with other test binaries: anything that changes
//! mail works in its own mailbox (`unique_mailbox`); user1's seeded INBOX is only read.

mod common;

use common::{connect, dovecot, login, session, unique_mailbox};
use imap::proto::framer::{LiteralData, LiteralSink};
use imap::proto::parse::Code;
use imap::proto::response::Item;
use imap::proto::ProtoError;
use imap::session::Result as ImapResult;
use imap::{Config, Error, ErrorKind, Outcome, Session, State, TlsMode};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

// ----- helpers --------------------------------------------------------------------------------

/// Four small messages: 2 answers 1 (one thread), subjects sort as 3 4 1 2.
const MESSAGES: [&[u8]; 4] = [
    b"Subject: one\r\nMessage-ID: <one@libimap.test>\r\n\r\nbody one\r\n",
    b"Subject: two\r\nIn-Reply-To: <one@libimap.test>\r\nReferences: <one@libimap.test>\r\n\r\nbody two\r\n",
    b"Subject: alpha\r\n\r\nbody three\r\n",
    b"Subject: beta\r\n\r\nbody four\r\n",
];

/// Unwraps a call that must succeed with a tagged OK.
#[track_caller]
fn ok(r: ImapResult<Outcome>) -> Outcome {
    let out = r.unwrap_or_else(|e| panic!("call failed: {e:?}"));
    assert_eq!(out.typ, "OK", "{out:?}");
    out
}

/// Unwraps a call that must fail with `kind`.
#[track_caller]
fn fails<T: std::fmt::Debug>(r: ImapResult<T>, kind: ErrorKind) -> Error {
    let e = r.expect_err("the call should have failed");
    assert_eq!(e.kind, kind, "{e:?}");
    e
}

/// The data items, each a line (panics on a literal or None).
#[track_caller]
fn texts(out: &Outcome) -> Vec<String> {
    out.data
        .iter()
        .map(|i| match i {
            Item::Line(l) => String::from_utf8_lossy(l).into_owned(),
            other => panic!("expected a line, got {other:?} in {out:?}"),
        })
        .collect()
}

/// The tagged completion text.
fn tagged_text(out: &Outcome) -> String {
    let t = out.tagged.as_ref().expect("a tagged completion");
    String::from_utf8_lossy(&t.text).into_owned()
}

fn code(name: &str, data: &str) -> Option<Code> {
    Some(Code {
        name: name.into(),
        data: Some(data.as_bytes().to_vec()),
    })
}

fn none() -> Vec<Item> {
    vec![Item::None]
}

/// Records the command lines the session sends (tag stripped), through its level-4 trace.
#[derive(Clone, Default)]
struct Wire(Arc<Mutex<Vec<String>>>);

impl Wire {
    fn attach(s: &mut Session) -> Wire {
        let wire = Wire::default();
        let sink = Arc::clone(&wire.0);
        s.set_debug(4);
        s.set_trace_sink(Some(Box::new(move |_, msg: &str| {
            if let Some((_tag, cmd)) = msg.strip_prefix("> ").and_then(|l| l.split_once(' ')) {
                // The trace escapes like imaplib's debug output; only `\\` occurs here.
                sink.lock().unwrap().push(cmd.replace("\\\\", "\\"));
            }
        })));
        wire
    }

    /// The lines sent since the last call.
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

/// user1, logged in, with a fresh mailbox holding `messages`.
fn scratch(prefix: &str, messages: &[&[u8]]) -> (Session, String) {
    let mut s = login("user1");
    let name = fill(&mut s, prefix, messages);
    (s, name)
}

/// Creates a fresh mailbox holding `messages`; returns its name.
fn fill(s: &mut Session, prefix: &str, messages: &[&[u8]]) -> String {
    let name = unique_mailbox(prefix);
    ok(s.create(&name));
    for m in messages {
        ok(s.append(Some(&name), None, None, m));
    }
    name
}

/// Best-effort cleanup on a fresh connection (the test's own may be closed by now).
fn remove(names: &[&str]) {
    let mut s = login("user1");
    for n in names {
        let _ = s.delete(n);
    }
}

/// One number of a STATUS response: `status_item(s, "box", "MESSAGES")`.
#[track_caller]
fn status_item(s: &mut Session, mailbox: &str, item: &str) -> u64 {
    let out = ok(s.status(mailbox, item));
    let text = &texts(&out)[0];
    let after = text.split(&format!("{item} ")).nth(1).expect(text);
    after
        .trim_end_matches(')')
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .expect(text)
}

/// The literal of a one-message FETCH: `[Literal(header, bytes), Line(")")]`.
#[track_caller]
fn fetched_literal(out: &Outcome) -> (String, Vec<u8>) {
    match out.data.as_slice() {
        [Item::Literal(head, LiteralData::Bytes(body)), Item::Line(close)] if close == b")" => {
            (String::from_utf8_lossy(head).into_owned(), body.clone())
        }
        _ => panic!("unexpected FETCH shape: {out:?}"),
    }
}

/// Runs `call` on another thread and returns its result and how long it took.
fn timed_on_thread<T: Send + 'static>(
    mut s: Session,
    call: impl FnOnce(&mut Session) -> ImapResult<T> + Send + 'static,
) -> thread::JoinHandle<(Session, ImapResult<T>, Duration)> {
    thread::spawn(move || {
        let t0 = Instant::now();
        let r = call(&mut s);
        (s, r, t0.elapsed())
    })
}

/// After a fatal error: the handle refuses further calls.
#[track_caller]
fn assert_closed(s: &mut Session) {
    assert!(!s.is_open());
    let e = fails(s.noop(), ErrorKind::Closed);
    assert!(e.message.contains("connection is closed"), "{e:?}");
}

// ----- connection, capabilities, login, logout ------------------------------------------------

/// A session newly connected to Dovecot with nothing of an earlier connection left.
#[track_caller]
fn assert_fresh(s: &mut Session) {
    assert!(s.is_open());
    assert_eq!(s.state(), State::NonAuth);
    assert!(!s.is_readonly());
    assert!(s.welcome().starts_with(b"* OK [CAPABILITY IMAP4rev1 "));
    assert!(s.has_capability("IMAP4REV1") && !s.has_capability("MOVE"));
    for name in ["EXISTS", "UIDVALIDITY", "READ-ONLY", "BYE"] {
        assert_eq!(
            s.response(name).data,
            none(),
            "{name} survived the reconnect"
        );
    }
    ok(s.noop());
}

#[test]
fn a_handle_opens_again_after_logout_and_after_a_failure() {
    let d = dovecot();
    let mut s = session();
    // open, logout, open: plain, implicit TLS, STARTTLS on one handle
    for (port, mode) in [
        (d.port(), TlsMode::None),
        (d.tls_port(), TlsMode::Implicit),
        (d.port(), TlsMode::StartTls),
        (d.port(), TlsMode::None),
    ] {
        s.open(d.host(), port, mode)
            .unwrap_or_else(|e| panic!("open {mode:?} after logout: {e:?}"));
        assert_fresh(&mut s);
        assert_eq!(s.is_tls(), mode != TlsMode::None);
        ok(s.login("user1", "pass1"));
        ok(s.select("INBOX", true));
        assert!(s.is_readonly());
        assert_eq!(s.logout().expect("logout").typ, "BYE");
        assert!(!s.is_open());
    }
    // open, failure, open: a refused connection
    let dead = TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_port = dead.local_addr().unwrap().port();
    drop(dead);
    fails(
        s.open("127.0.0.1", dead_port, TlsMode::None),
        ErrorKind::Connect,
    );
    s.open(d.host(), d.port(), TlsMode::None)
        .expect("open after a refused connection");
    assert_fresh(&mut s);
    // open, failure, open: a limit hit in the middle of a response (bytes left unread)
    ok(s.login("user1", "pass1"));
    ok(s.select("INBOX", true));
    let mut config = s.config().clone();
    let normal = config.clone();
    config.limits.max_line = 200;
    s.set_config(config);
    fails(s.fetch("1:*", "(ENVELOPE BODYSTRUCTURE)"), ErrorKind::Limit);
    assert!(!s.is_open());
    s.set_config(normal);
    s.open(d.host(), d.port(), TlsMode::None)
        .expect("open after a limit");
    assert_fresh(&mut s);
    assert_eq!(s.logout().expect("logout").typ, "BYE");
}

#[test]
fn greeting_capabilities_login_and_logout() {
    let mut s = connect();
    let wire = Wire::attach(&mut s);
    assert_eq!(s.state(), State::NonAuth);
    assert!(s.welcome().starts_with(b"* OK [CAPABILITY IMAP4rev1 "));
    assert_eq!(s.protocol_version(), Some("IMAP4REV1"));
    for cap in [
        "IMAP4REV1",
        "STARTTLS",
        "AUTH=PLAIN",
        "LITERAL+",
        "ID",
        "IDLE",
    ] {
        assert!(
            s.has_capability(cap),
            "{cap} missing: {:?}",
            s.capabilities()
        );
    }
    assert!(
        !s.has_capability("MOVE"),
        "MOVE is only offered after login"
    );

    let caps = texts(&ok(s.capability()));
    assert_eq!(caps.len(), 1);
    assert!(caps[0].starts_with("IMAP4rev1 SASL-IR ") && caps[0].contains(" STARTTLS "));
    assert_eq!(texts(&ok(s.noop())), ["NOOP completed."]);

    let out = ok(s.login("user1", "pass1"));
    assert_eq!(texts(&out), ["Logged in"]);
    assert_eq!(s.state(), State::Auth);
    // The post-login list replaced the greeting's (Dovecot sent it during LOGIN: no extra command).
    for cap in [
        "MOVE",
        "UIDPLUS",
        "SORT",
        "THREAD=REFERENCES",
        "NAMESPACE",
        "UNSELECT",
    ] {
        assert!(
            s.has_capability(cap),
            "{cap} missing: {:?}",
            s.capabilities()
        );
    }
    assert!(!s.has_capability("STARTTLS") && !s.has_capability("AUTH=PLAIN"));
    assert_eq!(
        wire.take(),
        ["CAPABILITY", "NOOP", "LOGIN user1 <redacted>"]
    );

    let out = s.logout().expect("logout");
    assert_eq!(out.typ, "BYE");
    assert_eq!(out.data, [Item::Line(b"Logging out".to_vec())]);
    assert_eq!(s.state(), State::Logout);
    assert_eq!(wire.take(), ["LOGOUT"]);
    assert_closed(&mut s);
    fails(s.select("INBOX", true), ErrorKind::Closed);
    fails(s.logout(), ErrorKind::Closed);
    assert!(wire.take().is_empty());
}

#[test]
fn wrong_password_is_refused_and_the_connection_stays_usable() {
    // imaplib raises `error` here; this engine returns the NO like every other command (the C
    // ABI gives IMAP_CODE_NO either way).
    let mut s = connect();
    let out = s
        .login("user2", "not-the-password")
        .expect("a tagged answer");
    assert_eq!(out.typ, "NO");
    assert_eq!(
        texts(&out),
        ["[AUTHENTICATIONFAILED] Authentication failed."]
    );
    assert_eq!(
        out.code().map(|c| c.name),
        Some("AUTHENTICATIONFAILED".into())
    );
    assert_eq!(s.state(), State::NonAuth);
    ok(s.noop());
    ok(s.login("user2", "pass2"));
    assert_eq!(s.state(), State::Auth);
}

// ----- reading the seeded INBOX (read-only) ---------------------------------------------------

#[test]
fn examine_search_and_fetch_the_seeded_inbox() {
    let mut s = login("user1");
    let wire = Wire::attach(&mut s);
    let out = ok(s.select("INBOX", true));
    assert_eq!(texts(&out), ["20"]);
    assert_eq!(out.code().map(|c| c.name), Some("READ-ONLY".into()));
    assert!(s.is_readonly());
    assert_eq!(s.state(), State::Selected);
    let exists = s.response("EXISTS");
    assert_eq!(
        (exists.typ.as_str(), texts(&exists)),
        ("EXISTS", vec!["20".into()])
    );
    assert_eq!(s.response("EXISTS").data, none());
    let uidvalidity = texts(&s.response("uidvalidity"));
    assert!(uidvalidity.len() == 1 && uidvalidity[0].parse::<u32>().is_ok());

    let all: Vec<String> = (1..=20).map(|i| i.to_string()).collect();
    assert_eq!(texts(&ok(s.search(None, &["ALL"]))), [all.join(" ")]);
    let by_id = ["HEADER", "Message-ID", "\"seed-1-7@\""];
    assert_eq!(texts(&ok(s.search(Some("UTF-8"), &by_id))), ["7"]);
    assert_eq!(
        texts(&ok(s.search(None, &["SUBJECT", "no-such-subject-xyz"]))),
        [""]
    );
    assert_eq!(texts(&ok(s.uid("SEARCH", &by_id))), ["7"]);

    let out = ok(s.fetch("1:3", "UID"));
    assert_eq!(texts(&out), ["1 (UID 1)", "2 (UID 2)", "3 (UID 3)"]);
    assert_eq!(texts(&ok(s.uid("fetch", &["7", "UID"]))), ["7 (UID 7)"]);
    let out = ok(s.fetch("7", "(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])"));
    let (head, body) = fetched_literal(&out);
    assert_eq!(body, b"Message-ID: <seed-1-7@imapsrv.test>\r\n\r\n");
    assert_eq!(
        head,
        format!("7 (BODY[HEADER.FIELDS (MESSAGE-ID)] {{{}}}", body.len())
    );
    assert_eq!(
        wire.take(),
        [
            "EXAMINE INBOX",
            "SEARCH ALL",
            "SEARCH CHARSET UTF-8 HEADER Message-ID \"seed-1-7@\"",
            "SEARCH SUBJECT no-such-subject-xyz",
            "UID SEARCH HEADER Message-ID \"seed-1-7@\"",
            "FETCH 1:3 (UID)",
            "UID FETCH 7 (UID)",
            "FETCH 7 (BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])",
        ]
    );
}

// ----- mailbox commands -----------------------------------------------------------------------

#[test]
fn create_list_status_rename_delete() {
    let mut s = login("user1");
    let wire = Wire::attach(&mut s);
    let name = format!("{} box", unique_mailbox("life"));
    let renamed = format!("{name} renamed");
    let out = ok(s.create(&name));
    assert!(tagged_text(&out).starts_with("Create completed"), "{out:?}");
    let again = s.create(&name).unwrap();
    assert_eq!(again.typ, "NO");
    assert_eq!(again.code().map(|c| c.name), Some("ALREADYEXISTS".into()));
    assert_eq!(texts(&again), [tagged_text(&again)]);

    let listed = format!("(\\HasNoChildren) \"/\" \"{name}\"");
    assert_eq!(texts(&ok(s.list("", &name))), [listed]);
    assert_eq!(ok(s.list("", &format!("{name}-nothing%"))).data, none());
    let out = ok(s.status(&name, "MESSAGES UIDNEXT"));
    assert_eq!(texts(&out), [format!("\"{name}\" (MESSAGES 0 UIDNEXT 1)")]);

    assert!(tagged_text(&ok(s.rename(&name, &renamed))).starts_with("Rename completed"));
    assert_eq!(ok(s.list("", &name)).data, none());
    assert_eq!(texts(&ok(s.list("", &renamed))).len(), 1);
    assert!(tagged_text(&ok(s.delete(&renamed))).starts_with("Delete completed"));
    let gone = s.delete(&renamed).unwrap();
    assert_eq!(gone.typ, "NO");
    assert_eq!(gone.code().map(|c| c.name), Some("NONEXISTENT".into()));
    assert_eq!(s.state(), State::Auth);

    let q = |x: &str| format!("\"{x}\"");
    assert_eq!(
        wire.take(),
        [
            format!("CREATE {}", q(&name)),
            format!("CREATE {}", q(&name)),
            format!("LIST \"\" {}", q(&name)),
            format!("LIST \"\" {}", q(&format!("{name}-nothing%"))),
            format!("STATUS {} (MESSAGES UIDNEXT)", q(&name)),
            format!("RENAME {} {}", q(&name), q(&renamed)),
            format!("LIST \"\" {}", q(&name)),
            format!("LIST \"\" {}", q(&renamed)),
            format!("DELETE {}", q(&renamed)),
            format!("DELETE {}", q(&renamed)),
        ]
    );
}

#[test]
fn subscribe_and_unsubscribe_show_in_lsub() {
    let (mut s, name) = scratch("subs", &[]);
    assert_eq!(ok(s.lsub("", &name)).data, none());
    assert!(tagged_text(&ok(s.subscribe(&name))).starts_with("Subscribe completed"));
    assert_eq!(texts(&ok(s.lsub("", &name))), [format!("() \"/\" {name}")]);
    // auto = subscribe in the server's config; `%` goes out unquoted.
    assert_eq!(
        texts(&ok(s.lsub("", "Draft%"))),
        ["(\\Drafts) \"/\" Drafts"]
    );
    assert!(tagged_text(&ok(s.unsubscribe(&name))).starts_with("Unsubscribe completed"));
    assert_eq!(ok(s.lsub("", &name)).data, none());
    ok(s.delete(&name));
}

#[test]
fn namespace_lists_personal_and_shared() {
    let mut s = login("user2");
    assert_eq!(
        texts(&ok(s.namespace())),
        ["((\"\" \"/\")) ((\"shared/\" \"/\")) NIL"]
    );
}

#[test]
fn append_reports_appenduid_and_keeps_the_message_intact() {
    let mut s = login("user1");
    let wire = Wire::attach(&mut s);
    let name = unique_mailbox("append");
    let sentinel = unique_mailbox("sentinel");
    ok(s.create(&name));
    let validity = status_item(&mut s, &name, "UIDVALIDITY");
    // Bare LFs become CRLF; a command inside the literal is just message text.
    let message =
        format!("Subject: literal\nX-Test: yes\r\n\r\nline\r\nZ1 CREATE {sentinel}\r\nend\n");
    let expected = message.replace("\r\n", "\n").replace('\n', "\r\n");
    let date = "01-Jan-2020 00:00:00 +0000";
    let out = ok(s.append(
        Some(&name),
        Some("\\Seen \\Flagged"),
        Some(date),
        message.as_bytes(),
    ));
    assert_eq!(out.code(), code("APPENDUID", &format!("{validity} 1")));
    assert!(tagged_text(&out).starts_with(&format!("[APPENDUID {validity} 1] Append completed")));
    assert_eq!(out.data, [Item::Line(out.tagged.clone().unwrap().text)]);
    assert_eq!(texts(&s.response("APPENDUID")), [format!("{validity} 1")]);
    let out = ok(s.append(
        Some(&name),
        None,
        Some("\"02-Feb-2021 10:00:00 +0000\""),
        b"x",
    ));
    assert_eq!(out.code(), code("APPENDUID", &format!("{validity} 2")));

    let missing = s
        .append(Some(&format!("{name}-missing")), None, None, b"x")
        .unwrap();
    assert_eq!(missing.typ, "NO");
    assert_eq!(missing.code().map(|c| c.name), Some("TRYCREATE".into()));
    ok(s.noop());

    assert_eq!(texts(&ok(s.select(&name, false))), ["2"]);
    let out = ok(s.fetch("1:2", "(FLAGS INTERNALDATE)"));
    assert_eq!(
        texts(&out),
        [
            format!("1 (FLAGS (\\Flagged \\Seen \\Recent) INTERNALDATE \"{date}\")"),
            "2 (FLAGS (\\Recent) INTERNALDATE \"02-Feb-2021 10:00:00 +0000\")".into(),
        ]
    );
    let (head, body) = fetched_literal(&ok(s.fetch("1", "(BODY.PEEK[])")));
    assert_eq!(head, format!("1 (BODY[] {{{}}}", expected.len()));
    assert_eq!(String::from_utf8(body).unwrap(), expected);
    assert_eq!(ok(s.list("", &sentinel)).data, none());

    // imaplib's wire: every message literal synchronizing.
    let mut cfg = s.config().clone();
    cfg.nonsync_literal_max = 0;
    s.set_config(cfg);
    let out = ok(s.append(Some(&name), None, None, b"y"));
    assert_eq!(out.code(), code("APPENDUID", &format!("{validity} 3")));

    // Dovecot offers LITERAL+: messages up to 4 KiB go at once, `{N+}`; even the refused one
    // (the server reads it, then says NO).
    let sent = wire.take();
    assert_eq!(
        sent.iter()
            .filter(|l| l.starts_with("APPEND"))
            .cloned()
            .collect::<Vec<_>>(),
        [
            format!(
                "APPEND {name} (\\Seen \\Flagged) \"{date}\" {{{}+}}",
                expected.len()
            ),
            format!("APPEND {name} \"02-Feb-2021 10:00:00 +0000\" {{1+}}"),
            format!("APPEND {name}-missing {{1+}}"),
            format!("APPEND {name} {{1}}"),
        ]
    );
    ok(s.close_mailbox());
    ok(s.delete(&name));
}

#[test]
fn a_message_never_becomes_commands_when_the_server_refuses_its_append() {
    // Dovecot answers BAD to `\Recent` or an impossible date before reading the message, and
    // then reads a non-synchronizing literal's lines as commands. Such APPENDs therefore wait
    // for the continuation, which never comes: the message is never sent.
    let mut s = login("user1");
    let wire = Wire::attach(&mut s);
    let sentinel = unique_mailbox("injected");
    let name = unique_mailbox("refused");
    ok(s.create(&name));
    wire.take();
    let message = format!("Subject: x\r\n\r\nZ9 CREATE {sentinel}\r\n");
    for (flags, date) in [
        (Some("(\\Recent)"), None),
        (Some("\\Seen \\Bogus"), None),
        (None, Some("01-Jan-2021 00:00:00")),
        (None, Some("Jan 1 2021")),
    ] {
        match s.append(Some(&name), flags, date, message.as_bytes()) {
            Err(e) => assert_eq!(e.kind, ErrorKind::Bad, "{flags:?} {date:?}: {e:?}"),
            Ok(out) => assert_eq!(out.typ, "NO", "{flags:?} {date:?}: {out:?}"),
        }
        let sent = wire.take();
        assert!(
            sent[0].ends_with(&format!("{{{}}}", message.len())),
            "{sent:?}"
        );
        assert!(tagged_text(&ok(s.noop())).starts_with("NOOP completed"));
        wire.take();
    }
    assert_eq!(ok(s.list("", &sentinel)).data, none());
    assert_eq!(texts(&ok(s.select(&name, true))), ["0"]);
    ok(s.close_mailbox());
    ok(s.delete(&name));
}

// ----- selected-state commands ----------------------------------------------------------------

#[test]
fn select_recent_store_search_expunge() {
    let (mut s, name) = scratch("store", &MESSAGES);
    let wire = Wire::attach(&mut s);
    let out = ok(s.select(&name, false));
    assert_eq!(texts(&out), ["4"]);
    assert_eq!(out.code().map(|c| c.name), Some("READ-WRITE".into()));
    assert!(!s.is_readonly());
    assert_eq!(texts(&s.response("UIDNEXT")), ["5"]);
    // recent(): the SELECT's RECENT without I/O, then a NOOP that brings none.
    let recent = ok(s.recent());
    assert_eq!(
        (texts(&recent), recent.tagged),
        (vec!["4".to_string()], None)
    );
    assert_eq!(ok(s.recent()).data, none());

    let out = ok(s.store_flags("2:3", "+FLAGS", "\\Deleted"));
    assert_eq!(
        texts(&out),
        [
            "2 (FLAGS (\\Deleted \\Recent))",
            "3 (FLAGS (\\Deleted \\Recent))"
        ]
    );
    assert_eq!(
        ok(s.store_flags("4", "+FLAGS.SILENT", "(\\Answered)")).data,
        none()
    );
    assert_eq!(
        texts(&ok(s.fetch("4", "FLAGS"))),
        ["4 (FLAGS (\\Answered \\Recent))"]
    );
    assert_eq!(texts(&ok(s.search(None, &["DELETED"]))), ["2 3"]);
    assert_eq!(texts(&ok(s.search(None, &["SUBJECT", "alpha"]))), ["3"]);

    assert_eq!(texts(&ok(s.expunge())), ["3", "2"]);
    assert_eq!(texts(&ok(s.search(None, &["ALL"]))), ["1 2"]);
    assert!(tagged_text(&ok(s.check())).starts_with("Check completed"));
    assert_eq!(
        wire.take(),
        [
            format!("SELECT {name}"),
            "NOOP".into(),
            "STORE 2:3 +FLAGS (\\Deleted)".into(),
            "STORE 4 +FLAGS.SILENT (\\Answered)".into(),
            "FETCH 4 (FLAGS)".into(),
            "SEARCH DELETED".into(),
            "SEARCH SUBJECT alpha".into(),
            "EXPUNGE".into(),
            "SEARCH ALL".into(),
            "CHECK".into(),
        ]
    );
    ok(s.close_mailbox());
    ok(s.delete(&name));
}

#[test]
fn store_on_an_examined_mailbox_changes_nothing() {
    // imaplib sends it; Dovecot answers OK and ignores it.
    let (mut s, name) = scratch("examined", &MESSAGES[..1]);
    ok(s.select(&name, true));
    assert_eq!(ok(s.store_flags("1", "+FLAGS", "(\\Flagged)")).data, none());
    assert_eq!(texts(&ok(s.fetch("1", "FLAGS"))), ["1 (FLAGS (\\Recent))"]);
    ok(s.select(&name, false));
    ok(s.store_flags("1", "+FLAGS.SILENT", "(\\Flagged)"));
    assert_eq!(
        texts(&ok(s.fetch("1", "FLAGS"))),
        ["1 (FLAGS (\\Flagged \\Recent))"]
    );
    ok(s.close_mailbox());
    ok(s.delete(&name));
}

#[test]
fn copy_and_move_between_mailboxes() {
    let (mut s, src) = scratch("copysrc", &MESSAGES);
    let dst = unique_mailbox("copydst");
    ok(s.create(&dst));
    let validity = status_item(&mut s, &dst, "UIDVALIDITY");
    ok(s.select(&src, false));
    let out = ok(s.copy("1:2", &dst));
    assert_eq!(out.code(), code("COPYUID", &format!("{validity} 1:2 1:2")));
    let out = ok(s.move_messages("3", &dst));
    assert!(tagged_text(&out).starts_with("Move completed"), "{out:?}");
    // Response codes of tagged completions are kept too (imaplib): COPY's, then MOVE's.
    let copyuids = [format!("{validity} 1:2 1:2"), format!("{validity} 3 3")];
    assert_eq!(texts(&s.response("COPYUID")), copyuids);
    assert_eq!(texts(&s.response("EXPUNGE")), ["3"]);
    ok(s.close_mailbox());
    assert_eq!(status_item(&mut s, &src, "MESSAGES"), 3);
    assert_eq!(status_item(&mut s, &dst, "MESSAGES"), 3);
    ok(s.select(&dst, true));
    let subjects = ok(s.fetch("1:3", "BODY.PEEK[HEADER.FIELDS (SUBJECT)]"));
    let got: Vec<_> = subjects
        .data
        .iter()
        .filter_map(|i| match i {
            Item::Literal(_, LiteralData::Bytes(b)) => {
                Some(String::from_utf8_lossy(b).into_owned())
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        got,
        [
            "Subject: one\r\n\r\n",
            "Subject: two\r\n\r\n",
            "Subject: alpha\r\n\r\n"
        ]
    );
    ok(s.unselect());
    ok(s.delete(&src));
    ok(s.delete(&dst));
}

#[test]
fn uid_subcommands() {
    let (mut s, name) = scratch("uid", &MESSAGES);
    let dst = unique_mailbox("uiddst");
    ok(s.create(&dst));
    let validity = status_item(&mut s, &dst, "UIDVALIDITY");
    ok(s.select(&name, false));
    let wire = Wire::attach(&mut s);
    assert_eq!(texts(&ok(s.uid("SEARCH", &["ALL"]))), ["1 2 3 4"]);
    assert_eq!(
        texts(&ok(s.uid("FETCH", &["3", "FLAGS"]))),
        ["3 (UID 3 FLAGS (\\Recent))"]
    );
    let out = ok(s.uid("STORE", &["4", "+FLAGS", "\\Flagged"]));
    assert_eq!(texts(&out), ["4 (UID 4 FLAGS (\\Flagged \\Recent))"]);
    assert_eq!(
        texts(&ok(s.uid("SORT", &["SUBJECT", "UTF-8", "ALL"]))),
        ["3 4 1 2"]
    );
    let threads = ok(s.uid("THREAD", &["REFERENCES", "UTF-8", "ALL"]));
    assert_eq!(texts(&threads), ["(1 2)(3)(4)"]);
    // COPY, MOVE and EXPUNGE return the (absent) FETCH responses; the rest stays stored.
    assert_eq!(ok(s.uid("COPY", &["1:2", &dst])).data, none());
    assert_eq!(
        texts(&s.response("COPYUID")),
        [format!("{validity} 1:2 1:2")]
    );
    assert_eq!(ok(s.uid("MOVE", &["3", &dst])).data, none());
    ok(s.uid("STORE", &["4", "+FLAGS.SILENT", "(\\Deleted)"]));
    assert_eq!(ok(s.uid("EXPUNGE", &["4"])).data, none());
    assert_eq!(texts(&s.response("EXPUNGE")), ["3", "3"]);
    assert_eq!(texts(&ok(s.uid("SEARCH", &["ALL"]))), ["1 2"]);
    assert_eq!(status_item(&mut s, &dst, "MESSAGES"), 3);
    assert_eq!(
        wire.take()[..9],
        [
            "UID SEARCH ALL".to_string(),
            "UID FETCH 3 (FLAGS)".into(),
            "UID STORE 4 +FLAGS (\\Flagged)".into(),
            "UID SORT (SUBJECT) UTF-8 ALL".into(),
            "UID THREAD REFERENCES UTF-8 ALL".into(),
            format!("UID COPY 1:2 {dst}"),
            format!("UID MOVE 3 {dst}"),
            "UID STORE 4 +FLAGS.SILENT (\\Deleted)".into(),
            "UID EXPUNGE 4".into(),
        ]
    );
    ok(s.unselect());
    ok(s.delete(&name));
    ok(s.delete(&dst));
}

#[test]
fn close_expunges_unselect_does_not_and_both_return_to_auth() {
    let (mut s, name) = scratch("close", &MESSAGES[..2]);
    for (leave, left) in [
        (Session::unselect as fn(&mut Session) -> _, 2),
        (Session::close_mailbox, 1),
    ] {
        ok(s.select(&name, false));
        ok(s.store_flags("1", "+FLAGS.SILENT", "\\Deleted"));
        let out = ok(leave(&mut s));
        assert!(tagged_text(&out).contains(" completed"), "{out:?}");
        assert_eq!(s.state(), State::Auth);
        assert_eq!(status_item(&mut s, &name, "MESSAGES"), left);
    }
    fails(s.close_mailbox(), ErrorKind::IllegalState);
    fails(s.unselect(), ErrorKind::IllegalState);
    fails(s.check(), ErrorKind::IllegalState);
    assert_eq!(s.state(), State::Auth);
    ok(s.delete(&name));
}

#[test]
fn xatom_id_and_bad_responses_leave_the_connection_usable() {
    let mut s = login("user1");
    let out = ok(s.xatom("id", &["(\"name\" \"libimap-test\")"]));
    assert!(tagged_text(&out).starts_with("ID completed"), "{out:?}");
    assert_eq!(texts(&s.response("ID")), ["(\"name\" \"Dovecot\")"]);

    let e = fails(s.xatom("XYZZY", &["a", "b"]), ErrorKind::Bad);
    assert!(
        e.message
            .starts_with("XYZZY command error: BAD [Error in IMAP command XYZZY: Unknown command"),
        "{e:?}"
    );
    assert_eq!(e.outcome.map(|o| o.typ), Some("BAD".into()));
    ok(s.noop());

    ok(s.select("INBOX", true));
    let e = fails(s.fetch("1", "(BOGUS)"), ErrorKind::Bad);
    assert!(
        e.message
            .starts_with("FETCH command error: BAD [Error in IMAP command FETCH: "),
        "{e:?}"
    );
    assert!(e.message.contains("BOGUS"), "{e:?}");
    assert!(s.is_open());
    ok(s.noop());
    assert_eq!(s.state(), State::Selected);
}

// ----- state machine --------------------------------------------------------------------------

#[test]
fn commands_in_the_wrong_state_are_refused_before_sending() {
    let mut s = connect();
    let wire = Wire::attach(&mut s);
    let e = fails(s.fetch("1", "FLAGS"), ErrorKind::IllegalState);
    assert_eq!(
        e.message,
        "command FETCH illegal in state NONAUTH, only allowed in states SELECTED"
    );
    let e = fails(s.select("INBOX", false), ErrorKind::IllegalState);
    assert_eq!(
        e.message,
        "command SELECT illegal in state NONAUTH, only allowed in states AUTH, SELECTED"
    );
    let e = fails(s.uid("SEARCH", &["ALL"]), ErrorKind::IllegalState);
    assert!(
        e.message
            .starts_with("command SEARCH illegal in state NONAUTH"),
        "{e:?}"
    );
    let e = fails(s.uid("BOGUS", &[]), ErrorKind::InvalidArgument);
    assert_eq!(e.message, "Unknown IMAP4 UID command: 'BOGUS'");
    fails(s.namespace(), ErrorKind::IllegalState);
    fails(s.append(None, None, None, b"x"), ErrorKind::IllegalState);
    let e = fails(
        s.open(dovecot().host(), dovecot().port(), TlsMode::None),
        ErrorKind::IllegalState,
    );
    assert_eq!(e.message, "already connected");
    assert!(wire.take().is_empty(), "nothing may be sent");

    // imaplib registers an unknown xatom name for the state it is first used in (even when the
    // server rejects it).
    fails(s.xatom("XYZZY", &["NIL"]), ErrorKind::Bad);
    ok(s.login("user1", "pass1"));
    fails(s.login("user1", "pass1"), ErrorKind::IllegalState);
    let e = fails(s.xatom("XYZZY", &["NIL"]), ErrorKind::IllegalState);
    assert_eq!(
        e.message,
        "command XYZZY illegal in state AUTH, only allowed in states NONAUTH"
    );
    fails(s.fetch("1", "FLAGS"), ErrorKind::IllegalState);
    fails(s.expunge(), ErrorKind::IllegalState);
    fails(s.starttls(), ErrorKind::IllegalState);
    assert_eq!(wire.take(), ["XYZZY NIL", "LOGIN user1 <redacted>"]);
    assert_eq!(s.state(), State::Auth);
    ok(s.noop());
}

#[test]
fn read_only_select_raises_readonly_and_blocks_later_commands() {
    // user1 shares a mailbox with user2 for lookup and read only.
    let (mut owner, name) = scratch("shared", &MESSAGES[..1]);
    ok(owner.xatom("SETACL", &[&name, "user2", "lr"]));
    let shared = format!("shared/user1/{name}");

    let mut s = login("user2");
    let wire = Wire::attach(&mut s);
    let e = fails(s.select(&shared, false), ErrorKind::ReadOnly);
    assert_eq!(e.message, format!("'{shared}' is not writable"));
    let out = e.outcome.expect("the SELECT outcome");
    assert_eq!(
        (texts(&out), out.code().map(|c| c.name)),
        (vec!["1".into()], Some("READ-ONLY".into()))
    );
    assert_eq!(s.state(), State::Selected);
    let e = fails(s.noop(), ErrorKind::ReadOnly);
    assert_eq!(e.message, "mailbox status changed to READ-ONLY");
    fails(s.fetch("1", "FLAGS"), ErrorKind::ReadOnly);
    assert_eq!(wire.take(), [format!("SELECT {shared}")]);

    // EXAMINE is what a read-only mailbox wants.
    assert_eq!(texts(&ok(s.select(&shared, true))), ["1"]);
    assert_eq!(texts(&ok(s.fetch("1", "UID"))), ["1 (UID 1)"]);
    ok(owner.delete(&name));
}

// ----- TLS and connecting ---------------------------------------------------------------------

#[test]
fn implicit_tls_connection() {
    let d = dovecot();
    let mut s = session();
    s.open(d.host(), d.tls_port(), TlsMode::Implicit)
        .expect("implicit TLS");
    assert!(s.is_tls());
    assert!(s.has_capability("AUTH=PLAIN") && !s.has_capability("STARTTLS"));
    ok(s.login("user1", "pass1"));
    assert_eq!(texts(&ok(s.select("INBOX", true))), ["20"]);
    assert_eq!(s.logout().unwrap().typ, "BYE");
}

#[test]
fn starttls_upgrades_and_forgets_the_plaintext_capabilities() {
    let d = dovecot();
    let mut s = session();
    let wire = Wire::attach(&mut s);
    s.open(d.host(), d.port(), TlsMode::StartTls)
        .expect("STARTTLS");
    assert!(s.is_tls());
    assert!(
        s.has_capability("AUTH=PLAIN") && !s.has_capability("STARTTLS"),
        "{:?}",
        s.capabilities()
    );
    assert_eq!(wire.take(), ["STARTTLS", "CAPABILITY"]);
    ok(s.login("user1", "pass1"));
    assert!(s.has_capability("MOVE"));

    // The same by hand on a plain connection.
    let mut s = connect();
    assert!(!s.is_tls() && s.has_capability("STARTTLS"));
    let out = ok(s.starttls());
    assert_eq!(out.data, none());
    assert!(s.is_tls() && !s.has_capability("STARTTLS"));
    let e = fails(s.starttls(), ErrorKind::IllegalState);
    assert_eq!(e.message, "TLS session already established");
    ok(s.login("user2", "pass2"));
}

/// A TCP relay from `bind` (port chosen by the system) to Dovecot's `port`. For each connection
/// it relays, the channel gets the local port of its upstream leg: the client port Dovecot sees.
fn relay(bind: &str, port: u16) -> (u16, mpsc::Receiver<u16>) {
    let listener = TcpListener::bind((bind, 0)).expect("bind the relay");
    let relay_port = listener.local_addr().unwrap().port();
    let upstream = (dovecot().host().to_string(), port);
    let (ports, upstream_ports) = mpsc::channel();
    thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let server = TcpStream::connect((upstream.0.as_str(), upstream.1)).unwrap();
            let _ = ports.send(server.local_addr().unwrap().port());
            for (mut from, mut to) in [
                (client.try_clone().unwrap(), server.try_clone().unwrap()),
                (server, client),
            ] {
                thread::spawn(move || {
                    let _ = std::io::copy(&mut from, &mut to);
                    let _ = to.shutdown(std::net::Shutdown::Both);
                });
            }
        }
    });
    (relay_port, upstream_ports)
}

fn open_with(config: Config, host: &str, port: u16, mode: TlsMode) -> (Session, ImapResult<()>) {
    let mut s = Session::new(config);
    let r = s.open(host, port, mode);
    (s, r)
}

#[test]
fn certificate_and_host_name_are_verified_unless_turned_off() {
    let d = dovecot();
    let trusted = || session().config().clone();
    let insecure = || {
        let mut c = Config::default();
        c.tls.insecure = true;
        c
    };
    // The self-signed certificate is unknown to the default trust store, with either mode.
    for (port, mode) in [
        (d.tls_port(), TlsMode::Implicit),
        (d.port(), TlsMode::StartTls),
    ] {
        let (mut s, r) = open_with(Config::default(), d.host(), port, mode);
        let e = fails(r, ErrorKind::Tls);
        assert!(e.message.contains("certificate verify failed"), "{e:?}");
        assert_closed(&mut s);
    }
    // The certificate names localhost and 127.0.0.1, not 127.0.0.2.
    let (relay, _) = relay("127.0.0.2", d.tls_port());
    let (mut s, r) = open_with(trusted(), "127.0.0.2", relay, TlsMode::Implicit);
    let e = fails(r, ErrorKind::Tls);
    assert!(
        e.message.contains("certificate verify failed") && e.message.contains("mismatch"),
        "{e:?}"
    );
    assert_closed(&mut s);
    // Valid names work; the explicit opt-out skips both checks.
    for (config, host, port) in [
        (trusted(), "localhost", d.tls_port()),
        (insecure(), d.host(), d.tls_port()),
        (insecure(), "127.0.0.2", relay),
    ] {
        let (mut s, r) = open_with(config, host, port, TlsMode::Implicit);
        r.unwrap_or_else(|e| panic!("{host}:{port}: {e:?}"));
        assert!(s.is_tls());
        ok(s.login("user3", "pass3"));
    }
}

#[test]
fn connection_refused_is_a_connect_error() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (mut s, r) = open_with(Config::default(), "127.0.0.1", port, TlsMode::None);
    let e = fails(r, ErrorKind::Connect);
    assert!(e.message.contains("refused"), "{e:?}");
    assert_closed(&mut s);
}

// ----- a dying server, interrupts, timeouts ---------------------------------------------------

/// The pid of the Dovecot `imap` process serving the plain connection that comes from
/// `client_port`: the owner of the server side of that TCP connection (after LOGIN, Dovecot's
/// imap-login has handed the socket to the user's `imap` process).
fn imap_process_serving(client_port: u16) -> i32 {
    let port = |addr: &str| u16::from_str_radix(addr.rsplit(':').next()?, 16).ok();
    let server_side = std::fs::read_to_string("/proc/net/tcp")
        .unwrap()
        .lines()
        .find_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let ours = f.len() > 9
                && port(f[1]) == Some(dovecot().port())
                && port(f[2]) == Some(client_port);
            ours.then(|| format!("socket:[{}]", f[9]))
        })
        .expect("the server side of the connection in /proc/net/tcp");
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
                continue;
            };
            let comm = std::fs::read_to_string(entry.path().join("comm")).unwrap_or_default();
            let holds = |fd: std::fs::DirEntry| {
                std::fs::read_link(fd.path()).is_ok_and(|t| t.as_os_str() == server_side.as_str())
            };
            let fds = std::fs::read_dir(entry.path().join("fd"));
            if comm == "imap\n" && fds.into_iter().flatten().flatten().any(holds) {
                return pid;
            }
        }
        thread::sleep(Duration::from_millis(20));
    }
    panic!("no imap process holds {server_side}");
}

fn kill(pid: i32) {
    // SAFETY: plain syscall on the pid of the Dovecot imap process serving our connection.
    let r = unsafe { libc::kill(pid, libc::SIGKILL) };
    assert_eq!(r, 0, "kill {pid}: {}", std::io::Error::last_os_error());
}

/// user1 through a relay (so the client port Dovecot sees is known), with a fresh mailbox
/// holding `messages` selected, and the pid of the Dovecot process serving the connection.
fn selected_scratch(prefix: &str, messages: &[&[u8]]) -> (Session, String, i32) {
    let (port, client_ports) = relay("127.0.0.1", dovecot().port());
    let mut s = session();
    s.open("127.0.0.1", port, TlsMode::None).expect("connect");
    ok(s.login("user1", "pass1"));
    let name = fill(&mut s, prefix, messages);
    ok(s.select(&name, false));
    let pid = imap_process_serving(client_ports.recv().unwrap());
    (s, name, pid)
}

/// Stops (SIGSTOP) the Dovecot process serving a connection: from then on the server is
/// silent, so the next command blocks. (IDLE through xatom no longer serves: its `+ idling`
/// is a continuation no command waits for, a protocol error.) End it with [`kill`].
fn stop(pid: i32) {
    // SAFETY: plain syscall on the pid of the Dovecot imap process serving our connection.
    let r = unsafe { libc::kill(pid, libc::SIGSTOP) };
    assert_eq!(r, 0, "stop {pid}: {}", std::io::Error::last_os_error());
}

fn blocked(s: &mut Session) -> ImapResult<Outcome> {
    s.noop()
}

#[test]
fn server_process_killed_during_a_blocked_command_aborts_promptly() {
    let (s, name, pid) = selected_scratch("killidle", &[]);
    stop(pid);
    let call = timed_on_thread(s, blocked);
    thread::sleep(Duration::from_millis(300));
    kill(pid);
    let (mut s, r, took) = call.join().unwrap();
    let e = fails(r, ErrorKind::Abort);
    assert!(e.message.contains("EOF"), "{e:?}");
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert_closed(&mut s);
    remove(&[&name]);
}

/// Buffers like the default sink, but stops at the first literal bytes until told to go on.
struct PausingSink {
    buf: Vec<u8>,
    started: Option<mpsc::Sender<()>>,
    resume: mpsc::Receiver<()>,
}

impl LiteralSink for PausingSink {
    fn begin(&mut self, _size: u64, _line: &[u8]) -> Result<(), ProtoError> {
        Ok(())
    }
    fn write(&mut self, chunk: &[u8]) -> Result<(), ProtoError> {
        if let Some(started) = self.started.take() {
            started.send(()).unwrap();
            self.resume.recv_timeout(Duration::from_secs(10)).unwrap();
        }
        self.buf.extend_from_slice(chunk);
        Ok(())
    }
    fn finish(&mut self) -> Result<LiteralData, ProtoError> {
        Ok(LiteralData::Bytes(std::mem::take(&mut self.buf)))
    }
}

#[test]
fn server_process_killed_in_the_middle_of_a_literal_aborts() {
    // 24 MB: far more than the socket buffers hold, so the server is still writing.
    let line = [b'x'; 78];
    let mut big = b"Subject: big\r\n\r\n".to_vec();
    while big.len() < 24 << 20 {
        big.extend_from_slice(&line);
        big.extend_from_slice(b"\r\n");
    }
    let (mut s, name, pid) = selected_scratch("killfetch", &[&big]);
    let (started_tx, started) = mpsc::channel();
    let (resume, resume_rx) = mpsc::channel();
    s.set_literal_sink(Some(Box::new(PausingSink {
        buf: Vec::new(),
        started: Some(started_tx),
        resume: resume_rx,
    })));
    let call = timed_on_thread(s, |s| s.fetch("1", "BODY.PEEK[]"));
    started
        .recv_timeout(Duration::from_secs(10))
        .expect("the literal begins");
    kill(pid);
    resume.send(()).unwrap();
    let (mut s, r, took) = call.join().unwrap();
    let e = fails(r, ErrorKind::Abort);
    assert_eq!(e.message, "socket error: EOF in the middle of a response");
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert_closed(&mut s);
    remove(&[&name]);
}

#[test]
fn interrupt_ends_a_blocked_call() {
    let (s, name, pid) = selected_scratch("interrupt", &[]);
    let interrupter = s.interrupter();
    stop(pid);
    let call = timed_on_thread(s, blocked);
    thread::sleep(Duration::from_millis(200));
    // The call is running by now (if not, the interrupt is kept for it all the same).
    interrupter.interrupt();
    let (mut s, r, took) = call.join().unwrap();
    let e = fails(r, ErrorKind::Interrupted);
    assert_eq!(e.message, "interrupted by imap_interrupt");
    assert!(took < Duration::from_secs(5), "took {took:?}");
    assert_closed(&mut s);
    kill(pid);
    remove(&[&name]);
}

#[test]
fn silent_server_times_out() {
    let (mut s, name, pid) = selected_scratch("silent", &[]);
    let mut config = s.config().clone();
    config.io_timeout = Duration::from_millis(400);
    s.set_config(config);
    ok(s.noop());
    stop(pid);
    let t0 = Instant::now();
    let e = fails(blocked(&mut s), ErrorKind::Timeout);
    let took = t0.elapsed();
    assert_eq!(e.message, "no data from the server for 400 ms");
    assert!(
        took >= Duration::from_millis(400) && took < Duration::from_secs(5),
        "took {took:?}"
    );
    assert_closed(&mut s);
    kill(pid);
    remove(&[&name]);
}

// ----- CR, LF and NUL never reach a command line ----------------------------------------------

type Call = fn(&mut Session, &str) -> ImapResult<Outcome>;

/// Every argument of every method that reaches a command line, as a call taking that argument.
const INJECTABLE: &[(&str, Call)] = &[
    ("select mailbox", |s, x| s.select(x, false)),
    ("examine mailbox", |s, x| s.select(x, true)),
    ("status mailbox", |s, x| s.status(x, "(MESSAGES)")),
    ("status names", |s, x| s.status("INBOX", x)),
    ("list directory", |s, x| s.list(x, "*")),
    ("list pattern", |s, x| s.list("", x)),
    ("lsub directory", |s, x| s.lsub(x, "*")),
    ("lsub pattern", |s, x| s.lsub("", x)),
    ("create", |s, x| s.create(x)),
    ("delete", |s, x| s.delete(x)),
    ("rename old", |s, x| s.rename(x, "new")),
    ("rename new", |s, x| s.rename("old", x)),
    ("subscribe", |s, x| s.subscribe(x)),
    ("unsubscribe", |s, x| s.unsubscribe(x)),
    ("append mailbox", |s, x| s.append(Some(x), None, None, b"x")),
    ("append flags", |s, x| s.append(None, Some(x), None, b"x")),
    ("append date", |s, x| s.append(None, None, Some(x), b"x")),
    ("append quoted date", |s, x| {
        s.append(None, None, Some(&format!("\"{x}\"")), b"x")
    }),
    ("search charset", |s, x| s.search(Some(x), &["ALL"])),
    ("search criteria", |s, x| s.search(None, &["ALL", x])),
    ("fetch set", |s, x| s.fetch(x, "UID")),
    ("fetch parts", |s, x| s.fetch("1", x)),
    ("store set", |s, x| s.store_flags(x, "+FLAGS", "\\Seen")),
    ("store command", |s, x| s.store_flags("1", x, "\\Seen")),
    ("store flags", |s, x| s.store_flags("1", "+FLAGS", x)),
    ("copy set", |s, x| s.copy(x, "INBOX")),
    ("copy mailbox", |s, x| s.copy("1", x)),
    ("move set", |s, x| s.move_messages(x, "INBOX")),
    ("move mailbox", |s, x| s.move_messages("1", x)),
    ("uid command", |s, x| {
        s.uid(&format!("FETCH{x}"), &["1", "UID"])
    }),
    ("uid search", |s, x| s.uid("SEARCH", &[x])),
    ("uid fetch set", |s, x| s.uid("FETCH", &[x, "UID"])),
    ("uid fetch parts", |s, x| s.uid("FETCH", &["1", x])),
    ("uid fetch extra", |s, x| s.uid("FETCH", &["1", "UID", x])),
    ("uid store set", |s, x| {
        s.uid("STORE", &[x, "+FLAGS", "\\Seen"])
    }),
    ("uid store command", |s, x| {
        s.uid("STORE", &["1", x, "\\Seen"])
    }),
    ("uid store flags", |s, x| {
        s.uid("STORE", &["1", "+FLAGS", x])
    }),
    ("uid copy mailbox", |s, x| s.uid("COPY", &["1", x])),
    ("uid move mailbox", |s, x| s.uid("MOVE", &["1", x])),
    ("uid sort criteria", |s, x| {
        s.uid("SORT", &[x, "UTF-8", "ALL"])
    }),
    ("uid sort charset", |s, x| {
        s.uid("SORT", &["DATE", x, "ALL"])
    }),
    ("uid thread charset", |s, x| {
        s.uid("THREAD", &["REFERENCES", x, "ALL"])
    }),
    ("uid expunge", |s, x| s.uid("EXPUNGE", &[x])),
    ("xatom name", |s, x| s.xatom(&format!("NOOP{x}"), &[])),
    ("xatom argument", |s, x| s.xatom("NOOP", &[x])),
];

/// What an attacker would smuggle after each control character: a second command.
fn payloads(sentinel: &str) -> Vec<String> {
    ["\r", "\n", "\0", "\r\n"]
        .iter()
        .map(|c| format!("x{c}Z1 CREATE {sentinel}"))
        .collect()
}

#[test]
fn control_characters_in_arguments_are_refused_and_nothing_is_sent() {
    let (mut s, name) = scratch("inject", &MESSAGES[..1]);
    ok(s.select(&name, false));
    let wire = Wire::attach(&mut s);
    let sentinel = unique_mailbox("sentinel");
    for (what, call) in INJECTABLE {
        for payload in payloads(&sentinel) {
            let e = fails(call(&mut s, &payload), ErrorKind::InvalidArgument);
            assert!(
                [
                    "NUL, CR and LF not allowed in commands",
                    "command name must be a non-empty atom",
                ]
                .contains(&e.message.as_str())
                    || e.message.starts_with("Unknown IMAP4 UID command"),
                "{what}: {e:?}"
            );
            assert_eq!(wire.take(), Vec::<String>::new(), "{what} sent something");
            assert_eq!(s.state(), State::Selected, "{what}");
        }
    }
    // The connection is in sync and the server never saw the smuggled command.
    assert!(tagged_text(&ok(s.noop())).starts_with("NOOP completed"));
    assert_eq!(texts(&ok(s.fetch("1", "UID"))), ["1 (UID 1)"]);
    assert_eq!(ok(s.list("", &format!("{sentinel}*"))).data, none());
    assert_eq!(s.response("x").data, none(), "response() sends nothing");
    ok(s.close_mailbox());
    ok(s.delete(&name));
}

/// A command line ending in `{N}` or `{N+}` makes the server read the next N bytes as a
/// literal: the following command would be swallowed. Every argument either stays inside its
/// quoting (the call completes) or is refused before anything is sent; the connection stays
/// in sync either way. Found by the encoder fuzz target.
/// A verbatim argument that leaves a quoted string open shifts the quoting of the rest of the
/// line: the quoted string value after it is read outside quotes and its `{5}` announces a
/// literal (Dovecot answers `+`). Refused before anything is sent; the connection stays in
/// sync. Found by the encode fuzz target.
#[test]
fn an_open_quote_in_a_verbatim_argument_never_desynchronises_the_connection() {
    let (mut s, name) = scratch("openquote", &MESSAGES[..1]);
    let config = Config {
        io_timeout: Duration::from_secs(5),
        ..s.config().clone()
    };
    s.set_config(config);
    ok(s.select(&name, false));
    let wire = Wire::attach(&mut s);
    type Call0 = fn(&mut Session) -> ImapResult<Outcome>;
    let calls: [(&str, Call0); 3] = [
        ("uid sort", |s| s.uid("SORT", &["(\"", "x {5}", "ALL"])),
        ("sort", |s| s.sort("(\"", Some("x {5}"), &["ALL"])),
        ("xatom", |s| s.xatom("NOOP", &["\"", "x {5}\""])),
    ];
    for (what, call) in calls {
        let e = fails(call(&mut s), ErrorKind::InvalidArgument);
        assert!(e.message.contains("quoted string open"), "{what}: {e:?}");
        assert_eq!(wire.take(), Vec::<String>::new(), "{what} sent something");
        let out = s.noop().unwrap_or_else(|e| panic!("{what}: {e:?}"));
        assert!(tagged_text(&out).starts_with("NOOP completed"), "{what}");
        wire.take();
    }
    ok(s.close_mailbox());
    ok(s.delete(&name));
}

#[test]
fn literal_announcements_in_arguments_never_desynchronise_the_connection() {
    let (mut s, name) = scratch("announce", &MESSAGES[..1]);
    let config = Config {
        io_timeout: Duration::from_secs(5),
        ..s.config().clone()
    };
    s.set_config(config);
    ok(s.select(&name, false));
    let sentinel = unique_mailbox("sentinel");
    let wire = Wire::attach(&mut s);
    for (what, call) in INJECTABLE {
        for payload in [
            format!("{sentinel} {{5}}"),
            format!("{sentinel} {{5+}}"),
            format!("{sentinel}{{0}}"),
            format!("{sentinel}{{0+}}"),
        ] {
            match call(&mut s, &payload) {
                Err(e) if e.kind == ErrorKind::InvalidArgument => {
                    assert_eq!(wire.take(), Vec::<String>::new(), "{what} sent something");
                }
                Err(e) => assert_eq!(e.kind, ErrorKind::Bad, "{what} {payload:?}: {e:?}"),
                Ok(_) => {}
            }
            assert!(s.is_open(), "{what} {payload:?}");
            let out = s
                .noop()
                .unwrap_or_else(|e| panic!("{what} {payload:?}: {e:?}"));
            assert!(tagged_text(&out).starts_with("NOOP completed"), "{what}");
            wire.take();
            if s.state() != State::Selected {
                ok(s.select(&name, false));
            }
        }
    }
    for item in ok(s.list("", &format!("{sentinel}*"))).data {
        if let Item::Line(l) = item {
            let l = String::from_utf8_lossy(&l).into_owned();
            let quoted = &l[l.find(" \"/\" ").expect("LIST line") + 5..];
            let mailbox = quoted.trim_matches('"').replace("\\\"", "\"");
            ok(s.delete(&mailbox));
        }
    }
    assert_eq!(ok(s.list("", &format!("{sentinel}*"))).data, none());
    ok(s.close_mailbox());
    ok(s.delete(&name));
}

#[test]
fn control_characters_in_login_are_refused_and_nothing_is_sent() {
    let mut s = connect();
    let wire = Wire::attach(&mut s);
    for payload in payloads(&unique_mailbox("sentinel")) {
        for (user, password) in [(payload.as_str(), "pass1"), ("user1", payload.as_str())] {
            let e = fails(s.login(user, password), ErrorKind::InvalidArgument);
            assert_eq!(e.message, "NUL, CR and LF not allowed in commands");
            assert!(wire.take().is_empty());
        }
    }
    assert_eq!(s.state(), State::NonAuth);
    ok(s.noop());
    ok(s.login("user1", "pass1"));
}
