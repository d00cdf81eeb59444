//! Typed arguments: search and sort criteria as (value, kind) arrays, flags as arrays of flag
//! atoms, and imaplib's `literal` attribute. Everything is checked before anything is sent; a
//! bad value gives `IMAP_CODE_INVALID_ARGUMENT` naming it.

use super::client::{configure, reconfigure, ImapClient};
use super::code::ImapCode;
use super::pipeline::run_pipelined;
use super::result::ImapResult;
use super::{bytes, opt_text, text, texts};
use crate::proto::encode::Value;
use crate::session::Error;
use std::ffi::{c_char, CStr};

/// The kind of one typed argument value (the `kinds` array of `imap_search_args`...).
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, libimap_derive::CEnum)]
pub enum ImapArgKind {
    /// A keyword, date, flag keyword or sequence set sent as it is (`SUBJECT`, `OR`,
    /// `1-Feb-2024`, `1:*`): printable ASCII without space, parentheses, `{`, `"` or `\`.
    Atom = 0,
    /// A string value (text to search for, a header name with spaces): sent quoted, or as a
    /// literal when it is not 7-bit (non-synchronizing when the server allows it and knows the
    /// command, and no raw argument comes before it), quoted UTF-8
    /// in UTF-8 mode. Any bytes but NUL, CR and LF; need not be UTF-8 (for another charset).
    String = 1,
    /// A decimal number (digits only).
    Number = 2,
    /// Opens a parenthesised group; its value is ignored (may be NULL).
    ListBegin = 3,
    /// Closes the innermost group; its value is ignored (may be NULL).
    ListEnd = 4,
}

/// Builds the values from the two parallel arrays, nesting groups.
///
/// # Safety
/// `values` and `kinds` are NULL (then `count` is 0) or point to `count` entries; each value of
/// an atom, string or number is a NUL-terminated string.
pub(crate) unsafe fn typed_values(
    values: *const *const c_char,
    kinds: *const i32,
    count: usize,
) -> Result<Vec<Value>, Error> {
    if count == 0 {
        return Ok(Vec::new());
    }
    if values.is_null() || kinds.is_null() {
        return Err(Error::invalid(format!(
            "values or kinds is NULL but count is {count}"
        )));
    }
    let values = std::slice::from_raw_parts(values, count);
    let kinds = std::slice::from_raw_parts(kinds, count);
    // The groups being filled, innermost last; the first is the top level.
    let mut stack: Vec<Vec<Value>> = vec![Vec::new()];
    for (i, (&v, &k)) in values.iter().zip(kinds).enumerate() {
        let needs = |what: &str| -> Result<&[u8], Error> {
            if v.is_null() {
                return Err(Error::invalid(format!("values[{i}] ({what}) is NULL")));
            }
            Ok(CStr::from_ptr(v).to_bytes())
        };
        let value = match k {
            k if k == ImapArgKind::Atom as i32 => {
                let a = std::str::from_utf8(needs("an atom")?)
                    .map_err(|_| Error::invalid(format!("values[{i}] is not an atom")))?;
                Value::atom(a)
            }
            k if k == ImapArgKind::String as i32 => Value::string(needs("a string")?),
            k if k == ImapArgKind::Number as i32 => {
                let n = needs("a number")?;
                let parsed = std::str::from_utf8(n)
                    .ok()
                    .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
                    .and_then(|s| s.parse::<u64>().ok());
                Value::Number(
                    parsed.ok_or_else(|| Error::invalid(format!("values[{i}] is not a number")))?,
                )
            }
            k if k == ImapArgKind::ListBegin as i32 => {
                stack.push(Vec::new());
                continue;
            }
            k if k == ImapArgKind::ListEnd as i32 => {
                if stack.len() < 2 {
                    return Err(Error::invalid(format!(
                        "kinds[{i}] closes a group that was not opened"
                    )));
                }
                let group = stack.pop().unwrap_or_default();
                Value::List(group)
            }
            other => {
                return Err(Error::invalid(format!(
                    "kinds[{i}] is {other}, not an imap_arg_kind"
                )))
            }
        };
        if let Some(top) = stack.last_mut() {
            top.push(value);
        }
    }
    if stack.len() != 1 {
        return Err(Error::invalid("a group opened in kinds is never closed"));
    }
    Ok(stack.pop().unwrap_or_default())
}

