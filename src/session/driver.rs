//! The driver: what moves bytes and time. The call boundary ([`Session::guarded`]: interrupts,
//! the call's deadline, "a fatal error closes the connection"), sending a command and its
//! literals (waiting for `+`), waiting for a tagged completion, and the read loop with its
//! timeouts, deadlines and interrupt checks. What a response means is the engine's business
//! (`engine.rs`); this file only reads it and hands it over.

use super::transfer::{ProgressSink, Way};
use super::{
    redact_outcome, Direction, Error, ErrorKind, Expiry, Outcome, Result, ResultFrom, Session,
    Tagged, Ticket,
};
use crate::proto::encode::{self, Arg, Command, Piece};
use crate::proto::framer::READ_CHUNK;
use crate::proto::response::RawResponse;
use crate::proto::show;
use std::io;
use std::time::Instant;
use zeroize::Zeroize;

impl Session {
    // ----- the call boundary --------------------------------------------------------------------

    /// Runs one public call: marks it interruptible and turns an interrupt into
    /// [`ErrorKind::Interrupted`] with the connection closed. Nested calls share the outer mark.
    ///
    /// This is where the invariant "a fatal kind means the connection is closed" holds: any
    /// error of a fatal kind ([`ErrorKind::is_fatal`]) leaving a public call closes the
    /// connection, whichever path produced it.
    pub(super) fn guarded<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        if self.call_depth > 0 {
            return f(self);
        }
        if self.interrupter.begin() {
            // An interrupt armed before the call (or ending the calls still running): this
            // call ends at once, as if it had been interrupted while running.
            self.interrupter.end();
            self.close("interrupted");
            return Err(Error::new(
                ErrorKind::Interrupted,
                "interrupted by imap_interrupt",
            ));
        }
        self.start_call_clock();
        self.call_depth += 1;
        let result = f(self).map_err(|e| self.fail(e));
        self.call_depth -= 1;
        self.end_call(result)
    }

    /// The end of a call: an interrupt that landed during it closes the connection and turns
    /// a failure into [`ErrorKind::Interrupted`] (work already complete stands).
    fn end_call<T>(&mut self, result: Result<T>) -> Result<T> {
        if self.interrupter.end() {
            self.close("interrupted");
            return match result {
                Ok(v) => Ok(v),
                Err(_) => Err(Error::new(
                    ErrorKind::Interrupted,
                    "interrupted by imap_interrupt",
                )),
            };
        }
        result
    }

    /// A call whose waits happen outside the session (the C layer's unlocked waits) begins:
    /// it is interruptible until [`Session::end_outside_call`].
    pub fn begin_outside_call(&mut self) {
        self.interrupter.begin();
    }

    /// The end of a call begun with [`Session::begin_outside_call`]: fatal errors close the
    /// connection, and an interrupt that landed turns the result into
    /// [`ErrorKind::Interrupted`] with the connection closed, as for every call.
    pub fn end_outside_call<T>(&mut self, result: Result<T>) -> Result<T> {
        let result = result.map_err(|e| self.fail(e));
        self.end_call(result)
    }

    /// A wait made outside the session ran out (`why`, from its own [`Pace`](super::Pace)): the call
    /// fails with [`ErrorKind::Timeout`] and the connection closes, as when a read times out.
    pub fn outside_timeout(&mut self, why: Expiry) -> Error {
        let e = Error::new(ErrorKind::Timeout, self.timeout_text(Some(why)));
        self.fail(e)
    }

    /// A call starts: its deadline is one call timeout away.
    fn start_call_clock(&mut self) {
        if let Some(s) = &mut self.stream {
            s.pace_mut().start_call(Instant::now());
        }
    }

    /// `e` with every secret sent on this connection removed from its message and outcome.
    fn redacted(&self, mut e: Error) -> Error {
        let r = &self.tracer.redactor;
        if !r.is_empty() {
            r.text(&mut e.message);
            if let Some(o) = e.outcome.as_mut() {
                redact_outcome(r, o);
            }
        }
        e
    }

    /// Records a failure (redacted); fatal kinds close the connection.
    pub(super) fn fail(&mut self, e: Error) -> Error {
        let e = self.redacted(e);
        if e.kind.is_fatal() && self.closed.is_none() {
            self.tracer
                .log(1, || format!("connection closed: {}", e.message));
            self.closing = Some(Error::new(e.kind, e.message.clone()));
            self.close(&e.message.clone());
        }
        e
    }

    /// Closes the connection without LOGOUT. The reason is kept (redacted) for the message of
    /// later calls; the secrets of the connection are forgotten and zeroed.
    pub fn close(&mut self, reason: &str) {
        if let Some(mut s) = self.stream.take() {
            s.shutdown();
        }
        self.interrupter.set_socket(None);
        self.enabled.clear();
        self.next_literal = None;
        self.sink.abandon();
        if let Some((_, previous)) = self.idle.take() {
            self.state = previous;
        }
        self.store.stop_capture();
        self.pending.clear();
        self.completed.clear();
        if self.closed.is_none() {
            let mut reason = reason.to_string();
            self.tracer.redactor.text(&mut reason);
            let e = self.closing.take().unwrap_or_else(|| {
                let kind = if reason == "interrupted" {
                    ErrorKind::Interrupted
                } else {
                    ErrorKind::Closed
                };
                Error::new(kind, format!("connection is closed ({reason})"))
            });
            self.tickets.fail_all(&e);
            self.closed = Some(reason);
        }
        self.closing = None;
        self.tracer.redactor.clear();
    }

    // ----- sending a command --------------------------------------------------------------------

    /// Sends `cmd`, checked against the allowed states of `table_name`. A literal is sent only
    /// after the server's `+`; if the tagged result comes first, the literal is dropped and that
    /// result stands (a NO or BAD is that command's result; an OK is a protocol violation: the
    /// server accepted a command whose literal it never received, so the call fails with
    /// [`ErrorKind::Abort`] and the connection closes). Returns the tag, for
    /// [`Session::complete`].
    pub fn start(&mut self, cmd: Command, table_name: &str) -> Result<Vec<u8>> {
        self.guarded(|s| s.start_routed(cmd, table_name, None))
    }

    /// [`Session::start`] for a synchronous call (`ticket` `None`: its data goes to the store)
    /// or a ticket. Waits first while RFC 3501 §5.5 says the command must not run alongside
    /// what is in flight (see [`pipeline`](super::pipeline)).
    pub(super) fn start_routed(
        &mut self,
        cmd: Command,
        table_name: &str,
        ticket: Option<(Ticket, ResultFrom)>,
    ) -> Result<Vec<u8>> {
        self.check_open()?;
        if self.idle.is_none() {
            // (While IDLE runs only DONE may go out: the state check below refuses the rest.)
            let probe = Session::pending_for(Vec::new(), &cmd, table_name, None, None);
            self.wait_turn(probe.spec, probe.uid)?;
        }
        if let Err(e) = self.check_state(table_name) {
            // imaplib discards the pending literal with a command refused for its state.
            self.next_literal = None;
            return Err(e);
        }
        for name in ["OK", "NO", "BAD"] {
            self.store.pop(name);
        }
        if self.store.contains("READ-ONLY") && !self.readonly {
            return Err(Error::new(
                ErrorKind::ReadOnly,
                "mailbox status changed to READ-ONLY",
            ));
        }
        let tag = self.next_tag();
        let mut cmd = cmd;
        if let Some(bytes) = self.next_literal.take() {
            // imaplib's `literal` attribute: the next command carries it as its last argument,
            // unless the command brings its own message literal (APPEND), which replaces it.
            if !cmd.args.iter().any(|a| {
                matches!(
                    a,
                    Arg::Literal(_) | Arg::Utf8Literal(_) | Arg::Source { .. }
                )
            }) {
                cmd.args.push(Arg::Literal(bytes));
            }
        }
        let enc = encode::encode_in(&tag, &cmd, &self.wire_context(&cmd))?;
        for form in &enc.secrets {
            self.tracer.redactor.add(form.expose());
        }
        let secret = !enc.secrets.is_empty();
        self.continuation = None;
        self.tracer.log(4, || format!("> {}", show(&enc.trace)));
        self.pending.push(Session::pending_for(
            tag.clone(),
            &cmd,
            table_name,
            ticket.map(|t| t.0),
            ticket.map(|t| t.1),
        ));
        let mut pieces = enc.pieces.into_iter().peekable();
        while let Some(piece) = pieces.next() {
            match piece {
                Piece::Line(mut bytes) => {
                    let written = self.write(&bytes);
                    if secret {
                        bytes.zeroize();
                    }
                    written?;
                    if matches!(pieces.peek(), Some(Piece::Literal(_) | Piece::Source(_)))
                        && !self.wait_continuation(&tag, ticket.map(|t| t.0))?
                    {
                        break;
                    }
                }
                Piece::Literal(mut bytes) | Piece::NonSyncLiteral(mut bytes) => {
                    if secret {
                        // Not even a secret's length reaches the trace.
                        self.tracer.log(4, || "write literal <redacted>".into());
                    } else {
                        self.tracer
                            .log(4, || format!("write literal size {}", bytes.len()));
                    }
                    let written = self.write(&bytes);
                    if secret {
                        bytes.zeroize();
                    }
                    written?;
                    let n = bytes.len() as u64;
                    self.report(Way::Upload, n, n);
                }
                Piece::Source(size) => self.send_source(size)?,
            }
        }
        Ok(tag)
    }

    /// The assembler's next response, through the literal sink in use (reporting each
    /// literal's progress when a progress callback is set).
    fn next_response(
        &mut self,
    ) -> std::result::Result<Option<RawResponse>, crate::proto::ProtoError> {
        match self.progress.as_mut() {
            None => self.asm.next(&mut *self.sink),
            Some(progress) => self.asm.next(&mut ProgressSink {
                inner: &mut *self.sink,
                progress,
                size: &mut self.receiving,
            }),
        }
    }

    pub(super) fn write(&mut self, bytes: &[u8]) -> Result<()> {
        if self.call_depth == 0 {
            // Used outside any call (start by itself): this write is a call of its own.
            self.start_call_clock();
        }
        let stream = self
            .stream
            .as_mut()
            .ok_or_else(|| Error::new(ErrorKind::Closed, "connection is closed"))?;
        if let Err(e) = stream.write_all(bytes) {
            let err = self.io_error(e, "socket error");
            return Err(self.fail(err));
        }
        Ok(())
    }

    /// Waits for a continuation; `false` if the command completed first with NO or BAD. A
    /// tagged OK before the continuation means the literal was never sent: Abort.
    /// `ticket`: the command's ticket, when it has one (its completion goes there instead of
    /// `completed`).
    fn wait_continuation(&mut self, tag: &[u8], ticket: Option<Ticket>) -> Result<bool> {
        self.awaiting_continuation = true;
        let r = self.wait_continuation_inner(tag, ticket);
        self.awaiting_continuation = false;
        r
    }

    fn wait_continuation_inner(&mut self, tag: &[u8], ticket: Option<Ticket>) -> Result<bool> {
        loop {
            let done = match ticket {
                Some(k) => self.ticket_completion(k),
                None => self.completed.get(tag).cloned(),
            };
            if let Some(t) = done {
                if t.status == "OK" {
                    let text = String::from_utf8_lossy(&t.text).into_owned();
                    self.completed.remove(tag);
                    return Err(self.fail(Error::new(
                        ErrorKind::Abort,
                        format!(
                            "server answered OK ({text}) before asking for the literal: the literal was not sent"
                        ),
                    )));
                }
                return Ok(false);
            }
            if self.continuation.take().is_some() {
                return Ok(true);
            }
            self.check_bye()?;
            self.pump()?;
        }
    }

    // ----- waiting for completions --------------------------------------------------------------

    /// Collects the tagged result of `tag`, handling responses to other commands meanwhile.
    pub fn complete(&mut self, tag: &[u8]) -> Result<Tagged> {
        self.guarded(|s| s.complete_inner(tag, false))
    }

    /// `logout`: a BYE ends the wait with that BYE (LOGOUT's answer) instead of an error. A
    /// continuation request here is refused by `dispatch` (no command waits for one), as an
    /// injection attempt (TLS) while STARTTLS is pending.
    pub(super) fn complete_inner(&mut self, tag: &[u8], logout: bool) -> Result<Tagged> {
        loop {
            if let Some(t) = self.completed.remove(tag) {
                return Ok(t);
            }
            if logout && self.bye.is_some() {
                return Ok(Tagged {
                    status: "BYE".into(),
                    text: self.bye.clone().unwrap_or_default(),
                });
            }
            self.check_bye()?;
            self.pump()?;
        }
    }

    pub(crate) fn check_bye(&mut self) -> Result<()> {
        if let Some(text) = self.bye.take() {
            let msg = String::from_utf8_lossy(&text).into_owned();
            return Err(self.fail(Error::new(ErrorKind::Abort, msg)));
        }
        Ok(())
    }

    /// Reads one response and files it.
    pub(super) fn pump(&mut self) -> Result<()> {
        let resp = self.read_response()?;
        self.dispatch(resp).map_err(|e| self.fail(e))
    }

    // ----- reading ------------------------------------------------------------------------------

    fn io_error(&self, e: io::Error, what: &str) -> Error {
        if self.interrupter.fired() {
            return Error::new(ErrorKind::Interrupted, "interrupted by imap_interrupt");
        }
        match e.kind() {
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => {
                Error::new(ErrorKind::Timeout, self.timeout_message())
            }
            _ => Error::new(ErrorKind::Abort, format!("{what}: {e}")),
        }
    }

    /// Why the last wait ran out, in words.
    fn timeout_message(&self) -> String {
        self.timeout_text(self.stream.as_ref().and_then(|s| s.pace().expired()))
    }

    fn timeout_text(&self, expiry: Option<Expiry>) -> String {
        let io = self.config.io_timeout.as_millis();
        let call = self.config.call_timeout().as_millis();
        let rate = self.config.min_rate;
        match expiry {
            Some(Expiry::Idle(Direction::Write)) => format!(
                "write stalled: the server stopped reading (nothing could be sent for {io} ms)"
            ),
            Some(Expiry::Deadline(Direction::Write)) => format!(
                "write stalled: the server stopped reading or reads too slowly (the call's \
                 deadline of {call} ms passed; it moves on only while at least {rate} bytes/s flow)"
            ),
            Some(Expiry::Deadline(Direction::Read)) => format!(
                "the call's deadline passed: the server sends too slowly (deadline {call} ms, \
                 moved on only while at least {rate} bytes/s flow)"
            ),
            Some(Expiry::Stopped) => "connection is closing".into(),
            Some(Expiry::Wait | Expiry::Woken) => "timed out".into(),
            Some(Expiry::Idle(Direction::Read)) | None => {
                format!("no data from the server for {io} ms")
            }
        }
    }

    /// The next whole response from the server.
    pub(super) fn read_response(&mut self) -> Result<RawResponse> {
        match self.read_response_until(None)? {
            Some(resp) => Ok(resp),
            None => Err(Error::new(ErrorKind::Timeout, "timed out")),
        }
    }

    /// The next whole response, or `None` if `deadline` passes first. A deadline replaces the
    /// I/O timeout and the call deadline for this wait and leaves the connection usable (a
    /// partial response stays buffered).
    pub(super) fn read_response_until(
        &mut self,
        deadline: Option<Instant>,
    ) -> Result<Option<RawResponse>> {
        self.read_response_wait(deadline, false)
    }

    /// As [`Session::read_response_until`]; `wakeable`: a wake (`Interrupter::wake`) also ends
    /// the wait with `None` (IDLE's wait).
    pub(super) fn read_response_wait(
        &mut self,
        deadline: Option<Instant>,
        wakeable: bool,
    ) -> Result<Option<RawResponse>> {
        if let (Some(d), Some(s)) = (deadline, &mut self.stream) {
            if wakeable {
                s.pace_mut().start_idle_wait(d);
            } else {
                s.pace_mut().start_wait(d);
            }
        }
        let r = self.read_until_inner(deadline);
        if deadline.is_some() {
            self.start_call_clock();
        }
        r
    }

    fn read_until_inner(&mut self, deadline: Option<Instant>) -> Result<Option<RawResponse>> {
        if self.call_depth == 0 && deadline.is_none() {
            // Used outside any call: this read is a call of its own.
            self.start_call_clock();
        }
        loop {
            // A response in the making counts against the room left in the store.
            self.asm
                .set_room(self.store.room().saturating_sub(self.routed_weight()));
            match self.next_response() {
                Ok(Some(resp)) => {
                    self.trace_response(&resp);
                    return Ok(Some(resp));
                }
                Ok(None) => {}
                Err(e) => return Err(self.fail(e.into())),
            }
            let stream = self
                .stream
                .as_mut()
                .ok_or_else(|| Error::new(ErrorKind::Closed, "connection is closed"))?;
            let n = match self.asm.fill(|room| stream.read(room)) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e)
                    if deadline.is_some()
                        && !self.interrupter.fired()
                        && e.kind() == io::ErrorKind::WouldBlock
                        && matches!(
                            stream.pace().expired(),
                            Some(Expiry::Wait | Expiry::Woken)
                        ) =>
                {
                    return Ok(None)
                }
                Err(e) => {
                    let err = self.io_error(e, "socket error");
                    return Err(self.fail(err));
                }
            };
            if n == 0 {
                let err = if self.interrupter.fired() {
                    Error::new(ErrorKind::Interrupted, "interrupted by imap_interrupt")
                } else if self.asm.idle() {
                    Error::new(ErrorKind::Abort, "socket error: EOF")
                } else {
                    Error::new(
                        ErrorKind::Abort,
                        "socket error: EOF in the middle of a response",
                    )
                };
                return Err(self.fail(err));
            }
            self.bytes_in += n as u64;
            self.drained = false;
        }
    }

    /// Reads and files everything the server has sent so far, without waiting for more: the
    /// step of a wait made outside the session (see [`pipeline`](super::pipeline)). Errors close the connection
    /// as every read's do.
    pub fn read_available(&mut self) -> Result<()> {
        while self.read_once()? {}
        Ok(())
    }

    /// Files the responses already buffered, then reads at most one buffer's worth (without
    /// waiting) and files what it completes. `false` when nothing was there to read. The step
    /// of a wait: a stream's consumer is never read ahead of by more than one buffer.
    pub fn read_once(&mut self) -> Result<bool> {
        self.read_step(true)
    }

    /// The first step of a wait: as [`Session::read_once`], except that the socket is not
    /// read when the last read found it empty and nothing was read since (a command just
    /// sent cannot have its answer yet, and the poll that follows sees anything that came
    /// meanwhile). Saves a system call per synchronous call. Also right for TLS: a read that
    /// found no data left no decrypted bytes behind in OpenSSL.
    pub fn read_first(&mut self) -> Result<bool> {
        let drained = self.drained;
        self.read_step(!drained)
    }

    fn read_step(&mut self, read_socket: bool) -> Result<bool> {
        if self.stream.is_none() {
            return Ok(false);
        }
        // `read` true: no socket read is to be made (none allowed, or one made already).
        let mut read = !read_socket;
        let mut got = false;
        loop {
            if self.bye.is_some() {
                // The server is closing: its BYE is the news (check_bye), not the EOF after it.
                return Ok(false);
            }
            self.asm
                .set_room(self.store.room().saturating_sub(self.routed_weight()));
            match self.next_response() {
                Ok(Some(resp)) => {
                    self.trace_response(&resp);
                    self.dispatch(resp).map_err(|e| self.fail(e))?;
                    continue;
                }
                Ok(None) => {}
                Err(e) => return Err(self.fail(e.into())),
            }
            if read {
                return Ok(got);
            }
            let Some(stream) = self.stream.as_mut() else {
                return Ok(false);
            };
            // A wait that ends at once: the read gives what is there, or WouldBlock.
            stream.pace_mut().start_wait(Instant::now());
            let r = self.asm.fill(|room| stream.read(room));
            stream.pace_mut().start_call(Instant::now());
            let n = match r {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock && !self.interrupter.fired() => {
                    self.drained = true;
                    return Ok(false);
                }
                Err(e) => {
                    let err = self.io_error(e, "socket error");
                    return Err(self.fail(err));
                }
            };
            if n == 0 {
                let err = if self.interrupter.fired() {
                    Error::new(ErrorKind::Interrupted, "interrupted by imap_interrupt")
                } else {
                    Error::new(ErrorKind::Abort, "socket error: EOF")
                };
                return Err(self.fail(err));
            }
            self.bytes_in += n as u64;
            // Less than the room offered: the socket had no more at that moment.
            self.drained = n < READ_CHUNK && !stream.holds_data();
            read = true;
            got = true;
        }
    }

    // ----- the generic command path -------------------------------------------------------------

    /// Sends a command and builds its outcome: the generic path every command entry uses.
    pub fn run(&mut self, cmd: Command, table_name: &str, from: ResultFrom) -> Result<Outcome> {
        let from = self.result_from_now(from);
        if self.defer && self.call_depth == 0 {
            // The caller waits for the result itself (see `Session::defer_next`).
            self.defer = false;
            let store = self.pending.is_empty();
            let t = self.submit_as(cmd, table_name, Some(from), false, store, false)?;
            self.deferred = Some(t);
            return Ok(Outcome {
                typ: String::new(),
                data: Vec::new(),
                tagged: None,
            });
        }
        self.guarded(|s| {
            let name = cmd.name.clone();
            let tag = s.start(cmd, table_name)?;
            let t = s.complete(&tag)?;
            s.outcome(&name, t, from)
        })
    }
}
