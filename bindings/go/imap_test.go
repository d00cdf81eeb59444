package imap_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	imap "github.com/libimap/libimap/bindings/go"
)

// srv holds the test Dovecot's KEY=VALUE lines (tests/server/test-dovecot.sh: the tests' own
// server, IMAPSRV_DIR and the DOVECOT_*_PORT variables choosing another).
var srv = map[string]string{}

func TestMain(m *testing.M) {
	script := filepath.Join("..", "..", "tests", "server", "test-dovecot.sh")
	cmd := exec.Command("bash", script, "start")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		fmt.Fprintf(os.Stderr, "imap_test: %s start: %v\n", script, err)
		os.Exit(1)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if !ok {
			continue
		}
		if len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'' {
			v = v[1 : len(v)-1]
		}
		srv[k] = v
	}
	for _, k := range []string{"DOVECOT_HOST", "DOVECOT_IMAP_PORT", "DOVECOT_IMAPS_PORT", "DOVECOT_CA"} {
		if srv[k] == "" {
			fmt.Fprintf(os.Stderr, "imap_test: %s did not print %s\n", script, k)
			os.Exit(1)
		}
	}
	code := m.Run()
	deleteBigMailbox()
	os.Exit(code)
}

func plainAddr() string { return net.JoinHostPort(srv["DOVECOT_HOST"], srv["DOVECOT_IMAP_PORT"]) }
func tlsAddr() string   { return net.JoinHostPort(srv["DOVECOT_HOST"], srv["DOVECOT_IMAPS_PORT"]) }

var counter atomic.Int64

