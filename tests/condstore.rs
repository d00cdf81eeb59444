//! CONDSTORE and QRESYNC (RFC 7162): the resume of a sync client after a cut connection,
//! conditional STORE and FETCH CHANGEDSINCE against the test Dovecot (which offers both);
//! the CONDSTORE fallback, the full-resync answers and hostile VANISHED / MODIFIED data
//! against the scripted fake server.

mod common;
mod fake;

use common::{login, unique_mailbox};
use fake::{expect, send, FakeServer, Step};
use imap::parsed::{parse_fetch, parse_vanished, ResponseCode, SeqSet};
use imap::session::{FullResync, MailboxChanges, SyncMethod};
use imap::{Config, ErrorKind, Outcome, Session, TlsMode};
use std::time::Duration;

fn ok(r: imap::session::Result<Outcome>) -> Outcome {
    let out = r.expect("command failed");
    assert!(out.is_ok(), "not OK: {out:?}");
    out
}

fn set(s: &str) -> SeqSet {
    SeqSet::parse(s.as_bytes()).unwrap()
}

fn uids(m: &[imap::session::ChangedMessage]) -> Vec<u32> {
    m.iter().map(|m| m.uid).collect()
}

fn message(n: u32) -> Vec<u8> {
    format!("Subject: m{n}\r\nFrom: a@example.com\r\n\r\nbody {n}\r\n").into_bytes()
}

/// A fresh mailbox of user1 with `n` messages (UIDs 1..=n).
fn mailbox_with(s: &mut Session, prefix: &str, n: u32) -> String {
    let name = unique_mailbox(prefix);
    ok(s.create(&name));
    for i in 1..=n {
        ok(s.append(Some(&name), None, None, &message(i)));
    }
    name
}

/// What a sync client saves: UIDVALIDITY, HIGHESTMODSEQ and the UIDs it has.
fn record(s: &mut Session, mailbox: &str) -> (u32, u64, SeqSet) {
    ok(s.select_condstore(mailbox, false));
    let summary = imap::parsed::SelectSummary::from_store(s.untagged());
    let all = ok(s.uid("SEARCH", &["ALL"]));
    let ids = imap::parsed::mailbox::parse_search(&all.data).unwrap().ids;
    let known = SeqSet {
        ranges: ids
            .into_iter()
            .map(|n| imap::parsed::SeqRange { start: n, end: n })
            .collect(),
    };
    (
        summary.uidvalidity.unwrap(),
        summary.highest_modseq.unwrap(),
        known.normalized(),
    )
}

/// Another client's changes: \Flagged on UID 2, UIDs 3 and 4 expunged, two messages added.
fn change_from_elsewhere(mailbox: &str) {
    let mut other = login("user1");
    ok(other.select(mailbox, false));
    ok(other.uid("STORE", &["2", "+FLAGS", "(\\Flagged)"]));
    ok(other.uid("STORE", &["3:4", "+FLAGS", "(\\Deleted)"]));
    ok(other.expunge());
    ok(other.append(Some(mailbox), None, None, &message(6)));
    ok(other.append(Some(mailbox), None, None, &message(7)));
    other.logout().unwrap();
}

fn check_changes(c: &MailboxChanges, uidvalidity: u32, modseq: u64) {
    assert_eq!(c.full_resync, None, "{c:?}");
    assert!(c.invalid.is_empty(), "{:?}", c.invalid);
    assert_eq!(c.summary.uidvalidity, Some(uidvalidity));
    assert!(c.summary.highest_modseq.unwrap() > modseq);
    assert_eq!(uids(&c.added), [6, 7]);
    assert_eq!(uids(&c.changed), [2], "{:?}", c.changed);
    assert!(c.changed[0].flags.iter().any(|f| f == b"\\Flagged"));
    assert!(c.changed[0].modseq.unwrap() > modseq);
    assert!(c.added.iter().all(|m| m.modseq.is_some()));
    assert_eq!(c.vanished.to_imap(), "3:4");
}

