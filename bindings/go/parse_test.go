package imap_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"

	imap "github.com/libimap/libimap/bindings/go"
)

// ---- parsed results --------------------------------------------------------------------------

// The 20 seeded messages of user1's INBOX (tests/server/imap-seed.py), examined read-only.
func TestFetchParsedInbox(t *testing.T) {
	ctx := ctxT(t)
	c := login(t, "user1")
	if _, err := c.Mailbox(); !errors.Is(err, imap.ErrIllegalState) {
		t.Fatalf("Mailbox before SELECT: %v", err)
	}
	must(t, "EXAMINE")(c.Select(ctx, "INBOX", true))
	info, err := c.Mailbox()
	if err != nil {
		t.Fatalf("Mailbox: %v", err)
	}
	if !info.HasExists || info.Exists != 20 || !info.HasUIDValidity || info.UIDValidity == 0 ||
		!info.HasUIDNext || info.UIDNext < 21 || !info.HasAccess || !info.ReadOnly {
		t.Fatalf("Mailbox: %+v", info)
	}
	if !contains(info.Flags, `\Seen`) || info.PermanentFlags == nil {
		t.Fatalf("Mailbox flags: %q permanent %q", info.Flags, info.PermanentFlags)
	}

	msgs, err := c.FetchParsed(ctx, "1:20", "(UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)")
	if err != nil {
		t.Fatalf("FetchParsed: %v", err)
	}
	if len(msgs) != 20 {
		t.Fatalf("%d messages", len(msgs))
	}
	var decoded, multipart, attachments, replies, seen int
	for i, m := range msgs {
		if m.Err != nil || m.RawBytes != nil {
			t.Fatalf("message %d: %v", i+1, m.Err)
		}
		if m.Seq != uint32(i+1) || !m.HasUID || m.UID == 0 || !m.HasSize || m.Size < 200 ||
			m.Flags == nil || m.InternalDate.IsZero() || m.InternalDate.Year() < 2015 {
			t.Fatalf("message %d: %+v", i+1, m)
		}
		e := m.Envelope
		if e == nil || e.Subject == "" || e.Date == "" || len(e.From) == 0 || len(e.To) == 0 ||
			!strings.Contains(e.From[0].Email(), "@") || e.From[0].Name == "" {
			t.Fatalf("message %d envelope: %+v", i+1, e)
		}
		if want := fmt.Sprintf("<seed-1-%d@imapsrv.test>", i+1); e.MessageID != want {
			t.Fatalf("message %d Message-ID %q, want %q", i+1, e.MessageID, want)
		}
		if d, err := imap.DecodeHeader(e.RawSubject); err != nil || d != e.Subject {
			t.Fatalf("message %d: DecodeHeader(%q) = %q, %v; envelope %q", i+1, e.RawSubject, d, err, e.Subject)
		}
		if bytes.Contains(e.RawSubject, []byte("=?")) && !strings.Contains(e.Subject, "=?") {
			decoded++
		}
		if e.InReplyTo != "" {
			replies++
		}
		if contains(m.Flags, `\Seen`) {
			seen++
		}
		b := m.BodyStructure
		if b == nil || m.Body != nil {
			t.Fatalf("message %d body structure %+v body %+v", i+1, b, m.Body)
		}
		if b.Multipart {
			multipart++
			if b.Param("boundary") == "" || len(b.Children) < 2 || b.Find("1") != b.Children[0] {
				t.Fatalf("message %d multipart: %+v", i+1, b)
			}
			for _, p := range b.Children {
				if p.Disposition != nil && strings.EqualFold(p.Disposition.Type, "attachment") {
					attachments++
				}
			}
		} else if b.Type == "" || b.Subtype == "" || b.Size == 0 ||
			(strings.EqualFold(b.Type, "text") && !b.HasLines) {
			t.Fatalf("message %d single part: %+v", i+1, b)
		}
	}
	t.Logf("decoded subjects %d, multipart %d, attachments %d, replies %d, seen %d",
		decoded, multipart, attachments, replies, seen)
	if decoded == 0 || multipart == 0 || replies == 0 || seen == 0 {
		t.Fatal("the seeded mix is missing something")
	}

	// Sections, and the Result's own ParseFetch.
	r := must(t, "FETCH")(c.Fetch(ctx, "1", "(BODY.PEEK[] BODY.PEEK[HEADER.FIELDS (SUBJECT)])"))
	ms, err := r.ParseFetch()
	if err != nil || len(ms) != 1 {
		t.Fatalf("ParseFetch: %v %d", err, len(ms))
	}
	if got := ms[0].Section(""); !bytes.Equal(got, r.Literals()[0]) {
		t.Fatalf("BODY[] section (%d bytes) differs from the literal", len(got))
	}
	var hf *imap.Section
	for i := range ms[0].Sections {
		if ms[0].Sections[i].Text == imap.SectionTextHeaderFields {
			hf = &ms[0].Sections[i]
		}
	}
	if hf == nil || hf.Kind != imap.SectionBody || len(hf.Fields) != 1 || !strings.EqualFold(hf.Fields[0], "SUBJECT") ||
		!bytes.HasPrefix(bytes.ToLower(hf.Data), []byte("subject:")) {
		t.Fatalf("HEADER.FIELDS section: %+v", hf)
	}
	// The Result keeps the library's result: it parses the same, again and again.
	for i := 0; i < 3; i++ {
		again, err := r.ParseFetch()
		if err != nil || len(again) != 1 || !bytes.Equal(again[0].Section(""), ms[0].Section("")) {
			t.Fatalf("ParseFetch again (%d): %v %d", i, err, len(again))
		}
	}
	var nilResult *imap.Result
	_, err = nilResult.ParseFetch()
	wantCode(t, err, imap.ErrInvalidArgument, imap.CodeInvalidArgument)
	if l, err := (&imap.Result{}).ParseList(); !errors.Is(err, imap.ErrInvalidArgument) || len(l) != 0 {
		t.Fatalf("ParseList of a Result not made by the library: %v %v", l, err)
	}
	// A result without FETCH data: no messages, no error.
	r = must(t, "NOOP")(c.Noop(ctx))
	if ms, err := r.ParseFetch(); err != nil || len(ms) != 0 {
		t.Fatalf("ParseFetch of NOOP: %v %v", ms, err)
	}
}

