//! The protocol core. It does no I/O at all: bytes in, typed responses out; commands in, bytes out.
//!
//! - [`framer`] cuts the server's byte stream into lines and literals under limits;
//! - [`response`] assembles those fragments into whole responses (lines plus literals);
//! - [`parse`] classifies a response (tagged, untagged, continuation) and reads response codes;
//! - [`encode`] builds command lines with imaplib's quoting rules and literals;
//! - [`secret`] holds the [`secret::Secret`] type and the redactor of echoed secrets;
//! - [`util`] holds pure helpers (tag prefixes, CRLF normalisation);
//! - [`imaplib`] holds imaplib's module utilities (`Int2AP`, `ParseFlags`, dates);
//! - [`parsed`] turns raw results into structures (FETCH, mailbox data, codes, modified
//!   UTF-7, RFC 2047).

pub mod encode;
pub mod fetch_items;
pub mod framer;
pub mod imaplib;
pub mod parse;
pub mod parsed;
pub mod response;
pub mod secret;
pub mod store;
pub mod util;

use std::fmt;

/// What the protocol core can reject. Every variant is fatal for the connection except
/// [`ProtoError::InvalidArgument`], which is raised before anything is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProtoError {
    /// The server broke the protocol (bare LF, NUL, bad literal size, unexpected response...).
    Protocol(String),
    /// A configured limit (line, literal, response size) was exceeded.
    Limit(String),
    /// A caller-supplied argument cannot be sent (NUL, CR or LF in it, for instance).
    InvalidArgument(String),
}

impl fmt::Display for ProtoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProtoError::Protocol(m) | ProtoError::Limit(m) | ProtoError::InvalidArgument(m) => {
                f.write_str(m)
            }
        }
    }
}

impl std::error::Error for ProtoError {}

/// Limits on what the server may make us hold in memory.
///
/// Sizes of responses and of the untagged store are counted as the memory they really take:
/// every buffer by capacity plus the allocator's overhead (see [`response::alloc_cost`]), and
/// the lists and table slots that hold them. A response being received counts against the
/// room left in the untagged store (it will most likely be stored), and a buffered literal
/// counts from the moment it is announced. So the heap the server's data can take at once is
/// at most `max_untagged` plus the framer's line buffer (up to about twice `max_line` while a
/// long line arrives) and a small constant (the 64 KiB read buffer, TLS buffers), whatever
/// the server sends. Exceeding a limit fails the call with a limit error and closes the
/// connection.
///
/// The defaults: `max_untagged` 96 MiB is what a small process can afford (it is the bound
/// above) while still holding the largest literal the default sink takes (`max_literal`,
/// 64 MiB) with its response; `max_response` is the same, as a response is buffered whole.
/// Literals streamed to a sink of the caller (see [`framer::StreamSink`]) count only their
/// announcing lines, so larger messages can be fetched that way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest line, CRLF included (imaplib's `_MAXLINE`).
    pub max_line: usize,
    /// Largest literal a buffering sink accepts.
    pub max_literal: u64,
    /// Largest whole response (all its lines and buffered literals, at their memory cost).
    pub max_response: u64,
    /// Most memory the store of untagged responses takes, at its real cost; also bounds the
    /// response being received.
    pub max_untagged: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_line: 1_000_000,
            max_literal: 64 << 20,
            max_response: 96 << 20,
            max_untagged: 96 << 20,
        }
    }
}

/// Shows bytes the way imaplib's debug output does (`b'...'` without the `b`), escaping
/// everything that is not printable ASCII.
pub fn show(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len());
    for &b in bytes {
        match b {
            b'\\' => s.push_str("\\\\"),
            b'\r' => s.push_str("\\r"),
            b'\n' => s.push_str("\\n"),
            b'\t' => s.push_str("\\t"),
            0x20..=0x7e => s.push(b as char),
            _ => s.push_str(&format!("\\x{b:02x}")),
        }
    }
    s
}
