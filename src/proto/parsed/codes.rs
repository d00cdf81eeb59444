//! Response codes (`[NAME data]` at the start of a status text) and sequence sets kept as
//! ranges.

use super::token::{parse_modseq, parse_nz32, Token, Tokenizer};
use super::{err, excerpt, ErrorKind, ParseError, MAX_EXPANDED};
use crate::proto::parse;

/// `start:end` inclusive, `start <= end` (a set written `5:3` is normalised to `3:5`).
/// A single number `n` is `n:n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeqRange {
    pub start: u32,
    pub end: u32,
}

/// A sequence or UID set as sent (`1:3,5,9:12`), kept as ranges in the server's order; never
/// expanded implicitly (`1:4294967295` is one range, not four billion numbers).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeqSet {
    pub ranges: Vec<SeqRange>,
}

impl SeqSet {
    /// Parses `n`, `n:m` and comma lists of them, each number an `nz-number`
    /// (1..4294967295). `*` is refused (servers never send it in results), and so are 0,
    /// signs and numbers beyond 32 bits.
    pub fn parse(s: &[u8]) -> Result<SeqSet, ParseError> {
        let bad = || {
            ParseError::new(
                ErrorKind::Number,
                format!("bad sequence set '{}'", excerpt(s)),
            )
        };
        let mut ranges = Vec::new();
        for part in s.split(|&b| b == b',') {
            let mut ends = part.splitn(2, |&b| b == b':');
            let a = parse_nz32(ends.next().unwrap_or_default()).ok_or_else(bad)?;
            let b = match ends.next() {
                Some(x) => parse_nz32(x).ok_or_else(bad)?,
                None => a,
            };
            ranges.push(SeqRange {
                start: a.min(b),
                end: a.max(b),
            });
        }
        Ok(SeqSet { ranges })
    }

    /// A set as a client sends it (`1:5,7,10:*`): as [`SeqSet::parse`], with `*` read as the
    /// largest number (4294967295). `None` for anything else (SEARCHRES's `$`...).
    pub fn parse_sent(s: &[u8]) -> Option<SeqSet> {
        let num = |t: &[u8]| {
            if t == b"*" {
                Some(u32::MAX)
            } else {
                parse_nz32(t)
            }
        };
        let mut ranges = Vec::new();
        for part in s.split(|&b| b == b',') {
            let mut ends = part.splitn(2, |&b| b == b':');
            let a = num(ends.next()?)?;
            let b = match ends.next() {
                Some(x) => num(x)?,
                None => a,
            };
            ranges.push(SeqRange {
                start: a.min(b),
                end: a.max(b),
            });
        }
        Some(SeqSet { ranges })
    }

    /// Whether `n` is in the set.
    pub fn contains(&self, n: u32) -> bool {
        self.ranges.iter().any(|r| r.start <= n && n <= r.end)
    }

    /// How many numbers the set names (ranges counted as written, overlaps twice).
    pub fn count(&self) -> u64 {
        self.ranges
            .iter()
            .map(|r| u64::from(r.end - r.start) + 1)
            .sum()
    }

    /// The numbers, in order, if there are at most `limit` of them (use
    /// [`MAX_EXPANDED`] when in doubt); `None` otherwise.
    pub fn expand(&self, limit: u64) -> Option<Vec<u32>> {
        if self.count() > limit {
            return None;
        }
        Some(self.ranges.iter().flat_map(|r| r.start..=r.end).collect())
    }

    /// [`SeqSet::expand`] with the default limit [`MAX_EXPANDED`].
    pub fn expand_default(&self) -> Option<Vec<u32>> {
        self.expand(MAX_EXPANDED)
    }
}

