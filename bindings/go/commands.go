package imap

/*
#include <stdlib.h>
#include "imap.h"

// A library command taking the handle, n (0..4) C strings and the result pointer.
typedef imap_code (*imap_go_fn)(void);
typedef imap_client C;
typedef imap_result R;
typedef const char *S;
static imap_code imap_go_call(imap_go_fn f, int n, C *h, S *s, R **out) {
	switch (n) {
	case 0: return ((imap_code (*)(C *, R **))f)(h, out);
	case 1: return ((imap_code (*)(C *, S, R **))f)(h, s[0], out);
	case 2: return ((imap_code (*)(C *, S, S, R **))f)(h, s[0], s[1], out);
	case 3: return ((imap_code (*)(C *, S, S, S, R **))f)(h, s[0], s[1], s[2], out);
	case 4: return ((imap_code (*)(C *, S, S, S, S, R **))f)(h, s[0], s[1], s[2], s[3], out);
	}
	return IMAP_CODE_INTERNAL;
}
*/
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

// call runs f, a library command taking the strings ss ("" as NULL when opt).
func (c *Client) call(ctx context.Context, op string, f C.imap_go_fn, opt bool, ss ...string) (*Result, error) {
	var a args
	ps := make([]*C.char, len(ss)+1)
	for i, s := range ss {
		if ps[i] = a.str(s); opt && s == "" {
			ps[i] = nil
		}
	}
	return c.cmd(ctx, op, &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_go_call(f, C.int(len(ss)), h, (*C.S)(unsafe.Pointer(&ps[0])), out)
	})
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

// Capability sends CAPABILITY. Data: the CAPABILITY lines. Capabilities is not changed.
func (c *Client) Capability(ctx context.Context) (*Result, error) {
	return c.call(ctx, "CAPABILITY", C.imap_go_fn(C.imap_capability), false)
}

// Noop sends NOOP. Untagged responses stay for Response.
func (c *Client) Noop(ctx context.Context) (*Result, error) {
	return c.call(ctx, "NOOP", C.imap_go_fn(C.imap_noop), false)
}

// Login sends LOGIN. The password is quoted, or a literal when it is not 7-bit, and never
// logged or put in an error. A wrong password gives ErrNo. Success moves to StateAuth.
func (c *Client) Login(ctx context.Context, user, password string) (*Result, error) {
	return c.call(ctx, "LOGIN", C.imap_go_fn(C.imap_login), false, user, password)
}

// Logout sends LOGOUT and closes the connection; the Result's Type is "BYE". Close must
// still be called to free the Client.
func (c *Client) Logout(ctx context.Context) (*Result, error) {
	return c.call(ctx, "LOGOUT", C.imap_go_fn(C.imap_logout), false)
}

// StartTLS sends STARTTLS on a plain connection, strictly: a refusal, a missing STARTTLS
// capability or data injected before the handshake gives ErrTLS and closes the connection.
// Options.StartTLS does this inside Dial.
func (c *Client) StartTLS(ctx context.Context) (*Result, error) {
	return c.call(ctx, "STARTTLS", C.imap_go_fn(C.imap_starttls), false)
}

// Select sends SELECT mailbox, or EXAMINE if readonly ("" means INBOX). Data: the EXISTS
// count. A writable select answered READ-ONLY gives ErrReadOnly (with the Result).
func (c *Client) Select(ctx context.Context, mailbox string, readonly bool) (*Result, error) {
	var a args
	m, ro := a.opt(mailbox), C.int32_t(0)
	if readonly {
		ro = 1
	}
	return c.cmd(ctx, "SELECT", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_select(h, m, ro, out)
	})
}

// Status sends STATUS mailbox names ("(MESSAGES UNSEEN)"). Data: the STATUS lines.
func (c *Client) Status(ctx context.Context, mailbox, names string) (*Result, error) {
	return c.call(ctx, "STATUS", C.imap_go_fn(C.imap_status), false, mailbox, names)
}

// List sends LIST directory pattern; "" sends `""` and "*" (imaplib's defaults). Data: the
// LIST lines.
func (c *Client) List(ctx context.Context, directory, pattern string) (*Result, error) {
	return c.call(ctx, "LIST", C.imap_go_fn(C.imap_list), true, directory, pattern)
}

