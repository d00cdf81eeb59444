//! The session's compositions (SEARCH answered as ESEARCH, GETQUOTAROOT with its QUOTA data
//! merged, METADATA responses merged, the UID SORT/THREAD charset default) against the test
//! Dovecot, and what Dovecot will not do (no ESEARCH, METADATA split over several responses)
//! against the scripted fake server.

mod common;
mod fake;

use fake::{expect, expect_prefix, send, FakeServer, Step};
use imap::{Config, Session, TlsMode};
use std::time::Duration;

fn open_fake(caps: &str, rest: Vec<Step>) -> (FakeServer, Session) {
    let mut script = vec![
        send("* PREAUTH fake ready\r\n"),
        expect("CAPABILITY"),
        send(format!("* CAPABILITY {caps}\r\n{{tag}} OK done\r\n")),
    ];
    script.extend(rest);
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

/// The numbers of a set kept as ranges.
fn expand(ranges: &[imap::proto::parsed::SeqRange]) -> Vec<u32> {
    ranges.iter().flat_map(|r| r.start..=r.end).collect()
}

#[test]
fn esearch_auto_against_dovecot_matches_plain_search() {
    let mut s = common::login("user1");
    assert!(
        s.has_capability("ESEARCH"),
        "the test Dovecot offers ESEARCH"
    );
    assert!(s.select("INBOX", true).unwrap().is_ok());
    for criteria in [&["ALL"][..], &["SEEN"], &["NOT", "SEEN"], &["NOT", "ALL"]] {
        let plain = s.search(None, criteria).unwrap();
        let mut want = imap::proto::parsed::mailbox::parse_search(&plain.data)
            .unwrap()
            .ids;
        want.sort_unstable();
        let got = s.esearch_auto(Some("UTF-8"), criteria).unwrap();
        assert!(got.outcome.is_ok());
        assert_eq!(got.parsed.len(), 1, "{criteria:?}: one ESEARCH response");
        let e = got.parsed[0].as_ref().expect("parses");
        assert!(e.tag.is_some(), "Dovecot tags its ESEARCH responses");
        assert_eq!(e.count, Some(want.len() as u32), "{criteria:?}");
        assert_eq!(e.min, want.first().copied());
        assert_eq!(e.max, want.last().copied());
        let all = e.all.as_ref().map_or(Vec::new(), |a| expand(&a.ranges));
        assert_eq!(all, want, "{criteria:?}");
    }
    // what the server refuses stays the command's answer, with nothing parsed
    let bad = s.esearch_auto(None, &["NOSUCHKEY"]);
    match bad {
        Ok(c) => assert!(!c.outcome.is_ok() && c.parsed.is_empty()),
        Err(e) => assert_eq!(e.kind, imap::ErrorKind::Bad),
    }
    s.logout().unwrap();
}

#[test]
fn esearch_auto_without_esearch_gives_the_search_numbers_as_one_response() {
    let (server, mut s) = open_fake(
        "IMAP4rev1",
        vec![
            expect("SELECT INBOX"),
            send("* 9 EXISTS\r\n{tag} OK [READ-WRITE] done\r\n"),
            expect("SEARCH CHARSET UTF-8 SUBJECT x"),
            send("* SEARCH 9 2 3 4\r\n{tag} OK done\r\n"),
            expect("SEARCH NOT ALL"),
            send("* SEARCH\r\n{tag} OK done\r\n"),
        ],
    );
    assert!(s.select("INBOX", false).unwrap().is_ok());
    let got = s.esearch_auto(Some("UTF-8"), &["SUBJECT", "x"]).unwrap();
    let e = got.parsed[0].as_ref().unwrap();
    assert_eq!(got.parsed.len(), 1);
    assert_eq!(
        (e.min, e.max, e.count, e.tag.as_ref()),
        (Some(2), Some(9), Some(4), None)
    );
    let ranges: Vec<(u32, u32)> = e
        .all
        .as_ref()
        .unwrap()
        .ranges
        .iter()
        .map(|r| (r.start, r.end))
        .collect();
    assert_eq!(ranges, [(2, 4), (9, 9)]);
    let none = s.esearch_auto(None, &["NOT", "ALL"]).unwrap();
    let e = none.parsed[0].as_ref().unwrap();
    assert_eq!((e.min, e.count, e.all.is_none()), (None, Some(0), true));
    s.close("test done");
    server.finish();
}

#[test]
fn esearch_auto_sends_return_before_charset() {
    let (server, mut s) = open_fake(
        "IMAP4rev1 ESEARCH",
        vec![
            expect("SELECT INBOX"),
            send("* 9 EXISTS\r\n{tag} OK [READ-WRITE] done\r\n"),
            expect("SEARCH RETURN (MIN MAX COUNT ALL) CHARSET UTF-8 SUBJECT x"),
            send("* ESEARCH (TAG \"{tag}\") MIN 4 MAX 4 COUNT 1 ALL 4\r\n{tag} OK done\r\n"),
        ],
    );
    assert!(s.select("INBOX", false).unwrap().is_ok());
    let got = s.esearch_auto(Some("UTF-8"), &["SUBJECT", "x"]).unwrap();
    let e = got.parsed[0].as_ref().unwrap();
    assert_eq!((e.min, e.count), (Some(4), Some(1)));
    s.close("test done");
    server.finish();
}

#[test]
fn quota_for_against_dovecot() {
    let mut s = common::login("user1");
    let q = s.quota_for("INBOX").unwrap();
    assert!(q.outcome.is_ok());
    let m = q.parsed;
    assert_eq!(m.mailbox.raw, b"INBOX");
    assert_eq!(m.roots, [b"User quota".to_vec()]);
    assert!(m.invalid.is_empty());
    assert!(!m.quotas.is_empty() && m.quotas[0].root == b"User quota");
    assert!(m.quotas[0]
        .resources
        .iter()
        .any(|r| r.name.eq_ignore_ascii_case(b"STORAGE") && r.limit > 0));
    s.logout().unwrap();
}

#[test]
fn quota_for_merges_every_quotaroot_and_keeps_bad_quota_responses() {
    let (server, mut s) = open_fake(
        "IMAP4rev1 QUOTA",
        vec![
            expect("GETQUOTAROOT INBOX"),
            send(
                "* QUOTAROOT INBOX a\r\n* QUOTAROOT INBOX b\r\n* QUOTA a (STORAGE 1 10)\r\n\
                 * QUOTA b (STORAGE x)\r\n{tag} OK done\r\n",
            ),
            expect("GETQUOTAROOT Gone"),
            send("{tag} NO [NONEXISTENT] no such mailbox\r\n"),
        ],
    );
    let q = s.quota_for("INBOX").unwrap().parsed;
    assert_eq!(q.roots, [b"a".to_vec(), b"b".to_vec()]);
    assert_eq!(q.quotas.len(), 1);
    assert_eq!(q.invalid.len(), 1);
    // the server's NO is the answer, with nothing parsed
    let no = s.quota_for("Gone").unwrap();
    assert_eq!(no.outcome.typ, "NO");
    assert!(no.parsed.roots.is_empty() && no.parsed.quotas.is_empty());
    s.close("test done");
    server.finish();
}

#[test]
fn metadata_merged_against_dovecot() {
    let mut s = common::login("user2");
    let mb = common::unique_mailbox("compose-md");
    assert!(s.create(&mb).unwrap().is_ok());
    let set = s
        .setmetadata(
            &mb,
            &[
                ("/private/comment", Some("one")),
                ("/shared/comment", Some("two")),
            ],
        )
        .unwrap();
    assert!(set.is_ok(), "{set:?}");
    let got = s
        .getmetadata_merged(&mb, &["/private/comment", "/shared/comment"], None)
        .unwrap();
    assert!(got.outcome.is_ok());
    assert_eq!(got.parsed.len(), 1);
    let m = got.parsed[0].as_ref().unwrap();
    assert_eq!(m.mailbox.raw, mb.as_bytes());
    let mut entries: Vec<(Vec<u8>, Option<Vec<u8>>)> = m
        .entries
        .iter()
        .map(|e| (e.name.clone(), e.value.clone()))
        .collect();
    entries.sort();
    assert_eq!(
        entries,
        [
            (b"/private/comment".to_vec(), Some(b"one".to_vec())),
            (b"/shared/comment".to_vec(), Some(b"two".to_vec())),
        ]
    );
    assert!(s.delete(&mb).unwrap().is_ok());
    s.logout().unwrap();
}

#[test]
fn metadata_split_over_responses_is_merged() {
    let (server, mut s) = open_fake(
        "IMAP4rev1 METADATA",
        vec![
            expect_prefix("GETMETADATA INBOX"),
            send(
                "* METADATA INBOX (/private/a \"1\")\r\n* METADATA Other (/private/x NIL)\r\n\
                 * METADATA INBOX (/private/b {3}\r\nxyz)\r\n{tag} OK done\r\n",
            ),
        ],
    );
    let got = s
        .getmetadata_merged("INBOX", &["/private/a", "/private/b"], None)
        .unwrap();
    assert_eq!(got.parsed.len(), 2);
    let inbox = got.parsed[0].as_ref().unwrap();
    assert_eq!(inbox.mailbox.raw, b"INBOX");
    let e: Vec<(&[u8], Option<&[u8]>)> = inbox
        .entries
        .iter()
        .map(|e| (e.name.as_slice(), e.value.as_deref()))
        .collect();
    assert_eq!(
        e,
        [
            (&b"/private/a"[..], Some(&b"1"[..])),
            (b"/private/b", Some(b"xyz"))
        ]
    );
    assert_eq!(got.parsed[1].as_ref().unwrap().mailbox.raw, b"Other");
    s.close("test done");
    server.finish();
}

#[test]
fn uid_sort_and_thread_default_to_utf8_against_dovecot() {
    let mut s = common::login("user1");
    assert!(s.select("INBOX", true).unwrap().is_ok());
    let dflt = s
        .uid_sort_default("REVERSE ARRIVAL", None, &["ALL"])
        .unwrap();
    let explicit = s
        .uid("SORT", &["(REVERSE ARRIVAL)", "UTF-8", "ALL"])
        .unwrap();
    assert!(dflt.is_ok());
    assert_eq!(dflt.data, explicit.data);
    let t = s.uid_thread_default("REFERENCES", None, &["ALL"]).unwrap();
    let explicit = s.uid("THREAD", &["REFERENCES", "UTF-8", "ALL"]).unwrap();
    assert!(t.is_ok());
    assert_eq!(t.data, explicit.data);
    s.logout().unwrap();
}

#[test]
fn uid_sort_and_thread_wire() {
    let (server, mut s) = open_fake(
        "IMAP4rev1 SORT THREAD=REFERENCES",
        vec![
            expect("SELECT INBOX"),
            send("* 5 EXISTS\r\n{tag} OK [READ-WRITE] done\r\n"),
            expect("UID SORT (DATE) UTF-8 ALL"),
            send("* SORT 5 3\r\n{tag} OK done\r\n"),
            expect("UID SORT (ARRIVAL) US-ASCII ALL"),
            send("* SORT\r\n{tag} OK done\r\n"),
            expect("UID THREAD REFERENCES UTF-8 ALL"),
            send("* THREAD (5 3)\r\n{tag} OK done\r\n"),
        ],
    );
    assert!(s.select("INBOX", false).unwrap().is_ok());
    assert!(s.uid_sort_default("DATE", None, &["ALL"]).unwrap().is_ok());
    assert!(s
        .uid_sort_default("(ARRIVAL)", Some("US-ASCII"), &["ALL"])
        .unwrap()
        .is_ok());
    assert!(s
        .uid_thread_default("REFERENCES", None, &["ALL"])
        .unwrap()
        .is_ok());
    s.close("test done");
    server.finish();
}
