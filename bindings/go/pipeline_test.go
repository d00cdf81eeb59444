package imap_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	imap "github.com/libimap/libimap/bindings/go"
)

// pipeMailbox creates a mailbox of user2 holding n messages with subjects "pipe 1".."pipe n"
// and returns a client that has SELECTed it (read-write) and the mailbox name.
func pipeMailbox(t *testing.T, n int) (*imap.Client, string) {
	t.Helper()
	ctx := ctxT(t)
	c := login(t, "user2")
	box := unique("pipe")
	must(t, "CREATE")(c.Create(ctx, box))
	t.Cleanup(func() { login(t, "user2").Delete(context.Background(), box) })
	for i := 1; i <= n; i++ {
		must(t, "APPEND")(c.Append(ctx, box, "", "", message(fmt.Sprintf("pipe %d", i), 300)))
	}
	must(t, "SELECT")(c.Select(ctx, box, false))
	return c, box
}

// Goroutines FETCH single messages on one Client (pipelined by the library) while another
// connection changes flags and appends to the same mailbox, so that unsolicited FETCH and
// EXISTS responses arrive among the FETCH replies. Each FETCH must give its own message and
// never the message another goroutine asked for, and the unsolicited EXISTS must reach the
// mailbox state.
func TestPipelinedFetchesWithInterleavedUntagged(t *testing.T) {
	const n = 30
	c, box := pipeMailbox(t, n)
	other := login(t, "user2")
	must(t, "SELECT other")(other.Select(ctxT(t), box, false))

	stop := make(chan struct{})
	var appended atomic.Int64
	changerDone := make(chan error, 1)
	go func() {
		ctx := context.Background()
		for i := 0; ; i++ {
			select {
			case <-stop:
				changerDone <- nil
				return
			default:
			}
			var err error
			if i%5 == 4 {
				_, err = other.Append(ctx, box, "", "", message(fmt.Sprintf("extra %d", i), 200))
				appended.Add(1)
			} else {
				op := []string{"+FLAGS", "-FLAGS"}[i%2]
				_, err = other.Store(ctx, strconv.Itoa(1+rand.IntN(n)), op, `(\Flagged)`)
			}
			if err != nil {
				changerDone <- err
				return
			}
		}
	}()

	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := ctxT(t)
			for i := range 25 {
				// Each message is asked by one goroutine only, so at most one FETCH of it
				// is in flight: the routing of a flag change of it is then unambiguous.
				seq := 1 + g + 8*(i%3)
				var r *imap.Result
				var err error
				if i%2 == 0 {
					r, err = c.Fetch(ctx, strconv.Itoa(seq), "(UID FLAGS ENVELOPE)")
				} else { // the same through Submit and Wait
					var p *imap.Pending
					if p, err = c.SubmitFetch(ctx, strconv.Itoa(seq), "(UID FLAGS ENVELOPE)"); err == nil {
						r, err = p.Wait(ctx)
					}
				}
				if err != nil {
					errs <- fmt.Errorf("goroutine %d FETCH %d: %w", g, seq, err)
					return
				}
				msgs, err := r.ParseFetch()
				if err != nil || len(msgs) == 0 {
					errs <- fmt.Errorf("goroutine %d FETCH %d: %d messages, %v", g, seq, len(msgs), err)
					return
				}
				withEnvelope := 0
				for _, m := range msgs {
					// The FETCH's own response is the one with an ENVELOPE: exactly one, of
					// this message. Flag changes made by the other connection come as FETCH
					// responses without one: of this message (its set holds it), and, for a
					// synchronous Fetch, of others too (imaplib's result includes the
					// unsolicited FETCH responses received meanwhile); a submitted FETCH
					// gets only its own message's (the others go to the mailbox state).
					if m.Envelope == nil && m.Seq != uint32(seq) && i%2 == 0 {
						continue
					}
					if m.Seq != uint32(seq) {
						errs <- fmt.Errorf("goroutine %d FETCH %d got message %d (%+v)", g, seq, m.Seq, m)
						return
					}
					if m.Envelope != nil {
						withEnvelope++
						if want := fmt.Sprintf("pipe %d", seq); m.Envelope.Subject != want {
							errs <- fmt.Errorf("FETCH %d: subject %q", seq, m.Envelope.Subject)
							return
						}
					}
				}
				if withEnvelope != 1 {
					errs <- fmt.Errorf("FETCH %d: %d messages with an envelope", seq, withEnvelope)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	if err := <-changerDone; err != nil {
		t.Fatalf("the other connection: %v", err)
	}
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		return
	}
	// The EXISTS of the appends reached the mailbox state.
	must(t, "NOOP")(c.Noop(ctxT(t)))
	info, err := c.Mailbox()
	if err != nil || info.Exists != uint32(n+int(appended.Load())) {
		t.Fatalf("Mailbox after %d appends: %+v %v", appended.Load(), info, err)
	}
}

// Several commands in flight from one goroutine, collected in any order.
func TestSubmitAndWait(t *testing.T) {
	ctx := ctxT(t)
	c := login(t, "user1")
	_, err := c.SubmitFetch(ctx, "1", "(UID)")
	wantCode(t, err, imap.ErrIllegalState, imap.CodeIllegalState) // nothing selected: nothing sent
	must(t, "EXAMINE")(c.Select(ctx, "INBOX", true))
	_, err = c.SubmitFetch(ctx, "1\r\nX", "(UID)")
	wantCode(t, err, imap.ErrInvalidArgument, imap.CodeInvalidArgument)

	var pending []*imap.Pending
	for i := 1; i <= 20; i++ {
		p, err := c.SubmitFetch(ctx, strconv.Itoa(i), "(UID FLAGS)")
		if err != nil {
			t.Fatalf("SubmitFetch %d: %v", i, err)
		}
		pending = append(pending, p)
	}
	st, err := c.Submit(ctx, "STATUS", imap.String("INBOX"), imap.List(imap.Atom("MESSAGES")))
	if err != nil {
		t.Fatalf("Submit STATUS: %v", err)
	}
	if got := c.PendingCount(); got != 21 {
		t.Fatalf("PendingCount %d, want 21", got)
	}
	s, err := must(t, "STATUS")(st.Wait(ctx)).ParseStatus()
	if err != nil || len(s) != 1 || s[0].Messages != 20 {
		t.Fatalf("STATUS: %+v %v", s, err)
	}
	for i := len(pending) - 1; i >= 0; i-- { // last first
		msgs, err := must(t, "FETCH")(pending[i].Wait(ctx)).ParseFetch()
		if err != nil || len(msgs) != 1 || msgs[0].Seq != uint32(i+1) || !msgs[0].HasUID {
			t.Fatalf("FETCH %d: %+v %v", i+1, msgs, err)
		}
	}
	if got := c.PendingCount(); got != 0 {
		t.Fatalf("PendingCount %d after collecting", got)
	}
	// Wait again gives the same.
	if r, err := pending[0].Wait(ctx); err != nil || r == nil {
		t.Fatalf("second Wait: %v", err)
	}
	// A NO through Submit is a NO with its Result.
	p, err := c.Submit(ctx, "STATUS", imap.String("no-such-mailbox"), imap.List(imap.Atom("MESSAGES")))
	if err != nil {
		t.Fatal(err)
	}
	r, err := p.Wait(ctx)
	if e := wantCode(t, err, imap.ErrNo, imap.CodeNo); e.Result != r || r == nil {
		t.Fatalf("NO result %+v", r)
	}
}

// FetchEach: every message once, in order; break leaves the connection usable; a bad set
// ends with the command's error.
func TestFetchEach(t *testing.T) {
	ctx := ctxT(t)
	c := login(t, "user1")
	must(t, "EXAMINE")(c.Select(ctx, "INBOX", true))
	var seqs []uint32
	for m, err := range c.FetchEach(ctx, "1:*", "(UID ENVELOPE)") {
		if err != nil {
			t.Fatalf("FetchEach: %v", err)
		}
		if m.Envelope == nil || !m.HasUID {
			t.Fatalf("message %+v", m)
		}
		seqs = append(seqs, m.Seq)
	}
	if len(seqs) != 20 || seqs[0] != 1 || seqs[19] != 20 {
		t.Fatalf("sequence numbers %v", seqs)
	}
	n := 0
	for range c.UIDFetchEach(ctx, "1:*", "(FLAGS BODY.PEEK[])") {
		if n++; n == 3 {
			break
		}
	}
	msgs, err := c.FetchParsed(ctx, "2", "(UID)")
	if err != nil || len(msgs) != 1 || msgs[0].Seq != 2 {
		t.Fatalf("FETCH after break: %+v %v", msgs, err)
	}
	var last error
	got := 0
	for m, err := range c.FetchEach(ctx, "1:*", "(NO-SUCH-ITEM)") {
		got++
		if m != nil {
			t.Fatalf("message from a BAD FETCH: %+v", m)
		}
		last = err
	}
	if got != 1 {
		t.Fatalf("%d yields for a BAD FETCH", got)
	}
	wantCode(t, last, imap.ErrBad, imap.CodeBad)
	must(t, "NOOP")(c.Noop(ctx))
}

// rssBytes reads the resident set size of the process.
func rssBytes(t *testing.T) uint64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Skipf("no /proc/self/statm: %v", err)
	}
	f := strings.Fields(string(b))
	pages, _ := strconv.ParseUint(f[1], 10, 64)
	return pages * uint64(os.Getpagesize())
}