#[test]
fn a_first_sync_lists_every_message_and_its_state_resumes() {
    let mut s = login("user1");
    let name = mailbox_with(&mut s, "first", 5);
    s.close("cut by the test");
    let mut first = login("user1");
    let r = first
        .resync(&name, false, 0, 0, &SeqSet::default())
        .unwrap();
    assert!(r.outcome.is_ok());
    assert_eq!(r.parsed.method, SyncMethod::Qresync);
    assert_eq!(r.parsed.full_resync, None);
    assert_eq!(uids(&r.parsed.added), [1, 2, 3, 4, 5]);
    assert!(r.parsed.added.iter().all(|m| m.modseq.is_some()));
    assert!(r.parsed.changed.is_empty() && r.parsed.vanished.ranges.is_empty());
    let uidvalidity = r.parsed.summary.uidvalidity.unwrap();
    let modseq = r.parsed.summary.highest_modseq.unwrap();
    first.close("cut by the test");

    change_from_elsewhere(&name);
    let mut again = login("user1");
    let r = again
        .resync(&name, false, uidvalidity, modseq, &set("1:5"))
        .unwrap();
    check_changes(&r.parsed, uidvalidity, modseq);
    again.close("done");
    let mut clean = login("user1");
    ok(clean.delete(&name));
}

#[test]
fn resume_after_a_cut_connection_returns_exactly_what_changed() {
    let mut s = login("user1");
    let name = mailbox_with(&mut s, "qresync", 5);
    let (uidvalidity, modseq, known) = record(&mut s, &name);
    assert_eq!(known.to_imap(), "1:5");
    // Cut mid-session: no LOGOUT, the socket just closes.
    s.close("cut by the test");
    assert!(!s.is_open());

    change_from_elsewhere(&name);

    let mut again = login("user1");
    let r = again
        .resync(&name, false, uidvalidity, modseq, &known)
        .unwrap();
    assert!(r.outcome.is_ok());
    assert_eq!(r.parsed.method, SyncMethod::Qresync);
    assert!(again.is_enabled("QRESYNC") && again.is_enabled("condstore"));
    check_changes(&r.parsed, uidvalidity, modseq);

    // Resuming from the new state finds nothing more.
    let next = r.parsed.summary.highest_modseq.unwrap();
    let r = again
        .resync(&name, true, uidvalidity, next, &set("1:2,5:7"))
        .unwrap();
    assert_eq!(r.parsed.full_resync, None);
    assert!(r.parsed.added.is_empty() && r.parsed.changed.is_empty());
    assert!(r.parsed.vanished.ranges.is_empty());
    again.close("done");
    let mut clean = login("user1");
    ok(clean.delete(&name));
}

#[test]
fn a_recreated_mailbox_needs_a_full_resync() {
    let mut s = login("user1");
    let name = mailbox_with(&mut s, "qresync-uv", 2);
    let (uidvalidity, modseq, known) = record(&mut s, &name);
    ok(s.unselect());
    ok(s.delete(&name));
    ok(s.create(&name));
    ok(s.append(Some(&name), None, None, &message(1)));
    let r = s.resync(&name, false, uidvalidity, modseq, &known).unwrap();
    // Dovecot gives a recreated mailbox a new UIDVALIDITY (it keeps the last one given).
    let now = r.parsed.summary.uidvalidity.unwrap();
    assert_ne!(now, uidvalidity);
    assert_eq!(r.parsed.full_resync, Some(FullResync::UidValidity));
    // A saved UIDVALIDITY that is not the mailbox's, whatever its history.
    let r = s.resync(&name, false, now ^ 1, modseq, &known).unwrap();
    assert!(r.outcome.is_ok());
    assert_eq!(r.parsed.full_resync, Some(FullResync::UidValidity));
    assert!(r.parsed.added.is_empty() && r.parsed.changed.is_empty());
    assert!(r.parsed.vanished.ranges.is_empty());
    assert_eq!(r.parsed.summary.uidvalidity, Some(now));
    ok(s.unselect());
    ok(s.delete(&name));
}

