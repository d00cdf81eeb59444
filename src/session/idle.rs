//! IDLE (RFC 2177) with imaplib 3.14's semantics, as three calls: [`Session::idle_start`] sends
//! IDLE and waits for the continuation; [`Session::idle_wait`] returns the next untagged
//! response, or nothing when its timeout passes (the connection stays usable);
//! [`Session::idle_done`] sends DONE and collects the tagged reply. imaplib's `burst(interval)`
//! is `idle_wait(timeout)` followed by `idle_wait(interval)` until one returns nothing.
//!
//! While IDLE runs, untagged responses queue in arrival order (a response with a code yields
//! the response and then the code, as imaplib's Idler does); those not taken move to the
//! untagged store at `idle_done`.

use super::{Error, ErrorKind, Outcome, Result, ResultFrom, Session, State};
use crate::proto::encode::Command;
use crate::proto::response::Item;
use std::time::{Duration, Instant};

impl Session {
    /// Sends IDLE and waits for the server's `+`. Untagged responses that arrive first are
    /// queued for [`Session::idle_wait`]. Data: the continuation text. A server without IDLE
    /// gives [`ErrorKind::Unsupported`] in every state (the capability is checked before the
    /// state) and nothing is sent; a NO gives [`ErrorKind::No`]
    /// ("idle denied"); an OK or BAD instead of `+` is a protocol violation (Abort).
    pub fn idle_start(&mut self) -> Result<Outcome> {
        self.guarded(|s| {
            s.check_open()?;
            // The capability first: without IDLE the answer is the same in every state.
            if !s.has_capability("IDLE") {
                return Err(Error::new(
                    ErrorKind::Unsupported,
                    "Server does not support IMAP4 IDLE",
                ));
            }
            s.check_state("IDLE")?;
            s.store.start_capture();
            s.awaiting_continuation = true;
            let r = s.idle_handshake();
            s.awaiting_continuation = false;
            if r.is_err() {
                s.store.stop_capture();
            }
            r
        })
    }

    fn idle_handshake(&mut self) -> Result<Outcome> {
        let tag = self.start(Command::new("IDLE", vec![]), "IDLE")?;
        let prompt = loop {
            if let Some(t) = self.completed.remove(&tag) {
                let text = String::from_utf8_lossy(&t.text).into_owned();
                let (kind, msg) = match t.status.as_str() {
                    "NO" => (ErrorKind::No, format!("idle denied: {text}")),
                    s => (
                        ErrorKind::Abort,
                        format!("unexpected status response: {s} {text}"),
                    ),
                };
                let data = vec![Item::Line(t.text.clone())];
                let e = Error {
                    kind,
                    message: msg,
                    outcome: Some(Box::new(Outcome::from_tagged(t, data))),
                };
                return Err(self.fail(e));
            }
            self.check_bye()?;
            if let Some(text) = self.continuation.take() {
                break text.unwrap_or_default();
            }
            self.pump()?;
        };
        self.tracer.log(4, || "idle start".into());
        self.idle = Some((tag, self.state));
        self.state = State::Idling;
        Ok(Outcome {
            typ: "OK".into(),
            data: vec![Item::Line(prompt)],
            tagged: None,
        })
    }

    /// The next response received during IDLE, as `(name, items)`, or `None` when `timeout`
    /// passes first or a wake ([`Interrupter::wake`](super::Interrupter::wake)) arrives, before or during the wait (the
    /// wake is consumed). Neither closes the connection; IDLE goes on.
    pub fn idle_wait(&mut self, timeout: Duration) -> Result<Option<(String, Vec<Item>)>> {
        self.guarded(|s| {
            s.check_open()?;
            let Some((tag, _)) = s.idle.clone() else {
                return Err(Error::new(ErrorKind::IllegalState, "IDLE is not running"));
            };
            let deadline = Instant::now() + timeout;
            loop {
                // A wake (imap_wake) ends the wait as its timeout would, once.
                if s.interrupter.take_wake() {
                    return Ok(None);
                }
                if let Some(next) = s.store.next_captured() {
                    return Ok(Some(next));
                }
                s.check_bye()?;
                if s.completed.contains_key(&tag) {
                    // The server ended IDLE on its own; idle_done collects the reply.
                    return Ok(None);
                }
                match s.read_response_wait(Some(deadline), true)? {
                    Some(resp) => s.dispatch(resp).map_err(|e| s.fail(e))?,
                    None => {
                        s.interrupter.take_wake();
                        return Ok(None);
                    }
                }
            }
        })
    }

    /// Ends IDLE: sends DONE and collects the tagged reply (NO is returned, BAD is an error).
    /// Responses not taken by [`Session::idle_wait`] move to the untagged store.
    pub fn idle_done(&mut self) -> Result<Outcome> {
        self.guarded(|s| {
            s.check_open()?;
            let Some((tag, previous)) = s.idle.take() else {
                return Err(Error::new(ErrorKind::IllegalState, "IDLE is not running"));
            };
            s.state = previous;
            s.store.stop_capture();
            if !s.completed.contains_key(&tag) {
                s.tracer.log(4, || "> DONE".into());
                s.write(b"DONE\r\n")?;
            }
            let t = s.complete(&tag)?;
            s.tracer.log(4, || "idle done".into());
            s.outcome("IDLE", t, ResultFrom::Tagged)
        })
    }

    /// Whether IDLE is running.
    pub fn is_idling(&self) -> bool {
        self.idle.is_some()
    }
}
