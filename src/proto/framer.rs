//! Cuts the server's byte stream into lines and literals.
//!
//! Input arrives in arbitrary chunks through [`Framer::feed`]. [`Framer::next`] hands out one
//! fragment at a time: a line (CRLF removed, literal announcement noted) or the end of a literal.
//! Literal bytes never sit in the framer: they are pushed to the caller's [`LiteralSink`] as they
//! arrive, so a streaming sink keeps memory constant whatever the literal's size.

use super::ProtoError;

/// Where the bytes of a literal go.
pub trait LiteralSink {
    /// A literal of `size` bytes begins; `line` is the line that announced it (`* 1 FETCH
    /// (BODY[] {1234}`). Refuse sizes you cannot take here, before any byte arrives; never
    /// allocate `size` bytes up front.
    fn begin(&mut self, size: u64, line: &[u8]) -> Result<(), ProtoError>;
    /// The next chunk of the literal.
    fn write(&mut self, chunk: &[u8]) -> Result<(), ProtoError>;
    /// The literal is complete.
    fn finish(&mut self) -> Result<LiteralData, ProtoError>;
    /// Whether a literal of `size` bytes (just begun) is kept in memory, so that it counts
    /// against the untagged-response limit while it arrives. Sinks that pass the bytes on
    /// elsewhere say no (the default).
    fn buffers(&self, _size: u64) -> bool {
        false
    }
    /// The literal limit changed (the session's settings): sinks that enforce it take the new
    /// value from the next literal on.
    fn set_max_literal(&mut self, _max: u64) {}
    /// The connection ended: drop the literal in progress, if any.
    fn abandon(&mut self) {}
}

/// A literal's bytes in memory its owner lent (see [`AllocSink`]): exactly the literal's
/// size, filled by the sink, given back to the owner when dropped.
pub trait ExternalBytes: Send + std::fmt::Debug {
    fn bytes(&self) -> &[u8];
    fn bytes_mut(&mut self) -> &mut [u8];
    /// The owner's token for this buffer (what it gets back when the buffer is dropped).
    fn handle(&self) -> usize;
}

/// Asks the owner of the memory for a buffer of exactly `size` bytes; `None`: buffer the
/// literal as usual.
pub type AllocFn = Box<dyn FnMut(usize) -> Option<Box<dyn ExternalBytes>> + Send>;

/// A finished literal, as its sink kept it.
#[derive(Debug)]
pub enum LiteralData {
    /// The sink buffered the bytes.
    Bytes(Vec<u8>),
    /// The sink passed the bytes on elsewhere; only the size is left here.
    Streamed(u64),
    /// The sink filled a buffer its owner lent ([`AllocSink`]); dropping it gives it back.
    External(Box<dyn ExternalBytes>),
}

impl LiteralData {
    /// The literal's bytes, when they are kept here (buffered or in a lent buffer).
    pub fn bytes(&self) -> Option<&[u8]> {
        match self {
            LiteralData::Bytes(b) => Some(b),
            LiteralData::External(e) => Some(e.bytes()),
            LiteralData::Streamed(_) => None,
        }
    }

    /// The literal's size.
    pub fn len(&self) -> u64 {
        match self {
            LiteralData::Streamed(n) => *n,
            other => other.bytes().map_or(0, |b| b.len() as u64),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Heap bytes its buffer takes, with the allocator's overhead (a lent buffer counts as an
    /// allocation of its size: it is held as long as the literal is).
    pub fn weight(&self) -> u64 {
        match self {
            LiteralData::Bytes(b) => super::response::alloc_cost(b.capacity()),
            LiteralData::External(e) => super::response::alloc_cost(e.bytes().len()),
            LiteralData::Streamed(_) => 0,
        }
    }
}

/// A copy keeps the bytes in a buffer of its own (a lent buffer is not shared).
impl Clone for LiteralData {
    fn clone(&self) -> Self {
        match self {
            LiteralData::Bytes(b) => LiteralData::Bytes(b.clone()),
            LiteralData::Streamed(n) => LiteralData::Streamed(*n),
            LiteralData::External(e) => LiteralData::Bytes(e.bytes().to_vec()),
        }
    }
}

/// Equal when the same bytes are kept (wherever they are), or the same size was streamed.
impl PartialEq for LiteralData {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (LiteralData::Streamed(a), LiteralData::Streamed(b)) => a == b,
            (LiteralData::Streamed(_), _) | (_, LiteralData::Streamed(_)) => false,
            _ => self.bytes() == other.bytes(),
        }
    }
}