// Lsub sends LSUB directory pattern, with List's defaults. Data: the LSUB lines.
func (c *Client) Lsub(ctx context.Context, directory, pattern string) (*Result, error) {
	return c.call(ctx, "LSUB", C.imap_go_fn(C.imap_lsub), true, directory, pattern)
}

// Create sends CREATE mailbox.
func (c *Client) Create(ctx context.Context, mailbox string) (*Result, error) {
	return c.call(ctx, "CREATE", C.imap_go_fn(C.imap_create), false, mailbox)
}

// Delete sends DELETE mailbox.
func (c *Client) Delete(ctx context.Context, mailbox string) (*Result, error) {
	return c.call(ctx, "DELETE", C.imap_go_fn(C.imap_delete), false, mailbox)
}

// Rename sends RENAME oldMailbox newMailbox.
func (c *Client) Rename(ctx context.Context, oldMailbox, newMailbox string) (*Result, error) {
	return c.call(ctx, "RENAME", C.imap_go_fn(C.imap_rename), false, oldMailbox, newMailbox)
}

// Subscribe sends SUBSCRIBE mailbox.
func (c *Client) Subscribe(ctx context.Context, mailbox string) (*Result, error) {
	return c.call(ctx, "SUBSCRIBE", C.imap_go_fn(C.imap_subscribe), false, mailbox)
}

// Unsubscribe sends UNSUBSCRIBE mailbox.
func (c *Client) Unsubscribe(ctx context.Context, mailbox string) (*Result, error) {
	return c.call(ctx, "UNSUBSCRIBE", C.imap_go_fn(C.imap_unsubscribe), false, mailbox)
}

// Append sends APPEND: message (line endings become CRLF) to mailbox ("" means INBOX),
// with optional flags ("(\\Seen)"; "" for none) and dateTime (an IMAP date; "" for none).
// The APPENDUID code is in Result.Code/CodeData (see ParseCode).
func (c *Client) Append(ctx context.Context, mailbox, flags, dateTime string, message []byte) (*Result, error) {
	var a args
	m, f, d := a.opt(mailbox), a.opt(flags), a.opt(dateTime)
	return c.cmd(ctx, "APPEND", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_append(h, m, f, d, bytesArg(message), C.size_t(len(message)), out)
	})
}

// Check sends CHECK.
func (c *Client) Check(ctx context.Context) (*Result, error) {
	return c.call(ctx, "CHECK", C.imap_go_fn(C.imap_check), false)
}

// CloseMailbox sends CLOSE (expunge and leave the selected mailbox: StateAuth). It is not
// Close, which ends the connection and frees the Client.
func (c *Client) CloseMailbox(ctx context.Context) (*Result, error) {
	return c.call(ctx, "CLOSE", C.imap_go_fn(C.imap_close), false)
}

// Unselect sends UNSELECT (leave the mailbox without expunging).
func (c *Client) Unselect(ctx context.Context) (*Result, error) {
	return c.call(ctx, "UNSELECT", C.imap_go_fn(C.imap_unselect), false)
}

// Expunge sends EXPUNGE. Data: the expunged sequence numbers, in the order received.
func (c *Client) Expunge(ctx context.Context) (*Result, error) {
	return c.call(ctx, "EXPUNGE", C.imap_go_fn(C.imap_expunge), false)
}

// Search sends SEARCH [CHARSET charset] criteria... ("" charset for none), the criteria
// verbatim. Data: the SEARCH lines; see Result.Fields and SearchArgs.
func (c *Client) Search(ctx context.Context, charset string, criteria ...string) (*Result, error) {
	var a args
	cs := a.opt(charset)
	crit, n := a.list(criteria)
	return c.cmd(ctx, "SEARCH", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_search(h, cs, crit, n, out)
	})
}

// Fetch sends FETCH messageSet messageParts ("(FLAGS)", "(BODY[])"...). Data: the FETCH
// lines and (line, literal) items, as imaplib's; see ParseFetch, FetchParsed, FetchEach.
// While other commands are in flight (other goroutines' calls), the library routes each
// FETCH response to the command whose set holds the message.
func (c *Client) Fetch(ctx context.Context, messageSet, messageParts string) (*Result, error) {
	return c.call(ctx, "FETCH", C.imap_go_fn(C.imap_fetch), false, messageSet, messageParts)
}

