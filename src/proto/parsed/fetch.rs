//! FETCH responses, message by message.
//!
//! [`parse_fetch`] takes a FETCH command's data (the items of `fetch()`/`uid("FETCH")`, or the
//! store's `FETCH` entry) and returns one [`FetchMessage`] per response, in order. A response
//! that cannot be read completely still yields its message: with the items read before the
//! problem, the item that failed kept raw in [`FetchMessage::other`] when it could be
//! delimited, and [`FetchMessage::invalid`] set to the error and the response's raw bytes.
//! One bad message never costs the others.
//!
//! Leniency (what real servers send): item names and `NIL` in any case; NIL where a string,
//! a list or a number belongs; fewer fields than the grammar wants (missing ones are NIL);
//! parameters with NIL values (Mail.ru's NIL boundary); a bare string as a disposition;
//! an empty multipart (`("mixed" ("boundary" "x") NIL NIL)` without children);
//! `message/global` (RFC 6532) read like `message/rfc822`; a `message/rfc822` part without
//! envelope and body read as a basic part; quoted numbers; unknown extension data kept raw.
//! Grammar deviations of the wire format itself (a literal glued to its item name, extra
//! spaces, unescaped quotes, ENVELOPE group markers that do not pair up) are accepted and
//! recorded in [`FetchMessage::quirks`]; address lists stay one to one with the entries sent.

use super::token::{parse_nz32, parse_u32, Flat, Token, Tokenizer, L, V};
use super::{err, excerpt, responses, ErrorKind, Invalid, ParseError, Quirks, MAX_DEPTH};
use crate::proto::imaplib::InternalDate;
use crate::proto::response::Item;
use std::borrow::Cow;

/// A byte string of a parsed result: borrowed from the items it was read from, owned only
/// when it had to be rewritten (a quoted string with `\` escapes, a number read as text).
pub type Bytes<'a> = Cow<'a, [u8]>;

/// One message of a FETCH result, borrowing its strings and section data from the items it
/// was parsed from. Fields the server did not send are `None` / empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchMessage<'a> {
    /// The message sequence number (`* 12 FETCH ...`); 0 if even that could not be read.
    pub seq: u32,
    pub uid: Option<u32>,
    /// FLAGS as sent (`\Seen`, `$Junk`...).
    pub flags: Option<Vec<Bytes<'a>>>,
    /// INTERNALDATE: the instant and the offset written in the date.
    pub internal_date: Option<InternalDate>,
    pub rfc822_size: Option<u64>,
    /// MODSEQ (RFC 7162).
    pub modseq: Option<u64>,
    /// (Boxed, as the two trees below: a message without them stays small.)
    pub envelope: Option<Box<Envelope<'a>>>,
    /// BODYSTRUCTURE (with extension data).
    pub body_structure: Option<Box<BodyPart<'a>>>,
    /// BODY without a section (the non-extensible structure).
    pub body: Option<Box<BodyPart<'a>>>,
    /// `BODY[...]<origin>`, `BINARY[...]`, `RFC822`, `RFC822.HEADER`, `RFC822.TEXT`, in the
    /// order sent.
    pub sections: Vec<BodySection<'a>>,
    /// `BINARY.SIZE[...]` (RFC 3516).
    pub binary_sizes: Vec<BinarySize>,
    /// Items this parser does not know (X-GM-LABELS, PREVIEW...) and items whose
    /// value was malformed: name as sent, value re-serialised in IMAP syntax.
    pub other: Vec<RawItem<'a>>,
    /// Set when the response could not be read completely or an item was malformed (boxed:
    /// the rare case).
    pub invalid: Option<Box<Invalid>>,
    /// Deviations from the grammar that were accepted (see [`Quirks`]); the data above is
    /// still exactly what the server sent.
    pub quirks: Quirks,
    /// RFC 8474 `EMAILID (id)`.
    pub email_id: Option<Vec<u8>>,
    /// RFC 8474 `THREADID`: `Some(None)` for `THREADID NIL` (the server keeps no thread for
    /// the message).
    pub thread_id: Option<Option<Vec<u8>>>,
}

/// An item kept as bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawItem<'a> {
    pub name: Bytes<'a>,
    pub raw: Vec<u8>,
}