// bigMailboxUser owns "Big" (tests/server/big-mailbox.sh).
const bigMailboxUser = "user1"

// bigChildEnv marks the child process of TestFetchEachBigMailbox.
const bigChildEnv = "LIBIMAP_GO_BIG_CHILD"

// FetchEach over the 100,000 messages of "Big" (tests/server/big-mailbox.sh) in constant
// memory. The Go heap after a collection must not grow. The RSS (the library's memory
// included) is measured in a child process with a single malloc arena (MALLOC_ARENA_MAX=1):
// otherwise each OS thread that makes a call grows an arena of its own, and the RSS follows
// the number of threads, not the messages. There it must level off: after the first 21,000
// messages it may not grow by more than 4 MB (a leak of 100 bytes a message would add 8).
// Under the race detector, whose own memory grows as the run goes on, only a loose bound is
// checked in process (test.sh also runs this test without it).
func TestFetchEachBigMailbox(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	child := os.Getenv(bigChildEnv) == "1"
	if !raceEnabled && !child {
		cmd := exec.Command(os.Args[0], "-test.run=^TestFetchEachBigMailbox$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), bigChildEnv+"=1", "MALLOC_ARENA_MAX=1")
		out, err := cmd.CombinedOutput()
		t.Logf("child:\n%s", out)
		if err != nil {
			t.Fatalf("child: %v", err)
		}
		return
	}
	cmd := exec.Command("bash", filepath.Join("..", "..", "tests", "server", "big-mailbox.sh"))
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("big-mailbox.sh: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	c := login(t, bigMailboxUser)
	must(t, "EXAMINE Big")(c.Select(ctx, "Big", true))

	var ms runtime.MemStats
	var baseHeap, maxHeap uint64
	var rss []uint64 // at 1000, 11000, 21000... messages
	count, lastUID := 0, uint32(0)
	for m, err := range c.FetchEach(ctx, "1:*", "(UID FLAGS RFC822.SIZE)") {
		if err != nil {
			t.Fatalf("message %d: %v", count+1, err)
		}
		count++
		if m.Seq != uint32(count) || m.UID <= lastUID {
			t.Fatalf("message %d: seq %d uid %d after %d", count, m.Seq, m.UID, lastUID)
		}
		lastUID = m.UID
		if count%10000 == 1000 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			if count == 1000 {
				baseHeap = ms.HeapAlloc
			}
			maxHeap = max(maxHeap, ms.HeapAlloc-min(ms.HeapAlloc, baseHeap))
			rss = append(rss, rssBytes(t))
		}
	}
	growth := func(from int) uint64 { return slices.Max(rss[from:]) - min(rss[from], slices.Max(rss[from:])) }
	t.Logf("%d messages; Go heap growth %d KiB; RSS growth after 1000 messages %d KiB, after 21000 %d KiB",
		count, maxHeap>>10, growth(0)>>10, growth(2)>>10)
	if count != 100000 {
		t.Fatalf("%d messages, want 100000", count)
	}
	// Holding the messages would take far more: about 500 bytes each in Go values alone.
	if maxHeap > 8<<20 {
		t.Fatalf("the Go heap grew by %d bytes", maxHeap)
	}
	if child && (growth(0) > 32<<20 || growth(2) > 4<<20) {
		t.Fatalf("the RSS grew by %d bytes (%d after 21000 messages)", growth(0), growth(2))
	}
	if raceEnabled && growth(0) > 128<<20 {
		t.Fatalf("the RSS grew by %d bytes", growth(0))
	}
}

// An interrupt issued before any call ends the next call at once (it is sticky), and a
// context cancelled while a call starts ends it, however the two race: against a server that
// never answers, a missed interrupt would hang.
func TestInterruptBeforeCall(t *testing.T) {
	silent := fakeServer(t, func(conn net.Conn, r *bufio.Reader) { ioDrain(r) })
	c, err := imap.Dial(ctxT(t), silent, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Interrupt() // no call in progress: armed for the next
	done := make(chan error, 1)
	go func() { _, err := c.Noop(context.Background()); done <- err }()
	select {
	case err := <-done:
		wantCode(t, err, imap.ErrInterrupted, imap.CodeInterrupted)
	case <-time.After(5 * time.Second):
		t.Fatal("an interrupt issued before the call was missed")
	}

	for i := range 30 {
		c, err := imap.Dial(ctxT(t), fakeServer(t, func(conn net.Conn, r *bufio.Reader) { ioDrain(r) }), nil)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			time.Sleep(time.Duration(i%6) * 50 * time.Microsecond)
			cancel()
		}()
		go func() { _, err := c.Noop(ctx); done <- err }()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("iteration %d: %v", i, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("iteration %d: the cancellation was missed", i)
		}
		c.Close()
	}
}

// A cancellation that lands after the call completed does not end a later call
// (imap_interrupt_clear): a call that returned OK leaves the connection usable.
func TestCancelRacingTheEndOfACall(t *testing.T) {
	c := login(t, "user1")
	ok, interrupted := 0, 0
	for i := range 200 {
		ctx, cancel := context.WithCancel(context.Background())
		go cancel()
		_, err := c.Noop(ctx)
		switch {
		case err == nil:
			ok++
			if _, err := c.Noop(context.Background()); err != nil {
				t.Fatalf("iteration %d: the call after a completed one failed: %v", i, err)
			}
		case errors.Is(err, imap.ErrInterrupted) && errors.Is(err, context.Canceled):
			interrupted++
			if err := c.Reopen(ctxT(t)); err != nil {
				t.Fatal(err)
			}
			must(t, "LOGIN")(c.Login(ctxT(t), "user1", "pass1"))
		case errors.Is(err, context.Canceled): // done before the call: nothing sent
		default:
			t.Fatalf("iteration %d: %v", i, err)
		}
	}
	t.Logf("%d completed, %d interrupted", ok, interrupted)
}

// Each goroutine reads the message of its own failed call while others use the handle.
func TestErrorTextPerGoroutine(t *testing.T) {
	c := login(t, "user1")
	must(t, "EXAMINE")(c.Select(ctxT(t), "INBOX", true))
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := ctxT(t)
			for i := range 40 {
				name := fmt.Sprintf("no-such-%d-%d", g, i)
				_, err := c.Status(ctx, name, "(MESSAGES)")
				var e *imap.Error
				if !errors.As(err, &e) || e.Code != imap.CodeNo || !strings.Contains(e.Message, name) {
					errs <- fmt.Errorf("goroutine %d: STATUS %s: %v", g, name, err)
					return
				}
			}
		}()
	}
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 40 {
				if _, err := c.Noop(ctxT(t)); err != nil {
					errs <- err
					return
				}
				_, err := c.Xatom(ctxT(t), "XNOSUCHCOMMAND")
				var e *imap.Error
				if !errors.As(err, &e) || e.Code != imap.CodeBad || strings.Contains(e.Message, "no-such") {
					errs <- fmt.Errorf("XNOSUCHCOMMAND: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
