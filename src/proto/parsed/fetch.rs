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

use super::token::{parse_nz32, parse_u32, Token, Tokenizer, Value};
use super::{err, excerpt, responses, ErrorKind, Invalid, ParseError, Quirks, MAX_DEPTH};
use crate::proto::imaplib::InternalDate;
use crate::proto::response::Item;

/// One message of a FETCH result. Fields the server did not send are `None` / empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchMessage {
    /// The message sequence number (`* 12 FETCH ...`); 0 if even that could not be read.
    pub seq: u32,
    pub uid: Option<u32>,
    /// FLAGS as sent (`\Seen`, `$Junk`...).
    pub flags: Option<Vec<Vec<u8>>>,
    /// INTERNALDATE: the instant and the offset written in the date.
    pub internal_date: Option<InternalDate>,
    pub rfc822_size: Option<u64>,
    /// MODSEQ (RFC 7162).
    pub modseq: Option<u64>,
    pub envelope: Option<Envelope>,
    /// BODYSTRUCTURE (with extension data).
    pub body_structure: Option<BodyPart>,
    /// BODY without a section (the non-extensible structure).
    pub body: Option<BodyPart>,
    /// `BODY[...]<origin>`, `BINARY[...]`, `RFC822`, `RFC822.HEADER`, `RFC822.TEXT`, in the
    /// order sent.
    pub sections: Vec<BodySection>,
    /// `BINARY.SIZE[...]` (RFC 3516).
    pub binary_sizes: Vec<BinarySize>,
    /// Items this parser does not know (X-GM-LABELS, EMAILID, PREVIEW...) and items whose
    /// value was malformed: name as sent, value re-serialised in IMAP syntax.
    pub other: Vec<RawItem>,
    /// Set when the response could not be read completely or an item was malformed.
    pub invalid: Option<Invalid>,
    /// Deviations from the grammar that were accepted (see [`Quirks`]); the data above is
    /// still exactly what the server sent.
    pub quirks: Quirks,
}

/// An item kept as bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawItem {
    pub name: Vec<u8>,
    pub raw: Vec<u8>,
}

/// ENVELOPE. Header fields are raw (RFC 2047 encoded words undecoded: see
/// [`super::rfc2047::decode`] and [`Envelope::subject_decoded`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Envelope {
    pub date: Option<Vec<u8>>,
    pub subject: Option<Vec<u8>>,
    pub from: Vec<Address>,
    pub sender: Vec<Address>,
    pub reply_to: Vec<Address>,
    pub to: Vec<Address>,
    pub cc: Vec<Address>,
    pub bcc: Vec<Address>,
    pub in_reply_to: Option<Vec<u8>>,
    pub message_id: Option<Vec<u8>>,
}

impl Envelope {
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
pub enum Address {
    Mailbox(Mailbox),
    Group(Group),
    /// A group end marker with no group open ([`Quirks::GROUP_END_WITHOUT_START`]), as sent.
    StrayGroupEnd(Mailbox),
}

/// `(name adl mailbox host)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mailbox {
    /// Display name (raw, may hold encoded words).
    pub name: Option<Vec<u8>>,
    /// Source route (obsolete "at-domain-list").
    pub adl: Option<Vec<u8>>,
    /// Local part.
    pub mailbox: Option<Vec<u8>>,
    pub host: Option<Vec<u8>>,
}

impl Mailbox {
    /// `mailbox@host` (or just the mailbox when the host is NIL).
    pub fn email(&self) -> Vec<u8> {
        let mut out = self.mailbox.clone().unwrap_or_default();
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
pub struct Group {
    pub name: Vec<u8>,
    pub members: Vec<Mailbox>,
    pub end: Option<Mailbox>,
}

/// `name value` of a parameter list; the value may be NIL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    pub name: Vec<u8>,
    pub value: Option<Vec<u8>>,
}

/// Content-Disposition: type (`attachment`, `inline`) and parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disposition {
    pub kind: Vec<u8>,
    pub params: Vec<Param>,
}