/// ENVELOPE. Header fields are raw (RFC 2047 encoded words undecoded: see
/// [`super::rfc2047::decode`] and [`Envelope::subject_decoded`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Envelope<'a> {
    pub date: Option<Bytes<'a>>,
    pub subject: Option<Bytes<'a>>,
    pub from: Vec<Address<'a>>,
    pub sender: Vec<Address<'a>>,
    pub reply_to: Vec<Address<'a>>,
    pub to: Vec<Address<'a>>,
    pub cc: Vec<Address<'a>>,
    pub bcc: Vec<Address<'a>>,
    pub in_reply_to: Option<Bytes<'a>>,
    pub message_id: Option<Bytes<'a>>,
}

impl Envelope<'_> {
    /// The subject with RFC 2047 encoded words decoded.
    pub fn subject_decoded(&self) -> Option<String> {
        self.subject.as_deref().map(super::rfc2047::decode)
    }
}

/// One address of an ENVELOPE list: a mailbox, or an RFC 2822 group (`undisclosed: ;`),
/// which RFC 3501 marks with a NIL-host entry before (`(NIL NIL "name" NIL)`) and after
/// (`(NIL NIL NIL NIL)`) its members. The list stays one to one with the entries sent: a
/// group counts its start marker, its members and its end marker only if one was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Address<'a> {
    Mailbox(Mailbox<'a>),
    /// (Boxed: groups are rare, and a list of mailboxes stays small.)
    Group(Box<Group<'a>>),
    /// A group end marker with no group open ([`Quirks::GROUP_END_WITHOUT_START`]), as sent.
    StrayGroupEnd(Mailbox<'a>),
}

/// `(name adl mailbox host)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mailbox<'a> {
    /// Display name (raw, may hold encoded words).
    pub name: Option<Bytes<'a>>,
    /// Source route (obsolete "at-domain-list").
    pub adl: Option<Bytes<'a>>,
    /// Local part.
    pub mailbox: Option<Bytes<'a>>,
    pub host: Option<Bytes<'a>>,
}

impl Mailbox<'_> {
    /// `mailbox@host` (or just the mailbox when the host is NIL).
    pub fn email(&self) -> Vec<u8> {
        let mut out = self.mailbox.as_deref().unwrap_or_default().to_vec();
        if let Some(h) = &self.host {
            out.push(b'@');
            out.extend_from_slice(h);
        }
        out
    }
}

/// A group: its display name, its members and the end marker as sent: `(NIL NIL NIL NIL)`,
/// Courier's `(NIL NIL "" NIL)` ([`Quirks::GROUP_END_EMPTY_MAILBOX`]), or `None` when the
/// server never ended the group ([`Quirks::GROUP_NOT_CLOSED`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Group<'a> {
    pub name: Bytes<'a>,
    pub members: Vec<Mailbox<'a>>,
    pub end: Option<Mailbox<'a>>,
}

/// `name value` of a parameter list; the value may be NIL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param<'a> {
    pub name: Bytes<'a>,
    pub value: Option<Bytes<'a>>,
}

/// Content-Disposition: type (`attachment`, `inline`) and parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disposition<'a> {
    pub kind: Bytes<'a>,
    pub params: Vec<Param<'a>>,
}

/// One node of a BODY / BODYSTRUCTURE tree. A multipart has `multipart == true`,
/// `media_type == b"MULTIPART"`, its parts in `children`, and only `subtype`, `params`,
/// `disposition`, `language`, `location` and `extension` of the other fields. A
/// message/rfc822 (or message/global) part has `message` set. Strings are as sent (compare
/// type names case-insensitively).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BodyPart<'a> {
    pub multipart: bool,
    /// `TEXT`, `IMAGE`, ... (empty if the server sent NIL).
    pub media_type: Bytes<'a>,
    pub subtype: Bytes<'a>,
    pub params: Vec<Param<'a>>,
    pub id: Option<Bytes<'a>>,
    pub description: Option<Bytes<'a>>,
    /// Content-Transfer-Encoding (empty if NIL).
    pub encoding: Bytes<'a>,
    /// Size in bytes of the encoded body (0 if NIL, recorded as [`Quirks::NIL_FIELD`]).
    pub size: u64,
    /// Lines, for text/* and message/rfc822 parts.
    pub lines: Option<u64>,
    pub md5: Option<Bytes<'a>>,
    pub disposition: Option<Disposition<'a>>,
    pub language: Vec<Bytes<'a>>,
    pub location: Option<Bytes<'a>>,
    /// Extension data beyond the known fields, each value re-serialised.
    pub extension: Vec<Vec<u8>>,
    pub children: Vec<BodyPart<'a>>,
    pub message: Option<Box<EmbeddedMessage<'a>>>,
}

