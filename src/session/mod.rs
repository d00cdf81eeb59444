//! The session: owns the transport, the tag generator, the state machine, the store of
//! untagged responses, capabilities, limits, timeouts and tracing. Every command goes through
//! one path: [`Session::start`] sends it (waiting for `+` before a literal) and
//! [`Session::complete`] collects its tagged result; the commands themselves are small entries in
//! [`commands`].
//!
//! Several commands may be in flight: tags are matched against the set of pending commands and
//! results that arrive for another tag are kept until asked for, so pipelining is `start` N
//! times, then `complete` N times.
//!
//! Where things are: this file holds the [`Session`] type, its configuration and accessors;
//! `engine.rs` the protocol state without I/O (tags, checks, filing responses, outcomes);
//! `driver.rs` the call boundary and the I/O (sending, waiting, the read loop, deadlines,
//! interrupts); `connect.rs` opening a connection, the greeting, capabilities and STARTTLS;
//! the other files one family of commands each (`commands.rs`, `auth.rs`, `idle.rs`,
//! `pipeline.rs`...).

mod auth;
mod commands;
mod compose;
mod compress;
mod condstore;
mod connect;
mod driver;
mod engine;
mod error;
mod extensions;
mod idle;
mod pipeline;
mod raw;
mod rev2;
mod scram;
mod trace;
mod transfer;
mod typed;

pub use crate::proto::store::UntaggedStore;
/// The clock of a wait, for waits made outside the session (the C layer's unlocked waits).
pub use crate::transport::{Direction, Expiry, Pace};
pub use auth::{
    cram_md5_digest, sasl_turn, CancelReason, Mechanism, SaslClient, SaslStep, SaslTurn,
};
pub use commands::{allowed_states, spec, Origin, ResultFrom, Spec};
pub use compose::{Composed, MailboxQuota, Parsed};
pub use compress::CompressionStats;
pub use condstore::{
    is_enabled_in, parse_uid_set, ChangedMessage, FullResync, MailboxChanges, SyncMethod,
    MAX_MODSEQ,
};
pub use error::{Error, ErrorKind, Result};
pub use extensions::QuotaRoot;
pub use pipeline::{wait_unlocked, Pulled, Ticket};
pub use scram::ScramHash;
pub use trace::TraceFn;
pub use transfer::{MessageSource, ProgressFn, Way};
pub use typed::append_flags;

use crate::proto::framer::{BufferSink, LiteralSink};
use crate::proto::parse::{self, Code};
use crate::proto::response::{Assembler, Item};
use crate::proto::secret::Redactor;
use crate::proto::{util, Limits};
pub use crate::transport::Interrupter;
use crate::transport::Stream;
pub use crate::transport::{TlsConfig, TlsVersion};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use trace::Tracer;

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
    /// names, and every name in UTF-8 mode (RFC 6855) or under IMAP4rev2 (RFC 9051), go as
    /// given.
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
    /// [`Session::login_auto`] may send a password over a connection without TLS (PLAIN, the
    /// LOGIN command) when the server offers nothing better. Off by default.
    pub allow_plaintext_password: bool,
    /// The largest message literal (APPEND's message, imaplib's `literal` attribute) sent
    /// without waiting for the server's continuation, when the server offers LITERAL+ or
    /// LITERAL- (RFC 7888; LITERAL- caps it at 4,096). 0 sends every message literal
    /// synchronizing, as imaplib does. A message from a source is always synchronizing, so a
    /// refused APPEND never reads it.
    pub nonsync_literal_max: usize,
    /// Send COMPRESS DEFLATE (RFC 4978) after every successful login when the server offers
    /// it. Off by default (imaplib has no COMPRESS).
    pub compress: bool,
}

/// The default of [`Config::nonsync_literal_max`]: LITERAL-'s limit, so a refused APPEND
/// wastes at most 4 KiB of sending.
pub const DEFAULT_NONSYNC_LITERAL_MAX: usize = crate::proto::encode::LITERAL_MINUS_MAX;

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
            allow_plaintext_password: false,
            nonsync_literal_max: DEFAULT_NONSYNC_LITERAL_MAX,
            compress: false,
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
    mailbox_encoding: MailboxEncoding,
    /// imaplib's `literal` attribute (see [`Session::set_literal`]).
    next_literal: Option<Vec<u8>>,
    /// The mechanism of the last successful login (`LOGIN` for the command).
    auth_mechanism: Option<&'static str>,
    /// The message of the APPEND in progress, when it comes from a source
    /// ([`Session::append_source`]).
    literal_source: Option<transfer::MessageSource>,
    /// The capabilities the server confirmed with an untagged ENABLED during
    /// [`Session::enable`] on this connection (upper case): the one record of what is on
    /// (UTF-8 mode, IMAP4rev2, CONDSTORE, QRESYNC).
    enabled: Vec<String>,
    /// Progress reports of literals (see [`Session::set_progress`]).
    progress: Option<transfer::ProgressFn>,
    /// The literal being received: bytes so far and its size (for progress reports).
    receiving: (u64, u64),
    /// The last read of the stream found nothing and nothing was read since (see
    /// [`Session::read_first`]).
    drained: bool,
    /// Send ENABLE IMAP4rev2 after login when the server offers it (see
    /// [`Session::set_auto_imap4rev2`]).
    auto_imap4rev2: bool,
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
            mailbox_encoding: MailboxEncoding::default(),
            next_literal: None,
            literal_source: None,
            auth_mechanism: None,
            progress: None,
            enabled: Vec::new(),
            receiving: (0, 0),
            drained: false,
            auto_imap4rev2: false,
        }
    }

    // ----- accessors ----------------------------------------------------------------------------

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Changes settings; limits and timeouts apply from the next read.
    pub fn set_config(&mut self, config: Config) {
        self.asm.set_limits(&config.limits);
        self.store.set_max(config.limits.max_untagged);
        // Every sink that buffers literals enforces the literal limit from the next one on.
        self.sink.set_max_literal(config.limits.max_literal);
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
        if self.mailbox_encoding == MailboxEncoding::Utf7 && !self.utf8_names() && !name.is_ascii()
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
}
