package imap

// #include "imap.h"
import "C"

import "context"

// This file: CONDSTORE and QRESYNC (RFC 7162): SELECT with (CONDSTORE) or (QRESYNC ...),
// conditional STORE and its [MODIFIED] set, FETCH CHANGEDSINCE with VANISHED, and Resync,
// the resume of a sync client.

// SelectCondStore selects mailbox (EXAMINE if readonly) with (CONDSTORE): Mailbox then has
// HighestModSeq (or NoModSeq), and FETCH responses carry MODSEQ. ErrUnsupported without
// CONDSTORE (nothing is sent).
func (c *Client) SelectCondStore(ctx context.Context, mailbox string, readonly bool) (*Result, error) {
	var a args
	m := a.str(mailbox)
	return c.cmd(ctx, "SELECT", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_select_condstore(h, m, cbool(readonly), out)
	})
}

// SelectQResync selects mailbox (EXAMINE if readonly) with (QRESYNC (uidValidity modSeq
// knownUIDs)): when uidValidity is the mailbox's, the server reports the known messages
// changed since modSeq as FETCH responses (Response("FETCH")) and the expunged ones as
// VANISHED (EARLIER) (Response("VANISHED"), ParseVanished). An empty knownUIDs is not sent.
// QRESYNC must be enabled first (Enable("QRESYNC"); ErrIllegalState otherwise). Resync does
// all of this.
func (c *Client) SelectQResync(ctx context.Context, mailbox string, readonly bool, uidValidity uint32, modSeq uint64, knownUIDs SeqSet) (*Result, error) {
	var a args
	m, k := a.str(mailbox), a.opt(knownUIDs.String())
	return c.cmd(ctx, "SELECT", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		return C.imap_select_qresync(h, m, cbool(readonly), C.uint32_t(uidValidity), C.uint64_t(modSeq), k, out)
	})
}

// StoreUnchangedSince sends STORE messageSet (UNCHANGEDSINCE unchangedSince) command
// (flags...): the flags change only on the messages whose mod-sequence is at most
// unchangedSince; modified names the others (the [MODIFIED] code; empty when all were
// changed). command and flags as StoreFlags. Data: the FETCH lines.
func (c *Client) StoreUnchangedSince(ctx context.Context, messageSet string, unchangedSince uint64, command string, flags []string) (modified SeqSet, r *Result, err error) {
	return c.storeUnchangedSince(ctx, false, messageSet, unchangedSince, command, flags)
}

// UIDStoreUnchangedSince is StoreUnchangedSince as UID STORE: uidSet and modified hold UIDs.
func (c *Client) UIDStoreUnchangedSince(ctx context.Context, uidSet string, unchangedSince uint64, command string, flags []string) (modified SeqSet, r *Result, err error) {
	return c.storeUnchangedSince(ctx, true, uidSet, unchangedSince, command, flags)
}

func (c *Client) storeUnchangedSince(ctx context.Context, uid bool, set string, since uint64, command string, flags []string) (SeqSet, *Result, error) {
	var a args
	s, cm := a.str(set), a.str(command)
	f, nf := a.list(flags)
	r, err := c.cmd(ctx, "STORE", &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		if uid {
			return C.imap_uid_store_unchangedsince(h, s, C.uint64_t(since), cm, f, nf, out)
		}
		return C.imap_store_unchangedsince(h, s, C.uint64_t(since), cm, f, nf, out)
	})
	if err != nil {
		return nil, r, err
	}
	code, err := r.ParseCode()
	if err != nil {
		return nil, r, err
	}
	if code.Kind != ResponseCodeModified {
		return nil, r, nil
	}
	return code.UIDs, r, nil
}

// FetchChangedSince sends FETCH messageSet messageParts (CHANGEDSINCE changedSince) and
// parses the answer: only the messages whose mod-sequence is above changedSince.
// ErrUnsupported without CONDSTORE.
func (c *Client) FetchChangedSince(ctx context.Context, messageSet, messageParts string, changedSince uint64) ([]*Message, error) {
	msgs, _, err := c.fetchChangedSince(ctx, false, messageSet, messageParts, changedSince, false)
	return msgs, err
}

