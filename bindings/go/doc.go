// Package imap is an IMAP4rev1 client: a Go binding of libimap, a Rust library with Python
// imaplib's surface and a C ABI (include/imap.h).
//
// Dial or DialTLS connects and reads the greeting (DialCommand speaks IMAP over a
// command's standard input and output, imaplib's IMAP4_stream); every IMAP command is a
// method of
// *Client that returns a *Result, imaplib's (typ, data) pair plus the tagged status, text
// and response code:
//
//	c, err := imap.Dial(ctx, "imap.example.org:143", &imap.Options{StartTLS: true})
//	if err != nil { ... }
//	defer c.Close()
//	if _, err := c.Login(ctx, "user", "secret"); err != nil { ... }
//	r, err := c.Select(ctx, "INBOX", true)
//
// Data is []byte (it is whatever the server sent), names are string. Each Item of
// Result.Data is a line or, for a literal, the line that announced it plus the literal's
// bytes, as imaplib's data list.
//
// # Errors
//
// Command methods return (*Result, error): the Result alone on a tagged OK; both the
// Result and an error for NO, BAD and READONLY (imaplib returns NO as data); otherwise nil
// and the error.
//
// A failed call returns an *Error carrying the library's status Code, the server's text or
// the library's message, and for NO, BAD and READONLY the server's Result. Test the kind
// with errors.Is against the sentinels: ErrNo, ErrBad, ErrAbort, ErrReadOnly,
// ErrInvalidArgument, ErrIllegalState, ErrTimeout, ErrInterrupted, ErrTLS, ErrLimit,
// ErrClosed, ErrConnect, ErrInternal, ErrUnsupported. After ErrNo, ErrBad and ErrReadOnly
// the connection is still usable; after ErrInvalidArgument, ErrIllegalState and
// ErrUnsupported nothing was sent; every other kind means the connection is closed and
// later commands fail with ErrClosed.
//
// # Parsed results
//
// Result's Parse methods (ParseFetch, ParseList, ParseStatus, ParseSearch, ParseESearch,
// ParseThread, ParseNamespace, ParseQuota, ParseQuotaRoot, ParseACL, ParseMyRights,
// ParseListRights, ParseMetadata, ParseCapability, ParseCode) turn the server's data into Go
// values: FetchMessage with Envelope and BodyPart trees, ListEntry, MailboxStatus, Thread
// forests, ResponseCode (APPENDUID, COPYUID...). FetchParsed and ListParsed send the
// command and parse its answer; Mailbox summarizes the selected mailbox. Data that did not
// parse is reported by an error satisfying errors.Is(err, ErrParse), returned together with
// everything that did parse. Non-ASCII mailbox names are sent in modified UTF-7 and decoded
// back (see SetMailboxEncoding, UTF7Encode, UTF7Decode); DecodeHeader decodes RFC 2047
// words.
//
// A Result holds only Go memory: the library's copy of the reply is freed as soon as the
// command returns, so there is nothing to release. A Parse method rebuilds a temporary
// library result from the Result's Type, Data, Status and Text (imap_result_new), parses it
// and frees it before returning, so Parse methods also work after the Client is closed, on
// a Result made by hand, and concurrently on one Result.
//
// # Authentication
//
// Login sends IMAP's LOGIN command. LoginPlain (with an optional authzid for master-user
// logins), LoginSASLLogin, LoginCramMD5, LoginXOAuth2 and LoginOAuthBearer use
// AUTHENTICATE with a built-in mechanism, and fail with ErrUnsupported (nothing sent) when
// the server does not advertise it. Authenticate runs any mechanism with a Go function
// answering the challenges (a SASLFunc, called on the calling goroutine during the call).
//
// # IDLE
//
// Idle starts IDLE and returns an *Idler; Idler.Next returns the server's updates one by
// one and Idler.Done ends the IDLE. Next waits in steps of IdlePoll (250 ms) and never
// interrupts the connection: a cancelled context ends one Next, not the IDLE (unlike
// commands, see Contexts).
//
// # Contexts
//
// Every method that talks to the server takes a context.
//
// Cancellation interrupts the call in progress (imap_interrupt, from a goroutine watching
// ctx.Done()). The method returns promptly with an *Error for which both
// errors.Is(err, context.Canceled) and errors.Is(err, ErrInterrupted) hold, and the
// connection is closed: the server's view of the interrupted command is unknown, so the
// library does not carry on. The *Client stays valid (accessors work, commands return
// ErrClosed) and must still be Closed.
//
// A deadline bounds the call as a whole: before the call the library's connect and I/O
// timeouts are lowered to the time left (imap_set_timeouts; they are restored afterwards),
// and when the deadline passes a blocked call is interrupted as for cancellation. Whichever
// fires first, the error satisfies errors.Is(err, context.DeadlineExceeded) and
// errors.Is(err, ErrTimeout), and the connection is closed. A context that is already done
// when the method is called makes it return ctx.Err() (wrapped) without sending anything;
// the connection is untouched then.
//
// # Concurrency
//
// A *Client is safe for concurrent use: calls are serialized (by a mutex in Go, and again
// by the library), so goroutines sharing one client take turns; use one client per
// goroutine for parallelism. Close may be called at any time from any goroutine: it
// interrupts a call in progress, waits for it, and frees the handle. The accessors (State,
// Capabilities, IsOpen, FD...) do not wait for a call in progress on another goroutine:
// they report the client as of the end of the last call.
//
// # Tracing
//
// SetDebug sets imaplib's debug level; the output goes to stderr, or to the function given
// to SetTrace (WriterTrace adapts an io.Writer). The trace function runs on the goroutine
// making the call, during the call, with the client's lock held: it must not call methods
// of the same client (accessors excepted).
//
// # Linking
//
// By default the package links the library built in this repository
// (../../target/release, header from ../../include); build with -tags imap_pkgconfig to use
// an installed libimap found by pkg-config. See README.md.
package imap
