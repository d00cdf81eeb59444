//go:build cgo

package imap

import (
	"context"
	"fmt"
	"iter"
	"strconv"
	"strings"
)

// Event is one update the server sent during IDLE, typed: ExistsEvent, ExpungeEvent,
// VanishedEvent (EXPUNGE's form once QRESYNC is enabled), RecentEvent, FetchEvent (flag
// changes), or ResponseEvent for any other response (an OK with [ALERT], BYE...). Take it
// with a type switch:
//
//	for ev, err := range idle.Events(ctx) {
//		if err != nil { break }
//		switch e := ev.(type) {
//		case imap.ExistsEvent:  fmt.Println("messages now:", e.Count)
//		case imap.ExpungeEvent: fmt.Println("gone:", e.Seq)
//		case imap.FetchEvent:   fmt.Println(e.Seq, e.Flags)
//		}
//	}
//
// Every event prints as the response it stands for ("EXISTS 3", "FETCH 2 (\Seen)"), and
// Response returns the Result it was read from.
type Event interface {
	// Response is the untagged response the event was read from.
	Response() *Result
	fmt.Stringer
}

// ExistsEvent is "* n EXISTS": the mailbox now holds Count messages.
type ExistsEvent struct {
	Count uint32
	res   *Result
}

// ExpungeEvent is "* n EXPUNGE": message Seq was removed; the numbers above it go down by one.
type ExpungeEvent struct {
	Seq uint32
	res *Result
}

// VanishedEvent is "* VANISHED uids" (RFC 7162): with QRESYNC enabled the server reports
// removed messages by UID, as ranges, instead of EXPUNGE. Earlier is false for a removal
// just now.
type VanishedEvent struct {
	Vanished
	res *Result
}

// RecentEvent is "* n RECENT": Count messages have the \Recent flag.
type RecentEvent struct {
	Count uint32
	res   *Result
}

// FetchEvent is "* n FETCH (...)" sent unasked, usually a flag change by another client.
// Message holds everything the response carried (Seq, UID when sent, Flags...).
type FetchEvent struct {
	Seq      uint32
	UID      uint32   // 0 when the server did not send it
	Flags    []string // nil when the response carried no FLAGS
	HasFlags bool
	Message  *Message
	res      *Result
}

// ResponseEvent is any other response: Type "OK" (with Code "ALERT"...), "BYE", "VANISHED"...
type ResponseEvent struct {
	res *Result
}

func (e ExistsEvent) Response() *Result   { return e.res }
func (e ExpungeEvent) Response() *Result  { return e.res }
func (e RecentEvent) Response() *Result   { return e.res }
func (e VanishedEvent) Response() *Result { return e.res }
func (e FetchEvent) Response() *Result    { return e.res }
func (e ResponseEvent) Response() *Result { return e.res }

func (e ExistsEvent) String() string  { return fmt.Sprintf("EXISTS %d", e.Count) }
func (e ExpungeEvent) String() string { return fmt.Sprintf("EXPUNGE %d", e.Seq) }
func (e RecentEvent) String() string  { return fmt.Sprintf("RECENT %d", e.Count) }
func (e VanishedEvent) String() string {
	if e.Earlier {
		return "VANISHED (EARLIER) " + e.UIDs.String()
	}
	return "VANISHED " + e.UIDs.String()
}
func (e FetchEvent) String() string {
	s := fmt.Sprintf("FETCH %d", e.Seq)
	if e.UID != 0 {
		s += fmt.Sprintf(" UID %d", e.UID)
	}
	if e.HasFlags {
		s += " (" + strings.Join(e.Flags, " ") + ")"
	}
	return s
}
func (e ResponseEvent) String() string {
	if e.res == nil {
		return "<nil>"
	}
	s := e.res.Type
	for _, l := range e.res.Lines() {
		s += " " + string(l)
	}
	return s
}

// Events converts a response read during IDLE (Idler.Next) into typed events, one per
// number or message it holds (usually one). A response that does not read as its type says
// is a ResponseEvent, so nothing is lost.
func (r *Result) Events() []Event {
	if r == nil {
		return nil
	}
	number := func() ([]uint32, bool) {
		var ns []uint32
		for i := 0; i < r.Len(); i++ {
			it := r.Item(i)
			n, err := strconv.ParseUint(strings.TrimSpace(string(it.Line)), 10, 32)
			if it.Kind != ItemLine || err != nil {
				return nil, false
			}
			ns = append(ns, uint32(n))
		}
		return ns, len(ns) > 0
	}
	var evs []Event
	switch r.Type {
	case "EXISTS", "EXPUNGE", "RECENT":
		ns, ok := number()
		if !ok {
			break
		}
		for _, n := range ns {
			switch r.Type {
			case "EXISTS":
				evs = append(evs, ExistsEvent{Count: n, res: r})
			case "EXPUNGE":
				evs = append(evs, ExpungeEvent{Seq: n, res: r})
			default:
				evs = append(evs, RecentEvent{Count: n, res: r})
			}
		}
	case "VANISHED":
		vs, err := r.ParseVanished()
		if err != nil {
			break
		}
		for _, v := range vs {
			evs = append(evs, VanishedEvent{Vanished: v, res: r})
		}
	case "FETCH":
		msgs, err := r.ParseFetch()
		if err != nil || len(msgs) == 0 {
			break
		}
		for _, m := range msgs {
			evs = append(evs, FetchEvent{Seq: m.Seq, UID: m.UID, Flags: m.Flags, HasFlags: m.Flags != nil,
				Message: m, res: r})
		}
	}
	if evs == nil {
		evs = []Event{ResponseEvent{res: r}}
	}
	return evs
}

// NextEvent is Next with the response converted to typed events (Result.Events), returned one
// at a time in order. Errors and context handling are Next's.
func (i *Idler) NextEvent(ctx context.Context) (Event, error) {
	i.evMu.Lock()
	defer i.evMu.Unlock()
	for len(i.pending) == 0 {
		r, err := i.Next(ctx)
		if err != nil {
			return nil, err
		}
		i.pending = r.Events()
	}
	ev := i.pending[0]
	i.pending = i.pending[1:]
	return ev, nil
}

// Events returns an iterator over the server's updates as typed events (NextEvent): each
// one as soon as it arrives. It ends after yielding an error once (ctx cancelled or past its
// deadline: the IDLE goes on; Done: ErrIllegalState; a lost connection) or when the loop
// breaks; either way the IDLE is still to be ended with Done.
func (i *Idler) Events(ctx context.Context) iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) {
		for {
			ev, err := i.NextEvent(ctx)
			if !yield(ev, err) || err != nil {
				return
			}
		}
	}
}