/// The envelope and structure of a message/rfc822 (or message/global) part.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EmbeddedMessage<'a> {
    pub envelope: Envelope<'a>,
    pub body: BodyPart<'a>,
}

/// Which item carried a section's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionKind {
    /// `BODY[section]<origin>`
    Body,
    /// `BINARY[section]<origin>` (RFC 3516)
    Binary,
    /// `RFC822` (same as `BODY[]`)
    Rfc822,
    /// `RFC822.HEADER` (same as `BODY[HEADER]`)
    Rfc822Header,
    /// `RFC822.TEXT` (same as `BODY[TEXT]`)
    Rfc822Text,
}

/// The text part of a section spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionText {
    /// Nothing after the part numbers: the whole part (`BODY[]`, `BODY[1.2]`).
    Full,
    Header,
    HeaderFields,
    HeaderFieldsNot,
    Text,
    Mime,
    /// Something else: see the raw spec.
    Other,
}

/// A section's data: a literal's bytes are borrowed from the item that holds them, never
/// copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SectionData<'a> {
    Nil,
    Bytes(Bytes<'a>),
    /// The literal went to a streaming sink: only its size is here.
    Streamed(u64),
}

/// One body section item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodySection<'a> {
    pub kind: SectionKind,
    /// The spec between the brackets as sent (`1.HEADER.FIELDS (DATE FROM)`); empty for
    /// `BODY[]` and the RFC822 forms.
    pub spec: &'a [u8],
    /// Part numbers (`1.2` → `[1, 2]`); empty for the top level.
    pub part: Vec<u32>,
    pub text: SectionText,
    /// Header field names of HEADER.FIELDS / HEADER.FIELDS.NOT.
    pub fields: Vec<Bytes<'a>>,
    /// `<origin>` of a partial fetch.
    pub origin: Option<u32>,
    pub data: SectionData<'a>,
}

/// `BINARY.SIZE[part]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinarySize {
    pub part: Vec<u32>,
    pub size: u64,
}

/// Parses a FETCH command's data: one message per response, borrowing from `items`. Never
/// fails as a whole.
pub fn parse_fetch(items: &[Item]) -> Vec<FetchMessage<'_>> {
    let mut flat = Flat::new();
    let mut out = Vec::with_capacity(responses(items).count());
    out.extend(responses(items).map(|r| parse_fetch_response_with(r, &mut flat)));
    out
}

/// Parses one FETCH response (its items).
pub fn parse_fetch_response(resp: &[Item]) -> FetchMessage<'_> {
    parse_fetch_response_with(resp, &mut Flat::new())
}

/// Parses one FETCH response with `flat` as the value buffer (reused from one response to
/// the next, it stops allocating once grown).
pub fn parse_fetch_response_with<'a>(resp: &'a [Item], flat: &mut Flat<'a>) -> FetchMessage<'a> {
    let mut msg = FetchMessage::default();
    let mut t = Tokenizer::new(resp);
    if let Err(e) = read_message(&mut t, flat, &mut msg) {
        msg.invalid = Some(Box::new(Invalid::new(e, resp)));
    }
    msg.quirks |= t.quirks();
    msg
}

