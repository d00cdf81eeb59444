//! Builds command lines: imaplib's quoting rules (§1.3), literals, injection checks, and the
//! redacted form of each line for tracing. Secret arguments are recognised by type
//! ([`Arg::Secret`], [`Arg::SecretAtom`]): the trace shows `<redacted>` in their place and the
//! encoded command lists their wire forms ([`Encoded::secrets`]) for the session's redactor.

use super::imaplib::is_date_time;
use super::secret::{Secret, REDACTED};
use super::ProtoError;
use std::fmt;

/// One argument of a command, with the rule that turns it into wire bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// Sent verbatim (search criteria, sequence sets, STORE's operation, xatom arguments).
    Raw(Vec<u8>),
    /// An atom the library formed or checked (a typed search key or number, a charset, a
    /// keyword of its own such as `CHARSET`): sent as it is, like [`Arg::Raw`], but known to
    /// parse, so a string literal after it may still go non-synchronizing.
    Atom(Vec<u8>),
    /// imaplib's `_astring`: atom if it can be, else a string value (quoted, or a literal
    /// when 8-bit; see [`string_form`]).
    Astring(Vec<u8>),
    /// imaplib's `_list_mailbox`: like `Astring` but `%` and `*` stay unquoted.
    ListMailbox(Vec<u8>),
    /// A string value (the LOGIN password, a criterion's value): a quoted string, or a
    /// literal when it cannot be quoted (see [`string_form`]).
    Quoted(Vec<u8>),
    /// imaplib's `_set_quote`: wrapped in parentheses unless it already is.
    List(Vec<u8>),
    /// imaplib's `_fetch_parts`: `ALL`, `FULL`, `FAST` as they are, else like `List`.
    FetchParts(Vec<u8>),
    /// A synchronising literal `{N}`: the client waits for `+` before sending the bytes.
    Literal(Vec<u8>),
    /// imaplib's UTF-8 mode APPEND message (RFC 6855): `UTF8 (~{N}`, then after `+` the
    /// bytes followed by `)`.
    Utf8Literal(Vec<u8>),
    /// A message literal of `size` bytes whose bytes the sender supplies as it writes them
    /// ([`Piece::Source`]): `{N}`, or with `utf8` RFC 6855's `UTF8 (~{N}` ... `)`. The bytes
    /// are never held here, so a message of any size costs no memory.
    Source { size: u64, utf8: bool },
    /// `NIL`.
    Nil,
    /// A parenthesised list of arguments, each encoded by its own rule (ID's field list,
    /// GETMETADATA's entries, search keys). Message literals cannot stand inside it; string
    /// values that need a literal can.
    Group(Vec<Arg>),
    /// A secret string (the LOGIN password): sent by the rule of [`Arg::Quoted`], traced as
    /// `<redacted>`.
    Secret(Secret),
    /// A secret sent verbatim (AUTHENTICATE's base64 initial response), traced as `<redacted>`.
    SecretAtom(Secret),
}

/// A command ready to be tagged and encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// The command name as sent (upper case; may contain a space, as in `UID FETCH`).
    pub name: String,
    pub args: Vec<Arg>,
}

impl Command {
    pub fn new(name: impl Into<String>, args: Vec<Arg>) -> Self {
        Command {
            name: name.into(),
            args,
        }
    }
}

/// What goes on the wire, in order. `Debug` shows sizes only: a line may hold a secret.
#[derive(Clone, PartialEq, Eq)]
pub enum Piece {
    /// Bytes to write, CRLF included. If the next piece is a literal, this line ends with
    /// `{N}` and the client must wait for a continuation before sending it.
    Line(Vec<u8>),
    /// Literal bytes, sent after the server's `+`.
    Literal(Vec<u8>),
    /// Literal bytes of a non-synchronizing literal (`{N+}`, RFC 7888): sent at once.
    NonSyncLiteral(Vec<u8>),
    /// A literal of this many bytes that the sender reads from its source ([`Arg::Source`]),
    /// sent after the server's `+`.
    Source(u64),
}

impl fmt::Debug for Piece {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Piece::Line(l) => write!(f, "Line(<{} bytes>)", l.len()),
            Piece::Literal(l) => write!(f, "Literal(<{} bytes>)", l.len()),
            Piece::NonSyncLiteral(l) => write!(f, "NonSyncLiteral(<{} bytes>)", l.len()),
            Piece::Source(n) => write!(f, "Source(<{n} bytes>)"),
        }
    }
}

/// An encoded command: the pieces to send and, for each line piece, its trace text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoded {
    pub pieces: Vec<Piece>,
    /// The first line as it may appear in a trace (secrets replaced).
    pub trace: Vec<u8>,
    /// Every secret argument as it went on the wire, and its value: the forms a server could
    /// echo. Empty when the command holds no secret.
    pub secrets: Vec<Secret>,
}

/// The message every rejected control character gets (imaplib's wording).
pub const CONTROL_MESSAGE: &str = "NUL, CR and LF not allowed in commands";

/// The message an argument sent verbatim gets when it holds `{N}` or `{N+}`.
const ANNOUNCEMENT_MESSAGE: &str =
    "an argument sent verbatim may not hold a literal announcement such as {5} (send text with braces as a string value)";

/// Rejects NUL, CR and LF: such an argument could end the command and start another.
pub fn check_line_safe(arg: &[u8]) -> Result<(), ProtoError> {
    if arg.iter().any(|&b| b == 0 || b == b'\r' || b == b'\n') {
        return Err(ProtoError::InvalidArgument(CONTROL_MESSAGE.into()));
    }
    Ok(())
}

/// Whether `x` holds a literal announcement, `{N}` or `{N+}` (digits only), anywhere. At the
/// end of a line it makes the server read the next N bytes as a literal, so the rest could
/// smuggle in a second command; and some servers (Dovecot 2.3) take one in the middle of a
/// line too, answering `+` and then reading N bytes. A verbatim argument therefore may not hold
/// one at all: text with braces goes as a string value, which is quoted.
fn has_literal_announcement(x: &[u8]) -> bool {
    x.iter().enumerate().any(|(i, &b)| {
        if b != b'{' {
            return false;
        }
        let rest = &x[i + 1..];
        let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        let rest = &rest[digits..];
        let rest = rest.strip_prefix(b"+").unwrap_or(rest);
        digits > 0 && rest.first() == Some(&b'}')
    })
}

/// The message an argument sent verbatim gets when a quoted string in it does not end.
const OPEN_QUOTE_MESSAGE: &str =
    "an argument sent verbatim may not leave a quoted string open (send such text as a string value)";

/// Whether `x` leaves a quoted string open, read as a server reads a line (`"` opens and
/// closes, `\` escapes inside). Such an argument shifts the quoting of everything after it:
/// a quoted string value later on the line would be read outside quotes, and a `{5}` in it
/// would announce a literal.
fn leaves_quote_open(x: &[u8]) -> bool {
    let mut quoted = false;
    let mut i = 0;
    while i < x.len() {
        match x[i] {
            b'\\' if quoted => i += 1,
            b'"' => quoted = !quoted,
            _ => {}
        }
        i += 1;
    }
    quoted
}

/// The one check for an argument sent verbatim (raw criteria, a parenthesised list, FETCH
/// items, a verbatim secret): it must not change how the server frames the line, so no NUL, CR
/// or LF, no literal announcement and no quoted string left open.
fn check_verbatim(x: &[u8]) -> Result<(), ProtoError> {
    check_line_safe(x)?;
    if has_literal_announcement(x) {
        return Err(ProtoError::InvalidArgument(ANNOUNCEMENT_MESSAGE.into()));
    }
    if leaves_quote_open(x) {
        return Err(ProtoError::InvalidArgument(OPEN_QUOTE_MESSAGE.into()));
    }
    Ok(())
}

