//! C functions for imaplib's module utilities (`Int2AP`, `ParseFlags`,
//! `Internaldate2tuple`, `Time2Internaldate`). They need no handle, keep no state and may be
//! called from any thread at any time. Malformed input gives `IMAP_CODE_INVALID_ARGUMENT`
//! (there is no handle, so no `imap_last_error` message).

use super::bytes;
use super::code::ImapCode;
use super::panic::boundary;
use super::result::ImapResult;
use crate::proto::imaplib::{self, DateTime, Tm};
use crate::proto::response::Item;
use crate::session::Outcome;
use std::ffi::{c_char, CString};
use std::ptr;

/// Stores `s` in `*out` as a string the caller frees with `imap_string_free`.
///
/// # Safety
/// `out` is writable.
unsafe fn give_string(s: Vec<u8>, out: *mut *mut c_char) -> ImapCode {
    match CString::new(s) {
        Ok(c) => {
            *out = c.into_raw();
            ImapCode::Ok
        }
        Err(_) => ImapCode::InvalidArgument,
    }
}

/// imaplib's `Int2AP(num)`: the base-16 digits of |`num`| written with the letters `A`..`P`
/// (`4096` gives `"BAAA"`, `0` gives `""`). `*out` receives a new string to free with
/// `imap_string_free`.
///
/// # Safety
/// `out` is a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn imap_int2ap(num: i64, out: *mut *mut c_char) -> ImapCode {
    boundary(|| {
        if out.is_null() {
            return ImapCode::InvalidArgument;
        }
        *out = ptr::null_mut();
        give_string(imaplib::int2ap(num), out)
    })
}

/// imaplib's `ParseFlags(resp)`: the flags of the last `FLAGS (...)` (or
/// `PERMANENTFLAGS (...)`) in the `len` bytes at `resp`. `*out` receives a result of type
/// `"FLAGS"` with one `IMAP_ITEM_KIND_LINE` item per flag (`\Seen`), none if there is no flag
/// list (imaplib's `()`); free it with `imap_result_free`.
///
/// # Safety
/// `resp` points to `len` readable bytes (or `len` is 0); `out` is a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn imap_parse_flags(
    resp: *const u8,
    len: usize,
    out: *mut *mut ImapResult,
) -> ImapCode {
    boundary(|| {
        if out.is_null() {
            return ImapCode::InvalidArgument;
        }
        *out = ptr::null_mut();
        let Ok(resp) = bytes(resp, len, "resp") else {
            return ImapCode::InvalidArgument;
        };
        let outcome = Outcome {
            typ: "FLAGS".into(),
            data: imaplib::parse_flags(resp)
                .into_iter()
                .map(Item::Line)
                .collect(),
            tagged: None,
        };
        *out = Box::into_raw(ImapResult::new(outcome));
        ImapCode::Ok
    })
}

/// imaplib's `Internaldate2tuple(resp)`: finds the last `INTERNALDATE "DD-Mon-YYYY HH:MM:SS
/// +HHMM"` in the `len` bytes at `resp`. If there is one, `*found` is 1, `*utc_seconds` the
/// instant (seconds since 1970-01-01 UTC), `*offset_seconds` the zone written in the date
/// (seconds east of UTC) and `*tm` the date as written (normalised), at that offset. If there
/// is none, `*found` is 0 (imaplib's `None`) and the other outputs are zeroed. Returns
/// `IMAP_CODE_INVALID_ARGUMENT` for a date of the right shape with an unknown month (imaplib's
/// `KeyError`) or year 0. Every output pointer may be NULL when not wanted.
///
/// Unlike imaplib, the broken-down time is not converted to the process's local time zone.
///
/// # Safety
/// `resp` points to `len` readable bytes (or `len` is 0); the outputs are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_internaldate2tuple(
    resp: *const u8,
    len: usize,
    found: *mut i32,
    utc_seconds: *mut i64,
    offset_seconds: *mut i32,
    tm: *mut Tm,
) -> ImapCode {
    boundary(|| {
        let Ok(resp) = bytes(resp, len, "resp") else {
            return ImapCode::InvalidArgument;
        };
        let (code, date) = match imaplib::internaldate2tuple(resp) {
            Ok(d) => (ImapCode::Ok, d),
            Err(_) => (ImapCode::InvalidArgument, None),
        };
        if let Some(f) = found.as_mut() {
            *f = i32::from(date.is_some());
        }
        if let Some(s) = utc_seconds.as_mut() {
            *s = date.map_or(0, |d| d.utc_seconds);
        }
        if let Some(o) = offset_seconds.as_mut() {
            *o = date.map_or(0, |d| d.offset_seconds);
        }
        if let Some(t) = tm.as_mut() {
            *t = date.map_or(Tm::default(), |d| d.tm);
        }
        code
    })
}

