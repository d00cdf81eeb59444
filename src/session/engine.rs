//! The engine: the protocol state of a session without I/O. Tags, the checks a command passes
//! before it may go out, what the encoder needs to know, filing each response the driver has
//! read (a tagged completion under its pending command, a continuation for the command waiting
//! for one, untagged data routed to a ticket or kept in the store) and turning a completion
//! into its outcome. Bytes in (through the assembler), commands' results out; the unit tests
//! below feed it byte scripts through an in-memory stream.

use super::{
    allowed_states, spec, Error, ErrorKind, Outcome, Result, ResultFrom, Session, State, Tagged,
};
use crate::proto::encode::{Arg, Command, WireContext};
use crate::proto::parse::{self, Line};
use crate::proto::response::{Item, RawResponse};
use crate::proto::show;

impl Session {
    // ----- checks before sending ----------------------------------------------------------------

    /// Credentials (LOGIN, AUTHENTICATE) may only go out on an open connection, and only
    /// over TLS when TLS was asked for.
    pub(super) fn check_credentials_may_go(&self) -> Result<()> {
        self.check_open()?;
        if self.tls_required && !self.is_tls() {
            return Err(Error::new(
                ErrorKind::Tls,
                "refusing to send credentials: TLS was requested and is not active",
            ));
        }
        Ok(())
    }

    pub(super) fn check_open(&self) -> Result<()> {
        match &self.closed {
            None => Ok(()),
            Some(why) => Err(Error::new(
                ErrorKind::Closed,
                format!("connection is closed ({why})"),
            )),
        }
    }

    // ----- tags and the wire --------------------------------------------------------------------

    pub(super) fn next_tag(&mut self) -> Vec<u8> {
        let tag = [
            self.tag_prefix.as_slice(),
            self.tagnum.to_string().as_bytes(),
        ]
        .concat();
        self.tagnum += 1;
        tag
    }

    pub(super) fn check_state(&self, name: &str) -> Result<()> {
        let allowed: Vec<State> = match allowed_states(name) {
            Some(states) => states.to_vec(),
            None => match self.extra_commands.get(name) {
                Some(s) => vec![*s],
                None => return Err(Error::invalid(format!("unknown command {name}"))),
            },
        };
        if allowed.contains(&self.state) {
            return Ok(());
        }
        let names: Vec<&str> = allowed.iter().map(|s| s.name()).collect();
        Err(Error::new(
            ErrorKind::IllegalState,
            format!(
                "command {name} illegal in state {}, only allowed in states {}",
                self.state.name(),
                names.join(", ")
            ),
        ))
    }

    /// What the encoder needs to know to send string values: the literal extensions the
    /// server offers and whether UTF-8 mode (or IMAP4rev2) is on.
    pub(super) fn wire_context(&self, cmd: &Command) -> WireContext {
        WireContext {
            command_offered: self.command_offered(cmd),
            literal_plus: self.has_capability("LITERAL+"),
            // IMAP4rev2 includes LITERAL- (RFC 9051 §4.3); counted once it is in effect, not
            // merely offered, so a server speaking IMAP4rev1 is sent only what it advertised.
            literal_minus: self.has_capability("LITERAL-") || self.imap4rev2(),
            // IMAP4rev2's quoted strings carry UTF-8 too (RFC 9051 §9, QUOTED-CHAR).
            utf8: self.utf8_names(),
            message_nonsync_max: self.config.nonsync_literal_max,
        }
    }

    /// Whether the server knows `cmd` (the command table's [`Origin`]; `UID` by the command
    /// it prefixes); a command the table does not have, no. Only such a command's string
    /// literals may go non-synchronizing ([`WireContext::command_offered`]).
    fn command_offered(&self, cmd: &Command) -> bool {
        let name = match (cmd.name.as_str(), cmd.args.first()) {
            ("UID", Some(Arg::Atom(sub) | Arg::Raw(sub))) => String::from_utf8_lossy(sub),
            ("UID", _) => return false,
            (name, _) => name.into(),
        };
        spec(&name.to_ascii_uppercase())
            .is_some_and(|s| s.offered(self.capabilities(), self.imap4rev2()))
    }