#[test]
fn conditional_store_reports_the_messages_that_changed_meanwhile() {
    let mut s = login("user1");
    let name = mailbox_with(&mut s, "unchangedsince", 3);
    ok(s.select_condstore(&name, false));
    let f = ok(s.uid("FETCH", &["1:3", "(MODSEQ)"]));
    let modseq = parse_fetch(&f.data)[0].modseq.unwrap();
    // Another client changes UID 2 after we read it.
    let mut other = login("user1");
    ok(other.select(&name, false));
    ok(other.uid("STORE", &["2", "+FLAGS", "(\\Seen)"]));
    other.logout().unwrap();
    let out = ok(s.store_unchangedsince(true, "1:3", modseq, "+FLAGS", &["\\Flagged"]));
    let code = out
        .tagged
        .as_ref()
        .and_then(|t| ResponseCode::from_text(&t.text));
    assert_eq!(code, Some(ResponseCode::Modified(set("2"))), "{out:?}");
    // UIDs 1 and 3 were changed, 2 was not.
    let f = ok(s.uid("FETCH", &["1:3", "(FLAGS)"]));
    let flagged: Vec<bool> = parse_fetch(&f.data)
        .iter()
        .map(|m| {
            m.flags
                .as_ref()
                .unwrap()
                .iter()
                .any(|f| &**f == b"\\Flagged")
        })
        .collect();
    assert_eq!(flagged, [true, false, true]);
    // The sequence-number form, and a STORE that meets its condition has no MODIFIED code.
    let out = ok(s.store_unchangedsince(false, "1", u64::MAX >> 1, "-FLAGS", &["\\Flagged"]));
    let code = out
        .tagged
        .as_ref()
        .and_then(|t| ResponseCode::from_text(&t.text));
    assert!(!matches!(code, Some(ResponseCode::Modified(_))), "{out:?}");
    // Bad arguments never reach the wire.
    for bad in [
        s.store_unchangedsince(true, "1\r\nX", 1, "+FLAGS", &["\\Seen"]),
        s.store_unchangedsince(true, "1", 1 << 63, "+FLAGS", &["\\Seen"]),
        s.store_unchangedsince(true, "1", 1, "+FLAGS", &["\\Seen\r\n"]),
        s.fetch_changedsince(true, "1", "(FLAGS)\r\nX", 1, false),
        s.fetch_changedsince(false, "1", "(FLAGS)", 1, true),
    ] {
        assert_eq!(bad.unwrap_err().kind, ErrorKind::InvalidArgument);
    }
    // VANISHED needs QRESYNC enabled first.
    let e = s
        .fetch_changedsince(true, "1:*", "(FLAGS)", 1, true)
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::IllegalState);
    ok(s.unselect());
    ok(s.delete(&name));
}

#[test]
fn fetch_changedsince_with_vanished_under_qresync() {
    let mut s = login("user1");
    let name = mailbox_with(&mut s, "changedsince", 5);
    let (_, modseq, _) = record(&mut s, &name);
    ok(s.unselect());
    change_from_elsewhere(&name);
    ok(s.enable("QRESYNC"));
    assert!(s.is_enabled("QRESYNC"));
    ok(s.select(&name, false));
    let out = ok(s.fetch_changedsince(true, "1:*", "(FLAGS)", modseq, true));
    let fetched: Vec<u32> = parse_fetch(&out.data)
        .iter()
        .map(|m| m.uid.unwrap())
        .collect();
    assert_eq!(fetched, [2, 6, 7]);
    let v = s.response("VANISHED");
    let v = parse_vanished(&v.data);
    assert_eq!(v.len(), 1);
    let v = v[0].as_ref().unwrap();
    assert!(v.earlier);
    assert_eq!(v.uids.to_imap(), "3:4");
    // The plain FETCH form sends no VANISHED modifier and gets only the changed messages.
    let out = ok(s.fetch_changedsince(false, "1:*", "(UID)", modseq, false));
    assert_eq!(parse_fetch(&out.data).len(), 3);
    ok(s.unselect());
    ok(s.delete(&name));
}

// ----- the fake server -----------------------------------------------------------------------

