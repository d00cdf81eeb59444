//! Modified UTF-7 for mailbox names and RFC 2047 header decoding, for names and header text
//! the caller has in hand. No handle, no state: any thread, any time.

use crate::ffi::code::ImapCode;
use crate::ffi::panic::boundary;
use crate::ffi::{bytes, text};
use crate::proto::parsed::{rfc2047, utf7};
use std::ffi::{c_char, CString};
use std::ptr;

/// Stores `s` in `*out` for `imap_string_free`; a NUL inside gives
/// `IMAP_CODE_INVALID_ARGUMENT` (it could not be delivered whole).
///
/// # Safety
/// `out` is writable.
unsafe fn give_string(s: String, out: *mut *mut c_char) -> ImapCode {
    match CString::new(s) {
        Ok(c) => {
            *out = c.into_raw();
            ImapCode::Ok
        }
        Err(_) => ImapCode::InvalidArgument,
    }
}

/// Encodes the UTF-8 mailbox name `utf8` in modified UTF-7 (RFC 3501 §5.1.3):
/// `"~peter/mail/日本語"` gives `"~peter/mail/&ZeVnLIqe-"`, `"&"` gives `"&-"`. `*out`
/// receives a new string to free with `imap_string_free`. `IMAP_CODE_INVALID_ARGUMENT` for a
/// NULL pointer or invalid UTF-8.
///
/// # Safety
/// `utf8` is NULL or a NUL-terminated string; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_utf7_encode(utf8: *const c_char, out: *mut *mut c_char) -> ImapCode {
    boundary(|| {
        if out.is_null() {
            return ImapCode::InvalidArgument;
        }
        *out = ptr::null_mut();
        match text(utf8, "utf8") {
            Ok(s) => give_string(utf7::encode(s), out),
            Err(_) => ImapCode::InvalidArgument,
        }
    })
}

/// Decodes the modified UTF-7 mailbox name in the `len` bytes at `raw` to UTF-8. `*out`
/// receives a new string to free with `imap_string_free`. Strict: bytes outside printable
/// ASCII, an unterminated or malformed `&...-` run, bad padding, unpaired surrogates, base64
/// for a printable ASCII character, and a decoded NUL give `IMAP_CODE_INVALID_ARGUMENT`, as do
/// NULL pointers (`raw` may be NULL when `len` is 0).
///
/// # Safety
/// `raw` points to `len` readable bytes (or `len` is 0); `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_utf7_decode(
    raw: *const u8,
    len: usize,
    out: *mut *mut c_char,
) -> ImapCode {
    boundary(|| {
        if out.is_null() {
            return ImapCode::InvalidArgument;
        }
        *out = ptr::null_mut();
        match bytes(raw, len, "raw").map(utf7::decode) {
            Ok(Ok(s)) => give_string(s, out),
            _ => ImapCode::InvalidArgument,
        }
    })
}

/// Decodes RFC 2047 encoded words (`=?UTF-8?B?...?=`, `=?ISO-8859-1?Q?...?=`) in the header
/// text of the `len` bytes at `raw` (an ENVELOPE subject or display name, a header line) to
/// UTF-8. Whitespace between adjacent encoded words is dropped; a word with an unknown
/// charset or bad encoding is kept as written; other text is taken as UTF-8 (invalid
/// sequences become U+FFFD). `*out` receives a new string to free with `imap_string_free`.
/// `IMAP_CODE_INVALID_ARGUMENT` for NULL pointers (`raw` may be NULL when `len` is 0) or a
/// decoded NUL.
///
/// # Safety
/// `raw` points to `len` readable bytes (or `len` is 0); `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_decode_header(
    raw: *const u8,
    len: usize,
    out: *mut *mut c_char,
) -> ImapCode {
    boundary(|| {
        if out.is_null() {
            return ImapCode::InvalidArgument;
        }
        *out = ptr::null_mut();
        match bytes(raw, len, "raw") {
            Ok(b) => give_string(rfc2047::decode(b), out),
            Err(_) => ImapCode::InvalidArgument,
        }
    })
}
