package imap_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	imap "github.com/libimap/libimap/bindings/go"
)

// argsMailbox logs in as user2 (tracing the command lines it sends into sent) and fills a
// mailbox of its own with a raw UTF-8 subject, an RFC 2047 one and a plain one, selected.
func argsMailbox(t *testing.T, sent *atomic.Int64) (*imap.Client, string) {
	t.Helper()
	c := dial(t, &imap.Options{Debug: 4, Logger: slog.New(sentCounter{sent})})
	must(t, "login")(c.Login(ctxT(t), "user2", "pass2"))
	mb := unique("args")
	must(t, "create")(c.Create(ctxT(t), mb))
	t.Cleanup(func() { c.Delete(ctxT(t), mb) })
	for _, m := range []string{
		"Subject: Grüße aus Köln\r\n\r\nhallo\r\n",
		"Subject: =?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?= zwei\r\n\r\nhallo\r\n",
		"Subject: plain\r\n\r\nhallo\r\n",
	} {
		must(t, "append")(c.AppendFlags(ctxT(t), mb, []string{`\Draft`}, "", []byte(m)))
	}
	must(t, "select")(c.Select(ctxT(t), mb, false))
	return c, mb
}

// sentCounter counts the log records of lines sent ("> ...").
type sentCounter struct{ n *atomic.Int64 }

func (s sentCounter) Enabled(context.Context, slog.Level) bool { return true }
func (s sentCounter) Handle(_ context.Context, r slog.Record) error {
	if strings.HasPrefix(r.Message, "> ") {
		s.n.Add(1)
	}
	return nil
}
func (s sentCounter) WithAttrs([]slog.Attr) slog.Handler { return s }
func (s sentCounter) WithGroup(string) slog.Handler      { return s }

func wantLines(t *testing.T, r *imap.Result, want string) {
	t.Helper()
	var got []string
	for _, l := range r.Lines() {
		got = append(got, string(l))
	}
	if strings.Join(got, "|") != want {
		t.Fatalf("data %q, want %q", got, want)
	}
}

func TestSearchArgsFindsAUTF8SubjectByStringValue(t *testing.T) {
	var sent atomic.Int64
	c, _ := argsMailbox(t, &sent)
	ctx := ctxT(t)
	wantLines(t, must(t, "search")(c.SearchArgs(ctx, "UTF-8", imap.Atom("SUBJECT"), imap.String("Grüße"))), "1 2")
	wantLines(t, must(t, "uid search")(c.UIDSearchArgs(ctx, "UTF-8", imap.Atom("SUBJECT"), imap.String("Köln"))), "1 2")
	wantLines(t, must(t, "grouped")(c.SearchArgs(ctx, "UTF-8",
		imap.List(imap.Atom("OR"), imap.Atom("SUBJECT"), imap.String("Köln"), imap.Atom("SUBJECT"), imap.String("plain")),
		imap.Atom("NOT"), imap.Atom("LARGER"), imap.Number(100000))), "1 2 3")
	wantLines(t, must(t, "header with a space")(c.SearchArgs(ctx, "", imap.Atom("HEADER"), imap.String("X No Such"), imap.String(""))), "")
	keys := []string{"REVERSE", "SUBJECT"}
	wantLines(t, must(t, "sort")(c.SortArgs(ctx, keys, "UTF-8", imap.Atom("SUBJECT"), imap.String("grüße"))), "2 1")
	wantLines(t, must(t, "uid sort")(c.UIDSortArgs(ctx, keys, "UTF-8", imap.Atom("SUBJECT"), imap.String("grüße"))), "2 1")

	// imaplib's literal attribute: the next command only.
	if err := c.SetLiteral([]byte("Köln")); err != nil {
		t.Fatal(err)
	}
	wantLines(t, must(t, "search with literal")(c.Search(ctx, "UTF-8", "SUBJECT")), "1 2")
	must(t, "noop after the literal")(c.Noop(ctx))
	if err := c.SetLiteral([]byte("x")); err != nil {
		t.Fatal(err)
	}
	if err := c.SetLiteral(nil); err != nil {
		t.Fatal(err)
	}
	must(t, "noop after clearing")(c.Noop(ctx))
}

