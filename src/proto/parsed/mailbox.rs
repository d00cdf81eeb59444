//! Everything but FETCH: the SELECT/EXAMINE summary, STATUS, LIST/LSUB, SEARCH/SORT,
//! ESEARCH, THREAD, NAMESPACE, QUOTA/QUOTAROOT, ACL/MYRIGHTS/LISTRIGHTS, METADATA, CAPABILITY
//! and ID.
//!
//! Each `parse_*` takes the command's data (the `Outcome` items, i.e. the store's entry for
//! that response name) and reads it response by response: functions returning a `Vec` give
//! one `Result` per response, so a malformed one is reported with its raw bytes while the
//! others parse.

use super::codes::{objectid, ResponseCode, SeqSet};
use super::fetch::{Param, RawItem};
use super::token::{parse_u32, Token, Tokenizer, Value};
use super::{err, responses, utf7, ErrorKind, Invalid, ParseError, MAX_DEPTH};
use crate::proto::parse::{self, Line};
use crate::proto::response::Item;
use crate::proto::store::UntaggedStore;
use std::collections::{HashMap, VecDeque};

fn each<T>(
    items: &[Item],
    mut f: impl FnMut(&mut Tokenizer<'_>) -> Result<T, ParseError>,
) -> Vec<Result<T, Invalid>> {
    responses(items)
        .map(|r| f(&mut Tokenizer::new(r)).map_err(|e| Invalid::new(e, r)))
        .collect()
}

/// An astring / string value as bytes (numbers as their digits).
fn astring(v: &Value<'_>) -> Result<Vec<u8>, ParseError> {
    match v {
        Value::Number(n) => Ok(n.to_string().into_bytes()),
        _ => match v.text() {
            Some(t) => Ok(t.to_vec()),
            None => err(
                ErrorKind::Shape,
                format!("expected a string, got {}", v.describe()),
            ),
        },
    }
}

fn next_astring(t: &mut Tokenizer<'_>) -> Result<Vec<u8>, ParseError> {
    astring(&t.expect_value()?)
}

fn strings(v: &Value<'_>) -> Result<Vec<Vec<u8>>, ParseError> {
    v.list()?.iter().map(astring).collect()
}

/// The last line stored under a name (the store appends; the latest value wins).
fn last_line(items: &[Item]) -> Option<&[u8]> {
    items.iter().rev().find_map(|i| match i {
        Item::Line(l) => Some(l.as_slice()),
        _ => None,
    })
}

/// The count of `* n EXISTS` / `* n RECENT` (IMAP's `number`, 0..4294967295), from the data
/// the store keeps (`n`); an error names the response.
fn count(name: &str, data: &[u8]) -> Result<u32, ParseError> {
    let first = data.split(|&b| b == b' ').find(|w| !w.is_empty());
    first.and_then(parse_u32).ok_or_else(|| {
        ParseError::new(
            ErrorKind::Number,
            format!(
                "{name} count '{}' out of range (0..4294967295)",
                super::excerpt(first.unwrap_or_default())
            ),
        )
    })
}

fn flag_list(data: &[u8]) -> Option<Vec<Vec<u8>>> {
    strings(&Tokenizer::from_bytes(data).read_value().ok()??).ok()
}

/// What SELECT or EXAMINE reported about the mailbox.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SelectSummary {
    pub exists: Option<u32>,
    pub recent: Option<u32>,
    /// `[UNSEEN n]`: the first unseen message's number.
    pub unseen: Option<u32>,
    pub uidvalidity: Option<u32>,
    pub uidnext: Option<u32>,
    pub flags: Option<Vec<Vec<u8>>>,
    pub permanent_flags: Option<Vec<Vec<u8>>>,
    pub highest_modseq: Option<u64>,
    /// `[NOMODSEQ]` was sent.
    pub no_modseq: bool,
    /// `Some(true)` for `[READ-ONLY]`, `Some(false)` for `[READ-WRITE]`.
    pub read_only: Option<bool>,
    /// The UIDs of the VANISHED responses kept (RFC 7162: a QRESYNC select's
    /// `VANISHED (EARLIER)`, and those that came since), in the order sent; never expanded.
    pub vanished: SeqSet,
    /// Values that broke their grammar (`* 4294967296 EXISTS`, `[UIDVALIDITY 0]`) or lines
    /// that did not parse: why, and the bytes as received. The field they belong to stays
    /// `None` (or keeps an earlier valid value), and this says why.
    pub invalid: Vec<Invalid>,
    /// RFC 8474 `[MAILBOXID (id)]`.
    pub mailbox_id: Option<Vec<u8>>,
}