fn preauth(caps: &str, rest: Vec<Step>) -> Vec<Step> {
    let mut script = vec![
        send("* PREAUTH fake ready\r\n"),
        expect("CAPABILITY"),
        send(format!("* CAPABILITY {caps}\r\n{{tag}} OK done\r\n")),
    ];
    script.extend(rest);
    script
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

const QRESYNC_CAPS: &str = "IMAP4rev1 ENABLE UNSELECT CONDSTORE QRESYNC";

fn select_reply(uidvalidity: u32, modseq: u64, extra: &str) -> String {
    format!(
        "* 3 EXISTS\r\n* OK [UIDVALIDITY {uidvalidity}] x\r\n* OK [UIDNEXT 9] x\r\n\
         * OK [HIGHESTMODSEQ {modseq}] x\r\n{extra}{{tag}} OK [READ-WRITE] done\r\n"
    )
}

#[test]
fn hostile_vanished_ranges_stay_ranges_and_garbage_is_listed() {
    let (server, mut s) = open_fake(preauth(
        QRESYNC_CAPS,
        vec![
            expect("ENABLE QRESYNC"),
            send("* ENABLED QRESYNC\r\n{tag} OK enabled\r\n"),
            expect("SELECT box (QRESYNC (7 10 1:5,9))"),
            send(select_reply(
                7,
                20,
                "* VANISHED (EARLIER) 1:4294967295\r\n* VANISHED (EARLIER) x:1\r\n\
                 * VANISHED (EARLIER) 0\r\n* 1 FETCH (UID 9 FLAGS (\\Seen) MODSEQ (12))\r\n\
                 * 3 FETCH (FLAGS ())\r\n",
            )),
            expect("UID FETCH 6:8,10:4294967295 (UID FLAGS MODSEQ) (CHANGEDSINCE 10)"),
            send("* 2 FETCH (UID 4294967295 FLAGS () MODSEQ (13))\r\n{tag} OK done\r\n"),
            expect("LOGOUT"),
            send("* BYE bye\r\n{tag} OK bye\r\n"),
        ],
    ));
    let r = s.resync("box", false, 7, 10, &set("9,1:5")).unwrap();
    let c = r.parsed;
    assert_eq!(c.method, SyncMethod::Qresync);
    assert_eq!(c.full_resync, None);
    // Everything known vanished (the huge range is cut to what the caller knew), yet UID 9
    // also came back as changed: both are reported as the server sent them.
    assert_eq!(c.vanished.to_imap(), "1:5,9");
    assert_eq!(uids(&c.changed), [9]);
    assert_eq!(uids(&c.added), [4294967295]);
    assert_eq!(c.invalid.len(), 3, "{:?}", c.invalid);
    assert!(c.summary.invalid.is_empty() && c.summary.vanished.ranges.is_empty());
    assert_eq!(c.summary.highest_modseq, Some(20));
    s.logout().unwrap();
    server.finish();
}

#[test]
fn hostile_modified_codes() {
    let (server, mut s) = open_fake(preauth(
        QRESYNC_CAPS,
        vec![
            expect("SELECT box"),
            send(select_reply(7, 20, "")),
            expect("UID STORE 1:* (UNCHANGEDSINCE 0) +FLAGS (\\Seen)"),
            send("{tag} OK [MODIFIED 1:4294967295] some failed\r\n"),
            expect("STORE 1 (UNCHANGEDSINCE 5) FLAGS ()"),
            send("{tag} OK [MODIFIED 1,junk] some failed\r\n"),
            expect("LOGOUT"),
            send("* BYE bye\r\n{tag} OK bye\r\n"),
        ],
    ));
    ok(s.select("box", false));
    let out = ok(s.store_unchangedsince(true, "1:*", 0, "+FLAGS", &["\\Seen"]));
    let code = out.code().unwrap();
    match ResponseCode::from_parts(&code.name, code.data.as_deref()) {
        ResponseCode::Modified(m) => {
            assert_eq!(m.ranges.len(), 1);
            assert_eq!(m.count(), 4294967295);
        }
        other => panic!("{other:?}"),
    }
    let out = ok(s.store_unchangedsince(false, "1", 5, "FLAGS", &[]));
    let code = out.code().unwrap();
    assert!(matches!(
        ResponseCode::from_parts(&code.name, code.data.as_deref()),
        ResponseCode::Invalid { .. }
    ));
    s.logout().unwrap();
    server.finish();
}

#[test]
fn condstore_fallback_fetches_changes_and_searches_the_known_uids() {
    let (server, mut s) = open_fake(preauth(
        "IMAP4rev1 CONDSTORE ESEARCH",
        vec![
            expect("SELECT box (CONDSTORE)"),
            send(select_reply(7, 20, "")),
            expect("UID FETCH 1:* (UID FLAGS MODSEQ) (CHANGEDSINCE 10)"),
            send(
                "* 1 FETCH (UID 2 FLAGS (\\Flagged) MODSEQ (15))\r\n\
                 * 3 FETCH (UID 8 FLAGS () MODSEQ (19))\r\n{tag} OK done\r\n",
            ),
            expect("UID SEARCH RETURN (ALL) UID 1:5"),
            send("* ESEARCH (TAG \"{tag}\") UID ALL 1:2,5\r\n{tag} OK done\r\n"),
            expect("LOGOUT"),
            send("* BYE bye\r\n{tag} OK bye\r\n"),
        ],
    ));
    let r = s.resync("box", false, 7, 10, &set("1:5")).unwrap();
    let c = r.parsed;
    assert_eq!(c.method, SyncMethod::Condstore);
    assert_eq!(c.full_resync, None);
    assert_eq!(uids(&c.changed), [2]);
    assert_eq!(uids(&c.added), [8]);
    assert_eq!(c.vanished.to_imap(), "3:4");
    assert!(c.invalid.is_empty());
    s.logout().unwrap();
    server.finish();
}

#[test]
fn an_enable_qresync_answered_bad_falls_back_to_condstore() {
    // resync's documented rule: QRESYNC is used when it can be enabled; a server that refuses
    // ENABLE QRESYNC (NO or BAD) leaves CONDSTORE.
    let (server, mut s) = open_fake(preauth(
        "IMAP4rev1 ENABLE CONDSTORE QRESYNC",
        vec![
            expect("ENABLE QRESYNC"),
            send("{tag} BAD not today\r\n"),
            expect("SELECT box (CONDSTORE)"),
            send(select_reply(7, 20, "")),
            expect("UID FETCH 1:* (UID FLAGS MODSEQ) (CHANGEDSINCE 10)"),
            send("* 3 FETCH (UID 8 FLAGS () MODSEQ (19))\r\n{tag} OK done\r\n"),
            expect("LOGOUT"),
            send("* BYE bye\r\n{tag} OK bye\r\n"),
        ],
    ));
    let r = s.resync("box", false, 7, 10, &SeqSet::default()).unwrap();
    assert!(r.outcome.is_ok());
    let c = r.parsed;
    assert_eq!(c.method, SyncMethod::Condstore);
    assert_eq!(uids(&c.added), [8]);
    assert!(!s.is_enabled("QRESYNC"));
    s.logout().unwrap();
    server.finish();
}

#[test]
fn condstore_fallback_without_esearch_and_with_an_unreadable_search() {
    let (server, mut s) = open_fake(preauth(
        "IMAP4rev1 CONDSTORE",
        vec![
            expect("EXAMINE box (CONDSTORE)"),
            send(select_reply(7, 20, "")),
            expect("UID FETCH 1:* (UID FLAGS MODSEQ) (CHANGEDSINCE 10)"),
            send("{tag} OK nothing changed\r\n"),
            expect("UID SEARCH UID 1:3"),
            send("* SEARCH 1 3\r\n{tag} OK done\r\n"),
            expect("EXAMINE box (CONDSTORE)"),
            send(select_reply(7, 20, "")),
            expect("UID FETCH 1:* (UID FLAGS MODSEQ) (CHANGEDSINCE 10)"),
            send("{tag} OK nothing changed\r\n"),
            expect("UID SEARCH UID 1:3"),
            send("* SEARCH 1 zz\r\n{tag} OK done\r\n"),
            expect("LOGOUT"),
            send("* BYE bye\r\n{tag} OK bye\r\n"),
        ],
    ));
    let c = s.resync("box", true, 7, 10, &set("1:3")).unwrap().parsed;
    assert_eq!(c.vanished.to_imap(), "2");
    assert!(c.added.is_empty() && c.changed.is_empty() && c.invalid.is_empty());
    // An answer that cannot be read names no UID as vanished, and says so.
    let c = s.resync("box", true, 7, 10, &set("1:3")).unwrap().parsed;
    assert!(c.vanished.ranges.is_empty());
    assert_eq!(c.invalid.len(), 1);
    s.logout().unwrap();
    server.finish();
}

#[test]
fn full_resync_answers() {
    let (server, mut s) = open_fake(preauth(
        "IMAP4rev1 CONDSTORE",
        vec![
            // NOMODSEQ
            expect("SELECT box (CONDSTORE)"),
            send("* 3 EXISTS\r\n* OK [UIDVALIDITY 7] x\r\n* OK [NOMODSEQ] x\r\n{tag} OK done\r\n"),
            // UIDVALIDITY changed
            expect("SELECT box (CONDSTORE)"),
            send(select_reply(8, 20, "")),
            // SELECT refused: the outcome says so, no changes
            expect("SELECT gone (CONDSTORE)"),
            send("{tag} NO no such mailbox\r\n"),
            expect("LOGOUT"),
            send("* BYE bye\r\n{tag} OK bye\r\n"),
        ],
    ));
    let r = s.resync("box", false, 7, 10, &set("1")).unwrap();
    assert_eq!(r.parsed.full_resync, Some(FullResync::NoModSeq));
    let r = s.resync("box", false, 7, 10, &set("1")).unwrap();
    assert_eq!(r.parsed.full_resync, Some(FullResync::UidValidity));
    assert_eq!(r.parsed.summary.uidvalidity, Some(8));
    let r = s.resync("gone", false, 7, 10, &set("1")).unwrap();
    assert_eq!(r.outcome.typ, "NO");
    assert_eq!(r.parsed, MailboxChanges::default());
    // Refused before anything is sent.
    for bad in [
        s.resync("box\r\nX", false, 0, 10, &set("1")),
        s.resync("box", false, 7, 0, &set("1")),
        s.resync("box", false, 7, 1 << 63, &set("1")),
    ] {
        assert_eq!(bad.unwrap_err().kind, ErrorKind::InvalidArgument);
    }
    s.logout().unwrap();
    server.finish();

    // Neither CONDSTORE nor QRESYNC: the mailbox is selected and a full resync is needed.
    let (server, mut s) = open_fake(preauth(
        "IMAP4rev1",
        vec![
            expect("SELECT box"),
            send(select_reply(7, 20, "")),
            expect("LOGOUT"),
            send("* BYE bye\r\n{tag} OK bye\r\n"),
        ],
    ));
    let r = s.resync("box", false, 7, 10, &set("1")).unwrap();
    assert_eq!(r.parsed.method, SyncMethod::None);
    assert_eq!(r.parsed.full_resync, Some(FullResync::NoCondstore));
    assert_eq!(
        s.select_condstore("box", false).unwrap_err().kind,
        ErrorKind::Unsupported
    );
    s.logout().unwrap();
    server.finish();
}

#[test]
fn qresync_is_enabled_from_the_selected_state_through_unselect() {
    let (server, mut s) = open_fake(preauth(
        QRESYNC_CAPS,
        vec![
            expect("SELECT other"),
            send(select_reply(3, 5, "")),
            expect("UNSELECT"),
            send("{tag} OK done\r\n"),
            expect("ENABLE QRESYNC"),
            send("* ENABLED QRESYNC\r\n{tag} OK enabled\r\n"),
            expect("SELECT box (QRESYNC (7 10))"),
            send(select_reply(7, 20, "* VANISHED (EARLIER) 4\r\n")),
            // Enabled once per connection.
            expect("EXAMINE box (QRESYNC (7 20 1:3))"),
            send(select_reply(7, 20, "")),
            expect("UID FETCH 4:4294967295 (UID FLAGS MODSEQ) (CHANGEDSINCE 20)"),
            send("{tag} OK done\r\n"),
            expect("LOGOUT"),
            send("* BYE bye\r\n{tag} OK bye\r\n"),
        ],
    ));
    ok(s.select("other", false));
    // Nothing known: nothing can vanish for the caller.
    let c = s
        .resync("box", false, 7, 10, &SeqSet::default())
        .unwrap()
        .parsed;
    assert_eq!(c.method, SyncMethod::Qresync);
    assert!(c.vanished.ranges.is_empty());
    assert!(s.is_enabled("QRESYNC"));
    let c = s.resync("box", true, 7, 20, &set("1:3")).unwrap().parsed;
    assert!(c.vanished.ranges.is_empty() && c.added.is_empty());
    s.logout().unwrap();
    server.finish();
}

#[test]
fn enable_records_only_what_the_server_confirmed() {
    let (server, mut s) = open_fake(preauth(
        QRESYNC_CAPS,
        vec![
            expect("ENABLE CONDSTORE QRESYNC"),
            send("* ENABLED CONDSTORE\r\n{tag} OK enabled\r\n"),
            expect("LOGOUT"),
            send("* BYE bye\r\n{tag} OK bye\r\n"),
        ],
    ));
    ok(s.enable("CONDSTORE QRESYNC"));
    assert!(s.is_enabled("condstore"));
    assert!(!s.is_enabled("QRESYNC"));
    assert_eq!(s.enabled(), ["CONDSTORE"]);
    let e = s
        .select_qresync("box", false, 1, 1, &SeqSet::default())
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::IllegalState);
    s.logout().unwrap();
    assert!(s.enabled().is_empty());
    server.finish();
}

