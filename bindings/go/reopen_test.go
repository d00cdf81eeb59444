package imap_test

import (
	"bufio"
	"errors"
	"net"
	"strings"
	"testing"

	imap "github.com/libimap/libimap/bindings/go"
)

// checkFresh: the Client is newly connected to the test Dovecot, with nothing left of an
// earlier connection, and NOOP works.
func checkFresh(t *testing.T, c *imap.Client) {
	t.Helper()
	if !c.IsOpen() || c.State() != imap.StateNonAuth || c.IsReadOnly() {
		t.Fatalf("not fresh: open %v, state %v, read-only %v", c.IsOpen(), c.State(), c.IsReadOnly())
	}
	if !c.HasCapability("IMAP4rev1") || !strings.HasPrefix(string(c.Welcome()), "* OK ") {
		t.Fatalf("capabilities %v, welcome %q", c.Capabilities(), c.Welcome())
	}
	r := must(t, "RESPONSE EXISTS")(c.Response("EXISTS"))
	if len(r.Lines()) != 0 {
		t.Fatalf("EXISTS of an earlier connection survived: %q", r.Lines())
	}
	must(t, "NOOP")(c.Noop(ctxT(t)))
}

func TestReopenAfterLogout(t *testing.T) {
	ctx := ctxT(t)
	for _, tc := range []struct {
		name string
		dial func() (*imap.Client, error)
	}{
		{"plain", func() (*imap.Client, error) { return imap.Dial(ctx, plainAddr(), nil) }},
		{"implicit TLS", func() (*imap.Client, error) {
			return imap.DialTLS(ctx, tlsAddr(), &imap.Options{CAFile: srv["DOVECOT_CA"]})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := tc.dial()
			if err != nil {
				t.Fatalf("Dial: %v", err)
			}
			defer c.Close()
			for round := 0; round < 3; round++ {
				if round > 0 {
					if err := c.Reopen(ctx); err != nil {
						t.Fatalf("Reopen after Logout (round %d): %v", round, err)
					}
				}
				checkFresh(t, c)
				must(t, "LOGIN")(c.Login(ctx, "user1", "pass1"))
				must(t, "EXAMINE")(c.Select(ctx, "INBOX", true))
				if !c.IsReadOnly() {
					t.Fatal("EXAMINE did not make the mailbox read-only")
				}
				must(t, "LOGOUT")(c.Logout(ctx))
				if c.IsOpen() {
					t.Fatal("open after Logout")
				}
			}
			// Reopen on an open connection is refused; after Close it says closed.
			if err := c.Reopen(ctx); err != nil {
				t.Fatal(err)
			}
			if err := c.Reopen(ctx); !errors.Is(err, imap.ErrIllegalState) {
				t.Fatalf("Reopen while open: %v", err)
			}
			c.Close()
			if err := c.Reopen(ctx); !errors.Is(err, imap.ErrClosed) {
				t.Fatalf("Reopen after Close: %v", err)
			}
		})
	}
}

// A server whose first connection breaks the protocol mid-session (leaving bytes unread) and
// whose second behaves: Reopen after the failure starts clean.
func TestReopenAfterAFailure(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	done := make(chan error, 1)
	go func() {
		serve := func(replies ...string) error {
			conn, err := ln.Accept()
			if err != nil {
				return err
			}
			defer conn.Close()
			rd := bufio.NewReader(conn)
			if _, err := conn.Write([]byte("* OK [CAPABILITY IMAP4rev1] fake\r\n")); err != nil {
				return err
			}
			for _, reply := range replies {
				line, err := rd.ReadString('\n')
				if err != nil {
					return err
				}
				tag, _, _ := strings.Cut(line, " ")
				if _, err := conn.Write([]byte(strings.ReplaceAll(reply, "{tag}", tag))); err != nil {
					return err
				}
			}
			_, _ = rd.ReadString('\n') // until the client hangs up
			return nil
		}
		if err := serve("* OK [ALERT] early\r\ngarbage\r\n* 1 FETCH (BODY[] {10}\r\nabc"); err != nil {
			done <- err
			return
		}
		done <- serve("{tag} OK second\r\n")
	}()

	ctx := ctxT(t)
	c, err := imap.Dial(ctx, ln.Addr().String(), nil)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	defer c.Close()
	_, err = c.Noop(ctx)
	wantCode(t, err, imap.ErrAbort, imap.CodeAbort)
	if c.IsOpen() {
		t.Fatal("open after ErrAbort")
	}
	if err := c.Reopen(ctx); err != nil {
		t.Fatalf("Reopen after a failure: %v", err)
	}
	r := must(t, "RESPONSE ALERT")(c.Response("ALERT"))
	if len(r.Lines()) != 0 {
		t.Fatalf("ALERT of the first connection survived: %q", r.Lines())
	}
	must(t, "NOOP")(c.Noop(ctx))
	c.Close()
	if err := <-done; err != nil {
		t.Fatalf("fake server: %v", err)
	}
}
