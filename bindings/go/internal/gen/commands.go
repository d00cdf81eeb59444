package main

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
)

// command is one Client method that sends a library command and returns its Result. The
// method's parameters come from the C function's: `const char *` is a string, a string
// array and its count a []string (...string when last), names/values/count a ...Field,
// bytes and length a []byte, int32_t a bool.
type command struct {
	// goName is the method; cfn the C function without "imap_". The Error.Op of a call is
	// cfn up to its first underscore, upper-cased ("login_auto": LOGIN).
	goName, cfn string
	// params renames C parameters ("oldmailbox=oldMailbox"); a trailing "?" sends "" as
	// NULL (the library's default).
	params string
	doc    string
}

var commands = []command{
	{"Capability", "capability", "", "Capability sends CAPABILITY. Data: the CAPABILITY lines. Capabilities is not changed."},
	{"Noop", "noop", "", "Noop sends NOOP. Untagged responses stay for Response."},
	{"Login", "login_auto", "", "Login logs in with the strongest mechanism the server offers (after TLS when TLS is on):\nSCRAM-SHA-256-PLUS, SCRAM-SHA-256, SCRAM-SHA-1-PLUS, SCRAM-SHA-1, CRAM-MD5, then AUTHENTICATE\nPLAIN, then the LOGIN command, using SASL-IR when offered; AuthMechanism tells which was\nused. The last two send the password itself: only over TLS, unless\nOptions.AllowPlaintextPassword allows them on a plain connection. Nothing usable gives\nErrUnsupported (the message names what the server offers) and nothing is sent. A wrong\npassword gives ErrNo; a server that cannot prove it knows the password (SCRAM) gives\nErrAbort and closes the connection. Success moves to StateAuth and refreshes the\ncapabilities. LoginCommand is imaplib's login, the LOGIN command whatever the server offers."},
	{"LoginCommand", "login", "", "LoginCommand sends the LOGIN command (imaplib's login), whatever mechanisms the server\noffers and even without TLS. The password is quoted, or a literal when it is not 7-bit, and\nnever logged or put in an error. A wrong password gives ErrNo. Success moves to StateAuth;\nAuthMechanism then says \"LOGIN-COMMAND\". Login chooses a mechanism that keeps the password\nsecret when the server offers one."},
	{"Logout", "logout", "", "Logout sends LOGOUT and closes the connection; the Result's Type is \"BYE\". Close must\nstill be called to free the Client."},
	{"StartTLS", "starttls", "", "StartTLS sends STARTTLS on a plain connection, strictly: a refusal, a missing STARTTLS\ncapability or data injected before the handshake gives ErrTLS and closes the connection.\nOptions.StartTLS does this inside Dial."},
	{"Select", "select", "mailbox? readonly=readonly", "Select sends SELECT mailbox, or EXAMINE if readonly (\"\" means INBOX). Data: the EXISTS\ncount. A writable select answered READ-ONLY gives ErrReadOnly (with the Result)."},
	{"Status", "status", "", "Status sends STATUS mailbox names (\"(MESSAGES UNSEEN)\"). Data: the STATUS lines."},
	{"List", "list", "directory? pattern?", "List sends LIST directory pattern; \"\" sends `\"\"` and \"*\" (imaplib's defaults). Data: the\nLIST lines."},
	{"Lsub", "lsub", "directory? pattern?", "Lsub sends LSUB directory pattern, with List's defaults. Data: the LSUB lines."},
	{"Create", "create", "", "Create sends CREATE mailbox."},
	{"Delete", "delete", "", "Delete sends DELETE mailbox."},
	{"Rename", "rename", "oldmailbox=oldMailbox newmailbox=newMailbox", "Rename sends RENAME oldMailbox newMailbox."},
	{"Subscribe", "subscribe", "", "Subscribe sends SUBSCRIBE mailbox."},
	{"Unsubscribe", "unsubscribe", "", "Unsubscribe sends UNSUBSCRIBE mailbox."},
	{"Append", "append", "mailbox? flags? date_time?", "Append sends APPEND: message (line endings become CRLF) to mailbox (\"\" means INBOX),\nwith optional flags (\"(\\\\Seen)\"; \"\" for none) and dateTime (an IMAP date; \"\" for none).\nThe APPENDUID code is in Result.Code/CodeData (see ParseCode)."},
	{"Check", "check", "", "Check sends CHECK."},
	{"CloseMailbox", "close", "", "CloseMailbox sends CLOSE (expunge and leave the selected mailbox: StateAuth). It is not\nClose, which ends the connection and frees the Client."},
	{"Unselect", "unselect", "", "Unselect sends UNSELECT (leave the mailbox without expunging)."},
	{"Expunge", "expunge", "", "Expunge sends EXPUNGE. Data: the expunged sequence numbers, in the order received."},
	{"Search", "search", "charset?", "Search sends SEARCH [CHARSET charset] criteria... (\"\" charset for none), the criteria\nverbatim. Data: the SEARCH lines; see Result.Fields and SearchArgs."},
	{"Fetch", "fetch", "", "Fetch sends FETCH messageSet messageParts (\"(FLAGS)\", \"(BODY[])\"...). Data: the FETCH\nlines and (line, literal) items, as imaplib's; see ParseFetch, FetchParsed, FetchEach.\nWhile other commands are in flight (other goroutines' calls), the library routes each\nFETCH response to the command whose set holds the message."},
	{"Store", "store", "", "Store sends STORE messageSet command flags (command \"+FLAGS\", \"-FLAGS.SILENT\"...).\nData: the FETCH lines."},
	{"Copy", "copy", "new_mailbox=mailbox", "Copy sends COPY messageSet mailbox. The COPYUID code is in Result.Code/CodeData."},
	{"Move", "move", "new_mailbox=mailbox", "Move sends MOVE messageSet mailbox (RFC 6851)."},
	{"UID", "uid", "args=arguments", "UID sends UID command args... (imaplib's uid): FETCH, SEARCH, STORE, COPY, MOVE,\nEXPUNGE, SORT, THREAD."},
	{"Namespace", "namespace", "", "Namespace sends NAMESPACE. Data: the NAMESPACE line."},
	{"Recent", "recent", "", "Recent is imaplib's recent(): the RECENT responses received so far, or those of a NOOP."},
	{"GetACL", "getacl", "", "GetACL sends GETACL mailbox (RFC 4314). Data: the ACL lines; see ParseACL."},
	{"SetACL", "setacl", "", "SetACL sends SETACL mailbox who what (each quoted if needed)."},
	{"DeleteACL", "deleteacl", "", "DeleteACL sends DELETEACL mailbox who."},
	{"MyRights", "myrights", "", "MyRights sends MYRIGHTS mailbox. Data: the MYRIGHTS lines; see ParseMyRights."},
	{"ListRights", "listrights", "", "ListRights sends LISTRIGHTS mailbox identifier. Data: the LISTRIGHTS lines."},
	{"GetQuota", "getquota", "", "GetQuota sends GETQUOTA root (RFC 2087). Data: the QUOTA lines; see ParseQuota."},
	{"SetQuota", "setquota", "", "SetQuota sends SETQUOTA root limits (\"(STORAGE 512)\"); usually for administrators only."},
	{"GetAnnotation", "getannotation", "", "GetAnnotation sends GETANNOTATION mailbox entry attribute (ANNOTATEMORE; entry and\nattribute verbatim). Data: the ANNOTATION lines."},
	{"SetAnnotation", "setannotation", "args=arguments", "SetAnnotation sends SETANNOTATION with arguments: the mailbox (quoted if needed), then\nthe others verbatim. Data: the ANNOTATION lines."},
	{"GetMetadata", "getmetadata", "options?", "GetMetadata sends GETMETADATA (RFC 5464) of entries (at least one) of mailbox (\"\" for\nserver entries), with options (\"DEPTH 1\"; \"\" for none). Data: the METADATA responses."},
	{"SetMetadata", "setmetadata", "", "SetMetadata sends SETMETADATA (RFC 5464) on mailbox (\"\" for the server) with entries,\neach value quoted, or NIL (removing the entry) when the Field is Nil."},
	{"ProxyAuth", "proxyauth", "", "ProxyAuth sends PROXYAUTH user (StateAuth only)."},
	{"Partial", "partial", "", "Partial sends PARTIAL messageNum messagePart start length (IMAP2bis, verbatim)."},
	{"Sort", "sort", "charset? search_criteria=criteria", "Sort sends SORT (sortCriteria) charset criteria... (imaplib's sort; \"\" charset omits\nit, criteria verbatim). Data: the SORT lines; see SortArgs."},
	{"Thread", "thread", "threading_algorithm=algorithm charset? search_criteria=criteria", "Thread sends THREAD algorithm charset criteria... (\"\" charset omits it). Data: the\nTHREAD lines; see ParseThread."},
	{"Enable", "enable", "", "Enable sends ENABLE capability (verbatim; StateAuth only); ErrUnsupported without the\nENABLE capability. UTF-8 mode starts only if the server confirmed UTF8=ACCEPT."},
	{"ID", "id", "names=fields", "ID sends ID (RFC 2971) with fields (none: ID NIL). Data: the ID lines."},
	{"Compress", "compress", "", "Compress sends COMPRESS DEFLATE (RFC 4978): on OK every byte from then on, both ways, is\ndeflated (inside TLS when TLS is on); everything else works as before. Refused without\nsending anything when compression is active already or before login (ErrIllegalState) and\nwhen the server does not offer COMPRESS=DEFLATE (ErrUnsupported); a NO (ErrNo) leaves the\nconnection uncompressed and usable. Options.Compress does this after every login."},
	{"CreateSpecialUse", "create_special_use", "", "CreateSpecialUse sends CREATE mailbox (USE (uses...)) (RFC 6154 CREATE-SPECIAL-USE), each\nuse a special-use attribute (\\Sent, \\Archive...). ErrUnsupported without CREATE-SPECIAL-USE\nand ErrInvalidArgument for no use or one that is not \\ and an atom, nothing sent. A server\nwith OBJECTID (RFC 8474) gives the new mailbox's id in the tagged OK: ParseCode's Kind is\nResponseCodeMailboxID and Atoms[0] the id."},
}

