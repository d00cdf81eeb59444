//! libimap: an IMAP4rev1 client with imaplib's surface, strict TLS, bounded memory and a
//! stable C ABI.
//!
//! Layers, top to bottom: [`ffi`] (the C ABI), [`session`] (state, tags, store, commands),
//! [`proto`] (framing, parsing, encoding; no I/O), [`transport`] (TCP, TLS).

pub mod ffi;
pub mod proto;
pub mod session;
pub mod transport;

pub use session::{Config, Error, ErrorKind, Outcome, Session, State, TlsMode};
