//! `imap_result`: imaplib's `(typ, data)` as an owned, opaque object, freed by one call.

use super::panic::boundary;
use crate::proto::framer::LiteralData;
use crate::proto::response::Item;
use crate::session::Outcome;
use std::ffi::{c_char, c_void, CString};
use std::ptr;

/// What an `imap_item` holds.
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, libimap_derive::CEnum)]
pub enum ImapItemKind {
    /// imaplib's `None`: no response of the kind asked for. `data` is NULL.
    None = 0,
    /// A line of bytes in `data`/`len`.
    Line = 1,
    /// A `(header, literal)` pair: the line that announced the literal in `data`/`len`, the
    /// literal in `literal`/`literal_len`. A literal streamed to the callback set with
    /// `imap_set_literal_callback` has `literal == NULL` and its size in `literal_len`.
    Literal = 2,
}

/// One element of a result's data. Pointers stay valid until the result is freed; bytes are
/// not NUL-terminated and may contain NUL.
#[repr(C)]
pub struct ImapItem {
    pub kind: ImapItemKind,
    pub data: *const u8,
    pub len: usize,
    pub literal: *const u8,
    pub literal_len: usize,
    /// Since 1.2.0: the handle of the buffer lent by the allocator set with
    /// `imap_set_literal_allocator` that `literal` points into; NULL when the library
    /// buffered the literal itself (or for other kinds).
    pub literal_handle: *mut c_void,
}

/// The result of a command. Opaque; read it with the `imap_result_*` functions and free it
/// with `imap_result_free`.
pub struct ImapResult {
    typ: CString,
    status: Option<CString>,
    text: Vec<u8>,
    code: Option<CString>,
    code_data: Vec<u8>,
    items: Vec<ImapItem>,
    _data: Vec<Item>,
    /// It came while IMAP4rev2 or UTF-8 mode was in effect: its mailbox names are UTF-8.
    pub(crate) utf8_names: bool,
}

impl ImapResult {
    /// The placeholder of a call that had nothing to deliver.
    pub(crate) fn is_nothing(&self) -> bool {
        self.typ.is_empty() && self.items.is_empty() && self.status.is_none()
    }

    /// The data as the session delivered it, for the parsed views (`parsed/`).
    pub(crate) fn data(&self) -> &[Item] {
        &self._data
    }

    /// The tagged text, when a command was sent.
    pub(crate) fn tagged_text(&self) -> Option<&[u8]> {
        self.status.as_ref().map(|_| self.text.as_slice())
    }
}

fn cstring(s: &str) -> CString {
    CString::new(s.replace('\0', "")).unwrap_or_default()
}

impl ImapResult {
    pub(crate) fn new(out: Outcome) -> Box<ImapResult> {
        let code = out.code();
        let items = out
            .data
            .iter()
            .map(|item| {
                let mut streamed_len = 0;
                let mut literal_handle = ptr::null_mut();
                let (kind, data, lit): (_, &[u8], Option<&[u8]>) = match item {
                    Item::None => (ImapItemKind::None, &[], None),
                    Item::Line(l) => (ImapItemKind::Line, l, None),
                    Item::Literal(h, LiteralData::Bytes(b)) => (ImapItemKind::Literal, h, Some(b)),
                    // Streamed to the literal callback: no bytes here, only the size.
                    Item::Literal(h, LiteralData::Streamed(n)) => {
                        streamed_len = *n as usize;
                        (ImapItemKind::Literal, h, None)
                    }
                    // In a buffer the caller's allocator lent.
                    Item::Literal(h, LiteralData::External(e)) => {
                        literal_handle = e.handle() as *mut c_void;
                        (ImapItemKind::Literal, h, Some(e.bytes()))
                    }
                };
                ImapItem {
                    kind,
                    data: if kind == ImapItemKind::None {
                        ptr::null()
                    } else {
                        data.as_ptr()
                    },
                    len: data.len(),
                    literal: lit.map_or(ptr::null(), <[u8]>::as_ptr),
                    literal_len: lit.map_or(streamed_len, <[u8]>::len),
                    literal_handle,
                }
            })
            .collect();
        Box::new(ImapResult {
            typ: cstring(&out.typ),
            status: out.tagged.as_ref().map(|t| cstring(&t.status)),
            text: out.tagged.map(|t| t.text).unwrap_or_default(),
            code: code.as_ref().map(|c| cstring(&c.name)),
            code_data: code.and_then(|c| c.data).unwrap_or_default(),
            items,
            _data: out.data,
            utf8_names: false,
        })
    }
}

