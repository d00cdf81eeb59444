package imap_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	imap "github.com/libimap/libimap/bindings/go"
)

// LiteralReader gives the bytes Literals copies, through every method, and nil for what is
// not a buffered literal.
func TestLiteralReader(t *testing.T) {
	c := examineInbox(t)
	r := must(t, "FETCH")(c.Fetch(ctxT(t), "1:5", "(BODY.PEEK[HEADER] BODY.PEEK[])"))
	want := r.Literals()
	readers := r.LiteralReaders()
	if len(want) != 10 || len(readers) != len(want) {
		t.Fatalf("%d literals, %d readers", len(want), len(readers))
	}
	for k, lr := range readers {
		if lr == nil || lr.Size() != int64(len(want[k])) || lr.Len() != len(want[k]) {
			t.Fatalf("reader %d: %+v, want %d bytes", k, lr, len(want[k]))
		}
		got, err := io.ReadAll(lr)
		if err != nil || !bytes.Equal(got, want[k]) || lr.Len() != 0 {
			t.Fatalf("reader %d: ReadAll %v, equal %v, Len %d", k, err, bytes.Equal(got, want[k]), lr.Len())
		}
		if n, err := lr.Read(make([]byte, 8)); n != 0 || err != io.EOF {
			t.Fatalf("reader %d: Read at the end = %d, %v", k, n, err)
		}
		if !bytes.Equal(lr.Bytes(), want[k]) {
			t.Fatalf("reader %d: Bytes differ", k)
		}
		half := int64(len(want[k]) / 2)
		if pos, err := lr.Seek(half, io.SeekStart); pos != half || err != nil {
			t.Fatalf("reader %d: Seek = %d, %v", k, pos, err)
		}
		var buf bytes.Buffer
		if n, err := lr.WriteTo(&buf); n != int64(len(want[k]))-half || err != nil ||
			!bytes.Equal(buf.Bytes(), want[k][half:]) {
			t.Fatalf("reader %d: WriteTo from the middle = %d, %v", k, n, err)
		}
		p := make([]byte, 10)
		if n, err := lr.ReadAt(p, 3); n != 10 || err != nil || !bytes.Equal(p, want[k][3:13]) {
			t.Fatalf("reader %d: ReadAt = %d, %v", k, n, err)
		}
		if n, err := lr.ReadAt(p, lr.Size()-4); n != 4 || err != io.EOF {
			t.Fatalf("reader %d: ReadAt over the end = %d, %v", k, n, err)
		}
		if _, err := lr.Seek(-1, io.SeekStart); err == nil {
			t.Fatalf("reader %d: Seek to -1 succeeded", k)
		}
	}
	lits := 0
	for i := range r.Len() {
		it := r.Item(i)
		lr := r.LiteralReader(i)
		if it.Kind != imap.ItemLiteral {
			if lr != nil {
				t.Fatalf("item %d (%v): a reader", i, it.Kind)
			}
			continue
		}
		if lr == nil || !bytes.Equal(lr.Bytes(), want[lits]) {
			t.Fatalf("item %d: reader %v", i, lr)
		}
		lits++
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("LiteralReader(Len()) did not panic")
			}
		}()
		r.LiteralReader(r.Len())
	}()
}

// The readers keep their Result (and so the library's bytes) alive: with nothing else
// holding it, collections and new results reusing the memory do not change what they read.
func TestLiteralReaderKeepsResult(t *testing.T) {
	c := examineInbox(t)
	r := must(t, "FETCH")(c.Fetch(ctxT(t), "1:20", "(BODY.PEEK[])"))
	want := r.Literals()
	readers := r.LiteralReaders()
	r = nil
	for range 5 {
		runtime.GC()
		must(t, "FETCH")(c.Fetch(ctxT(t), "1:20", "(BODY.PEEK[TEXT])"))
	}
	for k, lr := range readers {
		if got, err := io.ReadAll(lr); err != nil || !bytes.Equal(got, want[k]) {
			t.Fatalf("reader %d after collections: %v, equal %v", k, err, bytes.Equal(got, want[k]))
		}
	}
}

type failWriter struct{ short bool }

func (w failWriter) Write(p []byte) (int, error) {
	if w.short {
		return len(p) / 2, nil
	}
	return 0, errors.New("disk full")
}

