//! COMPRESS=DEFLATE against the scripted fake server, for what a real server will not do: a
//! decompression bomb (a small deflate stream that inflates to a huge line, or to a response
//! of many literals) must meet the line and response limits with the heap bounded; corrupt
//! deflate data is an ABORT; a NO leaves the connection uncompressed and working; bytes that
//! follow the OK in the same read are inflated, not taken as plain text.
//!
//! This test binary counts live heap bytes (a global allocator) and runs its cases one at a
//! time, so a peak belongs to its case.

mod fake;

use fake::{expect, expect_prefix, send, FakeServer, Step};
use imap::proto::Limits;
use imap::{Config, ErrorKind, Session, TlsMode};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

// SAFETY: defers to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            let now =
                LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed) + layout.size() as isize;
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            let now = LIVE.fetch_add(new_size as isize, Ordering::Relaxed) + new_size as isize;
            PEAK.fetch_max(now, Ordering::Relaxed);
            LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

static SERIAL: Mutex<()> = Mutex::new(());

const GREETING: &str = "* PREAUTH [CAPABILITY IMAP4rev1 COMPRESS=DEFLATE] fake ready\r\n";

/// The steps up to an active compression: greeting, CAPABILITY, COMPRESS DEFLATE and its OK
/// (`then` deflated in the same write).
fn compressed(then: &str) -> Vec<Step> {
    vec![
        send(GREETING),
        expect("CAPABILITY"),
        send("* CAPABILITY IMAP4rev1 COMPRESS=DEFLATE\r\n{tag} OK done\r\n"),
        expect("COMPRESS DEFLATE"),
        Step::Compress {
            plain: b"{tag} OK DEFLATE active\r\n".to_vec(),
            then: then.as_bytes().to_vec(),
        },
    ]
}

fn open(port: u16, limits: Limits) -> Session {
    let mut s = Session::new(Config {
        io_timeout: Duration::from_secs(20),
        limits,
        ..Config::default()
    });
    s.open("127.0.0.1", port, TlsMode::None).expect("open");
    s
}

/// Runs NOOP against a compressed flood and checks that it fails with `Limit`, closes the
/// connection, and that the heap grew by at most `bound` meanwhile.
fn check_bomb(what: &str, limits: Limits, flood: Vec<Step>, bound: isize) {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let mut script = compressed("");
    script.push(expect("NOOP"));
    script.extend(flood);
    let server = FakeServer::start(script);
    let mut s = open(server.port, limits);
    assert!(s.compress().unwrap().is_ok());
    assert!(s.is_compressed());
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let r = s.noop();
    let growth = PEAK.load(Ordering::Relaxed) - base;
    eprintln!("{what}: peak heap growth {growth} bytes (bound {bound})");
    let err = r.expect_err("the bomb must end with an error");
    assert_eq!(err.kind, ErrorKind::Limit, "{what}: {}", err.message);
    assert!(!s.is_open(), "{what}: connection still open");
    assert!(growth <= bound, "{what}: the heap grew by {growth} bytes");
    drop(s);
    server.finish();
}

#[test]
fn a_line_bomb_meets_the_line_limit() {
    // 640 MB of 'a' without a line end, about 1 KB deflated per 64 KiB.
    let limits = Limits {
        max_line: 1 << 20,
        ..Limits::default()
    };
    check_bomb(
        "line bomb",
        limits,
        vec![send("* OK "), Step::Flood(vec![b'a'; 64 * 1024], 10_000)],
        // The framer's buffer grows by doubling (up to twice the line limit), plus the fake
        // server's and the deflate states: far from the 640 MB the bomb inflates to.
        3 * (1 << 20) + (1 << 20),
    );
}

#[test]
fn a_literal_bomb_meets_the_response_limit() {
    // One FETCH response of a hundred 1 MB literals (each within the literal limit), a few
    // KB deflated; the response limit is 4 MB.
    let limits = Limits {
        max_literal: 1 << 20,
        max_response: 4 << 20,
        ..Limits::default()
    };
    let mut piece = b" BODY[1] {1000000}\r\n".to_vec();
    piece.extend(std::iter::repeat_n(b'a', 1_000_000));
    check_bomb(
        "literal bomb",
        limits,
        vec![send("* 1 FETCH (UID 1"), Step::Flood(piece, 100)],
        (4 << 20) + (2 << 20),
    );
}

