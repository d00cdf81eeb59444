//! C functions for imaplib's extension commands: ACL, QUOTA, ANNOTATEMORE, METADATA,
//! PROXYAUTH, PARTIAL, SORT, THREAD, ENABLE (and UTF-8 mode), ID.
//!
//! Conventions as in `commands.rs`: `imap_` + the imaplib method name, an `imap_result`
//! out-parameter (may be NULL), `IMAP_CODE_OK` for a tagged OK, `IMAP_CODE_NO` for a tagged NO
//! (the result holds the server's text), `IMAP_CODE_BAD` with a result for BAD. NUL, CR or LF
//! in any string argument gives `IMAP_CODE_INVALID_ARGUMENT` and nothing is sent. Strings
//! are borrowed for the call only. Calls on one handle are serialized; any thread may call.

use super::client::{run, view, ImapClient};
use super::code::ImapCode;
use super::panic::boundary;
use super::result::ImapResult;
use super::{opt_text, opt_texts, text, texts};
use crate::session::{Error, Outcome};
use std::ffi::c_char;
use std::ptr;

/// `n` (name, optional value) pairs from two parallel arrays.
///
/// # Safety
/// As [`texts`] for `names`, as [`opt_texts`] for `values`.
unsafe fn pairs<'a>(
    names: *const *const c_char,
    values: *const *const c_char,
    n: usize,
    what: &str,
) -> Result<Vec<(&'a str, Option<&'a str>)>, Error> {
    let names = texts(names, n, &format!("{what} names"))?;
    let values = opt_texts(values, n, &format!("{what} values"))?;
    Ok(names.into_iter().zip(values).collect())
}

/// GETACL `mailbox`. Data: the untagged ACL lines (`INBOX user1 lrwstipekxacd`).
///
/// # Safety
/// `client` is a live handle; `mailbox` is NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_getacl(
    client: *mut ImapClient,
    mailbox: *const c_char,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run(client, out, |s| s.getacl(text(mailbox, "mailbox")?))
}

/// SETACL `mailbox` `who` `what` (each quoted if needed: `"John Doe"`). Data: the tagged text.
///
/// # Safety
/// `client` is a live handle; strings are NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_setacl(
    client: *mut ImapClient,
    mailbox: *const c_char,
    who: *const c_char,
    what: *const c_char,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run(client, out, |s| {
        s.setacl(
            text(mailbox, "mailbox")?,
            text(who, "who")?,
            text(what, "what")?,
        )
    })
}

/// DELETEACL `mailbox` `who`. Data: the tagged text.
///
/// # Safety
/// `client` is a live handle; strings are NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_deleteacl(
    client: *mut ImapClient,
    mailbox: *const c_char,
    who: *const c_char,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run(client, out, |s| {
        s.deleteacl(text(mailbox, "mailbox")?, text(who, "who")?)
    })
}

/// MYRIGHTS `mailbox`. Data: the untagged MYRIGHTS lines (`INBOX lrwstipekxacd`).
///
/// # Safety
/// `client` is a live handle; `mailbox` is NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_myrights(
    client: *mut ImapClient,
    mailbox: *const c_char,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run(client, out, |s| s.myrights(text(mailbox, "mailbox")?))
}

/// LISTRIGHTS `mailbox` `identifier` (RFC 4314; imaplib has no method for it). Data: the
/// untagged LISTRIGHTS lines (`box user2 "" l r w s ...`).
///
/// # Safety
/// `client` is a live handle; strings are NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_listrights(
    client: *mut ImapClient,
    mailbox: *const c_char,
    identifier: *const c_char,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run(client, out, |s| {
        s.listrights(text(mailbox, "mailbox")?, text(identifier, "identifier")?)
    })
}

/// GETQUOTA `root` (`""` or `"\"\""` for the empty root; a root with a space is quoted).
/// Data: the untagged QUOTA lines (`"User quota" (STORAGE 10 512)`).
///
/// # Safety
/// `client` is a live handle; `root` is NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_getquota(
    client: *mut ImapClient,
    root: *const c_char,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run(client, out, |s| s.getquota(text(root, "root")?))
}

