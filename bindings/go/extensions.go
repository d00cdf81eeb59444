package imap

// #include <stdlib.h>
// #include "imap.h"
import "C"

import (
	"context"
	"time"
	"unsafe"
)

// Field is a name and a value for ID and SetMetadata. Nil sends NIL instead of Value (for
// SetMetadata: removes the entry).
type Field struct {
	Name  string
	Value string
	Nil   bool
}

// fields returns C arrays of the names and values (NULL for Nil), valid for the call.
func (a *args) fields(fs []Field) (names, values **C.char, n C.size_t) {
	if len(fs) == 0 {
		return nil, nil, 0
	}
	ns := make([]*C.char, len(fs))
	vs := make([]*C.char, len(fs))
	for i, f := range fs {
		ns[i] = a.str(f.Name)
		if !f.Nil {
			vs[i] = a.str(f.Value)
		}
	}
	return &ns[0], &vs[0], C.size_t(len(fs))
}

// ---- raw I/O -------------------------------------------------------------------------------

// SendLine sends one raw line (imaplib's send); CRLF is added. CR, LF or NUL in line gives
// ErrInvalidArgument and nothing is sent. Not allowed during IDLE. Read the answer with
// ReadResponse.
func (c *Client) SendLine(ctx context.Context, line []byte) error {
	_, err := c.run(ctx, "SEND", func(h *C.imap_client, _ **C.imap_result) C.imap_code {
		var p *C.uint8_t
		if len(line) > 0 {
			p = (*C.uint8_t)(unsafe.Pointer(&line[0]))
		}
		return C.imap_send_line(h, p, C.size_t(len(line)))
	})
	return err
}

// ReadResponse reads the next whole response, unparsed, waiting at most timeout
// (imaplib's readline, made safe). The Result's Type is "RAW" and its Data one item per line
// (a line followed by a literal is an ItemLiteral). If the time passes first it returns
// (nil, nil) and the connection stays usable. Responses read this way do not reach the
// untagged store. ctx follows the rules of commands.
func (c *Client) ReadResponse(ctx context.Context, timeout time.Duration) (*Result, error) {
	ms := durationMS(timeout)
	return c.run(ctx, "READ", func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_read_response(h, ms, out)
	})
}

// ---- ACL (RFC 4314) --------------------------------------------------------------------------

// GetACL sends GETACL mailbox. Data: the untagged ACL lines ("INBOX user1 lrwstipekxacd").
func (c *Client) GetACL(ctx context.Context, mailbox string) (*Result, error) {
	var a args
	m := a.str(mailbox)
	return c.cmd(ctx, "GETACL", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_getacl(h, m, out)
	})
}

// SetACL sends SETACL mailbox who what (each quoted if needed). Data: the tagged text.
func (c *Client) SetACL(ctx context.Context, mailbox, who, what string) (*Result, error) {
	var a args
	m, w, r := a.str(mailbox), a.str(who), a.str(what)
	return c.cmd(ctx, "SETACL", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_setacl(h, m, w, r, out)
	})
}

// DeleteACL sends DELETEACL mailbox who. Data: the tagged text.
func (c *Client) DeleteACL(ctx context.Context, mailbox, who string) (*Result, error) {
	var a args
	m, w := a.str(mailbox), a.str(who)
	return c.cmd(ctx, "DELETEACL", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_deleteacl(h, m, w, out)
	})
}

// MyRights sends MYRIGHTS mailbox. Data: the untagged MYRIGHTS lines ("INBOX lrws...").
func (c *Client) MyRights(ctx context.Context, mailbox string) (*Result, error) {
	var a args
	m := a.str(mailbox)
	return c.cmd(ctx, "MYRIGHTS", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_myrights(h, m, out)
	})
}

// ListRights sends LISTRIGHTS mailbox identifier (imaplib has no method for it). Data: the
// untagged LISTRIGHTS lines (`box user2 "" l r w s ...`).
func (c *Client) ListRights(ctx context.Context, mailbox, identifier string) (*Result, error) {
	var a args
	m, id := a.str(mailbox), a.str(identifier)
	return c.cmd(ctx, "LISTRIGHTS", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_listrights(h, m, id, out)
	})
}

// ---- QUOTA (RFC 2087) ------------------------------------------------------------------------

// GetQuota sends GETQUOTA root ("" for the empty root; a root with a space is quoted).
// Data: the untagged QUOTA lines (`"User quota" (STORAGE 10 512)`).
func (c *Client) GetQuota(ctx context.Context, root string) (*Result, error) {
	var a args
	r := a.str(root)
	return c.cmd(ctx, "GETQUOTA", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_getquota(h, r, out)
	})
}

// GetQuotaRoot sends GETQUOTAROOT mailbox. imaplib returns [quotaroot data, quota data];
// here they are two Results: quotaRoot holds the QUOTAROOT lines (`INBOX "User quota"`),
// quota the QUOTA lines. Both carry the same Type and tagged text; for NO and BAD both are
// returned with the error (whose Result is quotaRoot).
func (c *Client) GetQuotaRoot(ctx context.Context, mailbox string) (quotaRoot, quota *Result, err error) {
	var a args
	m := a.str(mailbox)
	var qres *C.imap_result
	quotaRoot, err = c.cmd(ctx, "GETQUOTAROOT", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		qres = nil
		return C.imap_getquotaroot(h, m, out, &qres)
	})
	return quotaRoot, newResult(qres), err
}

// SetQuota sends SETQUOTA root limits ("STORAGE 512" or "(STORAGE 512)"). Data: the
// untagged QUOTA lines (usually one ItemNone). Servers allow it to administrators only.
func (c *Client) SetQuota(ctx context.Context, root, limits string) (*Result, error) {
	var a args
	r, l := a.str(root), a.str(limits)
	return c.cmd(ctx, "SETQUOTA", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_setquota(h, r, l, out)
	})
}

