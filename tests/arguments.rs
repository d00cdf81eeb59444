//! Arguments a caller can't get wrong: string values that cannot be quoted go as literals
//! (synchronizing, or non-synchronizing when LITERAL+ / LITERAL- allow it, quoted in UTF-8
//! mode), typed search/sort values, flags given as a list and checked before anything is sent,
//! and imaplib's `literal` attribute. Scripted fake servers for the wire forms, the test
//! Dovecot for the round trips.

mod common;
mod fake;

use common::{login, unique_mailbox};
use fake::{expect, expect_line, send, FakeServer, Step, Transcript};
use imap::proto::response::Item;
use imap::{Config, ErrorKind, Outcome, Session, TlsMode, Value};
use std::time::Duration;

// ----- fake-server helpers ---------------------------------------------------------------------

/// Long enough that only a hung client meets it.
const WAIT: Duration = Duration::from_secs(8);

const PASSWORD: &str = "pässwörd-Grüße";

struct Case {
    server: FakeServer,
    session: Session,
    prefix: String,
}

impl Case {
    fn open(script: Vec<Step>) -> Case {
        let server = FakeServer::start(script);
        let mut session = Session::new(Config {
            connect_timeout: WAIT,
            io_timeout: WAIT,
            ..Config::default()
        });
        session
            .open("127.0.0.1", server.port, TlsMode::None)
            .expect("open");
        let prefix = String::from_utf8_lossy(session.tag_prefix()).into_owned();
        Case {
            server,
            session,
            prefix,
        }
    }

    /// Closes the session; returns what the client sent, with its tag prefix replaced by `T`.
    fn finish(self) -> (Transcript, String) {
        drop(self.session);
        let t = self.server.finish();
        let text = String::from_utf8_lossy(&t.all()).replace(&self.prefix, "T");
        (t, text)
    }
}

/// A not-authenticated server with these capabilities.
fn greeting(caps: &str) -> Step {
    send(format!("* OK [CAPABILITY IMAP4rev1 {caps}] fake ready\r\n"))
}

/// A server in SELECTED state with these capabilities; `rest` follows.
fn selected(caps: &str, rest: Vec<Step>) -> Vec<Step> {
    let mut script = vec![
        send("* PREAUTH fake ready\r\n"),
        expect("CAPABILITY"),
        send(format!(
            "* CAPABILITY IMAP4rev1 {caps}\r\n{{tag}} OK done\r\n"
        )),
        expect("SELECT INBOX"),
        send("* 1 EXISTS\r\n{tag} OK [READ-WRITE] selected\r\n"),
    ];
    script.extend(rest);
    script
}

fn select(case: &mut Case) {
    let out = case.session.select("INBOX", false).expect("select");
    assert!(out.is_ok(), "{out:?}");
}

const LOGIN_OK: &str = "{tag} OK [CAPABILITY IMAP4rev1] logged in\r\n";

// ----- item 3: 8-bit string values go as literals ----------------------------------------------

#[test]
fn an_8bit_password_goes_as_a_synchronizing_literal_after_the_continuation() {
    let n = PASSWORD.len();
    let mut case = Case::open(vec![
        greeting(""),
        expect(&format!("LOGIN user {{{n}}}")),
        send("+ go ahead\r\n"),
        expect_line(PASSWORD),
        send(LOGIN_OK),
    ]);
    let out = case.session.login("user", PASSWORD).expect("login");
    assert!(out.is_ok(), "{out:?}");
    let (_, sent) = case.finish();
    assert_eq!(sent, format!("T0 LOGIN user {{{n}}}\r\n{PASSWORD}\r\n"));
}

#[test]
fn a_synchronizing_password_literal_is_withheld_when_the_server_refuses_first() {
    let mut case = Case::open(vec![
        greeting(""),
        expect(&format!("LOGIN user {{{}}}", PASSWORD.len())),
        send("{tag} NO [AUTHENTICATIONFAILED] no literals today\r\n"),
    ]);
    let out = case.session.login("user", PASSWORD).expect("login");
    assert_eq!(out.typ, "NO");
    let (t, _) = case.finish();
    assert!(
        !t.sent(PASSWORD),
        "the password was sent without a continuation"
    );
}