// unique returns a mailbox name no other test run uses.
func unique(what string) string {
	return fmt.Sprintf("gobind-%s-%d-%d", what, os.Getpid(), counter.Add(1))
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func dial(t testing.TB, opts *imap.Options) *imap.Client {
	t.Helper()
	c, err := imap.Dial(ctxT(t), plainAddr(), opts)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// login dials and logs in as user (user1..user3).
func login(t testing.TB, user string) *imap.Client {
	t.Helper()
	c := dial(t, nil)
	if _, err := c.Login(ctxT(t), user, "pass"+strings.TrimPrefix(user, "user")); err != nil {
		t.Fatalf("Login %s: %v", user, err)
	}
	return c
}

func must(t testing.TB, what string) func(*imap.Result, error) *imap.Result {
	t.Helper()
	return func(r *imap.Result, err error) *imap.Result {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if r == nil {
			t.Fatalf("%s: nil result", what)
		}
		return r
	}
}

func wantCode(t testing.TB, err error, sentinel error, code imap.Code) *imap.Error {
	t.Helper()
	if !errors.Is(err, sentinel) {
		t.Fatalf("error %v (%T): want errors.Is(%v)", err, err, sentinel)
	}
	var e *imap.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not an *imap.Error", err)
	}
	if e.Code != code {
		t.Fatalf("code %v, want %v", e.Code, code)
	}
	return e
}

func containsLine(r *imap.Result, sub string) bool {
	for _, l := range r.Lines() {
		if bytes.Contains(l, []byte(sub)) {
			return true
		}
	}
	return false
}

// message returns an RFC 5322 message of about size bytes.
func message(subject string, size int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: go@example.org\r\nTo: user@example.org\r\nSubject: %s\r\n\r\n", subject)
	line := strings.Repeat("0123456789abcdefghijklmnopqrstuvwxyz", 2) + "\r\n"
	for b.Len() < size {
		b.WriteString(line)
	}
	return b.Bytes()
}

// ---- connection, accessors, read-only commands -------------------------------------------

func TestReadOnlySession(t *testing.T) {
	ctx := ctxT(t)
	c := dial(t, nil)

	if got := c.State(); got != imap.StateNonAuth {
		t.Fatalf("State = %v, want NONAUTH", got)
	}
	if w := c.Welcome(); !bytes.HasPrefix(w, []byte("* OK")) {
		t.Fatalf("Welcome = %q", w)
	}
	if v := c.ProtocolVersion(); v != "IMAP4REV1" {
		t.Fatalf("ProtocolVersion = %q", v)
	}
	if !c.HasCapability("starttls") || c.HasCapability("NO-SUCH-CAP") || c.HasCapability("a\x00b") {
		t.Fatalf("HasCapability wrong; caps %v", c.Capabilities())
	}
	caps := c.Capabilities()
	if len(caps) == 0 || caps[0] != "IMAP4REV1" {
		t.Fatalf("Capabilities = %v", caps)
	}
	if c.IsTLS() || !c.IsOpen() {
		t.Fatalf("IsTLS %v IsOpen %v on a plain connection", c.IsTLS(), c.IsOpen())
	}
	r := must(t, "CAPABILITY")(c.Capability(ctx))
	if r.Type != "OK" || r.Status != "OK" || !containsLine(r, "IMAP4rev1") {
		t.Fatalf("CAPABILITY result %+v", r)
	}

	r = must(t, "LOGIN")(c.Login(ctx, "user1", "pass1"))
	if r.Type != "OK" || c.State() != imap.StateAuth {
		t.Fatalf("LOGIN: %+v, state %v", r, c.State())
	}
	if !c.HasCapability("MOVE") {
		t.Fatalf("capabilities not refreshed after LOGIN: %v", c.Capabilities())
	}
	must(t, "NOOP")(c.Noop(ctx))
	r = must(t, "NAMESPACE")(c.Namespace(ctx))
	if r.Len() != 1 || !bytes.HasPrefix(r.Item(0).Line, []byte("((")) {
		t.Fatalf("NAMESPACE data %q", r.Lines())
	}
	r = must(t, "LIST")(c.List(ctx, "", "*"))
	if !containsLine(r, "INBOX") {
		t.Fatalf("LIST lacks INBOX: %q", r.Lines())
	}
	r = must(t, "LIST defaults")(c.List(ctx, "", ""))
	if !containsLine(r, "INBOX") {
		t.Fatalf("LIST with defaults lacks INBOX: %q", r.Lines())
	}
	r = must(t, "LSUB")(c.Lsub(ctx, "", "*"))
	if !containsLine(r, "Sent") {
		t.Fatalf("LSUB lacks Sent: %q", r.Lines())
	}
	r = must(t, "STATUS")(c.Status(ctx, "INBOX", "(MESSAGES UIDNEXT)"))
	if !containsLine(r, "MESSAGES") {
		t.Fatalf("STATUS: %q", r.Lines())
	}

	// user1's INBOX is shared with other suites: EXAMINE only.
	r = must(t, "EXAMINE")(c.Select(ctx, "INBOX", true))
	if c.State() != imap.StateSelected || !c.IsReadOnly() {
		t.Fatalf("after EXAMINE: state %v, readonly %v", c.State(), c.IsReadOnly())
	}
	exists, err := strconv.Atoi(string(r.Item(0).Line))
	if err != nil || exists < 20 {
		t.Fatalf("EXAMINE data %q: want >= 20 messages (DOVECOT_SEED=20)", r.Lines())
	}
	if !bytes.Contains(r.Text, []byte("READ-ONLY")) || r.Code != "READ-ONLY" {
		t.Fatalf("EXAMINE text %q code %q", r.Text, r.Code)
	}
	r = must(t, "SEARCH")(c.Search(ctx, "", "ALL"))
	if n := len(r.Fields()); n != exists {
		t.Fatalf("SEARCH ALL: %d numbers, want %d", n, exists)
	}
	r = must(t, "SEARCH CHARSET")(c.Search(ctx, "UTF-8", "SUBJECT", `"e"`, "SINCE", "1-Jan-2000"))
	if r.Len() != 1 {
		t.Fatalf("SEARCH CHARSET data %q", r.Lines())
	}
	r = must(t, "FETCH")(c.Fetch(ctx, "1:3", "(FLAGS RFC822.SIZE)"))
	if r.Len() != 3 || r.Item(0).Kind != imap.ItemLine || !bytes.Contains(r.Item(0).Line, []byte("RFC822.SIZE")) {
		t.Fatalf("FETCH FLAGS: %q", r.Lines())
	}
	r = must(t, "FETCH BODY")(c.Fetch(ctx, "1", "(BODY.PEEK[HEADER])"))
	lits := r.Literals()
	if len(lits) != 1 || !bytes.Contains(lits[0], []byte("Subject:")) || r.Item(0).Kind != imap.ItemLiteral {
		t.Fatalf("FETCH BODY.PEEK[HEADER]: %+v", r.Items())
	}
	if r.Item(0).Kind.String() != "IMAP_ITEM_KIND_LITERAL" {
		t.Fatalf("ItemKind.String = %q", r.Item(0).Kind.String())
	}
	r = must(t, "UID SEARCH")(c.UID(ctx, "SEARCH", "ALL"))
	uids := r.Fields()
	if len(uids) != exists {
		t.Fatalf("UID SEARCH: %q", r.Lines())
	}
	r = must(t, "UID FETCH")(c.UID(ctx, "FETCH", string(uids[0]), "(UID FLAGS)"))
	if !containsLine(r, "UID "+string(uids[0])) {
		t.Fatalf("UID FETCH: %q", r.Lines())
	}
	r = must(t, "RESPONSE")(c.Response("UIDVALIDITY"))
	if r.Type != "UIDVALIDITY" || r.Len() != 1 || r.Item(0).Kind != imap.ItemLine {
		t.Fatalf("RESPONSE UIDVALIDITY: %+v", r)
	}
	r = must(t, "RESPONSE none")(c.Response("NO-SUCH-RESPONSE"))
	if r.Len() != 1 || r.Item(0).Kind != imap.ItemNone || r.Item(0).Line != nil {
		t.Fatalf("RESPONSE of nothing: %+v", r.Items())
	}
	must(t, "RECENT")(c.Recent(ctx))
	must(t, "CHECK")(c.Check(ctx))
	r = must(t, "XATOM")(c.Xatom(ctx, "GETQUOTAROOT", "INBOX"))
	if r.Status != "OK" {
		t.Fatalf("XATOM: %+v", r)
	}
	r = must(t, "RESPONSE QUOTAROOT")(c.Response("QUOTAROOT"))
	if !containsLine(r, "INBOX") {
		t.Fatalf("QUOTAROOT: %q", r.Lines())
	}
	must(t, "UNSELECT")(c.Unselect(ctx))
	if c.State() != imap.StateAuth {
		t.Fatalf("state after UNSELECT: %v", c.State())
	}

	r = must(t, "LOGOUT")(c.Logout(ctx))
	if r.Type != "BYE" || c.State() != imap.StateLogout {
		t.Fatalf("LOGOUT: %+v, state %v", r, c.State())
	}
	_, err = c.Noop(ctx)
	wantCode(t, err, imap.ErrClosed, imap.CodeClosed)
}

// ---- commands that write: a unique mailbox of user1 ----------------------------------------

func TestWriteCommands(t *testing.T) {
	ctx := ctxT(t)
	c := login(t, "user1")
	box, box2, box3 := unique("w"), unique("w2"), unique("w3")
	t.Cleanup(func() {
		cl := login(t, "user1")
		for _, b := range []string{box, box2, box3} {
			cl.Delete(context.Background(), b)
		}
	})

	must(t, "CREATE")(c.Create(ctx, box))
	must(t, "CREATE 2")(c.Create(ctx, box2))
	must(t, "SUBSCRIBE")(c.Subscribe(ctx, box))
	if r := must(t, "LSUB")(c.Lsub(ctx, "", box)); !containsLine(r, box) {
		t.Fatalf("LSUB after SUBSCRIBE: %q", r.Lines())
	}
	must(t, "UNSUBSCRIBE")(c.Unsubscribe(ctx, box))
	if r := must(t, "LSUB")(c.Lsub(ctx, "", box)); containsLine(r, box) {
		t.Fatalf("LSUB after UNSUBSCRIBE: %q", r.Lines())
	}

	for i := 0; i < 4; i++ {
		flags, date := "", ""
		if i == 1 {
			flags, date = `(\Seen)`, "01-Jan-2020 10:00:00 +0000"
		}
		r := must(t, "APPEND")(c.Append(ctx, box, flags, date, message(fmt.Sprintf("msg %d", i), 300)))
		if r.Code != "APPENDUID" || len(bytes.Fields(r.CodeData)) != 2 {
			t.Fatalf("APPEND code %q data %q", r.Code, r.CodeData)
		}
	}
	// Bare LF line endings become CRLF.
	must(t, "APPEND LF")(c.Append(ctx, box, "", "", []byte("Subject: lf\n\nbody\n")))

	r := must(t, "SELECT")(c.Select(ctx, box, false))
	if string(r.Item(0).Line) != "5" || c.IsReadOnly() {
		t.Fatalf("SELECT: %q readonly=%v", r.Lines(), c.IsReadOnly())
	}
	r = must(t, "FETCH LF")(c.Fetch(ctx, "5", "(BODY.PEEK[])"))
	if got := r.Literals(); len(got) != 1 || string(got[0]) != "Subject: lf\r\n\r\nbody\r\n" {
		t.Fatalf("appended LF message came back as %q", got)
	}
	r = must(t, "SEARCH SEEN")(c.Search(ctx, "", "SEEN"))
	if string(r.Item(0).Line) != "2" {
		t.Fatalf("SEARCH SEEN: %q", r.Lines())
	}
	r = must(t, "STORE")(c.Store(ctx, "1", "+FLAGS", `(\Flagged)`))
	if !containsLine(r, `\Flagged`) {
		t.Fatalf("STORE: %q", r.Lines())
	}
	r = must(t, "COPY")(c.Copy(ctx, "1:2", box2))
	if r.Code != "COPYUID" {
		t.Fatalf("COPY code %q", r.Code)
	}
	must(t, "MOVE")(c.Move(ctx, "3", box2))
	// MOVE's untagged EXPUNGE waits in the response store until asked for (imaplib).
	if r := must(t, "RESPONSE EXPUNGE")(c.Response("EXPUNGE")); r.Len() != 1 || string(r.Item(0).Line) != "3" {
		t.Fatalf("EXPUNGE responses after MOVE: %q", r.Lines())
	}
	must(t, "STORE deleted")(c.Store(ctx, "1", "+FLAGS.SILENT", `\Deleted`))
	r = must(t, "EXPUNGE")(c.Expunge(ctx))
	if r.Len() != 1 || string(r.Item(0).Line) != "1" {
		t.Fatalf("EXPUNGE data %q", r.Lines())
	}
	must(t, "UID STORE")(c.UID(ctx, "STORE", "1:*", "+FLAGS", `(\Deleted)`))
	must(t, "CLOSE")(c.CloseMailbox(ctx))
	if c.State() != imap.StateAuth {
		t.Fatalf("state after CLOSE: %v", c.State())
	}
	r = must(t, "STATUS")(c.Status(ctx, box, "(MESSAGES)"))
	if !containsLine(r, "MESSAGES 0") {
		t.Fatalf("CLOSE did not expunge: %q", r.Lines())
	}
	r = must(t, "STATUS 2")(c.Status(ctx, box2, "MESSAGES"))
	if !containsLine(r, "MESSAGES 3") {
		t.Fatalf("COPY+MOVE: %q", r.Lines())
	}
	must(t, "RENAME")(c.Rename(ctx, box2, box3))
	must(t, "DELETE")(c.Delete(ctx, box3))
	must(t, "DELETE")(c.Delete(ctx, box))
	_, err := c.Status(ctx, box3, "(MESSAGES)")
	e := wantCode(t, err, imap.ErrNo, imap.CodeNo)
	if e.Result == nil || e.Result.Status != "NO" {
		t.Fatalf("NO without result: %+v", e)
	}
}

// ---- errors ------------------------------------------------------------------------------

// The suite's one wrong password (Dovecot delays the next logins after a failure): Login
// over SCRAM-SHA-256 gives ErrNo with the server's result, and the connection stays usable.
func TestErrorNo(t *testing.T) {
	c := dial(t, nil)
	r, err := c.Login(ctxT(t), "user1", "wrong-password-xyz")
	e := wantCode(t, err, imap.ErrNo, imap.CodeNo)
	if r == nil || r.Type != "NO" || e.Result != r || !bytes.Contains(r.Text, []byte("AUTHENTICATIONFAILED")) {
		t.Fatalf("NO result %+v", r)
	}
	if r.Code != "AUTHENTICATIONFAILED" {
		t.Fatalf("code %q", r.Code)
	}
	if strings.Contains(err.Error(), "wrong-password-xyz") {
		t.Fatalf("password in error: %v", err)
	}
	if !strings.HasPrefix(err.Error(), "imap: LOGIN: NO: ") {
		t.Fatalf("Error() = %q", err.Error())
	}
	// Still usable.
	if c.State() != imap.StateNonAuth || c.AuthMechanism() != "" {
		t.Fatalf("state %v, mechanism %q", c.State(), c.AuthMechanism())
	}
	must(t, "LOGIN after NO")(c.Login(ctxT(t), "user1", "pass1"))
	if c.AuthMechanism() != "SCRAM-SHA-256" {
		t.Fatalf("mechanism %q", c.AuthMechanism())
	}
}

func TestErrorBad(t *testing.T) {
	c := login(t, "user1")
	r, err := c.Xatom(ctxT(t), "FOOBAR", "x")
	wantCode(t, err, imap.ErrBad, imap.CodeBad)
	if r == nil || r.Status != "BAD" {
		t.Fatalf("BAD result %+v", r)
	}
	must(t, "NOOP after BAD")(c.Noop(ctxT(t)))
}

func TestErrorIllegalState(t *testing.T) {
	c := dial(t, nil)
	_, err := c.Select(ctxT(t), "INBOX", true)
	wantCode(t, err, imap.ErrIllegalState, imap.CodeIllegalState)
	_, err = c.Fetch(ctxT(t), "1", "FLAGS")
	wantCode(t, err, imap.ErrIllegalState, imap.CodeIllegalState)
	must(t, "NOOP")(c.Noop(ctxT(t)))
}

func TestErrorInvalidArgument(t *testing.T) {
	c := login(t, "user1")
	_, err := c.Create(ctxT(t), "evil\r\nA1 DELETE INBOX")
	wantCode(t, err, imap.ErrInvalidArgument, imap.CodeInvalidArgument)
	_, err = c.Create(ctxT(t), "nul\x00inside")
	e := wantCode(t, err, imap.ErrInvalidArgument, imap.CodeInvalidArgument)
	if e.Op != "CREATE" {
		t.Fatalf("Op = %q", e.Op)
	}
	_, err = c.Search(ctxT(t), "", "ALL\r\n")
	wantCode(t, err, imap.ErrIllegalState, imap.CodeIllegalState) // state is checked first
	_, err = imap.Dial(ctxT(t), "127.0.0.1:notaport", nil)
	wantCode(t, err, imap.ErrInvalidArgument, imap.CodeInvalidArgument)
	_, err = imap.DialTLS(ctxT(t), tlsAddr(), &imap.Options{StartTLS: true})
	wantCode(t, err, imap.ErrInvalidArgument, imap.CodeInvalidArgument)
	must(t, "NOOP")(c.Noop(ctxT(t)))
}

func TestErrorTLSWithoutCA(t *testing.T) {
	_, err := imap.DialTLS(ctxT(t), tlsAddr(), nil)
	wantCode(t, err, imap.ErrTLS, imap.CodeTLS)
	_, err = imap.Dial(ctxT(t), plainAddr(), &imap.Options{StartTLS: true})
	wantCode(t, err, imap.ErrTLS, imap.CodeTLS)
	c := dial(t, nil)
	_, err = c.StartTLS(ctxT(t))
	wantCode(t, err, imap.ErrTLS, imap.CodeTLS)
	_, err = c.Noop(ctxT(t))
	wantCode(t, err, imap.ErrClosed, imap.CodeClosed)
}

func TestErrorConnect(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	_, err = imap.Dial(ctxT(t), addr, nil)
	e := wantCode(t, err, imap.ErrConnect, imap.CodeConnect)
	if e.Op != "CONNECT" || e.Message == "" {
		t.Fatalf("%+v", e)
	}
}

func TestErrorClosed(t *testing.T) {
	c := login(t, "user1")
	must(t, "LOGOUT")(c.Logout(ctxT(t)))
	_, err := c.Noop(ctxT(t))
	wantCode(t, err, imap.ErrClosed, imap.CodeClosed)

	c2 := login(t, "user1")
	if err := c2.Shutdown(); err != nil {
		t.Fatal(err)
	}
	if c2.IsOpen() || c2.State() != imap.StateAuth {
		t.Fatalf("after Shutdown: open %v, state %v (imaplib keeps the state)", c2.IsOpen(), c2.State())
	}
	_, err = c2.List(ctxT(t), "", "*")
	wantCode(t, err, imap.ErrClosed, imap.CodeClosed)

	// Close: idempotent; afterwards everything reports closed.
	c3 := login(t, "user1")
	if c3.Close() != nil || c3.Close() != nil {
		t.Fatal("Close returned an error")
	}
	_, err = c3.Noop(ctxT(t))
	wantCode(t, err, imap.ErrClosed, imap.CodeClosed)
	if c3.State() != imap.StateLogout || c3.Capabilities() != nil || c3.IsTLS() || c3.IsOpen() || c3.Welcome() != nil {
		t.Fatal("accessors after Close")
	}
	if err := c3.SetDebug(1); !errors.Is(err, imap.ErrClosed) {
		t.Fatalf("SetDebug after Close: %v", err)
	}
}

// ReadOnly: user2 shares a mailbox with user1 with lookup+read rights only; user1's
// writable SELECT of it is answered [READ-ONLY].
func TestErrorReadOnly(t *testing.T) {
	ctx := ctxT(t)
	owner := login(t, "user2")
	box := unique("ro")
	must(t, "CREATE")(owner.Create(ctx, box))
	t.Cleanup(func() { login(t, "user2").Delete(context.Background(), box) })
	must(t, "SETACL")(owner.Xatom(ctx, "SETACL", box, "user1", "lr"))

	c := login(t, "user1")
	shared := "shared/user2/" + box
	r, err := c.Select(ctx, shared, false)
	e := wantCode(t, err, imap.ErrReadOnly, imap.CodeReadOnly)
	if r == nil || e.Result == nil || r.Code != "READ-ONLY" {
		t.Fatalf("READONLY result %+v", r)
	}
	must(t, "EXAMINE")(c.Select(ctx, shared, true))
}

func TestErrorLimit(t *testing.T) {
	c, err := imap.Dial(ctxT(t), plainAddr(), &imap.Options{MaxLiteral: 100})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	must(t, "LOGIN")(c.Login(ctxT(t), "user1", "pass1"))
	must(t, "EXAMINE")(c.Select(ctxT(t), "INBOX", true))
	_, err = c.Fetch(ctxT(t), "1", "(BODY.PEEK[])")
	wantCode(t, err, imap.ErrLimit, imap.CodeLimit)
	_, err = c.Noop(ctxT(t))
	wantCode(t, err, imap.ErrClosed, imap.CodeClosed)
}

// fakeServer accepts one connection, sends a greeting and runs handle.
func fakeServer(t *testing.T, handle func(conn net.Conn, r *bufio.Reader)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		conn, err := l.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		fmt.Fprint(conn, "* OK [CAPABILITY IMAP4rev1] fake ready\r\n")
		handle(conn, bufio.NewReader(conn))
	}()
	return l.Addr().String()
}

