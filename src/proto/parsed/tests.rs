//! Cross-module tests: Dovecot-shaped responses, real-server deviations, a malformed message
//! among many, and property tests (no panics; encoder/tokenizer round trip).

use super::fetch::*;
use super::mailbox::*;
use super::*;
use crate::proto::encode::{encode, Arg, Command, Piece};
use crate::proto::framer::LiteralData;
use proptest::prelude::*;
use std::borrow::Cow;

fn line(s: &[u8]) -> Item {
    Item::Line(s.to_vec())
}

fn lit(h: &[u8], b: &[u8]) -> Item {
    Item::Literal(h.to_vec(), LiteralData::Bytes(b.to_vec()))
}

const DOVECOT_BS: &[u8] = b"1 (UID 1 RFC822.SIZE 1418 FLAGS (\\Seen $Forwarded) INTERNALDATE \" 8-Feb-1994 05:52:25 +0100\" MODSEQ (4) BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"8bit\" 12 1 NIL NIL NIL NIL)(\"application\" \"octet-stream\" (\"name\" \"a.bin\") \"<id@x>\" \"desc\" \"base64\" 10 NIL (\"attachment\" (\"filename\" \"a.bin\")) (\"en\" \"de\") \"http://x/a\")(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 300 (\"Mon, 7 Feb 1994 21:52:25 -0800\" \"inner\" ((\"A\" NIL \"a\" \"x.org\")) NIL NIL NIL NIL NIL NIL \"<m@x>\") (\"text\" \"html\" NIL NIL NIL \"7bit\" 20 2) 12 NIL NIL NIL NIL) \"mixed\" (\"boundary\" \"b1\") NIL NIL NIL))";

#[test]
fn dovecot_bodystructure_and_simple_items() {
    let one = [line(DOVECOT_BS)];
    let msgs = parse_fetch(&one);
    assert_eq!(msgs.len(), 1);
    let m = &msgs[0];
    assert_eq!(m.invalid, None, "{:?}", m.invalid);
    assert_eq!(m.quirks, Quirks::NONE);
    assert_eq!(
        (m.seq, m.uid, m.rfc822_size, m.modseq),
        (1, Some(1), Some(1418), Some(4))
    );
    assert_eq!(
        m.flags,
        Some(vec![
            Cow::from(&b"\\Seen"[..]),
            Cow::from(&b"$Forwarded"[..])
        ])
    );
    let d = m.internal_date.unwrap();
    assert_eq!((d.utc_seconds, d.offset_seconds), (760_683_145, 3600));
    let b = m.body_structure.as_ref().unwrap();
    assert!(b.multipart);
    assert_eq!(&*b.subtype, b"mixed");
    assert_eq!(b.params[0].value.as_deref(), Some(&b"b1"[..]));
    assert_eq!(b.children.len(), 3);
    let t = &b.children[0];
    assert_eq!(
        (&*t.media_type, t.size, t.lines),
        (&b"text"[..], 12, Some(1))
    );
    let a = &b.children[1];
    assert_eq!(a.id.as_deref(), Some(&b"<id@x>"[..]));
    assert_eq!(&*a.disposition.as_ref().unwrap().kind, b"attachment");
    assert_eq!(a.language, vec![b"en".to_vec(), b"de".to_vec()]);
    assert_eq!(a.location.as_deref(), Some(&b"http://x/a"[..]));
    let r = &b.children[2];
    let inner = r.message.as_ref().unwrap();
    assert_eq!(inner.envelope.subject.as_deref(), Some(&b"inner"[..]));
    assert_eq!(&*inner.body.subtype, b"html");
    assert_eq!(r.lines, Some(12));
}

