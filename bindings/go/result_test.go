package imap_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"testing"

	imap "libimap/imap"
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
