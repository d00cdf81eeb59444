// Command gen writes parsed_gen.go: the Go mirrors of the enums and parsed-result structs of
// include/imap.h and their C-to-Go converters. It reads the header, so a field added to a
// struct there reaches Go by running `go generate` in bindings/go (the directive is in
// parse.go); the tables below say only what the header cannot: Go names and docs, []byte
// against string, and what hand-written code finishes. gen_test.go fails when a generated
// file is not current.
//
//	go run ./internal/gen [-header ../../include/imap.h] [-d .]
//
// It also writes commands_gen.go, the Client methods of the library's command functions, from
// the table in commands.go and the functions' prototypes.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	goformat "go/format"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// mirror says how one C struct becomes a Go type.
type mirror struct {
	goName string
	doc    string // the Go type's doc comment (the header's speaks C)
	// fields: space-separated rules by C field name. "c=Name" renames, "c:bytes" gives []byte
	// (default string for imap_bytes), "c:-" leaves the field to hand-written code, "c:ptr"
	// gives a slice of pointers, "c:has" turns has_c into "nil unless sent" (no Has field),
	// "c:nonnil" gives an empty, non-nil slice when there is nothing, "c:T" types a scalar.
	fields string
	extra  string // Go field declarations appended (filled by the finish method)
	finish bool   // the hand-written method (*T).finish(c *C.struct) completes it
}

