package imap

// #include <stdlib.h>
// #include "imap.h"
import "C"

import (
	"runtime"
	"strconv"
	"strings"
	"unsafe"
)

// This file: the Go types of parsed results and the library's enums.

// InvalidKind tells what made a response unparsable.
type InvalidKind int32

// The kinds of include/imap.h (imap_invalid_kind).
const (
	InvalidNone      InvalidKind = C.IMAP_INVALID_KIND_NONE
	InvalidSyntax    InvalidKind = C.IMAP_INVALID_KIND_SYNTAX    // bytes that are not IMAP syntax
	InvalidDepth     InvalidKind = C.IMAP_INVALID_KIND_DEPTH     // parentheses nested deeper than 64
	InvalidNumber    InvalidKind = C.IMAP_INVALID_KIND_NUMBER    // a number too large for its field
	InvalidShape     InvalidKind = C.IMAP_INVALID_KIND_SHAPE     // well-formed syntax of the wrong shape
	InvalidTruncated InvalidKind = C.IMAP_INVALID_KIND_TRUNCATED // the response ended early
	InvalidEncoding  InvalidKind = C.IMAP_INVALID_KIND_ENCODING  // invalid modified UTF-7 or base64
)

func (k InvalidKind) String() string {
	return C.GoString(C.imap_invalid_kind_name(C.int32_t(k)))
}

// ResponseCodeKind tells which response code a ResponseCode holds.
type ResponseCodeKind int32

// The kinds of include/imap.h (imap_response_code_kind).
const (
	ResponseCodeNone           ResponseCodeKind = C.IMAP_RESPONSE_CODE_KIND_NONE
	ResponseCodeAlert          ResponseCodeKind = C.IMAP_RESPONSE_CODE_KIND_ALERT
	ResponseCodeParse          ResponseCodeKind = C.IMAP_RESPONSE_CODE_KIND_PARSE
	ResponseCodeReadOnly       ResponseCodeKind = C.IMAP_RESPONSE_CODE_KIND_READ_ONLY
	ResponseCodeReadWrite      ResponseCodeKind = C.IMAP_RESPONSE_CODE_KIND_READ_WRITE
	ResponseCodeTryCreate      ResponseCodeKind = C.IMAP_RESPONSE_CODE_KIND_TRYCREATE
	ResponseCodeUIDNotSticky   ResponseCodeKind = C.IMAP_RESPONSE_CODE_KIND_UIDNOTSTICKY
	ResponseCodeClosed         ResponseCodeKind = C.IMAP_RESPONSE_CODE_KIND_CLOSED
	ResponseCodeNoModSeq       ResponseCodeKind = C.IMAP_RESPONSE_CODE_KIND_NOMODSEQ
	ResponseCodeUIDNext        ResponseCodeKind = C.IMAP_RESPONSE_CODE_KIND_UIDNEXT
	ResponseCodeUIDValidity    ResponseCodeKind = C.IMAP_RESPONSE_CODE_KIND_UIDVALIDITY
	ResponseCodeUnseen         ResponseCodeKind = C.IMAP_RESPONSE_CODE_KIND_UNSEEN
	ResponseCodeHighestModSeq  ResponseCodeKind = C.IMAP_RESPONSE_CODE_KIND_HIGHESTMODSEQ
	ResponseCodePermanentFlags ResponseCodeKind = C.IMAP_RESPONSE_CODE_KIND_PERMANENTFLAGS
	ResponseCodeBadCharset     ResponseCodeKind = C.IMAP_RESPONSE_CODE_KIND_BADCHARSET
	ResponseCodeCapability     ResponseCodeKind = C.IMAP_RESPONSE_CODE_KIND_CAPABILITY
	ResponseCodeAppendUID      ResponseCodeKind = C.IMAP_RESPONSE_CODE_KIND_APPENDUID
	ResponseCodeCopyUID        ResponseCodeKind = C.IMAP_RESPONSE_CODE_KIND_COPYUID
	ResponseCodeModified       ResponseCodeKind = C.IMAP_RESPONSE_CODE_KIND_MODIFIED
	ResponseCodeOther          ResponseCodeKind = C.IMAP_RESPONSE_CODE_KIND_OTHER
	// ResponseCodeInvalid: a known code whose data breaks its grammar ([UIDVALIDITY 0]);
	// Name and Data hold it as sent, and ParseCode's error is ErrParse.
	ResponseCodeInvalid ResponseCodeKind = C.IMAP_RESPONSE_CODE_KIND_INVALID
)

func (k ResponseCodeKind) String() string {
	return C.GoString(C.imap_response_code_kind_name(C.int32_t(k)))
}

