//! Authentication (AUTHENTICATE with a callback or a built-in mechanism), IDLE, stream
//! connections (imaplib `IMAP4_stream`) and raw I/O.

use super::client::{configure, reconfigure, run, run_opt, view, ImapClient};
use super::code::ImapCode;
use super::result::ImapResult;
use super::{bytes, opt_text, text};
use crate::proto::secret::Secret;
use crate::session::{Error, Mechanism, Outcome, ScramHash};
use std::ffi::{c_char, c_void};
use std::time::Duration;

/// SASL callback for `imap_authenticate`: receives the decoded challenge and either sets
/// `*response`/`*response_len` to the bytes to send (unencoded; the library base64-encodes
/// them) and returns 0 (a NULL `*response` with length 0 sends an empty response), or returns
/// non-zero to abort the exchange: the client sends `*` and the server's answer decides the
/// code (`IMAP_CODE_BAD` or `IMAP_CODE_NO`; the connection stays usable; an OK to the
/// aborted exchange is not believed: `IMAP_CODE_ABORT`, connection closed). The
/// response memory belongs to the callback and must stay valid until the callback is called
/// again or `imap_authenticate` returns; the library copies it into memory it zeroes after use,
/// and keeps every response (and its base64) out of every message and trace line, even when the
/// server echoes it. Called only on the calling thread, during the call.
pub type ImapSaslFn = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        challenge: *const u8,
        challenge_len: usize,
        response: *mut *const u8,
        response_len: *mut usize,
    ) -> i32,
>;

/// AUTHENTICATE `mechanism` with `callback` answering each challenge (imaplib's
/// `authenticate(mechanism, authobject)`; as there, the mechanism is not checked against the
/// capabilities). `initial`/`initial_len` is an initial response sent on the command line
/// (SASL-IR); pass NULL for none. Success moves to AUTH and refreshes the capabilities; a
/// rejection gives `IMAP_CODE_NO`. The exchange never appears in a trace. On a connection where
/// TLS was asked for and is not up, nothing is sent (`IMAP_CODE_TLS`). A challenge that is not
/// valid base64 is answered with `*` (cancel) and the call then fails with the server's answer
/// (`IMAP_CODE_BAD` or `IMAP_CODE_NO`; the connection stays usable).
///
/// # Safety
/// `client` is a live handle; `mechanism` is NUL-terminated; `initial` is NULL or points to
/// `initial_len` bytes; `callback` follows `imap_sasl_fn`'s contract; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_authenticate(
    client: *mut ImapClient,
    mechanism: *const c_char,
    initial: *const u8,
    initial_len: usize,
    callback: ImapSaslFn,
    user_data: *mut c_void,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run(client, out, |s| {
        let mechanism = text(mechanism, "mechanism")?;
        let initial = if initial.is_null() {
            None
        } else {
            Some(bytes(initial, initial_len, "initial")?)
        };
        let cb = callback.ok_or_else(|| Error::invalid("callback is NULL"))?;
        let mut step = |challenge: &[u8]| {
            let mut resp: *const u8 = std::ptr::null();
            let mut len = 0usize;
            // SAFETY: the caller's callback, with pointers valid for the call.
            let rc = unsafe {
                cb(
                    user_data,
                    challenge.as_ptr(),
                    challenge.len(),
                    &mut resp,
                    &mut len,
                )
            };
            match (rc, resp.is_null()) {
                (0, true) => Some(Secret::default()),
                // SAFETY: the callback promised `len` readable bytes at `resp`.
                (0, false) => Some(Secret::from(unsafe {
                    std::slice::from_raw_parts(resp, len)
                })),
                _ => None,
            }
        };
        s.authenticate(mechanism, initial, &mut step)
    })
}

/// Runs a built-in mechanism; see `imap_login_plain`.
unsafe fn login_with(
    client: *mut ImapClient,
    out: *mut *mut ImapResult,
    make: impl FnOnce() -> Result<Mechanism<'static>, Error>,
) -> ImapCode {
    run(client, out, |s| s.login_with(make()?))
}

