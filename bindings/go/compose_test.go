package imap_test

import (
	"context"
	"testing"

	imap "github.com/libimap/libimap/bindings/go"
)

// The library's compositions against Dovecot: ESEARCH whatever the server offers, parsed
// UID SORT and UID THREAD with their default charset, merged METADATA and QUOTA.
func TestCompositions(t *testing.T) {
	ctx := ctxT(t)
	c := login(t, "user1")
	must(t, "EXAMINE")(c.Select(ctx, "INBOX", true))
	es, err := c.ESearchAuto(ctx, "", "ALL")
	if err != nil || len(es) != 1 || !es[0].HasCount || es[0].Count != 20 || es[0].All.String() != "1:20" ||
		es[0].Min != 1 || es[0].Max != 20 {
		t.Fatalf("ESearchAuto ALL: %+v %v", es, err)
	}
	if es, err := c.ESearchAuto(ctx, "", "SUBJECT", `"no such subject anywhere"`); err != nil || len(es) != 1 ||
		es[0].Count != 0 || es[0].HasMin || es[0].HasAll {
		t.Fatalf("ESearchAuto of nothing: %+v %v", es, err)
	}
	uids := must(t, "UID SEARCH")(c.UID(ctx, "SEARCH", "ALL")).Fields()
	sorted, err := c.UIDSortParsed(ctx, "ARRIVAL", "", "ALL")
	if err != nil || len(sorted.IDs) != len(uids) {
		t.Fatalf("UIDSortParsed: %+v %v (%d UIDs)", sorted, err, len(uids))
	}
	forest, err := c.UIDThreadParsed(ctx, "REFERENCES", "", "ALL")
	if err != nil || len(forest) == 0 {
		t.Fatalf("UIDThreadParsed: %v %v", forest, err)
	}
	ids, stack := 0, forest
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = append(stack[:len(stack)-1], n.Children...)
		if n.HasID {
			ids++
		}
	}
	if ids != len(uids) {
		t.Fatalf("UIDThreadParsed: %d messages in the forest, want %d", ids, len(uids))
	}
	_, err = c.UIDSortParsed(ctx, "NO-SUCH-KEY", "", "ALL")
	wantCode(t, err, imap.ErrBad, imap.CodeBad)

	q, err := c.QuotaFor(ctx, "INBOX")
	if err != nil || q.Mailbox != "INBOX" || len(q.Roots) != 1 || q.Roots[0] != "User quota" ||
		len(q.Quotas) != 1 || q.Quotas[0].Resource("STORAGE") == nil {
		t.Fatalf("QuotaFor: %+v %v", q, err)
	}

	u2 := login(t, "user2")
	box := unique("metap")
	must(t, "CREATE")(u2.Create(ctx, box))
	t.Cleanup(func() { login(t, "user2").Delete(context.Background(), box) })
	must(t, "SETMETADATA")(u2.SetMetadata(ctx, box,
		imap.Field{Name: "/private/comment", Value: "one"}, imap.Field{Name: "/shared/comment", Value: "two"}))
	md, err := u2.GetMetadataParsed(ctx, box, []string{"/private/comment", "/shared/comment"}, "")
	if err != nil || len(md) != 1 || md[0].Mailbox != box || len(md[0].Entries) != 2 {
		t.Fatalf("GetMetadataParsed: %+v %v", md, err)
	}
	got := map[string]string{}
	for _, e := range md[0].Entries {
		got[e.Name] = string(e.Value)
	}
	if got["/private/comment"] != "one" || got["/shared/comment"] != "two" {
		t.Fatalf("GetMetadataParsed entries: %q", got)
	}
}
