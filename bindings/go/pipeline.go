package imap

/*
#include <stdint.h>
#include <stdlib.h>
#include "imap.h"

extern int32_t libimapGoFetchMessage(uintptr_t handle, imap_fetch_message *msg);

static int32_t libimap_go_fetch_trampoline(void *ctx, const imap_fetch_message *msg) {
	return libimapGoFetchMessage((uintptr_t)ctx, (imap_fetch_message *)msg);
}

// imap_fetch_each (imap_uid_fetch_each when uid is non-zero) with the Go callback; the
// collector's cgo.Handle travels as ctx.
static imap_code libimap_go_fetch_each(imap_client *c, const char *set, const char *items, int uid,
                                       uintptr_t handle) {
	if (uid)
		return imap_uid_fetch_each(c, set, items, libimap_go_fetch_trampoline, (void *)handle);
	return imap_fetch_each(c, set, items, libimap_go_fetch_trampoline, (void *)handle);
}
*/
import "C"

import (
	"context"
	"iter"
	"runtime"
	"runtime/cgo"
	"sync"
)

// Pending is a command sent by Submit whose result has not been collected yet. Wait
// collects it; every Pending must be waited for exactly once (the library keeps the result
// until then).
type Pending struct {
	c    *Client
	op   string
	t    C.imap_ticket
	once sync.Once
	res  *Result
	err  error
}

// Submit sends a command and returns at once, without waiting for the reply (imap_submit):
// several commands may be in flight, from one goroutine, and Wait collects each result, in
// any order. command is a name of the library's command table ("FETCH", "UID FETCH",
// "SEARCH", "NOOP", "STATUS", "STORE", "SELECT"...), arguments are typed as for SearchArgs.
// State and arguments are checked first (ErrIllegalState, ErrInvalidArgument: nothing sent).
// Commands that RFC 3501 §5.5 says must not run alongside those in flight are sent once
// those have completed, so Submit may wait for that (ctx bounds that wait).
//
// Concurrent calls from several goroutines are pipelined the same way without Submit:
// each synchronous method is a submit and a collect.
func (c *Client) Submit(ctx context.Context, command string, arguments ...Arg) (*Pending, error) {
	var a args
	cm := a.str(command)
	vals, kinds, n := a.typed(arguments)
	return c.submit(ctx, command, &a, func(h *C.imap_client, t *C.imap_ticket) C.imap_code {
		return C.imap_submit(h, cm, vals, kinds, n, t)
	})
}

// SubmitFetch is Submit of FETCH messageSet items (imap_submit_fetch), items as for Fetch.
func (c *Client) SubmitFetch(ctx context.Context, messageSet, items string) (*Pending, error) {
	return c.submitFetch(ctx, false, messageSet, items)
}

// SubmitUIDFetch is Submit of UID FETCH uidSet items (imap_submit_uid_fetch).
func (c *Client) SubmitUIDFetch(ctx context.Context, uidSet, items string) (*Pending, error) {
	return c.submitFetch(ctx, true, uidSet, items)
}

func (c *Client) submitFetch(ctx context.Context, uid bool, set, items string) (*Pending, error) {
	var a args
	s, i := a.str(set), a.str(items)
	op := "FETCH"
	if uid {
		op = "UID FETCH"
	}
	return c.submit(ctx, op, &a, func(h *C.imap_client, t *C.imap_ticket) C.imap_code {
		if uid {
			return C.imap_submit_uid_fetch(h, s, i, t)
		}
		return C.imap_submit_fetch(h, s, i, t)
	})
}

