//! imaplib's extension commands (ACL, QUOTA, METADATA, SORT, THREAD, ENABLE, ID) against the
//! test Dovecot, and what Dovecot does not implement (ANNOTATEMORE, PROXYAUTH, PARTIAL,
//! UTF8=ACCEPT) against the scripted fake server; exact client bytes where imaplib's are
//! known (reference §1.3, §2.2, §2.3, §2.5). Every string argument of every new command is
//! checked for NUL/CR/LF injection.

mod common;
mod fake;

use fake::{expect, send, FakeServer, Step, Transcript};
use imap::proto::framer::LiteralData;
use imap::proto::response::Item;
use imap::{Config, ErrorKind, Outcome, Session, State, TlsMode};
use std::time::Duration;

fn line(s: &str) -> Item {
    Item::Line(s.as_bytes().to_vec())
}

fn lines(out: &Outcome) -> Vec<String> {
    out.data
        .iter()
        .map(|i| match i {
            Item::None => "<None>".to_string(),
            Item::Line(l) => String::from_utf8_lossy(l).into_owned(),
            Item::Literal(h, LiteralData::Streamed(n)) => {
                format!("{}<<{n} streamed>>", String::from_utf8_lossy(h))
            }
            Item::Literal(h, data) => format!(
                "{}<<{}>>",
                String::from_utf8_lossy(h),
                String::from_utf8_lossy(data.bytes().unwrap_or_default())
            ),
        })
        .collect()
}

fn numbers(s: &str) -> Vec<u32> {
    s.split(|c: char| !c.is_ascii_digit())
        .filter(|t| !t.is_empty())
        .map(|t| t.parse().unwrap())
        .collect()
}

/// `nums` is a permutation of 1..=len.
fn is_permutation(nums: &[u32]) -> bool {
    let mut sorted = nums.to_vec();
    sorted.sort_unstable();
    sorted.iter().copied().eq(1..=nums.len() as u32)
}

// ----- the fake server -----------------------------------------------------------------------

/// PREAUTH greeting then the CAPABILITY exchange with `caps`: the session starts in AUTH.
fn preauth(caps: &str, rest: Vec<Step>) -> Vec<Step> {
    let mut script = vec![
        send("* PREAUTH fake ready\r\n"),
        expect("CAPABILITY"),
        send(format!("* CAPABILITY {caps}\r\n{{tag}} OK done\r\n")),
    ];
    script.extend(rest);
    script
}

/// One command line expected and its reply.
fn exchange(command: &str, reply: &str) -> Vec<Step> {
    vec![expect(command), send(reply)]
}

fn open_fake(script: Vec<Step>) -> (FakeServer, Session) {
    let server = FakeServer::start(script);
    let mut s = Session::new(Config {
        connect_timeout: Duration::from_secs(5),
        io_timeout: Duration::from_secs(20),
        ..Config::default()
    });
    s.open("127.0.0.1", server.port, TlsMode::None)
        .expect("open fake server");
    (server, s)
}

/// Closes the client side and returns what it sent.
fn finish(server: FakeServer, mut session: Session) -> Transcript {
    session.close("test done");
    server.finish()
}

const CAPS: &str = "IMAP4rev1 ENABLE ACL QUOTA METADATA ANNOTATEMORE ID SORT THREAD=REFERENCES";