fn read_message<'a>(
    t: &mut Tokenizer<'a>,
    flat: &mut Flat<'a>,
    msg: &mut FetchMessage<'a>,
) -> Result<(), ParseError> {
    msg.seq = match t.next_fast()? {
        Some(Token::Number(n)) => match u32::try_from(n) {
            Ok(0) => return err(ErrorKind::Number, "message number 0"),
            Ok(n) => n,
            Err(_) => return err(ErrorKind::Number, "message number too large"),
        },
        _ => return err(ErrorKind::Shape, "FETCH response without a message number"),
    };
    if t.next_fast()? != Some(Token::Open) {
        return err(ErrorKind::Shape, "FETCH data does not start with '('");
    }
    let mut first_error: Option<ParseError> = None;
    loop {
        let name = match t.next_fast()? {
            Some(Token::Close) => break,
            Some(Token::Atom(a)) => a,
            None => return err(ErrorKind::Truncated, "FETCH data ends before ')'"),
            Some(other) => {
                return err(
                    ErrorKind::Shape,
                    format!("expected a FETCH item name, got {other:?}"),
                )
            }
        };
        let first = match t.next_fast()? {
            Some(tok) => tok,
            None => return err(ErrorKind::Truncated, "a value is missing"),
        };
        let value = flat.read(t, first)?;
        if let Err(e) = apply(msg, name, value) {
            msg.other.push(RawItem {
                name: Cow::Borrowed(name),
                raw: value.to_imap(),
            });
            let e = ParseError::new(
                e.kind,
                format!("{}: {}", String::from_utf8_lossy(name), e.message),
            );
            first_error.get_or_insert(e);
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// RFC 8474's `(objectid)` (EMAILID, THREADID).
fn objectid_value(v: V<'_, '_>) -> Result<Vec<u8>, ParseError> {
    match v.as_list() {
        Some(l) if l.len() == 1 => match l.field(0).text() {
            Some(id) => super::codes::objectid(id),
            None => err(ErrorKind::Shape, "expected '(objectid)'"),
        },
        _ => err(
            ErrorKind::Shape,
            format!("expected '(objectid)', got {}", v.describe()),
        ),
    }
}

fn text_list<'a>(v: V<'_, 'a>) -> Result<Vec<Bytes<'a>>, ParseError> {
    let l = v.list()?;
    let mut out = Vec::with_capacity(l.len());
    for x in l.iter() {
        out.push(match x.text_cow() {
            Some(t) => t,
            None => match x.u64() {
                Ok(n) if !x.is_string() => Cow::Owned(n.to_string().into_bytes()),
                _ => {
                    return err(
                        ErrorKind::Shape,
                        format!("expected a flag, got {}", x.describe()),
                    )
                }
            },
        });
    }
    Ok(out)
}

/// True when `name` is `want` (upper case ASCII) in any case.
fn is(name: &[u8], want: &[u8]) -> bool {
    name.eq_ignore_ascii_case(want)
}

fn apply<'a>(msg: &mut FetchMessage<'a>, name: &'a [u8], v: V<'_, 'a>) -> Result<(), ParseError> {
    let (base, bracket) = match name.iter().position(|&b| b == b'[') {
        Some(p) => (&name[..p], Some(&name[p..])),
        None => (name, None),
    };
    let q = &mut msg.quirks;
    match bracket {
        None if is(base, b"UID") => msg.uid = Some(number(v, q).nz32()?),
        None if is(base, b"FLAGS") => msg.flags = Some(text_list(v)?),
        None if is(base, b"RFC822.SIZE") => msg.rfc822_size = Some(number(v, q).number64()?),
        None if is(base, b"MODSEQ") => {
            msg.modseq = Some(match v.as_list() {
                Some(l) if l.len() == 1 => number(l.field(0), q).modseq()?,
                _ => number(v, q).modseq()?,
            })
        }
        None if is(base, b"EMAILID") => msg.email_id = Some(objectid_value(v)?),
        None if is(base, b"THREADID") => {
            msg.thread_id = Some(if v.is_nil() {
                None
            } else {
                Some(objectid_value(v)?)
            })
        }
        None if is(base, b"INTERNALDATE") => {
            let s = v
                .text()
                .ok_or_else(|| ParseError::new(ErrorKind::Shape, "INTERNALDATE is not a string"))?;
            let probe = [b"INTERNALDATE \"".as_ref(), s, b"\""].concat();
            match crate::proto::imaplib::internaldate2tuple(&probe) {
                Ok(Some(d)) => msg.internal_date = Some(d),
                Ok(None) => return err(ErrorKind::Shape, format!("bad date '{}'", excerpt(s))),
                Err(e) => return err(ErrorKind::Shape, e.0),
            }
        }
        None if is(base, b"ENVELOPE") => msg.envelope = Some(Box::new(read_envelope(v, q)?)),
        None if is(base, b"BODYSTRUCTURE") => {
            msg.body_structure = Some(Box::new(read_body(v, 0, q)?))
        }
        None if is(base, b"BODY") => msg.body = Some(Box::new(read_body(v, 0, q)?)),
        None if is(base, b"RFC822") => {
            msg.sections
                .push(section(SectionKind::Rfc822, b"", None, v)?)
        }
        None if is(base, b"RFC822.HEADER") => {
            msg.sections
                .push(section(SectionKind::Rfc822Header, b"", None, v)?)
        }
        None if is(base, b"RFC822.TEXT") => {
            msg.sections
                .push(section(SectionKind::Rfc822Text, b"", None, v)?)
        }
        Some(br) if is(base, b"BODY") || is(base, b"BODY.PEEK") => {
            let (spec, origin) = split_bracket(br)?;
            msg.sections
                .push(section(SectionKind::Body, spec, origin, v)?)
        }
        Some(br) if is(base, b"BINARY") || is(base, b"BINARY.PEEK") => {
            let (spec, origin) = split_bracket(br)?;
            msg.sections
                .push(section(SectionKind::Binary, spec, origin, v)?)
        }
        Some(br) if is(base, b"BINARY.SIZE") => {
            let (spec, _) = split_bracket(br)?;
            msg.binary_sizes.push(BinarySize {
                part: parse_spec(spec)?.0,
                size: number(v, q).number64()?,
            })
        }
        _ => msg.other.push(RawItem {
            name: Cow::Borrowed(name),
            raw: v.to_imap(),
        }),
    }
    Ok(())
}

/// `[spec]<origin>` → spec and origin.
fn split_bracket(br: &[u8]) -> Result<(&[u8], Option<u32>), ParseError> {
    let close = br
        .iter()
        .rposition(|&b| b == b']')
        .ok_or_else(|| ParseError::new(ErrorKind::Syntax, "section without ']'"))?;
    let spec = &br[1..close];
    let after = &br[close + 1..];
    if after.is_empty() {
        return Ok((spec, None));
    }
    let origin = after
        .strip_prefix(b"<")
        .and_then(|a| a.strip_suffix(b">"))
        .and_then(parse_u32)
        .ok_or_else(|| {
            ParseError::new(
                ErrorKind::Syntax,
                format!("bad partial origin '{}'", excerpt(after)),
            )
        })?;
    Ok((spec, Some(origin)))
}

/// A section spec: part numbers, text kind and header field names.
#[allow(clippy::type_complexity)]
fn parse_spec(spec: &[u8]) -> Result<(Vec<u32>, SectionText, Vec<Bytes<'_>>), ParseError> {
    if spec.is_empty() {
        return Ok((Vec::new(), SectionText::Full, Vec::new()));
    }
    let sp = spec.iter().position(|&b| b == b' ').unwrap_or(spec.len());
    let head = &spec[..sp];
    let mut part = Vec::new();
    let mut rest: &[u8] = b"";
    if !head.is_empty() {
        let mut pieces = head.split(|&b| b == b'.');
        let mut consumed = 0;
        for p in pieces.by_ref() {
            if !p.is_empty() && p.iter().all(u8::is_ascii_digit) {
                part.push(parse_nz32(p).ok_or_else(|| {
                    ParseError::new(
                        ErrorKind::Number,
                        format!("section part number '{}' out of range", excerpt(p)),
                    )
                })?);
                consumed += p.len() + 1;
            } else {
                break;
            }
        }
        rest = head.get(consumed..).unwrap_or_default();
    }
    // After the part numbers comes a section keyword (HEADER, TEXT, MIME...) or nothing: a
    // sign or a stray digit is a malformed part number, not an unknown keyword.
    if rest.first().is_some_and(|b| !b.is_ascii_alphabetic()) {
        return err(
            ErrorKind::Number,
            format!("bad section part number in '{}'", excerpt(spec)),
        );
    }
    let text = if rest.is_empty() {
        SectionText::Full
    } else if is(rest, b"HEADER") {
        SectionText::Header
    } else if is(rest, b"HEADER.FIELDS") {
        SectionText::HeaderFields
    } else if is(rest, b"HEADER.FIELDS.NOT") {
        SectionText::HeaderFieldsNot
    } else if is(rest, b"TEXT") {
        SectionText::Text
    } else if is(rest, b"MIME") {
        SectionText::Mime
    } else {
        SectionText::Other
    };
    let mut fields = Vec::new();
    if sp < spec.len() {
        let mut t = Tokenizer::from_bytes(&spec[sp..]);
        while let Some(tok) = t.next_token()? {
            match tok {
                Token::Atom(a) => fields.push(Cow::Borrowed(a)),
                Token::Quoted(q) => fields.push(q),
                Token::Number(n) => fields.push(Cow::Owned(n.to_string().into_bytes())),
                Token::Nil => fields.push(Cow::Borrowed(&b"NIL"[..])),
                _ => {}
            }
        }
    }
    Ok((part, text, fields))
}

fn section<'a>(
    kind: SectionKind,
    spec: &'a [u8],
    origin: Option<u32>,
    v: V<'_, 'a>,
) -> Result<BodySection<'a>, ParseError> {
    let (part, text, fields) = parse_spec(spec)?;
    let data = if v.is_nil() {
        SectionData::Nil
    } else if let Some(n) = v.streamed() {
        SectionData::Streamed(n)
    } else if let Some(t) = v.text_cow() {
        SectionData::Bytes(t)
    } else if v.is_list() {
        return err(ErrorKind::Shape, "section data is a list");
    } else {
        SectionData::Bytes(Cow::Owned(v.u64()?.to_string().into_bytes()))
    };
    Ok(BodySection {
        kind,
        spec,
        part,
        text,
        fields,
        origin,
        data,
    })
}

