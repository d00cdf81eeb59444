//! Numbers in parsed results follow their grammar (RFC 3501, RFC 9051, RFC 4315, RFC 4731,
//! RFC 5256, RFC 7162, RFC 9208): every numbered field, fed 0, its maximum, maximum + 1, a
//! negative number, a leading '+' and a huge run of digits. A value in range is read; a value
//! out of range marks the item invalid with its raw bytes. Never is it silently dropped,
//! defaulted or wrapped.

use imap::parsed::codes::ResponseCode;
use imap::parsed::fetch::parse_fetch;
use imap::parsed::mailbox::{
    parse_esearch, parse_quota, parse_search, parse_status, parse_thread, SelectSummary,
};
use imap::Item;

/// The grammar of a field: its smallest and largest value.
#[derive(Clone, Copy, Debug)]
enum Grammar {
    /// `number`: 0..2^32-1.
    Number,
    /// `nz-number`: 1..2^32-1.
    NzNumber,
    /// `number64`: 0..2^63-1.
    Number64,
    /// `mod-sequence-value`: 1..2^63-1.
    ModSeq,
    /// `mod-sequence-valzer`: 0..2^63-1.
    ModSeqZero,
}

impl Grammar {
    fn range(self) -> (u64, u64) {
        const MAX63: u64 = (1 << 63) - 1;
        match self {
            Grammar::Number => (0, u32::MAX.into()),
            Grammar::NzNumber => (1, u32::MAX.into()),
            Grammar::Number64 => (0, MAX63),
            Grammar::ModSeq => (1, MAX63),
            Grammar::ModSeqZero => (0, MAX63),
        }
    }
}

/// What a parser made of one field.
#[derive(Debug, PartialEq)]
enum Got {
    /// Read, with this value.
    Value(u64),
    /// Marked invalid; these are the raw bytes kept with the mark.
    Invalid(Vec<u8>),
    /// Neither: the value vanished.
    Missing,
}

fn line(s: &str) -> Vec<Item> {
    vec![Item::Line(s.as_bytes().to_vec())]
}

fn fetch(data: String, get: impl Fn(&imap::parsed::FetchMessage) -> Option<u64>) -> Got {
    let items = line(&data);
    let msgs = parse_fetch(&items);
    assert_eq!(msgs.len(), 1, "{data}");
    let m = &msgs[0];
    match (&m.invalid, get(m)) {
        (Some(i), _) => Got::Invalid(i.raw.clone()),
        (None, Some(v)) => Got::Value(v),
        (None, None) => Got::Missing,
    }
}

fn code(text: String, get: impl Fn(&ResponseCode) -> Option<u64>) -> Got {
    match ResponseCode::from_text(text.as_bytes()) {
        Some(ResponseCode::Invalid { data, .. }) => Got::Invalid(data.unwrap_or_default()),
        Some(c) => get(&c).map_or(Got::Missing, Got::Value),
        None => Got::Missing,
    }
}

fn summary(lines: &[String], get: impl Fn(&SelectSummary) -> Option<u64>) -> Got {
    let s = SelectSummary::from_lines(lines);
    match (s.invalid.first(), get(&s)) {
        (Some(i), _) => Got::Invalid(i.raw.clone()),
        (None, Some(v)) => Got::Value(v),
        (None, None) => Got::Missing,
    }
}

fn lookup(name: &str, data: String, get: impl Fn(&SelectSummary) -> Option<u64>) -> Got {
    let items = line(&data);
    let s = SelectSummary::from_lookup(|n| (n == name).then_some(items.as_slice()));
    match (s.invalid.first(), get(&s)) {
        (Some(i), _) => Got::Invalid(i.raw.clone()),
        (None, Some(v)) => Got::Value(v),
        (None, None) => Got::Missing,
    }
}

fn per_response<T>(
    r: Vec<Result<T, imap::parsed::Invalid>>,
    get: impl Fn(&T) -> Option<u64>,
) -> Got {
    assert_eq!(r.len(), 1);
    match &r[0] {
        Err(i) => Got::Invalid(i.raw.clone()),
        Ok(t) => get(t).map_or(Got::Missing, Got::Value),
    }
}

fn one<T>(r: Result<T, imap::parsed::Invalid>, get: impl Fn(&T) -> Option<u64>) -> Got {
    per_response(vec![r], get)
}

