package imap

// #include "imap.h"
import "C"

import "context"

// This file: the library's compositions, one C call each, returning parsed values.

// parsedCall runs f, a library call giving a parsed object, and builds the Go value from it
// with build (which frees the object). OK and PARSE give the value (PARSE with ErrParse);
// other codes are the command's error.
func parsedCall[L any, T any](c *Client, ctx context.Context, op string, a *args,
	f func(h *C.imap_client, out **L) C.imap_code, build func(*L) (T, []Invalid)) (T, error) {
	var zero T
	defer a.free()
	if a.err != nil {
		a.err.Op = op
		return zero, a.err
	}
	var l *L
	code, msg, ctxErr, err := c.exec(ctx, op, func(h *C.imap_client) C.imap_code { return f(h, &l) })
	if err != nil {
		return zero, err
	}
	if l == nil || code != CodeOK && code != CodeParse {
		_, err := c.outcome(op, code, msg, ctxErr, nil)
		return zero, err
	}
	out, inv := build(l)
	return out, parseError(op, code, inv)
}

// ESearchAuto searches with criteria (verbatim, as Search; "" charset for none) and gives
// the answer as ESEARCH data whatever the server offers (imap_esearch_auto): SEARCH RETURN
// (MIN MAX COUNT ALL) with ESEARCH (RFC 4731), else SEARCH with its numbers turned into one
// entry (Count, and Min, Max, All when something matched).
func (c *Client) ESearchAuto(ctx context.Context, charset string, criteria ...string) ([]ESearch, error) {
	var a args
	cs := a.opt(charset)
	crit, n := a.list(criteria)
	return parsedCall(c, ctx, "SEARCH", &a, func(h *C.imap_client, out **C.imap_esearch_list) C.imap_code {
		return C.imap_esearch_auto(h, cs, crit, n, out)
	}, goESearchList)
}

// UIDSortParsed sends UID SORT and parses it (imap_uid_sort_parsed): the UIDs in order.
// sortCriteria is parenthesized unless it is; "" charset sends UTF-8 (SORT requires one).
func (c *Client) UIDSortParsed(ctx context.Context, sortCriteria, charset string, criteria ...string) (*SearchResult, error) {
	var a args
	s, cs := a.str(sortCriteria), a.opt(charset)
	crit, n := a.list(criteria)
	return parsedCall(c, ctx, "UID SORT", &a, func(h *C.imap_client, out **C.imap_search_result) C.imap_code {
		return C.imap_uid_sort_parsed(h, s, cs, crit, n, out)
	}, searchResult)
}

// UIDThreadParsed sends UID THREAD and parses it (imap_uid_thread_parsed): a forest of
// UIDs. "" charset sends UTF-8.
func (c *Client) UIDThreadParsed(ctx context.Context, algorithm, charset string, criteria ...string) ([]*Thread, error) {
	var a args
	al, cs := a.str(algorithm), a.opt(charset)
	crit, n := a.list(criteria)
	return parsedCall(c, ctx, "UID THREAD", &a, func(h *C.imap_client, out **C.imap_thread_list) C.imap_code {
		return C.imap_uid_thread_parsed(h, al, cs, crit, n, out)
	}, threads)
}

// GetMetadataParsed sends GETMETADATA (as GetMetadata) and parses it, the METADATA
// responses of one mailbox merged into one entry (imap_getmetadata_parsed).
func (c *Client) GetMetadataParsed(ctx context.Context, mailbox string, entries []string, options string) ([]Metadata, error) {
	var a args
	m, o := a.str(mailbox), a.opt(options)
	list, n := a.list(entries)
	return parsedCall(c, ctx, "GETMETADATA", &a, func(h *C.imap_client, out **C.imap_metadata_list) C.imap_code {
		return C.imap_getmetadata_parsed(h, m, list, n, o, out)
	}, goMetadataList)
}

// QuotaFor sends GETQUOTAROOT mailbox and gives its roots with their quotas merged in one
// value (imap_quota_for).
func (c *Client) QuotaFor(ctx context.Context, mailbox string) (*MailboxQuota, error) {
	var a args
	m := a.str(mailbox)
	return parsedCall(c, ctx, "GETQUOTAROOT", &a, func(h *C.imap_client, out **C.imap_mailbox_quota) C.imap_code {
		return C.imap_quota_for(h, m, out)
	}, func(q *C.imap_mailbox_quota) (*MailboxQuota, []Invalid) {
		defer C.imap_mailbox_quota_free(q)
		return goMailboxQuota(q), goInvalidSlice(q.invalid, q.invalid_count)
	})
}