impl SelectSummary {
    fn bad(&mut self, error: ParseError, raw: &[u8]) {
        self.invalid.push(Invalid {
            error,
            raw: raw.to_vec(),
        });
    }

    fn count(&mut self, name: &str, data: &[u8]) -> Option<u32> {
        match count(name, data) {
            Ok(n) => Some(n),
            Err(e) => {
                self.bad(e, data);
                None
            }
        }
    }

    fn add_vanished(&mut self, items: &[Item]) {
        for v in super::vanished::parse_vanished(items) {
            match v {
                Ok(v) => self.vanished.ranges.extend(v.uids.ranges),
                Err(e) => self.invalid.push(e),
            }
        }
    }

    fn code(&mut self, c: ResponseCode) {
        match c {
            ResponseCode::Invalid { error, data, .. } => {
                self.bad(error, data.as_deref().unwrap_or_default())
            }
            ResponseCode::Unseen(n) => self.unseen = Some(n),
            ResponseCode::UidValidity(n) => self.uidvalidity = Some(n),
            ResponseCode::UidNext(n) => self.uidnext = Some(n),
            ResponseCode::PermanentFlags(f) => self.permanent_flags = Some(f),
            ResponseCode::HighestModSeq(n) => self.highest_modseq = Some(n),
            ResponseCode::NoModSeq => self.no_modseq = true,
            ResponseCode::ReadOnly => self.read_only = Some(true),
            ResponseCode::ReadWrite => self.read_only = Some(false),
            ResponseCode::MailboxId(id) => self.mailbox_id = Some(id),
            _ => {}
        }
    }

    /// From a lookup of untagged data by name, shaped like the session's store: `EXISTS`,
    /// `RECENT` and `FLAGS` hold the response data, response codes are filed under the code
    /// name with their data as a line (`UIDNEXT` → `Line(b"4392")`, `READ-ONLY` →
    /// `Line(b"")`). The last value stored under a name wins.
    pub fn from_lookup<'a>(get: impl Fn(&str) -> Option<&'a [Item]>) -> Self {
        let mut s = SelectSummary::default();
        let line = |n: &str| get(n).and_then(last_line);
        if let Some(d) = line("EXISTS") {
            s.exists = s.count("EXISTS", d);
        }
        if let Some(d) = line("RECENT") {
            s.recent = s.count("RECENT", d);
        }
        s.flags = line("FLAGS").and_then(flag_list);
        for name in [
            "UNSEEN",
            "UIDVALIDITY",
            "UIDNEXT",
            "PERMANENTFLAGS",
            "HIGHESTMODSEQ",
            "NOMODSEQ",
            "MAILBOXID",
        ] {
            if let Some(data) = line(name) {
                s.code(ResponseCode::from_parts(name, Some(data)));
            }
        }
        if let Some(items) = get("VANISHED") {
            s.add_vanished(items);
        }
        // Both may be stored (an untagged READ-WRITE, a tagged READ-ONLY): read-only wins.
        if get("READ-WRITE").is_some() {
            s.read_only = Some(false);
        }
        if get("READ-ONLY").is_some() {
            s.read_only = Some(true);
        }
        s
    }

    /// From the session's store of untagged responses, right after SELECT/EXAMINE.
    pub fn from_store(store: &UntaggedStore) -> Self {
        Self::from_lookup(|n| store.get(n).map(Vec::as_slice))
    }

    /// From the raw response lines (`* 172 EXISTS`, `* OK [UIDNEXT 4392] ...`,
    /// `A142 OK [READ-WRITE] SELECT completed`), CRLF optional. Lines that do not parse are
    /// listed in [`SelectSummary::invalid`].
    pub fn from_lines<L: AsRef<[u8]>>(lines: &[L]) -> Self {
        let mut s = SelectSummary::default();
        for l in lines {
            let l = l.as_ref();
            let l = l.strip_suffix(b"\r\n").unwrap_or(l);
            match parse::classify(l) {
                Ok(Line::Untagged { name, data }) => match name.as_str() {
                    "EXISTS" => s.exists = s.count("EXISTS", &data).or(s.exists),
                    "RECENT" => s.recent = s.count("RECENT", &data).or(s.recent),
                    "FLAGS" => s.flags = flag_list(&data).or(s.flags.take()),
                    "VANISHED" => s.add_vanished(&[Item::Line(data)]),
                    "OK" | "NO" | "BAD" => {
                        if let Some(c) = ResponseCode::from_text(&data) {
                            s.code(c)
                        }
                    }
                    _ => {}
                },
                Ok(Line::Tagged { text, .. }) => {
                    if let Some(c) = ResponseCode::from_text(&text) {
                        s.code(c)
                    }
                }
                Ok(Line::Continuation { .. }) => {}
                Err(e) => s.bad(ParseError::new(ErrorKind::Syntax, e.to_string()), l),
            }
        }
        s
    }
}

