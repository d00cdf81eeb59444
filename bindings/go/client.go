package imap

/*
#include <stdint.h>
#include <stdlib.h>
#include "imap.h"

extern void libimapGoTrace(uintptr_t handle, int32_t level, char *message);

static void libimap_go_trace_trampoline(void *user_data, int32_t level, const char *message) {
	libimapGoTrace((uintptr_t)user_data, level, (char *)message);
}

// Sets (handle != 0) or clears the trace callback; the cgo.Handle travels as user_data.
static imap_code libimap_go_set_trace(imap_client *client, uintptr_t handle) {
	return imap_set_trace_callback(client, handle ? libimap_go_trace_trampoline : NULL,
	                               (void *)handle);
}
*/
import "C"

import (
	"context"
	"fmt"
	"io"
	"math"
	"net"
	"runtime"
	"runtime/cgo"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// Library defaults (imap_client_new).
const (
	DefaultConnectTimeout = 30 * time.Second
	DefaultIOTimeout      = 60 * time.Second
	// defaultMinRate is imap_set_call_timeout's default, in bytes/s.
	defaultMinRate = 1024
)

// Options configures Dial and DialTLS. The zero value (or nil) gives the library's
// defaults: plain TCP, certificate verification on, 30 s connect and 60 s I/O timeouts.
type Options struct {
	// StartTLS upgrades a Dial connection with STARTTLS before Dial returns; any failure of
	// it is an ErrTLS and no connection. Not allowed with DialTLS.
	StartTLS bool
	// CAFile is a PEM file of CA certificates to trust besides the system's: every
	// certificate in it, in any order. A file with none, or a broken one, is an ErrTLS.
	CAFile string
	// InsecureSkipVerify turns certificate and hostname verification off. Tests only.
	InsecureSkipVerify bool
	// CertFile and KeyFile present a client certificate (PEM, PKCS#8 key); both or neither.
	CertFile, KeyFile string
	// ConnectTimeout and IOTimeout replace the library's defaults when positive. A context
	// deadline lowers them for one call. IOTimeout bounds each wait for bytes, reading or
	// writing.
	ConnectTimeout, IOTimeout time.Duration
	// CallTimeout is the deadline of every call (0: the I/O timeout), pushed back while at
	// least MinRate bytes/s flow, to at most CallTimeout ahead, so that a server dripping
	// bytes ends the call with ErrTimeout (imap_set_call_timeout). MinRate 0 keeps the
	// library's default of 1024 bytes/s; a negative MinRate makes the deadline fixed.
	CallTimeout time.Duration
	MinRate     int
	// Memory limits; 0 keeps the library's default (imap_set_limits). Exceeding one is an
	// ErrLimit and closes the connection.
	MaxLine, MaxLiteral, MaxResponse, MaxUntagged uint64
	// Debug is imaplib's debug level (0..5), see SetDebug.
	Debug int
	// Trace receives the debug output instead of stderr, see SetTrace.
	Trace TraceFunc
	// MailboxEncoding says how mailbox names are sent; the zero value is the library's
	// default, MailboxEncodingUTF7 (see SetMailboxEncoding).
	MailboxEncoding MailboxEncoding
}

// State is imaplib's connection state.
type State int32

// The states of include/imap.h.
const (
	StateLogout   State = 0
	StateNonAuth  State = 1
	StateAuth     State = 2
	StateSelected State = 3
	// StateIdling is the state between Idle and Idler.Done (imaplib's IDLING).
	StateIdling State = 4
)

// The numbers above must be include/imap.h's: this fails to compile otherwise.
func _() {
	var x [1]struct{}
	_ = x[StateLogout-C.IMAP_STATE_LOGOUT]
	_ = x[StateNonAuth-C.IMAP_STATE_NONAUTH]
	_ = x[StateAuth-C.IMAP_STATE_AUTH]
	_ = x[StateSelected-C.IMAP_STATE_SELECTED]
	_ = x[StateIdling-C.IMAP_STATE_IDLING]
}

func (s State) String() string {
	switch s {
	case StateLogout:
		return "LOGOUT"
	case StateNonAuth:
		return "NONAUTH"
	case StateAuth:
		return "AUTH"
	case StateSelected:
		return "SELECTED"
	case StateIdling:
		return "IDLING"
	}
	return "State(" + strconv.Itoa(int(s)) + ")"
}

// TraceFunc receives one trace message and its level (1..5). It runs on the goroutine making
// the call, during the call, with the client's lock held: it must not use the client.
type TraceFunc func(level int, message string)

// WriterTrace returns a TraceFunc writing each message as a line to w ("imap: " prefix).
func WriterTrace(w io.Writer) TraceFunc {
	var mu sync.Mutex
	return func(level int, message string) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, "imap[%d]: %s\n", level, message)
	}
}

