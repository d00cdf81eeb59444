package imap

/*
#include <stdlib.h>
#include "imap.h"

// FETCH (UID FETCH when uid is non-zero) and its parse in one call. On IMAP_CODE_OK the
// result is parsed into *list (the parser's code in *parse_code) and freed at once, *res
// NULL; otherwise *res is the command's result.
static imap_code libimap_go_fetch_parsed(imap_client *c, const char *set, const char *items, int uid,
                                         imap_result **res, imap_fetch_list **list, imap_code *parse_code) {
	imap_code code;
	*res = NULL;
	*list = NULL;
	if (uid) {
		const char *args[2] = {set, items};
		code = imap_uid(c, "FETCH", args, 2, res);
	} else {
		code = imap_fetch(c, set, items, res);
	}
	if (code == IMAP_CODE_OK && *res != NULL) {
		*parse_code = imap_parse_fetch(*res, list);
		imap_result_free(*res);
		*res = NULL;
	}
	return code;
}
*/
import "C"

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"time"
	"unsafe"
)

// This file: parsed results. Each Parse method hands the Result's library result to the
// library's parser (imap_parse_*), builds Go values from the parsed tree once and frees the
// tree.

// ---- building Go values from the library's trees -------------------------------------------
// The mirrors of the library's structs and their converters (go<Type>) are generated from
// include/imap.h into parsed_gen.go; here are the helpers they use and what they leave to
// hand-written code (the finish methods).

//go:generate go run ./internal/gen

// ptrs views a library array of n pointers.
func ptrs[T any](p **T, n C.size_t) []*T {
	if p == nil || n == 0 {
		return nil
	}
	return unsafe.Slice(p, int(n))
}

// bstr copies an imap_bytes as a string ("" for NIL); bbytes as bytes (nil for NIL).
func bstr(b C.imap_bytes) string   { return string(cView(b.data, b.len)) }
func bbytes(b C.imap_bytes) []byte { return goBytes(b.data, b.len) }

func bstrs(p **C.imap_bytes, n C.size_t) []string {
	var out []string
	for _, b := range ptrs(p, n) {
		out = append(out, bstr(*b))
	}
	return out
}

func u32s(p *C.uint32_t, n C.size_t) []uint32 {
	if p == nil || n == 0 {
		return nil
	}
	return append([]uint32(nil), unsafe.Slice((*uint32)(unsafe.Pointer(p)), int(n))...)
}

func seqSet(p **C.imap_seq_range, n C.size_t) SeqSet {
	var out SeqSet
	for _, r := range ptrs(p, n) {
		out = append(out, SeqRange{uint32(r.start), uint32(r.end)})
	}
	return out
}

func mailboxName(m C.imap_mailbox_name) (string, []byte) { return bstr(m.name), bbytes(m.raw) }

// finish sets the Group of each address.
func (e *Envelope) finish(*C.imap_envelope) {
	for _, list := range [][]Address{e.From, e.Sender, e.ReplyTo, e.To, e.Cc, e.Bcc} {
		group := ""
		for i := range list {
			switch list[i].Kind {
			case AddressGroupStart:
				group = list[i].Mailbox
			case AddressGroupEnd:
				group = ""
			default:
				list[i].Group = group
			}
		}
	}
}

func (p *BodyPart) finish(b *C.imap_body_part) {
	if b.disposition.data != nil {
		p.Disposition = &Disposition{Type: bstr(b.disposition),
			Params: goParamSlice(b.disposition_params, b.disposition_param_count)}
	}
	if b.message_envelope != nil || b.message_body != nil {
		p.Message = &EmbeddedMessage{Envelope: goEnvelope(b.message_envelope), Body: goBodyPart(b.message_body)}
	}
}

func (f *Message) finish(m *C.imap_fetch_message) {
	if m.has_internaldate != 0 {
		f.InternalDate = time.Unix(int64(m.internaldate_seconds), 0).In(fixedZone(int(m.internaldate_offset)))
	}
	if m.valid == 0 {
		inv := Invalid{Kind: InvalidKind(m.error_kind), Message: goString(m.error), Raw: f.RawBytes}
		f.Err = &Error{Code: CodeParse, Op: "FETCH", Invalid: []Invalid{inv},
			Message: fmt.Sprintf("message %d did not parse (%v): %s", f.Seq, inv.Kind, inv.Message)}
	}
}

