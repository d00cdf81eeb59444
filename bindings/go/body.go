package imap

// #include "imap.h"
import "C"

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// gate lets calls run together (share) except while OpenBody's transfer runs, which holds
// it alone (lock): the literal callback is the Client's, so the transfer must be the only
// call reading responses. Waits end with their context.
type gate struct {
	mu      sync.Mutex
	shared  int
	excl    bool
	changed chan struct{} // closed (and dropped) when shared reaches 0 or excl ends
}

func (g *gate) waitLocked(ctx context.Context) error {
	if g.changed == nil {
		g.changed = make(chan struct{})
	}
	ch := g.changed
	g.mu.Unlock()
	var err error
	select {
	case <-ch:
	case <-ctx.Done():
		err = ctx.Err()
	}
	g.mu.Lock()
	return err
}

func (g *gate) wakeLocked() {
	if g.changed != nil {
		close(g.changed)
		g.changed = nil
	}
}

func (g *gate) share(ctx context.Context) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	for g.excl {
		if err := g.waitLocked(ctx); err != nil {
			return err
		}
	}
	g.shared++
	return nil
}

func (g *gate) unshare() {
	g.mu.Lock()
	if g.shared--; g.shared == 0 {
		g.wakeLocked()
	}
	g.mu.Unlock()
}

// lock takes the gate alone: new calls wait from now on, and lock waits for those running.
func (g *gate) lock(ctx context.Context) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	for g.excl {
		if err := g.waitLocked(ctx); err != nil {
			return err
		}
	}
	g.excl = true
	for g.shared > 0 {
		if err := g.waitLocked(ctx); err != nil {
			g.excl = false
			g.wakeLocked()
			return err
		}
	}
	return nil
}

func (g *gate) unlock() {
	g.mu.Lock()
	g.excl = false
	g.wakeLocked()
	g.mu.Unlock()
}

// BodyReader reads one message body (or section) while the server sends it: see
// Client.OpenBody.
type BodyReader struct {
	pr      *io.PipeReader
	size    uint64
	done    chan struct{} // closed once the FETCH has returned and the Client is free again
	err     error         // the FETCH's error, after done
	discard atomic.Bool   // Close: the rest is read from the server and dropped
}

// Read reads the body as it arrives. At the end: io.EOF; an error of the transfer (a lost
// connection, OpenBody's context ended, the Client closed) ends it with that error.
func (b *BodyReader) Read(p []byte) (int, error) { return b.pr.Read(p) }

// Size is the body's size in bytes, as the server announced it.
func (b *BodyReader) Size() uint64 { return b.size }

// Close stops reading: the rest of the body is read from the server and dropped, so the
// connection stays usable, and Close returns once the FETCH has ended and the Client is free
// for other calls, with the FETCH's error if it failed (nil after a complete read).
// Idempotent.
func (b *BodyReader) Close() error {
	b.discard.Store(true)
	b.pr.Close()
	<-b.done
	return b.err
}

// bodyLine tells whether a literal announced by line is the body OpenBody asked for: the
// first line of a FETCH response whose literal is the value of BODY[section] (<origin>
// allowed), and whose UID, when it is on the line, is uid. The line is read by the library
// (imap_literal_owner), which skips quoted strings and nested lists.
func bodyLine(line []byte, uid uint32, section string) bool {
	var seq, u C.uint32_t
	var item *C.char
	if C.imap_literal_owner(bytesArg(line), C.size_t(len(line)), &seq, &u, &item) != C.IMAP_CODE_OK {
		return false
	}
	name := takeString(item)
	if j := strings.LastIndexByte(name, ']'); j >= 0 {
		name = name[:j+1] // without the <origin>
	}
	return name == "BODY["+strings.ToUpper(section)+"]" && (u == 0 || uint32(u) == uid)
}

// errNoBody is what OpenBody returns when the FETCH brought no such body.
var errNoBody = errors.New("no such body")

