package imap

// #include "imap.h"
import "C"

import (
	"bytes"
	"runtime"
	"sync"
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
	// in Line, the literal in Literal.
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
	Literal []byte // the literal's bytes for ItemLiteral, else nil
}

// Result is a command's outcome: imaplib's (typ, data) plus the tagged reply.
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

	// raw is the library's result, kept for the Parse methods until Release or the garbage
	// collector frees it. Nil for a Result not made by a command (or a copy made by hand).
	raw *rawResult
}

// rawResult owns a C imap_result. The Parse functions only read it, so several may run at
// once (RLock); Release and the finalizer free it (Lock).
type rawResult struct {
	mu sync.RWMutex
	p  *C.imap_result
}

func (r *rawResult) free() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.p != nil {
		C.imap_result_free(r.p)
		r.p = nil
	}
}

// Release frees the library's copy of the server's reply, which the Parse methods read
// (the Result keeps it otherwise until it is garbage collected, so a large FETCH result
// holds its bytes twice until then). Data and the other fields stay; Parse methods called
// afterwards return ErrInvalidArgument. Idempotent; it may run alongside Parse methods on
// other goroutines (they finish first).
func (r *Result) Release() {
	if r != nil && r.raw != nil {
		r.raw.free()
		runtime.SetFinalizer(r.raw, nil)
	}
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
// a FETCH of BODY[] or RFC822, for example).
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

// adoptResult copies everything out of r and keeps r for the Parse methods: the Result owns
// it (freed by Release or the garbage collector). NULL gives nil.
func adoptResult(r *C.imap_result) *Result {
	res := newResult(r)
	if res != nil {
		raw := &rawResult{p: r}
		runtime.SetFinalizer(raw, (*rawResult).free)
		res.raw = raw
	}
	return res
}

// newResult copies everything out of r; the caller frees r.
func newResult(r *C.imap_result) *Result {
	if r == nil {
		return nil
	}
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
			item.Literal = goBytes(it.literal, it.literal_len)
			if item.Line == nil {
				item.Line = []byte{}
			}
			if item.Literal == nil {
				item.Literal = []byte{}
			}
		}
		res.Data = append(res.Data, item)
	}
	return res
}
