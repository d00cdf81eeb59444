//! Parsed results: structures instead of IMAP syntax, over the raw `(typ, data)` items.
//!
//! Everything here is a pure function over [`Item`]s (or bytes): no I/O, no session state,
//! no panics on any input, bounded nesting (see [`MAX_DEPTH`]) and no recursion that the
//! bound does not limit. The raw items stay available: these functions only read them.
//!
//! # Input shape
//! Every command's untagged data comes as the engine delivers it (see
//! [`crate::proto::response`]): each response is zero or more [`Item::Literal`]s (the line
//! that announced a literal, then the literal) followed by exactly one [`Item::Line`]. A
//! command's data is several responses one after the other (`FETCH 1:1000` gives 1,000
//! responses); [`responses`] cuts it back into responses, and each parser works response by
//! response, so one malformed response never loses the others.
//!
//! # Modules
//! - [`token`]: the bounded tokenizer ([`token::Tokenizer`], [`token::Token`]), the value
//!   tree it builds ([`token::Value`]) and the flat value buffer FETCH reads with
//!   ([`token::Flat`]);
//! - [`fetch`]: FETCH responses ([`fetch::FetchMessage`], [`fetch::Envelope`],
//!   [`fetch::BodyPart`], [`fetch::BodySection`]);
//! - [`mailbox`]: SELECT/EXAMINE summary, STATUS, LIST/LSUB, SEARCH/SORT, ESEARCH, THREAD,
//!   NAMESPACE, QUOTA/QUOTAROOT, ACL/MYRIGHTS/LISTRIGHTS, METADATA, CAPABILITY, ID;
//! - [`codes`]: response codes (`[APPENDUID ...]`, `[COPYUID ...]`, `[ALERT]`...) and
//!   sequence sets kept as ranges ([`codes::SeqSet`]);
//! - [`utf7`]: modified UTF-7 for mailbox names (RFC 3501 §5.1.3);
//! - [`rfc2047`]: `=?charset?Q|B?...?=` encoded-word decoding for header text.
//!
//! # Conventions (the C ABI mirrors them)
//! - Byte strings are bytes (IMAP text is not guaranteed UTF-8). FETCH results borrow them
//!   from the items they were parsed from ([`fetch::Bytes`], a `Cow<[u8]>`: owned only for a
//!   quoted string with `\` escapes or a number read as text; section data is the literal
//!   itself, never copied), so a [`FetchMessage`] lives no longer than its items. The other
//!   parsers' results are small and own their bytes (`Vec<u8>`). `Option<..>` is an IMAP
//!   `nstring`: `None` is `NIL`, an empty string is `""`.
//! - Every per-response result is a `Result<T, Invalid>`; [`Invalid`] carries the error and
//!   the response's raw bytes.
//! - Numbers follow their grammar (RFC 3501 / RFC 9051 and the extensions): message numbers,
//!   UIDs, UID sets and UIDVALIDITY are `nz-number` (1..4294967295), counts are `number`
//!   (0..4294967295), sizes and quota values `number64` (0..2^63-1), mod-sequences 1..2^63-1
//!   (0 only where RFC 7162 allows it: STATUS HIGHESTMODSEQ). A value out of its range (0 where
//!   1 or more belongs, too large, signed) marks its response invalid with the raw bytes
//!   ([`Invalid`], [`codes::ResponseCode::Invalid`], [`mailbox::SelectSummary::invalid`]);
//!   it is never dropped, defaulted or wrapped.
//! - Deviations real servers make that are accepted anyway are recorded as [`Quirks`] on the
//!   FETCH message; parsed data stays one to one with what the server sent.

pub mod codes;
pub mod fetch;
pub mod mailbox;
pub mod rfc2047;
pub mod token;
pub mod utf7;
pub mod vanished;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_rev2;

use crate::proto::response::Item;
use std::fmt;

pub use codes::{ResponseCode, SeqRange, SeqSet};
pub use fetch::{
    parse_fetch, Address, BodyPart, BodySection, Disposition, Envelope, FetchMessage, Group,
    Mailbox, Param, RawItem, SectionData, SectionKind, SectionText,
};
pub use mailbox::SelectSummary;
pub use token::{Token, Tokenizer, Value};
pub use vanished::{parse_vanished, Vanished};

/// Deviations from the IMAP grammar that a parser accepted and recorded, as a bit set
/// (`FetchMessage::quirks`). Real servers send them (the corpus in `tests/quirks/` names the
/// server of each); a parsed item carrying one is still one to one with what the server sent:
/// nothing is made up and nothing dropped. The bits are those of the C `IMAP_QUIRK_*`
/// constants.
///
/// cbindgen:ignore
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Quirks(pub u32);

/// cbindgen:ignore
impl Quirks {
    pub const NONE: Quirks = Quirks(0);
    /// A literal announced right after an atom, without the space (`BODY[]<0>{100}`,
    /// `BODY[HEADER]{4169}`: GreenMail).
    pub const LITERAL_WITHOUT_SPACE: Quirks = Quirks(1 << 0);
    /// Whitespace where the grammar has none or exactly one space: a space after `(` or
    /// before `)`, two or more spaces, a tab, a space at the end of the line
    /// (`(UID 19436 )`: qq.com).
    pub const EXTRA_SPACE: Quirks = Quirks(1 << 1);
    /// A `"` inside a quoted string without its backslash, kept as content (163.com).
    pub const UNESCAPED_QUOTE: Quirks = Quirks(1 << 2);
    /// An ENVELOPE group ended with `(NIL NIL "" NIL)` instead of `(NIL NIL NIL NIL)`
    /// (Courier); read as the group's end marker, kept as sent.
    pub const GROUP_END_EMPTY_MAILBOX: Quirks = Quirks(1 << 3);
    /// An ENVELOPE group started and never ended (the list ended, or another group
    /// started, first: Yahoo's undisclosed recipients). No end marker is made up.
    pub const GROUP_NOT_CLOSED: Quirks = Quirks(1 << 4);
    /// An ENVELOPE group end marker with no group open; kept as an end marker.
    pub const GROUP_END_WITHOUT_START: Quirks = Quirks(1 << 5);
    /// A number sent as a quoted string (`RFC822.SIZE "1234"`), read as the number.
    pub const QUOTED_NUMBER: Quirks = Quirks(1 << 6);
    /// A field the grammar requires sent as NIL or left out (a BODYSTRUCTURE size, subtype
    /// or encoding, a parameter value such as Mail.ru's NIL boundary, an ENVELOPE with fewer
    /// than ten fields): read as NIL, an empty string or 0 as its field documents.
    pub const NIL_FIELD: Quirks = Quirks(1 << 7);