#[test]
fn acl_quota_annotatemore_proxyauth_wire_and_results() {
    let mut script = Vec::new();
    for (cmd, reply) in [
        (
            "GETACL INBOX",
            "* ACL INBOX Fred rwipslxetad\r\n{tag} OK done\r\n",
        ),
        (
            "SETACL INBOX \"John Doe\" \"a b\"",
            "{tag} OK Setacl complete\r\n",
        ),
        ("DELETEACL \"New folder\" \"John Doe\"", "{tag} OK done\r\n"),
        (
            "MYRIGHTS INBOX",
            "* MYRIGHTS INBOX rwiptsldaex\r\n{tag} OK done\r\n",
        ),
        (
            "LISTRIGHTS INBOX Fred",
            "* LISTRIGHTS INBOX Fred \"\" l r w\r\n{tag} OK done\r\n",
        ),
        (
            "GETQUOTA \"\"",
            "* QUOTA \"\" (STORAGE 10 512)\r\n{tag} OK done\r\n",
        ),
        ("GETQUOTA #news", "{tag} OK done\r\n"),
        (
            "GETQUOTAROOT INBOX",
            "* QUOTAROOT INBOX \"\"\r\n* QUOTA \"\" (STORAGE 10 512)\r\n{tag} OK done\r\n",
        ),
        (
            "GETQUOTAROOT \"My Box\"",
            "* QUOTA x (STORAGE 1 2)\r\n{tag} NO no quota\r\n",
        ),
        ("SETQUOTA \"\" (STORAGE 512)", "{tag} OK done\r\n"),
        ("SETQUOTA \"\" (STORAGE 512)", "{tag} OK done\r\n"),
        (
            "GETANNOTATION INBOX /comment value.shared",
            "* ANNOTATION INBOX \"/comment\" (\"value.shared\" \"Hello\")\r\n{tag} OK done\r\n",
        ),
        (
            "SETANNOTATION \"My Box\" /comment (\"value.shared\" \"My comment\")",
            "{tag} OK done\r\n",
        ),
        ("PROXYAUTH \"us er\"", "{tag} OK proxied\r\n"),
    ] {
        script.extend(exchange(cmd, reply));
    }
    let (server, mut s) = open_fake(preauth(CAPS, script));

    let out = s.getacl("INBOX").unwrap();
    assert_eq!(out.data, vec![line("INBOX Fred rwipslxetad")]);
    let out = s.setacl("INBOX", "John Doe", "a b").unwrap();
    assert_eq!(out.data, vec![line("Setacl complete")]);
    assert!(s.deleteacl("New folder", "John Doe").unwrap().is_ok());
    assert_eq!(
        s.myrights("INBOX").unwrap().data,
        vec![line("INBOX rwiptsldaex")]
    );
    assert_eq!(
        s.listrights("INBOX", "Fred").unwrap().data,
        vec![line("INBOX Fred \"\" l r w")]
    );
    assert_eq!(
        s.getquota("").unwrap().data,
        vec![line("\"\" (STORAGE 10 512)")]
    );
    assert_eq!(s.getquota("#news").unwrap().data, vec![Item::None]);

    // imaplib: ('OK', [[b'INBOX ""'], [b'"" (STORAGE 10 512)']]).
    let q = s.getquotaroot("INBOX").unwrap();
    assert!(q.quotaroot.is_ok() && q.quota.is_ok());
    assert_eq!(q.quotaroot.data, vec![line("INBOX \"\"")]);
    assert_eq!(q.quota.data, vec![line("\"\" (STORAGE 10 512)")]);
    // imaplib on NO: ('NO', [[b'no quota'], [b'no quota']]), the QUOTA data left in place.
    let q = s.getquotaroot("My Box").unwrap();
    assert_eq!(q.quotaroot.typ, "NO");
    assert_eq!(q.quotaroot.data, vec![line("no quota")]);
    assert_eq!(q.quota.data, vec![line("no quota")]);
    assert_eq!(s.response("QUOTA").data, vec![line("x (STORAGE 1 2)")]);

    assert_eq!(
        s.setquota("", "STORAGE 512").unwrap().data,
        vec![Item::None]
    );
    assert!(s.setquota("\"\"", "(STORAGE 512)").unwrap().is_ok());
    assert_eq!(
        s.getannotation("INBOX", "/comment", "value.shared")
            .unwrap()
            .data,
        vec![line("INBOX \"/comment\" (\"value.shared\" \"Hello\")")]
    );
    let out = s
        .setannotation(&["My Box", "/comment", "(\"value.shared\" \"My comment\")"])
        .unwrap();
    assert_eq!(out.data, vec![Item::None]);
    let out = s.proxyauth("us er").unwrap();
    assert_eq!(out.data, vec![line("proxied")]);
    assert_eq!(
        s.state(),
        State::Auth,
        "PROXYAUTH does not change the state"
    );
    finish(server, s);
}

