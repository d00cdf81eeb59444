package imap

// #include <stdlib.h>
// #include "imap.h"
import "C"

import (
	"context"
	"strings"
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

// Capability sends CAPABILITY. Data: the untagged CAPABILITY lines. It does not change
// Capabilities (as imaplib).
func (c *Client) Capability(ctx context.Context) (*Result, error) {
	return c.run(ctx, "CAPABILITY", func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_capability(h, out)
	})
}

// Noop sends NOOP. Data: the tagged text; untagged responses stay for Response.
func (c *Client) Noop(ctx context.Context) (*Result, error) {
	return c.run(ctx, "NOOP", func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_noop(h, out)
	})
}

// Login sends LOGIN. The password is quoted, or a literal when it is not 7-bit, and never
// traced or put in an error. A
// wrong password gives ErrNo. Success moves to StateAuth and refreshes the capabilities.
func (c *Client) Login(ctx context.Context, user, password string) (*Result, error) {
	var a args
	u, p := a.str(user), a.str(password)
	return c.cmd(ctx, "LOGIN", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_login(h, u, p, out)
	})
}

// Logout sends LOGOUT and closes the connection. The Result's Type is "BYE" with the
// server's BYE text as data. Close must still be called to free the Client.
func (c *Client) Logout(ctx context.Context) (*Result, error) {
	return c.run(ctx, "LOGOUT", func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_logout(h, out)
	})
}

// StartTLS sends STARTTLS on a plain connection, strictly: a refusal, a missing STARTTLS
// capability or data injected before the handshake gives ErrTLS and closes the connection.
// The capabilities are read again over TLS. Options.StartTLS does this inside Dial.
func (c *Client) StartTLS(ctx context.Context) (*Result, error) {
	return c.run(ctx, "STARTTLS", func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_starttls(h, out)
	})
}

// Select sends SELECT mailbox, or EXAMINE if readonly ("" means INBOX). Data: the EXISTS
// counts. A writable select answered READ-ONLY gives ErrReadOnly (with the Result).
func (c *Client) Select(ctx context.Context, mailbox string, readonly bool) (*Result, error) {
	var a args
	m := a.opt(mailbox)
	ro := C.int32_t(0)
	if readonly {
		ro = 1
	}
	return c.cmd(ctx, "SELECT", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_select(h, m, ro, out)
	})
}

// Status sends STATUS mailbox names ("(MESSAGES UNSEEN)" or "MESSAGES UNSEEN"). Data: the
// STATUS lines.
func (c *Client) Status(ctx context.Context, mailbox, names string) (*Result, error) {
	var a args
	m, n := a.str(mailbox), a.str(names)
	return c.cmd(ctx, "STATUS", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_status(h, m, n, out)
	})
}

// List sends LIST directory pattern. An empty directory sends `""` and an empty pattern
// sends "*" (imaplib's defaults); for an empty pattern (LIST "" "", the hierarchy
// delimiter) use Xatom(ctx, "LIST", `""`, `""`) and Response("LIST"). Data: the LIST lines.
func (c *Client) List(ctx context.Context, directory, pattern string) (*Result, error) {
	var a args
	d, p := a.opt(directory), a.opt(pattern)
	return c.cmd(ctx, "LIST", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_list(h, d, p, out)
	})
}

// Lsub sends LSUB directory pattern, with List's defaults. Data: the LSUB lines.
func (c *Client) Lsub(ctx context.Context, directory, pattern string) (*Result, error) {
	var a args
	d, p := a.opt(directory), a.opt(pattern)
	return c.cmd(ctx, "LSUB", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_lsub(h, d, p, out)
	})
}

// Create sends CREATE mailbox.
func (c *Client) Create(ctx context.Context, mailbox string) (*Result, error) {
	var a args
	m := a.str(mailbox)
	return c.cmd(ctx, "CREATE", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_create(h, m, out)
	})
}

// Delete sends DELETE mailbox.
func (c *Client) Delete(ctx context.Context, mailbox string) (*Result, error) {
	var a args
	m := a.str(mailbox)
	return c.cmd(ctx, "DELETE", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_delete(h, m, out)
	})
}

// Rename sends RENAME oldMailbox newMailbox.
func (c *Client) Rename(ctx context.Context, oldMailbox, newMailbox string) (*Result, error) {
	var a args
	o, n := a.str(oldMailbox), a.str(newMailbox)
	return c.cmd(ctx, "RENAME", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_rename(h, o, n, out)
	})
}

// Subscribe sends SUBSCRIBE mailbox.
func (c *Client) Subscribe(ctx context.Context, mailbox string) (*Result, error) {
	var a args
	m := a.str(mailbox)
	return c.cmd(ctx, "SUBSCRIBE", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_subscribe(h, m, out)
	})
}

// Unsubscribe sends UNSUBSCRIBE mailbox.
func (c *Client) Unsubscribe(ctx context.Context, mailbox string) (*Result, error) {
	var a args
	m := a.str(mailbox)
	return c.cmd(ctx, "UNSUBSCRIBE", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_unsubscribe(h, m, out)
	})
}

