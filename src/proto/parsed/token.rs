//! The bounded tokenizer and the value tree.
//!
//! [`Tokenizer`] reads one response's data as the engine delivers it: lines and literals
//! interleaved, where a line ending in `{n}` (or `~{n}`, a literal8) means the literal that
//! follows supplies that string. It yields [`Token`]s one at a time and never recurses.
//! [`Tokenizer::read_value`] builds a [`Value`] tree with an explicit stack, refusing more
//! than [`MAX_DEPTH`] levels of parentheses, so every consumer that walks a `Value`
//! recursively is bounded by that depth too. [`Flat`] reads the same values into reusable
//! buffers instead (a list's children side by side in one vector, no allocation per list once
//! grown), read through [`V`] and [`L`] with the same methods: the FETCH parser's path.
//!
//! Lexical rules, lenient where real servers deviate:
//! - whitespace between tokens is any run of spaces or tabs (trailing spaces are fine);
//! - an atom runs to whitespace, `(`, `)` or `"`; after the FETCH names `BODY`, `BINARY`,
//!   `BINARY.SIZE` (and their `.PEEK` forms), a `[` opens a section spec that may hold spaces,
//!   parentheses and quoted strings up to its `]` (`BODY[HEADER.FIELDS (DATE FROM)]<0>` is one
//!   atom); elsewhere, or without a closing `]` on the line, `[` and `]` are ordinary atom
//!   characters (so the astrings `[` and `]` stay two atoms);
//! - an atom made only of digits is a [`Token::Number`] (overflow of `u64` is an error);
//!   `NIL` in any case is [`Token::Nil`];
//! - a quoted string takes `\x` escapes for any `x`; a `"` that is not followed by whitespace,
//!   `)`, `]` or the end of the line is kept as content (163.com's unescaped quotes);
//! - a literal announcement glued to the atom before it (`BODY[]<0>{100}`) ends that atom.
//!
//! Each leniency that the grammar does not allow is recorded in [`Tokenizer::quirks`].

use super::{err, excerpt, ErrorKind, ParseError, Quirks, MAX_DEPTH};
use crate::proto::framer::LiteralData;
use crate::proto::response::Item;
use std::borrow::Cow;