/// One node of a BODY / BODYSTRUCTURE tree. A multipart has `multipart == true`,
/// `media_type == b"MULTIPART"`, its parts in `children`, and only `subtype`, `params`,
/// `disposition`, `language`, `location` and `extension` of the other fields. A
/// message/rfc822 (or message/global) part has `message` set. Strings are as sent (compare
/// type names case-insensitively).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BodyPart {
    pub multipart: bool,
    /// `TEXT`, `IMAGE`, ... (empty if the server sent NIL).
    pub media_type: Vec<u8>,
    pub subtype: Vec<u8>,
    pub params: Vec<Param>,
    pub id: Option<Vec<u8>>,
    pub description: Option<Vec<u8>>,
    /// Content-Transfer-Encoding (empty if NIL).
    pub encoding: Vec<u8>,
    /// Size in bytes of the encoded body (0 if NIL, recorded as [`Quirks::NIL_FIELD`]).
    pub size: u64,
    /// Lines, for text/* and message/rfc822 parts.
    pub lines: Option<u64>,
    pub md5: Option<Vec<u8>>,
    pub disposition: Option<Disposition>,
    pub language: Vec<Vec<u8>>,
    pub location: Option<Vec<u8>>,
    /// Extension data beyond the known fields, each value re-serialised.
    pub extension: Vec<Vec<u8>>,
    pub children: Vec<BodyPart>,
    pub message: Option<Box<EmbeddedMessage>>,
}

/// The envelope and structure of a message/rfc822 (or message/global) part.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EmbeddedMessage {
    pub envelope: Envelope,
    pub body: BodyPart,
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

/// A section's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SectionData {
    Nil,
    Bytes(Vec<u8>),
    /// The literal went to a streaming sink: only its size is here.
    Streamed(u64),
}

/// One body section item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodySection {
    pub kind: SectionKind,
    /// The spec between the brackets as sent (`1.HEADER.FIELDS (DATE FROM)`); empty for
    /// `BODY[]` and the RFC822 forms.
    pub spec: Vec<u8>,
    /// Part numbers (`1.2` → `[1, 2]`); empty for the top level.
    pub part: Vec<u32>,
    pub text: SectionText,
    /// Header field names of HEADER.FIELDS / HEADER.FIELDS.NOT.
    pub fields: Vec<Vec<u8>>,
    /// `<origin>` of a partial fetch.
    pub origin: Option<u32>,
    pub data: SectionData,
}

/// `BINARY.SIZE[part]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinarySize {
    pub part: Vec<u32>,
    pub size: u64,
}

/// Parses a FETCH command's data: one message per response. Never fails as a whole.
pub fn parse_fetch(items: &[Item]) -> Vec<FetchMessage> {
    responses(items).map(parse_fetch_response).collect()
}

/// Parses one FETCH response (its items).
pub fn parse_fetch_response(resp: &[Item]) -> FetchMessage {
    let mut msg = FetchMessage::default();
    let mut t = Tokenizer::new(resp);
    if let Err(e) = read_message(&mut t, &mut msg) {
        msg.invalid = Some(Invalid::new(e, resp));
    }
    msg.quirks |= t.quirks();
    msg
}

