//! Connecting: TCP (with or without TLS), a child process or an in-memory stream; the greeting;
//! learning the capabilities (from the greeting, with CAPABILITY, again after a login); and
//! STARTTLS, strictly.

use super::{
    random_u64, Error, ErrorKind, Outcome, Result, ResultFrom, Session, State, TlsMode,
    UntaggedStore,
};
use crate::proto::encode::Command;
use crate::proto::framer::BufferSink;
use crate::proto::parse::Line;
use crate::proto::response::{Assembler, Item};
use crate::proto::{show, util};
use crate::transport::{self, Socket, Stream};
use std::sync::Arc;

impl Session {
    // ----- connecting ---------------------------------------------------------------------------

    /// Connects, reads the greeting and learns the capabilities. `port` 0 means 143, or 993
    /// for implicit TLS. With [`TlsMode::StartTls`], STARTTLS runs before this returns, and any
    /// failure of it closes the connection.
    pub fn open(&mut self, host: &str, port: u16, mode: TlsMode) -> Result<()> {
        if self.closed.is_none() {
            return Err(Error::new(ErrorKind::IllegalState, "already connected"));
        }
        self.reset_connection_state();
        self.guarded(|s| s.open_inner(host, port, mode))
    }

    /// imaplib's `IMAP4_stream(command)`: runs `command` through `/bin/sh -c` and speaks IMAP
    /// over its stdin and stdout. A PREAUTH greeting puts the session in AUTH. The child is
    /// reaped when the connection closes. Timeouts and interrupts work as on TCP.
    pub fn open_stream(&mut self, command: &str) -> Result<()> {
        if self.closed.is_none() {
            return Err(Error::new(ErrorKind::IllegalState, "already connected"));
        }
        if command.contains('\0') {
            return Err(Error::invalid("command contains NUL"));
        }
        self.reset_connection_state();
        self.guarded(|s| {
            s.host.clear();
            s.port = 0;
            s.tracer.log(1, || {
                format!("new IMAP4_stream connection, tag={}", show(&s.tag_prefix))
            });
            let stream = transport::spawn(command, s.config.pace())?;
            s.greet_unencrypted(stream).map_err(|e| match e.kind {
                // Nothing came at all: the command failed to start or exited (a wrong path,
                // a refused user), which is a connection failure, not a protocol violation.
                ErrorKind::Abort if s.welcome.is_empty() => Error::new(
                    ErrorKind::Connect,
                    format!("the command ended before the IMAP greeting ({})", e.message),
                ),
                _ => e,
            })
        })
    }

    /// Attaches a stream that has no TLS of its own (a child process, an in-memory connection),
    /// reads the greeting and learns the capabilities.
    fn greet_unencrypted(&mut self, stream: Stream) -> Result<()> {
        self.attach(stream)?;
        self.closed = None;
        self.tls_required = false;
        self.pre_tls = false;
        self.welcome.clear();
        self.read_greeting()?;
        self.learn_capabilities_after_greeting()
    }

    /// Forgets everything the previous connection left behind, so a new open starts as a new
    /// handle would: buffered bytes and partial responses, untagged data, capabilities, the
    /// greeting, mailbox state, pending and completed tags, continuation and BYE, TLS and UTF-8
    /// flags, `xatom` registrations. A new tag prefix is drawn, as imaplib does per connection.
    /// Settings (config, trace, literal sink, mailbox encoding) stay.
    fn reset_connection_state(&mut self) {
        self.asm = Assembler::new(&self.config.limits);
        if !self.custom_sink {
            self.sink = Box::new(BufferSink::new(self.config.limits.max_literal));
        }
        self.store = UntaggedStore::new(self.config.limits.max_untagged);
        self.tag_prefix = util::int2ap(4096 + random_u64() % (65536 - 4096));
        self.tagnum = 0;
        self.state = State::Logout;
        self.capabilities.clear();
        self.protocol_version = None;
        self.welcome.clear();
        self.readonly = false;
        self.idle = None;
        self.sasl = false;
        self.awaiting_continuation = false;
        self.pending.clear();
        self.completed.clear();
        self.continuation = None;
        self.bye = None;
        self.pre_tls = false;
        self.tls_required = false;
        self.extra_commands.clear();
        self.enabled.clear();
    }