#[test]
fn sections_with_literals() {
    let items = vec![
        lit(
            b"1 (UID 1 RFC822.SIZE 1418 BODY[HEADER.FIELDS (SUBJECT)] {20}",
            b"Subject: hi\r\n\r\nxxxx",
        ),
        lit(b" BODY[1]<0> {5}", b"hello"),
        lit(b" BINARY[2] ~{3}", b"\x00\x01\x02"),
        line(b" BINARY.SIZE[2] 3 RFC822.HEADER NIL X-GM-LABELS (\\Inbox \"a b\"))"),
        lit(b"2 (RFC822 {2}", b"hi"),
        line(b")"),
    ];
    let msgs = parse_fetch(&items);
    assert_eq!(msgs.len(), 2);
    let m = &msgs[0];
    assert_eq!(m.invalid, None);
    assert_eq!(m.sections.len(), 4);
    let s = &m.sections[0];
    assert_eq!(s.text, SectionText::HeaderFields);
    assert_eq!(s.fields, vec![b"SUBJECT".to_vec()]);
    assert_eq!(
        s.data,
        SectionData::Bytes(Cow::from(&b"Subject: hi\r\n\r\nxxxx"[..]))
    );
    let s = &m.sections[1];
    assert_eq!(
        (s.part.clone(), s.origin, s.text),
        (vec![1], Some(0), SectionText::Full)
    );
    assert_eq!(m.sections[2].kind, SectionKind::Binary);
    assert_eq!(m.sections[3].kind, SectionKind::Rfc822Header);
    assert_eq!(m.sections[3].data, SectionData::Nil);
    assert_eq!(
        m.binary_sizes,
        vec![BinarySize {
            part: vec![2],
            size: 3
        }]
    );
    assert_eq!(&*m.other[0].name, b"X-GM-LABELS");
    assert_eq!(m.other[0].raw, b"(\\Inbox \"a b\")");
    assert_eq!(
        msgs[1].sections[0].data,
        SectionData::Bytes(Cow::from(&b"hi"[..]))
    );
    // A streamed literal keeps its size.
    let items = vec![
        Item::Literal(b"3 (BODY[] {9}".to_vec(), LiteralData::Streamed(9)),
        line(b")"),
    ];
    assert_eq!(
        parse_fetch(&items)[0].sections[0].data,
        SectionData::Streamed(9)
    );
}

#[test]
fn envelope_groups_and_encoded_words() {
    let r = b"5 (ENVELOPE (\"Mon, 7 Feb 1994\" \"=?UTF-8?B?R3LDvMOfZQ==?=\" ((\"=?ISO-8859-1?Q?J=F6rg?=\" NIL \"joerg\" \"example.com\")) NIL NIL ((NIL NIL \"undisclosed\" NIL)(NIL NIL \"a\" \"x\")(NIL NIL NIL NIL)(\"B\" \"@relay\" \"b\" \"y\")) () NIL NIL \"<id@x>\"))";
    let one = [line(r)];
    let m = &parse_fetch(&one)[0];
    assert_eq!(m.invalid, None);
    let e = m.envelope.as_ref().unwrap();
    assert_eq!(e.subject_decoded().unwrap(), "Grüße");
    let Address::Mailbox(f) = &e.from[0] else {
        panic!()
    };
    assert_eq!(rfc2047::decode(f.name.as_deref().unwrap()), "Jörg");
    assert_eq!(f.email(), b"joerg@example.com");
    assert!(e.sender.is_empty() && e.cc.is_empty());
    assert_eq!(e.to.len(), 2);
    let Address::Group(g) = &e.to[0] else {
        panic!()
    };
    assert_eq!(&*g.name, b"undisclosed");
    assert_eq!(g.members.len(), 1);
    let Address::Mailbox(b) = &e.to[1] else {
        panic!()
    };
    assert_eq!(b.adl.as_deref(), Some(&b"@relay"[..]));
    assert_eq!(e.message_id.as_deref(), Some(&b"<id@x>"[..]));
}

