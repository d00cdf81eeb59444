//! IMAP4rev2 (RFC 9051) and the extensions it folds in, as a server sends them: ESEARCH as the
//! answer to SEARCH, LIST attributes (SPECIAL-USE, `\NonExistent`, `\Subscribed`, CHILDINFO),
//! LIST-STATUS, OBJECTID (EMAILID, THREADID, MAILBOXID) and STATUS=SIZE, with hostile values.

use super::codes::{objectid, parenthesized_objectid};
use super::fetch::parse_fetch;
use super::mailbox::*;
use super::*;

fn line(s: &[u8]) -> Item {
    Item::Line(s.to_vec())
}

#[test]
fn search_reads_esearch_all_as_numbers() {
    // What an IMAP4rev2 server answers `SEARCH` and `UID SEARCH` with (RFC 9051 §7.3.4).
    let r = parse_search(&[line(b"(TAG \"A283\") ALL 2,10:11")]).unwrap();
    assert_eq!(r.ids, [2, 10, 11]);
    let r = parse_search(&[line(b"(TAG \"A284\") UID ALL 4:5 MODSEQ 917162500")]).unwrap();
    assert_eq!((r.ids, r.modseq), (vec![4, 5], Some(917162500)));
    // Nothing matched: no ALL.
    assert_eq!(
        parse_search(&[line(b"(TAG \"A285\") UID")]).unwrap(),
        SearchResult::default()
    );
    // SEARCH numbers still read as before.
    assert_eq!(parse_search(&[line(b"2 3 5")]).unwrap().ids, [2, 3, 5]);
    // A hostile ALL is refused, not expanded into the heap; garbage is an error.
    let e = parse_search(&[line(b"(TAG \"A1\") ALL 1:4294967295")]).unwrap_err();
    assert!(e.error.message.contains("4294967295"), "{}", e.error);
    assert!(parse_search(&[line(b"(TAG \"A1\") ALL 0:3")]).is_err());
    assert!(parse_search(&[line(b"(TAG \"A1\") ALL")]).is_err());
}

#[test]
fn list_attributes_are_typed() {
    let items = [
        line(b"(\\HasNoChildren \\Sent) \"/\" Sent"),
        line(b"(\\NonExistent \\Subscribed) \"/\" Gone"),
        line(b"(\\All \\Archive \\Drafts \\Flagged \\Junk \\Sent \\Trash \\Important) \"/\" Every"),
        line(
            b"(\\noselect \\HASCHILDREN \\X-Custom) \"/\" Parent (\"CHILDINFO\" (\"SUBSCRIBED\"))",
        ),
        line(b"() \"/\" Plain"),
    ];
    let l: Vec<ListEntry> = parse_list(&items).into_iter().map(Result::unwrap).collect();
    assert_eq!(l[0].attrs.0, ListAttrs::HASNOCHILDREN | ListAttrs::SENT);
    assert!(l[1]
        .attrs
        .has(ListAttrs::NONEXISTENT | ListAttrs::NOSELECT | ListAttrs::SUBSCRIBED));
    assert_eq!(l[2].attrs.0, ListAttrs::SPECIAL_USE);
    assert_eq!(
        l[3].attrs.0,
        ListAttrs::NOSELECT | ListAttrs::HASCHILDREN | ListAttrs::CHILD_SUBSCRIBED
    );
    assert_eq!(l[3].attributes.len(), 3, "unknown attributes stay listed");
    assert_eq!(l[4].attrs.0, 0);
}

#[test]
fn list_status_joins_by_mailbox() {
    let mut l = parse_list(&[
        line(b"(\\HasNoChildren) \".\" INBOX"),
        line(b"(\\Noselect) \".\" foo"),
        line(b"() \".\" \"foo.bar\""),
    ]);
    let st: Vec<MailboxStatus> = parse_status(&[
        line(b"INBOX (MESSAGES 17 UNSEEN 16 SIZE 3043)"),
        line(b"\"foo.bar\" (MESSAGES 2)"),
        line(b"other (MESSAGES 1)"),
    ])
    .into_iter()
    .map(Result::unwrap)
    .collect();
    let left = join_status(&mut l, st);
    let l: Vec<ListEntry> = l.into_iter().map(Result::unwrap).collect();
    let inbox = l[0].status.as_ref().unwrap();
    assert_eq!(
        (inbox.messages, inbox.unseen, inbox.size),
        (Some(17), Some(16), Some(3043))
    );
    assert_eq!(l[1].status, None);
    assert_eq!(l[2].status.as_ref().unwrap().messages, Some(2));
    assert_eq!(left, [2], "the STATUS of a mailbox that was not listed");
}

