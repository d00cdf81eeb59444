//! `imap_<enum>_name`: the C constant's name of a value of every public enum, from the enum's
//! one declaration (`#[derive(CEnum)]`, see `libimap-derive`). Each takes the value as an
//! integer, so a number outside the enum (a newer library's value, a caller's mistake) gives
//! `"IMAP_<ENUM>_UNKNOWN"` instead of undefined behaviour. Static strings, never freed; any
//! thread.

use super::client::{ImapState, ImapTlsMode, ImapTlsVersion};
use super::panic::boundary;
use super::parsed::codes::{ImapMailboxEncoding, ImapResponseCodeKind};
use super::parsed::fetch::{ImapAddressKind, ImapSectionKind, ImapSectionText};
use super::parsed::ImapInvalidKind;
use super::result::ImapItemKind;
use super::stream::ImapTransfer;
use super::typed::ImapArgKind;
use std::ffi::c_char;

/// The name of an `imap_state` value (`"IMAP_STATE_SELECTED"`), or `"IMAP_STATE_UNKNOWN"`.
#[no_mangle]
pub extern "C" fn imap_state_name(value: i32) -> *const c_char {
    boundary(|| ImapState::name_of(value))
}

/// The name of an `imap_tls_mode` value (`"IMAP_TLS_MODE_STARTTLS"`), or
/// `"IMAP_TLS_MODE_UNKNOWN"`.
#[no_mangle]
pub extern "C" fn imap_tls_mode_name(value: i32) -> *const c_char {
    boundary(|| ImapTlsMode::name_of(value))
}

/// The name of an `imap_response_code_kind` value (`"IMAP_RESPONSE_CODE_KIND_APPENDUID"`), or
/// `"IMAP_RESPONSE_CODE_KIND_UNKNOWN"`.
#[no_mangle]
pub extern "C" fn imap_response_code_kind_name(value: i32) -> *const c_char {
    boundary(|| ImapResponseCodeKind::name_of(value))
}

/// The name of an `imap_invalid_kind` value (`"IMAP_INVALID_KIND_SYNTAX"`), or
/// `"IMAP_INVALID_KIND_UNKNOWN"`.
#[no_mangle]
pub extern "C" fn imap_invalid_kind_name(value: i32) -> *const c_char {
    boundary(|| ImapInvalidKind::name_of(value))
}

/// The name of an `imap_address_kind` value (`"IMAP_ADDRESS_KIND_GROUP_START"`), or
/// `"IMAP_ADDRESS_KIND_UNKNOWN"`.
#[no_mangle]
pub extern "C" fn imap_address_kind_name(value: i32) -> *const c_char {
    boundary(|| ImapAddressKind::name_of(value))
}

/// The name of an `imap_section_kind` value (`"IMAP_SECTION_KIND_BINARY"`), or
/// `"IMAP_SECTION_KIND_UNKNOWN"`.
#[no_mangle]
pub extern "C" fn imap_section_kind_name(value: i32) -> *const c_char {
    boundary(|| ImapSectionKind::name_of(value))
}

/// The name of an `imap_section_text` value (`"IMAP_SECTION_TEXT_HEADER_FIELDS"`), or
/// `"IMAP_SECTION_TEXT_UNKNOWN"`.
#[no_mangle]
pub extern "C" fn imap_section_text_name(value: i32) -> *const c_char {
    boundary(|| ImapSectionText::name_of(value))
}

/// The name of an `imap_item_kind` value (`"IMAP_ITEM_KIND_LITERAL"`), or
/// `"IMAP_ITEM_KIND_UNKNOWN"`.
#[no_mangle]
pub extern "C" fn imap_item_kind_name(value: i32) -> *const c_char {
    boundary(|| ImapItemKind::name_of(value))
}

/// The name of an `imap_mailbox_encoding` value (`"IMAP_MAILBOX_ENCODING_RAW"`), or
/// `"IMAP_MAILBOX_ENCODING_UNKNOWN"`.
#[no_mangle]
pub extern "C" fn imap_mailbox_encoding_name(value: i32) -> *const c_char {
    boundary(|| ImapMailboxEncoding::name_of(value))
}

/// The name of an `imap_arg_kind` value (`"IMAP_ARG_KIND_STRING"`), or
/// `"IMAP_ARG_KIND_UNKNOWN"`.
#[no_mangle]
pub extern "C" fn imap_arg_kind_name(value: i32) -> *const c_char {
    boundary(|| ImapArgKind::name_of(value))
}

