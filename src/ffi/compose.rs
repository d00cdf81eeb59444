//! The compositions of `session::compose` with one C entry each, delivered parsed: the
//! session's parsed answer mirrored as the `imap_parse_*` functions mirror theirs, or (for the
//! UID SORT/THREAD defaults) the raw result parsed by the usual `imap_parse_*` and freed here.

use super::client::{run, view, ImapClient};
use super::code::ImapCode;
use super::panic::boundary;
use super::parsed::mailbox::{
    esearch_info, imap_parse_search, imap_parse_thread, metadata_info, quota_info, ImapEsearchList,
    ImapMetadataList, ImapQuotaInfo, ImapSearchResult, ImapThreadList,
};
use super::parsed::{free, give, Arena, ImapBytes, ImapInvalid, ImapMailboxName};
use super::result::{imap_result_free, ImapResult};
use super::{opt_text, text, texts};
use crate::session::{Composed, MailboxQuota, Outcome, Parsed, Result, Session};
use std::ffi::c_char;
use std::ptr;

/// Runs `f` and parses its result into `*out` with `parse`. The code is the command's (NO,
/// BAD, ABORT... with `imap_last_error`, `*out` NULL) or, for OK, the parser's.
///
/// # Safety
/// `client` is a live handle; `out` is NULL or writable.
unsafe fn composed<L>(
    client: *mut ImapClient,
    out: *mut *mut L,
    f: impl FnOnce(&mut Session) -> Result<Outcome>,
    parse: unsafe extern "C" fn(*const ImapResult, *mut *mut L) -> ImapCode,
) -> ImapCode {
    boundary(|| {
        if out.is_null() {
            return ImapCode::InvalidArgument;
        }
        *out = ptr::null_mut();
        let mut raw: *mut ImapResult = ptr::null_mut();
        let code = run(client, &mut raw, f);
        let code = if code == ImapCode::Ok {
            parse(raw, out)
        } else {
            code
        };
        imap_result_free(raw);
        code
    })
}

/// Runs a composition and mirrors its parsed answer into `*out` with `build` (which says
/// whether everything parsed). The code is the command's (NO, BAD, ABORT... with
/// `imap_last_error`, `*out` NULL), else OK, or PARSE with the object delivered.
///
/// # Safety
/// `client` is a live handle; `out` is NULL or writable.
pub(crate) unsafe fn mirrored<T, L>(
    client: *mut ImapClient,
    out: *mut *mut L,
    f: impl FnOnce(&mut Session) -> Result<Composed<T>>,
    build: impl FnOnce(&T, &mut Arena) -> (L, bool),
) -> ImapCode {
    boundary(|| {
        if out.is_null() {
            return ImapCode::InvalidArgument;
        }
        *out = ptr::null_mut();
        let mut parsed: Option<T> = None;
        let code = run(client, ptr::null_mut(), |s| {
            let c = f(s)?;
            parsed = Some(c.parsed);
            Ok(c.outcome)
        });
        match parsed {
            Some(p) if code == ImapCode::Ok => {
                let mut a = Arena::default();
                a.utf8_names = view(client, 0, |v| i32::from(v.utf8_names)) != 0;
                let (public, complete) = build(&p, &mut a);
                give(out, public, a);
                if complete {
                    ImapCode::Ok
                } else {
                    ImapCode::Parse
                }
            }
            _ => code,
        }
    })
}

/// A parsed list's entries and invalid responses, mirrored.
#[allow(clippy::type_complexity)]
pub(crate) fn split<T, U: 'static>(
    a: &mut Arena,
    parsed: &Parsed<T>,
    mirror: fn(&mut Arena, &T) -> U,
) -> (
    (*const *const U, usize),
    (*const *const ImapInvalid, usize),
    bool,
) {
    let complete = parsed.iter().all(|r| r.is_ok());
    let (ok, bad) = a.split(parsed, mirror);
    (ok, bad, complete)
}

/// SEARCH given as an ESEARCH list whatever the server offers: with ESEARCH (RFC 4731) it
/// sends `SEARCH RETURN (MIN MAX COUNT ALL) [CHARSET charset] criteria...`, without it
/// `SEARCH [CHARSET charset] criteria...` and turns the numbers into one entry (COUNT, and
/// MIN, MAX and ALL as ranges when something matched; `tag` NIL). Criteria go verbatim, as
/// `imap_search`'s; `charset` NULL: none. `*out` (free with `imap_esearch_list_free`) is set
/// for OK and PARSE; other codes are the command's, with `imap_last_error`.
///
/// # Safety
/// `client` is a live handle; strings are NUL-terminated; `criteria` holds `ncriteria`
/// strings; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_esearch_auto(
    client: *mut ImapClient,
    charset: *const c_char,
    criteria: *const *const c_char,
    ncriteria: usize,
    out: *mut *mut ImapEsearchList,
) -> ImapCode {
    mirrored(
        client,
        out,
        |s| {
            s.esearch_auto(
                opt_text(charset, "charset")?,
                &texts(criteria, ncriteria, "criteria")?,
            )
        },
        |p, a| {
            let ((entries, count), (invalid, invalid_count), complete) = split(a, p, esearch_info);
            let list = ImapEsearchList {
                entries,
                count,
                invalid,
                invalid_count,
            };
            (list, complete)
        },
    )
}