var mirrors = map[string]mirror{
	"imap_invalid": {goName: "Invalid", fields: "raw:bytes",
		doc: "Invalid is one response that could not be parsed: why, and its bytes as the result holds\nthem without \"* \" and the response name (\"2 (UID x)\" for \"* 2 FETCH (UID x)\")."},
	"imap_response_code": {goName: "ResponseCode", fields: "data:bytes",
		doc: "ResponseCode is the response code of a Result's tagged text, parsed (imap_parse_code).\nNumber, Atoms, UIDs and SourceUIDs are set as Kind says."},
	"imap_mailbox_info": {goName: "MailboxInfo", fields: "flags:has permanent_flags:has read_only:-", finish: true,
		extra: "// ReadOnly: [READ-ONLY] was sent; HasAccess: [READ-ONLY] or [READ-WRITE] was.\nReadOnly, HasAccess bool",
		doc:   "MailboxInfo is what SELECT or EXAMINE reported about the selected mailbox\n(imap_mailbox_info). Each Has field tells whether the server sent the value; a value\nthat broke its grammar is in Invalid, and Mailbox's error satisfies errors.Is(err, ErrParse)."},
	"imap_address": {goName: "Address", fields: "name=RawName:bytes name_decoded=Name",
		extra: "// Group is the name of the group a mailbox belongs to (\"\" outside a group).\nGroup string",
		doc:   "Address is one entry of an ENVELOPE address list. For AddressGroupStart the group's name\nis in Mailbox; AddressGroupEnd has every field empty. Name is the display name with\nRFC 2047 encoded words decoded, RawName it as sent (nil for NIL)."},
	"imap_envelope": {goName: "Envelope", fields: "subject=RawSubject:bytes subject_decoded=Subject", finish: true, // sets Address.Group
		doc: "Envelope is a FETCH ENVELOPE. Strings are the raw header text (\"\" when absent) except\nSubject, decoded from RFC 2047 (RawSubject is it as sent, nil for NIL)."},
	"imap_param": {goName: "Param", doc: "Param is a name and value of a body parameter list (charset=utf-8)."},
	"imap_body_part": {goName: "BodyPart", finish: true,
		fields: "media_type=Type children:ptr disposition:- disposition_params:- message_envelope:- message_body:-",
		extra:  "Disposition *Disposition // nil when there is none\n// Message is the envelope and body of a message/rfc822 (or message/global) part.\nMessage *EmbeddedMessage",
		doc:    "BodyPart is one node of a BODY or BODYSTRUCTURE tree. A multipart has Multipart set, Type\n\"MULTIPART\", its parts in Children, and of the other fields only Subtype, Params,\nDisposition, Language, Location and Extension. Strings are as sent: compare type names\nwith strings.EqualFold."},
	"imap_section": {goName: "Section", fields: "data:bytes",
		doc: "Section is a body section item of a FETCH (BODY[1.HEADER]<0>, BINARY[2], RFC822...)."},
	"imap_binary_size": {goName: "BinarySize", doc: "BinarySize is a BINARY.SIZE[part] item (RFC 3516)."},
	"imap_raw_item": {goName: "RawItem", fields: "raw=Value:bytes",
		doc: "RawItem is a FETCH item kept as bytes: one the parser does not know (X-GM-LABELS...),\nor a known item whose value was malformed. Value is in IMAP syntax."},
	"imap_fetch_message": {goName: "Message", finish: true,
		fields: "flags:has has_internaldate:- internaldate_seconds:- internaldate_offset:- " +
			"has_rfc822_size=HasSize rfc822_size=Size other=Raw valid:- error_kind:- error:- raw=RawBytes:bytes quirks:Quirk",
		extra: "InternalDate time.Time // in a fixed zone at the offset written in it; zero when not sent\n" +
			"// Err is nil when the response parsed; otherwise an *Error with CodeParse (ErrParse)\n// saying why, and RawBytes holds the response's bytes. The items read before the\n// problem are filled in, and the malformed item is in Raw when it could be delimited.\nErr error",
		doc: "Message is one message of a FETCH result. Items the server did not send are absent\n(Has fields false, nil slices and pointers, zero time)."},
	"imap_esearch_item": {goName: "ESearchItem", doc: "ESearchItem is ESEARCH return data without a field (PARTIAL, RELEVANCY...)."},
	"imap_esearch_info": {goName: "ESearch", doc: "ESearch is an ESEARCH response (RFC 4731)."},
	"imap_search_result": {goName: "SearchResult", fields: "ids:nonnil invalid:-",
		doc: "SearchResult is the numbers of SEARCH or SORT responses (message numbers, or UIDs for a\nUID command), in the order sent, and CONDSTORE's (MODSEQ n)."},
	"imap_metadata_entry": {goName: "MetadataEntry", fields: "value:bytes",
		doc: "MetadataEntry is a METADATA entry (\"/private/comment\") and its value; Value is nil for\nNIL and in unsolicited change notices, which list names only."},
	"imap_metadata_info": {goName: "Metadata",
		doc: "Metadata is a METADATA response (RFC 5464): the mailbox (\"\" for server metadata) and its\nentries."},
	"imap_quota_resource": {goName: "QuotaResource", doc: "QuotaResource is a quota resource: its name (STORAGE in KiB, MESSAGE...), usage and limit."},
	"imap_quota_info":     {goName: "Quota", doc: "Quota is a QUOTA response: the quota root and its resources."},
	"imap_mailbox_quota": {goName: "MailboxQuota", fields: "invalid:-",
		doc: "MailboxQuota is a mailbox's quota roots and their QUOTA responses (QuotaFor)."},
	"imap_list_entry": {goName: "ListEntry", fields: "mailbox=Name attribute_flags=Attrs:ListAttr",
		doc: "ListEntry is a LIST or LSUB entry. Name is the mailbox name decoded from modified UTF-7\n(or as sent when the server sent UTF-8), \"\" when it is neither; RawName is it as sent."},
	"imap_status_info": {goName: "MailboxStatus", fields: "other:-", finish: true,
		extra: "// Other holds items without a field, by upper-cased name.\nOther map[string]uint64",
		doc:   "MailboxStatus is a STATUS response. Each Has field tells whether the server sent the\nitem; Mailbox is decoded as ListEntry.Name."},
	"imap_namespace_entry": {goName: "Namespace",
		doc: "Namespace is one namespace: its prefix, delimiter (0 for NIL) and extension data (IMAP\nsyntax)."},
	"imap_namespace_info": {goName: "Namespaces", doc: "Namespaces is a NAMESPACE response (RFC 2342)."},
	"imap_quotaroot_info": {goName: "QuotaRoot", doc: "QuotaRoot is a QUOTAROOT response: a mailbox and its quota roots."},
	"imap_acl_entry":      {goName: "ACLEntry", doc: "ACLEntry is an identifier and its rights (\"user2\", \"lrs\")."},
	"imap_acl_info":       {goName: "ACL", doc: "ACL is an ACL response (RFC 4314): a mailbox and its access control list."},
	"imap_myrights_info":  {goName: "MyRights", doc: "MyRights is a MYRIGHTS response: a mailbox and the logged-in user's rights."},
	"imap_vanished": {goName: "Vanished",
		doc: "Vanished is a VANISHED response (RFC 7162): UIDs expunged, as ranges (1:4294967295 is one\nrange). Earlier: reported for a QRESYNC select or a UID FETCH with VANISHED, not just now."},
	"imap_changed_message": {goName: "ChangedMessage", fields: "flags:nonnil",
		doc: "ChangedMessage is a message added or changed since a saved state (Resync): its UID, its\nflags as sent and its MODSEQ."},
	"imap_mailbox_changes": {goName: "MailboxChanges",
		doc: "MailboxChanges is what Resync found: how (Method), whether a full resync is needed\n(FullResync, then the lists are empty), the mailbox as selected now (its UIDValidity and\nHighestModSeq are what to save next), the messages added and changed, by UID, and the known\nUIDs that vanished."},
	"imap_listrights_info": {goName: "ListRights",
		doc: "ListRights is a LISTRIGHTS response: the rights always granted to Identifier (Required)\nand the groups of rights that may be granted (each group together)."},
}