var protoRe = regexp.MustCompile(`(?m)^imap_code (imap_\w+)\((.*)\);$`)

type goParam struct{ name, typ string }

// method writes one command method from the C prototype of cmd.cfn.
func method(b *bytes.Buffer, protos map[string]string, cmd command) error {
	cfn := "imap_" + cmd.cfn
	proto, ok := protos[cfn]
	if !ok {
		return fmt.Errorf("imap.h has no %s", cfn)
	}
	cps := strings.Split(proto, ", ")
	if cps[0] != "struct imap_client *client" || cps[len(cps)-1] != "struct imap_result **out" {
		return fmt.Errorf("%s: not a command taking the client and giving one result", cfn)
	}
	cps = cps[1 : len(cps)-1]
	rename, opt := map[string]string{}, map[string]bool{}
	for _, r := range strings.Fields(cmd.params) {
		r, o := strings.CutSuffix(r, "?")
		c, g, _ := strings.Cut(r, "=")
		rename[c], opt[c] = g, o
	}
	var params []goParam
	var prep, call []string
	for i := 0; i < len(cps); i++ {
		name := cps[i][strings.LastIndexAny(cps[i], " *")+1:]
		typ, _, _ := strings.Cut(cps[i], " *")
		gname := rename[name]
		delete(rename, name)
		if gname == "" {
			gname = camel(name)
			gname = strings.ToLower(gname[:1]) + gname[1:]
		}
		v := fmt.Sprintf("p%d", i)
		next := ""
		if i+1 < len(cps) {
			next = cps[i+1]
		}
		switch {
		case typ == "const char" && strings.HasPrefix(cps[i], "const char *const *") && strings.HasPrefix(next, "const char *const *"):
			params = append(params, goParam{gname, "...Field"})
			prep = append(prep, fmt.Sprintf("%s, v%d, n%d := a.fields(%s)", v, i, i, gname))
			call = append(call, v, fmt.Sprintf("v%d", i), fmt.Sprintf("n%d", i))
			i += 2
		case strings.HasPrefix(cps[i], "const char *const *"):
			params = append(params, goParam{gname, "[]string"})
			prep = append(prep, fmt.Sprintf("%s, n%d := a.list(%s)", v, i, gname))
			call = append(call, v, fmt.Sprintf("n%d", i))
			i++
		case typ == "const char":
			f := "str"
			if opt[name] {
				f = "opt"
			}
			params = append(params, goParam{gname, "string"})
			prep = append(prep, fmt.Sprintf("%s := a.%s(%s)", v, f, gname))
			call = append(call, v)
		case typ == "const uint8_t":
			params = append(params, goParam{gname, "[]byte"})
			call = append(call, fmt.Sprintf("bytesArg(%s)", gname), fmt.Sprintf("C.size_t(len(%s))", gname))
			i++
		case cps[i] == "int32_t "+name:
			params = append(params, goParam{gname, "bool"})
			call = append(call, fmt.Sprintf("cbool(%s)", gname))
		default:
			return fmt.Errorf("%s: no Go form for parameter %q", cfn, cps[i])
		}
	}
	if len(rename) > 0 {
		return fmt.Errorf("%s: renames name no parameter: %v", cfn, rename)
	}
	if n := len(params); n > 0 && params[n-1].typ == "[]string" {
		params[n-1].typ = "...string"
	}
	sig := []string{"ctx context.Context"}
	for i, p := range params {
		if i+1 < len(params) && params[i+1].typ == p.typ && p.typ != "...string" {
			sig = append(sig, p.name)
		} else {
			sig = append(sig, p.name+" "+p.typ)
		}
	}
	for _, l := range strings.Split(cmd.doc, "\n") {
		fmt.Fprintf(b, "// %s\n", l)
	}
	fmt.Fprintf(b, "func (c *Client) %s(%s) (*Result, error) {\nvar a args\n", cmd.goName, strings.Join(sig, ", "))
	for _, p := range prep {
		fmt.Fprintf(b, "%s\n", p)
	}
	op, _, _ := strings.Cut(cmd.cfn, "_")
	fmt.Fprintf(b, "return c.cmd(ctx, %q, &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {\n", strings.ToUpper(op))
	fmt.Fprintf(b, "return C.%s(%s)\n})\n}\n\n", cfn, strings.Join(append(append([]string{"h"}, call...), "out"), ", "))
	return nil
}

// generateCommands gives commands_gen.go.
func generateCommands(src []byte) ([]byte, error) {
	protos := map[string]string{}
	for _, m := range protoRe.FindAllSubmatch(src, -1) {
		protos[string(m[1])] = string(m[2])
	}
	var b bytes.Buffer
	b.WriteString("// Code generated by internal/gen from include/imap.h; DO NOT EDIT.\n\n")
	b.WriteString("package imap\n\n// #include \"imap.h\"\nimport \"C\"\n\nimport \"context\"\n\n")
	b.WriteString("// This file: the Client methods that send one library command and return its Result,\n")
	b.WriteString("// their parameters read from the C prototypes (the table is in internal/gen/commands.go).\n\n")
	for _, cmd := range commands {
		if err := method(&b, protos, cmd); err != nil {
			return nil, err
		}
	}
	return format(b.Bytes())
}