impl Eq for LiteralData {}

/// The default sink: buffers each literal, up to `max` bytes.
#[derive(Debug)]
pub struct BufferSink {
    max: u64,
    buf: Vec<u8>,
    /// The size announced for the literal in progress.
    size: usize,
}

impl BufferSink {
    pub fn new(max: u64) -> Self {
        BufferSink {
            max,
            buf: Vec::new(),
            size: 0,
        }
    }
}

impl BufferSink {
    /// Refuses a literal over the limit.
    fn check(&self, size: u64) -> Result<(), ProtoError> {
        if size > self.max {
            return Err(ProtoError::Limit(format!(
                "literal of {size} bytes exceeds the limit of {} bytes",
                self.max
            )));
        }
        Ok(())
    }
}

impl LiteralSink for BufferSink {
    fn begin(&mut self, size: u64, _line: &[u8]) -> Result<(), ProtoError> {
        self.check(size)?;
        // Grow as bytes arrive; a lying size must not reserve memory.
        self.size = usize::try_from(size).unwrap_or(usize::MAX);
        self.buf = Vec::with_capacity(self.size.min(64 * 1024));
        Ok(())
    }

    fn write(&mut self, chunk: &[u8]) -> Result<(), ProtoError> {
        let need = self.buf.len() + chunk.len();
        if need > self.buf.capacity() {
            // Double, but never past the announced size: a finished literal holds no spare room.
            let cap = (self.buf.capacity() * 2).min(self.size).max(need);
            self.buf.reserve_exact(cap - self.buf.len());
        }
        self.buf.extend_from_slice(chunk);
        Ok(())
    }

    fn buffers(&self, _size: u64) -> bool {
        true
    }

    fn finish(&mut self) -> Result<LiteralData, ProtoError> {
        Ok(LiteralData::Bytes(std::mem::take(&mut self.buf)))
    }

    fn set_max_literal(&mut self, max: u64) {
        self.max = max;
    }

    fn abandon(&mut self) {
        self.buf = Vec::new();
    }
}

/// What an [`AllocSink`] does with the literal in progress.
#[derive(Debug)]
enum Lent {
    /// Buffered by the inner [`BufferSink`] (small, or the owner had no buffer to lend).
    Buffered,
    /// Large enough to ask for a buffer, which is asked for with the first byte: the limits
    /// are checked (by [`AllocSink::begin`] and the assembler) before any memory is lent.
    Pending(usize),
    /// In a lent buffer, of which `filled` bytes are written.
    Filling(Box<dyn ExternalBytes>, usize),
}

/// Reads each literal of at least `min_size` bytes (and at least 1) straight into a buffer of
/// exactly its size lent by the caller's [`AllocFn`] (no copy between the library's buffer
/// and the caller's); smaller literals, and those the allocator declines, are buffered as by
/// [`BufferSink`]. The literal limit applies to both, before any buffer is asked for.
pub struct AllocSink {
    min_size: u64,
    buffer: BufferSink,
    alloc: AllocFn,
    current: Lent,
}

impl AllocSink {
    pub fn new(min_size: u64, max_literal: u64, alloc: AllocFn) -> Self {
        AllocSink {
            min_size: min_size.max(1),
            buffer: BufferSink::new(max_literal),
            alloc,
            current: Lent::Buffered,
        }
    }
}

impl LiteralSink for AllocSink {
    fn begin(&mut self, size: u64, line: &[u8]) -> Result<(), ProtoError> {
        // A literal cut short (the connection failed in the middle) gives its buffer back now.
        self.current = Lent::Buffered;
        if size < self.min_size {
            return self.buffer.begin(size, line);
        }
        self.buffer.check(size)?;
        // Within the literal limit, so this fits in memory.
        self.current = Lent::Pending(usize::try_from(size).unwrap_or(usize::MAX));
        Ok(())
    }

