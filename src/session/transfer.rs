//! Transfers both ways: a message APPENDed from a source of known size without holding it in
//! memory, and progress reports (bytes done, bytes total) for every literal received or sent.

use super::{Error, ErrorKind, Outcome, Result, Session};
use crate::proto::encode::Arg;
use crate::proto::framer::{LiteralData, LiteralSink};
use crate::proto::ProtoError;
use crate::transport::read_fd;

/// Supplies a message's bytes as they are sent: fills the buffer it is given and returns how
/// many bytes it wrote, as `io::Read::read`; `Ok(0)` is the end of the message.
pub type MessageSource = Box<dyn FnMut(&mut [u8]) -> std::io::Result<usize> + Send>;

/// Which way a transfer goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Way {
    /// A literal from the server (a FETCH body, any literal of a response).
    Download,
    /// A literal to the server (an APPEND message, any literal argument).
    Upload,
}

/// Called as a literal moves: `done` of `total` bytes. Each literal gets a call at each chunk
/// (a read's worth) and a last one with `done == total`.
pub type ProgressFn = Box<dyn FnMut(Way, u64, u64) + Send>;

/// How much of a sourced message goes per write.
const SOURCE_CHUNK: usize = 64 * 1024;

/// Wraps the literal sink in use to report each literal's progress.
pub(super) struct ProgressSink<'a> {
    pub inner: &'a mut (dyn LiteralSink + Send),
    pub progress: &'a mut ProgressFn,
    pub size: &'a mut (u64, u64),
}

impl LiteralSink for ProgressSink<'_> {
    fn begin(&mut self, size: u64, line: &[u8]) -> std::result::Result<(), ProtoError> {
        self.inner.begin(size, line)?;
        *self.size = (0, size);
        if size == 0 {
            (self.progress)(Way::Download, 0, 0);
        }
        Ok(())
    }

    fn write(&mut self, chunk: &[u8]) -> std::result::Result<(), ProtoError> {
        self.inner.write(chunk)?;
        self.size.0 += chunk.len() as u64;
        (self.progress)(Way::Download, self.size.0, self.size.1);
        Ok(())
    }

    fn finish(&mut self) -> std::result::Result<LiteralData, ProtoError> {
        self.inner.finish()
    }

    fn buffers(&self, size: u64) -> bool {
        self.inner.buffers(size)
    }
}

impl Session {
    /// Reports the progress of every literal received or sent from now on to `f` (`None`:
    /// no reports).
    pub fn set_progress(&mut self, f: Option<ProgressFn>) {
        self.progress = f;
    }

    pub(super) fn report(&mut self, way: Way, done: u64, total: u64) {
        if let Some(p) = self.progress.as_mut() {
            p(way, done, total);
        }
    }

    /// APPEND of a message of exactly `size` bytes read from `source` while it is sent, in
    /// chunks, never held in memory. The bytes go as they come (no CRLF conversion: the
    /// message must already use CRLF line ends, as RFC 5322 wants). If the server refuses
    /// the command before asking for the message, `source` is never read. A source that
    /// fails or ends before `size` bytes leaves the server waiting in the middle of a literal
    /// that cannot be cut short: the connection is closed and the call fails with
    /// [`ErrorKind::Abort`], saying how many bytes went out; nothing is reported as appended.
    pub fn append_source(
        &mut self,
        mailbox: Option<&str>,
        flags: Option<Arg>,
        date_time: Option<&str>,
        size: u64,
        source: MessageSource,
    ) -> Result<Outcome> {
        let arg = Arg::Source {
            size,
            utf8: self.utf8_enabled(),
        };
        // Used (by `send_source`, from `start_routed`) during this call only.
        self.literal_source = Some(source);
        let r = self.append_arg(mailbox, flags, date_time, arg);
        self.literal_source = None;
        r
    }

    /// As [`Session::append_source`], reading the message from the caller's descriptor `fd`
    /// (a file, a pipe, a socket; left open), each read waiting at most the I/O timeout.
    pub fn append_fd(
        &mut self,
        mailbox: Option<&str>,
        flags: Option<Arg>,
        date_time: Option<&str>,
        size: u64,
        fd: std::os::fd::RawFd,
    ) -> Result<Outcome> {
        let limit = Some(self.config().io_timeout);
        let source: MessageSource = Box::new(move |buf: &mut [u8]| read_fd(fd, buf, limit));
        self.append_source(mailbox, flags, date_time, size, source)
    }

    /// Sends a [`Piece::Source`](crate::proto::encode::Piece::Source) literal of `size`
    /// bytes from the source set by [`Session::append_source`].
    pub(super) fn send_source(&mut self, size: u64) -> Result<()> {
        let Some(mut source) = self.literal_source.take() else {
            let e = Error::new(
                ErrorKind::Abort,
                "a message source was announced but none was given",
            );
            return Err(self.fail(e));
        };
        self.tracer.log(4, || {
            format!("write literal size {size} (from the message source)")
        });
        let mut buf = vec![0u8; SOURCE_CHUNK.min(usize::try_from(size).unwrap_or(SOURCE_CHUNK))];
        let mut done = 0u64;
        while done < size {
            let want = usize::try_from(size - done).map_or(buf.len(), |r| r.min(buf.len()));
            let n = match source(&mut buf[..want]) {
                Ok(0) => {
                    let e = Error::new(
                        ErrorKind::Abort,
                        format!("the message source ended after {done} of {size} bytes; the connection is closed (a literal cannot be cut short), nothing was appended"),
                    );
                    return Err(self.fail(e));
                }
                Ok(n) => n.min(want),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let e = Error::new(
                        ErrorKind::Abort,
                        format!("the message source failed after {done} of {size} bytes: {e}; the connection is closed (a literal cannot be cut short), nothing was appended"),
                    );
                    return Err(self.fail(e));
                }
            };
            self.write(&buf[..n])?;
            done += n as u64;
            self.report(Way::Upload, done, size);
        }
        if size == 0 {
            self.report(Way::Upload, 0, 0);
        }
        Ok(())
    }
}
