// The package test's Go program: it requires the binding by its module path (fetched from a
// module proxy) and links the installed libimap through pkg-config. It logs in, selects
// INBOX read-only and fetches the first message's UID, flags and envelope.
//
//	app HOST PORT USER PASSWORD
package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"time"

	imap "github.com/libimap/libimap/bindings/go"
)

func main() {
	if len(os.Args) != 5 {
		fmt.Fprintln(os.Stderr, "usage: app HOST PORT USER PASSWORD")
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c, err := imap.Dial(ctx, net.JoinHostPort(os.Args[1], os.Args[2]), nil)
	if err != nil {
		fail(err)
	}
	defer c.Close()
	if _, err := c.Login(ctx, os.Args[3], os.Args[4]); err != nil {
		fail(err)
	}
	if _, err := c.Select(ctx, "INBOX", true); err != nil {
		fail(err)
	}
	msgs, err := c.FetchParsed(ctx, "1", "(UID FLAGS ENVELOPE)")
	if err != nil {
		fail(err)
	}
	if len(msgs) != 1 || msgs[0].UID == 0 || msgs[0].Envelope == nil {
		fail(fmt.Errorf("FETCH 1: %d messages, want one with a UID and an envelope", len(msgs)))
	}
	if _, err := c.Logout(ctx); err != nil {
		fail(err)
	}
	fmt.Printf("app: libimap %s, INBOX message 1: UID %d, subject %q\n",
		imap.Version(), msgs[0].UID, msgs[0].Envelope.Subject)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "app:", err)
	os.Exit(1)
}