/// A parsed response code. Names are matched case-insensitively; codes this parser does not
/// know are [`ResponseCode::Other`]; known codes whose data breaks their grammar (a UIDVALIDITY
/// of 0, a UID beyond 32 bits, a missing field) are [`ResponseCode::Invalid`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponseCode {
    Alert,
    Parse,
    ReadOnly,
    ReadWrite,
    TryCreate,
    UidNotSticky,
    Closed,
    NoModSeq,
    UidNext(u32),
    UidValidity(u32),
    Unseen(u32),
    HighestModSeq(u64),
    PermanentFlags(Vec<Vec<u8>>),
    BadCharset(Vec<Vec<u8>>),
    Capability(Vec<Vec<u8>>),
    /// RFC 4315: the UIDVALIDITY of the destination and the UIDs the appended messages got.
    AppendUid {
        uidvalidity: u32,
        uids: SeqSet,
    },
    /// RFC 4315: source UIDs and the destination UIDs they got, in the same order.
    CopyUid {
        uidvalidity: u32,
        source: SeqSet,
        dest: SeqSet,
    },
    /// RFC 7162: messages that failed a conditional STORE.
    Modified(SeqSet),
    /// RFC 8474: the mailbox's immutable id (`[MAILBOXID (F2212ea87-6097-4256-9d51-71338625)]`,
    /// in SELECT/EXAMINE and in CREATE's tagged OK).
    MailboxId(Vec<u8>),
    /// Anything else (RFC 5530 codes such as `AUTHENTICATIONFAILED`, `REFERRAL`...), with its
    /// data as sent.
    Other {
        name: String,
        data: Option<Vec<u8>>,
    },
    /// A known code whose data breaks its grammar: the name, the data as sent and why.
    Invalid {
        name: String,
        data: Option<Vec<u8>>,
        error: ParseError,
    },
}

fn atoms(data: &[u8]) -> Result<Vec<Vec<u8>>, ParseError> {
    let mut t = Tokenizer::from_bytes(data);
    let mut out = Vec::new();
    while let Some(tok) = t.next_checked()? {
        match tok {
            Token::Open | Token::Close => {}
            Token::Atom(a) => out.push(a.to_vec()),
            Token::Quoted(q) => out.push(q.into_owned()),
            Token::Number(n) => out.push(n.to_string().into_bytes()),
            Token::Nil => out.push(b"NIL".to_vec()),
            Token::Literal(l) => out.push(l.to_vec()),
            Token::Streamed(_) => {}
        }
    }
    Ok(out)
}

fn words(data: &[u8]) -> Vec<&[u8]> {
    data.split(|&b| b == b' ' || b == b'\t')
        .filter(|w| !w.is_empty())
        .collect()
}

/// An `nz-number` (UIDNEXT, UIDVALIDITY, UNSEEN, the UIDVALIDITY of APPENDUID/COPYUID).
fn nz32(w: Option<&&[u8]>) -> Result<u32, ParseError> {
    w.and_then(|w| parse_nz32(w)).ok_or_else(|| {
        ParseError::new(
            ErrorKind::Number,
            "response code number missing or out of range (1..4294967295)",
        )
    })
}

/// The longest RFC 8474 `objectid`.
pub const MAX_OBJECTID: usize = 255;

/// RFC 8474's `objectid`: 1 to 255 of `A-Z a-z 0-9 _ -`. The error names what is wrong and
/// quotes (a bounded excerpt of) the value.
pub fn objectid(id: &[u8]) -> Result<Vec<u8>, ParseError> {
    let ok = !id.is_empty()
        && id.len() <= MAX_OBJECTID
        && id
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        Ok(id.to_vec())
    } else {
        err(
            ErrorKind::Shape,
            format!(
                "bad object id '{}' (1 to {MAX_OBJECTID} of A-Z a-z 0-9 _ -)",
                excerpt(id)
            ),
        )
    }
}

/// `(objectid)`, the form of MAILBOXID, EMAILID and THREADID values.
pub fn parenthesized_objectid(d: &[u8]) -> Result<Vec<u8>, ParseError> {
    match d
        .trim_ascii()
        .strip_prefix(b"(")
        .and_then(|r| r.strip_suffix(b")"))
    {
        Some(inner) => objectid(inner),
        None => err(
            ErrorKind::Shape,
            format!("expected '(objectid)', got '{}'", excerpt(d)),
        ),
    }
}

/// Exactly `n` words of data.
fn arity<'a, 'b>(w: &'b [&'a [u8]], n: usize) -> Result<&'b [&'a [u8]], ParseError> {
    if w.len() == n {
        Ok(w)
    } else {
        err(
            ErrorKind::Shape,
            format!("expected {n} fields of data, got {}", w.len()),
        )
    }
}

impl ResponseCode {
    /// Reads the code from a name and its data (what the session's store keeps: the code name
    /// as the key and its data as a line).
    pub fn from_parts(name: &str, data: Option<&[u8]>) -> ResponseCode {
        let upper = name.to_ascii_uppercase();
        let d = data.unwrap_or_default();
        match Self::known(&upper, d, &words(d)) {
            Ok(Some(code)) => code,
            Ok(None) => ResponseCode::Other {
                name: upper,
                data: data.map(<[u8]>::to_vec),
            },
            Err(e) => ResponseCode::Invalid {
                error: ParseError::new(e.kind, format!("[{upper}]: {}", e.message)),
                name: upper,
                data: data.map(<[u8]>::to_vec),
            },
        }
    }