    /// Every quirk with its name (the C constant without `IMAP_QUIRK_`).
    pub const ALL: [(Quirks, &'static str); 8] = [
        (Quirks::LITERAL_WITHOUT_SPACE, "LITERAL_WITHOUT_SPACE"),
        (Quirks::EXTRA_SPACE, "EXTRA_SPACE"),
        (Quirks::UNESCAPED_QUOTE, "UNESCAPED_QUOTE"),
        (Quirks::GROUP_END_EMPTY_MAILBOX, "GROUP_END_EMPTY_MAILBOX"),
        (Quirks::GROUP_NOT_CLOSED, "GROUP_NOT_CLOSED"),
        (Quirks::GROUP_END_WITHOUT_START, "GROUP_END_WITHOUT_START"),
        (Quirks::QUOTED_NUMBER, "QUOTED_NUMBER"),
        (Quirks::NIL_FIELD, "NIL_FIELD"),
    ];

    pub fn contains(self, q: Quirks) -> bool {
        self.0 & q.0 == q.0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The names of the quirks set.
    pub fn names(self) -> Vec<&'static str> {
        Quirks::ALL
            .iter()
            .filter(|(q, _)| self.contains(*q))
            .map(|(_, n)| *n)
            .collect()
    }
}

impl std::ops::BitOr for Quirks {
    type Output = Quirks;
    fn bitor(self, q: Quirks) -> Quirks {
        Quirks(self.0 | q.0)
    }
}

impl std::ops::BitOrAssign for Quirks {
    fn bitor_assign(&mut self, q: Quirks) {
        self.0 |= q.0;
    }
}

/// Deepest nesting of parenthesized lists accepted (BODYSTRUCTURE, THREAD, lists):
/// beyond it the response is an error, not a stack overflow.
pub(crate) const MAX_DEPTH: usize = 64;

/// Most numbers a sequence set may expand to (see [`codes::SeqSet::expand`]); larger sets
/// stay as ranges.
pub(crate) const MAX_EXPANDED: u64 = 10_000;

/// What kind of problem a parser found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Bytes that are not IMAP syntax (unbalanced quote, stray character...).
    Syntax,
    /// Nesting deeper than [`MAX_DEPTH`].
    Depth,
    /// A number that does not fit its field (or is not a number).
    Number,
    /// Well-formed syntax with the wrong shape for the response (a list where a string
    /// belongs, a missing field...).
    Shape,
    /// Input ended before the response was complete.
    Truncated,
    /// Invalid modified UTF-7 or base64.
    Encoding,
}

/// A parse failure: its kind and a message for humans (never containing more than a short
/// excerpt of the input).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub kind: ErrorKind,
    pub message: String,
}

impl ParseError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        ParseError {
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseError {}

pub(crate) fn err<T>(kind: ErrorKind, message: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError::new(kind, message))
}

/// A response that could not be parsed: why, and its raw bytes (see [`raw_bytes`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub error: ParseError,
    pub raw: Vec<u8>,
}

impl Invalid {
    pub(crate) fn new(error: ParseError, items: &[Item]) -> Self {
        Invalid {
            error,
            raw: raw_bytes(items),
        }
    }
}

/// Cuts a command's data into responses: each ends with its [`Item::Line`] (or the
/// [`Item::None`] imaplib gives when there was no response, which yields nothing). A trailing
/// run of literals without a closing line is returned as a last, truncated response.
pub fn responses(items: &[Item]) -> impl Iterator<Item = &[Item]> {
    let mut rest = items;
    std::iter::from_fn(move || loop {
        if rest.is_empty() {
            return None;
        }
        let end = rest
            .iter()
            .position(|i| !matches!(i, Item::Literal(..)))
            .map_or(rest.len(), |p| p + 1);
        let (resp, tail) = rest.split_at(end);
        rest = tail;
        if resp.len() == 1 && matches!(resp[0], Item::None) {
            continue;
        }
        return Some(resp);
    })
}

/// The bytes of one response as they were on the wire after `* ` and the response name
/// (`1 (UID 1 BODY[] {5}\r\nhello)`): each line, and after a line that announced a literal,
/// CRLF and the literal's bytes (nothing for a streamed literal).
pub fn raw_bytes(items: &[Item]) -> Vec<u8> {
    let mut out = Vec::new();
    for item in items {
        match item {
            Item::None => {}
            Item::Line(l) => out.extend_from_slice(l),
            Item::Literal(h, data) => {
                out.extend_from_slice(h);
                out.extend_from_slice(b"\r\n");
                if let Some(b) = data.bytes() {
                    out.extend_from_slice(b);
                }
            }
        }
    }
    out
}

/// A short printable excerpt of bytes for error messages.
pub(crate) fn excerpt(b: &[u8]) -> String {
    crate::proto::show(&b[..b.len().min(60)])
}
