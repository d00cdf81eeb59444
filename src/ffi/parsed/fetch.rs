//! `imap_parse_fetch`: FETCH responses as `imap_fetch_message`s (envelope, body structure,
//! sections...). See [`crate::proto::parsed::fetch`] for what is read and how leniently.

use super::{elements, flag, free, opt, parse_result, Arena, ImapBytes, ImapInvalidKind};
use crate::ffi::code::ImapCode;
use crate::ffi::panic::boundary;
use crate::ffi::result::ImapResult;
use crate::proto::parsed::fetch::{
    parse_fetch_response_with, Address, BodyPart, BodySection, Envelope, FetchMessage, Mailbox,
    Param, SectionData, SectionKind, SectionText,
};
use crate::proto::parsed::token::Flat;
use crate::proto::parsed::{responses, rfc2047};
use std::ffi::c_char;
use std::ptr;

/// `name value` of a parameter list (`("charset" "utf-8")`); `value.data` is NULL for NIL.
#[repr(C)]
pub struct ImapParam {
    pub name: ImapBytes,
    pub value: ImapBytes,
}

/// What an `imap_address` entry is. Address lists use RFC 3501's flat form for RFC 5322
/// groups: a group start entry, the members, a group end entry. The entries are one to one
/// with what the server sent: a group the server never ended has no end entry
/// (`IMAP_QUIRK_GROUP_NOT_CLOSED`), an end marker with no group open is kept
/// (`IMAP_QUIRK_GROUP_END_WITHOUT_START`).
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, libimap_derive::CEnum)]
pub enum ImapAddressKind {
    /// A mailbox (`name <mailbox@host>`).
    Mailbox = 0,
    /// The start of a group: its display name in `mailbox`; the other fields are NIL.
    GroupStart = 1,
    /// The end of the group started last; every field is NIL, except `mailbox` "" when the
    /// server ended the group with `(NIL NIL "" NIL)` (`IMAP_QUIRK_GROUP_END_EMPTY_MAILBOX`).
    GroupEnd = 2,
}

/// One entry of an ENVELOPE address list. Fields are raw (RFC 2047 encoded words as sent);
/// `name_decoded` is the display name with encoded words decoded, as UTF-8 (NIL when `name`
/// is NIL).
#[repr(C)]
pub struct ImapAddress {
    pub kind: ImapAddressKind,
    pub name: ImapBytes,
    pub name_decoded: ImapBytes,
    /// Source route (obsolete), usually NIL.
    pub adl: ImapBytes,
    /// The local part (or the group name of a group start).
    pub mailbox: ImapBytes,
    pub host: ImapBytes,
}

/// An ENVELOPE. Strings are raw header text (NIL when the header is absent); `subject_decoded`
/// is the subject with RFC 2047 encoded words decoded, as UTF-8. Each address list is an array
/// of pointers to `imap_address` (see `imap_address_kind` for groups).
#[repr(C)]
pub struct ImapEnvelope {
    pub date: ImapBytes,
    pub subject: ImapBytes,
    pub subject_decoded: ImapBytes,
    pub from: *const *const ImapAddress,
    pub from_count: usize,
    pub sender: *const *const ImapAddress,
    pub sender_count: usize,
    pub reply_to: *const *const ImapAddress,
    pub reply_to_count: usize,
    pub to: *const *const ImapAddress,
    pub to_count: usize,
    pub cc: *const *const ImapAddress,
    pub cc_count: usize,
    pub bcc: *const *const ImapAddress,
    pub bcc_count: usize,
    pub in_reply_to: ImapBytes,
    pub message_id: ImapBytes,
}

/// One node of a BODY/BODYSTRUCTURE tree. A multipart has `multipart` 1, `media_type` "MULTIPART",
/// its parts in `children`, and of the other fields only `subtype`, `params`, the disposition,
/// `language`, `location` and `extension`. A message/rfc822 (or message/global) part has
/// `message_envelope` and `message_body` set (NULL otherwise). Strings are as sent: compare
/// type names case-insensitively. The tree is at most 64 levels deep. `part` (appended in 1.0)
/// is the node's part number for `BODY[part]`, see its field.
#[repr(C)]
pub struct ImapBodyPart {
    pub multipart: i32,
    /// `TEXT`, `IMAGE`, ... (empty if the server sent NIL).
    pub media_type: ImapBytes,
    pub subtype: ImapBytes,
    pub params: *const *const ImapParam,
    pub param_count: usize,
    /// Content-ID.
    pub id: ImapBytes,
    /// Content-Description.
    pub description: ImapBytes,
    /// Content-Transfer-Encoding (empty if NIL).
    pub encoding: ImapBytes,
    /// Size of the encoded body in bytes (0 when the server sent NIL: `IMAP_QUIRK_NIL_FIELD`).
    pub size: u64,
    /// Lines, for text parts and message/rfc822 parts.
    pub has_lines: i32,
    pub lines: u64,
    pub md5: ImapBytes,
    /// Content-Disposition type (`attachment`, `inline`); NIL when there is none.
    pub disposition: ImapBytes,
    pub disposition_params: *const *const ImapParam,
    pub disposition_param_count: usize,
    pub language: *const *const ImapBytes,
    pub language_count: usize,
    pub location: ImapBytes,
    /// Extension data beyond the known fields, each value in IMAP syntax.
    pub extension: *const *const ImapBytes,
    pub extension_count: usize,
    pub children: *const *const ImapBodyPart,
    pub child_count: usize,
    pub message_envelope: *const ImapEnvelope,
    pub message_body: *const ImapBodyPart,
    /// The part number (RFC 3501 §6.4.5) to fetch this node with `BODY[part]`, NUL-terminated:
    /// "" for a message's multipart root (its parts are "1", "2"...), "1" for the body of a
    /// single-part message, "2.1" for the first part of part 2. The body of an encapsulated
    /// message (message/rfc822 part "2") is numbered under it: a single part is "2.1", a
    /// multipart takes "2" itself and its parts are "2.1", "2.2"... Numbers are absolute (as in
    /// the whole message) in every node, whatever node a walk starts from.
    pub part: *const c_char,
}

