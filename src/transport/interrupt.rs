//! Lets another thread end a blocked call promptly.
//!
//! While a call runs, the interrupter holds a clone of its socket. `interrupt()` marks the call
//! interrupted and shuts the socket down, which wakes a blocked read or write at once (also inside
//! TLS). The connection is closed by that: the server's view of the interrupted command is
//! unknown, so the handle must not carry on as if nothing happened.

use super::child::PipeWaker;
use std::net::{Shutdown, TcpStream};
use std::sync::Mutex;

/// A clone of the connection's socket, to shut down from another thread.
pub enum Waker {
    Tcp(TcpStream),
    Pipe(PipeWaker),
    /// An in-memory connection never blocks: there is nothing to wake.
    Memory,
}

impl Waker {
    fn wake(&self) {
        let _ = match self {
            Waker::Tcp(s) => s.shutdown(Shutdown::Both),
            Waker::Pipe(p) => {
                p.wake();
                Ok(())
            }
            Waker::Memory => Ok(()),
        };
    }
}

#[derive(Default)]
struct Inner {
    busy: bool,
    fired: bool,
    socket: Option<Waker>,
}

/// See the module documentation.
#[derive(Default)]
pub struct Interrupter {
    inner: Mutex<Inner>,
}

impl Interrupter {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A call begins: earlier interrupts no longer apply.
    pub fn begin(&self) {
        let mut i = self.lock();
        i.busy = true;
        i.fired = false;
    }

    /// The call ended; tells whether it was interrupted.
    pub fn end(&self) -> bool {
        let mut i = self.lock();
        i.busy = false;
        std::mem::take(&mut i.fired)
    }

    pub fn fired(&self) -> bool {
        self.lock().fired
    }

    /// The socket to shut down on interrupt (`None` once closed). A socket registered after the
    /// running call was interrupted (the interrupt landed while connecting) is shut down at
    /// once, so the interrupt is not lost until the I/O timeout.
    pub fn set_socket(&self, socket: Option<Waker>) {
        let mut i = self.lock();
        if i.busy && i.fired {
            if let Some(s) = &socket {
                s.wake();
            }
        }
        i.socket = socket;
    }

    /// Interrupts the call in progress, if any. Returns whether one was running.
    pub fn interrupt(&self) -> bool {
        let mut i = self.lock();
        if !i.busy {
            return false;
        }
        i.fired = true;
        if let Some(s) = &i.socket {
            s.wake();
        }
        true
    }
}
