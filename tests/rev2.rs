//! IMAP4rev2 (RFC 9051) against the scripted fake server (Dovecot 2.3 does not speak it): an
//! IMAP4rev2 session from login to logout, with ENABLE after login, SELECT without RECENT,
//! SEARCH answered with ESEARCH, LIST with UTF-8 names, SPECIAL-USE and LIST-STATUS, OBJECTID,
//! STATUS=SIZE, CREATE with USE, and hostile values. What the test Dovecot supports of these
//! (SPECIAL-USE, LIST-STATUS, STATUS=SIZE) is tested against it at the end.

mod common;
mod fake;

use fake::{expect, send, FakeServer, Step};
use imap::parsed::fetch::parse_fetch;
use imap::parsed::mailbox::{parse_search, parse_status, ListAttrs, SelectSummary};
use imap::parsed::ResponseCode;
use imap::{Config, ErrorKind, Item, Session, TlsMode};
use std::time::Duration;

const CAPS: &str = "IMAP4rev1 IMAP4rev2 ENABLE LITERAL- OBJECTID STATUS=SIZE SPECIAL-USE \
                    LIST-EXTENDED LIST-STATUS CREATE-SPECIAL-USE";

fn open(script: Vec<Step>, auto_rev2: bool) -> (FakeServer, Session) {
    let server = FakeServer::start(script);
    let mut s = Session::new(Config {
        connect_timeout: Duration::from_secs(5),
        io_timeout: Duration::from_secs(20),
        ..Config::default()
    });
    s.set_auto_imap4rev2(auto_rev2);
    s.open("127.0.0.1", server.port, TlsMode::None)
        .expect("open the fake server");
    (server, s)
}

/// Greeting and LOGIN (whose OK lists the capabilities after login).
fn logged_in(mut rest: Vec<Step>) -> Vec<Step> {
    let mut script = vec![
        send("* OK [CAPABILITY IMAP4rev1 IMAP4rev2 AUTH=PLAIN] ready\r\n"),
        expect("LOGIN user \"pass\""),
        send(format!("{{tag}} OK [CAPABILITY {CAPS}] Logged in\r\n")),
    ];
    script.append(&mut rest);
    script
}

fn lines(out: &imap::Outcome) -> Vec<String> {
    out.data
        .iter()
        .map(|i| match i {
            Item::Line(l) => String::from_utf8_lossy(l).into_owned(),
            other => format!("{other:?}"),
        })
        .collect()
}