#[test]
fn the_trace_shows_neither_an_8bit_password_nor_its_length() {
    let n = PASSWORD.len();
    for caps in ["", "LITERAL+"] {
        let plus = if caps.is_empty() { "" } else { "+" };
        let mut script = vec![greeting(caps), expect(&format!("LOGIN user {{{n}{plus}}}"))];
        if caps.is_empty() {
            script.push(send("+ go ahead\r\n"));
        }
        script.extend([expect_line(PASSWORD), send(LOGIN_OK)]);
        let mut case = Case::open(script);
        let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
        let sink = std::sync::Arc::clone(&lines);
        case.session.set_debug(5);
        case.session
            .set_trace_sink(Some(Box::new(move |_, l: &str| {
                sink.lock().unwrap().push(l.into())
            })));
        assert!(case.session.login("user", PASSWORD).expect("login").is_ok());
        case.finish();
        let lines = lines.lock().unwrap();
        assert!(
            lines.iter().any(|l| l.contains("LOGIN user <redacted>")),
            "{lines:?}"
        );
        for l in lines.iter() {
            assert!(!l.contains(PASSWORD), "{l}");
            assert!(
                !l.contains(&format!("{{{n}")) && !l.contains(&format!("size {n}")),
                "{l}"
            );
        }
    }
}

#[test]
fn literal_plus_sends_the_password_at_once() {
    let n = PASSWORD.len();
    // No continuation is ever sent: a client that waited for one would hang here.
    let mut case = Case::open(vec![
        greeting("LITERAL+"),
        expect(&format!("LOGIN user {{{n}+}}")),
        expect_line(PASSWORD),
        send(LOGIN_OK),
    ]);
    let out = case.session.login("user", PASSWORD).expect("login");
    assert!(out.is_ok(), "{out:?}");
    let (_, sent) = case.finish();
    assert_eq!(sent, format!("T0 LOGIN user {{{n}+}}\r\n{PASSWORD}\r\n"));
}

#[test]
fn literal_minus_is_non_synchronizing_up_to_4096_bytes_only() {
    // 2048 two-byte characters: 4096 bytes, the largest LITERAL- literal.
    let small = "ä".repeat(2048);
    let mut case = Case::open(vec![
        greeting("LITERAL-"),
        expect("LOGIN user {4096+}"),
        expect_line(&small),
        send(LOGIN_OK),
    ]);
    assert!(case.session.login("user", &small).expect("login").is_ok());
    case.finish();

    let big = format!("{small}x");
    let mut case = Case::open(vec![
        greeting("LITERAL-"),
        expect("LOGIN user {4097}"),
        send("+ go ahead\r\n"),
        expect_line(&big),
        send(LOGIN_OK),
    ]);
    assert!(case.session.login("user", &big).expect("login").is_ok());
    let (_, sent) = case.finish();
    assert_eq!(sent, format!("T0 LOGIN user {{4097}}\r\n{big}\r\n"));
}

#[test]
fn seven_bit_passwords_stay_quoted() {
    let mut case = Case::open(vec![
        greeting("LITERAL+"),
        expect("LOGIN user \"p\\\"a\\\\ss w\""),
        send(LOGIN_OK),
    ]);
    assert!(case
        .session
        .login("user", "p\"a\\ss w")
        .expect("login")
        .is_ok());
    case.finish();
}

#[test]
fn utf8_mode_sends_string_values_quoted() {
    let mut case = Case::open(vec![
        send("* PREAUTH fake ready\r\n"),
        expect("CAPABILITY"),
        send("* CAPABILITY IMAP4rev1 ENABLE UTF8=ACCEPT\r\n{tag} OK done\r\n"),
        expect("ENABLE UTF8=ACCEPT"),
        send("* ENABLED UTF8=ACCEPT\r\n{tag} OK enabled\r\n"),
        expect("SELECT INBOX"),
        send("* 1 EXISTS\r\n{tag} OK [READ-WRITE] selected\r\n"),
        expect("SEARCH SUBJECT \"Grüße\""),
        send("* SEARCH 1\r\n{tag} OK done\r\n"),
    ]);
    assert!(case.session.enable("UTF8=ACCEPT").expect("enable").is_ok());
    select(&mut case);
    let out = case
        .session
        .search_args(
            false,
            None,
            &[Value::atom("SUBJECT"), Value::string("Grüße")],
        )
        .expect("search");
    assert_eq!(out.data, vec![Item::Line(b"1".to_vec())]);
    case.finish();
}

