"""Parsed FETCH results (``IMAP4.fetch_parsed``): dataclasses built from libimap's parser
(``imap_parse_fetch``), which reads ENVELOPE, BODYSTRUCTURE, FLAGS, sections... so that no
regular expression of the caller's has to."""

from __future__ import annotations

import ctypes
import datetime as _dt
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

from . import _native as N

ADDRESS_KINDS = ("mailbox", "group_start", "group_end")
SECTION_KINDS = ("BODY", "BINARY", "RFC822", "RFC822.HEADER", "RFC822.TEXT")


@dataclass(frozen=True)
class Address:
    """One ENVELOPE address. ``kind`` is "mailbox", "group_start" (the group's name in
    ``mailbox``) or "group_end". Bytes fields are raw (None for NIL); ``name_decoded`` is the
    display name with RFC 2047 encoded words decoded."""

    kind: str
    name: Optional[bytes]
    name_decoded: Optional[str]
    adl: Optional[bytes]
    mailbox: Optional[bytes]
    host: Optional[bytes]

    @property
    def email(self) -> Optional[str]:
        """``mailbox@host`` as text, None for group markers."""
        if self.kind != "mailbox" or self.mailbox is None:
            return None
        m = self.mailbox.decode("utf-8", "replace")
        return m if self.host is None else m + "@" + self.host.decode("utf-8", "replace")


@dataclass(frozen=True)
class Envelope:
    """An ENVELOPE (RFC 3501 §7.4.2). Raw header bytes (None when absent);
    ``subject_decoded`` is the subject with encoded words decoded."""

    date: Optional[bytes]
    subject: Optional[bytes]
    subject_decoded: Optional[str]
    from_: List[Address]
    sender: List[Address]
    reply_to: List[Address]
    to: List[Address]
    cc: List[Address]
    bcc: List[Address]
    in_reply_to: Optional[bytes]
    message_id: Optional[bytes]


@dataclass(frozen=True)
class BodyPart:
    """One node of a BODY/BODYSTRUCTURE tree. A multipart has ``multipart`` True and its parts
    in ``children``; a message/rfc822 part has ``message_envelope`` and ``message_body``.
    ``part`` is the part number to fetch it with (``BODY[2.1]``)."""

    multipart: bool
    media_type: str
    subtype: str
    params: List[Tuple[str, Optional[str]]]
    id: Optional[bytes]
    description: Optional[bytes]
    encoding: str
    size: int
    lines: Optional[int]
    md5: Optional[bytes]
    disposition: Optional[str]
    disposition_params: List[Tuple[str, Optional[str]]]
    language: List[bytes]
    location: Optional[bytes]
    extension: List[bytes]
    children: List["BodyPart"]
    message_envelope: Optional[Envelope]
    message_body: Optional["BodyPart"]
    part: str

    @property
    def content_type(self) -> str:
        """``type/subtype`` in lower case (``text/plain``, ``multipart/mixed``)."""
        return f"{self.media_type}/{self.subtype}".lower()

    def walk(self):
        """This node and every node under it, depth first."""
        yield self
        for c in self.children:
            yield from c.walk()
        if self.message_body is not None:
            yield from self.message_body.walk()


@dataclass(frozen=True)
class Section:
    """A body section item: ``kind`` "BODY", "BINARY", "RFC822", "RFC822.HEADER" or
    "RFC822.TEXT", ``spec`` as between the brackets (``1.HEADER``), ``origin`` of a partial
    fetch, ``data`` the bytes (None for NIL)."""

    kind: str
    spec: str
    part: Tuple[int, ...]
    origin: Optional[int]
    data: Optional[bytes]


@dataclass(frozen=True)
class FetchMessage:
    """One message of a FETCH result. Items the server did not send are None (or empty).
    ``valid`` is False when the response could not be read completely: ``error`` says why,
    ``raw`` holds its bytes, and the items read before the problem are filled in."""

    seq: int
    uid: Optional[int] = None
    flags: Optional[Tuple[bytes, ...]] = None
    internaldate: Optional[_dt.datetime] = None
    rfc822_size: Optional[int] = None
    modseq: Optional[int] = None
    envelope: Optional[Envelope] = None
    body_structure: Optional[BodyPart] = None
    body: Optional[BodyPart] = None
    sections: List[Section] = field(default_factory=list)
    binary_sizes: List[Tuple[Tuple[int, ...], int]] = field(default_factory=list)
    other: List[Tuple[bytes, bytes]] = field(default_factory=list)
    valid: bool = True
    error: Optional[str] = None
    raw: Optional[bytes] = None

    def section(self, spec: str = "") -> Optional[bytes]:
        """The data of the section whose spec is ``spec`` (``""`` for ``BODY[]`` or RFC822,
        ``"HEADER"``, ``"1"``...), case-insensitive; None if absent."""
        want = spec.upper()
        for s in self.sections:
            if s.spec.upper() == want:
                return s.data
        return None