/// GETQUOTAROOT `mailbox`. imaplib returns `[quotaroot data, quota data]`; here they are two
/// results: `*out_quotaroot` holds the QUOTAROOT lines (`INBOX "User quota"`), `*out_quota`
/// the QUOTA lines. Both carry the same type and tagged text; on `IMAP_CODE_NO` both hold the
/// server's text, on `IMAP_CODE_BAD` both hold the BAD result. Each out-parameter may be NULL;
/// each result delivered must be freed with `imap_result_free`.
///
/// # Safety
/// `client` is a live handle; `mailbox` is NUL-terminated; the out-parameters are NULL or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn imap_getquotaroot(
    client: *mut ImapClient,
    mailbox: *const c_char,
    out_quotaroot: *mut *mut ImapResult,
    out_quota: *mut *mut ImapResult,
) -> ImapCode {
    boundary(|| {
        if !out_quotaroot.is_null() {
            *out_quotaroot = ptr::null_mut();
        }
        let mut first: Option<Outcome> = None;
        let code = run(client, out_quota, |s| {
            match s.getquotaroot(text(mailbox, "mailbox")?) {
                Ok(q) => {
                    first = Some(q.quotaroot);
                    Ok(q.quota)
                }
                Err(e) => {
                    first = e.outcome.as_deref().cloned();
                    Err(e)
                }
            }
        });
        if let (Some(o), false) = (first, out_quotaroot.is_null()) {
            *out_quotaroot = Box::into_raw(ImapResult::new(o));
        }
        code
    })
}

/// SETQUOTA `root` `limits` (`"STORAGE 512"` or `"(STORAGE 512)"`). Data: the untagged QUOTA
/// lines (usually one NONE item). Servers allow it to administrators only.
///
/// # Safety
/// `client` is a live handle; strings are NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_setquota(
    client: *mut ImapClient,
    root: *const c_char,
    limits: *const c_char,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run(client, out, |s| {
        s.setquota(text(root, "root")?, text(limits, "limits")?)
    })
}

/// GETANNOTATION `mailbox` `entry` `attribute` (ANNOTATEMORE; entry and attribute are sent
/// verbatim, as imaplib: `"/comment"`, `"value.shared"`). Data: the untagged ANNOTATION lines.
///
/// # Safety
/// `client` is a live handle; strings are NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_getannotation(
    client: *mut ImapClient,
    mailbox: *const c_char,
    entry: *const c_char,
    attribute: *const c_char,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run(client, out, |s| {
        s.getannotation(
            text(mailbox, "mailbox")?,
            text(entry, "entry")?,
            text(attribute, "attribute")?,
        )
    })
}

/// SETANNOTATION with `nargs` arguments (imaplib's `setannotation(*args)`): `args[0]` is the
/// mailbox (quoted if needed), the others are sent verbatim
/// (`"/comment"`, `"(\"value.shared\" \"My comment\")"`). Data: the untagged ANNOTATION
/// lines (usually one NONE item).
///
/// # Safety
/// `client` is a live handle; `args` points to `nargs` NUL-terminated strings (or is NULL
/// with `nargs` 0); `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_setannotation(
    client: *mut ImapClient,
    args: *const *const c_char,
    nargs: usize,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run(client, out, |s| {
        s.setannotation(&texts(args, nargs, "args")?)
    })
}

/// GETMETADATA (RFC 5464) of the `nentries` entries (`"/private/comment"`; at least one) of
/// `mailbox` (`""`: server entries), with optional `options` (`"DEPTH 1"`, `"MAXSIZE 1024"`;
/// NULL: none). Data: the untagged METADATA responses; a value sent as a literal comes as an
/// `IMAP_ITEM_KIND_LITERAL` item (header line + value), as FETCH data does.
///
/// # Safety
/// `client` is a live handle; `mailbox` is NUL-terminated; `entries` points to `nentries`
/// NUL-terminated strings; `options` is NULL or NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_getmetadata(
    client: *mut ImapClient,
    mailbox: *const c_char,
    entries: *const *const c_char,
    nentries: usize,
    options: *const c_char,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run(client, out, |s| {
        s.getmetadata(
            text(mailbox, "mailbox")?,
            &texts(entries, nentries, "entries")?,
            opt_text(options, "options")?,
        )
    })
}

/// SETMETADATA (RFC 5464) on `mailbox` (`""`: the server): `count` entries from the parallel
/// arrays `entries` and `values`; `values[i]` NULL sends NIL (removes the entry), else a
/// quoted string. At least one entry. Data: the untagged METADATA lines (usually one NONE
/// item).
///
/// # Safety
/// `client` is a live handle; `mailbox` is NUL-terminated; `entries` points to `count`
/// NUL-terminated strings and `values` to `count` pointers, each NULL or NUL-terminated;
/// `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_setmetadata(
    client: *mut ImapClient,
    mailbox: *const c_char,
    entries: *const *const c_char,
    values: *const *const c_char,
    count: usize,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run(client, out, |s| {
        s.setmetadata(
            text(mailbox, "mailbox")?,
            &pairs(entries, values, count, "entries")?,
        )
    })
}