func (c *Client) submit(ctx context.Context, op string, a *args, f func(*C.imap_client, *C.imap_ticket) C.imap_code) (*Pending, error) {
	defer a.free()
	if a.err != nil {
		a.err.Op = op
		return nil, a.err
	}
	p := &Pending{c: c, op: op}
	_, err := c.run(ctx, op, func(h *C.imap_client, _ **C.imap_result) C.imap_code { return f(h, &p.t) })
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Wait waits for the command's completion (imap_collect) and returns what the synchronous
// method would have: the Result, and for NO, BAD and READONLY the Result and an error. A
// second Wait returns the same. A cancelled ctx interrupts the wait, which closes the
// connection (every command in flight then fails).
func (p *Pending) Wait(ctx context.Context) (*Result, error) {
	p.once.Do(func() {
		p.res, p.err = p.c.run(ctx, p.op, func(h *C.imap_client, out **C.imap_result) C.imap_code {
			return C.imap_collect(h, p.t, out)
		})
	})
	return p.res, p.err
}

// PendingCount is the number of commands submitted and not yet collected
// (imap_pending_count).
func (c *Client) PendingCount() int {
	n := 0
	c.accessor(func(h *C.imap_client) { n = int(C.imap_pending_count(h)) })
	return n
}

// FetchEach sends FETCH messageSet items and yields each message as it arrives, parsed
// (imap_fetch_stream, imap_fetch_next): only the messages arrived and not yet yielded are
// held, so memory stays constant whatever the mailbox size, and a slow loop holds the
// server back through TCP. A message that did not parse is yielded with its Err (ErrParse)
// as the error. Breaking out of the loop reads the rest of the reply and drops it
// (imap_fetch_stream_cancel); the connection stays usable. At the end, a failure of the
// command (NO, BAD, a lost connection) is yielded once with a nil message. Other calls on
// the Client may run while the loop runs (also from its body), pipelined with the FETCH.
func (c *Client) FetchEach(ctx context.Context, messageSet, items string) iter.Seq2[*Message, error] {
	return c.fetchEach(ctx, false, messageSet, items)
}

// UIDFetchEach is FetchEach for UID FETCH uidSet items.
func (c *Client) UIDFetchEach(ctx context.Context, uidSet, items string) iter.Seq2[*Message, error] {
	return c.fetchEach(ctx, true, uidSet, items)
}

// FetchAll sends FETCH messageSet items and returns every message, parsed, as FetchParsed
// does, but built as the messages arrive (imap_fetch_each): each message is converted while
// the library holds only it, so only the Go messages are held, about one copy of the data
// (bodies fetched with BODY[] are in Go memory once), where FetchParsed holds the library's
// whole result and tree besides until it has converted them.
// Unlike FetchParsed, FETCH responses about messages not asked for (flag changes the server
// sends meanwhile) are not included: they stay with the mailbox state. A message that did
// not parse is in the slice with its Err, and the error satisfies errors.Is(err, ErrParse),
// listing them in Invalid. A failure of the command (NO, BAD, a lost connection) is
// returned with the messages received before it.
func (c *Client) FetchAll(ctx context.Context, messageSet, items string) ([]*Message, error) {
	return c.fetchAll(ctx, false, messageSet, items)
}

// UIDFetchAll is FetchAll for UID FETCH uidSet items.
func (c *Client) UIDFetchAll(ctx context.Context, uidSet, items string) ([]*Message, error) {
	return c.fetchAll(ctx, true, uidSet, items)
}

func (c *Client) fetchAll(ctx context.Context, uid bool, set, items string) ([]*Message, error) {
	var a args
	s, i := a.str(set), a.str(items)
	op, u := "FETCH", C.int(0)
	if uid {
		op, u = "UID FETCH", 1
	}
	col := &collector{}
	h := cgo.NewHandle(col)
	defer h.Delete()
	_, err := c.cmd(ctx, op, &a, func(ch *C.imap_client, _ **C.imap_result) C.imap_code {
		return C.libimap_go_fetch_each(ch, s, i, u, C.uintptr_t(h))
	})
	if col.panicked != nil {
		panic(col.panicked)
	}
	if err != nil {
		return col.msgs, err
	}
	if len(col.inv) > 0 {
		return col.msgs, parseError("PARSE FETCH", CodeParse, col.inv)
	}
	return col.msgs, nil
}

// collector gathers FetchAll's messages, converted in the library's callback (the view is
// valid only during it).
type collector struct {
	msgs     []*Message
	inv      []Invalid
	panicked any
}

func (col *collector) add(m *C.imap_fetch_message) {
	msg := goMessage(m)
	if msg.Err != nil {
		col.inv = append(col.inv, msg.Err.(*Error).Invalid...)
	}
	col.msgs = append(col.msgs, msg)
}

// fetchBatch is the most messages one imap_fetch_next gives.
const fetchBatch = 64

func (c *Client) fetchEach(ctx context.Context, uid bool, set, items string) iter.Seq2[*Message, error] {
	op := "FETCH"
	if uid {
		op = "UID FETCH"
	}
	return func(yield func(*Message, error) bool) {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		var a args
		s, i := a.str(set), a.str(items)
		u := C.int32_t(0)
		if uid {
			u = 1
		}
		var t C.imap_ticket
		_, err := c.cmd(ctx, op, &a, func(h *C.imap_client, _ **C.imap_result) C.imap_code {
			return C.imap_fetch_stream(h, s, i, u, &t)
		})
		if err != nil {
			yield(nil, err)
			return
		}
		finished := false
		defer func() { // break, or a panic in the loop's body: drop the rest
			if !finished {
				c.run(context.Background(), op, func(h *C.imap_client, _ **C.imap_result) C.imap_code {
					return C.imap_fetch_stream_cancel(h, t)
				})
			}
		}()
		for {
			var l *C.imap_fetch_list
			_, err := c.run(ctx, op, func(h *C.imap_client, _ **C.imap_result) C.imap_code {
				return C.imap_fetch_next(h, t, fetchBatch, &l)
			})
			if l == nil { // the end: the command's completion, and the ticket is spent
				finished = true
				if err != nil {
					yield(nil, err)
				}
				return
			}
			msgs, _ := messages(l)
			for _, m := range msgs {
				if !yield(m, m.Err) {
					return
				}
			}
		}
	}
}