/// imaplib's `typ`: `"OK"`, `"NO"`, `"BAD"`, `"BYE"` (logout), or the name given to
/// `imap_response`. Valid until the result is freed. NULL if `result` is NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn imap_result_type(result: *const ImapResult) -> *const c_char {
    boundary(|| result.as_ref().map_or(ptr::null(), |r| r.typ.as_ptr()))
}

/// Number of items in the result's data (imaplib's `len(data)`; `[None]` counts 1).
///
/// # Safety
/// `result` is NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn imap_result_count(result: *const ImapResult) -> usize {
    boundary(|| result.as_ref().map_or(0, |r| r.items.len()))
}

/// Item `index` of the data, or NULL when out of range. Valid until the result is freed.
///
/// # Safety
/// `result` is NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn imap_result_item(
    result: *const ImapResult,
    index: usize,
) -> *const ImapItem {
    boundary(|| {
        result
            .as_ref()
            .and_then(|r| r.items.get(index))
            .map_or(ptr::null(), |i| i as *const ImapItem)
    })
}

/// The tagged status (`"OK"`, `"NO"`, `"BAD"`), or NULL when the call sent no command or got
/// no tagged reply (`imap_response`, LOGOUT answered by BYE).
///
/// # Safety
/// `result` is NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn imap_result_status(result: *const ImapResult) -> *const c_char {
    boundary(|| {
        result
            .as_ref()
            .and_then(|r| r.status.as_ref())
            .map_or(ptr::null(), |s| s.as_ptr())
    })
}

/// The tagged text (`"[READ-WRITE] Select completed"`): pointer and, in `*len`, its length
/// (0 when none). Not NUL-terminated.
///
/// # Safety
/// `result` is NULL or a live result; `len` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_result_text(result: *const ImapResult, len: *mut usize) -> *const u8 {
    boundary(|| {
        let (p, n) = result
            .as_ref()
            .map_or((ptr::null(), 0), |r| (r.text.as_ptr(), r.text.len()));
        if let Some(l) = len.as_mut() {
            *l = n;
        }
        p
    })
}

/// The response code name of the tagged text (`"APPENDUID"`, `"READ-WRITE"`), or NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn imap_result_code(result: *const ImapResult) -> *const c_char {
    boundary(|| {
        result
            .as_ref()
            .and_then(|r| r.code.as_ref())
            .map_or(ptr::null(), |s| s.as_ptr())
    })
}

/// The response code's data (`"38505 3955"` for `[APPENDUID 38505 3955]`), length in `*len`
/// (0 when none). Not NUL-terminated.
///
/// # Safety
/// `result` is NULL or a live result; `len` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_result_code_data(
    result: *const ImapResult,
    len: *mut usize,
) -> *const u8 {
    boundary(|| {
        let (p, n) = result.as_ref().map_or((ptr::null(), 0), |r| {
            (r.code_data.as_ptr(), r.code_data.len())
        });
        if let Some(l) = len.as_mut() {
            *l = n;
        }
        p
    })
}

/// Frees a result and everything it points to. NULL is ignored.
///
/// # Safety
/// `result` is NULL or a result not yet freed.
#[no_mangle]
pub unsafe extern "C" fn imap_result_free(result: *mut ImapResult) {
    boundary(|| {
        if !result.is_null() {
            drop(Box::from_raw(result));
        }
    })
}