    fn write(&mut self, chunk: &[u8]) -> Result<(), ProtoError> {
        if let Lent::Pending(size) = self.current {
            self.current = match (self.alloc)(size) {
                Some(buf) if buf.bytes().len() == size => Lent::Filling(buf, 0),
                // Declined (a buffer of another size is given back at once, unused): buffered.
                _ => {
                    self.buffer.begin(size as u64, &[])?;
                    Lent::Buffered
                }
            };
        }
        match &mut self.current {
            Lent::Filling(buf, filled) => {
                let end = *filled + chunk.len();
                let Some(room) = buf.bytes_mut().get_mut(*filled..end) else {
                    return Err(ProtoError::Protocol("literal longer than announced".into()));
                };
                room.copy_from_slice(chunk);
                *filled = end;
                Ok(())
            }
            _ => self.buffer.write(chunk),
        }
    }

    fn finish(&mut self) -> Result<LiteralData, ProtoError> {
        match std::mem::replace(&mut self.current, Lent::Buffered) {
            Lent::Filling(buf, filled) if filled == buf.bytes().len() => {
                Ok(LiteralData::External(buf))
            }
            Lent::Filling(..) | Lent::Pending(_) => Err(ProtoError::Protocol(
                "literal shorter than announced".into(),
            )),
            Lent::Buffered => self.buffer.finish(),
        }
    }

    fn buffers(&self, _size: u64) -> bool {
        true
    }

    fn set_max_literal(&mut self, max: u64) {
        self.buffer.set_max_literal(max);
    }

    fn abandon(&mut self) {
        // A lent buffer goes back to its owner now.
        self.current = Lent::Buffered;
        self.buffer.abandon();
    }
}

/// A piece of a literal handed to a [`StreamSink`]'s callback.
#[derive(Debug, Clone, Copy)]
pub struct LiteralChunk<'a> {
    /// The line that announced the literal (`* 1 FETCH (UID 7 BODY[] {1234}`).
    pub line: &'a [u8],
    /// The literal's whole size.
    pub size: u64,
    /// How many of its bytes came before this chunk.
    pub offset: u64,
    /// The bytes (empty only for a literal of size 0, which gets one call).
    pub data: &'a [u8],
}

/// What a [`StreamSink`] calls for each chunk; `false` stops the transfer (an error: the rest
/// of the response cannot be skipped safely).
pub type ChunkFn = Box<dyn FnMut(LiteralChunk<'_>) -> bool + Send>;

/// Hands literals of at least `min_size` bytes to a callback chunk by chunk, in constant
/// memory (they finish as [`LiteralData::Streamed`]); smaller ones are buffered as by
/// [`BufferSink`], so short strings such as mailbox names stay in the result.
pub struct StreamSink {
    min_size: u64,
    buffer: BufferSink,
    callback: ChunkFn,
    /// The literal being streamed: its announcing line, size and bytes passed so far.
    current: Option<(Vec<u8>, u64, u64)>,
}

impl StreamSink {
    pub fn new(min_size: u64, max_buffered: u64, callback: ChunkFn) -> Self {
        StreamSink {
            min_size,
            buffer: BufferSink::new(max_buffered),
            callback,
            current: None,
        }
    }

    fn deliver(&mut self, data: &[u8]) -> Result<(), ProtoError> {
        let Some((line, size, offset)) = &mut self.current else {
            return Ok(());
        };
        let chunk = LiteralChunk {
            line,
            size: *size,
            offset: *offset,
            data,
        };
        *offset += data.len() as u64;
        if (self.callback)(chunk) {
            Ok(())
        } else {
            Err(ProtoError::Protocol(
                "the literal callback stopped the transfer".into(),
            ))
        }
    }
}

impl LiteralSink for StreamSink {
    fn begin(&mut self, size: u64, line: &[u8]) -> Result<(), ProtoError> {
        if size < self.min_size {
            self.current = None;
            return self.buffer.begin(size, line);
        }
        self.current = Some((line.to_vec(), size, 0));
        if size == 0 {
            self.deliver(&[])?;
        }
        Ok(())
    }

    fn write(&mut self, chunk: &[u8]) -> Result<(), ProtoError> {
        match self.current {
            Some(_) => self.deliver(chunk),
            None => self.buffer.write(chunk),
        }
    }

    fn finish(&mut self) -> Result<LiteralData, ProtoError> {
        match self.current.take() {
            Some((_, size, _)) => Ok(LiteralData::Streamed(size)),
            None => self.buffer.finish(),
        }
    }

    fn buffers(&self, size: u64) -> bool {
        size < self.min_size
    }

    fn set_max_literal(&mut self, max: u64) {
        self.buffer.set_max_literal(max);
    }
}

/// One piece of the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fragment {
    /// A line without its CRLF. `literal` is the size announced at its end (`{N}` or `~{N}`);
    /// the literal's bytes follow through the sink, then [`Fragment::LiteralEnd`].
    Line { text: Vec<u8>, literal: Option<u64> },
    /// The literal announced by the previous line is complete.
    LiteralEnd(LiteralData),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Expecting a line. `continues` is true right after a literal: the line belongs to the same
    /// response, so it may announce another literal whatever it starts with.
    Line {
        continues: bool,
    },
    Literal {
        remaining: u64,
    },
}