// Client is a connection to an IMAP server. See the package documentation for the rules on
// contexts and concurrency.
type Client struct {
	mu      sync.Mutex   // serializes calls; held during every C call on h
	hmu     sync.RWMutex // h may be read under hmu.RLock (Close's interrupt) or mu
	h       *C.imap_client
	closing atomic.Bool

	connectMS, ioMS C.uint32_t // the configured timeouts, restored after a deadline

	trace       *traceState
	traceHandle cgo.Handle

	literal       *literalState // SetLiteralHandler's handler, nil when literals are buffered
	literalHandle cgo.Handle

	target target // what Dial, DialTLS or DialCommand connected to, for Reopen
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
// greeting and learns the capabilities (imaplib's IMAP4(host, port)). With
// opts.StartTLS it then upgrades the connection (IMAP4 + starttls()).
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
// output (imaplib's IMAP4_stream), for example a local IMAP server binary started for one
// user. A PREAUTH greeting puts the Client in StateAuth. Options apply as for Dial, except
// StartTLS (not allowed). The child is reaped when the connection closes (Logout,
// Shutdown, Close). Contexts, timeouts and Close interrupt it as they do a TCP connection.
func DialCommand(ctx context.Context, command string, opts *Options) (*Client, error) {
	const op = "CONNECT"
	if opts != nil && opts.StartTLS {
		return nil, &Error{Code: CodeInvalidArgument, Op: op,
			Message: "StartTLS is for Dial; a command connection has no TLS"}
	}
	if strings.IndexByte(command, 0) >= 0 {
		return nil, &Error{Code: CodeInvalidArgument, Op: op, Message: "command contains NUL"}
	}
	t := target{command: command, stream: true}
	c, err := open(ctx, opts, t.connect())
	if c != nil {
		c.target = t
	}
	return c, err
}

// connect is the C call that opens t. Its C strings live as long as the closure.
func (t target) connect() cfunc {
	if t.stream {
		return func(h *C.imap_client, _ **C.imap_result) C.imap_code {
			ccmd := C.CString(t.command)
			defer C.free(unsafe.Pointer(ccmd))
			return C.imap_open_stream(h, ccmd)
		}
	}
	return func(h *C.imap_client, _ **C.imap_result) C.imap_code {
		chost := C.CString(t.host)
		defer C.free(unsafe.Pointer(chost))
		return C.imap_open(h, chost, C.uint16_t(t.port), t.mode)
	}
}

// Reopen connects the Client again to what Dial, DialTLS or DialCommand connected it to,
// with the same options (imaplib's open()), once Logout or a failure closed the connection.
// The new connection starts from a clean state, as a new Client would: nothing of the
// previous one (unread bytes, untagged responses, capabilities, mailbox state) carries over.
// ErrIllegalState while the connection is still open; ErrClosed after Close.
func (c *Client) Reopen(ctx context.Context) error {
	_, err := c.run(ctx, "CONNECT", c.target.connect())
	return err
}

func splitAddr(addr string) (string, uint16, error) {
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		// No port (or a bare IPv6 address): the library's default port.
		return strings.TrimSuffix(strings.TrimPrefix(addr, "["), "]"), 0, nil
	}
	port, err := strconv.ParseUint(portStr, 10, 16)
	if err != nil {
		return "", 0, fmt.Errorf("bad port %q in address %q", portStr, addr)
	}
	return host, uint16(port), nil
}