    /// imaplib's `literal` attribute: `bytes` go as a synchronizing literal at the end of the
    /// next command sent (any command; APPEND's own message replaces it), then it is cleared.
    /// Cleared too when the connection closes; refused ([`ErrorKind::Closed`]) on a closed
    /// connection, where the next command would be the one `open` sends itself.
    pub fn set_literal(&mut self, bytes: Option<Vec<u8>>) -> Result<()> {
        if bytes.is_some() {
            self.check_open()?;
        }
        self.next_literal = bytes;
        Ok(())
    }

    // ----- filing responses ---------------------------------------------------------------------

    pub(super) fn trace_response(&mut self, resp: &RawResponse) {
        if !self.tracer.enabled(4) {
            return;
        }
        for seg in &resp.segments {
            if self.sasl && seg.line.starts_with(b"+") {
                self.tracer
                    .log(4, || "< + <redacted SASL challenge>".into());
                continue;
            }
            let line = show(&seg.line);
            self.tracer.log(4, || format!("< {line}"));
            if let Some(lit) = &seg.literal {
                let n = lit.len();
                self.tracer.log(4, || format!("read literal size {n}"));
            }
        }
    }

    /// Files a response: a tagged one under its pending command, a continuation for the
    /// literal sender, an untagged one in the store.
    pub(super) fn dispatch(&mut self, mut resp: RawResponse) -> Result<()> {
        match resp.classify()? {
            Line::Tagged {
                tag,
                status,
                mut text,
            } => {
                let ours = tag.starts_with(&self.tag_prefix)
                    && tag.len() > self.tag_prefix.len()
                    && tag[self.tag_prefix.len()..].iter().all(u8::is_ascii_digit);
                if !ours {
                    return Err(Error::new(
                        ErrorKind::Abort,
                        format!("unexpected response: '{}'", show(resp.first_line())),
                    ));
                }
                let Some(i) = self.pending.iter().position(|p| p.tag == tag) else {
                    return Err(Error::new(
                        ErrorKind::Abort,
                        format!("unexpected tagged response: '{}'", show(resp.first_line())),
                    ));
                };
                let done = self.pending.remove(i);
                // The text of a completion is a message: no secret sent on the connection may
                // come back in it.
                self.tracer.redactor.bytes(&mut text);
                if matches!(status.as_str(), "OK" | "NO" | "BAD") && !self.pre_tls {
                    self.store_code(&text)?;
                }
                if status != "OK" {
                    let t = String::from_utf8_lossy(&text).into_owned();
                    self.tracer.log(1, || format!("{status} response: {t}"));
                }
                match done.ticket {
                    Some(ticket) => self.ticket_done(ticket, Tagged { status, text }),
                    None => {
                        self.completed.insert(tag, Tagged { status, text });
                    }
                }
                self.tickets.wake();
            }
            Line::Continuation { mut text } => {
                if !self.awaiting_continuation {
                    return Err(Error::new(
                        if self.pre_tls {
                            ErrorKind::Tls
                        } else {
                            ErrorKind::Abort
                        },
                        format!(
                            "unexpected continuation request (no command is waiting for one): '{}'",
                            show(resp.first_line())
                        ),
                    ));
                }
                // A SASL challenge goes to the mechanism as sent; any other is handed out.
                if let (false, Some(t)) = (self.sasl, text.as_mut()) {
                    self.tracer.redactor.bytes(t);
                }
                self.continuation = Some(text);
            }
            Line::Untagged { name, mut data } => {
                if parse::is_status(&name) {
                    // Status responses are messages (BYE, NO, alerts): redacted like tagged
                    // text. Mailbox data (FETCH, LIST...) is the caller's data, kept as sent.
                    self.tracer.redactor.bytes(&mut data);
                    for seg in resp.segments.iter_mut().skip(1) {
                        self.tracer.redactor.bytes(&mut seg.line);
                    }
                }
                if name == "BYE" {
                    self.bye = Some(data.clone());
                }
                if self.pre_tls && name != "CAPABILITY" {
                    self.tracer
                        .log(4, || format!("dropped untagged {name} received before TLS"));
                    return Ok(());
                }
                if self.state == State::NonAuth && parse::after_login_only(&name) {
                    self.tracer.log(1, || {
                        format!("dropped untagged {name} received before login (not authenticated)")
                    });
                    return Ok(());
                }
                if !parse::is_status(&name) && self.routing() {
                    let items = resp.into_items(data);
                    if let Some(items) = self.route(&name, items)? {
                        self.store_items(&name, items)?;
                    }
                    return Ok(());
                }
                self.store_untagged(&name, data, resp)?;
            }
        }
        Ok(())
    }

