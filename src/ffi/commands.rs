//! One C function per imaplib command: `imap_` + the method name, imaplib's arguments, an
//! `imap_result` out-parameter (may be NULL when the caller does not want it).
//!
//! Every function returns `IMAP_CODE_OK` for a tagged OK, `IMAP_CODE_NO` for a tagged NO (the
//! result holds the server's text), or an error code; see `imap_code`. On `IMAP_CODE_BAD` and
//! `IMAP_CODE_READONLY` a result is delivered too. Strings are NUL-terminated UTF-8; NUL, CR or
//! LF in an argument that would reach a command line gives `IMAP_CODE_INVALID_ARGUMENT` and
//! nothing is sent.

use super::client::{run, ImapClient};
use super::code::ImapCode;
use super::pipeline::run_pipelined;
use super::result::ImapResult;
use super::{bytes, opt_text, text, texts};
use std::ffi::c_char;

/// CAPABILITY. Data: the untagged CAPABILITY lines. Does not change
/// `imap_client_capabilities` (imaplib).
///
/// # Safety
/// `client` is a live handle; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_capability(
    client: *mut ImapClient,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run_pipelined(client, out, |s| s.capability())
}

/// NOOP. Data: the tagged text; untagged responses stay for `imap_response`.
///
/// # Safety
/// `client` is a live handle; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_noop(client: *mut ImapClient, out: *mut *mut ImapResult) -> ImapCode {
    run_pipelined(client, out, |s| s.noop())
}

/// LOGIN `user` `password`. The password is sent quoted, or as a literal when it is not 7-bit
/// (non-synchronizing with LITERAL+), and is never traced or put in an error message. On a connection opened with TLS, credentials never travel in plaintext.
/// Success moves to AUTH and refreshes the capabilities; a wrong password gives `IMAP_CODE_NO`.
///
/// # Safety
/// `client` is a live handle; strings are NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_login(
    client: *mut ImapClient,
    user: *const c_char,
    password: *const c_char,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run(client, out, |s| {
        s.login(text(user, "user")?, text(password, "password")?)
    })
}

/// LOGOUT, then closes the connection. Type `"BYE"` with the server's BYE text as data.
///
/// # Safety
/// `client` is a live handle; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_logout(
    client: *mut ImapClient,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run(client, out, |s| s.logout())
}

/// STARTTLS on a plain connection, strictly: a refusal, a missing STARTTLS capability or data
/// injected before the handshake gives `IMAP_CODE_TLS` and closes the connection.
/// Capabilities are read again over TLS.
///
/// # Safety
/// `client` is a live handle; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_starttls(
    client: *mut ImapClient,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run(client, out, |s| s.starttls())
}

/// SELECT `mailbox` (NULL: INBOX), or EXAMINE if `readonly` is non-zero. Data: the EXISTS
/// counts. `IMAP_CODE_READONLY` if a writable select was answered READ-ONLY.
///
/// # Safety
/// `client` is a live handle; `mailbox` is NULL or NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_select(
    client: *mut ImapClient,
    mailbox: *const c_char,
    readonly: i32,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run(client, out, |s| {
        s.select(
            opt_text(mailbox, "mailbox")?.unwrap_or("INBOX"),
            readonly != 0,
        )
    })
}

/// STATUS `mailbox` `names` (`"(MESSAGES UNSEEN)"` or `"MESSAGES UNSEEN"`). Data: STATUS lines.
///
/// # Safety
/// `client` is a live handle; strings are NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_status(
    client: *mut ImapClient,
    mailbox: *const c_char,
    names: *const c_char,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run_pipelined(client, out, |s| {
        s.status(text(mailbox, "mailbox")?, text(names, "names")?)
    })
}

/// LIST `directory` (NULL: "") `pattern` (NULL: "*"). Data: LIST lines.
///
/// # Safety
/// `client` is a live handle; strings are NULL or NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_list(
    client: *mut ImapClient,
    directory: *const c_char,
    pattern: *const c_char,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run_pipelined(client, out, |s| {
        s.list(
            opt_text(directory, "directory")?.unwrap_or(""),
            opt_text(pattern, "pattern")?.unwrap_or("*"),
        )
    })
}

/// LSUB `directory` (NULL: "") `pattern` (NULL: "*"). Data: LSUB lines.
///
/// # Safety
/// `client` is a live handle; strings are NULL or NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_lsub(
    client: *mut ImapClient,
    directory: *const c_char,
    pattern: *const c_char,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run_pipelined(client, out, |s| {
        s.lsub(
            opt_text(directory, "directory")?.unwrap_or(""),
            opt_text(pattern, "pattern")?.unwrap_or("*"),
        )
    })
}