#[test]
fn real_server_deviations() {
    // 163.com: unescaped quotes in a parameter; lowercase names and nil; trailing spaces.
    let r = b"1 (uid 7 bodystructure (\"text\" \"plain\" (\"name\" \"a\"b.txt\") nil nil \"base64\" 10 1 nil nil nil nil)  )  ";
    let one = [line(r)];
    let m = &parse_fetch(&one)[0];
    assert_eq!(m.invalid, None, "{:?}", m.invalid);
    assert_eq!(m.quirks, Quirks::UNESCAPED_QUOTE | Quirks::EXTRA_SPACE);
    assert_eq!(m.uid, Some(7));
    assert_eq!(
        m.body_structure.as_ref().unwrap().params[0]
            .value
            .as_deref(),
        Some(&b"a\"b.txt"[..])
    );
    // An empty multipart (go-imap#701).
    let r = b"2 (BODYSTRUCTURE (\"mixed\" (\"boundary\" \"x\") NIL NIL NIL))";
    let one = [line(r)];
    let b = parse_fetch(&one)[0].body_structure.clone().unwrap();
    assert!(b.multipart && b.children.is_empty());
    assert_eq!(&*b.subtype, b"mixed");
    // Dovecot message/global (go-imap#704) and a NIL boundary (Mail.ru, imap-codec#700).
    let r = b"3 (BODYSTRUCTURE ((\"message\" \"global\" NIL NIL NIL \"8bit\" 100 (NIL \"s\" NIL NIL NIL NIL NIL NIL NIL NIL) (\"text\" \"plain\" NIL NIL NIL \"8bit\" 5 1) 4) \"mixed\" (\"boundary\" NIL)))";
    let one = [line(r)];
    let m = &parse_fetch(&one)[0];
    assert_eq!(m.invalid, None, "{:?}", m.invalid);
    assert_eq!(m.quirks, Quirks::NIL_FIELD);
    let b = m.body_structure.as_ref().unwrap();
    assert!(b.children[0].message.is_some());
    assert_eq!(b.params[0].value, None);
    // NIL where strings and numbers belong; a bare disposition string; a message/rfc822
    // without envelope.
    let r = b"4 (BODYSTRUCTURE (NIL NIL NIL NIL NIL NIL NIL NIL \"inline\") BODY (\"message\" \"rfc822\" NIL NIL NIL \"7bit\" \"12\"))";
    let one = [line(r)];
    let m = &parse_fetch(&one)[0];
    assert_eq!(m.invalid, None, "{:?}", m.invalid);
    assert_eq!(m.quirks, Quirks::NIL_FIELD | Quirks::QUOTED_NUMBER);
    let b = m.body_structure.as_ref().unwrap();
    assert_eq!(&*b.disposition.as_ref().unwrap().kind, b"inline");
    assert_eq!(m.body.as_ref().unwrap().size, 12);
    // Surgemail: FLAGS with a trailing space.
    assert_eq!(
        SelectSummary::from_lines(&[&b"* FLAGS (\\Seen \\Deleted )"[..]]).flags,
        Some(vec![b"\\Seen".to_vec(), b"\\Deleted".to_vec()])
    );
}

#[test]
fn one_malformed_message_among_a_thousand() {
    let mut items = Vec::new();
    for i in 1..=1000u32 {
        let bs = if i == 7 {
            "(\"text\" \"plain\" NIL NIL NIL \"7bit\" (oops) 1)".to_string()
        } else {
            "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 10 1)".to_string()
        };
        items.push(line(
            format!("{i} (UID {} BODYSTRUCTURE {bs} FLAGS (\\Seen))", i + 100).as_bytes(),
        ));
    }
    // Message 500 cannot even be tokenized.
    items[499] = line(b"500 (UID 600 FLAGS (\\Seen \"broken)");
    let msgs = parse_fetch(&items);
    assert_eq!(msgs.len(), 1000);
    let bad: Vec<u32> = msgs
        .iter()
        .filter(|m| m.invalid.is_some())
        .map(|m| m.seq)
        .collect();
    assert_eq!(bad, vec![7, 500]);
    let m7 = &msgs[6];
    assert_eq!(m7.uid, Some(107));
    assert_eq!(m7.flags, Some(vec![Cow::from(&b"\\Seen"[..])]));
    assert_eq!(&*m7.other[0].name, b"BODYSTRUCTURE");
    let inv = m7.invalid.as_ref().unwrap();
    assert!(
        inv.error.message.starts_with("BODYSTRUCTURE"),
        "{}",
        inv.error
    );
    assert_eq!(
        inv.raw,
        match &items[6] {
            Item::Line(l) => l.clone(),
            _ => unreachable!(),
        }
    );
    assert_eq!(msgs[499].uid, Some(600));
    assert_eq!(
        msgs[499].invalid.as_ref().unwrap().error.kind,
        ErrorKind::Syntax
    );
    assert!(msgs
        .iter()
        .filter(|m| m.invalid.is_none())
        .all(|m| m.body_structure.is_some()));
}