/// AUTHENTICATE PLAIN (RFC 4616) as `user` with `password`, acting as `authzid` if not NULL
/// (a master-user login: authenticate as the master, act as `authzid`). The credentials go on
/// the command line when the server offers SASL-IR. Only if the current capabilities list
/// `AUTH=PLAIN` (after TLS when TLS is on): otherwise `IMAP_CODE_UNSUPPORTED` and nothing is
/// sent. Same results as `imap_authenticate`, and for every built-in mechanism: a server that
/// answers OK before the credentials have all gone out (PLAIN without SASL-IR and without a
/// challenge, LOGIN before both answers, CRAM-MD5 without a challenge) is not believed:
/// `IMAP_CODE_ABORT`, the connection is closed and the state stays `IMAP_STATE_NONAUTH`.
/// The password is copied into memory zeroed after use and, with every form of it that was
/// sent (base64 included), replaced by `<redacted>` in every message, result text and trace
/// line of the connection.
///
/// # Safety
/// `client` is a live handle; strings are NUL-terminated (`authzid` may be NULL); `out` is NULL
/// or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_login_plain(
    client: *mut ImapClient,
    authzid: *const c_char,
    user: *const c_char,
    password: *const c_char,
    out: *mut *mut ImapResult,
) -> ImapCode {
    login_with(client, out, || {
        Ok(Mechanism::Plain {
            authzid: opt_text(authzid, "authzid")?,
            user: text(user, "user")?,
            password: text(password, "password")?.into(),
        })
    })
}

/// AUTHENTICATE LOGIN: the user name, then the password, each answering a challenge. Requires
/// `AUTH=LOGIN` (else `IMAP_CODE_UNSUPPORTED`, nothing sent).
///
/// # Safety
/// As `imap_login_plain`.
#[no_mangle]
pub unsafe extern "C" fn imap_login_sasl_login(
    client: *mut ImapClient,
    user: *const c_char,
    password: *const c_char,
    out: *mut *mut ImapResult,
) -> ImapCode {
    login_with(client, out, || {
        Ok(Mechanism::Login {
            user: text(user, "user")?,
            password: text(password, "password")?.into(),
        })
    })
}

/// imaplib's `login_cram_md5(user, password)`: AUTHENTICATE CRAM-MD5 (RFC 2195), answering the
/// challenge with the user name and the HMAC-MD5 of the challenge keyed by the password.
/// Requires `AUTH=CRAM-MD5` (else `IMAP_CODE_UNSUPPORTED`, nothing sent).
///
/// # Safety
/// As `imap_login_plain`.
#[no_mangle]
pub unsafe extern "C" fn imap_login_cram_md5(
    client: *mut ImapClient,
    user: *const c_char,
    password: *const c_char,
    out: *mut *mut ImapResult,
) -> ImapCode {
    login_with(client, out, || {
        Ok(Mechanism::CramMd5 {
            user: text(user, "user")?,
            password: text(password, "password")?.into(),
        })
    })
}

/// AUTHENTICATE XOAUTH2 with an OAuth 2.0 bearer `token` obtained by the caller. Requires
/// `AUTH=XOAUTH2` (else `IMAP_CODE_UNSUPPORTED`, nothing sent). A rejected token gives
/// `IMAP_CODE_NO` with the server's text.
///
/// # Safety
/// As `imap_login_plain`.
#[no_mangle]
pub unsafe extern "C" fn imap_login_xoauth2(
    client: *mut ImapClient,
    user: *const c_char,
    token: *const c_char,
    out: *mut *mut ImapResult,
) -> ImapCode {
    login_with(client, out, || {
        Ok(Mechanism::XOAuth2 {
            user: text(user, "user")?,
            token: text(token, "token")?.into(),
        })
    })
}

/// AUTHENTICATE OAUTHBEARER (RFC 7628) with a bearer `token`; the host and port sent are the
/// ones connected to. Requires `AUTH=OAUTHBEARER` (else `IMAP_CODE_UNSUPPORTED`).
///
/// # Safety
/// As `imap_login_plain`.
#[no_mangle]
pub unsafe extern "C" fn imap_login_oauthbearer(
    client: *mut ImapClient,
    user: *const c_char,
    token: *const c_char,
    out: *mut *mut ImapResult,
) -> ImapCode {
    login_with(client, out, || {
        Ok(Mechanism::OAuthBearer {
            user: text(user, "user")?,
            token: text(token, "token")?.into(),
        })
    })
}

