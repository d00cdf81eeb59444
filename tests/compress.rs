//! COMPRESS=DEFLATE (RFC 4978) against the test Dovecot (imap_zlib): a 10 MB FETCH compressed
//! over plain TCP and over TLS gives the message's exact bytes; a streamed FETCH and a
//! streamed APPEND (with progress) work compressed; pipelined commands, through the C handle's
//! unlocked waits, give what the same commands give one at a time; IDLE sees updates; the
//! option turns compression on after login. The bytes on the wire with and without COMPRESS
//! are printed (`cargo test --test compress -- --nocapture`), a figure, not an assertion.

mod common;

use imap::proto::framer::{LiteralChunk, LiteralData, StreamSink};
use imap::session::Way;
use imap::{Config, ErrorKind, Item, Session, TlsMode};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

/// FNV-1a, to compare streamed bytes without keeping them.
fn fnv(h: u64, data: &[u8]) -> u64 {
    data.iter()
        .fold(h, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}
const FNV0: u64 = 0xcbf2_9ce4_8422_2325;

/// A message of about `size` bytes of varied text lines (compressible as mail is, not
/// trivially).
fn message(size: usize) -> Vec<u8> {
    let words = [
        "imap", "deflate", "mailbox", "literal", "server", "client", "message", "the", "of", "and",
        "compress", "window", "fetch", "append", "idle", "stream",
    ];
    let mut msg = b"Subject: compressed\r\nFrom: a@example.org\r\n\r\n".to_vec();
    let mut x: u32 = 12345;
    let mut i = 0u64;
    while msg.len() < size {
        msg.extend_from_slice(format!("{i:08} ").as_bytes());
        for _ in 0..10 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            msg.extend_from_slice(words[(x >> 16) as usize % words.len()].as_bytes());
            msg.push(b' ');
        }
        msg.extend_from_slice(b"\r\n");
        i += 1;
    }
    msg
}

/// A mailbox holding one 10 MB message (made once per test binary), and that message.
fn big_mailbox() -> &'static (String, Vec<u8>) {
    static M: OnceLock<(String, Vec<u8>)> = OnceLock::new();
    M.get_or_init(|| {
        let mut s = common::login("user1");
        let mbox = common::unique_mailbox("compress");
        assert!(s.create(&mbox).unwrap().is_ok());
        let msg = message(10 << 20);
        assert!(s.append(Some(&mbox), None, None, &msg).unwrap().is_ok());
        s.logout().unwrap();
        (mbox, msg)
    })
}

/// FETCHes message 1 of `mbox` and returns its body.
fn fetch_body(s: &mut Session, mbox: &str) -> Vec<u8> {
    assert!(s.select(mbox, true).unwrap().is_ok());
    let out = s.fetch("1", "(BODY.PEEK[])").unwrap();
    match out.data.into_iter().next() {
        Some(Item::Literal(_, LiteralData::Bytes(b))) => b,
        _ => panic!("no literal"),
    }
}

#[test]
fn a_10_mb_fetch_compressed_plain_and_tls() {
    let (mbox, msg) = big_mailbox();

    let mut s = common::login("user1");
    let before = s.bytes_read();
    assert_eq!(&fetch_body(&mut s, mbox), msg);
    let plain_wire = s.bytes_read() - before;
    s.logout().unwrap();

    let mut s = common::login("user1");
    assert!(!s.is_compressed());
    assert!(s.compress().unwrap().is_ok());
    assert!(s.is_compressed());
    let before = s.compression_stats().unwrap();
    assert_eq!(&fetch_body(&mut s, mbox), msg);
    let after = s.compression_stats().unwrap();
    let wire = after.wire_in - before.wire_in;
    let inflated = after.plain_in - before.plain_in;
    eprintln!(
        "10 MB FETCH: {plain_wire} bytes on the wire without COMPRESS, {wire} with \
         (inflated to {inflated}): ratio {:.2}",
        plain_wire as f64 / wire as f64
    );
    assert!(wire < inflated, "the FETCH came compressed");
    // Compressed twice is refused by us, before the server's [COMPRESSIONACTIVE].
    let e = s.compress().unwrap_err();
    assert_eq!(e.kind, ErrorKind::IllegalState);
    assert!(s.noop().unwrap().is_ok());
    s.logout().unwrap();

    // TLS(deflate(imap)).
    let d = common::dovecot();
    let mut s = common::session();
    s.open(d.host(), d.tls_port(), TlsMode::Implicit).unwrap();
    assert!(s.login("user1", "pass1").unwrap().is_ok());
    assert!(s.compress().unwrap().is_ok());
    assert!(s.is_tls() && s.is_compressed());
    assert_eq!(&fetch_body(&mut s, mbox), msg);
    s.logout().unwrap();
}