/// imaplib's `Time2Internaldate` for an instant: `utc_seconds` (since 1970-01-01 UTC) shown
/// at `offset_seconds` east of UTC (imaplib uses the process's local zone instead).
/// `*out` receives `"\"DD-Mon-YYYY HH:MM:SS +HHMM\""` (double quotes included, ready for
/// `imap_append`), to free with `imap_string_free`. `IMAP_CODE_INVALID_ARGUMENT` for an
/// offset that is not whole minutes within ±24 hours, or a year outside 1..9999.
///
/// # Safety
/// `out` is a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn imap_time2internaldate(
    utc_seconds: i64,
    offset_seconds: i32,
    out: *mut *mut c_char,
) -> ImapCode {
    boundary(|| {
        if out.is_null() {
            return ImapCode::InvalidArgument;
        }
        *out = ptr::null_mut();
        match imaplib::time2internaldate(DateTime::Seconds {
            seconds: utc_seconds,
            offset: offset_seconds,
        }) {
            Ok(s) => give_string(s.into_bytes(), out),
            Err(_) => ImapCode::InvalidArgument,
        }
    })
}

/// imaplib's `Time2Internaldate` for a broken-down time: the fields of `*tm` taken as the
/// wall-clock time at `tm->offset_seconds`. `*out` receives the quoted IMAP date, to free
/// with `imap_string_free`. `IMAP_CODE_INVALID_ARGUMENT` for an invalid field (month 13,
/// 30 February, second 60...), a year outside 1..9999 or an offset that is not whole
/// minutes within ±24 hours.
///
/// # Safety
/// `tm` is NULL or readable; `out` is a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn imap_time2internaldate_tm(
    tm: *const Tm,
    out: *mut *mut c_char,
) -> ImapCode {
    boundary(|| {
        if out.is_null() {
            return ImapCode::InvalidArgument;
        }
        *out = ptr::null_mut();
        let Some(tm) = tm.as_ref().copied() else {
            return ImapCode::InvalidArgument;
        };
        match imaplib::time2internaldate(DateTime::Tm(tm)) {
            Ok(s) => give_string(s.into_bytes(), out),
            Err(_) => ImapCode::InvalidArgument,
        }
    })
}

/// Reads the line an `imap_literal_fn` is given, to tell which message and item a streamed
/// literal is: for the first line of an untagged FETCH response (`* 12 FETCH (UID 7 BODY[1]
/// {100}`), the message number in `*seq`, the UID in `*uid` (0 when that line holds no UID
/// item before the literal) and, in `*item`, the item the literal is the value of, upper case,
/// with its section and origin as sent (`"BODY[1]"`, `"BODY[]<0>"`, `"BINARY[]"`, `"RFC822"`;
/// free it with `imap_string_free`). Quoted strings and nested lists on the line are skipped
/// (a subject holding `UID 9` is not a UID). Any other line (a later line of the same
/// response, another kind of response): `IMAP_CODE_PARSE`, outputs 0 and NULL.
/// `IMAP_CODE_INVALID_ARGUMENT` for a NULL output pointer, or `line` NULL with `len` > 0.
///
/// # Safety
/// `line` points to `len` readable bytes (or `len` is 0); the outputs are writable.
#[no_mangle]
pub unsafe extern "C" fn imap_literal_owner(
    line: *const u8,
    len: usize,
    seq: *mut u32,
    uid: *mut u32,
    item: *mut *mut c_char,
) -> ImapCode {
    boundary(|| {
        if seq.is_null() || uid.is_null() || item.is_null() {
            return ImapCode::InvalidArgument;
        }
        (*seq, *uid, *item) = (0, 0, ptr::null_mut());
        let Ok(line) = bytes(line, len, "line") else {
            return ImapCode::InvalidArgument;
        };
        let Some(owner) = crate::proto::fetch_items::literal_owner(line) else {
            return ImapCode::Parse;
        };
        *seq = owner.seq;
        *uid = owner.uid.unwrap_or(0);
        give_string(owner.item.into_bytes(), item)
    })
}
