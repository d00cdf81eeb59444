package imap

// #include <stdlib.h>
// #include "imap.h"
import "C"

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unsafe"
)

// This file: the parsed-results API (imap_parse_*). Each Parse method rebuilds a temporary
// library result from the Result's Go data (withCResult), hands it to the C parser, copies
// the parsed tree into Go values and frees the tree (its own _free) and the temporary
// result; nothing of C memory escapes or outlives the call.

// InvalidKind tells what made a response unparsable.
type InvalidKind int32

// The kinds of include/imap.h (imap_invalid_kind).
const (
	InvalidNone      InvalidKind = 0 // no problem
	InvalidSyntax    InvalidKind = 1 // bytes that are not IMAP syntax
	InvalidDepth     InvalidKind = 2 // parentheses nested deeper than 64
	InvalidNumber    InvalidKind = 3 // a number too large for its field, or not a number
	InvalidShape     InvalidKind = 4 // well-formed syntax of the wrong shape
	InvalidTruncated InvalidKind = 5 // the response ended early
	InvalidEncoding  InvalidKind = 6 // invalid modified UTF-7 or base64
)

func (k InvalidKind) String() string {
	switch k {
	case InvalidNone:
		return "none"
	case InvalidSyntax:
		return "syntax"
	case InvalidDepth:
		return "depth"
	case InvalidNumber:
		return "number"
	case InvalidShape:
		return "shape"
	case InvalidTruncated:
		return "truncated"
	case InvalidEncoding:
		return "encoding"
	}
	return "InvalidKind(" + strconv.Itoa(int(k)) + ")"
}

// Invalid is one response that could not be parsed: why, and its bytes as the result holds
// them without "* " and the response name ("2 (UID x)" for "* 2 FETCH (UID x)"); after a
// line announcing a literal, CRLF and the literal follow.
type Invalid struct {
	Kind    InvalidKind
	Message string
	Raw     []byte
}

// ResponseCodeKind tells which response code a ResponseCode holds.
type ResponseCodeKind int32

// The kinds of include/imap.h (imap_response_code_kind).
const (
	ResponseCodeNone           ResponseCodeKind = 0 // the tagged text has no response code
	ResponseCodeAlert          ResponseCodeKind = 1
	ResponseCodeParse          ResponseCodeKind = 2
	ResponseCodeReadOnly       ResponseCodeKind = 3
	ResponseCodeReadWrite      ResponseCodeKind = 4
	ResponseCodeTryCreate      ResponseCodeKind = 5
	ResponseCodeUIDNotSticky   ResponseCodeKind = 6
	ResponseCodeClosed         ResponseCodeKind = 7
	ResponseCodeNoModSeq       ResponseCodeKind = 8
	ResponseCodeUIDNext        ResponseCodeKind = 9  // Number
	ResponseCodeUIDValidity    ResponseCodeKind = 10 // Number
	ResponseCodeUnseen         ResponseCodeKind = 11 // Number: the first unseen message
	ResponseCodeHighestModSeq  ResponseCodeKind = 12 // Number
	ResponseCodePermanentFlags ResponseCodeKind = 13 // Atoms: the flags
	ResponseCodeBadCharset     ResponseCodeKind = 14 // Atoms: the charsets
	ResponseCodeCapability     ResponseCodeKind = 15 // Atoms: the capabilities
	ResponseCodeAppendUID      ResponseCodeKind = 16 // Number: UIDVALIDITY; UIDs
	ResponseCodeCopyUID        ResponseCodeKind = 17 // Number: UIDVALIDITY; SourceUIDs -> UIDs
	ResponseCodeModified       ResponseCodeKind = 18 // UIDs: failed a conditional STORE
	ResponseCodeOther          ResponseCodeKind = 19 // any other code
	// ResponseCodeInvalid: a known code whose data breaks its grammar ([UIDVALIDITY 0], a
	// UID beyond 32 bits); Name and Data hold it as sent, and ParseCode's error is ErrParse.
	ResponseCodeInvalid ResponseCodeKind = 20
)

var responseCodeNames = [...]string{"NONE", "ALERT", "PARSE", "READ-ONLY", "READ-WRITE",
	"TRYCREATE", "UIDNOTSTICKY", "CLOSED", "NOMODSEQ", "UIDNEXT", "UIDVALIDITY", "UNSEEN",
	"HIGHESTMODSEQ", "PERMANENTFLAGS", "BADCHARSET", "CAPABILITY", "APPENDUID", "COPYUID",
	"MODIFIED", "OTHER", "INVALID"}

func (k ResponseCodeKind) String() string {
	if k >= 0 && int(k) < len(responseCodeNames) {
		return responseCodeNames[k]
	}
	return "ResponseCodeKind(" + strconv.Itoa(int(k)) + ")"
}

// AddressKind tells what an Address entry is; address lists use RFC 3501's flat form for
// RFC 5322 groups: a group start, the members, a group end.
type AddressKind int32

// The kinds of include/imap.h (imap_address_kind).
const (
	AddressMailbox    AddressKind = 0 // a mailbox, name <mailbox@host>
	AddressGroupStart AddressKind = 1 // a group's start: its name in Mailbox
	AddressGroupEnd   AddressKind = 2 // the end of the group started last
)

// Quirk is a bit set of deviations from the IMAP grammar that a server sent and the parser
// accepted (FetchMessage.Quirks). The message is still exactly what the server sent:
// nothing is made up and nothing dropped.
type Quirk uint32

// The bits of include/imap.h (IMAP_QUIRK_*).
const (
	// QuirkLiteralWithoutSpace: a literal right after an atom, BODY[]<0>{100} (GreenMail).
	QuirkLiteralWithoutSpace Quirk = 1 << 0
	// QuirkExtraSpace: a space before ')' or after '(', two spaces, a tab, a trailing space
	// (qq.com).
	QuirkExtraSpace Quirk = 1 << 1
	// QuirkUnescapedQuote: a '"' inside a quoted string without its backslash, kept (163.com).
	QuirkUnescapedQuote Quirk = 1 << 2
	// QuirkGroupEndEmptyMailbox: an ENVELOPE group ended with (NIL NIL "" NIL) (Courier),
	// given as an AddressGroupEnd entry.
	QuirkGroupEndEmptyMailbox Quirk = 1 << 3
	// QuirkGroupNotClosed: an ENVELOPE group never ended (Yahoo); no end entry is made up.
	QuirkGroupNotClosed Quirk = 1 << 4
	// QuirkGroupEndWithoutStart: an ENVELOPE group end with no group open, kept as an
	// AddressGroupEnd entry.
	QuirkGroupEndWithoutStart Quirk = 1 << 5
	// QuirkQuotedNumber: a number sent as a quoted string (RFC822.SIZE "1234"), read.
	QuirkQuotedNumber Quirk = 1 << 6
	// QuirkNilField: a field the grammar requires sent as NIL or left out (a BODYSTRUCTURE
	// size, subtype or encoding, Mail.ru's ("boundary" NIL), an ENVELOPE with fewer than ten
	// fields), read as nil, "" or 0.
	QuirkNilField Quirk = 1 << 7
)

// Has reports whether every bit of q2 is set in q.
func (q Quirk) Has(q2 Quirk) bool { return q&q2 == q2 }

// SectionKind tells which FETCH item carried a Section.
type SectionKind int32

// The kinds of include/imap.h (imap_section_kind).
const (
	SectionBody         SectionKind = 0 // BODY[section]<origin>
	SectionBinary       SectionKind = 1 // BINARY[section]<origin> (RFC 3516)
	SectionRFC822       SectionKind = 2 // RFC822 (BODY[])
	SectionRFC822Header SectionKind = 3 // RFC822.HEADER (BODY[HEADER])
	SectionRFC822Text   SectionKind = 4 // RFC822.TEXT (BODY[TEXT])
)

