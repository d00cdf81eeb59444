package imap_test

import (
	"testing"

	imap "github.com/libimap/libimap/bindings/go"
)

func uidsOf(ms []imap.ChangedMessage) []uint32 {
	var out []uint32
	for _, m := range ms {
		out = append(out, m.UID)
	}
	return out
}

func hasFlag(m imap.ChangedMessage, flag string) bool {
	for _, f := range m.Flags {
		if f == flag {
			return true
		}
	}
	return false
}

// A sync client records its state, its connection is cut, another client flags, expunges and
// appends, and Resync on a new connection returns exactly those changes.
func TestResyncAfterACutConnection(t *testing.T) {
	ctx := ctxT(t)
	c := login(t, "user1")
	box := unique("resync")
	must(t, "create")(c.Create(ctx, box))
	for i := 0; i < 3; i++ {
		must(t, "append")(c.Append(ctx, box, "", "", message("resync", 100)))
	}
	must(t, "select condstore")(c.SelectCondStore(ctx, box, false))
	info, err := c.Mailbox()
	if err != nil || !info.HasHighestModSeq || !info.HasUIDValidity {
		t.Fatalf("Mailbox: %+v, %v", info, err)
	}
	uidValidity, modSeq := info.UIDValidity, info.HighestModSeq
	if err := c.Shutdown(); err != nil || c.IsOpen() {
		t.Fatalf("Shutdown: %v, open %v", err, c.IsOpen())
	}

	o := login(t, "user1")
	must(t, "select")(o.Select(ctx, box, false))
	must(t, "flag")(o.UIDStoreFlags(ctx, "2", "+FLAGS", []string{`\Flagged`}))
	must(t, "delete")(o.UIDStoreFlags(ctx, "3", "+FLAGS", []string{`\Deleted`}))
	must(t, "expunge")(o.Expunge(ctx))
	must(t, "append")(o.Append(ctx, box, "", "", message("new", 100)))

	r := login(t, "user1")
	ch, err := r.Resync(ctx, box, false, uidValidity, modSeq, imap.SeqSet{{Start: 1, End: 3}})
	if err != nil {
		t.Fatalf("Resync: %v", err)
	}
	if ch.Method != imap.SyncQResync || ch.FullResync != imap.FullResyncNone {
		t.Fatalf("method %v, full resync %v", ch.Method, ch.FullResync)
	}
	if got := uidsOf(ch.Added); len(got) != 1 || got[0] != 4 || !ch.Added[0].HasModSeq {
		t.Fatalf("added %+v", ch.Added)
	}
	if len(ch.Changed) != 1 || ch.Changed[0].UID != 2 || !hasFlag(ch.Changed[0], `\Flagged`) {
		t.Fatalf("changed %+v", ch.Changed)
	}
	if ch.Vanished.String() != "3" {
		t.Fatalf("vanished %v", ch.Vanished)
	}
	if ch.Mailbox.UIDValidity != uidValidity || ch.Mailbox.HighestModSeq <= modSeq {
		t.Fatalf("mailbox %+v (saved %d %d)", ch.Mailbox, uidValidity, modSeq)
	}
	if !r.IsEnabled("qresync") || !r.IsEnabled("CONDSTORE") || r.IsEnabled("UTF8=ACCEPT") {
		t.Fatal("IsEnabled does not say QRESYNC and CONDSTORE are on")
	}

	// SelectQResync itself: the vanished UIDs are in the summary.
	must(t, "select qresync")(r.SelectQResync(ctx, box, true, uidValidity, modSeq, imap.SeqSet{{Start: 1, End: 3}}))
	if info, err := r.Mailbox(); err != nil || info.Vanished.String() != "3" {
		t.Fatalf("Mailbox after SelectQResync: %+v, %v", info, err)
	}

	// Another UIDVALIDITY: a full resync is needed.
	ch, err = r.Resync(ctx, box, true, uidValidity^1, modSeq, imap.SeqSet{{Start: 1, End: 3}})
	if err != nil || ch.FullResync != imap.FullResyncUIDValidity || len(ch.Changed) != 0 || ch.Vanished != nil {
		t.Fatalf("Resync with another UIDVALIDITY: %+v, %v", ch, err)
	}
	if ch.FullResync.String() != "IMAP_FULL_RESYNC_UIDVALIDITY" {
		t.Fatalf("FullResync.String: %s", ch.FullResync)
	}

	// UID FETCH CHANGEDSINCE with VANISHED.
	msgs, gone, err := r.UIDFetchChangedSince(ctx, "1:*", "(FLAGS)", modSeq, true)
	if err != nil || len(msgs) != 2 || gone.String() != "3" {
		t.Fatalf("UIDFetchChangedSince: %d messages, vanished %v, %v", len(msgs), gone, err)
	}
	msgs, err = r.FetchChangedSince(ctx, "1:*", "(UID MODSEQ)", modSeq)
	if err != nil || len(msgs) != 2 || !msgs[0].HasModSeq {
		t.Fatalf("FetchChangedSince: %+v, %v", msgs, err)
	}

	// A missing mailbox and a bad argument.
	_, err = r.Resync(ctx, box+"-missing", false, 1, 1, nil)
	wantCode(t, err, imap.ErrNo, imap.CodeNo)
	_, err = r.Resync(ctx, box, false, 1, 0, nil)
	wantCode(t, err, imap.ErrInvalidArgument, imap.CodeInvalidArgument)

	// A first sync (uidValidity 0): every message, and the state to save.
	ch, err = r.Resync(ctx, box, false, 0, 0, nil)
	if err != nil || ch.FullResync != imap.FullResyncNone || len(ch.Added) != 3 || len(ch.Changed) != 0 ||
		ch.Added[0].UID != 1 || ch.Added[2].UID != 4 || ch.Mailbox.UIDValidity != uidValidity {
		t.Fatalf("first sync: %+v, %v", ch, err)
	}
	_, err = r.Resync(ctx, "x\r\ny", false, 1, 1, nil)
	wantCode(t, err, imap.ErrInvalidArgument, imap.CodeInvalidArgument)
	must(t, "delete")(o.Delete(ctx, box))
}