#[test]
fn an_8bit_mailbox_name_given_raw_goes_as_a_literal() {
    let mut case = Case::open(selected(
        "",
        vec![
            expect("CREATE {9}"),
            send("+ go ahead\r\n"),
            expect_line("Entwürfe"),
            send("{tag} OK created\r\n"),
        ],
    ));
    select(&mut case);
    case.session
        .set_mailbox_encoding(imap::session::MailboxEncoding::Raw);
    assert!(case.session.create("Entwürfe").expect("create").is_ok());
    case.finish();
}

// ----- item 15: typed values, flag lists, the literal attribute --------------------------------

#[test]
fn typed_search_sends_string_values_as_strings_and_keywords_as_atoms() {
    let mut case = Case::open(selected(
        "",
        vec![
            expect("SEARCH CHARSET UTF-8 SUBJECT {7}"),
            send("+ go ahead\r\n"),
            expect_line("Grüße HEADER \"X Spaced Name\" \"a \\\"b\\\"\" (OR SEEN 1:5)"),
            send("* SEARCH 1\r\n{tag} OK done\r\n"),
            expect("UID SEARCH SUBJECT \"plain text\""),
            send("* SEARCH 7\r\n{tag} OK done\r\n"),
        ],
    ));
    select(&mut case);
    let out = case
        .session
        .search_args(
            false,
            Some("UTF-8"),
            &[
                Value::atom("SUBJECT"),
                Value::string("Grüße"),
                Value::atom("HEADER"),
                Value::string("X Spaced Name"),
                Value::string("a \"b\""),
                Value::List(vec![
                    Value::atom("OR"),
                    Value::atom("SEEN"),
                    Value::atom("1:5"),
                ]),
            ],
        )
        .expect("search");
    assert_eq!(out.data, vec![Item::Line(b"1".to_vec())]);
    let out = case
        .session
        .search_args(
            true,
            None,
            &[Value::atom("SUBJECT"), Value::string("plain text")],
        )
        .expect("uid search");
    assert_eq!(out.data, vec![Item::Line(b"7".to_vec())]);
    case.finish();
}

#[test]
fn typed_sort_and_thread_values() {
    let mut case = Case::open(selected(
        "LITERAL+ SORT THREAD=REFERENCES",
        vec![
            expect("SORT (REVERSE DATE) UTF-8 SUBJECT {7+}"),
            expect_line("Grüße"),
            send("* SORT 2 1\r\n{tag} OK done\r\n"),
            expect("UID THREAD REFERENCES UTF-8 FROM \"a b\""),
            send("* THREAD (1)\r\n{tag} OK done\r\n"),
        ],
    ));
    select(&mut case);
    let out = case
        .session
        .sort_args(
            false,
            &["REVERSE", "DATE"],
            "UTF-8",
            &[Value::atom("SUBJECT"), Value::string("Grüße")],
        )
        .expect("sort");
    assert_eq!(out.data, vec![Item::Line(b"2 1".to_vec())]);
    let out = case
        .session
        .thread_args(
            true,
            "REFERENCES",
            "UTF-8",
            &[Value::atom("FROM"), Value::string("a b")],
        )
        .expect("thread");
    assert_eq!(out.data, vec![Item::Line(b"(1)".to_vec())]);
    case.finish();
}

/// The script after SELECT is only NOOP: anything else sent fails the script.
fn selected_then_noop() -> Vec<Step> {
    selected("", vec![expect("NOOP"), send("{tag} OK noop\r\n")])
}