// SectionText is the text part of a section spec.
type SectionText int32

// The values of include/imap.h (imap_section_text).
const (
	SectionTextFull            SectionText = 0 // the whole part: BODY[], BODY[1.2]
	SectionTextHeader          SectionText = 1
	SectionTextHeaderFields    SectionText = 2
	SectionTextHeaderFieldsNot SectionText = 3
	SectionTextText            SectionText = 4
	SectionTextMIME            SectionText = 5
	SectionTextOther           SectionText = 6 // something else: see Spec
)

// MailboxEncoding says how mailbox names given to the Client reach the server.
type MailboxEncoding int32

const (
	// MailboxEncodingUTF7 (the default): a name with non-ASCII characters is converted from
	// UTF-8 to modified UTF-7 (RFC 3501 §5.1.3); ASCII names go unchanged (so an already
	// encoded "&ZeVnLIqe-" still works); in UTF-8 mode names go as UTF-8.
	MailboxEncodingUTF7 MailboxEncoding = 0
	// MailboxEncodingRaw: names are sent as given (imaplib's behaviour); encode them with
	// UTF7Encode.
	MailboxEncodingRaw MailboxEncoding = 1
)

// The numbers above must be include/imap.h's: this fails to compile otherwise.
func _() {
	var x [1]struct{}
	_ = x[InvalidNone-C.IMAP_INVALID_KIND_NONE]
	_ = x[InvalidSyntax-C.IMAP_INVALID_KIND_SYNTAX]
	_ = x[InvalidDepth-C.IMAP_INVALID_KIND_DEPTH]
	_ = x[InvalidNumber-C.IMAP_INVALID_KIND_NUMBER]
	_ = x[InvalidShape-C.IMAP_INVALID_KIND_SHAPE]
	_ = x[InvalidTruncated-C.IMAP_INVALID_KIND_TRUNCATED]
	_ = x[InvalidEncoding-C.IMAP_INVALID_KIND_ENCODING]
	_ = x[ResponseCodeNone-C.IMAP_RESPONSE_CODE_KIND_NONE]
	_ = x[ResponseCodeAlert-C.IMAP_RESPONSE_CODE_KIND_ALERT]
	_ = x[ResponseCodeParse-C.IMAP_RESPONSE_CODE_KIND_PARSE]
	_ = x[ResponseCodeReadOnly-C.IMAP_RESPONSE_CODE_KIND_READ_ONLY]
	_ = x[ResponseCodeReadWrite-C.IMAP_RESPONSE_CODE_KIND_READ_WRITE]
	_ = x[ResponseCodeTryCreate-C.IMAP_RESPONSE_CODE_KIND_TRYCREATE]
	_ = x[ResponseCodeUIDNotSticky-C.IMAP_RESPONSE_CODE_KIND_UIDNOTSTICKY]
	_ = x[ResponseCodeClosed-C.IMAP_RESPONSE_CODE_KIND_CLOSED]
	_ = x[ResponseCodeNoModSeq-C.IMAP_RESPONSE_CODE_KIND_NOMODSEQ]
	_ = x[ResponseCodeUIDNext-C.IMAP_RESPONSE_CODE_KIND_UIDNEXT]
	_ = x[ResponseCodeUIDValidity-C.IMAP_RESPONSE_CODE_KIND_UIDVALIDITY]
	_ = x[ResponseCodeUnseen-C.IMAP_RESPONSE_CODE_KIND_UNSEEN]
	_ = x[ResponseCodeHighestModSeq-C.IMAP_RESPONSE_CODE_KIND_HIGHESTMODSEQ]
	_ = x[ResponseCodePermanentFlags-C.IMAP_RESPONSE_CODE_KIND_PERMANENTFLAGS]
	_ = x[ResponseCodeBadCharset-C.IMAP_RESPONSE_CODE_KIND_BADCHARSET]
	_ = x[ResponseCodeCapability-C.IMAP_RESPONSE_CODE_KIND_CAPABILITY]
	_ = x[ResponseCodeAppendUID-C.IMAP_RESPONSE_CODE_KIND_APPENDUID]
	_ = x[ResponseCodeCopyUID-C.IMAP_RESPONSE_CODE_KIND_COPYUID]
	_ = x[ResponseCodeModified-C.IMAP_RESPONSE_CODE_KIND_MODIFIED]
	_ = x[ResponseCodeOther-C.IMAP_RESPONSE_CODE_KIND_OTHER]
	_ = x[ResponseCodeInvalid-C.IMAP_RESPONSE_CODE_KIND_INVALID]
	_ = x[QuirkLiteralWithoutSpace-C.IMAP_QUIRK_LITERAL_WITHOUT_SPACE]
	_ = x[QuirkExtraSpace-C.IMAP_QUIRK_EXTRA_SPACE]
	_ = x[QuirkUnescapedQuote-C.IMAP_QUIRK_UNESCAPED_QUOTE]
	_ = x[QuirkGroupEndEmptyMailbox-C.IMAP_QUIRK_GROUP_END_EMPTY_MAILBOX]
	_ = x[QuirkGroupNotClosed-C.IMAP_QUIRK_GROUP_NOT_CLOSED]
	_ = x[QuirkGroupEndWithoutStart-C.IMAP_QUIRK_GROUP_END_WITHOUT_START]
	_ = x[QuirkQuotedNumber-C.IMAP_QUIRK_QUOTED_NUMBER]
	_ = x[QuirkNilField-C.IMAP_QUIRK_NIL_FIELD]
	_ = x[AddressMailbox-C.IMAP_ADDRESS_KIND_MAILBOX]
	_ = x[AddressGroupStart-C.IMAP_ADDRESS_KIND_GROUP_START]
	_ = x[AddressGroupEnd-C.IMAP_ADDRESS_KIND_GROUP_END]
	_ = x[SectionBody-C.IMAP_SECTION_KIND_BODY]
	_ = x[SectionBinary-C.IMAP_SECTION_KIND_BINARY]
	_ = x[SectionRFC822-C.IMAP_SECTION_KIND_RFC822]
	_ = x[SectionRFC822Header-C.IMAP_SECTION_KIND_RFC822_HEADER]
	_ = x[SectionRFC822Text-C.IMAP_SECTION_KIND_RFC822_TEXT]
	_ = x[SectionTextFull-C.IMAP_SECTION_TEXT_FULL]
	_ = x[SectionTextHeader-C.IMAP_SECTION_TEXT_HEADER]
	_ = x[SectionTextHeaderFields-C.IMAP_SECTION_TEXT_HEADER_FIELDS]
	_ = x[SectionTextHeaderFieldsNot-C.IMAP_SECTION_TEXT_HEADER_FIELDS_NOT]
	_ = x[SectionTextText-C.IMAP_SECTION_TEXT_TEXT]
	_ = x[SectionTextMIME-C.IMAP_SECTION_TEXT_MIME]
	_ = x[SectionTextOther-C.IMAP_SECTION_TEXT_OTHER]
	_ = x[MailboxEncodingUTF7-C.IMAP_MAILBOX_ENCODING_UTF7]
	_ = x[MailboxEncodingRaw-C.IMAP_MAILBOX_ENCODING_RAW]
}

// ---- Go types ------------------------------------------------------------------------------

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

// ResponseCode is the response code of a Result's tagged text, parsed (imap_parse_code).
// Number, Atoms, UIDs and SourceUIDs are set as Kind says.
type ResponseCode struct {
	Kind ResponseCodeKind
	// Name is the code's name, upper-cased ("APPENDUID"); "" when there is none.
	Name string
	// Data is the code's data as sent ("38505 3955"); nil when it has none.
	Data       []byte
	Number     uint64
	Atoms      []string
	UIDs       SeqSet
	SourceUIDs SeqSet
}

