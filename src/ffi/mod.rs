//! The C ABI. Thin and mechanical: every `extern "C"` function catches panics (one boundary,
//! `panic.rs`), checks its pointers, converts arguments, calls the session, and converts the
//! result back. No IMAP is spoken here.
//!
//! Conventions: fallible functions return an [`code::ImapCode`]; outputs are out-parameters,
//! last; what the library allocates, the library frees (`imap_result_free`,
//! `imap_string_free`, `imap_client_free`).

pub mod auth;
pub mod call_error;
pub mod client;
pub mod code;
pub mod commands;
pub mod compose;
pub mod compress;
pub mod condstore;
pub mod extensions;
pub mod lent;
pub mod names;
pub(crate) mod panic;
pub mod parsed;
pub mod pipeline;
pub mod result;
pub mod rev2;
pub mod stream;
pub mod typed;
pub mod util;
pub mod version;

use crate::session::{Error, ErrorKind};
use std::ffi::{c_char, CStr};

/// A required NUL-terminated UTF-8 string argument.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string valid for the call.
pub(crate) unsafe fn text<'a>(p: *const c_char, what: &str) -> Result<&'a str, Error> {
    opt_text(p, what)?.ok_or_else(|| Error::invalid(format!("{what} is NULL")))
}

/// An optional string argument: NULL is `None`.
///
/// # Safety
/// As [`text`].
pub(crate) unsafe fn opt_text<'a>(p: *const c_char, what: &str) -> Result<Option<&'a str>, Error> {
    if p.is_null() {
        return Ok(None);
    }
    CStr::from_ptr(p)
        .to_str()
        .map(Some)
        .map_err(|_| Error::invalid(format!("{what} is not valid UTF-8")))
}

/// An array of `n` strings, each required.
///
/// # Safety
/// As [`opt_texts`], with no NULL entries.
pub(crate) unsafe fn texts<'a>(
    p: *const *const c_char,
    n: usize,
    what: &str,
) -> Result<Vec<&'a str>, Error> {
    opt_texts(p, n, what)?
        .into_iter()
        .enumerate()
        .map(|(i, s)| s.ok_or_else(|| Error::invalid(format!("{what}[{i}] is NULL"))))
        .collect()
}

/// `n` optional strings: NULL entries are `None`.
///
/// # Safety
/// `p` is NULL (then `n` must be 0) or points to `n` pointers, each NULL or a NUL-terminated
/// string valid for the call.
pub(crate) unsafe fn opt_texts<'a>(
    p: *const *const c_char,
    n: usize,
    what: &str,
) -> Result<Vec<Option<&'a str>>, Error> {
    if n == 0 {
        return Ok(Vec::new());
    }
    if p.is_null() {
        return Err(Error::invalid(format!(
            "{what} is NULL but its count is {n}"
        )));
    }
    std::slice::from_raw_parts(p, n)
        .iter()
        .enumerate()
        .map(|(i, &s)| opt_text(s, &format!("{what}[{i}]")))
        .collect()
}

/// A byte buffer argument (may contain NUL; NULL is allowed when `len` is 0).
///
/// # Safety
/// `p` points to `len` readable bytes, or `len` is 0.
pub(crate) unsafe fn bytes<'a>(p: *const u8, len: usize, what: &str) -> Result<&'a [u8], Error> {
    match (p.is_null(), len) {
        (_, 0) => Ok(&[]),
        (true, _) => Err(Error::new(
            ErrorKind::InvalidArgument,
            format!("{what} is NULL but its length is {len}"),
        )),
        (false, _) => Ok(std::slice::from_raw_parts(p, len)),
    }
}