func durationMS(d time.Duration) C.uint32_t {
	ms := (d + time.Millisecond - 1) / time.Millisecond
	if ms < 1 {
		ms = 1
	}
	if ms > math.MaxUint32 {
		ms = math.MaxUint32
	}
	return C.uint32_t(ms)
}

func dial(ctx context.Context, addr string, opts *Options, mode C.int32_t) (*Client, error) {
	const op = "CONNECT"
	host, port, err := splitAddr(addr)
	if err != nil {
		return nil, &Error{Code: CodeInvalidArgument, Op: op, Message: err.Error()}
	}
	if strings.IndexByte(host, 0) >= 0 {
		return nil, &Error{Code: CodeInvalidArgument, Op: op, Message: "host contains NUL"}
	}
	t := target{host: host, port: port, mode: mode}
	c, err := open(ctx, opts, t.connect())
	if c != nil {
		c.target = t
	}
	return c, err
}

// open makes a handle, applies opts and connects it with connect.
func open(ctx context.Context, opts *Options, connect cfunc) (*Client, error) {
	const op = "CONNECT"
	if opts == nil {
		opts = &Options{}
	}
	var h *C.imap_client
	if code := Code(C.imap_client_new(&h)); code != CodeOK {
		return nil, &Error{Code: code, Op: op, Message: "imap_client_new failed"}
	}
	c := &Client{h: h, connectMS: durationMS(DefaultConnectTimeout), ioMS: durationMS(DefaultIOTimeout)}
	if opts.ConnectTimeout > 0 {
		c.connectMS = durationMS(opts.ConnectTimeout)
	}
	if opts.IOTimeout > 0 {
		c.ioMS = durationMS(opts.IOTimeout)
	}
	if err := c.configure(opts); err != nil {
		c.Close()
		return nil, err
	}
	if _, err := c.run(ctx, op, connect); err != nil {
		c.Close()
		return nil, err
	}
	runtime.SetFinalizer(c, (*Client).Close)
	return c, nil
}

