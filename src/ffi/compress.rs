//! COMPRESS=DEFLATE (RFC 4978): the command, the option that sends it after login, and
//! whether it is active.

use super::client::{reconfigure, run, view, ImapClient};
use super::code::ImapCode;
use super::result::ImapResult;

/// COMPRESS DEFLATE (RFC 4978): on OK every byte from then on, both ways, is deflated (inside
/// TLS when TLS is on); everything else (limits, timeouts, tracing, streaming, pipelining,
/// IDLE) works as before and the trace shows the uncompressed protocol. Data: the tagged
/// text. Refused without sending anything: `IMAP_CODE_ILLEGAL_STATE` when compression is
/// active already (the server's `[COMPRESSIONACTIVE]`) or before authentication,
/// `IMAP_CODE_UNSUPPORTED` when the server does not offer `COMPRESS=DEFLATE`. A NO
/// (`IMAP_CODE_NO`) leaves the connection uncompressed and usable. Corrupt compressed data
/// from the server later fails the call in progress with `IMAP_CODE_ABORT` (connection
/// closed). imaplib has no COMPRESS: it is off unless asked for. As with TLS, bytes received
/// may wait inflated inside the library where a poll of `imap_client_fd` cannot see them:
/// the library's own waits account for them; a caller polling the descriptor itself reads
/// with `imap_read_response` before it waits.
///
/// # Safety
/// `client` is a live handle; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_compress(
    client: *mut ImapClient,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run(client, out, |s| s.compress())
}

/// Whether every later successful login (`imap_login`, `imap_login_auto`, `imap_authenticate`
/// and the other `imap_login_*`) sends COMPRESS DEFLATE by itself when the server offers it
/// (`on` 1) or not (0, the default). A refusal then only leaves the connection uncompressed
/// (the login still succeeds; the reason goes to the debug output).
///
/// # Safety
/// `client` is a live handle.
#[no_mangle]
pub unsafe extern "C" fn imap_set_compress(client: *mut ImapClient, on: i32) -> ImapCode {
    reconfigure(client, |cfg| {
        cfg.compress = on != 0;
        Ok(())
    })
}

/// 1 if COMPRESS=DEFLATE is active on the connection, else 0 (also for NULL).
///
/// # Safety
/// `client` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn imap_client_is_compressed(client: *mut ImapClient) -> i32 {
    view(client, 0, |v| i32::from(v.compressed))
}
