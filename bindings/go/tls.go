package imap

// #include "imap.h"
import "C"

import (
	"crypto/tls"
	"fmt"
)

// TLSConfig holds the TLS options of a Client (Options.TLS), used alike for implicit TLS
// (DialTLS), STARTTLS (Options.StartTLS, Client.StartTLS) and Reopen. The zero value is the
// library's default: the system's CA certificates, the host given to Dial verified and sent
// as SNI, TLS 1.2 or later, no client certificate.
type TLSConfig struct {
	// ServerName is the host name to verify the server's certificate against and to send
	// in the handshake (SNI) instead of the host of the address: for connecting by IP
	// address (or through a tunnel) while still verifying the server's name
	// (imap_set_tls_server_name). "" keeps the address's host.
	ServerName string
	// MinVersion is the oldest TLS version accepted: tls.VersionTLS12 (the default) or
	// tls.VersionTLS13, crypto/tls's constants (imap_set_tls_min_version). 0 keeps the
	// default; another value is an ErrInvalidArgument.
	MinVersion uint16
	// CAFile is a PEM file whose CA certificates are all trusted (a bundle, in any order),
	// besides the system's unless DisableSystemRoots (imap_set_ca_file). A file with no
	// certificate or a broken one fails the connection with ErrTLS naming it.
	CAFile string
	// CADir is a directory of CA certificates in OpenSSL's hashed layout (`openssl rehash
	// DIR`), trusted as CAFile's (imap_set_ca_dir).
	CADir string
	// DisableSystemRoots stops trusting the system's CA certificates: only CAFile's and
	// CADir's are (imap_set_tls_system_roots(0)).
	DisableSystemRoots bool
	// CertFile and KeyFile present a client certificate (PEM) and its PKCS#8 private key
	// (PEM); both or neither (imap_set_client_cert).
	CertFile, KeyFile string
	// InsecureSkipVerify turns certificate and host name verification off
	// (imap_set_tls_verify(0)). Tests only.
	InsecureSkipVerify bool
}

// tlsVersion maps crypto/tls's version constants to the library's imap_tls_version.
func tlsVersion(v uint16) (C.imap_tls_version, error) {
	switch v {
	case tls.VersionTLS12:
		return C.IMAP_TLS_VERSION_TLS12, nil
	case tls.VersionTLS13:
		return C.IMAP_TLS_VERSION_TLS13, nil
	}
	return 0, &Error{Code: CodeInvalidArgument, Op: "CONFIGURE",
		Message: fmt.Sprintf("TLSConfig.MinVersion %#04x: want tls.VersionTLS12 or tls.VersionTLS13", v)}
}

// tlsConfig merges Options' older TLS fields (CAFile, CertFile, KeyFile,
// InsecureSkipVerify) into its TLS: a field set in TLS wins.
func (o *Options) tlsConfig() TLSConfig {
	var t TLSConfig
	if o.TLS != nil {
		t = *o.TLS
	}
	if t.CAFile == "" {
		t.CAFile = o.CAFile
	}
	if t.CertFile == "" && t.KeyFile == "" {
		t.CertFile, t.KeyFile = o.CertFile, o.KeyFile
	}
	t.InsecureSkipVerify = t.InsecureSkipVerify || o.InsecureSkipVerify
	return t
}

// steps returns the C calls that apply t; strings go to a.
func (t TLSConfig) steps(a *args) ([]func(h *C.imap_client) C.imap_code, error) {
	var steps []func(h *C.imap_client) C.imap_code
	if t.InsecureSkipVerify {
		steps = append(steps, func(h *C.imap_client) C.imap_code { return C.imap_set_tls_verify(h, 0) })
	}
	if t.CAFile != "" {
		p := a.str(t.CAFile)
		steps = append(steps, func(h *C.imap_client) C.imap_code { return C.imap_set_ca_file(h, p) })
	}
	if t.CADir != "" {
		p := a.str(t.CADir)
		steps = append(steps, func(h *C.imap_client) C.imap_code { return C.imap_set_ca_dir(h, p) })
	}
	if t.DisableSystemRoots {
		steps = append(steps, func(h *C.imap_client) C.imap_code { return C.imap_set_tls_system_roots(h, 0) })
	}
	if t.ServerName != "" {
		p := a.str(t.ServerName)
		steps = append(steps, func(h *C.imap_client) C.imap_code { return C.imap_set_tls_server_name(h, p) })
	}
	if t.MinVersion != 0 {
		v, err := tlsVersion(t.MinVersion)
		if err != nil {
			return nil, err
		}
		steps = append(steps, func(h *C.imap_client) C.imap_code { return C.imap_set_tls_min_version(h, v) })
	}
	if t.CertFile != "" || t.KeyFile != "" {
		cert, key := a.opt(t.CertFile), a.opt(t.KeyFile)
		steps = append(steps, func(h *C.imap_client) C.imap_code { return C.imap_set_client_cert(h, cert, key) })
	}
	return steps, nil
}