func (i *MailboxInfo) finish(m *C.imap_mailbox_info) {
	i.ReadOnly, i.HasAccess = m.read_only == 1, m.read_only >= 0
}

func (s *MailboxStatus) finish(e *C.imap_status_info) {
	for _, o := range ptrs(e.other, e.other_count) {
		if s.Other == nil {
			s.Other = map[string]uint64{}
		}
		s.Other[bstr(o.name)] = uint64(o.value)
	}
}

// messages builds the messages of a FETCH tree and frees the tree. The Go values keep
// nothing of it (every byte is copied, the section and part lookups are done on the Go
// values), so the tree is freed as soon as it is converted.
func messages(l *C.imap_fetch_list) ([]*Message, []Invalid) {
	if l == nil {
		return nil, nil
	}
	defer C.imap_fetch_list_free(l)
	var out []*Message
	if l.count > 0 {
		out = make([]*Message, 0, int(l.count))
	}
	var inv []Invalid
	for _, m := range ptrs(l.messages, l.count) {
		msg := goMessage(m)
		if msg.Err != nil {
			inv = append(inv, msg.Err.(*Error).Invalid...)
		}
		out = append(out, msg)
	}
	return out, inv
}

// ---- the Parse methods -----------------------------------------------------------------------

// parseError converts a parse code; inv is the object's invalid list (for CodeParse).
func parseError(op string, code Code, inv []Invalid) error {
	switch code {
	case CodeOK:
		return nil
	case CodeParse:
		msg := fmt.Sprintf("%d response(s) did not parse", len(inv))
		if len(inv) > 0 {
			msg += fmt.Sprintf("; first (%v): %s", inv[0].Kind, inv[0].Message)
		}
		return &Error{Code: code, Op: op, Message: msg, Invalid: inv}
	}
	return &Error{Code: code, Op: op}
}

// parse runs one library parser on r and builds the Go values with build, which owns the
// tree it is given (freeing it or keeping it).
func parse[L any, T any](r *Result, op string, parser func(*C.imap_result, **L) C.imap_code,
	build func(*L) (T, []Invalid)) (T, error) {
	var zero T
	if r == nil || r.p == nil {
		return zero, &Error{Code: CodeInvalidArgument, Op: op, Message: "not a Result of a call"}
	}
	var l *L
	code := Code(parser(r.p, &l))
	runtime.KeepAlive(r)
	if l == nil {
		return zero, parseError(op, code, nil)
	}
	out, inv := build(l)
	return out, parseError(op, code, inv)
}

// ParseFetch parses the FETCH responses of r (Fetch, UID FETCH/STORE, Store, Partial,
// Response("FETCH"), an IDLE update): one Message per response, in order. A message that
// did not parse is in the slice with Err and RawBytes set, and the error satisfies
// errors.Is(err, ErrParse), listing the bad ones in Invalid. A literal streamed to a
// LiteralFunc is a Section with Streamed and StreamedSize (nil Data).
func (r *Result) ParseFetch() ([]*Message, error) {
	return parse(r, "PARSE FETCH", cParseFetch, messages)
}

// ParseList parses the LIST or LSUB responses of r; names are decoded from modified UTF-7.
// Responses that did not parse are left out and reported by an error satisfying
// errors.Is(err, ErrParse), with the entries that did.
func (r *Result) ParseList() ([]ListEntry, error) {
	return parse(r, "PARSE LIST", cParseList, goListEntries)
}

// ParseStatus parses the STATUS responses of r (usually one). Errors as ParseList.
func (r *Result) ParseStatus() ([]MailboxStatus, error) {
	return parse(r, "PARSE STATUS", cParseStatus, goStatusList)
}

// ParseSearch parses the SEARCH or SORT responses of r. A malformed response gives no
// numbers at all and an error satisfying errors.Is(err, ErrParse).
func (r *Result) ParseSearch() (*SearchResult, error) {
	return parse(r, "PARSE SEARCH", cParseSearch, searchResult)
}