/// A mailbox name: as sent, and decoded (see [`utf7::decode_mailbox`]); `name` is `None`
/// when the raw bytes are neither UTF-8 nor valid modified UTF-7.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MailboxName {
    pub raw: Vec<u8>,
    pub name: Option<String>,
}

impl MailboxName {
    pub fn new(raw: Vec<u8>) -> Self {
        let name = utf7::decode_mailbox(&raw).ok();
        MailboxName { raw, name }
    }

    /// The name as the connection means it: with `utf8_names` (IMAP4rev2 or UTF-8 mode in
    /// effect) the raw bytes as UTF-8, `&` included, never modified UTF-7 (`None` when they
    /// are not UTF-8); otherwise [`MailboxName::name`].
    pub fn decoded(&self, utf8_names: bool) -> Option<&str> {
        if utf8_names {
            std::str::from_utf8(&self.raw).ok()
        } else {
            self.name.as_deref()
        }
    }
}

/// A STATUS response. Known items have fields; others are in `other` (name upper-cased).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MailboxStatus {
    pub mailbox: MailboxName,
    pub messages: Option<u32>,
    pub recent: Option<u32>,
    pub uidnext: Option<u32>,
    pub uidvalidity: Option<u32>,
    pub unseen: Option<u32>,
    pub deleted: Option<u32>,
    pub highest_modseq: Option<u64>,
    /// RFC 8438 `SIZE`.
    pub size: Option<u64>,
    pub other: Vec<(String, u64)>,
    /// RFC 8474 `MAILBOXID`.
    pub mailbox_id: Option<Vec<u8>>,
}

/// `(objectid)` as a parsed value (STATUS MAILBOXID, FETCH EMAILID).
fn objectid_in_list(v: &Value<'_>) -> Result<Vec<u8>, ParseError> {
    match v.list()? {
        [id] => objectid(&astring(id)?),
        l => err(
            ErrorKind::Shape,
            format!("expected '(objectid)', got a list of {} values", l.len()),
        ),
    }
}

pub fn parse_status(items: &[Item]) -> Vec<Result<MailboxStatus, Invalid>> {
    each(items, |t| {
        let mut s = MailboxStatus {
            mailbox: MailboxName::new(next_astring(t)?),
            ..Default::default()
        };
        let v = t.expect_value()?;
        let l = v.list()?;
        for pair in l.chunks(2) {
            let name = astring(&pair[0])?.to_ascii_uppercase();
            let val = pair
                .get(1)
                .ok_or_else(|| ParseError::new(ErrorKind::Shape, "STATUS item without value"))?;
            match name.as_slice() {
                b"MESSAGES" => s.messages = Some(val.u32()?),
                b"RECENT" => s.recent = Some(val.u32()?),
                b"UIDNEXT" => s.uidnext = Some(val.nz32()?),
                b"UIDVALIDITY" => s.uidvalidity = Some(val.nz32()?),
                b"UNSEEN" => s.unseen = Some(val.u32()?),
                b"DELETED" => s.deleted = Some(val.u32()?),
                // RFC 7162: mod-sequence-valzer (0 for a mailbox without mod-sequences).
                b"HIGHESTMODSEQ" => s.highest_modseq = Some(val.number64()?),
                b"SIZE" => s.size = Some(val.number64()?),
                // RFC 8474: `MAILBOXID (id)`.
                b"MAILBOXID" => s.mailbox_id = Some(objectid_in_list(val)?),
                _ => s
                    .other
                    .push((String::from_utf8_lossy(&name).into_owned(), val.u64()?)),
            }
        }
        Ok(s)
    })
}