#[test]
fn metadata_and_id_wire_and_results() {
    let mut script = Vec::new();
    for (cmd, reply) in [
        (
            "GETMETADATA INBOX /private/comment",
            "* METADATA INBOX (/private/comment {2}\r\nhi)\r\n{tag} OK done\r\n",
        ),
        (
            "GETMETADATA (DEPTH 1) \"\" (/shared/a \"/shared/b c\")",
            "* METADATA \"\" (/shared/a \"x\")\r\n{tag} OK done\r\n",
        ),
        (
            "GETMETADATA (MAXSIZE 10) INBOX /private/a",
            "{tag} OK [METADATA LONGENTRIES 20] done\r\n",
        ),
        (
            "SETMETADATA INBOX (/private/comment \"say \\\"hi\\\" \\\\o/\" /private/x NIL)",
            "{tag} OK done\r\n",
        ),
        (
            "ID (\"name\" \"libimap\" \"version\" NIL)",
            "* ID (\"name\" \"fake\")\r\n{tag} OK done\r\n",
        ),
        ("ID NIL", "* ID NIL\r\n{tag} OK done\r\n"),
        ("ID NIL", "{tag} OK done\r\n"),
    ] {
        script.extend(exchange(cmd, reply));
    }
    let (server, mut s) = open_fake(preauth(CAPS, script));

    let out = s.getmetadata("INBOX", &["/private/comment"], None).unwrap();
    assert_eq!(
        lines(&out),
        vec!["INBOX (/private/comment {2}<<hi>>", ")"],
        "a literal value comes as a (header, literal) pair"
    );
    let out = s
        .getmetadata("", &["/shared/a", "/shared/b c"], Some("DEPTH 1"))
        .unwrap();
    assert_eq!(out.data, vec![line("\"\" (/shared/a \"x\")")]);
    // The response code lands under its name too (imaplib's store), so it is what a
    // METADATA pop finds when no untagged METADATA came.
    let out = s
        .getmetadata("INBOX", &["/private/a"], Some("(MAXSIZE 10)"))
        .unwrap();
    assert_eq!(out.code().map(|c| c.name), Some("METADATA".into()));
    assert_eq!(out.data, vec![line("LONGENTRIES 20")]);
    let out = s
        .setmetadata(
            "INBOX",
            &[
                ("/private/comment", Some("say \"hi\" \\o/")),
                ("/private/x", None),
            ],
        )
        .unwrap();
    assert_eq!(out.data, vec![Item::None]);
    let out = s
        .id(&[("name", Some("libimap")), ("version", None)])
        .unwrap();
    assert_eq!(out.data, vec![line("(\"name\" \"fake\")")]);
    assert_eq!(s.id(&[]).unwrap().data, vec![line("NIL")]);
    assert_eq!(s.id(&[]).unwrap().data, vec![Item::None]);

    // Caller mistakes are refused before anything is sent.
    for e in [
        s.getmetadata("INBOX", &[], None).unwrap_err(),
        s.setmetadata("INBOX", &[]).unwrap_err(),
    ] {
        assert_eq!(e.kind, ErrorKind::InvalidArgument, "{e}");
    }
    finish(server, s);
}