// WriteTo reports the writer's error, and a short write as io.ErrShortWrite; a streamed
// literal has no reader.
func TestLiteralReaderErrors(t *testing.T) {
	c := examineInbox(t)
	r := must(t, "FETCH")(c.Fetch(ctxT(t), "1", "(BODY.PEEK[])"))
	lr := r.LiteralReaders()[0]
	if _, err := lr.WriteTo(failWriter{}); err == nil || err.Error() != "disk full" {
		t.Fatalf("WriteTo to a failing writer: %v", err)
	}
	if _, err := lr.WriteTo(failWriter{short: true}); err != io.ErrShortWrite {
		t.Fatalf("WriteTo to a short writer: %v", err)
	}
	if err := c.SetLiteralHandler(0, func(imap.LiteralChunk) error { return nil }); err != nil {
		t.Fatal(err)
	}
	r = must(t, "FETCH")(c.Fetch(ctxT(t), "1", "(BODY.PEEK[])"))
	if rs := r.LiteralReaders(); len(rs) != 1 || rs[0] != nil {
		t.Fatalf("streamed literal: readers %v", rs)
	}
}

// UIDFetchParsed gives what UID FETCH + ParseFetch gives; a BAD comes back as the error,
// with the reply in its Result.
func TestUIDFetchParsed(t *testing.T) {
	c := examineInbox(t)
	ctx := ctxT(t)
	r := must(t, "UID FETCH")(c.UID(ctx, "FETCH", "1:*", "(UID FLAGS ENVELOPE BODY.PEEK[HEADER])"))
	want, err := r.ParseFetch()
	if err != nil || len(want) != 20 {
		t.Fatalf("ParseFetch: %v, %d messages", err, len(want))
	}
	got, err := c.UIDFetchParsed(ctx, "1:*", "(UID FLAGS ENVELOPE BODY.PEEK[HEADER])")
	if err != nil || len(got) != len(want) {
		t.Fatalf("UIDFetchParsed: %v, %d messages", err, len(got))
	}
	for k := range got {
		g, w := got[k], want[k]
		if g.UID != w.UID || g.Seq != w.Seq || g.Envelope.Subject != w.Envelope.Subject ||
			len(g.Flags) != len(w.Flags) || !bytes.Equal(g.Section("HEADER"), w.Section("HEADER")) {
			t.Fatalf("message %d: %+v, want %+v", k, g, w)
		}
	}
	one, err := c.UIDFetchParsed(ctx, fmt.Sprint(want[3].UID), "(FLAGS)")
	if err != nil || len(one) != 1 || one[0].Seq != want[3].Seq {
		t.Fatalf("UIDFetchParsed of UID %d: %v, %v", want[3].UID, err, one)
	}
	msgs, err := c.UIDFetchParsed(ctx, "1:*", "(NOSUCHITEM)")
	var e *imap.Error
	if msgs != nil || !errors.Is(err, imap.ErrBad) || !errors.As(err, &e) || e.Result == nil || e.Op != "UID" {
		t.Fatalf("UIDFetchParsed of a bad item: %v, %v", msgs, err)
	}
}

