package imap_test

import (
	"bufio"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"testing"

	imap "github.com/libimap/libimap/bindings/go"
)

// Login chooses SCRAM-SHA-256, the strongest mechanism the test Dovecot offers, over a plain
// connection (allowing plaintext passwords does not weaken the choice) and over TLS.
func TestLoginChoosesSCRAM(t *testing.T) {
	ctx := ctxT(t)
	for _, tc := range []struct {
		name string
		dial func() (*imap.Client, error)
	}{
		{"plain", func() (*imap.Client, error) { return imap.Dial(ctx, plainAddr(), nil) }},
		{"plain, plaintext allowed", func() (*imap.Client, error) {
			return imap.Dial(ctx, plainAddr(), &imap.Options{AllowPlaintextPassword: true})
		}},
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
			if !c.HasCapability("AUTH=SCRAM-SHA-256") {
				t.Fatalf("the test Dovecot does not offer SCRAM-SHA-256: %v", c.Capabilities())
			}
			if m := c.AuthMechanism(); m != "" {
				t.Fatalf("AuthMechanism before login = %q", m)
			}
			r := must(t, "Login")(c.Login(ctx, "user1", "pass1"))
			if r.Status != "OK" || c.State() != imap.StateAuth {
				t.Fatalf("Login: %+v, state %v", r, c.State())
			}
			if m := c.AuthMechanism(); m != "SCRAM-SHA-256" {
				t.Fatalf("AuthMechanism = %q, want SCRAM-SHA-256", m)
			}
			if !c.HasCapability("MOVE") {
				t.Fatalf("capabilities not refreshed after the login: %v", c.Capabilities())
			}
			must(t, "EXAMINE")(c.Select(ctx, "INBOX", true))
			must(t, "LOGOUT")(c.Logout(ctx))
			if m := c.AuthMechanism(); m != "SCRAM-SHA-256" {
				t.Fatalf("AuthMechanism after Logout = %q", m)
			}
			c.Close()
			if m := c.AuthMechanism(); m != "" {
				t.Fatalf("AuthMechanism after Close = %q", m)
			}
		})
	}
}

// LoginCommand sends the LOGIN command although the server offers SCRAM.
func TestLoginCommand(t *testing.T) {
	rec := &recorder{level: slog.LevelDebug}
	c := dial(t, &imap.Options{Logger: slog.New(rec)})
	must(t, "LOGIN")(c.LoginCommand(ctxT(t), "user1", "pass1"))
	if c.State() != imap.StateAuth || c.AuthMechanism() != "LOGIN-COMMAND" {
		t.Fatalf("state %v, mechanism %q", c.State(), c.AuthMechanism())
	}
	if all := rec.text(slog.LevelDebug); !strings.Contains(all, " LOGIN user1 ") || strings.Contains(all, "AUTHENTICATE") {
		t.Fatalf("the trace shows no LOGIN command:\n%s", all)
	}
	must(t, "NOOP")(c.Noop(ctxT(t)))
}

// LoginSCRAM with SCRAM-SHA-1; a mechanism that is not SCRAM is refused before anything is
// sent.
func TestLoginSCRAMSHA1(t *testing.T) {
	c := dial(t, nil)
	_, err := c.LoginSCRAM(ctxT(t), "SCRAM-MD5", "", "user1", "pass1")
	wantCode(t, err, imap.ErrInvalidArgument, imap.CodeInvalidArgument)
	r := must(t, "SCRAM-SHA-1")(c.LoginSCRAM(ctxT(t), "SCRAM-SHA-1", "", "user2", "pass2"))
	if r.Status != "OK" || c.State() != imap.StateAuth || c.AuthMechanism() != "SCRAM-SHA-1" {
		t.Fatalf("%+v, state %v, mechanism %q", r, c.State(), c.AuthMechanism())
	}
	must(t, "NOOP")(c.Noop(ctxT(t)))
}

// A server offering nothing but the LOGIN command over a plain connection: Login refuses
// and sends nothing by default, and uses the LOGIN command with AllowPlaintextPassword.
func TestLoginPlaintextPassword(t *testing.T) {
	for _, allow := range []bool{false, true} {
		t.Run(fmt.Sprint("allow=", allow), func(t *testing.T) {
			first := make(chan string, 1)
			addr := fakeServer(t, func(conn net.Conn, r *bufio.Reader) {
				for n := 0; ; n++ {
					l, err := r.ReadString('\n')
					if err != nil {
						return
					}
					if n == 0 {
						first <- l
					}
					tag, _, _ := strings.Cut(l, " ")
					fmt.Fprintf(conn, "%s OK done\r\n", tag)
				}
			})
			c, err := imap.Dial(ctxT(t), addr, &imap.Options{AllowPlaintextPassword: allow})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			_, err = c.Login(ctxT(t), "u", "secret-p")
			if !allow {
				e := wantCode(t, err, imap.ErrUnsupported, imap.CodeUnsupported)
				if strings.Contains(e.Error(), "secret-p") || c.AuthMechanism() != "" {
					t.Fatalf("error %v, mechanism %q", e, c.AuthMechanism())
				}
				must(t, "NOOP")(c.Noop(ctxT(t)))
				if l := <-first; !strings.HasSuffix(l, " NOOP\r\n") {
					t.Fatalf("sent before NOOP: %q", l)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if l := <-first; !strings.HasSuffix(l, " LOGIN u \"secret-p\"\r\n") || c.AuthMechanism() != "LOGIN-COMMAND" {
				t.Fatalf("sent %q, mechanism %q", l, c.AuthMechanism())
			}
		})
	}
}