/// SEARCH `[CHARSET charset]` followed by `count` typed values: `values[i]` is sent by the
/// rule of `kinds[i]` (an `imap_arg_kind`), so a string value is quoted or sent as a literal
/// and never as an 8-bit atom. Example: values `{"SUBJECT", "Grüße"}`, kinds
/// `{IMAP_ARG_KIND_ATOM, IMAP_ARG_KIND_STRING}` with charset `"UTF-8"`. Data: SEARCH lines.
/// A bad value gives `IMAP_CODE_INVALID_ARGUMENT` and nothing is sent.
///
/// # Safety
/// `client` is a live handle; `charset` is NULL or NUL-terminated; `values` and `kinds` point
/// to `count` entries (or are NULL when `count` is 0); `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_search_args(
    client: *mut ImapClient,
    charset: *const c_char,
    values: *const *const c_char,
    kinds: *const i32,
    count: usize,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run_pipelined(client, out, |s| {
        let criteria = typed_values(values, kinds, count)?;
        s.search_args(false, opt_text(charset, "charset")?, &criteria)
    })
}

/// As `imap_search_args`, as UID SEARCH: the data are UIDs.
///
/// # Safety
/// As `imap_search_args`.
#[no_mangle]
pub unsafe extern "C" fn imap_uid_search_args(
    client: *mut ImapClient,
    charset: *const c_char,
    values: *const *const c_char,
    kinds: *const i32,
    count: usize,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run_pipelined(client, out, |s| {
        let criteria = typed_values(values, kinds, count)?;
        s.search_args(true, opt_text(charset, "charset")?, &criteria)
    })
}

/// SORT (RFC 5256) by the `nkeys` sort keys (atoms: `"REVERSE"`, `"DATE"`...) in `charset`
/// over `count` typed search values, as in `imap_search_args`. Data: SORT lines.
///
/// # Safety
/// `client` is a live handle; `keys` points to `nkeys` NUL-terminated strings; `charset` is
/// NUL-terminated; `values`/`kinds` as in `imap_search_args`; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_sort_args(
    client: *mut ImapClient,
    keys: *const *const c_char,
    nkeys: usize,
    charset: *const c_char,
    values: *const *const c_char,
    kinds: *const i32,
    count: usize,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run_pipelined(client, out, |s| {
        let keys = texts(keys, nkeys, "keys")?;
        let criteria = typed_values(values, kinds, count)?;
        s.sort_args(false, &keys, text(charset, "charset")?, &criteria)
    })
}

/// As `imap_sort_args`, as UID SORT: the data are UIDs.
///
/// # Safety
/// As `imap_sort_args`.
#[no_mangle]
pub unsafe extern "C" fn imap_uid_sort_args(
    client: *mut ImapClient,
    keys: *const *const c_char,
    nkeys: usize,
    charset: *const c_char,
    values: *const *const c_char,
    kinds: *const i32,
    count: usize,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run_pipelined(client, out, |s| {
        let keys = texts(keys, nkeys, "keys")?;
        let criteria = typed_values(values, kinds, count)?;
        s.sort_args(true, &keys, text(charset, "charset")?, &criteria)
    })
}

/// STORE `message_set` `command` with the `nflags` flags as a list. `command` is `FLAGS`,
/// `+FLAGS` or `-FLAGS`, optionally with `.SILENT`; each flag is `\Name` or a keyword atom
/// (`"\\Seen"`, `"$Label"`). A flag with a space, parenthesis, `]`, `%`, `*`, quote, a
/// backslash other than the leading one, a control or non-ASCII character, a set that is not
/// a sequence set or another command gives `IMAP_CODE_INVALID_ARGUMENT` and nothing is sent.
/// No flags (`nflags` 0) sends `()`. Data: FETCH lines.
///
/// # Safety
/// `client` is a live handle; strings are NUL-terminated; `flags` points to `nflags`
/// NUL-terminated strings (or is NULL when `nflags` is 0); `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_store_flags(
    client: *mut ImapClient,
    message_set: *const c_char,
    command: *const c_char,
    flags: *const *const c_char,
    nflags: usize,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run_pipelined(client, out, |s| {
        s.store_flag_list(
            false,
            text(message_set, "message_set")?,
            text(command, "command")?,
            &texts(flags, nflags, "flags")?,
        )
    })
}