/// Which FETCH item carried a section (`imap_section.kind`).
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, libimap_derive::CEnum)]
pub enum ImapSectionKind {
    /// `BODY[section]<origin>`
    Body = 0,
    /// `BINARY[section]<origin>` (RFC 3516)
    Binary = 1,
    /// `RFC822` (same as `BODY[]`)
    Rfc822 = 2,
    /// `RFC822.HEADER` (same as `BODY[HEADER]`)
    Rfc822Header = 3,
    /// `RFC822.TEXT` (same as `BODY[TEXT]`)
    Rfc822Text = 4,
}

/// The text part of a section spec (`imap_section.text`).
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, libimap_derive::CEnum)]
pub enum ImapSectionText {
    /// Nothing after the part numbers: the whole part (`BODY[]`, `BODY[1.2]`).
    Full = 0,
    Header = 1,
    HeaderFields = 2,
    HeaderFieldsNot = 3,
    Text = 4,
    Mime = 5,
    /// Something else: see `spec`.
    Other = 6,
}

/// A body section item (`BODY[1.HEADER]<0>`, `BINARY[2]`, `RFC822`...).
#[repr(C)]
pub struct ImapSection {
    pub kind: ImapSectionKind,
    /// The spec between the brackets as sent (`1.HEADER.FIELDS (DATE FROM)`); empty for
    /// `BODY[]` and the RFC822 forms.
    pub spec: ImapBytes,
    /// Part numbers (`1.2` gives 1, 2); none for the top level.
    pub part: *const u32,
    pub part_count: usize,
    pub text: ImapSectionText,
    /// Header field names of HEADER.FIELDS and HEADER.FIELDS.NOT.
    pub fields: *const *const ImapBytes,
    pub field_count: usize,
    /// The `<origin>` of a partial fetch.
    pub has_origin: i32,
    pub origin: u32,
    /// The bytes; `data.data` is NULL for NIL and for a streamed literal.
    pub data: ImapBytes,
    /// 1 if the literal went to a streaming sink: `streamed_size` bytes, not kept here.
    pub streamed: i32,
    pub streamed_size: u64,
}

/// `BINARY.SIZE[part]` (RFC 3516).
#[repr(C)]
pub struct ImapBinarySize {
    pub part: *const u32,
    pub part_count: usize,
    pub size: u64,
}

/// A FETCH item kept as bytes: an item this parser does not know (X-GM-LABELS, EMAILID...),
/// or a known item whose value was malformed. `raw` is the value in IMAP syntax.
#[repr(C)]
pub struct ImapRawItem {
    pub name: ImapBytes,
    pub raw: ImapBytes,
}

