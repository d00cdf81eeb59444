//! The session's error type. Kinds map one-to-one onto the C ABI's status codes.

use super::Outcome;
use crate::proto::ProtoError;
use crate::transport::TransportError;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Tagged NO where imaplib raises (never used for ordinary commands: they return NO).
    No,
    /// Tagged BAD (imaplib's `error`); the connection stays usable.
    Bad,
    /// Connection lost, BYE, protocol violation (imaplib's `abort`); the connection is closed.
    Abort,
    /// The mailbox became read-only (imaplib's `readonly`).
    ReadOnly,
    /// A caller argument was rejected before anything was written.
    InvalidArgument,
    /// The command is not allowed in the current state; nothing was sent.
    IllegalState,
    /// Connect or I/O timeout; the connection is closed.
    Timeout,
    /// Another thread interrupted the call; the connection is closed.
    Interrupted,
    /// TLS failure: certificate, handshake, STARTTLS refused or tampered with; closed.
    Tls,
    /// A configured limit was exceeded; the connection is closed.
    Limit,
    /// The connection is closed (earlier failure, logout, or never opened).
    Closed,
    /// The TCP connection could not be made (resolution, refused, unreachable).
    Connect,
    /// The server does not offer the mechanism or extension asked for; nothing was sent.
    Unsupported,
}

impl ErrorKind {
    /// Whether this failure ends the connection.
    pub fn is_fatal(self) -> bool {
        matches!(
            self,
            ErrorKind::Abort
                | ErrorKind::Timeout
                | ErrorKind::Interrupted
                | ErrorKind::Tls
                | ErrorKind::Limit
                | ErrorKind::Connect
        )
    }
}

/// A failed call: its kind, a message (never containing a password) and, for tagged NO/BAD,
/// the outcome with the server's text.
#[derive(Debug, Clone)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    pub outcome: Option<Box<Outcome>>,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            outcome: None,
        }
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::InvalidArgument, message)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl From<ProtoError> for Error {
    fn from(e: ProtoError) -> Self {
        match e {
            ProtoError::Protocol(m) => Error::new(ErrorKind::Abort, m),
            ProtoError::Limit(m) => Error::new(ErrorKind::Limit, m),
            ProtoError::InvalidArgument(m) => Error::new(ErrorKind::InvalidArgument, m),
        }
    }
}

impl From<TransportError> for Error {
    fn from(e: TransportError) -> Self {
        match e {
            TransportError::Connect(m) => Error::new(ErrorKind::Connect, m),
            TransportError::Timeout(m) => Error::new(ErrorKind::Timeout, m),
            TransportError::Interrupted => Error::new(ErrorKind::Interrupted, "interrupted"),
            TransportError::Tls(m) => Error::new(ErrorKind::Tls, m),
            TransportError::Io(m) => Error::new(ErrorKind::Abort, m),
        }
    }
}
