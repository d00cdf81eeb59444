//! The session: owns the transport, the tag generator, the state machine, the store of
//! untagged responses, capabilities, limits, timeouts and tracing. Every command goes through
//! one path: [`Session::start`] sends it (waiting for `+` before a literal) and
//! [`Session::complete`] collects its tagged result; the commands themselves are small entries in
//! [`commands`].
//!
//! Several commands may be in flight: tags are matched against the set of pending commands and
//! results that arrive for another tag are kept until asked for, so pipelining is `start` N
//! times, then `complete` N times.

mod auth;
mod commands;
mod compose;
mod error;
mod extensions;
mod idle;
mod pipeline;
mod raw;
mod trace;
mod typed;

pub use crate::proto::store::UntaggedStore;
/// The clock of a wait, for waits made outside the session (the C layer's unlocked waits).
pub use crate::transport::{Direction, Expiry, Pace};
pub use auth::{
    cram_md5_digest, sasl_turn, CancelReason, Mechanism, SaslClient, SaslStep, SaslTurn,
};
pub use commands::{allowed_states, spec, ResultFrom, Spec};
pub use compose::{Composed, MailboxQuota, Parsed};
pub use error::{Error, ErrorKind, Result};
pub use extensions::QuotaRoot;
pub use pipeline::{MessageSet, Pulled, Ticket};
pub use trace::TraceFn;

use crate::proto::encode::{self, Arg, Command, Piece, WireContext};
use crate::proto::framer::{BufferSink, LiteralData, LiteralSink};
use crate::proto::parse::{self, Code, Line};
use crate::proto::response::{Assembler, Item, RawResponse};
use crate::proto::secret::Redactor;
use crate::proto::{show, util, Limits};
pub use crate::transport::Interrupter;
use crate::transport::{self, Socket, Stream, TlsConfig};
use std::collections::HashMap;
use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};
use trace::Tracer;
use zeroize::Zeroize;

/// imaplib's connection states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    Logout,
    NonAuth,
    Auth,
    Selected,
    /// IDLE is running (imaplib's `IDLING`): only [`Session::idle_wait`] and
    /// [`Session::idle_done`] are allowed.
    Idling,
}

impl State {
    pub fn name(self) -> &'static str {
        match self {
            State::Logout => "LOGOUT",
            State::NonAuth => "NONAUTH",
            State::Auth => "AUTH",
            State::Selected => "SELECTED",
            State::Idling => "IDLING",
        }
    }
}

/// How to secure the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// Plain TCP (imaplib `IMAP4`).
    None,
    /// TLS from the first byte (imaplib `IMAP4_SSL`).
    Implicit,
    /// Plain TCP, then STARTTLS before anything else; fails closed.
    StartTls,
}

/// How mailbox name arguments reach the wire (see [`Session::mailbox_arg`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MailboxEncoding {
    /// Names with non-ASCII characters are sent in modified UTF-7 (RFC 3501 §5.1.3); ASCII
    /// names, and every name in UTF-8 mode (RFC 6855), go as given.
    #[default]
    Utf7,
    /// Names go as given (imaplib's behaviour): the caller encodes them.
    Raw,
}

/// Connection settings; every wait is finite by default.
///
/// Timeouts follow one rule (see also [`crate::transport::Pace`]):
/// - connecting takes at most `connect_timeout`;
/// - each wait for bytes, reading or writing, takes at most `io_timeout` (a server that sends
///   nothing, or stops reading what we send, ends the call);
/// - each call has a deadline `call_timeout` (default: `io_timeout`) after it starts, or after
///   the TCP connection is made for `open`. Bytes moving in either direction push the deadline
///   back by one second per `min_rate` bytes, to at most `call_timeout` from now. A call
///   therefore ends with [`ErrorKind::Timeout`] at most about `call_timeout` after the data
///   stopped flowing at `min_rate` bytes/s (a server dripping bytes, or tiny responses, cannot
///   hold it), while a transfer at a normal rate is never cut. `min_rate` 0 makes the deadline
///   fixed. One library call is one call, including the commands it sends by itself (the
///   CAPABILITY after LOGIN, STARTTLS in `open`).
/// - an IDLE wait and a raw read have their own explicit timeout instead.
#[derive(Debug, Clone)]
pub struct Config {
    pub connect_timeout: Duration,
    pub io_timeout: Duration,
    /// The call deadline before any extension; `None` means `io_timeout`.
    pub call_timeout: Option<Duration>,
    /// Bytes per second that keep pushing the call deadline back (default 1024).
    pub min_rate: u64,
    pub limits: Limits,
    pub tls: TlsConfig,
}

