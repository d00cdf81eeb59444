package imap_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	imap "github.com/libimap/libimap/bindings/go"
)

// ---- authentication ----------------------------------------------------------------------

func TestAuthenticateCallback(t *testing.T) {
	ctx := ctxT(t)
	c := dial(t, nil)
	var challenges []string
	r, err := c.Authenticate(ctx, "LOGIN", nil, func(ch []byte) ([]byte, error) {
		challenges = append(challenges, string(ch))
		switch string(ch) {
		case "Username:":
			return []byte("user1"), nil
		case "Password:":
			return []byte("pass1"), nil
		}
		return nil, fmt.Errorf("unexpected challenge %q", ch)
	})
	if err != nil {
		t.Fatalf("AUTHENTICATE LOGIN: %v (challenges %q)", err, challenges)
	}
	if r.Status != "OK" || c.State() != imap.StateAuth || len(challenges) != 2 {
		t.Fatalf("AUTHENTICATE: %+v state %v challenges %q", r, c.State(), challenges)
	}
	if !c.HasCapability("MOVE") {
		t.Fatalf("capabilities not refreshed: %v", c.Capabilities())
	}

	// SASL-IR: PLAIN with the initial response on the command line, no challenge.
	c2 := dial(t, nil)
	called := 0
	must(t, "AUTHENTICATE PLAIN IR")(c2.Authenticate(ctx, "PLAIN", []byte("\x00user2\x00pass2"),
		func([]byte) ([]byte, error) { called++; return nil, errors.New("no challenge expected") }))
	if called != 0 || c2.State() != imap.StateAuth {
		t.Fatalf("PLAIN IR: %d callbacks, state %v", called, c2.State())
	}
}

func TestAuthenticateAbort(t *testing.T) {
	ctx := ctxT(t)
	c := dial(t, nil)
	errStop := errors.New("no credentials here")
	calls := 0
	r, err := c.Authenticate(ctx, "LOGIN", nil, func([]byte) ([]byte, error) {
		calls++
		return nil, errStop
	})
	if !errors.Is(err, errStop) || !(errors.Is(err, imap.ErrBad) || errors.Is(err, imap.ErrNo)) {
		t.Fatalf("aborted AUTHENTICATE: %v", err)
	}
	t.Logf("aborted: %v", err)
	if calls != 1 || r == nil || c.State() != imap.StateNonAuth || !c.IsOpen() {
		t.Fatalf("after abort: calls %d result %+v state %v open %v", calls, r, c.State(), c.IsOpen())
	}
	// The connection is still usable.
	must(t, "LOGIN after abort")(c.Login(ctx, "user1", "pass1"))

	// A panic in the callback aborts the exchange and comes out of Authenticate.
	c2 := dial(t, nil)
	func() {
		defer func() {
			if p := recover(); p != "sasl boom" {
				t.Fatalf("recovered %v", p)
			}
		}()
		c2.Authenticate(ctx, "LOGIN", nil, func([]byte) ([]byte, error) { panic("sasl boom") })
		t.Fatal("no panic")
	}()
	must(t, "LOGIN after panic")(c2.Login(ctx, "user1", "pass1"))
}

func TestLoginMechanisms(t *testing.T) {
	ctx := ctxT(t)
	c := dial(t, nil)
	must(t, "PLAIN")(c.LoginPlain(ctx, "", "user1", "pass1"))
	if c.State() != imap.StateAuth {
		t.Fatalf("state %v", c.State())
	}

	// Master user: authenticate as master, act as user2 (whose quota is 10 MB).
	c = dial(t, nil)
	must(t, "PLAIN master")(c.LoginPlain(ctx, "user2", "master", "masterpw"))
	_, quota, err := c.GetQuotaRoot(ctx, "INBOX")
	if err != nil || !containsLine(quota, "STORAGE") || !containsLine(quota, " 10240 ") {
		t.Fatalf("master login is not user2: quota %v, %v", quota, err)
	}

	c = dial(t, nil)
	must(t, "SASL LOGIN")(c.LoginSASLLogin(ctx, "user3", "pass3"))
	if c.State() != imap.StateAuth {
		t.Fatalf("state %v", c.State())
	}

	// (No wrong password here: Dovecot's auth penalty would delay every later login.)
	c = dial(t, nil)
	must(t, "CRAM-MD5")(c.LoginCramMD5(ctx, "user1", "pass1"))
	if c.State() != imap.StateAuth {
		t.Fatalf("state %v", c.State())
	}

	// Dovecot offers neither XOAUTH2 nor OAUTHBEARER: nothing is sent.
	c = dial(t, nil)
	_, err = c.LoginXOAuth2(ctx, "user1", "token")
	wantCode(t, err, imap.ErrUnsupported, imap.CodeUnsupported)
	_, err = c.LoginOAuthBearer(ctx, "user1", "token")
	wantCode(t, err, imap.ErrUnsupported, imap.CodeUnsupported)
	if !c.IsOpen() || c.State() != imap.StateNonAuth {
		t.Fatal("unsupported mechanism changed the connection")
	}
	must(t, "LOGIN")(c.Login(ctx, "user1", "pass1"))
}

