//! The clock of a call: how long any wait for bytes may last.
//!
//! The rule (documented in `Config` and the README):
//!
//! - **Idle timeout.** Each wait for bytes, in either direction, lasts at most the I/O
//!   timeout: a server that sends nothing, or that stops reading what we write, ends the call.
//! - **Call deadline.** Each call also has a deadline, the call timeout after it starts (the
//!   I/O timeout unless set apart). Bytes moved in either direction push the deadline back by
//!   one second per `min_rate` bytes, but never beyond one call timeout from now. So a call
//!   ends at most about one call timeout after the data stopped flowing at `min_rate`: a
//!   server dripping bytes (or whole tiny responses) slower than that ends it with a timeout,
//!   while a transfer at a normal rate runs as long as it needs. With `min_rate` 0 the
//!   deadline is fixed.
//! - **Explicit waits** (IDLE's wait, a raw read) have their own end instead of both.
//!
//! Every wait goes through `poll`, on a non-blocking socket, so a wait ends as soon as its
//! limit passes, and a partial write does not restart any clock. The same `poll` watches the
//! handle's [`Interrupter`]: a pending interrupt ends every wait, and a wake ends an IDLE wait
//! (one started with [`Pace::start_idle_wait`]) as if its time had run out.

use super::Interrupter;
use std::io;
use std::os::fd::RawFd;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Which way bytes were to move when a wait ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Read,
    Write,
}

/// Why a wait ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// No byte moved for the I/O timeout.
    Idle(Direction),
    /// The call's deadline passed.
    Deadline(Direction),
    /// An explicit wait reached its end.
    Wait,
    /// An IDLE wait was ended by a wake (`imap_wake`).
    Woken,
    /// The connection is being closed: nothing waits any more.
    Stopped,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Call,
    Wait(Instant),
    Stopped,
}

/// See the module documentation.
#[derive(Debug, Clone)]
pub struct Pace {
    io_timeout: Option<Duration>,
    call_timeout: Option<Duration>,
    min_rate: u64,
    deadline: Option<Instant>,
    /// When bytes last moved (or the call started).
    last_progress: Instant,
    mode: Mode,
    expired: Option<Expiry>,
    /// The handle's interrupter, whose descriptors every wait polls.
    signals: Option<Arc<Interrupter>>,
    /// The current explicit wait also ends on a wake.
    wakeable: bool,
}

impl Pace {
    /// A pace with these limits (`None`: no limit); the first call starts now.
    pub fn new(
        io_timeout: Option<Duration>,
        call_timeout: Option<Duration>,
        min_rate: u64,
    ) -> Pace {
        let mut p = Pace {
            io_timeout,
            call_timeout,
            min_rate,
            deadline: None,
            last_progress: Instant::now(),
            mode: Mode::Call,
            expired: None,
            signals: None,
            wakeable: false,
        };
        p.start_call(Instant::now());
        p
    }

    /// Changes the limits; they apply from the next call.
    pub fn configure(
        &mut self,
        io_timeout: Option<Duration>,
        call_timeout: Option<Duration>,
        min_rate: u64,
    ) {
        self.io_timeout = io_timeout;
        self.call_timeout = call_timeout;
        self.min_rate = min_rate;
    }

    /// Every wait from now on also watches `signals` (interrupts, and wakes during an IDLE
    /// wait).
    pub fn watch(&mut self, signals: Arc<Interrupter>) {
        self.signals = Some(signals);
    }

    /// A call starts at `now`: its deadline is one call timeout away.
    pub fn start_call(&mut self, now: Instant) {
        self.mode = Mode::Call;
        self.wakeable = false;
        self.deadline = self.call_timeout.and_then(|t| now.checked_add(t));
        self.last_progress = now;
        self.expired = None;
    }

    /// Waits end at `until` instead, whatever the I/O timeout and the call deadline say.
    pub fn start_wait(&mut self, until: Instant) {
        self.mode = Mode::Wait(until);
        self.wakeable = false;
        self.expired = None;
    }

    /// As [`Pace::start_wait`], and a wake ends the wait too ([`Expiry::Woken`]).
    pub fn start_idle_wait(&mut self, until: Instant) {
        self.start_wait(until);
        self.wakeable = true;
    }

    /// From now on every wait ends at once (the connection is being closed).
    pub fn stop(&mut self) {
        self.mode = Mode::Stopped;
    }

