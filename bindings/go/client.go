package imap

/*
#include <stdint.h>
#include <stdlib.h>
#include "imap.h"

extern void libimapGoLog(uintptr_t handle, int32_t level, char *message);

static void libimap_go_log_trampoline(void *user_data, imap_log_level level, const char *message) {
	libimapGoLog((uintptr_t)user_data, (int32_t)level, (char *)message);
}

// Sets (on != 0) or clears the log callback; the hooks' cgo.Handle travels as user_data.
static imap_code libimap_go_set_log(imap_client *client, uintptr_t handle, int on) {
	return imap_set_log_callback(client, on ? libimap_go_log_trampoline : NULL, (void *)handle);
}
*/
import "C"

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"net"
	"runtime"
	"runtime/cgo"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// Library defaults (imap_client_new).
const (
	DefaultConnectTimeout = 30 * time.Second
	DefaultIOTimeout      = 60 * time.Second
	defaultMinRate        = 1024 // imap_set_call_timeout's default, in bytes/s
)

// Options configures Dial, DialTLS and DialCommand. The zero value (or nil) gives the
// library's defaults: plain TCP, certificate verification on, 30 s connect and 60 s I/O
// timeouts.
type Options struct {
	// StartTLS upgrades a Dial connection with STARTTLS before Dial returns; any failure of
	// it is an ErrTLS and no connection. Not allowed with DialTLS.
	StartTLS bool
	// TLS holds the TLS options (server name, minimum version, CA file and directory, the
	// system's CA certificates on or off, client certificate), for implicit TLS and STARTTLS
	// alike; nil is the library's defaults.
	TLS *TLSConfig
	// CAFile, InsecureSkipVerify, CertFile and KeyFile are the TLSConfig fields of the same
	// names, kept for older programs; a field set in TLS wins.
	CAFile             string
	InsecureSkipVerify bool
	CertFile, KeyFile  string
	// ConnectTimeout and IOTimeout replace the library's defaults when positive. IOTimeout
	// bounds each wait for bytes, reading or writing.
	ConnectTimeout, IOTimeout time.Duration
	// CallTimeout is the deadline of every call (0: the I/O timeout), pushed back while at
	// least MinRate bytes/s flow, to at most CallTimeout ahead (imap_set_call_timeout).
	// MinRate 0 keeps the library's 1024 bytes/s; a negative MinRate makes it fixed.
	CallTimeout time.Duration
	MinRate     int
	// Memory limits (imap_set_limit); 0 keeps the library's default. Exceeding one is an
	// ErrLimit and closes the connection.
	MaxLine, MaxLiteral, MaxResponse, MaxUntagged uint64
	// Logger receives the library's log messages (see SetLogger); Debug is the level
	// (0..5, see SetDebug), taken from the Logger when 0.
	Logger *slog.Logger
	Debug  int
	// MailboxEncoding says how mailbox names are sent (see SetMailboxEncoding).
	MailboxEncoding MailboxEncoding
	// Progress receives progress reports of every literal sent or received (see
	// SetProgressHandler).
	Progress ProgressFunc
	// AllowPlaintextPassword lets Login send the password itself (AUTHENTICATE PLAIN, the
	// LOGIN command) over a connection without TLS when the server offers no mechanism that
	// keeps it secret (imap_set_plaintext_password). The default, false, refuses: Login then
	// fails with ErrUnsupported and sends nothing. LoginCommand and LoginPlain always do what
	// they are asked.
	AllowPlaintextPassword bool
	// IMAP4rev2 sends ENABLE IMAP4rev2 after each successful login when the server offers
	// IMAP4rev2 (RFC 9051; imap_set_auto_imap4rev2); see Client.IMAP4rev2. Off by default,
	// as imaplib.
	IMAP4rev2 bool
	// NonSyncLiteralMax is the largest APPEND message sent at once, without waiting for the
	// server's continuation, when the server offers LITERAL+ or LITERAL- (RFC 7888;
	// imap_set_nonsync_literal_max). 0 keeps the library's 4096; a negative value makes every
	// message literal synchronizing, as imaplib does. Messages from AppendReader always wait.
	NonSyncLiteralMax int
	// Compress sends COMPRESS DEFLATE (RFC 4978) after every successful login when the
	// server offers it (imap_set_compress); a refusal leaves the connection uncompressed.
	// Off by default, as imaplib has no COMPRESS. See Client.Compress and IsCompressed.
	Compress bool
}