/// The default of [`Config::min_rate`]: 1 KiB/s.
pub const DEFAULT_MIN_RATE: u64 = 1024;

impl Default for Config {
    fn default() -> Self {
        Config {
            connect_timeout: Duration::from_secs(30),
            io_timeout: Duration::from_secs(60),
            call_timeout: None,
            min_rate: DEFAULT_MIN_RATE,
            limits: Limits::default(),
            tls: TlsConfig::default(),
        }
    }
}

impl Config {
    /// The call deadline before any extension.
    pub fn call_timeout(&self) -> Duration {
        self.call_timeout.unwrap_or(self.io_timeout)
    }

    /// A fresh clock with these settings.
    pub fn pace(&self) -> Pace {
        Pace::new(
            Some(self.io_timeout),
            Some(self.call_timeout()),
            self.min_rate,
        )
    }
}

/// A tagged completion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tagged {
    pub status: String,
    pub text: Vec<u8>,
}

/// The result of a command, mirroring imaplib's `(typ, data)`, plus the tagged text and its
/// response code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// `OK`, `NO`, `BYE` (logout), or the name asked of `response()`.
    pub typ: String,
    pub data: Vec<Item>,
    /// The tagged completion, when the call sent a command.
    pub tagged: Option<Tagged>,
}

impl Outcome {
    pub fn is_ok(&self) -> bool {
        self.typ == "OK"
    }

    /// The response code of the tagged text (`[APPENDUID 1 2]`, `[READ-WRITE]`, ...).
    pub fn code(&self) -> Option<Code> {
        self.tagged
            .as_ref()
            .and_then(|t| parse::response_code(&t.text))
    }

    fn from_tagged(t: Tagged, data: Vec<Item>) -> Self {
        Outcome {
            typ: t.status.clone(),
            data,
            tagged: Some(t),
        }
    }
}

/// Removes every secret of `r` from the texts of `o` (tagged text, line items).
fn redact_outcome(r: &Redactor, o: &mut Outcome) {
    if let Some(t) = o.tagged.as_mut() {
        r.bytes(&mut t.text);
    }
    for item in &mut o.data {
        match item {
            Item::Line(l) | Item::Literal(l, _) => r.bytes(l),
            Item::None => {}
        }
    }
}