#[test]
fn selected_state_commands_wire_and_results() {
    let mut script = Vec::new();
    for (cmd, reply) in [
        (
            "SELECT INBOX",
            "* 3 EXISTS\r\n{tag} OK [READ-WRITE] selected\r\n",
        ),
        (
            "SORT (REVERSE DATE) UTF-8 ALL",
            "* SORT 3 1 2\r\n{tag} OK done\r\n",
        ),
        (
            "SORT (SUBJECT) FROM John Smith",
            "* SORT\r\n{tag} OK done\r\n",
        ),
        (
            "SORT (DATE) \"NF_Z_62-010_(1973)\" ALL",
            "{tag} NO [BADCHARSET] nope\r\n",
        ),
        (
            "THREAD REFERENCES UTF-8 ALL",
            "* THREAD (2)(3 6 (4 23)(44 7 96))\r\n{tag} OK done\r\n",
        ),
        ("THREAD ORDEREDSUBJECT (FROM \"x y\")", "{tag} OK done\r\n"),
        (
            "PARTIAL 1 RFC822.TEXT 0 10",
            "* 1 FETCH (RFC822.TEXT<0> {10}\r\n0123456789)\r\n{tag} OK done\r\n",
        ),
    ] {
        script.extend(exchange(cmd, reply));
    }
    let (server, mut s) = open_fake(preauth(CAPS, script));

    // Selected-state commands are refused in AUTH, AUTH-only ones in SELECTED; nothing sent.
    for e in [
        s.sort("DATE", Some("UTF-8"), &["ALL"]).unwrap_err(),
        s.thread("REFERENCES", Some("UTF-8"), &["ALL"]).unwrap_err(),
        s.partial("1", "RFC822", "0", "1").unwrap_err(),
    ] {
        assert_eq!(e.kind, ErrorKind::IllegalState, "{e}");
    }
    s.select("INBOX", false).unwrap();
    for e in [
        s.proxyauth("x").unwrap_err(),
        s.enable("CONDSTORE").unwrap_err(),
    ] {
        assert_eq!(e.kind, ErrorKind::IllegalState, "{e}");
        assert!(e.message.contains("only allowed in states AUTH"), "{e}");
    }

    let out = s.sort("REVERSE DATE", Some("UTF-8"), &["ALL"]).unwrap();
    assert_eq!(out.data, vec![line("3 1 2")]);
    let out = s.sort("(SUBJECT)", None, &["FROM", "John Smith"]).unwrap();
    assert_eq!(out.data, vec![line("")], "`* SORT` alone is [b'']");
    let out = s
        .sort("DATE", Some("NF_Z_62-010_(1973)"), &["ALL"])
        .unwrap();
    assert_eq!(
        (out.typ.as_str(), out.data.clone()),
        ("NO", vec![line("[BADCHARSET] nope")])
    );
    let out = s.thread("REFERENCES", Some("UTF-8"), &["ALL"]).unwrap();
    assert_eq!(out.data, vec![line("(2)(3 6 (4 23)(44 7 96))")]);
    let out = s
        .thread("ORDEREDSUBJECT", None, &["(FROM \"x y\")"])
        .unwrap();
    assert_eq!(out.data, vec![Item::None]);
    let out = s.partial("1", "RFC822.TEXT", "0", "10").unwrap();
    assert_eq!(
        lines(&out),
        vec!["1 (RFC822.TEXT<0> {10}<<0123456789>>", ")"]
    );
    finish(server, s);
}

// ----- ENABLE and UTF-8 mode -----------------------------------------------------------------

const UTF8_CAPS: &str = "IMAP4rev1 ENABLE UTF8=ACCEPT";
/// imaplib's UTF-8 mode vector (§1.5, §2.2): `Subject: ü` + CRLF is 13 bytes.
const UTF8_MSG: &[u8] = b"Subject: \xc3\xbc\n";

#[test]
fn enable_utf8_confirmed_by_enabled_switches_append_to_utf8_literal() {
    let script = preauth(
        UTF8_CAPS,
        vec![
            expect("ENABLE UTF8=ACCEPT"),
            send("* ENABLED UTF8=ACCEPT\r\n{tag} OK enabled\r\n"),
            expect("APPEND \"Entwürfe\" UTF8 (~{13}"),
            send("+ go\r\n{tag} OK [APPENDUID 1 1] done\r\n"),
        ],
    );
    let (server, mut s) = open_fake(script);
    assert!(!s.utf8_enabled());
    let out = s.enable("UTF8=ACCEPT").unwrap();
    assert_eq!(out.data, vec![line("enabled")]);
    assert!(s.utf8_enabled());
    // imaplib leaves the ENABLED data for response().
    assert_eq!(s.response("ENABLED").data, vec![line("UTF8=ACCEPT")]);
    // imaplib: search() with a charset is refused in UTF-8 mode, before sending.
    let e = s.search(Some("UTF-8"), &["ALL"]).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidArgument);
    assert_eq!(e.message, "Non-None charset not valid in UTF8 mode");
    let out = s.append(Some("Entwürfe"), None, None, UTF8_MSG).unwrap();
    assert!(out.is_ok());
    let t = finish(server, s);
    let tail: &[u8] = b" APPEND \"Entw\xc3\xbcrfe\" UTF8 (~{13}\r\nSubject: \xc3\xbc\r\n)\r\n";
    assert!(
        t.plain.ends_with(tail),
        "client sent {:?}",
        String::from_utf8_lossy(&t.plain)
    );
    assert!(!t.sent("SEARCH"));
}