/// ENVELOPE: ten fields, missing ones read as NIL. Quirks accepted are not reported here:
/// [`parse_fetch`] reports them on the message.
pub fn envelope<'a>(v: V<'_, 'a>) -> Result<Envelope<'a>, ParseError> {
    read_envelope(v, &mut Quirks::default())
}

fn read_envelope<'a>(v: V<'_, 'a>, q: &mut Quirks) -> Result<Envelope<'a>, ParseError> {
    let Some(l) = v.as_list() else {
        return err(ErrorKind::Shape, format!("ENVELOPE is {}", v.describe()));
    };
    if l.len() < 10 {
        *q |= Quirks::NIL_FIELD;
    }
    Ok(Envelope {
        date: l.field(0).nstring()?,
        subject: l.field(1).nstring()?,
        from: addresses(l.field(2), q)?,
        sender: addresses(l.field(3), q)?,
        reply_to: addresses(l.field(4), q)?,
        to: addresses(l.field(5), q)?,
        cc: addresses(l.field(6), q)?,
        bcc: addresses(l.field(7), q)?,
        in_reply_to: l.field(8).nstring()?,
        message_id: l.field(9).nstring()?,
    })
}

/// An address list with RFC 3501 group markers turned into [`Group`]s, one to one with the
/// entries sent (`()` and NIL are empty). An entry with a NIL host is a marker: a NIL mailbox
/// ends the open group, a non-NIL one starts a group. Courier's `""` mailbox is an end
/// marker too (an RFC 5322 group name is never empty), recorded as a quirk; so are a group
/// left open and an end marker with no group open, which is kept as
/// [`Address::StrayGroupEnd`].
fn addresses<'a>(v: V<'_, 'a>, q: &mut Quirks) -> Result<Vec<Address<'a>>, ParseError> {
    let list = v.list()?;
    let mut out = Vec::with_capacity(list.len());
    let mut group: Option<Box<Group<'a>>> = None;
    for a in list.iter() {
        let f = a.list()?;
        if f.len() != 4 {
            *q |= Quirks::NIL_FIELD;
        }
        let m = Mailbox {
            name: f.field(0).nstring()?,
            adl: f.field(1).nstring()?,
            mailbox: f.field(2).nstring()?,
            host: f.field(3).nstring()?,
        };
        if m.host.is_some() {
            match group.as_mut() {
                Some(g) => g.members.push(m),
                None => out.push(Address::Mailbox(m)),
            }
            continue;
        }
        let empty = m.mailbox.as_deref() == Some(b"");
        match m.mailbox.as_ref() {
            Some(name) if !empty => {
                if let Some(g) = group.take() {
                    *q |= Quirks::GROUP_NOT_CLOSED;
                    out.push(Address::Group(g));
                }
                group = Some(Box::new(Group {
                    name: name.clone(),
                    members: Vec::new(),
                    end: None,
                }));
            }
            _ => {
                if empty {
                    *q |= Quirks::GROUP_END_EMPTY_MAILBOX;
                }
                match group.take() {
                    Some(mut g) => {
                        g.end = Some(m);
                        out.push(Address::Group(g));
                    }
                    None => {
                        *q |= Quirks::GROUP_END_WITHOUT_START;
                        out.push(Address::StrayGroupEnd(m));
                    }
                }
            }
        }
    }
    if let Some(g) = group {
        *q |= Quirks::GROUP_NOT_CLOSED;
        out.push(Address::Group(g));
    }
    Ok(out)
}