func TestFlagListsAreCheckedAndNothingIsSentForABadOne(t *testing.T) {
	var sent atomic.Int64
	c, mb := argsMailbox(t, &sent)
	ctx := ctxT(t)
	before := sent.Load()
	for _, bad := range []string{"two words", `(\Seen`, `\Seen)`, "a]", "50%", `\*`, `"q"`,
		`back\slash`, "Grüße", "a\tb", "a\r\nb", ""} {
		flags := []string{`\Seen`, bad}
		_, err := c.StoreFlags(ctx, "1", "+FLAGS", flags)
		wantCode(t, err, imap.ErrInvalidArgument, imap.CodeInvalidArgument)
		_, err = c.UIDStoreFlags(ctx, "1", "+FLAGS", flags)
		wantCode(t, err, imap.ErrInvalidArgument, imap.CodeInvalidArgument)
		_, err = c.AppendFlags(ctx, mb, flags, "", []byte("x\r\n"))
		wantCode(t, err, imap.ErrInvalidArgument, imap.CodeInvalidArgument)
	}
	for _, bad := range []imap.Arg{imap.Atom("two words"), imap.Atom("("), imap.Atom("Grüße"),
		imap.String("a\r\nb"), imap.List(imap.Atom("{5}"))} {
		_, err := c.SearchArgs(ctx, "", bad)
		wantCode(t, err, imap.ErrInvalidArgument, imap.CodeInvalidArgument)
	}
	_, err := c.StoreFlags(ctx, "1", "X-GM-LABELS", []string{`\Seen`})
	wantCode(t, err, imap.ErrInvalidArgument, imap.CodeInvalidArgument)
	if n := sent.Load() - before; n != 0 {
		t.Fatalf("%d command lines were sent for refused arguments", n)
	}

	r := must(t, "store")(c.StoreFlags(ctx, "3", "+FLAGS", []string{`\Seen`, "$Label1"}))
	if !containsLine(r, `\Seen`) || !containsLine(r, "$Label1") {
		t.Fatalf("store data %q", r.Lines())
	}
	must(t, "uid store")(c.UIDStoreFlags(ctx, "3", "-FLAGS.SILENT", []string{"$Label1"}))
	r = must(t, "fetch")(c.Fetch(ctx, "3", "(FLAGS)"))
	if !containsLine(r, `\Seen`) || !containsLine(r, `\Draft`) || containsLine(r, "$Label1") {
		t.Fatalf("flags %q", r.Lines())
	}
}

// A UTF-8 password goes as a literal with the LOGIN command (a near miss is refused, so
// the bytes count) and through SCRAM with Login.
func TestLoginWithAUTF8Password(t *testing.T) {
	c := dial(t, nil)
	_, err := c.LoginCommand(ctxT(t), "utf8user", "pässwörd-Grüsse")
	wantCode(t, err, imap.ErrNo, imap.CodeNo)
	must(t, "login")(c.LoginCommand(ctxT(t), "utf8user", "pässwörd-Grüße"))
	c = dial(t, nil)
	must(t, "SCRAM login")(c.Login(ctxT(t), "utf8user", "pässwörd-Grüße"))
	if m := c.AuthMechanism(); m != "SCRAM-SHA-256" {
		t.Fatalf("mechanism %q", m)
	}
}

// sentLines records the command lines sent ("> tag ...", without the tag).
type sentLines struct {
	mu    *sync.Mutex
	lines *[]string
}

func (s sentLines) Enabled(context.Context, slog.Level) bool { return true }
func (s sentLines) Handle(_ context.Context, r slog.Record) error {
	if l, ok := strings.CutPrefix(r.Message, "> "); ok {
		s.mu.Lock()
		_, cmd, _ := strings.Cut(l, " ")
		*s.lines = append(*s.lines, cmd)
		s.mu.Unlock()
	}
	return nil
}
func (s sentLines) WithAttrs([]slog.Attr) slog.Handler { return s }
func (s sentLines) WithGroup(string) slog.Handler      { return s }

// Dovecot offers LITERAL+: a small message goes at once ({N+}) by default, and waits for the
// continuation ({N}, imaplib's wire) with a negative NonSyncLiteralMax.
func TestAppendUsesLiteralPlusUnlessTurnedOff(t *testing.T) {
	msg := []byte("Subject: literal plus\r\n\r\nbody\r\n")
	for _, c := range []struct {
		max  int
		head string
	}{{0, fmt.Sprintf("{%d+}", len(msg))}, {-1, fmt.Sprintf("{%d}", len(msg))}} {
		var mu sync.Mutex
		var lines []string
		cl := dial(t, &imap.Options{Debug: 4, Logger: slog.New(sentLines{&mu, &lines}), NonSyncLiteralMax: c.max})
		must(t, "login")(cl.Login(ctxT(t), "user2", "pass2"))
		mb := unique("litplus")
		must(t, "create")(cl.Create(ctxT(t), mb))
		must(t, "append")(cl.Append(ctxT(t), mb, "", "", msg))
		must(t, "select")(cl.Select(ctxT(t), mb, false))
		r := must(t, "fetch")(cl.Fetch(ctxT(t), "1", "(BODY.PEEK[])"))
		if lits := r.Literals(); len(lits) != 1 || !bytes.Equal(lits[0], msg) {
			t.Fatalf("fetched %q", lits)
		}
		must(t, "close")(cl.CloseMailbox(ctxT(t)))
		must(t, "delete")(cl.Delete(ctxT(t), mb))
		mu.Lock()
		want := "APPEND " + mb + " " + c.head
		found := slices.Contains(lines, want)
		mu.Unlock()
		if !found {
			t.Fatalf("max %d: no %q in %q", c.max, want, lines)
		}
	}
}