/// A command name is one or more atoms separated by single spaces (`UID FETCH`).
fn check_name(name: &[u8]) -> Result<(), ProtoError> {
    let atom_char = |b: &u8| {
        b.is_ascii_graphic() && !matches!(b, b'(' | b')' | b'{' | b'%' | b'*' | b'"' | b'\\' | b']')
    };
    if name
        .split(|&b| b == b' ')
        .all(|w| !w.is_empty() && w.iter().all(atom_char))
    {
        Ok(())
    } else {
        Err(ProtoError::InvalidArgument(format!(
            "invalid command name {:?}: one or more atoms separated by single spaces",
            String::from_utf8_lossy(name)
        )))
    }
}

/// `_quote`: `\` → `\\`, `"` → `\"`, wrapped in double quotes.
pub fn quote(x: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(x.len() + 2);
    out.push(b'"');
    for &b in x {
        if b == b'\\' || b == b'"' {
            out.push(b'\\');
        }
        out.push(b);
    }
    out.push(b'"');
    out
}

/// Whether `x` is a well-formed quoted string `"(?:[^"\\]|\\.)*"` (callers that quote
/// themselves are passed through).
fn is_quoted(x: &[u8]) -> bool {
    if x.len() < 2 || x[0] != b'"' || x[x.len() - 1] != b'"' {
        return false;
    }
    let inner = &x[1..x.len() - 1];
    let mut i = 0;
    while i < inner.len() {
        match inner[i] {
            b'"' => return false,
            b'\\' if i + 1 == inner.len() => return false,
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
    true
}

fn needs_quotes(x: &[u8], wildcards_ok: bool) -> bool {
    x.is_empty()
        || x.iter().any(|&b| match b {
            b'%' | b'*' => !wildcards_ok,
            b'(' | b')' | b'{' | b' ' | b'\\' | b'"' => true,
            0x00..=0x1f | 0x7f..=0xff => true,
            _ => false,
        })
}

/// `_astring`.
pub fn astring(x: &[u8]) -> Vec<u8> {
    if is_quoted(x) || !needs_quotes(x, false) {
        x.to_vec()
    } else {
        quote(x)
    }
}

/// `_list_mailbox`.
pub fn list_mailbox(x: &[u8]) -> Vec<u8> {
    if is_quoted(x) || !needs_quotes(x, true) {
        x.to_vec()
    } else {
        quote(x)
    }
}

/// `_set_quote`.
pub fn set_quote(x: &[u8]) -> Vec<u8> {
    if x.len() >= 2 && x[0] == b'(' && x[x.len() - 1] == b')' {
        x.to_vec()
    } else {
        [b"(".as_ref(), x, b")"].concat()
    }
}

/// `_fetch_parts`.
pub fn fetch_parts(x: &[u8]) -> Vec<u8> {
    if [&b"ALL"[..], b"FULL", b"FAST"]
        .iter()
        .any(|m| x.eq_ignore_ascii_case(m))
    {
        x.to_vec()
    } else {
        set_quote(x)
    }
}

/// What the session knows that changes how a string value may be sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WireContext {
    /// The server offers LITERAL+ (RFC 7888): every literal may be non-synchronizing.
    pub literal_plus: bool,
    /// The server offers LITERAL- (RFC 7888, implied by IMAP4rev2): literals of at most
    /// [`LITERAL_MINUS_MAX`] bytes may be non-synchronizing.
    pub literal_minus: bool,
    /// UTF8=ACCEPT is enabled (RFC 6855): a quoted string may carry UTF-8.
    pub utf8: bool,
    /// The largest message literal ([`Arg::Literal`], [`Arg::Utf8Literal`]) sent
    /// non-synchronizing when the server allows it for its size; 0: every one synchronizing.
    pub message_nonsync_max: usize,
    /// The server knows the command being encoded (IMAP4rev1's own, or an extension it
    /// offers). Only then may its string literals go non-synchronizing, and only before any
    /// argument sent verbatim ([`Arg::Raw`], [`Arg::List`], [`Arg::FetchParts`]): a server
    /// answers BAD at once to a command it does not know or cannot parse, and one that does
    /// so before a non-synchronizing literal may read the literal's bytes as the next command,
    /// so a string value would become a command.
    pub command_offered: bool,
}

impl WireContext {
    /// Whether a literal of `len` bytes may go non-synchronizing under the server's literal
    /// extensions (LITERAL+: any size; LITERAL-: at most [`LITERAL_MINUS_MAX`]).
    fn nonsync_allowed(&self, len: usize) -> bool {
        self.literal_plus || (self.literal_minus && len <= LITERAL_MINUS_MAX)
    }

    /// Whether a message literal of `len` bytes goes non-synchronizing: allowed by the server
    /// and within [`WireContext::message_nonsync_max`].
    fn message_nonsync(&self, len: usize) -> bool {
        len <= self.message_nonsync_max && self.nonsync_allowed(len)
    }
}

/// The largest non-synchronizing literal LITERAL- allows (RFC 7888 §4).
pub const LITERAL_MINUS_MAX: usize = 4096;

/// How a string value goes on the wire (see [`string_form`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StringForm {
    /// A quoted string, quotes and escapes included.
    Quoted(Vec<u8>),
    /// A literal of these bytes; `sync`: the client waits for `+` before sending them.
    Literal { bytes: Vec<u8>, sync: bool },
}

/// Whether `x` may travel inside a quoted string: RFC 3501 quoted strings hold 7-bit
/// characters other than NUL, CR and LF; with UTF8=ACCEPT enabled, valid UTF-8 too.
fn quotable(x: &[u8], ctx: &WireContext) -> bool {
    x.iter().all(|&b| (0x01..=0x7f).contains(&b)) || (ctx.utf8 && std::str::from_utf8(x).is_ok())
}

/// The one rule for a string value (LOGIN's password, a search or sort criterion's value, an
/// astring that is not an atom): quoted when it is quotable, else a literal, non-synchronizing
/// when the server allows it for this size (the command may still make it synchronizing: see
/// [`WireContext::command_offered`]). NUL, CR and LF are refused in every string value,
/// literal or not: no string argument this library sends needs them, and refusing keeps one
/// simple rule (message literals, [`Arg::Literal`], may hold anything).
pub fn string_form(x: &[u8], ctx: &WireContext) -> Result<StringForm, ProtoError> {
    check_line_safe(x)?;
    if quotable(x, ctx) {
        return Ok(StringForm::Quoted(quote(x)));
    }
    let sync = !ctx.nonsync_allowed(x.len());
    Ok(StringForm::Literal {
        bytes: x.to_vec(),
        sync,
    })
}

/// The inside of a well-formed quoted string, escapes removed.
fn unquote(x: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(x.len());
    let mut escaped = false;
    for &b in &x[1..x.len() - 1] {
        if b == b'\\' && !escaped {
            escaped = true;
            continue;
        }
        escaped = false;
        out.push(b);
    }
    out
}

/// An `Astring` or `ListMailbox` argument: an atom as it is, a caller's own quoted string
/// as it is when its content is quotable (imaplib), anything else by [`string_form`].
fn astring_form(x: &[u8], wildcards_ok: bool, ctx: &WireContext) -> Result<StringForm, ProtoError> {
    check_line_safe(x)?;
    if !needs_quotes(x, wildcards_ok) {
        return Ok(StringForm::Quoted(x.to_vec()));
    }
    if is_quoted(x) {
        let inner = unquote(x);
        if quotable(&inner, ctx) {
            return Ok(StringForm::Quoted(x.to_vec()));
        }
        return string_form(&inner, ctx);
    }
    string_form(x, ctx)
}

