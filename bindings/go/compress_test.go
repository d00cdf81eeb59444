package imap_test

import (
	"bytes"
	"io"
	"testing"

	imap "github.com/libimap/libimap/bindings/go"
)

// COMPRESS=DEFLATE against the test Dovecot: Compress on a plain connection (refused before
// login and when active already), a message fetched back byte for byte and pipelined FETCHes
// compressed; Options.Compress over STARTTLS compresses after Login.
func TestCompress(t *testing.T) {
	ctx := ctxT(t)
	c := dial(t, nil)
	if _, err := c.Compress(ctx); err == nil {
		t.Fatal("COMPRESS before login succeeded")
	} else {
		wantCode(t, err, imap.ErrIllegalState, imap.CodeIllegalState)
	}
	must(t, "LOGIN")(c.Login(ctx, "user1", "pass1"))
	if c.IsCompressed() {
		t.Fatal("compressed before Compress")
	}
	must(t, "COMPRESS")(c.Compress(ctx))
	if !c.IsCompressed() {
		t.Fatal("IsCompressed false after Compress")
	}
	_, err := c.Compress(ctx)
	wantCode(t, err, imap.ErrIllegalState, imap.CodeIllegalState)

	mbox := unique("compress")
	must(t, "CREATE")(c.Create(ctx, mbox))
	defer c.Delete(ctx, mbox)
	msg := message("compressed", 1<<20)
	must(t, "APPEND")(c.Append(ctx, mbox, "", "", msg))
	must(t, "SELECT")(c.Select(ctx, mbox, true))
	r := must(t, "FETCH")(c.Fetch(ctx, "1", "(BODY.PEEK[])"))
	if lits := r.Literals(); len(lits) != 1 || !bytes.Equal(lits[0], msg) {
		t.Fatalf("fetched %d literals, not the message", len(lits))
	}
	// Streamed: OpenBody reads the body through the literal callback; FetchEach streams
	// parsed messages through the library's unlocked waits.
	uid := uint32(0)
	for m, err := range c.FetchEach(ctx, "1:*", "(UID RFC822.SIZE)") {
		if err != nil {
			t.Fatal(err)
		}
		uid = m.UID
		if m.Size != uint64(len(msg)) {
			t.Fatalf("RFC822.SIZE %d, want %d", m.Size, len(msg))
		}
	}
	body, err := c.OpenBody(ctx, uid, "")
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(body)
	if err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("OpenBody: %d bytes, %v", len(got), err)
	}
	var pending []*imap.Pending
	for i := 0; i < 50; i++ {
		p, err := c.SubmitFetch(ctx, "1", "(UID RFC822.SIZE BODY.PEEK[HEADER])")
		if err != nil {
			t.Fatal(err)
		}
		pending = append(pending, p)
	}
	for i, p := range pending {
		r, err := p.Wait(ctx)
		if err != nil || r.Len() == 0 {
			t.Fatalf("pipelined FETCH %d: %v", i, err)
		}
	}
	must(t, "CLOSE")(c.CloseMailbox(ctx))

	o := dial(t, &imap.Options{CAFile: srv["DOVECOT_CA"], StartTLS: true, Compress: true})
	must(t, "LOGIN")(o.Login(ctx, "user1", "pass1"))
	if !o.IsTLS() || !o.IsCompressed() {
		t.Fatalf("TLS %v, compressed %v after Login with Options.Compress", o.IsTLS(), o.IsCompressed())
	}
	must(t, "NOOP")(o.Noop(ctx))
}