func (c *Client) configure(opts *Options) error {
	const op = "CONFIGURE"
	check := func(code C.imap_code) error {
		if Code(code) == CodeOK {
			return nil
		}
		return &Error{Code: Code(code), Op: op, Message: C.GoString(C.imap_last_error(c.h))}
	}
	cstr := func(s string) (*C.char, error) {
		if strings.IndexByte(s, 0) >= 0 {
			return nil, &Error{Code: CodeInvalidArgument, Op: op, Message: "path contains NUL"}
		}
		if s == "" {
			return nil, nil
		}
		return C.CString(s), nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := check(C.imap_set_timeouts(c.h, c.connectMS, c.ioMS)); err != nil {
		return err
	}
	if opts.CallTimeout > 0 || opts.MinRate != 0 {
		var callMS C.uint32_t
		if opts.CallTimeout > 0 {
			callMS = durationMS(opts.CallTimeout)
		}
		rate := C.uint32_t(defaultMinRate)
		switch {
		case opts.MinRate < 0:
			rate = 0
		case opts.MinRate > 0:
			rate = C.uint32_t(min(uint64(opts.MinRate), math.MaxUint32))
		}
		if err := check(C.imap_set_call_timeout(c.h, callMS, rate)); err != nil {
			return err
		}
	}
	if opts.MaxLine|opts.MaxLiteral|opts.MaxResponse|opts.MaxUntagged != 0 {
		if err := check(C.imap_set_limits(c.h, C.uint64_t(opts.MaxLine), C.uint64_t(opts.MaxLiteral),
			C.uint64_t(opts.MaxResponse), C.uint64_t(opts.MaxUntagged))); err != nil {
			return err
		}
	}
	if opts.InsecureSkipVerify {
		if err := check(C.imap_set_tls_verify(c.h, 0)); err != nil {
			return err
		}
	}
	if opts.CAFile != "" {
		p, err := cstr(opts.CAFile)
		if err != nil {
			return err
		}
		err = check(C.imap_set_ca_file(c.h, p))
		C.free(unsafe.Pointer(p))
		if err != nil {
			return err
		}
	}
	if opts.CertFile != "" || opts.KeyFile != "" {
		cert, err := cstr(opts.CertFile)
		if err != nil {
			return err
		}
		key, err := cstr(opts.KeyFile)
		if err != nil {
			C.free(unsafe.Pointer(cert))
			return err
		}
		err = check(C.imap_set_client_cert(c.h, cert, key))
		C.free(unsafe.Pointer(cert))
		C.free(unsafe.Pointer(key))
		if err != nil {
			return err
		}
	}
	if opts.Trace != nil {
		if err := c.setTraceLocked(opts.Trace); err != nil {
			return err
		}
	}
	if opts.MailboxEncoding != MailboxEncodingUTF7 {
		if err := check(C.imap_set_mailbox_encoding(c.h, C.int32_t(opts.MailboxEncoding))); err != nil {
			return err
		}
	}
	if opts.Debug != 0 {
		if err := check(C.imap_set_debug(c.h, C.int32_t(opts.Debug))); err != nil {
			return err
		}
	}
	return nil
}

func (c *Client) closedError(op string) error {
	return &Error{Code: CodeClosed, Op: op, Message: "client is closed"}
}

// lock takes the call lock; it fails once Close has begun.
func (c *Client) lock(op string) error {
	c.mu.Lock()
	if c.h == nil || c.closing.Load() {
		c.mu.Unlock()
		return c.closedError(op)
	}
	return nil
}

// cfunc is one C command call; it stores its result (if any) in *out.
type cfunc func(h *C.imap_client, out **C.imap_result) C.imap_code

// run performs one C call under the lock, with ctx mapped to timeouts and interrupts, and
// converts the outcome. For NO, BAD and READONLY the Result is returned with the error.
func (c *Client) run(ctx context.Context, op string, f cfunc) (*Result, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := c.lock(op); err != nil {
		return nil, err
	}
	defer c.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return nil, &ctxError{op: op, err: err}
	}
	h := c.h

	// A deadline lowers the library's timeouts for this call.
	deadlineTimer := false
	if dl, ok := ctx.Deadline(); ok {
		ms := durationMS(time.Until(dl))
		cms, ims := min(c.connectMS, ms), min(c.ioMS, ms)
		if cms != c.connectMS || ims != c.ioMS {
			C.imap_set_timeouts(h, cms, ims)
			deadlineTimer = true
		}
	}

	stop := watch(ctx, h)
	var out *C.imap_result
	code := Code(f(h, &out))
	fired := stop()

	if deadlineTimer {
		C.imap_set_timeouts(h, c.connectMS, c.ioMS)
	}
	var res *Result
	switch {
	case fired: // the connection is closed; the call reports the context's error
		C.imap_result_free(out)
	case code == CodeOK, code == CodeNo, code == CodeBad, code == CodeReadOnly:
		res = takeResult(out)
	default:
		C.imap_result_free(out)
	}
	var msg string
	if code != CodeOK {
		msg = C.GoString(C.imap_last_error(h))
	}
	runtime.KeepAlive(c)
	litPanic, litErr := c.takeLiteralOutcome()
	if p := c.takeTracePanic(); p != nil {
		panic(p)
	}
	if litPanic != nil {
		panic(litPanic)
	}

	if code == CodeOK && !fired && litErr == nil {
		return res, nil
	}
	e := &Error{Code: code, Op: op, Message: msg, cause: litErr}
	if code == CodeOK && !fired {
		// Not expected: the library finished although the literal handler asked to stop.
		e.Code, e.Message, res = CodeAbort, "transfer stopped by the literal handler", nil
	}
	switch {
	case fired:
		if code == CodeOK {
			// The call completed, but the interrupt closed the connection.
			e.Code, e.Message = CodeInterrupted, "interrupted by the context"
		}
		e.ctxErr = ctx.Err()
	case code == CodeTimeout && deadlineTimer:
		e.ctxErr = context.DeadlineExceeded
	}
	switch e.Code {
	case CodeNo, CodeBad, CodeReadOnly:
		e.Result = res
		return res, e
	}
	return nil, e
}