/// The room [`Framer::fill`] offers each read: one socket read's worth.
///
/// cbindgen:ignore
pub const READ_CHUNK: usize = 64 * 1024;

/// See the module documentation.
#[derive(Debug)]
pub struct Framer {
    /// Received bytes are `buf[pos..end]`; `buf[end..]` is room for the next read (kept
    /// initialised, so a read goes straight into it: see [`Framer::fill`]).
    buf: Vec<u8>,
    pos: usize,
    end: usize,
    /// Bytes of `buf[pos..]` already searched for LF, so a long line is scanned once.
    scanned: usize,
    state: State,
    max_line: usize,
}

impl Framer {
    pub fn new(max_line: usize) -> Self {
        Framer {
            buf: Vec::new(),
            pos: 0,
            end: 0,
            scanned: 0,
            state: State::Line { continues: false },
            max_line,
        }
    }

    pub fn set_max_line(&mut self, max_line: usize) {
        self.max_line = max_line;
    }

    /// Appends bytes received from the server.
    pub fn feed(&mut self, data: &[u8]) {
        self.room(data.len())[..data.len()].copy_from_slice(data);
        self.end += data.len();
    }

    /// Reads from the server straight into the buffer (no copy between a read buffer and the
    /// framer): `read` gets room for at least [`READ_CHUNK`] bytes and returns how many it
    /// wrote, as `io::Read::read` does. Its error comes back unchanged.
    pub fn fill(
        &mut self,
        read: impl FnOnce(&mut [u8]) -> std::io::Result<usize>,
    ) -> std::io::Result<usize> {
        let room = self.room(READ_CHUNK);
        let len = room.len();
        let n = read(room)?;
        self.end += n.min(len);
        Ok(n)
    }

    /// At least `want` bytes of room after the data: the handed-out bytes before `pos` are
    /// dropped first (moving the unread rest to the front), then the buffer grows if needed.
    fn room(&mut self, want: usize) -> &mut [u8] {
        if self.pos == self.end {
            self.pos = 0;
            self.end = 0;
        } else if self.pos > 0 && self.buf.len() - self.end < want {
            self.buf.copy_within(self.pos..self.end, 0);
            self.end -= self.pos;
            self.pos = 0;
        }
        if self.buf.len() - self.end < want {
            self.buf.resize(self.end + want, 0);
        }
        &mut self.buf[self.end..]
    }

    /// Bytes received but not yet handed out.
    pub fn buffered(&self) -> usize {
        self.end - self.pos
    }

    /// True between responses: no partial line, no literal in progress.
    pub fn at_boundary(&self) -> bool {
        self.state == State::Line { continues: false } && self.buffered() == 0
    }