#[test]
fn bad_flags_and_atoms_are_refused_before_anything_is_sent() {
    let mut case = Case::open(selected_then_noop());
    select(&mut case);
    let s = &mut case.session;
    let bad_flags = [
        "two words",
        "(\\Seen",
        "\\Seen)",
        "a]",
        "50%",
        "\\*",
        "\"q\"",
        "back\\slash",
        "Grüße",
        "a\tb",
        "a\r\nb",
        "{3}",
        "",
    ];
    for bad in bad_flags {
        for uid in [false, true] {
            let e = s
                .store_flag_list(uid, "1", "+FLAGS", &["\\Seen", bad])
                .expect_err(bad);
            assert_eq!(e.kind, ErrorKind::InvalidArgument, "{bad:?}: {}", e.message);
        }
        let e = s.append_flag_list(None, &[bad], None, b"x").expect_err(bad);
        assert_eq!(e.kind, ErrorKind::InvalidArgument, "{bad:?}: {}", e.message);
    }
    for (set, op) in [
        ("1 2", "+FLAGS"),
        ("1", "+FLAGS (\\Deleted)"),
        ("1", "X-GM-LABELS"),
    ] {
        let e = s
            .store_flag_list(false, set, op, &["\\Seen"])
            .expect_err(op);
        assert_eq!(e.kind, ErrorKind::InvalidArgument, "{}", e.message);
    }
    for bad in ["two words", "(", "{5}", "Grüße", "a\r\nb"] {
        let e = s
            .search_args(false, None, &[Value::atom(bad)])
            .expect_err(bad);
        assert_eq!(e.kind, ErrorKind::InvalidArgument, "{bad:?}");
        let e = s
            .search_args(
                false,
                None,
                &[Value::atom("SUBJECT"), Value::string(format!("{bad}\0"))],
            )
            .expect_err(bad);
        assert_eq!(e.kind, ErrorKind::InvalidArgument, "{bad:?} with NUL");
    }
    // The connection is untouched: the next command is the first thing sent after SELECT.
    assert!(s.noop().expect("noop").is_ok());
    let (_, sent) = case.finish();
    let commands: Vec<&str> = sent
        .lines()
        .map(|l| l.split_once(' ').map_or(l, |(_, c)| c))
        .collect();
    assert_eq!(commands, ["CAPABILITY", "SELECT INBOX", "NOOP"], "{sent}");
}

#[test]
fn flag_lists_are_sent_as_one_parenthesised_list() {
    let mut case = Case::open(selected(
        "",
        vec![
            expect("STORE 1:3 +FLAGS.SILENT (\\Seen $Label)"),
            send("{tag} OK stored\r\n"),
            expect("UID STORE 7 FLAGS ()"),
            send("{tag} OK stored\r\n"),
            expect("APPEND INBOX (\\Draft) {1}"),
            send("+ go ahead\r\n"),
            expect_line("x"),
            send("{tag} OK appended\r\n"),
        ],
    ));
    select(&mut case);
    let s = &mut case.session;
    assert!(s
        .store_flag_list(false, "1:3", "+FLAGS.SILENT", &["\\Seen", "$Label"])
        .expect("store")
        .is_ok());
    assert!(s
        .store_flag_list(true, "7", "FLAGS", &[])
        .expect("uid store")
        .is_ok());
    assert!(s
        .append_flag_list(None, &["\\Draft"], None, b"x")
        .expect("append")
        .is_ok());
    case.finish();
}

#[test]
fn the_literal_attribute_applies_to_the_next_command_only() {
    let mut case = Case::open(selected(
        "LITERAL+",
        vec![
            // Synchronizing even under LITERAL+: the command's other arguments are the
            // caller's verbatim text, which the server may refuse before the literal.
            expect("SEARCH CHARSET UTF-8 SUBJECT {7}"),
            send("+ go ahead\r\n"),
            expect_line("Grüße"),
            send("* SEARCH 1\r\n{tag} OK done\r\n"),
            expect("NOOP"),
            send("{tag} OK noop\r\n"),
        ],
    ));
    select(&mut case);
    let s = &mut case.session;
    s.set_literal(Some("Grüße".as_bytes().to_vec()))
        .expect("set_literal");
    let out = s.search(Some("UTF-8"), &["SUBJECT"]).expect("search");
    assert_eq!(out.data, vec![Item::Line(b"1".to_vec())]);
    assert!(s.noop().expect("noop").is_ok());
    case.finish();
}

