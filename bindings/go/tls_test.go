package imap_test

import (
	"context"
	"crypto/tls"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	imap "github.com/libimap/libimap/bindings/go"
)

// tlsModes are the two ways to TLS: implicit (DialTLS) and STARTTLS (Dial).
var tlsModes = []struct {
	name string
	dial func(ctx context.Context, t *imap.TLSConfig) (*imap.Client, error)
}{
	{"implicit", func(ctx context.Context, t *imap.TLSConfig) (*imap.Client, error) {
		return imap.DialTLS(ctx, tlsAddr(), &imap.Options{TLS: t})
	}},
	{"starttls", func(ctx context.Context, t *imap.TLSConfig) (*imap.Client, error) {
		return imap.Dial(ctx, plainAddr(), &imap.Options{TLS: t, StartTLS: true})
	}},
}

// tlsWorks connects with t (by address: DOVECOT_HOST is 127.0.0.1), logs in and out.
func tlsWorks(t *testing.T, dial func(context.Context, *imap.TLSConfig) (*imap.Client, error), cfg *imap.TLSConfig) {
	t.Helper()
	ctx := ctxT(t)
	c, err := dial(ctx, cfg)
	if err != nil {
		t.Fatalf("%+v: %v", cfg, err)
	}
	defer c.Close()
	if !c.IsTLS() {
		t.Fatalf("%+v: IsTLS false", cfg)
	}
	must(t, "LOGIN")(c.Login(ctx, "user1", "pass1"))
	must(t, "LOGOUT")(c.Logout(ctx))
}

// tlsFails connects with cfg and wants ErrTLS with a message holding want.
func tlsFails(t *testing.T, dial func(context.Context, *imap.TLSConfig) (*imap.Client, error), cfg *imap.TLSConfig, want string) {
	t.Helper()
	c, err := dial(ctxT(t), cfg)
	if err == nil {
		c.Close()
		t.Fatalf("%+v: connected, want ErrTLS %q", cfg, want)
	}
	e := wantCode(t, err, imap.ErrTLS, imap.CodeTLS)
	if !strings.Contains(e.Message, want) {
		t.Fatalf("%+v: %q, want it to say %q", cfg, e.Message, want)
	}
}

// hashedCADir returns a CA directory in OpenSSL's hashed layout holding the test CA, and an
// empty directory.
func hashedCADir(t *testing.T) (dir, empty string) {
	dir, empty = t.TempDir(), t.TempDir()
	ca, err := os.ReadFile(srv["DOVECOT_CA"])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "test-ca.pem"), ca, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("openssl", "rehash", dir).CombinedOutput(); err != nil {
		t.Skipf("openssl rehash: %v %s", err, out)
	}
	return dir, empty
}

