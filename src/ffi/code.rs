//! Status codes. The numbers are part of the ABI and never change meaning.

use crate::session::ErrorKind;
use std::ffi::{c_char, CStr};

/// Status code returned by every fallible `imap_*` function. Numbers are stable.
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImapCode {
    /// Success (tagged OK, or LOGOUT's BYE).
    Ok = 0,
    /// The server answered NO. The connection is still usable; the result holds the text.
    No = 1,
    /// The server answered BAD (imaplib's `error`). The connection is still usable.
    Bad = 2,
    /// Connection lost, BYE, or protocol violation (imaplib's `abort`). The connection is closed:
    /// every code documented as closing the connection (ABORT, TIMEOUT, INTERRUPTED, TLS, LIMIT,
    /// CONNECT, INTERNAL) always leaves `imap_client_is_open` false.
    Abort = 3,
    /// The mailbox is read-only (imaplib's `readonly`).
    Readonly = 4,
    /// A NULL pointer, invalid UTF-8, or NUL/CR/LF where it would reach the wire. Nothing was sent.
    InvalidArgument = 10,
    /// The command is not allowed in the current state. Nothing was sent.
    IllegalState = 11,
    /// A connect timeout, an I/O timeout (no byte moved for that long, either way) or a
    /// call's deadline (`imap_set_call_timeout`). The connection is closed.
    Timeout = 12,
    /// `imap_interrupt` ended the call. The connection is closed.
    Interrupted = 13,
    /// TLS failure: certificate, handshake, STARTTLS refused or tampered with. Closed.
    Tls = 14,
    /// A configured memory limit was exceeded. The connection is closed.
    Limit = 15,
    /// The connection is closed (never opened, logged out, or closed by an earlier failure).
    Closed = 16,
    /// The TCP connection could not be made (name resolution, refused, unreachable).
    Connect = 17,
    /// An internal error (a bug); the connection is closed.
    Internal = 18,
    /// The server does not offer what was asked (an AUTH= mechanism, IDLE, ENABLE); nothing
    /// was sent. The connection is still usable.
    Unsupported = 19,
    /// Server data that an `imap_parse_*` function could not read completely. The parsed
    /// object is still delivered (free it): it lists each unparsable response with its raw
    /// bytes, and everything else parsed.
    Parse = 20,
    /// A streaming call's callback asked to stop (`imap_fetch_each`): the rest of the command
    /// was read and dropped. The connection is still usable.
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

impl ImapCode {
    fn strings(self) -> (&'static CStr, &'static CStr) {
        match self {
            ImapCode::Ok => (c"IMAP_CODE_OK", c"success"),
            ImapCode::No => (c"IMAP_CODE_NO", c"the server answered NO"),
            ImapCode::Bad => (c"IMAP_CODE_BAD", c"the server answered BAD"),
            ImapCode::Abort => (c"IMAP_CODE_ABORT", c"connection aborted"),
            ImapCode::Readonly => (c"IMAP_CODE_READONLY", c"mailbox is read-only"),
            ImapCode::InvalidArgument => (c"IMAP_CODE_INVALID_ARGUMENT", c"invalid argument"),
            ImapCode::IllegalState => {
                (c"IMAP_CODE_ILLEGAL_STATE", c"command illegal in this state")
            }
            ImapCode::Timeout => (c"IMAP_CODE_TIMEOUT", c"timed out"),
            ImapCode::Interrupted => (c"IMAP_CODE_INTERRUPTED", c"interrupted"),
            ImapCode::Tls => (c"IMAP_CODE_TLS", c"TLS failure"),
            ImapCode::Limit => (c"IMAP_CODE_LIMIT", c"limit exceeded"),
            ImapCode::Closed => (c"IMAP_CODE_CLOSED", c"connection closed"),
            ImapCode::Connect => (c"IMAP_CODE_CONNECT", c"cannot connect"),
            ImapCode::Unsupported => (c"IMAP_CODE_UNSUPPORTED", c"not supported by the server"),
            ImapCode::Internal => (c"IMAP_CODE_INTERNAL", c"internal error"),
            ImapCode::Parse => (c"IMAP_CODE_PARSE", c"server data could not be parsed"),
            ImapCode::Stopped => (c"IMAP_CODE_STOPPED", c"stopped by the callback"),
        }
    }

    fn from_i32(code: i32) -> Option<Self> {
        use ImapCode::*;
        [
            Ok,
            No,
            Bad,
            Abort,
            Readonly,
            InvalidArgument,
            IllegalState,
            Timeout,
            Interrupted,
            Tls,
            Limit,
            Closed,
            Connect,
            Internal,
            Unsupported,
            Parse,
            Stopped,
        ]
        .into_iter()
        .find(|c| *c as i32 == code)
    }
}

/// The symbolic name of a code (`"IMAP_CODE_NO"`), or `"IMAP_CODE_UNKNOWN"`. Static string;
/// never free it.
#[no_mangle]
pub extern "C" fn imap_code_name(code: i32) -> *const c_char {
    ImapCode::from_i32(code).map_or(c"IMAP_CODE_UNKNOWN".as_ptr(), |c| c.strings().0.as_ptr())
}

/// A short English description of a code (`"the server answered NO"`). Static string; never
/// free it.
#[no_mangle]
pub extern "C" fn imap_code_str(code: i32) -> *const c_char {
    ImapCode::from_i32(code).map_or(c"unknown status code".as_ptr(), |c| c.strings().1.as_ptr())
}