/// Field `i` of a list, where the grammar requires a value: a missing field or NIL reads as
/// NIL and is recorded ([`Quirks::NIL_FIELD`]).
fn required<'f, 'a>(l: L<'f, 'a>, i: usize, q: &mut Quirks) -> V<'f, 'a> {
    match l.get(i) {
        Some(v) if !v.is_nil() => v,
        _ => {
            *q |= Quirks::NIL_FIELD;
            V::NIL
        }
    }
}

/// A number field; a number sent as a quoted string is read and recorded
/// ([`Quirks::QUOTED_NUMBER`]).
fn number<'f, 'a>(v: V<'f, 'a>, q: &mut Quirks) -> V<'f, 'a> {
    if v.is_string() {
        *q |= Quirks::QUOTED_NUMBER;
    }
    v
}

fn params<'a>(v: V<'_, 'a>, q: &mut Quirks) -> Result<Vec<Param<'a>>, ParseError> {
    // Some servers send a bare string for an empty list; be lenient.
    if v.is_string() || v.is_atom() {
        return Ok(Vec::new());
    }
    let l = v.list()?;
    let mut out = Vec::with_capacity(l.len().div_ceil(2));
    let mut i = 0;
    while i < l.len() {
        let pair = l.from(i).take(2);
        out.push(Param {
            name: pair.field(0).string_or_empty()?,
            value: required(pair, 1, q).nstring()?,
        });
        i += 2;
    }
    Ok(out)
}