// OpenBody sends UID FETCH uid (BODY.PEEK[section]) and returns a reader of that body as it
// arrives: section "" is the whole message, "1", "2.MIME", "TEXT"... as in BODY[...]. Nothing
// is held in memory but what Read has not taken yet: the server is held back through TCP
// while the reader is not read. It returns once the body starts to arrive (Size is known),
// or with an error: ErrNo when the message or section does not exist (the server sent no
// such body), or the FETCH's error.
//
// Until the reader is read to its end or closed, the transfer is the only call of this
// Client (it streams through the Client's literal callback): other calls wait for it (their
// contexts apply to that wait), and a handler set with SetLiteralHandler receives only the
// literals of other responses that arrive meanwhile. So read the body on the goroutine that
// makes no other call on this Client until it is done, or Close it. ctx bounds the whole
// transfer: its end interrupts it (the connection is closed, as for any call). Client.Close
// ends it too.
func (c *Client) OpenBody(ctx context.Context, uid uint32, section string) (*BodyReader, error) {
	const op = "FETCH"
	if ctx == nil {
		ctx = context.Background()
	}
	if uid == 0 || strings.ContainsAny(section, "[]\r\n\x00") {
		return nil, &Error{Code: CodeInvalidArgument, Op: op,
			Message: fmt.Sprintf("OpenBody: bad UID %d or section %q", uid, section)}
	}
	var a args
	cmd := a.str("FETCH")
	items, n := a.list([]string{strconv.FormatUint(uint64(uid), 10), "(BODY.PEEK[" + section + "])"})
	if a.err != nil {
		a.free()
		a.err.Op = op
		return nil, a.err
	}
	if err := ctx.Err(); err != nil {
		a.free()
		return nil, &ctxError{op: op, err: err}
	}
	if err := c.gate.lock(ctx); err != nil {
		a.free()
		return nil, &ctxError{op: op, err: err}
	}
	pr, pw := io.Pipe()
	b := &BodyReader{pr: pr, done: make(chan struct{})}
	ready := make(chan struct{}) // closed when the body starts or the FETCH ends
	var readyOnce sync.Once
	markReady := func() { readyOnce.Do(func() { close(ready) }) }

	c.hooks.mu.Lock()
	saved, savedMin := c.hooks.literal, c.hooks.litMin
	c.hooks.body = func() { pw.CloseWithError(&Error{Code: CodeClosed, Op: op, Message: "client is closed"}) }
	var ours, taken bool
	c.hooks.literal = func(ch LiteralChunk) error {
		if ch.Offset == 0 {
			ours = !taken && bodyLine(ch.Line, uid, section)
			if ours {
				taken = true
				b.size = ch.Size
				markReady()
			}
		}
		if !ours {
			if saved != nil && ch.Size >= savedMin {
				return saved(ch)
			}
			return nil // another response's literal: not kept (documented)
		}
		if len(ch.Data) == 0 || b.discard.Load() {
			return nil
		}
		if _, err := pw.Write(ch.Data); err != nil && !b.discard.Load() {
			return err
		}
		return nil
	}
	c.hooks.mu.Unlock()
	stopCtx := context.AfterFunc(ctx, func() { pw.CloseWithError(&ctxError{op: op, err: ctx.Err()}) })

	setLiteral := func(on bool, min uint64) {
		c.runIn(context.Background(), "SETLITERALHANDLER", c.setLiteralCall(on, min), c.execHeld)
	}
	go func() {
		defer a.free()
		setLiteral(true, 0)
		res, err := c.runIn(ctx, op, func(h *C.imap_client, out **C.imap_result) C.imap_code {
			return C.imap_uid(h, cmd, items, n, out)
		}, c.execHeld)
		stopCtx()
		if err != nil && ctx.Err() != nil {
			// The context ended the transfer, whichever noticed first: the interrupt, or the
			// literal callback writing into the pipe the context closed.
			err = &ctxError{op: op, err: ctx.Err()}
		}
		c.hooks.mu.Lock()
		c.hooks.literal, c.hooks.body = saved, nil
		c.hooks.mu.Unlock()
		setLiteral(saved != nil, savedMin)
		var rest *bytes.Reader // a body sent as a quoted string (or NIL): no literal
		if err == nil && !taken {
			msgs, _ := res.ParseFetch()
			for _, m := range msgs {
				if r, ok := m.SectionReader(section); ok && m.UID == uid {
					rest, taken, b.size = r, true, uint64(r.Len())
					break
				}
			}
			if !taken {
				err = &Error{Code: CodeNo, Op: op, cause: errNoBody,
					Message: fmt.Sprintf("the server sent no BODY[%s] for UID %d", section, uid)}
			}
		}
		b.err = err
		c.gate.unlock()
		markReady()
		if rest != nil && !b.discard.Load() {
			rest.WriteTo(pw) // until read or closed
		}
		if err != nil {
			pw.CloseWithError(err)
		} else {
			pw.Close()
		}
		close(b.done)
	}()
	<-ready
	if !taken {
		<-b.done
		return nil, b.err
	}
	return b, nil
}
