//! `_ex` forms of the calls a binding may run on a thread it does not choose (a thread pool:
//! koffi runs every asynchronous call on any libuv worker thread, so the thread that reads
//! `imap_last_error` afterwards is not the one that made the call). Each takes one more
//! argument, `char **error`: NULL on success; on failure a copy of the message the call's own
//! thread would read from `imap_last_error` (free it with `imap_string_free`). Everything else
//! is the plain call's. `error` may be NULL (then this is the plain call).

use super::auth::{imap_idle_wait, imap_open_stream};
use super::client::{imap_open, ImapClient, ImapTlsModeArg};
use super::code::ImapCode;
use super::parsed::fetch::ImapFetchList;
use super::pipeline::{imap_collect, imap_fetch_next, imap_submit, ImapTicket};
use super::result::ImapResult;
use std::ffi::{c_char, CString};
use std::ptr;

/// Runs `call` and fills `*error` as the module documentation says. The message is the one
/// this thread's call left (cleared first, so it is never an older call's); a failure that left
/// none is described by its code.
unsafe fn with_error(
    client: *mut ImapClient,
    error: *mut *mut c_char,
    call: impl FnOnce() -> ImapCode,
) -> ImapCode {
    if error.is_null() {
        return call();
    }
    *error = ptr::null_mut();
    if let Some(c) = client.as_ref() {
        c.clear_error();
    }
    let code = call();
    if code != ImapCode::Ok {
        let message = match client.as_ref() {
            None => "client is NULL".to_string(),
            Some(c) => c.error_text(),
        };
        let message = if message.is_empty() {
            code.description().to_string_lossy().into_owned()
        } else {
            message
        };
        *error = CString::new(message.replace('\0', ""))
            .unwrap_or_default()
            .into_raw();
    }
    code
}

/// `imap_open` with the failure's message in `*error` (see the module documentation).
///
/// # Safety
/// As `imap_open`; `error` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_open_ex(
    client: *mut ImapClient,
    host: *const c_char,
    port: u16,
    tls_mode: ImapTlsModeArg,
    error: *mut *mut c_char,
) -> ImapCode {
    with_error(client, error, || imap_open(client, host, port, tls_mode))
}

/// `imap_open_stream` with the failure's message in `*error`.
///
/// # Safety
/// As `imap_open_stream`; `error` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_open_stream_ex(
    client: *mut ImapClient,
    command: *const c_char,
    error: *mut *mut c_char,
) -> ImapCode {
    with_error(client, error, || imap_open_stream(client, command))
}

/// `imap_submit` with the failure's message in `*error`.
///
/// # Safety
/// As `imap_submit`; `error` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_submit_ex(
    client: *mut ImapClient,
    command: *const c_char,
    values: *const *const c_char,
    kinds: *const i32,
    count: usize,
    out: *mut ImapTicket,
    error: *mut *mut c_char,
) -> ImapCode {
    with_error(client, error, || {
        imap_submit(client, command, values, kinds, count, out)
    })
}

/// `imap_collect` with the failure's message in `*error` (for `IMAP_CODE_NO`, "NO: " and the
/// server's text, as `imap_last_error` gives it).
///
/// # Safety
/// As `imap_collect`; `error` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_collect_ex(
    client: *mut ImapClient,
    ticket: ImapTicket,
    out: *mut *mut ImapResult,
    error: *mut *mut c_char,
) -> ImapCode {
    with_error(client, error, || imap_collect(client, ticket, out))
}

/// `imap_fetch_next` with the failure's message in `*error`.
///
/// # Safety
/// As `imap_fetch_next`; `error` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_fetch_next_ex(
    client: *mut ImapClient,
    ticket: ImapTicket,
    max: usize,
    out: *mut *mut ImapFetchList,
    error: *mut *mut c_char,
) -> ImapCode {
    with_error(client, error, || imap_fetch_next(client, ticket, max, out))
}

/// `imap_idle_wait` with the failure's message in `*error`.
///
/// # Safety
/// As `imap_idle_wait`; `error` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_idle_wait_ex(
    client: *mut ImapClient,
    timeout_ms: u32,
    out: *mut *mut ImapResult,
    error: *mut *mut c_char,
) -> ImapCode {
    with_error(client, error, || imap_idle_wait(client, timeout_ms, out))
}