/// CREATE `mailbox`.
///
/// # Safety
/// `client` is a live handle; `mailbox` is NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_create(
    client: *mut ImapClient,
    mailbox: *const c_char,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run_pipelined(client, out, |s| s.create(text(mailbox, "mailbox")?))
}

/// DELETE `mailbox`.
///
/// # Safety
/// `client` is a live handle; `mailbox` is NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_delete(
    client: *mut ImapClient,
    mailbox: *const c_char,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run_pipelined(client, out, |s| s.delete(text(mailbox, "mailbox")?))
}

/// RENAME `oldmailbox` `newmailbox`.
///
/// # Safety
/// `client` is a live handle; strings are NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_rename(
    client: *mut ImapClient,
    oldmailbox: *const c_char,
    newmailbox: *const c_char,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run_pipelined(client, out, |s| {
        s.rename(
            text(oldmailbox, "oldmailbox")?,
            text(newmailbox, "newmailbox")?,
        )
    })
}

/// SUBSCRIBE `mailbox`.
///
/// # Safety
/// `client` is a live handle; `mailbox` is NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_subscribe(
    client: *mut ImapClient,
    mailbox: *const c_char,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run_pipelined(client, out, |s| s.subscribe(text(mailbox, "mailbox")?))
}

/// UNSUBSCRIBE `mailbox`.
///
/// # Safety
/// `client` is a live handle; `mailbox` is NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_unsubscribe(
    client: *mut ImapClient,
    mailbox: *const c_char,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run_pipelined(client, out, |s| s.unsubscribe(text(mailbox, "mailbox")?))
}

/// APPEND `message` (`message_len` bytes; line endings become CRLF) to `mailbox` (NULL:
/// INBOX) with optional `flags` (`"(\\Seen)"` or `"\\Seen"`) and `date_time` (an IMAP date in
/// double quotes, or unquoted and then quoted). The message goes as a literal after the
/// server's `+`; a message of at most 4,096 bytes goes at once (`{N+}`) when the server offers
/// LITERAL+ or LITERAL- (see imap_set_nonsync_literal_max()). The APPENDUID code is in
/// `imap_result_code`. A NO or BAD before the `+` is returned as such (the message was not
/// sent); a tagged OK before the `+` is a protocol violation: `IMAP_CODE_ABORT` ("the literal
/// was not sent"), the connection is closed.
///
/// # Safety
/// `client` is a live handle; strings are NULL or NUL-terminated; `message` points to
/// `message_len` bytes; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_append(
    client: *mut ImapClient,
    mailbox: *const c_char,
    flags: *const c_char,
    date_time: *const c_char,
    message: *const u8,
    message_len: usize,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run_pipelined(client, out, |s| {
        s.append(
            opt_text(mailbox, "mailbox")?,
            opt_text(flags, "flags")?,
            opt_text(date_time, "date_time")?,
            bytes(message, message_len, "message")?,
        )
    })
}

/// CHECK.
///
/// # Safety
/// `client` is a live handle; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_check(
    client: *mut ImapClient,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run_pipelined(client, out, |s| s.check())
}

/// CLOSE (the command: expunge and leave the mailbox). The state is AUTH afterwards. To close
/// the connection use `imap_logout` or `imap_shutdown`.
///
/// # Safety
/// `client` is a live handle; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_close(
    client: *mut ImapClient,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run(client, out, |s| s.close_mailbox())
}

/// UNSELECT. The state is AUTH afterwards.
///
/// # Safety
/// `client` is a live handle; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_unselect(
    client: *mut ImapClient,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run(client, out, |s| s.unselect())
}

/// EXPUNGE. Data: the expunged sequence numbers, in order received.
///
/// # Safety
/// `client` is a live handle; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_expunge(
    client: *mut ImapClient,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run_pipelined(client, out, |s| s.expunge())
}

/// SEARCH `[CHARSET charset]` followed by the `ncriteria` criteria, verbatim (imaplib's
/// `search(charset, *criteria)`; `charset` NULL: none). Data: SEARCH lines. A non-ASCII
/// criterion goes as an 8-bit atom, which many servers refuse: use `imap_search_args` to give
/// string values.
///
/// # Safety
/// `client` is a live handle; `charset` is NULL or NUL-terminated; `criteria` points to
/// `ncriteria` NUL-terminated strings; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_search(
    client: *mut ImapClient,
    charset: *const c_char,
    criteria: *const *const c_char,
    ncriteria: usize,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run_pipelined(client, out, |s| {
        s.search(
            opt_text(charset, "charset")?,
            &texts(criteria, ncriteria, "criteria")?,
        )
    })
}

