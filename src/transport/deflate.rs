//! COMPRESS=DEFLATE (RFC 4978): raw deflate (no zlib header) in both directions over another
//! stream, so TLS carries the compressed bytes (TLS(deflate(imap))).
//!
//! Reading inflates into the caller's buffer only: the framer hands out room for one read, and
//! at most that much comes out per call, however much the compressed bytes would expand to (a
//! decompression bomb meets the line and literal limits as plain data does, never the heap).
//! What is kept here is bounded: [`INPUT`] compressed bytes read ahead and the inflater's own
//! state (its 32 KiB window).
//!
//! Every write ends with a sync flush, so each command (and each piece of a literal) reaches
//! the server whole.
//!
//! The inflater may hold bytes the socket no longer shows to `poll`: [`Deflated::holds_data`]
//! says so, and the driver reads before it waits (see `Stream::holds_data`).

use super::Stream;
use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};
use std::io;

/// Compressed bytes read from the inner stream at most at a time.
const INPUT: usize = 16 * 1024;
/// Compressed bytes written to the inner stream at most at a time.
const OUTPUT: usize = 16 * 1024;
/// Compressed bytes that may be inflated to nothing in a row. A server's flush adds an empty
/// block of a few bytes, and a block's header is at most a few hundred; beyond this the server
/// is sending empty blocks, which would keep a call going past every limit (the bytes keep the
/// call's deadline moving while nothing reaches the framer's limits).
const MAX_EMPTY: u64 = 64 * 1024;

/// Byte counts of a compressed connection: what went over the wire and what it stood for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CompressionStats {
    /// Compressed bytes read from the server.
    pub wire_in: u64,
    /// The bytes they inflated to.
    pub plain_in: u64,
    /// Compressed bytes sent to the server.
    pub wire_out: u64,
    /// The bytes they were made from.
    pub plain_out: u64,
}

/// A stream whose bytes are deflated both ways (see the module documentation).
pub struct Deflated {
    pub(super) inner: Stream,
    inflate: Decompress,
    deflate: Compress,
    /// Compressed bytes read and not yet inflated: `input[pos..end]`.
    input: Box<[u8]>,
    pos: usize,
    end: usize,
    /// The last inflate filled the caller's buffer: more output may be waiting inside.
    more: bool,
    /// The server ended its deflate stream (RFC 4978 has no end: an error from then on).
    ended: bool,
    /// Compressed bytes inflated to nothing since the last output (see [`MAX_EMPTY`]).
    empty: u64,
    output: Box<[u8]>,
    stats: CompressionStats,
}

fn corrupt(why: impl std::fmt::Display) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("corrupt compressed data from the server (COMPRESS=DEFLATE): {why}"),
    )
}

impl Deflated {
    /// Wraps `inner`; `already` holds compressed bytes read before the switch (what followed
    /// the COMPRESS OK in the same read).
    pub fn new(inner: Stream, already: &[u8]) -> Deflated {
        // (`already` is at most one read of the framer's: a buffer of that size at worst.)
        let mut input = vec![0u8; INPUT.max(already.len())].into_boxed_slice();
        input[..already.len()].copy_from_slice(already);
        Deflated {
            inner,
            inflate: Decompress::new(false),
            deflate: Compress::new(Compression::default(), false),
            input,
            pos: 0,
            end: already.len(),
            more: false,
            ended: false,
            empty: 0,
            output: vec![0u8; OUTPUT].into_boxed_slice(),
            stats: CompressionStats {
                wire_in: already.len() as u64,
                ..CompressionStats::default()
            },
        }
    }

    pub fn stats(&self) -> CompressionStats {
        self.stats
    }

    /// Whether bytes may wait here, or in the stream below, where polling the socket cannot
    /// see them.
    pub fn holds_data(&self) -> bool {
        self.pos < self.end || self.more || self.inner.holds_data()
    }