// MailboxInfo is what SELECT or EXAMINE reported about the selected mailbox
// (imap_mailbox_info). Each Has field tells whether the server sent the value.
type MailboxInfo struct {
	Exists           uint32
	HasExists        bool
	Recent           uint32
	HasRecent        bool
	Unseen           uint32 // [UNSEEN n]: the first unseen message's number
	HasUnseen        bool
	UIDValidity      uint32
	HasUIDValidity   bool
	UIDNext          uint32
	HasUIDNext       bool
	Flags            []string // FLAGS; nil if not sent
	PermanentFlags   []string // [PERMANENTFLAGS (...)]; nil if not sent
	HighestModSeq    uint64   // RFC 7162
	HasHighestModSeq bool
	NoModSeq         bool // [NOMODSEQ] was sent
	ReadOnly         bool // [READ-ONLY] was sent
	HasAccess        bool // [READ-ONLY] or [READ-WRITE] was sent
	// Invalid lists the values that broke their grammar ([UIDVALIDITY 0],
	// * 4294967296 EXISTS), with their bytes as received; their Has field is false, and
	// Mailbox's error satisfies errors.Is(err, ErrParse).
	Invalid []Invalid
}

// Address is one entry of an ENVELOPE address list. For AddressGroupStart the group's name
// is in Mailbox; AddressGroupEnd has every field empty.
type Address struct {
	Kind AddressKind
	// Name is the display name with RFC 2047 encoded words decoded; RawName is it as sent
	// (nil for NIL).
	Name    string
	RawName []byte
	ADL     string // source route (obsolete), usually ""
	Mailbox string // the local part, or a group's name
	Host    string
	// Group is the name of the group a mailbox belongs to ("" outside a group).
	Group string
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

// Envelope is a FETCH ENVELOPE. Strings are the raw header text ("" when absent) except
// Subject, decoded from RFC 2047.
type Envelope struct {
	Date       string
	Subject    string // decoded (UTF-8)
	RawSubject []byte // as sent; nil for NIL
	From       []Address
	Sender     []Address
	ReplyTo    []Address
	To         []Address
	Cc         []Address
	Bcc        []Address
	InReplyTo  string
	MessageID  string
}

// Param is a name and value of a body parameter list (charset=utf-8).
type Param struct{ Name, Value string }

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

// BodyPart is one node of a BODY or BODYSTRUCTURE tree. A multipart has Multipart set, Type
// "MULTIPART", its parts in Children, and of the other fields only Subtype, Params,
// Disposition, Language, Location and Extension. Strings are as sent: compare type names
// with strings.EqualFold.
type BodyPart struct {
	Multipart   bool
	Type        string // TEXT, IMAGE... ("" if the server sent NIL)
	Subtype     string
	Params      []Param
	ID          string // Content-ID
	Description string
	Encoding    string // Content-Transfer-Encoding
	Size        uint64 // of the encoded body, in bytes
	Lines       uint64 // text and message/rfc822 parts
	HasLines    bool
	MD5         string
	Disposition *Disposition // nil when there is none
	Language    []string
	Location    string
	// Extension holds extension data beyond the known fields, each value in IMAP syntax.
	Extension []string
	Children  []*BodyPart
	// Message is set for a message/rfc822 (or message/global) part.
	Message *EmbeddedMessage
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

// Part returns the part with IMAP part number path (Part(2, 1) is part 2.1; Part() is p
// itself); nil if there is none. A non-multipart part is its own part 1, and the parts of
// an embedded message are numbered under the message's part.
func (p *BodyPart) Part(path ...int) *BodyPart {
	cur := p
	for _, n := range path {
		if cur == nil || n < 1 {
			return nil
		}
		if cur.Message != nil && cur.Message.Body != nil {
			cur = cur.Message.Body
		}
		switch {
		case cur.Multipart:
			if n > len(cur.Children) {
				return nil
			}
			cur = cur.Children[n-1]
		case n == 1:
		default:
			return nil
		}
	}
	return cur
}

// Section is a body section item of a FETCH (BODY[1.HEADER]<0>, BINARY[2], RFC822...).
type Section struct {
	Kind SectionKind
	// Spec is the spec between the brackets as sent ("1.HEADER.FIELDS (DATE FROM)"); "" for
	// BODY[] and the RFC822 forms.
	Spec   string
	Part   []uint32 // part numbers, none for the top level
	Text   SectionText
	Fields []string // the names of HEADER.FIELDS and HEADER.FIELDS.NOT
	// Origin is the <origin> of a partial fetch.
	Origin    uint32
	HasOrigin bool
	// Data is the bytes; nil for NIL.
	Data []byte
	// Streamed is set when the literal went to a streaming sink: StreamedSize bytes, not
	// kept in Data.
	Streamed     bool
	StreamedSize uint64
}

// BinarySize is a BINARY.SIZE[part] item (RFC 3516).
type BinarySize struct {
	Part []uint32
	Size uint64
}

// RawItem is a FETCH item kept as bytes: one the parser does not know (X-GM-LABELS...),
// or a known item whose value was malformed. Value is in IMAP syntax.
type RawItem struct {
	Name  string
	Value []byte
}

// FetchMessage is one message of a FETCH result. Items the server did not send are absent
// (Has fields false, nil slices and pointers, zero time).
type FetchMessage struct {
	Seq    uint32 // the message sequence number (0 if even that could not be read)
	UID    uint32
	HasUID bool
	// Flags as sent (`\Seen`, `$Junk`); nil when FLAGS was not sent.
	Flags []string
	// InternalDate is the INTERNALDATE in a fixed zone at the offset written in it.
	InternalDate  time.Time
	Size          uint64 // RFC822.SIZE
	HasSize       bool
	ModSeq        uint64 // RFC 7162
	HasModSeq     bool
	Envelope      *Envelope
	BodyStructure *BodyPart // BODYSTRUCTURE (with extension data)
	Body          *BodyPart // BODY without a section (no extension data)
	Sections      []Section
	BinarySizes   []BinarySize
	Raw           []RawItem
	// Err is nil when the response parsed; otherwise an *Error with CodeParse (ErrParse)
	// saying why, and RawBytes holds the response's bytes. The items read before the
	// problem are filled in, and the malformed item is in Raw when it could be delimited.
	Err      error
	RawBytes []byte
	// Quirks are the deviations from the IMAP grammar that the server sent and the parser
	// accepted (0 for none); the message is still exactly what was sent.
	Quirks Quirk
}

// Section returns the data of the first section item whose spec is spec (case-insensitive;
// "" is BODY[], RFC822 and BINARY[]; "HEADER" also matches RFC822.HEADER, "TEXT"
// RFC822.TEXT); nil if there is none.
func (m *FetchMessage) Section(spec string) []byte {
	for i := range m.Sections {
		s := &m.Sections[i]
		got := s.Spec
		switch s.Kind {
		case SectionRFC822Header:
			got = "HEADER"
		case SectionRFC822Text:
			got = "TEXT"
		}
		if strings.EqualFold(got, spec) {
			return s.Data
		}
	}
	return nil
}

// ListEntry is a LIST or LSUB entry.
type ListEntry struct {
	Attributes []string // \HasNoChildren, \Noselect, \Sent... as sent
	Delimiter  byte     // the hierarchy delimiter, 0 for NIL (a flat namespace)
	// Name is the mailbox name decoded from modified UTF-7 (or the name as sent when the
	// server sent UTF-8); "" when it is neither, see RawName.
	Name    string
	RawName []byte // as sent
	// Extended is LIST-EXTENDED data after the name, each value in IMAP syntax.
	Extended []string
}

// MailboxStatus is a STATUS response. Each Has field tells whether the server sent the
// item.
type MailboxStatus struct {
	Mailbox          string // decoded; see ListEntry.Name
	RawMailbox       []byte
	Messages         uint32
	HasMessages      bool
	Recent           uint32
	HasRecent        bool
	UIDNext          uint32
	HasUIDNext       bool
	UIDValidity      uint32
	HasUIDValidity   bool
	Unseen           uint32
	HasUnseen        bool
	Deleted          uint32 // RFC 9051
	HasDeleted       bool
	HighestModSeq    uint64 // RFC 7162
	HasHighestModSeq bool
	Size             uint64 // RFC 8438
	HasSize          bool
	// Other holds items without a field, by upper-cased name.
	Other map[string]uint64
}

// SearchResult is the numbers of SEARCH or SORT responses (message numbers, or UIDs for a
// UID command), in the order sent, and CONDSTORE's (MODSEQ n).
type SearchResult struct {
	IDs       []uint32
	ModSeq    uint64
	HasModSeq bool
}

// ESearchItem is ESEARCH return data without a field (PARTIAL, RELEVANCY...).
type ESearchItem struct {
	Name  string // upper-cased
	Value string // IMAP syntax
}

// ESearch is an ESEARCH response (RFC 4731).
type ESearch struct {
	Tag       string // of the command it answers; "" if not sent
	UID       bool   // the numbers are UIDs
	Min       uint32
	HasMin    bool
	Max       uint32
	HasMax    bool
	Count     uint32
	HasCount  bool
	All       SeqSet
	HasAll    bool
	ModSeq    uint64
	HasModSeq bool
	Other     []ESearchItem
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

// Namespace is one namespace: its prefix, delimiter (0 for NIL) and extension data (IMAP
// syntax).
type Namespace struct {
	Prefix     string
	Delimiter  byte
	Extensions []string
}

// Namespaces is a NAMESPACE response (RFC 2342).
type Namespaces struct {
	Personal, Other, Shared []Namespace
}

// QuotaResource is a quota resource: its name (STORAGE in KiB, MESSAGE...), usage and limit.
type QuotaResource struct {
	Name         string
	Usage, Limit uint64
}

// Quota is a QUOTA response: the quota root and its resources.
type Quota struct {
	Root      string
	Resources []QuotaResource
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

// QuotaRoot is a QUOTAROOT response: a mailbox and its quota roots.
type QuotaRoot struct {
	Mailbox    string
	RawMailbox []byte
	Roots      []string
}

// ACLEntry is an identifier and its rights ("user2", "lrs").
type ACLEntry struct{ Identifier, Rights string }

// ACL is an ACL response (RFC 4314): a mailbox and its access control list.
type ACL struct {
	Mailbox    string
	RawMailbox []byte
	Entries    []ACLEntry
}

// MyRights is a MYRIGHTS response: a mailbox and the logged-in user's rights.
type MyRights struct {
	Mailbox    string
	RawMailbox []byte
	Rights     string
}

// ListRights is a LISTRIGHTS response: the rights always granted to Identifier (Required)
// and the groups of rights that may be granted (each group together).
type ListRights struct {
	Mailbox    string
	RawMailbox []byte
	Identifier string
	Required   string
	Optional   []string
}

// MetadataEntry is a METADATA entry ("/private/comment") and its value; Value is nil for
// NIL and in unsolicited change notices, which list names only.
type MetadataEntry struct {
	Name  string
	Value []byte
}

// Metadata is a METADATA response (RFC 5464): the mailbox ("" for server metadata) and its
// entries.
type Metadata struct {
	Mailbox    string
	RawMailbox []byte
	Entries    []MetadataEntry
}

// ---- copying out of C memory -----------------------------------------------------------------

func cslice[T any](p *T, n C.size_t) []T {
	if p == nil || n == 0 {
		return nil
	}
	return unsafe.Slice(p, int(n))
}

// bstr copies an imap_bytes as a string ("" for NIL).
func bstr(b C.imap_bytes) string {
	if b.data == nil || b.len == 0 {
		return ""
	}
	return string(unsafe.Slice((*byte)(unsafe.Pointer(b.data)), int(b.len)))
}

// bbytes copies an imap_bytes (nil for NIL, empty for an empty string).
func bbytes(b C.imap_bytes) []byte { return goBytes(b.data, b.len) }

func bstrs(p *C.imap_bytes, n C.size_t) []string {
	in := cslice(p, n)
	if in == nil {
		return nil
	}
	out := make([]string, len(in))
	for i, b := range in {
		out[i] = bstr(b)
	}
	return out
}

func u32s(p *C.uint32_t, n C.size_t) []uint32 {
	in := cslice(p, n)
	if in == nil {
		return nil
	}
	out := make([]uint32, len(in))
	for i, v := range in {
		out[i] = uint32(v)
	}
	return out
}

func seqSet(p *C.imap_seq_range, n C.size_t) SeqSet {
	in := cslice(p, n)
	if in == nil {
		return nil
	}
	out := make(SeqSet, len(in))
	for i, r := range in {
		out[i] = SeqRange{uint32(r.start), uint32(r.end)}
	}
	return out
}

func mailboxName(m C.imap_mailbox_name) (string, []byte) {
	return bstr(m.name), bbytes(m.raw)
}

func invalids(p *C.imap_invalid, n C.size_t) []Invalid {
	in := cslice(p, n)
	if in == nil {
		return nil
	}
	out := make([]Invalid, len(in))
	for i, v := range in {
		out[i] = Invalid{Kind: InvalidKind(v.kind), Message: goString(v.message), Raw: bbytes(v.raw)}
	}
	return out
}

func params(p *C.imap_param, n C.size_t) []Param {
	in := cslice(p, n)
	if in == nil {
		return nil
	}
	out := make([]Param, len(in))
	for i, v := range in {
		out[i] = Param{Name: bstr(v.name), Value: bstr(v.value)}
	}
	return out
}

func addresses(p *C.imap_address, n C.size_t) []Address {
	in := cslice(p, n)
	if in == nil {
		return nil
	}
	out := make([]Address, len(in))
	group := ""
	for i, v := range in {
		a := Address{Kind: AddressKind(v.kind), Name: bstr(v.name_decoded), RawName: bbytes(v.name),
			ADL: bstr(v.adl), Mailbox: bstr(v.mailbox), Host: bstr(v.host)}
		switch a.Kind {
		case AddressGroupStart:
			group = a.Mailbox
		case AddressGroupEnd:
			group = ""
		default:
			a.Group = group
		}
		out[i] = a
	}
	return out
}

func envelope(e *C.imap_envelope) *Envelope {
	if e == nil {
		return nil
	}
	return &Envelope{
		Date:       bstr(e.date),
		Subject:    bstr(e.subject_decoded),
		RawSubject: bbytes(e.subject),
		From:       addresses(e.from, e.from_count),
		Sender:     addresses(e.sender, e.sender_count),
		ReplyTo:    addresses(e.reply_to, e.reply_to_count),
		To:         addresses(e.to, e.to_count),
		Cc:         addresses(e.cc, e.cc_count),
		Bcc:        addresses(e.bcc, e.bcc_count),
		InReplyTo:  bstr(e.in_reply_to),
		MessageID:  bstr(e.message_id),
	}
}

// bodyPart copies a body tree; the library bounds its depth to 64 levels.
func bodyPart(b *C.imap_body_part) *BodyPart {
	if b == nil {
		return nil
	}
	p := &BodyPart{
		Multipart:   b.multipart != 0,
		Type:        bstr(b.media_type),
		Subtype:     bstr(b.subtype),
		Params:      params(b.params, b.param_count),
		ID:          bstr(b.id),
		Description: bstr(b.description),
		Encoding:    bstr(b.encoding),
		Size:        uint64(b.size),
		Lines:       uint64(b.lines),
		HasLines:    b.has_lines != 0,
		MD5:         bstr(b.md5),
		Language:    bstrs(b.language, b.language_count),
		Location:    bstr(b.location),
		Extension:   bstrs(b.extension, b.extension_count),
	}
	if b.disposition.data != nil {
		p.Disposition = &Disposition{Type: bstr(b.disposition),
			Params: params(b.disposition_params, b.disposition_param_count)}
	}
	children := cslice(b.children, b.child_count)
	for i := range children {
		p.Children = append(p.Children, bodyPart(&children[i]))
	}
	if b.message_envelope != nil || b.message_body != nil {
		p.Message = &EmbeddedMessage{Envelope: envelope(b.message_envelope), Body: bodyPart(b.message_body)}
	}
	return p
}

func fetchMessage(m *C.imap_fetch_message) FetchMessage {
	f := FetchMessage{
		Seq:           uint32(m.seq),
		UID:           uint32(m.uid),
		HasUID:        m.has_uid != 0,
		Size:          uint64(m.rfc822_size),
		HasSize:       m.has_rfc822_size != 0,
		ModSeq:        uint64(m.modseq),
		HasModSeq:     m.has_modseq != 0,
		Envelope:      envelope(m.envelope),
		BodyStructure: bodyPart(m.body_structure),
		Body:          bodyPart(m.body),
	}
	if m.has_flags != 0 {
		f.Flags = bstrs(m.flags, m.flag_count)
		if f.Flags == nil {
			f.Flags = []string{}
		}
	}
	if m.has_internaldate != 0 {
		f.InternalDate = time.Unix(int64(m.internaldate_seconds), 0).In(fixedZone(int(m.internaldate_offset)))
	}
	for _, s := range cslice(m.sections, m.section_count) {
		f.Sections = append(f.Sections, Section{
			Kind: SectionKind(s.kind), Spec: bstr(s.spec), Part: u32s(s.part, s.part_count),
			Text: SectionText(s.text), Fields: bstrs(s.fields, s.field_count),
			Origin: uint32(s.origin), HasOrigin: s.has_origin != 0, Data: bbytes(s.data),
			Streamed: s.streamed != 0, StreamedSize: uint64(s.streamed_size),
		})
	}
	for _, b := range cslice(m.binary_sizes, m.binary_size_count) {
		f.BinarySizes = append(f.BinarySizes, BinarySize{Part: u32s(b.part, b.part_count), Size: uint64(b.size)})
	}
	for _, r := range cslice(m.other, m.other_count) {
		f.Raw = append(f.Raw, RawItem{Name: bstr(r.name), Value: bbytes(r.raw)})
	}
	f.Quirks = Quirk(m.quirks)
	if m.valid == 0 {
		inv := Invalid{Kind: InvalidKind(m.error_kind), Message: goString(m.error), Raw: bbytes(m.raw)}
		f.RawBytes = inv.Raw
		f.Err = &Error{Code: CodeParse, Op: "FETCH", Invalid: []Invalid{inv},
			Message: fmt.Sprintf("message %d did not parse (%v): %s", f.Seq, inv.Kind, inv.Message)}
	}
	return f
}

// ---- the Parse methods -----------------------------------------------------------------------

// withCResult runs f on a temporary library result rebuilt from r's Type, Data (Kind, Line,
// Literal), Status and Text with imap_result_new; the Result itself holds only Go memory.
// cgo forbids handing C an array of structs that hold Go pointers, so the items and their
// bytes are first copied to C memory (one block for the items, one for all the bytes), which
// is freed as soon as imap_result_new has made its own copy; the temporary result is freed
// when f returns. Status "" means no tagged reply (Text is then ignored). Only r is read, so
// Parse methods may run concurrently on one Result. ErrInvalidArgument for a nil Result, a
// NUL in Type or Status, an unknown Kind or Type/Status that are not UTF-8. A Streamed item
// goes as a LITERAL with a NULL literal and literal_len = Size, which imap_result_new takes
// for a streamed literal, as in results (one of Size 0 is an empty literal to it).
func (r *Result) withCResult(op string, f func(p *C.imap_result) C.imap_code) (Code, error) {
	invalid := func(msg string) (Code, error) {
		return CodeInvalidArgument, &Error{Code: CodeInvalidArgument, Op: op, Message: msg}
	}
	if r == nil {
		return invalid("nil Result")
	}
	if strings.IndexByte(r.Type, 0) >= 0 || strings.IndexByte(r.Status, 0) >= 0 {
		return invalid("the Result's Type or Status contains NUL")
	}

	// All bytes in one C block: lines, literals, Text, then Type and Status NUL-terminated.
	n := len(r.Data)
	size := len(r.Text) + len(r.Type) + 1 + len(r.Status) + 1
	for _, it := range r.Data {
		size += len(it.Line) + len(it.Literal)
	}
	bytesBlock := C.malloc(C.size_t(size))
	itemsBlock := C.malloc(C.size_t(max(n, 1)) * C.size_t(C.sizeof_imap_item))
	buf := unsafe.Slice((*byte)(bytesBlock), size)
	off := 0
	put := func(b []byte) (*C.uint8_t, C.size_t) {
		if len(b) == 0 {
			return nil, 0
		}
		p := (*C.uint8_t)(unsafe.Pointer(&buf[off]))
		off += copy(buf[off:], b)
		return p, C.size_t(len(b))
	}
	putString := func(s string) *C.char {
		p := (*C.char)(unsafe.Pointer(&buf[off]))
		off += copy(buf[off:], s)
		buf[off] = 0
		off++
		return p
	}
	items := unsafe.Slice((*C.imap_item)(itemsBlock), n)
	for i := range r.Data {
		it := &r.Data[i]
		items[i] = C.imap_item{kind: C.imap_item_kind(it.Kind)}
		if it.Kind != ItemNone {
			items[i].data, items[i].len = put(it.Line)
		}
		switch {
		case it.Kind != ItemLiteral:
		case it.Streamed:
			items[i].literal_len = C.size_t(it.Size)
		default:
			items[i].literal, items[i].literal_len = put(it.Literal)
		}
	}
	text, textLen := put(r.Text)
	typ := putString(r.Type)
	var status *C.char
	if r.Status != "" {
		status = putString(r.Status)
	}

	var p *C.imap_result
	code := Code(C.imap_result_new(typ, (*C.imap_item)(itemsBlock), C.size_t(n), status, text, textLen, &p))
	// The result holds its own copy: free ours before parsing.
	C.free(itemsBlock)
	C.free(bytesBlock)
	if code != CodeOK {
		return code, &Error{Code: code, Op: op,
			Message: "the Result cannot be handed to the parser (an unknown item Kind, or Type or Status not UTF-8)"}
	}
	defer C.imap_result_free(p)
	return Code(f(p)), nil
}

// parseError converts a parse code; inv is the object's invalid list (for CodeParse).
func parseError(op string, code Code, inv []Invalid) error {
	switch code {
	case CodeOK:
		return nil
	case CodeParse:
		msg := fmt.Sprintf("%d response(s) did not parse", len(inv))
		if len(inv) > 0 {
			msg += fmt.Sprintf("; first (%v): %s", inv[0].Kind, inv[0].Message)
		}
		return &Error{Code: code, Op: op, Message: msg, Invalid: inv}
	}
	return &Error{Code: code, Op: op}
}

// ParseFetch parses the FETCH responses of r (from Fetch, UID FETCH/STORE, Store, Partial,
// Response("FETCH"), or an IDLE Update's Result): one FetchMessage per response, in order.
// A result without FETCH data gives none. When some message did not parse the slice is
// still returned, with that message's Err set, and the error satisfies
// errors.Is(err, ErrParse); its Invalid lists the bad messages. A literal streamed to a
// LiteralFunc (Item.Streamed) is a Section with Streamed, StreamedSize and nil Data (the
// parser's imap_section.streamed/streamed_size). A string the parser needs that was streamed
// (an envelope string, only with a very small minSize) makes its message fail to parse.
func (r *Result) ParseFetch() ([]FetchMessage, error) {
	const op = "PARSE FETCH"
	var out []FetchMessage
	var inv []Invalid
	code, err := r.withCResult(op, func(p *C.imap_result) C.imap_code {
		var l *C.imap_fetch_list
		code := C.imap_parse_fetch(p, &l)
		if l != nil {
			msgs := cslice(l.messages, l.count)
			out = make([]FetchMessage, len(msgs))
			for i := range msgs {
				out[i] = fetchMessage(&msgs[i])
				if out[i].Err != nil {
					inv = append(inv, out[i].Err.(*Error).Invalid...)
				}
			}
			C.imap_fetch_list_free(l)
		}
		return code
	})
	if err != nil {
		return nil, err
	}
	return out, parseError(op, code, inv)
}

// ParseList parses the LIST or LSUB responses of r (from List, Lsub, Response("LIST")).
// Names are decoded from modified UTF-7. Responses that did not parse are left out and
// reported by an error satisfying errors.Is(err, ErrParse), with the entries that did.
func (r *Result) ParseList() ([]ListEntry, error) {
	const op = "PARSE LIST"
	var out []ListEntry
	var inv []Invalid
	code, err := r.withCResult(op, func(p *C.imap_result) C.imap_code {
		var l *C.imap_list_entries
		code := C.imap_parse_list(p, &l)
		if l != nil {
			for _, e := range cslice(l.entries, l.count) {
				name, raw := mailboxName(e.mailbox)
				out = append(out, ListEntry{Attributes: bstrs(e.attributes, e.attribute_count),
					Delimiter: byte(e.delimiter), Name: name, RawName: raw,
					Extended: bstrs(e.extended, e.extended_count)})
			}
			inv = invalids(l.invalid, l.invalid_count)
			C.imap_list_entries_free(l)
		}
		return code
	})
	if err != nil {
		return nil, err
	}
	return out, parseError(op, code, inv)
}

// ParseStatus parses the STATUS responses of r (usually one). Errors as ParseList.
func (r *Result) ParseStatus() ([]MailboxStatus, error) {
	const op = "PARSE STATUS"
	var out []MailboxStatus
	var inv []Invalid
	code, err := r.withCResult(op, func(p *C.imap_result) C.imap_code {
		var l *C.imap_status_list
		code := C.imap_parse_status(p, &l)
		if l != nil {
			for _, e := range cslice(l.entries, l.count) {
				s := MailboxStatus{
					Messages: uint32(e.messages), HasMessages: e.has_messages != 0,
					Recent: uint32(e.recent), HasRecent: e.has_recent != 0,
					UIDNext: uint32(e.uidnext), HasUIDNext: e.has_uidnext != 0,
					UIDValidity: uint32(e.uidvalidity), HasUIDValidity: e.has_uidvalidity != 0,
					Unseen: uint32(e.unseen), HasUnseen: e.has_unseen != 0,
					Deleted: uint32(e.deleted), HasDeleted: e.has_deleted != 0,
					HighestModSeq: uint64(e.highest_modseq), HasHighestModSeq: e.has_highest_modseq != 0,
					Size: uint64(e.size), HasSize: e.has_size != 0,
				}
				s.Mailbox, s.RawMailbox = mailboxName(e.mailbox)
				for _, o := range cslice(e.other, e.other_count) {
					if s.Other == nil {
						s.Other = map[string]uint64{}
					}
					s.Other[bstr(o.name)] = uint64(o.value)
				}
				out = append(out, s)
			}
			inv = invalids(l.invalid, l.invalid_count)
			C.imap_status_list_free(l)
		}
		return code
	})
	if err != nil {
		return nil, err
	}
	return out, parseError(op, code, inv)
}

// ParseSearch parses the SEARCH or SORT responses of r (Search, Sort, UID SEARCH/SORT).
// A malformed response gives no numbers at all (they are not reported partially) and an
// error satisfying errors.Is(err, ErrParse).
func (r *Result) ParseSearch() (*SearchResult, error) {
	const op = "PARSE SEARCH"
	var out *SearchResult
	var inv []Invalid
	code, err := r.withCResult(op, func(p *C.imap_result) C.imap_code {
		var s *C.imap_search_result
		code := C.imap_parse_search(p, &s)
		if s != nil {
			out = &SearchResult{IDs: u32s(s.ids, s.count), ModSeq: uint64(s.modseq), HasModSeq: s.has_modseq != 0}
			if out.IDs == nil {
				out.IDs = []uint32{}
			}
			inv = invalids(s.invalid, s.invalid_count)
			C.imap_search_result_free(s)
		}
		return code
	})
	if err != nil {
		return nil, err
	}
	return out, parseError(op, code, inv)
}

// ParseESearch parses the ESEARCH responses of r (Response("ESEARCH") after a SEARCH with
// RETURN options). Errors as ParseList.
func (r *Result) ParseESearch() ([]ESearch, error) {
	const op = "PARSE ESEARCH"
	var out []ESearch
	var inv []Invalid
	code, err := r.withCResult(op, func(p *C.imap_result) C.imap_code {
		var l *C.imap_esearch_list
		code := C.imap_parse_esearch(p, &l)
		if l != nil {
			for _, e := range cslice(l.entries, l.count) {
				es := ESearch{Tag: bstr(e.tag), UID: e.uid != 0,
					Min: uint32(e.min), HasMin: e.has_min != 0, Max: uint32(e.max), HasMax: e.has_max != 0,
					Count: uint32(e.count), HasCount: e.has_count != 0,
					All: seqSet(e.all, e.all_count), HasAll: e.has_all != 0,
					ModSeq: uint64(e.modseq), HasModSeq: e.has_modseq != 0}
				for _, o := range cslice(e.other, e.other_count) {
					es.Other = append(es.Other, ESearchItem{Name: bstr(o.name), Value: bstr(o.value)})
				}
				out = append(out, es)
			}
			inv = invalids(l.invalid, l.invalid_count)
			C.imap_esearch_list_free(l)
		}
		return code
	})
	if err != nil {
		return nil, err
	}
	return out, parseError(op, code, inv)
}

// ParseThread parses the THREAD responses of r (Thread, UID THREAD) into a forest: one
// root per thread. A malformed response gives an empty forest and an error satisfying
// errors.Is(err, ErrParse). The tree is built without recursion, so long reply chains are
// fine; walk deep ones iteratively too.
func (r *Result) ParseThread() ([]*Thread, error) {
	const op = "PARSE THREAD"
	var roots []*Thread
	var inv []Invalid
	code, err := r.withCResult(op, func(p *C.imap_result) C.imap_code {
		var l *C.imap_thread_list
		code := C.imap_parse_thread(p, &l)
		if l != nil {
			cn := cslice(l.nodes, l.node_count)
			nodes := make([]Thread, len(cn))
			valid := func(i C.size_t) bool { return int(i) < len(nodes) } // defensive
			for i, n := range cn {
				nodes[i].ID, nodes[i].HasID = uint32(n.id), n.has_id != 0
				if n.has_parent != 0 && valid(n.parent) {
					nodes[i].Parent = &nodes[n.parent]
				}
				for _, c := range cslice(n.children, n.child_count) {
					if valid(c) {
						nodes[i].Children = append(nodes[i].Children, &nodes[c])
					}
				}
			}
			for _, i := range cslice(l.roots, l.root_count) {
				if valid(i) {
					roots = append(roots, &nodes[i])
				}
			}
			inv = invalids(l.invalid, l.invalid_count)
			C.imap_thread_list_free(l)
		}
		return code
	})
	if err != nil {
		return nil, err
	}
	return roots, parseError(op, code, inv)
}

func namespaces(p *C.imap_namespace_entry, n C.size_t) []Namespace {
	var out []Namespace
	for _, e := range cslice(p, n) {
		out = append(out, Namespace{Prefix: bstr(e.prefix), Delimiter: byte(e.delimiter),
			Extensions: bstrs(e.extensions, e.extension_count)})
	}
	return out
}

// ParseNamespace parses the NAMESPACE responses of r (Namespace gives one). Errors as
// ParseList.
func (r *Result) ParseNamespace() ([]Namespaces, error) {
	const op = "PARSE NAMESPACE"
	var out []Namespaces
	var inv []Invalid
	code, err := r.withCResult(op, func(p *C.imap_result) C.imap_code {
		var l *C.imap_namespace_list
		code := C.imap_parse_namespace(p, &l)
		if l != nil {
			for _, e := range cslice(l.entries, l.count) {
				out = append(out, Namespaces{Personal: namespaces(e.personal, e.personal_count),
					Other: namespaces(e.other, e.other_count), Shared: namespaces(e.shared, e.shared_count)})
			}
			inv = invalids(l.invalid, l.invalid_count)
			C.imap_namespace_list_free(l)
		}
		return code
	})
	if err != nil {
		return nil, err
	}
	return out, parseError(op, code, inv)
}

// ParseQuota parses the QUOTA responses of r (GetQuota, SetQuota, the quota Result of
// GetQuotaRoot). Errors as ParseList.
func (r *Result) ParseQuota() ([]Quota, error) {
	const op = "PARSE QUOTA"
	var out []Quota
	var inv []Invalid
	code, err := r.withCResult(op, func(p *C.imap_result) C.imap_code {
		var l *C.imap_quota_list
		code := C.imap_parse_quota(p, &l)
		if l != nil {
			for _, e := range cslice(l.entries, l.count) {
				q := Quota{Root: bstr(e.root)}
				for _, res := range cslice(e.resources, e.resource_count) {
					q.Resources = append(q.Resources, QuotaResource{Name: bstr(res.name),
						Usage: uint64(res.usage), Limit: uint64(res.limit)})
				}
				out = append(out, q)
			}
			inv = invalids(l.invalid, l.invalid_count)
			C.imap_quota_list_free(l)
		}
		return code
	})
	if err != nil {
		return nil, err
	}
	return out, parseError(op, code, inv)
}

// ParseQuotaRoot parses the QUOTAROOT responses of r (the quotaRoot Result of
// GetQuotaRoot). Errors as ParseList.
func (r *Result) ParseQuotaRoot() ([]QuotaRoot, error) {
	const op = "PARSE QUOTAROOT"
	var out []QuotaRoot
	var inv []Invalid
	code, err := r.withCResult(op, func(p *C.imap_result) C.imap_code {
		var l *C.imap_quotaroot_list
		code := C.imap_parse_quotaroot(p, &l)
		if l != nil {
			for _, e := range cslice(l.entries, l.count) {
				q := QuotaRoot{Roots: bstrs(e.roots, e.root_count)}
				q.Mailbox, q.RawMailbox = mailboxName(e.mailbox)
				out = append(out, q)
			}
			inv = invalids(l.invalid, l.invalid_count)
			C.imap_quotaroot_list_free(l)
		}
		return code
	})
	if err != nil {
		return nil, err
	}
	return out, parseError(op, code, inv)
}

// ParseACL parses the ACL responses of r (GetACL). Errors as ParseList.
func (r *Result) ParseACL() ([]ACL, error) {
	const op = "PARSE ACL"
	var out []ACL
	var inv []Invalid
	code, err := r.withCResult(op, func(p *C.imap_result) C.imap_code {
		var l *C.imap_acl_list
		code := C.imap_parse_acl(p, &l)
		if l != nil {
			for _, e := range cslice(l.entries, l.count) {
				a := ACL{}
				a.Mailbox, a.RawMailbox = mailboxName(e.mailbox)
				for _, x := range cslice(e.entries, e.entry_count) {
					a.Entries = append(a.Entries, ACLEntry{Identifier: bstr(x.identifier), Rights: bstr(x.rights)})
				}
				out = append(out, a)
			}
			inv = invalids(l.invalid, l.invalid_count)
			C.imap_acl_list_free(l)
		}
		return code
	})
	if err != nil {
		return nil, err
	}
	return out, parseError(op, code, inv)
}

// ParseMyRights parses the MYRIGHTS responses of r (MyRights). Errors as ParseList.
func (r *Result) ParseMyRights() ([]MyRights, error) {
	const op = "PARSE MYRIGHTS"
	var out []MyRights
	var inv []Invalid
	code, err := r.withCResult(op, func(p *C.imap_result) C.imap_code {
		var l *C.imap_myrights_list
		code := C.imap_parse_myrights(p, &l)
		if l != nil {
			for _, e := range cslice(l.entries, l.count) {
				m := MyRights{Rights: bstr(e.rights)}
				m.Mailbox, m.RawMailbox = mailboxName(e.mailbox)
				out = append(out, m)
			}
			inv = invalids(l.invalid, l.invalid_count)
			C.imap_myrights_list_free(l)
		}
		return code
	})
	if err != nil {
		return nil, err
	}
	return out, parseError(op, code, inv)
}

// ParseListRights parses the LISTRIGHTS responses of r (ListRights). Errors as ParseList.
func (r *Result) ParseListRights() ([]ListRights, error) {
	const op = "PARSE LISTRIGHTS"
	var out []ListRights
	var inv []Invalid
	code, err := r.withCResult(op, func(p *C.imap_result) C.imap_code {
		var l *C.imap_listrights_list
		code := C.imap_parse_listrights(p, &l)
		if l != nil {
			for _, e := range cslice(l.entries, l.count) {
				x := ListRights{Identifier: bstr(e.identifier), Required: bstr(e.required),
					Optional: bstrs(e.optional, e.optional_count)}
				x.Mailbox, x.RawMailbox = mailboxName(e.mailbox)
				out = append(out, x)
			}
			inv = invalids(l.invalid, l.invalid_count)
			C.imap_listrights_list_free(l)
		}
		return code
	})
	if err != nil {
		return nil, err
	}
	return out, parseError(op, code, inv)
}

// ParseMetadata parses the METADATA responses of r (GetMetadata; values sent as literals
// are read from the literal). Errors as ParseList.
func (r *Result) ParseMetadata() ([]Metadata, error) {
	const op = "PARSE METADATA"
	var out []Metadata
	var inv []Invalid
	code, err := r.withCResult(op, func(p *C.imap_result) C.imap_code {
		var l *C.imap_metadata_list
		code := C.imap_parse_metadata(p, &l)
		if l != nil {
			for _, e := range cslice(l.entries, l.count) {
				m := Metadata{}
				m.Mailbox, m.RawMailbox = mailboxName(e.mailbox)
				for _, x := range cslice(e.entries, e.entry_count) {
					m.Entries = append(m.Entries, MetadataEntry{Name: bstr(x.name), Value: bbytes(x.value)})
				}
				out = append(out, m)
			}
			inv = invalids(l.invalid, l.invalid_count)
			C.imap_metadata_list_free(l)
		}
		return code
	})
	if err != nil {
		return nil, err
	}
	return out, parseError(op, code, inv)
}

// ParseCapability returns the capabilities of every CAPABILITY response of r (Capability),
// as sent ("IMAP4rev1", "AUTH=PLAIN"). A result may hold several responses, so a name can
// appear more than once. Never ErrParse.
func (r *Result) ParseCapability() ([]string, error) {
	const op = "PARSE CAPABILITY"
	var out []string
	code, err := r.withCResult(op, func(p *C.imap_result) C.imap_code {
		var l *C.imap_capability_list
		code := C.imap_parse_capability(p, &l)
		if l != nil {
			out = bstrs(l.capabilities, l.count)
			C.imap_capability_list_free(l)
		}
		return code
	})
	if err != nil {
		return nil, err
	}
	return out, parseError(op, code, nil)
}

// ParseCode parses the response code of r's tagged text ([APPENDUID 38505 3955],
// [COPYUID ...], [TRYCREATE]); Kind is ResponseCodeNone when there is none (or no tagged
// reply). A known code whose data breaks its grammar ([UIDVALIDITY 0]) is returned with
// Kind ResponseCodeInvalid, and the error satisfies errors.Is(err, ErrParse) (its Invalid
// holds the code's data as sent).
func (r *Result) ParseCode() (*ResponseCode, error) {
	const op = "PARSE CODE"
	var out *ResponseCode
	code, err := r.withCResult(op, func(p *C.imap_result) C.imap_code {
		var c *C.imap_response_code
		code := C.imap_parse_code(p, &c)
		if c != nil {
			out = &ResponseCode{Kind: ResponseCodeKind(c.kind), Name: bstr(c.name), Data: bbytes(c.data),
				Number: uint64(c.number), Atoms: bstrs(c.atoms, c.atom_count),
				UIDs: seqSet(c.uids, c.uid_count), SourceUIDs: seqSet(c.source_uids, c.source_uid_count)}
			C.imap_response_code_free(c)
		}
		return code
	})
	if err != nil {
		return nil, err
	}
	var inv []Invalid
	if out != nil && out.Kind == ResponseCodeInvalid {
		inv = []Invalid{{Kind: InvalidNumber, Message: "[" + out.Name + "] breaks its grammar", Raw: out.Data}}
	}
	return out, parseError(op, code, inv)
}

// ---- client methods ----------------------------------------------------------------------------

// FetchParsed sends FETCH messageSet messageParts and parses the answer (Fetch +
// ParseFetch). For NO and BAD it returns the error
// (whose Result holds the reply) and no messages. A message that did not parse is in the
// slice with its Err set, and the error satisfies errors.Is(err, ErrParse).
func (c *Client) FetchParsed(ctx context.Context, messageSet, messageParts string) ([]FetchMessage, error) {
	r, err := c.Fetch(ctx, messageSet, messageParts)
	if err != nil {
		return nil, err
	}
	return r.ParseFetch()
}

// ListParsed sends LIST directory pattern and parses the answer (List + ParseList). Errors
// as FetchParsed.
func (c *Client) ListParsed(ctx context.Context, directory, pattern string) ([]ListEntry, error) {
	r, err := c.List(ctx, directory, pattern)
	if err != nil {
		return nil, err
	}
	return r.ParseList()
}

// Mailbox returns the summary of the selected mailbox (imap_client_mailbox): EXISTS,
// RECENT, FLAGS and the UNSEEN, UIDVALIDITY, UIDNEXT, PERMANENTFLAGS, HIGHESTMODSEQ,
// NOMODSEQ and READ-ONLY/READ-WRITE codes, read from the untagged responses the client keeps
// without removing them (Response still returns them). Call it right after Select, before
// other commands or Response calls change what is kept. ErrIllegalState when no mailbox is
// selected. When a kept value broke its grammar ([UIDVALIDITY 0]) the summary is returned
// with its Invalid list and an error satisfying errors.Is(err, ErrParse). Nothing is sent;
// it waits for a call in progress on another goroutine.
func (c *Client) Mailbox() (*MailboxInfo, error) {
	const op = "MAILBOX"
	if err := c.lock(op); err != nil {
		return nil, err
	}
	defer c.mu.Unlock()
	var m *C.imap_mailbox_info
	code := Code(C.imap_client_mailbox(c.h, &m))
	if code != CodeOK && code != CodeParse {
		C.imap_mailbox_info_free(m)
		return nil, &Error{Code: code, Op: op, Message: C.GoString(C.imap_last_error(c.h))}
	}
	if m == nil {
		return nil, &Error{Code: CodeInternal, Op: op, Message: "no mailbox info"}
	}
	defer C.imap_mailbox_info_free(m)
	info := &MailboxInfo{
		Exists: uint32(m.exists), HasExists: m.has_exists != 0,
		Recent: uint32(m.recent), HasRecent: m.has_recent != 0,
		Unseen: uint32(m.unseen), HasUnseen: m.has_unseen != 0,
		UIDValidity: uint32(m.uidvalidity), HasUIDValidity: m.has_uidvalidity != 0,
		UIDNext: uint32(m.uidnext), HasUIDNext: m.has_uidnext != 0,
		HighestModSeq: uint64(m.highest_modseq), HasHighestModSeq: m.has_highest_modseq != 0,
		NoModSeq: m.no_modseq != 0, ReadOnly: m.read_only == 1, HasAccess: m.read_only >= 0,
	}
	if m.has_flags != 0 {
		info.Flags = bstrs(m.flags, m.flag_count)
		if info.Flags == nil {
			info.Flags = []string{}
		}
	}
	if m.has_permanent_flags != 0 {
		info.PermanentFlags = bstrs(m.permanent_flags, m.permanent_flag_count)
		if info.PermanentFlags == nil {
			info.PermanentFlags = []string{}
		}
	}
	info.Invalid = invalids(m.invalid, m.invalid_count)
	return info, parseError(op, code, info.Invalid)
}

// SetMailboxEncoding sets how the mailbox names of every command taking one (Select,
// Create, Status, Append, Copy, Move, List's reference and pattern, the ACL, quota and
// metadata commands...) are sent: MailboxEncodingUTF7 (the default) or MailboxEncodingRaw.
// Names the server returns are decoded by the Parse methods regardless. Also
// Options.MailboxEncoding.
func (c *Client) SetMailboxEncoding(enc MailboxEncoding) error {
	const op = "SETMAILBOXENCODING"
	if err := c.lock(op); err != nil {
		return err
	}
	defer c.mu.Unlock()
	if code := Code(C.imap_set_mailbox_encoding(c.h, C.int32_t(enc))); code != CodeOK {
		return &Error{Code: code, Op: op, Message: C.GoString(C.imap_last_error(c.h))}
	}
	return nil
}

// ---- package functions -----------------------------------------------------------------------

// UTF7Encode encodes a UTF-8 mailbox name in modified UTF-7 (RFC 3501 §5.1.3):
// "~peter/mail/日本語" gives "~peter/mail/&ZeVnLIqe-", "&" gives "&-". ErrInvalidArgument
// for invalid UTF-8 or a NUL.
func UTF7Encode(name string) (string, error) {
	const op = "UTF7ENCODE"
	if strings.IndexByte(name, 0) >= 0 {
		return "", &Error{Code: CodeInvalidArgument, Op: op, Message: "name contains NUL"}
	}
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	var out *C.char
	if err := utilError(C.imap_utf7_encode(cs, &out), op, "invalid UTF-8"); err != nil {
		return "", err
	}
	return takeString(out), nil
}

// UTF7Decode decodes a modified UTF-7 mailbox name to UTF-8. Strict: bytes outside
// printable ASCII, a malformed &...- run, bad padding, unpaired surrogates, base64 for a
// printable ASCII character or a decoded NUL give ErrInvalidArgument.
func UTF7Decode(raw string) (string, error) {
	b := []byte(raw)
	var out *C.char
	if err := utilError(C.imap_utf7_decode(bytesArg(b), C.size_t(len(b)), &out), "UTF7DECODE",
		"invalid modified UTF-7"); err != nil {
		return "", err
	}
	return takeString(out), nil
}

// DecodeHeader decodes the RFC 2047 encoded words (=?UTF-8?B?...?=, =?ISO-8859-1?Q?...?=)
// of header text (a raw subject, a display name, a header line) to UTF-8. Whitespace
// between adjacent encoded words is dropped; a word with an unknown charset or bad encoding
// is kept as written; other text is taken as UTF-8 (invalid sequences become U+FFFD).
// ErrInvalidArgument if the decoded text would contain NUL.
func DecodeHeader(raw []byte) (string, error) {
	var out *C.char
	if err := utilError(C.imap_decode_header(bytesArg(raw), C.size_t(len(raw)), &out), "DECODEHEADER",
		"decoded text contains NUL"); err != nil {
		return "", err
	}
	return takeString(out), nil
}