// Store sends STORE messageSet command flags (command "+FLAGS", "-FLAGS.SILENT"...).
// Data: the FETCH lines.
func (c *Client) Store(ctx context.Context, messageSet, command, flags string) (*Result, error) {
	return c.call(ctx, "STORE", C.imap_go_fn(C.imap_store), false, messageSet, command, flags)
}

// Copy sends COPY messageSet mailbox. The COPYUID code is in Result.Code/CodeData.
func (c *Client) Copy(ctx context.Context, messageSet, mailbox string) (*Result, error) {
	return c.call(ctx, "COPY", C.imap_go_fn(C.imap_copy), false, messageSet, mailbox)
}

// Move sends MOVE messageSet mailbox (RFC 6851).
func (c *Client) Move(ctx context.Context, messageSet, mailbox string) (*Result, error) {
	return c.call(ctx, "MOVE", C.imap_go_fn(C.imap_move), false, messageSet, mailbox)
}

// UID sends UID command args... (imaplib's uid): FETCH, SEARCH, STORE, COPY, MOVE,
// EXPUNGE, SORT, THREAD.
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
	return c.call(ctx, "NAMESPACE", C.imap_go_fn(C.imap_namespace), false)
}

// Response is imaplib's response(code): it removes and returns the untagged responses or
// response codes of that name received so far ("EXISTS", "ALERT"...); a single ItemNone if
// there were none. Nothing is sent.
func (c *Client) Response(code string) (*Result, error) {
	return c.call(context.Background(), "RESPONSE", C.imap_go_fn(C.imap_response), false, code)
}

// Recent is imaplib's recent(): the RECENT responses received so far, or those of a NOOP.
func (c *Client) Recent(ctx context.Context) (*Result, error) {
	return c.call(ctx, "RECENT", C.imap_go_fn(C.imap_recent), false)
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

// GetACL sends GETACL mailbox (RFC 4314). Data: the ACL lines; see ParseACL.
func (c *Client) GetACL(ctx context.Context, mailbox string) (*Result, error) {
	return c.call(ctx, "GETACL", C.imap_go_fn(C.imap_getacl), false, mailbox)
}

// SetACL sends SETACL mailbox who what (each quoted if needed).
func (c *Client) SetACL(ctx context.Context, mailbox, who, what string) (*Result, error) {
	return c.call(ctx, "SETACL", C.imap_go_fn(C.imap_setacl), false, mailbox, who, what)
}

// DeleteACL sends DELETEACL mailbox who.
func (c *Client) DeleteACL(ctx context.Context, mailbox, who string) (*Result, error) {
	return c.call(ctx, "DELETEACL", C.imap_go_fn(C.imap_deleteacl), false, mailbox, who)
}

// MyRights sends MYRIGHTS mailbox. Data: the MYRIGHTS lines; see ParseMyRights.
func (c *Client) MyRights(ctx context.Context, mailbox string) (*Result, error) {
	return c.call(ctx, "MYRIGHTS", C.imap_go_fn(C.imap_myrights), false, mailbox)
}

// ListRights sends LISTRIGHTS mailbox identifier. Data: the LISTRIGHTS lines.
func (c *Client) ListRights(ctx context.Context, mailbox, identifier string) (*Result, error) {
	return c.call(ctx, "LISTRIGHTS", C.imap_go_fn(C.imap_listrights), false, mailbox, identifier)
}

// GetQuota sends GETQUOTA root (RFC 2087). Data: the QUOTA lines; see ParseQuota.
func (c *Client) GetQuota(ctx context.Context, root string) (*Result, error) {
	return c.call(ctx, "GETQUOTA", C.imap_go_fn(C.imap_getquota), false, root)
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

// SetQuota sends SETQUOTA root limits ("(STORAGE 512)"); usually for administrators only.
func (c *Client) SetQuota(ctx context.Context, root, limits string) (*Result, error) {
	return c.call(ctx, "SETQUOTA", C.imap_go_fn(C.imap_setquota), false, root, limits)
}

// GetAnnotation sends GETANNOTATION mailbox entry attribute (ANNOTATEMORE; entry and
// attribute verbatim). Data: the ANNOTATION lines.
func (c *Client) GetAnnotation(ctx context.Context, mailbox, entry, attribute string) (*Result, error) {
	return c.call(ctx, "GETANNOTATION", C.imap_go_fn(C.imap_getannotation), false, mailbox, entry, attribute)
}

// SetAnnotation sends SETANNOTATION with arguments: the mailbox (quoted if needed), then
// the others verbatim. Data: the ANNOTATION lines.
func (c *Client) SetAnnotation(ctx context.Context, arguments ...string) (*Result, error) {
	var a args
	list, n := a.list(arguments)
	return c.cmd(ctx, "SETANNOTATION", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_setannotation(h, list, n, out)
	})
}

// GetMetadata sends GETMETADATA (RFC 5464) of entries (at least one) of mailbox ("" for
// server entries), with options ("DEPTH 1"; "" for none). Data: the METADATA responses.
func (c *Client) GetMetadata(ctx context.Context, mailbox string, entries []string, options string) (*Result, error) {
	var a args
	m, o := a.str(mailbox), a.opt(options)
	list, n := a.list(entries)
	return c.cmd(ctx, "GETMETADATA", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_getmetadata(h, m, list, n, o, out)
	})
}

