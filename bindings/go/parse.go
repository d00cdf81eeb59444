package imap

// #include <stdlib.h>
// #include "imap.h"
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
// tree, except for FETCH, whose tree stays alive (behind a cleanup) as long as a Message or
// BodyPart of it is reachable, because section and part lookups are the library's.

// ---- building Go values from the library's trees -------------------------------------------

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

func seqSet(p **C.imap_seq_range, n C.size_t) SeqSet {
	var out SeqSet
	for _, r := range ptrs(p, n) {
		out = append(out, SeqRange{uint32(r.start), uint32(r.end)})
	}
	return out
}

func mailboxName(m C.imap_mailbox_name) (string, []byte) { return bstr(m.name), bbytes(m.raw) }

func invalids(p **C.imap_invalid, n C.size_t) []Invalid {
	var out []Invalid
	for _, v := range ptrs(p, n) {
		out = append(out, Invalid{Kind: InvalidKind(v.kind), Message: goString(v.message), Raw: bbytes(v.raw)})
	}
	return out
}

func params(p **C.imap_param, n C.size_t) []Param {
	var out []Param
	for _, v := range ptrs(p, n) {
		out = append(out, Param{Name: bstr(v.name), Value: bstr(v.value)})
	}
	return out
}

func addresses(p **C.imap_address, n C.size_t) []Address {
	var out []Address
	group := ""
	for _, v := range ptrs(p, n) {
		a := Address{Kind: AddressKind(v.kind), Name: bstr(v.name_decoded), RawName: bbytes(v.name),
			ADL: bstr(v.adl), Mailbox: bstr(v.mailbox), Host: bstr(v.host)}
		switch a.Kind {
		case AddressGroupStart:
			group = a.Mailbox
		case AddressGroupEnd:
			group = ""
		default:
			a.Group = group
		}
		out = append(out, a)
	}
	return out
}

func envelope(e *C.imap_envelope) *Envelope {
	if e == nil {
		return nil
	}
	return &Envelope{Date: bstr(e.date), Subject: bstr(e.subject_decoded), RawSubject: bbytes(e.subject),
		From: addresses(e.from, e.from_count), Sender: addresses(e.sender, e.sender_count),
		ReplyTo: addresses(e.reply_to, e.reply_to_count), To: addresses(e.to, e.to_count),
		Cc: addresses(e.cc, e.cc_count), Bcc: addresses(e.bcc, e.bcc_count),
		InReplyTo: bstr(e.in_reply_to), MessageID: bstr(e.message_id)}
}

// fetchTree owns a library FETCH tree; a cleanup frees it once no Message or BodyPart of it
// is reachable.
type fetchTree struct{ l *C.imap_fetch_list }

func newFetchTree(l *C.imap_fetch_list) *fetchTree {
	t := &fetchTree{l}
	runtime.AddCleanup(t, func(l *C.imap_fetch_list) { C.imap_fetch_list_free(l) }, l)
	return t
}

// bodyPart builds a body tree; the library bounds its depth to 64 levels.
func (t *fetchTree) bodyPart(b *C.imap_body_part) *BodyPart {
	if b == nil {
		return nil
	}
	p := &BodyPart{Part: goString(b.part), Multipart: b.multipart != 0, Type: bstr(b.media_type),
		Subtype: bstr(b.subtype), Params: params(b.params, b.param_count), ID: bstr(b.id),
		Description: bstr(b.description), Encoding: bstr(b.encoding), Size: uint64(b.size),
		Lines: uint64(b.lines), HasLines: b.has_lines != 0, MD5: bstr(b.md5),
		Language: bstrs(b.language, b.language_count), Location: bstr(b.location),
		Extension: bstrs(b.extension, b.extension_count), c: b, owner: t}
	if b.disposition.data != nil {
		p.Disposition = &Disposition{Type: bstr(b.disposition),
			Params: params(b.disposition_params, b.disposition_param_count)}
	}
	for _, ch := range ptrs(b.children, b.child_count) {
		p.Children = append(p.Children, t.bodyPart(ch))
	}
	if b.message_envelope != nil || b.message_body != nil {
		p.Message = &EmbeddedMessage{Envelope: envelope(b.message_envelope), Body: t.bodyPart(b.message_body)}
	}
	return p
}