// fieldDocs replace header comments that speak of C (by struct.field, or a constant's name).
var fieldDocs = map[string]string{
	"IMAP_CODE_PARSE": "CodeParse: server data a Parse method could not read completely. The parsed value is\n" +
		"still returned, with the bad responses in Error.Invalid (FETCH: the message's Err).",
	"IMAP_CODE_STOPPED":                "CodeStopped: a streamed FETCH was stopped by its consumer; the connection is usable.",
	"IMAP_STATE_IDLING":                "Between Idle and Idler.Done.",
	"IMAP_CODE_TIMEOUT":                "A connect or I/O timeout (no byte moved for that long, either way), or the context's\ndeadline. The connection is closed.",
	"IMAP_CODE_INTERRUPTED":            "The call was interrupted (context cancelled, or Close). The connection is closed.",
	"imap_esearch_info.has_all":        "HasAll: ALL was sent; All holds its ranges.",
	"IMAP_ITEM_KIND_NONE":              "ItemNone is imaplib's None: no response of the kind asked for.",
	"IMAP_ITEM_KIND_LINE":              "ItemLine is one line, in Line.",
	"IMAP_ITEM_KIND_LITERAL":           "ItemLiteral is imaplib's (header, literal) pair: the line that announced the literal\nin Line, the literal in Literal (or, for a literal streamed to the handler set with\nSetLiteralHandler, Streamed set and a nil Literal).",
	"IMAP_RESPONSE_CODE_KIND_INVALID":  "A known code whose data breaks its grammar ([UIDVALIDITY 0]); Name and Data hold it\nas sent, and ParseCode's error is ErrParse.",
	"imap_body_part.part":              "Part is the part's number as used in BODY[...] (\"1\", \"2.1\"; RFC 3501 §6.4.5, embedded\nmessages included); \"\" for a multipart root.",
	"imap_fetch_message.other":         "Raw holds the items kept as bytes (see RawItem).",
	"imap_fetch_message.raw":           "RawBytes is the response's bytes when it did not parse (see Err).",
	"imap_fetch_message.quirks":        "Quirks are the deviations from the IMAP grammar that the server sent and the parser\naccepted (0 for none); the message is still exactly what was sent.",
	"imap_esearch_info.uid":            "UID: the numbers are UIDs.",
	"imap_esearch_info.tag":            "Tag is the tag of the command it answers; \"\" if not sent.",
	"imap_mailbox_info.no_modseq":      "NoModSeq: [NOMODSEQ] was sent.",
	"imap_mailbox_info.vanished":       "Vanished holds the UIDs of the VANISHED responses kept (RFC 7162: SelectQResync's\nVANISHED (EARLIER), and those that came since), as ranges in the order sent;\nResponse(\"VANISHED\") takes them away.",
	"imap_mailbox_info.invalid":        "Invalid lists the values that broke their grammar ([UIDVALIDITY 0],\n* 4294967296 EXISTS), with their bytes as received; their Has field is false.",
	"imap_section.data":                "Data is the bytes; nil for NIL and for a streamed literal.",
	"imap_section.streamed":            "Streamed: the literal went to a streaming sink, StreamedSize bytes not kept in Data.",
	"imap_response_code.has_number":    "HasNumber: Number holds the code's number (UIDNEXT, UIDVALIDITY, UNSEEN, HIGHESTMODSEQ,\nthe UIDVALIDITY of APPENDUID and COPYUID).",
	"imap_response_code.name":          "Name is the code's name, upper-cased (\"APPENDUID\"); \"\" when there is none.",
	"imap_response_code.data":          "Data is the code's data as sent (\"38505 3955\"); nil when it has none.",
	"imap_vanished.earlier":            "Earlier: VANISHED (EARLIER), expunged before the command that reported them (a QRESYNC\nselect, a UID FETCH with VANISHED); false: expunged just now (instead of EXPUNGE).",
	"imap_mailbox_changes.method":      "Method says how the changes were learnt.",
	"imap_mailbox_changes.full_resync": "FullResync is not FullResyncNone when the changes cannot be known (the lists are then\nempty): sync the mailbox again from scratch.",
	"imap_mailbox_changes.mailbox":     "Mailbox is the mailbox as selected now: its UIDValidity and HighestModSeq are what to\nsave for the next Resync.",
	"imap_mailbox_changes.invalid":     "Invalid lists the FETCH, VANISHED or SEARCH responses that could not be read (Resync's\nerror then satisfies errors.Is(err, ErrParse)).",
	"imap_list_entry.attribute_flags": "Attrs holds the known attributes as bits (Attributes still lists every one as sent):\n" +
		"Attrs&ListAttrSpecialUse is the mailbox's special use (ListAttrSent...).",
	"imap_list_entry.status": "Status is the STATUS response of the mailbox that ListExtended asked for with\n" +
		"RETURN (STATUS (...)) (LIST-STATUS, RFC 5819); nil when none came.",
	"imap_fetch_message.thread_id":     "ThreadID is the RFC 8474 THREADID; \"\" for THREADID NIL (HasThreadID tells it was sent).",
	"imap_fetch_message.has_thread_id": "HasThreadID: THREADID was sent (RFC 8474).",
	"imap_fetch_message.email_id":      "EmailID is the RFC 8474 EMAILID; \"\" when not sent.",
	"imap_mailbox_info.mailbox_id":     "MailboxID is the RFC 8474 [MAILBOXID (id)]; \"\" when not sent.",
	"imap_status_info.mailbox_id":      "MailboxID is the RFC 8474 MAILBOXID; \"\" when not sent.",
}

