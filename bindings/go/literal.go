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

// Sets (on != 0) or clears the literal callback; the hooks' cgo.Handle travels as user_data.
static imap_code libimap_go_set_literal(imap_client *client, uintptr_t handle, int on, uint64_t min_size) {
	return imap_set_literal_callback(client, on ? libimap_go_literal_trampoline : NULL,
	                                 (void *)handle, on ? min_size : 0);
}
*/
import "C"

import (
	"context"
	"io"
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
// the call that reads the literal, during that call (with pipelined calls, on several
// goroutines, one at a time per connection): it must not call commands of the same Client,
// and it should not block for long. A panic in it stops the transfer too and is re-raised
// by the method whose call failed.
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
// receives (FETCH bodies, IDLE updates, ...) to fn, chunk by chunk, instead of holding it
// in the Result: memory stays constant whatever the message size
// (imap_set_literal_callback). Smaller literals are buffered as usual. In the Result a
// streamed literal is an ItemLiteral with Streamed set and its size in Size; ParseFetch
// reports it as a Section with Streamed and StreamedSize. A nil fn restores buffering.
func (c *Client) SetLiteralHandler(minSize uint64, fn LiteralFunc) error {
	set := c.setLiteralCall(fn != nil, minSize)
	_, err := c.run(context.Background(), "SETLITERALHANDLER", func(h *C.imap_client, out **C.imap_result) C.imap_code {
		// Set here, once the call holds its share of the gate: not during OpenBody's transfer.
		c.hooks.mu.Lock()
		c.hooks.literal, c.hooks.litMin = fn, minSize
		c.hooks.mu.Unlock()
		return set(h, out)
	})
	return err
}

// setLiteralCall is the C call that sets (on) or clears the literal callback, without
// touching the hooks (OpenBody's transfer).
func (c *Client) setLiteralCall(on bool, minSize uint64) cfunc {
	o := 0
	if on {
		o = 1
	}
	return func(h *C.imap_client, _ **C.imap_result) C.imap_code {
		return C.libimap_go_set_literal(h, C.uintptr_t(c.hooksH), C.int(o), C.uint64_t(minSize))
	}
}