/// The mailbox attributes a LIST entry may carry that this library knows, as a bit set
/// ([`ListEntry::attrs`]; the bits are those of the C `IMAP_LIST_ATTR_*` constants).
/// RFC 3501/9051 base attributes, RFC 5258 LIST-EXTENDED, RFC 6154 SPECIAL-USE and RFC 8457
/// `\Important`; `CHILD_SUBSCRIBED` stands for LIST-EXTENDED's `CHILDINFO ("SUBSCRIBED")`.
///
/// cbindgen:ignore
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ListAttrs(pub u32);

/// cbindgen:ignore
impl ListAttrs {
    pub const NOINFERIORS: u32 = 1 << 0;
    /// Also set for `\NonExistent`, which implies it (RFC 9051).
    pub const NOSELECT: u32 = 1 << 1;
    pub const MARKED: u32 = 1 << 2;
    pub const UNMARKED: u32 = 1 << 3;
    pub const NONEXISTENT: u32 = 1 << 4;
    pub const SUBSCRIBED: u32 = 1 << 5;
    pub const REMOTE: u32 = 1 << 6;
    pub const HASCHILDREN: u32 = 1 << 7;
    pub const HASNOCHILDREN: u32 = 1 << 8;
    pub const ALL: u32 = 1 << 9;
    pub const ARCHIVE: u32 = 1 << 10;
    pub const DRAFTS: u32 = 1 << 11;
    pub const FLAGGED: u32 = 1 << 12;
    pub const JUNK: u32 = 1 << 13;
    pub const SENT: u32 = 1 << 14;
    pub const TRASH: u32 = 1 << 15;
    pub const IMPORTANT: u32 = 1 << 16;
    pub const CHILD_SUBSCRIBED: u32 = 1 << 17;
    /// The RFC 6154 special uses (and RFC 8457's `\Important`).
    pub const SPECIAL_USE: u32 = Self::ALL
        | Self::ARCHIVE
        | Self::DRAFTS
        | Self::FLAGGED
        | Self::JUNK
        | Self::SENT
        | Self::TRASH
        | Self::IMPORTANT;

    /// The bit of one attribute as sent (`\Sent`, any case); 0 for one this library does not
    /// know.
    pub fn bit(attribute: &[u8]) -> u32 {
        const NAMES: [(&[u8], u32); 17] = [
            (b"\\Noinferiors", ListAttrs::NOINFERIORS),
            (b"\\Noselect", ListAttrs::NOSELECT),
            (b"\\Marked", ListAttrs::MARKED),
            (b"\\Unmarked", ListAttrs::UNMARKED),
            (
                b"\\NonExistent",
                ListAttrs::NONEXISTENT | ListAttrs::NOSELECT,
            ),
            (b"\\Subscribed", ListAttrs::SUBSCRIBED),
            (b"\\Remote", ListAttrs::REMOTE),
            (b"\\HasChildren", ListAttrs::HASCHILDREN),
            (b"\\HasNoChildren", ListAttrs::HASNOCHILDREN),
            (b"\\All", ListAttrs::ALL),
            (b"\\Archive", ListAttrs::ARCHIVE),
            (b"\\Drafts", ListAttrs::DRAFTS),
            (b"\\Flagged", ListAttrs::FLAGGED),
            (b"\\Junk", ListAttrs::JUNK),
            (b"\\Sent", ListAttrs::SENT),
            (b"\\Trash", ListAttrs::TRASH),
            (b"\\Important", ListAttrs::IMPORTANT),
        ];
        NAMES
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(attribute))
            .map_or(0, |(_, bit)| *bit)
    }

    pub fn has(self, bits: u32) -> bool {
        self.0 & bits == bits
    }
}