#[test]
fn the_option_compresses_after_login_and_refusals_send_nothing() {
    let d = common::dovecot();
    let mut cfg = Config::default();
    cfg.tls.ca_file = Some(d.ca());
    cfg.compress = true;
    let mut s = Session::new(cfg);
    s.open(d.host(), d.port(), TlsMode::StartTls).unwrap();
    // Before authentication: refused by the state, nothing sent.
    let e = s.compress().unwrap_err();
    assert_eq!(e.kind, ErrorKind::IllegalState, "{}", e.message);
    assert!(!s.is_compressed());
    assert!(s.login("user1", "pass1").unwrap().is_ok());
    assert!(s.is_compressed(), "COMPRESS after login");
    assert!(s.is_tls());
    assert!(s.select("INBOX", true).unwrap().is_ok());
    let out = s.fetch("1:20", "(UID)").unwrap();
    assert_eq!(out.data.len(), 20);
    s.logout().unwrap();
}

#[test]
fn compress_goes_only_through_its_own_call() {
    // Sent as a ticket (imap_submit) or by xatom, COMPRESS would turn the server's side to
    // deflate while this side stays plain: every later byte unreadable both ways. Both refuse
    // it before anything is sent, and the connection stays usable and uncompressed.
    use imap::proto::encode::Arg;
    let mut s = common::login("user1");
    assert!(s.has_capability("COMPRESS=DEFLATE"));
    let e = s
        .submit_named("COMPRESS", vec![Arg::Raw(b"DEFLATE".to_vec())])
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidArgument, "{}", e.message);
    assert!(e.message.contains("imap_compress"), "{}", e.message);
    let e = s.xatom("compress", &["DEFLATE"]).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidArgument, "{}", e.message);
    assert!(e.message.contains("imap_compress"), "{}", e.message);
    assert!(!s.is_compressed());
    assert!(s.noop().unwrap().is_ok());
    assert!(s.compress().unwrap().is_ok());
    assert!(s.is_compressed());
    assert!(s.noop().unwrap().is_ok());
    s.logout().unwrap();
}

#[test]
fn a_streamed_fetch_and_a_streamed_append_compressed() {
    const SIZE: usize = 6 << 20;
    let mut s = common::login("user1");
    assert!(s.compress().unwrap().is_ok());
    let mbox = common::unique_mailbox("compress-stream");
    assert!(s.create(&mbox).unwrap().is_ok());
    let msg = Arc::new(message(SIZE));
    let want = (msg.len() as u64, fnv(FNV0, &msg));

    // APPEND from a source, in chunks, with progress reports.
    let uploads = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&uploads);
    s.set_progress(Some(Box::new(move |way, done, total| {
        seen.lock().unwrap().push((way, done, total));
    })));
    let src = Arc::clone(&msg);
    let mut at = 0usize;
    let source = Box::new(move |buf: &mut [u8]| {
        let n = buf.len().min(src.len() - at);
        buf[..n].copy_from_slice(&src[at..at + n]);
        at += n;
        Ok(n)
    });
    let out = s
        .append_source(Some(&mbox), None, None, msg.len() as u64, source)
        .unwrap();
    assert!(out.is_ok(), "{out:?}");
    {
        let ups = uploads.lock().unwrap();
        let ups: Vec<_> = ups.iter().filter(|u| u.0 == Way::Upload).collect();
        assert!(ups.len() > 10, "{} upload reports", ups.len());
        assert_eq!(ups.last().map(|u| (u.1, u.2)), Some((want.0, want.0)));
    }

    // FETCH through a streaming sink: chunks in order, equal to the message.
    assert!(s.select(&mbox, true).unwrap().is_ok());
    let got = Arc::new(Mutex::new((0u64, FNV0, 0usize)));
    let sink_got = Arc::clone(&got);
    let callback = Box::new(move |c: LiteralChunk<'_>| {
        let mut g = sink_got.lock().unwrap();
        assert_eq!(c.offset, g.0, "chunks arrive in order");
        g.0 += c.data.len() as u64;
        g.1 = fnv(g.1, c.data);
        g.2 += 1;
        true
    });
    s.set_literal_sink(Some(Box::new(StreamSink::new(
        64 * 1024,
        1 << 20,
        callback,
    ))));
    let out = s.fetch("1", "(BODY.PEEK[])").unwrap();
    s.set_literal_sink(None);
    s.set_progress(None);
    assert!(out.is_ok());
    let (len, hash, chunks) = *got.lock().unwrap();
    assert_eq!((len, hash), want, "streamed bytes equal the message");
    assert!(chunks > 10, "{chunks} chunks");
    assert!(s.delete(&mbox).is_ok() || s.close_mailbox().is_ok());
    s.logout().unwrap();
    let mut t = common::login("user1");
    let _ = t.delete(&mbox);
}

