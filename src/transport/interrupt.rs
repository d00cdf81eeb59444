//! Lets another thread end blocked calls promptly (`interrupt`), or end an IDLE wait without
//! closing anything (`wake`).
//!
//! **Interrupt.** Calls on a handle may run on several threads at once; the interrupter counts
//! them. `interrupt()` ends every running call: it marks the interrupt pending, signals an
//! eventfd that every wait of the connection polls together with its socket (`pace.rs`), and
//! shuts the socket down, which also wakes a blocked read or write (inside TLS too). The
//! connection is closed by that: the server's view of the interrupted commands is unknown. When
//! no call is running, the interrupt is kept (armed): the next call that begins is interrupted
//! at once. The pending interrupt is cleared when the last running call ends, so it is consumed
//! exactly once, however many calls it ended. `clear()` disarms an interrupt that no call has
//! consumed yet.
//!
//! **Wake.** `wake()` arms a second eventfd that only an IDLE wait polls: the wait ends as if its
//! timeout had passed, and the connection stays usable. It stays armed until a wait consumes it
//! (`take_wake`), so a wake issued before the wait begins ends that wait at once.

use super::child::PipeWaker;
use std::io;
use std::net::{Shutdown, TcpStream};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
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

/// A Linux eventfd used as a level-triggered flag: readable from `signal` until `drain`.
#[derive(Debug)]
pub struct EventFlag(OwnedFd);

impl EventFlag {
    pub fn new() -> io::Result<EventFlag> {
        // SAFETY: eventfd takes no pointers; a non-negative result is a descriptor we own.
        let fd = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `fd` was just created and nothing else owns it.
        Ok(EventFlag(unsafe { OwnedFd::from_raw_fd(fd) }))
    }

    /// The descriptor to poll (readable while signalled).
    pub fn fd(&self) -> RawFd {
        self.0.as_raw_fd()
    }

    pub fn signal(&self) {
        let one: u64 = 1;
        // SAFETY: writes 8 bytes from a valid u64 to a descriptor we own; a counter at its
        // maximum (EAGAIN) is readable already.
        unsafe { libc::write(self.0.as_raw_fd(), (&one as *const u64).cast(), 8) };
    }

    pub fn drain(&self) {
        let mut v: u64 = 0;
        // SAFETY: reads 8 bytes into a valid u64; EAGAIN (already drained) is fine.
        unsafe { libc::read(self.0.as_raw_fd(), (&mut v as *mut u64).cast(), 8) };
    }
}

#[derive(Default)]
struct Inner {
    /// Calls running on the handle.
    running: usize,
    /// An interrupt not yet consumed: it ends the running calls, or (none running) the next
    /// call that begins.
    pending: bool,
    /// A wake not yet consumed by an IDLE wait.
    woken: bool,
    socket: Option<Waker>,
}

/// See the module documentation.
pub struct Interrupter {
    inner: Mutex<Inner>,
    /// Readable while an interrupt is pending (`None`: no eventfd could be made; the socket
    /// shutdown alone then wakes the calls).
    interrupt_fd: Option<EventFlag>,
    /// Readable while a wake is pending.
    wake_fd: Option<EventFlag>,
}

impl Default for Interrupter {
    fn default() -> Self {
        Interrupter {
            inner: Mutex::default(),
            interrupt_fd: EventFlag::new().ok(),
            wake_fd: EventFlag::new().ok(),
        }
    }
}

impl std::fmt::Debug for Interrupter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let i = self.lock();
        f.debug_struct("Interrupter")
            .field("running", &i.running)
            .field("pending", &i.pending)
            .field("woken", &i.woken)
            .finish()
    }
}

impl Interrupter {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A call begins. Returns `true` if it is interrupted already: an interrupt was armed while
    /// no call ran (this call consumes it), or one is ending the calls still running. The socket
    /// is shut down then, so a wait on it that does not poll the eventfd ends at once too.
    pub fn begin(&self) -> bool {
        let mut i = self.lock();
        i.running += 1;
        if i.pending {
            if let Some(s) = &i.socket {
                s.wake();
            }
        }
        i.pending
    }

    /// The call ended; tells whether it was interrupted. The last call to end clears the
    /// interrupt.
    pub fn end(&self) -> bool {
        let mut i = self.lock();
        i.running = i.running.saturating_sub(1);
        let interrupted = i.pending;
        if i.running == 0 && i.pending {
            i.pending = false;
            if let Some(f) = &self.interrupt_fd {
                f.drain();
            }
        }
        interrupted
    }

    /// Whether an interrupt is pending (the running calls are being ended).
    pub fn fired(&self) -> bool {
        self.lock().pending
    }

