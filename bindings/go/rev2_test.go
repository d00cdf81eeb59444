package imap_test

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"

	imap "github.com/libimap/libimap/bindings/go"
)

// rev2Server is a scripted IMAP4rev2 server (Dovecot 2.3 does not speak it): one answer per
// command verb, every command line recorded.
func rev2Server(t *testing.T) (addr string, sent func() string) {
	t.Helper()
	var mu sync.Mutex
	var lines []string
	caps := "IMAP4rev1 IMAP4rev2 ENABLE OBJECTID STATUS=SIZE SPECIAL-USE LIST-EXTENDED LIST-STATUS CREATE-SPECIAL-USE"
	addr = fakeServer(t, func(conn net.Conn, r *bufio.Reader) {
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimRight(line, "\r\n")
			mu.Lock()
			lines = append(lines, line)
			mu.Unlock()
			tag, cmd, _ := strings.Cut(line, " ")
			verb, _, _ := strings.Cut(cmd, " ")
			var out string
			switch verb {
			case "CAPABILITY":
				out = "* CAPABILITY " + caps + "\r\n%[1]s OK done\r\n"
			case "LOGIN":
				out = "%[1]s OK [CAPABILITY " + caps + "] Logged in\r\n"
			case "ENABLE":
				out = "* ENABLED IMAP4rev2\r\n%[1]s OK enabled\r\n"
			case "SELECT":
				out = "* 2 EXISTS\r\n* FLAGS (\\Seen)\r\n* OK [UIDVALIDITY 3] x\r\n* OK [MAILBOXID (Fmb1)] x\r\n" +
					"* LIST () \"/\" \"Entwürfe\"\r\n%[1]s OK [READ-WRITE] done\r\n"
			case "NOOP":
				out = "%[1]s OK noop\r\n"
			case "SEARCH":
				out = "* ESEARCH (TAG \"%[1]s\") ALL 1:2\r\n%[1]s OK done\r\n"
			case "FETCH":
				out = "* 1 FETCH (EMAILID (Me1) THREADID NIL)\r\n* 2 FETCH (EMAILID (M!) THREADID (Tt2))\r\n%[1]s OK done\r\n"
			case "LIST":
				out = "* LIST (\\Sent) \"/\" \"A&B\"\r\n* STATUS \"A&B\" (MESSAGES 4 SIZE 99 MAILBOXID (Fs))\r\n" +
					"* LIST (\\NonExistent) \"/\" Gone\r\n%[1]s OK done\r\n"
			case "CREATE":
				out = "%[1]s OK [MAILBOXID (Fnew)] created\r\n"
			case "LOGOUT":
				out = "* BYE bye\r\n%[1]s OK bye\r\n"
			default:
				out = "%[1]s BAD unexpected\r\n"
			}
			fmt.Fprintf(conn, out, tag)
			if verb == "LOGOUT" {
				return
			}
		}
	})
	return addr, func() string {
		mu.Lock()
		defer mu.Unlock()
		return strings.Join(lines, "\n")
	}
}