/// PROXYAUTH `user` (AUTH state only). Data: the tagged text; the state does not change.
///
/// # Safety
/// `client` is a live handle; `user` is NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_proxyauth(
    client: *mut ImapClient,
    user: *const c_char,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run(client, out, |s| s.proxyauth(text(user, "user")?))
}

/// PARTIAL `message_num` `message_part` `start` `length` (IMAP2bis; all sent verbatim, as
/// imaplib, which takes them as strings too). Data: the untagged FETCH responses.
///
/// # Safety
/// `client` is a live handle; strings are NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_partial(
    client: *mut ImapClient,
    message_num: *const c_char,
    message_part: *const c_char,
    start: *const c_char,
    length: *const c_char,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run(client, out, |s| {
        s.partial(
            text(message_num, "message_num")?,
            text(message_part, "message_part")?,
            text(start, "start")?,
            text(length, "length")?,
        )
    })
}

/// SORT `sort_criteria` (wrapped in parentheses unless it is) `charset` (NULL: omitted)
/// followed by the `ncriteria` search criteria, verbatim (imaplib's `sort(sort_criteria,
/// charset, *search_criteria)`). Data: the untagged SORT lines (`2 84 882`).
///
/// # Safety
/// `client` is a live handle; `sort_criteria` is NUL-terminated; `charset` is NULL or
/// NUL-terminated; `search_criteria` points to `ncriteria` NUL-terminated strings; `out` is
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_sort(
    client: *mut ImapClient,
    sort_criteria: *const c_char,
    charset: *const c_char,
    search_criteria: *const *const c_char,
    ncriteria: usize,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run(client, out, |s| {
        s.sort(
            text(sort_criteria, "sort_criteria")?,
            opt_text(charset, "charset")?,
            &texts(search_criteria, ncriteria, "search_criteria")?,
        )
    })
}

/// THREAD `threading_algorithm` (`"REFERENCES"`) `charset` (NULL: omitted) followed by the
/// `ncriteria` search criteria, verbatim. Data: the untagged THREAD lines
/// (`(2)(3 6 (4 23)(44 7 96))`).
///
/// # Safety
/// `client` is a live handle; `threading_algorithm` is NUL-terminated; `charset` is NULL or
/// NUL-terminated; `search_criteria` points to `ncriteria` NUL-terminated strings; `out` is
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_thread(
    client: *mut ImapClient,
    threading_algorithm: *const c_char,
    charset: *const c_char,
    search_criteria: *const *const c_char,
    ncriteria: usize,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run(client, out, |s| {
        s.thread(
            text(threading_algorithm, "threading_algorithm")?,
            opt_text(charset, "charset")?,
            &texts(search_criteria, ncriteria, "search_criteria")?,
        )
    })
}

/// ENABLE `capability` (sent verbatim: `"CONDSTORE QRESYNC"` enables both; AUTH state only).
/// `IMAP_CODE_UNSUPPORTED` if the server does not advertise ENABLE (nothing is sent). Data:
/// the tagged text; the `* ENABLED` data stays for `imap_response(client, "ENABLED", ...)`.
/// UTF-8 mode (see `imap_client_utf8_enabled`) starts only if the server confirmed
/// UTF8=ACCEPT with an untagged ENABLED; a bare OK does not start it (imaplib's would).
/// IMAP4rev2 likewise (see `imap_client_imap4rev2`).
///
/// # Safety
/// `client` is a live handle; `capability` is NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_enable(
    client: *mut ImapClient,
    capability: *const c_char,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run(client, out, |s| s.enable(text(capability, "capability")?))
}

/// ID (RFC 2971) with `count` fields from the parallel arrays `names` and `values`
/// (`values[i]` NULL sends NIL), sent as `("name" "value" ...)`; `count` 0 (arrays may be
/// NULL) sends `ID NIL`. Allowed before login. Data: the untagged ID lines
/// (`("name" "Dovecot")`, or `NIL`).
///
/// # Safety
/// `client` is a live handle; `names` points to `count` NUL-terminated strings and `values`
/// to `count` pointers, each NULL or NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_id(
    client: *mut ImapClient,
    names: *const *const c_char,
    values: *const *const c_char,
    count: usize,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run(client, out, |s| {
        let fields = pairs(names, values, count, "fields")?;
        s.id(&fields)
    })
}

/// 1 if the connection is in UTF-8 mode (imaplib's `utf8_enabled`: the server confirmed
/// `ENABLE UTF8=ACCEPT`), else 0 (also for NULL or a closed connection). In UTF-8 mode
/// `imap_append` sends the message as `UTF8 (~{N}...)` and `imap_search` refuses a charset.
///
/// # Safety
/// `client` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn imap_client_utf8_enabled(client: *mut ImapClient) -> i32 {
    view(client, 0, |v| i32::from(v.utf8))
}