func searchResult(s *C.imap_search_result) (*SearchResult, []Invalid) {
	defer C.imap_search_result_free(s)
	return goSearchResult(s), goInvalidSlice(s.invalid, s.invalid_count)
}

// ParseESearch parses the ESEARCH responses of r. Errors as ParseList.
func (r *Result) ParseESearch() ([]ESearch, error) {
	return parse(r, "PARSE ESEARCH", cParseESearch, goESearchList)
}

// ParseThread parses the THREAD responses of r into a forest, one root per thread, built
// without recursion. A malformed response gives an empty forest and ErrParse.
func (r *Result) ParseThread() ([]*Thread, error) {
	return parse(r, "PARSE THREAD", cParseThread, threads)
}

func threads(l *C.imap_thread_list) (roots []*Thread, inv []Invalid) {
	defer C.imap_thread_list_free(l)
	cn := ptrs(l.nodes, l.node_count)
	nodes := make([]Thread, len(cn))
	for i, n := range cn {
		nodes[i].ID, nodes[i].HasID = uint32(n.id), n.has_id != 0
		if n.has_parent != 0 && int(n.parent) < len(nodes) {
			nodes[i].Parent = &nodes[n.parent]
		}
		for _, c := range unsafe.Slice((*C.size_t)(unsafe.Pointer(n.children)), int(n.child_count)) {
			if int(c) < len(nodes) {
				nodes[i].Children = append(nodes[i].Children, &nodes[c])
			}
		}
	}
	for _, i := range unsafe.Slice((*C.size_t)(unsafe.Pointer(l.roots)), int(l.root_count)) {
		if int(i) < len(nodes) {
			roots = append(roots, &nodes[i])
		}
	}
	return roots, goInvalidSlice(l.invalid, l.invalid_count)
}

// ParseNamespace parses the NAMESPACE responses of r. Errors as ParseList.
func (r *Result) ParseNamespace() ([]Namespaces, error) {
	return parse(r, "PARSE NAMESPACE", cParseNamespace, goNamespaceList)
}

// ParseQuota parses the QUOTA responses of r. Errors as ParseList.
func (r *Result) ParseQuota() ([]Quota, error) {
	return parse(r, "PARSE QUOTA", cParseQuota, goQuotaList)
}

// ParseQuotaRoot parses the QUOTAROOT responses of r. Errors as ParseList.
func (r *Result) ParseQuotaRoot() ([]QuotaRoot, error) {
	return parse(r, "PARSE QUOTAROOT", cParseQuotaRoot, goQuotaRootList)
}

// ParseACL parses the ACL responses of r. Errors as ParseList.
func (r *Result) ParseACL() ([]ACL, error) {
	return parse(r, "PARSE ACL", cParseACL, goACLList)
}

// ParseMyRights parses the MYRIGHTS responses of r. Errors as ParseList.
func (r *Result) ParseMyRights() ([]MyRights, error) {
	return parse(r, "PARSE MYRIGHTS", cParseMyRights, goMyRightsList)
}

// ParseListRights parses the LISTRIGHTS responses of r. Errors as ParseList.
func (r *Result) ParseListRights() ([]ListRights, error) {
	return parse(r, "PARSE LISTRIGHTS", cParseListRights, goListRightsList)
}

// ParseMetadata parses the METADATA responses of r (values sent as literals are read from
// the literal). Errors as ParseList.
func (r *Result) ParseMetadata() ([]Metadata, error) {
	return parse(r, "PARSE METADATA", cParseMetadata, goMetadataList)
}

// ParseCapability returns the capabilities of every CAPABILITY response of r, as sent.
func (r *Result) ParseCapability() ([]string, error) {
	return parse(r, "PARSE CAPABILITY", cParseCapability, func(l *C.imap_capability_list) ([]string, []Invalid) {
		defer C.imap_capability_list_free(l)
		return bstrs(l.capabilities, l.count), nil
	})
}

