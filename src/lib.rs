//! libimap: an IMAP4rev1 client with imaplib's surface, strict TLS, bounded memory and a
//! stable C ABI.
//!
//! Layers, top to bottom: [`ffi`] (the C ABI), [`session`] (state, tags, store, commands),
//! [`proto`] (framing, parsing, encoding, parsed results, imaplib's utilities; no I/O),
//! [`transport`] (TCP, TLS, child process).

pub mod ffi;
pub mod proto;
pub mod session;
pub mod transport;

pub use proto::encode::Value;
pub use proto::parsed;
pub use proto::response::Item;
pub use proto::secret::Secret;
pub use session::{
    Config, Error, ErrorKind, Mechanism, Outcome, ScramHash, Session, State, TlsMode,
};