// Client is a connection to an IMAP server. It is safe for concurrent use: calls from
// several goroutines are pipelined by the library (see the package documentation).
type Client struct {
	h      *C.imap_client // valid until Close has seen every call leave
	mu     sync.Mutex     // guards calls and closed; held only to enter and leave, never during a call
	left   sync.Cond      // signalled when calls drops to 0 after Close began
	calls  int            // calls in progress
	closed bool

	gate gate // shared by every call; OpenBody's FETCH holds it alone

	hooks  *hooks // what the library's callbacks reach, through hooksH
	hooksH cgo.Handle
	target target // what Dial, DialTLS or DialCommand connected to, for Reopen
}

// hooks is what the log and literal callbacks need; it holds no reference to the Client, so
// a forgotten Client can still be finalized.
type hooks struct {
	mu       sync.Mutex
	logger   *slog.Logger
	literal  LiteralFunc
	litMin   uint64 // SetLiteralHandler's minSize
	body     func() // ends the OpenBody transfer in progress (for Close), or nil
	progress ProgressFunc
	litErr   error // the literal handler's error that stopped a transfer, until a call takes it
	litPan   any   // a panic of the literal handler, re-raised by the call that returns ABORT
}

// target is where a Client connects: a host, port and TLS mode, or a command.
type target struct {
	host    string
	port    uint16
	mode    C.int32_t
	command string
	stream  bool
}

// Dial connects to addr ("host:port"; "host" alone uses port 143) over plain TCP, reads the
// greeting and learns the capabilities (imaplib's IMAP4(host, port)). With opts.StartTLS it
// then upgrades the connection (IMAP4 + starttls()).
func Dial(ctx context.Context, addr string, opts *Options) (*Client, error) {
	mode := C.int32_t(C.IMAP_TLS_MODE_NONE)
	if opts != nil && opts.StartTLS {
		mode = C.IMAP_TLS_MODE_STARTTLS
	}
	return dial(ctx, addr, opts, mode)
}

// DialTLS connects to addr ("host:port"; "host" alone uses port 993) with TLS from the
// first byte (imaplib's IMAP4_SSL).
func DialTLS(ctx context.Context, addr string, opts *Options) (*Client, error) {
	if opts != nil && opts.StartTLS {
		return nil, &Error{Code: CodeInvalidArgument, Op: "CONNECT",
			Message: "StartTLS is for Dial; DialTLS uses implicit TLS"}
	}
	return dial(ctx, addr, opts, C.IMAP_TLS_MODE_IMPLICIT)
}

// DialCommand runs command with /bin/sh -c and speaks IMAP over its standard input and
// output (imaplib's IMAP4_stream). A PREAUTH greeting puts the Client in StateAuth. Options
// apply as for Dial, except StartTLS. The child is reaped when the connection closes.
func DialCommand(ctx context.Context, command string, opts *Options) (*Client, error) {
	if opts != nil && opts.StartTLS {
		return nil, &Error{Code: CodeInvalidArgument, Op: "CONNECT",
			Message: "StartTLS is for Dial; a command connection has no TLS"}
	}
	return open(ctx, opts, target{command: command, stream: true})
}

func dial(ctx context.Context, addr string, opts *Options, mode C.int32_t) (*Client, error) {
	host, portStr, err := net.SplitHostPort(addr)
	var port uint64
	if err != nil { // no port (or a bare IPv6 address): the library's default port
		host = strings.TrimSuffix(strings.TrimPrefix(addr, "["), "]")
	} else if port, err = strconv.ParseUint(portStr, 10, 16); err != nil {
		return nil, &Error{Code: CodeInvalidArgument, Op: "CONNECT",
			Message: fmt.Sprintf("bad port %q in address %q", portStr, addr)}
	}
	return open(ctx, opts, target{host: host, port: uint16(port), mode: mode})
}

// connect is the C call that opens t.
func (t target) connect(a *args) cfunc {
	if t.stream {
		cmd := a.str(t.command)
		return func(h *C.imap_client, _ **C.imap_result) C.imap_code { return C.imap_open_stream(h, cmd) }
	}
	host := a.str(t.host)
	return func(h *C.imap_client, _ **C.imap_result) C.imap_code {
		return C.imap_open(h, host, C.uint16_t(t.port), t.mode)
	}
}