/// A LIST or LSUB entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListEntry {
    /// `\HasNoChildren`, `\Noselect`, `\Sent`... as sent.
    pub attributes: Vec<Vec<u8>>,
    /// The hierarchy delimiter; `None` for NIL (flat namespace).
    pub delimiter: Option<u8>,
    pub mailbox: MailboxName,
    /// LIST-EXTENDED data after the name (`("CHILDINFO" ("SUBSCRIBED"))`), re-serialised.
    pub extended: Vec<Vec<u8>>,
    /// The known attributes and `CHILDINFO ("SUBSCRIBED")` as bits.
    pub attrs: ListAttrs,
    /// LIST-STATUS (RFC 5819): the STATUS response the server sent for this mailbox with
    /// `LIST ... RETURN (STATUS (...))`, joined by [`join_status`].
    pub status: Option<MailboxStatus>,
}

/// `CHILDINFO` extended data naming `SUBSCRIBED` (RFC 5258 §4).
fn child_subscribed(extended: &[Value<'_>]) -> bool {
    extended.chunks(2).any(|p| {
        p[0].text()
            .is_some_and(|n| n.eq_ignore_ascii_case(b"CHILDINFO"))
            && p.get(1).and_then(|v| v.list().ok()).is_some_and(|l| {
                l.iter().any(|o| {
                    o.text()
                        .is_some_and(|t| t.eq_ignore_ascii_case(b"SUBSCRIBED"))
                })
            })
    })
}

pub fn parse_list(items: &[Item]) -> Vec<Result<ListEntry, Invalid>> {
    each(items, |t| {
        let attributes = strings(&t.expect_value()?)?;
        let delimiter = match t.expect_value()? {
            Value::Nil => None,
            v => astring(&v)?.first().copied(),
        };
        let mailbox = MailboxName::new(next_astring(t)?);
        let rest = t.read_all()?;
        let mut bits = attributes.iter().fold(0, |b, a| b | ListAttrs::bit(a));
        if let Some(Value::List(ext)) = rest.first() {
            if child_subscribed(ext) {
                bits |= ListAttrs::CHILD_SUBSCRIBED;
            }
        }
        let extended = rest.iter().map(Value::to_imap).collect();
        Ok(ListEntry {
            attributes,
            delimiter,
            mailbox,
            extended,
            attrs: ListAttrs(bits),
            status: None,
        })
    })
}

/// Gives each LIST entry the STATUS response of its mailbox (LIST-STATUS, RFC 5819), matched
/// by the name as sent. Gives the positions (in `statuses`) of the responses for no listed
/// mailbox, which are not this LIST's.
pub fn join_status(
    entries: &mut [Result<ListEntry, Invalid>],
    statuses: Vec<MailboxStatus>,
) -> Vec<usize> {
    // The entries still without a status, by name, in order (a hostile server may send as
    // many of both as the untagged limit holds: one lookup each, not a scan of the entries).
    let mut by_name: HashMap<Vec<u8>, VecDeque<usize>> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        if let Ok(e) = e {
            if e.status.is_none() {
                by_name
                    .entry(e.mailbox.raw.clone())
                    .or_default()
                    .push_back(i);
            }
        }
    }
    let mut left = Vec::new();
    for (i, st) in statuses.into_iter().enumerate() {
        match by_name
            .get_mut(&st.mailbox.raw)
            .and_then(VecDeque::pop_front)
            .and_then(|j| entries[j].as_mut().ok())
        {
            Some(e) => e.status = Some(st),
            None => left.push(i),
        }
    }
    left
}

/// SEARCH or SORT: the numbers of all responses, in order, and the `(MODSEQ n)` of
/// CONDSTORE if sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchResult {
    pub ids: Vec<u32>,
    pub modseq: Option<u64>,
}

pub fn parse_search(items: &[Item]) -> Result<SearchResult, Invalid> {
    let mut out = SearchResult::default();
    for r in responses(items) {
        let mut t = Tokenizer::new(r);
        let step = (|| {
            if is_esearch(r) {
                return esearch_numbers(&mut t, &mut out);
            }
            while let Some(v) = t.read_value()? {
                match v {
                    Value::List(l) if l.len() == 2 => out.modseq = Some(l[1].modseq()?),
                    v => out.ids.push(v.nz32()?),
                }
            }
            Ok(())
        })();
        step.map_err(|e: ParseError| Invalid::new(e, r))?;
    }
    Ok(out)
}