    /// How long the next wait may last (`None`: no limit) and what it means when it runs out,
    /// or why no wait is allowed at all.
    pub fn limit(
        &self,
        now: Instant,
        dir: Direction,
    ) -> Result<(Option<Duration>, Expiry), Expiry> {
        match self.mode {
            Mode::Stopped => Err(Expiry::Stopped),
            Mode::Wait(until) => match until.saturating_duration_since(now) {
                left if left.is_zero() => Err(Expiry::Wait),
                left => Ok((Some(left), Expiry::Wait)),
            },
            Mode::Call => {
                let left = self.deadline.map(|d| d.saturating_duration_since(now));
                match (self.io_timeout, left) {
                    (_, Some(l)) if l.is_zero() => Err(Expiry::Deadline(dir)),
                    (Some(idle), Some(l)) if l < idle => Ok((Some(l), Expiry::Deadline(dir))),
                    (None, Some(l)) => Ok((Some(l), Expiry::Deadline(dir))),
                    (idle, _) => Ok((idle, Expiry::Idle(dir))),
                }
            }
        }
    }

    /// `n` bytes moved at `now`: the deadline moves back by `n / min_rate` seconds, to at most
    /// one call timeout from now.
    pub fn progress(&mut self, now: Instant, n: usize) {
        if n > 0 {
            self.last_progress = now;
        }
        if self.mode != Mode::Call || self.min_rate == 0 || n == 0 {
            return;
        }
        let (Some(deadline), Some(window)) = (self.deadline, self.call_timeout) else {
            return;
        };
        let nanos = (n as u128 * 1_000_000_000 / u128::from(self.min_rate)).min(u64::MAX as u128);
        let extended = deadline
            .checked_add(Duration::from_nanos(nanos as u64))
            .unwrap_or(deadline);
        let cap = now.checked_add(window).unwrap_or(extended);
        self.deadline = Some(deadline.max(extended.min(cap)));
    }

    /// Records why the last wait ran out. A deadline that passes when nothing has moved for
    /// about the I/O timeout anyway (a server that went silent after sending fast) is reported
    /// as the idle timeout, which says more.
    pub fn expire(&mut self, now: Instant, why: Expiry) {
        let why = match (why, self.io_timeout) {
            (Expiry::Deadline(dir), Some(idle))
                if now.saturating_duration_since(self.last_progress) + idle / 10 >= idle =>
            {
                Expiry::Idle(dir)
            }
            _ => why,
        };
        self.expired = Some(why);
    }

    /// Why the last wait ran out, if one did since the call started.
    pub fn expired(&self) -> Option<Expiry> {
        self.expired
    }

    pub fn io_timeout(&self) -> Option<Duration> {
        self.io_timeout
    }

    pub fn call_timeout(&self) -> Option<Duration> {
        self.call_timeout
    }

    pub fn min_rate(&self) -> u64 {
        self.min_rate
    }
}

/// Waits until `fd` is ready for `events` under `pace`. A wait that runs out is recorded in the
/// pace and returned as `WouldBlock` (which TLS treats as retryable, so a connection whose
/// explicit wait ended stays usable), and so is a wake during an IDLE wait; a byte on `wake` or
/// a pending interrupt returns `ConnectionAborted`.
pub(super) fn wait_ready(
    pace: &mut Pace,
    fd: RawFd,
    events: libc::c_short,
    wake: Option<RawFd>,
    dir: Direction,
) -> io::Result<()> {
    let interrupt_fd = pace.signals.as_ref().and_then(|s| s.interrupt_fd());
    loop {
        let (limit, why) = match pace.limit(Instant::now(), dir) {
            Ok(l) => l,
            Err(why) => {
                pace.expire(Instant::now(), why);
                return Err(io::ErrorKind::WouldBlock.into());
            }
        };
        let woken_fd = match &pace.signals {
            Some(s) if pace.wakeable => s.wake_fd(),
            _ => None,
        };
        // Round up, so a wait never ends just before its limit and spins.
        let ms = limit.map_or(-1, |d| {
            (d.as_nanos().div_ceil(1_000_000)).clamp(1, i32::MAX as u128) as libc::c_int
        });
        // The socket, then the stream's own wake-up pipe, the interrupt and the wake; a
        // negative descriptor is ignored by poll.
        let mut fds = [
            fd,
            wake.unwrap_or(-1),
            interrupt_fd.unwrap_or(-1),
            woken_fd.unwrap_or(-1),
        ]
        .map(|fd| libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        });
        fds[0].events = events;
        // SAFETY: four valid pollfd entries.
        let n = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, ms) };
        if n < 0 {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        if n == 0 {
            pace.expire(Instant::now(), why);
            return Err(io::ErrorKind::WouldBlock.into());
        }
        if fds[1].revents != 0 || fds[2].revents != 0 {
            return Err(io::ErrorKind::ConnectionAborted.into());
        }
        if fds[3].revents != 0 {
            pace.expired = Some(Expiry::Woken);
            return Err(io::ErrorKind::WouldBlock.into());
        }
        if fds[0].revents != 0 {
            return Ok(());
        }
    }
}