// enumMirror says how one C enum (or the bits of one #define family) becomes a Go type with
// a constant per value and, for an enum, a String method calling the library's
// imap_<enum>_name.
type enumMirror struct{ goName, prefix, doc string }

var enumMirrors = map[string]enumMirror{
	"imap_code":               {"Code", "Code", "Code is a libimap status code (imap_code). The numbers are stable."},
	"imap_state":              {"State", "State", "State is imaplib's connection state."},
	"imap_item_kind":          {"ItemKind", "Item", "ItemKind tells what an Item holds."},
	"imap_invalid_kind":       {"InvalidKind", "Invalid", "InvalidKind tells what made a response unparsable."},
	"imap_response_code_kind": {"ResponseCodeKind", "ResponseCode", "ResponseCodeKind tells which response code a ResponseCode holds."},
	"imap_address_kind": {"AddressKind", "Address", "AddressKind tells what an Address entry is; address lists use RFC 3501's flat form for\n" +
		"RFC 5322 groups: a group start, the members, a group end."},
	"imap_section_kind":     {"SectionKind", "Section", "SectionKind tells which FETCH item carried a Section."},
	"imap_section_text":     {"SectionText", "SectionText", "SectionText is the text part of a section spec."},
	"imap_sync_method":      {"SyncMethod", "Sync", "SyncMethod says how Resync learnt the changes."},
	"imap_full_resync":      {"FullResync", "FullResync", "FullResync says why Resync cannot tell what changed (FullResyncNone: it can)."},
	"imap_mailbox_encoding": {"MailboxEncoding", "MailboxEncoding", "MailboxEncoding says how mailbox names given to the Client reach the server."},
	"IMAP_QUIRK_": {"Quirk", "Quirk", "Quirk is a bit set of deviations from the IMAP grammar that a server sent and the parser\n" +
		"accepted (Message.Quirks); the message is still exactly what the server sent."},
	"IMAP_LIST_ATTR_": {"ListAttr", "ListAttr", "ListAttr is a bit set of the LIST attributes the library knows (ListEntry.Attrs): the base\n" +
		"ones, \\NonExistent (which sets ListAttrNoselect too), \\Subscribed, \\Remote, the SPECIAL-USE\n" +
		"ones (RFC 6154; ListAttrSpecialUse masks them) and CHILDINFO (\"SUBSCRIBED\")."},
}

// enums maps the header's enum types to the Go types.
var enums = func() map[string]string {
	m := map[string]string{}
	for c, e := range enumMirrors {
		m[c] = e.goName
	}
	return m
}()

// words are the snake_case words whose Go spelling is not just capitalised.
var words = map[string]string{"uid": "UID", "uids": "UIDs", "id": "ID", "ids": "IDs", "md5": "MD5", "adl": "ADL",
	"uidnext": "UIDNext", "uidvalidity": "UIDValidity", "modseq": "ModSeq", "rfc822": "RFC822", "acl": "ACL",
	"esearch": "ESearch", "quotaroot": "QuotaRoot", "myrights": "MyRights", "listrights": "ListRights",
	"ok": "OK", "tls": "TLS", "readonly": "ReadOnly", "nonauth": "NonAuth", "trycreate": "TryCreate",
	"uidnotsticky": "UIDNotSticky", "nomodseq": "NoModSeq", "highestmodseq": "HighestModSeq",
	"permanentflags": "PermanentFlags", "badcharset": "BadCharset", "appenduid": "AppendUID", "copyuid": "CopyUID",
	"mime": "MIME", "utf7": "UTF7", "qresync": "QResync", "condstore": "CondStore",
	"emailid": "EmailID", "mailboxid": "MailboxID",
	"noinferiors": "NoInferiors", "noselect": "NoSelect", "nonexistent": "NonExistent",
	"haschildren": "HasChildren", "hasnochildren": "HasNoChildren"}