def _b(b: N.Bytes) -> Optional[bytes]:
    return N.bytes_at(b)


def _s(b: N.Bytes) -> Optional[str]:
    v = N.bytes_at(b)
    return None if v is None else v.decode("utf-8", "replace")


def _ptrs(arr, count: int, typ):
    """The structures an array of pointers points to."""
    if not count or not arr:
        return []
    P = ctypes.POINTER(typ)
    return [ctypes.cast(arr[i], P).contents for i in range(count)]


def _address(a: N.Address) -> Address:
    kind = ADDRESS_KINDS[a.kind] if 0 <= a.kind < len(ADDRESS_KINDS) else "unknown"
    return Address(kind, _b(a.name), _s(a.name_decoded), _b(a.adl), _b(a.mailbox), _b(a.host))


def _addresses(arr, count) -> List[Address]:
    return [_address(a) for a in _ptrs(arr, count, N.Address)]


def _envelope(e: N.Envelope) -> Envelope:
    return Envelope(
        date=_b(e.date),
        subject=_b(e.subject),
        subject_decoded=_s(e.subject_decoded),
        from_=_addresses(e.from_, e.from_count),
        sender=_addresses(e.sender, e.sender_count),
        reply_to=_addresses(e.reply_to, e.reply_to_count),
        to=_addresses(e.to, e.to_count),
        cc=_addresses(e.cc, e.cc_count),
        bcc=_addresses(e.bcc, e.bcc_count),
        in_reply_to=_b(e.in_reply_to),
        message_id=_b(e.message_id),
    )


def _params(arr, count) -> List[Tuple[str, Optional[str]]]:
    return [(_s(p.name) or "", _s(p.value)) for p in _ptrs(arr, count, N.Param)]


def _body(p: N.BodyPart) -> BodyPart:
    return BodyPart(
        multipart=bool(p.multipart),
        media_type=_s(p.media_type) or "",
        subtype=_s(p.subtype) or "",
        params=_params(p.params, p.param_count),
        id=_b(p.id),
        description=_b(p.description),
        encoding=_s(p.encoding) or "",
        size=p.size,
        lines=p.lines if p.has_lines else None,
        md5=_b(p.md5),
        disposition=_s(p.disposition),
        disposition_params=_params(p.disposition_params, p.disposition_param_count),
        language=[_b(x) or b"" for x in _ptrs(p.language, p.language_count, N.Bytes)],
        location=_b(p.location),
        extension=[_b(x) or b"" for x in _ptrs(p.extension, p.extension_count, N.Bytes)],
        children=[_body(c) for c in _ptrs(p.children, p.child_count, N.BodyPart)],
        message_envelope=_envelope(p.message_envelope.contents) if p.message_envelope else None,
        message_body=_body(p.message_body.contents) if p.message_body else None,
        part=(p.part or b"").decode(),
    )


def _section(s: N.Section) -> Section:
    kind = SECTION_KINDS[s.kind] if 0 <= s.kind < len(SECTION_KINDS) else "UNKNOWN"
    return Section(
        kind=kind,
        spec=_s(s.spec) or "",
        part=tuple(s.part[i] for i in range(s.part_count)),
        origin=s.origin if s.has_origin else None,
        data=_b(s.data),
    )


def fetch_message_from(m: N.FetchMessage) -> FetchMessage:
    """A FetchMessage from the C structure."""
    date = None
    if m.has_internaldate:
        tz = _dt.timezone(_dt.timedelta(seconds=m.internaldate_offset))
        date = _dt.datetime.fromtimestamp(m.internaldate_seconds, tz)
    return FetchMessage(
        seq=m.seq,
        uid=m.uid if m.has_uid else None,
        flags=tuple(_b(f) or b"" for f in _ptrs(m.flags, m.flag_count, N.Bytes)) if m.has_flags else None,
        internaldate=date,
        rfc822_size=m.rfc822_size if m.has_rfc822_size else None,
        modseq=m.modseq if m.has_modseq else None,
        envelope=_envelope(m.envelope.contents) if m.envelope else None,
        body_structure=_body(m.body_structure.contents) if m.body_structure else None,
        body=_body(m.body.contents) if m.body else None,
        sections=[_section(s) for s in _ptrs(m.sections, m.section_count, N.Section)],
        binary_sizes=[
            (tuple(b.part[i] for i in range(b.part_count)), b.size)
            for b in _ptrs(m.binary_sizes, m.binary_size_count, N.BinarySize)
        ],
        other=[(_b(o.name) or b"", _b(o.raw) or b"")
               for o in _ptrs(m.other, m.other_count, N.RawItem)],
        valid=bool(m.valid),
        error=m.error.decode("utf-8", "replace") if m.error else None,
        raw=_b(m.raw),
    )


def fetch_messages_from_list(fl: N.FetchList) -> List[FetchMessage]:
    return [fetch_message_from(m) for m in _ptrs(fl.messages, fl.count, N.FetchMessage)]