// AddressKind tells what an Address entry is; address lists use RFC 3501's flat form for
// RFC 5322 groups: a group start, the members, a group end.
type AddressKind int32

// The kinds of include/imap.h (imap_address_kind).
const (
	AddressMailbox    AddressKind = C.IMAP_ADDRESS_KIND_MAILBOX     // name <mailbox@host>
	AddressGroupStart AddressKind = C.IMAP_ADDRESS_KIND_GROUP_START // its name in Mailbox
	AddressGroupEnd   AddressKind = C.IMAP_ADDRESS_KIND_GROUP_END
)

func (k AddressKind) String() string {
	return C.GoString(C.imap_address_kind_name(C.int32_t(k)))
}

// Quirk is a bit set of deviations from the IMAP grammar that a server sent and the parser
// accepted (Message.Quirks); the message is still exactly what the server sent.
type Quirk uint32

// The bits of include/imap.h (IMAP_QUIRK_*; see there).
const (
	QuirkLiteralWithoutSpace  Quirk = C.IMAP_QUIRK_LITERAL_WITHOUT_SPACE   // BODY[]<0>{100}
	QuirkExtraSpace           Quirk = C.IMAP_QUIRK_EXTRA_SPACE             // "( ", " )", two spaces, a tab
	QuirkUnescapedQuote       Quirk = C.IMAP_QUIRK_UNESCAPED_QUOTE         // '"' inside a quoted string
	QuirkGroupEndEmptyMailbox Quirk = C.IMAP_QUIRK_GROUP_END_EMPTY_MAILBOX // (NIL NIL "" NIL)
	QuirkGroupNotClosed       Quirk = C.IMAP_QUIRK_GROUP_NOT_CLOSED
	QuirkGroupEndWithoutStart Quirk = C.IMAP_QUIRK_GROUP_END_WITHOUT_START
	QuirkQuotedNumber         Quirk = C.IMAP_QUIRK_QUOTED_NUMBER // RFC822.SIZE "1234"
	QuirkNilField             Quirk = C.IMAP_QUIRK_NIL_FIELD     // a required field sent as NIL or left out
)

// Has reports whether every bit of q2 is set in q.
func (q Quirk) Has(q2 Quirk) bool { return q&q2 == q2 }

// SectionKind tells which FETCH item carried a Section.
type SectionKind int32

// The kinds of include/imap.h (imap_section_kind).
const (
	SectionBody         SectionKind = C.IMAP_SECTION_KIND_BODY          // BODY[section]<origin>
	SectionBinary       SectionKind = C.IMAP_SECTION_KIND_BINARY        // BINARY[section]<origin>
	SectionRFC822       SectionKind = C.IMAP_SECTION_KIND_RFC822        // RFC822 (BODY[])
	SectionRFC822Header SectionKind = C.IMAP_SECTION_KIND_RFC822_HEADER // RFC822.HEADER
	SectionRFC822Text   SectionKind = C.IMAP_SECTION_KIND_RFC822_TEXT   // RFC822.TEXT
)

func (k SectionKind) String() string {
	return C.GoString(C.imap_section_kind_name(C.int32_t(k)))
}

// SectionText is the text part of a section spec.
type SectionText int32

// The values of include/imap.h (imap_section_text).
const (
	SectionTextFull            SectionText = C.IMAP_SECTION_TEXT_FULL // BODY[], BODY[1.2]
	SectionTextHeader          SectionText = C.IMAP_SECTION_TEXT_HEADER
	SectionTextHeaderFields    SectionText = C.IMAP_SECTION_TEXT_HEADER_FIELDS
	SectionTextHeaderFieldsNot SectionText = C.IMAP_SECTION_TEXT_HEADER_FIELDS_NOT
	SectionTextText            SectionText = C.IMAP_SECTION_TEXT_TEXT
	SectionTextMIME            SectionText = C.IMAP_SECTION_TEXT_MIME
	SectionTextOther           SectionText = C.IMAP_SECTION_TEXT_OTHER // see Spec
)

func (t SectionText) String() string {
	return C.GoString(C.imap_section_text_name(C.int32_t(t)))
}

// MailboxEncoding says how mailbox names given to the Client reach the server.
type MailboxEncoding int32

const (
	// MailboxEncodingUTF7 (the default): a non-ASCII name is sent in modified UTF-7
	// (RFC 3501 §5.1.3); ASCII names go unchanged; in UTF-8 mode names go as UTF-8.
	MailboxEncodingUTF7 MailboxEncoding = C.IMAP_MAILBOX_ENCODING_UTF7
	// MailboxEncodingRaw: names are sent as given (imaplib's behaviour).
	MailboxEncodingRaw MailboxEncoding = C.IMAP_MAILBOX_ENCODING_RAW
)