/// Whether a response of a SEARCH result is ESEARCH data (`(TAG "A1") UID ALL 1:3`, what an
/// IMAP4rev2 server answers SEARCH with) rather than SEARCH numbers: it starts with a
/// parenthesis or a letter, never a digit.
fn is_esearch(r: &[Item]) -> bool {
    let line = match r.first() {
        Some(Item::Line(l) | Item::Literal(l, _)) => l.as_slice(),
        _ => return false,
    };
    line.first()
        .is_some_and(|&b| b == b'(' || b.is_ascii_alphabetic())
}

/// Most numbers an ESEARCH `ALL` is expanded to as SEARCH numbers (16 MiB of them): a
/// mailbox has fewer messages, and `1:4294967295` from a hostile server is refused instead of
/// filling the heap.
pub const MAX_SEARCH_NUMBERS: u64 = 1 << 22;

/// SEARCH numbers from an ESEARCH response: its `ALL` expanded (at most
/// [`MAX_SEARCH_NUMBERS`] in all) and its `MODSEQ`.
fn esearch_numbers(t: &mut Tokenizer<'_>, out: &mut SearchResult) -> Result<(), ParseError> {
    let e = esearch_one(t)?;
    if let Some(all) = &e.all {
        let room = MAX_SEARCH_NUMBERS.saturating_sub(out.ids.len() as u64);
        match all.expand(room) {
            Some(ids) => out.ids.extend(ids),
            None => {
                return err(
                    ErrorKind::Number,
                    format!(
                        "ESEARCH ALL names {} numbers, more than the {MAX_SEARCH_NUMBERS} a \
                         search result may list",
                        all.count()
                    ),
                )
            }
        }
    }
    out.modseq = e.modseq.or(out.modseq);
    Ok(())
}

/// SORT results have the shape of SEARCH results.
pub fn parse_sort(items: &[Item]) -> Result<SearchResult, Invalid> {
    parse_search(items)
}

/// An ESEARCH response (RFC 4731).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Esearch {
    /// The tag of the command it answers (`(TAG "A282")`).
    pub tag: Option<Vec<u8>>,
    /// The numbers are UIDs.
    pub uid: bool,
    pub min: Option<u32>,
    pub max: Option<u32>,
    pub count: Option<u32>,
    /// `ALL`, kept as ranges.
    pub all: Option<SeqSet>,
    pub modseq: Option<u64>,
    /// Other return data (`PARTIAL`, `RELEVANCY`...), re-serialised.
    pub other: Vec<RawItem<'static>>,
}

/// The tag an ESEARCH response names (`(TAG "A282") ...` → `A282`), which says which
/// command it answers.
pub fn esearch_tag(data: &[u8]) -> Option<Vec<u8>> {
    match Tokenizer::from_bytes(data).read_value().ok()?? {
        Value::List(l) if l.len() == 2 && astring(&l[0]).ok()?.eq_ignore_ascii_case(b"TAG") => {
            astring(&l[1]).ok()
        }
        _ => None,
    }
}

pub fn parse_esearch(items: &[Item]) -> Vec<Result<Esearch, Invalid>> {
    each(items, esearch_one)
}

fn esearch_one(t: &mut Tokenizer<'_>) -> Result<Esearch, ParseError> {
    let mut e = Esearch::default();
    while let Some(v) = t.read_value()? {
        match v {
            Value::List(l) => {
                if l.len() == 2 && astring(&l[0])?.eq_ignore_ascii_case(b"TAG") {
                    e.tag = Some(astring(&l[1])?);
                }
            }
            v => {
                let name = astring(&v)?.to_ascii_uppercase();
                if name == b"UID" {
                    e.uid = true;
                    continue;
                }
                let val = t.expect_value()?;
                match name.as_slice() {
                    b"MIN" => e.min = Some(val.nz32()?),
                    b"MAX" => e.max = Some(val.nz32()?),
                    b"COUNT" => e.count = Some(val.u32()?),
                    b"MODSEQ" => e.modseq = Some(val.modseq()?),
                    b"ALL" => e.all = Some(SeqSet::parse(&astring(&val)?)?),
                    _ => e.other.push(RawItem {
                        name: name.into(),
                        raw: val.to_imap(),
                    }),
                }
            }
        }
    }
    Ok(e)
}

/// A node of a THREAD forest. `id` is `None` for the missing parent of siblings
/// (`((3)(5))`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadNode {
    pub id: Option<u32>,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
}

