package imap

// #include <stdlib.h>
// #include "imap.h"
import "C"

import (
	"context"
	"strconv"
	"unsafe"
)

// Arg is one typed argument value of SearchArgs and SortArgs: build it with Atom, String,
// Number or List. The library sends each by its kind, so a string value is quoted or sent as
// a literal as needed and never as an 8-bit atom.
type Arg struct {
	kind  C.int32_t
	value string
	items []Arg
}

// Atom is a keyword, date, flag keyword or sequence set sent as it is ("SUBJECT", "OR",
// "1-Feb-2024", "1:*"): printable ASCII without space, parentheses, "{", `"` or `\`;
// anything else is refused with ErrInvalidArgument.
func Atom(s string) Arg { return Arg{kind: C.IMAP_ARG_KIND_ATOM, value: s} }

// String is a string value (text to search for, a header name with spaces): quoted, or sent
// as a literal when it is not 7-bit. Any bytes but NUL, CR and LF.
func String(s string) Arg { return Arg{kind: C.IMAP_ARG_KIND_STRING, value: s} }

// Number is a number argument (LARGER 1000).
func Number(n uint64) Arg {
	return Arg{kind: C.IMAP_ARG_KIND_NUMBER, value: strconv.FormatUint(n, 10)}
}

// List is a parenthesised group of arguments: List(Atom("OR"), Atom("SEEN"), Atom("FLAGGED")).
func List(items ...Arg) Arg { return Arg{kind: C.IMAP_ARG_KIND_LIST_BEGIN, items: items} }

// typed flattens the arguments into the C arrays of values and kinds (groups become
// LIST_BEGIN ... LIST_END).
func (a *args) typed(vs []Arg) (**C.char, *C.int32_t, C.size_t) {
	var values []*C.char
	var kinds []C.int32_t
	var walk func([]Arg)
	walk = func(vs []Arg) {
		for _, v := range vs {
			if v.kind == C.IMAP_ARG_KIND_LIST_BEGIN {
				values, kinds = append(values, nil), append(kinds, C.IMAP_ARG_KIND_LIST_BEGIN)
				walk(v.items)
				values, kinds = append(values, nil), append(kinds, C.IMAP_ARG_KIND_LIST_END)
				continue
			}
			values, kinds = append(values, a.str(v.value)), append(kinds, v.kind)
		}
	}
	walk(vs)
	if len(values) == 0 {
		return nil, nil, 0
	}
	return &values[0], &kinds[0], C.size_t(len(values))
}

// SearchArgs sends SEARCH [CHARSET charset] with typed criteria ("" charset omits it):
// SearchArgs(ctx, "UTF-8", Atom("SUBJECT"), String("Grüße")). Data: the SEARCH lines. A bad
// value gives ErrInvalidArgument and nothing is sent.
func (c *Client) SearchArgs(ctx context.Context, charset string, criteria ...Arg) (*Result, error) {
	return c.searchArgs(ctx, false, charset, criteria)
}

// UIDSearchArgs is SearchArgs as UID SEARCH: the data are UIDs.
func (c *Client) UIDSearchArgs(ctx context.Context, charset string, criteria ...Arg) (*Result, error) {
	return c.searchArgs(ctx, true, charset, criteria)
}

func (c *Client) searchArgs(ctx context.Context, uid bool, charset string, criteria []Arg) (*Result, error) {
	var a args
	cs := a.opt(charset)
	vals, kinds, n := a.typed(criteria)
	return c.cmd(ctx, "SEARCH", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		if uid {
			return C.imap_uid_search_args(h, cs, vals, kinds, n, out)
		}
		return C.imap_search_args(h, cs, vals, kinds, n, out)
	})
}