    /// Opens the session on an in-memory connection (see [`transport::Duplex`]), as
    /// [`Session::open_stream`] does on a child: reads the greeting and learns the
    /// capabilities. A harness for fuzzing the session; not part of the public API.
    #[doc(hidden)]
    pub fn open_duplex(&mut self, io: Box<dyn transport::Duplex>) -> Result<()> {
        if self.closed.is_none() {
            return Err(Error::new(ErrorKind::IllegalState, "already connected"));
        }
        self.reset_connection_state();
        self.guarded(|s| {
            s.host.clear();
            s.port = 0;
            let pace = s.config.pace();
            s.greet_unencrypted(Stream::Memory(transport::MemoryStream::new(io, pace)))
        })
    }

    fn open_inner(&mut self, host: &str, port: u16, mode: TlsMode) -> Result<()> {
        let port = match (port, mode) {
            (0, TlsMode::Implicit) => 993,
            (0, _) => 143,
            (p, _) => p,
        };
        self.host = host.to_string();
        self.port = port;
        self.tracer.log(1, || {
            format!("new IMAP4 connection, tag={}", show(&self.tag_prefix))
        });
        let tcp = transport::connect(host, port, self.config.connect_timeout, &self.interrupter)?;
        // The call's deadline starts once the connection is made.
        let sock = Socket::new(tcp, self.config.pace())
            .map_err(|e| Error::new(ErrorKind::Connect, format!("socket setup failed: {e}")))?;
        self.attach(Stream::Tcp(sock))?;
        if mode == TlsMode::Implicit {
            self.upgrade_tls()?;
        }
        self.closed = None;
        self.tls_required = mode != TlsMode::None;
        self.pre_tls = mode == TlsMode::StartTls;
        self.read_greeting()?;
        if mode == TlsMode::StartTls {
            if self.state != State::NonAuth {
                return Err(Error::new(
                    ErrorKind::Tls,
                    "server greeted with PREAUTH before TLS; refusing (STARTTLS required)",
                ));
            }
            self.starttls_inner()?;
        } else {
            self.learn_capabilities_after_greeting()?;
        }
        Ok(())
    }

    // ----- the stream and the greeting ----------------------------------------------------------

    /// Installs a stream and gives the interrupter a way to wake it.
    fn attach(&mut self, stream: Stream) -> Result<()> {
        let waker = stream
            .waker()
            .map_err(|e| Error::new(ErrorKind::Connect, format!("socket setup failed: {e}")))?;
        self.interrupter.set_socket(Some(waker));
        let mut stream = stream;
        stream.pace_mut().watch(Arc::clone(&self.interrupter));
        self.stream = Some(stream);
        self.drained = false;
        self.auth_mechanism = None;
        Ok(())
    }

    fn upgrade_tls(&mut self) -> Result<()> {
        let stream = self
            .stream
            .take()
            .ok_or_else(|| Error::new(ErrorKind::Closed, "connection is closed"))?;
        let tls = stream.start_tls(&self.host, &self.config.tls)?;
        self.stream = Some(tls);
        self.drained = false;
        Ok(())
    }

    fn read_greeting(&mut self) -> Result<()> {
        let resp = self.read_response()?;
        let line = resp.first_line().to_vec();
        self.welcome = line.clone();
        let invalid = || {
            Error::new(
                ErrorKind::Abort,
                format!("invalid greeting: {}", String::from_utf8_lossy(&line)),
            )
        };
        match resp.classify().map_err(|_| invalid())? {
            Line::Untagged { name, data } if name == "OK" || name == "PREAUTH" => {
                self.state = if name == "OK" {
                    State::NonAuth
                } else {
                    State::Auth
                };
                self.store_untagged(&name, data, resp)?;
                Ok(())
            }
            _ => Err(invalid()),
        }
    }

    // ----- capabilities -------------------------------------------------------------------------

    /// imaplib 3.15: the greeting's `[CAPABILITY ...]` code if present, else a CAPABILITY command.
    fn learn_capabilities_after_greeting(&mut self) -> Result<()> {
        match self.store.pop("CAPABILITY") {
            Some(items) => self.set_capabilities(items),
            None => self.query_capabilities(),
        }
    }

    fn query_capabilities(&mut self) -> Result<()> {
        let out = self.run(
            Command::new("CAPABILITY", vec![]),
            "CAPABILITY",
            ResultFrom::Untagged("CAPABILITY"),
        )?;
        if !out.is_ok() {
            return Err(Error::new(
                ErrorKind::Abort,
                "no CAPABILITY response from server",
            ));
        }
        self.set_capabilities(out.data)
    }

