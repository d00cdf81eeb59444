package imap

// #include <stdlib.h>
// #include "imap.h"
import "C"

import (
	"context"
	"strings"
	"time"
	"unsafe"
)

// args holds the C strings of one call; free releases them.
type args struct {
	ptrs []*C.char
	err  *Error
}

func (a *args) str(s string) *C.char {
	if strings.IndexByte(s, 0) >= 0 && a.err == nil {
		a.err = &Error{Code: CodeInvalidArgument, Message: "argument contains NUL: " + strings.ReplaceAll(s, "\x00", `\0`)}
	}
	p := C.CString(s)
	a.ptrs = append(a.ptrs, p)
	return p
}

// opt is str, but "" gives NULL (the library's default).
func (a *args) opt(s string) *C.char {
	if s == "" {
		return nil
	}
	return a.str(s)
}

// list returns a C array of the strings (Go memory holding C pointers, valid for the call).
func (a *args) list(vs []string) (**C.char, C.size_t) {
	if len(vs) == 0 {
		return nil, 0
	}
	arr := make([]*C.char, len(vs))
	for i, v := range vs {
		arr[i] = a.str(v)
	}
	return &arr[0], C.size_t(len(vs))
}

// fields returns C arrays of the names and values (NULL for Nil), valid for the call.
func (a *args) fields(fs []Field) (names, values **C.char, n C.size_t) {
	if len(fs) == 0 {
		return nil, nil, 0
	}
	ns, vs := make([]*C.char, len(fs)), make([]*C.char, len(fs))
	for i, f := range fs {
		ns[i] = a.str(f.Name)
		if !f.Nil {
			vs[i] = a.str(f.Value)
		}
	}
	return &ns[0], &vs[0], C.size_t(len(fs))
}

func (a *args) free() {
	for _, p := range a.ptrs {
		C.free(unsafe.Pointer(p))
	}
	a.ptrs = nil
}

// cmd runs f unless an argument was rejected.
func (c *Client) cmd(ctx context.Context, op string, a *args, f cfunc) (*Result, error) {
	defer a.free()
	if a.err != nil {
		a.err.Op = op
		return nil, a.err
	}
	return c.run(ctx, op, f)
}

// cbool is b as the library's int32_t flag.
func cbool(b bool) C.int32_t {
	if b {
		return 1
	}
	return 0
}

// bytesArg returns a pointer to b's bytes for a call (NULL when empty).
func bytesArg(b []byte) *C.uint8_t {
	if len(b) == 0 {
		return nil
	}
	return (*C.uint8_t)(unsafe.Pointer(&b[0]))
}

// Field is a name and a value for ID and SetMetadata. Nil sends NIL instead of Value (for
// SetMetadata: removes the entry).
type Field struct {
	Name  string
	Value string
	Nil   bool
}

// Response is imaplib's response(code): it removes and returns the untagged responses or
// response codes of that name received so far ("EXISTS", "ALERT"...); a single ItemNone if
// there were none. Nothing is sent.
func (c *Client) Response(code string) (*Result, error) {
	var a args
	p := a.str(code)
	return c.cmd(context.Background(), "RESPONSE", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_response(h, p, out)
	})
}

// Xatom sends any command name with arguments verbatim (imaplib's xatom). Untagged replies
// stay for Response.
func (c *Client) Xatom(ctx context.Context, name string, arguments ...string) (*Result, error) {
	var a args
	n := a.str(name)
	list, cnt := a.list(arguments)
	return c.cmd(ctx, strings.ToUpper(name), &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_xatom(h, n, list, cnt, out)
	})
}

// SendLine sends one raw line (imaplib's send); CRLF is added. CR, LF or NUL in line gives
// ErrInvalidArgument. Not allowed during IDLE. Read the answer with ReadResponse.
func (c *Client) SendLine(ctx context.Context, line []byte) error {
	_, err := c.run(ctx, "SEND", func(h *C.imap_client, _ **C.imap_result) C.imap_code {
		return C.imap_send_line(h, bytesArg(line), C.size_t(len(line)))
	})
	return err
}

// ReadResponse reads the next whole response, unparsed, waiting at most timeout. The
// Result's Type is "RAW", one item per line; (nil, nil) if the time passes first (the
// connection stays usable). Responses read this way do not reach the untagged store.
func (c *Client) ReadResponse(ctx context.Context, timeout time.Duration) (*Result, error) {
	ms := durationMS(timeout)
	return c.run(ctx, "READ", func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_read_response(h, ms, out)
	})
}

// GetQuotaRoot sends GETQUOTAROOT mailbox: quotaRoot holds the QUOTAROOT lines, quota the
// QUOTA lines (imaplib's two lists); for NO and BAD both come with the error.
func (c *Client) GetQuotaRoot(ctx context.Context, mailbox string) (quotaRoot, quota *Result, err error) {
	var a args
	m := a.str(mailbox)
	var q *C.imap_result
	quotaRoot, err = c.cmd(ctx, "GETQUOTAROOT", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_getquotaroot(h, m, out, &q)
	})
	return quotaRoot, newResult(q), err
}
