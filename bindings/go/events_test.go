package imap_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	imap "github.com/libimap/libimap/bindings/go"
)

// IDLE updates as typed events: another client appends, flags and expunges a message; the
// idling client sees ExistsEvent, FetchEvent (with the flag) and ExpungeEvent through the
// Events iterator, each printing as its response; a deadline ends the iteration with its
// error while the IDLE goes on.
func TestIdleEvents(t *testing.T) {
	ctx := ctxT(t)
	c, box := idleMailbox(t)
	idle, err := c.Idle(ctx)
	if err != nil {
		t.Fatal(err)
	}
	other := login(t, "user2")
	// waitFor iterates until match accepts an event; other events are logged and skipped.
	waitFor := func(what string, match func(imap.Event) bool) imap.Event {
		t.Helper()
		wctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		for ev, err := range idle.Events(wctx) {
			if err != nil {
				t.Fatalf("waiting for %s: %v", what, err)
			}
			t.Logf("event %T %v", ev, ev)
			if ev.Response() == nil {
				t.Fatalf("event %v without its response", ev)
			}
			if match(ev) {
				return ev
			}
		}
		t.Fatalf("waiting for %s: the iterator ended", what)
		return nil
	}

	must(t, "APPEND")(other.Append(ctx, box, "", "", message("event", 200)))
	ev := waitFor("EXISTS 1", func(ev imap.Event) bool { e, ok := ev.(imap.ExistsEvent); return ok && e.Count == 1 })
	if ev.String() != "EXISTS 1" || ev.Response().Type != "EXISTS" {
		t.Fatalf("ExistsEvent prints %q, response %q", ev, ev.Response().Type)
	}

	must(t, "SELECT")(other.Select(ctx, box, false))
	must(t, "STORE")(other.Store(ctx, "1", "+FLAGS", `(\Flagged)`))
	ev = waitFor("FETCH 1 with \\Flagged", func(ev imap.Event) bool {
		e, ok := ev.(imap.FetchEvent)
		return ok && e.Seq == 1 && e.HasFlags && slices.Contains(e.Flags, `\Flagged`)
	})
	if f := ev.(imap.FetchEvent); f.Message == nil || f.Message.Seq != 1 || f.String()[:8] != "FETCH 1 " {
		t.Fatalf("FetchEvent %+v prints %q", f, f)
	}

	must(t, "STORE")(other.Store(ctx, "1", "+FLAGS", `(\Deleted)`))
	must(t, "EXPUNGE")(other.Expunge(ctx))
	ev = waitFor("EXPUNGE 1", func(ev imap.Event) bool { e, ok := ev.(imap.ExpungeEvent); return ok && e.Seq == 1 })
	if ev.String() != "EXPUNGE 1" {
		t.Fatalf("ExpungeEvent prints %q", ev)
	}

	// A deadline ends the iteration with its error (yielded once); the IDLE goes on.
	dctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	var errs []error
	for ev, err := range idle.Events(dctx) {
		if err != nil {
			errs = append(errs, err)
		} else {
			t.Logf("late event %v", ev)
		}
	}
	if len(errs) != 1 || !errors.Is(errs[0], context.DeadlineExceeded) || c.State() != imap.StateIdling {
		t.Fatalf("after the deadline: errors %v, state %v", errs, c.State())
	}
	must(t, "DONE")(idle.Done(ctx))
	if _, err := idle.NextEvent(ctx); !errors.Is(err, imap.ErrIllegalState) {
		t.Fatalf("NextEvent after Done: %v", err)
	}
}

// With QRESYNC enabled the server reports an expunge as VANISHED (by UID): a VanishedEvent.
func TestIdleVanishedEvent(t *testing.T) {
	ctx := ctxT(t)
	c := login(t, "user2")
	box := unique("vanish")
	must(t, "CREATE")(c.Create(ctx, box))
	t.Cleanup(func() { login(t, "user2").Delete(context.Background(), box) })
	must(t, "ENABLE")(c.Enable(ctx, "QRESYNC"))
	other := login(t, "user2")
	for i := 0; i < 3; i++ {
		must(t, "APPEND")(other.Append(ctx, box, "", "", message("vanish", 100)))
	}
	must(t, "SELECT")(c.Select(ctx, box, false))
	idle, err := c.Idle(ctx)
	if err != nil {
		t.Fatal(err)
	}
	must(t, "SELECT other")(other.Select(ctx, box, false))
	must(t, "STORE")(other.Store(ctx, "2:3", "+FLAGS.SILENT", `(\Deleted)`))
	must(t, "EXPUNGE")(other.Expunge(ctx))
	wctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	var got imap.VanishedEvent
	for ev, err := range idle.Events(wctx) {
		if err != nil {
			t.Fatalf("waiting for VANISHED: %v", err)
		}
		if _, ok := ev.(imap.ExpungeEvent); ok {
			t.Fatalf("EXPUNGE with QRESYNC enabled: %v", ev)
		}
		if v, ok := ev.(imap.VanishedEvent); ok {
			got = v
			break
		}
	}
	if got.Earlier || got.String() != "VANISHED 2:3" || got.Response().Type != "VANISHED" {
		t.Fatalf("event %+v prints %q", got, got)
	}
	if _, err := idle.Done(ctx); err != nil {
		t.Fatal(err)
	}
}