// ---- ANNOTATEMORE and METADATA (RFC 5464) ----------------------------------------------------

// GetAnnotation sends GETANNOTATION mailbox entry attribute (ANNOTATEMORE; entry and
// attribute are sent verbatim, as imaplib: `"/comment"`, `"value.shared"`). Data: the
// untagged ANNOTATION lines.
func (c *Client) GetAnnotation(ctx context.Context, mailbox, entry, attribute string) (*Result, error) {
	var a args
	m, e, at := a.str(mailbox), a.str(entry), a.str(attribute)
	return c.cmd(ctx, "GETANNOTATION", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_getannotation(h, m, e, at, out)
	})
}

// SetAnnotation sends SETANNOTATION with arguments (imaplib's setannotation(*args)):
// arguments[0] is the mailbox (quoted if needed), the others are sent verbatim
// (`"/comment"`, `("value.shared" "My comment")`). Data: the untagged ANNOTATION lines.
func (c *Client) SetAnnotation(ctx context.Context, arguments ...string) (*Result, error) {
	var a args
	list, n := a.list(arguments)
	return c.cmd(ctx, "SETANNOTATION", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_setannotation(h, list, n, out)
	})
}

// GetMetadata sends GETMETADATA (RFC 5464) of entries ("/private/comment"; at least one) of
// mailbox ("" for server entries), with options ("DEPTH 1", "MAXSIZE 1024"; "" for none).
// Data: the untagged METADATA responses; a value sent as a literal comes as an ItemLiteral
// (header line + value), as FETCH data does.
func (c *Client) GetMetadata(ctx context.Context, mailbox string, entries []string, options string) (*Result, error) {
	var a args
	m := a.str(mailbox)
	list, n := a.list(entries)
	o := a.opt(options)
	return c.cmd(ctx, "GETMETADATA", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_getmetadata(h, m, list, n, o, out)
	})
}

// SetMetadata sends SETMETADATA (RFC 5464) on mailbox ("" for the server) with entries (at
// least one): each value is sent as a quoted string, or NIL (removing the entry) when the
// Field is Nil. Data: the untagged METADATA lines (usually one ItemNone).
func (c *Client) SetMetadata(ctx context.Context, mailbox string, entries ...Field) (*Result, error) {
	var a args
	m := a.str(mailbox)
	names, values, n := a.fields(entries)
	return c.cmd(ctx, "SETMETADATA", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_setmetadata(h, m, names, values, n, out)
	})
}

// ---- other commands --------------------------------------------------------------------------

// ProxyAuth sends PROXYAUTH user (StateAuth only). Data: the tagged text; the state does
// not change.
func (c *Client) ProxyAuth(ctx context.Context, user string) (*Result, error) {
	var a args
	u := a.str(user)
	return c.cmd(ctx, "PROXYAUTH", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_proxyauth(h, u, out)
	})
}

// Partial sends PARTIAL messageNum messagePart start length (IMAP2bis; all sent verbatim,
// as imaplib). Data: the untagged FETCH responses.
func (c *Client) Partial(ctx context.Context, messageNum, messagePart, start, length string) (*Result, error) {
	var a args
	n, p, s, l := a.str(messageNum), a.str(messagePart), a.str(start), a.str(length)
	return c.cmd(ctx, "PARTIAL", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_partial(h, n, p, s, l, out)
	})
}

// Sort sends SORT (sortCriteria) charset criteria... (imaplib's sort(sort_criteria,
// charset, *search_criteria)); sortCriteria is parenthesized unless it is, "" charset
// omits it, the search criteria are sent verbatim. Data: the untagged SORT lines; see
// Result.Fields.
func (c *Client) Sort(ctx context.Context, sortCriteria, charset string, criteria ...string) (*Result, error) {
	var a args
	s, cs := a.str(sortCriteria), a.opt(charset)
	list, n := a.list(criteria)
	return c.cmd(ctx, "SORT", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_sort(h, s, cs, list, n, out)
	})
}

// Thread sends THREAD algorithm ("REFERENCES", "ORDEREDSUBJECT") charset criteria...; ""
// charset omits it, the search criteria are sent verbatim. Data: the untagged THREAD lines
// ("(2)(3 6 (4 23)(44 7 96))").
func (c *Client) Thread(ctx context.Context, algorithm, charset string, criteria ...string) (*Result, error) {
	var a args
	al, cs := a.str(algorithm), a.opt(charset)
	list, n := a.list(criteria)
	return c.cmd(ctx, "THREAD", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_thread(h, al, cs, list, n, out)
	})
}

// Enable sends ENABLE capability (verbatim: "CONDSTORE QRESYNC" enables both; StateAuth
// only). ErrUnsupported if the server does not advertise ENABLE (nothing is sent). Data:
// the tagged text; the ENABLED data stays for Response("ENABLED"). UTF-8 mode (UTF8Enabled)
// starts only if the server confirmed UTF8=ACCEPT with an untagged ENABLED.
func (c *Client) Enable(ctx context.Context, capability string) (*Result, error) {
	var a args
	cp := a.str(capability)
	return c.cmd(ctx, "ENABLE", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_enable(h, cp, out)
	})
}

// ID sends ID (RFC 2971) with fields, as ("name" "value" ...) (a Nil Field sends NIL as
// its value); no fields sends ID NIL. Allowed before login. Data: the untagged ID lines
// (`("name" "Dovecot")`, or NIL).
func (c *Client) ID(ctx context.Context, fields ...Field) (*Result, error) {
	var a args
	names, values, n := a.fields(fields)
	return c.cmd(ctx, "ID", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_id(h, names, values, n, out)
	})
}