func (t *fetchTree) message(m *C.imap_fetch_message) *Message {
	f := &Message{Seq: uint32(m.seq), UID: uint32(m.uid), HasUID: m.has_uid != 0,
		Size: uint64(m.rfc822_size), HasSize: m.has_rfc822_size != 0,
		ModSeq: uint64(m.modseq), HasModSeq: m.has_modseq != 0, Envelope: envelope(m.envelope),
		BodyStructure: t.bodyPart(m.body_structure), Body: t.bodyPart(m.body),
		Quirks: Quirk(m.quirks), c: m, owner: t}
	if m.has_flags != 0 {
		f.Flags = append([]string{}, bstrs(m.flags, m.flag_count)...)
	}
	if m.has_internaldate != 0 {
		f.InternalDate = time.Unix(int64(m.internaldate_seconds), 0).In(fixedZone(int(m.internaldate_offset)))
	}
	for _, s := range ptrs(m.sections, m.section_count) {
		f.Sections = append(f.Sections, Section{Kind: SectionKind(s.kind), Spec: bstr(s.spec),
			Part: append([]uint32(nil), unsafe.Slice((*uint32)(unsafe.Pointer(s.part)), int(s.part_count))...),
			Text: SectionText(s.text), Fields: bstrs(s.fields, s.field_count),
			Origin: uint32(s.origin), HasOrigin: s.has_origin != 0, Data: bbytes(s.data),
			Streamed: s.streamed != 0, StreamedSize: uint64(s.streamed_size)})
	}
	for _, b := range ptrs(m.binary_sizes, m.binary_size_count) {
		f.BinarySizes = append(f.BinarySizes, BinarySize{Size: uint64(b.size),
			Part: append([]uint32(nil), unsafe.Slice((*uint32)(unsafe.Pointer(b.part)), int(b.part_count))...)})
	}
	for _, r := range ptrs(m.other, m.other_count) {
		f.Raw = append(f.Raw, RawItem{Name: bstr(r.name), Value: bbytes(r.raw)})
	}
	if m.valid == 0 {
		inv := Invalid{Kind: InvalidKind(m.error_kind), Message: goString(m.error), Raw: bbytes(m.raw)}
		f.RawBytes = inv.Raw
		f.Err = &Error{Code: CodeParse, Op: "FETCH", Invalid: []Invalid{inv},
			Message: fmt.Sprintf("message %d did not parse (%v): %s", f.Seq, inv.Kind, inv.Message)}
	}
	return f
}