#[test]
fn an_enabled_flood_of_names_not_asked_for_is_not_recorded() {
    // RFC 5161: ENABLED lists only extensions that were asked for. A hostile server naming
    // 50,000 others must not make them "enabled", nor cost a scan of the list per name
    // (quadratic), nor grow the handle's list by them.
    let flood: String = (0..50_000).map(|i| format!(" X{i}")).collect();
    let (server, mut s) = open_fake(preauth(
        QRESYNC_CAPS,
        vec![
            expect("ENABLE QRESYNC"),
            send(format!(
                "* ENABLED{flood} QRESYNC\r\n* ENABLED CONDSTORE{flood}\r\n{{tag}} OK enabled\r\n"
            )),
            expect("LOGOUT"),
            send("* BYE bye\r\n{tag} OK bye\r\n"),
        ],
    ));
    let start = std::time::Instant::now();
    ok(s.enable("QRESYNC"));
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "ENABLE took {:?}",
        start.elapsed()
    );
    assert!(s.is_enabled("QRESYNC"));
    assert!(!s.is_enabled("X7"));
    assert_eq!(s.enabled(), ["QRESYNC"]);
    s.logout().unwrap();
    server.finish();
}

#[test]
fn a_bad_mailbox_name_is_refused_before_enable_is_sent() {
    let (server, mut s) = open_fake(preauth(
        QRESYNC_CAPS,
        vec![expect("LOGOUT"), send("* BYE bye\r\n{tag} OK bye\r\n")],
    ));
    let e = s
        .resync("x\r\nA LOGOUT", false, 1, 1, &SeqSet::default())
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidArgument);
    assert!(!s.is_enabled("QRESYNC"));
    s.logout().unwrap();
    server.finish();
}