/// Waits until `fd` or `other` is readable, for at most `limit` (`None`: no limit): `None` if
/// the time ran out, else whether `other` may be readable (so its owner knows whether to
/// drain it). A signal (EINTR) counts as both readable: the caller looks again.
pub fn poll_readable(fd: RawFd, other: RawFd, limit: Option<Duration>) -> Option<bool> {
    let ms = limit.map_or(-1, |d| {
        d.as_nanos().div_ceil(1_000_000).clamp(1, i32::MAX as u128) as libc::c_int
    });
    let mut fds = [fd, other].map(|fd| libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    });
    // SAFETY: two valid pollfd entries.
    let n = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, ms) };
    match n {
        0 => None,
        n if n < 0 => Some(true),
        _ => Some(fds[1].revents != 0),
    }
}

/// Reads from a caller's descriptor (a file, a pipe, a socket), waiting at most `limit` for
/// each read: a writer that stalls ends the read with `TimedOut` instead of a hang. `Ok(0)` is
/// the end of the data. The descriptor is the caller's: never closed here.
pub fn read_fd(fd: RawFd, buf: &mut [u8], limit: Option<Duration>) -> std::io::Result<usize> {
    let ms = limit.map_or(-1, |d| {
        d.as_millis().clamp(1, i32::MAX as u128) as libc::c_int
    });
    loop {
        // Wait first, so that a descriptor in blocking mode cannot block past the limit (a
        // file is always readable).
        let mut pfd = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd entry.
        let ready = unsafe { libc::poll(&mut pfd, 1, ms) };
        if ready == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "no data from the descriptor within the I/O timeout",
            ));
        }
        if ready < 0 {
            let e = std::io::Error::last_os_error();
            if e.kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        if pfd.revents & libc::POLLNVAL != 0 {
            return Err(std::io::Error::from_raw_os_error(libc::EBADF));
        }
        // SAFETY: reads at most `buf.len()` bytes into `buf`.
        let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
        if n >= 0 {
            return Ok(n as usize);
        }
        let e = std::io::Error::last_os_error();
        if !matches!(
            e.kind(),
            std::io::ErrorKind::Interrupted | std::io::ErrorKind::WouldBlock
        ) {
            return Err(e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Duration = Duration::from_secs(1);

    #[test]
    fn idle_then_deadline() {
        let t0 = Instant::now();
        let mut p = Pace::new(Some(S), Some(10 * S), 1024);
        p.start_call(t0);
        assert_eq!(
            p.limit(t0, Direction::Read),
            Ok((Some(S), Expiry::Idle(Direction::Read)))
        );
        assert_eq!(
            p.limit(t0 + 9500 * S / 1000, Direction::Write),
            Ok((Some(S / 2), Expiry::Deadline(Direction::Write)))
        );
        assert_eq!(
            p.limit(t0 + 10 * S, Direction::Read),
            Err(Expiry::Deadline(Direction::Read))
        );
    }

    #[test]
    fn progress_extends_up_to_one_window_ahead() {
        let t0 = Instant::now();
        let mut p = Pace::new(Some(S), Some(10 * S), 1000);
        p.start_call(t0);
        // 500 bytes at 1000 bytes/s: half a second more, but never beyond a window from now.
        p.progress(t0, 500);
        assert_eq!(p.deadline, Some(t0 + 10 * S));
        p.progress(t0 + 2 * S, 500);
        assert_eq!(p.deadline, Some(t0 + 10 * S + S / 2));
        // A burst gives at most one window from now.
        p.progress(t0 + 3 * S, 1 << 30);
        assert_eq!(p.deadline, Some(t0 + 13 * S));
        // A trickle below the rate loses ground: 20 bytes/s for 20 s.
        for i in 0..400u32 {
            p.progress(t0 + 3 * S + S / 20 * i, 1);
        }
        assert!(p.limit(t0 + 14 * S, Direction::Read).is_err());
    }

    #[test]
    fn zero_rate_is_a_fixed_deadline_and_waits_replace_both() {
        let t0 = Instant::now();
        let mut p = Pace::new(Some(S), Some(2 * S), 0);
        p.start_call(t0);
        p.progress(t0, 1 << 30);
        assert_eq!(p.deadline, Some(t0 + 2 * S));
        p.start_wait(t0 + 60 * S);
        assert_eq!(
            p.limit(t0, Direction::Read),
            Ok((Some(60 * S), Expiry::Wait))
        );
        p.stop();
        assert_eq!(p.limit(t0, Direction::Read), Err(Expiry::Stopped));
    }
}