// messages builds the messages of a FETCH tree, which then belongs to them.
func messages(l *C.imap_fetch_list) ([]*Message, []Invalid) {
	if l == nil {
		return nil, nil
	}
	t := newFetchTree(l)
	var out []*Message
	var inv []Invalid
	for _, m := range ptrs(l.messages, l.count) {
		msg := t.message(m)
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
	return parse(r, "PARSE FETCH", func(p *C.imap_result, l **C.imap_fetch_list) C.imap_code {
		return C.imap_parse_fetch(p, l)
	}, messages)
}

// ParseList parses the LIST or LSUB responses of r; names are decoded from modified UTF-7.
// Responses that did not parse are left out and reported by an error satisfying
// errors.Is(err, ErrParse), with the entries that did.
func (r *Result) ParseList() ([]ListEntry, error) {
	return parse(r, "PARSE LIST", func(p *C.imap_result, l **C.imap_list_entries) C.imap_code {
		return C.imap_parse_list(p, l)
	}, func(l *C.imap_list_entries) (out []ListEntry, inv []Invalid) {
		defer C.imap_list_entries_free(l)
		for _, e := range ptrs(l.entries, l.count) {
			name, raw := mailboxName(e.mailbox)
			out = append(out, ListEntry{Attributes: bstrs(e.attributes, e.attribute_count),
				Delimiter: byte(e.delimiter), Name: name, RawName: raw, Extended: bstrs(e.extended, e.extended_count)})
		}
		return out, invalids(l.invalid, l.invalid_count)
	})
}

// ParseStatus parses the STATUS responses of r (usually one). Errors as ParseList.
func (r *Result) ParseStatus() ([]MailboxStatus, error) {
	return parse(r, "PARSE STATUS", func(p *C.imap_result, l **C.imap_status_list) C.imap_code {
		return C.imap_parse_status(p, l)
	}, func(l *C.imap_status_list) (out []MailboxStatus, inv []Invalid) {
		defer C.imap_status_list_free(l)
		for _, e := range ptrs(l.entries, l.count) {
			s := MailboxStatus{Messages: uint32(e.messages), HasMessages: e.has_messages != 0,
				Recent: uint32(e.recent), HasRecent: e.has_recent != 0,
				UIDNext: uint32(e.uidnext), HasUIDNext: e.has_uidnext != 0,
				UIDValidity: uint32(e.uidvalidity), HasUIDValidity: e.has_uidvalidity != 0,
				Unseen: uint32(e.unseen), HasUnseen: e.has_unseen != 0,
				Deleted: uint32(e.deleted), HasDeleted: e.has_deleted != 0,
				HighestModSeq: uint64(e.highest_modseq), HasHighestModSeq: e.has_highest_modseq != 0,
				Size: uint64(e.size), HasSize: e.has_size != 0}
			s.Mailbox, s.RawMailbox = mailboxName(e.mailbox)
			for _, o := range ptrs(e.other, e.other_count) {
				if s.Other == nil {
					s.Other = map[string]uint64{}
				}
				s.Other[bstr(o.name)] = uint64(o.value)
			}
			out = append(out, s)
		}
		return out, invalids(l.invalid, l.invalid_count)
	})
}

// ParseSearch parses the SEARCH or SORT responses of r. A malformed response gives no
// numbers at all and an error satisfying errors.Is(err, ErrParse).
func (r *Result) ParseSearch() (*SearchResult, error) {
	return parse(r, "PARSE SEARCH", func(p *C.imap_result, l **C.imap_search_result) C.imap_code {
		return C.imap_parse_search(p, l)
	}, searchResult)
}

func searchResult(s *C.imap_search_result) (*SearchResult, []Invalid) {
	defer C.imap_search_result_free(s)
	ids := unsafe.Slice((*uint32)(unsafe.Pointer(s.ids)), int(s.count))
	return &SearchResult{IDs: append([]uint32{}, ids...), ModSeq: uint64(s.modseq), HasModSeq: s.has_modseq != 0},
		invalids(s.invalid, s.invalid_count)
}

// ParseESearch parses the ESEARCH responses of r. Errors as ParseList.
func (r *Result) ParseESearch() ([]ESearch, error) {
	return parse(r, "PARSE ESEARCH", func(p *C.imap_result, l **C.imap_esearch_list) C.imap_code {
		return C.imap_parse_esearch(p, l)
	}, esearches)
}

func esearches(l *C.imap_esearch_list) (out []ESearch, inv []Invalid) {
	defer C.imap_esearch_list_free(l)
	for _, e := range ptrs(l.entries, l.count) {
		es := ESearch{Tag: bstr(e.tag), UID: e.uid != 0, Min: uint32(e.min), HasMin: e.has_min != 0,
			Max: uint32(e.max), HasMax: e.has_max != 0, Count: uint32(e.count), HasCount: e.has_count != 0,
			All: seqSet(e.all, e.all_count), HasAll: e.has_all != 0,
			ModSeq: uint64(e.modseq), HasModSeq: e.has_modseq != 0}
		for _, o := range ptrs(e.other, e.other_count) {
			es.Other = append(es.Other, ESearchItem{Name: bstr(o.name), Value: bstr(o.value)})
		}
		out = append(out, es)
	}
	return out, invalids(l.invalid, l.invalid_count)
}

// ParseThread parses the THREAD responses of r into a forest, one root per thread, built
// without recursion. A malformed response gives an empty forest and ErrParse.
func (r *Result) ParseThread() ([]*Thread, error) {
	return parse(r, "PARSE THREAD", func(p *C.imap_result, l **C.imap_thread_list) C.imap_code {
		return C.imap_parse_thread(p, l)
	}, threads)
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
	return roots, invalids(l.invalid, l.invalid_count)
}

func namespaces(p **C.imap_namespace_entry, n C.size_t) []Namespace {
	var out []Namespace
	for _, e := range ptrs(p, n) {
		out = append(out, Namespace{Prefix: bstr(e.prefix), Delimiter: byte(e.delimiter),
			Extensions: bstrs(e.extensions, e.extension_count)})
	}
	return out
}

// ParseNamespace parses the NAMESPACE responses of r. Errors as ParseList.
func (r *Result) ParseNamespace() ([]Namespaces, error) {
	return parse(r, "PARSE NAMESPACE", func(p *C.imap_result, l **C.imap_namespace_list) C.imap_code {
		return C.imap_parse_namespace(p, l)
	}, func(l *C.imap_namespace_list) (out []Namespaces, inv []Invalid) {
		defer C.imap_namespace_list_free(l)
		for _, e := range ptrs(l.entries, l.count) {
			out = append(out, Namespaces{Personal: namespaces(e.personal, e.personal_count),
				Other: namespaces(e.other, e.other_count), Shared: namespaces(e.shared, e.shared_count)})
		}
		return out, invalids(l.invalid, l.invalid_count)
	})
}

// ParseQuota parses the QUOTA responses of r. Errors as ParseList.
func (r *Result) ParseQuota() ([]Quota, error) {
	return parse(r, "PARSE QUOTA", func(p *C.imap_result, l **C.imap_quota_list) C.imap_code {
		return C.imap_parse_quota(p, l)
	}, quotas)
}

func quotas(l *C.imap_quota_list) ([]Quota, []Invalid) {
	defer C.imap_quota_list_free(l)
	return quotaInfos(l.entries, l.count), invalids(l.invalid, l.invalid_count)
}

func quotaInfos(p **C.imap_quota_info, n C.size_t) (out []Quota) {
	for _, e := range ptrs(p, n) {
		q := Quota{Root: bstr(e.root)}
		for _, res := range ptrs(e.resources, e.resource_count) {
			q.Resources = append(q.Resources, QuotaResource{Name: bstr(res.name), Usage: uint64(res.usage), Limit: uint64(res.limit)})
		}
		out = append(out, q)
	}
	return out
}

// ParseQuotaRoot parses the QUOTAROOT responses of r. Errors as ParseList.
func (r *Result) ParseQuotaRoot() ([]QuotaRoot, error) {
	return parse(r, "PARSE QUOTAROOT", func(p *C.imap_result, l **C.imap_quotaroot_list) C.imap_code {
		return C.imap_parse_quotaroot(p, l)
	}, func(l *C.imap_quotaroot_list) (out []QuotaRoot, inv []Invalid) {
		defer C.imap_quotaroot_list_free(l)
		for _, e := range ptrs(l.entries, l.count) {
			q := QuotaRoot{Roots: bstrs(e.roots, e.root_count)}
			q.Mailbox, q.RawMailbox = mailboxName(e.mailbox)
			out = append(out, q)
		}
		return out, invalids(l.invalid, l.invalid_count)
	})
}

// ParseACL parses the ACL responses of r. Errors as ParseList.
func (r *Result) ParseACL() ([]ACL, error) {
	return parse(r, "PARSE ACL", func(p *C.imap_result, l **C.imap_acl_list) C.imap_code {
		return C.imap_parse_acl(p, l)
	}, func(l *C.imap_acl_list) (out []ACL, inv []Invalid) {
		defer C.imap_acl_list_free(l)
		for _, e := range ptrs(l.entries, l.count) {
			a := ACL{}
			a.Mailbox, a.RawMailbox = mailboxName(e.mailbox)
			for _, x := range ptrs(e.entries, e.entry_count) {
				a.Entries = append(a.Entries, ACLEntry{Identifier: bstr(x.identifier), Rights: bstr(x.rights)})
			}
			out = append(out, a)
		}
		return out, invalids(l.invalid, l.invalid_count)
	})
}

// ParseMyRights parses the MYRIGHTS responses of r. Errors as ParseList.
func (r *Result) ParseMyRights() ([]MyRights, error) {
	return parse(r, "PARSE MYRIGHTS", func(p *C.imap_result, l **C.imap_myrights_list) C.imap_code {
		return C.imap_parse_myrights(p, l)
	}, func(l *C.imap_myrights_list) (out []MyRights, inv []Invalid) {
		defer C.imap_myrights_list_free(l)
		for _, e := range ptrs(l.entries, l.count) {
			m := MyRights{Rights: bstr(e.rights)}
			m.Mailbox, m.RawMailbox = mailboxName(e.mailbox)
			out = append(out, m)
		}
		return out, invalids(l.invalid, l.invalid_count)
	})
}

// ParseListRights parses the LISTRIGHTS responses of r. Errors as ParseList.
func (r *Result) ParseListRights() ([]ListRights, error) {
	return parse(r, "PARSE LISTRIGHTS", func(p *C.imap_result, l **C.imap_listrights_list) C.imap_code {
		return C.imap_parse_listrights(p, l)
	}, func(l *C.imap_listrights_list) (out []ListRights, inv []Invalid) {
		defer C.imap_listrights_list_free(l)
		for _, e := range ptrs(l.entries, l.count) {
			x := ListRights{Identifier: bstr(e.identifier), Required: bstr(e.required),
				Optional: bstrs(e.optional, e.optional_count)}
			x.Mailbox, x.RawMailbox = mailboxName(e.mailbox)
			out = append(out, x)
		}
		return out, invalids(l.invalid, l.invalid_count)
	})
}

// ParseMetadata parses the METADATA responses of r (values sent as literals are read from
// the literal). Errors as ParseList.
func (r *Result) ParseMetadata() ([]Metadata, error) {
	return parse(r, "PARSE METADATA", func(p *C.imap_result, l **C.imap_metadata_list) C.imap_code {
		return C.imap_parse_metadata(p, l)
	}, metadata)
}

func metadata(l *C.imap_metadata_list) (out []Metadata, inv []Invalid) {
	defer C.imap_metadata_list_free(l)
	for _, e := range ptrs(l.entries, l.count) {
		m := Metadata{}
		m.Mailbox, m.RawMailbox = mailboxName(e.mailbox)
		for _, x := range ptrs(e.entries, e.entry_count) {
			m.Entries = append(m.Entries, MetadataEntry{Name: bstr(x.name), Value: bbytes(x.value)})
		}
		out = append(out, m)
	}
	return out, invalids(l.invalid, l.invalid_count)
}

// ParseCapability returns the capabilities of every CAPABILITY response of r, as sent.
func (r *Result) ParseCapability() ([]string, error) {
	return parse(r, "PARSE CAPABILITY", func(p *C.imap_result, l **C.imap_capability_list) C.imap_code {
		return C.imap_parse_capability(p, l)
	}, func(l *C.imap_capability_list) ([]string, []Invalid) {
		defer C.imap_capability_list_free(l)
		return bstrs(l.capabilities, l.count), nil
	})
}

// ParseCode parses the response code of r's tagged text ([APPENDUID 38505 3955],
// [COPYUID ...]); Kind is ResponseCodeNone when there is none. A known code whose data
// breaks its grammar is returned with Kind ResponseCodeInvalid and an ErrParse error.
func (r *Result) ParseCode() (*ResponseCode, error) {
	return parse(r, "PARSE CODE", func(p *C.imap_result, l **C.imap_response_code) C.imap_code {
		return C.imap_parse_code(p, l)
	}, func(c *C.imap_response_code) (*ResponseCode, []Invalid) {
		defer C.imap_response_code_free(c)
		out := &ResponseCode{Kind: ResponseCodeKind(c.kind), Name: bstr(c.name), Data: bbytes(c.data),
			Number: uint64(c.number), HasNumber: c.has_number != 0, Atoms: bstrs(c.atoms, c.atom_count),
			UIDs: seqSet(c.uids, c.uid_count), SourceUIDs: seqSet(c.source_uids, c.source_uid_count)}
		if out.Kind == ResponseCodeInvalid {
			return out, []Invalid{{Kind: InvalidNumber, Message: "[" + out.Name + "] breaks its grammar", Raw: out.Data}}
		}
		return out, nil
	})
}

// ---- client methods ----------------------------------------------------------------------------

// FetchParsed sends FETCH messageSet messageParts and parses the answer (Fetch +
// ParseFetch). For NO and BAD it returns the error (whose Result holds the reply).
func (c *Client) FetchParsed(ctx context.Context, messageSet, messageParts string) ([]*Message, error) {
	r, err := c.Fetch(ctx, messageSet, messageParts)
	if err != nil {
		return nil, err
	}
	return r.ParseFetch()
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
	info := &MailboxInfo{Exists: uint32(m.exists), HasExists: m.has_exists != 0,
		Recent: uint32(m.recent), HasRecent: m.has_recent != 0,
		Unseen: uint32(m.unseen), HasUnseen: m.has_unseen != 0,
		UIDValidity: uint32(m.uidvalidity), HasUIDValidity: m.has_uidvalidity != 0,
		UIDNext: uint32(m.uidnext), HasUIDNext: m.has_uidnext != 0,
		HighestModSeq: uint64(m.highest_modseq), HasHighestModSeq: m.has_highest_modseq != 0,
		NoModSeq: m.no_modseq != 0, ReadOnly: m.read_only == 1, HasAccess: m.read_only >= 0,
		Invalid: invalids(m.invalid, m.invalid_count)}
	if m.has_flags != 0 {
		info.Flags = append([]string{}, bstrs(m.flags, m.flag_count)...)
	}
	if m.has_permanent_flags != 0 {
		info.PermanentFlags = append([]string{}, bstrs(m.permanent_flags, m.permanent_flag_count)...)
	}
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
