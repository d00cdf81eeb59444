package imap_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"os"
	"time"

	imap "github.com/libimap/libimap/bindings/go"
)

// The example of Python imaplib's documentation: log in, select INBOX, SEARCH ALL, FETCH
// each message, print it, CLOSE and LOGOUT.
//
//	M = imaplib.IMAP4(host='example.org')
//	M.login(getpass.getuser(), getpass.getpass())
//	M.select()
//	typ, data = M.search(None, 'ALL')
//	for num in data[0].split():
//	    typ, data = M.fetch(num, '(RFC822)')
//	    print('Message %s\n%s\n' % (num, data[0][1]))
//	M.close()
//	M.logout()
func Example() {
	ctx := context.Background()
	M, err := imap.Dial(ctx, "example.org", nil) // port 143
	if err != nil {
		log.Fatal(err)
	}
	defer M.Close() // frees the handle; Logout alone does not

	if _, err := M.Login(ctx, os.Getenv("USER"), os.Getenv("IMAP_PASSWORD")); err != nil {
		log.Fatal(err)
	}
	if _, err := M.Select(ctx, "", false); err != nil { // "" is INBOX
		log.Fatal(err)
	}
	r, err := M.Search(ctx, "", "ALL")
	if err != nil {
		log.Fatal(err)
	}
	for _, num := range r.Fields() {
		msg, err := M.Fetch(ctx, string(num), "(RFC822)")
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("Message %s\n%s\n", num, msg.Item(0).Literal)
	}
	M.CloseMailbox(ctx)
	M.Logout(ctx)
}

// Implicit TLS on port 993, trusting a private CA besides the system's.
func ExampleDialTLS() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := imap.DialTLS(ctx, "imap.example.org:993", &imap.Options{CAFile: "/etc/ssl/private-ca.pem"})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	fmt.Println(c.IsTLS(), c.ProtocolVersion())
}

// STARTTLS before Dial returns: a server that refuses it gives ErrTLS, never a plaintext
// connection.
func ExampleDial_startTLS() {
	c, err := imap.Dial(context.Background(), "imap.example.org:143", &imap.Options{StartTLS: true})
	if errors.Is(err, imap.ErrTLS) {
		log.Fatal("no TLS: ", err)
	} else if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
}