/// A typed argument value a caller builds for search, sort and thread criteria, so that
/// libimap knows which words are keywords and which are string values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A keyword, date, flag keyword or sequence set, sent as it is (`SUBJECT`, `OR`,
    /// `1-Feb-2024`, `1:*`). Printable ASCII only, without space, parentheses, `{`, `"` or
    /// `\`: an atom cannot carry a string or a second argument.
    Atom(String),
    /// A string value (a SUBJECT text, a header name with spaces): quoted, or a literal when it
    /// cannot be quoted ([`string_form`]). Bytes, so a charset other than UTF-8 can be used.
    String(Vec<u8>),
    /// A number.
    Number(u64),
    /// A parenthesised group of values (`(OR SEEN FLAGGED)`).
    List(Vec<Value>),
}

impl Value {
    pub fn atom(s: impl Into<String>) -> Value {
        Value::Atom(s.into())
    }

    pub fn string(s: impl AsRef<[u8]>) -> Value {
        Value::String(s.as_ref().to_vec())
    }

    /// The argument the encoder sends, after checking an atom's characters.
    pub fn to_arg(&self) -> Result<Arg, ProtoError> {
        Ok(match self {
            Value::Atom(a) => {
                let ok = !a.is_empty()
                    && a.bytes().all(|b| {
                        (0x21..=0x7e).contains(&b)
                            && !matches!(b, b'(' | b')' | b'{' | b'"' | b'\\')
                    });
                if !ok {
                    return Err(ProtoError::InvalidArgument(format!(
                        "not an atom: {:?} (use a string value for text)",
                        a
                    )));
                }
                Arg::Atom(a.as_bytes().to_vec())
            }
            Value::String(v) => Arg::Quoted(v.clone()),
            Value::Number(n) => Arg::Atom(n.to_string().into_bytes()),
            Value::List(items) => Arg::Group(
                items
                    .iter()
                    .map(Value::to_arg)
                    .collect::<Result<Vec<_>, _>>()?,
            ),
        })
    }
}

/// Checks one flag of a flag list (RFC 3501 `flag`): a keyword atom, or `\` followed by an
/// atom (`\Seen`, `\Answered`, an extension flag). Atom characters exclude space, control and
/// 8-bit characters, `(`, `)`, `{`, `%`, `*`, `"`, `\` and `]`.
pub fn check_flag(flag: &str) -> Result<(), ProtoError> {
    let atom = flag.strip_prefix('\\').unwrap_or(flag);
    let ok = !atom.is_empty()
        && atom.bytes().all(|b| {
            (0x21..=0x7e).contains(&b)
                && !matches!(b, b'(' | b')' | b'{' | b'%' | b'*' | b'"' | b'\\' | b']')
        });
    if ok {
        Ok(())
    } else {
        Err(ProtoError::InvalidArgument(format!(
            "not a flag: {flag:?} (a flag is \\Name or a keyword atom)"
        )))
    }
}

/// STORE's data item name: `FLAGS`, `+FLAGS` or `-FLAGS`, optionally `.SILENT`.
pub fn check_store_item(item: &str) -> Result<(), ProtoError> {
    let upper = item.to_ascii_uppercase();
    let base = upper.strip_suffix(".SILENT").unwrap_or(&upper);
    if matches!(base, "FLAGS" | "+FLAGS" | "-FLAGS") {
        Ok(())
    } else {
        Err(ProtoError::InvalidArgument(format!(
            "not a STORE flags item: {item:?} (FLAGS, +FLAGS or -FLAGS, optionally .SILENT)"
        )))
    }
}

/// A sequence set given as text: digits, `*`, `:` and `,` only.
pub fn check_sequence_set(set: &str) -> Result<(), ProtoError> {
    if !set.is_empty()
        && set
            .bytes()
            .all(|b| b.is_ascii_digit() || b"*:,".contains(&b))
    {
        Ok(())
    } else {
        Err(ProtoError::InvalidArgument(format!(
            "not a sequence set: {set:?}"
        )))
    }
}

/// LIST-EXTENDED's selection and return options (RFC 5258) are atoms and parenthesized lists
/// of atoms (`SUBSCRIBED`, `STATUS (MESSAGES SIZE)`): anything else (a quote, a brace, a CR or
/// LF, unbalanced parentheses) is refused before anything is sent. `what` names the argument
/// in the message.
pub fn check_list_options(what: &str, s: &str) -> Result<(), ProtoError> {
    let mut depth = 0usize;
    for b in s.bytes() {
        match b {
            b'(' => depth += 1,
            b')' => {
                depth = depth
                    .checked_sub(1)
                    .ok_or_else(|| ProtoError::InvalidArgument(format!("{what}: unbalanced ')'")))?
            }
            b' ' => {}
            b if b.is_ascii_graphic() && !b"{}\"\\%*".contains(&b) => {}
            b => {
                return Err(ProtoError::InvalidArgument(format!(
                    "{what}: {:?} is not allowed (atoms and parenthesized lists only)",
                    char::from(b)
                )))
            }
        }
    }
    if depth != 0 {
        return Err(ProtoError::InvalidArgument(format!(
            "{what}: unbalanced '('"
        )));
    }
    Ok(())
}

/// A flag list argument `(\Seen $Label)`, each flag checked by [`check_flag`].
pub fn flag_list<S: AsRef<str>>(flags: &[S]) -> Result<Arg, ProtoError> {
    flags
        .iter()
        .map(|f| check_flag(f.as_ref()).map(|_| Arg::Raw(f.as_ref().as_bytes().to_vec())))
        .collect::<Result<Vec<_>, _>>()
        .map(Arg::Group)
}

/// Whether `cmd`'s message literal may go non-synchronizing. Only APPEND's, and only when
/// every argument before it is one the server cannot refuse for its syntax: the mailbox (a
/// string the encoder forms), a flag list of keywords and settable system flags, a
/// well-formed date-time. A server
/// that answers BAD before a non-synchronizing literal has stopped parsing the command, and
/// some then read the literal's lines as commands: a message would become a script. With a
/// synchronizing literal such a BAD arrives before any of the message is sent.
fn nonsync_message_allowed(cmd: &Command) -> bool {
    let Some((Arg::Literal(_) | Arg::Utf8Literal(_), before)) = cmd.args.split_last() else {
        return false;
    };
    let Some((mailbox, rest)) = before.split_first() else {
        return false;
    };
    // A keyword atom, or one of the system flags APPEND may set (`\Recent` and unknown
    // `\Names` are refused with BAD).
    let flag = |x: &[u8]| match x.strip_prefix(b"\\") {
        Some(name) => [&b"Seen"[..], b"Answered", b"Flagged", b"Deleted", b"Draft"]
            .iter()
            .any(|f| f.eq_ignore_ascii_case(name)),
        None => std::str::from_utf8(x).is_ok_and(|f| check_flag(f).is_ok()),
    };
    cmd.name.eq_ignore_ascii_case("APPEND")
        && matches!(mailbox, Arg::Astring(_) | Arg::Quoted(_))
        && rest.iter().enumerate().all(|(i, arg)| match arg {
            // The flag list comes first, the date-time last.
            Arg::List(x) if i == 0 => {
                let inner = x
                    .strip_prefix(b"(")
                    .and_then(|x| x.strip_suffix(b")"))
                    .unwrap_or(x);
                inner.is_empty() || inner.split(|&b| b == b' ').all(flag)
            }
            Arg::Group(flags) if i == 0 => flags
                .iter()
                .all(|f| matches!(f, Arg::Raw(x) | Arg::Atom(x) if flag(x))),
            Arg::Quoted(d) => i == rest.len() - 1 && is_date_time(d),
            Arg::Raw(d) => {
                i == rest.len() - 1
                    && d.len() >= 2
                    && d.starts_with(b"\"")
                    && d.ends_with(b"\"")
                    && is_date_time(&d[1..d.len() - 1])
            }
            _ => false,
        })
}