func (e MailboxEncoding) String() string {
	return C.GoString(C.imap_mailbox_encoding_name(C.int32_t(e)))
}

// SeqRange is start:end of a sequence or UID set, inclusive (a single number n is n:n).
type SeqRange struct{ Start, End uint32 }

// SeqSet is a sequence or UID set as ranges, in the order sent (1:4294967295 is one range).
type SeqSet []SeqRange

// Contains reports whether n is in the set.
func (s SeqSet) Contains(n uint32) bool {
	for _, r := range s {
		if r.Start <= n && n <= r.End {
			return true
		}
	}
	return false
}

// Numbers expands the set into its numbers, in order. It is for small sets: 1:4294967295
// would give four billion numbers.
func (s SeqSet) Numbers() []uint32 {
	var out []uint32
	for _, r := range s {
		for n := uint64(r.Start); n <= uint64(r.End); n++ {
			out = append(out, uint32(n))
		}
	}
	return out
}

// String gives the set in IMAP syntax, "1:4,7".
func (s SeqSet) String() string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatUint(uint64(r.Start), 10))
		if r.End != r.Start {
			b.WriteByte(':')
			b.WriteString(strconv.FormatUint(uint64(r.End), 10))
		}
	}
	return b.String()
}

// Email returns mailbox@host ("" for a group entry); mailbox alone when Host is "".
func (a Address) Email() string {
	if a.Kind != AddressMailbox {
		return ""
	}
	if a.Host == "" {
		return a.Mailbox
	}
	return a.Mailbox + "@" + a.Host
}

// Disposition is a Content-Disposition: its type (attachment, inline) and parameters.
type Disposition struct {
	Type   string
	Params []Param
}

// EmbeddedMessage is the envelope and body structure of a message/rfc822 (or
// message/global) part.
type EmbeddedMessage struct {
	Envelope *Envelope
	Body     *BodyPart
}

// Param returns the value of the parameter name (case-insensitive), "" if there is none.
func (p *BodyPart) Param(name string) string {
	for _, x := range p.Params {
		if strings.EqualFold(x.Name, name) {
			return x.Value
		}
	}
	return ""
}

// Find returns the part numbered part ("2.1") in the tree under p, as the library numbers
// it (imap_body_part_find; "" is p itself when p is a multipart root); nil if none.
func (p *BodyPart) Find(part string) *BodyPart {
	if p == nil || strings.IndexByte(part, 0) >= 0 {
		return nil
	}
	cs := C.CString(part)
	defer C.free(unsafe.Pointer(cs))
	q := C.imap_body_part_find(p.c, cs)
	runtime.KeepAlive(p.owner)
	var walk func(b *BodyPart) *BodyPart
	walk = func(b *BodyPart) *BodyPart {
		if b == nil || b.c == q {
			return b
		}
		for _, ch := range b.Children {
			if f := walk(ch); f != nil {
				return f
			}
		}
		if b.Message != nil {
			return walk(b.Message.Body)
		}
		return nil
	}
	if q == nil {
		return nil
	}
	return walk(p)
}

// Section returns the data of the first section item matching spec as sent in BODY[...]
// ("" is the whole message, "HEADER", "1.2", "1.MIME", "HEADER.FIELDS (FROM)"; matched as
// the library does, imap_fetch_message_section); nil if there is none.
func (m *Message) Section(spec string) []byte {
	if m.c == nil || strings.IndexByte(spec, 0) >= 0 {
		return nil
	}
	cs := C.CString(spec)
	defer C.free(unsafe.Pointer(cs))
	q := C.imap_fetch_message_section(m.c, cs)
	defer runtime.KeepAlive(m.owner)
	for i, s := range ptrs(m.c.sections, m.c.section_count) {
		if s == q {
			return m.Sections[i].Data
		}
	}
	return nil
}

// Thread is a node of a THREAD forest (RFC 5256).
type Thread struct {
	// ID is the message number (or UID); HasID is false for the missing parent of
	// siblings that RFC 5256 writes ((3)(5)).
	ID       uint32
	HasID    bool
	Parent   *Thread // nil for a root
	Children []*Thread
}

// Resource returns the resource name (case-insensitive), nil if there is none.
func (q *Quota) Resource(name string) *QuotaResource {
	for i := range q.Resources {
		if strings.EqualFold(q.Resources[i].Name, name) {
			return &q.Resources[i]
		}
	}
	return nil
}
