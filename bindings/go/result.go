package imap

/*
#include "imap.h"

// What newResult reads of a result, in one call.
typedef struct {
	const char *type, *status, *code;
	const uint8_t *text, *code_data;
	size_t text_len, code_data_len;
} libimap_go_head;

static void libimap_go_result_head(const imap_result *r, libimap_go_head *h) {
	h->type = imap_result_type(r);
	h->status = imap_result_status(r);
	h->code = imap_result_code(r);
	h->text = imap_result_text(r, &h->text_len);
	h->code_data = imap_result_code_data(r, &h->code_data_len);
}
*/
import "C"

import (
	"bytes"
	"errors"
	"io"
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
	var h C.libimap_go_head
	C.libimap_go_result_head(p, &h)
	r := &Result{Type: internString(h._type), Status: internString(h.status), Code: internString(h.code),
		Text: goBytes(h.text, h.text_len), CodeData: goBytes(h.code_data, h.code_data_len), p: p}
	runtime.AddCleanup(r, func(p *C.imap_result) { C.imap_result_free(p) }, p)
	return r
}

// internString is goString without an allocation for the names results carry most often.
func internString(p *C.char) string {
	if p == nil {
		return ""
	}
	var b [8]byte // the first bytes, up to the NUL (never read past it)
	n := 0
	for ; n < len(b); n++ {
		if b[n] = *(*byte)(unsafe.Add(unsafe.Pointer(p), n)); b[n] == 0 {
			break
		}
	}
	if n < len(b) {
		switch string(b[:n]) { // no allocation: the comparison of a conversion
		case "":
			return ""
		case "OK":
			return "OK"
		case "NO":
			return "NO"
		case "BAD":
			return "BAD"
		case "BYE":
			return "BYE"
		case "FETCH":
			return "FETCH"
		}
	}
	return C.GoString(p)
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
	if n == 0 {
		return []byte{}
	}
	return append([]byte(nil), cView(p, n)...) // append: no zeroing before the copy
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

// LiteralReader reads the bytes of one buffered literal of a Result where the library holds
// them, without copying them into Go memory first (Result.LiteralReader,
// Result.LiteralReaders): holding a Result and its readers costs one copy of the data, the
// library's. The reader keeps its Result alive, so the bytes stay valid as long as the
// reader is reachable; every method copies into memory of the caller (Read, ReadAt, Bytes)
// or into a buffer of the reader's own (WriteTo), never handing out the library's memory.
// Like bytes.Reader, a LiteralReader is not safe for concurrent use, except ReadAt.
type LiteralReader struct {
	r   *Result
	p   *C.uint8_t
	n   int64
	off int64
}

// LiteralReader returns a reader of item i's literal (0 <= i < Len()), nil when item i is
// not an ItemLiteral or its literal was streamed to a LiteralFunc.
func (r *Result) LiteralReader(i int) *LiteralReader {
	defer runtime.KeepAlive(r)
	it := C.imap_result_item(r.p, C.size_t(i))
	if it == nil {
		panic("imap: Result.LiteralReader index out of range")
	}
	return r.literalReader(it)
}

func (r *Result) literalReader(it *C.imap_item) *LiteralReader {
	if ItemKind(it.kind) != ItemLiteral || it.literal == nil {
		return nil
	}
	return &LiteralReader{r: r, p: it.literal, n: int64(it.literal_len)}
}

// LiteralReaders returns a reader of every ItemLiteral item, in order (nil for a streamed
// one): Literals without the copies.
func (r *Result) LiteralReaders() []*LiteralReader {
	if r == nil || r.p == nil {
		return nil
	}
	defer runtime.KeepAlive(r)
	n := int(C.imap_result_count(r.p))
	out := make([]*LiteralReader, 0, n/2)
	for i := range n {
		it := C.imap_result_item(r.p, C.size_t(i))
		if ItemKind(it.kind) == ItemLiteral {
			out = append(out, r.literalReader(it))
		}
	}
	return out
}

// Size is the literal's size in bytes.
func (l *LiteralReader) Size() int64 { return l.n }

// Len is the number of bytes not yet read.
func (l *LiteralReader) Len() int { return int(l.n - min(l.off, l.n)) }

// view is the literal's bytes in the library's memory; the caller keeps l alive while using it
// and never lets it escape.
func (l *LiteralReader) view() []byte { return cView(l.p, C.size_t(l.n)) }

// Read implements io.Reader.
func (l *LiteralReader) Read(p []byte) (int, error) {
	if l.off >= l.n {
		return 0, io.EOF
	}
	n := copy(p, l.view()[l.off:])
	runtime.KeepAlive(l)
	l.off += int64(n)
	return n, nil
}

// ReadAt implements io.ReaderAt.
func (l *LiteralReader) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("imap: LiteralReader.ReadAt: negative offset")
	}
	if off >= l.n {
		return 0, io.EOF
	}
	n := copy(p, l.view()[off:])
	runtime.KeepAlive(l)
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// Seek implements io.Seeker.
func (l *LiteralReader) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += l.off
	case io.SeekEnd:
		offset += l.n
	default:
		return 0, errors.New("imap: LiteralReader.Seek: invalid whence")
	}
	if offset < 0 {
		return 0, errors.New("imap: LiteralReader.Seek: negative position")
	}
	l.off = offset
	return offset, nil
}

// WriteTo implements io.WriterTo: the unread bytes go to w through a buffer of the reader's
// own (w never sees the library's memory).
func (l *LiteralReader) WriteTo(w io.Writer) (int64, error) {
	var total int64
	buf := make([]byte, min(max(l.Len(), 1), 64<<10))
	for l.off < l.n {
		n := copy(buf, l.view()[l.off:])
		runtime.KeepAlive(l)
		m, err := w.Write(buf[:n])
		total += int64(m)
		l.off += int64(m)
		if err != nil {
			return total, err
		}
		if m < n {
			return total, io.ErrShortWrite
		}
	}
	return total, nil
}

// Bytes returns a copy of the whole literal (whatever has been read), in Go memory.
func (l *LiteralReader) Bytes() []byte {
	b := append([]byte{}, l.view()...)
	runtime.KeepAlive(l)
	return b
}
