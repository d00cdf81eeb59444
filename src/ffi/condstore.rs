//! CONDSTORE and QRESYNC (RFC 7162) in the C ABI: SELECT with `(CONDSTORE)` or
//! `(QRESYNC (...))`, conditional STORE, FETCH CHANGEDSINCE, VANISHED parsed into UID ranges,
//! what ENABLE confirmed, and `imap_resync`, the resume of a sync client.

use super::client::{run, view, ImapClient};
use super::code::ImapCode;
use super::compose::mirrored;
use super::parsed::codes::{mailbox_info, ImapMailboxInfo};
use super::parsed::{flag, free, opt, parse_result, Arena, ImapBytes, ImapInvalid, ImapSeqRange};
use super::pipeline::run_pipelined;
use super::result::ImapResult;
use super::{opt_text, text, texts};
use crate::proto::parsed::{parse_vanished, SeqSet, Vanished};
use crate::session::{
    is_enabled_in, parse_uid_set, ChangedMessage, FullResync, MailboxChanges, Result, SyncMethod,
};
use std::ffi::c_char;

/// The known UIDs argument: NULL or `""` for none, else a UID set (`1:40,42`; no `*`).
///
/// # Safety
/// `p` is NULL or a NUL-terminated string.
unsafe fn known_uids(p: *const c_char) -> Result<SeqSet> {
    parse_uid_set(opt_text(p, "known_uids")?.unwrap_or(""), "known_uids")
}

/// SELECT `mailbox` (EXAMINE when `readonly` is non-zero) with `(CONDSTORE)`: the summary
/// (`imap_client_mailbox`) then has HIGHESTMODSEQ, or NOMODSEQ for a mailbox without
/// mod-sequences, and FETCH responses carry MODSEQ. `IMAP_CODE_UNSUPPORTED` (nothing sent)
/// when the server does not offer CONDSTORE; otherwise as `imap_select`.
///
/// # Safety
/// `client` is a live handle; `mailbox` is NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_select_condstore(
    client: *mut ImapClient,
    mailbox: *const c_char,
    readonly: i32,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run(client, out, |s| {
        s.select_condstore(text(mailbox, "mailbox")?, readonly != 0)
    })
}

/// SELECT `mailbox` (EXAMINE when `readonly` is non-zero) with
/// `(QRESYNC (uidvalidity modseq [known_uids]))` (RFC 7162 §3.2.5). When `uidvalidity` is
/// the mailbox's, the server reports the known messages changed since `modseq` as FETCH
/// responses (`imap_response(c, "FETCH", ...)`, `imap_parse_fetch`) and the expunged ones as
/// `VANISHED (EARLIER)` (`imap_response(c, "VANISHED", ...)`, `imap_parse_vanished`).
/// `known_uids`: NULL or `""` for none, else a UID set such as `1:40,42` (no `*`).
/// `uidvalidity` 0, `modseq` outside 1..2^63-1 or a bad set give `IMAP_CODE_INVALID_ARGUMENT`;
/// `IMAP_CODE_UNSUPPORTED` without QRESYNC; `IMAP_CODE_ILLEGAL_STATE` until `imap_enable` of
/// QRESYNC succeeded on the connection (`imap_client_is_enabled`); nothing is sent then.
///
/// # Safety
/// `client` is a live handle; strings are NUL-terminated (`known_uids` may be NULL); `out` is
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_select_qresync(
    client: *mut ImapClient,
    mailbox: *const c_char,
    readonly: i32,
    uidvalidity: u32,
    modseq: u64,
    known: *const c_char,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run(client, out, |s| {
        let known = known_uids(known)?;
        s.select_qresync(
            text(mailbox, "mailbox")?,
            readonly != 0,
            uidvalidity,
            modseq,
            &known,
        )
    })
}

/// STORE `message_set (UNCHANGEDSINCE unchangedsince) command (flags...)` (RFC 7162 §3.1.3):
/// the flags change only on the messages whose mod-sequence is at most `unchangedsince`
/// (0..2^63-1). The others are named by the tagged `[MODIFIED set]` code, which
/// `imap_parse_code` gives as `IMAP_RESPONSE_CODE_KIND_MODIFIED` with the set in `uids` (as
/// ranges); the code is `IMAP_CODE_OK` either way. `command` and `flags` as
/// `imap_store_flags`. Data: FETCH lines. `IMAP_CODE_UNSUPPORTED` without CONDSTORE.
///
/// # Safety
/// As `imap_store_flags`.
#[no_mangle]
pub unsafe extern "C" fn imap_store_unchangedsince(
    client: *mut ImapClient,
    message_set: *const c_char,
    unchangedsince: u64,
    command: *const c_char,
    flags: *const *const c_char,
    nflags: usize,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run_pipelined(client, out, |s| {
        s.store_unchangedsince(
            false,
            text(message_set, "message_set")?,
            unchangedsince,
            text(command, "command")?,
            &texts(flags, nflags, "flags")?,
        )
    })
}

