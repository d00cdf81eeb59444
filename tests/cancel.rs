//! Cancellation against the test Dovecot: an interrupt issued before a call ends that call at
//! once (and only that one), `clear` disarms it, an interrupt ends a connect in progress;
//! a wake ends an IDLE wait without closing anything, before or during the wait, once, over
//! plain TCP, TLS and a child process, and IDLE goes on delivering afterwards.

mod common;

use imap::session::Interrupter;
use imap::{ErrorKind, Session, State, TlsMode};
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

/// How soon a cancelled call must return (a bound against hanging, not a speed target).
const PROMPT: Duration = Duration::from_secs(3);

/// Calls `f` on `interrupter` from another thread after `delay`.
fn after(
    interrupter: Arc<Interrupter>,
    delay: Duration,
    f: fn(&Interrupter),
) -> thread::JoinHandle<Instant> {
    thread::spawn(move || {
        thread::sleep(delay);
        f(&interrupter);
        Instant::now()
    })
}

#[test]
fn an_interrupt_before_the_call_ends_that_call_at_once_and_only_it() {
    let mut s = common::login("user1");
    let intr = s.interrupter();
    assert!(
        !intr.interrupt(),
        "no call is running: the interrupt is kept"
    );
    assert!(s.is_open());
    let t0 = Instant::now();
    let e = s.noop().unwrap_err();
    assert!(t0.elapsed() < PROMPT, "{:?}", t0.elapsed());
    assert_eq!(e.kind, ErrorKind::Interrupted);
    assert_eq!(e.message, "interrupted by imap_interrupt");
    assert!(!s.is_open());
    assert!(!intr.clear(), "consumed by the call");
    // The next call is not interrupted again: it finds the connection closed.
    assert_eq!(s.noop().unwrap_err().kind, ErrorKind::Closed);
    // And a new connection works.
    let d = common::dovecot();
    s.open(d.host(), d.port(), TlsMode::None).unwrap();
    assert_eq!(s.noop().unwrap().typ, "OK");
}

#[test]
fn an_interrupt_before_open_ends_the_open() {
    let d = common::dovecot();
    let mut s = common::session();
    s.interrupter().interrupt();
    let t0 = Instant::now();
    let e = s
        .open(d.host(), d.tls_port(), TlsMode::Implicit)
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Interrupted);
    assert!(t0.elapsed() < PROMPT);
    assert!(!s.is_open());
    s.open(d.host(), d.tls_port(), TlsMode::Implicit).unwrap();
    assert!(s.is_tls());
}

#[test]
fn clear_disarms_an_interrupt_no_call_has_consumed() {
    let mut s = common::login("user1");
    let intr = s.interrupter();
    assert!(!intr.clear());
    intr.interrupt();
    intr.interrupt();
    assert!(intr.clear());
    assert!(!intr.clear());
    assert_eq!(s.noop().unwrap().typ, "OK");
    assert!(s.is_open());
}

/// A listener that never accepts, its backlog filled: a connect to it stays in progress.
fn stuck_listener() -> (TcpListener, Vec<socket2::Socket>, u16) {
    let l = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let port = l.local_addr().unwrap().port();
    // SAFETY: listen(2) on a socket we own, to shrink its backlog to the minimum.
    assert_eq!(
        unsafe { libc::listen(std::os::fd::AsRawFd::as_raw_fd(&l), 0) },
        0
    );
    let addr: SocketAddr = (Ipv4Addr::LOCALHOST, port).into();
    let fillers = (0..4)
        .map(|_| {
            let s =
                socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
            s.set_nonblocking(true).unwrap();
            let _ = s.connect(&addr.into());
            s
        })
        .collect();
    thread::sleep(Duration::from_millis(50));
    (l, fillers, port)
}

#[test]
fn an_interrupt_ends_a_connect_in_progress() {
    let (_l, _fillers, port) = stuck_listener();
    // Without an interrupt this connect would last its full timeout.
    let mut probe = common::session();
    let mut cfg = probe.config().clone();
    cfg.connect_timeout = Duration::from_millis(500);
    probe.set_config(cfg);
    let t0 = Instant::now();
    let e = probe.open("127.0.0.1", port, TlsMode::None).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Timeout, "{}", e.message);
    assert!(t0.elapsed() >= Duration::from_millis(450));

    let mut s = common::session();
    let mut cfg = s.config().clone();
    cfg.connect_timeout = Duration::from_secs(30);
    s.set_config(cfg);
    let fired = after(s.interrupter(), Duration::from_millis(200), |i| {
        i.interrupt();
    });
    let e = s.open("127.0.0.1", port, TlsMode::None).unwrap_err();
    let fired = fired.join().unwrap();
    assert_eq!(e.kind, ErrorKind::Interrupted, "{}", e.message);
    assert!(fired.elapsed() < PROMPT, "{:?}", fired.elapsed());
    assert!(!s.is_open());
    assert!(!s.interrupter().clear(), "consumed by the open");
}