#[test]
fn the_literal_attribute_is_dropped_with_a_command_refused_for_its_state() {
    let mut case = Case::open(vec![
        send("* PREAUTH fake ready\r\n"),
        expect("CAPABILITY"),
        send("* CAPABILITY IMAP4rev1\r\n{tag} OK done\r\n"),
        expect("NOOP"),
        send("{tag} OK noop\r\n"),
    ]);
    let s = &mut case.session;
    s.set_literal(Some(b"stray".to_vec())).expect("set_literal");
    // FETCH needs a selected mailbox: refused, and the literal goes with it (imaplib).
    let e = s.fetch("1", "(FLAGS)").expect_err("fetch in AUTH");
    assert_eq!(e.kind, ErrorKind::IllegalState);
    assert!(s.noop().expect("noop").is_ok());
    case.finish();
    // Not before open: the next command would be open's own CAPABILITY.
    let e = Session::default()
        .set_literal(Some(b"x".to_vec()))
        .expect_err("set_literal before open");
    assert_eq!(e.kind, ErrorKind::Closed);
}

// ----- against the test Dovecot ----------------------------------------------------------------

#[track_caller]
fn ok(r: imap::session::Result<Outcome>) -> Outcome {
    let out = r.unwrap_or_else(|e| panic!("call failed: {e:?}"));
    assert_eq!(out.typ, "OK", "{out:?}");
    out
}

fn lines(out: &Outcome) -> Vec<String> {
    out.data
        .iter()
        .map(|i| match i {
            Item::Line(l) => String::from_utf8_lossy(l).into_owned(),
            other => panic!("expected a line, got {other:?}"),
        })
        .collect()
}

#[test]
fn dovecot_accepts_a_utf8_password() {
    let mut s = common::connect();
    let out = ok(s.login("utf8user", PASSWORD));
    assert!(out.is_ok());
    // And refuses a wrong one, sent the same way.
    let mut s = common::connect();
    assert_eq!(
        s.login("utf8user", "pässwörd-Grüsse").expect("login").typ,
        "NO"
    );
}

#[test]
fn dovecot_finds_a_utf8_subject_by_a_string_value() {
    let mut s = login("user1");
    let mb = unique_mailbox("typed-search");
    ok(s.create(&mb));
    let raw_utf8 = "Subject: Grüße aus Köln\r\n\r\nhallo\r\n";
    let encoded = "Subject: =?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?= zwei\r\n\r\nhallo\r\n";
    let other = "Subject: plain\r\n\r\nhallo\r\n";
    for m in [raw_utf8, encoded, other] {
        ok(s.append(Some(&mb), None, None, m.as_bytes()));
    }
    ok(s.select(&mb, false));
    let subject = |v: &str| [Value::atom("SUBJECT"), Value::string(v)];
    let out = ok(s.search_args(false, Some("UTF-8"), &subject("Grüße")));
    assert_eq!(lines(&out), ["1 2"]);
    let out = ok(s.search_args(true, Some("UTF-8"), &subject("Köln")));
    assert_eq!(lines(&out), ["1 2"]);
    let out = ok(s.sort_args(false, &["REVERSE", "SUBJECT"], "UTF-8", &subject("grüße")));
    assert_eq!(lines(&out), ["2 1"]);
    // A header name with a space cannot be an atom; as a string value it is a valid search.
    let out = ok(s.search_args(
        false,
        None,
        &[
            Value::atom("HEADER"),
            Value::string("X No Such"),
            Value::string(""),
        ],
    ));
    assert_eq!(lines(&out), [""]);
    ok(s.close_mailbox());
    ok(s.delete(&mb));
}

