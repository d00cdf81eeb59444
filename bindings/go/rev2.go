package imap

// #include "imap.h"
import "C"

import "context"

// This file: IMAP4rev2 (RFC 9051) and the LIST extensions (LIST-EXTENDED, SPECIAL-USE,
// LIST-STATUS). Options.IMAP4rev2 enables IMAP4rev2 after login; CreateSpecialUse is in
// commands_gen.go.

// IMAP4rev2 reports whether IMAP4rev2 is in effect on the connection (the server confirmed
// ENABLE IMAP4rev2; see Options.IMAP4rev2 and Enable). The answers callers read stay the
// same: Search's Result holds the ESEARCH responses the server answers with, which
// ParseSearch reads as numbers; mailbox names go and come as UTF-8 (Name stays right); the
// server sends no RECENT (Recent gives imaplib's [None], MailboxInfo.HasRecent is false).
func (c *Client) IMAP4rev2() bool {
	return c.flag(func(h *C.imap_client) C.int32_t { return C.imap_client_imap4rev2(h) })
}

// ListExtended sends LIST with LIST-EXTENDED's options (RFC 5258) and parses the answer
// (imap_list_extended): LIST [(selection)] reference pattern [RETURN (returnOptions)],
// selection ("SPECIAL-USE", "SUBSCRIBED RECURSIVEMATCH") and returnOptions ("SPECIAL-USE",
// "CHILDREN STATUS (MESSAGES UNSEEN SIZE)") verbatim, each left out when "". Each entry has
// its known attributes in Attrs (SPECIAL-USE, RFC 6154) and, for RETURN (STATUS (...))
// (LIST-STATUS, RFC 5819), its mailbox's STATUS in Status. ErrUnsupported (nothing sent)
// when options are given and the server offers none of LIST-EXTENDED, SPECIAL-USE,
// LIST-STATUS and IMAP4rev2. Responses that did not parse give an error satisfying
// errors.Is(err, ErrParse), with the entries that did.
func (c *Client) ListExtended(ctx context.Context, reference, pattern, selection, returnOptions string) ([]ListEntry, error) {
	var a args
	r, p, s, o := a.str(reference), a.str(pattern), a.opt(selection), a.opt(returnOptions)
	return parsedCall(c, ctx, "LIST", &a, func(h *C.imap_client, out **C.imap_list_entries) C.imap_code {
		return C.imap_list_extended(h, r, p, s, o, out)
	}, goListEntries)
}

// SpecialUse gives the entry's special-use attributes (ListAttrSent, ListAttrDrafts...; 0
// for none).
func (e *ListEntry) SpecialUse() ListAttr { return e.Attrs & ListAttrSpecialUse }
