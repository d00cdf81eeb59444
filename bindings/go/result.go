package imap

// #include "imap.h"
import "C"

import (
	"bytes"
	"unsafe"
)

// ItemKind tells what an Item holds.
type ItemKind int32

const (
	// ItemNone is imaplib's None: no response of the kind asked for.
	ItemNone ItemKind = 0
	// ItemLine is one line, in Line.
	ItemLine ItemKind = 1
	// ItemLiteral is imaplib's (header, literal) pair: the line that announced the literal
	// in Line, the literal in Literal (or, for a literal streamed to the handler set with
	// SetLiteralHandler, Streamed set and a nil Literal).
	ItemLiteral ItemKind = 2
)

// The numbers above must be include/imap.h's: this fails to compile otherwise.
func _() {
	var x [1]struct{}
	_ = x[ItemNone-C.IMAP_ITEM_KIND_NONE]
	_ = x[ItemLine-C.IMAP_ITEM_KIND_LINE]
	_ = x[ItemLiteral-C.IMAP_ITEM_KIND_LITERAL]
}

func (k ItemKind) String() string {
	switch k {
	case ItemNone:
		return "None"
	case ItemLine:
		return "Line"
	case ItemLiteral:
		return "Literal"
	}
	return "ItemKind(?)"
}

// Item is one element of a result's data.
type Item struct {
	Kind    ItemKind
	Line    []byte // the line (without CRLF); nil for ItemNone
	Literal []byte // the literal's bytes for ItemLiteral (nil when Streamed), else nil
	// Streamed is set for an ItemLiteral whose bytes went to the LiteralFunc set with
	// SetLiteralHandler instead of Literal.
	Streamed bool
	// Size is the literal's size in bytes for ItemLiteral (len(Literal) when buffered, the
	// streamed size when Streamed); 0 for the other kinds.
	Size uint64
}

// Result is a command's outcome: imaplib's (typ, data) plus the tagged reply. It holds only
// Go memory: the library's result is copied out and freed as soon as the command returns,
// and the Parse methods rebuild a temporary library result from Type, Data, Status and Text
// (so they also work on a Result built or modified by hand, and after the Client is closed).
type Result struct {
	// Type is imaplib's typ: "OK", "NO", "BAD", "BYE" (Logout), or the name given to
	// Response.
	Type string
	// Data is imaplib's data list.
	Data []Item
	// Status is the tagged status ("OK", "NO", "BAD"); "" when no tagged reply was read
	// (Response, a LOGOUT answered by BYE only).
	Status string
	// Text is the tagged text, "[READ-WRITE] Select completed" for example.
	Text []byte
	// Code is the response code's name in the tagged text ("APPENDUID"), or "".
	Code string
	// CodeData is the response code's data ("38505 3955" for [APPENDUID 38505 3955]); see
	// ParseCode for it parsed.
	CodeData []byte
}

// Lines returns the Line of every item that is not ItemNone.
func (r *Result) Lines() [][]byte {
	var out [][]byte
	for _, it := range r.Data {
		if it.Kind != ItemNone {
			out = append(out, it.Line)
		}
	}
	return out
}

// Literals returns the Literal of every ItemLiteral item, in order (the message bodies of
// a FETCH of BODY[] or RFC822, for example); nil for a streamed literal.
func (r *Result) Literals() [][]byte {
	var out [][]byte
	for _, it := range r.Data {
		if it.Kind == ItemLiteral {
			out = append(out, it.Literal)
		}
	}
	return out
}

// Fields splits the first line of data on spaces: the message numbers of a SEARCH, as
// imaplib's data[0].split(). Nil if there is no line.
func (r *Result) Fields() [][]byte {
	for _, it := range r.Data {
		if it.Kind != ItemNone {
			return bytes.Fields(it.Line)
		}
	}
	return nil
}

// goBytes copies n bytes at p; nil when p is NULL.
func goBytes(p *C.uint8_t, n C.size_t) []byte {
	if p == nil {
		return nil
	}
	b := make([]byte, int(n))
	if n > 0 {
		copy(b, unsafe.Slice((*byte)(unsafe.Pointer(p)), int(n)))
	}
	return b
}

func goString(p *C.char) string {
	if p == nil {
		return ""
	}
	return C.GoString(p)
}

// takeResult copies everything out of r and frees r at once: a Result holds no C memory.
// NULL gives nil.
func takeResult(r *C.imap_result) *Result {
	if r == nil {
		return nil
	}
	defer C.imap_result_free(r)
	res := &Result{
		Type:   goString(C.imap_result_type(r)),
		Status: goString(C.imap_result_status(r)),
		Code:   goString(C.imap_result_code(r)),
	}
	var n C.size_t
	if p := C.imap_result_text(r, &n); n > 0 {
		res.Text = goBytes(p, n)
	}
	if p := C.imap_result_code_data(r, &n); n > 0 {
		res.CodeData = goBytes(p, n)
	}
	count := int(C.imap_result_count(r))
	res.Data = make([]Item, 0, count)
	for i := 0; i < count; i++ {
		it := C.imap_result_item(r, C.size_t(i))
		if it == nil {
			break
		}
		item := Item{Kind: ItemKind(it.kind)}
		switch item.Kind {
		case ItemLine:
			item.Line = goBytes(it.data, it.len)
			if item.Line == nil {
				item.Line = []byte{}
			}
		case ItemLiteral:
			item.Line = goBytes(it.data, it.len)
			if item.Line == nil {
				item.Line = []byte{}
			}
			item.Size = uint64(it.literal_len)
			// A buffered literal, even an empty one, has a non-NULL pointer; NULL means
			// the literal went to the literal handler.
			if it.literal == nil {
				item.Streamed = true
			} else {
				item.Literal = goBytes(it.literal, it.literal_len)
			}
		}
		res.Data = append(res.Data, item)
	}
	return res
}