fn disposition<'a>(v: V<'_, 'a>, q: &mut Quirks) -> Result<Option<Disposition<'a>>, ParseError> {
    if v.is_nil() {
        return Ok(None);
    }
    Ok(match v.as_list() {
        Some(l) if l.is_empty() => None,
        Some(l) => Some(Disposition {
            kind: l.field(0).string_or_empty()?,
            params: params(l.field(1), q)?,
        }),
        None => Some(Disposition {
            kind: v.string_or_empty()?,
            params: Vec::new(),
        }),
    })
}

fn language<'a>(v: V<'_, 'a>) -> Result<Vec<Bytes<'a>>, ParseError> {
    if v.is_nil() {
        return Ok(Vec::new());
    }
    Ok(match v.as_list() {
        Some(l) => l
            .iter()
            .map(|x| x.string_or_empty())
            .collect::<Result<_, _>>()?,
        None => vec![v.string_or_empty()?],
    })
}

/// Extension fields from `ext` on: [md5 for single parts] disposition language location,
/// then anything further kept raw. A malformed known field and all after it are kept raw.
fn extensions<'a>(part: &mut BodyPart<'a>, ext: L<'_, 'a>, with_md5: bool, q: &mut Quirks) {
    let mut i = 0;
    let mut step = |i: &mut usize| -> Result<(), ParseError> {
        if with_md5 {
            if let Some(v) = ext.get(*i) {
                part.md5 = v.nstring()?;
                *i += 1;
            }
        } else if let Some(v) = ext.get(*i) {
            part.params = params(v, q)?;
            *i += 1;
        }
        if let Some(v) = ext.get(*i) {
            part.disposition = disposition(v, q)?;
            *i += 1;
        }
        if let Some(v) = ext.get(*i) {
            part.language = language(v)?;
            *i += 1;
        }
        if let Some(v) = ext.get(*i) {
            part.location = v.nstring()?;
            *i += 1;
        }
        Ok(())
    };
    let _ = step(&mut i);
    part.extension = ext.from(i).iter().map(|v| v.to_imap()).collect();
}

