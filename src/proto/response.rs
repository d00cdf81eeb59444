//! Assembles framer fragments into whole responses and turns them into imaplib's items.

use super::framer::{Fragment, Framer, LiteralData, LiteralSink};
use super::parse::{self, Line};
use super::{Limits, ProtoError};

/// One line of a response and the literal announced at its end, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub line: Vec<u8>,
    pub literal: Option<LiteralData>,
}

/// A whole response: one or more segments; only the last has no literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawResponse {
    pub segments: Vec<Segment>,
}

/// One element of imaplib's `data` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// imaplib's `None` (no response of that kind).
    None,
    /// A line of bytes.
    Line(Vec<u8>),
    /// A `(header, literal)` pair: the line that announced the literal, and the literal.
    Literal(Vec<u8>, LiteralData),
}

/// What a heap allocation of `n` bytes costs the process: allocators round requests up and
/// keep a header. Counted as 16-byte granules plus 16 bytes, which covers glibc's malloc (its
/// smallest chunk is 32 bytes) and the usual others.
pub fn alloc_cost(n: usize) -> u64 {
    if n == 0 {
        0
    } else {
        (n as u64).div_ceil(16) * 16 + 16
    }
}

impl Item {
    /// Heap bytes this item's own buffers take, by capacity and with the allocator's overhead
    /// (for the untagged store's limit). The item's slot in a `Vec` is the owner's to count.
    pub fn weight(&self) -> u64 {
        match self {
            Item::None => 0,
            Item::Line(l) => alloc_cost(l.capacity()),
            Item::Literal(h, data) => alloc_cost(h.capacity()) + data.weight(),
        }
    }
}

impl RawResponse {
    pub fn first_line(&self) -> &[u8] {
        &self.segments[0].line
    }

    pub fn classify(&self) -> Result<Line, ProtoError> {
        parse::classify(self.first_line())
    }

    /// imaplib's items for this response, given the stored data of its first line: the first
    /// line's data and every following line, each paired with the literal it announced.
    pub fn into_items(self, first_data: Vec<u8>) -> Vec<Item> {
        let mut out = Vec::with_capacity(self.segments.len());
        for (i, seg) in self.segments.into_iter().enumerate() {
            let line = if i == 0 { first_data.clone() } else { seg.line };
            out.push(match seg.literal {
                Some(lit) => Item::Literal(line, lit),
                None => Item::Line(line),
            });
        }
        out
    }
}

/// Memory a response's segment takes besides its buffers: its slot in the segment list, the
/// list's spare room, and the copy made while the list grows.
const SEGMENT_COST: u64 = 3 * std::mem::size_of::<Segment>() as u64;

/// Feeds the framer and collects fragments into whole responses, under the response limit
/// and the room left under the untagged-response limit (see [`Assembler::set_room`]). The
/// size of a response is what it really takes in memory: buffers by capacity with the
/// allocator's overhead, the segment list, and a buffered literal from the moment it begins.
#[derive(Debug)]
pub struct Assembler {
    framer: Framer,
    partial: Vec<Segment>,
    size: u64,
    depth: i64,
    max_response: u64,
    room: u64,
    /// The charge made when the literal in progress began (it is buffered).
    literal_charge: u64,
}

impl Assembler {
    pub fn new(limits: &Limits) -> Self {
        Assembler {
            framer: Framer::new(limits.max_line),
            partial: Vec::new(),
            size: 0,
            depth: 0,
            max_response: limits.max_response,
            room: u64::MAX,
            literal_charge: 0,
        }
    }

    /// How much memory the response being received may take at most besides the response
    /// limit: the room left in the store of untagged responses, where it will most likely go.
    pub fn set_room(&mut self, room: u64) {
        self.room = room;
    }

    pub fn set_limits(&mut self, limits: &Limits) {
        self.framer.set_max_line(limits.max_line);
        self.max_response = limits.max_response;
    }

    pub fn feed(&mut self, data: &[u8]) {
        self.framer.feed(data);
    }

    /// Reads straight into the framer's buffer: see [`Framer::fill`].
    pub fn fill(
        &mut self,
        read: impl FnOnce(&mut [u8]) -> std::io::Result<usize>,
    ) -> std::io::Result<usize> {
        self.framer.fill(read)
    }

    /// Bytes received and not yet part of a handed-out response.
    pub fn buffered(&self) -> usize {
        self.framer.buffered()
    }

    /// True between responses with nothing buffered.
    pub fn idle(&self) -> bool {
        self.partial.is_empty() && self.framer.at_boundary()
    }

    pub fn framer_mut(&mut self) -> &mut Framer {
        &mut self.framer
    }

    fn grow(&mut self, n: u64) -> Result<(), ProtoError> {
        self.size += n;
        if self.size > self.max_response {
            return Err(ProtoError::Limit(format!(
                "response exceeds the limit of {} bytes",
                self.max_response
            )));
        }
        if self.size > self.room {
            return Err(ProtoError::Limit(format!(
                "untagged responses exceed their limit: a response of {} bytes or more does \
                 not fit in the {} bytes left",
                self.size, self.room
            )));
        }
        Ok(())
    }