// ParseCode parses the response code of r's tagged text ([APPENDUID 38505 3955],
// [COPYUID ...]); Kind is ResponseCodeNone when there is none. A known code whose data
// breaks its grammar is returned with Kind ResponseCodeInvalid and an ErrParse error.
func (r *Result) ParseCode() (*ResponseCode, error) {
	return parse(r, "PARSE CODE", cParseCode, func(c *C.imap_response_code) (*ResponseCode, []Invalid) {
		defer C.imap_response_code_free(c)
		out := goResponseCode(c)
		if out.Kind == ResponseCodeInvalid {
			return out, []Invalid{{Kind: InvalidNumber, Message: "[" + out.Name + "] breaks its grammar", Raw: out.Data}}
		}
		return out, nil
	})
}

// ---- client methods ----------------------------------------------------------------------------

// FetchParsed sends FETCH messageSet messageParts and parses the answer (Fetch +
// ParseFetch). For NO and BAD it returns the error (whose Result holds the reply). The
// library's result is freed as soon as it is parsed: only the messages are kept.
func (c *Client) FetchParsed(ctx context.Context, messageSet, messageParts string) ([]*Message, error) {
	return c.fetchParsed(ctx, false, messageSet, messageParts)
}

// UIDFetchParsed is FetchParsed for UID FETCH uidSet messageParts (UID + ParseFetch).
func (c *Client) UIDFetchParsed(ctx context.Context, uidSet, messageParts string) ([]*Message, error) {
	return c.fetchParsed(ctx, true, uidSet, messageParts)
}

func (c *Client) fetchParsed(ctx context.Context, uid bool, set, items string) ([]*Message, error) {
	var a args
	s, i := a.str(set), a.str(items)
	op, u := "FETCH", C.int(0)
	if uid {
		op, u = "UID", 1
	}
	var l *C.imap_fetch_list
	var parseCode C.imap_code
	_, err := c.cmd(ctx, op, &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.libimap_go_fetch_parsed(h, s, i, u, out, &l, &parseCode)
	})
	if err != nil {
		if l != nil { // parsed, then the context's interrupt closed the connection
			C.imap_fetch_list_free(l)
		}
		return nil, err
	}
	if l == nil {
		return nil, parseError("PARSE FETCH", Code(parseCode), nil)
	}
	msgs, inv := messages(l)
	return msgs, parseError("PARSE FETCH", Code(parseCode), inv)
}

// ListParsed sends LIST directory pattern and parses the answer (List + ParseList).
func (c *Client) ListParsed(ctx context.Context, directory, pattern string) ([]ListEntry, error) {
	r, err := c.List(ctx, directory, pattern)
	if err != nil {
		return nil, err
	}
	return r.ParseList()
}

// Mailbox returns the summary of the selected mailbox (imap_client_mailbox): EXISTS,
// RECENT, FLAGS and the UNSEEN, UIDVALIDITY, UIDNEXT, PERMANENTFLAGS, HIGHESTMODSEQ,
// NOMODSEQ and READ-ONLY/READ-WRITE codes, read from the untagged responses kept (without
// removing them). ErrIllegalState when no mailbox is selected. A kept value that broke its
// grammar is listed in Invalid, with an ErrParse error. Nothing is sent.
func (c *Client) Mailbox() (*MailboxInfo, error) {
	var m *C.imap_mailbox_info
	code, msg, _, err := c.exec(context.Background(), "MAILBOX", func(h *C.imap_client) C.imap_code {
		return C.imap_client_mailbox(h, &m)
	})
	if err != nil {
		return nil, err
	}
	defer C.imap_mailbox_info_free(m)
	if m == nil || code != CodeOK && code != CodeParse {
		return nil, &Error{Code: code, Op: "MAILBOX", Message: msg}
	}
	info := goMailboxInfo(m)
	return info, parseError("MAILBOX", code, info.Invalid)
}

// SetMailboxEncoding sets how the mailbox names of every command taking one (Select,
// Create, Status, Append, Copy, Move, List's reference and pattern, the ACL, quota and
// metadata commands...) are sent: MailboxEncodingUTF7 (the default) or MailboxEncodingRaw.
// Names the server returns are decoded by the Parse methods regardless. Also
// Options.MailboxEncoding.
func (c *Client) SetMailboxEncoding(enc MailboxEncoding) error {
	_, err := c.run(context.Background(), "SETMAILBOXENCODING", func(h *C.imap_client, _ **C.imap_result) C.imap_code {
		return C.imap_set_mailbox_encoding(h, C.int32_t(enc))
	})
	return err
}

