//! Raw I/O for programs that speak IMAP themselves (imaplib's `send`, `readline`, `socket`):
//! one line out, one whole response in. Both go through the session's framing and limits, so
//! raw use cannot desynchronise it, and a raw line is checked like every command argument.

use super::{Error, ErrorKind, Result, Session};
use crate::proto::response::Item;
use crate::proto::show;
use std::time::{Duration, Instant};

impl Session {
    /// Sends `line` followed by CRLF. The line may not contain CR, LF or NUL (one call sends
    /// exactly one line). Not allowed while IDLE runs or a command is pending.
    pub fn send_line(&mut self, line: &[u8]) -> Result<()> {
        if line.iter().any(|b| matches!(b, b'\r' | b'\n' | 0)) {
            return Err(Error::invalid("NUL, CR and LF not allowed in a raw line"));
        }
        self.guarded(|s| {
            s.check_open()?;
            if s.idle.is_some() || !s.pending.is_empty() {
                return Err(Error::new(
                    ErrorKind::IllegalState,
                    "raw I/O is not allowed while a command or IDLE is running",
                ));
            }
            s.tracer.log(4, || format!("> {}", show(line)));
            s.write(&[line, b"\r\n"].concat())
        })
    }

    /// The next whole response from the server, unparsed: one item per line, a line followed
    /// by a literal as a (line, literal) pair. `None` if `timeout` passes first (the connection
    /// stays usable; a partial response stays buffered).
    pub fn read_raw(&mut self, timeout: Duration) -> Result<Option<Vec<Item>>> {
        self.guarded(|s| {
            s.check_open()?;
            let Some(resp) = s.read_response_until(Some(Instant::now() + timeout))? else {
                return Ok(None);
            };
            Ok(Some(
                resp.segments
                    .into_iter()
                    .map(|seg| match seg.literal {
                        Some(lit) => Item::Literal(seg.line, lit),
                        None => Item::Line(seg.line),
                    })
                    .collect(),
            ))
        })
    }

    /// The file descriptor of the connection's socket (imaplib's `socket()`), or -1 when closed.
    /// For polling only: reading or writing it directly bypasses the session's framing.
    pub fn socket_fd(&self) -> i32 {
        self.stream.as_ref().map_or(-1, |s| s.raw_fd())
    }
}