// Reopen connects the Client again to what Dial, DialTLS or DialCommand connected it to,
// with the same options (imaplib's open()), once Logout or a failure closed the connection.
// The new connection starts clean. ErrIllegalState while the connection is still open;
// ErrClosed after Close.
func (c *Client) Reopen(ctx context.Context) error {
	var a args
	_, err := c.cmd(ctx, "CONNECT", &a, c.target.connect(&a))
	return err
}

func durationMS(d time.Duration) C.uint32_t {
	return C.uint32_t(min(max((d+time.Millisecond-1)/time.Millisecond, 1), math.MaxUint32))
}

// open makes a handle, applies opts and connects it to t.
func open(ctx context.Context, opts *Options, t target) (*Client, error) {
	if opts == nil {
		opts = &Options{}
	}
	var h *C.imap_client
	if code := Code(C.imap_client_new(&h)); code != CodeOK {
		return nil, &Error{Code: code, Op: "CONNECT", Message: "imap_client_new failed"}
	}
	c := &Client{h: h, hooks: &hooks{}, target: t}
	c.left.L = &c.mu
	c.hooksH = cgo.NewHandle(c.hooks)
	runtime.SetFinalizer(c, (*Client).Close)
	if err := c.configure(opts); err != nil {
		c.Close()
		return nil, err
	}
	if err := c.Reopen(ctx); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

func (c *Client) configure(o *Options) error {
	set := func(f func(h *C.imap_client) C.imap_code) error {
		_, err := c.run(context.Background(), "CONFIGURE", func(h *C.imap_client, _ **C.imap_result) C.imap_code { return f(h) })
		return err
	}
	var a args
	defer a.free()
	connect, io := durationMS(DefaultConnectTimeout), durationMS(DefaultIOTimeout)
	if o.ConnectTimeout > 0 {
		connect = durationMS(o.ConnectTimeout)
	}
	if o.IOTimeout > 0 {
		io = durationMS(o.IOTimeout)
	}
	steps := []func(h *C.imap_client) C.imap_code{
		func(h *C.imap_client) C.imap_code { return C.imap_set_timeouts(h, connect, io) },
	}
	if o.CallTimeout > 0 || o.MinRate != 0 {
		var callMS C.uint32_t
		if o.CallTimeout > 0 {
			callMS = durationMS(o.CallTimeout)
		}
		rate := C.uint32_t(defaultMinRate)
		if o.MinRate != 0 {
			rate = C.uint32_t(min(uint64(max(o.MinRate, 0)), math.MaxUint32))
		}
		steps = append(steps, func(h *C.imap_client) C.imap_code { return C.imap_set_call_timeout(h, callMS, rate) })
	}
	for _, l := range []struct {
		id C.imap_limit
		v  uint64
	}{{C.IMAP_LIMIT_LINE, o.MaxLine}, {C.IMAP_LIMIT_LITERAL, o.MaxLiteral},
		{C.IMAP_LIMIT_RESPONSE, o.MaxResponse}, {C.IMAP_LIMIT_UNTAGGED, o.MaxUntagged}} {
		if l.v != 0 {
			steps = append(steps, func(h *C.imap_client) C.imap_code { return C.imap_set_limit(h, l.id, C.uint64_t(l.v)) })
		}
	}
	tlsSteps, err := o.tlsConfig().steps(&a)
	if err != nil {
		return err
	}
	steps = append(steps, tlsSteps...)
	if o.MailboxEncoding != MailboxEncodingUTF7 {
		steps = append(steps, func(h *C.imap_client) C.imap_code {
			return C.imap_set_mailbox_encoding(h, C.int32_t(o.MailboxEncoding))
		})
	}
	if o.AllowPlaintextPassword {
		steps = append(steps, func(h *C.imap_client) C.imap_code { return C.imap_set_plaintext_password(h, 1) })
	}
	if o.IMAP4rev2 {
		steps = append(steps, func(h *C.imap_client) C.imap_code { return C.imap_set_auto_imap4rev2(h, 1) })
	}
	if o.NonSyncLiteralMax != 0 {
		n := C.size_t(max(o.NonSyncLiteralMax, 0))
		steps = append(steps, func(h *C.imap_client) C.imap_code { return C.imap_set_nonsync_literal_max(h, n) })
	}
	if o.Compress {
		steps = append(steps, func(h *C.imap_client) C.imap_code { return C.imap_set_compress(h, 1) })
	}
	if a.err != nil {
		a.err.Op = "CONFIGURE"
		return a.err
	}
	for _, f := range steps {
		if err := set(f); err != nil {
			return err
		}
	}
	if o.Logger != nil {
		if err := c.SetLogger(o.Logger); err != nil {
			return err
		}
	}
	if o.Progress != nil {
		if err := c.SetProgressHandler(o.Progress); err != nil {
			return err
		}
	}
	if o.Debug != 0 {
		return c.SetDebug(o.Debug)
	}
	return nil
}

// enter registers a call; false once Close has begun.
func (c *Client) enter() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return false
	}
	c.calls++
	return true
}