    /// The socket to shut down on interrupt (`None` once closed). A socket registered while an
    /// interrupt is pending (it landed while connecting) is shut down at once, so the interrupt
    /// is not lost until the I/O timeout.
    pub fn set_socket(&self, socket: Option<Waker>) {
        let mut i = self.lock();
        if i.running > 0 && i.pending {
            if let Some(s) = &socket {
                s.wake();
            }
        }
        i.socket = socket;
    }

    /// Interrupts every running call; with none running, arms the next call. Returns whether
    /// a call was running. Safe from any thread at any time.
    pub fn interrupt(&self) -> bool {
        let mut i = self.lock();
        if !i.pending {
            i.pending = true;
            if let Some(f) = &self.interrupt_fd {
                f.signal();
            }
        }
        if i.running == 0 {
            return false;
        }
        if let Some(s) = &i.socket {
            s.wake();
        }
        true
    }

    /// Disarms an interrupt that no call has consumed yet; returns whether there was one. An
    /// interrupt that already reached a running call is not undone.
    pub fn clear(&self) -> bool {
        let mut i = self.lock();
        if i.running > 0 || !i.pending {
            return false;
        }
        i.pending = false;
        if let Some(f) = &self.interrupt_fd {
            f.drain();
        }
        true
    }

    /// Ends the current IDLE wait at once, or the next one if none is waiting.
    pub fn wake(&self) {
        let mut i = self.lock();
        if !i.woken {
            i.woken = true;
            if let Some(f) = &self.wake_fd {
                f.signal();
            }
        }
    }

    /// Consumes a pending wake; returns whether there was one.
    pub fn take_wake(&self) -> bool {
        let mut i = self.lock();
        let woken = std::mem::take(&mut i.woken);
        if woken {
            if let Some(f) = &self.wake_fd {
                f.drain();
            }
        }
        woken
    }

    /// The descriptor that is readable while an interrupt is pending.
    pub fn interrupt_fd(&self) -> Option<RawFd> {
        self.interrupt_fd.as_ref().map(|f| f.0.as_raw_fd())
    }

    /// The descriptor that is readable while a wake is pending.
    pub fn wake_fd(&self) -> Option<RawFd> {
        self.wake_fd.as_ref().map(|f| f.0.as_raw_fd())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn readable(fd: RawFd) -> bool {
        let mut p = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        unsafe { libc::poll(&mut p, 1, 0) == 1 }
    }

    #[test]
    fn an_armed_interrupt_is_consumed_by_the_next_call_only() {
        let i = Interrupter::default();
        assert!(!i.interrupt(), "no call running: armed");
        assert!(readable(i.interrupt_fd().unwrap()));
        assert!(i.begin(), "the next call is interrupted at once");
        assert!(i.end());
        assert!(!readable(i.interrupt_fd().unwrap()));
        assert!(!i.begin(), "consumed");
        assert!(!i.end());
    }

    #[test]
    fn an_armed_interrupt_shuts_the_socket_down_when_the_call_begins() {
        use std::io::Read;
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let mut ours = TcpStream::connect(l.local_addr().unwrap()).unwrap();
        let _theirs = l.accept().unwrap();
        let i = Interrupter::default();
        i.set_socket(Some(Waker::Tcp(ours.try_clone().unwrap())));
        assert!(!i.interrupt());
        assert!(!readable(ours.as_raw_fd()), "kept, not yet applied");
        assert!(i.begin());
        assert!(readable(ours.as_raw_fd()), "shut down");
        assert_eq!(ours.read(&mut [0; 8]).unwrap(), 0);
        assert!(i.end());
    }

    #[test]
    fn clear_disarms_only_an_unconsumed_interrupt() {
        let i = Interrupter::default();
        assert!(!i.clear());
        i.interrupt();
        assert!(i.clear());
        assert!(!readable(i.interrupt_fd().unwrap()));
        assert!(!i.begin());
        assert!(i.interrupt(), "a call was running");
        assert!(!i.clear(), "it reached the running call");
        assert!(i.end());
        assert!(!i.clear());
    }

    #[test]
    fn one_interrupt_ends_every_running_call() {
        let i = Interrupter::default();
        assert!(!i.begin());
        assert!(!i.begin());
        assert!(i.interrupt());
        assert!(i.end());
        assert!(
            readable(i.interrupt_fd().unwrap()),
            "the other call still sees it"
        );
        assert!(i.end());
        assert!(!i.fired());
        assert!(!i.begin(), "nothing left for a later call");
        assert!(!i.end());
    }

    #[test]
    fn a_wake_is_kept_until_taken_once() {
        let i = Interrupter::default();
        assert!(!i.take_wake());
        i.wake();
        i.wake();
        assert!(readable(i.wake_fd().unwrap()));
        assert!(i.take_wake());
        assert!(!readable(i.wake_fd().unwrap()));
        assert!(!i.take_wake());
    }
}
