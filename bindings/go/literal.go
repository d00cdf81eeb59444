package imap

/*
#include <stdint.h>
#include "imap.h"

extern int32_t libimapGoLiteral(uintptr_t handle, uint8_t *line, size_t line_len, uint64_t size,
                                uint64_t offset, uint8_t *chunk, size_t chunk_len);

static int32_t libimap_go_literal_trampoline(void *user_data, const uint8_t *line, size_t line_len,
                                             uint64_t size, uint64_t offset, const uint8_t *chunk,
                                             size_t chunk_len) {
	return libimapGoLiteral((uintptr_t)user_data, (uint8_t *)line, line_len, size, offset,
	                        (uint8_t *)chunk, chunk_len);
}

// Sets (handle != 0) or clears the literal callback; the cgo.Handle travels as user_data.
static imap_code libimap_go_set_literal(imap_client *client, uintptr_t handle, uint64_t min_size) {
	return imap_set_literal_callback(client, handle ? libimap_go_literal_trampoline : NULL,
	                                 (void *)handle, min_size);
}
*/
import "C"

import (
	"io"
	"runtime/cgo"
)

// LiteralChunk is one piece of a streamed literal, given to a LiteralFunc.
//
// Line and Data point into the library's memory and are valid only during the call: copy
// them (bytes.Clone, or write them somewhere) to keep them.
type LiteralChunk struct {
	// Line is the line that announced the literal, without CRLF, for example
	// "* 7 FETCH (UID 42 BODY[] {1234}": it tells which message and item the literal is.
	Line []byte
	// Size is the literal's total size in bytes.
	Size uint64
	// Offset is where Data starts in the literal: 0 for the first chunk, and the chunks
	// of one literal come in order, back to back, until Offset+len(Data) == Size.
	Offset uint64
	// Data is the chunk's bytes; empty (once) for a literal of size 0.
	Data []byte
}

// LiteralFunc receives the chunks of streamed literals (see Client.SetLiteralHandler).
// Returning an error stops the transfer: the call in progress fails with an error that
// satisfies errors.Is for both ErrAbort and the returned error, and the connection is
// closed (the rest of the response cannot be skipped safely). It runs on the goroutine of
// the call, during the call, with the client's lock held: it must not call methods of the
// same client (accessors excepted), and it should not block for long. A panic in it stops
// the transfer too (the connection is closed) and is re-raised by the method that made the
// call.
type LiteralFunc func(chunk LiteralChunk) error

// LiteralsTo returns a LiteralFunc that writes the bytes of every streamed literal to w, one
// after the other (a message body of a FETCH of one message, for example, goes to a file
// without being held in memory). An error of w stops the transfer and is reported.
func LiteralsTo(w io.Writer) LiteralFunc {
	return func(c LiteralChunk) error {
		if len(c.Data) == 0 {
			return nil
		}
		_, err := w.Write(c.Data)
		return err
	}
}

// SetLiteralHandler streams every literal of at least minSize bytes that any later call
// receives (FETCH and UID FETCH bodies, IDLE updates, ...) to fn, chunk by chunk, instead of
// holding it in the Result: memory stays constant whatever the message size
// (imap_set_literal_callback). Smaller literals (mailbox names, short headers, envelope
// strings) are buffered as usual; a minSize of a few KiB keeps those out of fn. In the
// Result a streamed literal is an ItemLiteral item with Streamed set, its size in Size and
// a nil Literal; ParseFetch reports it as a Section with Streamed and StreamedSize. A nil
// fn restores buffering. The handler stays until replaced, restored or Close; see
// LiteralFunc for what it may do.
func (c *Client) SetLiteralHandler(minSize uint64, fn LiteralFunc) error {
	const op = "SETLITERALHANDLER"
	if err := c.lock(op); err != nil {
		return err
	}
	defer c.mu.Unlock()
	var ls *literalState
	var handle cgo.Handle
	var code Code
	if fn != nil {
		ls = &literalState{fn: fn}
		handle = cgo.NewHandle(ls)
		code = Code(C.libimap_go_set_literal(c.h, C.uintptr_t(handle), C.uint64_t(minSize)))
	} else {
		code = Code(C.libimap_go_set_literal(c.h, 0, 0))
	}
	if code != CodeOK {
		if fn != nil {
			handle.Delete()
		}
		return &Error{Code: code, Op: op, Message: C.GoString(C.imap_last_error(c.h))}
	}
	// The library no longer calls the old handler: its handle can go.
	if c.literal != nil {
		c.literalHandle.Delete()
	}
	c.literal, c.literalHandle = ls, handle
	return nil
}

// takeLiteralOutcome returns, and clears, the panic and error the literal handler left
// during the call that just returned.
func (c *Client) takeLiteralOutcome() (panicked any, err error) {
	if c.literal == nil {
		return nil, nil
	}
	panicked, err = c.literal.panicked, c.literal.err
	c.literal.err, c.literal.panicked = nil, nil
	return panicked, err
}