    fn set_capabilities(&mut self, items: Vec<Item>) -> Result<()> {
        let last = match items.into_iter().last() {
            Some(Item::Line(l)) => l,
            _ => {
                return Err(Error::new(
                    ErrorKind::Abort,
                    "no CAPABILITY response from server",
                ))
            }
        };
        self.capabilities = String::from_utf8_lossy(&last)
            .to_ascii_uppercase()
            .split_whitespace()
            .map(String::from)
            .collect();
        self.protocol_version = ["IMAP4REV1", "IMAP4"]
            .into_iter()
            .find(|v| self.capabilities.iter().any(|c| c == v));
        let caps = self.capabilities.join(" ");
        self.tracer.log(3, || format!("CAPABILITIES: {caps}"));
        if self.protocol_version.is_none() {
            return Err(Error::new(ErrorKind::Abort, "server not IMAP4 compliant"));
        }
        Ok(())
    }

    /// After LOGIN (and AUTHENTICATE): a CAPABILITY seen during the command, else ask.
    ///
    /// The login has already succeeded when this runs, so a refresh that brings nothing usable
    /// (no CAPABILITY data, a NO or BAD, a list without IMAP4rev1) does not turn it into a
    /// failure: the last known capabilities stay, and the reason is traced at level 1. Only a
    /// fatal error (the connection lost, a timeout, a protocol violation while reading) fails
    /// the call, and that closes the connection, so the caller is never told "failed" about a
    /// connection that is open and logged in.
    pub(super) fn refresh_capabilities_after_auth(&mut self) -> Result<()> {
        let previous = (self.capabilities.clone(), self.protocol_version);
        let r = match self.store.get("CAPABILITY").cloned() {
            Some(items) => self.set_capabilities(items),
            None => self.query_capabilities(),
        };
        match r {
            // Failures of the connection itself closed it where they happened; an error with
            // the connection still open is about the reply's content.
            Err(e) if self.is_open() => {
                (self.capabilities, self.protocol_version) = previous;
                self.tracer.log(1, || {
                    format!(
                        "capabilities not refreshed after login ({}); keeping the last known",
                        e.message
                    )
                });
                Ok(())
            }
            r => r,
        }
    }

    // ----- STARTTLS -----------------------------------------------------------------------------

    /// STARTTLS, strictly: refused or tampered with means the connection is closed; bytes that
    /// followed the OK before the handshake are an injection attempt; everything learnt before
    /// TLS is forgotten and capabilities are read again over TLS.
    fn starttls_inner(&mut self) -> Result<Outcome> {
        if self.is_tls() {
            return Err(Error::new(
                ErrorKind::IllegalState,
                "TLS session already established",
            ));
        }
        self.pre_tls = true;
        self.tls_required = true;
        if self.capabilities.is_empty() {
            if let Some(items) = self.store.pop("CAPABILITY") {
                self.set_capabilities(items)?;
            } else {
                self.query_capabilities()?;
            }
        }
        if !self.has_capability("STARTTLS") {
            return Err(self.fail(Error::new(
                ErrorKind::Tls,
                "TLS not supported by server (no STARTTLS capability)",
            )));
        }
        let tag = self.start(Command::new("STARTTLS", vec![]), "STARTTLS")?;
        let t = self.complete_inner(&tag, false)?;
        if t.status != "OK" {
            return Err(self.fail(Error::new(
                ErrorKind::Tls,
                format!(
                    "Couldn't establish TLS session: server answered {} {}",
                    t.status,
                    String::from_utf8_lossy(&t.text)
                ),
            )));
        }
        if self.asm.buffered() > 0 || !self.asm.idle() {
            return Err(self.fail(Error::new(
                ErrorKind::Tls,
                "server sent data after the STARTTLS OK before the TLS handshake; refusing (possible injection)",
            )));
        }
        self.upgrade_tls().map_err(|e| self.fail(e))?;
        self.pre_tls = false;
        self.store.clear();
        self.capabilities.clear();
        self.protocol_version = None;
        self.query_capabilities().map_err(|e| self.fail(e))?;
        Ok(Outcome::from_tagged(t, vec![Item::None]))
    }

    /// imaplib `starttls()`: upgrade a plain connection (strict, see [`Session::open`]).
    pub fn starttls(&mut self) -> Result<Outcome> {
        self.guarded(|s| {
            s.check_open()?;
            s.check_state("STARTTLS")?;
            s.starttls_inner()
        })
    }
}
