package imap

// #include <stdlib.h>
// #include "imap.h"
import "C"

import (
	"context"
	"errors"
)

// Description returns the library's short English description of the code.
func (c Code) Description() string { return C.GoString(C.imap_code_str(C.int32_t(c))) }

// kindError is the type of the sentinel errors.
type kindError struct {
	code Code
	name string
}

func (e *kindError) Error() string { return "imap: " + e.name }

// Sentinel errors, one per failure kind; test with errors.Is(err, imap.ErrNo).
var (
	// ErrNo: the server answered NO. The connection is still usable.
	ErrNo error = &kindError{CodeNo, "server answered NO"}
	// ErrBad: the server answered BAD (imaplib's error). The connection is still usable.
	ErrBad error = &kindError{CodeBad, "server answered BAD"}
	// ErrAbort: connection lost, BYE, or protocol violation (imaplib's abort). Closed.
	ErrAbort error = &kindError{CodeAbort, "connection aborted"}
	// ErrReadOnly: the mailbox is read-only (imaplib's readonly).
	ErrReadOnly error = &kindError{CodeReadOnly, "mailbox is read-only"}
	// ErrInvalidArgument: an argument was rejected (NUL, CR or LF where it would reach the
	// wire, invalid UTF-8, a bad address...). Nothing was sent.
	ErrInvalidArgument error = &kindError{CodeInvalidArgument, "invalid argument"}
	// ErrIllegalState: the command is not allowed in the current state. Nothing was sent.
	ErrIllegalState error = &kindError{CodeIllegalState, "command illegal in this state"}
	// ErrTimeout: a connect or I/O timeout, or the context's deadline. Closed.
	ErrTimeout error = &kindError{CodeTimeout, "timeout"}
	// ErrInterrupted: the call was interrupted (context cancelled, or Close). Closed.
	ErrInterrupted error = &kindError{CodeInterrupted, "interrupted"}
	// ErrTLS: certificate, handshake or STARTTLS failure. Closed.
	ErrTLS error = &kindError{CodeTLS, "TLS failure"}
	// ErrLimit: a configured memory limit was exceeded. Closed.
	ErrLimit error = &kindError{CodeLimit, "limit exceeded"}
	// ErrClosed: the connection is closed (logged out, shut down, closed by an earlier
	// failure), or the Client was Closed.
	ErrClosed error = &kindError{CodeClosed, "connection closed"}
	// ErrConnect: the TCP connection could not be made.
	ErrConnect error = &kindError{CodeConnect, "cannot connect"}
	// ErrInternal: a bug in the library; the connection is closed.
	ErrInternal error = &kindError{CodeInternal, "internal error"}
	// ErrUnsupported: the server does not offer what was asked (an AUTH= mechanism, IDLE,
	// ENABLE). Nothing was sent; the connection is still usable.
	ErrUnsupported error = &kindError{CodeUnsupported, "not supported by the server"}
	// ErrParse: server data that a Parse method could not read completely. The method
	// still returns what it parsed; Error.Invalid lists the responses it could not read,
	// with their bytes. Nothing happened to the connection.
	ErrParse error = &kindError{CodeParse, "unparsable server data"}
	// ErrStopped: a streamed FETCH was stopped by its consumer. The connection is usable.
	ErrStopped error = &kindError{CodeStopped, "stopped by the consumer"}
)

var sentinels = map[Code]error{
	CodeNo: ErrNo, CodeBad: ErrBad, CodeAbort: ErrAbort, CodeReadOnly: ErrReadOnly,
	CodeInvalidArgument: ErrInvalidArgument, CodeIllegalState: ErrIllegalState,
	CodeTimeout: ErrTimeout, CodeInterrupted: ErrInterrupted, CodeTLS: ErrTLS,
	CodeLimit: ErrLimit, CodeClosed: ErrClosed, CodeConnect: ErrConnect,
	CodeInternal: ErrInternal, CodeUnsupported: ErrUnsupported, CodeParse: ErrParse,
	CodeStopped: ErrStopped,
}

// Error is the error of a failed call.
type Error struct {
	// Code is the library's status code.
	Code Code
	// Op is the operation: the IMAP command ("LOGIN", "FETCH"), "CONNECT" for Dial.
	Op string
	// Message is the library's message (imap_last_error): for NO "NO: " and the server's
	// text, otherwise what went wrong. Never contains a password.
	Message string
	// Result is the server's reply for CodeNo, CodeBad and CodeReadOnly, else nil.
	Result *Result
	// Invalid lists, for CodeParse, the responses that could not be parsed.
	Invalid []Invalid

	ctxErr error // the context's error when its cancellation ended the call
	cause  error // the error of a callback (SASLFunc, LiteralFunc) that stopped the call
}

func (e *Error) Error() string {
	s := "imap: " + e.Op + ": "
	if e.Message != "" {
		s += e.Message
	} else {
		s += e.Code.Description()
	}
	if e.ctxErr != nil {
		s += " (" + e.ctxErr.Error() + ")"
	}
	if e.cause != nil {
		s += " (aborted by the callback: " + e.cause.Error() + ")"
	}
	return s
}

// Unwrap returns the sentinel of the error's kind, when the context ended the call the
// context's error (and ErrTimeout for a deadline), and the error of an Authenticate callback
// that aborted the exchange or of a LiteralFunc that stopped a transfer.
func (e *Error) Unwrap() []error {
	var errs []error
	if s := sentinels[e.Code]; s != nil {
		errs = append(errs, s)
	}
	if e.ctxErr != nil {
		errs = append(errs, e.ctxErr)
		if errors.Is(e.ctxErr, context.DeadlineExceeded) && e.Code != CodeTimeout {
			errs = append(errs, ErrTimeout)
		}
	}
	if e.cause != nil {
		errs = append(errs, e.cause)
	}
	return errs
}

// ctxError is returned when the context is done before anything was sent.
type ctxError struct {
	op  string
	err error
}

func (e *ctxError) Error() string { return "imap: " + e.op + ": " + e.err.Error() }
func (e *ctxError) Unwrap() error { return e.err }