#[test]
fn objectids_and_size_with_hostile_values() {
    assert_eq!(objectid(b"M6d99ac3275bb4e").unwrap(), b"M6d99ac3275bb4e");
    assert_eq!(objectid(&[b'a'; 255]).unwrap().len(), 255);
    for bad in [&b""[..], b"a b", b"a\"b", b"caf\xc3\xa9", &[b'a'; 256]] {
        assert!(objectid(bad).is_err(), "{bad:?}");
    }
    assert!(parenthesized_objectid(b"F2212ea87").is_err());

    // STATUS MAILBOXID and SIZE (RFC 8474, RFC 8438).
    let s = parse_status(&[line(
        b"foo (MAILBOXID (F2212ea87-6097) SIZE 9223372036854775807)",
    )]);
    let s = s[0].as_ref().unwrap();
    assert_eq!(s.mailbox_id.as_deref(), Some(&b"F2212ea87-6097"[..]));
    assert_eq!(s.size, Some(i64::MAX as u64));
    for hostile in [
        &b"foo (SIZE 9223372036854775808)"[..],
        b"foo (SIZE 99999999999999999999999)",
        b"foo (SIZE -1)",
        b"foo (MAILBOXID (bad/id))",
        b"foo (MAILBOXID F1)",
        b"foo (MAILBOXID (a b))",
    ] {
        let r = parse_status(&[line(hostile)]);
        assert!(r[0].is_err(), "{}", String::from_utf8_lossy(hostile));
    }

    // SELECT's [MAILBOXID (id)]; a garbage one is listed as invalid, never kept.
    let sum =
        SelectSummary::from_lines(&[&b"* OK [MAILBOXID (F2212ea87-6097)] Ok"[..], b"* 3 EXISTS"]);
    assert_eq!(sum.mailbox_id.as_deref(), Some(&b"F2212ea87-6097"[..]));
    assert_eq!((sum.exists, sum.recent), (Some(3), None));
    let sum = SelectSummary::from_lines(&[&b"* OK [MAILBOXID (\\x)] Ok"[..]]);
    assert_eq!(sum.mailbox_id, None);
    assert_eq!(sum.invalid.len(), 1);
    assert_eq!(
        ResponseCode::from_text(b"[MAILBOXID (abc)] Completed"),
        Some(ResponseCode::MailboxId(b"abc".to_vec()))
    );

    // FETCH EMAILID and THREADID.
    let items = [line(
        b"1 (UID 7 EMAILID (M6d99ac3275bb4e) THREADID (T64b478a75b7ea9))",
    )];
    let m = parse_fetch(&items);
    assert_eq!(m[0].invalid, None);
    assert_eq!(m[0].email_id.as_deref(), Some(&b"M6d99ac3275bb4e"[..]));
    assert_eq!(m[0].thread_id, Some(Some(b"T64b478a75b7ea9".to_vec())));
    let items = [line(b"2 (THREADID NIL)")];
    let m = parse_fetch(&items);
    assert_eq!(m[0].thread_id, Some(None));
    let items = [line(b"3 (EMAILID (b@d) UID 9)")];
    let m = parse_fetch(&items);
    assert!(m[0].invalid.is_some());
    assert_eq!((m[0].email_id.as_ref(), m[0].uid), (None, Some(9)));
    assert_eq!(m[0].other[0].name.as_ref(), b"EMAILID");
}

#[test]
fn joining_many_statuses_to_many_entries_is_not_quadratic() {
    // A hostile LIST-STATUS answer: 100,000 entries and 100,000 STATUS responses, none for a
    // listed name (a few MiB, well within the untagged limit). Matching each STATUS against
    // every entry is 10^10 comparisons: minutes of CPU in a call with no deadline.
    let n = 100_000;
    let mut l: Vec<_> = parse_list(
        &(0..n)
            .map(|i| line(format!("() \"/\" m{i}").as_bytes()))
            .collect::<Vec<_>>(),
    );
    let st = parse_status(
        &(0..n)
            .map(|i| line(format!("s{i} (MESSAGES {i})").as_bytes()))
            .chain([line(b"m7 (MESSAGES 1)"), line(b"m7 (MESSAGES 2)")])
            .collect::<Vec<_>>(),
    )
    .into_iter()
    .map(Result::unwrap)
    .collect();
    let start = std::time::Instant::now();
    let left = join_status(&mut l, st);
    assert!(
        start.elapsed() < std::time::Duration::from_secs(5),
        "join_status took {:?}",
        start.elapsed()
    );
    // The unlisted ones are left in order; of two for one name, the first joins and the
    // second is left.
    assert_eq!(left.len(), n + 1);
    assert!(left[..n].iter().enumerate().all(|(i, &p)| p == i));
    assert_eq!(left[n], n + 1);
    assert_eq!(
        l[7].as_ref().unwrap().status.as_ref().unwrap().messages,
        Some(1)
    );
}