    /// The next complete response, or `None` when more input is needed.
    pub fn next(&mut self, sink: &mut dyn LiteralSink) -> Result<Option<RawResponse>, ProtoError> {
        while let Some(fragment) = self.framer.next(sink)? {
            match fragment {
                Fragment::Line { text, literal } => {
                    // Blank lines between responses, and inside parentheses after a literal,
                    // are skipped (imaplib 3.15).
                    if text.is_empty()
                        && literal.is_none()
                        && (self.partial.is_empty() || self.depth > 0)
                    {
                        continue;
                    }
                    self.grow(alloc_cost(text.capacity()) + SEGMENT_COST)?;
                    if let Some(n) = literal.filter(|&n| sink.buffers(n)) {
                        // Counted from its start: the sink fills a buffer of this size.
                        self.literal_charge = alloc_cost(usize::try_from(n).unwrap_or(usize::MAX));
                        self.grow(self.literal_charge)?;
                    }
                    if literal.is_some() {
                        // Only a response that goes on after this line needs its depth (a
                        // complete one resets it below): most lines are never scanned for it.
                        self.depth += paren_delta(&text);
                    }
                    self.partial.push(Segment {
                        line: text,
                        literal: None,
                    });
                    if literal.is_none() {
                        self.size = 0;
                        self.depth = 0;
                        return Ok(Some(RawResponse {
                            segments: std::mem::take(&mut self.partial),
                        }));
                    }
                }
                Fragment::LiteralEnd(data) => {
                    self.size = self
                        .size
                        .saturating_sub(std::mem::take(&mut self.literal_charge));
                    self.grow(data.weight())?;
                    if let Some(last) = self.partial.last_mut() {
                        last.literal = Some(data);
                    }
                }
            }
        }
        Ok(None)
    }
}

/// Net change of parenthesis depth over a line, ignoring quoted strings.
fn paren_delta(line: &[u8]) -> i64 {
    let (mut d, mut quoted, mut escaped) = (0i64, false, false);
    for &b in line {
        if quoted {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => quoted = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => quoted = true,
            b'(' => d += 1,
            b')' => d -= 1,
            _ => {}
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::framer::BufferSink;

    fn assemble(input: &[u8], chunk: usize) -> Result<Vec<RawResponse>, ProtoError> {
        let limits = Limits {
            max_line: 1000,
            max_response: 10_000,
            ..Limits::default()
        };
        let mut a = Assembler::new(&limits);
        let mut sink = BufferSink::new(limits.max_literal);
        let mut out = Vec::new();
        for piece in input.chunks(chunk.max(1)) {
            a.feed(piece);
            while let Some(r) = a.next(&mut sink)? {
                out.push(r);
            }
        }
        Ok(out)
    }

    fn items(input: &[u8]) -> Vec<Vec<Item>> {
        let whole = assemble(input, usize::MAX).unwrap();
        assert_eq!(whole, assemble(input, 1).unwrap(), "byte-at-a-time differs");
        whole
            .into_iter()
            .map(|r| {
                let first = match r.classify().unwrap() {
                    Line::Untagged { data, .. } => data,
                    _ => r.first_line().to_vec(),
                };
                r.into_items(first)
            })
            .collect()
    }

    fn bytes(b: &[u8]) -> LiteralData {
        LiteralData::Bytes(b.to_vec())
    }

    #[test]
    fn imaplib_literal_shapes() {
        assert_eq!(
            items(b"* 1 FETCH (UID 10 RFC822 {5}\r\nhello)\r\n"),
            vec![vec![
                Item::Literal(b"1 (UID 10 RFC822 {5}".to_vec(), bytes(b"hello")),
                Item::Line(b")".to_vec())
            ]]
        );
        assert_eq!(
            items(b"* 1 FETCH (BODY[HEADER] {5}\r\nH\r\n\r\n BODY[TEXT] {2}\r\nT!)\r\n"),
            vec![vec![
                Item::Literal(b"1 (BODY[HEADER] {5}".to_vec(), bytes(b"H\r\n\r\n")),
                Item::Literal(b" BODY[TEXT] {2}".to_vec(), bytes(b"T!")),
                Item::Line(b")".to_vec())
            ]]
        );
        assert_eq!(
            items(b"* LIST () \"/\" {5}\r\nA b c\r\n"),
            vec![vec![
                Item::Literal(b"() \"/\" {5}".to_vec(), bytes(b"A b c")),
                Item::Line(vec![])
            ]]
        );
    }

    #[test]
    fn blank_lines_are_skipped_where_imaplib_skips_them() {
        let got = items(b"\r\n\r\n* 2 EXISTS\r\n* 1 FETCH (RFC822 {2}\r\nhi\r\n)\r\n");
        assert_eq!(got[0], vec![Item::Line(b"2".to_vec())]);
        assert_eq!(
            got[1],
            vec![
                Item::Literal(b"1 (RFC822 {2}".to_vec(), bytes(b"hi")),
                Item::Line(b")".to_vec())
            ]
        );
    }

    #[test]
    fn response_limit() {
        let big = [
            b"* 1 FETCH (A {900}\r\n".as_ref(),
            &[b'x'; 900],
            b" B {900}\r\n",
        ]
        .concat();
        let mut input = big.clone();
        for _ in 0..12 {
            input.extend_from_slice(&[b'y'; 900]);
            input.extend_from_slice(b" C {900}\r\n");
        }
        assert!(matches!(assemble(&input, 1), Err(ProtoError::Limit(_))));
    }

    #[test]
    fn paren_depth_ignores_quotes() {
        assert_eq!(paren_delta(b"1 (FLAGS (\\Seen) X \"(\\\")\""), 1);
    }
}