/// FETCH `message_set` `message_parts` (`"(FLAGS)"`, `"FLAGS"`, `"ALL"`...). Data: FETCH lines
/// and (header, literal) pairs, as imaplib.
///
/// # Safety
/// `client` is a live handle; strings are NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_fetch(
    client: *mut ImapClient,
    message_set: *const c_char,
    message_parts: *const c_char,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run_pipelined(client, out, |s| {
        s.fetch(
            text(message_set, "message_set")?,
            text(message_parts, "message_parts")?,
        )
    })
}

/// STORE `message_set` `command` (`"+FLAGS"`, `"-FLAGS.SILENT"`...) `flags`. Data: FETCH lines.
/// `flags` is sent as given (imaplib); `imap_store_flags` takes a checked list.
///
/// # Safety
/// `client` is a live handle; strings are NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_store(
    client: *mut ImapClient,
    message_set: *const c_char,
    command: *const c_char,
    flags: *const c_char,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run_pipelined(client, out, |s| {
        s.store_flags(
            text(message_set, "message_set")?,
            text(command, "command")?,
            text(flags, "flags")?,
        )
    })
}

/// COPY `message_set` `new_mailbox`. The COPYUID code is in `imap_result_code`.
///
/// # Safety
/// `client` is a live handle; strings are NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_copy(
    client: *mut ImapClient,
    message_set: *const c_char,
    new_mailbox: *const c_char,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run_pipelined(client, out, |s| {
        s.copy(
            text(message_set, "message_set")?,
            text(new_mailbox, "new_mailbox")?,
        )
    })
}

/// MOVE `message_set` `new_mailbox` (RFC 6851).
///
/// # Safety
/// `client` is a live handle; strings are NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_move(
    client: *mut ImapClient,
    message_set: *const c_char,
    new_mailbox: *const c_char,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run_pipelined(client, out, |s| {
        s.move_messages(
            text(message_set, "message_set")?,
            text(new_mailbox, "new_mailbox")?,
        )
    })
}

/// UID `command` with `nargs` arguments (imaplib's `uid(command, *args)`): FETCH, SEARCH,
/// STORE, COPY, MOVE, EXPUNGE, SORT, THREAD. Data: SEARCH/SORT/THREAD lines for those, FETCH
/// lines for the others.
///
/// # Safety
/// `client` is a live handle; `command` is NUL-terminated; `args` points to `nargs`
/// NUL-terminated strings; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_uid(
    client: *mut ImapClient,
    command: *const c_char,
    args: *const *const c_char,
    nargs: usize,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run_pipelined(client, out, |s| {
        s.uid(text(command, "command")?, &texts(args, nargs, "args")?)
    })
}

/// NAMESPACE. Data: the NAMESPACE line.
///
/// # Safety
/// `client` is a live handle; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_namespace(
    client: *mut ImapClient,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run_pipelined(client, out, |s| s.namespace())
}

/// imaplib's `response(code)`: removes and returns the untagged responses or response codes
/// of that name received so far (`"EXISTS"`, `"UIDVALIDITY"`, `"ALERT"`...); `[None]` if none.
/// Sends nothing. The code is the call's own status, `IMAP_CODE_OK`, whatever the name and the
/// data (`imap_response(c, "NO", &r)` gives `IMAP_CODE_OK` with the stored `* NO` lines).
///
/// # Safety
/// `client` is a live handle; `code` is NUL-terminated; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_response(
    client: *mut ImapClient,
    code: *const c_char,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run(client, out, |s| Ok(s.response(text(code, "code")?)))
}

/// imaplib's `recent()`: the RECENT responses received so far, or, if none, a NOOP's.
///
/// # Safety
/// `client` is a live handle; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_recent(
    client: *mut ImapClient,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run(client, out, |s| s.recent())
}

/// imaplib's `xatom(name, *args)`: any command, `nargs` arguments sent verbatim. Untagged
/// replies stay for `imap_response`. COMPRESS is refused (`IMAP_CODE_INVALID_ARGUMENT`,
/// nothing sent): use `imap_compress`.
///
/// # Safety
/// `client` is a live handle; `name` is NUL-terminated; `args` points to `nargs`
/// NUL-terminated strings; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_xatom(
    client: *mut ImapClient,
    name: *const c_char,
    args: *const *const c_char,
    nargs: usize,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run_pipelined(client, out, |s| {
        s.xatom(text(name, "name")?, &texts(args, nargs, "args")?)
    })
}
