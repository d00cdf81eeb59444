package imap_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	imap "github.com/libimap/libimap/bindings/go"
)

// unrelatedCA returns a freshly generated self-signed CA certificate (PEM) that did not sign
// the test server's certificate.
func unrelatedCA(t *testing.T, name string) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "libimap unrelated test CA " + name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(48 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// Options.CAFile trusts every certificate of a bundle, whatever its position; a bundle
// without the server's CA fails with ErrTLS, by implicit TLS and by STARTTLS.
func TestCAFileBundle(t *testing.T) {
	right, err := os.ReadFile(srv["DOVECOT_CA"])
	if err != nil {
		t.Fatal(err)
	}
	a, b := unrelatedCA(t, "a"), unrelatedCA(t, "b")
	dir := t.TempDir()
	cases := []struct {
		name  string
		parts [][]byte
		ok    bool
	}{
		{"right-last", [][]byte{a, right}, true},
		{"right-first", [][]byte{right, a}, true},
		{"right-middle", [][]byte{a, right, b}, true},
		{"unrelated", [][]byte{a, b}, false},
	}
	for _, tc := range cases {
		path := filepath.Join(dir, tc.name+".pem")
		if err := os.WriteFile(path, bytes.Join(tc.parts, nil), 0o600); err != nil {
			t.Fatal(err)
		}
		for _, startTLS := range []bool{false, true} {
			ctx := ctxT(t)
			var c *imap.Client
			var err error
			if startTLS {
				c, err = imap.Dial(ctx, plainAddr(), &imap.Options{CAFile: path, StartTLS: true})
			} else {
				c, err = imap.DialTLS(ctx, tlsAddr(), &imap.Options{CAFile: path})
			}
			if !tc.ok {
				if err == nil {
					c.Close()
					t.Errorf("%s (starttls=%v): connected without the server's CA", tc.name, startTLS)
				} else if !errors.Is(err, imap.ErrTLS) {
					t.Errorf("%s (starttls=%v): %v, want ErrTLS", tc.name, startTLS, err)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s (starttls=%v): %v", tc.name, startTLS, err)
				continue
			}
			if !c.IsTLS() {
				t.Errorf("%s: IsTLS false", tc.name)
			}
			must(t, "LOGIN")(c.Login(ctx, "user3", "pass3"))
			must(t, "LOGOUT")(c.Logout(ctx))
			c.Close()
		}
	}
}