/// THREAD results (RFC 5256) as a flat arena: `nodes` indexed by position, `roots` the first
/// message of each thread. A flat arena keeps long reply chains from becoming deep
/// recursion.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Threads {
    pub nodes: Vec<ThreadNode>,
    pub roots: Vec<usize>,
}

impl Threads {
    fn add(&mut self, id: Option<u32>, parent: Option<usize>) -> usize {
        let i = self.nodes.len();
        self.nodes.push(ThreadNode {
            id,
            parent,
            children: Vec::new(),
        });
        match parent {
            Some(p) => self.nodes[p].children.push(i),
            None => self.roots.push(i),
        }
        i
    }

    fn list(
        &mut self,
        l: &[Value<'_>],
        parent: Option<usize>,
        depth: usize,
    ) -> Result<(), ParseError> {
        if depth > MAX_DEPTH {
            return err(ErrorKind::Depth, "THREAD nested too deeply");
        }
        let mut cur = parent;
        if parent.is_none() && matches!(l.first(), Some(Value::List(_))) {
            cur = Some(self.add(None, None));
        }
        for v in l {
            match v {
                Value::List(sub) => self.list(sub, cur, depth + 1)?,
                v => cur = Some(self.add(Some(v.nz32()?), cur)),
            }
        }
        Ok(())
    }
}

pub fn parse_thread(items: &[Item]) -> Result<Threads, Invalid> {
    let mut th = Threads::default();
    for r in responses(items) {
        let mut t = Tokenizer::new(r);
        let step = (|| {
            while let Some(v) = t.read_value()? {
                th.list(v.list()?, None, 0)?;
            }
            Ok(())
        })();
        step.map_err(|e: ParseError| Invalid::new(e, r))?;
    }
    Ok(th)
}

/// One namespace: prefix, delimiter and extension data (re-serialised).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Namespace {
    pub prefix: Vec<u8>,
    pub delimiter: Option<u8>,
    pub extensions: Vec<Vec<u8>>,
}

/// NAMESPACE (RFC 2342).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Namespaces {
    pub personal: Vec<Namespace>,
    pub other: Vec<Namespace>,
    pub shared: Vec<Namespace>,
}