// TLSConfig against the test Dovecot (its self-signed certificate names localhost and
// 127.0.0.1), for implicit TLS and STARTTLS alike: the system's CA certificates off, a CA
// file, a hashed CA directory, the name verified when connecting by address, the oldest
// version, a client certificate; and the errors each gives.
func TestTLSConfig(t *testing.T) {
	ca := srv["DOVECOT_CA"]
	dir, empty := hashedCADir(t)
	certDir := filepath.Dir(ca)
	for _, m := range tlsModes {
		t.Run(m.name, func(t *testing.T) {
			// The system's certificates off and nothing else: nothing verifies the server.
			tlsFails(t, m.dial, &imap.TLSConfig{DisableSystemRoots: true}, "certificate verify failed")
			tlsWorks(t, m.dial, &imap.TLSConfig{DisableSystemRoots: true, CAFile: ca})
			tlsWorks(t, m.dial, &imap.TLSConfig{DisableSystemRoots: true, CADir: dir})
			tlsFails(t, m.dial, &imap.TLSConfig{DisableSystemRoots: true, CADir: empty}, "certificate verify failed")
			tlsFails(t, m.dial, &imap.TLSConfig{CADir: "/nonexistent/libimap-go-ca-dir"}, "/nonexistent/libimap-go-ca-dir")
			// By address, verifying a name: the certificate's, then another one.
			tlsWorks(t, m.dial, &imap.TLSConfig{DisableSystemRoots: true, CAFile: ca, ServerName: "localhost"})
			tlsFails(t, m.dial, &imap.TLSConfig{CAFile: ca, ServerName: "mail.example.org"}, "mail.example.org")
			// TLS 1.3 only: the test Dovecot speaks it.
			tlsWorks(t, m.dial, &imap.TLSConfig{CAFile: ca, MinVersion: tls.VersionTLS13})
			// A client certificate and key (the server does not ask for one); a missing key
			// file fails the connection naming it.
			tlsWorks(t, m.dial, &imap.TLSConfig{CAFile: ca, CertFile: ca, KeyFile: filepath.Join(certDir, "key.pem")})
			tlsFails(t, m.dial, &imap.TLSConfig{CAFile: ca, CertFile: ca, KeyFile: "/nonexistent/libimap-go-key.pem"},
				"/nonexistent/libimap-go-key.pem")
			// Verification off: no CA needed (tests only).
			tlsWorks(t, m.dial, &imap.TLSConfig{DisableSystemRoots: true, InsecureSkipVerify: true})
		})
	}
	// Bad values: ErrInvalidArgument before connecting.
	ctx := ctxT(t)
	for _, cfg := range []*imap.TLSConfig{
		{MinVersion: tls.VersionTLS11}, {ServerName: "a b"}, {ServerName: "x\r\n"},
		{CertFile: ca}, // a certificate without its key
	} {
		c, err := imap.DialTLS(ctx, tlsAddr(), &imap.Options{TLS: cfg})
		if err == nil {
			c.Close()
			t.Fatalf("%+v: connected", cfg)
		}
		e := wantCode(t, err, imap.ErrInvalidArgument, imap.CodeInvalidArgument)
		if cfg.MinVersion != 0 && !strings.Contains(e.Message, "0x0302") {
			t.Errorf("MinVersion error %q does not name the value", e.Message)
		}
	}
	// The older Options fields still work, and TLS's win over them.
	c, err := imap.DialTLS(ctx, tlsAddr(), &imap.Options{CAFile: "/nonexistent/ca.pem",
		TLS: &imap.TLSConfig{CAFile: ca, DisableSystemRoots: true}})
	if err != nil {
		t.Fatalf("TLS.CAFile over Options.CAFile: %v", err)
	}
	c.Close()
}

// tlsChildEnv marks the child process of TestTLSSystemRoots.
const tlsChildEnv = "LIBIMAP_GO_TLS_CHILD"

// The system's CA certificates are trusted by default and not with DisableSystemRoots. They
// are OpenSSL's defaults, which SSL_CERT_FILE and SSL_CERT_DIR choose when the first TLS
// connection of the process reads them: so this runs in a child process whose "system
// store" is the test CA alone.
func TestTLSSystemRoots(t *testing.T) {
	if os.Getenv(tlsChildEnv) == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestTLSSystemRoots$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), tlsChildEnv+"=1", "SSL_CERT_FILE="+srv["DOVECOT_CA"],
			"SSL_CERT_DIR="+t.TempDir())
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS: TestTLSSystemRoots") {
			t.Fatalf("child: %v\n%s", err, out)
		}
		return
	}
	for _, m := range tlsModes {
		tlsWorks(t, m.dial, nil)
		tlsWorks(t, m.dial, &imap.TLSConfig{})
		tlsFails(t, m.dial, &imap.TLSConfig{DisableSystemRoots: true}, "certificate verify failed")
	}
	if _, err := imap.DialTLS(ctxT(t), tlsAddr(), &imap.Options{TLS: &imap.TLSConfig{DisableSystemRoots: true}}); !errors.Is(err, imap.ErrTLS) {
		t.Fatalf("DisableSystemRoots: %v", err)
	}
}