#[test]
fn deep_bodystructure_is_an_error_not_a_crash() {
    let mut r = b"1 (BODYSTRUCTURE ".to_vec();
    r.extend(std::iter::repeat_n(b'(', 200));
    r.extend_from_slice(b"\"text\" \"plain\" NIL NIL NIL \"7bit\" 1 1");
    r.extend(std::iter::repeat_n(b')', 200));
    r.extend_from_slice(b" \"mixed\")");
    let one = [line(&r)];
    let m = &parse_fetch(&one)[0];
    assert_eq!(m.invalid.as_ref().unwrap().error.kind, ErrorKind::Depth);
    // 60 levels of multipart are fine.
    let mut r = b"1 (BODYSTRUCTURE ".to_vec();
    r.extend(std::iter::repeat_n(b'(', 60));
    r.extend_from_slice(b"\"text\" \"plain\" NIL NIL NIL \"7bit\" 1 1)");
    r.extend(std::iter::repeat_n(&b" \"mixed\")"[..], 59).flatten());
    r.push(b')');
    let one = [line(&r)];
    let m = &parse_fetch(&one)[0];
    assert_eq!(m.invalid, None, "{:?}", m.invalid);
}

#[test]
fn select_summary_from_store_and_lines() {
    let mut store = crate::proto::store::UntaggedStore::new(1 << 20);
    store
        .push(
            "FLAGS",
            vec![line(b"(\\Answered \\Flagged \\Deleted \\Seen \\Draft)")],
        )
        .unwrap();
    store.push("EXISTS", vec![line(b"172")]).unwrap();
    store.push("RECENT", vec![line(b"1")]).unwrap();
    store.push("UNSEEN", vec![line(b"12")]).unwrap();
    store
        .push("UIDVALIDITY", vec![line(b"3857529045")])
        .unwrap();
    store.push("UIDNEXT", vec![line(b"4392")]).unwrap();
    store
        .push("PERMANENTFLAGS", vec![line(b"(\\Deleted \\Seen \\*)")])
        .unwrap();
    store
        .push("HIGHESTMODSEQ", vec![line(b"715194045007")])
        .unwrap();
    store.push("READ-WRITE", vec![line(b"")]).unwrap();
    let s = SelectSummary::from_store(&store);
    let want = SelectSummary {
        exists: Some(172),
        recent: Some(1),
        unseen: Some(12),
        uidvalidity: Some(3857529045),
        uidnext: Some(4392),
        flags: Some(
            ["\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft"]
                .map(|f| f.as_bytes().to_vec())
                .to_vec(),
        ),
        permanent_flags: Some(
            ["\\Deleted", "\\Seen", "\\*"]
                .map(|f| f.as_bytes().to_vec())
                .to_vec(),
        ),
        highest_modseq: Some(715194045007),
        no_modseq: false,
        read_only: Some(false),
        vanished: SeqSet::default(),
        invalid: vec![],
        ..SelectSummary::default()
    };
    assert_eq!(s, want);
    let lines: Vec<&[u8]> = vec![
        b"* 172 EXISTS\r\n",
        b"* 1 RECENT",
        b"* OK [UNSEEN 12] Message 12 is first unseen",
        b"* OK [UIDVALIDITY 3857529045] UIDs valid",
        b"* OK [UIDNEXT 4392] Predicted next UID",
        b"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)",
        b"* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited",
        b"* OK [HIGHESTMODSEQ 715194045007] Highest",
        b"A142 OK [READ-WRITE] SELECT completed",
    ];
    assert_eq!(SelectSummary::from_lines(&lines), want);
}