func TestStoreUnchangedSince(t *testing.T) {
	ctx := ctxT(t)
	c := login(t, "user1")
	box := unique("unchangedsince")
	must(t, "create")(c.Create(ctx, box))
	for i := 0; i < 2; i++ {
		must(t, "append")(c.Append(ctx, box, "", "", message("store", 100)))
	}
	must(t, "select condstore")(c.SelectCondStore(ctx, box, false))
	msgs, err := c.UIDFetchParsed(ctx, "1", "(MODSEQ)")
	if err != nil || len(msgs) != 1 {
		t.Fatalf("fetch MODSEQ: %v", err)
	}
	modSeq := msgs[0].ModSeq
	o := login(t, "user1")
	must(t, "select")(o.Select(ctx, box, false))
	must(t, "store")(o.UIDStoreFlags(ctx, "2", "+FLAGS", []string{`\Seen`}))

	modified, r, err := c.UIDStoreUnchangedSince(ctx, "1:2", modSeq, "+FLAGS", []string{`\Flagged`})
	if err != nil || r.Status != "OK" || modified.String() != "2" {
		t.Fatalf("UIDStoreUnchangedSince: modified %v, %v", modified, err)
	}
	modified, _, err = c.StoreUnchangedSince(ctx, "1", 1<<62, "-FLAGS", []string{`\Flagged`})
	if err != nil || modified != nil {
		t.Fatalf("StoreUnchangedSince: modified %v, %v", modified, err)
	}
	_, _, err = c.StoreUnchangedSince(ctx, "1", 1<<63, "+FLAGS", []string{`\Seen`})
	wantCode(t, err, imap.ErrInvalidArgument, imap.CodeInvalidArgument)
	_, _, err = c.UIDFetchChangedSince(ctx, "1", "(FLAGS)", 1, true)
	wantCode(t, err, imap.ErrIllegalState, imap.CodeIllegalState)
	must(t, "unselect")(c.Unselect(ctx))
	must(t, "delete")(c.Delete(ctx, box))
}