// Abort: Dovecot cannot be made to drop one connection without disturbing others, so a fake
// server hangs up after the first command.
func TestErrorAbort(t *testing.T) {
	addr := fakeServer(t, func(conn net.Conn, r *bufio.Reader) {
		r.ReadString('\n')
		fmt.Fprint(conn, "* BYE going away\r\n")
	})
	c, err := imap.Dial(ctxT(t), addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = c.Noop(ctxT(t))
	wantCode(t, err, imap.ErrAbort, imap.CodeAbort)
}

// The library's own I/O timeout (Options.IOTimeout), against a server that never answers.
func TestErrorTimeout(t *testing.T) {
	addr := fakeServer(t, func(conn net.Conn, r *bufio.Reader) { ioDrain(r) })
	c, err := imap.Dial(ctxT(t), addr, &imap.Options{IOTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	_, err = c.Noop(context.Background())
	wantCode(t, err, imap.ErrTimeout, imap.CodeTimeout)
	if errors.Is(err, context.DeadlineExceeded) {
		t.Fatal("a library timeout is not the context's deadline")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("timeout took %v", d)
	}
}

// The call deadline (Options.CallTimeout, MinRate): a server dripping its reply at 50 bytes/s
// ends the call with ErrTimeout near the deadline, although a byte arrives every 20 ms; a
// long enough CallTimeout lets the same call finish.
func TestErrorTimeoutDrippingServer(t *testing.T) {
	drip := func(conn net.Conn, r *bufio.Reader) {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		tag := strings.Fields(line)[0]
		reply := strings.Repeat("* 1 EXISTS\r\n", 4) + tag + " OK done\r\n"
		for i := 0; i < len(reply); i++ {
			if _, err := conn.Write([]byte{reply[i]}); err != nil {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
		ioDrain(r)
	}
	c, err := imap.Dial(ctxT(t), fakeServer(t, drip), &imap.Options{IOTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	_, err = c.Noop(context.Background())
	wantCode(t, err, imap.ErrTimeout, imap.CodeTimeout)
	if !strings.Contains(err.Error(), "deadline") {
		t.Fatalf("the error should name the deadline: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("timeout took %v", d)
	}

	opts := &imap.Options{IOTimeout: 300 * time.Millisecond, CallTimeout: 20 * time.Second}
	d, err := imap.Dial(ctxT(t), fakeServer(t, drip), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Noop(ctxT(t)); err != nil {
		t.Fatalf("noop under a 20 s call timeout: %v", err)
	}
}

func ioDrain(r *bufio.Reader) {
	for {
		if _, err := r.ReadString('\n'); err != nil {
			return
		}
	}
}

// ---- TLS ---------------------------------------------------------------------------------

func TestImplicitTLS(t *testing.T) {
	ctx := ctxT(t)
	c, err := imap.DialTLS(ctx, tlsAddr(), &imap.Options{CAFile: srv["DOVECOT_CA"]})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if !c.IsTLS() {
		t.Fatal("IsTLS false")
	}
	must(t, "LOGIN")(c.Login(ctx, "user1", "pass1"))
	must(t, "LOGOUT")(c.Logout(ctx))

	// Verification off (tests only) also connects without the CA.
	c2, err := imap.DialTLS(ctx, tlsAddr(), &imap.Options{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if !c2.IsTLS() {
		t.Fatal("IsTLS false")
	}
}

func TestStartTLS(t *testing.T) {
	ctx := ctxT(t)
	opts := &imap.Options{CAFile: srv["DOVECOT_CA"]}
	c, err := imap.Dial(ctx, plainAddr(), &imap.Options{CAFile: opts.CAFile, StartTLS: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if !c.IsTLS() || c.HasCapability("STARTTLS") {
		t.Fatalf("after Options.StartTLS: tls=%v caps=%v", c.IsTLS(), c.Capabilities())
	}
	must(t, "LOGIN")(c.Login(ctx, "user1", "pass1"))

	c2 := dial(t, opts)
	r := must(t, "STARTTLS")(c2.StartTLS(ctx))
	if r.Status != "OK" || !c2.IsTLS() {
		t.Fatalf("STARTTLS: %+v tls=%v", r, c2.IsTLS())
	}
	must(t, "LOGIN")(c2.Login(ctx, "user1", "pass1"))
}

// ---- contexts ----------------------------------------------------------------------------

var (
	bigOnce sync.Once
	bigBox  string
	bigErr  error
)

var staleBox = regexp.MustCompile(`gobind-big-(\d+)-\d+`)

// bigMailbox makes (once per test binary) a mailbox of user2 with 50 messages of 200 KB.
func bigMailbox(t testing.TB) string {
	bigOnce.Do(func() {
		ctx := context.Background()
		c, err := imap.Dial(ctx, plainAddr(), nil)
		if err != nil {
			bigErr = err
			return
		}
		defer c.Close()
		if _, bigErr = c.Login(ctx, "user2", "pass2"); bigErr != nil {
			return
		}
		// user2 has a 10 MB quota: remove what killed runs of this test left behind.
		if r, err := c.List(ctx, "", "gobind-big-*"); err == nil {
			for _, l := range r.Lines() {
				m := staleBox.FindSubmatch(l)
				if m == nil {
					continue
				}
				if _, err := os.Stat("/proc/" + string(m[1])); err != nil {
					c.Delete(ctx, string(m[0]))
				}
			}
		}
		box := unique("big")
		if _, bigErr = c.Create(ctx, box); bigErr != nil {
			return
		}
		for i := 0; i < 50; i++ {
			msg := message(fmt.Sprintf("big %d", i), 200_000)
			// The quota may lag behind the deletion of a previous run's mailbox: retry a while.
			for try := 0; ; try++ {
				var r *imap.Result
				r, bigErr = c.Append(ctx, box, "", "", msg)
				if bigErr == nil || r == nil || r.Code != "OVERQUOTA" || try == 50 {
					break
				}
				time.Sleep(100 * time.Millisecond)
			}
			if bigErr != nil {
				c.Delete(ctx, box)
				return
			}
		}
		bigBox = box
	})
	if bigErr != nil {
		t.Fatalf("making the big mailbox: %v", bigErr)
	}
	return bigBox
}

func deleteBigMailbox() {
	if bigBox == "" {
		return
	}
	c, err := imap.Dial(context.Background(), plainAddr(), nil)
	if err != nil {
		return
	}
	defer c.Close()
	if _, err := c.Login(context.Background(), "user2", "pass2"); err == nil {
		c.Delete(context.Background(), bigBox)
	}
}

// cancelDelays: the FETCH of 10 MB takes 15-25 ms on loopback here, so a 20 ms cancel can
// come too late; shorter delays are tried then (an attempt that finishes first proves
// nothing and is logged).
var cancelDelays = []time.Duration{20 * time.Millisecond, 10 * time.Millisecond,
	5 * time.Millisecond, 2 * time.Millisecond, time.Millisecond}

// largeFetchEndedBy runs FETCH 1:* (BODY[]) on the big mailbox with a context that ends
// after delay (made by mk), on a fresh connection. It returns the error, how long after the
// context ended the call returned, and the client; done is false if the FETCH completed or
// the context ended before the call began (inconclusive).
func largeFetchEndedBy(t *testing.T, delay time.Duration,
	mk func(time.Duration) (context.Context, context.CancelFunc)) (err error, late time.Duration, c *imap.Client, done bool) {
	box := bigMailbox(t)
	c = login(t, "user2")
	r := must(t, "EXAMINE")(c.Select(ctxT(t), box, true))
	if string(r.Item(0).Line) != "50" {
		t.Fatalf("big mailbox has %q messages", r.Lines())
	}
	ctx, cancel := mk(delay)
	defer cancel()
	start := time.Now()
	r, err = c.Fetch(ctx, "1:*", "(BODY[])")
	elapsed := time.Since(start)
	if err == nil {
		t.Logf("FETCH of 50 x 200 KB finished in %v, before the context ended at %v (%d items)",
			elapsed, delay, r.Len())
		return nil, 0, c, false
	}
	if e := (*imap.Error)(nil); !errors.As(err, &e) {
		t.Logf("context ended before the call began: %v", err)
		return err, 0, c, false
	}
	if r != nil {
		t.Fatal("result with an interrupted call")
	}
	t.Logf("ended after %v (context ended at %v): %v", elapsed, delay, err)
	return err, elapsed - delay, c, true
}

func TestCancelLargeFetch(t *testing.T) {
	for _, delay := range cancelDelays {
		err, late, c, done := largeFetchEndedBy(t, delay, func(d time.Duration) (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(d, cancel)
			return ctx, cancel
		})
		if !done {
			continue
		}
		if !errors.Is(err, context.Canceled) || !errors.Is(err, imap.ErrInterrupted) {
			t.Fatalf("err %v: want context.Canceled and ErrInterrupted", err)
		}
		if late > 300*time.Millisecond {
			t.Fatalf("returned %v after the cancel", late)
		}
		// As documented, the interrupted connection is closed.
		if c.IsOpen() {
			t.Fatal("IsOpen after an interrupt")
		}
		_, err = c.Noop(context.Background())
		wantCode(t, err, imap.ErrClosed, imap.CodeClosed)
		return
	}
	t.Fatal("every FETCH finished before its cancel")
}

func TestDeadlineLargeFetch(t *testing.T) {
	for _, delay := range cancelDelays {
		err, late, c, done := largeFetchEndedBy(t, delay, func(d time.Duration) (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), d)
		})
		if !done {
			continue
		}
		if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, imap.ErrTimeout) {
			t.Fatalf("err %v: want context.DeadlineExceeded and ErrTimeout", err)
		}
		if late > 300*time.Millisecond {
			t.Fatalf("returned %v after the deadline", late)
		}
		_, err = c.Noop(context.Background())
		wantCode(t, err, imap.ErrClosed, imap.CodeClosed)
		return
	}
	t.Fatal("every FETCH finished before its deadline")
}

// A deadline against a server that never answers: the deadline interrupts the call, which
// reports DeadlineExceeded and ErrTimeout.
func TestDeadlineSilentServer(t *testing.T) {
	addr := fakeServer(t, func(conn net.Conn, r *bufio.Reader) { ioDrain(r) })
	c, err := imap.Dial(ctxT(t), addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = c.Noop(ctx)
	elapsed := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, imap.ErrTimeout) {
		t.Fatalf("err %v: want context.DeadlineExceeded and ErrTimeout", err)
	}
	if elapsed < 140*time.Millisecond || elapsed > time.Second {
		t.Fatalf("returned after %v", elapsed)
	}
}

func TestContextDoneBeforeCall(t *testing.T) {
	c := login(t, "user1")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.Noop(ctx)
	if !errors.Is(err, context.Canceled) || errors.Is(err, imap.ErrInterrupted) {
		t.Fatalf("err %v", err)
	}
	ctx2, cancel2 := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel2()
	_, err = c.Noop(ctx2)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v", err)
	}
	// Nothing was sent: the connection is intact, and a later deadline does not linger.
	must(t, "NOOP")(c.Noop(ctxT(t)))
	ctx3, cancel3 := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel3()
	must(t, "NOOP with deadline")(c.Noop(ctx3))
	must(t, "NOOP after deadline")(c.Noop(context.Background()))
}

func TestCancelDial(t *testing.T) {
	// A server that accepts but never greets: Dial blocks reading the greeting.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		conn, err := l.Accept()
		if err == nil {
			ioDrain(bufio.NewReader(conn))
			conn.Close()
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err = imap.Dial(ctx, l.Addr().String(), nil)
	if !errors.Is(err, context.Canceled) || time.Since(start) > time.Second {
		t.Fatalf("Dial: %v after %v", err, time.Since(start))
	}
}

// ---- concurrency -------------------------------------------------------------------------

func TestConcurrentSharedClient(t *testing.T) {
	c := login(t, "user1")
	must(t, "EXAMINE")(c.Select(ctxT(t), "INBOX", true))
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 15; i++ {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				var err error
				switch (g + i) % 5 {
				case 0:
					_, err = c.Noop(ctx)
				case 1:
					var r *imap.Result
					r, err = c.Fetch(ctx, fmt.Sprint(1+i%20), "(BODY.PEEK[HEADER] FLAGS)")
					if err == nil && len(r.Literals()) != 1 {
						err = fmt.Errorf("fetch: %d literals", len(r.Literals()))
					}
				case 2:
					_, err = c.Search(ctx, "", "ALL")
				case 3:
					_, err = c.Status(ctx, "Sent", "(MESSAGES)")
				case 4:
					if c.State() != imap.StateSelected || !c.HasCapability("IMAP4REV1") {
						err = errors.New("accessors")
					}
					_, err = c.Response("EXISTS")
				}
				cancel()
				if err != nil {
					errs <- fmt.Errorf("goroutine %d op %d: %w", g, i, err)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// Close from another goroutine interrupts a blocked call.
func TestCloseInterruptsCall(t *testing.T) {
	addr := fakeServer(t, func(conn net.Conn, r *bufio.Reader) { ioDrain(r) })
	c, err := imap.Dial(ctxT(t), addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() {
		_, err := c.Noop(context.Background())
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	start := time.Now()
	c.Close()
	select {
	case err := <-done:
		wantCode(t, err, imap.ErrInterrupted, imap.CodeInterrupted)
	case <-time.After(5 * time.Second):
		t.Fatal("blocked call not interrupted by Close")
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("Close took %v", d)
	}
}

// ---- logging ---------------------------------------------------------------------------

// recorder is a slog.Handler keeping every record; it panics on a message containing
// "panic-me" when armed.
type recorder struct {
	mu    sync.Mutex
	recs  []slog.Record
	level slog.Level
	boom  atomic.Bool
}

func (r *recorder) Enabled(_ context.Context, l slog.Level) bool { return l >= r.level }
func (r *recorder) Handle(_ context.Context, rec slog.Record) error {
	if r.boom.Load() {
		panic("boom")
	}
	r.mu.Lock()
	r.recs = append(r.recs, rec)
	r.mu.Unlock()
	return nil
}
func (r *recorder) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *recorder) WithGroup(string) slog.Handler      { return r }

func (r *recorder) text(min slog.Level) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	for _, rec := range r.recs {
		if rec.Level >= min {
			fmt.Fprintf(&b, "%v %s\n", rec.Level, rec.Message)
		}
	}
	return b.String()
}

func TestLogger(t *testing.T) {
	rec := &recorder{level: slog.LevelDebug}
	c, err := imap.Dial(ctxT(t), plainAddr(), &imap.Options{Logger: slog.New(rec)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// The LOGIN command, whose password would be on the line if it were not redacted.
	must(t, "LOGIN")(c.LoginCommand(ctxT(t), "user1", "pass1"))
	must(t, "NOOP")(c.Noop(ctxT(t)))
	_, err = c.Select(ctxT(t), "no-such-mailbox", false)
	wantCode(t, err, imap.ErrNo, imap.CodeNo)
	// LevelDebug enables the library's level 4: every line, as DEBUG records.
	all := rec.text(slog.LevelDebug)
	if !strings.Contains(all, "DEBUG") || !strings.Contains(all, "NOOP") || !strings.Contains(all, "LOGIN") {
		t.Fatalf("log lacks the commands:\n%s", all)
	}
	if strings.Contains(all, "pass1") {
		t.Fatalf("password logged:\n%s", all)
	}
	if strings.Contains(all, "DEBUG-4") {
		t.Fatalf("trace records although the handler is at LevelDebug:\n%s", all)
	}
	// The library's levels map to slog's: a NO is an error (level 1), the capabilities info
	// (level 3).
	if !strings.Contains(rec.text(slog.LevelError), "NO response") ||
		!strings.Contains(rec.text(slog.LevelInfo), "INFO CAPABILITIES") {
		t.Fatalf("levels:\n%s", all)
	}

	// A panicking handler is dropped, the call goes on.
	rec.boom.Store(true)
	must(t, "NOOP with a panicking handler")(c.Noop(ctxT(t)))
	rec.boom.Store(false)

	// Back to stderr, silent at level 0: nothing more reaches the logger.
	if err := c.SetLogger(nil); err != nil {
		t.Fatal(err)
	}
	if err := c.SetDebug(0); err != nil {
		t.Fatal(err)
	}
	n := len(rec.text(slog.LevelDebug - 8))
	must(t, "NOOP")(c.Noop(ctxT(t)))
	if len(rec.text(slog.LevelDebug-8)) != n {
		t.Fatal("logged after SetLogger(nil)")
	}

	// A logger at LevelInfo gets no line-by-line records.
	info := &recorder{level: slog.LevelInfo}
	if err := c.SetLogger(slog.New(info)); err != nil {
		t.Fatal(err)
	}
	must(t, "NOOP")(c.Noop(ctxT(t)))
	if got := info.text(slog.LevelDebug - 8); strings.Contains(got, "NOOP") {
		t.Fatalf("info logger got %q", got)
	}
}

func TestOptionsRejected(t *testing.T) {
	_, err := imap.Dial(ctxT(t), plainAddr(), &imap.Options{CertFile: "/nonexistent/cert.pem"})
	e := wantCode(t, err, imap.ErrInvalidArgument, imap.CodeInvalidArgument)
	if e.Op != "CONFIGURE" || !strings.Contains(e.Message, "keyfile") {
		t.Fatalf("%+v", e)
	}
	_, err = imap.Dial(ctxT(t), plainAddr(), &imap.Options{CAFile: "a\x00b"})
	wantCode(t, err, imap.ErrInvalidArgument, imap.CodeInvalidArgument)
	c, err := imap.Dial(ctxT(t), plainAddr(), &imap.Options{ConnectTimeout: time.Second, IOTimeout: 5 * time.Second, MaxLine: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
}

func TestErrorStrings(t *testing.T) {
	if imap.CodeNo.String() != "IMAP_CODE_NO" || imap.CodeNo.Description() == "" {
		t.Fatal(imap.CodeNo.String())
	}
	if imap.StateSelected.String() != "IMAP_STATE_SELECTED" {
		t.Fatal(imap.StateSelected.String())
	}
	if !strings.HasPrefix(imap.ErrTLS.Error(), "imap: ") {
		t.Fatal(imap.ErrTLS.Error())
	}
}

// ---- benchmarks --------------------------------------------------------------------------

// BenchmarkFetch: FETCH 1:* (BODY.PEEK[]) of the 20 seeded messages of user1's INBOX.
func BenchmarkFetch(b *testing.B) {
	c := login(b, "user1")
	must(b, "EXAMINE")(c.Select(ctxT(b), "INBOX", true))
	ctx := context.Background()
	var n int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := c.Fetch(ctx, "1:20", "(BODY.PEEK[])")
		if err != nil {
			b.Fatal(err)
		}
		n = 0
		for _, l := range r.Literals() {
			n += int64(len(l))
		}
	}
	b.SetBytes(n)
	b.ReportMetric(20, "msgs/op")
}

// BenchmarkFetchLarge: FETCH 1:* (BODY.PEEK[]) of 50 messages of 200 KB (10 MB a call).
func BenchmarkFetchLarge(b *testing.B) {
	box := bigMailbox(b)
	c := login(b, "user2")
	must(b, "EXAMINE")(c.Select(ctxT(b), box, true))
	ctx := context.Background()
	var n int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := c.Fetch(ctx, "1:*", "(BODY.PEEK[])")
		if err != nil {
			b.Fatal(err)
		}
		n = 0
		for _, l := range r.Literals() {
			n += int64(len(l))
		}
	}
	b.SetBytes(n)
}

// BenchmarkNoop: one round trip, plus the cgo and result overhead.
func BenchmarkNoop(b *testing.B) {
	c := login(b, "user1")
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Noop(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