#[test]
fn dovecot_flag_lists_round_trip_and_bad_flags_change_nothing() {
    let mut s = login("user1");
    let mb = unique_mailbox("flag-list");
    ok(s.create(&mb));
    ok(s.append_flag_list(
        Some(&mb),
        &["\\Seen", "$Label1"],
        None,
        b"Subject: f\r\n\r\nx\r\n",
    ));
    ok(s.select(&mb, false));
    // The stored flags in order; \Recent is the server's own.
    let flags = |s: &mut Session| {
        let line = lines(&ok(s.fetch("1", "(FLAGS)"))).join(" ");
        let inner = line
            .trim_start_matches("1 (FLAGS (")
            .trim_end_matches("))")
            .to_string();
        let mut v: Vec<String> = inner
            .split(' ')
            .filter(|f| *f != "\\Recent")
            .map(String::from)
            .collect();
        v.sort();
        v.join(" ")
    };
    assert_eq!(flags(&mut s), "$Label1 \\Seen");
    let e = s
        .store_flag_list(false, "1", "+FLAGS", &["\\Flagged", "two words"])
        .expect_err("a flag with a space");
    assert_eq!(e.kind, ErrorKind::InvalidArgument);
    assert_eq!(flags(&mut s), "$Label1 \\Seen");
    ok(s.store_flag_list(true, "1:*", "-FLAGS.SILENT", &["$Label1"]));
    ok(s.store_flag_list(false, "1", "+FLAGS", &["\\Flagged"]));
    assert_eq!(flags(&mut s), "\\Flagged \\Seen");
    ok(s.close_mailbox());
    ok(s.delete(&mb));
}

// ----- LITERAL+ / LITERAL- for message literals (RFC 7888) ---------------------------------------

const APPENDED: &str = "{tag} OK [APPENDUID 1 1] appended\r\n";

/// APPEND of `message` to a selected-state server with `caps`; returns what the client sent.
fn append_to(caps: &str, nonsync_max: Option<usize>, message: &str, server: Vec<Step>) -> String {
    let mut case = Case::open(selected(caps, server));
    if let Some(max) = nonsync_max {
        let mut cfg = case.session.config().clone();
        cfg.nonsync_literal_max = max;
        case.session.set_config(cfg);
    }
    select(&mut case);
    let out = case
        .session
        .append(Some("INBOX"), None, None, message.as_bytes())
        .expect("append");
    assert!(out.is_ok(), "{out:?}");
    let (_, sent) = case.finish();
    sent
}

#[test]
fn literal_plus_sends_a_small_message_without_waiting_for_the_continuation() {
    let message = "Subject: hi\r\n\r\nbody\r\n";
    let n = message.len();
    // The server never sends `+`: a client that waited for it would hang here.
    let sent = append_to(
        "LITERAL+",
        None,
        message,
        vec![
            expect(&format!("APPEND INBOX {{{n}+}}")),
            expect_line("Subject: hi"),
            expect_line(""),
            expect_line("body"),
            expect_line(""),
            send(APPENDED),
        ],
    );
    assert!(sent.ends_with(&format!("APPEND INBOX {{{n}+}}\r\n{message}\r\n")));
}

#[test]
fn message_literals_stay_synchronizing_when_large_turned_off_or_streamed() {
    let sync_append = |message: &str| {
        let n = message.len();
        vec![
            expect(&format!("APPEND INBOX {{{n}}}")),
            send("+ go ahead\r\n"),
            expect_line(message),
            send(APPENDED),
        ]
    };
    // Over the default maximum (4096) under LITERAL+, and over LITERAL-'s 4096 even when the
    // caller allows more.
    let big = "x".repeat(4097);
    append_to("LITERAL+", None, &big, sync_append(&big));
    append_to("LITERAL-", Some(1 << 20), &big, sync_append(&big));
    // A maximum of 0 is imaplib's wire.
    append_to("LITERAL+", Some(0), "x", sync_append("x"));
    // A caller's larger maximum under LITERAL+.
    let n = big.len();
    append_to(
        "LITERAL+",
        Some(1 << 20),
        &big,
        vec![
            expect(&format!("APPEND INBOX {{{n}+}}")),
            expect_line(&big),
            send(APPENDED),
        ],
    );
    // A message from a source is never sent before the server asks for it.
    let mut case = Case::open(selected("LITERAL+", sync_append("abc")));
    select(&mut case);
    let mut left = &b"abc"[..];
    let source: imap::session::MessageSource = Box::new(move |buf: &mut [u8]| {
        let n = left.len().min(buf.len());
        buf[..n].copy_from_slice(&left[..n]);
        left = &left[n..];
        Ok(n)
    });
    let out = case
        .session
        .append_source(Some("INBOX"), None, None, 3, source)
        .expect("append_source");
    assert!(out.is_ok(), "{out:?}");
    case.finish();
}