/// Builds the pieces of one command.
struct Writer<'a> {
    ctx: &'a WireContext,
    pieces: Vec<Piece>,
    line: Vec<u8>,
    trace: Vec<u8>,
    /// Arguments still reach the trace (not after a literal).
    tracing: bool,
    /// The secrets written so far, each with its wire form when that differs.
    secrets: Vec<Secret>,
    /// A message literal may go non-synchronizing (see [`nonsync_message_allowed`]).
    nonsync_message: bool,
    /// A string literal may go non-synchronizing: the server knows the command
    /// ([`WireContext::command_offered`]) and no argument has been sent verbatim yet.
    nonsync_string: bool,
}

impl Writer<'_> {
    fn put(&mut self, bytes: &[u8]) {
        self.line.extend_from_slice(bytes);
        if self.tracing {
            self.trace.extend_from_slice(bytes);
        }
    }

    /// Ends the current line with `head` (`{N}`, `{N+}`, `UTF8 (~{N}`) and queues the literal.
    fn literal(&mut self, head: &str, bytes: Vec<u8>, sync: bool) {
        self.literal_piece(
            head,
            if sync {
                Piece::Literal(bytes)
            } else {
                Piece::NonSyncLiteral(bytes)
            },
        );
    }

    fn literal_piece(&mut self, head: &str, piece: Piece) {
        self.put(head.as_bytes());
        self.tracing = false;
        self.line.extend_from_slice(b"\r\n");
        self.pieces
            .push(Piece::Line(std::mem::take(&mut self.line)));
        self.pieces.push(piece);
    }

    fn string(&mut self, form: StringForm) {
        match form {
            StringForm::Quoted(q) => self.put(&q),
            StringForm::Literal { bytes, sync } => {
                let sync = sync || !self.nonsync_string;
                let head = format!("{{{}{}}}", bytes.len(), if sync { "" } else { "+" });
                self.literal(&head, bytes, sync);
            }
        }
    }

    /// A secret string value: on the wire by [`string_form`], `<redacted>` in the trace (a
    /// literal's `{N}` head too, so not even its length shows), remembered in every form a
    /// server could echo.
    fn secret(&mut self, x: &Secret, form: StringForm) {
        if self.tracing {
            self.trace.extend_from_slice(REDACTED.as_bytes());
        }
        self.secrets.push(x.clone());
        if let StringForm::Quoted(q) = &form {
            if q.as_slice() != x.expose() {
                self.secrets.push(Secret::new(q.clone()));
            }
        }
        let literal = matches!(form, StringForm::Literal { .. });
        let tracing = std::mem::replace(&mut self.tracing, false);
        self.string(form);
        self.tracing = tracing && !literal;
    }

    /// Writes one argument; every byte is checked before it is queued, so an error leaves
    /// nothing to send. `nested`: inside a parenthesised list.
    fn arg(&mut self, arg: &Arg, nested: bool) -> Result<(), ProtoError> {
        let verbatim = |x: &[u8], rule: fn(&[u8]) -> Vec<u8>| check_verbatim(x).map(|_| rule(x));
        if matches!(
            arg,
            Arg::Raw(_) | Arg::List(_) | Arg::FetchParts(_) | Arg::SecretAtom(_)
        ) {
            // The caller's own bytes: the server may refuse them (BAD) before reading on.
            self.nonsync_string = false;
        }
        match arg {
            Arg::Raw(x) | Arg::Atom(x) => self.put(&verbatim(x, <[u8]>::to_vec)?),
            Arg::Astring(x) => self.string(astring_form(x, false, self.ctx)?),
            Arg::ListMailbox(x) => self.string(astring_form(x, true, self.ctx)?),
            Arg::Quoted(x) => self.string(string_form(x, self.ctx)?),
            Arg::List(x) => self.put(&verbatim(x, set_quote)?),
            Arg::FetchParts(x) => self.put(&verbatim(x, fetch_parts)?),
            Arg::Nil => self.put(b"NIL"),
            Arg::Secret(x) => {
                let form = string_form(x.expose(), self.ctx)?;
                self.secret(x, form);
            }
            Arg::SecretAtom(x) => {
                check_verbatim(x.expose())?;
                self.secret(x, StringForm::Quoted(x.expose().to_vec()));
            }
            Arg::Group(items)
                if items
                    .iter()
                    .any(|a| matches!(a, Arg::Secret(_) | Arg::SecretAtom(_))) =>
            {
                return Err(ProtoError::InvalidArgument(
                    "a secret cannot stand inside a parenthesised list".into(),
                ))
            }
            Arg::Group(items) => {
                self.put(b"(");
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.put(b" ");
                    }
                    self.arg(item, true)?;
                }
                self.put(b")");
            }
            Arg::Literal(_) | Arg::Utf8Literal(_) | Arg::Source { .. } if nested => {
                return Err(ProtoError::InvalidArgument(
                    "a literal cannot stand inside a parenthesised list".into(),
                ))
            }
            Arg::Literal(bytes) | Arg::Utf8Literal(bytes) => {
                let sync = !(self.nonsync_message && self.ctx.message_nonsync(bytes.len()));
                let utf8 = matches!(arg, Arg::Utf8Literal(_));
                let head = format!(
                    "{}{{{}{}}}",
                    if utf8 { "UTF8 (~" } else { "" },
                    bytes.len(),
                    if sync { "" } else { "+" }
                );
                self.literal(&head, bytes.clone(), sync);
                if utf8 {
                    self.put(b")");
                }
            }
            Arg::Source { size, utf8: false } => {
                self.literal_piece(&format!("{{{size}}}"), Piece::Source(*size))
            }
            Arg::Source { size, utf8: true } => {
                self.literal_piece(&format!("UTF8 (~{{{size}}}"), Piece::Source(*size));
                self.put(b")");
            }
        }
        Ok(())
    }
}

/// Encodes `cmd` under `tag` for a server that offers no literal extension and with UTF-8
/// mode off; see [`encode_in`].
pub fn encode(tag: &[u8], cmd: &Command) -> Result<Encoded, ProtoError> {
    encode_in(tag, cmd, &WireContext::default())
}

