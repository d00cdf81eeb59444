// Package imap is an IMAP4rev1 client: a Go binding of libimap, a Rust library with Python
// imaplib's surface and a C ABI (include/imap.h, libimap.so.1).
//
// Dial, DialTLS or DialCommand connects; every IMAP command is a method of *Client that
// returns a *Result, imaplib's (typ, data) plus the tagged status, text and response code:
//
//	c, err := imap.Dial(ctx, "imap.example.org:143", &imap.Options{StartTLS: true})
//	if err != nil { ... }
//	defer c.Close()
//	if _, err := c.Login(ctx, "user", "secret"); err != nil { ... }
//	r, err := c.Select(ctx, "INBOX", true)
//
// Login uses the strongest mechanism the server offers (SCRAM-SHA-256 first; AuthMechanism
// tells which), never sending the password itself without TLS unless
// Options.AllowPlaintextPassword allows it; LoginCommand is imaplib's login (the LOGIN
// command), LoginSCRAM, LoginPlain... ask for one mechanism.
//
// # Errors
//
// Command methods return the Result alone on a tagged OK; the Result and an *Error for NO,
// BAD and READONLY; otherwise nil and the *Error. Test the kind with errors.Is against the
// sentinels (ErrNo, ErrBad, ErrAbort, ErrTimeout, ErrInterrupted, ErrClosed...). After
// ErrNo, ErrBad and ErrReadOnly the connection is usable; after ErrInvalidArgument,
// ErrIllegalState and ErrUnsupported nothing was sent; the other kinds close the connection.
// The message is the one of this call, read on the thread that made it (the library keeps
// it per thread), whatever other goroutines do with the Client meanwhile.
//
// # Results
//
// A Result holds the library's result (freed by a cleanup once unreachable); Items copies
// its data out on demand, and the Parse methods (ParseFetch, ParseList, ParseStatus,
// ParseSearch, ParseESearch, ParseThread, ParseNamespace, ParseQuota, ParseQuotaRoot,
// ParseACL, ParseMyRights, ParseListRights, ParseMetadata, ParseCapability, ParseCode) run
// the library's parsers on it directly and return Go values. Section and body-part lookups
// (Message.Section, BodyPart.Find, BodyPart.Part) are the library's. Data that did not
// parse gives an error satisfying errors.Is(err, ErrParse), with everything that did.
//
// # Concurrency and pipelining
//
// A *Client is safe for concurrent use, and calls from several goroutines are pipelined:
// the library sends a command while others wait for their replies and routes each reply to
// its command (untagged data no command claims goes to the mailbox state, Mailbox and
// Response). Submit, SubmitFetch and Pending.Wait put several commands in flight from one
// goroutine; FetchEach and UIDFetchEach yield the messages of a FETCH as they arrive, in
// constant memory. Commands that must not run alongside others (RFC 3501 §5.5) wait.
// Close interrupts the calls in progress, waits for them and frees the handle.
//
// # Contexts
//
// Every method that talks to the server takes a context. When it is cancelled or its
// deadline passes, the call is interrupted (imap_interrupt, which the library keeps until a
// call consumes it, so a cancellation racing the start of a call still ends it): the method
// returns an *Error satisfying errors.Is(err, ctx.Err()) and ErrInterrupted (ErrTimeout for a
// deadline), and the connection is closed, ending every call in flight on it. A context
// already done makes the method return ctx.Err() (wrapped) without sending anything. IDLE
// is the exception: a context ends one Idler.Next at once without closing anything.
//
// # Logging
//
// Options.Logger or SetLogger sends the library's log (passwords redacted) to a
// *slog.Logger; SetDebug sets the level of detail.
//
// # Linking
//
// The module is github.com/libimap/libimap/bindings/go (versions tagged bindings/go/vX.Y.Z).
// It links an installed libimap through pkg-config (imap.pc, installed by cmake --install;
// set PKG_CONFIG_PATH for a prefix pkg-config does not search, and an rpath or
// LD_LIBRARY_PATH for one the loader does not). cgo is required. In the libimap repository,
// -tags imap_intree links ../../target/release with the header from ../../include instead.
// See README.md.
package imap