// UIDFetchChangedSince is FetchChangedSince as UID FETCH. With vanished (QRESYNC enabled
// only: ErrIllegalState otherwise) the UIDs of uidSet expunged since changedSince come back
// too, as ranges (taken from the VANISHED responses kept: Response("VANISHED") has them no
// more).
func (c *Client) UIDFetchChangedSince(ctx context.Context, uidSet, messageParts string, changedSince uint64, vanished bool) ([]*Message, SeqSet, error) {
	return c.fetchChangedSince(ctx, true, uidSet, messageParts, changedSince, vanished)
}

func (c *Client) fetchChangedSince(ctx context.Context, uid bool, set, items string, since uint64, vanished bool) ([]*Message, SeqSet, error) {
	var a args
	s, i := a.str(set), a.str(items)
	op := "FETCH"
	if uid {
		op = "UID"
	}
	r, err := c.cmd(ctx, op, &a, func(h *C.imap_client, out **C.imap_result) C.imap_code {
		if uid {
			return C.imap_uid_fetch_changedsince(h, s, i, C.uint64_t(since), cbool(vanished), out)
		}
		return C.imap_fetch_changedsince(h, s, i, C.uint64_t(since), out)
	})
	if err != nil {
		return nil, nil, err
	}
	msgs, err := r.ParseFetch()
	if err != nil || !vanished {
		return msgs, nil, err
	}
	v, err := c.Response("VANISHED")
	if err != nil {
		return msgs, nil, err
	}
	list, err := v.ParseVanished()
	var gone SeqSet
	for _, e := range list {
		gone = append(gone, e.UIDs...)
	}
	return msgs, gone, err
}

// ParseVanished parses the VANISHED responses of r (Response("VANISHED") after
// SelectQResync, UIDFetchChangedSince or any command once QRESYNC is enabled). Errors as
// ParseList.
func (r *Result) ParseVanished() ([]Vanished, error) {
	return parse(r, "PARSE VANISHED", cParseVanished, goVanishedList)
}

// IsEnabled reports whether the server confirmed ENABLE capability ("QRESYNC",
// "CONDSTORE"...; any case) on this connection; QRESYNC counts as CONDSTORE too.
func (c *Client) IsEnabled(capability string) bool {
	var a args
	p := a.str(capability)
	defer a.free()
	if a.err != nil {
		return false
	}
	return c.flag(func(h *C.imap_client) C.int32_t { return C.imap_client_is_enabled(h, p) })
}

// Resync resumes the sync of mailbox (EXAMINE if readonly) from a saved uidValidity,
// highestModSeq and the UIDs the caller has, on a logged-in connection (typically a new one
// after the old was lost), and says what changed (imap_resync): the messages added, the
// known messages whose flags changed, the known UIDs that vanished, and the mailbox's new
// UIDValidity and HighestModSeq (Mailbox). It uses QRESYNC when offered (enabling it),
// else CONDSTORE with a UID SEARCH of the known UIDs. FullResync says when the changes
// cannot be known (UIDVALIDITY changed, NOMODSEQ, neither extension). A missing mailbox
// gives ErrNo; responses that could not be read give the changes with an ErrParse error.
// A uidValidity of 0 is a first sync (nothing saved): every message is in Added, and
// Mailbox holds the state to save.
func (c *Client) Resync(ctx context.Context, mailbox string, readonly bool, uidValidity uint32, highestModSeq uint64, knownUIDs SeqSet) (*MailboxChanges, error) {
	var a args
	m, k := a.str(mailbox), a.opt(knownUIDs.String())
	return parsedCall(c, ctx, "SELECT", &a, func(h *C.imap_client, out **C.imap_mailbox_changes) C.imap_code {
		return C.imap_resync(h, m, cbool(readonly), C.uint32_t(uidValidity), C.uint64_t(highestModSeq), k, out)
	}, func(ch *C.imap_mailbox_changes) (*MailboxChanges, []Invalid) {
		defer C.imap_mailbox_changes_free(ch)
		out := goMailboxChanges(ch)
		return out, out.Invalid
	})
}