/// A server that offers LITERAL+ but not ACL: it refuses SETACL as soon as it has the line.
/// The 8-bit identifier is a literal that waits for the continuation, so nothing of it is
/// sent: had it gone at once, the server would have read it as the next command (here, one
/// that deletes a mailbox).
#[test]
fn string_literals_of_extension_commands_wait_for_the_continuation() {
    let who = "x DELETE Tr\u{e4}sh";
    let n = who.len();
    let mut case = Case::open(selected(
        "LITERAL+",
        vec![
            expect(&format!("SETACL INBOX {{{n}}}")),
            send("{tag} BAD unknown command\r\n"),
            expect("NOOP"),
            send("{tag} OK noop\r\n"),
        ],
    ));
    select(&mut case);
    let err = case.session.setacl("INBOX", who, "lr").unwrap_err();
    assert_eq!(err.kind, ErrorKind::Bad, "{err:?}");
    assert!(case.session.noop().expect("noop").is_ok());
    let (_, sent) = case.finish();
    assert!(!sent.contains("DELETE"), "{sent}");
}

/// SORT with an 8-bit value to a server that offers LITERAL+ but not SORT: the value waits
/// for the continuation (the server refuses the command instead of asking for it).
#[test]
fn string_literals_of_a_sort_the_server_does_not_offer_wait() {
    let mut case = Case::open(selected(
        "LITERAL+",
        vec![
            expect("SORT (DATE) UTF-8 SUBJECT {7}"),
            send("{tag} BAD unknown command\r\n"),
        ],
    ));
    select(&mut case);
    let err = case
        .session
        .sort_args(
            false,
            &["DATE"],
            "UTF-8",
            &[Value::atom("SUBJECT"), Value::string("Grüße")],
        )
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Bad, "{err:?}");
    let (_, sent) = case.finish();
    assert!(!sent.contains("Grüße"), "{sent}");
}

/// In a command of IMAP4rev1 itself, a string literal after an argument sent verbatim (the
/// caller's own bytes, which the server may refuse) waits for the continuation too; before
/// any such argument it goes at once.
#[test]
fn string_literals_after_verbatim_arguments_wait_for_the_continuation() {
    let name = "Entw\u{fc}rfe";
    let n = name.len();
    let mut case = Case::open(selected(
        "LITERAL+",
        vec![
            expect(&format!("COPY 1:2 {{{n}}}")),
            send("+ go ahead\r\n"),
            expect_line(name),
            send("{tag} OK copied\r\n"),
            expect(&format!("SUBSCRIBE {{{n}+}}")),
            expect_line(name),
            send("{tag} OK subscribed\r\n"),
        ],
    ));
    select(&mut case);
    case.session
        .set_mailbox_encoding(imap::session::MailboxEncoding::Raw);
    assert!(case.session.copy("1:2", name).expect("copy").is_ok());
    assert!(case.session.subscribe(name).expect("subscribe").is_ok());
    case.finish();
}

#[test]
fn imap4rev2_offered_but_not_in_effect_gets_synchronizing_literals() {
    // IMAP4rev2 includes LITERAL-, but until it is enabled the server speaks IMAP4rev1 and is
    // sent only what it advertises.
    let n = PASSWORD.len();
    let mut case = Case::open(vec![
        greeting("IMAP4rev2"),
        expect(&format!("LOGIN user {{{n}}}")),
        send("+ go ahead\r\n"),
        expect_line(PASSWORD),
        send(LOGIN_OK),
    ]);
    assert!(case.session.login("user", PASSWORD).expect("login").is_ok());
    case.finish();
}