#[test]
fn enable_utf8_without_enabled_keeps_ascii_mode() {
    // Dovecot 2.3 answers a bare OK: imaplib would switch (and corrupt the next APPEND).
    for reply in [
        "{tag} OK enabled\r\n",
        "* ENABLED CONDSTORE\r\n{tag} OK enabled\r\n",
        "* ENABLED UTF8=ACCEPT\r\n{tag} NO not now\r\n",
    ] {
        let script = preauth(
            UTF8_CAPS,
            vec![
                expect("ENABLE UTF8=ACCEPT"),
                send(reply),
                expect("APPEND INBOX {13}"),
                send("+ go\r\n{tag} OK done\r\n"),
            ],
        );
        let (server, mut s) = open_fake(script);
        s.enable("UTF8=ACCEPT").unwrap();
        assert!(!s.utf8_enabled(), "switched to UTF-8 mode on {reply:?}");
        assert!(s.append(None, None, None, UTF8_MSG).unwrap().is_ok());
        let t = finish(server, s);
        assert!(
            t.plain
                .ends_with(b" APPEND INBOX {13}\r\nSubject: \xc3\xbc\r\n\r\n"),
            "client sent {:?}",
            String::from_utf8_lossy(&t.plain)
        );
    }
}

#[test]
fn enable_of_another_capability_does_not_start_utf8_mode() {
    // An earlier ENABLED UTF8=ACCEPT (unsolicited) in the store does not count either.
    let script = preauth(
        UTF8_CAPS,
        vec![
            expect("NOOP"),
            send("* ENABLED UTF8=ACCEPT\r\n{tag} OK done\r\n"),
            expect("ENABLE CONDSTORE X-GOOD-IDEA"),
            send("* ENABLED CONDSTORE\r\n{tag} OK foo\r\n"),
        ],
    );
    let (server, mut s) = open_fake(script);
    s.noop().unwrap();
    let out = s.enable("CONDSTORE X-GOOD-IDEA").unwrap();
    assert_eq!(out.data, vec![line("foo")]);
    assert!(!s.utf8_enabled());
    finish(server, s);
}

#[test]
fn enable_needs_the_enable_capability_and_sends_nothing_without_it() {
    let (server, mut s) = open_fake(preauth("IMAP4rev1 UTF8=ACCEPT", vec![]));
    let e = s.enable("UTF8=ACCEPT").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unsupported);
    assert_eq!(e.message, "Server does not support ENABLE");
    assert!(!s.utf8_enabled());
    let t = finish(server, s);
    assert!(!t.sent("ENABLE"));
}

// ----- injection ----------------------------------------------------------------------------

type Call = fn(&mut Session, &str) -> imap::session::Result<()>;

/// Every string argument of every new command, one row each (AUTH state).
const AUTH_CALLS: &[(&str, Call)] = &[
    ("getacl mailbox", |s, x| s.getacl(x).map(drop)),
    ("setacl mailbox", |s, x| s.setacl(x, "u", "lr").map(drop)),
    ("setacl who", |s, x| s.setacl("INBOX", x, "lr").map(drop)),
    ("setacl what", |s, x| s.setacl("INBOX", "u", x).map(drop)),
    ("deleteacl mailbox", |s, x| s.deleteacl(x, "u").map(drop)),
    ("deleteacl who", |s, x| s.deleteacl("INBOX", x).map(drop)),
    ("myrights mailbox", |s, x| s.myrights(x).map(drop)),
    ("listrights mailbox", |s, x| s.listrights(x, "u").map(drop)),
    ("listrights identifier", |s, x| {
        s.listrights("INBOX", x).map(drop)
    }),
    ("getquota root", |s, x| s.getquota(x).map(drop)),
    ("getquotaroot mailbox", |s, x| s.getquotaroot(x).map(drop)),
    ("setquota root", |s, x| s.setquota(x, "STORAGE 1").map(drop)),
    ("setquota limits", |s, x| s.setquota("", x).map(drop)),
    ("getannotation mailbox", |s, x| {
        s.getannotation(x, "/c", "value").map(drop)
    }),
    ("getannotation entry", |s, x| {
        s.getannotation("INBOX", x, "value").map(drop)
    }),
    ("getannotation attribute", |s, x| {
        s.getannotation("INBOX", "/c", x).map(drop)
    }),
    ("setannotation mailbox", |s, x| {
        s.setannotation(&[x, "/c", "(v x)"]).map(drop)
    }),
    ("setannotation arg", |s, x| {
        s.setannotation(&["INBOX", "/c", x]).map(drop)
    }),
    ("getmetadata mailbox", |s, x| {
        s.getmetadata(x, &["/private/c"], None).map(drop)
    }),
    ("getmetadata entry", |s, x| {
        s.getmetadata("INBOX", &[x], None).map(drop)
    }),
    ("getmetadata second entry", |s, x| {
        s.getmetadata("INBOX", &["/private/c", x], None).map(drop)
    }),
    ("getmetadata options", |s, x| {
        s.getmetadata("INBOX", &["/private/c"], Some(x)).map(drop)
    }),
    ("setmetadata mailbox", |s, x| {
        s.setmetadata(x, &[("/private/c", Some("v"))]).map(drop)
    }),
    ("setmetadata entry", |s, x| {
        s.setmetadata("INBOX", &[(x, Some("v"))]).map(drop)
    }),
    ("setmetadata value", |s, x| {
        s.setmetadata("INBOX", &[("/private/c", Some(x))]).map(drop)
    }),
    ("proxyauth user", |s, x| s.proxyauth(x).map(drop)),
    ("enable capability", |s, x| s.enable(x).map(drop)),
    ("id name", |s, x| s.id(&[(x, Some("v"))]).map(drop)),
    ("id value", |s, x| s.id(&[("name", Some(x))]).map(drop)),
];