#[test]
fn select_qresync_reports_changes_and_vanished_uids_in_the_summary() {
    let mut s = login("user1");
    let name = mailbox_with(&mut s, "select-qresync", 5);
    let (uidvalidity, modseq, known) = record(&mut s, &name);
    ok(s.unselect());
    change_from_elsewhere(&name);
    assert_eq!(
        s.select_qresync(&name, false, uidvalidity, modseq, &known)
            .unwrap_err()
            .kind,
        ErrorKind::IllegalState
    );
    ok(s.enable("QRESYNC"));
    ok(s.select_qresync(&name, true, uidvalidity, modseq, &known));
    let summary = imap::parsed::SelectSummary::from_store(s.untagged());
    assert_eq!(summary.vanished.to_imap(), "3:4");
    assert!(summary.invalid.is_empty());
    let fetched = s.response("FETCH");
    let uids: Vec<u32> = parse_fetch(&fetched.data)
        .iter()
        .map(|m| m.uid.unwrap())
        .collect();
    assert_eq!(uids, [2]);
    // Taken away by response("VANISHED").
    assert_eq!(parse_vanished(&s.response("VANISHED").data).len(), 1);
    let summary = imap::parsed::SelectSummary::from_store(s.untagged());
    assert!(summary.vanished.ranges.is_empty());
    ok(s.unselect());
    ok(s.delete(&name));
}