func TestIMAP4rev2Session(t *testing.T) {
	addr, sent := rev2Server(t)
	ctx := ctxT(t)
	c, err := imap.Dial(ctx, addr, &imap.Options{IMAP4rev2: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.IMAP4rev2() {
		t.Fatal("IMAP4rev2 before login")
	}
	must(t, "LOGIN")(c.LoginCommand(ctx, "user", "pass"))
	if !c.IMAP4rev2() {
		t.Fatalf("no ENABLE IMAP4rev2 after login; sent:\n%s", sent())
	}

	must(t, "SELECT")(c.Select(ctx, "Entwürfe", false))
	m, err := c.Mailbox()
	if err != nil || m.HasRecent || m.Exists != 2 || m.MailboxID != "Fmb1" {
		t.Fatalf("Mailbox: %+v %v", m, err)
	}
	if r := must(t, "RECENT")(c.Recent(ctx)); len(r.Items()) != 1 || r.Items()[0].Kind != imap.ItemNone {
		t.Fatalf("Recent: %+v", r.Items())
	}

	r := must(t, "SEARCH")(c.Search(ctx, "", "UNSEEN"))
	if l := r.Lines(); len(l) != 1 || !strings.HasSuffix(string(l[0]), ") ALL 1:2") {
		t.Fatalf("raw SEARCH result: %q", l)
	}
	if s, err := r.ParseSearch(); err != nil || fmt.Sprint(s.IDs) != "[1 2]" {
		t.Fatalf("ParseSearch: %+v %v", s, err)
	}

	msgs, err := c.FetchParsed(ctx, "1:2", "(EMAILID THREADID)")
	if !errors.Is(err, imap.ErrParse) || len(msgs) != 2 {
		t.Fatalf("FetchParsed: %v %v", msgs, err)
	}
	if msgs[0].Err != nil || msgs[0].EmailID != "Me1" || !msgs[0].HasThreadID || msgs[0].ThreadID != "" {
		t.Fatalf("message 1: %+v", msgs[0])
	}
	if msgs[1].Err == nil || msgs[1].EmailID != "" || msgs[1].ThreadID != "Tt2" {
		t.Fatalf("message 2 (garbage EMAILID): %+v", msgs[1])
	}

	l, err := c.ListExtended(ctx, "", "*", "", "SPECIAL-USE STATUS (MESSAGES SIZE MAILBOXID)")
	if err != nil || len(l) != 2 {
		t.Fatalf("ListExtended: %+v %v", l, err)
	}
	if l[0].Name != "A&B" || l[0].SpecialUse() != imap.ListAttrSent || l[0].Status == nil ||
		l[0].Status.Messages != 4 || l[0].Status.Size != 99 || l[0].Status.MailboxID != "Fs" {
		t.Fatalf("entry 0: %+v status %+v", l[0], l[0].Status)
	}
	if l[1].Attrs&(imap.ListAttrNonExistent|imap.ListAttrNoSelect) != imap.ListAttrNonExistent|imap.ListAttrNoSelect ||
		l[1].Status != nil {
		t.Fatalf("entry 1: %+v", l[1])
	}

	r = must(t, "CREATE")(c.CreateSpecialUse(ctx, "Ablage", `\Archive`))
	if code, err := r.ParseCode(); err != nil || code.Kind != imap.ResponseCodeMailboxID || fmt.Sprint(code.Atoms) != "[Fnew]" {
		t.Fatalf("ParseCode: %+v %v", code, err)
	}
	_, err = c.CreateSpecialUse(ctx, "X", "Archive")
	wantCode(t, err, imap.ErrInvalidArgument, imap.CodeInvalidArgument)
	_, err = c.CreateSpecialUse(ctx, "X")
	wantCode(t, err, imap.ErrInvalidArgument, imap.CodeInvalidArgument)
	_, err = c.ListExtended(ctx, "", "*", "SUBSCRIBED)\r\nX", "")
	wantCode(t, err, imap.ErrInvalidArgument, imap.CodeInvalidArgument)

	must(t, "LOGOUT")(c.Logout(ctx))
	if c.IMAP4rev2() {
		t.Fatal("IMAP4rev2 after logout")
	}
	s := sent()
	for _, want := range []string{"ENABLE IMAP4rev2", `SELECT "Entwürfe"`, `CREATE Ablage (USE (\Archive))`} {
		if !strings.Contains(s, want) {
			t.Errorf("did not send %q; sent:\n%s", want, s)
		}
	}
	if strings.Contains(s, "&APw-") {
		t.Errorf("modified UTF-7 under IMAP4rev2:\n%s", s)
	}
}

// The test Dovecot has SPECIAL-USE, LIST-STATUS and STATUS=SIZE, not IMAP4rev2.
func TestListExtendedDovecot(t *testing.T) {
	c := dial(t, &imap.Options{IMAP4rev2: true})
	if _, err := c.Login(ctxT(t), "user1", "pass1"); err != nil {
		t.Fatal(err)
	}
	if c.IMAP4rev2() {
		t.Fatal("Dovecot 2.3 offers no IMAP4rev2")
	}
	l, err := c.ListExtended(ctxT(t), "", "*", "", "SPECIAL-USE STATUS (MESSAGES SIZE)")
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]imap.ListAttr{}
	for _, e := range l {
		found[e.Name] = e.SpecialUse()
		if e.Name == "INBOX" && (e.Status == nil || e.Status.Messages != 20 || !e.Status.HasSize || e.Status.Size < 2000) {
			t.Fatalf("INBOX status: %+v", e.Status)
		}
	}
	for name, use := range map[string]imap.ListAttr{"Sent": imap.ListAttrSent, "Drafts": imap.ListAttrDrafts,
		"Trash": imap.ListAttrTrash, "Junk": imap.ListAttrJunk, "INBOX": 0} {
		if got, ok := found[name]; !ok || got != use {
			t.Errorf("%s: special use %v (listed %v)", name, got, ok)
		}
	}
	_, err = c.CreateSpecialUse(ctxT(t), "Never", `\Archive`)
	wantCode(t, err, imap.ErrUnsupported, imap.CodeUnsupported)
}