/// The same, for the SELECTED-state commands.
const SELECTED_CALLS: &[(&str, Call)] = &[
    ("partial message_num", |s, x| {
        s.partial(x, "RFC822", "0", "1").map(drop)
    }),
    ("partial message_part", |s, x| {
        s.partial("1", x, "0", "1").map(drop)
    }),
    ("partial start", |s, x| {
        s.partial("1", "RFC822", x, "1").map(drop)
    }),
    ("partial length", |s, x| {
        s.partial("1", "RFC822", "0", x).map(drop)
    }),
    ("sort criteria", |s, x| {
        s.sort(x, Some("UTF-8"), &["ALL"]).map(drop)
    }),
    ("sort charset", |s, x| {
        s.sort("DATE", Some(x), &["ALL"]).map(drop)
    }),
    ("sort search", |s, x| {
        s.sort("DATE", Some("UTF-8"), &["ALL", x]).map(drop)
    }),
    ("thread algorithm", |s, x| {
        s.thread(x, Some("UTF-8"), &["ALL"]).map(drop)
    }),
    ("thread charset", |s, x| {
        s.thread("REFERENCES", Some(x), &["ALL"]).map(drop)
    }),
    ("thread search", |s, x| {
        s.thread("REFERENCES", None, &[x]).map(drop)
    }),
];

fn injections() -> Vec<String> {
    ["\r", "\n", "\0", "\r\n", " X1 DELETE INBOX\r\n"]
        .iter()
        .map(|c| format!("evil{c}tail"))
        .collect()
}

fn assert_all_refused(s: &mut Session, calls: &[(&str, Call)]) {
    for (what, call) in calls {
        for bad in injections() {
            let e = call(s, &bad).expect_err(what);
            assert_eq!(e.kind, ErrorKind::InvalidArgument, "{what} {bad:?}: {e}");
            assert_eq!(
                e.message, "NUL, CR and LF not allowed in commands",
                "{what}"
            );
        }
    }
}

#[test]
fn nul_cr_lf_in_any_argument_is_refused_and_nothing_is_sent() {
    let script = preauth(
        CAPS,
        vec![
            expect("NOOP"),
            send("{tag} OK still here\r\n"),
            expect("SELECT INBOX"),
            send("* 1 EXISTS\r\n{tag} OK [READ-WRITE] selected\r\n"),
            expect("NOOP"),
            send("{tag} OK still here\r\n"),
        ],
    );
    let (server, mut s) = open_fake(script);
    assert_all_refused(&mut s, AUTH_CALLS);
    assert!(s.noop().unwrap().is_ok(), "the connection is intact");
    s.select("INBOX", false).unwrap();
    assert_all_refused(&mut s, SELECTED_CALLS);
    assert!(s.noop().unwrap().is_ok(), "the connection is intact");
    let t = finish(server, s);
    assert!(
        !t.sent("evil") && !t.sent("tail"),
        "{:?}",
        String::from_utf8_lossy(&t.plain)
    );
}