type Field = (&'static str, Grammar, Box<dyn Fn(&str) -> Got>);

fn fields() -> Vec<Field> {
    use Grammar::*;
    vec![
        // FETCH
        (
            "FETCH message number",
            NzNumber,
            Box::new(|n| fetch(format!("{n} (FLAGS ())"), |m| Some(m.seq.into()))),
        ),
        (
            "FETCH UID",
            NzNumber,
            Box::new(|n| fetch(format!("1 (UID {n})"), |m| m.uid.map(u64::from))),
        ),
        (
            "FETCH MODSEQ",
            ModSeq,
            Box::new(|n| fetch(format!("1 (MODSEQ ({n}))"), |m| m.modseq)),
        ),
        (
            "FETCH RFC822.SIZE",
            Number64,
            Box::new(|n| fetch(format!("1 (RFC822.SIZE {n})"), |m| m.rfc822_size)),
        ),
        (
            "FETCH BODY[] origin",
            Number,
            Box::new(|n| {
                fetch(format!("1 (BODY[]<{n}> \"x\")"), |m| {
                    m.sections.first().and_then(|s| s.origin).map(u64::from)
                })
            }),
        ),
        (
            "FETCH BODY[part]",
            NzNumber,
            Box::new(|n| {
                fetch(format!("1 (BODY[{n}] \"x\")"), |m| {
                    m.sections
                        .first()
                        .and_then(|s| s.part.first().copied())
                        .map(u64::from)
                })
            }),
        ),
        (
            "FETCH BINARY.SIZE",
            Number64,
            Box::new(|n| {
                fetch(format!("1 (BINARY.SIZE[1] {n})"), |m| {
                    m.binary_sizes.first().map(|b| b.size)
                })
            }),
        ),
        (
            "BODYSTRUCTURE size",
            Number64,
            Box::new(|n| {
                fetch(
                    format!("1 (BODYSTRUCTURE (\"text\" \"plain\" NIL NIL NIL \"7bit\" {n} 1))"),
                    |m| m.body_structure.as_ref().map(|b| b.size),
                )
            }),
        ),
        (
            "BODYSTRUCTURE lines",
            Number64,
            Box::new(|n| {
                fetch(
                    format!("1 (BODYSTRUCTURE (\"text\" \"plain\" NIL NIL NIL \"7bit\" 5 {n}))"),
                    |m| m.body_structure.as_ref().and_then(|b| b.lines),
                )
            }),
        ),
        // response codes
        (
            "[UIDNEXT]",
            NzNumber,
            Box::new(|n| {
                code(format!("[UIDNEXT {n}] x"), |c| match c {
                    ResponseCode::UidNext(v) => Some((*v).into()),
                    _ => None,
                })
            }),
        ),
        (
            "[UIDVALIDITY]",
            NzNumber,
            Box::new(|n| {
                code(format!("[UIDVALIDITY {n}] x"), |c| match c {
                    ResponseCode::UidValidity(v) => Some((*v).into()),
                    _ => None,
                })
            }),
        ),
        (
            "[UNSEEN]",
            NzNumber,
            Box::new(|n| {
                code(format!("[UNSEEN {n}] x"), |c| match c {
                    ResponseCode::Unseen(v) => Some((*v).into()),
                    _ => None,
                })
            }),
        ),
        (
            "[HIGHESTMODSEQ]",
            ModSeq,
            Box::new(|n| {
                code(format!("[HIGHESTMODSEQ {n}] x"), |c| match c {
                    ResponseCode::HighestModSeq(v) => Some(*v),
                    _ => None,
                })
            }),
        ),
        (
            "[APPENDUID] uidvalidity",
            NzNumber,
            Box::new(|n| {
                code(format!("[APPENDUID {n} 7] x"), |c| match c {
                    ResponseCode::AppendUid { uidvalidity, .. } => Some((*uidvalidity).into()),
                    _ => None,
                })
            }),
        ),
        (
            "[APPENDUID] uid",
            NzNumber,
            Box::new(|n| {
                code(format!("[APPENDUID 7 {n}] x"), |c| match c {
                    ResponseCode::AppendUid { uids, .. } => Some(uids.ranges[0].start.into()),
                    _ => None,
                })
            }),
        ),
        (
            "[APPENDUID] uid range end",
            NzNumber,
            Box::new(|n| {
                code(format!("[APPENDUID 7 1:{n}] x"), |c| match c {
                    ResponseCode::AppendUid { uids, .. } => Some(uids.ranges[0].end.into()),
                    _ => None,
                })
            }),
        ),
        (
            "[COPYUID] uidvalidity",
            NzNumber,
            Box::new(|n| {
                code(format!("[COPYUID {n} 1 2] x"), |c| match c {
                    ResponseCode::CopyUid { uidvalidity, .. } => Some((*uidvalidity).into()),
                    _ => None,
                })
            }),
        ),
        (
            "[COPYUID] source",
            NzNumber,
            Box::new(|n| {
                code(format!("[COPYUID 9 {n} 2] x"), |c| match c {
                    ResponseCode::CopyUid { source, .. } => Some(source.ranges[0].start.into()),
                    _ => None,
                })
            }),
        ),
        (
            "[COPYUID] dest",
            NzNumber,
            Box::new(|n| {
                code(format!("[COPYUID 9 1 {n}] x"), |c| match c {
                    ResponseCode::CopyUid { dest, .. } => Some(dest.ranges[0].start.into()),
                    _ => None,
                })
            }),
        ),
        (
            "[MODIFIED]",
            NzNumber,
            Box::new(|n| {
                code(format!("[MODIFIED {n}] x"), |c| match c {
                    ResponseCode::Modified(s) => Some(s.ranges[0].start.into()),
                    _ => None,
                })
            }),
        ),
        // the SELECT summary, from lines and from the store
        (
            "summary EXISTS",
            Number,
            Box::new(|n| summary(&[format!("* {n} EXISTS")], |s| s.exists.map(u64::from))),
        ),
        (
            "summary RECENT",
            Number,
            Box::new(|n| summary(&[format!("* {n} RECENT")], |s| s.recent.map(u64::from))),
        ),
        (
            "summary UIDVALIDITY",
            NzNumber,
            Box::new(|n| {
                summary(&[format!("* OK [UIDVALIDITY {n}] x")], |s| {
                    s.uidvalidity.map(u64::from)
                })
            }),
        ),
        (
            "summary UIDNEXT",
            NzNumber,
            Box::new(|n| {
                summary(&[format!("* OK [UIDNEXT {n}] x")], |s| {
                    s.uidnext.map(u64::from)
                })
            }),
        ),
        (
            "summary HIGHESTMODSEQ",
            ModSeq,
            Box::new(|n| {
                summary(&[format!("a1 OK [HIGHESTMODSEQ {n}] x")], |s| {
                    s.highest_modseq
                })
            }),
        ),
        (
            "stored EXISTS",
            Number,
            Box::new(|n| lookup("EXISTS", n.to_string(), |s| s.exists.map(u64::from))),
        ),
        (
            "stored UIDVALIDITY",
            NzNumber,
            Box::new(|n| {
                lookup("UIDVALIDITY", n.to_string(), |s| {
                    s.uidvalidity.map(u64::from)
                })
            }),
        ),
        (
            "stored UNSEEN",
            NzNumber,
            Box::new(|n| lookup("UNSEEN", n.to_string(), |s| s.unseen.map(u64::from))),
        ),
        // STATUS
        (
            "STATUS MESSAGES",
            Number,
            Box::new(|n| {
                per_response(parse_status(&line(&format!("INBOX (MESSAGES {n})"))), |s| {
                    s.messages.map(u64::from)
                })
            }),
        ),
        (
            "STATUS UIDNEXT",
            NzNumber,
            Box::new(|n| {
                per_response(parse_status(&line(&format!("INBOX (UIDNEXT {n})"))), |s| {
                    s.uidnext.map(u64::from)
                })
            }),
        ),
        (
            "STATUS UIDVALIDITY",
            NzNumber,
            Box::new(|n| {
                per_response(
                    parse_status(&line(&format!("INBOX (UIDVALIDITY {n})"))),
                    |s| s.uidvalidity.map(u64::from),
                )
            }),
        ),
        (
            "STATUS UNSEEN",
            Number,
            Box::new(|n| {
                per_response(parse_status(&line(&format!("INBOX (UNSEEN {n})"))), |s| {
                    s.unseen.map(u64::from)
                })
            }),
        ),
        (
            "STATUS HIGHESTMODSEQ",
            ModSeqZero,
            Box::new(|n| {
                per_response(
                    parse_status(&line(&format!("INBOX (HIGHESTMODSEQ {n})"))),
                    |s| s.highest_modseq,
                )
            }),
        ),
        (
            "STATUS SIZE",
            Number64,
            Box::new(|n| {
                per_response(parse_status(&line(&format!("INBOX (SIZE {n})"))), |s| {
                    s.size
                })
            }),
        ),
        // SEARCH, ESEARCH, THREAD
        (
            "SEARCH number",
            NzNumber,
            Box::new(|n| {
                one(parse_search(&line(&format!("2 {n}"))), |s| {
                    s.ids.get(1).map(|&v| v.into())
                })
            }),
        ),
        (
            "SEARCH MODSEQ",
            ModSeq,
            Box::new(|n| {
                one(parse_search(&line(&format!("2 (MODSEQ {n})"))), |s| {
                    s.modseq
                })
            }),
        ),
        (
            "ESEARCH MIN",
            NzNumber,
            Box::new(|n| {
                per_response(parse_esearch(&line(&format!("(TAG \"a\") MIN {n}"))), |e| {
                    e.min.map(u64::from)
                })
            }),
        ),
        (
            "ESEARCH MAX",
            NzNumber,
            Box::new(|n| {
                per_response(parse_esearch(&line(&format!("(TAG \"a\") MAX {n}"))), |e| {
                    e.max.map(u64::from)
                })
            }),
        ),
        (
            "ESEARCH COUNT",
            Number,
            Box::new(|n| {
                per_response(
                    parse_esearch(&line(&format!("(TAG \"a\") COUNT {n}"))),
                    |e| e.count.map(u64::from),
                )
            }),
        ),
        (
            "ESEARCH ALL",
            NzNumber,
            Box::new(|n| {
                per_response(
                    parse_esearch(&line(&format!("(TAG \"a\") UID ALL {n}"))),
                    |e| e.all.as_ref().map(|s| s.ranges[0].start.into()),
                )
            }),
        ),
        (
            "ESEARCH MODSEQ",
            ModSeq,
            Box::new(|n| {
                per_response(
                    parse_esearch(&line(&format!("(TAG \"a\") MAX 3 MODSEQ {n}"))),
                    |e| e.modseq,
                )
            }),
        ),
        (
            "THREAD",
            NzNumber,
            Box::new(|n| {
                one(parse_thread(&line(&format!("(2 {n})"))), |t| {
                    t.nodes.get(1).and_then(|x| x.id).map(u64::from)
                })
            }),
        ),
        // QUOTA (RFC 9208: number64)
        (
            "QUOTA usage",
            Number64,
            Box::new(|n| {
                per_response(parse_quota(&line(&format!("\"\" (STORAGE {n} 10)"))), |q| {
                    q.resources.first().map(|r| r.usage)
                })
            }),
        ),
        (
            "QUOTA limit",
            Number64,
            Box::new(|n| {
                per_response(parse_quota(&line(&format!("\"\" (STORAGE 1 {n})"))), |q| {
                    q.resources.first().map(|r| r.limit)
                })
            }),
        ),
    ]
}

#[test]
fn every_numbered_field_follows_its_grammar() {
    let mut failures = Vec::new();
    for (field, grammar, parse) in fields() {
        let (min, max) = grammar.range();
        let mut cases: Vec<(String, Option<u64>)> = vec![
            ("0".into(), (min == 0).then_some(0)),
            ("1".into(), Some(1)),
            (max.to_string(), Some(max)),
            ((u128::from(max) + 1).to_string(), None),
            ("-1".into(), None),
            ("+1".into(), None),
            ("99999999999999999999999999999".into(), None),
        ];
        if min == 1 {
            cases.push(("00".into(), None));
        }
        for (input, want) in cases {
            let got = parse(&input);
            let ok = match (&got, want) {
                (Got::Value(v), Some(w)) => *v == w,
                // Marked invalid, and the raw bytes kept hold what was sent.
                (Got::Invalid(raw), None) => {
                    raw.windows(input.len()).any(|w| w == input.as_bytes())
                }
                _ => false,
            };
            if !ok {
                failures.push(format!(
                    "{field} ({grammar:?}) given {input}: got {got:?}, want {want:?}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