/// AUTHENTICATE with SCRAM (RFC 5802, RFC 7677): `mechanism` is `"SCRAM-SHA-256"`,
/// `"SCRAM-SHA-1"`, or either with `-PLUS` (channel binding to the TLS server certificate,
/// `tls-server-end-point`: TLS required). The password never goes to the server, and the
/// server must prove it knows it: a wrong or missing server signature, a server nonce that
/// does not extend the client's, or an iteration count above 1,000,000 fails with
/// `IMAP_CODE_ABORT` and closes the connection. Requires `AUTH=<mechanism>` (else
/// `IMAP_CODE_UNSUPPORTED`, nothing sent); another mechanism name is INVALID_ARGUMENT. A wrong
/// password gives `IMAP_CODE_NO`. `authzid` (may be NULL) is the identity to act as.
///
/// # Safety
/// As `imap_login_plain`.
#[no_mangle]
pub unsafe extern "C" fn imap_login_scram(
    client: *mut ImapClient,
    mechanism: *const c_char,
    authzid: *const c_char,
    user: *const c_char,
    password: *const c_char,
    out: *mut *mut ImapResult,
) -> ImapCode {
    login_with(client, out, || {
        let m = text(mechanism, "mechanism")?;
        let Some((hash, plus)) = ScramHash::from_mechanism(m) else {
            return Err(Error::invalid(format!(
                "mechanism: {} is not a SCRAM mechanism (SCRAM-SHA-256, SCRAM-SHA-1, with or without -PLUS)",
                m.to_ascii_uppercase()
            )));
        };
        Ok(Mechanism::Scram {
            hash,
            plus,
            authzid: opt_text(authzid, "authzid")?,
            user: text(user, "user")?,
            password: text(password, "password")?.into(),
        })
    })
}

/// Logs in with the strongest mechanism the server offers (after TLS when TLS is on):
/// SCRAM-SHA-256-PLUS, SCRAM-SHA-256, SCRAM-SHA-1-PLUS, SCRAM-SHA-1, CRAM-MD5, then PLAIN,
/// then the LOGIN command. The last two send the password itself, so they are used only over
/// TLS, unless `imap_set_plaintext_password(client, 1)` allows them on a plain connection;
/// never the LOGIN command when the server says LOGINDISABLED. SASL-IR is used when offered.
/// `imap_client_auth_mechanism` tells which was used. Nothing usable: `IMAP_CODE_UNSUPPORTED`
/// with a message naming what the server offers, and nothing is sent. Otherwise the results of
/// the mechanism used (`imap_login_scram`, `imap_login_cram_md5`, `imap_login_plain`,
/// `imap_login`).
///
/// # Safety
/// As `imap_login_plain`.
#[no_mangle]
pub unsafe extern "C" fn imap_login_auto(
    client: *mut ImapClient,
    user: *const c_char,
    password: *const c_char,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run(client, out, |s| {
        s.login_auto(text(user, "user")?, text(password, "password")?)
    })
}

/// Whether `imap_login_auto` may send the password itself (PLAIN, the LOGIN command) over a
/// connection without TLS when the server offers nothing better (`allow` 1) or not (0, the
/// default: `IMAP_CODE_UNSUPPORTED` instead). The imaplib-style calls (`imap_login`,
/// `imap_login_plain`) always do what they are asked.
///
/// # Safety
/// `client` is a live handle.
#[no_mangle]
pub unsafe extern "C" fn imap_set_plaintext_password(
    client: *mut ImapClient,
    allow: i32,
) -> ImapCode {
    reconfigure(client, |cfg| {
        cfg.allow_plaintext_password = allow != 0;
        Ok(())
    })
}

