//! Lets another thread end a blocked call promptly.
//!
//! While a call runs, the interrupter holds a clone of its socket. `interrupt()` marks the call
//! interrupted and shuts the socket down, which wakes a blocked read or write at once (also inside
//! TLS). The connection is closed by that: the server's view of the interrupted command is
//! unknown, so the handle must not carry on as if nothing happened.

use std::net::TcpStream;
use std::sync::Mutex;

#[derive(Default)]
struct Inner {
    busy: bool,
    fired: bool,
    socket: Option<TcpStream>,
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
    pub fn set_socket(&self, socket: Option<TcpStream>) {
        let mut i = self.lock();
        if i.busy && i.fired {
            if let Some(s) = &socket {
                let _ = s.shutdown(std::net::Shutdown::Both);
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
            let _ = s.shutdown(std::net::Shutdown::Both);
        }
        true
    }
}