// ---- IDLE --------------------------------------------------------------------------------

// idleMailbox creates an empty mailbox of user2 and returns a client that has SELECTed it.
func idleMailbox(t *testing.T) (*imap.Client, string) {
	t.Helper()
	ctx := ctxT(t)
	c := login(t, "user2")
	box := unique("idle")
	must(t, "CREATE")(c.Create(ctx, box))
	t.Cleanup(func() { login(t, "user2").Delete(context.Background(), box) })
	r := must(t, "SELECT")(c.Select(ctx, box, false))
	if string(r.Item(0).Line) != "0" {
		t.Fatalf("fresh mailbox has %q messages", r.Lines())
	}
	return c, box
}

func TestIdle(t *testing.T) {
	ctx := ctxT(t)
	c, box := idleMailbox(t)
	idle, err := c.Idle(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.State() != imap.StateIdling || c.State().String() != "IMAP_STATE_IDLING" {
		t.Fatalf("state %v", c.State())
	}
	_, err = c.Noop(ctx)
	wantCode(t, err, imap.ErrIllegalState, imap.CodeIllegalState)

	// A second client appends; the IDLE sees EXISTS 1.
	other := login(t, "user2")
	go func() {
		time.Sleep(100 * time.Millisecond)
		other.Append(context.Background(), box, "", "", message("idle", 200))
	}()
	// Accessors do not wait for the Next in progress.
	var accessorsOK atomic.Bool
	go func() {
		time.Sleep(50 * time.Millisecond)
		start := time.Now()
		for i := 0; i < 20; i++ {
			if c.State() != imap.StateIdling || !c.IsOpen() || c.FD() < 0 {
				return
			}
		}
		accessorsOK.Store(time.Since(start) < 100*time.Millisecond)
	}()
	var exists *imap.Result
	for exists == nil {
		u, err := idle.Next(ctx)
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		t.Logf("update %s %q", u.Type, u.Lines())
		if u.Type == "EXISTS" {
			exists = u
		}
	}
	if exists.Len() != 1 || string(exists.Item(0).Line) != "1" {
		t.Fatalf("EXISTS update %+v", exists)
	}
	if !accessorsOK.Load() {
		t.Error("accessors during IDLE failed or were slow")
	}
	r := must(t, "DONE")(idle.Done(ctx))
	if r.Status != "OK" || c.State() != imap.StateSelected {
		t.Fatalf("DONE: %+v state %v", r, c.State())
	}
	_, err = idle.Next(ctx)
	wantCode(t, err, imap.ErrIllegalState, imap.CodeIllegalState)
	r = must(t, "FETCH after IDLE")(c.Fetch(ctx, "1", "(FLAGS)"))
	if r.Len() != 1 {
		t.Fatalf("FETCH: %q", r.Lines())
	}
}

func TestIdleCancel(t *testing.T) {
	ctx := ctxT(t)
	c, box := idleMailbox(t)
	idle, err := c.Idle(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Cancel during Next: prompt, and the IDLE (and connection) go on.
	cctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	u, err := idle.Next(cctx)
	if !errors.Is(err, context.Canceled) || u != nil {
		t.Fatalf("Next after cancel: %v %v", u, err)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("cancel noticed after %v", d)
	}
	if !c.IsOpen() || c.State() != imap.StateIdling {
		t.Fatalf("after cancel: open %v state %v", c.IsOpen(), c.State())
	}
	// A deadline: "wait at most 200 ms".
	dctx, dcancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer dcancel()
	start = time.Now()
	_, err = idle.Next(dctx)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > time.Second {
		t.Fatalf("Next with deadline: %v after %v", err, time.Since(start))
	}
	// Woken without closing: an update still arrives on the same IDLE.
	other := login(t, "user2")
	go func() {
		time.Sleep(100 * time.Millisecond)
		other.Append(context.Background(), box, "", "", message("after wake", 200))
	}()
	for {
		u, err := idle.Next(ctx)
		if err != nil {
			t.Fatalf("Next after the wakes: %v", err)
		}
		if u.Type == "EXISTS" {
			break
		}
	}
	// Done from another goroutine ends a waiting Next.
	nextErr := make(chan error, 1)
	go func() {
		for { // updates still queued (the RECENT after the EXISTS) come first
			if _, err := idle.Next(context.Background()); err != nil {
				nextErr <- err
				return
			}
		}
	}()
	time.Sleep(100 * time.Millisecond)
	r := must(t, "DONE")(idle.Done(ctx))
	if r.Status != "OK" || c.State() != imap.StateSelected {
		t.Fatalf("DONE %+v state %v", r, c.State())
	}
	select {
	case err := <-nextErr:
		wantCode(t, err, imap.ErrIllegalState, imap.CodeIllegalState)
	case <-time.After(2 * time.Second):
		t.Fatal("Next not ended by Done")
	}
	must(t, "NOOP")(c.Noop(ctx))
}

func TestUnsupportedIdleEnable(t *testing.T) {
	// The fake server advertises IMAP4rev1 only, and accepts every command.
	addr := fakeServer(t, func(conn net.Conn, r *bufio.Reader) {
		for {
			l, err := r.ReadString('\n')
			if err != nil {
				return
			}
			tag, _, _ := strings.Cut(l, " ")
			fmt.Fprintf(conn, "* CAPABILITY IMAP4rev1\r\n%s OK done\r\n", tag)
		}
	})
	c, err := imap.Dial(ctxT(t), addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = c.LoginPlain(ctxT(t), "", "u", "p")
	wantCode(t, err, imap.ErrUnsupported, imap.CodeUnsupported)
	must(t, "LOGIN")(c.LoginCommand(ctxT(t), "u", "p"))
	_, err = c.Idle(ctxT(t))
	wantCode(t, err, imap.ErrUnsupported, imap.CodeUnsupported)
	_, err = c.Enable(ctxT(t), "CONDSTORE")
	wantCode(t, err, imap.ErrUnsupported, imap.CodeUnsupported)
	if !c.IsOpen() || c.State() != imap.StateAuth {
		t.Fatal("unsupported command changed the connection")
	}
}

// ---- stream connection, raw I/O ----------------------------------------------------------

func TestDialCommand(t *testing.T) {
	ctx := ctxT(t)
	cmd := srv["DOVECOT_STREAM_CMD"]
	if cmd == "" {
		t.Fatal("dovecot-up.sh did not print DOVECOT_STREAM_CMD")
	}
	c, err := imap.DialCommand(ctx, cmd, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.State() != imap.StateAuth || !bytes.Contains(c.Welcome(), []byte("PREAUTH")) {
		t.Fatalf("stream: state %v welcome %q", c.State(), c.Welcome())
	}
	if c.FD() < 0 {
		t.Fatalf("FD %d", c.FD())
	}
	r := must(t, "EXAMINE")(c.Select(ctx, "INBOX", true))
	if c.State() != imap.StateSelected || r.Len() != 1 {
		t.Fatalf("EXAMINE over a stream: %+v", r)
	}
	r = must(t, "LOGOUT")(c.Logout(ctx))
	if r.Type != "BYE" || c.IsOpen() || c.FD() != -1 {
		t.Fatalf("LOGOUT: %+v open %v fd %d", r, c.IsOpen(), c.FD())
	}
	_, err = imap.DialCommand(ctx, cmd, &imap.Options{StartTLS: true})
	wantCode(t, err, imap.ErrInvalidArgument, imap.CodeInvalidArgument)
}

func TestRawIO(t *testing.T) {
	ctx := ctxT(t)
	c := login(t, "user1")
	if c.FD() < 0 {
		t.Fatalf("FD %d", c.FD())
	}
	r, err := c.ReadResponse(ctx, 50*time.Millisecond)
	if err != nil || r != nil {
		t.Fatalf("ReadResponse on a quiet connection: %v %v", r, err)
	}
	if err := c.SendLine(ctx, []byte("RAW1 NOOP")); err != nil {
		t.Fatal(err)
	}
	r, err = c.ReadResponse(ctx, 5*time.Second)
	if err != nil || r == nil || r.Type != "RAW" || !bytes.HasPrefix(r.Lines()[0], []byte("RAW1 OK")) {
		t.Fatalf("ReadResponse: %+v %v", r, err)
	}
	err = c.SendLine(ctx, []byte("RAW2 NOOP\r\nRAW3 LOGOUT"))
	wantCode(t, err, imap.ErrInvalidArgument, imap.CodeInvalidArgument)
	must(t, "NOOP")(c.Noop(ctx))
}

// ---- ACL, QUOTA, METADATA, ANNOTATEMORE ----------------------------------------------------

func TestACL(t *testing.T) {
	ctx := ctxT(t)
	c := login(t, "user2")
	box := unique("acl")
	must(t, "CREATE")(c.Create(ctx, box))
	t.Cleanup(func() { login(t, "user2").Delete(context.Background(), box) })

	must(t, "SETACL")(c.SetACL(ctx, box, "user1", "lr"))
	r := must(t, "GETACL")(c.GetACL(ctx, box))
	if !containsLine(r, "user1 lr") {
		t.Fatalf("GETACL: %q", r.Lines())
	}
	r = must(t, "MYRIGHTS")(c.MyRights(ctx, box))
	if !containsLine(r, box) || !containsLine(r, "a") {
		t.Fatalf("MYRIGHTS: %q", r.Lines())
	}
	r = must(t, "LISTRIGHTS")(c.ListRights(ctx, box, "user1"))
	if !containsLine(r, box+" user1 ") {
		t.Fatalf("LISTRIGHTS: %q", r.Lines())
	}
	must(t, "DELETEACL")(c.DeleteACL(ctx, box, "user1"))
	r = must(t, "GETACL")(c.GetACL(ctx, box))
	if containsLine(r, "user1") {
		t.Fatalf("GETACL after DELETEACL: %q", r.Lines())
	}
}

func TestQuota(t *testing.T) {
	ctx := ctxT(t)
	c := login(t, "user1") // admin: may SETQUOTA
	root, quota, err := c.GetQuotaRoot(ctx, "INBOX")
	if err != nil || !containsLine(root, `INBOX "User quota"`) || !containsLine(quota, `"User quota" (STORAGE `) {
		t.Fatalf("GETQUOTAROOT: %v %v %v", root, quota, err)
	}
	r := must(t, "GETQUOTA")(c.GetQuota(ctx, `"User quota"`))
	if !containsLine(r, "STORAGE") || !containsLine(r, "MESSAGE") {
		t.Fatalf("GETQUOTA: %q", r.Lines())
	}
	// Dovecot stores the limit but never reads it back (dovecot-up.sh): harmless.
	must(t, "SETQUOTA")(c.SetQuota(ctx, `"User quota"`, "(STORAGE 1048576)"))
	// user2 may not.
	_, err = login(t, "user2").SetQuota(ctx, `"User quota"`, "(STORAGE 1048576)")
	e := wantCode(t, err, imap.ErrNo, imap.CodeNo)
	if e.Result == nil || e.Result.Status != "NO" {
		t.Fatalf("SETQUOTA NO: %+v", e)
	}
}

func TestMetadata(t *testing.T) {
	ctx := ctxT(t)
	c := login(t, "user2")
	box := unique("meta")
	must(t, "CREATE")(c.Create(ctx, box))
	t.Cleanup(func() { login(t, "user2").Delete(context.Background(), box) })
	must(t, "SETMETADATA")(c.SetMetadata(ctx, box,
		imap.Field{Name: "/private/comment", Value: "hello from go"},
		imap.Field{Name: "/shared/comment", Value: "shared"}))
	r := must(t, "GETMETADATA")(c.GetMetadata(ctx, box, []string{"/private/comment", "/shared/comment"}, ""))
	all := bytes.Join(append(r.Lines(), r.Literals()...), []byte(" "))
	if !bytes.Contains(all, []byte("hello from go")) || !bytes.Contains(all, []byte("shared")) {
		t.Fatalf("GETMETADATA: %+v", r.Items())
	}
	must(t, "SETMETADATA NIL")(c.SetMetadata(ctx, box, imap.Field{Name: "/private/comment", Nil: true}))
	r = must(t, "GETMETADATA DEPTH")(c.GetMetadata(ctx, box, []string{"/private"}, "DEPTH 1"))
	all = bytes.Join(append(r.Lines(), r.Literals()...), []byte(" "))
	if bytes.Contains(all, []byte("hello from go")) {
		t.Fatalf("entry not removed: %+v", r.Items())
	}

	// Dovecot has no ANNOTATEMORE: the commands reach the server, which answers BAD.
	_, err := c.GetAnnotation(ctx, box, `"/comment"`, `"value.shared"`)
	e := wantCode(t, err, imap.ErrBad, imap.CodeBad)
	if e.Result == nil || e.Result.Status != "BAD" {
		t.Fatalf("GETANNOTATION: %+v", e)
	}
	_, err = c.SetAnnotation(ctx, box, `"/comment"`, `("value.shared" "x")`)
	wantCode(t, err, imap.ErrBad, imap.CodeBad)
	must(t, "NOOP")(c.Noop(ctx))
}

// ---- SORT, THREAD, ENABLE, ID, PROXYAUTH, PARTIAL ------------------------------------------

func TestSortThread(t *testing.T) {
	ctx := ctxT(t)
	c := login(t, "user1")
	r := must(t, "EXAMINE")(c.Select(ctx, "INBOX", true))
	exists := string(r.Item(0).Line)
	r = must(t, "SORT")(c.Sort(ctx, "REVERSE DATE", "UTF-8", "ALL"))
	if n := fmt.Sprint(len(r.Fields())); n != exists {
		t.Fatalf("SORT: %d numbers, want %s: %q", len(r.Fields()), exists, r.Lines())
	}
	r = must(t, "UID SORT")(c.Sort(ctx, "(SUBJECT)", "US-ASCII", "SEEN", "OR", "ALL", "ALL"))
	if r.Status != "OK" {
		t.Fatalf("SORT: %+v", r)
	}
	r = must(t, "THREAD")(c.Thread(ctx, "REFERENCES", "UTF-8", "ALL"))
	if r.Len() != 1 || !bytes.HasPrefix(r.Item(0).Line, []byte("(")) {
		t.Fatalf("THREAD: %q", r.Lines())
	}
	// PARTIAL is IMAP2bis: Dovecot answers BAD.
	_, err := c.Partial(ctx, "1", "BODY[TEXT]", "1", "10")
	wantCode(t, err, imap.ErrBad, imap.CodeBad)
}

func TestEnableIDProxyAuth(t *testing.T) {
	ctx := ctxT(t)
	c := dial(t, nil)
	r := must(t, "ID")(c.ID(ctx, imap.Field{Name: "name", Value: "libimap-go"}, imap.Field{Name: "version", Nil: true}))
	if !containsLine(r, `"Dovecot"`) {
		t.Fatalf("ID: %q", r.Lines())
	}
	r = must(t, "ID NIL")(c.ID(ctx))
	if !containsLine(r, "Dovecot") {
		t.Fatalf("ID NIL: %q", r.Lines())
	}
	_, err := c.Enable(ctx, "CONDSTORE")
	wantCode(t, err, imap.ErrIllegalState, imap.CodeIllegalState) // AUTH state only

	must(t, "LOGIN")(c.Login(ctx, "user1", "pass1"))
	must(t, "ENABLE")(c.Enable(ctx, "CONDSTORE"))
	r = must(t, "RESPONSE ENABLED")(c.Response("ENABLED"))
	if !containsLine(r, "CONDSTORE") {
		t.Fatalf("ENABLED: %q", r.Lines())
	}
	if c.UTF8Enabled() {
		t.Fatal("UTF8Enabled without ENABLE UTF8=ACCEPT")
	}
	// Dovecot has no PROXYAUTH: it reaches the server, which answers BAD.
	_, err = c.ProxyAuth(ctx, "user2")
	wantCode(t, err, imap.ErrBad, imap.CodeBad)
	if c.State() != imap.StateAuth {
		t.Fatalf("state %v", c.State())
	}
}

// ---- utilities (imaplib's test vectors) ----------------------------------------------------

func TestInt2AP(t *testing.T) {
	for num, want := range map[int64]string{0: "", 1: "B", 15: "P", 16: "BA", 4096: "BAAA", -17: "BB", 65535: "PPPP"} {
		if got := imap.Int2AP(num); got != want {
			t.Errorf("Int2AP(%d) = %q, want %q", num, got, want)
		}
	}
}

func TestParseFlags(t *testing.T) {
	got := imap.ParseFlags([]byte(`1 (FLAGS (\Seen \Answered $Label1) UID 3)`))
	if len(got) != 3 || string(got[0]) != `\Seen` || string(got[2]) != "$Label1" {
		t.Fatalf("ParseFlags: %q", got)
	}
	if got := imap.ParseFlags([]byte("1 (UID 3)")); len(got) != 0 {
		t.Fatalf("ParseFlags without flags: %q", got)
	}
	if got := imap.ParseFlags([]byte("* FLAGS ()")); len(got) != 0 {
		t.Fatalf("ParseFlags of (): %q", got)
	}
}

func TestInternaldate(t *testing.T) {
	// test_imaplib's test_Internaldate2tuple: three writings of 2000-01-01 00:00:00 UTC.
	const t0 = 946684800
	for _, c := range []struct {
		resp string
		off  int
		wall string
	}{
		{`25 (INTERNALDATE "01-Jan-2000 00:00:00 +0000")`, 0, "2000-01-01 00:00:00"},
		{`25 (INTERNALDATE "01-Jan-2000 11:30:00 +1130")`, 41400, "2000-01-01 11:30:00"},
		{`25 (INTERNALDATE "31-Dec-1999 12:30:00 -1130")`, -41400, "1999-12-31 12:30:00"},
	} {
		tm, found, err := imap.Internaldate2Tuple([]byte(c.resp))
		if err != nil || !found || tm.Unix() != t0 {
			t.Fatalf("Internaldate2Tuple(%s) = %v %v %v", c.resp, tm, found, err)
		}
		if _, off := tm.Zone(); off != c.off || tm.Format("2006-01-02 15:04:05") != c.wall {
			t.Fatalf("Internaldate2Tuple(%s): offset %d wall %s", c.resp, off, tm.Format("2006-01-02 15:04:05"))
		}
	}
	if _, found, err := imap.Internaldate2Tuple([]byte("25 (FLAGS ())")); found || err != nil {
		t.Fatalf("no INTERNALDATE: %v %v", found, err)
	}
	_, _, err := imap.Internaldate2Tuple([]byte(`25 (INTERNALDATE "01-Foo-2000 00:00:00 +0000")`))
	wantCode(t, err, imap.ErrInvalidArgument, imap.CodeInvalidArgument)

	// test_imaplib's test_Time2Internaldate: 2000000000 at +0200.
	const want = `"18-May-2033 05:33:20 +0200"`
	got, err := imap.Time2Internaldate(time.Unix(2000000000, 0).In(time.FixedZone("", 7200)))
	if err != nil || got != want {
		t.Fatalf("Time2Internaldate = %q, %v; want %s", got, err, want)
	}
	got, err = imap.DateTime{Year: 2033, Month: 5, Day: 18, Hour: 5, Minute: 33, Second: 20, OffsetSeconds: 7200}.Internaldate()
	if err != nil || got != want {
		t.Fatalf("DateTime.Internaldate = %q, %v; want %s", got, err, want)
	}
	_, err = imap.DateTime{Year: 2033, Month: 2, Day: 30}.Internaldate()
	wantCode(t, err, imap.ErrInvalidArgument, imap.CodeInvalidArgument)
	_, err = imap.Time2Internaldate(time.Unix(0, 0).In(time.FixedZone("", 30)))
	wantCode(t, err, imap.ErrInvalidArgument, imap.CodeInvalidArgument)
	// Round trip.
	back, found, err := imap.Internaldate2Tuple([]byte("INTERNALDATE " + want))
	if err != nil || !found || back.Unix() != 2000000000 {
		t.Fatalf("round trip: %v %v %v", back, found, err)
	}
}

func TestVersion(t *testing.T) {
	v := imap.Version()
	var major, minor, patch int
	if _, err := fmt.Sscanf(v, "%d.%d.%d", &major, &minor, &patch); err != nil {
		t.Fatalf("Version %q: %v", v, err)
	}
	if n := imap.VersionNumber(); n != major*10000+minor*100+patch || n != imap.HeaderVersionNumber {
		t.Fatalf("VersionNumber %d, Version %q, header %d", n, v, imap.HeaderVersionNumber)
	}
	if !strings.Contains(imap.CodeUnsupported.String(), "UNSUPPORTED") {
		t.Fatal(imap.CodeUnsupported.String())
	}
}