func (c *Client) leave() {
	c.mu.Lock()
	if c.calls--; c.calls == 0 && c.closed {
		c.left.Broadcast()
	}
	c.mu.Unlock()
}

// cfunc is one C call on the handle; it stores its result (if any) in *out.
type cfunc func(h *C.imap_client, out **C.imap_result) C.imap_code

// run performs one C call with ctx mapped to imap_interrupt and converts the outcome. For
// NO, BAD and READONLY the Result is returned with the error.
func (c *Client) run(ctx context.Context, op string, f cfunc) (*Result, error) {
	return c.runIn(ctx, op, f, c.exec)
}

// runIn is run with exec or execHeld.
func (c *Client) runIn(ctx context.Context, op string, f cfunc,
	exec func(context.Context, string, func(*C.imap_client) C.imap_code) (Code, string, error, error)) (*Result, error) {
	var out *C.imap_result
	code, msg, ctxErr, err := exec(ctx, op, func(h *C.imap_client) C.imap_code { return f(h, &out) })
	if err != nil {
		return nil, err
	}
	return c.outcome(op, code, msg, ctxErr, newResult(out))
}

// exec makes one C call on the handle for op, registered with enter/leave so that Close
// waits for it, and interruptible by ctx.
//
// Cancellation: context.AfterFunc calls imap_interrupt once ctx is done. The interrupt is
// sticky in the library: it ends the call in progress or, if it lands just before the call
// starts, the call at once, so it cannot be missed. If it lands after the call has
// returned, imap_interrupt_clear disarms it (after waiting for the AfterFunc to finish) so
// that it does not end a later, unrelated call, and the call's outcome stands. An interrupt
// that was consumed closed the connection (ending every call in flight on the Client): the
// call then reports the context's error, even if its work was complete.
//
// Errors: imap_last_error is per thread (the message of the calling thread's last failed
// call on the handle), and a goroutine may move to another OS thread between two cgo calls,
// while another goroutine may run on this thread and make its own call on the handle in
// between. runtime.LockOSThread around the call and the read of its message keeps both on one
// thread that no other goroutine uses meanwhile, so the message is this call's, with no lock
// shared with other goroutines. The library's callbacks (log, literal, SASL) run on that
// thread during the call.
func (c *Client) exec(ctx context.Context, op string, f func(h *C.imap_client) C.imap_code) (code Code, msg string, ctxErr, err error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := ctx.Err(); err != nil {
		return 0, "", nil, &ctxError{op: op, err: err}
	}
	if err := c.gate.share(ctx); err != nil { // waits only while an OpenBody transfer runs
		return 0, "", nil, &ctxError{op: op, err: err}
	}
	defer c.gate.unshare()
	return c.execHeld(ctx, op, f)
}

// execHeld is exec for a caller that holds the gate (OpenBody's transfer).
func (c *Client) execHeld(ctx context.Context, op string, f func(h *C.imap_client) C.imap_code) (code Code, msg string, ctxErr, err error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := ctx.Err(); err != nil {
		return 0, "", nil, &ctxError{op: op, err: err}
	}
	if !c.enter() {
		return 0, "", nil, &Error{Code: CodeClosed, Op: op, Message: "client is closed"}
	}
	defer c.leave()
	h := c.h
	if ctx.Done() == nil { // never cancelled (Background, TODO...): nothing to arm
		runtime.LockOSThread()
		code = Code(f(h))
		if code != CodeOK {
			msg = C.GoString(C.imap_last_error(h))
		}
		runtime.UnlockOSThread()
		return code, msg, nil, nil
	}
	fired := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		C.imap_interrupt(h)
		close(fired)
	})
	runtime.LockOSThread()
	code = Code(f(h))
	if code != CodeOK {
		msg = C.GoString(C.imap_last_error(h))
	}
	runtime.UnlockOSThread()
	if !stop() {
		<-fired
		if C.imap_interrupt_clear(h) == 0 { // the interrupt was consumed: the connection is closed
			ctxErr = ctx.Err()
			if code == CodeOK { // the call had done its work when the interrupt landed
				code, msg = CodeInterrupted, "interrupted by the context after the call completed; connection closed"
			}
		}
	}
	return code, msg, ctxErr, nil
}