    /// Inflates into `buf`; reads the inner stream only when nothing is left to inflate (so a
    /// `WouldBlock` from below means nothing is waiting here either). `Ok(0)`: end of stream.
    pub fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if self.ended {
                return Err(corrupt("the server ended the compressed stream"));
            }
            if self.pos < self.end || self.more {
                let (in0, out0) = (self.inflate.total_in(), self.inflate.total_out());
                let status = self
                    .inflate
                    .decompress(&self.input[self.pos..self.end], buf, FlushDecompress::None)
                    .map_err(corrupt)?;
                let used = (self.inflate.total_in() - in0) as usize;
                let made = (self.inflate.total_out() - out0) as usize;
                self.pos += used;
                self.more = made == buf.len();
                self.stats.plain_in += made as u64;
                if status == Status::StreamEnd {
                    self.ended = true;
                    self.more = false;
                }
                if made > 0 {
                    self.empty = 0;
                    return Ok(made);
                }
                if used > 0 {
                    self.empty += used as u64;
                    if self.empty > MAX_EMPTY {
                        return Err(corrupt(format!(
                            "more than {MAX_EMPTY} compressed bytes in a row hold no data"
                        )));
                    }
                    continue;
                }
                // Nothing came out and nothing was taken: the inflater needs more input.
            }
            if self.pos == self.end {
                self.pos = 0;
                self.end = 0;
            } else if self.pos > 0 {
                self.input.copy_within(self.pos..self.end, 0);
                self.end -= self.pos;
                self.pos = 0;
            }
            if self.end == self.input.len() {
                return Err(corrupt("the inflater makes no progress"));
            }
            let n = self.inner.read(&mut self.input[self.end..])?;
            if n == 0 {
                return Ok(0);
            }
            self.end += n;
            self.stats.wire_in += n as u64;
        }
    }

    /// Deflates `data` and writes it with a sync flush, so the server can read all of it now.
    pub fn write_all(&mut self, data: &[u8]) -> io::Result<()> {
        if data.is_empty() {
            return Ok(());
        }
        let mut rest = data;
        loop {
            let (in0, out0) = (self.deflate.total_in(), self.deflate.total_out());
            self.deflate
                .compress(rest, &mut self.output, FlushCompress::Sync)
                .map_err(|e| io::Error::other(format!("deflate failed: {e}")))?;
            let used = (self.deflate.total_in() - in0) as usize;
            let made = (self.deflate.total_out() - out0) as usize;
            rest = &rest[used..];
            if made > 0 {
                self.inner.write_all(&self.output[..made])?;
                self.stats.wire_out += made as u64;
            }
            // Done when everything went in and the flush fit: output room was left over.
            if rest.is_empty() && made < self.output.len() {
                break;
            }
            if used == 0 && made == 0 {
                return Err(io::Error::other("deflate makes no progress"));
            }
        }
        self.stats.plain_out += data.len() as u64;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::{MemoryStream, Pace};
    use std::sync::{Arc, Mutex};

    /// Reads `input`, keeps what is written in `written`.
    struct Wire {
        input: io::Cursor<Vec<u8>>,
        written: Arc<Mutex<Vec<u8>>>,
    }

    impl io::Read for Wire {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.input.read(buf)
        }
    }

    impl io::Write for Wire {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.written.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn memory(input: Vec<u8>) -> (Stream, Arc<Mutex<Vec<u8>>>) {
        let written = Arc::new(Mutex::new(Vec::new()));
        let wire = Wire {
            input: io::Cursor::new(input),
            written: Arc::clone(&written),
        };
        let pace = Pace::new(None, None, 0);
        (
            Stream::Memory(MemoryStream::new(Box::new(wire), pace)),
            written,
        )
    }

    fn raw_deflate(data: &[u8]) -> Vec<u8> {
        let mut c = Compress::new(Compression::best(), false);
        let mut out = Vec::with_capacity(data.len() / 2 + 1024);
        c.compress_vec(data, &mut out, FlushCompress::Sync).unwrap();
        while out.len() == out.capacity() {
            out.reserve(1 << 16);
            c.compress_vec(&[], &mut out, FlushCompress::Sync).unwrap();
        }
        out
    }

    #[test]
    fn inflates_into_the_room_given_and_says_when_more_waits() {
        let plain: Vec<u8> = (0..200_000u32).map(|i| (i % 7) as u8 + b'a').collect();
        let wire = raw_deflate(&plain);
        let mut d = Deflated::new(memory(wire.clone()).0, &[]);
        let mut got = Vec::new();
        let mut buf = [0u8; 1000];
        loop {
            let n = d.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            assert!(n <= buf.len());
            got.extend_from_slice(&buf[..n]);
            if got.len() < plain.len() {
                assert!(
                    d.holds_data(),
                    "inflated data waits inside at {}",
                    got.len()
                );
            }
        }
        assert_eq!(got, plain);
        assert!(!d.holds_data());
        assert_eq!(d.stats().wire_in, wire.len() as u64);
    }

    #[test]
    fn writes_end_with_a_sync_flush() {
        let (stream, written) = memory(Vec::new());
        let mut d = Deflated::new(stream, &[]);
        d.write_all(b"a1 NOOP\r\n").unwrap();
        let sent = written.lock().unwrap().clone();
        assert!(sent.ends_with(&[0, 0, 0xff, 0xff]), "{sent:?}");
        let mut inf = Decompress::new(false);
        let mut out = Vec::with_capacity(64);
        inf.decompress_vec(&sent, &mut out, FlushDecompress::Sync)
            .unwrap();
        assert_eq!(out, b"a1 NOOP\r\n");
    }

    /// Reads empty deflate blocks (a sync flush each) without end, counting the bytes read.
    struct EmptyBlocks(Arc<Mutex<usize>>);

    impl io::Read for EmptyBlocks {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let mut n = self.0.lock().unwrap();
            if *n > 16 << 20 {
                return Ok(0);
            }
            let block = [0u8, 0, 0, 0xff, 0xff];
            let k = buf.len() / block.len() * block.len();
            for c in buf[..k].chunks_mut(block.len()) {
                c.copy_from_slice(&block);
            }
            *n += k;
            Ok(k)
        }
    }

    impl io::Write for EmptyBlocks {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn endless_empty_blocks_are_an_error_not_an_endless_read() {
        // Each empty block is bytes moved (they keep the call's deadline moving) that inflate
        // to nothing (they never reach a line or literal limit): without a bound the read
        // never ends while the server keeps sending them.
        let count = Arc::new(Mutex::new(0));
        let pace = Pace::new(None, None, 0);
        let inner = Stream::Memory(MemoryStream::new(
            Box::new(EmptyBlocks(Arc::clone(&count))),
            pace,
        ));
        let mut d = Deflated::new(inner, &[]);
        let e = d.read(&mut [0u8; 100]).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData, "{e}");
        assert!(*count.lock().unwrap() <= 2 * MAX_EMPTY as usize + INPUT);
        // A flush between pieces of data is fine, however many come over time.
        let mut wire = Vec::new();
        for _ in 0..100 {
            wire.extend_from_slice(&raw_deflate(b"x"));
        }
        let mut d = Deflated::new(memory(wire).0, &[]);
        let mut got = Vec::new();
        let mut buf = [0u8; 10];
        loop {
            let n = d.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            got.extend_from_slice(&buf[..n]);
        }
        assert_eq!(got, [b'x'; 100]);
    }

    #[test]
    fn corrupt_input_is_an_error() {
        let wire = vec![0xffu8; 64];
        let mut d = Deflated::new(memory(wire).0, &[]);
        let e = d.read(&mut [0u8; 100]).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
    }
}
