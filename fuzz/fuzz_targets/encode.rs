//! Arbitrary commands, with arguments of every `Arg` kind, through the encoder.
//!
//! Property: the encoder either refuses the command (`InvalidArgument`, nothing produced) or
//! produces exactly one well-framed command, read back by an independent reader the way a
//! server reads a connection:
//! - every line piece ends in CRLF, and has no other CR, LF or NUL;
//! - a line followed by a literal ends in `{N}` (a synchronizing literal, or `~{N}`) or `{N+}`
//!   (a non-synchronizing one) with N the literal's length, and a literal is always followed by
//!   a line; the last piece is a line that
//!   announces nothing (so nothing of the next command can be read as part of this one);
//! - the bytes on the wire, read line by line with every announced literal skipped, make
//!   exactly one command and nothing is left over;
//! - the first line starts with the tag and the command name, unchanged;
//! - the trace line has no CR, LF or NUL, and shows no secret argument in any form.
//!
//! The wire context (LITERAL+, LITERAL-, UTF-8 mode) is drawn too, so every string form is
//! reached: quoted, synchronizing and non-synchronizing literal.
//!
//! Input bytes are drawn partly from a dictionary of IMAP syntax (braces, quotes,
//! parentheses, CRLF, 8-bit text) so the interesting cases come quickly.
//!
//! Run: `cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run encode -- -max_total_time=30`.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use imap::proto::encode::{encode_in, quote, Arg, Command, Encoded, Piece, WireContext};
use imap::proto::util::int2ap;
use imap::proto::ProtoError;
use imap::Secret;
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
    Atom(Bytes),
    Astring(Bytes),
    ListMailbox(Bytes),
    Quoted(Bytes),
    List(Bytes),
    FetchParts(Bytes),
    Literal(Bytes),
    Utf8Literal(Bytes),
    Nil,
    Group(Vec<ArgSpec>),
    Secret(Bytes),
    SecretAtom(Bytes),
}

