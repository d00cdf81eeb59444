package imap

// #include "imap.h"
import "C"

import (
	"bytes"
	"runtime"
	"unsafe"
)

// Item is one element of a result's data, copied out of the library's result.
type Item struct {
	Kind    ItemKind
	Line    []byte // the line (without CRLF); nil for ItemNone
	Literal []byte // the literal's bytes for ItemLiteral (nil when Streamed), else nil
	// Streamed is set for an ItemLiteral whose bytes went to the LiteralFunc set with
	// SetLiteralHandler instead of Literal.
	Streamed bool
	// Size is the literal's size for ItemLiteral (the streamed size when Streamed).
	Size uint64
}

// Result is a command's outcome: imaplib's (typ, data) plus the tagged reply. It holds the
// library's result (freed by a cleanup once the Result is unreachable): Items copies the
// data out on demand, and the Parse methods hand the library's result to its parsers
// directly. A Result is read-only, so its methods may run concurrently.
type Result struct {
	// Type is imaplib's typ: "OK", "NO", "BAD", "BYE" (Logout), or the name given to
	// Response.
	Type string
	// Status is the tagged status ("OK", "NO", "BAD"); "" when no tagged reply was read.
	Status string
	// Text is the tagged text, "[READ-WRITE] Select completed" for example.
	Text []byte
	// Code is the response code's name in the tagged text ("APPENDUID"), or "".
	Code string
	// CodeData is the response code's data ("38505 3955"); see ParseCode.
	CodeData []byte

	p *C.imap_result
}

// newResult wraps p (NULL gives nil); p is freed when the Result becomes unreachable.
func newResult(p *C.imap_result) *Result {
	if p == nil {
		return nil
	}
	r := &Result{Type: goString(C.imap_result_type(p)), Status: goString(C.imap_result_status(p)),
		Code: goString(C.imap_result_code(p)), p: p}
	var n C.size_t
	r.Text = goBytes(C.imap_result_text(p, &n), n)
	r.CodeData = goBytes(C.imap_result_code_data(p, &n), n)
	runtime.AddCleanup(r, func(p *C.imap_result) { C.imap_result_free(p) }, p)
	return r
}

// Len is the number of data items.
func (r *Result) Len() int {
	if r == nil || r.p == nil {
		return 0
	}
	n := int(C.imap_result_count(r.p))
	runtime.KeepAlive(r)
	return n
}

// Item returns a copy of data item i (0 <= i < Len()).
func (r *Result) Item(i int) Item {
	defer runtime.KeepAlive(r)
	it := C.imap_result_item(r.p, C.size_t(i))
	if it == nil {
		panic("imap: Result.Item index out of range")
	}
	return item(it, true)
}

// item copies it, with its literal's bytes when literal is set.
func item(it *C.imap_item, literal bool) Item {
	out := Item{Kind: ItemKind(it.kind)}
	if out.Kind == ItemNone {
		return out
	}
	out.Line = append([]byte{}, cView(it.data, it.len)...)
	if out.Kind == ItemLiteral {
		// A buffered literal, even an empty one, has a non-NULL pointer; NULL means the
		// literal went to the literal handler.
		out.Size, out.Streamed = uint64(it.literal_len), it.literal == nil
		if literal && !out.Streamed {
			out.Literal = goBytes(it.literal, it.literal_len)
		}
	}
	return out
}

// each calls f with a copy of every item (literal bytes only when literals is set).
func (r *Result) each(literals bool, f func(Item)) {
	defer runtime.KeepAlive(r)
	for i := range r.Len() {
		f(item(C.imap_result_item(r.p, C.size_t(i)), literals))
	}
}

// Items returns a copy of every data item (imaplib's data list).
func (r *Result) Items() []Item {
	var out []Item
	r.each(true, func(it Item) { out = append(out, it) })
	return out
}

// Lines returns the Line of every item that is not ItemNone.
func (r *Result) Lines() [][]byte {
	var out [][]byte
	r.each(false, func(it Item) {
		if it.Kind != ItemNone {
			out = append(out, it.Line)
		}
	})
	return out
}

// Literals returns the Literal of every ItemLiteral item, in order; nil for a streamed one.
func (r *Result) Literals() [][]byte {
	var out [][]byte
	r.each(true, func(it Item) {
		if it.Kind == ItemLiteral {
			out = append(out, it.Literal)
		}
	})
	return out
}

// Fields splits the first line of data on spaces: the message numbers of a SEARCH, as
// imaplib's data[0].split(). Nil if there is no line.
func (r *Result) Fields() [][]byte {
	var out [][]byte
	r.each(false, func(it Item) {
		if it.Kind != ItemNone && out == nil {
			out = bytes.Fields(it.Line)
		}
	})
	return out
}

// goBytes copies n bytes at p; nil when p is NULL.
func goBytes(p *C.uint8_t, n C.size_t) []byte {
	if p == nil {
		return nil
	}
	b := make([]byte, n)
	copy(b, cView(p, n))
	return b
}

// cView is a view of n bytes of C memory at p (no copy): an empty non-nil slice for n == 0.
func cView(p *C.uint8_t, n C.size_t) []byte {
	if p == nil || n == 0 {
		return []byte{}
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(p)), int(n))
}

func goString(p *C.char) string {
	if p == nil {
		return ""
	}
	return C.GoString(p)
}
