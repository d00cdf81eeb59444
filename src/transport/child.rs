//! A child process speaking IMAP on its stdin and stdout (imaplib's `IMAP4_stream`). Plain
//! pipes (servers such as Dovecot's `imap` refuse a socket on stdin, taking it for inetd), with
//! `poll` for the timeouts and a wake-up pipe for interrupts, so the child stream behaves like
//! a socket for the session.

use super::pace::{self, Direction, Pace};
use super::TransportError;
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::process::{Child, ChildStdin, ChildStdout, Stdio};
use std::time::{Duration, Instant};

pub struct ChildStream {
    stdin: Option<ChildStdin>,
    stdout: ChildStdout,
    child: Child,
    wake_r: OwnedFd,
    wake_w: OwnedFd,
    pace: Pace,
}

fn pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0 as RawFd; 2];
    // SAFETY: `fds` has room for the two descriptors pipe2 writes.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC | libc::O_NONBLOCK) } != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: pipe2 succeeded, so both descriptors are open and ours.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// Runs `command` through `/bin/sh -c` with its stdin and stdout connected to us; every wait
/// runs under `pace`.
pub fn spawn(command: &str, pace: Pace) -> Result<ChildStream, TransportError> {
    let err = |what: &str, e: io::Error| TransportError::Connect(format!("{what}: {e}"));
    let (wake_r, wake_w) = pipe().map_err(|e| err("pipe", e))?;
    let mut child = std::process::Command::new("/bin/sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| err("cannot run /bin/sh -c", e))?;
    let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(TransportError::Connect("child pipes missing".into()));
    };
    set_nonblocking(stdin.as_raw_fd()).map_err(|e| err("fcntl", e))?;
    set_nonblocking(stdout.as_raw_fd()).map_err(|e| err("fcntl", e))?;
    Ok(ChildStream {
        stdin: Some(stdin),
        stdout,
        child,
        wake_r,
        wake_w,
        pace,
    })
}

fn set_nonblocking(fd: RawFd) -> io::Result<()> {
    // SAFETY: fcntl on a descriptor we own.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags < 0 || libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) < 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

/// Something that wakes a blocked child-stream call from another thread.
pub struct PipeWaker(OwnedFd);

impl PipeWaker {
    pub fn wake(&self) {
        // A full pipe (EAGAIN) already wakes the reader; one whose reader is gone (the
        // stream was freed) fails with EPIPE, without a signal.
        let _ = super::without_sigpipe(|| {
            // SAFETY: writing one byte from a valid buffer to a descriptor we own.
            match unsafe { libc::write(self.0.as_raw_fd(), b"!".as_ptr().cast(), 1) } {
                n if n < 0 => Err(io::Error::last_os_error()),
                n => Ok(n),
            }
        });
    }
}

impl ChildStream {
    pub fn waker(&self) -> io::Result<PipeWaker> {
        Ok(PipeWaker(self.wake_w.try_clone()?))
    }

    pub fn pace(&self) -> &Pace {
        &self.pace
    }

    pub fn pace_mut(&mut self) -> &mut Pace {
        &mut self.pace
    }

    pub fn raw_fd(&self) -> i32 {
        self.stdout.as_raw_fd()
    }

    /// Waits until `fd` is ready for `events` under the pace (WouldBlock when it runs out) or
    /// a wake-up arrives (ConnectionAborted).
    fn wait(&mut self, fd: RawFd, events: libc::c_short, dir: Direction) -> io::Result<()> {
        let wake = self.wake_r.as_raw_fd();
        pace::wait_ready(&mut self.pace, fd, events, Some(wake), dir)
    }

    /// Reads what the child has written, waiting under the pace only when there is nothing
    /// yet (stdout is non-blocking, as a socket is): a wait that ends at once (a caller that
    /// polled the pipe itself and found it readable) still gets the bytes.
    pub fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.stdout.read(buf) {
                Ok(n) => {
                    self.pace.progress(Instant::now(), n);
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    self.wait(self.stdout.as_raw_fd(), libc::POLLIN, Direction::Read)?
                }
                Err(e) => return Err(e),
            }
        }
    }

    pub fn write_all(&mut self, mut data: &[u8]) -> io::Result<()> {
        while !data.is_empty() {
            let fd = match &self.stdin {
                Some(s) => s.as_raw_fd(),
                None => return Err(io::ErrorKind::BrokenPipe.into()),
            };
            self.wait(fd, libc::POLLOUT, Direction::Write)?;
            let Some(stdin) = self.stdin.as_mut() else {
                return Err(io::ErrorKind::BrokenPipe.into());
            };
            // The child may have closed its stdin: EPIPE, never SIGPIPE in the host.
            match super::without_sigpipe(|| stdin.write(data)) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => {
                    self.pace.progress(Instant::now(), n);
                    data = &data[n..];
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Closes the child's stdin (it sees EOF) and wakes any blocked call.
    pub fn shutdown(&mut self) {
        self.stdin = None;
        if let Ok(w) = self.waker() {
            w.wake();
        }
    }
}

impl Drop for ChildStream {
    fn drop(&mut self) {
        self.stdin = None;
        // The child sees EOF and should exit; give it a moment, then make sure.
        let deadline = Instant::now() + Duration::from_secs(1);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