    /// `Ok(None)` for a code this parser does not know.
    fn known(name: &str, d: &[u8], w: &[&[u8]]) -> Result<Option<ResponseCode>, ParseError> {
        Ok(Some(match name {
            "ALERT" => ResponseCode::Alert,
            "PARSE" => ResponseCode::Parse,
            "READ-ONLY" => ResponseCode::ReadOnly,
            "READ-WRITE" => ResponseCode::ReadWrite,
            "TRYCREATE" => ResponseCode::TryCreate,
            "UIDNOTSTICKY" => ResponseCode::UidNotSticky,
            "CLOSED" => ResponseCode::Closed,
            "NOMODSEQ" => ResponseCode::NoModSeq,
            "UIDNEXT" => ResponseCode::UidNext(nz32(arity(w, 1)?.first())?),
            "UIDVALIDITY" => ResponseCode::UidValidity(nz32(arity(w, 1)?.first())?),
            "UNSEEN" => ResponseCode::Unseen(nz32(arity(w, 1)?.first())?),
            "HIGHESTMODSEQ" => ResponseCode::HighestModSeq(
                arity(w, 1)?
                    .first()
                    .and_then(|x| parse_modseq(x))
                    .ok_or_else(|| {
                        ParseError::new(ErrorKind::Number, "HIGHESTMODSEQ out of range (1..2^63-1)")
                    })?,
            ),
            "PERMANENTFLAGS" => ResponseCode::PermanentFlags(atoms(d)?),
            "BADCHARSET" => ResponseCode::BadCharset(atoms(d)?),
            "CAPABILITY" => ResponseCode::Capability(atoms(d)?),
            "APPENDUID" => {
                let w = arity(w, 2)?;
                ResponseCode::AppendUid {
                    uidvalidity: nz32(w.first())?,
                    uids: SeqSet::parse(w[1])?,
                }
            }
            "COPYUID" => {
                let w = arity(w, 3)?;
                ResponseCode::CopyUid {
                    uidvalidity: nz32(w.first())?,
                    source: SeqSet::parse(w[1])?,
                    dest: SeqSet::parse(w[2])?,
                }
            }
            "MODIFIED" => ResponseCode::Modified(SeqSet::parse(arity(w, 1)?[0])?),
            "MAILBOXID" => ResponseCode::MailboxId(parenthesized_objectid(d)?),
            _ => return Ok(None),
        }))
    }

    /// The code at the start of a status text (`[UIDNEXT 5] Predicted next UID`), if any.
    pub fn from_text(text: &[u8]) -> Option<ResponseCode> {
        let code = parse::response_code(text)?;
        Some(Self::from_parts(&code.name, code.data.as_deref()))
    }
}

/// Set arithmetic over ranges (QRESYNC's known and vanished UIDs): every operation works on
/// the ranges, never on the numbers, so its cost follows the number of ranges sent.
impl SeqSet {
    /// The same numbers as sorted, disjoint, non-adjacent ranges (`5,1:3,4` is `1:5`).
    pub fn normalized(&self) -> SeqSet {
        let mut sorted = self.ranges.clone();
        sorted.sort_unstable_by_key(|r| (r.start, r.end));
        let mut ranges: Vec<SeqRange> = Vec::with_capacity(sorted.len());
        for r in sorted {
            match ranges.last_mut() {
                Some(last) if u64::from(r.start) <= u64::from(last.end) + 1 => {
                    last.end = last.end.max(r.end)
                }
                _ => ranges.push(r),
            }
        }
        SeqSet { ranges }
    }

    /// The numbers in both sets, normalized.
    pub fn intersection(&self, other: &SeqSet) -> SeqSet {
        let (a, b) = (self.normalized().ranges, other.normalized().ranges);
        let (mut i, mut j) = (0, 0);
        let mut ranges = Vec::new();
        while i < a.len() && j < b.len() {
            let start = a[i].start.max(b[j].start);
            let end = a[i].end.min(b[j].end);
            if start <= end {
                ranges.push(SeqRange { start, end });
            }
            if a[i].end < b[j].end {
                i += 1;
            } else {
                j += 1;
            }
        }
        SeqSet { ranges }
    }