fn read_message<'a>(t: &mut Tokenizer<'a>, msg: &mut FetchMessage) -> Result<(), ParseError> {
    msg.seq = match t.next_checked()? {
        Some(Token::Number(n)) => match u32::try_from(n) {
            Ok(0) => return err(ErrorKind::Number, "message number 0"),
            Ok(n) => n,
            Err(_) => return err(ErrorKind::Number, "message number too large"),
        },
        _ => return err(ErrorKind::Shape, "FETCH response without a message number"),
    };
    if t.next_checked()? != Some(Token::Open) {
        return err(ErrorKind::Shape, "FETCH data does not start with '('");
    }
    let mut first_error: Option<ParseError> = None;
    loop {
        let name = match t.next_checked()? {
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
        let value = t.expect_value()?;
        if let Err(e) = apply(msg, name, &value) {
            msg.other.push(RawItem {
                name: name.to_vec(),
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

fn text_list(v: &Value<'_>) -> Result<Vec<Vec<u8>>, ParseError> {
    v.list()?
        .iter()
        .map(|x| match x {
            Value::Number(n) => Ok(n.to_string().into_bytes()),
            _ => match x.text() {
                Some(t) => Ok(t.to_vec()),
                None => err(
                    ErrorKind::Shape,
                    format!("expected a flag, got {}", x.describe()),
                ),
            },
        })
        .collect()
}

fn apply(msg: &mut FetchMessage, name: &[u8], v: &Value<'_>) -> Result<(), ParseError> {
    let (base, bracket) = match name.iter().position(|&b| b == b'[') {
        Some(p) => (&name[..p], Some(&name[p..])),
        None => (name, None),
    };
    let base = base.to_ascii_uppercase();
    match (base.as_slice(), bracket) {
        (b"UID", None) => msg.uid = Some(number(v, &mut msg.quirks).nz32()?),
        (b"FLAGS", None) => msg.flags = Some(text_list(v)?),
        (b"RFC822.SIZE", None) => msg.rfc822_size = Some(number(v, &mut msg.quirks).number64()?),
        (b"MODSEQ", None) => {
            msg.modseq = Some(match v {
                Value::List(l) if l.len() == 1 => number(&l[0], &mut msg.quirks).modseq()?,
                _ => number(v, &mut msg.quirks).modseq()?,
            })
        }
        (b"INTERNALDATE", None) => {
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
        (b"ENVELOPE", None) => msg.envelope = Some(read_envelope(v, &mut msg.quirks)?),
        (b"BODYSTRUCTURE", None) => msg.body_structure = Some(read_body(v, 0, &mut msg.quirks)?),
        (b"BODY", None) => msg.body = Some(read_body(v, 0, &mut msg.quirks)?),
        (b"RFC822", None) => msg
            .sections
            .push(section(SectionKind::Rfc822, b"", None, v)?),
        (b"RFC822.HEADER", None) => {
            msg.sections
                .push(section(SectionKind::Rfc822Header, b"", None, v)?)
        }
        (b"RFC822.TEXT", None) => {
            msg.sections
                .push(section(SectionKind::Rfc822Text, b"", None, v)?)
        }
        (b"BODY" | b"BODY.PEEK", Some(br)) => {
            let (spec, origin) = split_bracket(br)?;
            msg.sections
                .push(section(SectionKind::Body, spec, origin, v)?)
        }
        (b"BINARY" | b"BINARY.PEEK", Some(br)) => {
            let (spec, origin) = split_bracket(br)?;
            msg.sections
                .push(section(SectionKind::Binary, spec, origin, v)?)
        }
        (b"BINARY.SIZE", Some(br)) => {
            let (spec, _) = split_bracket(br)?;
            msg.binary_sizes.push(BinarySize {
                part: parse_spec(spec)?.0,
                size: number(v, &mut msg.quirks).number64()?,
            })
        }
        _ => msg.other.push(RawItem {
            name: name.to_vec(),
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
fn parse_spec(spec: &[u8]) -> Result<(Vec<u32>, SectionText, Vec<Vec<u8>>), ParseError> {
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
    let text = match rest.to_ascii_uppercase().as_slice() {
        b"" => SectionText::Full,
        b"HEADER" => SectionText::Header,
        b"HEADER.FIELDS" => SectionText::HeaderFields,
        b"HEADER.FIELDS.NOT" => SectionText::HeaderFieldsNot,
        b"TEXT" => SectionText::Text,
        b"MIME" => SectionText::Mime,
        _ => SectionText::Other,
    };
    let mut fields = Vec::new();
    if sp < spec.len() {
        let mut t = Tokenizer::from_bytes(&spec[sp..]);
        while let Some(tok) = t.next_token()? {
            match tok {
                Token::Atom(a) => fields.push(a.to_vec()),
                Token::Quoted(q) => fields.push(q.into_owned()),
                Token::Number(n) => fields.push(n.to_string().into_bytes()),
                Token::Nil => fields.push(b"NIL".to_vec()),
                _ => {}
            }
        }
    }
    Ok((part, text, fields))
}

fn section(
    kind: SectionKind,
    spec: &[u8],
    origin: Option<u32>,
    v: &Value<'_>,
) -> Result<BodySection, ParseError> {
    let (part, text, fields) = parse_spec(spec)?;
    let data = match v {
        Value::Nil => SectionData::Nil,
        Value::Streamed(n) => SectionData::Streamed(*n),
        Value::String(s) => SectionData::Bytes(s.to_vec()),
        Value::Atom(a) => SectionData::Bytes(a.to_vec()),
        Value::Number(n) => SectionData::Bytes(n.to_string().into_bytes()),
        Value::List(_) => return err(ErrorKind::Shape, "section data is a list"),
    };
    Ok(BodySection {
        kind,
        spec: spec.to_vec(),
        part,
        text,
        fields,
        origin,
        data,
    })
}

/// ENVELOPE: ten fields, missing ones read as NIL. Quirks accepted are not reported here:
/// [`parse_fetch`] reports them on the message.
pub fn envelope(v: &Value<'_>) -> Result<Envelope, ParseError> {
    read_envelope(v, &mut Quirks::default())
}

fn read_envelope(v: &Value<'_>, q: &mut Quirks) -> Result<Envelope, ParseError> {
    let l = match v {
        Value::List(l) => l.as_slice(),
        _ => return err(ErrorKind::Shape, format!("ENVELOPE is {}", v.describe())),
    };
    if l.len() < 10 {
        *q |= Quirks::NIL_FIELD;
    }
    let field = |i: usize| l.get(i).unwrap_or(&Value::Nil);
    Ok(Envelope {
        date: field(0).nstring()?,
        subject: field(1).nstring()?,
        from: addresses(field(2), q)?,
        sender: addresses(field(3), q)?,
        reply_to: addresses(field(4), q)?,
        to: addresses(field(5), q)?,
        cc: addresses(field(6), q)?,
        bcc: addresses(field(7), q)?,
        in_reply_to: field(8).nstring()?,
        message_id: field(9).nstring()?,
    })
}

/// An address list with RFC 3501 group markers turned into [`Group`]s, one to one with the
/// entries sent (`()` and NIL are empty). An entry with a NIL host is a marker: a NIL mailbox
/// ends the open group, a non-NIL one starts a group. Courier's `""` mailbox is an end
/// marker too (an RFC 5322 group name is never empty), recorded as a quirk; so are a group
/// left open and an end marker with no group open, which is kept as
/// [`Address::StrayGroupEnd`].
fn addresses(v: &Value<'_>, q: &mut Quirks) -> Result<Vec<Address>, ParseError> {
    let mut out = Vec::new();
    let mut group: Option<Group> = None;
    for a in v.list()? {
        let f = a.list()?;
        if f.len() != 4 {
            *q |= Quirks::NIL_FIELD;
        }
        let field = |i: usize| f.get(i).unwrap_or(&Value::Nil).nstring();
        let m = Mailbox {
            name: field(0)?,
            adl: field(1)?,
            mailbox: field(2)?,
            host: field(3)?,
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
                group = Some(Group {
                    name: name.clone(),
                    members: Vec::new(),
                    end: None,
                });
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
fn required<'v, 'a>(l: &'v [Value<'a>], i: usize, q: &mut Quirks) -> &'v Value<'a> {
    match l.get(i) {
        Some(Value::Nil) | None => {
            *q |= Quirks::NIL_FIELD;
            &Value::Nil
        }
        Some(v) => v,
    }
}

/// A number field; a number sent as a quoted string is read and recorded
/// ([`Quirks::QUOTED_NUMBER`]).
fn number<'v, 'a>(v: &'v Value<'a>, q: &mut Quirks) -> &'v Value<'a> {
    if matches!(v, Value::String(_)) {
        *q |= Quirks::QUOTED_NUMBER;
    }
    v
}

fn params(v: &Value<'_>, q: &mut Quirks) -> Result<Vec<Param>, ParseError> {
    let l = match v {
        // Some servers send a bare string for an empty list; be lenient.
        Value::String(_) | Value::Atom(_) => return Ok(Vec::new()),
        _ => v.list()?,
    };
    let mut out = Vec::with_capacity(l.len() / 2);
    for pair in l.chunks(2) {
        out.push(Param {
            name: pair[0].string_or_empty()?,
            value: required(pair, 1, q).nstring()?,
        });
    }
    Ok(out)
}

fn disposition(v: &Value<'_>, q: &mut Quirks) -> Result<Option<Disposition>, ParseError> {
    Ok(match v {
        Value::Nil => None,
        Value::List(l) if l.is_empty() => None,
        Value::List(l) => Some(Disposition {
            kind: l[0].string_or_empty()?,
            params: params(l.get(1).unwrap_or(&Value::Nil), q)?,
        }),
        _ => Some(Disposition {
            kind: v.string_or_empty()?,
            params: Vec::new(),
        }),
    })
}

fn language(v: &Value<'_>) -> Result<Vec<Vec<u8>>, ParseError> {
    Ok(match v {
        Value::Nil => Vec::new(),
        Value::List(l) => l
            .iter()
            .map(Value::string_or_empty)
            .collect::<Result<_, _>>()?,
        _ => vec![v.string_or_empty()?],
    })
}

/// Extension fields from `ext` on: [md5 for single parts] disposition language location,
/// then anything further kept raw. A malformed known field and all after it are kept raw.
fn extensions(part: &mut BodyPart, ext: &[Value<'_>], with_md5: bool, q: &mut Quirks) {
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
    part.extension = ext.iter().skip(i).map(Value::to_imap).collect();
}

fn is_text(v: &Value<'_>) -> bool {
    matches!(v, Value::String(_) | Value::Atom(_) | Value::Nil)
}

/// A BODY or BODYSTRUCTURE value. Recursion is bounded by the tokenizer's [`MAX_DEPTH`]
/// (every level of the tree is a level of parentheses) and checked again here. Quirks
/// accepted are not reported here: [`parse_fetch`] reports them on the message.
pub fn body(v: &Value<'_>, depth: usize) -> Result<BodyPart, ParseError> {
    read_body(v, depth, &mut Quirks::default())
}

fn read_body(v: &Value<'_>, depth: usize, q: &mut Quirks) -> Result<BodyPart, ParseError> {
    if depth > MAX_DEPTH {
        return err(ErrorKind::Depth, "body structure nested too deeply");
    }
    let l = match v {
        Value::List(l) if !l.is_empty() => l.as_slice(),
        _ => return err(ErrorKind::Shape, format!("body is {}", v.describe())),
    };
    // Multipart: one or more parts, then the subtype and extension data.
    if matches!(l[0], Value::List(_)) {
        let n = l.iter().take_while(|x| matches!(x, Value::List(_))).count();
        let mut part = BodyPart {
            multipart: true,
            media_type: b"MULTIPART".to_vec(),
            ..Default::default()
        };
        for c in &l[..n] {
            part.children.push(read_body(c, depth + 1, q)?);
        }
        part.subtype = required(l, n, q).string_or_empty()?;
        extensions(&mut part, l.get(n + 1..).unwrap_or_default(), false, q);
        return Ok(part);
    }
    // An empty multipart: the subtype, then a parameter list (or nothing) where a basic
    // part has its subtype string.
    if is_text(&l[0]) && !matches!(l.get(1), Some(x) if is_text(x)) {
        let mut part = BodyPart {
            multipart: true,
            media_type: b"MULTIPART".to_vec(),
            subtype: l[0].string_or_empty()?,
            ..Default::default()
        };
        extensions(&mut part, &l[1..], false, q);
        return Ok(part);
    }
    let field = |i: usize| l.get(i).unwrap_or(&Value::Nil);
    let mut part = BodyPart {
        media_type: required(l, 0, q).string_or_empty()?,
        subtype: required(l, 1, q).string_or_empty()?,
        params: params(field(2), q)?,
        id: field(3).nstring()?,
        description: field(4).nstring()?,
        encoding: required(l, 5, q).string_or_empty()?,
        size: match required(l, 6, q) {
            Value::Nil => 0,
            x => number(x, q).number64()?,
        },
        ..Default::default()
    };
    let ty = part.media_type.to_ascii_uppercase();
    let sub = part.subtype.to_ascii_uppercase();
    let lines = |i: usize, q: &mut Quirks| -> Result<Option<u64>, ParseError> {
        match required(l, i, q) {
            Value::Nil => Ok(None),
            x => number(x, q).number64().map(Some),
        }
    };
    let ext_at = if ty == b"MESSAGE"
        && (sub == b"RFC822" || sub == b"GLOBAL")
        && matches!(field(7), Value::List(_))
        && matches!(field(8), Value::List(_))
    {
        part.message = Some(Box::new(EmbeddedMessage {
            envelope: read_envelope(field(7), q)?,
            body: read_body(field(8), depth + 1, q)?,
        }));
        part.lines = lines(9, q)?;
        10
    } else if ty == b"TEXT" {
        part.lines = lines(7, q)?;
        8
    } else {
        7
    };
    extensions(&mut part, l.get(ext_at..).unwrap_or_default(), true, q);
    Ok(part)
}
