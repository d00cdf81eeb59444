package imap_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	imap "github.com/libimap/libimap/bindings/go"
)

// genMessage is an io.Reader of an RFC 5322 message of exactly size bytes made on the fly
// (CRLF lines, numbered), hashing what it hands out: nothing is held but one line.
type genMessage struct {
	size, off int64
	line      []byte // the current line, being handed out
	pos       int
	n         int
	sum       interface {
		io.Writer
		Sum([]byte) []byte
	}
	reads int
}

func newGenMessage(size int64) *genMessage {
	g := &genMessage{size: size, sum: sha256.New()}
	g.line = []byte("From: go@example.org\r\nTo: user@example.org\r\nSubject: streamed\r\n\r\n")
	return g
}

func (g *genMessage) Read(p []byte) (int, error) {
	g.reads++
	if g.off >= g.size {
		return 0, io.EOF
	}
	k := 0
	for k < len(p) && g.off < g.size {
		if g.pos == len(g.line) {
			g.n++
			g.line = fmt.Appendf(g.line[:0], "%09d the quick brown fox jumps over the lazy dog 0123456789\r\n", g.n)
			g.pos = 0
		}
		c := copy(p[k:], g.line[g.pos:min(len(g.line), g.pos+int(g.size-g.off))])
		g.sum.Write(p[k : k+c])
		g.pos += c
		g.off += int64(c)
		k += c
	}
	return k, nil
}

// progressLog checks the reports of each direction: Done never goes back within a literal
// and never passes Total.
type progressLog struct {
	mu          sync.Mutex
	calls       [2]int
	done, total [2]uint64
	bad         []string
}

func (l *progressLog) report(p imap.Progress) {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := int(p.Way)
	if w != 0 && w != 1 {
		l.bad = append(l.bad, fmt.Sprintf("way %v", p.Way))
		return
	}
	if p.Done > p.Total || (p.Total == l.total[w] && p.Done < l.done[w] && l.done[w] != l.total[w]) {
		l.bad = append(l.bad, fmt.Sprintf("%v %d/%d after %d/%d", p.Way, p.Done, p.Total, l.done[w], l.total[w]))
	}
	l.calls[w]++
	l.done[w], l.total[w] = p.Done, p.Total
}

func (l *progressLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls, l.done, l.total, l.bad = [2]int{}, [2]uint64{}, [2]uint64{}, nil
}

// procStatus reads a field of /proc/self/status in bytes.
func procStatus(t *testing.T, name string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc/self/status: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, name+":"); ok {
			f := strings.Fields(rest)
			n, _ := strconv.ParseInt(f[0], 10, 64)
			return n * 1024
		}
	}
	t.Fatalf("no %s in /proc/self/status", name)
	return 0
}

// resetPeak resets VmHWM to the current RSS (as benches/run.sh does) and returns VmRSS.
func resetPeak(t *testing.T) int64 {
	runtime.GC()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		t.Skipf("cannot reset the peak RSS: %v", err)
	}
	return procStatus(t, "VmRSS")
}

func tempMailbox(t *testing.T, c *imap.Client, what string) string {
	t.Helper()
	box := unique(what)
	must(t, "CREATE")(c.Create(ctxT(t), box))
	t.Cleanup(func() {
		cl, err := imap.Dial(context.Background(), plainAddr(), nil)
		if err == nil {
			cl.Login(context.Background(), "user1", "pass1")
			cl.Delete(context.Background(), box)
			cl.Close()
		}
	})
	return box
}

func messageCount(t *testing.T, box string) int {
	t.Helper()
	c := login(t, "user1")
	st, err := c.Status(ctxT(t), box, "(MESSAGES)")
	if err != nil {
		t.Fatalf("STATUS %s: %v", box, err)
	}
	f := st.Fields()
	for i := 0; i+1 < len(f); i++ {
		if strings.Trim(string(f[i]), "()") == "MESSAGES" {
			n, _ := strconv.Atoi(strings.Trim(string(f[i+1]), "()"))
			return n
		}
	}
	t.Fatalf("STATUS %s: no MESSAGES in %q", box, f)
	return 0
}