// ----- the test Dovecot ----------------------------------------------------------------------

#[test]
fn dovecot_acl_round_trip() {
    let mut s = common::login("user1");
    let mbox = common::unique_mailbox("ext-acl");
    assert!(s.create(&mbox).unwrap().is_ok());

    let out = s.setacl(&mbox, "user2", "lrs").unwrap();
    assert!(out.is_ok(), "{out:?}");
    let acl = lines(&s.getacl(&mbox).unwrap());
    assert_eq!(acl.len(), 1, "{acl:?}");
    assert!(acl[0].starts_with(&format!("{mbox} ")), "{acl:?}");
    assert!(acl[0].contains(" user2 lrs"), "{acl:?}");
    assert!(acl[0].contains(" user1 "), "{acl:?}");

    let rights = lines(&s.myrights(&mbox).unwrap());
    assert_eq!(rights.len(), 1, "{rights:?}");
    let (name, r) = rights[0].rsplit_once(' ').unwrap();
    assert_eq!(name, mbox);
    assert!(r.contains('l') && r.contains('a'), "{rights:?}");

    let lr = lines(&s.listrights(&mbox, "user2").unwrap());
    assert_eq!(lr.len(), 1, "{lr:?}");
    assert!(lr[0].starts_with(&format!("{mbox} user2 ")), "{lr:?}");

    assert!(s.deleteacl(&mbox, "user2").unwrap().is_ok());
    let acl = lines(&s.getacl(&mbox).unwrap());
    assert!(!acl[0].contains("user2"), "{acl:?}");

    // A mailbox that does not exist: tagged NO is returned, not raised.
    let out = s.getacl(&format!("{mbox}-missing")).unwrap();
    assert_eq!(out.typ, "NO");
    assert!(s.delete(&mbox).unwrap().is_ok());
    s.logout().unwrap();
}

#[test]
fn dovecot_quota() {
    let root = common::dovecot().env["DOVECOT_QUOTA_ROOT"].clone();
    let mut s = common::login("user1");
    let q = s.getquotaroot("INBOX").unwrap();
    assert!(q.quotaroot.is_ok(), "{q:?}");
    assert_eq!(q.quotaroot.data, vec![line(&format!("INBOX \"{root}\""))]);
    let quota = lines(&q.quota);
    assert_eq!(quota.len(), 1, "{quota:?}");
    assert!(
        quota[0].starts_with(&format!("\"{root}\" (STORAGE ")),
        "{quota:?}"
    );

    // The root has a space: quoted by the library (imaplib users quote it themselves).
    let out = s.getquota(&root).unwrap();
    assert_eq!(lines(&out).len(), 1);
    assert!(lines(&out)[0].contains("MESSAGE "), "{out:?}");
    assert_eq!(
        s.getquota(&format!("\"{root}\"")).unwrap().data.len(),
        1,
        "an already quoted root passes through"
    );

    // user1 is admin: SETQUOTA is accepted (Dovecot 2.3 writes it and never reads it back;
    // the limits set are the configured ones anyway).
    let out = s
        .setquota(&root, "STORAGE 1048576 MESSAGE 1000000")
        .unwrap();
    assert!(out.is_ok(), "{out:?}");
    assert_eq!(out.data, vec![Item::None]);
    s.logout().unwrap();

    let mut s = common::login("user2");
    let out = s.setquota(&root, "(STORAGE 512000)").unwrap();
    assert_eq!(out.typ, "NO");
    assert!(lines(&out)[0].contains("admin"), "{out:?}");
    s.logout().unwrap();
}