// watch interrupts the call on h once ctx is done, until the returned stop is called; stop
// tells whether an interrupt was delivered. imap_interrupt only reaches a call that has
// begun, so it is retried every millisecond until it lands or the call returns.
func watch(ctx context.Context, h *C.imap_client) (stop func() bool) {
	done := ctx.Done()
	if done == nil {
		return func() bool { return false }
	}
	finished := make(chan struct{})
	fired := make(chan bool, 1)
	go func() {
		select {
		case <-finished:
			fired <- false
			return
		case <-done:
		}
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			if Code(C.imap_interrupt(h)) == CodeOK {
				fired <- true
				return
			}
			select {
			case <-finished:
				fired <- false
				return
			case <-t.C:
			}
		}
	}()
	return func() bool {
		close(finished)
		return <-fired
	}
}

// Close closes the connection without LOGOUT and frees the library handle
// (imap_client_free). A call in progress on another goroutine is interrupted (it returns
// ErrInterrupted) and waited for; later calls return ErrClosed. Close is idempotent and
// always returns nil. Use Logout first for a polite goodbye.
func (c *Client) Close() error {
	c.closing.Store(true)
	for !c.mu.TryLock() {
		c.hmu.RLock()
		if c.h != nil {
			C.imap_interrupt(c.h)
		}
		c.hmu.RUnlock()
		time.Sleep(time.Millisecond)
	}
	defer c.mu.Unlock()
	if c.h == nil {
		return nil
	}
	c.hmu.Lock()
	h := c.h
	c.h = nil
	c.hmu.Unlock()
	C.imap_client_free(h)
	if c.trace != nil {
		c.traceHandle.Delete()
		c.trace = nil
	}
	if c.literal != nil {
		c.literalHandle.Delete()
		c.literal = nil
	}
	runtime.SetFinalizer(c, nil)
	return nil
}

// Shutdown closes the connection without LOGOUT (imaplib's shutdown) but keeps the Client:
// accessors still work, commands return ErrClosed. Close must still be called.
func (c *Client) Shutdown() error {
	const op = "SHUTDOWN"
	if err := c.lock(op); err != nil {
		return err
	}
	defer c.mu.Unlock()
	if code := Code(C.imap_shutdown(c.h)); code != CodeOK {
		return &Error{Code: code, Op: op, Message: C.GoString(C.imap_last_error(c.h))}
	}
	return nil
}

// SetDebug sets imaplib's debug level: 0 silent, 1 connection events and NO/BAD/BYE,
// 3 capabilities, 4 every line sent and received, 5 more. Passwords are always redacted.
// The output goes to stderr, or to the function set with SetTrace.
func (c *Client) SetDebug(level int) error {
	const op = "SETDEBUG"
	if err := c.lock(op); err != nil {
		return err
	}
	defer c.mu.Unlock()
	if code := Code(C.imap_set_debug(c.h, C.int32_t(level))); code != CodeOK {
		return &Error{Code: code, Op: op, Message: C.GoString(C.imap_last_error(c.h))}
	}
	return nil
}

// SetTrace sends the debug output to f instead of stderr; nil restores stderr. f runs on
// the goroutine of the call, during the call, with the client's lock held: it must not use
// this client. A panic in f is re-raised by the method that made the call.
func (c *Client) SetTrace(f TraceFunc) error {
	if err := c.lock("SETTRACE"); err != nil {
		return err
	}
	defer c.mu.Unlock()
	return c.setTraceLocked(f)
}

