package imap

/*
#include <stdint.h>
#include "imap.h"

extern int64_t libimapGoRead(uintptr_t handle, uint8_t *buf, size_t len);
extern void libimapGoProgress(uintptr_t handle, int32_t way, uint64_t done, uint64_t total);

static int64_t libimap_go_read_trampoline(void *user_data, uint8_t *buf, size_t len) {
	return libimapGoRead((uintptr_t)user_data, buf, len);
}

static void libimap_go_progress_trampoline(void *user_data, imap_transfer way, uint64_t done,
                                           uint64_t total) {
	libimapGoProgress((uintptr_t)user_data, (int32_t)way, done, total);
}

// imap_append_stream with the Go read callback; the source's cgo.Handle travels as user_data.
static imap_code libimap_go_append_stream(imap_client *client, const char *mailbox,
                                          const char *const *flags, size_t nflags,
                                          const char *date_time, uint64_t size, uintptr_t handle,
                                          imap_result **out) {
	return imap_append_stream(client, mailbox, flags, nflags, date_time, size,
	                          libimap_go_read_trampoline, (void *)handle, out);
}

// Sets (on != 0) or clears the progress callback; the hooks' cgo.Handle travels as user_data.
static imap_code libimap_go_set_progress(imap_client *client, uintptr_t handle, int on) {
	return imap_set_progress_callback(client, on ? libimap_go_progress_trampoline : NULL,
	                                  (void *)handle);
}
*/
import "C"

import (
	"context"
	"fmt"
	"io"
	"runtime/cgo"
)

// Transfer says which way a literal goes in a Progress report.
type Transfer int

const (
	// Download is a literal from the server: a FETCH body, any literal of a response.
	Download Transfer = C.IMAP_TRANSFER_DOWNLOAD
	// Upload is a literal to the server: an APPEND message, any literal argument.
	Upload Transfer = C.IMAP_TRANSFER_UPLOAD
)

// String is the library's name: "IMAP_TRANSFER_DOWNLOAD", "IMAP_TRANSFER_UPLOAD".
func (t Transfer) String() string {
	return C.GoString(C.imap_transfer_name(C.imap_transfer(t)))
}

// Progress is one report of a transfer: Done of Total bytes of the literal moving now.
type Progress struct {
	Way         Transfer
	Done, Total uint64
}

// ProgressFunc receives progress reports (see Client.SetProgressHandler).
type ProgressFunc func(Progress)

// SetProgressHandler reports the progress of every literal that later calls receive or send
// to fn (imap_set_progress_callback): downloads (FETCH bodies, streamed or buffered) and
// uploads (APPEND messages, AppendReader's included, literal arguments). fn is called once
// per chunk (a socket read's or write's worth), Done growing, and a last time with Done ==
// Total; a FETCH of several bodies reports each literal in turn. Enough for a progress bar.
// fn runs on the goroutine of the call, during it (with pipelined calls, on several
// goroutines, one at a time per connection): it must not call commands of this Client and
// should return quickly. A panic in it is dropped. nil stops the reports.
func (c *Client) SetProgressHandler(fn ProgressFunc) error {
	c.hooks.mu.Lock()
	c.hooks.progress = fn
	c.hooks.mu.Unlock()
	on := 0
	if fn != nil {
		on = 1
	}
	_, err := c.run(context.Background(), "SETPROGRESSHANDLER", func(h *C.imap_client, _ **C.imap_result) C.imap_code {
		return C.libimap_go_set_progress(h, C.uintptr_t(c.hooksH), C.int(on))
	})
	return err
}

// appendSource is what the read callback of one AppendReader call reaches.
type appendSource struct {
	r    io.Reader
	size uint64 // the size announced
	read uint64 // bytes handed to the library
	err  error  // the reader's error that stopped the transfer
	pan  any    // the reader's panic, re-raised by AppendReader
}

// AppendReader sends APPEND of a message of exactly size bytes read from r while it is sent
// (imap_append_stream), 64 KiB at a time: the message is never held in memory, whatever
// its size. mailbox "" is INBOX; flags (nil for none) and dateTime ("" for none) are as for
// AppendFlags. The bytes go as they come, without Append's LF to CRLF conversion: give the
// message with CRLF line ends (RFC 5322). The APPENDUID code is in the Result (ParseCode).
//
// When the server refuses the command before asking for the message (NO, BAD, TRYCREATE),
// r is not read. When r fails or ends before size bytes, the server is in the middle of a
// literal that cannot be cut short: AppendReader returns an ErrAbort (errors.Is also
// matches r's error, io.ErrUnexpectedEOF for a short reader), nothing was appended, and the
// connection is closed. Bytes r has beyond size are not read. r is read on the goroutine of
// the call, during it; a panic in r ends the transfer the same way and is re-raised.
// Progress goes to the SetProgressHandler function, if one is set.
func (c *Client) AppendReader(ctx context.Context, mailbox string, flags []string, dateTime string, r io.Reader, size int64) (*Result, error) {
	const op = "APPEND"
	if r == nil || size < 0 {
		return nil, &Error{Code: CodeInvalidArgument, Op: op,
			Message: fmt.Sprintf("AppendReader needs a reader and a size >= 0 (reader nil: %v, size %d)", r == nil, size)}
	}
	var a args
	defer a.free()
	m, d := a.opt(mailbox), a.opt(dateTime)
	f, nf := a.list(flags)
	if a.err != nil {
		a.err.Op = op
		return nil, a.err
	}
	src := &appendSource{r: r, size: uint64(size)}
	hd := cgo.NewHandle(src)
	defer hd.Delete()
	var out *C.imap_result
	code, msg, ctxErr, err := c.exec(ctx, op, func(h *C.imap_client) C.imap_code {
		return C.libimap_go_append_stream(h, m, f, nf, d, C.uint64_t(size), C.uintptr_t(hd), &out)
	})
	if err != nil {
		return nil, err
	}
	if src.pan != nil {
		if out != nil {
			C.imap_result_free(out)
		}
		panic(src.pan)
	}
	res, err := c.outcome(op, code, msg, ctxErr, newResult(out))
	if e, ok := err.(*Error); ok && e.cause == nil && src.err != nil {
		e.cause = src.err
	}
	return res, err
}

// readSource is the read callback's work: fills buf from the source; at least one byte while
// the message lasts, 0 at its end, -1 (with src.err or src.pan set) on an error.
func readSource(src *appendSource, buf []byte) (n int64) {
	if src.err != nil || src.pan != nil {
		return -1
	}
	defer func() {
		if p := recover(); p != nil {
			src.pan = p
			n = -1
		}
	}()
	for tries := 0; ; tries++ {
		k, err := src.r.Read(buf)
		if k < 0 || k > len(buf) {
			src.err = fmt.Errorf("imap: AppendReader: the reader returned %d bytes for a %d-byte buffer", k, len(buf))
			return -1
		}
		src.read += uint64(k)
		if k > 0 {
			return int64(k) // an error with data: the next call sees it again
		}
		if err == io.EOF {
			if src.read < src.size {
				src.err = fmt.Errorf("imap: AppendReader: the reader ended after %d of %d bytes: %w",
					src.read, src.size, io.ErrUnexpectedEOF)
				return -1
			}
			return 0
		}
		if err != nil {
			src.err = err
			return -1
		}
		if tries >= 100 { // io.Reader: (0, nil) is discouraged; many in a row is a broken reader
			src.err = io.ErrNoProgress
			return -1
		}
	}
}
