//! Arbitrary commands, with arguments of every `Arg` kind, through the encoder.
//!
//! Property: the encoder either refuses the command (`InvalidArgument`, nothing produced) or
//! produces exactly one well-framed command, read back by an independent reader the way a
//! server reads a connection:
//! - every line piece ends in CRLF, and has no other CR, LF or NUL;
//! - a line followed by a literal ends in `{N}` or `{N+}` (or `~{N}`) with N the literal's
//!   length, and a literal is always followed by a line; the last piece is a line that
//!   announces nothing (so nothing of the next command can be read as part of this one);
//! - the bytes on the wire, read line by line with every announced literal skipped, make
//!   exactly one command and nothing is left over;
//! - the first line starts with the tag and the command name, unchanged;
//! - the trace line has no CR, LF or NUL, and shows no argument of a secret command.
//!
//! Input bytes are drawn partly from a dictionary of IMAP syntax (braces, quotes,
//! parentheses, CRLF, 8-bit text) so the interesting cases come quickly.
//!
//! Run: `cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run encode -- -max_total_time=30`.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use imap::proto::encode::{encode, Arg, Command, Encoded, Piece};
use imap::proto::util::int2ap;
use imap::proto::ProtoError;
use libfuzzer_sys::fuzz_target;

/// Pieces of IMAP syntax the byte generator mixes in.
const DICT: &[&[u8]] = &[
    b"{5}",
    b"{0}",
    b"{5+}",
    b"{0+}",
    b"~{3}",
    b"{",
    b"}",
    b"+",
    b"\"",
    b"\\",
    b"(",
    b")",
    b"[",
    b"]",
    b" ",
    b"\r\n",
    b"\r",
    b"\n",
    b"\0",
    b"*",
    b"%",
    b"NIL",
    b"ALL",
    b"FAST",
    b"BODY[]",
    b"1:*",
    b"\xc3\xbc",
    b"\xff",
    b"A1 NOOP",
    b"\"a\"",
    b"()",
    b"12345678901234567890",
];

/// Bytes: raw bytes mixed with dictionary entries.
#[derive(Debug)]
struct Bytes(Vec<u8>);

impl<'a> Arbitrary<'a> for Bytes {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let mut out = Vec::new();
        let n = u.arbitrary_len::<u8>()?.min(64);
        for _ in 0..n {
            let b: u8 = u.arbitrary()?;
            if b >= 0xe0 {
                out.extend_from_slice(DICT[(b - 0xe0) as usize % DICT.len()]);
            } else if b >= 0xc0 {
                out.push(u.arbitrary()?);
            } else {
                out.push(b);
            }
        }
        Ok(Bytes(out))
    }
}

/// One argument. New kinds of `Arg` get a variant here and a line in [`ArgSpec::to_arg`].
#[derive(Arbitrary, Debug)]
enum ArgSpec {
    Raw(Bytes),
    Astring(Bytes),
    ListMailbox(Bytes),
    Quoted(Bytes),
    List(Bytes),
    FetchParts(Bytes),
    Literal(Bytes),
    Utf8Literal(Bytes),
    Nil,
    Group(Vec<ArgSpec>),
}

impl ArgSpec {
    fn to_arg(&self, depth: usize) -> Arg {
        match self {
            ArgSpec::Raw(b) => Arg::Raw(b.0.clone()),
            ArgSpec::Astring(b) => Arg::Astring(b.0.clone()),
            ArgSpec::ListMailbox(b) => Arg::ListMailbox(b.0.clone()),
            ArgSpec::Quoted(b) => Arg::Quoted(b.0.clone()),
            ArgSpec::List(b) => Arg::List(b.0.clone()),
            ArgSpec::FetchParts(b) => Arg::FetchParts(b.0.clone()),
            ArgSpec::Literal(b) => Arg::Literal(b.0.clone()),
            ArgSpec::Utf8Literal(b) => Arg::Utf8Literal(b.0.clone()),
            ArgSpec::Nil => Arg::Nil,
            ArgSpec::Group(items) if depth < 8 => {
                Arg::Group(items.iter().map(|a| a.to_arg(depth + 1)).collect())
            }
            ArgSpec::Group(_) => Arg::Nil,
        }
    }
}

/// Command names: the ones the session sends, and arbitrary ones (xatom takes the caller's).
#[derive(Arbitrary, Debug)]
enum Name {
    Known(u8),
    Any(Bytes),
}

const NAMES: &[&str] = &[
    "APPEND",
    "AUTHENTICATE",
    "LOGIN",
    "SEARCH",
    "UID",
    "FETCH",
    "STORE",
    "ID",
    "SETMETADATA",
    "X-CUSTOM",
];

#[derive(Arbitrary, Debug)]
struct Input {
    /// The session's tags: an `int2ap` prefix and a counter.
    tag_prefix: u16,
    tag_number: u32,
    name: Name,
    secret: bool,
    args: Vec<ArgSpec>,
}

/// The N of a line ending in `{N}` or `{N+}` (CRLF already removed), `None` when the line
/// announces no literal. A number too large for `usize` counts as announced (and can never
/// match a literal's length).
fn announced(line: &[u8]) -> Option<usize> {
    let body = line.strip_suffix(b"}")?;
    let body = body.strip_suffix(b"+").unwrap_or(body);
    let open = body.iter().rposition(|&b| b == b'{')?;
    let digits = &body[open + 1..];
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(
        std::str::from_utf8(digits)
            .unwrap()
            .parse()
            .unwrap_or(usize::MAX),
    )
}