/// Connected, logged in as user2 and idling on a new mailbox.
fn idling(mode: TlsMode) -> (Session, String) {
    let d = common::dovecot();
    let mut s = common::session();
    let port = if mode == TlsMode::Implicit {
        d.tls_port()
    } else {
        d.port()
    };
    s.open(d.host(), port, mode).unwrap();
    s.login("user2", "pass2").unwrap();
    let mbox = common::unique_mailbox("wake");
    assert_eq!(s.create(&mbox).unwrap().typ, "OK");
    assert_eq!(s.select(&mbox, false).unwrap().typ, "OK");
    s.idle_start().unwrap();
    (s, mbox)
}

/// Wakes during and before a wait; then IDLE still delivers another connection's APPEND.
fn wake_keeps_idle_going(mut s: Session, mbox: &str) {
    // During the wait, from another thread.
    let fired = after(
        s.interrupter(),
        Duration::from_millis(200),
        Interrupter::wake,
    );
    let r = s.idle_wait(Duration::from_secs(30)).unwrap();
    let fired = fired.join().unwrap();
    assert!(r.is_none(), "{r:?}");
    assert!(fired.elapsed() < PROMPT, "{:?}", fired.elapsed());
    assert!(s.is_open());
    assert_eq!(s.state(), State::Idling);

    // Before the wait: the next wait returns at once, and only that one.
    s.interrupter().wake();
    s.interrupter().wake();
    let t0 = Instant::now();
    assert!(s.idle_wait(Duration::from_secs(30)).unwrap().is_none());
    assert!(t0.elapsed() < PROMPT);
    let t0 = Instant::now();
    assert!(s.idle_wait(Duration::from_millis(300)).unwrap().is_none());
    assert!(
        t0.elapsed() >= Duration::from_millis(250),
        "the wake was consumed"
    );

    // IDLE went on.
    let mut other = common::login("user2");
    other
        .append(Some(mbox), None, None, b"Subject: wake\r\n\r\nwake\r\n")
        .unwrap();
    let (name, _) =
        common::idle_update(&mut s, "EXISTS", Duration::from_secs(10)).expect("EXISTS within 10 s");
    assert_eq!(name, "EXISTS");
    assert_eq!(s.idle_done().unwrap().typ, "OK");
    assert_eq!(s.state(), State::Selected);
    assert_eq!(s.noop().unwrap().typ, "OK");
    s.close_mailbox().unwrap();
    assert_eq!(s.delete(mbox).unwrap().typ, "OK");
    other.logout().unwrap();
}

#[test]
fn a_wake_ends_an_idle_wait_without_closing() {
    let (s, mbox) = idling(TlsMode::None);
    wake_keeps_idle_going(s, &mbox);
}

#[test]
fn a_wake_ends_an_idle_wait_over_tls() {
    let (s, mbox) = idling(TlsMode::Implicit);
    wake_keeps_idle_going(s, &mbox);
}

#[test]
fn a_wake_ends_an_idle_wait_over_a_child_process() {
    let d = common::dovecot();
    let mut s = common::session();
    s.open_stream(&d.env["DOVECOT_STREAM_CMD"]).unwrap();
    let mbox = common::unique_mailbox("wake");
    assert_eq!(s.create(&mbox).unwrap().typ, "OK");
    assert_eq!(s.select(&mbox, false).unwrap().typ, "OK");
    s.idle_start().unwrap();
    // The child runs as user1: the APPEND comes from a user1 connection.
    let fired = after(
        s.interrupter(),
        Duration::from_millis(200),
        Interrupter::wake,
    );
    assert!(s.idle_wait(Duration::from_secs(30)).unwrap().is_none());
    assert!(fired.join().unwrap().elapsed() < PROMPT);
    let mut other = common::login("user1");
    other
        .append(Some(&mbox), None, None, b"Subject: wake\r\n\r\nwake\r\n")
        .unwrap();
    let (name, _) = common::idle_update(&mut s, "EXISTS", Duration::from_secs(10)).expect("EXISTS");
    assert_eq!(name, "EXISTS");
    assert_eq!(s.idle_done().unwrap().typ, "OK");
    s.close_mailbox().unwrap();
    assert_eq!(s.delete(&mbox).unwrap().typ, "OK");
}

#[test]
fn a_wake_outside_idle_waits_for_the_next_idle_wait() {
    let (mut s, mbox) = idling(TlsMode::None);
    assert_eq!(s.idle_done().unwrap().typ, "OK");
    s.interrupter().wake();
    // Other calls neither consume it nor end early.
    assert_eq!(s.noop().unwrap().typ, "OK");
    s.idle_start().unwrap();
    let t0 = Instant::now();
    assert!(s.idle_wait(Duration::from_secs(30)).unwrap().is_none());
    assert!(t0.elapsed() < PROMPT);
    assert_eq!(s.idle_done().unwrap().typ, "OK");
    s.close_mailbox().unwrap();
    assert_eq!(s.delete(&mbox).unwrap().typ, "OK");
}

#[test]
fn an_interrupt_still_ends_an_idle_wait_and_closes() {
    let (mut s, _) = idling(TlsMode::None);
    let fired = after(s.interrupter(), Duration::from_millis(200), |i| {
        i.interrupt();
    });
    let e = s.idle_wait(Duration::from_secs(30)).unwrap_err();
    assert!(fired.join().unwrap().elapsed() < PROMPT);
    assert_eq!(e.kind, ErrorKind::Interrupted);
    assert!(!s.is_open());
}