#[test]
fn corrupt_deflate_data_is_an_abort() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let mut script = compressed("");
    script.push(expect("NOOP"));
    script.push(Step::Raw(vec![0xff; 64]));
    let server = FakeServer::start(script);
    let mut s = open(server.port, Limits::default());
    assert!(s.compress().unwrap().is_ok());
    let err = s.noop().expect_err("corrupt data");
    assert_eq!(err.kind, ErrorKind::Abort, "{}", err.message);
    assert!(
        err.message.contains("corrupt compressed data"),
        "{}",
        err.message
    );
    assert!(!s.is_open());
    drop(s);
    server.finish();
}

#[test]
fn commands_go_deflated_and_data_after_the_ok_is_inflated() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    // "* 7 EXISTS" comes deflated in the same write as the OK: the client must inflate it.
    let mut script = compressed("* 7 EXISTS\r\n");
    script.push(expect("NOOP"));
    script.push(send("* 8 EXISTS\r\n{tag} OK noop\r\n"));
    script.push(expect("LOGOUT"));
    script.push(send("* BYE bye\r\n{tag} OK bye\r\n"));
    let server = FakeServer::start(script);
    let mut s = open(server.port, Limits::default());
    let out = s.compress().unwrap();
    assert!(out.is_ok());
    // Refused when active already, without sending anything.
    let e = s.compress().unwrap_err();
    assert_eq!(e.kind, ErrorKind::IllegalState, "{}", e.message);
    assert!(s.noop().unwrap().is_ok());
    let exists = s.untagged().get("EXISTS").cloned().unwrap_or_default();
    assert_eq!(
        exists,
        vec![
            imap::Item::Line(b"7".to_vec()),
            imap::Item::Line(b"8".to_vec())
        ]
    );
    let stats = s.compression_stats().unwrap();
    assert!(stats.wire_out > 0 && stats.plain_out > 0);
    s.logout().unwrap();
    let t = server.finish();
    // The client's commands after the switch went deflated: not readable on the wire.
    assert!(!String::from_utf8_lossy(&t.plain).contains("NOOP"));
    let inflated = String::from_utf8_lossy(&t.inflated).into_owned();
    assert!(inflated.contains(" NOOP\r\n"), "{inflated}");
    assert!(inflated.contains(" LOGOUT\r\n"), "{inflated}");
    assert_eq!(inflated.matches("COMPRESS").count(), 0, "{inflated}");
}

#[test]
fn a_no_leaves_the_connection_uncompressed_and_working() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let server = FakeServer::start(vec![
        send(GREETING),
        expect("CAPABILITY"),
        send("* CAPABILITY IMAP4rev1 COMPRESS=DEFLATE\r\n{tag} OK done\r\n"),
        expect("COMPRESS DEFLATE"),
        send("{tag} NO [COMPRESSIONACTIVE] not now\r\n"),
        expect("NOOP"),
        send("{tag} OK noop\r\n"),
    ]);
    let mut s = open(server.port, Limits::default());
    let out = s.compress().unwrap();
    assert_eq!(out.typ, "NO");
    assert!(!s.is_compressed());
    assert!(s.noop().unwrap().is_ok());
    drop(s);
    let t = server.finish();
    assert!(t.inflated.is_empty());
}