// outcome converts a call's code into (Result, error), re-raising a literal handler's panic.
func (c *Client) outcome(op string, code Code, msg string, ctxErr error, res *Result) (*Result, error) {
	var litErr error
	if code != CodeOK {
		c.hooks.mu.Lock()
		p := c.hooks.litPan
		litErr, c.hooks.litErr, c.hooks.litPan = c.hooks.litErr, nil, nil
		c.hooks.mu.Unlock()
		if p != nil {
			panic(p)
		}
	}
	if code == CodeOK {
		return res, nil
	}
	e := &Error{Code: code, Op: op, Message: msg, ctxErr: ctxErr, cause: litErr}
	switch code {
	case CodeNo, CodeBad, CodeReadOnly:
		e.Result = res
		return res, e
	}
	return nil, e
}

// Close closes the connection without LOGOUT and frees the library handle
// (imap_client_free). Calls in progress on other goroutines are interrupted (they return
// ErrInterrupted) and waited for; later calls return ErrClosed. Idempotent; returns nil.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	if c.calls > 0 {
		C.imap_interrupt(c.h)
	}
	c.hooks.mu.Lock()
	endBody := c.hooks.body
	c.hooks.mu.Unlock()
	if endBody != nil { // its callback may be waiting for the reader: end it
		endBody()
	}
	for c.calls > 0 {
		c.left.Wait()
	}
	C.imap_client_free(c.h)
	c.h = nil
	c.hooksH.Delete()
	runtime.SetFinalizer(c, nil)
	return nil
}

// Interrupt ends the calls in progress on the Client with ErrInterrupted or, if none is in
// progress, the next call, at once (imap_interrupt: sticky, so it cannot be missed by a call
// about to start). The connection is closed. Safe from any goroutine.
func (c *Client) Interrupt() {
	c.accessor(func(h *C.imap_client) { C.imap_interrupt(h) })
}

// Shutdown closes the connection without LOGOUT (imaplib's shutdown) but keeps the Client:
// accessors still work, commands return ErrClosed. Close must still be called.
func (c *Client) Shutdown() error {
	_, err := c.run(context.Background(), "SHUTDOWN", func(h *C.imap_client, _ **C.imap_result) C.imap_code {
		return C.imap_shutdown(h)
	})
	return err
}

// SetDebug sets imaplib's debug level: 0 silent, 1 connection events and NO/BAD/BYE (error
// and warning), 3 capabilities (info), 4 every line sent and received (debug), 5 more
// (trace). Passwords are always redacted. The messages go to stderr, or to the Logger.
func (c *Client) SetDebug(level int) error {
	_, err := c.run(context.Background(), "SETDEBUG", func(h *C.imap_client, _ **C.imap_result) C.imap_code {
		return C.imap_set_debug(h, C.int32_t(level))
	})
	return err
}

// slogLevels maps the library's levels (imap_log_level, 1..5) to slog's.
var slogLevels = [...]slog.Level{slog.LevelError, slog.LevelError, slog.LevelWarn, slog.LevelInfo,
	slog.LevelDebug, slog.LevelDebug - 4}

