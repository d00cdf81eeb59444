//! IMAP4rev2 (RFC 9051) and the LIST extensions: `imap_set_auto_imap4rev2`,
//! `imap_client_imap4rev2`, `imap_list_extended` (LIST-EXTENDED, SPECIAL-USE, LIST-STATUS)
//! and `imap_create_special_use`. See `session/rev2.rs`.

use super::client::{configure, run, view, ImapClient};
use super::code::ImapCode;
use super::compose::{mirrored, split};
use super::parsed::mailbox::{list_entries, list_entry, ImapListEntries};
use super::result::ImapResult;
use super::{opt_text, text, texts};
use std::ffi::c_char;

/// Whether to send `ENABLE IMAP4rev2` right after each successful login (`imap_login`,
/// `imap_authenticate`, `imap_login_auto`...) when the server advertises IMAP4rev2 and ENABLE
/// (`on` 1), or not (0, the default, as imaplib: IMAP4rev2 changes what some raw results
/// hold, see `imap_client_imap4rev2`). A server that refuses it leaves the connection in
/// IMAP4rev1 and the login succeeds. Kept across reconnections. `imap_enable(c, "IMAP4rev2")`
/// does the same by hand.
///
/// # Safety
/// `client` is a live handle.
#[no_mangle]
pub unsafe extern "C" fn imap_set_auto_imap4rev2(client: *mut ImapClient, on: i32) -> ImapCode {
    configure(client, |s| {
        s.set_auto_imap4rev2(on != 0);
        Ok(())
    })
}

/// 1 if IMAP4rev2 (RFC 9051) is in effect on the connection (the server confirmed `ENABLE
/// IMAP4rev2` with an untagged ENABLED), else 0 (also for NULL or a closed connection). Then:
/// `imap_search`'s (and `imap_uid` SEARCH's) result holds the ESEARCH responses the server
/// answers with, which `imap_parse_search` reads as numbers; mailbox names go to the server
/// and come back as UTF-8; the server sends no RECENT (`imap_recent` gives imaplib's `[None]`,
/// `imap_mailbox_info.has_recent` is 0).
///
/// # Safety
/// `client` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn imap_client_imap4rev2(client: *mut ImapClient) -> i32 {
    view(client, 0, |v| i32::from(v.imap4rev2))
}

/// LIST with LIST-EXTENDED's options (RFC 5258), parsed: `LIST [(selection)] reference
/// pattern [RETURN (return_options)]`. `selection` (`"SPECIAL-USE"`, `"SUBSCRIBED
/// RECURSIVEMATCH"`) and `return_options` (`"SPECIAL-USE"`, `"CHILDREN STATUS (MESSAGES
/// UNSEEN SIZE)"`) go verbatim, each left out when NULL or empty; `reference` and `pattern`
/// as `imap_list`'s. Each entry has its known attributes in `attribute_flags` (SPECIAL-USE,
/// RFC 6154) and, for `RETURN (STATUS (...))` (LIST-STATUS, RFC 5819), the STATUS response
/// of its mailbox in `status`. `*out` (free with `imap_list_entries_free`) is set for OK and
/// PARSE; other codes are the command's, with `imap_last_error`. `IMAP_CODE_UNSUPPORTED`
/// (nothing sent) when options are given and the server offers none of LIST-EXTENDED,
/// SPECIAL-USE, LIST-STATUS and IMAP4rev2; `IMAP_CODE_INVALID_ARGUMENT` for NULL `reference`,
/// `pattern` or `out`, and for options that are not atoms and parenthesized lists of atoms (a
/// CR, LF, quote or brace, unbalanced parentheses).
///
/// # Safety
/// `client` is a live handle; strings are NULL or NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_list_extended(
    client: *mut ImapClient,
    reference: *const c_char,
    pattern: *const c_char,
    selection: *const c_char,
    return_options: *const c_char,
    out: *mut *mut ImapListEntries,
) -> ImapCode {
    mirrored(
        client,
        out,
        |s| {
            s.list_extended(
                text(reference, "reference")?,
                text(pattern, "pattern")?,
                opt_text(selection, "selection")?.unwrap_or(""),
                opt_text(return_options, "return_options")?.unwrap_or(""),
            )
        },
        |p, a| {
            let (ok, bad, complete) = split(a, p, list_entry);
            (list_entries(ok, bad), complete)
        },
    )
}

/// CREATE `mailbox` `(USE (uses...))` (RFC 6154 CREATE-SPECIAL-USE): creates a mailbox for
/// the `count` special uses in `uses` (`"\\Sent"`, `"\\Archive"`...). Data: the tagged text;
/// a server with OBJECTID (RFC 8474) puts the new mailbox's id there as `[MAILBOXID (id)]`,
/// which `imap_parse_code` gives as `IMAP_RESPONSE_CODE_KIND_MAILBOXID`. Refused before
/// anything is sent: `IMAP_CODE_INVALID_ARGUMENT` for no uses or a use that is not `\` and
/// an atom, `IMAP_CODE_UNSUPPORTED` when the server does not advertise CREATE-SPECIAL-USE. A
/// server that has no mailbox for a use answers NO `[USEATTR]`.
///
/// # Safety
/// `client` is a live handle; `mailbox` is NUL-terminated; `uses` holds `count`
/// NUL-terminated strings; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_create_special_use(
    client: *mut ImapClient,
    mailbox: *const c_char,
    uses: *const *const c_char,
    count: usize,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run(client, out, |s| {
        s.create_special_use(text(mailbox, "mailbox")?, &texts(uses, count, "uses")?)
    })
}