    /// Takes up to `max` raw bytes, bypassing framing (for the raw-I/O calls of a later issue).
    pub fn take_raw(&mut self, max: usize) -> Vec<u8> {
        let n = max.min(self.buffered());
        let out = self.buf[self.pos..self.pos + n].to_vec();
        self.pos += n;
        self.scanned = 0;
        out
    }

    /// The next fragment, or `None` when more input is needed.
    pub fn next(&mut self, sink: &mut dyn LiteralSink) -> Result<Option<Fragment>, ProtoError> {
        match self.state {
            State::Literal { remaining } => {
                let take = (self.buffered() as u64).min(remaining) as usize;
                if take > 0 {
                    sink.write(&self.buf[self.pos..self.pos + take])?;
                    self.pos += take;
                }
                let remaining = remaining - take as u64;
                if remaining > 0 {
                    self.state = State::Literal { remaining };
                    return Ok(None);
                }
                self.state = State::Line { continues: true };
                Ok(Some(Fragment::LiteralEnd(sink.finish()?)))
            }
            State::Line { continues } => {
                let avail = &self.buf[self.pos..self.end];
                let lf = match memchr::memchr(b'\n', &avail[self.scanned..]) {
                    Some(i) => self.scanned + i,
                    None => {
                        self.scanned = avail.len();
                        if avail.len() > self.max_line {
                            return Err(line_too_long(self.max_line));
                        }
                        return Ok(None);
                    }
                };
                if lf + 1 > self.max_line {
                    return Err(line_too_long(self.max_line));
                }
                if lf == 0 || avail[lf - 1] != b'\r' {
                    return Err(ProtoError::Protocol(format!(
                        "line not terminated by CRLF: '{}'",
                        super::show(&avail[..(lf + 1).min(200)])
                    )));
                }
                let text = avail[..lf - 1].to_vec();
                self.pos += lf + 1;
                self.scanned = 0;
                if let Some(bad) = memchr::memchr2(0, b'\r', &text) {
                    let what = if text[bad] == 0 { "NUL" } else { "bare CR" };
                    return Err(ProtoError::Protocol(format!(
                        "{what} in a response line: '{}'",
                        super::show(&text[..text.len().min(200)])
                    )));
                }
                // Tagged and continuation lines never carry literals; untagged lines and the
                // lines that follow a literal may.
                let literal = if continues || text.first() == Some(&b'*') {
                    literal_size(&text)?
                } else {
                    None
                };
                match literal {
                    Some(size) => {
                        sink.begin(size, &text)?;
                        self.state = State::Literal { remaining: size };
                    }
                    None => self.state = State::Line { continues: false },
                }
                Ok(Some(Fragment::Line { text, literal }))
            }
        }
    }
}

fn line_too_long(max: usize) -> ProtoError {
    ProtoError::Limit(format!("got more than {max} bytes in a line"))
}

