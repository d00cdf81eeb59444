package imap

// #include <stdlib.h>
// #include "imap.h"
import "C"

import (
	"runtime"
	"strconv"
	"strings"
	"time"
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

// Invalid is one response that could not be parsed: why, and its bytes as the result holds
// them without "* " and the response name ("2 (UID x)" for "* 2 FETCH (UID x)").
type Invalid struct {
	Kind    InvalidKind
	Message string
	Raw     []byte
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

// ResponseCode is the response code of a Result's tagged text, parsed (imap_parse_code).
// Number, Atoms, UIDs and SourceUIDs are set as Kind says.
type ResponseCode struct {
	Kind ResponseCodeKind
	// Name is the code's name, upper-cased ("APPENDUID"); "" when there is none.
	Name string
	// Data is the code's data as sent ("38505 3955"); nil when it has none.
	Data []byte
	// Number is the code's number (UIDNEXT, UIDVALIDITY, UNSEEN, HIGHESTMODSEQ, the
	// UIDVALIDITY of APPENDUID and COPYUID) when HasNumber.
	Number     uint64
	HasNumber  bool
	Atoms      []string
	UIDs       SeqSet
	SourceUIDs SeqSet
}

// MailboxInfo is what SELECT or EXAMINE reported about the selected mailbox
// (imap_mailbox_info). Each Has field tells whether the server sent the value.
type MailboxInfo struct {
	Exists, Recent, UIDValidity, UIDNext uint32
	Unseen                               uint32 // [UNSEEN n]: the first unseen message's number
	HighestModSeq                        uint64 // RFC 7162
	HasExists, HasRecent, HasUnseen      bool
	HasUIDValidity, HasUIDNext           bool
	HasHighestModSeq                     bool
	Flags                                []string // FLAGS; nil if not sent
	PermanentFlags                       []string // [PERMANENTFLAGS (...)]; nil if not sent
	NoModSeq                             bool     // [NOMODSEQ] was sent
	ReadOnly                             bool     // [READ-ONLY] was sent
	HasAccess                            bool     // [READ-ONLY] or [READ-WRITE] was sent
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
	// Part is the part's number as used in BODY[...] ("1", "2.1"; RFC 3501 §6.4.5, embedded
	// messages included); "" for a multipart root.
	Part        string
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
	Extension   []string // extension data beyond the known fields, in IMAP syntax
	Children    []*BodyPart
	Message     *EmbeddedMessage // for a message/rfc822 (or message/global) part

	c     *C.imap_body_part
	owner *fetchTree
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

// Message is one message of a FETCH result. Items the server did not send are absent
// (Has fields false, nil slices and pointers, zero time).
type Message struct {
	Seq             uint32 // the message sequence number (0 if even that could not be read)
	UID             uint32
	Size            uint64    // RFC822.SIZE
	ModSeq          uint64    // RFC 7162
	HasUID, HasSize bool      // whether UID and RFC822.SIZE were sent
	HasModSeq       bool      // whether MODSEQ was sent
	Flags           []string  // as sent (`\Seen`, `$Junk`); nil when FLAGS was not sent
	InternalDate    time.Time // in a fixed zone at the offset written in it
	Envelope        *Envelope
	BodyStructure   *BodyPart // BODYSTRUCTURE (with extension data)
	Body            *BodyPart // BODY without a section (no extension data)
	Sections        []Section
	BinarySizes     []BinarySize
	Raw             []RawItem
	// Err is nil when the response parsed; otherwise an *Error with CodeParse (ErrParse)
	// saying why, and RawBytes holds the response's bytes. The items read before the
	// problem are filled in, and the malformed item is in Raw when it could be delimited.
	Err      error
	RawBytes []byte
	// Quirks are the deviations from the IMAP grammar that the server sent and the parser
	// accepted (0 for none); the message is still exactly what was sent.
	Quirks Quirk

	c     *C.imap_fetch_message
	owner *fetchTree
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
	Mailbox                                        string // decoded; see ListEntry.Name
	RawMailbox                                     []byte
	Messages, Recent, UIDNext, UIDValidity, Unseen uint32
	Deleted                                        uint32 // RFC 9051
	HighestModSeq                                  uint64 // RFC 7162
	Size                                           uint64 // RFC 8438
	HasMessages, HasRecent, HasUIDNext             bool
	HasUIDValidity, HasUnseen, HasDeleted          bool
	HasHighestModSeq, HasSize                      bool
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
	Tag                              string // of the command it answers; "" if not sent
	UID                              bool   // the numbers are UIDs
	Min, Max, Count                  uint32
	All                              SeqSet
	ModSeq                           uint64
	HasMin, HasMax, HasCount, HasAll bool
	HasModSeq                        bool
	Other                            []ESearchItem
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
