package imap

/*
#include <stdint.h>
#include <stdlib.h>
#include "imap.h"

extern int32_t libimapGoSASL(uintptr_t handle, uint8_t *challenge, size_t challenge_len,
                             uint8_t **response, size_t *response_len);

static int32_t libimap_go_sasl_trampoline(void *user_data, const uint8_t *challenge,
                                          size_t challenge_len, const uint8_t **response,
                                          size_t *response_len) {
	return libimapGoSASL((uintptr_t)user_data, (uint8_t *)challenge, challenge_len,
	                     (uint8_t **)response, response_len);
}

// AUTHENTICATE with the Go callback; the cgo.Handle of the call's state travels as user_data.
static imap_code libimap_go_authenticate(imap_client *client, const char *mechanism,
                                         const uint8_t *initial, size_t initial_len,
                                         uintptr_t handle, imap_result **out) {
	return imap_authenticate(client, mechanism, initial, initial_len,
	                         libimap_go_sasl_trampoline, (void *)handle, out);
}
*/
import "C"

import (
	"context"
	"errors"
	"runtime/cgo"
	"unsafe"
)

// SASLFunc answers one challenge of an Authenticate exchange. It receives the decoded
// challenge and returns the response, unencoded (the library base64-encodes it); returning
// an error aborts the exchange (the client sends "*") and Authenticate returns an error
// that wraps it. It runs on the goroutine calling Authenticate, during the call: it must not
// call commands of the same client (accessors are fine), and it should not block for long,
// since cancelling Authenticate's context cannot interrupt it. A panic in it aborts the
// exchange and is re-raised by Authenticate.
type SASLFunc func(challenge []byte) (response []byte, err error)

// Authenticate sends AUTHENTICATE mechanism, answering each challenge with fn (imaplib's
// authenticate(mechanism, authobject); as there, the mechanism is not checked against the
// capabilities). initialResponse, if not nil, is sent on the command line (SASL-IR; a
// non-nil empty slice sends an empty initial response). Success moves to StateAuth and
// refreshes the capabilities; a rejection gives ErrNo. The exchange never appears in a
// trace. When fn returns an error the server usually answers BAD: the error satisfies
// errors.Is for both ErrBad (or ErrNo) and fn's error, and the connection is still usable.
// On a connection where TLS was asked for and is not up, nothing is sent (ErrTLS).
func (c *Client) Authenticate(ctx context.Context, mechanism string, initialResponse []byte, fn SASLFunc) (*Result, error) {
	const op = "AUTHENTICATE"
	if fn == nil {
		return nil, &Error{Code: CodeInvalidArgument, Op: op, Message: "nil SASLFunc"}
	}
	var a args
	mech := a.str(mechanism)
	var initial unsafe.Pointer
	if initialResponse != nil {
		initial = C.CBytes(append(initialResponse[:len(initialResponse):len(initialResponse)], 0))
		defer C.free(initial)
	}
	st := &saslState{fn: fn}
	handle := cgo.NewHandle(st)
	defer func() {
		handle.Delete()
		st.freeResponse()
	}()
	res, err := c.cmd(ctx, op, &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.libimap_go_authenticate(h, mech, (*C.uint8_t)(initial), C.size_t(len(initialResponse)),
			C.uintptr_t(handle), out)
	})
	if st.panicked != nil {
		panic(st.panicked)
	}
	if st.err != nil {
		var e *Error
		if errors.As(err, &e) {
			e.cause = st.err
		} else if err == nil {
			// The server accepted even though the exchange was aborted: report the abort.
			return res, &Error{Code: CodeNo, Op: op, Message: "exchange aborted by the callback",
				Result: res, cause: st.err}
		}
	}
	return res, err
}

// LoginPlain sends AUTHENTICATE PLAIN (RFC 4616) as user with password, acting as authzid
// unless it is "" (a master-user login: authenticate as the master, act as authzid). The
// credentials go on the command line when the server offers SASL-IR. Only if the
// capabilities list AUTH=PLAIN (after TLS when TLS is on): otherwise ErrUnsupported and
// nothing is sent. A rejection gives ErrNo.
func (c *Client) LoginPlain(ctx context.Context, authzid, user, password string) (*Result, error) {
	var a args
	z, u, p := a.opt(authzid), a.str(user), a.str(password)
	return c.cmd(ctx, "AUTHENTICATE", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_login_plain(h, z, u, p, out)
	})
}