// A Result owns its library result: Parse methods work after the Client is closed, and
// concurrently.
func TestParseAfterClose(t *testing.T) {
	ctx := ctxT(t)
	c := login(t, "user1")
	sel := must(t, "EXAMINE")(c.Select(ctx, "INBOX", true))
	fetch := must(t, "FETCH")(c.Fetch(ctx, "1:5", "(UID FLAGS ENVELOPE BODYSTRUCTURE BODY.PEEK[])"))
	list := must(t, "LIST")(c.List(ctx, "", "*"))
	capa := must(t, "CAPABILITY")(c.Capability(ctx))
	before, err := fetch.ParseFetch()
	if err != nil || len(before) != 5 {
		t.Fatalf("ParseFetch before Close: %v %d", err, len(before))
	}
	if err := c.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := c.Noop(ctx); !errors.Is(err, imap.ErrClosed) {
		t.Fatalf("NOOP after Close: %v", err)
	}
	runtime.GC() // nothing of the closed client or its results is needed below

	// Several goroutines parse the same Results at once (go test -race checks them).
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			after, err := fetch.ParseFetch()
			if err != nil || len(after) != len(before) {
				errs <- fmt.Errorf("ParseFetch after Close: %v %d", err, len(after))
				return
			}
			for i := range after {
				a, b := after[i], before[i]
				if a.UID != b.UID || a.Envelope.MessageID != b.Envelope.MessageID ||
					!bytes.Equal(a.Section(""), b.Section("")) || len(a.Section("")) == 0 ||
					a.BodyStructure.Type != b.BodyStructure.Type {
					errs <- fmt.Errorf("message %d differs after Close: %+v / %+v", i+1, a, b)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	entries, err := list.ParseList()
	if err != nil || len(entries) == 0 {
		t.Fatalf("ParseList after Close: %v %d", err, len(entries))
	}
	caps, err := capa.ParseCapability()
	if err != nil || !contains(caps, "IMAP4rev1") {
		t.Fatalf("ParseCapability after Close: %v %q", err, caps)
	}
	code, err := sel.ParseCode()
	if err != nil || code.Kind != imap.ResponseCodeReadOnly {
		t.Fatalf("ParseCode of EXAMINE after Close: %v %+v", err, code)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

const multipartMessage = "From: =?UTF-8?Q?J=C3=BCrgen?= <juergen@example.org>\r\n" +
	"To: Team: a@example.org, b@example.org;, c@example.net\r\n" +
	"Subject: =?UTF-8?B?UmVwb3J0IGbDvHIgTcOkcno=?=\r\n" +
	"Message-ID: <gobind-attach@example.org>\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed; boundary=\"b1\"\r\n" +
	"\r\n" +
	"--b1\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n" +
	"Content-Transfer-Encoding: 8bit\r\n" +
	"\r\n" +
	"See the attachment.\r\n" +
	"--b1\r\n" +
	"Content-Type: application/pdf; name=\"report.pdf\"\r\n" +
	"Content-Transfer-Encoding: base64\r\n" +
	"Content-Disposition: attachment; filename=\"report.pdf\"\r\n" +
	"\r\n" +
	"JVBERi0xLjQKJcOkw7zDtsOfCjIgMCBvYmoKPDwvTGVuZ3RoIDMgMCBSPj4Kc3RyZWFtCg==\r\n" +
	"--b1--\r\n"

// APPEND a multipart message with an attachment to a fresh user2 mailbox: APPENDUID,
// Mailbox, BODYSTRUCTURE, ENVELOPE groups, sections, COPYUID, STATUS.
func TestAppendBodyStructure(t *testing.T) {
	ctx := ctxT(t)
	c := login(t, "user2")
	box, box2 := unique("bs"), unique("bs2")
	t.Cleanup(func() {
		cl := login(t, "user2")
		cl.Delete(context.Background(), box)
		cl.Delete(context.Background(), box2)
	})
	must(t, "CREATE")(c.Create(ctx, box))
	must(t, "CREATE 2")(c.Create(ctx, box2))
	r := must(t, "APPEND")(c.Append(ctx, box, `(\Seen $Report)`, "", []byte(multipartMessage)))
	code, err := r.ParseCode()
	if err != nil || code.Kind != imap.ResponseCodeAppendUID || code.Name != "APPENDUID" || code.Number == 0 ||
		len(code.UIDs) != 1 || code.UIDs[0].Start != code.UIDs[0].End || code.Kind.String() != "IMAP_RESPONSE_CODE_KIND_APPENDUID" {
		t.Fatalf("APPENDUID: %+v %v", code, err)
	}
	uid := code.UIDs[0].Start

	r = must(t, "SELECT")(c.Select(ctx, box, false))
	if code, err := r.ParseCode(); err != nil || code.Kind != imap.ResponseCodeReadWrite {
		t.Fatalf("SELECT code: %+v %v", code, err)
	}
	info, err := c.Mailbox()
	if err != nil || info.Exists != 1 || info.UIDValidity != uint32(code.Number) || info.ReadOnly ||
		!info.HasAccess || !contains(info.PermanentFlags, `\*`) {
		t.Fatalf("Mailbox: %+v %v", info, err)
	}

	msgs, err := c.FetchParsed(ctx, "1", "(UID FLAGS ENVELOPE BODYSTRUCTURE BODY BODY.PEEK[1] BODY.PEEK[2.MIME])")
	if err != nil || len(msgs) != 1 {
		t.Fatalf("FetchParsed: %v %d", err, len(msgs))
	}
	m := msgs[0]
	if m.UID != uid || !contains(m.Flags, `\Seen`) || !contains(m.Flags, "$Report") {
		t.Fatalf("UID %d (want %d), flags %q", m.UID, uid, m.Flags)
	}
	e := m.Envelope
	if e.Subject != "Report für März" || e.MessageID != "<gobind-attach@example.org>" ||
		len(e.From) != 1 || e.From[0].Name != "Jürgen" || e.From[0].Email() != "juergen@example.org" {
		t.Fatalf("envelope: %+v", e)
	}
	// To: a group of two, then a mailbox.
	if len(e.To) != 5 || e.To[0].Kind != imap.AddressGroupStart || e.To[0].Mailbox != "Team" ||
		e.To[1].Group != "Team" || e.To[1].Email() != "a@example.org" || e.To[3].Kind != imap.AddressGroupEnd ||
		e.To[4].Group != "" || e.To[4].Email() != "c@example.net" {
		t.Fatalf("To: %+v", e.To)
	}
	b := m.BodyStructure
	if !b.Multipart || !strings.EqualFold(b.Subtype, "mixed") || b.Param("BOUNDARY") != "b1" || len(b.Children) != 2 {
		t.Fatalf("body structure: %+v", b)
	}
	text, pdf := b.Find("1"), b.Find("2")
	if !strings.EqualFold(text.Type, "text") || !strings.EqualFold(text.Subtype, "plain") ||
		text.Param("charset") != "utf-8" || !strings.EqualFold(text.Encoding, "8bit") || !text.HasLines ||
		text.Size != 19 || text.Disposition != nil {
		t.Fatalf("part 1: %+v", text)
	}
	if !strings.EqualFold(pdf.Type, "application") || !strings.EqualFold(pdf.Subtype, "pdf") ||
		!strings.EqualFold(pdf.Encoding, "base64") || pdf.Size != 72 || pdf.Param("name") != "report.pdf" ||
		pdf.Disposition == nil || !strings.EqualFold(pdf.Disposition.Type, "attachment") ||
		len(pdf.Disposition.Params) != 1 || pdf.Disposition.Params[0].Value != "report.pdf" {
		t.Fatalf("part 2: %+v (disposition %+v)", pdf, pdf.Disposition)
	}
	if b.Find("3") != nil || b.Find("1.2") != nil || b.Part != "" || text.Part != "1" || pdf.Part != "2" {
		t.Fatalf("part numbering: %q %q %q", b.Part, text.Part, pdf.Part)
	}
	if m.Body == nil || !m.Body.Multipart || len(m.Body.Children) != 2 || m.Body.Children[1].Disposition != nil {
		t.Fatalf("BODY (no extension data): %+v", m.Body)
	}
	if sr, ok := m.SectionReader("1"); !ok {
		t.Error("SectionReader(1): not found")
	} else if b, err := io.ReadAll(sr); err != nil || string(b) != "See the attachment." {
		t.Errorf("SectionReader(1) reads %q, %v", b, err)
	}
	if sr, ok := m.SectionReader("9.MIME"); ok || sr.Len() != 0 {
		t.Errorf("SectionReader(9.MIME): ok %v, %d bytes", ok, sr.Len())
	}
	if got := string(m.Section("1")); got != "See the attachment." {
		t.Fatalf("BODY[1] = %q", got)
	}
	if got := m.Section("2.MIME"); !bytes.Contains(got, []byte("attachment")) {
		t.Fatalf("BODY[2.MIME] = %q", got)
	}

	r = must(t, "COPY")(c.Copy(ctx, "1", box2))
	code, err = r.ParseCode()
	if err != nil || code.Kind != imap.ResponseCodeCopyUID || code.SourceUIDs.String() != fmt.Sprint(uid) ||
		len(code.UIDs) != 1 || !code.SourceUIDs.Contains(uid) {
		t.Fatalf("COPYUID: %+v %v", code, err)
	}
	r = must(t, "STATUS")(c.Status(ctx, box2, "(MESSAGES UIDNEXT UIDVALIDITY UNSEEN RECENT)"))
	st, err := r.ParseStatus()
	if err != nil || len(st) != 1 || st[0].Mailbox != box2 || !st[0].HasMessages || st[0].Messages != 1 ||
		!st[0].HasUnseen || st[0].Unseen != 0 || st[0].UIDNext != code.UIDs[0].End+1 ||
		st[0].UIDValidity != uint32(code.Number) || !st[0].HasRecent || st[0].HasDeleted {
		t.Fatalf("STATUS: %+v %v", st, err)
	}
	// A tagged text without a code.
	r = must(t, "NOOP")(c.Noop(ctx))
	if code, err := r.ParseCode(); err != nil || code.Kind != imap.ResponseCodeNone || code.Name != "" {
		t.Fatalf("NOOP code: %+v %v", code, err)
	}
	// TRYCREATE comes with a NO: the error's Result parses too.
	_, err = c.Copy(ctx, "1", box+"-missing")
	ne := wantCode(t, err, imap.ErrNo, imap.CodeNo)
	if code, err := ne.Result.ParseCode(); err != nil || code.Kind != imap.ResponseCodeTryCreate {
		t.Fatalf("TRYCREATE: %+v %v", code, err)
	}
}

// Non-ASCII mailbox names are encoded on the way out and decoded by ParseList/ParseStatus.
func TestMailboxNamesUTF7(t *testing.T) {
	ctx := ctxT(t)
	c := login(t, "user2")
	name := unique("台北-Grüße")
	enc, err := imap.UTF7Encode(name)
	if err != nil || !strings.Contains(enc, "&U,BTFw-") {
		t.Fatalf("UTF7Encode(%q) = %q, %v", name, enc, err)
	}
	t.Cleanup(func() { login(t, "user2").Delete(context.Background(), name) })
	must(t, "CREATE")(c.Create(ctx, name))

	entries, err := c.ListParsed(ctx, "", name)
	if err != nil || len(entries) != 1 {
		t.Fatalf("ListParsed: %+v %v", entries, err)
	}
	if e := entries[0]; e.Name != name || string(e.RawName) != enc || e.Delimiter == 0 {
		t.Fatalf("LIST entry: %+v (want %q / %q)", e, name, enc)
	}
	entries, err = c.ListParsed(ctx, "", "*")
	if err != nil || len(entries) < 2 {
		t.Fatalf("ListParsed *: %d %v", len(entries), err)
	}
	var inbox bool
	for _, e := range entries {
		inbox = inbox || e.Name == "INBOX"
	}
	if !inbox {
		t.Fatalf("no INBOX in %+v", entries)
	}
	st, err := must(t, "STATUS")(c.Status(ctx, name, "(MESSAGES)")).ParseStatus()
	if err != nil || len(st) != 1 || st[0].Mailbox != name || string(st[0].RawMailbox) != enc {
		t.Fatalf("STATUS: %+v %v", st, err)
	}
	// The encoded form still works (ASCII goes unchanged).
	must(t, "SELECT encoded")(c.Select(ctx, enc, true))

	// Raw: names go as given, so the encoded form works and the UTF-8 form does not
	// reach the mailbox.
	raw := dial(t, &imap.Options{MailboxEncoding: imap.MailboxEncodingRaw})
	must(t, "LOGIN")(raw.Login(ctx, "user2", "pass2"))
	must(t, "SELECT raw encoded")(raw.Select(ctx, enc, true))
	if _, err := raw.Status(ctx, name, "(MESSAGES)"); err == nil {
		t.Fatal("STATUS with a raw UTF-8 name found the mailbox")
	}
	if err := raw.SetMailboxEncoding(imap.MailboxEncodingUTF7); err != nil {
		t.Fatal(err)
	}
	must(t, "STATUS after SetMailboxEncoding")(raw.Status(ctx, name, "(MESSAGES)"))
	err = raw.SetMailboxEncoding(7)
	wantCode(t, err, imap.ErrInvalidArgument, imap.CodeInvalidArgument)
}

func TestParseSearchSortThread(t *testing.T) {
	ctx := ctxT(t)
	c := login(t, "user1")
	must(t, "EXAMINE")(c.Select(ctx, "INBOX", true))
	s, err := must(t, "SEARCH")(c.Search(ctx, "", "ALL")).ParseSearch()
	if err != nil || len(s.IDs) != 20 || s.IDs[0] != 1 || s.IDs[19] != 20 || s.HasModSeq {
		t.Fatalf("SEARCH: %+v %v", s, err)
	}
	s, err = must(t, "SEARCH none")(c.Search(ctx, "", "SUBJECT", "no-such-subject-xyz")).ParseSearch()
	if err != nil || s == nil || s.IDs == nil || len(s.IDs) != 0 {
		t.Fatalf("empty SEARCH: %+v %v", s, err)
	}
	s, err = must(t, "SORT")(c.Sort(ctx, "REVERSE DATE", "UTF-8", "ALL")).ParseSearch()
	if err != nil || len(s.IDs) != 20 {
		t.Fatalf("SORT: %+v %v", s, err)
	}
	seen := map[uint32]bool{}
	for _, id := range s.IDs {
		seen[id] = true
	}
	if len(seen) != 20 {
		t.Fatalf("SORT ids: %v", s.IDs)
	}
	u, err := must(t, "UID SEARCH")(c.UID(ctx, "SEARCH", "ALL")).ParseSearch()
	if err != nil || len(u.IDs) != 20 {
		t.Fatalf("UID SEARCH: %+v %v", u, err)
	}

	// ESEARCH (RFC 4731): the data stays for Response("ESEARCH").
	if c.HasCapability("ESEARCH") {
		must(t, "SEARCH RETURN")(c.Search(ctx, "", "RETURN", "(MIN MAX COUNT ALL)", "ALL"))
		es, err := must(t, "RESPONSE ESEARCH")(c.Response("ESEARCH")).ParseESearch()
		if err != nil || len(es) != 1 || !es[0].HasMin || es[0].Min != 1 || es[0].Max != 20 || es[0].Count != 20 ||
			!es[0].HasAll || es[0].All.String() != "1:20" || len(es[0].All.Numbers()) != 20 || es[0].Tag == "" || es[0].UID {
			t.Fatalf("ESEARCH: %+v %v", es, err)
		}
	}

	roots, err := must(t, "THREAD")(c.Thread(ctx, "REFERENCES", "UTF-8", "ALL")).ParseThread()
	if err != nil || len(roots) == 0 {
		t.Fatalf("THREAD: %v %v", roots, err)
	}
	ids, deep := map[uint32]bool{}, false
	stack := append([]*imap.Thread(nil), roots...)
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n.HasID {
			ids[n.ID] = true
		}
		if len(n.Children) > 0 {
			deep = true
		}
		for _, ch := range n.Children {
			if ch.Parent != n {
				t.Fatal("THREAD parent link")
			}
			stack = append(stack, ch)
		}
	}
	if len(ids) != 20 || !deep || len(roots) >= 20 || roots[0].Parent != nil {
		t.Fatalf("THREAD: %d ids, %d roots, deep %v", len(ids), len(roots), deep)
	}
}

func TestParseServerData(t *testing.T) {
	ctx := ctxT(t)
	c := login(t, "user1")
	caps, err := must(t, "CAPABILITY")(c.Capability(ctx)).ParseCapability()
	if err != nil || !contains(caps, "IMAP4rev1") || !contains(caps, "MOVE") {
		t.Fatalf("CAPABILITY: %q %v", caps, err)
	}
	ns, err := must(t, "NAMESPACE")(c.Namespace(ctx)).ParseNamespace()
	if err != nil || len(ns) != 1 || len(ns[0].Personal) == 0 || ns[0].Personal[0].Delimiter == 0 {
		t.Fatalf("NAMESPACE: %+v %v", ns, err)
	}
	var shared bool
	for _, n := range append(ns[0].Other, ns[0].Shared...) {
		shared = shared || strings.HasPrefix(n.Prefix, "shared")
	}
	if !shared {
		t.Fatalf("NAMESPACE without the shared namespace: %+v", ns[0])
	}

	root, quota, err := c.GetQuotaRoot(ctx, "INBOX")
	if err != nil {
		t.Fatal(err)
	}
	qr, err := root.ParseQuotaRoot()
	if err != nil || len(qr) != 1 || qr[0].Mailbox != "INBOX" || len(qr[0].Roots) != 1 || qr[0].Roots[0] != "User quota" {
		t.Fatalf("QUOTAROOT: %+v %v", qr, err)
	}
	q, err := quota.ParseQuota()
	if err != nil || len(q) != 1 || q[0].Root != "User quota" {
		t.Fatalf("QUOTA: %+v %v", q, err)
	}
	if st := q[0].Resource("storage"); st == nil || st.Usage == 0 || st.Limit == 0 {
		t.Fatalf("QUOTA STORAGE: %+v", q[0].Resources)
	}
	q, err = must(t, "GETQUOTA")(c.GetQuota(ctx, `"User quota"`)).ParseQuota()
	if err != nil || len(q) != 1 || q[0].Resource("MESSAGE") == nil || q[0].Resource("MESSAGE").Usage < 20 {
		t.Fatalf("GETQUOTA: %+v %v", q, err)
	}
}

func TestParseACLMetadata(t *testing.T) {
	ctx := ctxT(t)
	c := login(t, "user2")
	box := unique("pacl")
	must(t, "CREATE")(c.Create(ctx, box))
	t.Cleanup(func() { login(t, "user2").Delete(context.Background(), box) })

	must(t, "SETACL")(c.SetACL(ctx, box, "user1", "lr"))
	acl, err := must(t, "GETACL")(c.GetACL(ctx, box)).ParseACL()
	if err != nil || len(acl) != 1 || acl[0].Mailbox != box {
		t.Fatalf("ACL: %+v %v", acl, err)
	}
	var found bool
	for _, e := range acl[0].Entries {
		found = found || (e.Identifier == "user1" && e.Rights == "lr")
	}
	if !found {
		t.Fatalf("ACL entries: %+v", acl[0].Entries)
	}
	my, err := must(t, "MYRIGHTS")(c.MyRights(ctx, box)).ParseMyRights()
	if err != nil || len(my) != 1 || my[0].Mailbox != box || !strings.Contains(my[0].Rights, "a") {
		t.Fatalf("MYRIGHTS: %+v %v", my, err)
	}
	lr, err := must(t, "LISTRIGHTS")(c.ListRights(ctx, box, "user1")).ParseListRights()
	if err != nil || len(lr) != 1 || lr[0].Mailbox != box || lr[0].Identifier != "user1" || len(lr[0].Optional) == 0 {
		t.Fatalf("LISTRIGHTS: %+v %v", lr, err)
	}

	must(t, "SETMETADATA")(c.SetMetadata(ctx, box,
		imap.Field{Name: "/private/comment", Value: "hello from go"},
		imap.Field{Name: "/shared/comment", Value: "shared ünï"}))
	md, err := must(t, "GETMETADATA")(c.GetMetadata(ctx, box, []string{"/private/comment", "/shared/comment", "/private/none"}, "")).ParseMetadata()
	if err != nil || len(md) == 0 {
		t.Fatalf("METADATA: %+v %v", md, err)
	}
	values := map[string]string{}
	for _, m := range md {
		if m.Mailbox != box {
			t.Fatalf("METADATA mailbox %q", m.Mailbox)
		}
		for _, e := range m.Entries {
			values[strings.ToLower(e.Name)] = string(e.Value)
		}
	}
	if values["/private/comment"] != "hello from go" || values["/shared/comment"] != "shared ünï" {
		t.Fatalf("METADATA values: %q", values)
	}
}

// A fake server sends one malformed FETCH response among good ones: the good ones parse,
// the bad one keeps its bytes, and the error is ErrParse.
func TestParseErrorFetch(t *testing.T) {
	addr := fakeServer(t, func(conn net.Conn, r *bufio.Reader) {
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			tag, rest, _ := strings.Cut(strings.TrimRight(line, "\r\n"), " ")
			cmd, _, _ := strings.Cut(rest, " ")
			switch strings.ToUpper(cmd) {
			case "LOGIN":
				fmt.Fprintf(conn, "%s OK logged in\r\n", tag)
			case "CAPABILITY":
				fmt.Fprintf(conn, "* CAPABILITY IMAP4rev1\r\n%s OK done\r\n", tag)
			case "SELECT", "EXAMINE":
				fmt.Fprintf(conn, "* 3 EXISTS\r\n* FLAGS (\\Seen)\r\n* OK [UIDVALIDITY 7] x\r\n%s OK [READ-WRITE] done\r\n", tag)
			case "FETCH":
				fmt.Fprint(conn, "* 1 FETCH (UID 10 FLAGS (\\Seen))\r\n")
				fmt.Fprint(conn, "* 2 FETCH (UID x FLAGS ())\r\n")
				fmt.Fprint(conn, "* 3 FETCH (UID 12 X-GM-LABELS (\\Inbox) RFC822.SIZE 99)\r\n")
				fmt.Fprintf(conn, "%s OK done\r\n", tag)
			case "LIST":
				fmt.Fprint(conn, "* LIST (\\HasNoChildren) \"/\" \"INBOX\"\r\n")
				fmt.Fprint(conn, "* LIST (\\HasNoChildren \"/\" \r\n")
				fmt.Fprint(conn, "* LIST () \"/\" \"&Jjo-!\"\r\n")
				fmt.Fprintf(conn, "%s OK done\r\n", tag)
			default:
				fmt.Fprintf(conn, "%s BAD unknown\r\n", tag)
			}
		}
	})
	ctx := ctxT(t)
	c, err := imap.Dial(ctx, addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	must(t, "LOGIN")(c.LoginCommand(ctx, "u", "p"))
	must(t, "SELECT")(c.Select(ctx, "INBOX", false))
	if info, err := c.Mailbox(); err != nil || info.Exists != 3 || info.UIDValidity != 7 || info.ReadOnly ||
		!info.HasAccess || info.HasUIDNext || info.PermanentFlags != nil {
		t.Fatalf("Mailbox: %+v %v", info, err)
	}
	msgs, err := c.FetchParsed(ctx, "1:3", "(UID FLAGS)")
	e := wantCode(t, err, imap.ErrParse, imap.CodeParse)
	if len(msgs) != 3 || len(e.Invalid) != 1 {
		t.Fatalf("%d messages, invalid %+v", len(msgs), e.Invalid)
	}
	if m := msgs[0]; m.Err != nil || m.UID != 10 || len(m.Flags) != 1 {
		t.Fatalf("message 1: %+v", m)
	}
	bad := msgs[1]
	if !errors.Is(bad.Err, imap.ErrParse) || bad.Seq != 2 || !bytes.Contains(bad.RawBytes, []byte("UID x")) ||
		!bytes.Equal(e.Invalid[0].Raw, bad.RawBytes) || e.Invalid[0].Kind == imap.InvalidNone {
		t.Fatalf("message 2: %+v (%v)", bad, bad.Err)
	}
	if m := msgs[2]; m.Err != nil || m.UID != 12 || m.Size != 99 || len(m.Raw) != 1 || m.Raw[0].Name != "X-GM-LABELS" ||
		string(m.Raw[0].Value) != `(\Inbox)` {
		t.Fatalf("message 3: %+v", m)
	}
	t.Logf("bad message: %v", bad.Err)

	entries, err := c.ListParsed(ctx, "", "*")
	e = wantCode(t, err, imap.ErrParse, imap.CodeParse)
	t.Logf("LIST: %+v; %v", entries, err)
	if len(entries) == 0 || entries[0].Name != "INBOX" || len(e.Invalid) == 0 {
		t.Fatalf("LIST: %+v invalid %+v", entries, e.Invalid)
	}
}

// Real-server quirks are recorded on the message and never invent entries (GreenMail's
// literal without a space, Courier's (NIL NIL "" NIL) group end); numbers that break their
// grammar are marked invalid with their bytes ([UIDVALIDITY 0], [UIDNEXT 4294967296]).
func TestQuirksAndNumberGrammar(t *testing.T) {
	addr := fakeServer(t, func(conn net.Conn, r *bufio.Reader) {
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			tag, rest, _ := strings.Cut(strings.TrimRight(line, "\r\n"), " ")
			cmd, _, _ := strings.Cut(rest, " ")
			switch strings.ToUpper(cmd) {
			case "LOGIN":
				fmt.Fprintf(conn, "%s OK logged in\r\n", tag)
			case "CAPABILITY":
				fmt.Fprintf(conn, "* CAPABILITY IMAP4rev1\r\n%s OK done\r\n", tag)
			case "SELECT", "EXAMINE":
				fmt.Fprintf(conn, "* 2 EXISTS\r\n* OK [UIDVALIDITY 0] zero\r\n%s OK [READ-WRITE] done\r\n", tag)
			case "FETCH":
				fmt.Fprint(conn, "* 1 FETCH (UID 1 BODY[]<0>{5}\r\nhello)\r\n")
				fmt.Fprint(conn, "* 2 FETCH (UID 2 ENVELOPE (NIL \"s\" ((NIL NIL \"f\" \"x.org\")) NIL NIL "+
					"((NIL NIL \"friends\" NIL)(NIL NIL \"a\" \"x.org\")(NIL NIL \"b\" \"x.org\")(NIL NIL \"\" NIL)(\"C\" NIL \"c\" \"y.org\")) "+
					"NIL NIL NIL NIL))\r\n")
				fmt.Fprintf(conn, "%s OK done\r\n", tag)
			case "NOOP":
				fmt.Fprintf(conn, "%s OK [UIDNEXT 4294967296] done\r\n", tag)
			default:
				fmt.Fprintf(conn, "%s BAD unknown\r\n", tag)
			}
		}
	})
	ctx := ctxT(t)
	c, err := imap.Dial(ctx, addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	must(t, "LOGIN")(c.LoginCommand(ctx, "u", "p"))
	must(t, "SELECT")(c.Select(ctx, "INBOX", false))
	info, err := c.Mailbox()
	e := wantCode(t, err, imap.ErrParse, imap.CodeParse)
	if info == nil || info.Exists != 2 || info.HasUIDValidity || len(info.Invalid) != 1 ||
		string(info.Invalid[0].Raw) != "0" || len(e.Invalid) != 1 {
		t.Fatalf("Mailbox: %+v %v", info, err)
	}
	msgs, err := c.FetchParsed(ctx, "1:2", "(UID)")
	if err != nil || len(msgs) != 2 {
		t.Fatalf("FETCH: %d messages, %v", len(msgs), err)
	}
	if m := msgs[0]; m.Err != nil || m.Quirks != imap.QuirkLiteralWithoutSpace || string(m.Section("")) != "hello" {
		t.Fatalf("GreenMail message: %+v", m)
	}
	m := msgs[1]
	if m.Err != nil || m.Quirks != imap.QuirkGroupEndEmptyMailbox || m.Envelope == nil {
		t.Fatalf("Courier message: %+v", m)
	}
	var kinds []imap.AddressKind
	for _, a := range m.Envelope.To {
		kinds = append(kinds, a.Kind)
	}
	want := []imap.AddressKind{imap.AddressGroupStart, imap.AddressMailbox, imap.AddressMailbox,
		imap.AddressGroupEnd, imap.AddressMailbox}
	if fmt.Sprint(kinds) != fmt.Sprint(want) || m.Envelope.To[4].Group != "" || m.Envelope.To[1].Group != "friends" {
		t.Fatalf("To: %+v (5 entries sent)", m.Envelope.To)
	}
	r, err := c.Noop(ctx)
	if err != nil {
		t.Fatal(err)
	}
	code, err := r.ParseCode()
	wantCode(t, err, imap.ErrParse, imap.CodeParse)
	if code == nil || code.Kind != imap.ResponseCodeInvalid || code.Name != "UIDNEXT" || string(code.Data) != "4294967296" {
		t.Fatalf("ParseCode: %+v", code)
	}
}

// An IDLE update is a Result too: a flag change made by another client parses as FETCH.
func TestIdleUpdateParse(t *testing.T) {
	ctx := ctxT(t)
	c, box := idleMailbox(t)
	other := login(t, "user2")
	must(t, "APPEND")(other.Append(ctx, box, "", "", message("idle parse", 100)))
	must(t, "NOOP")(c.Noop(ctx))
	idle, err := c.Idle(ctx)
	if err != nil {
		t.Fatal(err)
	}
	must(t, "SELECT other")(other.Select(ctx, box, false))
	must(t, "STORE")(other.Store(ctx, "1", "+FLAGS", `(\Flagged)`))
	for {
		u, err := idle.Next(ctx)
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		if u.Type != "FETCH" {
			continue
		}
		msgs, err := u.ParseFetch()
		if err != nil || len(msgs) != 1 || msgs[0].Seq != 1 || !contains(msgs[0].Flags, `\Flagged`) {
			t.Fatalf("FETCH update: %+v %v", msgs, err)
		}
		break
	}
	must(t, "DONE")(idle.Done(ctx))
}

func TestUTF7AndDecodeHeader(t *testing.T) {
	for _, v := range []struct{ utf8, utf7 string }{
		{"~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"},
		{"&", "&-"},
		{"INBOX", "INBOX"},
		{"Grüße & Küsse", "Gr&APwA3w-e &- K&APw-sse"},
		{"", ""},
		{"🎉", "&2DzfiQ-"},
	} {
		got, err := imap.UTF7Encode(v.utf8)
		if err != nil || got != v.utf7 {
			t.Errorf("UTF7Encode(%q) = %q, %v; want %q", v.utf8, got, err, v.utf7)
		}
		back, err := imap.UTF7Decode(v.utf7)
		if err != nil || back != v.utf8 {
			t.Errorf("UTF7Decode(%q) = %q, %v; want %q", v.utf7, back, err, v.utf8)
		}
	}
	for _, bad := range []string{"&", "&U,BTFw", "&AGE-", "caf\xc3\xa9", "&2D0-", "a\x00b"} {
		if got, err := imap.UTF7Decode(bad); !errors.Is(err, imap.ErrInvalidArgument) {
			t.Errorf("UTF7Decode(%q) = %q, %v; want ErrInvalidArgument", bad, got, err)
		}
	}
	for _, bad := range []string{"a\x00b", "\xff\xfe"} {
		if got, err := imap.UTF7Encode(bad); !errors.Is(err, imap.ErrInvalidArgument) {
			t.Errorf("UTF7Encode(%q) = %q, %v; want ErrInvalidArgument", bad, got, err)
		}
	}
	for _, v := range []struct{ raw, want string }{
		{"=?UTF-8?B?UmVwb3J0IGbDvHIgTcOkcno=?=", "Report für März"},
		{"=?ISO-8859-1?Q?Caf=E9?= =?ISO-8859-1?Q?_cr=E8me?=", "Café crème"},
		{"Re: =?utf-8?q?Gr=C3=BC=C3=9Fe?= aus Berlin", "Re: Grüße aus Berlin"},
		{"plain text", "plain text"},
		{"=?x-unknown?Q?abc?=", "=?x-unknown?Q?abc?="},
		{"bad \xff byte", "bad \ufffd byte"},
		{"", ""},
	} {
		got, err := imap.DecodeHeader([]byte(v.raw))
		if err != nil || got != v.want {
			t.Errorf("DecodeHeader(%q) = %q, %v; want %q", v.raw, got, err, v.want)
		}
	}
	if _, err := imap.DecodeHeader([]byte("=?UTF-8?Q?a=00b?=")); !errors.Is(err, imap.ErrInvalidArgument) {
		t.Errorf("DecodeHeader with a decoded NUL: %v", err)
	}
	var s imap.SeqSet = imap.SeqSet{{1, 4}, {7, 7}, {10, 4294967295}}
	if s.String() != "1:4,7,10:4294967295" || !s.Contains(4294967295) || s.Contains(5) || !s.Contains(7) {
		t.Errorf("SeqSet %v", s)
	}
	if imap.CodeParse.String() != "IMAP_CODE_PARSE" || !errors.Is(&imap.Error{Code: imap.CodeParse}, imap.ErrParse) {
		t.Errorf("CodeParse %v", imap.CodeParse)
	}
}
