//! Status codes. The numbers are part of the ABI and never change meaning. The enum's names
//! and descriptions come from its declaration (`#[derive(CEnum)]`, see `libimap-derive`).

use crate::session::ErrorKind;
use std::ffi::c_char;

/// Status code returned by every fallible `imap_*` function. Numbers are stable.
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, libimap_derive::CEnum)]
pub enum ImapCode {
    /// Success (tagged OK, or LOGOUT's BYE).
    #[c_enum(desc = "success")]
    Ok = 0,
    /// The server answered NO. The connection is still usable; the result holds the text.
    #[c_enum(desc = "the server answered NO")]
    No = 1,
    /// The server answered BAD (imaplib's `error`). The connection is still usable.
    #[c_enum(desc = "the server answered BAD")]
    Bad = 2,
    /// Connection lost, BYE, or protocol violation (imaplib's `abort`). The connection is closed:
    /// every code documented as closing the connection (ABORT, TIMEOUT, INTERRUPTED, TLS, LIMIT,
    /// CONNECT, INTERNAL) always leaves `imap_client_is_open` false.
    #[c_enum(desc = "connection aborted")]
    Abort = 3,
    /// The mailbox is read-only (imaplib's `readonly`).
    #[c_enum(desc = "mailbox is read-only")]
    Readonly = 4,
    /// A NULL pointer, invalid UTF-8, or NUL/CR/LF where it would reach the wire. Nothing was sent.
    #[c_enum(desc = "invalid argument")]
    InvalidArgument = 10,
    /// The command is not allowed in the current state. Nothing was sent.
    #[c_enum(desc = "command illegal in this state")]
    IllegalState = 11,
    /// A connect timeout, an I/O timeout (no byte moved for that long, either way) or a
    /// call's deadline (`imap_set_call_timeout`). The connection is closed.
    #[c_enum(desc = "timed out")]
    Timeout = 12,
    /// `imap_interrupt` ended the call. The connection is closed.
    #[c_enum(desc = "interrupted")]
    Interrupted = 13,
    /// TLS failure: certificate, handshake, STARTTLS refused or tampered with. Closed.
    #[c_enum(desc = "TLS failure")]
    Tls = 14,
    /// A configured memory limit was exceeded. The connection is closed.
    #[c_enum(desc = "limit exceeded")]
    Limit = 15,
    /// The connection is closed (never opened, logged out, or closed by an earlier failure).
    #[c_enum(desc = "connection closed")]
    Closed = 16,
    /// The TCP connection could not be made (name resolution, refused, unreachable).
    #[c_enum(desc = "cannot connect")]
    Connect = 17,
    /// An internal error (a bug); the connection is closed.
    #[c_enum(desc = "internal error")]
    Internal = 18,
    /// The server does not offer what was asked (an AUTH= mechanism, IDLE, ENABLE); nothing
    /// was sent. The connection is still usable.
    #[c_enum(desc = "not supported by the server")]
    Unsupported = 19,
    /// Server data that an `imap_parse_*` function could not read completely. The parsed
    /// object is still delivered (free it): it lists each unparsable response with its raw
    /// bytes, and everything else parsed.
    #[c_enum(desc = "server data could not be parsed")]
    Parse = 20,
    /// A streaming call's callback asked to stop (`imap_fetch_each`): the rest of the command
    /// was read and dropped. The connection is still usable.
    #[c_enum(desc = "stopped by the callback")]
    Stopped = 21,
}

impl From<ErrorKind> for ImapCode {
    fn from(k: ErrorKind) -> Self {
        match k {
            ErrorKind::No => ImapCode::No,
            ErrorKind::Bad => ImapCode::Bad,
            ErrorKind::Abort => ImapCode::Abort,
            ErrorKind::ReadOnly => ImapCode::Readonly,
            ErrorKind::InvalidArgument => ImapCode::InvalidArgument,
            ErrorKind::IllegalState => ImapCode::IllegalState,
            ErrorKind::Timeout => ImapCode::Timeout,
            ErrorKind::Interrupted => ImapCode::Interrupted,
            ErrorKind::Tls => ImapCode::Tls,
            ErrorKind::Limit => ImapCode::Limit,
            ErrorKind::Closed => ImapCode::Closed,
            ErrorKind::Connect => ImapCode::Connect,
            ErrorKind::Unsupported => ImapCode::Unsupported,
        }
    }
}

/// The symbolic name of a code (`"IMAP_CODE_NO"`), or `"IMAP_CODE_UNKNOWN"`. Static string;
/// never free it.
#[no_mangle]
pub extern "C" fn imap_code_name(code: i32) -> *const c_char {
    ImapCode::name_of(code)
}

/// A short English description of a code (`"the server answered NO"`). Static string; never
/// free it.
#[no_mangle]
pub extern "C" fn imap_code_str(code: i32) -> *const c_char {
    ImapCode::from_i32(code).map_or(c"unknown status code".as_ptr(), |c| {
        c.description().as_ptr()
    })
}