#[test]
fn refused_without_the_capability_or_before_authentication() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let server = FakeServer::start(vec![
        send("* OK [CAPABILITY IMAP4rev1 COMPRESS=DEFLATE] fake ready\r\n"),
        expect("NOOP"),
        send("{tag} OK noop\r\n"),
    ]);
    let mut s = open(server.port, Limits::default());
    let e = s.compress().unwrap_err();
    assert_eq!(e.kind, ErrorKind::IllegalState, "{}", e.message);
    assert!(s.noop().unwrap().is_ok());
    drop(s);
    let t = server.finish();
    assert!(!t.sent("COMPRESS"));

    let server = FakeServer::start(vec![
        send("* PREAUTH fake ready\r\n"),
        expect("CAPABILITY"),
        send("* CAPABILITY IMAP4rev1\r\n{tag} OK done\r\n"),
        expect("NOOP"),
        send("{tag} OK noop\r\n"),
    ]);
    let mut s = open(server.port, Limits::default());
    let e = s.compress().unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unsupported, "{}", e.message);
    assert!(s.noop().unwrap().is_ok());
    drop(s);
    let t = server.finish();
    assert!(!t.sent("COMPRESS"));
}

#[test]
fn a_silent_server_times_out_and_an_interrupt_ends_the_wait_compressed() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    // Silent after the NOOP: the I/O timeout (1 s) ends the call.
    let mut script = compressed("");
    script.push(expect("NOOP"));
    script.push(Step::Sleep(Duration::from_millis(2500)));
    let server = FakeServer::start(script);
    let mut s = open(server.port, Limits::default());
    let mut cfg = s.config().clone();
    cfg.io_timeout = Duration::from_secs(1);
    s.set_config(cfg);
    assert!(s.compress().unwrap().is_ok());
    let t0 = std::time::Instant::now();
    let e = s.noop().unwrap_err();
    assert_eq!(e.kind, ErrorKind::Timeout, "{}", e.message);
    assert!(t0.elapsed() < Duration::from_secs(3), "{:?}", t0.elapsed());
    drop(s);
    server.finish();

    // An interrupt from another thread ends the wait at once.
    let mut script = compressed("");
    script.push(expect("NOOP"));
    script.push(Step::Sleep(Duration::from_millis(2500)));
    let server = FakeServer::start(script);
    let mut s = open(server.port, Limits::default());
    assert!(s.compress().unwrap().is_ok());
    let intr = s.interrupter();
    let waker = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        intr.interrupt()
    });
    let t0 = std::time::Instant::now();
    let e = s.noop().unwrap_err();
    assert!(waker.join().unwrap());
    assert_eq!(e.kind, ErrorKind::Interrupted, "{}", e.message);
    assert!(t0.elapsed() < Duration::from_secs(3), "{:?}", t0.elapsed());
    drop(s);
    server.finish();
}

#[test]
fn the_trace_shows_the_uncompressed_protocol_with_secrets_redacted() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let server = FakeServer::start(vec![
        send("* OK [CAPABILITY IMAP4rev1 COMPRESS=DEFLATE] fake ready\r\n"),
        expect_prefix("LOGIN"),
        send("{tag} OK [CAPABILITY IMAP4rev1 COMPRESS=DEFLATE] in\r\n"),
        expect("COMPRESS DEFLATE"),
        Step::Compress {
            plain: b"{tag} OK DEFLATE active\r\n".to_vec(),
            then: Vec::new(),
        },
        expect("NOOP"),
        send("* 3 EXISTS\r\n{tag} OK noop\r\n"),
    ]);
    let lines = std::sync::Arc::new(Mutex::new(Vec::<String>::new()));
    let sink_lines = std::sync::Arc::clone(&lines);
    let mut s = Session::new(Config {
        compress: true,
        allow_plaintext_password: true,
        ..Config::default()
    });
    s.set_debug(5);
    s.set_trace_sink(Some(Box::new(move |_level: u8, line: &str| {
        sink_lines.lock().unwrap().push(line.to_string());
    })));
    s.open("127.0.0.1", server.port, TlsMode::None).unwrap();
    assert!(s.login("user", "s3cret-pw").unwrap().is_ok());
    assert!(s.is_compressed(), "compressed after login");
    assert!(s.noop().unwrap().is_ok());
    drop(s);
    let t = server.finish();
    assert!(String::from_utf8_lossy(&t.inflated).contains(" NOOP\r\n"));
    let trace = lines.lock().unwrap().join("\n");
    assert!(trace.contains("NOOP"), "{trace}");
    assert!(trace.contains("3 EXISTS"), "{trace}");
    assert!(!trace.contains("s3cret-pw"), "{trace}");
}