/// The name of an `imap_transfer` value (`"IMAP_TRANSFER_UPLOAD"`), or
/// `"IMAP_TRANSFER_UNKNOWN"`.
#[no_mangle]
pub extern "C" fn imap_transfer_name(value: i32) -> *const c_char {
    boundary(|| ImapTransfer::name_of(value))
}

/// The name of an `imap_tls_version` value (`"IMAP_TLS_VERSION_TLS13"`), or
/// `"IMAP_TLS_VERSION_UNKNOWN"`.
#[no_mangle]
pub extern "C" fn imap_tls_version_name(value: i32) -> *const c_char {
    boundary(|| ImapTlsVersion::name_of(value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::code::ImapCode;
    use std::ffi::CStr;

    /// Every value's name is the constant cbindgen wrote into include/imap.h with that number,
    /// and every constant of the header's enum is covered.
    fn check<T: Copy + Into<i32>>(
        all: &[T],
        name: impl Fn(T) -> &'static CStr,
        c_fn: extern "C" fn(i32) -> *const c_char,
    ) {
        let header =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/include/imap.h"))
                .expect("include/imap.h");
        let first = name(all[0]).to_str().unwrap().to_string();
        let prefix = &first[..first.len() - first.rsplit('_').next().unwrap().len()];
        let mut seen = 0;
        for &v in all {
            let n = name(v).to_str().unwrap();
            let line = format!("  {n} = {},", v.into());
            assert!(header.contains(&line), "{line} is not in imap.h");
            // SAFETY: the name functions give static NUL-terminated strings.
            assert_eq!(
                unsafe { CStr::from_ptr(c_fn(v.into())) }.to_str().unwrap(),
                n
            );
            seen += 1;
        }
        let in_header = header
            .lines()
            .filter(|l| l.trim_start().starts_with(prefix) && l.contains(" = "))
            .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
            .count();
        assert!(in_header >= seen);
        // SAFETY: as above.
        let unknown = unsafe { CStr::from_ptr(c_fn(-1)) }
            .to_str()
            .unwrap()
            .to_string();
        assert_eq!(unknown, format!("{prefix}UNKNOWN"));
        // SAFETY: as above.
        let unknown = unsafe { CStr::from_ptr(c_fn(1000)) }
            .to_str()
            .unwrap()
            .to_string();
        assert_eq!(unknown, format!("{prefix}UNKNOWN"));
    }

    #[test]
    fn every_enum_names_its_header_constants() {
        check(ImapState::ALL, ImapState::c_name, imap_state_name);
        check(ImapTlsMode::ALL, ImapTlsMode::c_name, imap_tls_mode_name);
        check(
            ImapResponseCodeKind::ALL,
            ImapResponseCodeKind::c_name,
            imap_response_code_kind_name,
        );
        check(
            ImapInvalidKind::ALL,
            ImapInvalidKind::c_name,
            imap_invalid_kind_name,
        );
        check(
            ImapAddressKind::ALL,
            ImapAddressKind::c_name,
            imap_address_kind_name,
        );
        check(
            ImapSectionKind::ALL,
            ImapSectionKind::c_name,
            imap_section_kind_name,
        );
        check(
            ImapSectionText::ALL,
            ImapSectionText::c_name,
            imap_section_text_name,
        );
        check(ImapItemKind::ALL, ImapItemKind::c_name, imap_item_kind_name);
        check(
            ImapMailboxEncoding::ALL,
            ImapMailboxEncoding::c_name,
            imap_mailbox_encoding_name,
        );
        check(ImapArgKind::ALL, ImapArgKind::c_name, imap_arg_kind_name);
        check(ImapTransfer::ALL, ImapTransfer::c_name, imap_transfer_name);
        check(
            ImapTlsVersion::ALL,
            ImapTlsVersion::c_name,
            imap_tls_version_name,
        );
        check(
            crate::ffi::client::ImapLimit::ALL,
            crate::ffi::client::ImapLimit::c_name,
            crate::ffi::client::imap_limit_name,
        );
        check(
            ImapCode::ALL,
            ImapCode::c_name,
            crate::ffi::code::imap_code_name,
        );
    }

    #[test]
    fn integers_convert_both_ways() {
        for &s in ImapSectionText::ALL {
            assert_eq!(ImapSectionText::try_from(i32::from(s)), Ok(s));
        }
        assert_eq!(ImapState::try_from(5), Err(5));
        assert_eq!(
            ImapCode::Parse.description().to_str(),
            Ok("server data could not be parsed")
        );
        assert_eq!(
            ImapState::Idling.description().to_str(),
            Ok("Between `imap_idle_start` and `imap_idle_done` (imaplib's `IDLING`)")
        );
        assert_eq!(ImapState::Auth.description().to_str(), Ok("auth"));
    }
}