/// As `imap_store_flags`, as UID STORE: `uid_set` holds UIDs.
///
/// # Safety
/// As `imap_store_flags`.
#[no_mangle]
pub unsafe extern "C" fn imap_uid_store_flags(
    client: *mut ImapClient,
    uid_set: *const c_char,
    command: *const c_char,
    flags: *const *const c_char,
    nflags: usize,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run_pipelined(client, out, |s| {
        s.store_flag_list(
            true,
            text(uid_set, "uid_set")?,
            text(command, "command")?,
            &texts(flags, nflags, "flags")?,
        )
    })
}

/// As `imap_append`, with the `nflags` flags as a list, each checked as in
/// `imap_store_flags` (`nflags` 0: no flag list is sent).
///
/// # Safety
/// As `imap_append`; `flags` points to `nflags` NUL-terminated strings (or is NULL when
/// `nflags` is 0).
#[no_mangle]
pub unsafe extern "C" fn imap_append_flags(
    client: *mut ImapClient,
    mailbox: *const c_char,
    flags: *const *const c_char,
    nflags: usize,
    date_time: *const c_char,
    message: *const u8,
    message_len: usize,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run_pipelined(client, out, |s| {
        s.append_flag_list(
            opt_text(mailbox, "mailbox")?,
            &texts(flags, nflags, "flags")?,
            opt_text(date_time, "date_time")?,
            bytes(message, message_len, "message")?,
        )
    })
}

/// imaplib's `literal` attribute: the `len` bytes at `literal` (copied) go as a literal `{N}`
/// (`{N+}` under imap_set_nonsync_literal_max()'s rule) at the end of the next command sent,
/// whichever it is, and then are forgotten
/// (APPEND's own message replaces them, as in imaplib; a command refused for its state drops
/// them). NULL clears it; a non-NULL pointer with `len` 0 sends `{0}`. `IMAP_CODE_CLOSED` on a
/// connection that is not open. Example: `imap_set_literal(c, "Grüße", 7)` then
/// `imap_search(c, "UTF-8", {"SUBJECT"}, 1, &r)` sends `SEARCH CHARSET UTF-8 SUBJECT {7}` and
/// the bytes after `+`.
///
/// # Safety
/// `client` is a live handle; `literal` is NULL or points to `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn imap_set_literal(
    client: *mut ImapClient,
    literal: *const u8,
    len: usize,
) -> ImapCode {
    configure(client, |s| {
        let lit = if literal.is_null() {
            None
        } else {
            Some(bytes(literal, len, "literal")?.to_vec())
        };
        s.set_literal(lit)
    })
}

/// The largest message literal (imap_append()'s message, imap_set_literal()'s bytes) sent
/// without waiting for the server's `+` (`{N+}`, RFC 7888), when the server offers LITERAL+
/// (any size up to `max`) or LITERAL- (up to `max` and 4,096). This saves a round trip per
/// APPEND; the server then reads the message even when it refuses the APPEND, so a larger
/// `max` trades wasted sending for latency. The default is 4,096. 0 sends every message
/// literal synchronizing, as imaplib does. A message from a stream or a file
/// (imap_append_stream(), imap_append_fd()) is always synchronizing, so a refused APPEND never
/// reads it. String arguments (an 8-bit password, a search value) follow the server's
/// extensions alone, except in a command the server does not offer and after an argument sent
/// verbatim (a set, raw criteria), where they always wait for the `+`.
///
/// # Safety
/// `client` is a live handle.
#[no_mangle]
pub unsafe extern "C" fn imap_set_nonsync_literal_max(
    client: *mut ImapClient,
    max: usize,
) -> ImapCode {
    reconfigure(client, |cfg| {
        cfg.nonsync_literal_max = max;
        Ok(())
    })
}