/// One lexical token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token<'a> {
    /// `(`
    Open,
    /// `)`
    Close,
    /// `NIL` (any case).
    Nil,
    /// An atom of digits only.
    Number(u64),
    /// Any other atom, flags (`\Seen`) and bracketed forms (`BODY[1.MIME]<0>`) included.
    Atom(&'a [u8]),
    /// A quoted string, unescaped.
    Quoted(Cow<'a, [u8]>),
    /// A literal's bytes.
    Literal(&'a [u8]),
    /// A literal that went to a streaming sink: only its size is known.
    Streamed(u64),
}

#[derive(Debug, Clone, Copy)]
enum Source<'a> {
    Items(&'a [Item]),
    Bytes(&'a [u8]),
}

/// See the module documentation. Cheap to clone (a clone is a saved position).
#[derive(Debug, Clone)]
pub struct Tokenizer<'a> {
    src: Source<'a>,
    idx: usize,
    /// The text of segment `idx` (see [`Tokenizer::segment_text`]).
    line: &'a [u8],
    pos: usize,
    quirks: Quirks,
}

/// Bytes that end or interrupt an atom's fast scan (see [`Tokenizer::atom`]).
static ATOM_SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    t[b' ' as usize] = true;
    t[b'\t' as usize] = true;
    t[b'(' as usize] = true;
    t[b')' as usize] = true;
    t[b'"' as usize] = true;
    t[b'{' as usize] = true;
    t[b'~' as usize] = true;
    t[b'[' as usize] = true;
    t
};

fn is_space(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// The index of the first `"` or `\\` in `b` (its length when there is none), eight bytes
/// at a time.
fn quote_or_backslash(b: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let mut i = 0;
    while i + 8 <= b.len() {
        let mut w = [0u8; 8];
        w.copy_from_slice(&b[i..i + 8]);
        let x = u64::from_le_bytes(w);
        let hit =
            zero_byte(x ^ (ONES * u64::from(b'"'))) | zero_byte(x ^ (ONES * u64::from(b'\\')));
        if hit != 0 {
            // The lowest flagged byte is a real match (borrows only run upwards).
            return i + (hit.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < b.len() && b[i] != b'"' && b[i] != b'\\' {
        i += 1;
    }
    i
}

fn ends_quoted(next: Option<&u8>) -> bool {
    match next {
        None => true,
        Some(&b) => is_space(b) || b == b')' || b == b']',
    }
}

/// `{digits}`, `{digits+}`, `~{digits}` at the very end of `t`: the announced size.
fn literal_announcement(t: &[u8]) -> Option<u64> {
    let t = t.strip_prefix(b"~").unwrap_or(t);
    let inner = t.strip_prefix(b"{")?.strip_suffix(b"}")?;
    let inner = inner.strip_suffix(b"+").unwrap_or(inner);
    parse_u64(inner)
}

/// Digits only, overflow-checked.
pub fn parse_u64(d: &[u8]) -> Option<u64> {
    if d.is_empty() || d.len() > 20 {
        return None;
    }
    let mut n: u64 = 0;
    for &b in d {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
    }
    Some(n)
}

/// Digits only, overflow-checked, as `u32`: IMAP's `number` (0..4294967295).
pub fn parse_u32(d: &[u8]) -> Option<u32> {
    parse_u64(d).and_then(|n| u32::try_from(n).ok())
}

/// The largest `number64` and `mod-sequence-value`: 2^63-1 (RFC 9051, RFC 7162).
pub(crate) const MAX_NUMBER64: u64 = i64::MAX as u64;

/// IMAP's `nz-number` (message numbers, UIDs, UIDVALIDITY): 1..4294967295.
pub fn parse_nz32(d: &[u8]) -> Option<u32> {
    parse_u32(d).filter(|&n| n != 0)
}

/// IMAP's `number64` (and `mod-sequence-valzer`): 0..2^63-1.
pub fn parse_number64(d: &[u8]) -> Option<u64> {
    parse_u64(d).filter(|&n| n <= MAX_NUMBER64)
}

/// RFC 7162's `mod-sequence-value`: 1..2^63-1.
pub fn parse_modseq(d: &[u8]) -> Option<u64> {
    parse_number64(d).filter(|&n| n != 0)
}

/// `n` as IMAP's `number` (0..4294967295).
fn as_u32(n: u64) -> Result<u32, ParseError> {
    u32::try_from(n).map_err(|_| {
        ParseError::new(
            ErrorKind::Number,
            format!("number {n} does not fit 32 bits"),
        )
    })
}

/// `n` as IMAP's `nz-number` (1..4294967295).
fn as_nz32(n: u64) -> Result<u32, ParseError> {
    match as_u32(n)? {
        0 => err(ErrorKind::Number, "0 where a non-zero number belongs"),
        n => Ok(n),
    }
}

/// `n` as IMAP's `number64` (0..2^63-1).
fn as_number64(n: u64) -> Result<u64, ParseError> {
    if n > MAX_NUMBER64 {
        return err(
            ErrorKind::Number,
            format!("number {n} does not fit 63 bits"),
        );
    }
    Ok(n)
}

/// `n` as RFC 7162's `mod-sequence-value` (1..2^63-1).
fn as_modseq(n: u64) -> Result<u64, ParseError> {
    match as_number64(n)? {
        0 => err(ErrorKind::Number, "mod-sequence 0 where 1 or more belongs"),
        n => Ok(n),
    }
}

impl<'a> Tokenizer<'a> {
    /// Over one response's items (several responses also work: they read as one stream).
    pub fn new(items: &'a [Item]) -> Self {
        let mut t = Tokenizer {
            src: Source::Items(items),
            idx: 0,
            line: &[],
            pos: 0,
            quirks: Quirks::NONE,
        };
        t.line = t.segment_text();
        t
    }

    /// Over a single line of bytes (no literals can be resolved).
    pub fn from_bytes(bytes: &'a [u8]) -> Self {
        Tokenizer {
            src: Source::Bytes(bytes),
            idx: 0,
            line: bytes,
            pos: 0,
            quirks: Quirks::NONE,
        }
    }

    /// Moves to segment `idx`, at its start.
    fn go_to(&mut self, idx: usize) {
        self.idx = idx;
        self.pos = 0;
        self.line = self.segment_text();
    }

    fn segment_text(&self) -> &'a [u8] {
        match self.src {
            Source::Items(items) => match items.get(self.idx) {
                Some(Item::Line(l)) | Some(Item::Literal(l, _)) => l,
                _ => &[],
            },
            Source::Bytes(b) if self.idx == 0 => b,
            Source::Bytes(_) => &[],
        }
    }

    fn segments(&self) -> usize {
        match self.src {
            Source::Items(items) => items.len(),
            Source::Bytes(_) => 1,
        }
    }

    fn literal(&self) -> Option<&'a LiteralData> {
        match self.src {
            Source::Items(items) => match items.get(self.idx) {
                Some(Item::Literal(_, d)) => Some(d),
                _ => None,
            },
            Source::Bytes(_) => None,
        }
    }

    fn take_literal(&mut self, data: &'a LiteralData) -> Token<'a> {
        self.go_to(self.idx + 1);
        match data.bytes() {
            Some(b) => Token::Literal(b),
            None => Token::Streamed(data.len()),
        }
    }

    /// The deviations from the grammar accepted so far (see [`Quirks`]).
    pub fn quirks(&self) -> Quirks {
        self.quirks
    }

    /// Skips whitespace; true when nothing but whitespace is left.
    pub fn at_end(&mut self) -> bool {
        let mut probe = self.clone();
        matches!(probe.next_token(), Ok(None))
    }

    /// The next token when it is one of the common forms on the current line: `(`, `)`, a
    /// quoted string without escapes, `NIL`, a number, a plain atom, after nothing or exactly
    /// the one space the grammar has. `None` (nothing consumed) for everything else: whitespace
    /// that is a quirk, the end of a line, literals, escapes, section specs, overflowing
    /// numbers; [`Tokenizer::next_checked`] then reads it. What it returns is exactly what
    /// `next_checked` would return, with no quirk to record.
    #[inline(always)]
    pub fn fast_token(&mut self) -> Option<Token<'a>> {
        let t = self.line;
        let mut p = self.pos;
        let &c = t.get(p)?;
        let c = if c == b' ' {
            // One space between tokens, not after `(`, not before `)` or the end of the line,
            // not at the very start of the data.
            let &next = t.get(p + 1)?;
            if p == 0 || t[p - 1] == b'(' || is_space(next) || next == b')' {
                return None;
            }
            p += 1;
            next
        } else {
            c
        };
        let tok = match c {
            b'(' => {
                p += 1;
                Token::Open
            }
            b')' => {
                p += 1;
                Token::Close
            }
            b'"' => {
                let start = p + 1;
                let end = start + quote_or_backslash(&t[start..]);
                if end >= t.len() || t[end] != b'"' || !ends_quoted(t.get(end + 1)) {
                    return None;
                }
                p = end + 1;
                Token::Quoted(Cow::Borrowed(&t[start..end]))
            }
            _ if ATOM_SPECIAL[usize::from(c)] => return None,
            _ => {
                let start = p;
                while p < t.len() && !ATOM_SPECIAL[usize::from(t[p])] {
                    p += 1;
                }
                if p < t.len() && matches!(t[p], b'{' | b'~' | b'[') {
                    return None;
                }
                let a = &t[start..p];
                if a.len() == 3 && a.eq_ignore_ascii_case(b"NIL") {
                    Token::Nil
                } else if a[0].is_ascii_digit() && a.iter().all(u8::is_ascii_digit) {
                    Token::Number(parse_u64(a)?)
                } else {
                    Token::Atom(a)
                }
            }
        };
        self.pos = p;
        Some(tok)
    }

    /// [`Tokenizer::next_checked`], through [`Tokenizer::fast_token`] first.
    #[inline]
    pub fn next_fast(&mut self) -> Result<Option<Token<'a>>, ParseError> {
        match self.fast_token() {
            Some(tok) => Ok(Some(tok)),
            None => self.next_checked(),
        }
    }

    /// The next token, `None` at the end of the data.
    #[allow(clippy::should_implement_trait)]
    pub fn next_token(&mut self) -> Result<Option<Token<'a>>, ParseError> {
        loop {
            let t = self.line;
            let ws = self.pos;
            while self.pos < t.len() && is_space(t[self.pos]) {
                self.pos += 1;
            }
            if self.pos > ws {
                // The grammar has exactly one SP between tokens, none after `(`, before `)`
                // or at the end of a line.
                let run = &t[ws..self.pos];
                if run != b" "
                    || (ws == 0 && self.idx == 0)
                    || (ws > 0 && t[ws - 1] == b'(')
                    || self.pos == t.len()
                    || t[self.pos] == b')'
                {
                    self.quirks |= Quirks::EXTRA_SPACE;
                }
            }
            if self.pos >= t.len() {
                // A literal whose line did not announce it (hand-made items): take it as the
                // next token rather than lose it.
                if let Some(data) = self.literal() {
                    return Ok(Some(self.take_literal(data)));
                }
                if self.idx + 1 < self.segments() {
                    self.go_to(self.idx + 1);
                    continue;
                }
                self.go_to(self.segments());
                return Ok(None);
            }
            let start = self.pos;
            let rest = &t[start..];
            return match rest[0] {
                b'(' => {
                    self.pos += 1;
                    Ok(Some(Token::Open))
                }
                b')' => {
                    self.pos += 1;
                    Ok(Some(Token::Close))
                }
                b'"' => self.quoted(t).map(Some),
                b'{' | b'~' if rest[0] == b'{' || rest.get(1) == Some(&b'{') => {
                    if literal_announcement(rest).is_none() {
                        return err(
                            ErrorKind::Syntax,
                            format!("bad literal announcement at '{}'", excerpt(rest)),
                        );
                    }
                    match self.literal() {
                        Some(data) => Ok(Some(self.take_literal(data))),
                        None => err(ErrorKind::Truncated, "literal announced but missing"),
                    }
                }
                _ => Ok(Some(self.atom(t))),
            };
        }
    }

    fn quoted(&mut self, t: &'a [u8]) -> Result<Token<'a>, ParseError> {
        let start = self.pos + 1;
        // The common case: no escape and the first quote ends the string.
        let i = start + quote_or_backslash(&t[start..]);
        if i < t.len() && t[i] == b'"' && ends_quoted(t.get(i + 1)) {
            self.pos = i + 1;
            return Ok(Token::Quoted(Cow::Borrowed(&t[start..i])));
        }
        let mut i = start;
        let mut owned: Option<Vec<u8>> = None;
        loop {
            let Some(&b) = t.get(i) else {
                return err(
                    ErrorKind::Syntax,
                    format!("unterminated quoted string '{}'", excerpt(&t[start - 1..])),
                );
            };
            match b {
                b'\\' => {
                    let Some(&e) = t.get(i + 1) else {
                        return err(ErrorKind::Syntax, "quoted string ends in a backslash");
                    };
                    owned.get_or_insert_with(|| t[start..i].to_vec()).push(e);
                    i += 2;
                }
                b'"' if ends_quoted(t.get(i + 1)) => {
                    self.pos = i + 1;
                    return Ok(Token::Quoted(match owned {
                        Some(v) => Cow::Owned(v),
                        None => Cow::Borrowed(&t[start..i]),
                    }));
                }
                _ => {
                    if b == b'"' {
                        self.quirks |= Quirks::UNESCAPED_QUOTE;
                    }
                    if let Some(v) = owned.as_mut() {
                        v.push(b);
                    }
                    i += 1;
                }
            }
        }
    }

    fn atom(&mut self, t: &'a [u8]) -> Token<'a> {
        let start = self.pos;
        let mut i = start;
        while i < t.len() {
            if !ATOM_SPECIAL[usize::from(t[i])] {
                i += 1;
                continue;
            }
            match t[i] {
                b' ' | b'\t' | b'(' | b')' | b'"' => break,
                // `{n}` glued to the atom, ending the line that announces a literal.
                b'{' | b'~'
                    if i > start
                        && self.literal().is_some()
                        && literal_announcement(&t[i..]).is_some() =>
                {
                    self.quirks |= Quirks::LITERAL_WITHOUT_SPACE;
                    break;
                }
                b'[' if is_section_name(&t[start..i]) => {
                    i = bracket_end(t, i).map_or(i + 1, |e| e + 1);
                }
                _ => i += 1,
            }
        }
        // Called only on a byte that is none of the terminators, so `i > start`: progress.
        self.pos = i.max(start + 1).min(t.len());
        let a = &t[start..self.pos];
        if a.len() == 3 && a.eq_ignore_ascii_case(b"NIL") {
            return Token::Nil;
        }
        if a[0].is_ascii_digit() && a.iter().all(u8::is_ascii_digit) {
            if let Some(n) = parse_u64(a) {
                return Token::Number(n);
            }
        }
        Token::Atom(a)
    }

    /// Like [`Tokenizer::next_token`] but an all-digit atom too large for `u64` is an error
    /// (the tokenizer itself keeps it as an atom so that callers can decide).
    #[inline]
    pub fn next_checked(&mut self) -> Result<Option<Token<'a>>, ParseError> {
        let tok = self.next_token()?;
        if let Some(Token::Atom(a)) = &tok {
            if a.iter().all(u8::is_ascii_digit) {
                return err(
                    ErrorKind::Number,
                    format!("number '{}' is too large", excerpt(a)),
                );
            }
        }
        Ok(tok)
    }

    /// Reads one whole value (a scalar or a parenthesized list). `None` at the end of the
    /// data; an error for a `)` with no `(` or data that ends inside a list.
    pub fn read_value(&mut self) -> Result<Option<Value<'a>>, ParseError> {
        match self.next_checked()? {
            None => Ok(None),
            Some(tok) => self.value_from(tok).map(Some),
        }
    }

    /// Reads a value that must be there.
    pub fn expect_value(&mut self) -> Result<Value<'a>, ParseError> {
        match self.read_value()? {
            Some(v) => Ok(v),
            None => err(ErrorKind::Truncated, "a value is missing"),
        }
    }

    /// Builds the value that starts with `first` (already read), without recursion.
    pub fn value_from(&mut self, first: Token<'a>) -> Result<Value<'a>, ParseError> {
        let mut stack: Vec<Vec<Value<'a>>> = Vec::new();
        let mut tok = first;
        loop {
            let v = match tok {
                Token::Open => {
                    if stack.len() >= MAX_DEPTH {
                        return err(
                            ErrorKind::Depth,
                            format!("nesting deeper than {MAX_DEPTH} levels"),
                        );
                    }
                    stack.push(Vec::new());
                    None
                }
                Token::Close => match stack.pop() {
                    Some(l) => Some(Value::List(l)),
                    None => return err(ErrorKind::Syntax, "unexpected ')'"),
                },
                Token::Nil => Some(Value::Nil),
                Token::Number(n) => Some(Value::Number(n)),
                Token::Atom(a) => Some(Value::Atom(a)),
                Token::Quoted(q) => Some(Value::String(q)),
                Token::Literal(l) => Some(Value::String(Cow::Borrowed(l))),
                Token::Streamed(n) => Some(Value::Streamed(n)),
            };
            if let Some(v) = v {
                match stack.last_mut() {
                    None => return Ok(v),
                    Some(top) => top.push(v),
                }
            }
            tok = match self.next_checked()? {
                Some(t) => t,
                None => return err(ErrorKind::Truncated, "data ends inside a list"),
            };
        }
    }

    /// All remaining values.
    pub fn read_all(&mut self) -> Result<Vec<Value<'a>>, ParseError> {
        let mut out = Vec::new();
        while let Some(v) = self.read_value()? {
            out.push(v);
        }
        Ok(out)
    }
}