#[test]
fn dovecot_metadata_round_trip() {
    let mut s = common::login("user1");
    let mbox = common::unique_mailbox("ext-meta");
    assert!(s.create(&mbox).unwrap().is_ok());

    let out = s
        .setmetadata(
            &mbox,
            &[
                ("/private/comment", Some("hi \"there\"")),
                ("/shared/comment", Some("shared one")),
            ],
        )
        .unwrap();
    assert!(out.is_ok(), "{out:?}");
    assert_eq!(out.data, vec![Item::None]);

    let got = lines(&s.getmetadata(&mbox, &["/private/comment"], None).unwrap()).concat();
    assert!(got.starts_with(&format!("{mbox} (")), "{got}");
    assert!(
        got.contains("<<hi \"there\">>") || got.contains("\"hi \\\"there\\\"\""),
        "{got}"
    );

    let got = lines(
        &s.getmetadata(&mbox, &["/private/comment", "/shared/comment"], None)
            .unwrap(),
    )
    .concat();
    assert!(got.contains("shared one") && got.contains("there"), "{got}");

    let out = s
        .getmetadata(&mbox, &["/shared"], Some("DEPTH infinity"))
        .unwrap();
    assert!(lines(&out).concat().contains("shared one"), "{out:?}");

    let out = s.setmetadata(&mbox, &[("/private/comment", None)]).unwrap();
    assert!(out.is_ok(), "{out:?}");
    let got = lines(&s.getmetadata(&mbox, &["/private/comment"], None).unwrap()).concat();
    assert!(!got.contains("there"), "{got}");

    let out = s.getmetadata("", &["/shared/comment"], None).unwrap();
    assert!(out.is_ok(), "{out:?}");
    assert!(s.delete(&mbox).unwrap().is_ok());
    s.logout().unwrap();
}

#[test]
fn dovecot_sort_and_thread_on_the_seeded_inbox() {
    let mut s = common::login("user1");
    s.select("INBOX", true).unwrap();
    for criteria in ["REVERSE DATE", "(SUBJECT)", "ARRIVAL"] {
        let out = s.sort(criteria, Some("UTF-8"), &["ALL"]).unwrap();
        assert!(out.is_ok(), "{out:?}");
        let nums = numbers(&lines(&out)[0]);
        assert!(
            nums.len() >= 20 && is_permutation(&nums),
            "{criteria}: {nums:?}"
        );
    }
    let out = s.sort("DATE", Some("UTF-8"), &["UID", "1:5"]).unwrap();
    let mut nums = numbers(&lines(&out)[0]);
    nums.sort_unstable();
    assert_eq!(nums, vec![1, 2, 3, 4, 5]);

    for alg in ["REFERENCES", "ORDEREDSUBJECT"] {
        let out = s.thread(alg, Some("UTF-8"), &["ALL"]).unwrap();
        let t = &lines(&out)[0];
        assert!(t.starts_with('(') && t.ends_with(')'), "{t}");
        let nums = numbers(t);
        assert!(nums.len() >= 20 && is_permutation(&nums), "{alg}: {t}");
    }
    // A charset the server does not know: tagged NO, returned.
    let out = s.sort("DATE", Some("X-NO-SUCH-CHARSET"), &["ALL"]).unwrap();
    assert_eq!(out.typ, "NO", "{out:?}");
    s.logout().unwrap();
}

#[test]
fn dovecot_enable_and_id() {
    let mut s = common::connect();
    let out = s
        .id(&[("name", Some("libimap-tests")), ("version", None)])
        .unwrap();
    let id = lines(&out);
    assert!(id[0].contains("\"name\" \"Dovecot\""), "{id:?}");
    assert!(s.id(&[]).unwrap().is_ok());
    assert_eq!(
        s.enable("CONDSTORE").unwrap_err().kind,
        ErrorKind::IllegalState,
        "ENABLE is AUTH-only"
    );
    let pass = "pass1";
    assert!(s.login("user1", pass).unwrap().is_ok());

    let out = s.enable("CONDSTORE").unwrap();
    assert!(out.is_ok(), "{out:?}");
    assert_eq!(s.response("ENABLED").data, vec![line("CONDSTORE")]);
    assert!(!s.utf8_enabled());

    // Dovecot 2.3 answers OK without ENABLED and has no UTF8=ACCEPT: no UTF-8 mode (imaplib
    // would switch, and the next APPEND would be stored corrupted).
    let out = s.enable("UTF8=ACCEPT").unwrap();
    assert!(out.is_ok(), "{out:?}");
    assert_eq!(s.utf8_enabled(), s.has_capability("UTF8=ACCEPT"));
    s.logout().unwrap();
}