    /// The numbers of this set that are not in `other`, normalized.
    pub fn difference(&self, other: &SeqSet) -> SeqSet {
        let b = other.normalized().ranges;
        let mut ranges = Vec::new();
        let mut j = 0;
        for r in self.normalized().ranges {
            let mut start = u64::from(r.start);
            let end = u64::from(r.end);
            while j < b.len() && u64::from(b[j].end) < start {
                j += 1;
            }
            let mut k = j;
            while start <= end && k < b.len() && u64::from(b[k].start) <= end {
                if u64::from(b[k].start) > start {
                    ranges.push(range(start, u64::from(b[k].start) - 1));
                }
                start = start.max(u64::from(b[k].end) + 1);
                k += 1;
            }
            if start <= end {
                ranges.push(range(start, end));
            }
        }
        SeqSet { ranges }
    }

    /// The set in IMAP syntax (`1:3,5`); empty for an empty set.
    pub fn to_imap(&self) -> String {
        let parts: Vec<String> = self
            .ranges
            .iter()
            .map(|r| {
                if r.start == r.end {
                    r.start.to_string()
                } else {
                    format!("{}:{}", r.start, r.end)
                }
            })
            .collect();
        parts.join(",")
    }
}

/// `start:end` from numbers known to be within 1..=u32::MAX.
fn range(start: u64, end: u64) -> SeqRange {
    let n = |x: u64| u32::try_from(x).unwrap_or(u32::MAX);
    SeqRange {
        start: n(start),
        end: n(end),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uidplus_codes_keep_ranges() {
        assert_eq!(
            ResponseCode::from_text(b"[COPYUID 38505 304,319:320 3956:3958] Done"),
            Some(ResponseCode::CopyUid {
                uidvalidity: 38505,
                source: SeqSet {
                    ranges: vec![
                        SeqRange {
                            start: 304,
                            end: 304
                        },
                        SeqRange {
                            start: 319,
                            end: 320
                        }
                    ]
                },
                dest: SeqSet {
                    ranges: vec![SeqRange {
                        start: 3956,
                        end: 3958
                    }]
                },
            })
        );
        let huge = ResponseCode::from_text(b"[APPENDUID 1 1:4294967295]").unwrap();
        let ResponseCode::AppendUid { uids, .. } = huge else {
            panic!("{huge:?}")
        };
        assert_eq!(uids.count(), 4294967295);
        assert_eq!(uids.expand_default(), None);
        assert_eq!(
            SeqSet::parse(b"3:1").unwrap().expand(10),
            Some(vec![1, 2, 3])
        );
    }

    #[test]
    fn simple_and_unknown_codes() {
        assert_eq!(
            ResponseCode::from_text(b"[ALERT] hi"),
            Some(ResponseCode::Alert)
        );
        assert_eq!(
            ResponseCode::from_text(b"[trycreate]"),
            Some(ResponseCode::TryCreate)
        );
        assert_eq!(
            ResponseCode::from_text(b"[PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited"),
            Some(ResponseCode::PermanentFlags(vec![
                b"\\Deleted".to_vec(),
                b"\\Seen".to_vec(),
                b"\\*".to_vec()
            ]))
        );
        assert!(matches!(
            ResponseCode::from_text(b"[UIDNEXT 99999999999]"),
            Some(ResponseCode::Invalid { name, data: Some(d), .. })
                if name == "UIDNEXT" && d == b"99999999999"
        ));
        assert_eq!(
            ResponseCode::from_text(b"[AUTHENTICATIONFAILED] no"),
            Some(ResponseCode::Other {
                name: "AUTHENTICATIONFAILED".into(),
                data: None
            })
        );
        assert_eq!(ResponseCode::from_text(b"no code"), None);
    }

    fn set(s: &str) -> SeqSet {
        if s.is_empty() {
            SeqSet::default()
        } else {
            SeqSet::parse(s.as_bytes()).unwrap()
        }
    }

    #[test]
    fn range_arithmetic_never_expands() {
        assert_eq!(set("5,1:3,4,9,10:12").normalized().to_imap(), "1:5,9:12");
        assert_eq!(
            set("1:10").difference(&set("3,5:6,10")).to_imap(),
            "1:2,4,7:9"
        );
        assert_eq!(set("1:10").difference(&set("1:4294967295")).to_imap(), "");
        assert_eq!(
            set("1:4294967295")
                .difference(&set("2:4294967294"))
                .to_imap(),
            "1,4294967295"
        );
        assert_eq!(
            set("1:4294967295").intersection(&set("7,9:11")).to_imap(),
            "7,9:11"
        );
        assert_eq!(set("1:5,8:9").intersection(&set("4:8")).to_imap(), "4:5,8");
        assert_eq!(set("").difference(&set("1")).to_imap(), "");
        assert_eq!(set("3").intersection(&set("")).to_imap(), "");
        assert_eq!(set("4294967295,1").normalized().to_imap(), "1,4294967295");
    }
}