/// Starts IDLE (imaplib 3.14's `idle()`): sends IDLE and waits for the server's `+`. Data: the
/// continuation text. The state becomes `IMAP_STATE_IDLING`: only `imap_idle_wait`,
/// `imap_idle_done`, `imap_interrupt` and accessors are allowed until `imap_idle_done`.
/// Without the IDLE capability: `IMAP_CODE_UNSUPPORTED` in every state (the capability is
/// checked before the state), nothing sent. Refused by the server:
/// `IMAP_CODE_NO`.
///
/// # Safety
/// `client` is a live handle; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_idle_start(
    client: *mut ImapClient,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run(client, out, |s| s.idle_start())
}

/// Waits up to `timeout_ms` for the next response during IDLE. If one arrives: `IMAP_CODE_OK`
/// and `*out` holds it, its type the response name (`"EXISTS"`, `"FETCH"`, and for a response
/// code such as `[ALERT]` first the `"OK"` response, then the code) and its data imaplib's items.
/// If the time passes first: `IMAP_CODE_OK` and `*out` is NULL; the connection stays usable.
/// imaplib's `burst(interval)` is one wait, then waits of `interval` until one gives NULL.
///
/// # Safety
/// `client` is a live handle; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_idle_wait(
    client: *mut ImapClient,
    timeout_ms: u32,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run_opt(client, out, |s| {
        let got = s.idle_wait(Duration::from_millis(u64::from(timeout_ms)))?;
        Ok(got.map(|(typ, data)| Outcome {
            typ,
            data,
            tagged: None,
        }))
    })
}

/// Ends IDLE: sends DONE and waits for the tagged reply; the state returns to what it was.
/// Responses not taken by `imap_idle_wait` go to the untagged store (`imap_response`).
///
/// # Safety
/// `client` is a live handle; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_idle_done(
    client: *mut ImapClient,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run(client, out, |s| s.idle_done())
}

/// imaplib's `IMAP4_stream(command)`: runs `command` with `/bin/sh -c` and speaks IMAP over its
/// stdin and stdout (for example a local `imap` binary started with a user). A PREAUTH greeting
/// puts the handle in `IMAP_STATE_AUTH`. Timeouts and `imap_interrupt` work as on TCP. The
/// child is reaped when the connection closes (`imap_logout`, `imap_shutdown`,
/// `imap_client_free`).
///
/// # Safety
/// `client` is a live handle; `command` is NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn imap_open_stream(
    client: *mut ImapClient,
    command: *const c_char,
) -> ImapCode {
    configure(client, |s| s.open_stream(text(command, "command")?))
}

/// imaplib's `send`: sends one raw line (CRLF is added). CR, LF or NUL in `line` gives
/// `IMAP_CODE_INVALID_ARGUMENT` and nothing is sent. Not allowed during IDLE.
///
/// # Safety
/// `client` is a live handle; `line` points to `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn imap_send_line(
    client: *mut ImapClient,
    line: *const u8,
    len: usize,
) -> ImapCode {
    configure(client, |s| s.send_line(bytes(line, len, "line")?))
}

/// imaplib's `readline`, made safe: the next whole response, unparsed, within `timeout_ms`.
/// `*out` holds one item per line (a line followed by a literal is a LITERAL item); its type is
/// `"RAW"`. If the time passes first: `IMAP_CODE_OK` with `*out` NULL. The session's framing
/// and limits apply; responses read this way do not reach the untagged store.
///
/// # Safety
/// `client` is a live handle; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_read_response(
    client: *mut ImapClient,
    timeout_ms: u32,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run_opt(client, out, |s| {
        let got = s.read_raw(Duration::from_millis(u64::from(timeout_ms)))?;
        Ok(got.map(|data| Outcome {
            typ: "RAW".into(),
            data,
            tagged: None,
        }))
    })
}

/// imaplib's `socket()`: the connection's file descriptor, for poll/select only (reading or
/// writing it directly corrupts the session; a TCP socket is in non-blocking mode, as the
/// library waits with poll); -1 if closed or `client` is NULL.
///
/// # Safety
/// `client` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn imap_client_fd(client: *mut ImapClient) -> i32 {
    view(client, -1, |v| v.fd)
}