/// `imap_fetch_message.quirks`: a literal announced right after an atom, without the
/// space (`BODY[]<0>{100}`, GreenMail).
pub const IMAP_QUIRK_LITERAL_WITHOUT_SPACE: u32 = 1 << 0;
/// `imap_fetch_message.quirks`: whitespace where the grammar has none or one space (a space
/// before `)`, two spaces, a tab, a trailing space: `(UID 19436 )`, qq.com).
pub const IMAP_QUIRK_EXTRA_SPACE: u32 = 1 << 1;
/// `imap_fetch_message.quirks`: a `"` inside a quoted string without its backslash, kept as
/// content (163.com).
pub const IMAP_QUIRK_UNESCAPED_QUOTE: u32 = 1 << 2;
/// `imap_fetch_message.quirks`: an ENVELOPE group ended with `(NIL NIL "" NIL)` (Courier),
/// given as a group end entry whose `mailbox` is "".
pub const IMAP_QUIRK_GROUP_END_EMPTY_MAILBOX: u32 = 1 << 3;
/// `imap_fetch_message.quirks`: an ENVELOPE group started and never ended (Yahoo); no end
/// entry is made up.
pub const IMAP_QUIRK_GROUP_NOT_CLOSED: u32 = 1 << 4;
/// `imap_fetch_message.quirks`: an ENVELOPE group end marker with no group open, kept as a
/// group end entry.
pub const IMAP_QUIRK_GROUP_END_WITHOUT_START: u32 = 1 << 5;
/// `imap_fetch_message.quirks`: a number sent as a quoted string (`RFC822.SIZE "1234"`),
/// read as the number.
pub const IMAP_QUIRK_QUOTED_NUMBER: u32 = 1 << 6;
/// `imap_fetch_message.quirks`: a field the grammar requires sent as NIL or left out (a
/// BODYSTRUCTURE size, subtype or encoding, a parameter value such as Mail.ru's NIL boundary,
/// an ENVELOPE with fewer than ten fields), read as NIL, "" or 0 as its field documents.
pub const IMAP_QUIRK_NIL_FIELD: u32 = 1 << 7;

/// One message of a FETCH result. Items the server did not send are absent (`has_*` 0, NULL
/// pointers, zero counts). `valid` is 0 when the response could not be read completely:
/// `error_kind` and `error` say why, `raw` holds the response's bytes, the items read before
/// the problem are filled in and the malformed item is in `other` when it could be delimited.
#[repr(C)]
pub struct ImapFetchMessage {
    /// The message sequence number (0 if even that could not be read).
    pub seq: u32,
    pub has_uid: i32,
    pub uid: u32,
    /// FLAGS (`\Seen`, `$Junk`...), as sent.
    pub has_flags: i32,
    pub flags: *const *const ImapBytes,
    pub flag_count: usize,
    /// INTERNALDATE: the instant (seconds since 1970-01-01 UTC) and the zone written in the
    /// date (seconds east of UTC).
    pub has_internaldate: i32,
    pub internaldate_seconds: i64,
    pub internaldate_offset: i32,
    pub has_rfc822_size: i32,
    pub rfc822_size: u64,
    /// MODSEQ (RFC 7162).
    pub has_modseq: i32,
    pub modseq: u64,
    /// ENVELOPE, or NULL.
    pub envelope: *const ImapEnvelope,
    /// BODYSTRUCTURE (with extension data), or NULL.
    pub body_structure: *const ImapBodyPart,
    /// BODY without a section (no extension data), or NULL.
    pub body: *const ImapBodyPart,
    /// Section items, in the order sent.
    pub sections: *const *const ImapSection,
    pub section_count: usize,
    pub binary_sizes: *const *const ImapBinarySize,
    pub binary_size_count: usize,
    /// Items kept raw (see `imap_raw_item`).
    pub other: *const *const ImapRawItem,
    pub other_count: usize,
    pub valid: i32,
    pub error_kind: ImapInvalidKind,
    /// NUL-terminated, NULL when valid.
    pub error: *const c_char,
    /// The response's bytes when not valid (NIL when valid).
    pub raw: ImapBytes,
    /// Deviations from the IMAP grammar that real servers send and the parser accepted, as
    /// a bit set of `IMAP_QUIRK_*` (0 for none). The message is still exactly what the server
    /// sent: nothing made up, nothing dropped.
    pub quirks: u32,
    /// RFC 8474 `EMAILID`: the message's object id; NIL when not sent. Appended in 1.2.
    pub email_id: ImapBytes,
    /// 1 when `THREADID` was sent (RFC 8474). `thread_id` is its object id, NIL for
    /// `THREADID NIL` (the server keeps no thread for the message).
    pub has_thread_id: i32,
    pub thread_id: ImapBytes,
}

/// The messages of a FETCH result, in the order received.
#[repr(C)]
pub struct ImapFetchList {
    pub messages: *const *const ImapFetchMessage,
    pub count: usize,
}