func camel(s string) string {
	var b strings.Builder
	for _, w := range strings.Split(s, "_") {
		if g, ok := words[w]; ok {
			b.WriteString(g)
		} else if w != "" {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}

type cField struct {
	name, typ string // typ: "imap_bytes", "imap_address**", "uint32_t*", "char*"...
	doc       []string
}

type cStruct struct {
	name   string
	fields []cField
}

var (
	fieldRe = regexp.MustCompile(`^\s+(.+?)\s*\b(\w+);$`)
	parseRe = regexp.MustCompile(`^imap_code imap_parse_(\w+)\(const struct imap_result \*result, struct (\w+) \*\*out\);$`)
	quirkRe = regexp.MustCompile(`IMAP_QUIRK_[A-Z_]*[A-Z]`)
	freeRe  = regexp.MustCompile(`^void (imap_\w+)_free\(struct (\w+) \*\w+\);$`)
)

type cConst struct {
	name string
	doc  []string
}

type header struct {
	enums   map[string][]cConst // enum name (or "IMAP_QUIRK_") -> its values
	structs map[string]*cStruct
	parsers [][2]string       // imap_parse_X and its out type
	frees   map[string]string // struct -> its free function
}

// readHeader reads the struct definitions (with their fields' doc comments), the imap_parse_*
// functions and the *_free functions of imap.h.
func readHeader(src []byte) (*header, error) {
	h := &header{structs: map[string]*cStruct{}, frees: map[string]string{}, enums: map[string][]cConst{}}
	var doc []string
	var cur *cStruct
	enum := ""
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		t := strings.TrimSpace(line)
		switch {
		case t == "/**":
			doc = nil
		case t == "*/":
		case strings.HasPrefix(t, "* ") || t == "*":
			doc = append(doc, strings.TrimPrefix(strings.TrimPrefix(t, "*"), " "))
		case strings.HasPrefix(line, "enum imap_"):
			enum = strings.Fields(t)[1]
		case enum != "" && t == "};":
			enum = ""
		case enum != "" && strings.HasPrefix(t, "IMAP_"):
			h.enums[enum] = append(h.enums[enum], cConst{name: strings.Fields(t)[0], doc: doc})
			doc = nil
		case strings.HasPrefix(t, "#define IMAP_QUIRK_"):
			h.enums["IMAP_QUIRK_"] = append(h.enums["IMAP_QUIRK_"], cConst{name: strings.Fields(t)[1], doc: doc})
			doc = nil
		case strings.HasPrefix(t, "#define IMAP_LIST_ATTR_"):
			h.enums["IMAP_LIST_ATTR_"] = append(h.enums["IMAP_LIST_ATTR_"], cConst{name: strings.Fields(t)[1], doc: doc})
			doc = nil
		case strings.HasPrefix(t, "typedef struct ") && strings.HasSuffix(t, "{"):
			cur = &cStruct{name: strings.Fields(t)[2]}
			doc = nil
		case cur != nil && strings.HasPrefix(t, "}"):
			h.structs[cur.name] = cur
			cur = nil
		case cur != nil:
			m := fieldRe.FindStringSubmatch(line)
			if m == nil {
				return nil, fmt.Errorf("imap.h: cannot read field %q of %s", t, cur.name)
			}
			typ := strings.NewReplacer("const ", "", "struct ", "", " ", "").Replace(m[1])
			cur.fields = append(cur.fields, cField{name: m[2], typ: typ, doc: doc})
			doc = nil
		default:
			if m := parseRe.FindStringSubmatch(t); m != nil {
				h.parsers = append(h.parsers, [2]string{m[1], m[2]})
			} else if m := freeRe.FindStringSubmatch(t); m != nil {
				h.frees[m[2]] = m[1] + "_free"
			}
			if t != "" {
				doc = nil
			}
		}
	}
	return h, sc.Err()
}

// goDoc turns a header comment into a Go one: backquoted C names lose their quotes, C's
// NULL is Go's nil.
func goDoc(lines []string) []string {
	var out []string
	for _, l := range lines {
		l = strings.ReplaceAll(l, "`", "")
		l = strings.ReplaceAll(l, "NULL", "nil")
		l = strings.ReplaceAll(l, "imap_client_is_open", "Client.IsOpen")
		l = quirkRe.ReplaceAllStringFunc(l, func(q string) string { return "Quirk" + camel(strings.ToLower(q[len("IMAP_QUIRK_"):])) })
		out = append(out, "// "+l)
	}
	return out
}

type rule struct {
	goName           string
	bytes, skip, ptr bool
	has, nonnil      bool
	scalar           string
}

func rules(spec string) map[string]*rule {
	out := map[string]*rule{}
	for _, r := range strings.Fields(spec) {
		name, opts, _ := strings.Cut(r, ":")
		name, rename, _ := strings.Cut(name, "=")
		x := &rule{goName: rename}
		for _, o := range strings.Split(opts, ":") {
			switch o {
			case "":
			case "bytes":
				x.bytes = true
			case "-":
				x.skip = true
			case "ptr":
				x.ptr = true
			case "has":
				x.has = true
			case "nonnil":
				x.nonnil = true
			default:
				x.scalar = o
			}
		}
		out[name] = x
	}
	return out
}

type gen struct {
	h                 *header
	enums, types, fns bytes.Buffer
	slices            map[string]bool // element converters whose slice form is used: "Address" or "*BodyPart"
}

func (g *gen) p(b *bytes.Buffer, format string, a ...any) { fmt.Fprintf(b, format+"\n", a...) }

// sliceOf gives the Go element type and the converter of a C array of pointers to elem.
func (g *gen) sliceOf(elem string, ptr bool) (goType, conv string, err error) {
	switch elem {
	case "imap_bytes":
		return "[]string", "bstrs", nil
	case "imap_seq_range":
		return "SeqSet", "seqSet", nil
	}
	m, ok := mirrors[elem]
	if !ok {
		return "", "", fmt.Errorf("no Go mirror for struct %s (add one to the mirrors table)", elem)
	}
	if ptr {
		g.slices["*"+m.goName] = true
		return "[]*" + m.goName, "go" + m.goName + "Ptrs", nil
	}
	g.slices[m.goName] = true
	return "[]" + m.goName, "go" + m.goName + "Slice", nil
}

func (g *gen) mirror(cname string) error {
	s, ok := g.h.structs[cname]
	if !ok {
		return fmt.Errorf("imap.h has no struct %s", cname)
	}
	m := mirrors[cname]
	rs := rules(m.fields)
	ruleOf := func(f string) *rule {
		if r, ok := rs[f]; ok {
			return r
		}
		r := &rule{}
		rs[f] = r
		return r
	}
	var decl, conv []string
	names, hasDoc := map[string]bool{}, map[string][]string{}
	for _, f := range s.fields {
		names[f.name] = true
	}
	for i := 0; i < len(s.fields); i++ {
		f := s.fields[i]
		r := ruleOf(f.name)
		var count string
		if strings.HasSuffix(f.typ, "*") && i+1 < len(s.fields) && s.fields[i+1].typ == "size_t" {
			count = s.fields[i+1].name
			i++
		}
		if r.skip {
			continue
		}
		name := r.goName
		if name == "" {
			name = camel(f.name)
		}
		doc := goDoc(append(hasDoc[f.name], f.doc...))
		if d, ok := fieldDocs[cname+"."+f.name]; ok {
			doc = goDoc(strings.Split(d, "\n"))
		}
		field := func(typ string, expr string) {
			decl = append(decl, doc...)
			decl = append(decl, name+" "+typ)
			conv = append(conv, fmt.Sprintf("g.%s = %s", name, expr))
			doc = nil
		}
		elem := strings.TrimRight(f.typ, "*")
		switch {
		case strings.HasPrefix(f.name, "has_") && names[strings.TrimPrefix(f.name, "has_")] &&
			ruleOf(strings.TrimPrefix(f.name, "has_")).has:
			hasDoc[strings.TrimPrefix(f.name, "has_")] = f.doc // the array's rule reads the flag
			continue
		case strings.HasPrefix(f.name, "has_") || f.typ == "int32_t" && r.scalar == "":
			field("bool", fmt.Sprintf("c.%s != 0", f.name))
		case f.typ == "imap_bytes" && r.bytes:
			field("[]byte", fmt.Sprintf("bbytes(c.%s)", f.name))
		case f.typ == "imap_bytes":
			field("string", fmt.Sprintf("bstr(c.%s)", f.name))
		case f.typ == "imap_mailbox_name":
			raw := "Raw" + name
			decl = append(decl, doc...)
			decl = append(decl, name+" string", raw+" []byte")
			conv = append(conv, fmt.Sprintf("g.%s, g.%s = mailboxName(c.%s)", name, raw, f.name))
		case f.typ == "char*":
			field("string", fmt.Sprintf("goString(c.%s)", f.name))
		case f.typ == "uint32_t*" && count != "":
			e := fmt.Sprintf("u32s(c.%s, c.%s)", f.name, count)
			if r.nonnil {
				e = "append([]uint32{}, " + e + "...)"
			}
			field("[]uint32", e)
		case strings.HasSuffix(f.typ, "**") && count != "":
			typ, fn, err := g.sliceOf(elem, r.ptr)
			if err != nil {
				return fmt.Errorf("%s.%s: %v", cname, f.name, err)
			}
			e := fmt.Sprintf("%s(c.%s, c.%s)", fn, f.name, count)
			if !r.has {
				field(typ, e)
				break
			}
			decl = append(decl, doc...)
			decl = append(decl, name+" "+typ+" // nil when not sent")
			conv = append(conv, fmt.Sprintf("if c.has_%s != 0 {\ng.%s = append(%s{}, %s...)\n}", f.name, name, typ, e))
		case strings.HasSuffix(f.typ, "*") && mirrors[elem].goName != "":
			field("*"+mirrors[elem].goName, fmt.Sprintf("go%s(c.%s)", mirrors[elem].goName, f.name))
		case enums[f.typ] != "":
			field(enums[f.typ], fmt.Sprintf("%s(c.%s)", enums[f.typ], f.name))
		case r.scalar != "":
			field(r.scalar, fmt.Sprintf("%s(c.%s)", r.scalar, f.name))
		case f.typ == "uint8_t":
			field("byte", fmt.Sprintf("byte(c.%s)", f.name))
		case f.typ == "uint32_t" || f.typ == "uint64_t":
			t := strings.TrimSuffix(f.typ, "_t")
			field(t, fmt.Sprintf("%s(c.%s)", t, f.name))
		default:
			return fmt.Errorf("%s.%s: no Go form for C type %s (add a rule)", cname, f.name, f.typ)
		}
	}
	for f := range rs {
		if !names[f] {
			return fmt.Errorf("%s: the rule for %s names no field of the header's struct", cname, f)
		}
	}
	for _, l := range strings.Split(m.doc, "\n") {
		g.p(&g.types, "// %s", l)
	}
	g.p(&g.types, "type %s struct {", m.goName)
	for _, d := range decl {
		g.p(&g.types, "%s", d)
	}
	if m.extra != "" {
		g.p(&g.types, "%s", m.extra)
	}
	g.p(&g.types, "}\n")

	g.p(&g.fns, "// go%s converts an %s (nil for NULL).", m.goName, cname)
	g.p(&g.fns, "func go%s(c *C.%s) *%s {", m.goName, cname, m.goName)
	g.p(&g.fns, "if c == nil {\nreturn nil\n}")
	g.p(&g.fns, "g := &%s{}", m.goName)
	g.p(&g.fns, "fill%s(c, g)", m.goName)
	g.p(&g.fns, "return g\n}\n")
	g.p(&g.fns, "// fill%s sets *g from c (the elements of a slice are filled in place).", m.goName)
	g.p(&g.fns, "func fill%s(c *C.%s, g *%s) {", m.goName, cname, m.goName)
	for _, c := range conv {
		g.p(&g.fns, "%s", c)
	}
	if m.finish {
		g.p(&g.fns, "g.finish(c)")
	}
	g.p(&g.fns, "}\n")
	return nil
}

// enum writes a Go type, its constants and (for an enum) its String method.
func (g *gen) enum(cname string) error {
	m, values := enumMirrors[cname], g.h.enums[cname]
	if len(values) == 0 {
		return fmt.Errorf("imap.h has no enum %s", cname)
	}
	prefix := values[0].name // the values' common prefix, up to an underscore
	for _, v := range values {
		for !strings.HasPrefix(v.name, prefix) {
			prefix = prefix[:len(prefix)-1]
		}
	}
	prefix = prefix[:strings.LastIndexByte(prefix, '_')+1]
	base := "int32"
	if strings.HasSuffix(cname, "_") { // a #define family of bits
		base = "uint32"
	}
	for _, l := range strings.Split(m.doc, "\n") {
		g.p(&g.enums, "// %s", l)
	}
	g.p(&g.enums, "type %s %s\n\n// The values of %s.\nconst (", m.goName, base, strings.TrimSuffix(cname, "_"))
	for _, v := range values {
		doc := append([]string(nil), v.doc...)
		if len(doc) > 0 { // "`imap_fetch_message.quirks`: a literal..." is "A literal..." here
			if _, rest, ok := strings.Cut(doc[0], "`: "); ok && strings.HasPrefix(doc[0], "`imap_") {
				doc[0] = strings.ToUpper(rest[:1]) + rest[1:]
			}
		}
		if d, ok := fieldDocs[v.name]; ok {
			doc = strings.Split(d, "\n")
		}
		for _, l := range goDoc(doc) {
			g.p(&g.enums, "%s", l)
		}
		g.p(&g.enums, "%s%s %s = C.%s", m.prefix, camel(strings.ToLower(strings.TrimPrefix(v.name, prefix))), m.goName, v.name)
	}
	g.p(&g.enums, ")\n")
	if base == "int32" {
		g.p(&g.enums, "// String returns the library's name of v (%s_name).", cname)
		g.p(&g.enums, "func (v %s) String() string { return C.GoString(C.%s_name(C.int32_t(v))) }\n", m.goName, cname)
	}
	return nil
}

// lists writes, for each imap_parse_* whose object is entries plus invalid responses, the
// converter of that object (which frees it).
func (g *gen) lists() error {
	for _, p := range g.h.parsers {
		fn, typ := p[0], p[1]
		g.p(&g.fns, "// cParse%s calls imap_parse_%s.", camel(fn), fn)
		g.p(&g.fns, "func cParse%s(r *C.imap_result, out **C.%s) C.imap_code {\nreturn C.imap_parse_%s(r, out)\n}\n",
			camel(fn), typ, fn)
	}
	var names []string
	for n := range g.h.structs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		s := g.h.structs[n]
		if len(s.fields) != 4 || s.fields[0].name != "entries" || s.fields[2].name != "invalid" || g.h.frees[n] == "" {
			continue
		}
		typ, conv, err := g.sliceOf(strings.TrimRight(s.fields[0].typ, "*"), false)
		if err != nil {
			return fmt.Errorf("%s: %v", n, err)
		}
		g.p(&g.fns, "// go%s converts and frees an %s: its entries and the responses that did not parse.", camel(strings.TrimPrefix(n, "imap_")), n)
		g.p(&g.fns, "func go%s(l *C.%s) (%s, []Invalid) {", camel(strings.TrimPrefix(n, "imap_")), n, typ)
		g.p(&g.fns, "defer C.%s(l)\nreturn %s(l.entries, l.count), goInvalidSlice(l.invalid, l.invalid_count)\n}\n", g.h.frees[n], conv)
	}
	return nil
}