// A 100 MiB message generated while it is sent goes up with AppendReader in constant
// memory (the peak RSS grows by under 16 MiB), with upload progress reaching its size; it
// comes back streamed (OpenBody, an io.Reader) with the same SHA-256 and download progress.
func TestAppendReader100MB(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	const size = 100 << 20
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var prog progressLog
	c := dial(t, &imap.Options{Progress: prog.report})
	must(t, "LOGIN")(c.Login(ctx, "user1", "pass1"))
	box := tempMailbox(t, c, "stream")

	gen := newGenMessage(size)
	before := resetPeak(t)
	r := must(t, "AppendReader")(c.AppendReader(ctx, box, []string{`\Seen`}, "", gen, size))
	grown := procStatus(t, "VmHWM") - before
	t.Logf("AppendReader of %d MiB: peak RSS grew by %.1f MiB, %d reads, %d upload reports",
		size>>20, float64(grown)/(1<<20), gen.reads, prog.calls[imap.Upload])
	if !raceEnabled && grown >= 16<<20 {
		t.Errorf("peak RSS grew by %d bytes during the 100 MiB AppendReader, want < 16 MiB", grown)
	}
	if gen.off != size {
		t.Fatalf("the reader handed out %d bytes, want %d", gen.off, size)
	}
	if prog.done[imap.Upload] != size || prog.total[imap.Upload] != size ||
		prog.calls[imap.Upload] < size/(64<<10) || len(prog.bad) > 0 {
		t.Fatalf("upload progress: %d calls, last %d/%d, bad %q", prog.calls[imap.Upload],
			prog.done[imap.Upload], prog.total[imap.Upload], prog.bad)
	}
	want := gen.sum.Sum(nil)

	prog.reset()
	must(t, "SELECT")(c.Select(ctx, box, true))
	sum := sha256.New()
	before = resetPeak(t)
	body, err := c.OpenBody(ctx, appendUID(t, r), "")
	if err != nil {
		t.Fatalf("OpenBody: %v", err)
	}
	if body.Size() != size {
		t.Fatalf("OpenBody: Size %d, want %d", body.Size(), size)
	}
	got, err := io.Copy(sum, body)
	if err != nil {
		t.Fatalf("reading the body: %v", err)
	}
	if err := body.Close(); err != nil {
		t.Fatalf("BodyReader.Close: %v", err)
	}
	grown = procStatus(t, "VmHWM") - before
	t.Logf("streamed FETCH back (OpenBody): peak RSS grew by %.1f MiB, %d download reports",
		float64(grown)/(1<<20), prog.calls[imap.Download])
	if !raceEnabled && grown >= 16<<20 {
		t.Errorf("peak RSS grew by %d bytes during the streamed FETCH, want < 16 MiB", grown)
	}
	if got != size || !bytes.Equal(sum.Sum(nil), want) {
		t.Fatalf("fetched back %d bytes, SHA-256 %x; sent %d, %x", got, sum.Sum(nil), int64(size), want)
	}
	if prog.done[imap.Download] != size || prog.total[imap.Download] != size || prog.calls[imap.Upload] != 0 ||
		len(prog.bad) > 0 {
		t.Fatalf("download progress: calls %v, last %d/%d, bad %q", prog.calls,
			prog.done[imap.Download], prog.total[imap.Download], prog.bad)
	}
}

// Progress for a buffered APPEND and a buffered FETCH; SetProgressHandler(nil) stops it.
func TestProgressBuffered(t *testing.T) {
	ctx := ctxT(t)
	var prog progressLog
	c := login(t, "user1")
	if err := c.SetProgressHandler(prog.report); err != nil {
		t.Fatal(err)
	}
	box := tempMailbox(t, c, "progress")
	msg := message("progress", 300_000)
	must(t, "APPEND")(c.Append(ctx, box, "", "", msg))
	if prog.done[imap.Upload] != uint64(len(msg)) || prog.total[imap.Upload] != uint64(len(msg)) || len(prog.bad) > 0 {
		t.Fatalf("upload progress: last %d/%d of %d, bad %q", prog.done[imap.Upload], prog.total[imap.Upload], len(msg), prog.bad)
	}
	must(t, "SELECT")(c.Select(ctx, box, true))
	r := must(t, "FETCH")(c.Fetch(ctx, "1", "(BODY.PEEK[])"))
	if n := len(r.Literals()[0]); prog.done[imap.Download] != uint64(n) || prog.total[imap.Download] != uint64(n) {
		t.Fatalf("download progress: last %d/%d, body %d", prog.done[imap.Download], prog.total[imap.Download], n)
	}
	if imap.Upload.String() != "IMAP_TRANSFER_UPLOAD" || imap.Download.String() != "IMAP_TRANSFER_DOWNLOAD" {
		t.Errorf("names %q %q", imap.Upload, imap.Download)
	}
	if err := c.SetProgressHandler(nil); err != nil {
		t.Fatal(err)
	}
	prog.reset()
	must(t, "FETCH")(c.Fetch(ctx, "1", "(BODY.PEEK[])"))
	if prog.calls != [2]int{} {
		t.Fatalf("reports after SetProgressHandler(nil): %v", prog.calls)
	}
}