// SetMetadata sends SETMETADATA (RFC 5464) on mailbox ("" for the server) with entries,
// each value quoted, or NIL (removing the entry) when the Field is Nil.
func (c *Client) SetMetadata(ctx context.Context, mailbox string, entries ...Field) (*Result, error) {
	var a args
	m := a.str(mailbox)
	names, values, n := a.fields(entries)
	return c.cmd(ctx, "SETMETADATA", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_setmetadata(h, m, names, values, n, out)
	})
}

// ProxyAuth sends PROXYAUTH user (StateAuth only).
func (c *Client) ProxyAuth(ctx context.Context, user string) (*Result, error) {
	return c.call(ctx, "PROXYAUTH", C.imap_go_fn(C.imap_proxyauth), false, user)
}

// Partial sends PARTIAL messageNum messagePart start length (IMAP2bis, verbatim).
func (c *Client) Partial(ctx context.Context, messageNum, messagePart, start, length string) (*Result, error) {
	return c.call(ctx, "PARTIAL", C.imap_go_fn(C.imap_partial), false, messageNum, messagePart, start, length)
}

// Sort sends SORT (sortCriteria) charset criteria... (imaplib's sort; "" charset omits
// it, criteria verbatim). Data: the SORT lines; see SortArgs.
func (c *Client) Sort(ctx context.Context, sortCriteria, charset string, criteria ...string) (*Result, error) {
	var a args
	s, cs := a.str(sortCriteria), a.opt(charset)
	list, n := a.list(criteria)
	return c.cmd(ctx, "SORT", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_sort(h, s, cs, list, n, out)
	})
}

// Thread sends THREAD algorithm charset criteria... ("" charset omits it). Data: the
// THREAD lines; see ParseThread.
func (c *Client) Thread(ctx context.Context, algorithm, charset string, criteria ...string) (*Result, error) {
	var a args
	al, cs := a.str(algorithm), a.opt(charset)
	list, n := a.list(criteria)
	return c.cmd(ctx, "THREAD", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_thread(h, al, cs, list, n, out)
	})
}

// Enable sends ENABLE capability (verbatim; StateAuth only); ErrUnsupported without the
// ENABLE capability. UTF-8 mode starts only if the server confirmed UTF8=ACCEPT.
func (c *Client) Enable(ctx context.Context, capability string) (*Result, error) {
	return c.call(ctx, "ENABLE", C.imap_go_fn(C.imap_enable), false, capability)
}

// ID sends ID (RFC 2971) with fields (none: ID NIL). Data: the ID lines.
func (c *Client) ID(ctx context.Context, fields ...Field) (*Result, error) {
	var a args
	names, values, n := a.fields(fields)
	return c.cmd(ctx, "ID", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_id(h, names, values, n, out)
	})
}