/// As `imap_store_unchangedsince`, as UID STORE: `uid_set` and the `[MODIFIED]` set hold
/// UIDs.
///
/// # Safety
/// As `imap_store_flags`.
#[no_mangle]
pub unsafe extern "C" fn imap_uid_store_unchangedsince(
    client: *mut ImapClient,
    uid_set: *const c_char,
    unchangedsince: u64,
    command: *const c_char,
    flags: *const *const c_char,
    nflags: usize,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run_pipelined(client, out, |s| {
        s.store_unchangedsince(
            true,
            text(uid_set, "uid_set")?,
            unchangedsince,
            text(command, "command")?,
            &texts(flags, nflags, "flags")?,
        )
    })
}

/// FETCH `message_set (items) (CHANGEDSINCE changedsince)` (RFC 7162 §3.1.4): only the
/// messages whose mod-sequence is above `changedsince` (0..2^63-1). `items` as
/// `imap_fetch`'s. Data: FETCH lines (`imap_parse_fetch`; MODSEQ in `modseq`).
/// `IMAP_CODE_UNSUPPORTED` without CONDSTORE.
///
/// # Safety
/// `client` is a live handle; strings are NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_fetch_changedsince(
    client: *mut ImapClient,
    message_set: *const c_char,
    items: *const c_char,
    changedsince: u64,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run_pipelined(client, out, |s| {
        s.fetch_changedsince(
            false,
            text(message_set, "message_set")?,
            text(items, "items")?,
            changedsince,
            false,
        )
    })
}

/// As `imap_fetch_changedsince`, as UID FETCH. `vanished` non-zero adds QRESYNC's VANISHED
/// modifier (RFC 7162 §3.2.6): the UIDs of `uid_set` expunged since `changedsince` come as
/// `VANISHED (EARLIER)` (`imap_response(c, "VANISHED", ...)`, `imap_parse_vanished`); it
/// needs QRESYNC enabled (`IMAP_CODE_ILLEGAL_STATE` otherwise, nothing sent).
///
/// # Safety
/// As `imap_fetch_changedsince`.
#[no_mangle]
pub unsafe extern "C" fn imap_uid_fetch_changedsince(
    client: *mut ImapClient,
    uid_set: *const c_char,
    items: *const c_char,
    changedsince: u64,
    vanished: i32,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run_pipelined(client, out, |s| {
        s.fetch_changedsince(
            true,
            text(uid_set, "uid_set")?,
            text(items, "items")?,
            changedsince,
            vanished != 0,
        )
    })
}

/// 1 if the server confirmed `capability` (`"QRESYNC"`, `"CONDSTORE"`, `"UTF8=ACCEPT"`...;
/// any case) with an untagged ENABLED during an `imap_enable` on this connection, else 0
/// (also for NULL arguments, a name that is not UTF-8 and a closed connection). An enabled
/// QRESYNC counts as CONDSTORE too. Never waits.
///
/// # Safety
/// `client` is NULL or a live handle; `capability` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imap_client_is_enabled(
    client: *mut ImapClient,
    capability: *const c_char,
) -> i32 {
    super::panic::boundary(|| {
        let Ok(Some(name)) = opt_text(capability, "capability") else {
            return 0;
        };
        view(client, 0, |v| flag(is_enabled_in(&v.enabled, name)))
    })
}

// ----- VANISHED -----------------------------------------------------------------------------

/// One VANISHED response (RFC 7162 §3.2.10).
#[repr(C)]
pub struct ImapVanished {
    /// 1 for `VANISHED (EARLIER)`: expunged before the command that reported them (a QRESYNC
    /// SELECT, a UID FETCH with VANISHED); 0: expunged just now (instead of EXPUNGE).
    pub earlier: i32,
    /// The UIDs as ranges (`1:4294967295` is one range).
    pub uids: *const *const ImapSeqRange,
    pub uid_count: usize,
}

/// The VANISHED responses of a result.
#[repr(C)]
pub struct ImapVanishedList {
    pub entries: *const *const ImapVanished,
    pub count: usize,
    pub invalid: *const *const ImapInvalid,
    pub invalid_count: usize,
}

fn vanished_info(a: &mut Arena, v: &Vanished) -> ImapVanished {
    let (uids, uid_count) = a.ranges(&v.uids);
    ImapVanished {
        earlier: flag(v.earlier),
        uids,
        uid_count,
    }
}

