//! Streaming literals in constant memory: a 24 MB message fetched through a `StreamSink`
//! reaches the callback whole and in order while the process's heap barely moves; the same
//! fetch buffered takes the whole message in memory. Memory is measured by a counting global
//! allocator (deterministic, unlike timing), and the figures are printed as a ratio.

mod common;

use imap::proto::framer::{LiteralChunk, StreamSink};
use imap::Item;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Mutex};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: defers to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = System.alloc(l);
        if !p.is_null() {
            let now = CURRENT.fetch_add(l.size(), Relaxed) + l.size();
            PEAK.fetch_max(now, Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        CURRENT.fetch_sub(l.size(), Relaxed);
        System.dealloc(p, l)
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Peak heap growth over the current level while `f` runs.
fn peak_growth<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = CURRENT.load(Relaxed);
    PEAK.store(base, Relaxed);
    let out = f();
    (out, PEAK.load(Relaxed).saturating_sub(base))
}

/// FNV-1a, to compare the streamed bytes with the message without keeping them.
fn fnv(h: u64, data: &[u8]) -> u64 {
    data.iter()
        .fold(h, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}
const FNV0: u64 = 0xcbf2_9ce4_8422_2325;

#[test]
fn a_large_message_streams_in_constant_memory() {
    const SIZE: usize = 24 << 20;
    let mut s = common::login("user1");
    let mbox = common::unique_mailbox("stream");
    assert_eq!(s.create(&mbox).unwrap().typ, "OK");
    let mut msg = b"Subject: streamed\r\n\r\n".to_vec();
    let mut i = 0u64;
    while msg.len() < SIZE {
        msg.extend_from_slice(format!("line {i:08} {}\r\n", "z".repeat(60)).as_bytes());
        i += 1;
    }
    let want = (msg.len() as u64, fnv(FNV0, &msg));
    assert_eq!(s.append(Some(&mbox), None, None, &msg).unwrap().typ, "OK");
    drop(msg);
    assert_eq!(s.select(&mbox, true).unwrap().typ, "OK");

    // Buffered: the whole message is in the result.
    let (out, buffered_peak) = peak_growth(|| s.fetch("1", "(BODY.PEEK[])").unwrap());
    let Item::Literal(_, imap::proto::framer::LiteralData::Bytes(body)) = &out.data[0] else {
        panic!("{:?}", out.data.first().map(|_| "not a buffered literal"))
    };
    assert_eq!((body.len() as u64, fnv(FNV0, body)), want);
    drop(out);

    // Streamed: chunks in order, nothing kept.
    let seen = Arc::new(Mutex::new((0u64, FNV0, Vec::new(), 0usize)));
    let sink_seen = Arc::clone(&seen);
    let callback = Box::new(move |c: LiteralChunk<'_>| {
        let mut g = sink_seen.lock().unwrap();
        assert_eq!(c.offset, g.0, "chunks arrive in order");
        g.0 += c.data.len() as u64;
        g.1 = fnv(g.1, c.data);
        g.2 = c.line.to_vec();
        g.3 += 1;
        true
    });
    s.set_literal_sink(Some(Box::new(StreamSink::new(
        64 * 1024,
        1 << 20,
        callback,
    ))));
    let (out, streamed_peak) = peak_growth(|| s.fetch("1", "(UID BODY.PEEK[])").unwrap());
    s.set_literal_sink(None);
    let (len, hash, line, chunks) = seen.lock().unwrap().clone();
    assert_eq!((len, hash), want, "streamed bytes equal the message");
    assert!(line.starts_with(b"* 1 FETCH (UID 1 BODY[] {"), "{line:?}");
    assert!(chunks > 10, "{chunks} chunks");
    assert!(
        matches!(&out.data[0], Item::Literal(_, imap::proto::framer::LiteralData::Streamed(n)) if *n == len)
    );
    println!(
        "24 MB FETCH: peak heap growth buffered {buffered_peak} bytes, streamed {streamed_peak} bytes"
    );
    assert!(buffered_peak >= SIZE, "buffered peak {buffered_peak}");
    assert!(streamed_peak < 1 << 20, "streamed peak {streamed_peak}");

    // A callback that stops the transfer fails the call and closes the connection.
    let stop = Box::new(|_: LiteralChunk<'_>| false);
    s.set_literal_sink(Some(Box::new(StreamSink::new(0, 1 << 20, stop))));
    let e = s.fetch("1", "(BODY.PEEK[])").unwrap_err();
    assert_eq!(e.kind, imap::ErrorKind::Abort, "{}", e.message);
    assert!(!s.is_open());

    let mut t = common::login("user1");
    assert_eq!(t.delete(&mbox).unwrap().typ, "OK");
}
