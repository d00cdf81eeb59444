package imap_test

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	imap "github.com/libimap/libimap/bindings/go"
)

// examineInbox logs in as user1 and selects the INBOX read-only.
func examineInbox(t *testing.T) *imap.Client {
	t.Helper()
	c := login(t, "user1")
	must(t, "EXAMINE")(c.Select(ctxT(t), "INBOX", true))
	return c
}

// bufferedBody fetches message 2's body the usual way.
func bufferedBody(t *testing.T, c *imap.Client) []byte {
	t.Helper()
	r := must(t, "FETCH")(c.Fetch(ctxT(t), "2", "(BODY.PEEK[])"))
	if r.Len() == 0 || r.Item(0).Kind != imap.ItemLiteral || r.Item(0).Streamed {
		t.Fatalf("buffered FETCH data %+v", r.Items())
	}
	it := r.Item(0)
	if it.Literal == nil || it.Size != uint64(len(it.Literal)) || len(it.Literal) < 100 {
		t.Fatalf("buffered literal: size %d, %d bytes", it.Size, len(it.Literal))
	}
	return it.Literal
}

func TestLiteralHandlerStreams(t *testing.T) {
	ctx := ctxT(t)
	c := examineInbox(t)
	want := bufferedBody(t, c)

	var got bytes.Buffer
	var lines [][]byte
	var calls int
	var orderErr error
	err := c.SetLiteralHandler(100, func(l imap.LiteralChunk) error {
		calls++
		if l.Offset != uint64(got.Len()) || l.Size != uint64(len(want)) ||
			l.Offset+uint64(len(l.Data)) > l.Size {
			orderErr = fmt.Errorf("chunk offset %d len %d size %d after %d bytes",
				l.Offset, len(l.Data), l.Size, got.Len())
		}
		if l.Offset == 0 {
			lines = append(lines, bytes.Clone(l.Line))
		}
		got.Write(l.Data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	r := must(t, "streamed FETCH")(c.Fetch(ctx, "2", "(UID BODY.PEEK[])"))
	if orderErr != nil {
		t.Fatal(orderErr)
	}
	if calls < 1 || !bytes.Equal(got.Bytes(), want) {
		t.Fatalf("streamed %d bytes in %d calls, want the %d buffered bytes", got.Len(), calls, len(want))
	}
	if len(lines) != 1 || !bytes.HasPrefix(lines[0], []byte("* 2 FETCH (")) ||
		!bytes.HasSuffix(lines[0], []byte(fmt.Sprintf("{%d}", len(want)))) {
		t.Fatalf("announcing lines %q", lines)
	}
	it := r.Item(0)
	if it.Kind != imap.ItemLiteral || !it.Streamed || it.Literal != nil || it.Size != uint64(len(want)) {
		t.Fatalf("streamed item: kind %v streamed %v literal %d bytes size %d",
			it.Kind, it.Streamed, len(it.Literal), it.Size)
	}
	if lits := r.Literals(); len(lits) != 1 || lits[0] != nil {
		t.Fatalf("Literals() = %q", lits)
	}

	// The parser reports the section as streamed, with the other items intact.
	msgs, err := r.ParseFetch()
	if err != nil || len(msgs) != 1 {
		t.Fatalf("ParseFetch: %v, %d messages", err, len(msgs))
	}
	m := msgs[0]
	if m.Seq != 2 || !m.HasUID || m.UID == 0 || len(m.Sections) != 1 {
		t.Fatalf("parsed message %+v", m)
	}
	if s := m.Sections[0]; !s.Streamed || s.StreamedSize != uint64(len(want)) || s.Data != nil {
		t.Fatalf("parsed section %+v", s)
	}

	// A literal smaller than minSize stays buffered.
	if err := c.SetLiteralHandler(uint64(len(want))+1, func(imap.LiteralChunk) error {
		t.Error("handler called for a literal below minSize")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	r = must(t, "FETCH below minSize")(c.Fetch(ctx, "2", "(BODY.PEEK[])"))
	if it := r.Item(0); it.Streamed || !bytes.Equal(it.Literal, want) {
		t.Fatalf("below minSize: streamed %v, %d bytes", it.Streamed, len(it.Literal))
	}

	// LiteralsTo writes the bodies of several messages, in order.
	var all bytes.Buffer
	if err := c.SetLiteralHandler(100, imap.LiteralsTo(&all)); err != nil {
		t.Fatal(err)
	}
	r = must(t, "FETCH 1:3")(c.Fetch(ctx, "1:3", "(BODY.PEEK[])"))
	if err := c.SetLiteralHandler(0, nil); err != nil {
		t.Fatal(err)
	}
	b := must(t, "buffered FETCH 1:3")(c.Fetch(ctx, "1:3", "(BODY.PEEK[])"))
	if w := bytes.Join(b.Literals(), nil); !bytes.Equal(all.Bytes(), w) || len(r.Literals()) != 3 {
		t.Fatalf("LiteralsTo wrote %d bytes, want %d", all.Len(), len(w))
	}

	// nil restored buffering.
	if got := bufferedBody(t, c); !bytes.Equal(got, want) {
		t.Fatal("buffered body changed after restoring")
	}
}

func TestLiteralHandlerError(t *testing.T) {
	c := examineInbox(t)
	stop := errors.New("disk full")
	var calls int
	if err := c.SetLiteralHandler(0, func(imap.LiteralChunk) error {
		calls++
		return stop
	}); err != nil {
		t.Fatal(err)
	}
	_, err := c.Fetch(ctxT(t), "2", "(BODY.PEEK[])")
	wantCode(t, err, imap.ErrAbort, imap.CodeAbort)
	if !errors.Is(err, stop) {
		t.Fatalf("error %v does not wrap the handler's error", err)
	}
	if calls != 1 {
		t.Fatalf("handler called %d times after returning an error", calls)
	}
	if c.IsOpen() {
		t.Fatal("connection still open after a stopped transfer")
	}
	_, err = c.Noop(ctxT(t))
	if errors.Is(err, stop) || err == nil {
		t.Fatalf("next call: %v", err)
	}
	// Replacing and restoring still work on the closed connection; Close frees the handle.
	if err := c.SetLiteralHandler(0, nil); err != nil {
		t.Fatal(err)
	}
}

func TestLiteralHandlerPanic(t *testing.T) {
	c := examineInbox(t)
	if err := c.SetLiteralHandler(0, func(imap.LiteralChunk) error { panic("boom") }); err != nil {
		t.Fatal(err)
	}
	func() {
		defer func() {
			if p := recover(); p != "boom" {
				t.Fatalf("recovered %v", p)
			}
		}()
		c.Fetch(ctxT(t), "2", "(BODY.PEEK[])")
		t.Fatal("no panic")
	}()
	if c.IsOpen() {
		t.Fatal("connection still open after a panic stopped the transfer")
	}
	// The client is still usable as an object: the lock was released.
	if _, err := c.Noop(ctxT(t)); !errors.Is(err, imap.ErrClosed) {
		t.Fatalf("NOOP after the panic: %v", err)
	}
	c.Close()
	if err := c.SetLiteralHandler(0, nil); !errors.Is(err, imap.ErrClosed) {
		t.Fatalf("SetLiteralHandler after Close: %v", err)
	}
}