pub fn parse_namespace(items: &[Item]) -> Vec<Result<Namespaces, Invalid>> {
    each(items, |t| {
        let mut group = || -> Result<Vec<Namespace>, ParseError> {
            t.expect_value()?
                .list()?
                .iter()
                .map(|n| {
                    let f = n.list()?;
                    Ok(Namespace {
                        prefix: astring(f.first().unwrap_or(&Value::Nil)).unwrap_or_default(),
                        delimiter: match f.get(1) {
                            None | Some(Value::Nil) => None,
                            Some(v) => astring(v)?.first().copied(),
                        },
                        extensions: f.iter().skip(2).map(Value::to_imap).collect(),
                    })
                })
                .collect()
        };
        Ok(Namespaces {
            personal: group()?,
            other: group()?,
            shared: group()?,
        })
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaResource {
    pub name: Vec<u8>,
    pub usage: u64,
    pub limit: u64,
}

/// QUOTA (RFC 9208).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Quota {
    pub root: Vec<u8>,
    pub resources: Vec<QuotaResource>,
}

pub fn parse_quota(items: &[Item]) -> Vec<Result<Quota, Invalid>> {
    each(items, |t| {
        let root = next_astring(t)?;
        let v = t.expect_value()?;
        let mut resources = Vec::new();
        for r in v.list()?.chunks(3) {
            if r.len() < 3 {
                return err(
                    ErrorKind::Shape,
                    "QUOTA resource needs name, usage and limit",
                );
            }
            resources.push(QuotaResource {
                name: astring(&r[0])?,
                usage: r[1].number64()?,
                limit: r[2].number64()?,
            });
        }
        Ok(Quota { root, resources })
    })
}

/// QUOTAROOT: a mailbox and its quota roots.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuotaRoot {
    pub mailbox: MailboxName,
    pub roots: Vec<Vec<u8>>,
}

pub fn parse_quotaroot(items: &[Item]) -> Vec<Result<QuotaRoot, Invalid>> {
    each(items, |t| {
        let mailbox = MailboxName::new(next_astring(t)?);
        let roots = t
            .read_all()?
            .iter()
            .map(astring)
            .collect::<Result<_, _>>()?;
        Ok(QuotaRoot { mailbox, roots })
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AclEntry {
    pub identifier: Vec<u8>,
    pub rights: Vec<u8>,
}

/// ACL (RFC 4314).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Acl {
    pub mailbox: MailboxName,
    pub entries: Vec<AclEntry>,
}

pub fn parse_acl(items: &[Item]) -> Vec<Result<Acl, Invalid>> {
    each(items, |t| {
        let mailbox = MailboxName::new(next_astring(t)?);
        let rest = t.read_all()?;
        let mut entries = Vec::new();
        for p in rest.chunks(2) {
            entries.push(AclEntry {
                identifier: astring(&p[0])?,
                rights: astring(p.get(1).unwrap_or(&Value::Nil)).unwrap_or_default(),
            });
        }
        Ok(Acl { mailbox, entries })
    })
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MyRights {
    pub mailbox: MailboxName,
    pub rights: Vec<u8>,
}

pub fn parse_myrights(items: &[Item]) -> Vec<Result<MyRights, Invalid>> {
    each(items, |t| {
        Ok(MyRights {
            mailbox: MailboxName::new(next_astring(t)?),
            rights: next_astring(t)?,
        })
    })
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListRights {
    pub mailbox: MailboxName,
    pub identifier: Vec<u8>,
    /// Rights always granted.
    pub required: Vec<u8>,
    /// Groups of rights that may be granted (each group together).
    pub optional: Vec<Vec<u8>>,
}

pub fn parse_listrights(items: &[Item]) -> Vec<Result<ListRights, Invalid>> {
    each(items, |t| {
        Ok(ListRights {
            mailbox: MailboxName::new(next_astring(t)?),
            identifier: next_astring(t)?,
            required: next_astring(t)?,
            optional: t
                .read_all()?
                .iter()
                .map(astring)
                .collect::<Result<_, _>>()?,
        })
    })
}

/// One METADATA entry; `value` is `None` for NIL and in unsolicited change notices, which
/// list entry names only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataEntry {
    pub name: Vec<u8>,
    pub value: Option<Vec<u8>>,
}

/// METADATA (RFC 5464).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata {
    /// The mailbox; empty for server metadata.
    pub mailbox: MailboxName,
    pub entries: Vec<MetadataEntry>,
}

pub fn parse_metadata(items: &[Item]) -> Vec<Result<Metadata, Invalid>> {
    each(items, |t| {
        let mailbox = MailboxName::new(next_astring(t)?);
        let mut entries = Vec::new();
        for v in t.read_all()? {
            match v {
                Value::List(l) => {
                    for p in l.chunks(2) {
                        entries.push(MetadataEntry {
                            name: astring(&p[0])?,
                            value: match p.get(1) {
                                Some(x) => x.nstring()?,
                                None => None,
                            },
                        });
                    }
                }
                v => entries.push(MetadataEntry {
                    name: astring(&v)?,
                    value: None,
                }),
            }
        }
        Ok(Metadata { mailbox, entries })
    })
}

/// CAPABILITY: every capability of every response, as sent.
pub fn parse_capability(items: &[Item]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for r in responses(items) {
        let mut t = Tokenizer::new(r);
        while let Ok(Some(tok)) = t.next_token() {
            match tok {
                Token::Atom(a) => out.push(a.to_vec()),
                Token::Number(n) => out.push(n.to_string().into_bytes()),
                Token::Quoted(q) => out.push(q.into_owned()),
                _ => {}
            }
        }
    }
    out
}

/// Whether `caps` has `name` (case-insensitive).
pub fn has_capability(caps: &[Vec<u8>], name: &str) -> bool {
    caps.iter().any(|c| c.eq_ignore_ascii_case(name.as_bytes()))
}

/// ID (RFC 2971): the server's field/value pairs; empty for NIL.
pub fn parse_id(items: &[Item]) -> Vec<Result<Vec<Param<'static>>, Invalid>> {
    each(items, |t| {
        let v = t.expect_value()?;
        v.list()?
            .chunks(2)
            .map(|p| {
                Ok(Param {
                    name: astring(&p[0])?.into(),
                    value: match p.get(1) {
                        Some(x) => x.nstring()?.map(Into::into),
                        None => None,
                    },
                })
            })
            .collect()
    })
}
