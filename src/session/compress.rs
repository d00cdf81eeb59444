//! COMPRESS=DEFLATE (RFC 4978): the command, and turning it on after login when the
//! configuration asks for it ([`Config::compress`](super::Config)). The deflate stream itself
//! is the transport's ([`crate::transport::Deflated`]); everything above it (framing, limits,
//! tracing, deadlines, interrupts) sees the uncompressed protocol as before.

use super::{Error, ErrorKind, Outcome, Result, ResultFrom, Session};
use crate::proto::encode::{Arg, Command};
pub use crate::transport::CompressionStats;

impl Session {
    /// COMPRESS DEFLATE: on OK every byte from then on, both ways, is deflated (inside TLS
    /// when TLS is on). Refused without sending anything when compression is active already
    /// ([`ErrorKind::IllegalState`], as the server's `[COMPRESSIONACTIVE]` would), before
    /// authentication ([`ErrorKind::IllegalState`]) and when the server does not offer
    /// `COMPRESS=DEFLATE` ([`ErrorKind::Unsupported`]). A NO leaves the connection as it was,
    /// uncompressed and usable.
    pub fn compress(&mut self) -> Result<Outcome> {
        self.guarded(|s| {
            s.check_open()?;
            s.compress_inner()
        })
    }

    /// Whether COMPRESS=DEFLATE is active on the connection.
    pub fn is_compressed(&self) -> bool {
        self.compression_stats().is_some()
    }

    /// Bytes on the wire and the bytes they stand for, both ways, since compression started;
    /// `None` while it is off.
    pub fn compression_stats(&self) -> Option<CompressionStats> {
        self.stream.as_ref().and_then(|s| s.compression())
    }

    fn compress_inner(&mut self) -> Result<Outcome> {
        if self.is_compressed() {
            return Err(Error::new(
                ErrorKind::IllegalState,
                "compression is already active (COMPRESSIONACTIVE): COMPRESS is sent once per connection",
            ));
        }
        self.check_state("COMPRESS")?;
        if !self.has_capability("COMPRESS=DEFLATE") {
            return Err(Error::new(
                ErrorKind::Unsupported,
                "COMPRESS is not supported by the server (no COMPRESS=DEFLATE)",
            ));
        }
        let cmd = Command::new("COMPRESS", vec![Arg::Raw(b"DEFLATE".to_vec())]);
        let tag = self.start(cmd, "COMPRESS")?;
        let t = self.complete_inner(&tag, false)?;
        if t.status == "OK" {
            self.switch_to_deflate()?;
        }
        self.outcome("COMPRESS", t, ResultFrom::Tagged)
    }

    /// Wraps the stream after the server's OK. Bytes read after the OK in the same read are
    /// compressed already: they go to the inflater first.
    fn switch_to_deflate(&mut self) -> Result<()> {
        let already = self.asm.framer_mut().take_raw(usize::MAX);
        if !self.asm.idle() {
            return Err(self.fail(Error::new(
                ErrorKind::Abort,
                "COMPRESS: a response was left unfinished at the switch to compression",
            )));
        }
        let stream = self
            .stream
            .take()
            .ok_or_else(|| Error::new(ErrorKind::Closed, "connection is closed"))?;
        self.stream = Some(stream.start_deflate(&already));
        self.drained = false;
        self.tracer.log(2, || {
            "COMPRESS=DEFLATE active: the trace shows uncompressed data".into()
        });
        Ok(())
    }

    /// After a successful login: COMPRESS when the configuration asks for it and the server
    /// offers it. A NO (or BAD) only leaves the connection uncompressed (and is traced); a
    /// failure of the connection itself is the login call's error.
    pub(super) fn compress_after_login(&mut self) -> Result<()> {
        if !self.config.compress || self.is_compressed() || !self.has_capability("COMPRESS=DEFLATE")
        {
            return Ok(());
        }
        match self.compress_inner() {
            Ok(out) if !out.is_ok() => {
                self.tracer.log(1, || {
                    format!(
                        "COMPRESS after login refused by the server ({}); staying uncompressed",
                        out.typ
                    )
                });
                Ok(())
            }
            Ok(_) => Ok(()),
            Err(e) if self.is_open() => {
                self.tracer.log(1, || {
                    format!(
                        "COMPRESS after login failed ({}); staying uncompressed",
                        e.message
                    )
                });
                Ok(())
            }
            Err(e) => Err(e),
        }
    }
}
