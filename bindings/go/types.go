//go:build cgo

package imap

import (
	"bytes"
	"strconv"
	"strings"
)

// This file: the methods of the generated types (parsed_gen.go, from include/imap.h) and the
// types with no C struct of their own.

// Has reports whether every bit of q2 is set in q.
func (q Quirk) Has(q2 Quirk) bool { return q&q2 == q2 }

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
// it (BodyPart.Part; "" is p itself when p is a multipart root); nil if none. The search is
// imap_body_part_find's: depth first in document order, a message/rfc822 node before its
// body (the two share a number: the message/rfc822 node is found), the number compared
// exactly.
func (p *BodyPart) Find(part string) *BodyPart {
	if p == nil || strings.IndexByte(part, 0) >= 0 {
		return nil
	}
	if p.Part == part {
		return p
	}
	if p.Message != nil {
		if f := p.Message.Body.Find(part); f != nil {
			return f
		}
	}
	for _, ch := range p.Children {
		if f := ch.Find(part); f != nil {
			return f
		}
	}
	return nil
}

// Section returns the data of the first section item matching spec as sent in BODY[...]
// ("" is the whole message, "HEADER", "1.2", "1.MIME", "HEADER.FIELDS (FROM)"; matched as
// imap_fetch_message_section does: the spec as the server sent it, RFC822 as "",
// RFC822.HEADER as "HEADER", RFC822.TEXT as "TEXT", compared ASCII case-insensitively); nil
// if there is none.
func (m *Message) Section(spec string) []byte {
	if s := m.section(spec); s != nil {
		return s.Data
	}
	return nil
}

// SectionReader returns the data of the section Section(spec) finds as an io.Reader (also
// io.ReaderAt, io.Seeker, io.WriterTo), reading the Message's bytes without a copy; ok is
// false (and the reader empty) when the message has no such section. For a body too big to
// hold, see Client.OpenBody, which streams it.
func (m *Message) SectionReader(spec string) (r *bytes.Reader, ok bool) {
	if s := m.section(spec); s != nil {
		return bytes.NewReader(s.Data), true
	}
	return bytes.NewReader(nil), false
}

// section is the section item Section and SectionReader find for spec, or nil.
func (m *Message) section(spec string) *Section {
	if strings.IndexByte(spec, 0) >= 0 {
		return nil
	}
	for i := range m.Sections {
		if asciiEqualFold(m.Sections[i].answersTo(), spec) {
			return &m.Sections[i]
		}
	}
	return nil
}

// answersTo is the spec a section answers to in Message.Section.
func (s *Section) answersTo() string {
	switch s.Kind {
	case SectionRFC822:
		return ""
	case SectionRFC822Header:
		return "HEADER"
	case SectionRFC822Text:
		return "TEXT"
	}
	return s.Spec
}

// asciiEqualFold compares a and b with ASCII letters case-insensitive (and nothing else
// folded, unlike strings.EqualFold).
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'a' <= x && x <= 'z' {
			x -= 'a' - 'A'
		}
		if 'a' <= y && y <= 'z' {
			y -= 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
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