#[test]
fn an_imap4rev2_session_gives_callers_rev1_shaped_answers() {
    let script = logged_in(vec![
        expect("ENABLE IMAP4rev2"),
        send("* ENABLED IMAP4rev2\r\n{tag} OK Enabled\r\n"),
        // RFC 9051 §6.3.2: no RECENT, a LIST of the mailbox, MAILBOXID (RFC 8474).
        expect("SELECT \"Entwürfe\""),
        send(
            "* 3 EXISTS\r\n* FLAGS (\\Seen \\Deleted)\r\n* OK [UIDVALIDITY 7] ok\r\n\
             * OK [UIDNEXT 9] ok\r\n* OK [MAILBOXID (F2212ea87-6097)] ok\r\n\
             * LIST () \"/\" \"Entwürfe\"\r\n{tag} OK [READ-WRITE] SELECT completed\r\n",
        ),
        expect("NOOP"),
        send("{tag} OK NOOP completed\r\n"),
        expect("SEARCH UNSEEN"),
        send("* ESEARCH (TAG \"{tag}\") ALL 1:2\r\n{tag} OK SEARCH completed\r\n"),
        expect("UID SEARCH ALL"),
        send("* ESEARCH (TAG \"{tag}\") UID ALL 5,7\r\n{tag} OK SEARCH completed\r\n"),
        expect("SEARCH RETURN (MIN MAX COUNT ALL) DELETED"),
        send("* ESEARCH (TAG \"{tag}\") COUNT 0\r\n{tag} OK SEARCH completed\r\n"),
        expect("FETCH 1:2 (UID EMAILID THREADID)"),
        send(
            "* 1 FETCH (UID 5 EMAILID (M6d99ac3275bb4e) THREADID (T64b478a75b7ea9))\r\n\
             * 2 FETCH (UID 7 EMAILID (Mbad/id) THREADID NIL)\r\n{tag} OK FETCH completed\r\n",
        ),
        expect("LIST \"\" * RETURN (SPECIAL-USE STATUS (MESSAGES SIZE MAILBOXID))"),
        send(
            "* LIST (\\HasNoChildren) \"/\" INBOX\r\n\
             * STATUS INBOX (MESSAGES 3 SIZE 4096 MAILBOXID (F1))\r\n\
             * LIST (\\Drafts \\HasNoChildren) \"/\" \"Entwürfe\"\r\n\
             * STATUS \"Entwürfe\" (MESSAGES 0 SIZE 0 MAILBOXID (F2212ea87-6097))\r\n\
             * LIST (\\HasNoChildren) \"/\" \"A&B\"\r\n\
             * STATUS \"A&B\" (MESSAGES 1 SIZE 99999999999999999999)\r\n\
             * STATUS Elsewhere (MESSAGES 1)\r\n\
             * LIST (\\NonExistent \\Subscribed) \"/\" Gone\r\n\
             * LIST (\\Noselect \\HasChildren) \"/\" Parent (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n\
             {tag} OK LIST completed\r\n",
        ),
        expect("STATUS \"Entwürfe\" (SIZE MAILBOXID)"),
        send("* STATUS \"Entwürfe\" (SIZE 9223372036854775807 MAILBOXID (F2212ea87-6097))\r\n{tag} OK done\r\n"),
        expect("CREATE Ablage (USE (\\Archive))"),
        send("{tag} OK [MAILBOXID (F5)] CREATE completed\r\n"),
        expect("LOGOUT"),
        send("* BYE bye\r\n{tag} OK LOGOUT completed\r\n"),
    ]);
    let (server, mut s) = open(script, true);
    assert!(!s.imap4rev2(), "not before login");
    assert!(s.login("user", "pass").unwrap().is_ok());
    assert!(s.imap4rev2(), "ENABLE IMAP4rev2 followed the login");

    // The name goes as UTF-8, not modified UTF-7 (RFC 9051 §5.1).
    assert!(s.select("Entwürfe", false).unwrap().is_ok());
    let sum = SelectSummary::from_store(s.untagged());
    assert_eq!((sum.exists, sum.recent), (Some(3), None));
    assert_eq!(sum.mailbox_id.as_deref(), Some(&b"F2212ea87-6097"[..]));
    // imaplib's recent(): a NOOP and [None] when no RECENT came.
    assert_eq!(s.recent().unwrap().data, vec![Item::None]);

    // SEARCH answered with ESEARCH: the raw result is what the server sent, and the search
    // parser reads its numbers.
    let out = s.search(None, &["UNSEEN"]).unwrap();
    assert_eq!(lines(&out).len(), 1);
    assert!(lines(&out)[0].ends_with(") ALL 1:2"), "{:?}", lines(&out));
    assert_eq!(parse_search(&out.data).unwrap().ids, [1, 2]);
    let out = s.uid("SEARCH", &["ALL"]).unwrap();
    assert_eq!(parse_search(&out.data).unwrap().ids, [5, 7]);
    // esearch_auto uses RETURN under IMAP4rev2 (ESEARCH is built in).
    let e = s.esearch_auto(None, &["DELETED"]).unwrap();
    assert_eq!(e.parsed[0].as_ref().unwrap().count, Some(0));

    // OBJECTID in FETCH; a garbage EMAILID marks its message, the other parses.
    let out = s.fetch("1:2", "(UID EMAILID THREADID)").unwrap();
    let msgs = parse_fetch(&out.data);
    assert_eq!(msgs[0].invalid, None);
    assert_eq!(msgs[0].email_id.as_deref(), Some(&b"M6d99ac3275bb4e"[..]));
    assert_eq!(msgs[0].thread_id, Some(Some(b"T64b478a75b7ea9".to_vec())));
    let bad = msgs[1]
        .invalid
        .as_ref()
        .expect("garbage EMAILID is reported");
    assert!(bad.error.message.contains("Mbad/id"), "{}", bad.error);
    assert_eq!(
        (msgs[1].uid, msgs[1].thread_id.clone()),
        (Some(7), Some(None))
    );

    // LIST with SPECIAL-USE and LIST-STATUS, UTF-8 names (`A&B` is not modified UTF-7).
    let l = s
        .list_extended("", "*", "", "SPECIAL-USE STATUS (MESSAGES SIZE MAILBOXID)")
        .unwrap();
    assert!(l.outcome.is_ok());
    let (ok, bad): (Vec<_>, Vec<_>) = l.parsed.into_iter().partition(Result::is_ok);
    let e: Vec<_> = ok.into_iter().map(Result::unwrap).collect();
    let names: Vec<_> = e.iter().map(|e| e.mailbox.name.clone().unwrap()).collect();
    assert_eq!(names, ["INBOX", "Entwürfe", "A&B", "Gone", "Parent"]);
    let inbox = e[0].status.as_ref().unwrap();
    assert_eq!((inbox.messages, inbox.size), (Some(3), Some(4096)));
    assert_eq!(inbox.mailbox_id.as_deref(), Some(&b"F1"[..]));
    assert!(e[1].attrs.has(ListAttrs::DRAFTS));
    assert_eq!(e[1].attrs.0 & ListAttrs::SPECIAL_USE, ListAttrs::DRAFTS);
    assert_eq!(e[1].status.as_ref().unwrap().messages, Some(0));
    // The huge SIZE is an error for that STATUS, not a wrapped number.
    assert_eq!(e[2].status, None);
    assert_eq!(bad.len(), 1);
    let why = bad[0].as_ref().unwrap_err();
    assert!(
        why.error.message.contains("out of range") || why.error.message.contains("number"),
        "{}",
        why.error
    );
    assert!(e[3]
        .attrs
        .has(ListAttrs::NONEXISTENT | ListAttrs::NOSELECT | ListAttrs::SUBSCRIBED));
    assert!(e[4].attrs.has(ListAttrs::CHILD_SUBSCRIBED));
    // A STATUS for a mailbox not listed is not this LIST's: it stays for response("STATUS").
    let rest = s.response("STATUS");
    assert_eq!(lines(&rest), ["Elsewhere (MESSAGES 1)"]);

    // STATUS=SIZE at its largest, and MAILBOXID.
    let out = s.status("Entwürfe", "(SIZE MAILBOXID)").unwrap();
    let st = parse_status(&out.data).remove(0).unwrap();
    assert_eq!(st.size, Some(i64::MAX as u64));
    assert_eq!(st.mailbox_id.as_deref(), Some(&b"F2212ea87-6097"[..]));

    // CREATE with USE, and the new mailbox's id in the tagged OK.
    let out = s.create_special_use("Ablage", &["\\Archive"]).unwrap();
    let code = out.code().unwrap();
    assert_eq!(
        ResponseCode::from_parts(&code.name, code.data.as_deref()),
        ResponseCode::MailboxId(b"F5".to_vec())
    );
    // Refused before anything is sent.
    for bad in [
        &[][..],
        &["Archive"],
        &["\\"],
        &["\\Archive\r\nX"],
        &["\\A)"],
    ] {
        let e = s.create_special_use("X", bad).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidArgument, "{bad:?}");
    }
    for (selection, options) in [
        ("", "STATUS (MESSAGES)\r\nA1 DELETE INBOX"),
        ("SUBSCRIBED)", ""),
        ("(SUBSCRIBED", ""),
        ("", "STATUS (MESSAGES {5}"),
        ("\"SUBSCRIBED\"", ""),
    ] {
        let e = s.list_extended("", "*", selection, options).unwrap_err();
        assert_eq!(
            e.kind,
            ErrorKind::InvalidArgument,
            "{selection:?} {options:?}"
        );
    }

    s.logout().unwrap();
    assert!(!s.imap4rev2());
    let t = server.finish();
    assert!(!t.sent("&APw-"), "no modified UTF-7 under IMAP4rev2");
    assert!(!t.sent("DELETE INBOX"));
}

