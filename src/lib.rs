//! libimap: an IMAP4rev1 client with imaplib's surface, strict TLS, bounded memory and a
//! stable C ABI.
//!
//! Layers, top to bottom: [`ffi`] (the C ABI), [`session`] (state, tags, store, commands),
//! [`proto`] (framing, parsing, encoding; no I/O), [`transport`] (TCP, TLS); [`util`] holds
//! imaplib's module utilities (`Int2AP`, `ParseFlags`, `Internaldate2tuple`, `Time2Internaldate`).

pub mod ffi;
pub mod parsed;
pub mod proto;
pub mod session;
pub mod transport;
pub mod util;

pub use proto::response::Item;
pub use session::{Config, Error, ErrorKind, Mechanism, Outcome, Session, State, TlsMode};