// Append sends APPEND: message (line endings become CRLF) to mailbox ("" means INBOX),
// with optional flags ("(\\Seen)" or "\\Seen"; "" for none) and dateTime (an IMAP date, in
// double quotes or not; "" for none). The APPENDUID code is in Result.Code/CodeData.
func (c *Client) Append(ctx context.Context, mailbox, flags, dateTime string, message []byte) (*Result, error) {
	var a args
	m, f, d := a.opt(mailbox), a.opt(flags), a.opt(dateTime)
	return c.cmd(ctx, "APPEND", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		var p *C.uint8_t
		if len(message) > 0 {
			p = (*C.uint8_t)(unsafe.Pointer(&message[0]))
		}
		return C.imap_append(h, m, f, d, p, C.size_t(len(message)), out)
	})
}

// Check sends CHECK.
func (c *Client) Check(ctx context.Context) (*Result, error) {
	return c.run(ctx, "CHECK", func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_check(h, out)
	})
}

// CloseMailbox sends CLOSE (imaplib's close(): expunge and leave the selected mailbox; the
// state is StateAuth afterwards). It is not Close, which ends the connection and frees the
// Client.
func (c *Client) CloseMailbox(ctx context.Context) (*Result, error) {
	return c.run(ctx, "CLOSE", func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_close(h, out)
	})
}

// Unselect sends UNSELECT (leave the mailbox without expunging).
func (c *Client) Unselect(ctx context.Context) (*Result, error) {
	return c.run(ctx, "UNSELECT", func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_unselect(h, out)
	})
}

// Expunge sends EXPUNGE. Data: the expunged sequence numbers, in the order received.
func (c *Client) Expunge(ctx context.Context) (*Result, error) {
	return c.run(ctx, "EXPUNGE", func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_expunge(h, out)
	})
}

// Search sends SEARCH [CHARSET charset] criteria... (imaplib's search(charset, *criteria);
// "" charset for none). The criteria are sent verbatim. Data: the SEARCH lines; see
// Result.Fields.
func (c *Client) Search(ctx context.Context, charset string, criteria ...string) (*Result, error) {
	var a args
	cs := a.opt(charset)
	crit, n := a.list(criteria)
	return c.cmd(ctx, "SEARCH", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_search(h, cs, crit, n, out)
	})
}

// Fetch sends FETCH messageSet messageParts ("(FLAGS)", "FLAGS", "(BODY[])"...). Data: the
// FETCH lines and (line, literal) items, as imaplib.
func (c *Client) Fetch(ctx context.Context, messageSet, messageParts string) (*Result, error) {
	var a args
	s, p := a.str(messageSet), a.str(messageParts)
	return c.cmd(ctx, "FETCH", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_fetch(h, s, p, out)
	})
}

// Store sends STORE messageSet command flags (command "+FLAGS", "-FLAGS.SILENT"...).
// Data: the FETCH lines.
func (c *Client) Store(ctx context.Context, messageSet, command, flags string) (*Result, error) {
	var a args
	s, cm, f := a.str(messageSet), a.str(command), a.str(flags)
	return c.cmd(ctx, "STORE", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_store(h, s, cm, f, out)
	})
}

// Copy sends COPY messageSet mailbox. The COPYUID code is in Result.Code/CodeData.
func (c *Client) Copy(ctx context.Context, messageSet, mailbox string) (*Result, error) {
	var a args
	s, m := a.str(messageSet), a.str(mailbox)
	return c.cmd(ctx, "COPY", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_copy(h, s, m, out)
	})
}

// Move sends MOVE messageSet mailbox (RFC 6851).
func (c *Client) Move(ctx context.Context, messageSet, mailbox string) (*Result, error) {
	var a args
	s, m := a.str(messageSet), a.str(mailbox)
	return c.cmd(ctx, "MOVE", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_move(h, s, m, out)
	})
}

// UID sends UID command args... (imaplib's uid(command, *args)): FETCH, SEARCH, STORE,
// COPY, MOVE, EXPUNGE, SORT, THREAD. Data: SEARCH/SORT/THREAD lines for those, FETCH lines
// for the others.
func (c *Client) UID(ctx context.Context, command string, arguments ...string) (*Result, error) {
	var a args
	cm := a.str(command)
	list, n := a.list(arguments)
	return c.cmd(ctx, "UID", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_uid(h, cm, list, n, out)
	})
}

// Namespace sends NAMESPACE. Data: the NAMESPACE line.
func (c *Client) Namespace(ctx context.Context) (*Result, error) {
	return c.run(ctx, "NAMESPACE", func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_namespace(h, out)
	})
}

// Response is imaplib's response(code): it removes and returns the untagged responses or
// response codes of that name received so far ("EXISTS", "UIDVALIDITY", "ALERT"...); the
// Result's Type is code, and its data is a single ItemNone if there were none. Nothing is
// sent, so it takes no context.
func (c *Client) Response(code string) (*Result, error) {
	var a args
	cc := a.str(code)
	return c.cmd(context.Background(), "RESPONSE", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_response(h, cc, out)
	})
}

// Recent is imaplib's recent(): the RECENT responses received so far, or, if none, those
// of a NOOP.
func (c *Client) Recent(ctx context.Context) (*Result, error) {
	return c.run(ctx, "RECENT", func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_recent(h, out)
	})
}

// Xatom sends any command name with arguments verbatim (imaplib's xatom(name, *args)).
// Untagged replies stay for Response.
func (c *Client) Xatom(ctx context.Context, name string, arguments ...string) (*Result, error) {
	var a args
	n := a.str(name)
	list, cnt := a.list(arguments)
	return c.cmd(ctx, strings.ToUpper(name), &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_xatom(h, n, list, cnt, out)
	})
}