// Telling failures apart with errors.Is and reading the server's reply with errors.As.
func ExampleError() {
	ctx := context.Background()
	c, err := imap.Dial(ctx, "imap.example.org", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	_, err = c.Login(ctx, "user", "wrong")
	var e *imap.Error
	switch {
	case errors.Is(err, imap.ErrNo) && errors.As(err, &e):
		// The connection is still usable; the server's text is in the result.
		fmt.Printf("refused: %s [%s]\n", e.Result.Text, e.Result.Code)
	case err != nil:
		log.Fatal(err)
	}
}

// A large FETCH bounded by a deadline. When the deadline ends the call, the error satisfies
// both context.DeadlineExceeded and ErrTimeout, and the connection is closed.
func ExampleClient_Fetch() {
	c, err := imap.Dial(context.Background(), "imap.example.org", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	// ... Login, Select ...
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	r, err := c.Fetch(ctx, "1:*", "(BODY.PEEK[])")
	if errors.Is(err, context.DeadlineExceeded) {
		log.Fatal("too slow; the client is closed now")
	} else if err != nil {
		log.Fatal(err)
	}
	for _, body := range r.Literals() {
		fmt.Println(len(body))
	}
}

// The library's log (passwords are redacted) through log/slog: at LevelDebug every line
// sent and received, at LevelDebug-4 more.
func ExampleClient_SetLogger() {
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := imap.Dial(context.Background(), "imap.example.org", &imap.Options{Logger: logger})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	c.SetLogger(nil) // later: back to stderr, at the level set by SetDebug
}

// Several commands in flight from one goroutine: Submit sends, Wait collects.
func ExampleClient_Submit() {
	ctx := context.Background()
	c, err := imap.Dial(ctx, "imap.example.org", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	// ... Login, Select ...
	var pending []*imap.Pending
	for _, n := range []string{"1", "2", "3"} {
		p, err := c.SubmitFetch(ctx, n, "(UID FLAGS)")
		if err != nil {
			log.Fatal(err)
		}
		pending = append(pending, p)
	}
	st, _ := c.Submit(ctx, "STATUS", imap.String("Sent"), imap.List(imap.Atom("MESSAGES")))
	for _, p := range pending {
		r, err := p.Wait(ctx)
		if err != nil {
			log.Fatal(err)
		}
		msgs, _ := r.ParseFetch()
		fmt.Println(msgs[0].Seq, msgs[0].UID, msgs[0].Flags)
	}
	if r, err := st.Wait(ctx); err == nil {
		s, _ := r.ParseStatus()
		fmt.Println(s[0].Messages)
	}
}

// A whole mailbox, one message at a time, in constant memory.
func ExampleClient_FetchEach() {
	ctx := context.Background()
	c, err := imap.Dial(ctx, "imap.example.org", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	// ... Login, Select ...
	for m, err := range c.FetchEach(ctx, "1:*", "(UID FLAGS ENVELOPE)") {
		if err != nil {
			log.Print(err) // a message that did not parse (m != nil), or the FETCH failed (m == nil)
			continue
		}
		fmt.Println(m.UID, m.Envelope.Subject)
		if m.UID > 1000 {
			break // the rest of the FETCH is read and dropped; c stays usable
		}
	}
}

// imaplib's response(): untagged data collected during earlier commands.
func ExampleClient_Response() {
	ctx := context.Background()
	c, err := imap.Dial(ctx, "imap.example.org", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	// ... Login ...
	c.Select(ctx, "INBOX", true)
	r, _ := c.Response("UIDVALIDITY")
	fmt.Printf("%s\n", r.Item(0).Line)
}

// Waiting for new mail with IDLE: Next returns each update as it arrives; a cancelled
// context or a deadline ends one Next at once (imap_wake) without disturbing the IDLE,
// and Done ends the IDLE.
func ExampleClient_Idle() {
	ctx := context.Background()
	c, err := imap.Dial(ctx, "imap.example.org", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	// ... Login ...
	if _, err := c.Select(ctx, "INBOX", true); err != nil {
		log.Fatal(err)
	}
	idle, err := c.Idle(ctx)
	if err != nil { // ErrUnsupported without the IDLE capability
		log.Fatal(err)
	}
	// Listen for up to 29 minutes (RFC 2177: re-issue IDLE at least every 29 minutes).
	wait, cancel := context.WithTimeout(ctx, 29*time.Minute)
	defer cancel()
	for {
		u, err := idle.Next(wait)
		if errors.Is(err, context.DeadlineExceeded) {
			break // the IDLE is still running: end it below
		} else if err != nil {
			log.Fatal(err)
		}
		if u.Type == "EXISTS" {
			fmt.Printf("mailbox now has %s messages\n", u.Item(0).Line)
			break
		}
	}
	if _, err := idle.Done(ctx); err != nil {
		log.Fatal(err)
	}
}

// AUTHENTICATE with a mechanism of your own: the function answers each challenge; an error
// from it aborts the exchange, and Authenticate's error wraps it.
func ExampleClient_Authenticate() {
	ctx := context.Background()
	c, err := imap.Dial(ctx, "imap.example.org", &imap.Options{StartTLS: true})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	_, err = c.Authenticate(ctx, "LOGIN", nil, func(challenge []byte) ([]byte, error) {
		switch string(challenge) {
		case "Username:":
			return []byte("user"), nil
		case "Password:":
			return []byte(os.Getenv("IMAP_PASSWORD")), nil
		}
		return nil, fmt.Errorf("unexpected challenge %q", challenge)
	})
	if err != nil {
		log.Fatal(err)
	}
}

// A local IMAP server binary over a pipe (imaplib's IMAP4_stream); PREAUTH logs in.
func ExampleDialCommand() {
	ctx := context.Background()
	c, err := imap.DialCommand(ctx, "/usr/lib/dovecot/imap -u user1", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	fmt.Println(c.State()) // AUTH after a PREAUTH greeting
	c.Logout(ctx)
}

// Parsed FETCH data: envelopes and body structures as Go values.
func ExampleClient_FetchParsed() {
	ctx := context.Background()
	c, err := imap.Dial(ctx, "example.org", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Login(ctx, "user", "secret"); err != nil {
		log.Fatal(err)
	}
	if _, err := c.Select(ctx, "INBOX", true); err != nil {
		log.Fatal(err)
	}
	if info, err := c.Mailbox(); err == nil {
		fmt.Println(info.Exists, "messages, UIDVALIDITY", info.UIDValidity)
	}
	msgs, err := c.FetchParsed(ctx, "1:*", "(UID FLAGS ENVELOPE BODYSTRUCTURE)")
	if err != nil && !errors.Is(err, imap.ErrParse) { // ErrParse: msgs holds the rest
		log.Fatal(err)
	}
	for _, m := range msgs {
		if m.Err != nil {
			fmt.Printf("message %d did not parse: %v (%q)\n", m.Seq, m.Err, m.RawBytes)
			continue
		}
		fmt.Println(m.UID, m.Envelope.Subject, m.Flags)
		for i, p := range m.BodyStructure.Children {
			if p.Disposition != nil && p.Disposition.Type == "attachment" {
				fmt.Printf("  part %d: %s/%s %d bytes\n", i+1, p.Type, p.Subtype, p.Size)
			}
		}
	}
}