#[test]
fn imap4rev2_stays_off_unless_asked_for_or_confirmed() {
    // Off by default: no ENABLE after login; SEARCH answers are SEARCH responses.
    let script = logged_in(vec![
        expect("ENABLE IMAP4rev2"),
        // An OK without an untagged ENABLED does not switch.
        send("{tag} OK Enabled\r\n"),
        expect("LIST \"\" Entw&APw-rfe"),
        send("* LIST () \"/\" \"A&-B\"\r\n{tag} OK done\r\n"),
        expect("LOGOUT"),
        send("* BYE bye\r\n{tag} OK LOGOUT completed\r\n"),
    ]);
    let (server, mut s) = open(script, false);
    s.login("user", "pass").unwrap();
    assert!(!s.imap4rev2());
    s.enable("IMAP4rev2").unwrap();
    assert!(!s.imap4rev2(), "a bare OK does not switch");
    // Names still go as modified UTF-7 and come back decoded from it.
    let l = s.list_extended("", "Entwürfe", "", "").unwrap();
    assert_eq!(
        l.parsed[0].as_ref().unwrap().mailbox.name.as_deref(),
        Some("A&B")
    );
    s.logout().unwrap();
    server.finish();
}

#[test]
fn a_refused_auto_enable_leaves_the_login_standing() {
    let script = logged_in(vec![
        expect("ENABLE IMAP4rev2"),
        send("{tag} BAD not now\r\n"),
        expect("NOOP"),
        send("{tag} OK done\r\n"),
    ]);
    let (server, mut s) = open(script, true);
    assert!(s.login("user", "pass").unwrap().is_ok());
    assert!(!s.imap4rev2());
    assert!(s.noop().unwrap().is_ok());
    drop(s);
    server.finish();
}