// SortArgs sends SORT (keys) charset with typed search criteria (RFC 5256):
// SortArgs(ctx, []string{"REVERSE", "DATE"}, "UTF-8", Atom("SUBJECT"), String("Grüße")).
// Data: the SORT lines.
func (c *Client) SortArgs(ctx context.Context, keys []string, charset string, criteria ...Arg) (*Result, error) {
	return c.sortArgs(ctx, false, keys, charset, criteria)
}

// UIDSortArgs is SortArgs as UID SORT: the data are UIDs.
func (c *Client) UIDSortArgs(ctx context.Context, keys []string, charset string, criteria ...Arg) (*Result, error) {
	return c.sortArgs(ctx, true, keys, charset, criteria)
}

func (c *Client) sortArgs(ctx context.Context, uid bool, keys []string, charset string, criteria []Arg) (*Result, error) {
	var a args
	k, nk := a.list(keys)
	cs := a.str(charset)
	vals, kinds, n := a.typed(criteria)
	return c.cmd(ctx, "SORT", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		if uid {
			return C.imap_uid_sort_args(h, k, nk, cs, vals, kinds, n, out)
		}
		return C.imap_sort_args(h, k, nk, cs, vals, kinds, n, out)
	})
}

// StoreFlags sends STORE messageSet command (flags...), the flags given as a list:
// StoreFlags(ctx, "1:3", "+FLAGS", []string{`\Seen`, "$Label"}). command is FLAGS, +FLAGS or
// -FLAGS, optionally with .SILENT; each flag is `\Name` or a keyword atom. A flag with a
// space, a parenthesis or another character a flag cannot hold gives ErrInvalidArgument and
// nothing is sent. Data: the FETCH lines.
func (c *Client) StoreFlags(ctx context.Context, messageSet, command string, flags []string) (*Result, error) {
	return c.storeFlags(ctx, false, messageSet, command, flags)
}

// UIDStoreFlags is StoreFlags as UID STORE: uidSet holds UIDs.
func (c *Client) UIDStoreFlags(ctx context.Context, uidSet, command string, flags []string) (*Result, error) {
	return c.storeFlags(ctx, true, uidSet, command, flags)
}

func (c *Client) storeFlags(ctx context.Context, uid bool, set, command string, flags []string) (*Result, error) {
	var a args
	s, cm := a.str(set), a.str(command)
	f, nf := a.list(flags)
	return c.cmd(ctx, "STORE", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		if uid {
			return C.imap_uid_store_flags(h, s, cm, f, nf, out)
		}
		return C.imap_store_flags(h, s, cm, f, nf, out)
	})
}

// AppendFlags is Append with the flags given as a list, each checked as in StoreFlags (none:
// no flag list is sent).
func (c *Client) AppendFlags(ctx context.Context, mailbox string, flags []string, dateTime string, message []byte) (*Result, error) {
	var a args
	m, d := a.opt(mailbox), a.opt(dateTime)
	f, nf := a.list(flags)
	return c.cmd(ctx, "APPEND", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		var p *C.uint8_t
		if len(message) > 0 {
			p = (*C.uint8_t)(unsafe.Pointer(&message[0]))
		}
		return C.imap_append_flags(h, m, f, nf, d, p, C.size_t(len(message)), out)
	})
}

// SetLiteral is imaplib's literal attribute: the bytes go as a literal {N} at the end of the
// next command sent, whichever it is, and are then forgotten (Append's own message replaces
// them). nil clears it; an empty non-nil slice sends {0}.
func (c *Client) SetLiteral(literal []byte) error {
	var buf unsafe.Pointer
	if literal != nil {
		// A valid pointer even for an empty slice: non-NULL means "send {0}".
		buf = C.CBytes(append(literal[:len(literal):len(literal)], 0))
		defer C.free(buf)
	}
	_, err := c.run(context.Background(), "SETLITERAL", func(h *C.imap_client, _ **C.imap_result) C.imap_code {
		return C.imap_set_literal(h, (*C.uint8_t)(buf), C.size_t(len(literal)))
	})
	return err
}
