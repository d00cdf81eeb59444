//! Every kind of response the test Dovecot produces parses (`imap::parsed`), with nothing the
//! specs define left raw: FETCH with every item Dovecot offers, SELECT/EXAMINE, LIST/LSUB,
//! STATUS, SEARCH/SORT/ESEARCH, THREAD, NAMESPACE, QUOTA/QUOTAROOT, ACL/MYRIGHTS/LISTRIGHTS,
//! METADATA, CAPABILITY, ID and the UIDPLUS codes; mailbox names given as UTF-8 are sent in
//! modified UTF-7 and decoded back.
//!
//! user1's seeded INBOX is only examined; writes happen as user2 in mailboxes of their own.

mod common;

use imap::parsed::fetch::parse_fetch;
use imap::parsed::mailbox as pm;
use imap::parsed::{Invalid, ResponseCode, SectionKind, SelectSummary};
use imap::session::MailboxEncoding;
use imap::Outcome;

/// Every per-response result parsed; the values.
fn all_ok<T: std::fmt::Debug>(what: &str, v: Vec<Result<T, Invalid>>) -> Vec<T> {
    v.into_iter()
        .map(|r| r.unwrap_or_else(|e| panic!("{what}: {e:?}")))
        .collect()
}

fn ok(out: Outcome) -> Outcome {
    assert!(out.is_ok(), "{out:?}");
    out
}

fn code(out: &Outcome) -> ResponseCode {
    let text = &out.tagged.as_ref().expect("tagged").text;
    ResponseCode::from_text(text).expect("a response code")
}

#[test]
fn seeded_inbox_fetch_parses_completely() {
    let mut s = common::login("user1");
    ok(s.select("INBOX", true).unwrap());
    let summary = SelectSummary::from_store(s.untagged());
    assert_eq!(summary.exists, Some(20));
    assert_eq!(summary.read_only, Some(true));
    assert!(summary.uidvalidity.is_some() && summary.uidnext.is_some());
    assert!(summary.flags.as_ref().is_some_and(|f| f.len() >= 5));
    assert!(summary.permanent_flags.is_some() && summary.recent.is_some());

    let items = "(UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE BODY MODSEQ \
                 BODY.PEEK[HEADER.FIELDS (SUBJECT)] BODY.PEEK[1]<0.10> BINARY.SIZE[1])";
    let out = ok(s.fetch("1:20", items).unwrap());
    let msgs = parse_fetch(&out.data);
    assert_eq!(msgs.len(), 20);
    for (i, m) in msgs.iter().enumerate() {
        assert!(m.invalid.is_none(), "message {}: {:?}", i + 1, m.invalid);
        // Dovecot follows the grammar: nothing is recorded as a quirk.
        assert!(
            m.quirks.is_empty(),
            "message {}: {:?}",
            i + 1,
            m.quirks.names()
        );
        assert!(m.other.is_empty(), "left raw: {:?}", m.other);
        assert_eq!(m.seq as usize, i + 1);
        assert!(m.uid.is_some() && m.flags.is_some() && m.internal_date.is_some());
        assert!(m.rfc822_size.is_some() && m.modseq.is_some());
        let env = m.envelope.as_ref().expect("envelope");
        assert!(env.subject.is_some() && !env.from.is_empty());
        assert!(m.body_structure.is_some() && m.body.is_some());
        assert_eq!(m.sections.len(), 2);
        assert_eq!(m.sections[1].origin, Some(0));
        assert_eq!(m.binary_sizes.len(), 1);
    }

    let out = ok(s
        .fetch("1", "(RFC822.HEADER RFC822.TEXT RFC822 BINARY.PEEK[1])")
        .unwrap());
    let msgs = parse_fetch(&out.data);
    assert_eq!(msgs.len(), 1);
    assert!(msgs[0].invalid.is_none() && msgs[0].other.is_empty());
    assert!(msgs[0].quirks.is_empty(), "{:?}", msgs[0].quirks.names());
    let kinds: Vec<SectionKind> = msgs[0].sections.iter().map(|x| x.kind).collect();
    assert!(kinds.contains(&SectionKind::Rfc822Header) && kinds.contains(&SectionKind::Binary));

    // Untagged data that was not popped: the FETCH data of a STORE-less NOOP is empty.
    assert!(parse_fetch(&s.response("FETCH").data).is_empty());

    let out = ok(s.search(None, &["ALL"]).unwrap());
    let ids = pm::parse_search(&out.data).unwrap().ids;
    assert_eq!(ids, (1..=20).collect::<Vec<u32>>());
    let out = ok(s.uid("SEARCH", &["MODSEQ", "1"]).unwrap());
    let found = pm::parse_search(&out.data).unwrap();
    assert_eq!(found.ids.len(), 20);
    assert!(found.modseq.is_some());
    let out = ok(s.sort("SUBJECT", Some("UTF-8"), &["ALL"]).unwrap());
    let mut sorted = pm::parse_sort(&out.data).unwrap().ids;
    sorted.sort_unstable();
    assert_eq!(sorted, ids);
    for alg in ["REFERENCES", "ORDEREDSUBJECT", "REFS"] {
        let out = ok(s.thread(alg, Some("UTF-8"), &["ALL"]).unwrap());
        let th = pm::parse_thread(&out.data).unwrap();
        let mut seen: Vec<u32> = th.nodes.iter().filter_map(|n| n.id).collect();
        seen.sort_unstable();
        assert_eq!(seen, ids, "{alg}");
    }
    ok(s.search(None, &["RETURN", "(MIN MAX COUNT ALL)", "ALL"])
        .unwrap());
    let es = all_ok("ESEARCH", pm::parse_esearch(&s.response("ESEARCH").data));
    assert_eq!(es.len(), 1);
    assert_eq!(
        (es[0].min, es[0].max, es[0].count),
        (Some(1), Some(20), Some(20))
    );
    assert_eq!(es[0].all.as_ref().map(|a| a.count()), Some(20));
    assert!(es[0].tag.is_some() && es[0].other.is_empty());
    s.logout().unwrap();
}