// SetLogger sends the library's log messages to l (imap_set_log_callback) instead of
// stderr; nil restores stderr. Levels map to slog's: error and warning to LevelError and
// LevelWarn, info to LevelInfo, debug (every line, 4) to LevelDebug, trace (5) to
// LevelDebug-4. SetLogger also sets the debug level to the most detailed level l is enabled
// for (SetDebug changes it afterwards). l runs on the goroutine of the call that produced
// the message, during that call, possibly on several goroutines at once (pipelined calls);
// it must not call this Client's commands. A panic in its handler is dropped.
func (c *Client) SetLogger(l *slog.Logger) error {
	c.hooks.mu.Lock()
	c.hooks.logger = l
	c.hooks.mu.Unlock()
	on := 0
	if l != nil {
		on = 1
	}
	_, err := c.run(context.Background(), "SETLOGGER", func(h *C.imap_client, _ **C.imap_result) C.imap_code {
		return C.libimap_go_set_log(h, C.uintptr_t(c.hooksH), C.int(on))
	})
	if err != nil || l == nil {
		return err
	}
	for lvl := 5; lvl >= 1; lvl-- {
		if l.Enabled(context.Background(), slogLevels[lvl]) {
			return c.SetDebug(lvl)
		}
	}
	return nil
}

// accessor runs f on the handle; it returns false (and does not call f) after Close. The
// library's accessors do not wait for calls in progress.
func (c *Client) accessor(f func(h *C.imap_client)) bool {
	if !c.enter() {
		return false
	}
	defer c.leave()
	f(c.h)
	return true
}

// State returns imaplib's state; StateLogout after Close.
func (c *Client) State() State {
	s := StateLogout
	c.accessor(func(h *C.imap_client) { s = State(C.imap_client_state(h)) })
	return s
}

// Capabilities returns the server's capabilities, upper-cased (imaplib's capabilities).
func (c *Client) Capabilities() []string {
	var caps []string
	c.accessor(func(h *C.imap_client) {
		n := C.imap_client_capability_count(h)
		for i := C.size_t(0); i < n; i++ {
			var p *C.char
			if C.imap_client_capability_get(h, i, &p) == C.IMAP_CODE_OK {
				caps = append(caps, takeString(p))
			}
		}
	})
	return caps
}

// HasCapability reports whether the server advertised capability (case-insensitive).
func (c *Client) HasCapability(capability string) bool {
	yes := false
	if strings.IndexByte(capability, 0) < 0 {
		cs := C.CString(capability)
		defer C.free(unsafe.Pointer(cs))
		c.accessor(func(h *C.imap_client) { yes = C.imap_client_has_capability(h, cs) != 0 })
	}
	return yes
}

// ProtocolVersion returns imaplib's PROTOCOL_VERSION, "IMAP4REV1" or "IMAP4".
func (c *Client) ProtocolVersion() string {
	var v string
	c.accessor(func(h *C.imap_client) { v = goString(C.imap_client_protocol_version(h)) })
	return v
}

// Welcome returns the server's greeting line without CRLF (imaplib's welcome).
func (c *Client) Welcome() []byte {
	var w []byte
	c.accessor(func(h *C.imap_client) {
		if p := C.imap_client_welcome(h); p != nil {
			w = []byte(takeString(p))
		}
	})
	return w
}

// flag reads a boolean accessor; false after Close.
func (c *Client) flag(f func(h *C.imap_client) C.int32_t) bool {
	v := false
	c.accessor(func(h *C.imap_client) { v = f(h) != 0 })
	return v
}

// IsReadOnly reports whether the selected mailbox was opened read-only.
func (c *Client) IsReadOnly() bool {
	return c.flag(func(h *C.imap_client) C.int32_t { return C.imap_client_is_readonly(h) })
}

// IsOpen reports whether the connection is open. State keeps its last value when the
// connection closes (after an interrupt, ErrAbort, Shutdown...); IsOpen tells whether the
// client is still usable. False after Close.
func (c *Client) IsOpen() bool {
	return c.flag(func(h *C.imap_client) C.int32_t { return C.imap_client_is_open(h) })
}

// IsTLS reports whether the connection is protected by TLS.
func (c *Client) IsTLS() bool {
	return c.flag(func(h *C.imap_client) C.int32_t { return C.imap_client_is_tls(h) })
}

// UTF8Enabled reports whether the connection is in UTF-8 mode (the server confirmed ENABLE
// UTF8=ACCEPT): Append then sends UTF8 (~{N}...) and Search refuses a charset.
func (c *Client) UTF8Enabled() bool {
	return c.flag(func(h *C.imap_client) C.int32_t { return C.imap_client_utf8_enabled(h) })
}

// FD returns the connection's file descriptor (imaplib's socket()), for poll or select
// only; -1 when the connection is closed or after Close.
func (c *Client) FD() int {
	fd := -1
	c.accessor(func(h *C.imap_client) { fd = int(C.imap_client_fd(h)) })
	return fd
}