// LoginSCRAM sends AUTHENTICATE with SCRAM (RFC 5802, RFC 7677): mechanism is
// "SCRAM-SHA-256", "SCRAM-SHA-1", or either with "-PLUS" (channel binding to the TLS server
// certificate, tls-server-end-point: TLS required). The password never goes to the server,
// and the server must prove it knows it: a wrong or missing server signature, a server nonce
// that does not extend the client's, or an iteration count above 1,000,000 gives ErrAbort
// and closes the connection. authzid, unless "", is the identity to act as. Requires
// AUTH=<mechanism> (else ErrUnsupported and nothing is sent); another mechanism name is
// ErrInvalidArgument. A wrong password gives ErrNo.
func (c *Client) LoginSCRAM(ctx context.Context, mechanism, authzid, user, password string) (*Result, error) {
	var a args
	m, z, u, p := a.str(mechanism), a.opt(authzid), a.str(user), a.str(password)
	return c.cmd(ctx, "AUTHENTICATE", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_login_scram(h, m, z, u, p, out)
	})
}

// LoginSASLLogin sends AUTHENTICATE LOGIN: the user name, then the password, each answering
// a challenge. (This is the SASL mechanism LOGIN; LoginCommand is IMAP's LOGIN command.) Requires
// AUTH=LOGIN, else ErrUnsupported and nothing is sent.
func (c *Client) LoginSASLLogin(ctx context.Context, user, password string) (*Result, error) {
	var a args
	u, p := a.str(user), a.str(password)
	return c.cmd(ctx, "AUTHENTICATE", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_login_sasl_login(h, u, p, out)
	})
}

// LoginCramMD5 sends AUTHENTICATE CRAM-MD5 (RFC 2195; imaplib's login_cram_md5), answering
// the challenge with the user name and the HMAC-MD5 of the challenge keyed by the password.
// Requires AUTH=CRAM-MD5, else ErrUnsupported and nothing is sent.
func (c *Client) LoginCramMD5(ctx context.Context, user, password string) (*Result, error) {
	var a args
	u, p := a.str(user), a.str(password)
	return c.cmd(ctx, "AUTHENTICATE", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_login_cram_md5(h, u, p, out)
	})
}

// LoginXOAuth2 sends AUTHENTICATE XOAUTH2 with an OAuth 2.0 bearer token obtained by the
// caller. Requires AUTH=XOAUTH2, else ErrUnsupported and nothing is sent. A rejected token
// gives ErrNo with the server's text.
func (c *Client) LoginXOAuth2(ctx context.Context, user, token string) (*Result, error) {
	var a args
	u, t := a.str(user), a.str(token)
	return c.cmd(ctx, "AUTHENTICATE", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_login_xoauth2(h, u, t, out)
	})
}

// LoginOAuthBearer sends AUTHENTICATE OAUTHBEARER (RFC 7628) with a bearer token; the host
// and port sent are the ones connected to. Requires AUTH=OAUTHBEARER, else ErrUnsupported
// and nothing is sent.
func (c *Client) LoginOAuthBearer(ctx context.Context, user, token string) (*Result, error) {
	var a args
	u, t := a.str(user), a.str(token)
	return c.cmd(ctx, "AUTHENTICATE", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_login_oauthbearer(h, u, t, out)
	})
}

// AuthMechanism returns the mechanism of the last successful login on this connection:
// "SCRAM-SHA-256", "SCRAM-SHA-256-PLUS", "SCRAM-SHA-1", "SCRAM-SHA-1-PLUS", "CRAM-MD5",
// "PLAIN", "LOGIN" (the SASL mechanism), "XOAUTH2", "OAUTHBEARER", or "LOGIN-COMMAND" for
// the LOGIN command; "" before a login, after Authenticate with a mechanism of the caller's,
// and after Close.
func (c *Client) AuthMechanism() string {
	var m string
	c.accessor(func(h *C.imap_client) { m = goString(C.imap_client_auth_mechanism(h)) })
	return m
}
