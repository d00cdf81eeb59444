//! The library version, at compile time (the `IMAP_VERSION_*` macros of imap.h) and at run time
//! (`imap_version`, `imap_version_number`).
//!
//! cbindgen copies the constants' literal values into the header, so they are written out
//! here; the `const` assertions below compare them with Cargo's version (CARGO_PKG_VERSION*),
//! so the crate does not build when they drift apart. `IMAP_VERSION_STRING` is made from them
//! by the preprocessor (cbindgen.toml's `after_includes`).

use super::panic::boundary;
use std::ffi::c_char;

/// Major version of the libimap headers (the `N` of the SONAME `libimap.so.N`).
pub const IMAP_VERSION_MAJOR: i32 = 1;
/// Minor version of the libimap headers.
pub const IMAP_VERSION_MINOR: i32 = 2;
/// Patch version of the libimap headers.
pub const IMAP_VERSION_PATCH: i32 = 0;
/// The version of the libimap headers as one number, `MAJOR * 10000 + MINOR * 100 + PATCH`,
/// for `#if IMAP_VERSION_NUMBER >= 10000` (1.0.0) and comparison with `imap_version_number()`.
pub const IMAP_VERSION_NUMBER: i32 = 10200;

/// `s` (ASCII decimal digits) as a number, at compile time.
const fn parse(s: &str) -> i32 {
    let b = s.as_bytes();
    let mut i = 0;
    let mut n = 0;
    while i < b.len() {
        assert!(b[i].is_ascii_digit());
        n = n * 10 + (b[i] - b'0') as i32;
        i += 1;
    }
    n
}

// Edit the constants above together with Cargo.toml's version; the build fails otherwise.
const _: () = {
    assert!(IMAP_VERSION_MAJOR == parse(env!("CARGO_PKG_VERSION_MAJOR")));
    assert!(IMAP_VERSION_MINOR == parse(env!("CARGO_PKG_VERSION_MINOR")));
    assert!(IMAP_VERSION_PATCH == parse(env!("CARGO_PKG_VERSION_PATCH")));
    assert!(
        IMAP_VERSION_NUMBER
            == IMAP_VERSION_MAJOR * 10000 + IMAP_VERSION_MINOR * 100 + IMAP_VERSION_PATCH
    );
};

/// NUL-terminated copy of Cargo's version for `imap_version`.
static VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");

/// The version of the loaded library, `"MAJOR.MINOR.PATCH"` (compare with the header's
/// `IMAP_VERSION_STRING` to detect a header/library mismatch). Static string; never free it.
/// Safe to call from any thread, at any time, before any other call.
#[no_mangle]
pub extern "C" fn imap_version() -> *const c_char {
    boundary(|| VERSION.as_ptr().cast())
}

/// The version of the loaded library as one number, `MAJOR * 10000 + MINOR * 100 + PATCH`
/// (the form of `IMAP_VERSION_NUMBER`). Safe to call from any thread, at any time.
#[no_mangle]
pub extern "C" fn imap_version_number() -> i32 {
    boundary(|| IMAP_VERSION_NUMBER)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    #[test]
    fn runtime_version_is_cargos() {
        let v = unsafe { CStr::from_ptr(imap_version()) }.to_str().unwrap();
        assert_eq!(v, env!("CARGO_PKG_VERSION"));
        let numbers = format!("{IMAP_VERSION_MAJOR}.{IMAP_VERSION_MINOR}.{IMAP_VERSION_PATCH}");
        assert_eq!(v, numbers);
        assert_eq!(imap_version_number(), IMAP_VERSION_NUMBER);
    }
}