// ---- package functions -----------------------------------------------------------------------

// UTF7Encode encodes a UTF-8 mailbox name in modified UTF-7 (RFC 3501 §5.1.3):
// "~peter/mail/日本語" gives "~peter/mail/&ZeVnLIqe-", "&" gives "&-". ErrInvalidArgument
// for invalid UTF-8 or a NUL.
func UTF7Encode(name string) (string, error) {
	const op = "UTF7ENCODE"
	if strings.IndexByte(name, 0) >= 0 {
		return "", &Error{Code: CodeInvalidArgument, Op: op, Message: "name contains NUL"}
	}
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	var out *C.char
	if err := utilError(C.imap_utf7_encode(cs, &out), op, "invalid UTF-8"); err != nil {
		return "", err
	}
	return takeString(out), nil
}

// UTF7Decode decodes a modified UTF-7 mailbox name to UTF-8. Strict: bytes outside
// printable ASCII, a malformed &...- run, bad padding, unpaired surrogates, base64 for a
// printable ASCII character or a decoded NUL give ErrInvalidArgument.
func UTF7Decode(raw string) (string, error) {
	b := []byte(raw)
	var out *C.char
	if err := utilError(C.imap_utf7_decode(bytesArg(b), C.size_t(len(b)), &out), "UTF7DECODE",
		"invalid modified UTF-7"); err != nil {
		return "", err
	}
	return takeString(out), nil
}

// DecodeHeader decodes the RFC 2047 encoded words (=?UTF-8?B?...?=, =?ISO-8859-1?Q?...?=)
// of header text (a raw subject, a display name, a header line) to UTF-8. Whitespace
// between adjacent encoded words is dropped; a word with an unknown charset or bad encoding
// is kept as written; other text is taken as UTF-8 (invalid sequences become U+FFFD).
// ErrInvalidArgument if the decoded text would contain NUL.
func DecodeHeader(raw []byte) (string, error) {
	var out *C.char
	if err := utilError(C.imap_decode_header(bytesArg(raw), C.size_t(len(raw)), &out), "DECODEHEADER",
		"decoded text contains NUL"); err != nil {
		return "", err
	}
	return takeString(out), nil
}

// libraryLookups is for the tests (export_test.go): the library's own answers to
// Message.Section and BodyPart.Find on r's FETCH tree (imap_fetch_message_section,
// imap_body_part_find from the BODYSTRUCTURE), per message: the index of the section found
// for each spec (-1 for none), and for each part the node found, described by describePart
// ("-" for none).
func libraryLookups(r *Result, specs, parts []string) (sections [][]int, found [][]string) {
	var l *C.imap_fetch_list
	C.imap_parse_fetch(r.p, &l)
	defer runtime.KeepAlive(r)
	defer C.imap_fetch_list_free(l)
	for _, m := range ptrs(l.messages, l.count) {
		secs := ptrs(m.sections, m.section_count)
		var idx []int
		for _, spec := range specs {
			cs := C.CString(spec)
			q := C.imap_fetch_message_section(m, cs)
			C.free(unsafe.Pointer(cs))
			k := -1
			for i, s := range secs {
				if s == q {
					k = i
					break
				}
			}
			idx = append(idx, k)
		}
		var desc []string
		for _, part := range parts {
			cs := C.CString(part)
			q := C.imap_body_part_find(m.body_structure, cs)
			C.free(unsafe.Pointer(cs))
			desc = append(desc, describePart(goBodyPart(q)))
		}
		sections, found = append(sections, idx), append(found, desc)
	}
	return sections, found
}

// describePart tells a body node apart from the others of its tree, for the tests: its
// number, whether it is a multipart, its type and size ("-" for nil).
func describePart(p *BodyPart) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprintf("%s/%v/%s/%s/%d", p.Part, p.Multipart, p.Type, p.Subtype, p.Size)
}
