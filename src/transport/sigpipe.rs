//! Writes that cannot raise SIGPIPE in the host process.
//!
//! A Rust program ignores SIGPIPE, but the C, Go and Node programs that load this library keep
//! whatever disposition they chose, and the default one kills the process. Socket writes are
//! safe already (the standard library's `TcpStream` sends with `MSG_NOSIGNAL`); a pipe has no
//! such flag, so a write to a child whose end is closed (`imap_open_stream`), to a wake-up pipe
//! whose reader is gone, or to a broken stderr would end the caller's program.
//!
//! [`without_sigpipe`] blocks SIGPIPE on the calling thread for the write, takes back the
//! signal that write raised (if it raised one and none was pending before), and restores the
//! thread's mask, so the write fails with `EPIPE` and nothing else happens. The host's signal
//! disposition, its handlers and other threads are untouched.

use std::io;
use std::mem::MaybeUninit;

fn sigpipe_set() -> libc::sigset_t {
    let mut set = MaybeUninit::<libc::sigset_t>::uninit();
    // SAFETY: sigemptyset initialises the set it is given; sigaddset adds a valid signal.
    unsafe {
        libc::sigemptyset(set.as_mut_ptr());
        libc::sigaddset(set.as_mut_ptr(), libc::SIGPIPE);
        set.assume_init()
    }
}

fn pending_sigpipe() -> bool {
    let mut pending = MaybeUninit::<libc::sigset_t>::uninit();
    // SAFETY: sigpending fills the set; sigismember reads it only when it succeeded.
    unsafe {
        libc::sigpending(pending.as_mut_ptr()) == 0
            && libc::sigismember(pending.as_ptr(), libc::SIGPIPE) == 1
    }
}

/// Runs `write` with SIGPIPE blocked on this thread; a SIGPIPE that `write` raised is
/// consumed before the thread's signal mask is restored.
pub fn without_sigpipe<T>(write: impl FnOnce() -> io::Result<T>) -> io::Result<T> {
    let set = sigpipe_set();
    let mut old = MaybeUninit::<libc::sigset_t>::uninit();
    // SAFETY: both sets are valid; the old mask is written by the call.
    if unsafe { libc::pthread_sigmask(libc::SIG_BLOCK, &set, old.as_mut_ptr()) } != 0 {
        return write(); // cannot happen with valid arguments; write unguarded rather than not
    }
    // SAFETY: pthread_sigmask succeeded, so `old` holds the thread's previous mask.
    let old = unsafe { old.assume_init() };
    // One pending from before (the host's own, blocked earlier) is not ours to take.
    let was_pending = pending_sigpipe();
    let result = write();
    let broken = matches!(&result, Err(e) if e.raw_os_error() == Some(libc::EPIPE));
    if broken && !was_pending {
        let zero = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: a valid set and timeout; no siginfo is asked for. EAGAIN means no signal
        // was raised (SIGPIPE ignored by the host), which is fine.
        while unsafe { libc::sigtimedwait(&set, std::ptr::null_mut(), &zero) } < 0
            && io::Error::last_os_error().raw_os_error() == Some(libc::EINTR)
        {}
    }
    // SAFETY: restores the mask read above.
    unsafe { libc::pthread_sigmask(libc::SIG_SETMASK, &old, std::ptr::null_mut()) };
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::os::fd::{FromRawFd, OwnedFd};

    /// With SIGPIPE at its default (which would end the process), a write to a pipe without a
    /// reader fails with EPIPE, and no signal is left pending.
    #[test]
    fn a_broken_pipe_is_an_error_not_a_signal() {
        let mut fds = [0; 2];
        // SAFETY: room for two descriptors.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        // SAFETY: pipe succeeded; both descriptors are ours.
        let (r, w) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
        drop(r);
        // The test harness ignores SIGPIPE as every Rust program does: put the default back
        // for this test (other tests in this binary write to no pipes).
        // SAFETY: setting a standard disposition.
        let before = unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
        let mut file = std::fs::File::from(w);
        let result = without_sigpipe(|| file.write(b"x"));
        let still_pending = pending_sigpipe();
        // SAFETY: restores the disposition read above.
        unsafe { libc::signal(libc::SIGPIPE, before) };
        assert_eq!(result.unwrap_err().raw_os_error(), Some(libc::EPIPE));
        assert!(!still_pending);
    }
}