/// See the module documentation.
pub struct Session {
    config: Config,
    stream: Option<Stream>,
    asm: Assembler,
    sink: Box<dyn LiteralSink + Send>,
    /// The sink is the caller's (set_literal_sink), not the default buffer.
    custom_sink: bool,
    readbuf: Vec<u8>,
    interrupter: Arc<Interrupter>,
    call_depth: u32,
    tag_prefix: Vec<u8>,
    tagnum: u64,
    state: State,
    store: UntaggedStore,
    capabilities: Vec<String>,
    protocol_version: Option<&'static str>,
    welcome: Vec<u8>,
    readonly: bool,
    host: String,
    port: u16,
    /// The tag of the running IDLE and the state to return to.
    idle: Option<(Vec<u8>, State)>,
    /// A SASL exchange is running: continuation lines are not traced.
    sasl: bool,
    /// The commands in flight, oldest first.
    pending: Vec<pipeline::Pending>,
    /// Submitted commands not yet collected (see [`pipeline`]).
    tickets: pipeline::Tickets,
    /// Bytes read from the server.
    bytes_in: u64,
    /// The fatal error that is closing the connection: every ticket still running ends with it.
    closing: Option<Error>,
    /// The next generic command of this call is submitted, not waited for (`defer_next`).
    defer: bool,
    /// The ticket of that command, for the caller to wait for.
    deferred: Option<Ticket>,
    completed: HashMap<Vec<u8>, Tagged>,
    continuation: Option<Option<Vec<u8>>>,
    /// A command is waiting for a continuation request (a literal, IDLE, a SASL exchange); a
    /// `+` at any other time is a protocol violation.
    awaiting_continuation: bool,
    bye: Option<Vec<u8>>,
    /// TLS was asked for and is not up yet: untagged data other than CAPABILITY is dropped.
    pre_tls: bool,
    /// TLS was asked for: credentials may only travel over TLS.
    tls_required: bool,
    /// Names registered by `xatom`, with the state they were first used in (imaplib).
    extra_commands: HashMap<String, State>,
    tracer: Tracer,
    closed: Option<String>,
    /// ENABLE UTF8=ACCEPT was confirmed by the server (imaplib's `utf8_enabled`).
    utf8_enabled: bool,
    mailbox_encoding: MailboxEncoding,
    /// imaplib's `literal` attribute (see [`Session::set_literal`]).
    next_literal: Option<Vec<u8>>,
}

impl Default for Session {
    fn default() -> Self {
        Session::new(Config::default())
    }
}

fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    h.finish()
}

impl Session {
    pub fn new(config: Config) -> Self {
        let limits = config.limits;
        Session {
            asm: Assembler::new(&limits),
            sink: Box::new(BufferSink::new(limits.max_literal)),
            custom_sink: false,
            store: UntaggedStore::new(limits.max_untagged),
            config,
            stream: None,
            readbuf: vec![0; 64 * 1024],
            interrupter: Arc::new(Interrupter::default()),
            call_depth: 0,
            tag_prefix: util::int2ap(4096 + random_u64() % (65536 - 4096)),
            tagnum: 0,
            state: State::Logout,
            capabilities: Vec::new(),
            protocol_version: None,
            welcome: Vec::new(),
            readonly: false,
            host: String::new(),
            port: 0,
            sasl: false,
            idle: None,
            pending: Vec::new(),
            tickets: pipeline::Tickets::default(),
            bytes_in: 0,
            closing: None,
            defer: false,
            deferred: None,
            completed: HashMap::new(),
            continuation: None,
            awaiting_continuation: false,
            bye: None,
            pre_tls: false,
            tls_required: false,
            extra_commands: HashMap::new(),
            tracer: Tracer::default(),
            closed: Some("not connected".into()),
            utf8_enabled: false,
            mailbox_encoding: MailboxEncoding::default(),
            next_literal: None,
        }
    }

    // ----- accessors -------------------------------------------------------------------------

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Changes settings; limits and timeouts apply from the next read.
    pub fn set_config(&mut self, config: Config) {
        self.asm.set_limits(&config.limits);
        self.store.set_max(config.limits.max_untagged);
        if !self.custom_sink && config.limits.max_literal != self.config.limits.max_literal {
            // The default sink enforces the literal limit; a caller's sink keeps its own.
            self.sink = Box::new(BufferSink::new(config.limits.max_literal));
        }
        if let Some(s) = &mut self.stream {
            s.pace_mut().configure(
                Some(config.io_timeout),
                Some(config.call_timeout()),
                config.min_rate,
            );
        }
        self.config = config;
    }

    pub fn state(&self) -> State {
        self.state
    }

    pub fn capabilities(&self) -> &[String] {
        &self.capabilities
    }

    pub fn has_capability(&self, cap: &str) -> bool {
        self.capabilities
            .iter()
            .any(|c| c.eq_ignore_ascii_case(cap))
    }