#[test]
fn pipelined_commands_compressed_through_the_c_handle() {
    use imap::ffi::commands::imap_noop;
    use imap::ffi::compress::{imap_client_is_compressed, imap_compress};
    use imap::ffi::pipeline::{imap_collect, imap_submit_fetch};
    use imap::ffi::result::{imap_result_count, imap_result_free};
    use std::ffi::CString;
    use std::ptr;

    // The same FETCHes one at a time, uncompressed, for comparison.
    let mut s = common::login("user1");
    s.select("INBOX", true).unwrap();
    let items = "(UID FLAGS RFC822.SIZE ENVELOPE BODY.PEEK[HEADER])";
    let set = |i: u32| format!("{}", i % 20 + 1);
    let counts: Vec<usize> = (0..300)
        .map(|i| s.fetch(&set(i), items).unwrap().data.len())
        .collect();
    s.logout().unwrap();

    let c = common::c_login("INBOX");
    // SAFETY: a live handle; results are freed once.
    unsafe {
        let mut r = ptr::null_mut();
        assert_eq!(imap_client_is_compressed(c), 0);
        assert_eq!(imap_compress(c, &mut r), imap::ffi::code::ImapCode::Ok);
        imap_result_free(r);
        assert_eq!(imap_client_is_compressed(c), 1);
        let items = CString::new(items).unwrap();
        let tickets: Vec<u64> = (0..300)
            .map(|i| {
                let set = CString::new(set(i)).unwrap();
                let mut t = 0u64;
                assert_eq!(
                    imap_submit_fetch(c, set.as_ptr(), items.as_ptr(), &mut t),
                    imap::ffi::code::ImapCode::Ok
                );
                t
            })
            .collect();
        for (i, t) in tickets.into_iter().enumerate() {
            let mut r = ptr::null_mut();
            assert_eq!(imap_collect(c, t, &mut r), imap::ffi::code::ImapCode::Ok);
            assert_eq!(imap_result_count(r), counts[i], "fetch {i}");
            imap_result_free(r);
        }
        assert_eq!(imap_noop(c, &mut r), imap::ffi::code::ImapCode::Ok);
        imap_result_free(r);
        imap::ffi::client::imap_client_free(c);
    }
}

#[test]
fn idle_sees_updates_compressed() {
    let mbox = common::unique_mailbox("compress-idle");
    let mut other = common::login("user2");
    assert!(other.create(&mbox).unwrap().is_ok());
    let mut s = common::login("user2");
    assert!(s.compress().unwrap().is_ok());
    assert!(s.select(&mbox, false).unwrap().is_ok());
    assert!(s.idle_start().unwrap().is_ok());
    let msg = message(200_000);
    assert!(other.append(Some(&mbox), None, None, &msg).unwrap().is_ok());
    let got = common::idle_update(&mut s, "EXISTS", Duration::from_secs(10));
    assert!(got.is_some(), "no EXISTS while idling compressed");
    assert!(s.idle_done().unwrap().is_ok());
    let out = s.fetch("1", "(BODY.PEEK[])").unwrap();
    assert!(matches!(&out.data[0], Item::Literal(_, LiteralData::Bytes(b)) if *b == msg));
    s.logout().unwrap();
    assert!(other.delete(&mbox).unwrap().is_ok());
}