/// Parses the VANISHED responses of `result` (`imap_response(c, "VANISHED", ...)` after
/// `imap_select_qresync`, `imap_uid_fetch_changedsince` with VANISHED, or any command once
/// QRESYNC is enabled) into `*out`, freed with `imap_vanished_list_free`. Follows the parse
/// contract (see `imap_parse_status`): a response that is not `[(EARLIER)] uid-set` is listed
/// in `invalid` with its bytes and the code is `IMAP_CODE_PARSE`.
///
/// # Safety
/// `result` is NULL or a live result; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_parse_vanished(
    result: *const ImapResult,
    out: *mut *mut ImapVanishedList,
) -> ImapCode {
    parse_result(result, out, |items, a| {
        let parsed = parse_vanished(items);
        let complete = parsed.iter().all(|r| r.is_ok());
        let ((entries, count), (invalid, invalid_count)) = a.split(&parsed, vanished_info);
        let list = ImapVanishedList {
            entries,
            count,
            invalid,
            invalid_count,
        };
        (list, complete)
    })
}

/// Frees what `imap_parse_vanished` gave. NULL is ignored.
///
/// # Safety
/// `list` is NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn imap_vanished_list_free(list: *mut ImapVanishedList) {
    free(list)
}

// ----- resync -------------------------------------------------------------------------------

/// How `imap_resync` learnt the changes.
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, libimap_derive::CEnum)]
pub enum ImapSyncMethod {
    /// The server has neither CONDSTORE nor QRESYNC: `full_resync` says so.
    None = 0,
    /// A SELECT with `(QRESYNC (...))`, and a UID FETCH CHANGEDSINCE of the UIDs not known.
    Qresync = 1,
    /// SELECT (CONDSTORE), `UID FETCH 1:* (UID FLAGS MODSEQ) (CHANGEDSINCE n)`, and a UID
    /// SEARCH of the known UIDs for those still there.
    Condstore = 2,
}

/// Whether `imap_resync` could say what changed.
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, libimap_derive::CEnum)]
pub enum ImapFullResync {
    /// The changes are known: `added`, `changed` and `vanished` hold them.
    None = 0,
    /// The mailbox's UIDVALIDITY is not the saved one: every saved UID is void; sync the
    /// mailbox again from scratch.
    Uidvalidity = 1,
    /// The mailbox keeps no mod-sequences (`[NOMODSEQ]`): sync it from scratch.
    Nomodseq = 2,
    /// The server offers neither CONDSTORE nor QRESYNC: sync the mailbox from scratch.
    NoCondstore = 3,
}

/// A message added or changed since the saved state.
#[repr(C)]
pub struct ImapChangedMessage {
    pub uid: u32,
    pub has_modseq: i32,
    pub modseq: u64,
    /// Its flags as sent (none when the server sent none).
    pub flags: *const *const ImapBytes,
    pub flag_count: usize,
}

/// What `imap_resync` found (free with `imap_mailbox_changes_free`).
#[repr(C)]
pub struct ImapMailboxChanges {
    /// An `imap_sync_method`.
    pub method: ImapSyncMethod,
    /// An `imap_full_resync`: not `IMAP_FULL_RESYNC_NONE` when the changes cannot be known
    /// (the lists below are then empty).
    pub full_resync: ImapFullResync,
    /// The mailbox as selected now: its `uidvalidity` and `highest_modseq` are what to save
    /// for the next resume.
    pub mailbox: *const ImapMailboxInfo,
    /// Messages whose UID is not among the known UIDs, by UID.
    pub added: *const *const ImapChangedMessage,
    pub added_count: usize,
    /// Known messages that changed (flags), by UID.
    pub changed: *const *const ImapChangedMessage,
    pub changed_count: usize,
    /// Known UIDs that are gone, as sorted disjoint ranges.
    pub vanished: *const *const ImapSeqRange,
    pub vanished_count: usize,
    /// FETCH, VANISHED or SEARCH responses that could not be read (then the code is
    /// `IMAP_CODE_PARSE`, with the object).
    pub invalid: *const *const ImapInvalid,
    pub invalid_count: usize,
}

fn changed_message(a: &mut Arena, m: &ChangedMessage) -> ImapChangedMessage {
    let (has_modseq, modseq) = opt(m.modseq);
    let (flags, flag_count) = a.byte_list(&m.flags);
    ImapChangedMessage {
        uid: m.uid,
        has_modseq,
        modseq,
        flags,
        flag_count,
    }
}