/// Checks the pieces one by one.
fn check_pieces(tag: &[u8], cmd: &Command, enc: &Encoded) {
    let pieces = &enc.pieces;
    assert!(
        matches!(pieces.last(), Some(Piece::Line(_))),
        "must end with a line: {pieces:?}"
    );
    for (i, piece) in pieces.iter().enumerate() {
        match piece {
            Piece::Line(l) => {
                let body = l
                    .strip_suffix(b"\r\n")
                    .unwrap_or_else(|| panic!("line without CRLF: {l:?}"));
                assert!(
                    !body.iter().any(|&b| b == b'\r' || b == b'\n' || b == 0),
                    "CR, LF or NUL inside a line: {l:?}"
                );
                match pieces.get(i + 1) {
                    Some(Piece::Literal(lit)) => assert_eq!(
                        announced(body),
                        Some(lit.len()),
                        "line {l:?} must announce the literal that follows"
                    ),
                    Some(Piece::Line(_)) => panic!("two lines in a row: {pieces:?}"),
                    None => assert_eq!(announced(body), None, "last line announces: {l:?}"),
                }
            }
            Piece::Literal(_) => assert!(
                matches!(pieces.get(i + 1), Some(Piece::Line(_))),
                "a literal must be followed by a line: {pieces:?}"
            ),
        }
    }
    let Some(Piece::Line(first)) = pieces.first() else {
        panic!("must start with a line: {pieces:?}");
    };
    let head = [tag, b" ", cmd.name.as_bytes()].concat();
    assert!(
        first.starts_with(&head) && matches!(first.get(head.len()), Some(b' ' | b'\r')),
        "first line {first:?} must start with {head:?}"
    );
    assert_eq!(first.split(|&b| b == b' ').next(), Some(tag), "tag changed");
}

/// Reads the wire as a server does: lines up to CRLF; a line ending in `{N}` or `{N+}` is
/// followed by N literal bytes and the command goes on; any other line ends the command.
/// Returns how many commands the bytes make; panics on bytes left over.
fn count_commands(wire: &[u8]) -> usize {
    let mut pos = 0;
    let mut commands = 0;
    let mut open = false;
    while pos < wire.len() {
        let rest = &wire[pos..];
        let end = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .unwrap_or_else(|| panic!("bytes after the last CRLF: {rest:?}"));
        let line = &rest[..end];
        pos += end + 2;
        match announced(line) {
            Some(n) => {
                assert!(
                    n <= wire.len() - pos,
                    "literal of {n} runs past the end of the command"
                );
                pos += n;
                open = true;
            }
            None => {
                commands += 1;
                open = false;
            }
        }
    }
    assert!(!open, "the command ends inside a literal");
    commands
}

/// The trace shows no secret argument of a secret command (today the whole argument list
/// of a command marked `secret` is replaced).
fn check_trace(tag: &[u8], cmd: &Command, enc: &Encoded) {
    assert!(
        !enc.trace
            .iter()
            .any(|&b| b == b'\r' || b == b'\n' || b == 0),
        "trace with CR, LF or NUL: {:?}",
        enc.trace
    );
    if cmd.secret {
        let head = [tag, b" ", cmd.name.as_bytes()].concat();
        let rest = &enc.trace[head.len().min(enc.trace.len())..];
        // What the encoder itself writes there: `<redacted>` and literal announcements.
        let own = |w: &[u8]| {
            let braced = w.strip_prefix(b"(~").unwrap_or(w);
            w == b"<redacted>"
                || w == b"UTF8"
                || (braced.first() == Some(&b'{') && announced(braced).is_some())
        };
        let rest: Vec<u8> = rest
            .split(|&b| b == b' ')
            .filter(|w| !own(w))
            .flat_map(|w| w.iter().copied().chain([b' ']))
            .collect();
        for arg in &cmd.args {
            for secret in secrets_of(arg) {
                if secret.len() >= 4 {
                    assert!(
                        !rest.windows(secret.len()).any(|w| w == secret),
                        "secret {secret:?} in trace {:?}",
                        enc.trace
                    );
                }
            }
        }
    }
}

/// The bytes an argument of a secret command must not show in the trace.
fn secrets_of(arg: &Arg) -> Vec<&[u8]> {
    match arg {
        Arg::Raw(x)
        | Arg::Astring(x)
        | Arg::ListMailbox(x)
        | Arg::Quoted(x)
        | Arg::List(x)
        | Arg::FetchParts(x)
        | Arg::Literal(x)
        | Arg::Utf8Literal(x) => vec![x.as_slice()],
        Arg::Nil => vec![],
        Arg::Group(items) => items.iter().flat_map(secrets_of).collect(),
    }
}

fuzz_target!(|input: Input| {
    let tag = [
        int2ap(4096 + u64::from(input.tag_prefix)),
        input.tag_number.to_string().into_bytes(),
    ]
    .concat();
    let name = match &input.name {
        Name::Known(i) => NAMES[*i as usize % NAMES.len()].to_string(),
        Name::Any(b) => String::from_utf8_lossy(&b.0).into_owned(),
    };
    let cmd = Command {
        name,
        args: input.args.iter().map(|a| a.to_arg(0)).collect(),
        secret: input.secret,
    };
    match encode(&tag, &cmd) {
        Err(ProtoError::InvalidArgument(_)) => {}
        Err(e) => panic!("the encoder may only refuse an argument, not fail with {e:?}"),
        Ok(enc) => {
            check_pieces(&tag, &cmd, &enc);
            let wire: Vec<u8> = enc
                .pieces
                .iter()
                .flat_map(|p| match p {
                    Piece::Line(b) | Piece::Literal(b) => b.iter().copied(),
                })
                .collect();
            assert_eq!(count_commands(&wire), 1, "not one command: {wire:?}");
            check_trace(&tag, &cmd, &enc);
        }
    }
});