/// The size announced by `{N}` or `~{N}` at the end of a line, if any. Sizes that do not fit in
/// 63 bits, empty sizes and non-synchronising `{N+}` from a server are protocol errors.
pub fn literal_size(line: &[u8]) -> Result<Option<u64>, ProtoError> {
    if line.last() != Some(&b'}') {
        return Ok(None);
    }
    let Some(open) = line.iter().rposition(|&b| b == b'{') else {
        return Ok(None);
    };
    let inner = &line[open + 1..line.len() - 1];
    if !inner
        .iter()
        .all(|&b| b.is_ascii_digit() || b == b'+' || b == b'-')
    {
        return Ok(None); // ordinary text that happens to end with braces
    }
    let bad = || {
        ProtoError::Protocol(format!(
            "invalid literal size '{{{}}}'",
            super::show(&inner[..inner.len().min(40)])
        ))
    };
    if inner.is_empty() || !inner.iter().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let mut n: u64 = 0;
    for &d in inner {
        n = n
            .checked_mul(10)
            .and_then(|n| n.checked_add(u64::from(d - b'0')))
            .filter(|&n| n <= i64::MAX as u64)
            .ok_or_else(bad)?;
    }
    Ok(Some(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8], chunk: usize) -> Result<Vec<Fragment>, ProtoError> {
        let mut f = Framer::new(1000);
        let mut sink = BufferSink::new(1 << 20);
        let mut out = Vec::new();
        for piece in input.chunks(chunk.max(1)) {
            f.feed(piece);
            while let Some(fr) = f.next(&mut sink)? {
                out.push(fr);
            }
        }
        Ok(out)
    }

    /// As `frames`, reading through `fill` (a server sending at most `chunk` bytes per read).
    fn frames_filled(input: &[u8], chunk: usize) -> Result<Vec<Fragment>, ProtoError> {
        let mut f = Framer::new(1000);
        let mut sink = BufferSink::new(1 << 20);
        let mut out = Vec::new();
        let mut rest = input;
        while !rest.is_empty() {
            let n = f
                .fill(|room| {
                    assert!(room.len() >= READ_CHUNK, "fill offers a whole read's room");
                    let n = rest.len().min(chunk).min(room.len());
                    room[..n].copy_from_slice(&rest[..n]);
                    Ok(n)
                })
                .unwrap();
            rest = &rest[n..];
            while let Some(fr) = f.next(&mut sink)? {
                out.push(fr);
            }
        }
        Ok(out)
    }

    fn both(input: &[u8]) -> Vec<Fragment> {
        let whole = frames(input, input.len()).unwrap();
        assert_eq!(whole, frames(input, 1).unwrap(), "byte-at-a-time differs");
        assert_eq!(whole, frames(input, 7).unwrap(), "7-byte chunks differ");
        for chunk in [1, 7, 4096, usize::MAX] {
            assert_eq!(
                whole,
                frames_filled(input, chunk).unwrap(),
                "fill({chunk}) differs"
            );
        }
        whole
    }

    #[test]
    fn reads_straight_into_the_buffer_across_many_reads() {
        // Literals larger than a read, lines split across reads, a partial line kept while
        // the buffer's front is reused: the same fragments as one feed of everything.
        let mut input = Vec::new();
        for i in 0..40u8 {
            let body = vec![b'a' + i % 26; 150_000 + usize::from(i) * 1000];
            input.extend_from_slice(
                format!("* {} FETCH (BODY[] {{{}}}\r\n", i + 1, body.len()).as_bytes(),
            );
            input.extend_from_slice(&body);
            input.extend_from_slice(b")\r\n");
        }
        input.extend_from_slice(b"a1 OK done\r\n");
        let whole = frames(&input, input.len()).unwrap();
        assert_eq!(whole.len(), 40 * 3 + 1);
        for chunk in [1000, 65_535, READ_CHUNK + 17, usize::MAX] {
            assert_eq!(
                whole,
                frames_filled(&input, chunk).unwrap(),
                "fill({chunk}) differs"
            );
        }
    }

    fn line(t: &[u8], literal: Option<u64>) -> Fragment {
        Fragment::Line {
            text: t.to_vec(),
            literal,
        }
    }

    #[test]
    fn lines_and_literals() {
        let got = both(b"* 1 FETCH (UID 10 RFC822 {5}\r\nhello)\r\nA1 OK done\r\n");
        assert_eq!(
            got,
            vec![
                line(b"* 1 FETCH (UID 10 RFC822 {5}", Some(5)),
                Fragment::LiteralEnd(LiteralData::Bytes(b"hello".to_vec())),
                line(b")", None),
                line(b"A1 OK done", None),
            ]
        );
    }

    #[test]
    fn literal_containing_crlf_and_tag_is_data() {
        let got = both(b"* 1 FETCH (BODY[] {14}\r\nA1 OK fake\r\n\r\n)\r\n");
        assert_eq!(
            got[1],
            Fragment::LiteralEnd(LiteralData::Bytes(b"A1 OK fake\r\n\r\n".to_vec()))
        );
        assert_eq!(got[2], line(b")", None));
    }

    #[test]
    fn empty_literal_and_literal8() {
        let got = both(b"* 1 FETCH (BODY[] {0}\r\n BINARY[] ~{2}\r\nab)\r\n");
        assert_eq!(got[0], line(b"* 1 FETCH (BODY[] {0}", Some(0)));
        assert_eq!(got[1], Fragment::LiteralEnd(LiteralData::Bytes(vec![])));
        assert_eq!(got[2], line(b" BINARY[] ~{2}", Some(2)));
        assert_eq!(
            got[3],
            Fragment::LiteralEnd(LiteralData::Bytes(b"ab".to_vec()))
        );
    }

    #[test]
    fn tagged_and_continuation_lines_carry_no_literal() {
        let got = both(b"A1 NO text {5}\r\n+ go {3}\r\n");
        assert_eq!(
            got,
            vec![line(b"A1 NO text {5}", None), line(b"+ go {3}", None)]
        );
    }

    #[test]
    fn bare_lf_nul_and_bare_cr_are_protocol_errors() {
        for bad in [&b"* OK hi\n"[..], b"* OK h\0i\r\n", b"* OK a\rb\r\n", b"\n"] {
            assert!(
                matches!(frames(bad, 100), Err(ProtoError::Protocol(_))),
                "{bad:?}"
            );
            assert!(
                matches!(frames(bad, 1), Err(ProtoError::Protocol(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn line_limit_is_exact() {
        // 1000 bytes including CRLF is accepted, 1001 is not, with or without its LF yet.
        let ok = [b"* ".as_ref(), &[b'x'; 996], b"\r\n"].concat();
        assert_eq!(ok.len(), 1000);
        assert_eq!(both(&ok).len(), 1);
        let long = [b"* ".as_ref(), &[b'x'; 997], b"\r\n"].concat();
        assert!(matches!(frames(&long, 1), Err(ProtoError::Limit(_))));
        assert!(matches!(
            frames(&long[..1001], 1),
            Err(ProtoError::Limit(_))
        ));
    }

    #[test]
    fn literal_sizes() {
        assert_eq!(literal_size(b"* X {12}").unwrap(), Some(12));
        assert_eq!(literal_size(b"* X ~{0}").unwrap(), Some(0));
        assert_eq!(literal_size(b"* OK {braces} in text").unwrap(), None);
        assert_eq!(literal_size(b"* OK {abc}").unwrap(), None);
        for bad in [
            &b"* X {}"[..],
            b"* X {5+}",
            b"* X {-1}",
            b"* X {9223372036854775808}",
        ] {
            assert!(literal_size(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            literal_size(b"* X {9223372036854775807}").unwrap(),
            Some(i64::MAX as u64)
        );
    }

    #[test]
    fn huge_literal_is_refused_before_any_allocation() {
        let mut f = Framer::new(1000);
        let mut sink = BufferSink::new(1024);
        f.feed(b"* 1 FETCH (BODY[] {2000000000}\r\n");
        assert!(matches!(f.next(&mut sink), Err(ProtoError::Limit(_))));
    }

    #[test]
    fn stream_sink_passes_large_literals_on_and_buffers_small_ones() {
        let input = b"* 1 FETCH (BODY[] {11}\r\nhello world NAME {2}\r\nab)\r\n";
        for chunk in [1, 3, usize::MAX] {
            let got = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
            let g = std::sync::Arc::clone(&got);
            let cb = Box::new(move |c: LiteralChunk<'_>| {
                assert!(c.line.ends_with(b"{11}"));
                assert_eq!(c.size, 11);
                let mut v = g.lock().unwrap();
                assert_eq!(c.offset as usize, v.len());
                v.extend_from_slice(c.data);
                true
            });
            let mut sink = StreamSink::new(5, 100, cb);
            let mut f = Framer::new(1000);
            let mut ends = Vec::new();
            for piece in input.chunks(chunk.min(input.len())) {
                f.feed(piece);
                while let Some(fr) = f.next(&mut sink).unwrap() {
                    if let Fragment::LiteralEnd(d) = fr {
                        ends.push(d);
                    }
                }
            }
            assert_eq!(&*got.lock().unwrap(), b"hello world");
            assert_eq!(
                ends,
                vec![
                    LiteralData::Streamed(11),
                    LiteralData::Bytes(b"ab".to_vec())
                ]
            );
        }
    }

    /// A lent buffer that counts the live ones (released when dropped).
    #[derive(Debug)]
    struct Counted(Vec<u8>, std::sync::Arc<std::sync::atomic::AtomicI64>);

    impl ExternalBytes for Counted {
        fn bytes(&self) -> &[u8] {
            &self.0
        }
        fn bytes_mut(&mut self) -> &mut [u8] {
            &mut self.0
        }
        fn handle(&self) -> usize {
            7
        }
    }

    impl Drop for Counted {
        fn drop(&mut self) {
            self.1.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
        }
    }

    fn lending(
        min: u64,
        max: u64,
        decline_over: usize,
    ) -> (AllocSink, std::sync::Arc<std::sync::atomic::AtomicI64>) {
        let live = std::sync::Arc::new(std::sync::atomic::AtomicI64::new(0));
        let l = live.clone();
        let alloc: AllocFn = Box::new(move |n| {
            if n > decline_over {
                return None;
            }
            l.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Some(Box::new(Counted(vec![0; n], l.clone())) as Box<dyn ExternalBytes>)
        });
        (AllocSink::new(min, max, alloc), live)
    }

    #[test]
    fn alloc_sink_lends_large_literals_and_buffers_the_rest() {
        use std::sync::atomic::Ordering::SeqCst;
        let (mut sink, live) = lending(10, 1000, 500);
        let input = b"* 1 FETCH (A {3}\r\nabc B {12}\r\nhello world! C {600}\r\n";
        let mut f = Framer::new(1000);
        let mut out = Vec::new();
        for piece in input.chunks(5) {
            f.feed(piece);
            while let Some(fr) = f.next(&mut sink).unwrap() {
                out.push(fr);
            }
        }
        f.feed(&[b'x'; 600]);
        f.feed(b")\r\n");
        while let Some(fr) = f.next(&mut sink).unwrap() {
            out.push(fr);
        }
        let lits: Vec<&LiteralData> = out
            .iter()
            .filter_map(|fr| match fr {
                Fragment::LiteralEnd(d) => Some(d),
                _ => None,
            })
            .collect();
        assert!(
            matches!(lits[0], LiteralData::Bytes(b) if b == b"abc"),
            "small: buffered"
        );
        assert!(matches!(lits[1], LiteralData::External(e) if e.bytes() == b"hello world!"));
        assert!(
            matches!(lits[2], LiteralData::Bytes(b) if b.len() == 600),
            "declined"
        );
        assert_eq!(lits[1].weight(), super::super::response::alloc_cost(12));
        assert_eq!(*lits[1], LiteralData::Bytes(b"hello world!".to_vec()));
        assert_eq!(live.load(SeqCst), 1);
        drop(out);
        assert_eq!(live.load(SeqCst), 0, "released when the item goes");
    }

    #[test]
    fn alloc_sink_checks_the_limit_first_and_gives_back_a_cut_literal() {
        use std::sync::atomic::Ordering::SeqCst;
        let (mut sink, live) = lending(1, 100, usize::MAX);
        assert!(matches!(
            sink.begin(101, b"x {101}"),
            Err(ProtoError::Limit(_))
        ));
        assert_eq!(live.load(SeqCst), 0, "nothing asked for over the limit");
        sink.set_max_literal(1000);
        sink.begin(101, b"x {101}").unwrap();
        assert_eq!(live.load(SeqCst), 0, "asked for with the first byte only");
        sink.write(b"abc").unwrap();
        assert_eq!(live.load(SeqCst), 1);
        sink.abandon();
        assert_eq!(live.load(SeqCst), 0, "a cut literal's buffer goes back");
        sink.begin(4, b"x {4}").unwrap();
        sink.write(b"ab").unwrap();
        sink.begin(5, b"x {5}").unwrap(); // a new literal (after a failure) drops the old
        assert_eq!(live.load(SeqCst), 0);
        sink.write(b"abcde").unwrap();
        let done = sink.finish().unwrap();
        assert_eq!(done.bytes(), Some(&b"abcde"[..]));
        assert!(
            matches!(done.clone(), LiteralData::Bytes(_)),
            "a copy owns its bytes"
        );
        drop(done);
        assert_eq!(live.load(SeqCst), 0);
    }
}