/// Encodes `cmd` under `tag`; `ctx` decides how string values that cannot be quoted are sent.
/// Every argument is checked (NUL, CR and LF) before anything is produced, so nothing is sent
/// for an unsafe command.
pub fn encode_in(tag: &[u8], cmd: &Command, ctx: &WireContext) -> Result<Encoded, ProtoError> {
    check_line_safe(tag)?;
    check_line_safe(cmd.name.as_bytes())?;
    check_name(cmd.name.as_bytes())?;
    let mut w = Writer {
        ctx,
        pieces: Vec::new(),
        line: Vec::new(),
        trace: Vec::new(),
        tracing: true,
        secrets: Vec::new(),
        nonsync_message: nonsync_message_allowed(cmd),
        nonsync_string: ctx.command_offered,
    };
    w.put(tag);
    w.put(b" ");
    w.put(cmd.name.as_bytes());
    for arg in &cmd.args {
        w.put(b" ");
        w.arg(arg, false)?;
    }
    w.line.extend_from_slice(b"\r\n");
    w.pieces.push(Piece::Line(w.line));
    Ok(Encoded {
        pieces: w.pieces,
        trace: w.trace,
        secrets: w.secrets,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire(cmd: &Command) -> Vec<u8> {
        encode(b"T1", cmd)
            .unwrap()
            .pieces
            .into_iter()
            .flat_map(|p| match p {
                Piece::Line(l) | Piece::Literal(l) | Piece::NonSyncLiteral(l) => l,
                Piece::Source(n) => format!("<source {n}>").into_bytes(),
            })
            .collect()
    }

    #[test]
    fn source_literals_announce_their_size_and_hold_no_bytes() {
        let cmd = Command::new(
            "APPEND",
            vec![
                Arg::Astring(b"INBOX".to_vec()),
                Arg::Source {
                    size: 104_857_600,
                    utf8: false,
                },
            ],
        );
        let enc = encode(b"T1", &cmd).unwrap();
        assert_eq!(
            enc.pieces,
            vec![
                Piece::Line(b"T1 APPEND INBOX {104857600}\r\n".to_vec()),
                Piece::Source(104_857_600),
                Piece::Line(b"\r\n".to_vec()),
            ]
        );
        let utf8 = Command::new(
            "APPEND",
            vec![
                Arg::Astring(b"INBOX".to_vec()),
                Arg::Source {
                    size: 3,
                    utf8: true,
                },
            ],
        );
        assert_eq!(
            wire(&utf8),
            b"T1 APPEND INBOX UTF8 (~{3}\r\n<source 3>)\r\n"
        );
        let nested = Command::new(
            "X",
            vec![Arg::Group(vec![Arg::Source {
                size: 1,
                utf8: false,
            }])],
        );
        assert!(encode(b"T1", &nested).is_err());
    }

    #[test]
    fn astring_vectors() {
        let cases: &[(&[u8], &[u8])] = &[
            (b"INBOX", b"INBOX"),
            (b"New folder", b"\"New folder\""),
            (b"a\"b", b"\"a\\\"b\""),
            (b"a\\b", b"\"a\\\\b\""),
            (b"", b"\"\""),
            (b"*", b"\"*\""),
            (b"\"New folder\"", b"\"New folder\""),
            (b"\"a\" SELECT evil \"", b"\"\\\"a\\\" SELECT evil \\\"\""),
            (b"\"", b"\"\\\"\""),
            (b"a\tb", b"\"a\tb\""),
            (b"Entw\xc3\xbcrfe", b"\"Entw\xc3\xbcrfe\""),
            (b"owatagusiam/", b"owatagusiam/"),
            (b"#news.comp.mail.mime", b"#news.comp.mail.mime"),
            (b"a]b[~/&+!", b"a]b[~/&+!"),
        ];
        for (input, want) in cases {
            assert_eq!(
                astring(input),
                *want,
                "{:?}",
                String::from_utf8_lossy(input)
            );
            assert_eq!(astring(&astring(input)), *want, "not idempotent");
        }
    }

    #[test]
    fn list_mailbox_and_set_quote_vectors() {
        assert_eq!(list_mailbox(b"*"), b"*");
        assert_eq!(list_mailbox(b"%"), b"%");
        assert_eq!(list_mailbox(b"foo/%"), b"foo/%");
        assert_eq!(list_mailbox(b"My Folder"), b"\"My Folder\"");
        assert_eq!(set_quote(b""), b"()");
        assert_eq!(set_quote(b"\\Seen"), b"(\\Seen)");
        assert_eq!(set_quote(b"(\\Seen \\Draft)"), b"(\\Seen \\Draft)");
        assert_eq!(fetch_parts(b"fast"), b"fast");
        assert_eq!(fetch_parts(b"FLAGS"), b"(FLAGS)");
        assert_eq!(
            fetch_parts(b"(BODY[HEADER.FIELDS (DATE FROM)])"),
            b"(BODY[HEADER.FIELDS (DATE FROM)])"
        );
        assert_eq!(quote(b"p\"a\\ss"), b"\"p\\\"a\\\\ss\"");
    }

    #[test]
    fn commands_match_imaplib_wire() {
        let login = Command::new(
            "LOGIN",
            vec![
                Arg::Astring(b"us er".to_vec()),
                Arg::Secret(Secret::from("p\"a\\ss")),
            ],
        );
        assert_eq!(wire(&login), b"T1 LOGIN \"us er\" \"p\\\"a\\\\ss\"\r\n");
        let enc = encode(b"T1", &login).unwrap();
        assert_eq!(enc.trace, b"T1 LOGIN \"us er\" <redacted>");
        assert_eq!(
            enc.secrets,
            [Secret::from("p\"a\\ss"), Secret::from("\"p\\\"a\\\\ss\"")]
        );
        let append = Command::new(
            "APPEND",
            vec![
                Arg::Astring(b"Sent Items".to_vec()),
                Arg::List(b"(\\Seen \\Draft)".to_vec()),
                Arg::Literal(b"x".to_vec()),
            ],
        );
        let enc = encode(b"T1", &append).unwrap();
        assert_eq!(
            enc.pieces,
            vec![
                Piece::Line(b"T1 APPEND \"Sent Items\" (\\Seen \\Draft) {1}\r\n".to_vec()),
                Piece::Literal(b"x".to_vec()),
                Piece::Line(b"\r\n".to_vec())
            ]
        );
        assert_eq!(enc.trace, b"T1 APPEND \"Sent Items\" (\\Seen \\Draft) {1}");
        let status = Command::new(
            "STATUS",
            vec![
                Arg::Astring(b"INBOX".to_vec()),
                Arg::List(b"MESSAGES UNSEEN".to_vec()),
            ],
        );
        assert_eq!(wire(&status), b"T1 STATUS INBOX (MESSAGES UNSEEN)\r\n");
    }

    /// A verbatim argument that leaves a quoted string open shifts the quoting of everything
    /// after it: a quoted string value later on the line is then read outside quotes, and a
    /// `{5}` in it announces a literal (found by the encode fuzz target, reading lines as a
    /// server does).
    #[test]
    fn no_verbatim_argument_may_leave_a_quoted_string_open() {
        for open in [
            &b"\""[..],
            b"a\"b",
            b"\"a\\\"",
            b"\"\"\"",
            b"(\"x)",
            b"\"a\\",
        ] {
            for arg in [
                Arg::Raw(open.to_vec()),
                Arg::List(open.to_vec()),
                Arg::FetchParts(open.to_vec()),
                Arg::SecretAtom(Secret::from(String::from_utf8_lossy(open).as_ref())),
                Arg::Group(vec![Arg::Raw(open.to_vec())]),
            ] {
                let cmd = Command::new("ID", vec![arg, Arg::Quoted(b"x {5}".to_vec())]);
                assert!(
                    matches!(encode(b"T1", &cmd), Err(ProtoError::InvalidArgument(_))),
                    "{cmd:?} was encoded"
                );
            }
        }
        for closed in [
            &b"SUBJECT \"a b\""[..],
            b"\"a\\\"b\"",
            b"\"\"",
            b"x",
            b"(\"a\" \"b\")",
        ] {
            let cmd = Command::new("SEARCH", vec![Arg::Raw(closed.to_vec())]);
            assert!(encode(b"T1", &cmd).is_ok(), "{closed:?} was refused");
        }
    }

    #[test]
    fn no_verbatim_argument_may_hold_a_literal_announcement() {
        // Found by the encode fuzz target: a verbatim secret ending in `{5+}` made the line
        // announce a literal, so the server would read the next command's bytes as its data.
        for tail in ["{5}", "{5+}", "x{0}", "1234{12+}", "a {5} b", "(X {5})"] {
            for arg in [
                Arg::Raw(tail.into()),
                Arg::List(tail.into()),
                Arg::FetchParts(tail.into()),
                Arg::SecretAtom(Secret::from(tail)),
            ] {
                let cmd = Command::new("X", vec![arg]);
                assert!(matches!(
                    encode(b"T1", &cmd),
                    Err(ProtoError::InvalidArgument(_))
                ));
            }
        }
        for fine in ["{x}", "{}", "{5", "5}", "{+}"] {
            let cmd = Command::new("X", vec![Arg::Raw(fine.into())]);
            assert!(encode(b"T1", &cmd).is_ok(), "{fine}");
        }
    }

    #[test]
    fn every_argument_kind_rejects_control_characters() {
        for bad in [&b"a\rb"[..], b"a\nb", b"a\0b", b"\r\n"] {
            for arg in [
                Arg::Raw(bad.to_vec()),
                Arg::Astring(bad.to_vec()),
                Arg::ListMailbox(bad.to_vec()),
                Arg::Quoted(bad.to_vec()),
                Arg::List(bad.to_vec()),
                Arg::FetchParts(bad.to_vec()),
                Arg::Secret(Secret::from(bad)),
                Arg::SecretAtom(Secret::from(bad)),
            ] {
                let cmd = Command::new("X", vec![Arg::Raw(b"ok".to_vec()), arg]);
                assert_eq!(
                    encode(b"T1", &cmd),
                    Err(ProtoError::InvalidArgument(CONTROL_MESSAGE.into()))
                );
            }
        }
        // Literal bytes may contain anything: they are counted, not parsed.
        assert!(encode(
            b"T1",
            &Command::new("APPEND", vec![Arg::Literal(b"\r\n\0".to_vec())])
        )
        .is_ok());
    }

    /// A line that ends in `{N}` or `{N+}` makes the server read the next N bytes (the next
    /// command) as a literal: no verbatim argument and no command name may end so. Found by
    /// the encoder fuzz target (fuzz/fuzz_targets/encode.rs).
    #[test]
    fn no_verbatim_argument_or_name_can_announce_a_literal() {
        for bad in [
            &b"{5}"[..],
            b"{5+}",
            b"ALL {12}",
            b"X{0}",
            b"~{3}",
            b"{18446744073709551616}",
        ] {
            for cmd in [
                Command::new("SEARCH", vec![Arg::Raw(bad.to_vec())]),
                Command::new(
                    "SEARCH",
                    vec![Arg::Raw(bad.to_vec()), Arg::Raw(b"ALL".to_vec())],
                ),
                Command::new(
                    "X",
                    vec![Arg::Group(vec![Arg::Nil]), Arg::Raw(bad.to_vec())],
                ),
                Command::new(String::from_utf8_lossy(bad).replace(' ', ""), vec![]),
            ] {
                assert!(
                    matches!(encode(b"T1", &cmd), Err(ProtoError::InvalidArgument(_))),
                    "{cmd:?} was encoded"
                );
            }
        }
        // An announcement in the middle of a verbatim argument is refused too: Dovecot 2.3
        // answers `+` to `STATUS INBOX (X {5})` and would read the next bytes as the literal.
        for bad in [&b"{5}x"[..], b"({5})", b"a {0+} b"] {
            let cmd = Command::new("SEARCH", vec![Arg::Raw(bad.to_vec())]);
            assert!(
                matches!(encode(b"T1", &cmd), Err(ProtoError::InvalidArgument(_))),
                "{bad:?} was encoded"
            );
        }
        // Braces that announce nothing stay allowed.
        for ok in [&b"{"[..], b"}", b"{}", b"{+}", b"{a}", b"{5", b"5}"] {
            let cmd = Command::new("SEARCH", vec![Arg::Raw(ok.to_vec())]);
            assert!(encode(b"T1", &cmd).is_ok(), "{ok:?} was refused");
        }
    }

    /// A command name is one or more atoms separated by single spaces (`UID FETCH`): a space,
    /// a parenthesis or a quote in it would change how the server reads the line.
    #[test]
    fn command_names_are_atoms() {
        for bad in [
            "", " ", "A  B", "A ", " A", "A(B", "A\"B", "A\\B", "A%", "A*", "A]",
        ] {
            let cmd = Command::new(bad, vec![]);
            assert!(
                matches!(encode(b"T1", &cmd), Err(ProtoError::InvalidArgument(_))),
                "{bad:?} was encoded"
            );
        }
        for ok in ["NOOP", "UID FETCH", "X-CUSTOM", "XLIST"] {
            assert!(encode(b"T1", &Command::new(ok, vec![])).is_ok(), "{ok}");
        }
    }

    #[test]
    fn groups_encode_each_member_by_its_rule_and_refuse_literals() {
        let cmd = Command::new(
            "ID",
            vec![Arg::Group(vec![
                Arg::Quoted(b"name".to_vec()),
                Arg::Nil,
                Arg::Astring(b"a b".to_vec()),
            ])],
        );
        assert_eq!(wire(&cmd), b"T1 ID (\"name\" NIL \"a b\")\r\n");
        let bad = Command::new("X", vec![Arg::Group(vec![Arg::Quoted(b"a\r\nb".to_vec())])]);
        assert!(matches!(
            encode(b"T1", &bad),
            Err(ProtoError::InvalidArgument(_))
        ));
        let lit = Command::new("X", vec![Arg::Group(vec![Arg::Literal(b"x".to_vec())])]);
        assert!(matches!(
            encode(b"T1", &lit),
            Err(ProtoError::InvalidArgument(_))
        ));
    }

    fn pieces(cmd: &Command, ctx: WireContext) -> Vec<Piece> {
        encode_in(b"T1", cmd, &ctx).unwrap().pieces
    }

    fn login(password: &[u8]) -> Command {
        Command::new(
            "LOGIN",
            vec![
                Arg::Astring(b"user".to_vec()),
                Arg::Secret(Secret::from(password)),
            ],
        )
    }

    const PLUS: WireContext = WireContext {
        literal_plus: true,
        literal_minus: false,
        utf8: false,
        message_nonsync_max: 0,
        command_offered: true,
    };
    const MINUS: WireContext = WireContext {
        literal_plus: false,
        literal_minus: true,
        utf8: false,
        message_nonsync_max: 0,
        command_offered: true,
    };
    const UTF8: WireContext = WireContext {
        literal_plus: false,
        literal_minus: false,
        utf8: true,
        message_nonsync_max: 0,
        command_offered: true,
    };

    #[test]
    fn an_8bit_password_is_a_synchronizing_literal_by_default() {
        let pw = "pässwört".as_bytes();
        assert_eq!(
            pieces(&login(pw), WireContext::default()),
            vec![
                Piece::Line(b"T1 LOGIN user {10}\r\n".to_vec()),
                Piece::Literal(pw.to_vec()),
                Piece::Line(b"\r\n".to_vec()),
            ]
        );
        // The trace never shows the password, not even its literal form.
        assert_eq!(
            encode(b"T1", &login(pw)).unwrap().trace,
            b"T1 LOGIN user <redacted>"
        );
    }

    #[test]
    fn literal_plus_and_small_literal_minus_make_non_synchronizing_literals() {
        let pw = "pässwört".as_bytes();
        let want = vec![
            Piece::Line(b"T1 LOGIN user {10+}\r\n".to_vec()),
            Piece::NonSyncLiteral(pw.to_vec()),
            Piece::Line(b"\r\n".to_vec()),
        ];
        assert_eq!(pieces(&login(pw), PLUS), want);
        assert_eq!(pieces(&login(pw), MINUS), want);
        // LITERAL- allows non-synchronizing literals up to 4096 bytes only.
        let edge = vec![0xc3u8; LITERAL_MINUS_MAX];
        assert!(matches!(
            &pieces(&login(&edge), MINUS)[1],
            Piece::NonSyncLiteral(b) if b.len() == LITERAL_MINUS_MAX
        ));
        let big = vec![0xc3u8; LITERAL_MINUS_MAX + 1];
        assert_eq!(
            pieces(&login(&big), MINUS),
            vec![
                Piece::Line(b"T1 LOGIN user {4097}\r\n".to_vec()),
                Piece::Literal(big.clone()),
                Piece::Line(b"\r\n".to_vec()),
            ]
        );
        assert!(matches!(
            &pieces(&login(&big), PLUS)[1],
            Piece::NonSyncLiteral(_)
        ));
    }

    #[test]
    fn string_literals_wait_in_unknown_commands_and_after_verbatim_arguments() {
        let v = "Grüße".as_bytes().to_vec();
        let literal_of = |cmd: &Command, ctx: WireContext| {
            pieces(cmd, ctx)
                .into_iter()
                .find(|p| matches!(p, Piece::Literal(_) | Piece::NonSyncLiteral(_)))
                .unwrap()
        };
        let sync = Piece::Literal(v.clone());
        let nonsync = Piece::NonSyncLiteral(v.clone());
        // A command the server does not know (an extension it does not offer).
        let id = Command::new(
            "ID",
            vec![Arg::Group(vec![
                Arg::Quoted(b"name".to_vec()),
                Arg::Quoted(v.clone()),
            ])],
        );
        let unknown = WireContext {
            command_offered: false,
            ..PLUS
        };
        assert_eq!(literal_of(&id, unknown), sync);
        assert_eq!(literal_of(&id, PLUS), nonsync);
        // After the caller's verbatim bytes (a set, a flag list, fetch items, a search key).
        for before in [
            Arg::Raw(b"1:2".to_vec()),
            Arg::List(b"(\\Seen)".to_vec()),
            Arg::FetchParts(b"(FLAGS)".to_vec()),
            Arg::Group(vec![Arg::Raw(b"SUBJECT".to_vec())]),
        ] {
            let cmd = Command::new("COPY", vec![before.clone(), Arg::Astring(v.clone())]);
            assert_eq!(literal_of(&cmd, PLUS), sync, "{before:?}");
        }
        // After atoms the library checked, and before any verbatim argument: at once.
        let search = Command::new(
            "SEARCH",
            vec![
                Arg::Atom(b"CHARSET".to_vec()),
                Arg::Atom(b"UTF-8".to_vec()),
                Arg::Atom(b"SUBJECT".to_vec()),
                Arg::Quoted(v.clone()),
                Arg::Raw(b"ALL".to_vec()),
            ],
        );
        assert_eq!(literal_of(&search, PLUS), nonsync);
        let select = Command::new("SELECT", vec![Arg::Astring(v.clone())]);
        assert_eq!(literal_of(&select, PLUS), nonsync);
    }

    #[test]
    fn message_literals_go_non_synchronizing_only_when_allowed_and_small() {
        let append = |bytes: Vec<u8>, utf8: bool| {
            let msg = if utf8 {
                Arg::Utf8Literal(bytes)
            } else {
                Arg::Literal(bytes)
            };
            Command::new("APPEND", vec![Arg::Astring(b"INBOX".to_vec()), msg])
        };
        let with_max = |ctx: WireContext, max| WireContext {
            message_nonsync_max: max,
            ..ctx
        };
        let small = b"Subject: x\r\n\r\nhi\r\n".to_vec();
        // The session's default (4096) under LITERAL+ and LITERAL-: `{N+}` and no wait.
        for ctx in [PLUS, MINUS] {
            assert_eq!(
                pieces(&append(small.clone(), false), with_max(ctx, 4096)),
                vec![
                    Piece::Line(b"T1 APPEND INBOX {18+}\r\n".to_vec()),
                    Piece::NonSyncLiteral(small.clone()),
                    Piece::Line(b"\r\n".to_vec()),
                ]
            );
        }
        assert_eq!(
            pieces(&append(small.clone(), true), with_max(PLUS, 4096))[0],
            Piece::Line(b"T1 APPEND INBOX UTF8 (~{18+}\r\n".to_vec())
        );
        // Synchronizing: no extension offered, a maximum of 0 (imaplib's wire), a message over
        // the maximum, and over LITERAL-'s 4096 even when the maximum is higher.
        let sync = |cmd: &Command, ctx| matches!(pieces(cmd, ctx)[1], Piece::Literal(_));
        assert!(sync(&append(small.clone(), false), with_max(UTF8, 4096)));
        assert!(sync(&append(small.clone(), false), PLUS));
        assert!(sync(&append(vec![b'a'; 4097], false), with_max(PLUS, 4096)));
        assert!(!sync(
            &append(vec![b'a'; 4097], false),
            with_max(PLUS, 1 << 20)
        ));
        assert!(sync(
            &append(vec![b'a'; 4097], false),
            with_max(MINUS, 1 << 20)
        ));
        assert_eq!(
            pieces(&append(vec![b'a'; 4097], false), with_max(PLUS, 4096))[0],
            Piece::Line(b"T1 APPEND INBOX {4097}\r\n".to_vec())
        );
    }

    #[test]
    fn a_message_literal_waits_when_the_server_could_refuse_an_argument_before_it() {
        let ctx = WireContext {
            message_nonsync_max: 4096,
            ..PLUS
        };
        let nonsync = |name: &str, args: Vec<Arg>| {
            let mut args = args;
            args.push(Arg::Literal(b"x".to_vec()));
            matches!(
                pieces(&Command::new(name, args), ctx)[1],
                Piece::NonSyncLiteral(_)
            )
        };
        let mbox = || Arg::Astring(b"INBOX".to_vec());
        let raw = |x: &str| Arg::Raw(x.as_bytes().to_vec());
        let list = |x: &str| Arg::List(x.as_bytes().to_vec());
        let quoted = |x: &str| Arg::Quoted(x.as_bytes().to_vec());
        let date = "\"01-Jan-2020 00:00:00 +0000\"";
        // Well-formed: flags as text or as a list, a date quoted or not, a space-led day.
        assert!(nonsync("APPEND", vec![mbox()]));
        assert!(nonsync(
            "append",
            vec![mbox(), list("(\\Seen $Label)"), raw(date)]
        ));
        assert!(nonsync(
            "APPEND",
            vec![mbox(), list("\\Seen"), quoted(&date[1..27])]
        ));
        assert!(nonsync("APPEND", vec![mbox(), list("()")]));
        assert!(nonsync(
            "APPEND",
            vec![mbox(), flag_list(&["\\Draft"]).unwrap(), raw(date)]
        ));
        assert!(nonsync(
            "APPEND",
            vec![mbox(), quoted(" 9-Feb-2024 23:59:60 -1130")]
        ));
        assert!(nonsync(
            "APPEND",
            vec![mbox(), quoted("29-Feb-2024 00:00:00 +0000")]
        ));
        // Anything the server could answer BAD to before reading the message.
        for bad in [
            "29-Feb-2023 00:00:00 +0000",
            "32-Jan-2020 00:00:00 +0000",
            "01-Foo-2020 00:00:00 +0000",
            "01-Jan-2020 24:00:00 +0000",
            "01-Jan-2020 00:00:00 0000",
            "1-Jan-2020 00:00:00 +0000",
            "01-Jan-2020 00:00:00 +0000 x",
            "x {5}",
            "",
        ] {
            assert!(!nonsync("APPEND", vec![mbox(), quoted(bad)]), "{bad:?}");
        }
        assert!(!nonsync("APPEND", vec![mbox(), list("(\\Seen x]y)")]));
        assert!(!nonsync("APPEND", vec![mbox(), list("(\\Recent)")]));
        assert!(!nonsync("APPEND", vec![mbox(), list("\\Foo")]));
        assert!(!nonsync("APPEND", vec![mbox(), list("\\Seen  \\Draft")]));
        assert!(!nonsync("APPEND", vec![mbox(), raw(date), list("\\Seen")]));
        assert!(!nonsync("APPEND", vec![mbox(), raw("01-Jan-2020")]));
        assert!(!nonsync("APPEND", vec![raw("INBOX")]));
        // Other commands: their other arguments are the caller's verbatim text.
        assert!(!nonsync("SEARCH", vec![raw("SUBJECT")]));
    }

    #[test]
    fn utf8_mode_quotes_utf8_but_not_other_8bit_bytes() {
        let pw = "pässwört".as_bytes();
        assert_eq!(
            pieces(&login(pw), UTF8),
            vec![Piece::Line(
                [&b"T1 LOGIN user \""[..], pw, b"\"\r\n"].concat()
            )]
        );
        // Latin-1 bytes are not UTF-8: still a literal.
        assert!(matches!(
            &pieces(&login(b"p\xe4ss"), UTF8)[1],
            Piece::Literal(b) if b == b"p\xe4ss"
        ));
    }

    #[test]
    fn every_string_kind_follows_the_one_rule() {
        let v = "Grüße".as_bytes().to_vec();
        let quoted_8bit = [&b"\""[..], &v, b"\""].concat();
        for arg in [
            Arg::Quoted(v.clone()),
            Arg::Astring(v.clone()),
            Arg::ListMailbox(v.clone()),
            // A caller's own quoted string with 8-bit content is unquoted and sent as a literal.
            Arg::Astring(quoted_8bit.clone()),
            Arg::Group(vec![Arg::Quoted(v.clone())]),
        ] {
            let cmd = Command::new("X", vec![arg.clone(), Arg::Raw(b"END".to_vec())]);
            let open = if matches!(arg, Arg::Group(_)) {
                "("
            } else {
                ""
            };
            let close = if open.is_empty() { "" } else { ")" };
            assert_eq!(
                pieces(&cmd, WireContext::default()),
                vec![
                    Piece::Line(format!("T1 X {open}{{7}}\r\n").into_bytes()),
                    Piece::Literal(v.clone()),
                    Piece::Line(format!("{close} END\r\n").into_bytes()),
                ],
                "{arg:?}"
            );
        }
        // 7-bit values keep imaplib's forms, control characters other than CR/LF/NUL included.
        let cmd = Command::new(
            "X",
            vec![
                Arg::Astring(b"a b".to_vec()),
                Arg::Quoted(b"t\tab".to_vec()),
                Arg::Astring(b"\"as is\"".to_vec()),
            ],
        );
        assert_eq!(wire(&cmd), b"T1 X \"a b\" \"t\tab\" \"as is\"\r\n");
        // Raw arguments are the caller's: sent verbatim.
        let raw = Command::new("X", vec![Arg::Raw(v.clone())]);
        assert_eq!(wire(&raw), [&b"T1 X "[..], &v, b"\r\n"].concat());
    }

    #[test]
    fn string_values_refuse_nul_cr_lf_even_where_a_literal_would_carry_them() {
        for bad in [&b"\xc3\xa4\0"[..], b"\xc3\xa4\r\n", b"a\nb", b"\0"] {
            for ctx in [WireContext::default(), PLUS, MINUS, UTF8] {
                for arg in [
                    Arg::Quoted(bad.to_vec()),
                    Arg::Astring(bad.to_vec()),
                    Arg::Group(vec![Arg::Quoted(bad.to_vec())]),
                ] {
                    assert_eq!(
                        encode_in(b"T1", &Command::new("X", vec![arg]), &ctx),
                        Err(ProtoError::InvalidArgument(CONTROL_MESSAGE.into()))
                    );
                }
            }
        }
    }

    #[test]
    fn values_encode_by_kind() {
        let criteria = Value::List(vec![
            Value::atom("OR"),
            Value::atom("SUBJECT"),
            Value::string("Grüße"),
            Value::atom("HEADER"),
            Value::string("X Spaced Name"),
            Value::string("plain"),
        ]);
        let args = vec![
            Value::atom("CHARSET").to_arg().unwrap(),
            Value::atom("UTF-8").to_arg().unwrap(),
            Value::atom("1:*").to_arg().unwrap(),
            Value::atom("LARGER").to_arg().unwrap(),
            Value::Number(42).to_arg().unwrap(),
            criteria.to_arg().unwrap(),
        ];
        let cmd = Command::new("SEARCH", args);
        assert_eq!(
            pieces(&cmd, PLUS),
            vec![
                Piece::Line(b"T1 SEARCH CHARSET UTF-8 1:* LARGER 42 (OR SUBJECT {7+}\r\n".to_vec()),
                Piece::NonSyncLiteral("Grüße".as_bytes().to_vec()),
                Piece::Line(b" HEADER \"X Spaced Name\" \"plain\")\r\n".to_vec()),
            ]
        );
        assert_eq!(
            wire(&Command::new(
                "SEARCH",
                vec![Value::string("Grüße").to_arg().unwrap()]
            )),
            "T1 SEARCH {7}\r\nGrüße\r\n".as_bytes()
        );
    }

    #[test]
    fn atoms_that_could_carry_text_or_another_argument_are_refused() {
        for bad in [
            "",
            "two words",
            "(",
            "a)",
            "{5}",
            "\"q\"",
            "\\Seen",
            "Grüße",
            "a\r\nb",
            "a\0",
            "\t",
        ] {
            assert!(
                matches!(
                    Value::atom(bad).to_arg(),
                    Err(ProtoError::InvalidArgument(_))
                ),
                "{bad:?}"
            );
            let nested = Value::List(vec![Value::atom("SEEN"), Value::atom(bad)]);
            assert!(nested.to_arg().is_err(), "{bad:?} inside a list");
        }
    }

    #[test]
    fn flags_follow_the_flag_grammar() {
        for good in [
            "\\Seen",
            "\\Answered",
            "\\Draft",
            "$Forwarded",
            "Junk",
            "\\X-Ext",
            "a[b",
        ] {
            assert_eq!(check_flag(good), Ok(()), "{good:?}");
        }
        for bad in [
            "",
            "\\",
            "two words",
            "(\\Seen",
            "\\Seen)",
            "a]",
            "50%",
            "\\*",
            "*",
            "\"q\"",
            "back\\slash",
            "\\\\Seen",
            "Grüße",
            "a\tb",
            "a\r\nb",
            "a\0",
            "{3}",
            "\x7f",
        ] {
            assert!(
                matches!(check_flag(bad), Err(ProtoError::InvalidArgument(_))),
                "{bad:?}"
            );
        }
        let list = flag_list(&["\\Seen", "$Label"]).unwrap();
        assert_eq!(
            wire(&Command::new(
                "STORE",
                vec![Arg::Raw(b"1".to_vec()), Arg::Raw(b"+FLAGS".to_vec()), list]
            )),
            b"T1 STORE 1 +FLAGS (\\Seen $Label)\r\n"
        );
        assert_eq!(
            wire(&Command::new(
                "STORE",
                vec![flag_list::<&str>(&[]).unwrap()]
            )),
            b"T1 STORE ()\r\n"
        );
        assert!(flag_list(&["\\Seen", "bad flag"]).is_err());
    }

    #[test]
    fn list_options_are_atoms_and_balanced_lists() {
        for ok in [
            "",
            "SUBSCRIBED",
            "SPECIAL-USE CHILDREN STATUS (MESSAGES SIZE)",
            "(A (B))",
        ] {
            assert!(check_list_options("options", ok).is_ok(), "{ok}");
        }
        for bad in ["(A", "A)", ")(", "\"x\"", "{3}", "A\r\nB", "%", "a\\b"] {
            let e = check_list_options("options", bad).expect_err(bad);
            assert!(e.to_string().contains("options"), "{bad}: {e}");
        }
    }
}