#[test]
fn status_list_and_friends() {
    let st = parse_status(&[line(
        b"\"Entw&APw-rfe\" (MESSAGES 231 UIDNEXT 44292 SIZE 123456789012 X-FOO 3)",
    )]);
    let st = st[0].as_ref().unwrap();
    assert_eq!(st.mailbox.name.as_deref(), Some("Entwürfe"));
    assert_eq!(
        (st.messages, st.uidnext, st.size),
        (Some(231), Some(44292), Some(123456789012))
    );
    assert_eq!(st.other, vec![("X-FOO".to_string(), 3)]);

    let l = parse_list(&[
        line(b"(\\HasNoChildren \\Sent) \"/\" \"Sent Items\""),
        line(b"(\\Noselect) NIL foo"),
        lit(b"() \"\\\\\" {5}", b"A b c"),
        line(b""),
        line(b"(\\HasChildren) \".\" \"&Jjo-!\" (\"CHILDINFO\" (\"SUBSCRIBED\"))"),
        line(b"(\\X) \"/\" \"bad&-name&AGE-\""),
    ]);
    assert_eq!(l.len(), 5);
    let e0 = l[0].as_ref().unwrap();
    assert_eq!(
        e0.attributes,
        vec![b"\\HasNoChildren".to_vec(), b"\\Sent".to_vec()]
    );
    assert_eq!(
        (e0.delimiter, e0.mailbox.name.as_deref()),
        (Some(b'/'), Some("Sent Items"))
    );
    assert_eq!(l[1].as_ref().unwrap().delimiter, None);
    let e2 = l[2].as_ref().unwrap();
    assert_eq!(
        (e2.delimiter, e2.mailbox.raw.as_slice()),
        (Some(b'\\'), &b"A b c"[..])
    );
    let e3 = l[3].as_ref().unwrap();
    assert_eq!(e3.mailbox.name.as_deref(), Some("☺!"));
    assert_eq!(
        e3.extended,
        vec![b"(\"CHILDINFO\" (\"SUBSCRIBED\"))".to_vec()]
    );
    let e4 = l[4].as_ref().unwrap();
    assert_eq!(
        (e4.mailbox.raw.as_slice(), e4.mailbox.name.as_deref()),
        (&b"bad&-name&AGE-"[..], None)
    );

    let s = parse_search(&[line(b"2 84 882"), line(b""), line(b"4 (MODSEQ 917162500)")]).unwrap();
    assert_eq!((s.ids, s.modseq), (vec![2, 84, 882, 4], Some(917162500)));
    assert!(parse_search(&[line(b"1 99999999999")]).is_err());
    assert_eq!(parse_search(&[Item::None]).unwrap().ids, Vec::<u32>::new());

    let e = parse_esearch(&[line(
        b"(TAG \"A285\") UID MIN 7 MAX 3800 COUNT 15 ALL 7:9,3800 PARTIAL (1:10 1,2)",
    )]);
    let e = e[0].as_ref().unwrap();
    assert_eq!(e.tag.as_deref(), Some(&b"A285"[..]));
    assert!(e.uid);
    assert_eq!((e.min, e.max, e.count), (Some(7), Some(3800), Some(15)));
    assert_eq!(
        e.all.as_ref().unwrap().expand_default(),
        Some(vec![7, 8, 9, 3800])
    );
    assert_eq!(&*e.other[0].name, b"PARTIAL");

    let th = parse_thread(&[line(b"(2)(3 6 (4 23)(44 7 96))((11)(12 13))")]).unwrap();
    let id = |i: usize| th.nodes[i].id;
    assert_eq!(
        th.roots.iter().map(|&r| id(r)).collect::<Vec<_>>(),
        vec![Some(2), Some(3), None]
    );
    let n6 = th.nodes.iter().position(|n| n.id == Some(6)).unwrap();
    assert_eq!(
        th.nodes[n6]
            .children
            .iter()
            .map(|&c| id(c))
            .collect::<Vec<_>>(),
        vec![Some(4), Some(44)]
    );
    let dummy = th.roots[2];
    assert_eq!(th.nodes[dummy].children.len(), 2);
    // A long reply chain is flat, not deep.
    let chain: Vec<u8> = [
        b"(".to_vec(),
        (1..=100_000)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(" ")
            .into_bytes(),
        b")".to_vec(),
    ]
    .concat();
    assert_eq!(parse_thread(&[line(&chain)]).unwrap().nodes.len(), 100_000);

    let ns = parse_namespace(&[line(
        b"((\"\" \"/\")) NIL ((\"#shared/\" \"/\" \"X-PARAM\" (\"a\")))",
    )]);
    let ns = ns[0].as_ref().unwrap();
    assert_eq!(
        (ns.personal.len(), ns.other.len(), ns.shared.len()),
        (1, 0, 1)
    );
    assert_eq!(ns.shared[0].prefix, b"#shared/");
    assert_eq!(ns.shared[0].extensions.len(), 2);

    let q = parse_quota(&[line(b"\"\" (STORAGE 10 512 MESSAGE 3 1000)")]);
    assert_eq!(
        q[0].as_ref().unwrap().resources[1],
        QuotaResource {
            name: b"MESSAGE".to_vec(),
            usage: 3,
            limit: 1000
        }
    );
    let qr = parse_quotaroot(&[line(b"INBOX \"\" user")]);
    assert_eq!(
        qr[0].as_ref().unwrap().roots,
        vec![b"".to_vec(), b"user".to_vec()]
    );
    let acl = parse_acl(&[line(b"INBOX Fred rwipslxetad \"-Bob\" lr")]);
    assert_eq!(acl[0].as_ref().unwrap().entries.len(), 2);
    let mr = parse_myrights(&[line(b"INBOX rwiptsldaex")]);
    assert_eq!(mr[0].as_ref().unwrap().rights, b"rwiptsldaex");
    let lr = parse_listrights(&[line(b"~/Mail/saved smith la r swicdkxte")]);
    let lr = lr[0].as_ref().unwrap();
    assert_eq!(
        (
            lr.mailbox.raw.as_slice(),
            lr.required.as_slice(),
            lr.optional.len()
        ),
        (&b"~/Mail/saved"[..], &b"la"[..], 2)
    );
    let md = parse_metadata(&[
        lit(b"INBOX (/shared/comment {5}", b"a\r\nb!"),
        line(b" /private/x NIL)"),
        line(b"\"\" /shared/admin /shared/comment"),
    ]);
    let m0 = md[0].as_ref().unwrap();
    assert_eq!(m0.entries[0].value.as_deref(), Some(&b"a\r\nb!"[..]));
    assert_eq!(m0.entries[1].value, None);
    assert_eq!(md[1].as_ref().unwrap().entries.len(), 2);
    let caps = parse_capability(&[line(b"IMAP4rev1 AUTH=PLAIN IDLE UIDPLUS")]);
    assert!(has_capability(&caps, "idle"));
    let id = parse_id(&[line(b"(\"name\" \"Dovecot\" \"version\" NIL)")]);
    assert_eq!(id[0].as_ref().unwrap()[1].value, None);
}

