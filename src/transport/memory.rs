//! A connection held in memory, for fuzzing the session without threads or sockets
//! (fuzz/fuzz_targets/session.rs). Not part of the public API.

use super::Pace;
use std::io::{self, Read, Write};

/// What stands for the server: it reads the server's bytes and takes the client's. It behaves
/// as a socket does: `Ok(0)` from `read` is the server's EOF, an error of kind `WouldBlock` or
/// `TimedOut` is a read timeout, any other error a broken connection. It must not block.
pub trait Duplex: Read + Write + Send {}

impl<T: Read + Write + Send> Duplex for T {}

/// An in-memory connection; opened by `Session::open_duplex`. Interrupts and TLS do not apply
/// to it, and nothing blocks; the pace is kept only so the session treats every stream alike.
pub struct MemoryStream {
    io: Box<dyn Duplex>,
    pub(super) pace: Pace,
}

impl MemoryStream {
    pub fn new(io: Box<dyn Duplex>, pace: Pace) -> Self {
        MemoryStream { io, pace }
    }

    pub(super) fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.io.read(buf)
    }

    pub(super) fn write_all(&mut self, data: &[u8]) -> io::Result<()> {
        self.io.write_all(data).and_then(|_| self.io.flush())
    }
}