#[test]
fn pipelined_searches_get_their_own_esearch_answers() {
    // The server answers the second SEARCH first; each ESEARCH names its command's tag.
    let script = logged_in(vec![
        expect("ENABLE IMAP4rev2"),
        send("* ENABLED IMAP4rev2\r\n{tag} OK Enabled\r\n"),
        expect("SELECT INBOX"),
        send("* 3 EXISTS\r\n{tag} OK [READ-WRITE] done\r\n"),
        expect("SEARCH UNSEEN"),
        expect("SEARCH SEEN"),
        send(
            "* ESEARCH (TAG \"{tag}\") ALL 3\r\n* ESEARCH (TAG \"{tag-1}\") ALL 1:2\r\n\
             {tag} OK done\r\n{tag-1} OK done\r\n",
        ),
    ]);
    let (server, mut s) = open(script, true);
    s.login("user", "pass").unwrap();
    s.select("INBOX", false).unwrap();
    let raw = |w: &str| vec![imap::proto::encode::Arg::Raw(w.as_bytes().to_vec())];
    let unseen = s.submit_named("SEARCH", raw("UNSEEN")).unwrap();
    let seen = s.submit_named("SEARCH", raw("SEEN")).unwrap();
    let a = s.collect(unseen).unwrap();
    let b = s.collect(seen).unwrap();
    assert_eq!(parse_search(&a.data).unwrap().ids, [1, 2]);
    assert_eq!(parse_search(&b.data).unwrap().ids, [3]);
    drop(s);
    server.finish();
}

// ----- the test Dovecot: SPECIAL-USE, LIST-STATUS, STATUS=SIZE (no IMAP4rev2, no OBJECTID) ---

#[test]
fn dovecot_lists_special_use_with_status() {
    let d = common::dovecot();
    let mut s = common::session();
    s.set_auto_imap4rev2(true);
    s.open(d.host(), d.port(), TlsMode::None).unwrap();
    assert!(s.login("user1", "pass1").unwrap().is_ok());
    assert!(!s.imap4rev2(), "Dovecot 2.3 does not offer IMAP4rev2");
    let l = s
        .list_extended("", "*", "", "SPECIAL-USE STATUS (MESSAGES SIZE)")
        .unwrap();
    assert!(l.outcome.is_ok());
    let e: Vec<_> = l.parsed.into_iter().map(Result::unwrap).collect();
    let by = |n: &str| {
        e.iter()
            .find(|e| e.mailbox.name.as_deref() == Some(n))
            .unwrap()
    };
    for (name, bit) in [
        ("Sent", ListAttrs::SENT),
        ("Drafts", ListAttrs::DRAFTS),
        ("Trash", ListAttrs::TRASH),
        ("Junk", ListAttrs::JUNK),
    ] {
        assert_eq!(by(name).attrs.0 & ListAttrs::SPECIAL_USE, bit, "{name}");
    }
    let inbox = by("INBOX").status.as_ref().expect("LIST-STATUS for INBOX");
    assert_eq!(inbox.messages, Some(20));
    assert!(inbox.size.unwrap() > 20 * 100, "{:?}", inbox.size);
    // The selection option alone: only the special-use mailboxes.
    let l = s.list_extended("", "*", "SPECIAL-USE", "").unwrap();
    assert!(l
        .parsed
        .iter()
        .all(|e| { e.as_ref().unwrap().attrs.0 & ListAttrs::SPECIAL_USE != 0 }));
    assert!(!l.parsed.is_empty());
    // Dovecot does not advertise CREATE-SPECIAL-USE: refused before sending.
    let e = s.create_special_use("Never", &["\\Archive"]).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unsupported);
    // SEARCH stays SEARCH.
    s.select("INBOX", true).unwrap();
    let out = s.search(None, &["1:3"]).unwrap();
    assert_eq!(parse_search(&out.data).unwrap().ids, [1, 2, 3]);
    s.logout().unwrap();
}