    fn store_code(&mut self, text: &[u8]) -> Result<()> {
        if let Some(code) = parse::response_code(text) {
            if self.state == State::NonAuth && parse::after_login_only(&code.name) {
                self.tracer.log(1, || {
                    format!(
                        "dropped response code [{}] received before login (not authenticated)",
                        code.name
                    )
                });
                return Ok(());
            }
            self.store
                .push(&code.name, vec![Item::Line(code.data.unwrap_or_default())])?;
        }
        Ok(())
    }

    pub(super) fn store_untagged(
        &mut self,
        name: &str,
        data: Vec<u8>,
        resp: RawResponse,
    ) -> Result<()> {
        if matches!(name, "OK" | "NO" | "BAD") {
            self.store_code(&data)?;
        }
        if matches!(name, "NO" | "BAD" | "BYE") {
            let t = String::from_utf8_lossy(&data).into_owned();
            self.tracer.log(1, || format!("{name} response: {t}"));
        }
        let items = resp.into_items(data);
        self.store_items(name, items)
    }

    /// Tickets are in flight: untagged data is routed (see [`pipeline`](super::pipeline)).
    fn routing(&self) -> bool {
        self.pending.iter().any(|p| p.ticket.is_some())
    }

    fn store_items(&mut self, name: &str, items: Vec<Item>) -> Result<()> {
        self.tracer.log(5, || {
            format!("untagged_responses[{name}] += {} item(s)", items.len())
        });
        Ok(self.store.push(name, items)?)
    }

    // ----- outcomes -----------------------------------------------------------------------------

    /// Turns a tagged completion into imaplib's return shape. NO is returned, BAD is an error.
    pub(super) fn outcome(&mut self, name: &str, t: Tagged, from: ResultFrom) -> Result<Outcome> {
        self.outcome_with(name, t, from, None)
    }