func generate(src []byte) ([]byte, error) {
	h, err := readHeader(src)
	if err != nil {
		return nil, err
	}
	g := &gen{h: h, slices: map[string]bool{}}
	var cnames []string
	for n := range mirrors {
		cnames = append(cnames, n)
	}
	sort.Strings(cnames)
	for _, n := range cnames {
		if err := g.mirror(n); err != nil {
			return nil, err
		}
	}
	cnames = cnames[:0]
	for n := range enumMirrors {
		cnames = append(cnames, n)
	}
	sort.Strings(cnames)
	for _, n := range cnames {
		if err := g.enum(n); err != nil {
			return nil, err
		}
	}
	if err := g.lists(); err != nil {
		return nil, err
	}
	g.slices["Invalid"] = true
	var elems []string
	for e := range g.slices {
		elems = append(elems, e)
	}
	sort.Strings(elems)
	for _, e := range elems {
		name, fn := strings.TrimPrefix(e, "*"), "go"+e+"Slice"
		if e[0] == '*' {
			fn = "go" + name + "Ptrs"
		}
		var cname string
		for c, m := range mirrors {
			if m.goName == name {
				cname = c
			}
		}
		g.p(&g.fns, "func %s(p **C.%s, n C.size_t) []%s {", fn, cname, e)
		g.p(&g.fns, "cs := ptrs(p, n)\nif len(cs) == 0 {\nreturn nil\n}\nout := make([]%s, len(cs))", e)
		if e[0] == '*' {
			g.p(&g.fns, "for i, c := range cs {\nout[i] = go%s(c)\n}\nreturn out\n}\n", name)
		} else {
			g.p(&g.fns, "for i, c := range cs {\nfill%s(c, &out[i])\n}\nreturn out\n}\n", name)
		}
	}
	var out bytes.Buffer
	out.WriteString("// Code generated by internal/gen from include/imap.h; DO NOT EDIT.\n\n")
	out.WriteString("package imap\n\n// #include \"imap.h\"\nimport \"C\"\n\n")
	if bytes.Contains(g.types.Bytes(), []byte("time.")) {
		out.WriteString("import \"time\"\n\n")
	}
	out.WriteString("// This file: the Go mirrors of the header's enums and parsed-result structs, and their\n// converters.\n\n")
	out.Write(g.enums.Bytes())
	out.Write(g.types.Bytes())
	out.Write(g.fns.Bytes())
	return format(out.Bytes())
}

func format(src []byte) ([]byte, error) {
	out, err := goformat.Source(src)
	if err != nil {
		return nil, fmt.Errorf("generated code does not parse: %v", err)
	}
	return out, nil
}

func main() {
	in := flag.String("header", "../../include/imap.h", "the C header")
	dir := flag.String("d", ".", "the directory to write parsed_gen.go and commands_gen.go into")
	flag.Parse()
	src, err := os.ReadFile(*in)
	for _, f := range []struct {
		name string
		gen  func([]byte) ([]byte, error)
	}{{"parsed_gen.go", generate}, {"commands_gen.go", generateCommands}} {
		var out []byte
		if err == nil {
			out, err = f.gen(src)
		}
		if err == nil {
			err = os.WriteFile(filepath.Join(*dir, f.name), out, 0o644)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