/// The FETCH item names whose `[...]` may hold spaces and parentheses (a section spec).
fn is_section_name(a: &[u8]) -> bool {
    [
        &b"BODY"[..],
        b"BODY.PEEK",
        b"BINARY",
        b"BINARY.PEEK",
        b"BINARY.SIZE",
    ]
    .iter()
    .any(|n| a.eq_ignore_ascii_case(n))
}

/// Index of the `]` closing the `[` at `open`, skipping quoted strings; `None` if the line has
/// none.
fn bracket_end(t: &[u8], open: usize) -> Option<usize> {
    let mut i = open + 1;
    while i < t.len() {
        match t[i] {
            b']' => return Some(i),
            b'"' => {
                i += 1;
                while i < t.len() && t[i] != b'"' {
                    i += if t[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    None
}

/// A parsed value. Strings borrow from the items where they can.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value<'a> {
    Nil,
    Number(u64),
    Atom(&'a [u8]),
    /// A quoted string or a literal.
    String(Cow<'a, [u8]>),
    /// A streamed literal: its size.
    Streamed(u64),
    List(Vec<Value<'a>>),
}

fn shape<T>(what: &str, v: &Value<'_>) -> Result<T, ParseError> {
    err(
        ErrorKind::Shape,
        format!("expected {what}, got {}", v.describe()),
    )
}

impl<'a> Value<'a> {
    /// A short description for error messages.
    pub fn describe(&self) -> String {
        match self {
            Value::Nil => "NIL".into(),
            Value::Number(n) => format!("number {n}"),
            Value::Atom(a) => format!("atom '{}'", excerpt(a)),
            Value::String(s) => format!("string '{}'", excerpt(s)),
            Value::Streamed(n) => format!("streamed literal of {n} bytes"),
            Value::List(l) => format!("list of {} values", l.len()),
        }
    }

    /// String, literal or atom bytes (a number is not text here).
    pub fn text(&self) -> Option<&[u8]> {
        match self {
            Value::Atom(a) => Some(a),
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }

    /// An `nstring`, leniently: NIL is `None`; strings, atoms and numbers (as their digits)
    /// are text; a list is an error.
    pub fn nstring(&self) -> Result<Option<Vec<u8>>, ParseError> {
        match self {
            Value::Nil => Ok(None),
            Value::Number(n) => Ok(Some(n.to_string().into_bytes())),
            Value::Atom(a) => Ok(Some(a.to_vec())),
            Value::String(s) => Ok(Some(s.to_vec())),
            Value::Streamed(_) | Value::List(_) => shape("a string or NIL", self),
        }
    }

    /// A string where NIL is tolerated as empty.
    pub fn string_or_empty(&self) -> Result<Vec<u8>, ParseError> {
        Ok(self.nstring()?.unwrap_or_default())
    }

    /// A number; a quoted string of digits is accepted too.
    pub fn u64(&self) -> Result<u64, ParseError> {
        match self {
            Value::Number(n) => Ok(*n),
            Value::String(s) => match parse_u64(s.trim_ascii()) {
                Some(n) => Ok(n),
                None => shape("a number", self),
            },
            _ => shape("a number", self),
        }
    }

    /// IMAP's `number`: 0..4294967295.
    pub fn u32(&self) -> Result<u32, ParseError> {
        as_u32(self.u64()?)
    }

    /// IMAP's `nz-number` (message numbers, UIDs, UIDVALIDITY): 1..4294967295.
    pub fn nz32(&self) -> Result<u32, ParseError> {
        as_nz32(self.u64()?)
    }

    /// IMAP's `number64` (and RFC 7162's `mod-sequence-valzer`): 0..2^63-1.
    pub fn number64(&self) -> Result<u64, ParseError> {
        as_number64(self.u64()?)
    }

    /// RFC 7162's `mod-sequence-value`: 1..2^63-1.
    pub fn modseq(&self) -> Result<u64, ParseError> {
        as_modseq(self.u64()?)
    }

    /// A list; NIL counts as the empty list (servers send it where a list belongs).
    pub fn list(&self) -> Result<&[Value<'a>], ParseError> {
        match self {
            Value::List(l) => Ok(l),
            Value::Nil => Ok(&[]),
            _ => shape("a list", self),
        }
    }

    /// Writes the value back in IMAP syntax (lists in parentheses, strings quoted unless they
    /// need a literal, which is written as `{n}\r\n` and the bytes).
    pub fn write_imap(&self, out: &mut Vec<u8>) {
        match self {
            Value::Nil => out.extend_from_slice(b"NIL"),
            Value::Number(n) => out.extend_from_slice(n.to_string().as_bytes()),
            Value::Atom(a) => out.extend_from_slice(a),
            Value::String(s) => {
                if s.iter().any(|&b| b == b'\r' || b == b'\n' || b == 0) {
                    out.extend_from_slice(format!("{{{}}}\r\n", s.len()).as_bytes());
                    out.extend_from_slice(s);
                } else {
                    out.extend_from_slice(&crate::proto::encode::quote(s));
                }
            }
            Value::Streamed(n) => out.extend_from_slice(format!("{{{n}}}\r\n").as_bytes()),
            Value::List(l) => {
                out.push(b'(');
                for (i, v) in l.iter().enumerate() {
                    if i > 0 {
                        out.push(b' ');
                    }
                    v.write_imap(out);
                }
                out.push(b')');
            }
        }
    }

    pub fn to_imap(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write_imap(&mut out);
        out
    }
}

/// A value of a [`Flat`] buffer: a scalar, or a list whose children are `len` consecutive
/// nodes from `start`.
#[derive(Debug, Clone)]
enum Node<'a> {
    Nil,
    Number(u64),
    Atom(&'a [u8]),
    String(Cow<'a, [u8]>),
    Streamed(u64),
    List { start: usize, len: usize },
}

static NIL_NODE: Node<'static> = Node::Nil;

/// Reusable buffers to read values without a tree of allocations: every list's children
/// are stored consecutively in one vector, so reading a value allocates nothing once the
/// buffers have grown (the FETCH parser keeps one for a whole result). Like
/// [`Tokenizer::value_from`], it refuses more than [`MAX_DEPTH`] levels of parentheses and
/// never recurses.
#[derive(Debug, Default)]
pub struct Flat<'a> {
    nodes: Vec<Node<'a>>,
    stack: Vec<Node<'a>>,
    opens: Vec<usize>,
}

impl<'a> Flat<'a> {
    pub fn new() -> Self {
        Flat::default()
    }

    /// Reads the value that starts with `first` (already read) from `t`, replacing the
    /// value read before.
    pub fn read<'f>(
        &'f mut self,
        t: &mut Tokenizer<'a>,
        first: Token<'a>,
    ) -> Result<V<'f, 'a>, ParseError> {
        self.nodes.clear();
        self.stack.clear();
        self.opens.clear();
        let mut tok = first;
        loop {
            match tok {
                Token::Open => {
                    if self.opens.len() >= MAX_DEPTH {
                        return err(
                            ErrorKind::Depth,
                            format!("nesting deeper than {MAX_DEPTH} levels"),
                        );
                    }
                    self.opens.push(self.stack.len());
                }
                Token::Close => {
                    let Some(from) = self.opens.pop() else {
                        return err(ErrorKind::Syntax, "unexpected ')'");
                    };
                    let start = self.nodes.len();
                    let len = self.stack.len() - from;
                    self.nodes.extend(self.stack.drain(from..));
                    self.stack.push(Node::List { start, len });
                }
                Token::Nil => self.stack.push(Node::Nil),
                Token::Number(n) => self.stack.push(Node::Number(n)),
                Token::Atom(a) => self.stack.push(Node::Atom(a)),
                Token::Quoted(q) => self.stack.push(Node::String(q)),
                Token::Literal(l) => self.stack.push(Node::String(Cow::Borrowed(l))),
                Token::Streamed(n) => self.stack.push(Node::Streamed(n)),
            }
            if self.opens.is_empty() {
                if let Some(root) = self.stack.pop() {
                    self.nodes.push(root);
                    let all = self.nodes.as_slice();
                    return Ok(V {
                        all,
                        node: &all[all.len() - 1],
                    });
                }
            }
            tok = match t.next_fast()? {
                Some(tok) => tok,
                None => return err(ErrorKind::Truncated, "data ends inside a list"),
            };
        }
    }
}

/// A value read into a [`Flat`] buffer: the same reading methods as [`Value`], strings
/// borrowed from the items (a quoted string with escapes is the one owned case).
#[derive(Clone, Copy)]
pub struct V<'f, 'a> {
    all: &'f [Node<'a>],
    node: &'f Node<'a>,
}

/// The children of a list of a [`Flat`] buffer.
#[derive(Clone, Copy)]
pub struct L<'f, 'a> {
    all: &'f [Node<'a>],
    items: &'f [Node<'a>],
}

impl std::fmt::Debug for V<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

impl<'f, 'a> L<'f, 'a> {
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn get(&self, i: usize) -> Option<V<'f, 'a>> {
        self.items.get(i).map(|node| V {
            all: self.all,
            node,
        })
    }

    /// Child `i`, or NIL when the list is shorter.
    pub fn field(&self, i: usize) -> V<'f, 'a> {
        self.get(i).unwrap_or(V::NIL)
    }

    /// The children from `i` on (none when the list is shorter).
    pub fn from(&self, i: usize) -> L<'f, 'a> {
        L {
            all: self.all,
            items: self.items.get(i..).unwrap_or_default(),
        }
    }

    /// The first `n` children (all when fewer).
    pub fn take(&self, n: usize) -> L<'f, 'a> {
        L {
            all: self.all,
            items: &self.items[..n.min(self.items.len())],
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = V<'f, 'a>> + 'f {
        let all = self.all;
        self.items.iter().map(move |node| V { all, node })
    }
}

impl<'f, 'a> V<'f, 'a> {
    /// NIL, standing for a missing field.
    pub const NIL: V<'static, 'static> = V {
        all: &[],
        node: &NIL_NODE,
    };

    pub fn describe(&self) -> String {
        match self.node {
            Node::Nil => "NIL".into(),
            Node::Number(n) => format!("number {n}"),
            Node::Atom(a) => format!("atom '{}'", excerpt(a)),
            Node::String(s) => format!("string '{}'", excerpt(s)),
            Node::Streamed(n) => format!("streamed literal of {n} bytes"),
            Node::List { len, .. } => format!("list of {len} values"),
        }
    }

    pub fn is_nil(&self) -> bool {
        matches!(self.node, Node::Nil)
    }

    pub fn is_list(&self) -> bool {
        matches!(self.node, Node::List { .. })
    }

    /// A quoted string or a literal.
    pub fn is_string(&self) -> bool {
        matches!(self.node, Node::String(_))
    }

    pub fn is_atom(&self) -> bool {
        matches!(self.node, Node::Atom(_))
    }

    /// The size of a streamed literal.
    pub fn streamed(&self) -> Option<u64> {
        match self.node {
            Node::Streamed(n) => Some(*n),
            _ => None,
        }
    }

    /// String, literal or atom bytes (a number is not text here).
    pub fn text(&self) -> Option<&'f [u8]> {
        match self.node {
            Node::Atom(a) => Some(a),
            Node::String(s) => Some(s),
            _ => None,
        }
    }

    /// String, literal or atom bytes, borrowed from the items where they can be.
    pub fn text_cow(&self) -> Option<Cow<'a, [u8]>> {
        match self.node {
            Node::Atom(a) => Some(Cow::Borrowed(a)),
            Node::String(s) => Some(s.clone()),
            _ => None,
        }
    }

    /// An `nstring`, leniently: NIL is `None`; strings, atoms and numbers (as their digits)
    /// are text; a list is an error.
    pub fn nstring(&self) -> Result<Option<Cow<'a, [u8]>>, ParseError> {
        match self.node {
            Node::Nil => Ok(None),
            Node::Number(n) => Ok(Some(Cow::Owned(n.to_string().into_bytes()))),
            Node::Atom(a) => Ok(Some(Cow::Borrowed(a))),
            Node::String(s) => Ok(Some(s.clone())),
            Node::Streamed(_) | Node::List { .. } => self.shape("a string or NIL"),
        }
    }

    /// A string where NIL is tolerated as empty.
    pub fn string_or_empty(&self) -> Result<Cow<'a, [u8]>, ParseError> {
        Ok(self.nstring()?.unwrap_or_default())
    }

    fn shape<T>(&self, what: &str) -> Result<T, ParseError> {
        err(
            ErrorKind::Shape,
            format!("expected {what}, got {}", self.describe()),
        )
    }

    /// A number; a quoted string of digits is accepted too.
    pub fn u64(&self) -> Result<u64, ParseError> {
        match self.node {
            Node::Number(n) => Ok(*n),
            Node::String(s) => match parse_u64(s.trim_ascii()) {
                Some(n) => Ok(n),
                None => self.shape("a number"),
            },
            _ => self.shape("a number"),
        }
    }

    /// IMAP's `number`: 0..4294967295.
    pub fn u32(&self) -> Result<u32, ParseError> {
        as_u32(self.u64()?)
    }

    /// IMAP's `nz-number` (message numbers, UIDs, UIDVALIDITY): 1..4294967295.
    pub fn nz32(&self) -> Result<u32, ParseError> {
        as_nz32(self.u64()?)
    }

    /// IMAP's `number64` (and RFC 7162's `mod-sequence-valzer`): 0..2^63-1.
    pub fn number64(&self) -> Result<u64, ParseError> {
        as_number64(self.u64()?)
    }

    /// RFC 7162's `mod-sequence-value`: 1..2^63-1.
    pub fn modseq(&self) -> Result<u64, ParseError> {
        as_modseq(self.u64()?)
    }

    /// The children of a list, or `None` for anything else.
    pub fn as_list(&self) -> Option<L<'f, 'a>> {
        match self.node {
            Node::List { start, len } => Some(L {
                all: self.all,
                items: &self.all[*start..*start + *len],
            }),
            _ => None,
        }
    }

    /// A list; NIL counts as the empty list (servers send it where a list belongs).
    pub fn list(&self) -> Result<L<'f, 'a>, ParseError> {
        match self.node {
            Node::Nil => Ok(L {
                all: self.all,
                items: &[],
            }),
            _ => match self.as_list() {
                Some(l) => Ok(l),
                None => self.shape("a list"),
            },
        }
    }

    /// Writes the value back in IMAP syntax, as [`Value::write_imap`] does. Lists are written
    /// with an explicit stack (no recursion).
    pub fn write_imap(&self, out: &mut Vec<u8>) {
        // Each entry: the nodes left to write at one level and whether one was written.
        let mut stack: Vec<(&[Node<'a>], bool)> = vec![(std::slice::from_ref(self.node), false)];
        while let Some(top) = stack.last_mut() {
            let level: &[Node<'a>] = top.0;
            let Some((node, tail)) = level.split_first() else {
                stack.pop();
                if !stack.is_empty() {
                    out.push(b')');
                }
                continue;
            };
            top.0 = tail;
            if std::mem::replace(&mut top.1, true) {
                out.push(b' ');
            }
            match node {
                Node::Nil => out.extend_from_slice(b"NIL"),
                Node::Number(n) => out.extend_from_slice(n.to_string().as_bytes()),
                Node::Atom(a) => out.extend_from_slice(a),
                Node::String(s) => {
                    if s.iter().any(|&b| b == b'\r' || b == b'\n' || b == 0) {
                        out.extend_from_slice(format!("{{{}}}\r\n", s.len()).as_bytes());
                        out.extend_from_slice(s);
                    } else {
                        out.extend_from_slice(&crate::proto::encode::quote(s));
                    }
                }
                Node::Streamed(n) => out.extend_from_slice(format!("{{{n}}}\r\n").as_bytes()),
                Node::List { start, len } => {
                    out.push(b'(');
                    stack.push((&self.all[*start..*start + *len], false));
                }
            }
        }
    }

    pub fn to_imap(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write_imap(&mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(b: &[u8]) -> Vec<Token<'_>> {
        let mut t = Tokenizer::from_bytes(b);
        let mut out = Vec::new();
        while let Some(tok) = t.next_token().unwrap() {
            out.push(tok);
        }
        out
    }

    #[test]
    fn lexes_the_basic_forms() {
        assert_eq!(
            toks(b"1 (UID 10 FLAGS (\\Seen $Junk) X \"a\\\"b\" nil)  "),
            vec![
                Token::Number(1),
                Token::Open,
                Token::Atom(b"UID"),
                Token::Number(10),
                Token::Atom(b"FLAGS"),
                Token::Open,
                Token::Atom(b"\\Seen"),
                Token::Atom(b"$Junk"),
                Token::Close,
                Token::Atom(b"X"),
                Token::Quoted(Cow::Owned(b"a\"b".to_vec())),
                Token::Nil,
                Token::Close,
            ]
        );
        assert_eq!(
            toks(b"BODY[HEADER.FIELDS (DATE \"FROM\")]<0> BODY[]"),
            vec![
                Token::Atom(b"BODY[HEADER.FIELDS (DATE \"FROM\")]<0>"),
                Token::Atom(b"BODY[]")
            ]
        );
        assert_eq!(toks(b"a]b[~/&+!"), vec![Token::Atom(b"a]b[~/&+!")]);
        assert_eq!(toks(b"[ ]"), vec![Token::Atom(b"["), Token::Atom(b"]")]);
        assert_eq!(
            toks(b"body.peek[1 2]"),
            vec![Token::Atom(b"body.peek[1 2]")]
        );
        assert_eq!(toks(b"~/Mail"), vec![Token::Atom(b"~/Mail")]);
    }

    #[test]
    fn literals_come_from_the_next_item() {
        let items = vec![
            Item::Literal(
                b"1 (BODY[] {5}".to_vec(),
                LiteralData::Bytes(b"hello".to_vec()),
            ),
            Item::Literal(b" X ~{3}".to_vec(), LiteralData::Streamed(3)),
            Item::Line(b")".to_vec()),
        ];
        let mut t = Tokenizer::new(&items);
        let v = t.read_all().unwrap();
        assert_eq!(
            v,
            vec![
                Value::Number(1),
                Value::List(vec![
                    Value::Atom(b"BODY[]"),
                    Value::String(Cow::Borrowed(b"hello")),
                    Value::Atom(b"X"),
                    Value::Streamed(3),
                ])
            ]
        );
    }

    #[test]
    fn errors_not_panics() {
        for bad in [
            &b"(a"[..],
            b")",
            b"\"abc",
            b"\"ab\\",
            b"{5}",
            b"{x}",
            b"99999999999999999999999",
        ] {
            assert!(Tokenizer::from_bytes(bad).read_all().is_err(), "{bad:?}");
        }
        let deep = [vec![b'('; 64], vec![b')'; 64]].concat();
        assert!(Tokenizer::from_bytes(&deep).read_all().is_ok());
        let deeper = [vec![b'('; 65], vec![b')'; 65]].concat();
        assert_eq!(
            Tokenizer::from_bytes(&deeper).read_all().unwrap_err().kind,
            ErrorKind::Depth
        );
        let huge = vec![b'('; 1_000_000];
        assert!(Tokenizer::from_bytes(&huge).read_all().is_err());
    }

    #[test]
    fn quote_scan_finds_the_first_quote_or_backslash() {
        for len in 0..40 {
            for at in 0..=len {
                for c in [b'"', b'\\'] {
                    let mut b = vec![b'a'; len];
                    if at < len {
                        b[at] = c;
                        // A later match never hides the first.
                        if at + 3 < len {
                            b[at + 3] = b'"';
                        }
                    }
                    assert_eq!(quote_or_backslash(&b), at, "{len} {at}");
                }
            }
        }
        // Bytes that differ from '"' and '\\' only in the high bit or by one do not match.
        assert_eq!(quote_or_backslash(b"\xa2\xdc!#[]\x21\x23\x5b\x5d"), 10);
    }

    #[test]
    fn lenient_unescaped_quote() {
        assert_eq!(
            toks(b"(\"name\" \"a\"b.txt\")"),
            vec![
                Token::Open,
                Token::Quoted(Cow::Borrowed(b"name")),
                Token::Quoted(Cow::Borrowed(b"a\"b.txt")),
                Token::Close
            ]
        );
    }
}
