package imap_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	imap "github.com/libimap/libimap/bindings/go"
)

// bodyBox makes a mailbox of user1 with a 3 MB message and a small one, SELECTed by c;
// returns their UIDs and bytes.
func bodyBox(t *testing.T, c *imap.Client) (uids [2]uint32, msgs [2][]byte) {
	t.Helper()
	ctx := ctxT(t)
	box := tempMailbox(t, c, "body")
	msgs = [2][]byte{message("big body", 3<<20), message("small body", 300)}
	for i, m := range msgs {
		uids[i] = appendUID(t, must(t, "APPEND")(c.Append(ctx, box, "", "", m)))
	}
	must(t, "SELECT")(c.Select(ctx, box, true))
	return uids, msgs
}

// OpenBody reads a body and a section as they arrive; unknown UIDs and sections give ErrNo,
// bad arguments ErrInvalidArgument; the connection stays usable throughout.
func TestOpenBody(t *testing.T) {
	ctx := ctxT(t)
	c := login(t, "user1")
	uids, msgs := bodyBox(t, c)
	for i := range uids {
		b, err := c.OpenBody(ctx, uids[i], "")
		if err != nil {
			t.Fatalf("OpenBody %d: %v", uids[i], err)
		}
		got, err := io.ReadAll(b)
		if err != nil || !bytes.Equal(got, msgs[i]) || b.Size() != uint64(len(msgs[i])) {
			t.Fatalf("body %d: %d bytes (Size %d), %v; want %d bytes", uids[i], len(got), b.Size(), err, len(msgs[i]))
		}
		if err := b.Close(); err != nil {
			t.Fatalf("Close after the end: %v", err)
		}
	}
	b, err := c.OpenBody(ctx, uids[1], "HEADER")
	if err != nil {
		t.Fatal(err)
	}
	head, _ := io.ReadAll(b)
	if want := msgs[1][:bytes.Index(msgs[1], []byte("\r\n\r\n"))+4]; !bytes.Equal(head, want) {
		t.Fatalf("HEADER %q, want %q", head, want)
	}
	b.Close()

	_, err = c.OpenBody(ctx, uids[1]+100, "")
	wantCode(t, err, imap.ErrNo, imap.CodeNo)
	// A section the message does not have: Dovecot sends it empty.
	if b, err := c.OpenBody(ctx, uids[1], "7.MIME"); err != nil {
		wantCode(t, err, imap.ErrNo, imap.CodeNo)
	} else if got, err := io.ReadAll(b); err != nil || len(got) != 0 || b.Size() != 0 {
		t.Fatalf("7.MIME: %q, %v (Size %d)", got, err, b.Size())
	}
	for _, s := range []string{"1]\r\nX", "]", "\x00"} {
		_, err = c.OpenBody(ctx, uids[1], s)
		wantCode(t, err, imap.ErrInvalidArgument, imap.CodeInvalidArgument)
	}
	_, err = c.OpenBody(ctx, 0, "")
	wantCode(t, err, imap.ErrInvalidArgument, imap.CodeInvalidArgument)
	must(t, "NOOP")(c.Noop(ctx))
}