type failingReader struct {
	n   int
	err error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n == 0 {
		return 0, f.err
	}
	k := min(len(p), f.n)
	for i := range p[:k] {
		p[i] = 'x'
	}
	f.n -= k
	return k, nil
}

// A reader that ends early or fails: ErrAbort matching the reader's error, the connection
// closed, nothing appended. A refused APPEND does not read. A panic in the reader is
// re-raised. Bad arguments: nothing sent.
func TestAppendReaderFailures(t *testing.T) {
	ctx := ctxT(t)
	c := login(t, "user1")
	box := tempMailbox(t, c, "streamfail")
	head := "Subject: x\r\n\r\n"

	// Ends early: io.ErrUnexpectedEOF.
	_, err := c.AppendReader(ctx, box, nil, "", strings.NewReader(head+"short"), 100_000)
	wantCode(t, err, imap.ErrAbort, imap.CodeAbort)
	if !errors.Is(err, io.ErrUnexpectedEOF) || c.IsOpen() {
		t.Fatalf("short reader: %v (open %v)", err, c.IsOpen())
	}

	// Fails: its error.
	mine := errors.New("disk on fire")
	c = login(t, "user1")
	_, err = c.AppendReader(ctx, box, nil, "", &failingReader{n: 200_000, err: mine}, 1_000_000)
	wantCode(t, err, imap.ErrAbort, imap.CodeAbort)
	if !errors.Is(err, mine) || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("failing reader: %v", err)
	}

	// Panics: re-raised, connection closed.
	c = login(t, "user1")
	func() {
		defer func() {
			if p := recover(); p != "reader panic" {
				t.Fatalf("recovered %v, want the reader's panic", p)
			}
		}()
		c.AppendReader(ctx, box, nil, "", readerFunc(func([]byte) (int, error) { panic("reader panic") }), 10)
		t.Fatal("AppendReader returned after the reader panicked")
	}()
	if c.IsOpen() {
		t.Fatal("connection open after the reader's panic")
	}
	if n := messageCount(t, box); n != 0 {
		t.Fatalf("%d messages appended by failed AppendReaders", n)
	}

	// Refused before the message is asked for: the reader is not read.
	c = login(t, "user1")
	gen := newGenMessage(100)
	r, err := c.AppendReader(ctx, "gobind-no-such-mailbox", nil, "", gen, 100)
	wantCode(t, err, imap.ErrNo, imap.CodeNo)
	if gen.reads != 0 || r == nil || !strings.Contains(r.Code, "TRYCREATE") {
		t.Fatalf("refused APPEND: %d reads, result %+v", gen.reads, r)
	}

	// Bad arguments: nothing sent, the connection usable.
	_, err = c.AppendReader(ctx, box, nil, "", nil, 10)
	wantCode(t, err, imap.ErrInvalidArgument, imap.CodeInvalidArgument)
	_, err = c.AppendReader(ctx, box, nil, "", gen, -1)
	wantCode(t, err, imap.ErrInvalidArgument, imap.CodeInvalidArgument)
	_, err = c.AppendReader(ctx, box, []string{"\\Seen\r\nX"}, "", gen, 100)
	wantCode(t, err, imap.ErrInvalidArgument, imap.CodeInvalidArgument)

	// A good one after all that: exactly size bytes are read and stored.
	msg := head + "body\r\n"
	r = must(t, "AppendReader")(c.AppendReader(ctx, box, []string{`\Flagged`}, "", strings.NewReader(msg+"extra ignored"), int64(len(msg))))
	if r.Status != "OK" || messageCount(t, box) != 1 {
		t.Fatalf("AppendReader: %+v, %d messages", r, messageCount(t, box))
	}
	must(t, "SELECT")(c.Select(ctx, box, true))
	got := must(t, "FETCH")(c.Fetch(ctx, "1", "(BODY.PEEK[])")).Literals()[0]
	if string(got) != msg {
		t.Fatalf("stored %q, want %q", got, msg)
	}
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

// appendUID is the UID of an APPENDUID response code.
func appendUID(t *testing.T, r *imap.Result) uint32 {
	t.Helper()
	code, err := r.ParseCode()
	if err != nil || code.Kind != imap.ResponseCodeAppendUID || len(code.UIDs) != 1 {
		t.Fatalf("APPEND result code %+v, %v: want APPENDUID with one UID", code, err)
	}
	return code.UIDs[0].Start
}