    pub fn protocol_version(&self) -> Option<&'static str> {
        self.protocol_version
    }

    /// The greeting line, without CRLF.
    pub fn welcome(&self) -> &[u8] {
        &self.welcome
    }

    pub fn is_readonly(&self) -> bool {
        self.readonly
    }

    pub fn is_tls(&self) -> bool {
        self.stream.as_ref().is_some_and(Stream::is_tls)
    }

    pub fn is_open(&self) -> bool {
        self.closed.is_none()
    }

    /// Why the connection is closed ("not connected", the failure that closed it...); `None`
    /// while it is open.
    pub fn close_reason(&self) -> Option<&str> {
        self.closed.as_deref()
    }

    pub fn tag_prefix(&self) -> &[u8] {
        &self.tag_prefix
    }

    pub fn untagged(&self) -> &UntaggedStore {
        &self.store
    }

    pub fn mailbox_encoding(&self) -> MailboxEncoding {
        self.mailbox_encoding
    }

    pub fn set_mailbox_encoding(&mut self, encoding: MailboxEncoding) {
        self.mailbox_encoding = encoding;
    }

    /// A mailbox name (or LIST reference/pattern) as it goes on the wire, per the
    /// [`MailboxEncoding`]: every command taking a mailbox builds its argument here.
    pub(crate) fn mailbox_arg(&self, name: &str) -> Vec<u8> {
        if self.mailbox_encoding == MailboxEncoding::Utf7 && !self.utf8_enabled && !name.is_ascii()
        {
            crate::proto::parsed::utf7::encode(name).into_bytes()
        } else {
            name.as_bytes().to_vec()
        }
    }

    /// The handle another thread may use to interrupt a blocked call.
    pub fn interrupter(&self) -> Arc<Interrupter> {
        Arc::clone(&self.interrupter)
    }

    pub fn set_debug(&mut self, level: u8) {
        self.tracer.level = level;
    }

    pub fn debug(&self) -> u8 {
        self.tracer.level
    }

    pub fn set_trace_sink(&mut self, sink: Option<TraceFn>) {
        self.tracer.set_sink(sink);
    }

    /// Replaces the sink literals flow into (a streaming sink, for instance). The default
    /// buffers each literal up to the literal limit.
    pub fn set_literal_sink(&mut self, sink: Option<Box<dyn LiteralSink + Send>>) {
        self.custom_sink = sink.is_some();
        self.sink =
            sink.unwrap_or_else(|| Box::new(BufferSink::new(self.config.limits.max_literal)));
    }

    // ----- the call boundary -----------------------------------------------------------------

    /// Runs one public call: marks it interruptible and turns an interrupt into
    /// [`ErrorKind::Interrupted`] with the connection closed. Nested calls share the outer mark.
    ///
    /// This is where the invariant "a fatal kind means the connection is closed" holds: any
    /// error of a fatal kind ([`ErrorKind::is_fatal`]) leaving a public call closes the
    /// connection, whichever path produced it.
    fn guarded<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
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

    /// A wait made outside the session ran out (`why`, from its own [`Pace`]): the call
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
    fn fail(&mut self, e: Error) -> Error {
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
        self.utf8_enabled = false;
        self.next_literal = None;
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

    /// Credentials (LOGIN, AUTHENTICATE) may only go out on an open connection, and only
    /// over TLS when TLS was asked for.
    fn check_credentials_may_go(&self) -> Result<()> {
        self.check_open()?;
        if self.tls_required && !self.is_tls() {
            return Err(Error::new(
                ErrorKind::Tls,
                "refusing to send credentials: TLS was requested and is not active",
            ));
        }
        Ok(())
    }

    fn check_open(&self) -> Result<()> {
        match &self.closed {
            None => Ok(()),
            Some(why) => Err(Error::new(
                ErrorKind::Closed,
                format!("connection is closed ({why})"),
            )),
        }
    }

    // ----- connecting ------------------------------------------------------------------------

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
        self.utf8_enabled = false;
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

    /// Installs a stream and gives the interrupter a way to wake it.
    fn attach(&mut self, stream: Stream) -> Result<()> {
        let waker = stream
            .waker()
            .map_err(|e| Error::new(ErrorKind::Connect, format!("socket setup failed: {e}")))?;
        self.interrupter.set_socket(Some(waker));
        let mut stream = stream;
        stream.pace_mut().watch(Arc::clone(&self.interrupter));
        self.stream = Some(stream);
        Ok(())
    }

    fn upgrade_tls(&mut self) -> Result<()> {
        let stream = self
            .stream
            .take()
            .ok_or_else(|| Error::new(ErrorKind::Closed, "connection is closed"))?;
        let tls = stream.start_tls(&self.host, &self.config.tls)?;
        self.stream = Some(tls);
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
    fn refresh_capabilities_after_auth(&mut self) -> Result<()> {
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

    // ----- the generic command path ----------------------------------------------------------

    fn next_tag(&mut self) -> Vec<u8> {
        let tag = [
            self.tag_prefix.as_slice(),
            self.tagnum.to_string().as_bytes(),
        ]
        .concat();
        self.tagnum += 1;
        tag
    }

    fn check_state(&self, name: &str) -> Result<()> {
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
    /// what is in flight (see [`pipeline`]).
    fn start_routed(
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
            if !cmd
                .args
                .iter()
                .any(|a| matches!(a, Arg::Literal(_) | Arg::Utf8Literal(_)))
            {
                cmd.args.push(Arg::Literal(bytes));
            }
        }
        let enc = encode::encode_in(&tag, &cmd, &self.wire_context())?;
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
                    if matches!(pieces.peek(), Some(Piece::Literal(_)))
                        && !self.wait_continuation(&tag)?
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
                }
            }
        }
        Ok(tag)
    }

    /// What the encoder needs to know to send string values: the literal extensions the
    /// server offers and whether UTF-8 mode is on.
    fn wire_context(&self) -> WireContext {
        WireContext {
            literal_plus: self.has_capability("LITERAL+"),
            literal_minus: self.has_capability("LITERAL-") || self.has_capability("IMAP4rev2"),
            utf8: self.utf8_enabled,
        }
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

    fn write(&mut self, bytes: &[u8]) -> Result<()> {
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
    fn wait_continuation(&mut self, tag: &[u8]) -> Result<bool> {
        self.awaiting_continuation = true;
        let r = self.wait_continuation_inner(tag);
        self.awaiting_continuation = false;
        r
    }

    fn wait_continuation_inner(&mut self, tag: &[u8]) -> Result<bool> {
        loop {
            if let Some(t) = self.completed.get(tag) {
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

    /// Collects the tagged result of `tag`, handling responses to other commands meanwhile.
    pub fn complete(&mut self, tag: &[u8]) -> Result<Tagged> {
        self.guarded(|s| s.complete_inner(tag, false))
    }

    /// `logout`: a BYE ends the wait with that BYE (LOGOUT's answer) instead of an error. A
    /// continuation request here is refused by `dispatch` (no command waits for one), as an
    /// injection attempt (TLS) while STARTTLS is pending.
    fn complete_inner(&mut self, tag: &[u8], logout: bool) -> Result<Tagged> {
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
    fn pump(&mut self) -> Result<()> {
        let resp = self.read_response()?;
        self.dispatch(resp).map_err(|e| self.fail(e))
    }

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
    fn read_response(&mut self) -> Result<RawResponse> {
        match self.read_response_until(None)? {
            Some(resp) => Ok(resp),
            None => Err(Error::new(ErrorKind::Timeout, "timed out")),
        }
    }

    /// The next whole response, or `None` if `deadline` passes first. A deadline replaces the
    /// I/O timeout and the call deadline for this wait and leaves the connection usable (a
    /// partial response stays buffered).
    fn read_response_until(&mut self, deadline: Option<Instant>) -> Result<Option<RawResponse>> {
        self.read_response_wait(deadline, false)
    }

    /// As [`Session::read_response_until`]; `wakeable`: a wake (`Interrupter::wake`) also ends
    /// the wait with `None` (IDLE's wait).
    fn read_response_wait(
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
            match self.asm.next(&mut *self.sink) {
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
            let n = match stream.read(&mut self.readbuf) {
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
            self.asm.feed(&self.readbuf[..n]);
        }
    }

    /// Reads and files everything the server has sent so far, without waiting for more: the
    /// step of a wait made outside the session (see [`pipeline`]). Errors close the connection
    /// as every read's do.
    pub fn read_available(&mut self) -> Result<()> {
        while self.read_once()? {}
        Ok(())
    }

    /// Files the responses already buffered, then reads at most one buffer's worth (without
    /// waiting) and files what it completes. `false` when nothing was there to read. The step
    /// of a wait: a stream's consumer is never read ahead of by more than one buffer.
    pub fn read_once(&mut self) -> Result<bool> {
        if self.stream.is_none() {
            return Ok(false);
        }
        let mut read = false;
        loop {
            if self.bye.is_some() {
                // The server is closing: its BYE is the news (check_bye), not the EOF after it.
                return Ok(false);
            }
            self.asm
                .set_room(self.store.room().saturating_sub(self.routed_weight()));
            match self.asm.next(&mut *self.sink) {
                Ok(Some(resp)) => {
                    self.trace_response(&resp);
                    self.dispatch(resp).map_err(|e| self.fail(e))?;
                    continue;
                }
                Ok(None) => {}
                Err(e) => return Err(self.fail(e.into())),
            }
            if read {
                return Ok(true);
            }
            let Some(stream) = self.stream.as_mut() else {
                return Ok(false);
            };
            // A wait that ends at once: the read gives what is there, or WouldBlock.
            stream.pace_mut().start_wait(Instant::now());
            let r = stream.read(&mut self.readbuf);
            stream.pace_mut().start_call(Instant::now());
            let n = match r {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock && !self.interrupter.fired() => {
                    return Ok(false)
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
            self.asm.feed(&self.readbuf[..n]);
            read = true;
        }
    }

    fn trace_response(&mut self, resp: &RawResponse) {
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
                let n = match lit {
                    LiteralData::Bytes(b) => b.len() as u64,
                    LiteralData::Streamed(n) => *n,
                };
                self.tracer.log(4, || format!("read literal size {n}"));
            }
        }
    }

    /// Files a response: a tagged one under its pending command, a continuation for the
    /// literal sender, an untagged one in the store.
    fn dispatch(&mut self, mut resp: RawResponse) -> Result<()> {
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

    fn store_untagged(&mut self, name: &str, data: Vec<u8>, resp: RawResponse) -> Result<()> {
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

    /// Tickets are in flight: untagged data is routed (see [`pipeline`]).
    fn routing(&self) -> bool {
        self.pending.iter().any(|p| p.ticket.is_some())
    }

    fn store_items(&mut self, name: &str, items: Vec<Item>) -> Result<()> {
        self.tracer.log(5, || {
            format!("untagged_responses[{name}] += {} item(s)", items.len())
        });
        Ok(self.store.push(name, items)?)
    }

    /// Sends a command and builds its outcome: the generic path every command entry uses.
    pub fn run(&mut self, cmd: Command, table_name: &str, from: ResultFrom) -> Result<Outcome> {
        if self.defer && self.call_depth == 0 {
            // The caller waits for the result itself (see `Session::defer_next`).
            self.defer = false;
            let store = self.pending.is_empty();
            let t = self.submit_as(cmd, table_name, Some(from), false, store)?;
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

    /// Turns a tagged completion into imaplib's return shape. NO is returned, BAD is an error.
    fn outcome(&mut self, name: &str, t: Tagged, from: ResultFrom) -> Result<Outcome> {
        self.outcome_with(name, t, from, None)
    }

    /// [`Session::outcome`], with the untagged data routed to a ticket instead of the store's.
    fn outcome_with(
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