fn mailbox_changes(a: &mut Arena, c: &MailboxChanges) -> ImapMailboxChanges {
    let info = mailbox_info(a, &c.summary);
    let mailbox = a.one(info);
    let added = c.added.iter().map(|m| changed_message(a, m)).collect();
    let (added, added_count) = a.array(added);
    let changed = c.changed.iter().map(|m| changed_message(a, m)).collect();
    let (changed, changed_count) = a.array(changed);
    let (vanished, vanished_count) = a.ranges(&c.vanished);
    let bad = c.invalid.iter().map(|i| a.invalid(i)).collect();
    let (invalid, invalid_count) = a.array(bad);
    ImapMailboxChanges {
        method: match c.method {
            SyncMethod::None => ImapSyncMethod::None,
            SyncMethod::Qresync => ImapSyncMethod::Qresync,
            SyncMethod::Condstore => ImapSyncMethod::Condstore,
        },
        full_resync: match c.full_resync {
            None => ImapFullResync::None,
            Some(FullResync::UidValidity) => ImapFullResync::Uidvalidity,
            Some(FullResync::NoModSeq) => ImapFullResync::Nomodseq,
            Some(FullResync::NoCondstore) => ImapFullResync::NoCondstore,
        },
        mailbox,
        added,
        added_count,
        changed,
        changed_count,
        vanished,
        vanished_count,
        invalid,
        invalid_count,
    }
}

/// Resumes the sync of `mailbox` (SELECT, or EXAMINE when `readonly` is non-zero) from a saved
/// `uidvalidity` (1..4294967295; 0 for a first sync, below), `highest_modseq` (1..2^63-1) and
/// the UIDs the caller has
/// (`known_uids`: NULL or `""` for none, else a UID set such as `1:40,42`), and says in
/// `*out` (free with `imap_mailbox_changes_free`) what changed: messages added, known
/// messages whose flags changed (UID, flags, MODSEQ), known UIDs that vanished, and the
/// mailbox's new UIDVALIDITY and HIGHESTMODSEQ (`mailbox`). Call it on a logged-in
/// connection, typically a new one after the old was lost.
///
/// With QRESYNC (enabled here if it is not yet; from the selected state through UNSELECT,
/// which expunges nothing) it is a SELECT with `(QRESYNC (...))` plus a UID FETCH CHANGEDSINCE
/// of the UIDs not known; with CONDSTORE only, SELECT (CONDSTORE), a UID FETCH CHANGEDSINCE and
/// a UID SEARCH of the known UIDs. When the UIDVALIDITY changed, the mailbox has NOMODSEQ or
/// the server has neither extension, `full_resync` says so and the lists are empty.
///
/// A first sync, with nothing saved yet: `uidvalidity` 0 (`highest_modseq` and `known_uids`
/// are then ignored). The mailbox is selected the same way and every message is in `added`
/// (`UID FETCH 1:* (UID FLAGS MODSEQ)`); `mailbox` holds the state to save for the next resume.
///
/// Codes: as the SELECT (`IMAP_CODE_NO` for a missing mailbox, with `imap_last_error`;
/// `*out` NULL) or a later command that was not OK; `IMAP_CODE_INVALID_ARGUMENT` for a bad
/// argument (nothing sent); `IMAP_CODE_PARSE` with the object when responses could not be
/// read (see `invalid`; no UID is reported vanished on an unreadable SEARCH answer).
///
/// # Safety
/// `client` is a live handle; strings are NUL-terminated (`known_uids` may be NULL); `out` is
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_resync(
    client: *mut ImapClient,
    mailbox: *const c_char,
    readonly: i32,
    uidvalidity: u32,
    highest_modseq: u64,
    known: *const c_char,
    out: *mut *mut ImapMailboxChanges,
) -> ImapCode {
    mirrored(
        client,
        out,
        |s| {
            let known = known_uids(known)?;
            s.resync(
                text(mailbox, "mailbox")?,
                readonly != 0,
                uidvalidity,
                highest_modseq,
                &known,
            )
        },
        |c: &MailboxChanges, a| {
            let complete = c.invalid.is_empty() && c.summary.invalid.is_empty();
            (mailbox_changes(a, c), complete)
        },
    )
}

/// Frees what `imap_resync` gave. NULL is ignored.
///
/// # Safety
/// `changes` is NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn imap_mailbox_changes_free(changes: *mut ImapMailboxChanges) {
    free(changes)
}

/// The name of an `imap_sync_method` value (`"IMAP_SYNC_METHOD_QRESYNC"`), or
/// `"IMAP_SYNC_METHOD_UNKNOWN"`.
#[no_mangle]
pub extern "C" fn imap_sync_method_name(value: i32) -> *const c_char {
    super::panic::boundary(|| ImapSyncMethod::name_of(value))
}

/// The name of an `imap_full_resync` value (`"IMAP_FULL_RESYNC_UIDVALIDITY"`), or
/// `"IMAP_FULL_RESYNC_UNKNOWN"`.
#[no_mangle]
pub extern "C" fn imap_full_resync_name(value: i32) -> *const c_char {
    super::panic::boundary(|| ImapFullResync::name_of(value))
}
