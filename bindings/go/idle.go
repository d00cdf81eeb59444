package imap

// #include "imap.h"
import "C"

import (
	"context"
	"sync"
	"sync/atomic"
)

// idleWaitMS is the timeout of one imap_idle_wait: long, since imap_wake ends it at once.
// (RFC 2177 asks clients to end IDLE within 29 minutes; that is the caller's deadline.)
const idleWaitMS = 30 * 60 * 1000

// Idler is an IDLE in progress (RFC 2177), made by Client.Idle. Take the server's updates
// with Next, end it with Done. Next and Done may be called from different goroutines.
type Idler struct {
	c    *Client
	mu   sync.Mutex  // held by Next while it waits; Done takes it after waking Next
	done atomic.Bool // set by Done first, so that a woken Next stops waiting

	evMu    sync.Mutex // NextEvent's
	pending []Event    // events of the last response not yet returned by NextEvent
}

// Idle sends IDLE and waits for the server's continuation. The state becomes StateIdling:
// until Done, only the Idler's methods, accessors and Close may be used (commands fail
// with ErrIllegalState). Without the IDLE capability: ErrUnsupported, nothing sent. ctx
// bounds the start only, with the usual rules.
func (c *Client) Idle(ctx context.Context) (*Idler, error) {
	_, err := c.run(ctx, "IDLE", func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_idle_start(h, out)
	})
	if err != nil {
		return nil, err
	}
	return &Idler{c: c}, nil
}

// Next waits for the next response the server sends during IDLE and returns it as soon as
// it arrives, untyped (NextEvent and Events give typed events; do not mix them with Next,
// which does not return the events NextEvent has read but not yet returned)
// (Type "EXISTS", "EXPUNGE", "FETCH"...; for a response code such as [ALERT]
// first the "OK" response, then the code); every response read during IDLE is returned by
// Next, in order, and its Parse methods read it (ParseFetch for a flag change).
//
// Next never interrupts the connection: when ctx is cancelled or its deadline passes, the
// wait is woken at once (imap_wake) and Next returns an error satisfying
// errors.Is(err, ctx.Err()) while the IDLE goes on: call Next again, or Done. After Done,
// also while Next is waiting on another goroutine, Next returns ErrIllegalState. A lost
// connection gives ErrAbort (or ErrTimeout), as for commands.
func (i *Idler) Next(ctx context.Context) (*Result, error) {
	const op = "IDLE"
	if ctx == nil {
		ctx = context.Background()
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	for {
		if i.done.Load() {
			return nil, &Error{Code: CodeIllegalState, Op: op, Message: "IDLE has ended (Done)"}
		}
		if err := ctx.Err(); err != nil {
			return nil, &ctxError{op: op, err: err}
		}
		var out *C.imap_result
		code, msg, _, err := i.c.exec(context.Background(), op, func(h *C.imap_client) C.imap_code {
			stop := context.AfterFunc(ctx, func() { C.imap_wake(h) })
			defer stop()
			return C.imap_idle_wait(h, idleWaitMS, &out)
		})
		if err != nil {
			return nil, err
		}
		if res, err := i.c.outcome(op, code, msg, nil, newResult(out)); err != nil || res != nil {
			return res, err
		}
		// Woken (ctx, Done) or the wait's timeout: check again. A wake that came after the
		// wait had returned is consumed by the next wait, which then returns at once.
	}
}

// Done sends DONE and waits for the tagged reply, which it returns; the state goes back to
// what it was before Idle. A Next waiting on another goroutine is woken and returns
// ErrIllegalState. Responses after the last Next go to the untagged store (Response).
func (i *Idler) Done(ctx context.Context) (*Result, error) {
	i.done.Store(true)
	i.c.accessor(func(h *C.imap_client) { C.imap_wake(h) })
	i.mu.Lock()
	defer i.mu.Unlock()
	res, err := i.c.run(ctx, "DONE", func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_idle_done(h, out)
	})
	if err != nil && i.c.State() == StateIdling && i.c.IsOpen() {
		i.done.Store(false) // nothing was sent (a context already done): still idling
	}
	return res, err
}