#[test]
fn responses_split_at_lines() {
    let items = vec![lit(b"a {1}", b"x"), line(b")"), Item::None, line(b"b")];
    let r: Vec<&[Item]> = responses(&items).collect();
    assert_eq!(r.len(), 2);
    assert_eq!(raw_bytes(r[0]), b"a {1}\r\nx)");
}

// ---- property tests ----

fn arb_item() -> impl Strategy<Value = Item> {
    let bytes = prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(b" ()\"\\{}[]<>~*%0123456789NILnilBODYHEADER.FIELDS".to_vec()),
            1 => any::<u8>(),
        ],
        0..60,
    );
    prop_oneof![
        bytes.clone().prop_map(Item::Line),
        (bytes.clone(), bytes).prop_map(|(h, b)| Item::Literal(h, LiteralData::Bytes(b))),
        any::<u64>().prop_map(|n| Item::Literal(b"x {1}".to_vec(), LiteralData::Streamed(n))),
        Just(Item::None),
    ]
}

fn fetch_like() -> impl Strategy<Value = Vec<u8>> {
    let tok = prop::sample::select(vec![
        &b"1 ("[..],
        b"UID",
        b" 12",
        b"FLAGS (\\Seen)",
        b"BODYSTRUCTURE",
        b"ENVELOPE",
        b"(",
        b")",
        b"\"text\"",
        b"\"plain\"",
        b"NIL",
        b" ",
        b"BODY[1.HEADER]<0>",
        b"\"",
        b"\\",
        b"99999999999999999999999",
        b"MODSEQ (3)",
        b"INTERNALDATE \"01-Jan-2000 00:00:00 +0000\"",
        b"{3}",
        b"RFC822.SIZE",
        b"BINARY.SIZE[1]",
    ]);
    prop::collection::vec(tok, 0..40).prop_map(|v| v.concat())
}

fn every_parser(items: &[Item]) {
    let _ = parse_fetch(items);
    let _ = parse_status(items);
    let _ = parse_list(items);
    let _ = parse_search(items);
    let _ = parse_esearch(items);
    let _ = parse_thread(items);
    let _ = parse_namespace(items);
    let _ = parse_quota(items);
    let _ = parse_quotaroot(items);
    let _ = parse_acl(items);
    let _ = parse_myrights(items);
    let _ = parse_listrights(items);
    let _ = parse_metadata(items);
    let _ = parse_capability(items);
    let _ = parse_id(items);
    let _ = SelectSummary::from_lookup(|_| Some(items));
    let _ = raw_bytes(items);
}

/// Every value of `items` as the tree reader sees it: IMAP syntax, the text and number views
/// and the list length; the first error ends the list.
#[allow(clippy::type_complexity)]
fn values_by_tree(items: &[Item]) -> (Vec<Result<(Vec<u8>, String, String), ParseError>>, Quirks) {
    let mut t = token::Tokenizer::new(items);
    let mut out = Vec::new();
    loop {
        match t.read_value() {
            Ok(None) => return (out, t.quirks()),
            Ok(Some(v)) => out.push(Ok((
                v.to_imap(),
                format!("{} {:?} {:?}", v.describe(), v.nstring(), v.u64()),
                format!("{:?} {:?}", v.list().map(|l| l.len()), v.text()),
            ))),
            Err(e) => {
                out.push(Err(e));
                return (out, t.quirks());
            }
        }
    }
}

