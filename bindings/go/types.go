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