#[test]
fn mailbox_data_parses() {
    let mut s = common::login("user2");
    let caps = pm::parse_capability(&ok(s.capability().unwrap()).data);
    assert!(pm::has_capability(&caps, "IMAP4rev1") && pm::has_capability(&caps, "METADATA"));

    let ns = all_ok(
        "NAMESPACE",
        pm::parse_namespace(&ok(s.namespace().unwrap()).data),
    );
    assert_eq!(ns.len(), 1);
    assert_eq!(ns[0].personal[0].prefix, b"");
    assert_eq!(ns[0].personal[0].delimiter, Some(b'/'));

    let id = all_ok(
        "ID",
        pm::parse_id(&ok(s.id(&[("name", Some("t"))]).unwrap()).data),
    );
    assert!(id[0].iter().any(|p| p.name.eq_ignore_ascii_case(b"name")));

    let qr = s.getquotaroot("INBOX").unwrap();
    let roots = all_ok("QUOTAROOT", pm::parse_quotaroot(&ok(qr.quotaroot).data));
    assert_eq!(roots[0].mailbox.name.as_deref(), Some("INBOX"));
    let quotas = all_ok("QUOTA", pm::parse_quota(&qr.quota.data));
    assert_eq!(quotas[0].root, roots[0].roots[0]);
    let root = String::from_utf8(quotas[0].root.clone()).unwrap();
    let quota = all_ok(
        "QUOTA",
        pm::parse_quota(&ok(s.getquota(&root).unwrap()).data),
    );
    assert!(quota[0].resources.iter().any(|r| r.name == b"STORAGE"));

    let acl = all_ok("ACL", pm::parse_acl(&ok(s.getacl("INBOX").unwrap()).data));
    assert!(!acl[0].entries.is_empty());
    let my = all_ok(
        "MYRIGHTS",
        pm::parse_myrights(&ok(s.myrights("INBOX").unwrap()).data),
    );
    assert!(my[0].rights.contains(&b'l'));
    let lr = pm::parse_listrights(&ok(s.listrights("INBOX", "user1").unwrap()).data);
    let lr = all_ok("LISTRIGHTS", lr);
    assert_eq!(lr[0].identifier, b"user1");

    // A mailbox with a UTF-8 name: sent in modified UTF-7, decoded back by every parser.
    let name = format!("{}-Entwürfe-日本語", common::unique_mailbox("parsed-rs"));
    let wire = imap::parsed::utf7::encode(&name);
    ok(s.create(&name).unwrap());
    let list = all_ok("LIST", pm::parse_list(&ok(s.list("", &name).unwrap()).data));
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].mailbox.raw, wire.as_bytes());
    assert_eq!(list[0].mailbox.name.as_deref(), Some(name.as_str()));
    ok(s.subscribe(&name).unwrap());
    let lsub = all_ok("LSUB", pm::parse_list(&ok(s.lsub("", &name).unwrap()).data));
    assert_eq!(lsub[0].mailbox.name.as_deref(), Some(name.as_str()));
    let all = all_ok("LIST", pm::parse_list(&ok(s.list("", "*").unwrap()).data));
    assert!(all.iter().all(|e| e.mailbox.name.is_some()));

    let msg = b"From: a@example.org\r\nSubject: =?UTF-8?Q?h=C3=A9?=\r\n\r\nbody\r\n";
    let out = ok(s
        .append(Some(&name), Some("(\\Seen $Label)"), None, msg)
        .unwrap());
    let ResponseCode::AppendUid { uidvalidity, uids } = code(&out) else {
        panic!("{out:?}")
    };
    assert_eq!(uids.count(), 1);

    let items = "(MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN HIGHESTMODSEQ SIZE)";
    let st = all_ok(
        "STATUS",
        pm::parse_status(&ok(s.status(&name, items).unwrap()).data),
    );
    assert_eq!(st[0].mailbox.name.as_deref(), Some(name.as_str()));
    assert_eq!((st[0].messages, st[0].unseen), (Some(1), Some(0)));
    assert_eq!(st[0].uidvalidity, Some(uidvalidity));
    assert!(st[0].highest_modseq.is_some() && st[0].size.is_some() && st[0].other.is_empty());

    ok(s.setmetadata(&name, &[("/private/comment", Some("hé"))])
        .unwrap());
    let md = s.getmetadata(&name, &["/private/comment", "/private/none"], None);
    let md = all_ok("METADATA", pm::parse_metadata(&ok(md.unwrap()).data));
    assert_eq!(md[0].mailbox.name.as_deref(), Some(name.as_str()));
    let values: Vec<Option<&[u8]>> = md[0].entries.iter().map(|e| e.value.as_deref()).collect();
    assert!(values.contains(&Some("hé".as_bytes())));

    ok(s.select(&name, false).unwrap());
    let summary = SelectSummary::from_store(s.untagged());
    assert_eq!((summary.exists, summary.read_only), (Some(1), Some(false)));
    assert!(summary.highest_modseq.is_some() || summary.no_modseq);
    let out = ok(s.fetch("1", "(FLAGS ENVELOPE BODYSTRUCTURE)").unwrap());
    let m = &parse_fetch(&out.data)[0];
    assert!(m.invalid.is_none() && m.other.is_empty());
    assert_eq!(
        m.envelope.as_ref().unwrap().subject_decoded().as_deref(),
        Some("hé")
    );
    // STORE's FETCH data parses too.
    let out = ok(s.store_flags("1", "+FLAGS", "(\\Flagged)").unwrap());
    let stored = parse_fetch(&out.data);
    assert!(stored[0]
        .flags
        .as_ref()
        .unwrap()
        .contains(&b"\\Flagged"[..].into()));

    let other = common::unique_mailbox("parsed-rs");
    ok(s.create(&other).unwrap());
    let out = ok(s.copy("1", &other).unwrap());
    assert!(matches!(code(&out), ResponseCode::CopyUid { source, .. } if source.count() == 1));
    let out = s.copy("1", &format!("{other}-missing")).unwrap();
    assert_eq!(code(&out), ResponseCode::TryCreate);
    ok(s.close_mailbox().unwrap());

    // Raw mode sends the name as given: the encoded form reaches the same mailbox.
    s.set_mailbox_encoding(MailboxEncoding::Raw);
    let list = all_ok("LIST", pm::parse_list(&ok(s.list("", &wire).unwrap()).data));
    assert_eq!(list[0].mailbox.name.as_deref(), Some(name.as_str()));
    ok(s.delete(&wire).unwrap());
    s.set_mailbox_encoding(MailboxEncoding::Utf7);
    ok(s.delete(&other).unwrap());
    s.logout().unwrap();
}