/// The same (and the quirks seen) through the flat buffer the FETCH parser reads with.
#[allow(clippy::type_complexity)]
fn values_by_flat(items: &[Item]) -> (Vec<Result<(Vec<u8>, String, String), ParseError>>, Quirks) {
    let mut t = token::Tokenizer::new(items);
    let mut flat = token::Flat::new();
    let mut out = Vec::new();
    loop {
        let first = match t.next_checked() {
            Ok(None) => return (out, t.quirks()),
            Ok(Some(tok)) => tok,
            Err(e) => {
                out.push(Err(e));
                return (out, t.quirks());
            }
        };
        match flat.read(&mut t, first) {
            Ok(v) => out.push(Ok((
                v.to_imap(),
                format!(
                    "{} {:?} {:?}",
                    v.describe(),
                    v.nstring().map(|s| s.map(|s| s.into_owned())),
                    v.u64()
                ),
                format!("{:?} {:?}", v.list().map(|l| l.len()), v.text()),
            ))),
            Err(e) => {
                out.push(Err(e));
                return (out, t.quirks());
            }
        }
    }
}

#[test]
fn flat_values_are_the_tree_values() {
    for b in [
        &b"1 (UID 7 FLAGS (\\Seen) X ((a \"b c\") NIL () (((1))) \"q\\\"x\") Y)"[..],
        b"((\"a\" NIL) (\"b\" (\"c\" \"d\")) \"alternative\") nil 42 \"\" ()",
        b"(a",
        b") x",
        b"(a \"b)",
        b"99999999999999999999999",
    ] {
        assert_eq!(
            values_by_flat(&[line(b)]),
            values_by_tree(&[line(b)]),
            "{b:?}"
        );
    }
    let items = [
        lit(b"1 (BODY[] {5}", b"he\r\nlo"),
        Item::Literal(b" X (a ~{3}".to_vec(), LiteralData::Streamed(3)),
        line(b"))"),
    ];
    assert_eq!(values_by_flat(&items), values_by_tree(&items));
    let deep = [vec![b'('; 64], vec![b')'; 64]].concat();
    assert_eq!(
        values_by_flat(&[line(&deep)]),
        values_by_tree(&[line(&deep)])
    );
    let deeper = [vec![b'('; 65], vec![b')'; 65]].concat();
    let got = values_by_flat(&[line(&deeper)]);
    assert_eq!(got, values_by_tree(&[line(&deeper)]));
    assert_eq!(got.0[0].as_ref().unwrap_err().kind, ErrorKind::Depth);
    // Whitespace the grammar does not have is recorded the same way.
    for b in [
        &b" (a b)"[..],
        b"(a  b)",
        b"( a b)",
        b"(a b )",
        b"(a\tb)",
        b"(a b) ",
        b"(a \"x\"y\" b)",
    ] {
        let got = values_by_flat(&[line(b)]);
        assert_eq!(got, values_by_tree(&[line(b)]), "{b:?}");
        assert!(!got.1.is_empty(), "{b:?}");
    }
    let plain = values_by_flat(&[line(b"(a \"b\" (1 NIL) c)")]);
    assert_eq!(plain, values_by_tree(&[line(b"(a \"b\" (1 NIL) c)")]));
    assert!(plain.1.is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn flat_values_match_the_tree_on_any_items(items in prop::collection::vec(arb_item(), 0..6)) {
        prop_assert_eq!(values_by_flat(&items), values_by_tree(&items));
    }

    #[test]
    fn flat_values_match_the_tree_on_fetch_shapes(a in fetch_like(), b in fetch_like(), body in prop::collection::vec(any::<u8>(), 0..8)) {
        let items = [Item::Literal(a.clone(), LiteralData::Bytes(body)), Item::Line(b.clone())];
        prop_assert_eq!(values_by_flat(&items), values_by_tree(&items));
        let items = [Item::Line([a, b].concat())];
        prop_assert_eq!(values_by_flat(&items), values_by_tree(&items));
    }

    #[test]
    fn arbitrary_items_never_panic(items in prop::collection::vec(arb_item(), 0..6)) {
        every_parser(&items);
    }

    #[test]
    fn fetch_shaped_bytes_never_panic(a in fetch_like(), b in fetch_like(), body in prop::collection::vec(any::<u8>(), 0..8)) {
        every_parser(&[Item::Literal(a.clone(), LiteralData::Bytes(body)), Item::Line(b.clone())]);
        every_parser(&[Item::Line([a, b].concat())]);
    }

    #[test]
    fn arbitrary_bytes_never_panic(b in prop::collection::vec(any::<u8>(), 0..200)) {
        every_parser(&[Item::Line(b.clone())]);
        let _ = utf7::decode(&b);
        let _ = rfc2047::decode(&b);
        let _ = codes::ResponseCode::from_text(&b);
        let _ = codes::SeqSet::parse(&b);
    }

    #[test]
    fn utf7_round_trip(s in "\\PC*") {
        let enc = utf7::encode(&s);
        prop_assert!(enc.is_ascii());
        prop_assert_eq!(utf7::decode(enc.as_bytes()).unwrap(), s);
    }

    #[test]
    fn encoded_commands_tokenize_back_to_their_args(
        args in prop::collection::vec(
            (0u8..4, prop::collection::vec(prop_oneof![
                6 => prop::sample::select(b"aZ09 ()\"\\{}[]%*~&.-".to_vec()),
                1 => (1u8..=255).prop_filter("no CR/LF", |b| *b != b'\r' && *b != b'\n'),
            ], 0..12)),
            0..6,
        )
    ) {
        let args: Vec<(u8, Vec<u8>)> = args
            .into_iter()
            // imaplib passes a string that already looks quoted through unchanged.
            .filter(|(_, x)| !(x.len() >= 2 && x[0] == b'"' && x[x.len() - 1] == b'"'))
            .collect();
        let cmd = Command::new(
            "X",
            args.iter()
                .map(|(k, x)| match k {
                    0 => Arg::Astring(x.clone()),
                    1 => Arg::Quoted(x.clone()),
                    2 => Arg::ListMailbox(x.clone()),
                    _ => Arg::Literal(x.clone()),
                })
                .collect(),
        );
        let enc = encode(b"T1", &cmd).unwrap();
        // The wire pieces as the engine would deliver them: lines without CRLF, each paired
        // with the literal that follows it.
        let mut items = Vec::new();
        let mut pieces = enc.pieces.into_iter().peekable();
        while let Some(p) = pieces.next() {
            let Piece::Line(mut l) = p else { unreachable!() };
            l.truncate(l.len() - 2);
            match pieces.peek() {
                Some(Piece::Literal(_)) => {
                    let Some(Piece::Literal(b)) = pieces.next() else { unreachable!() };
                    items.push(Item::Literal(l, LiteralData::Bytes(b)));
                }
                _ => items.push(Item::Line(l)),
            }
        }
        let mut t = token::Tokenizer::new(&items);
        prop_assert_eq!(t.next_token().unwrap(), Some(Token::Atom(b"T1")));
        prop_assert_eq!(t.next_token().unwrap(), Some(Token::Atom(b"X")));
        for (_, x) in &args {
            let tok = t.next_token().unwrap().expect("a token per argument");
            match tok {
                Token::Atom(a) => prop_assert_eq!(a, x.as_slice()),
                Token::Quoted(q) => prop_assert_eq!(q.as_ref(), x.as_slice()),
                Token::Literal(l) => prop_assert_eq!(l, x.as_slice()),
                Token::Nil => prop_assert!(x.eq_ignore_ascii_case(b"NIL")),
                Token::Number(n) => prop_assert_eq!(Some(n), token::parse_u64(x)),
                other => prop_assert!(false, "unexpected {:?} for {:?}", other, x),
            }
        }
        prop_assert_eq!(t.next_token().unwrap(), None);
    }
}

#[test]
fn sets_as_a_client_sends_them() {
    let s = SeqSet::parse_sent(b"1:3,7,10:*").unwrap();
    assert!(s.contains(2) && s.contains(7) && s.contains(4_000_000_000));
    assert!(!s.contains(5) && !s.contains(9));
    assert!(SeqSet::parse_sent(b"$").is_none());
    assert_eq!(
        SeqSet::parse_sent(b"5:2").unwrap().ranges,
        [SeqRange { start: 2, end: 5 }]
    );
    // A set read from a server never has `*`.
    assert!(SeqSet::parse(b"1:*").is_err());
}
