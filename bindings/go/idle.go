package imap

// #include "imap.h"
import "C"

import (
	"context"
	"sync/atomic"
	"time"
)

// IdlePoll is the longest single wait of Idler.Next (imap_idle_wait's timeout): a
// cancelled context or a Done from another goroutine is noticed within it.
const IdlePoll = 250 * time.Millisecond

// Update is one response the server sent during IDLE.
type Update struct {
	// Type is the response's name: "EXISTS", "EXPUNGE", "RECENT", "FETCH"...; for a
	// response code such as [ALERT], first the "OK" response, then the code.
	Type string
	// Data is imaplib's data for it: "1" for "* 1 EXISTS", for example.
	Data []Item

	res *Result
}

// Result returns the update as a Result (Type and Data, no tagged part), whose Parse
// methods read it: ParseFetch for a FETCH update (a flag change made by another client),
// for example.
func (u *Update) Result() *Result { return u.res }

// Idler is an IDLE in progress (RFC 2177), made by Client.Idle. Take the server's updates
// with Next, end it with Done. Next and Done may be called from different goroutines.
type Idler struct {
	c    *Client
	done atomic.Bool
}

// Idle sends IDLE and waits for the server's continuation (imaplib 3.14's idle()). The
// state becomes StateIdling: until Done, only the Idler's methods, accessors and Close
// may be used (commands fail with ErrIllegalState). Without the IDLE capability:
// ErrUnsupported, nothing sent. ctx bounds the start only, with the usual rules (a
// cancellation interrupts and closes the connection).
func (c *Client) Idle(ctx context.Context) (*Idler, error) {
	_, err := c.run(ctx, "IDLE", func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_idle_start(h, out)
	})
	if err != nil {
		return nil, err
	}
	return &Idler{c: c}, nil
}

// Next waits for the next update. It returns the update as soon as one arrives; every
// response read during IDLE is returned by Next, in order.
//
// Next waits in steps of at most IdlePoll (imap_idle_wait) and checks ctx between them; it
// never interrupts the connection. When ctx is cancelled or its deadline passes, Next
// returns within IdlePoll an error satisfying errors.Is(err, ctx.Err()), and the IDLE goes
// on: call Next again or Done. Unlike commands, a deadline here does not close the
// connection, so a deadline is also how to wait "at most this long" (imaplib's burst).
//
// After Done (also while Next is waiting on another goroutine) Next returns an
// ErrIllegalState error. A lost connection gives ErrAbort (or ErrTimeout), as for commands.
func (i *Idler) Next(ctx context.Context) (*Update, error) {
	const op = "IDLE"
	if ctx == nil {
		ctx = context.Background()
	}
	for {
		if i.done.Load() {
			return nil, &Error{Code: CodeIllegalState, Op: op, Message: "IDLE has ended (Done)"}
		}
		if err := ctx.Err(); err != nil {
			return nil, &ctxError{op: op, err: err}
		}
		wait := IdlePoll
		if dl, ok := ctx.Deadline(); ok {
			if left := time.Until(dl); left < wait {
				wait = left
			}
		}
		ms := durationMS(wait)
		res, err := i.c.run(context.Background(), op, func(h *C.imap_client, out **C.imap_result) C.imap_code {
			return C.imap_idle_wait(h, ms, out)
		})
		if err != nil {
			if i.done.Load() {
				return nil, &Error{Code: CodeIllegalState, Op: op, Message: "IDLE has ended (Done)"}
			}
			return nil, err
		}
		if res != nil {
			return &Update{Type: res.Type, Data: res.Data, res: res}, nil
		}
	}
}

// Done sends DONE and waits for the tagged reply, which it returns; the state goes back to
// what it was before Idle. Responses that arrive after the last Next go to the untagged
// store (Client.Response). A Next waiting on another goroutine returns within IdlePoll
// with ErrIllegalState. ctx follows the rules of commands.
func (i *Idler) Done(ctx context.Context) (*Result, error) {
	i.done.Store(true)
	res, err := i.c.run(ctx, "DONE", func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_idle_done(h, out)
	})
	if err != nil && i.c.State() == StateIdling && i.c.IsOpen() {
		i.done.Store(false) // nothing was sent (a context already done): still idling
	}
	return res, err
}