fn param_list(a: &mut Arena, p: &[Param<'_>]) -> (*const *const ImapParam, usize) {
    a.array_with(p.len(), |a, i| ImapParam {
        name: a.bytes(&p[i].name),
        value: a.nbytes(p[i].value.as_deref()),
    })
}

/// Header text with RFC 2047 encoded words decoded, as UTF-8, given its raw copy in the arena:
/// text without an encoded word that is already UTF-8 (the common case) is that copy itself,
/// with no decoding work and no second copy.
fn decoded(a: &mut Arena, raw: &[u8], copy: ImapBytes) -> ImapBytes {
    if !raw.windows(2).any(|w| w == b"=?") {
        return match std::str::from_utf8(raw) {
            Ok(_) => copy,
            Err(_) => a.bytes(String::from_utf8_lossy(raw).as_bytes()),
        };
    }
    a.bytes(rfc2047::decode(raw).as_bytes())
}

fn mailbox(a: &mut Arena, m: &Mailbox<'_>, kind: ImapAddressKind) -> ImapAddress {
    let (name, name_decoded) = match &m.name {
        Some(n) => {
            let copy = a.bytes(n);
            (copy, decoded(a, n, copy))
        }
        None => (ImapBytes::NIL, ImapBytes::NIL),
    };
    ImapAddress {
        kind,
        name,
        name_decoded,
        adl: a.nbytes(m.adl.as_deref()),
        mailbox: a.nbytes(m.mailbox.as_deref()),
        host: a.nbytes(m.host.as_deref()),
    }
}

fn marker(kind: ImapAddressKind, mailbox: ImapBytes) -> ImapAddress {
    ImapAddress {
        kind,
        name: ImapBytes::NIL,
        name_decoded: ImapBytes::NIL,
        adl: ImapBytes::NIL,
        mailbox,
        host: ImapBytes::NIL,
    }
}

/// The C entries of one address: a group gives its start, its members and its end if sent.
fn entries(addr: &Address<'_>) -> usize {
    match addr {
        Address::Mailbox(_) | Address::StrayGroupEnd(_) => 1,
        Address::Group(g) => 1 + g.members.len() + usize::from(g.end.is_some()),
    }
}

fn addresses(a: &mut Arena, list: &[Address<'_>]) -> (*const *const ImapAddress, usize) {
    let n = list.iter().map(entries).sum();
    // (address index, entry index within it), advanced as the entries are made in order.
    let (mut at, mut sub) = (0, 0);
    a.array_with(n, |a, _| {
        while sub >= entries(&list[at]) {
            at += 1;
            sub = 0;
        }
        let entry = sub;
        sub += 1;
        match &list[at] {
            Address::Mailbox(m) => mailbox(a, m, ImapAddressKind::Mailbox),
            Address::StrayGroupEnd(m) => mailbox(a, m, ImapAddressKind::GroupEnd),
            Address::Group(g) => match entry {
                0 => {
                    let name = a.bytes(&g.name);
                    marker(ImapAddressKind::GroupStart, name)
                }
                i if i <= g.members.len() => {
                    mailbox(a, &g.members[i - 1], ImapAddressKind::Mailbox)
                }
                _ => match &g.end {
                    Some(end) => mailbox(a, end, ImapAddressKind::GroupEnd),
                    None => unreachable!("entries() counts an end only when there is one"),
                },
            },
        }
    })
}

fn envelope(a: &mut Arena, e: &Envelope<'_>) -> ImapEnvelope {
    let (from, from_count) = addresses(a, &e.from);
    let (sender, sender_count) = addresses(a, &e.sender);
    let (reply_to, reply_to_count) = addresses(a, &e.reply_to);
    let (to, to_count) = addresses(a, &e.to);
    let (cc, cc_count) = addresses(a, &e.cc);
    let (bcc, bcc_count) = addresses(a, &e.bcc);
    let (subject, subject_decoded) = match &e.subject {
        Some(s) => {
            let copy = a.bytes(s);
            (copy, decoded(a, s, copy))
        }
        None => (ImapBytes::NIL, ImapBytes::NIL),
    };
    ImapEnvelope {
        date: a.nbytes(e.date.as_deref()),
        subject,
        subject_decoded,
        from,
        from_count,
        sender,
        sender_count,
        reply_to,
        reply_to_count,
        to,
        to_count,
        cc,
        cc_count,
        bcc,
        bcc_count,
        in_reply_to: a.nbytes(e.in_reply_to.as_deref()),
        message_id: a.nbytes(e.message_id.as_deref()),
    }
}

/// Appends the number of child `index` (0-based) of a multipart numbered `part` to `part`.
fn push_child(part: &mut Vec<u8>, index: usize) {
    if !part.is_empty() {
        part.push(b'.');
    }
    let mut digits = [0u8; 20];
    let mut n = index + 1;
    let mut i = digits.len();
    while n > 0 || i == digits.len() {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    part.extend_from_slice(&digits[i..]);
}

/// A message's body tree, numbered from its root.
fn root_body(a: &mut Arena, b: &BodyPart<'_>) -> *const ImapBodyPart {
    let mut part = Vec::with_capacity(16);
    if !b.multipart {
        push_child(&mut part, 0);
    }
    let root = body(a, b, &mut part);
    a.one(root)
}

/// Recursion is bounded by the parser's depth limit (64 levels). `part` is the node's number
/// (the body of a message: a multipart takes the message's own number, its parts extend it; a
/// single part is the message's first part); it is as it was on return.
fn body(a: &mut Arena, b: &BodyPart<'_>, part: &mut Vec<u8>) -> ImapBodyPart {
    let (params, param_count) = param_list(a, &b.params);
    let (disposition, (disposition_params, disposition_param_count)) = match &b.disposition {
        Some(d) => (a.bytes(&d.kind), param_list(a, &d.params)),
        None => (ImapBytes::NIL, (ptr::null(), 0)),
    };
    let (language, language_count) = a.byte_list(&b.language);
    let (extension, extension_count) = a.byte_list(&b.extension);
    let number = a.bytes(part).data.cast::<c_char>();
    let len = part.len();
    let (children, child_count) = a.array_with(b.children.len(), |a, i| {
        push_child(part, i);
        let child = body(a, &b.children[i], part);
        part.truncate(len);
        child
    });
    let (message_envelope, message_body) = match &b.message {
        Some(m) => {
            let e = envelope(a, &m.envelope);
            if !m.body.multipart {
                push_child(part, 0);
            }
            let inner = body(a, &m.body, part);
            part.truncate(len);
            (a.one(e), a.one(inner))
        }
        None => (ptr::null(), ptr::null()),
    };
    let (has_lines, lines) = opt(b.lines);
    ImapBodyPart {
        multipart: flag(b.multipart),
        media_type: a.bytes(&b.media_type),
        subtype: a.bytes(&b.subtype),
        params,
        param_count,
        id: a.nbytes(b.id.as_deref()),
        description: a.nbytes(b.description.as_deref()),
        encoding: a.bytes(&b.encoding),
        size: b.size,
        has_lines,
        lines,
        md5: a.nbytes(b.md5.as_deref()),
        disposition,
        disposition_params,
        disposition_param_count,
        language,
        language_count,
        location: a.nbytes(b.location.as_deref()),
        extension,
        extension_count,
        children,
        child_count,
        message_envelope,
        message_body,
        part: number,
    }
}

fn section(a: &mut Arena, s: &BodySection<'_>) -> ImapSection {
    let (part, part_count) = a.scalars(&s.part);
    let (fields, field_count) = a.byte_list(&s.fields);
    let (has_origin, origin) = opt(s.origin);
    let (data, streamed, streamed_size) = match &s.data {
        SectionData::Nil => (ImapBytes::NIL, 0, 0),
        SectionData::Bytes(b) => (a.bytes(b), 0, 0),
        SectionData::Streamed(n) => (ImapBytes::NIL, 1, *n),
    };
    ImapSection {
        kind: match s.kind {
            SectionKind::Body => ImapSectionKind::Body,
            SectionKind::Binary => ImapSectionKind::Binary,
            SectionKind::Rfc822 => ImapSectionKind::Rfc822,
            SectionKind::Rfc822Header => ImapSectionKind::Rfc822Header,
            SectionKind::Rfc822Text => ImapSectionKind::Rfc822Text,
        },
        spec: a.bytes(s.spec),
        part,
        part_count,
        text: match s.text {
            SectionText::Full => ImapSectionText::Full,
            SectionText::Header => ImapSectionText::Header,
            SectionText::HeaderFields => ImapSectionText::HeaderFields,
            SectionText::HeaderFieldsNot => ImapSectionText::HeaderFieldsNot,
            SectionText::Text => ImapSectionText::Text,
            SectionText::Mime => ImapSectionText::Mime,
            SectionText::Other => ImapSectionText::Other,
        },
        fields,
        field_count,
        has_origin,
        origin,
        data,
        streamed,
        streamed_size,
    }
}

fn message(a: &mut Arena, m: &FetchMessage<'_>) -> ImapFetchMessage {
    let (has_uid, uid) = opt(m.uid);
    let (has_flags, (flags, flag_count)) = match &m.flags {
        Some(f) => (1, a.byte_list(f)),
        None => (0, (ptr::null(), 0)),
    };
    let (has_internaldate, date) = opt(m.internal_date.map(|d| (d.utc_seconds, d.offset_seconds)));
    let (has_rfc822_size, rfc822_size) = opt(m.rfc822_size);
    let (has_modseq, modseq) = opt(m.modseq);
    let envelope = match &m.envelope {
        Some(e) => {
            let e = envelope(a, e);
            a.one(e)
        }
        None => ptr::null(),
    };
    let mut tree = |b: &Option<Box<BodyPart<'_>>>| match b {
        Some(b) => root_body(a, b),
        None => ptr::null(),
    };
    let body_structure = tree(&m.body_structure);
    let body_plain = tree(&m.body);
    let (sections, section_count) =
        a.array_with(m.sections.len(), |a, i| section(a, &m.sections[i]));
    let (binary_sizes, binary_size_count) = a.array_with(m.binary_sizes.len(), |a, i| {
        let s = &m.binary_sizes[i];
        let (part, part_count) = a.scalars(&s.part);
        ImapBinarySize {
            part,
            part_count,
            size: s.size,
        }
    });
    let (other, other_count) = a.array_with(m.other.len(), |a, i| ImapRawItem {
        name: a.bytes(&m.other[i].name),
        raw: a.bytes(&m.other[i].raw),
    });
    let (valid, error_kind, error, raw) = match &m.invalid {
        None => (1, ImapInvalidKind::None, ptr::null(), ImapBytes::NIL),
        Some(i) => {
            let i = a.invalid(i);
            (0, i.kind, i.message, i.raw)
        }
    };
    ImapFetchMessage {
        seq: m.seq,
        has_uid,
        uid,
        has_flags,
        flags,
        flag_count,
        has_internaldate,
        internaldate_seconds: date.0,
        internaldate_offset: date.1,
        has_rfc822_size,
        rfc822_size,
        has_modseq,
        modseq,
        envelope,
        body_structure,
        body: body_plain,
        sections,
        section_count,
        binary_sizes,
        binary_size_count,
        other,
        other_count,
        valid,
        error_kind,
        error,
        raw,
        quirks: m.quirks.0,
        email_id: a.nbytes(m.email_id.as_deref()),
        has_thread_id: flag(m.thread_id.is_some()),
        thread_id: a.nbytes(m.thread_id.as_ref().and_then(|t| t.as_deref())),
    }
}

/// Parses the FETCH responses of `result` (from `imap_fetch`, `imap_uid` FETCH/STORE,
/// `imap_store`, `imap_partial` or `imap_response(c, "FETCH")`) into `*out`: one message per
/// response, in order. Free it with `imap_fetch_list_free`; it does not borrow `result`, which
/// stays as it was. A result without FETCH data (a NO, or no untagged FETCH) gives no
/// messages. `IMAP_CODE_PARSE`: some message has `valid` 0 (the list is still delivered);
/// `IMAP_CODE_INVALID_ARGUMENT`: `result` or `out` is NULL. Needs no handle and may be called
/// from any thread; the object is immutable and may be read from several threads at once.
///
/// # Safety
/// `result` is NULL or a live result; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_parse_fetch(
    result: *const ImapResult,
    out: *mut *mut ImapFetchList,
) -> ImapCode {
    parse_result(result, out, |items, a| {
        // Message by message: each is parsed, mirrored into the arena and dropped, so the
        // Rust trees never all exist at once.
        let mut each = responses(items);
        let mut flat = Flat::new();
        let mut complete = true;
        let (messages, count) = a.array_with(responses(items).count(), |a, _| {
            let resp = each.next().unwrap_or_default();
            let m = parse_fetch_response_with(resp, &mut flat);
            complete &= m.invalid.is_none();
            message(a, &m)
        });
        (ImapFetchList { messages, count }, complete)
    })
}

/// The C list of parsed messages, allocated in `a`: what `imap_parse_fetch` gives, and the
/// streaming calls' lists (`imap_fetch_next`).
pub(crate) fn fetch_list(a: &mut Arena, parsed: &[FetchMessage<'_>]) -> ImapFetchList {
    let (messages, count) = a.array_with(parsed.len(), |a, i| message(a, &parsed[i]));
    ImapFetchList { messages, count }
}

/// One parsed message as the C view, allocated in `a` (the callbacks of `imap_fetch_each`).
pub(crate) fn message_view(a: &mut Arena, m: &FetchMessage<'_>) -> *const ImapFetchMessage {
    let v = message(a, m);
    a.one(v)
}

/// Frees a list from `imap_parse_fetch` and everything it points to. NULL is ignored.
///
/// # Safety
/// `list` is NULL or a list not yet freed.
#[no_mangle]
pub unsafe extern "C" fn imap_fetch_list_free(list: *mut ImapFetchList) {
    free(list)
}

/// The spec a section answers to in `imap_fetch_message_section`: its spec as sent, with the
/// RFC822 forms as their BODY equivalents.
fn section_spec(s: &ImapSection) -> &[u8] {
    match s.kind {
        ImapSectionKind::Rfc822 => b"",
        ImapSectionKind::Rfc822Header => b"HEADER",
        ImapSectionKind::Rfc822Text => b"TEXT",
        // SAFETY: a section's spec is never NIL: `len` bytes at `data`, owned by its list.
        ImapSectionKind::Body | ImapSectionKind::Binary => unsafe {
            std::slice::from_raw_parts(s.spec.data, s.spec.len)
        },
    }
}

/// The first section item of `msg` whose spec is `spec`, as it would be written between the
/// brackets of `BODY[...]`, compared case-insensitively: "" is `BODY[]` (and `RFC822`),
/// "HEADER" also finds `RFC822.HEADER`, "TEXT" `RFC822.TEXT`, "1.2", "1.MIME",
/// "HEADER.FIELDS (FROM)" (spaces as the server sent them). `BINARY[...]` items answer to their
/// spec too; a message holding both `BODY[1]` and `BINARY[1]` gives the one sent first (see
/// `kind`). NULL when there is none, or when `msg` or `spec` is NULL. Valid as long as the
/// list `msg` belongs to. Any thread.
///
/// # Safety
/// `msg` is NULL or a message of a live list; `spec` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imap_fetch_message_section(
    msg: *const ImapFetchMessage,
    spec: *const c_char,
) -> *const ImapSection {
    boundary(|| {
        let (Some(m), false) = (msg.as_ref(), spec.is_null()) else {
            return ptr::null();
        };
        let want = std::ffi::CStr::from_ptr(spec).to_bytes();
        elements(m.sections, m.section_count)
            .find(|s| section_spec(s).eq_ignore_ascii_case(want))
            .map_or(ptr::null(), |s| s as *const ImapSection)
    })
}

/// The node of the body tree under `root` (`root` included) whose `part` is `part` ("2.1";
/// "" is a multipart root, "1" the body of a single-part message). Part numbers are absolute,
/// so start from `body_structure` (or `body`) for a message's number. Where two nodes share a
/// number (a message/rfc822 part "2" and its multipart body) the message/rfc822 node is given.
/// NULL when there is none or an argument is NULL. Valid as long as the tree. Any thread.
///
/// # Safety
/// `root` is NULL or a node of a live list; `part` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imap_body_part_find(
    root: *const ImapBodyPart,
    part: *const c_char,
) -> *const ImapBodyPart {
    boundary(|| {
        if root.is_null() || part.is_null() {
            return ptr::null();
        }
        let want = std::ffi::CStr::from_ptr(part).to_bytes();
        // Depth-first, in document order, with an explicit stack.
        let mut stack = vec![root];
        while let Some(p) = stack.pop() {
            // SAFETY: every node pointer of a live tree is to a live node.
            let node = unsafe { &*p };
            // SAFETY: `part` is a NUL-terminated string owned by the tree.
            if unsafe { std::ffi::CStr::from_ptr(node.part) }.to_bytes() == want {
                return p;
            }
            // SAFETY: `child_count` children at `children`, owned by the tree.
            let children: Vec<_> = unsafe { elements(node.children, node.child_count) }.collect();
            stack.extend(children.into_iter().rev().map(|c| c as *const ImapBodyPart));
            if !node.message_body.is_null() {
                stack.push(node.message_body);
            }
        }
        ptr::null()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::framer::LiteralData;
    use crate::proto::parsed::Quirks;
    use crate::proto::response::Item;
    use crate::session::Outcome;
    use std::ffi::CStr;

    /// One FETCH response parsed through the C ABI; the list is freed by the caller.
    fn parsed(items: Vec<Item>) -> *mut ImapFetchList {
        let result = ImapResult::new(Outcome {
            typ: "OK".into(),
            data: items,
            tagged: None,
        });
        let mut list = ptr::null_mut();
        // SAFETY: a live result and a writable out-pointer.
        assert_eq!(
            unsafe { imap_parse_fetch(&*result, &mut list) },
            ImapCode::Ok
        );
        list
    }

    fn part_of(p: *const ImapBodyPart) -> String {
        assert!(!p.is_null());
        // SAFETY: a node of a live tree, its part NUL-terminated.
        unsafe { CStr::from_ptr((*p).part) }
            .to_str()
            .unwrap()
            .to_string()
    }

    #[test]
    fn parts_are_numbered_through_encapsulated_multiparts_and_found_by_number() {
        let text = r#"("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1)"#;
        let html = r#"("TEXT" "HTML" NIL NIL NIL "7BIT" 1 1)"#;
        let inner = format!(r#"({text}({text}{html} "ALTERNATIVE") "MIXED")"#);
        let env = r#"(NIL "s" NIL NIL NIL NIL NIL NIL NIL NIL)"#;
        let msg = format!(r#"("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 100 {env} {inner} 5)"#);
        let line = format!(r#"1 (BODYSTRUCTURE ({text}{msg} "MIXED") RFC822.HEADER {{2}}"#);
        let list = parsed(vec![
            Item::Literal(line.into_bytes(), LiteralData::Bytes(b"ab".to_vec())),
            Item::Literal(
                b" BINARY[1] {1}".to_vec(),
                LiteralData::Bytes(b"c".to_vec()),
            ),
            Item::Line(b")".to_vec()),
        ]);
        // SAFETY: the list is live until freed below.
        let m = unsafe { &**(*list).messages };
        let root = m.body_structure;
        let find = |p: &str| {
            let c = std::ffi::CString::new(p).unwrap();
            // SAFETY: a live tree and a NUL-terminated number.
            unsafe { imap_body_part_find(root, c.as_ptr()) }
        };
        assert_eq!(part_of(root), "");
        for (n, media) in [
            ("1", "PLAIN"),
            ("2", "RFC822"),
            ("2.1", "PLAIN"),
            ("2.2", "ALTERNATIVE"),
            ("2.2.1", "PLAIN"),
            ("2.2.2", "HTML"),
        ] {
            let p = find(n);
            assert_eq!(part_of(p), n);
            // SAFETY: a node of the live tree.
            let sub = unsafe { (*p).subtype };
            // SAFETY: `len` bytes at `data`.
            let sub = unsafe { std::slice::from_raw_parts(sub.data, sub.len) };
            assert_eq!(sub, media.as_bytes(), "part {n}");
        }
        // the encapsulated multipart takes its message's number; a walk finds the message first
        // SAFETY: part 2 is a message/rfc822 node with a body.
        let body = unsafe { (*find("2")).message_body };
        assert_eq!(part_of(body), "2");
        assert!(find("3").is_null() && find("2.3").is_null() && find("0").is_null());

        let section = |spec: &str| {
            let c = std::ffi::CString::new(spec).unwrap();
            // SAFETY: a message of the live list, a NUL-terminated spec.
            unsafe { imap_fetch_message_section(m, c.as_ptr()) }
        };
        // SAFETY: the sections of the live message.
        let sections: Vec<*const ImapSection> = unsafe { elements(m.sections, m.section_count) }
            .map(|s| s as *const ImapSection)
            .collect();
        assert_eq!(section("HEADER"), sections[0]);
        assert_eq!(section("header"), sections[0]);
        assert_eq!(section("1"), sections[1]);
        assert!(section("").is_null() && section("TEXT").is_null());
        // SAFETY: freed once.
        unsafe { imap_fetch_list_free(list) };
    }

    fn bytes_of(b: ImapBytes) -> Option<Vec<u8>> {
        // SAFETY: `len` bytes at `data`, owned by a live list.
        (!b.data.is_null()).then(|| unsafe { std::slice::from_raw_parts(b.data, b.len) }.to_vec())
    }

    #[test]
    fn decoded_header_text_is_the_raw_copy_only_when_nothing_needs_decoding() {
        let env = |subject: &[u8], name: &[u8]| {
            let mut line = b"1 (ENVELOPE (NIL \"".to_vec();
            line.extend_from_slice(subject);
            line.extend_from_slice(b"\" ((\"");
            line.extend_from_slice(name);
            line.extend_from_slice(
                b"\" NIL \"a\" \"b\")(NIL NIL \"c\" \"d\")) NIL NIL NIL NIL NIL NIL NIL))",
            );
            line
        };
        let list = parsed(vec![
            Item::Line(env(b"plain caf\xc3\xa9", b"Ann")),
            Item::Line(env(b"bad \xff byte", b"=?UTF-8?Q?J=C3=B6rg?=")),
        ]);
        // SAFETY: the list is live until freed below; both messages have an envelope.
        let (plain, other) = unsafe {
            let m: Vec<_> = elements((*list).messages, (*list).count).collect();
            (&*m[0].envelope, &*m[1].envelope)
        };
        // SAFETY: the address arrays of live envelopes.
        let from = |e: &ImapEnvelope| unsafe { elements(e.from, e.from_count) }.collect::<Vec<_>>();
        // UTF-8 without encoded words: the same bytes, not copied twice.
        assert_eq!(plain.subject_decoded.data, plain.subject.data);
        assert_eq!(
            bytes_of(plain.subject_decoded).unwrap(),
            "plain café".as_bytes()
        );
        assert_eq!(from(plain)[0].name_decoded.data, from(plain)[0].name.data);
        // No name: NIL both ways.
        assert!(from(plain)[1].name.data.is_null() && from(plain)[1].name_decoded.data.is_null());
        // Invalid UTF-8 is replaced in the decoded copy only; encoded words are decoded.
        assert_eq!(bytes_of(other.subject).unwrap(), b"bad \xff byte");
        assert_eq!(
            bytes_of(other.subject_decoded).unwrap(),
            "bad \u{fffd} byte".as_bytes()
        );
        assert_eq!(
            bytes_of(from(other)[0].name_decoded).unwrap(),
            "Jörg".as_bytes()
        );
        assert_ne!(from(other)[0].name_decoded.data, from(other)[0].name.data);
        // SAFETY: freed once.
        unsafe { imap_fetch_list_free(list) };
    }

    #[test]
    fn c_quirk_bits_are_the_rust_ones() {
        let c = [
            IMAP_QUIRK_LITERAL_WITHOUT_SPACE,
            IMAP_QUIRK_EXTRA_SPACE,
            IMAP_QUIRK_UNESCAPED_QUOTE,
            IMAP_QUIRK_GROUP_END_EMPTY_MAILBOX,
            IMAP_QUIRK_GROUP_NOT_CLOSED,
            IMAP_QUIRK_GROUP_END_WITHOUT_START,
            IMAP_QUIRK_QUOTED_NUMBER,
            IMAP_QUIRK_NIL_FIELD,
        ];
        assert_eq!(c.len(), Quirks::ALL.len());
        for (bit, (q, _)) in c.iter().zip(Quirks::ALL) {
            assert_eq!(*bit, q.0);
        }
    }
}