    /// [`Session::outcome`], with the untagged data routed to a ticket instead of the store's.
    pub(super) fn outcome_with(
        &mut self,
        name: &str,
        t: Tagged,
        from: ResultFrom,
        routed: Option<Vec<Item>>,
    ) -> Result<Outcome> {
        match t.status.as_str() {
            "OK" => {
                let data = match (from, routed) {
                    (ResultFrom::Tagged, _) => vec![Item::Line(t.text.clone())],
                    (ResultFrom::Untagged(_), Some(d)) if !d.is_empty() => d,
                    (ResultFrom::Untagged(_), Some(_)) => vec![Item::None],
                    (ResultFrom::Untagged(n), None) => {
                        self.store.pop(n).unwrap_or_else(|| vec![Item::None])
                    }
                };
                Ok(Outcome::from_tagged(t, data))
            }
            "NO" => {
                let data = vec![Item::Line(t.text.clone())];
                Ok(Outcome::from_tagged(t, data))
            }
            status => {
                let text = String::from_utf8_lossy(&t.text).into_owned();
                let data = vec![Item::Line(t.text.clone())];
                Err(Error {
                    kind: ErrorKind::Bad,
                    message: format!("{name} command error: {status} [{text}]"),
                    outcome: Some(Box::new(Outcome::from_tagged(t, data))),
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    //! The engine fed byte scripts: a session on an in-memory stream (no socket, no thread),
    //! the script's bytes in, the commands it writes and the results it files out.

    use super::*;
    use crate::proto::encode::Command;
    use std::collections::VecDeque;
    use std::io::{self, Read, Write};
    use std::sync::{Arc, Mutex};

    /// The server's end: what the test queues is what the session reads (nothing queued reads
    /// as a socket with nothing to give); what the session writes is kept for the test.
    #[derive(Clone, Default)]
    struct Script {
        to_client: Arc<Mutex<VecDeque<u8>>>,
        from_client: Arc<Mutex<Vec<u8>>>,
    }

    impl Script {
        fn send(&self, bytes: &[u8]) {
            self.to_client.lock().unwrap().extend(bytes);
        }

        /// What the session wrote since the last look.
        fn written(&self) -> String {
            let bytes = std::mem::take(&mut *self.from_client.lock().unwrap());
            String::from_utf8(bytes).unwrap()
        }
    }

    impl Read for Script {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let mut q = self.to_client.lock().unwrap();
            if q.is_empty() {
                return Err(io::ErrorKind::WouldBlock.into());
            }
            let n = buf.len().min(q.len());
            for (b, byte) in buf.iter_mut().zip(q.drain(..n)) {
                *b = byte;
            }
            Ok(n)
        }
    }

    impl Write for Script {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.from_client.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// A session past a greeting that carried the capabilities (so nothing was sent yet), with
    /// the tags `T0`, `T1`... and the given state.
    fn session(state: State) -> (Session, Script) {
        let server = Script::default();
        server.send(b"* OK [CAPABILITY IMAP4rev1] ready\r\n");
        let mut s = Session::default();
        s.open_duplex(Box::new(server.clone())).expect("greeting");
        assert_eq!(server.written(), "");
        s.tag_prefix = b"T".to_vec();
        s.state = state;
        (s, server)
    }

    fn line(s: &str) -> Item {
        Item::Line(s.as_bytes().to_vec())
    }

    #[test]
    fn a_tagged_completion_ends_its_command_and_untagged_data_is_kept() {
        let (mut s, server) = session(State::Auth);
        let tag = s.start(Command::new("NOOP", vec![]), "NOOP").unwrap();
        assert_eq!(tag, b"T0");
        assert_eq!(server.written(), "T0 NOOP\r\n");

        server.send(b"* 3 EXISTS\r\nT0 OK NOOP completed\r\n");
        let t = s.complete(&tag).unwrap();
        assert_eq!(t.status, "OK");
        assert_eq!(t.text, b"NOOP completed");
        assert_eq!(s.untagged().get("EXISTS"), Some(&vec![line("3")]));

        // A completion for a tag no command waits for is a protocol violation.
        server.send(b"T7 OK what?\r\n");
        let e = s.read_available().unwrap_err();
        assert_eq!(e.kind, ErrorKind::Abort);
        assert!(
            e.message.contains("unexpected tagged response"),
            "{}",
            e.message
        );
        assert!(!s.is_open());
    }

    #[test]
    fn fetch_data_is_routed_to_the_fetch_that_asked_for_it() {
        let (mut s, server) = session(State::Selected);
        let first = s.submit_fetch("1", "(FLAGS)", false, false).unwrap();
        let second = s.submit_fetch("2:3", "(FLAGS)", false, false).unwrap();
        assert_eq!(
            server.written(),
            "T0 FETCH 1 (FLAGS)\r\nT1 FETCH 2:3 (FLAGS)\r\n"
        );

        // Interleaved, out of order, with unsolicited data among them.
        server.send(
            b"* 3 FETCH (FLAGS ())\r\n* 1 FETCH (FLAGS (\\Seen))\r\n* 4 EXISTS\r\n\
              * 2 FETCH (FLAGS (\\Answered))\r\nT1 OK second done\r\n",
        );
        s.read_available().unwrap();
        assert!(
            s.take(first).unwrap().is_none(),
            "the first is still running"
        );
        let second = s.take(second).unwrap().expect("the second completed");
        assert_eq!(
            second.data,
            [line("3 (FLAGS ())"), line("2 (FLAGS (\\Answered))")]
        );

        server.send(b"T0 OK first done\r\n");
        s.read_available().unwrap();
        let first = s.take(first).unwrap().expect("the first completed");
        assert_eq!(first.data, [line("1 (FLAGS (\\Seen))")]);
        assert_eq!(first.tagged.map(|t| t.text), Some(b"first done".to_vec()));
        // What no command claimed is the mailbox's.
        assert_eq!(s.untagged().get("EXISTS"), Some(&vec![line("4")]));
        assert_eq!(s.untagged().get("FETCH"), None);
    }
}