/// UID SORT, parsed (the UIDs in order): sort criteria in parentheses unless they are,
/// `charset` NULL gives UTF-8 (the command requires one), search criteria verbatim. Codes and
/// `*out` (free with `imap_search_result_free`) as `imap_esearch_auto`.
///
/// # Safety
/// As `imap_esearch_auto`.
#[no_mangle]
pub unsafe extern "C" fn imap_uid_sort_parsed(
    client: *mut ImapClient,
    sort_criteria: *const c_char,
    charset: *const c_char,
    criteria: *const *const c_char,
    ncriteria: usize,
    out: *mut *mut ImapSearchResult,
) -> ImapCode {
    composed(
        client,
        out,
        |s| {
            s.uid_sort_default(
                text(sort_criteria, "sort_criteria")?,
                opt_text(charset, "charset")?,
                &texts(criteria, ncriteria, "criteria")?,
            )
        },
        imap_parse_search,
    )
}

/// UID THREAD, parsed (ids are UIDs): `charset` NULL gives UTF-8. Codes and `*out` (free
/// with `imap_thread_list_free`) as `imap_esearch_auto`.
///
/// # Safety
/// As `imap_esearch_auto`.
#[no_mangle]
pub unsafe extern "C" fn imap_uid_thread_parsed(
    client: *mut ImapClient,
    algorithm: *const c_char,
    charset: *const c_char,
    criteria: *const *const c_char,
    ncriteria: usize,
    out: *mut *mut ImapThreadList,
) -> ImapCode {
    composed(
        client,
        out,
        |s| {
            s.uid_thread_default(
                text(algorithm, "algorithm")?,
                opt_text(charset, "charset")?,
                &texts(criteria, ncriteria, "criteria")?,
            )
        },
        imap_parse_thread,
    )
}

/// GETMETADATA, parsed, with the METADATA responses for one mailbox merged into one entry
/// (the entries in the order received). Arguments as `imap_getmetadata`; codes and `*out`
/// (free with `imap_metadata_list_free`) as `imap_esearch_auto`.
///
/// # Safety
/// As `imap_esearch_auto`; `entries` holds `nentries` strings.
#[no_mangle]
pub unsafe extern "C" fn imap_getmetadata_parsed(
    client: *mut ImapClient,
    mailbox: *const c_char,
    entries: *const *const c_char,
    nentries: usize,
    options: *const c_char,
    out: *mut *mut ImapMetadataList,
) -> ImapCode {
    mirrored(
        client,
        out,
        |s| {
            s.getmetadata_merged(
                text(mailbox, "mailbox")?,
                &texts(entries, nentries, "entries")?,
                opt_text(options, "options")?,
            )
        },
        |p, a| {
            let ((entries, count), (invalid, invalid_count), complete) = split(a, p, metadata_info);
            let list = ImapMetadataList {
                entries,
                count,
                invalid,
                invalid_count,
            };
            (list, complete)
        },
    )
}

/// GETQUOTAROOT's answer as one object (`imap_quota_for`): the mailbox, every quota root of
/// its QUOTAROOT responses, and the QUOTA responses that came with them.
#[repr(C)]
pub struct ImapMailboxQuota {
    /// As the server named it in its first QUOTAROOT response (the name sent when none came).
    pub mailbox: ImapMailboxName,
    /// The quota roots (`"User quota"`), in order; none when the mailbox has no quota.
    pub roots: *const *const ImapBytes,
    pub root_count: usize,
    /// The QUOTA responses (each a root and its resources), in order.
    pub quotas: *const *const ImapQuotaInfo,
    pub quota_count: usize,
    /// QUOTAROOT and QUOTA responses that could not be parsed (then the code is
    /// `IMAP_CODE_PARSE`, with the object).
    pub invalid: *const *const ImapInvalid,
    pub invalid_count: usize,
}

/// GETQUOTAROOT `mailbox` with its QUOTA responses merged into one object in `*out` (free with
/// `imap_mailbox_quota_free`): what `imap_getquotaroot` + `imap_parse_quotaroot` +
/// `imap_parse_quota` give, in one call. Codes as `imap_esearch_auto`.
///
/// # Safety
/// `client` is a live handle; `mailbox` is NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_quota_for(
    client: *mut ImapClient,
    mailbox: *const c_char,
    out: *mut *mut ImapMailboxQuota,
) -> ImapCode {
    mirrored(
        client,
        out,
        |s| s.quota_for(text(mailbox, "mailbox")?),
        |q: &MailboxQuota, a| {
            let (roots, root_count) = a.byte_list(&q.roots);
            let quotas = q.quotas.iter().map(|x| quota_info(a, x)).collect();
            let (quotas, quota_count) = a.array(quotas);
            let bad = q.invalid.iter().map(|i| a.invalid(i)).collect();
            let (invalid, invalid_count) = a.array(bad);
            let public = ImapMailboxQuota {
                mailbox: a.mailbox(&q.mailbox),
                roots,
                root_count,
                quotas,
                quota_count,
                invalid,
                invalid_count,
            };
            (public, q.invalid.is_empty())
        },
    )
}

/// Frees what `imap_quota_for` gave. NULL is ignored.
///
/// # Safety
/// `quota` is NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn imap_mailbox_quota_free(quota: *mut ImapMailboxQuota) {
    free(quota)
}