impl ArgSpec {
    fn to_arg(&self, depth: usize) -> Arg {
        match self {
            ArgSpec::Raw(b) => Arg::Raw(b.0.clone()),
            ArgSpec::Atom(b) => Arg::Atom(b.0.clone()),
            ArgSpec::Astring(b) => Arg::Astring(b.0.clone()),
            ArgSpec::ListMailbox(b) => Arg::ListMailbox(b.0.clone()),
            ArgSpec::Quoted(b) => Arg::Quoted(b.0.clone()),
            ArgSpec::List(b) => Arg::List(b.0.clone()),
            ArgSpec::FetchParts(b) => Arg::FetchParts(b.0.clone()),
            ArgSpec::Literal(b) => Arg::Literal(b.0.clone()),
            ArgSpec::Utf8Literal(b) => Arg::Utf8Literal(b.0.clone()),
            ArgSpec::Nil => Arg::Nil,
            ArgSpec::Secret(b) => Arg::Secret(Secret::new(b.0.clone())),
            ArgSpec::SecretAtom(b) => Arg::SecretAtom(Secret::new(b.0.clone())),
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
    literal_plus: bool,
    literal_minus: bool,
    utf8: bool,
    message_nonsync_max: u16,
    command_offered: bool,
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

/// Where a line (without CRLF) holds a literal announcement `{N}` / `{N+}` outside a quoted
/// string before its end. Servers read such an announcement in the middle of a line too
/// (Dovecot 2.3 answers `+` and reads N bytes), so the encoder must never produce one. Quoted
/// strings are followed as a server does: `"` opens and closes, `\` escapes inside.
fn mid_line_announcement(body: &[u8]) -> Option<usize> {
    let mut quoted = false;
    let mut i = 0;
    while i < body.len() {
        match (quoted, body[i]) {
            (true, b'\\') => i += 1,
            (_, b'"') => quoted = !quoted,
            (false, b'{') => {
                let rest = &body[i + 1..];
                let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
                let after = &rest[digits..];
                let after = after.strip_prefix(b"+").unwrap_or(after);
                let end = body.len() - after.len();
                if digits > 0 && after.first() == Some(&b'}') && end + 1 < body.len() {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
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
                if let Some(at) = mid_line_announcement(body) {
                    panic!(
                        "literal announcement at {at} inside the line {:?}",
                        String::from_utf8_lossy(l)
                    );
                }
                match pieces.get(i + 1) {
                    Some(Piece::Literal(lit)) => {
                        assert_eq!(
                            announced(body),
                            Some(lit.len()),
                            "line {l:?} must announce the literal that follows"
                        );
                        assert!(
                            !body.ends_with(b"+}"),
                            "synchronizing literal announced as {l:?}"
                        );
                    }
                    Some(Piece::NonSyncLiteral(lit)) => {
                        assert_eq!(
                            announced(body),
                            Some(lit.len()),
                            "line {l:?} must announce the literal that follows"
                        );
                        assert!(
                            body.ends_with(b"+}"),
                            "non-synchronizing literal announced as {l:?}"
                        );
                    }
                    Some(Piece::Source(n)) => {
                        assert_eq!(
                            announced(body).map(|x| x as u64),
                            Some(*n),
                            "line {l:?} must announce the sourced literal that follows"
                        );
                    }
                    Some(Piece::Line(_)) => panic!("two lines in a row: {pieces:?}"),
                    None => assert_eq!(announced(body), None, "last line announces: {l:?}"),
                }
            }
            Piece::Literal(_) | Piece::NonSyncLiteral(_) | Piece::Source(_) => assert!(
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

/// The trace has no CR, LF or NUL and shows no secret argument, neither as given nor quoted.
/// What the public parts may show legitimately is learnt by encoding the same command with
/// every secret replaced by NIL: a secret form that trace also holds (a public argument with
/// the same bytes, or bytes the encoder wraps around one) is not a leak and is not checked.
fn check_trace(tag: &[u8], cmd: &Command, ctx: &WireContext, enc: &Encoded) {
    assert!(
        !enc.trace
            .iter()
            .any(|&b| b == b'\r' || b == b'\n' || b == 0),
        "trace with CR, LF or NUL: {:?}",
        enc.trace
    );
    let mut secrets = Vec::new();
    let public = Command::new(
        cmd.name.clone(),
        cmd.args
            .iter()
            .map(|a| without_secrets(a, &mut secrets))
            .collect(),
    );
    let public_trace = encode_in(tag, &public, ctx)
        .map(|e| e.trace)
        .unwrap_or_default();
    let contains = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
    // The trace with the encoder's own `<redacted>` markers taken out (a secret may be part of
    // the marker's text, as `dact` is).
    let marker = b"<redacted>";
    let mut shown = Vec::with_capacity(enc.trace.len());
    let mut rest = enc.trace.as_slice();
    while let Some(i) = rest.windows(marker.len()).position(|w| w == marker) {
        shown.extend_from_slice(&rest[..i]);
        shown.push(0);
        rest = &rest[i + marker.len()..];
    }
    shown.extend_from_slice(rest);
    for secret in secrets.iter().filter(|s| s.len() >= 4) {
        for form in [secret.to_vec(), quote(secret)] {
            if contains(&public_trace, &form) || contains(tag, &form) {
                continue;
            }
            assert!(
                !contains(&shown, &form),
                "secret {form:?} in trace {:?}",
                enc.trace
            );
        }
    }
}

/// `arg` with every secret in it replaced by NIL; the secrets' bytes go to `secrets`.
fn without_secrets(arg: &Arg, secrets: &mut Vec<Vec<u8>>) -> Arg {
    match arg {
        Arg::Secret(x) | Arg::SecretAtom(x) => {
            secrets.push(x.expose().to_vec());
            Arg::Nil
        }
        Arg::Group(items) => {
            Arg::Group(items.iter().map(|a| without_secrets(a, secrets)).collect())
        }
        other => other.clone(),
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
    let cmd = Command::new(name, input.args.iter().map(|a| a.to_arg(0)).collect());
    let ctx = WireContext {
        literal_plus: input.literal_plus,
        literal_minus: input.literal_minus,
        utf8: input.utf8,
        message_nonsync_max: usize::from(input.message_nonsync_max),
        command_offered: input.command_offered,
    };
    match encode_in(&tag, &cmd, &ctx) {
        Err(ProtoError::InvalidArgument(_)) => {}
        Err(e) => panic!("the encoder may only refuse an argument, not fail with {e:?}"),
        Ok(enc) => {
            check_pieces(&tag, &cmd, &enc);
            // A literal goes non-synchronizing only where the server allows it for its size.
            for p in &enc.pieces {
                if let Piece::NonSyncLiteral(lit) = p {
                    assert!(
                        ctx.literal_plus || (ctx.literal_minus && lit.len() <= 4096),
                        "a {}-byte non-synchronizing literal under {ctx:?}",
                        lit.len()
                    );
                }
            }
            let wire: Vec<u8> = enc
                .pieces
                .iter()
                .flat_map(|p| match p {
                    Piece::Line(b) | Piece::Literal(b) | Piece::NonSyncLiteral(b) => {
                        b.iter().copied()
                    }
                    Piece::Source(_) => unreachable!("no ArgSpec makes a sourced literal"),
                })
                .collect();
            assert_eq!(count_commands(&wire), 1, "not one command: {wire:?}");
            check_trace(&tag, &cmd, &ctx, &enc);
        }
    }
});