// Closing early drains the rest: the connection stays usable. Other calls wait while a
// body is open (their contexts apply to the wait, nothing sent) and run once it is closed.
// The literal handler set before is back afterwards.
func TestOpenBodyCloseEarlyAndOtherCalls(t *testing.T) {
	ctx := ctxT(t)
	c := login(t, "user1")
	uids, msgs := bodyBox(t, c)
	var handled int
	if err := c.SetLiteralHandler(1<<20, func(ch imap.LiteralChunk) error { handled += len(ch.Data); return nil }); err != nil {
		t.Fatal(err)
	}

	b, err := c.OpenBody(ctx, uids[0], "")
	if err != nil {
		t.Fatal(err)
	}
	first := make([]byte, 100)
	if _, err := io.ReadFull(b, first); err != nil || !bytes.Equal(first, msgs[0][:100]) {
		t.Fatalf("first bytes %q, %v", first, err)
	}
	// Another call waits for the body: with a deadline, it gives up without sending.
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	_, err = c.Noop(short)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) || !c.IsOpen() {
		t.Fatalf("NOOP during the body: %v (open %v)", err, c.IsOpen())
	}
	// Without one, it runs as soon as the body is closed.
	noop := make(chan error, 1)
	go func() { _, err := c.Noop(ctx); noop <- err }()
	select {
	case err := <-noop:
		t.Fatalf("NOOP ran during the body: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
	if err := b.Close(); err != nil {
		t.Fatalf("Close early: %v", err)
	}
	if err := <-noop; err != nil || !c.IsOpen() {
		t.Fatalf("NOOP after Close: %v (open %v)", err, c.IsOpen())
	}
	if _, err := b.Read(first); err == nil {
		t.Fatal("Read after Close succeeded")
	}
	if handled != 0 {
		t.Fatalf("the literal handler got %d bytes of OpenBody's body", handled)
	}
	// The handler is back: a buffered FETCH of the big body streams to it.
	must(t, "FETCH")(c.UID(ctx, "FETCH", "1:*", "(BODY.PEEK[])"))
	if handled != len(msgs[0]) {
		t.Fatalf("the literal handler got %d bytes after OpenBody, want %d", handled, len(msgs[0]))
	}
}

// A body left unread ends with its context (the connection is closed, as for any
// interrupted call) and with Client.Close, promptly.
func TestOpenBodyCancelAndClose(t *testing.T) {
	c := login(t, "user1")
	uids, _ := bodyBox(t, c)
	ctx, cancel := context.WithCancel(ctxT(t))
	b, err := c.OpenBody(ctx, uids[0], "")
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	cancel()
	_, err = io.ReadAll(b)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("reading after cancel: %v", err)
	}
	if err := b.Close(); !errors.Is(err, context.Canceled) || c.IsOpen() {
		t.Fatalf("Close after cancel: %v (open %v)", err, c.IsOpen())
	}

	c = login(t, "user1")
	uids, _ = bodyBox(t, c)
	b, err = c.OpenBody(ctxT(t), uids[0], "")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	c.Close()
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("Close took %v with a body open", d)
	}
	if _, err := io.ReadAll(b); !errors.Is(err, imap.ErrClosed) && !errors.Is(err, imap.ErrInterrupted) {
		t.Fatalf("reading after Close: %v", err)
	}
}

// What Dovecot does not do: a body sent as a quoted string (no literal), and a literal of
// another message's FETCH before the body asked for, which OpenBody must not take.
func TestOpenBodyFakeServer(t *testing.T) {
	fetches := []string{
		`* 1 FETCH (UID 5 BODY[] "hello quoted")`,
		"* 2 FETCH (UID 6 BODY[] {5}\r\nother)\r\n* 1 FETCH (UID 5 BODY[] {4}\r\nmine)",
	}
	addr := fakeServer(t, func(conn net.Conn, r *bufio.Reader) {
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			f := strings.Fields(line)
			switch strings.ToUpper(f[1]) {
			case "SELECT", "EXAMINE":
				fmt.Fprintf(conn, "* 2 EXISTS\r\n%s OK [READ-ONLY] done\r\n", f[0])
			case "UID":
				fmt.Fprintf(conn, "%s\r\n%s OK done\r\n", fetches[0], f[0])
				fetches = fetches[1:]
			default:
				fmt.Fprintf(conn, "%s OK done\r\n", f[0])
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
	must(t, "EXAMINE")(c.Select(ctx, "INBOX", true))
	for _, want := range []string{"hello quoted", "mine"} {
		b, err := c.OpenBody(ctx, 5, "")
		if err != nil {
			t.Fatalf("OpenBody for %q: %v", want, err)
		}
		got, err := io.ReadAll(b)
		if err != nil || string(got) != want || b.Size() != uint64(len(want)) {
			t.Fatalf("body %q (Size %d), %v; want %q", got, b.Size(), err, want)
		}
	}
}