fn is_text(v: V<'_, '_>) -> bool {
    v.is_string() || v.is_atom() || v.is_nil()
}

const MULTIPART: Bytes<'static> = Cow::Borrowed(b"MULTIPART");

/// A BODY or BODYSTRUCTURE value. Recursion is bounded by the tokenizer's [`MAX_DEPTH`]
/// (every level of the tree is a level of parentheses) and checked again here. Quirks
/// accepted are not reported here: [`parse_fetch`] reports them on the message.
pub fn body<'a>(v: V<'_, 'a>, depth: usize) -> Result<BodyPart<'a>, ParseError> {
    read_body(v, depth, &mut Quirks::default())
}

fn read_body<'a>(v: V<'_, 'a>, depth: usize, q: &mut Quirks) -> Result<BodyPart<'a>, ParseError> {
    if depth > MAX_DEPTH {
        return err(ErrorKind::Depth, "body structure nested too deeply");
    }
    let l = match v.as_list() {
        Some(l) if !l.is_empty() => l,
        _ => return err(ErrorKind::Shape, format!("body is {}", v.describe())),
    };
    let first = l.field(0);
    // Multipart: one or more parts, then the subtype and extension data.
    if first.is_list() {
        let n = l.iter().take_while(|x| x.is_list()).count();
        let mut part = BodyPart {
            multipart: true,
            media_type: MULTIPART,
            children: Vec::with_capacity(n),
            ..Default::default()
        };
        for c in l.take(n).iter() {
            part.children.push(read_body(c, depth + 1, q)?);
        }
        part.subtype = required(l, n, q).string_or_empty()?;
        extensions(&mut part, l.from(n + 1), false, q);
        return Ok(part);
    }
    // An empty multipart: the subtype, then a parameter list (or nothing) where a basic
    // part has its subtype string.
    if is_text(first) && !matches!(l.get(1), Some(x) if is_text(x)) {
        let mut part = BodyPart {
            multipart: true,
            media_type: MULTIPART,
            subtype: first.string_or_empty()?,
            ..Default::default()
        };
        extensions(&mut part, l.from(1), false, q);
        return Ok(part);
    }
    let mut part = BodyPart {
        media_type: required(l, 0, q).string_or_empty()?,
        subtype: required(l, 1, q).string_or_empty()?,
        params: params(l.field(2), q)?,
        id: l.field(3).nstring()?,
        description: l.field(4).nstring()?,
        encoding: required(l, 5, q).string_or_empty()?,
        size: match required(l, 6, q) {
            x if x.is_nil() => 0,
            x => number(x, q).number64()?,
        },
        ..Default::default()
    };
    let lines = |i: usize, q: &mut Quirks| -> Result<Option<u64>, ParseError> {
        match required(l, i, q) {
            x if x.is_nil() => Ok(None),
            x => number(x, q).number64().map(Some),
        }
    };
    let ext_at = if is(&part.media_type, b"MESSAGE")
        && (is(&part.subtype, b"RFC822") || is(&part.subtype, b"GLOBAL"))
        && l.field(7).is_list()
        && l.field(8).is_list()
    {
        part.message = Some(Box::new(EmbeddedMessage {
            envelope: read_envelope(l.field(7), q)?,
            body: read_body(l.field(8), depth + 1, q)?,
        }));
        part.lines = lines(9, q)?;
        10
    } else if is(&part.media_type, b"TEXT") {
        part.lines = lines(7, q)?;
        8
    } else {
        7
    };
    extensions(&mut part, l.from(ext_at), true, q);
    Ok(part)
}