// Message.Section and BodyPart.Find, done on the Go values (the library's tree is freed once
// converted), give what the library's lookups give on its tree, for every message of the
// INBOX and specs and parts that exist, do not, or differ only in case or spelling.
func TestLookupsAgreeWithLibrary(t *testing.T) {
	c := examineInbox(t)
	r := must(t, "FETCH")(c.Fetch(ctxT(t), "1:*", "(BODYSTRUCTURE BODY.PEEK[1] BODY.PEEK[1.MIME] "+
		"BINARY.PEEK[1] BODY.PEEK[HEADER.FIELDS (FROM)] RFC822.HEADER BODY.PEEK[2.MIME] RFC822.TEXT RFC822)"))
	msgs, err := r.ParseFetch()
	if err != nil || len(msgs) != 20 {
		t.Fatalf("ParseFetch: %v, %d messages", err, len(msgs))
	}
	specs := []string{"", "HEADER", "header", "Text", "TEXT", "1", "1.mime", "1.MIME", "2.MIME",
		"2", "2.1", "3", "HEADER.FIELDS (FROM)", "header.fields (from)", "HEADER.FIELDS  (FROM)",
		"HEADER.FIELDS", " 1", "1 ", "01", "\u017f", "\u212a", "x"}
	parts := []string{"", "1", "2", "2.1", "2.2", "3", "1.1", "2.1.1", "2.1.2", "01", " 1", "1.", "0", "x"}
	for _, m := range msgs {
		for _, b := range []*imap.BodyPart{m.BodyStructure} {
			var walk func(*imap.BodyPart)
			walk = func(p *imap.BodyPart) {
				if p == nil {
					return
				}
				parts = append(parts, p.Part)
				for _, ch := range p.Children {
					walk(ch)
				}
				if p.Message != nil {
					walk(p.Message.Body)
				}
			}
			walk(b)
		}
	}
	secs, found := imap.LibraryLookups(r, specs, parts)
	if len(secs) != len(msgs) {
		t.Fatalf("library: %d messages", len(secs))
	}
	rfc822, nested := 0, 0
	for k, m := range msgs {
		for j, spec := range specs {
			got, want := m.Section(spec), []byte(nil)
			if i := secs[k][j]; i >= 0 {
				want = m.Sections[i].Data
			}
			if (got == nil) != (want == nil) || len(got) > 0 && &got[0] != &want[0] {
				t.Errorf("message %d: Section(%q) = %d bytes, the library finds section %d", m.Seq, spec, len(got), secs[k][j])
			}
		}
		for j, part := range parts {
			if got := imap.DescribePart(m.BodyStructure.Find(part)); got != found[k][j] {
				t.Errorf("message %d: Find(%q) = %s, the library finds %s", m.Seq, part, got, found[k][j])
			}
			if found[k][j] != "-" && strings.Contains(strings.ToUpper(found[k][j]), "/MESSAGE/") {
				rfc822++
			}
			if found[k][j] != "-" && strings.Count(part, ".") >= 1 {
				nested++
			}
		}
	}
	if rfc822 == 0 || nested == 0 {
		t.Fatalf("the mailbox gave no message/rfc822 part (%d) or nested part (%d) to look up", rfc822, nested)
	}
}

// FetchAll and UIDFetchAll give FetchParsed's messages, bodies included; a BAD is the error.
func TestFetchAll(t *testing.T) {
	c := examineInbox(t)
	ctx := ctxT(t)
	const items = "(UID FLAGS ENVELOPE BODYSTRUCTURE BODY.PEEK[])"
	want, err := c.FetchParsed(ctx, "1:*", items)
	if err != nil || len(want) != 20 {
		t.Fatalf("FetchParsed: %v, %d messages", err, len(want))
	}
	same := func(what string, got []*imap.Message, want []*imap.Message) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("%s: %d messages, want %d", what, len(got), len(want))
		}
		for k := range got {
			g, w := got[k], want[k]
			if g.Seq != w.Seq || g.UID != w.UID || g.Envelope.Subject != w.Envelope.Subject ||
				len(g.BodyStructure.Children) != len(w.BodyStructure.Children) ||
				len(g.Section("")) == 0 || !bytes.Equal(g.Section(""), w.Section("")) {
				t.Fatalf("%s: message %d differs: %+v, want %+v", what, k, g, w)
			}
		}
	}
	got, err := c.FetchAll(ctx, "1:*", items)
	if err != nil {
		t.Fatalf("FetchAll: %v", err)
	}
	same("FetchAll", got, want)
	uids := fmt.Sprintf("%d:%d", want[5].UID, want[9].UID)
	got, err = c.UIDFetchAll(ctx, uids, items)
	if err != nil {
		t.Fatalf("UIDFetchAll %s: %v", uids, err)
	}
	same("UIDFetchAll", got, want[5:10])
	if got, err := c.FetchAll(ctx, "1:*", "(NOSUCHITEM)"); len(got) != 0 || !errors.Is(err, imap.ErrBad) {
		t.Fatalf("FetchAll of a bad item: %d messages, %v", len(got), err)
	}
	if _, err := c.FetchParsed(ctx, "1", "(UID)"); err != nil { // the connection is still usable
		t.Fatalf("FETCH after the BAD: %v", err)
	}
}
