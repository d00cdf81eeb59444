//! Builds command lines: imaplib's quoting rules (§1.3), literals, injection checks, and the
//! redacted form of each line for tracing.

use super::ProtoError;

/// One argument of a command, with the rule that turns it into wire bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// Sent verbatim (search criteria, sequence sets, STORE's operation, xatom arguments).
    Raw(Vec<u8>),
    /// imaplib's `_astring`: atom if it can be, else a quoted string.
    Astring(Vec<u8>),
    /// imaplib's `_list_mailbox`: like `Astring` but `%` and `*` stay unquoted.
    ListMailbox(Vec<u8>),
    /// imaplib's `_quote`: always a quoted string (the LOGIN password).
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
    /// `NIL`.
    Nil,
    /// A parenthesised list of arguments, each encoded by its own rule (ID's field list,
    /// GETMETADATA's entries). Literals cannot stand inside it.
    Group(Vec<Arg>),
}

/// A command ready to be tagged and encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// The command name as sent (upper case; may contain a space, as in `UID FETCH`).
    pub name: String,
    pub args: Vec<Arg>,
    /// Arguments are secrets: the trace shows `<redacted>` instead of them.
    pub secret: bool,
}

impl Command {
    pub fn new(name: impl Into<String>, args: Vec<Arg>) -> Self {
        Command {
            name: name.into(),
            args,
            secret: false,
        }
    }
}

/// What goes on the wire, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Bytes to write, CRLF included. If the next piece is a literal, this line ends with
    /// `{N}` and the client must wait for a continuation before sending it.
    Line(Vec<u8>),
    /// Literal bytes, sent after the server's `+`.
    Literal(Vec<u8>),
}

/// An encoded command: the pieces to send and, for each line piece, its trace text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoded {
    pub pieces: Vec<Piece>,
    /// The first line as it may appear in a trace (secrets replaced).
    pub trace: Vec<u8>,
}

const REDACTED: &[u8] = b"<redacted>";

/// The message every rejected control character gets (imaplib's wording).
pub const CONTROL_MESSAGE: &str = "NUL, CR and LF not allowed in commands";

/// Rejects NUL, CR and LF: such an argument could end the command and start another.
pub fn check_line_safe(arg: &[u8]) -> Result<(), ProtoError> {
    if arg.iter().any(|&b| b == 0 || b == b'\r' || b == b'\n') {
        return Err(ProtoError::InvalidArgument(CONTROL_MESSAGE.into()));
    }
    Ok(())
}

/// Whether `x` ends in a literal announcement, `{N}` or `{N+}` (digits only): at the end of a
/// line it makes the server read the next N bytes as a literal, so a verbatim argument or a
/// command name that ends so could swallow the next command.
fn ends_with_literal_announcement(x: &[u8]) -> bool {
    let Some(body) = x.strip_suffix(b"}") else {
        return false;
    };
    let body = body.strip_suffix(b"+").unwrap_or(body);
    let digits = body.iter().rev().take_while(|b| b.is_ascii_digit()).count();
    digits > 0 && body[..body.len() - digits].ends_with(b"{")
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

/// The bytes of an argument that stays on the command line, after the NUL/CR/LF check.
fn inline_bytes(arg: &Arg) -> Result<Vec<u8>, ProtoError> {
    let checked = |x: &[u8], rule: fn(&[u8]) -> Vec<u8>| check_line_safe(x).map(|_| rule(x));
    match arg {
        Arg::Raw(x) if ends_with_literal_announcement(x) => Err(ProtoError::InvalidArgument(
            "an argument sent verbatim may not end with a literal announcement such as {5}".into(),
        )),
        Arg::Raw(x) => checked(x, <[u8]>::to_vec),
        Arg::Astring(x) => checked(x, astring),
        Arg::ListMailbox(x) => checked(x, list_mailbox),
        Arg::Quoted(x) => checked(x, quote),
        Arg::List(x) => checked(x, set_quote),
        Arg::FetchParts(x) => checked(x, fetch_parts),
        Arg::Nil => Ok(b"NIL".to_vec()),
        Arg::Group(items) => {
            let parts = items
                .iter()
                .map(inline_bytes)
                .collect::<Result<Vec<_>, _>>()?;
            Ok([b"(".as_ref(), &parts.join(&b' '), b")"].concat())
        }
        Arg::Literal(_) | Arg::Utf8Literal(_) => Err(ProtoError::InvalidArgument(
            "a literal cannot stand inside a parenthesised list".into(),
        )),
    }
}

/// Encodes `cmd` under `tag`. Every argument that reaches a line is checked for NUL, CR and
/// LF first, so nothing is produced for an unsafe command.
pub fn encode(tag: &[u8], cmd: &Command) -> Result<Encoded, ProtoError> {
    check_line_safe(tag)?;
    check_line_safe(cmd.name.as_bytes())?;
    check_name(cmd.name.as_bytes())?;
    let mut pieces = Vec::new();
    let mut line = [tag, b" ", cmd.name.as_bytes()].concat();
    let mut trace = line.clone();
    let mut literals = 0;
    for arg in &cmd.args {
        let wire = match arg {
            Arg::Literal(bytes) | Arg::Utf8Literal(bytes) => {
                let utf8 = matches!(arg, Arg::Utf8Literal(_));
                let head = if utf8 {
                    format!(" UTF8 (~{{{}}}", bytes.len())
                } else {
                    format!(" {{{}}}", bytes.len())
                };
                line.extend_from_slice(head.as_bytes());
                trace.extend_from_slice(head.as_bytes());
                line.extend_from_slice(b"\r\n");
                pieces.push(Piece::Line(std::mem::take(&mut line)));
                pieces.push(Piece::Literal(bytes.clone()));
                if utf8 {
                    line.push(b')');
                }
                literals += 1;
                continue;
            }
            inline => inline_bytes(inline)?,
        };
        line.push(b' ');
        line.extend_from_slice(&wire);
        if literals == 0 && !cmd.secret {
            trace.push(b' ');
            trace.extend_from_slice(&wire);
        }
    }
    if cmd.secret && !cmd.args.is_empty() {
        trace.push(b' ');
        trace.extend_from_slice(REDACTED);
    }
    line.extend_from_slice(b"\r\n");
    pieces.push(Piece::Line(line));
    Ok(Encoded { pieces, trace })
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
                Piece::Line(l) | Piece::Literal(l) => l,
            })
            .collect()
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
        let login = Command {
            name: "LOGIN".into(),
            args: vec![
                Arg::Astring(b"us er".to_vec()),
                Arg::Quoted(b"p\"a\\ss".to_vec()),
            ],
            secret: true,
        };
        assert_eq!(wire(&login), b"T1 LOGIN \"us er\" \"p\\\"a\\\\ss\"\r\n");
        assert_eq!(encode(b"T1", &login).unwrap().trace, b"T1 LOGIN <redacted>");
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
        // Braces that announce nothing stay allowed.
        for ok in [&b"{"[..], b"}", b"{}", b"{+}", b"{5}x", b"{a}", b"({5})"] {
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
}