func (c *Client) setTraceLocked(f TraceFunc) error {
	var ts *traceState
	var handle cgo.Handle
	var code Code
	if f != nil {
		ts = &traceState{fn: f}
		handle = cgo.NewHandle(ts)
		code = Code(C.libimap_go_set_trace(c.h, C.uintptr_t(handle)))
	} else {
		code = Code(C.libimap_go_set_trace(c.h, 0))
	}
	if code != CodeOK {
		if f != nil {
			handle.Delete()
		}
		return &Error{Code: code, Op: "SETTRACE", Message: C.GoString(C.imap_last_error(c.h))}
	}
	if c.trace != nil {
		c.traceHandle.Delete()
	}
	c.trace, c.traceHandle = ts, handle
	return nil
}

func (c *Client) takeTracePanic() any {
	if c.trace == nil || c.trace.panicked == nil {
		return nil
	}
	p := c.trace.panicked
	c.trace.panicked = nil
	return p
}

// accessor runs f on the handle; it returns false (and does not call f) after Close. The
// library's accessors run alongside a call in progress without waiting for it (they report
// the handle as of the end of the last call), so only hmu is taken: a call on another
// goroutine (a long FETCH, an Idler waiting) does not block them.
func (c *Client) accessor(f func(h *C.imap_client)) bool {
	c.hmu.RLock()
	defer c.hmu.RUnlock()
	if c.h == nil {
		return false
	}
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
		p := C.imap_client_capabilities(h)
		if p != nil {
			caps = strings.Fields(C.GoString(p))
			C.imap_string_free(p)
		}
	})
	return caps
}

// HasCapability reports whether the server advertised capability (case-insensitive).
func (c *Client) HasCapability(capability string) bool {
	if strings.IndexByte(capability, 0) >= 0 {
		return false
	}
	yes := false
	cs := C.CString(capability)
	defer C.free(unsafe.Pointer(cs))
	c.accessor(func(h *C.imap_client) { yes = C.imap_client_has_capability(h, cs) != 0 })
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
		p := C.imap_client_welcome(h)
		if p != nil {
			w = []byte(C.GoString(p))
			C.imap_string_free(p)
		}
	})
	return w
}

// IsReadOnly reports whether the selected mailbox was opened read-only (imaplib's
// is_readonly).
func (c *Client) IsReadOnly() bool {
	v := false
	c.accessor(func(h *C.imap_client) { v = C.imap_client_is_readonly(h) != 0 })
	return v
}

// IsOpen reports whether the connection is open. As in imaplib, State keeps its last value
// when the connection closes (after an interrupt, ErrAbort, Shutdown...); IsOpen tells
// whether the client is still usable. False after Close.
func (c *Client) IsOpen() bool {
	v := false
	c.accessor(func(h *C.imap_client) { v = C.imap_client_is_open(h) != 0 })
	return v
}

// IsTLS reports whether the connection is protected by TLS.
func (c *Client) IsTLS() bool {
	v := false
	c.accessor(func(h *C.imap_client) { v = C.imap_client_is_tls(h) != 0 })
	return v
}

// UTF8Enabled reports whether the connection is in UTF-8 mode (imaplib's utf8_enabled: the
// server confirmed ENABLE UTF8=ACCEPT). Then Append sends the message as UTF8 (~{N}...) and
// Search refuses a charset.
func (c *Client) UTF8Enabled() bool {
	v := false
	c.accessor(func(h *C.imap_client) { v = C.imap_client_utf8_enabled(h) != 0 })
	return v
}

// FD returns the connection's file descriptor (imaplib's socket()), for poll or select
// only: reading or writing it corrupts the session. -1 when the connection is closed or
// after Close. For a DialCommand connection it is the descriptor responses are read from.
func (c *Client) FD() int {
	fd := -1
	c.accessor(func(h *C.imap_client) { fd = int(C.imap_client_fd(h)) })
	return fd
}
