//! The real `Session`, on an in-memory connection, against a scripted server: arbitrary server
//! bytes against an arbitrary sequence of calls.
//!
//! The input decodes (with `arbitrary`) into small limits, a read size, a server script and a
//! list of steps, each a call and the pieces the script gets just before it. The script is a
//! list of pieces: raw bytes, IMAP syntax from a dictionary, a tagged completion, the tag of
//! the newest (or an older, or an unknown) command, literals, repeated bytes, a read timeout,
//! an interrupt from "another thread". The server hands the bytes out lazily, at most `read
//! size` bytes per read, so the tag placeholders resolve to the command the client has just
//! sent. When the script is used up the server answers EOF, as a socket does. `Reopen` opens
//! the session again on the rest of the script.
//!
//! Invariants, checked after every call:
//! - nothing panics, and every call returns (no loop on EOF: reading EOF again and again fails
//!   the run; libFuzzer's `-timeout` catches any other hang);
//! - a call that fails with a fatal kind (Abort, Timeout, Limit, Tls, Interrupted, Connect)
//!   leaves the session closed and not idling;
//! - a call that needs the connection fails on a closed session;
//! - memory stays within a bound computed from the limits (a counting allocator watches the
//!   peak of live heap bytes);
//! - trace lines are single lines (no CR or LF).
//!
//! Run: `cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run session -- -max_total_time=30`.
#![no_main]

use arbitrary::Arbitrary;
use imap::proto::encode::{Arg, Command};
use imap::proto::framer::{LiteralChunk, StreamSink};
use imap::proto::Limits;
use imap::transport::Interrupter;
use imap::{Config, Mechanism, Session};
use libfuzzer_sys::fuzz_target;
use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

// ----- a watch on live heap bytes ------------------------------------------------------------

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(n: usize) {
    let now = LIVE.fetch_add(n, Ordering::Relaxed) + n;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        System.alloc(layout)
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        System.alloc_zeroed(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        System.dealloc(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            grew(new_size - layout.size());
        } else {
            LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

// ----- the scripted server -------------------------------------------------------------------

/// IMAP syntax the script mixes in.
const DICT: &[&[u8]] = &[
    b"\r\n",
    b"* OK ",
    b"* NO ",
    b"* BAD ",
    b"* BYE ",
    b"* PREAUTH ",
    b"+ ",
    b"+\r\n",
    b" OK ",
    b" NO ",
    b" BAD ",
    b" OK done\r\n",
    b"* CAPABILITY IMAP4rev1 IDLE ENABLE UTF8=ACCEPT AUTH=PLAIN SASL-IR\r\n",
    b"[CAPABILITY IMAP4rev1 IDLE ENABLE UTF8=ACCEPT STARTTLS AUTH=PLAIN AUTH=CRAM-MD5]",
    b"* 1 EXISTS\r\n",
    b"* 3 RECENT\r\n",
    b"* 1 EXPUNGE\r\n",
    b"* 0 EXISTS\r\n",
    b"* 4294967296 EXISTS\r\n",
    b"* 1 FETCH (FLAGS (\\Seen) UID 5 BODY[] {3}\r\nabc)\r\n",
    b"* 1 FETCH (UID 7 RFC822.SIZE 12 ENVELOPE (NIL \"s\" ((NIL NIL \"a\" \"b\")) NIL NIL NIL NIL NIL NIL NIL))\r\n",
    b"* SEARCH 1 2 3\r\n",
    b"* SORT 2 1\r\n",
    b"* THREAD (1)(2 3)\r\n",
    b"* LIST (\\Noselect) \"/\" INBOX\r\n",
    b"* FLAGS (\\Seen \\Answered)\r\n",
    b"* ENABLED UTF8=ACCEPT\r\n",
    b"* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n",
    b"* STATUS INBOX (MESSAGES 1 UIDNEXT 2)\r\n",
    b"* ID (\"name\" \"x\")\r\n",
    b"* QUOTAROOT INBOX \"\"\r\n",
    b"* QUOTA \"\" (STORAGE 1 2)\r\n",
    b"* ACL INBOX user lrs\r\n",
    b"* METADATA INBOX (/private/comment \"c\")\r\n",
    b"[READ-ONLY]",
    b"[READ-WRITE]",
    b"[UIDVALIDITY 1]",
    b"[APPENDUID 1 2]",
    b"[ALERT]",
    b"{0}\r\n",
    b"{5}\r\n",
    b"{4294967296}\r\n",
    b"~{2}\r\n",
    b"(",
    b")",
    b"\"",
    b"NIL",
    b" ",
    b"\n",
    b"\r",
    b"\0",
];

/// One piece of the server's script.
#[derive(Arbitrary, Debug, Clone)]
enum Piece {
    Bytes(Vec<u8>),
    Token(u8),
    Number(u32),
    /// A tagged completion for the newest command line the client wrote:
    /// `<tag> OK|NO|BAD done\r\n`.
    Done(u8),
    /// The tag of the newest command line the client wrote.
    Tag,
    /// The tag of an older command line.
    OldTag(u8),
    /// A tag with the client's prefix that it never used.
    UnknownTag(u16),
    /// `{N}\r\n` and the N bytes.
    Literal(Vec<u8>),
    /// The bytes, repeated (a flood).
    Repeat(u16, Vec<u8>),
    /// One read fails as a read timeout does.
    Timeout,
    /// Another thread interrupts the call: the connection is shut down, reads see EOF.
    Interrupt,
    /// The server closes the connection: reads see EOF from here on.
    Eof,
}

/// What the connections of one run share: the rest of the script and what the client wrote.
struct Script {
    pieces: VecDeque<Piece>,
    /// Bytes of the piece being served, and copies of it still to serve (`Repeat`).
    current: Vec<u8>,
    pos: usize,
    repeats: usize,
    /// The tags of the command lines the client wrote, oldest first.
    tags: Vec<Vec<u8>>,
    prefix: Vec<u8>,
    /// Answer like a plain server when the script has nothing more (see [`Script::auto`]).
    auto: bool,
    /// The newest command: its name, whether it was answered, whether it got its `+`.
    newest: Option<Newest>,
    /// What the client wrote last, and a count of its writes.
    last_write: Vec<u8>,
    writes: u64,
    /// The write whose literal announcement got its `+`.
    continued_write: u64,
}

struct Newest {
    name: Vec<u8>,
    answered: bool,
    continued: bool,
}

/// The capabilities the automatic server announces.
const AUTO_CAPABILITY: &[u8] = b"* CAPABILITY IMAP4rev1 IDLE ENABLE UTF8=ACCEPT AUTH=PLAIN AUTH=CRAM-MD5 SASL-IR LITERAL+ MOVE UNSELECT ID NAMESPACE QUOTA ACL METADATA SORT THREAD=REFERENCES\r\n";

/// Bytes past which one `Repeat` stops.
const MAX_REPEAT_BYTES: usize = 256 << 10;
/// EOF reads one connection may see before the run counts as a loop.
const MAX_EOF_READS: usize = 64;

impl Script {
    /// Resolves the next piece into `current`; `Err` for a piece that is an event.
    fn advance(&mut self) -> Option<Result<(), Event>> {
        if self.repeats > 0 {
            self.repeats -= 1;
            self.pos = 0;
            return Some(Ok(()));
        }
        let piece = self.pieces.pop_front()?;
        self.pos = 0;
        self.current = match piece {
            Piece::Bytes(b) => b,
            Piece::Token(i) => DICT[i as usize % DICT.len()].to_vec(),
            Piece::Number(n) => n.to_string().into_bytes(),
            Piece::Done(status) => {
                if let Some(n) = self.newest.as_mut() {
                    n.answered = true;
                }
                let tag = self.tags.last().map_or(&b"*"[..], Vec::as_slice);
                let status = ["OK", "NO", "BAD"][status as usize % 3];
                [tag, b" ", status.as_bytes(), b" done\r\n"].concat()
            }
            Piece::Tag => self.tags.last().cloned().unwrap_or_else(|| b"*".to_vec()),
            Piece::OldTag(k) => {
                let n = self.tags.len();
                match n.checked_sub(1 + k as usize % n.max(1)) {
                    Some(i) => self.tags[i].clone(),
                    None => b"A1".to_vec(),
                }
            }
            Piece::UnknownTag(n) => [
                &self.prefix[..],
                (1_000_000 + n as u32).to_string().as_bytes(),
            ]
            .concat(),
            Piece::Literal(b) => [format!("{{{}}}\r\n", b.len()).as_bytes(), &b].concat(),
            Piece::Repeat(n, b) => {
                if !b.is_empty() {
                    self.repeats = (n as usize).min(MAX_REPEAT_BYTES / b.len());
                }
                b
            }
            Piece::Timeout => return Some(Err(Event::Timeout)),
            Piece::Interrupt => return Some(Err(Event::Interrupt)),
            Piece::Eof => return Some(Err(Event::Eof)),
        };
        Some(Ok(()))
    }

    /// When the script has nothing more: in automatic mode, what a plain server would answer
    /// to what the client wrote last (a `+` for a literal, IDLE or AUTHENTICATE, data and a
    /// tagged OK for a command); `None` when there is nothing to answer.
    fn auto(&mut self) -> Option<Vec<u8>> {
        if !self.auto {
            return None;
        }
        let last = &self.last_write;
        let announces = last.ends_with(b"}\r\n") && !last.ends_with(b"+}\r\n");
        if announces && self.continued_write != self.writes {
            self.continued_write = self.writes;
            return Some(b"+ go ahead\r\n".to_vec());
        }
        let newest = self.newest.as_mut().filter(|n| !n.answered)?;
        let tag = self.tags.last()?.clone();
        let ok = |data: &[u8], code: &[u8]| [data, &tag, b" OK ", code, b"done\r\n"].concat();
        let reply = match newest.name.as_slice() {
            b"IDLE" | b"AUTHENTICATE" if !newest.continued => {
                newest.continued = true;
                return Some(b"+ PDEyMzQ1QGhvc3Q+\r\n".to_vec());
            }
            b"IDLE" if last != b"DONE\r\n" => return None,
            b"CAPABILITY" => ok(AUTO_CAPABILITY, b""),
            b"SELECT" | b"EXAMINE" => ok(
                b"* 2 EXISTS\r\n* 1 RECENT\r\n* FLAGS (\\Seen)\r\n* OK [UIDVALIDITY 7] ok\r\n",
                b"[READ-WRITE] ",
            ),
            b"FETCH" | b"UID" | b"STORE" => ok(
                b"* 1 FETCH (UID 4 FLAGS (\\Seen) BODY[] {5}\r\nhello)\r\n",
                b"",
            ),
            b"SEARCH" | b"SORT" => ok(b"* SEARCH 1 2\r\n", b""),
            b"LIST" | b"LSUB" => ok(b"* LIST () \"/\" INBOX\r\n", b""),
            b"ENABLE" => ok(b"* ENABLED UTF8=ACCEPT\r\n", b""),
            b"LOGOUT" => ok(b"* BYE bye\r\n", b""),
            b"APPEND" => ok(b"", b"[APPENDUID 7 3] "),
            _ => ok(b"", b""),
        };
        newest.answered = true;
        Some(reply)
    }
}

enum Event {
    Timeout,
    Interrupt,
    Eof,
}

/// One connection to the scripted server.
struct Server {
    script: Arc<Mutex<Script>>,
    interrupter: Arc<Interrupter>,
    read_size: usize,
    shut: bool,
    eof_reads: usize,
}

impl Server {
    fn eof(&mut self) -> io::Result<usize> {
        self.eof_reads += 1;
        assert!(
            self.eof_reads <= MAX_EOF_READS,
            "the session read EOF {} times: a loop",
            self.eof_reads
        );
        Ok(0)
    }
}

impl Read for Server {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.shut {
            return self.eof();
        }
        let mut s = self.script.lock().unwrap();
        while s.pos >= s.current.len() {
            match s.advance() {
                None => match s.auto() {
                    Some(reply) => {
                        s.current = reply;
                        s.pos = 0;
                    }
                    None if s.auto => {
                        // A plain server with nothing to say is silent: the read times out.
                        return Err(io::ErrorKind::WouldBlock.into());
                    }
                    None => {
                        drop(s);
                        return self.eof();
                    }
                },
                Some(Ok(())) => {}
                Some(Err(Event::Timeout)) => {
                    return Err(io::Error::new(io::ErrorKind::WouldBlock, "read timed out"))
                }
                Some(Err(Event::Interrupt)) => {
                    drop(s);
                    self.interrupter.interrupt();
                    self.shut = true;
                    return self.eof();
                }
                Some(Err(Event::Eof)) => {
                    drop(s);
                    self.shut = true;
                    return self.eof();
                }
            }
        }
        let n = (s.current.len() - s.pos).min(buf.len()).min(self.read_size);
        buf[..n].copy_from_slice(&s.current[s.pos..s.pos + n]);
        s.pos += n;
        Ok(n)
    }
}

impl Write for Server {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.shut {
            return Err(io::ErrorKind::BrokenPipe.into());
        }
        let mut s = self.script.lock().unwrap();
        if let Some(rest) = data.strip_prefix(s.prefix.as_slice()) {
            let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
            if digits > 0 && rest.get(digits) == Some(&b' ') {
                let tag = data[..s.prefix.len() + digits].to_vec();
                let name = rest[digits + 1..]
                    .split(|&b| b == b' ' || b == b'\r')
                    .next()
                    .unwrap_or_default()
                    .to_ascii_uppercase();
                s.tags.push(tag);
                s.newest = Some(Newest {
                    name,
                    answered: false,
                    continued: false,
                });
            }
        }
        s.writes += 1;
        s.last_write = data.to_vec();
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

// ----- the calls -----------------------------------------------------------------------------

const WORDS: &[&str] = &[
    "INBOX",
    "",
    "*",
    "%",
    "1",
    "1:*",
    "ALL",
    "FLAGS",
    "(FLAGS UID)",
    "BODY[]",
    "+FLAGS",
    "\\Seen",
    "(\\Seen \\Draft)",
    "Sent Items",
    "Entwürfe",
    "user",
    "pass word",
    "{5}",
    "\"q\"",
    "UTF-8",
    "DATE",
    "REFERENCES",
    "SEARCH",
    "FETCH",
    "STORE",
    "COPY",
    "MOVE",
    "SORT",
    "THREAD",
    "EXPUNGE",
    "UTF8=ACCEPT",
    "/private/comment",
    "(STORAGE 10)",
    "(MESSAGES UNSEEN)",
    "01-Jan-2024 00:00:00 +0000",
];

#[derive(Arbitrary, Debug)]
enum Text {
    Word(u8),
    Any(String),
}

impl Text {
    fn s(&self) -> String {
        match self {
            Text::Word(i) => WORDS[*i as usize % WORDS.len()].to_string(),
            Text::Any(s) => s.clone(),
        }
    }
}

fn strs(v: &[Text]) -> Vec<String> {
    v.iter().map(Text::s).collect()
}

fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[derive(Arbitrary, Debug)]
enum Mech {
    Plain(Option<Text>),
    Login,
    CramMd5,
    XOAuth2,
    OAuthBearer,
}

#[derive(Arbitrary, Debug)]
enum Op {
    Noop,
    Capability,
    Login(Text, Text),
    Logout,
    Select(Text, bool),
    Status(Text, Text),
    List(Text, Text),
    Lsub(Text, Text),
    Create(Text),
    Delete(Text),
    Rename(Text, Text),
    Subscribe(Text),
    Unsubscribe(Text),
    Append(Option<Text>, Option<Text>, Option<Text>, Vec<u8>),
    Check,
    CloseMailbox,
    Unselect,
    Expunge,
    Search(Option<Text>, Vec<Text>),
    Fetch(Text, Text),
    Store(Text, Text, Text),
    Copy(Text, Text),
    Move(Text, Text),
    Uid(Text, Vec<Text>),
    Namespace,
    Response(Text),
    Recent,
    Xatom(Text, Vec<Text>),
    GetAcl(Text),
    SetAcl(Text, Text, Text),
    DeleteAcl(Text, Text),
    MyRights(Text),
    ListRights(Text, Text),
    GetQuota(Text),
    GetQuotaRoot(Text),
    SetQuota(Text, Text),
    GetAnnotation(Text, Text, Text),
    SetAnnotation(Vec<Text>),
    GetMetadata(Text, Vec<Text>, Option<Text>),
    SetMetadata(Text, Vec<(Text, Option<Text>)>),
    ProxyAuth(Text),
    Partial(Text, Text, Text, Text),
    Sort(Text, Option<Text>, Vec<Text>),
    Thread(Text, Option<Text>, Vec<Text>),
    Enable(Text),
    Id(Vec<(Text, Option<Text>)>),
    IdleStart,
    /// Waits 0 or 1 ms.
    IdleWait(bool),
    IdleDone,
    SendLine(Vec<u8>),
    ReadRaw(bool),
    /// A SASL exchange answering the challenges from the list, then cancelling.
    Authenticate(Text, Option<Vec<u8>>, Vec<Option<Vec<u8>>>),
    LoginWith(Mech, Text, Text),
    LoginCramMd5(Text, Text),
    StartTls,
    /// Pipelining: `start` a NOOP, CHECK or FETCH without waiting.
    Start(u8),
    /// `complete` the k-th newest started tag (or an unknown one).
    Complete(u8),
    Close,
    Reopen,
    SetLimits(Lim),
    SetDebug(u8),
    /// Stream literals of at least this size to a callback that stops after the given count.
    StreamLiterals(u16, u8),
}

impl Op {
    /// Calls that answer without the connection.
    fn is_local(&self) -> bool {
        matches!(
            self,
            Op::Response(_)
                | Op::Recent
                | Op::Close
                | Op::Reopen
                | Op::SetLimits(_)
                | Op::SetDebug(_)
                | Op::StreamLiterals(..)
        )
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
struct Lim {
    line: u16,
    literal: u16,
    response: u16,
    untagged: u16,
}

impl Lim {
    fn limits(self) -> Limits {
        Limits {
            max_line: 256 + self.line as usize % 4096,
            max_literal: u64::from(self.literal) % 8192,
            max_response: 256 + u64::from(self.response) % 32768,
            max_untagged: 256 + u64::from(self.untagged) % 32768,
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Greeting {
    Standard,
    Preauth,
    /// None: the script brings its own.
    Scripted,
}

const GREETING: &[u8] = b"* OK [CAPABILITY IMAP4rev1 IDLE ENABLE UTF8=ACCEPT SASL-IR AUTH=PLAIN AUTH=LOGIN AUTH=CRAM-MD5 LITERAL+ MOVE UNSELECT ID NAMESPACE QUOTA ACL METADATA SORT THREAD=REFERENCES] ready\r\n";
const PREAUTH: &[u8] =
    b"* PREAUTH [CAPABILITY IMAP4rev1 IDLE ENABLE UTF8=ACCEPT MOVE UNSELECT] ready\r\n";

#[derive(Arbitrary, Debug)]
struct Input {
    limits: Lim,
    /// Most bytes one read returns, minus one.
    read_size: u8,
    greeting: Greeting,
    /// Unless 0 (mod 4), the server answers like a plain server when the script runs out.
    auto: u8,
    /// What the server sends from the start (after the greeting).
    script: Vec<Piece>,
    steps: Vec<Step>,
}

/// One call, and what the server adds to its script just before it: some pieces and, most
/// of the time, a tagged completion (so calls get answered and the run goes deep). Pieces not
/// read by the call stay queued for the next one.
#[derive(Arbitrary, Debug)]
struct Step {
    reply: Vec<Piece>,
    done: Option<u8>,
    op: Op,
}

/// The live-heap bound of a run: the read buffer, a few times each limit, the harness's own
/// copy of the input, and a constant.
fn memory_bound(l: &Limits, input_len: usize) -> usize {
    128 * 1024
        + 4 * l.max_line
        + 2 * l.max_literal as usize
        + 3 * l.max_response as usize
        + 4 * l.max_untagged as usize
        + 16 * input_len
        + 256 * 1024
}

fn connect(
    s: &mut Session,
    script: &Arc<Mutex<Script>>,
    read_size: usize,
) -> imap::session::Result<()> {
    let server = Server {
        script: Arc::clone(script),
        interrupter: s.interrupter(),
        read_size,
        shut: false,
        eof_reads: 0,
    };
    s.open_duplex(Box::new(server))
}

/// Runs one call; `Err` carries the error kind and message.
fn call(
    s: &mut Session,
    op: &Op,
    script: &Arc<Mutex<Script>>,
    read_size: usize,
    started: &mut Vec<Vec<u8>>,
) -> Result<(), (imap::ErrorKind, String)> {
    fn e<T>(r: imap::session::Result<T>) -> Result<(), (imap::ErrorKind, String)> {
        r.map(|_| ()).map_err(|e| (e.kind, e.message))
    }
    match op {
        Op::Noop => e(s.noop()),
        Op::Capability => e(s.capability()),
        Op::Login(u, p) => e(s.login(&u.s(), &p.s())),
        Op::Logout => e(s.logout()),
        Op::Select(m, ro) => e(s.select(&m.s(), *ro)),
        Op::Status(m, n) => e(s.status(&m.s(), &n.s())),
        Op::List(d, p) => e(s.list(&d.s(), &p.s())),
        Op::Lsub(d, p) => e(s.lsub(&d.s(), &p.s())),
        Op::Create(m) => e(s.create(&m.s())),
        Op::Delete(m) => e(s.delete(&m.s())),
        Op::Rename(a, b) => e(s.rename(&a.s(), &b.s())),
        Op::Subscribe(m) => e(s.subscribe(&m.s())),
        Op::Unsubscribe(m) => e(s.unsubscribe(&m.s())),
        Op::Append(m, f, d, msg) => {
            let (m, f, d) = (
                m.as_ref().map(Text::s),
                f.as_ref().map(Text::s),
                d.as_ref().map(Text::s),
            );
            e(s.append(m.as_deref(), f.as_deref(), d.as_deref(), msg))
        }
        Op::Check => e(s.check()),
        Op::CloseMailbox => e(s.close_mailbox()),
        Op::Unselect => e(s.unselect()),
        Op::Expunge => e(s.expunge()),
        Op::Search(cs, crit) => {
            let crit = strs(crit);
            e(s.search(cs.as_ref().map(Text::s).as_deref(), &refs(&crit)))
        }
        Op::Fetch(set, parts) => e(s.fetch(&set.s(), &parts.s())),
        Op::Store(set, c, f) => e(s.store_flags(&set.s(), &c.s(), &f.s())),
        Op::Copy(set, m) => e(s.copy(&set.s(), &m.s())),
        Op::Move(set, m) => e(s.move_messages(&set.s(), &m.s())),
        Op::Uid(c, args) => {
            let args = strs(args);
            e(s.uid(&c.s(), &refs(&args)))
        }
        Op::Namespace => e(s.namespace()),
        Op::Response(c) => {
            s.response(&c.s());
            Ok(())
        }
        Op::Recent => e(s.recent()),
        Op::Xatom(n, args) => {
            let args = strs(args);
            e(s.xatom(&n.s(), &refs(&args)))
        }
        Op::GetAcl(m) => e(s.getacl(&m.s())),
        Op::SetAcl(m, w, r) => e(s.setacl(&m.s(), &w.s(), &r.s())),
        Op::DeleteAcl(m, w) => e(s.deleteacl(&m.s(), &w.s())),
        Op::MyRights(m) => e(s.myrights(&m.s())),
        Op::ListRights(m, i) => e(s.listrights(&m.s(), &i.s())),
        Op::GetQuota(r) => e(s.getquota(&r.s())),
        Op::GetQuotaRoot(m) => e(s.getquotaroot(&m.s())),
        Op::SetQuota(r, l) => e(s.setquota(&r.s(), &l.s())),
        Op::GetAnnotation(m, en, a) => e(s.getannotation(&m.s(), &en.s(), &a.s())),
        Op::SetAnnotation(args) => {
            let args = strs(args);
            e(s.setannotation(&refs(&args)))
        }
        Op::GetMetadata(m, entries, opts) => {
            let entries = strs(entries);
            e(s.getmetadata(
                &m.s(),
                &refs(&entries),
                opts.as_ref().map(Text::s).as_deref(),
            ))
        }
        Op::SetMetadata(m, entries) => {
            let owned: Vec<(String, Option<String>)> = entries
                .iter()
                .map(|(k, v)| (k.s(), v.as_ref().map(Text::s)))
                .collect();
            let pairs: Vec<(&str, Option<&str>)> = owned
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_deref()))
                .collect();
            e(s.setmetadata(&m.s(), &pairs))
        }
        Op::ProxyAuth(u) => e(s.proxyauth(&u.s())),
        Op::Partial(a, b, c, d) => e(s.partial(&a.s(), &b.s(), &c.s(), &d.s())),
        Op::Sort(c, cs, crit) => {
            let crit = strs(crit);
            e(s.sort(&c.s(), cs.as_ref().map(Text::s).as_deref(), &refs(&crit)))
        }
        Op::Thread(a, cs, crit) => {
            let crit = strs(crit);
            e(s.thread(&a.s(), cs.as_ref().map(Text::s).as_deref(), &refs(&crit)))
        }
        Op::Enable(c) => e(s.enable(&c.s())),
        Op::Id(params) => {
            let owned: Vec<(String, Option<String>)> = params
                .iter()
                .map(|(k, v)| (k.s(), v.as_ref().map(Text::s)))
                .collect();
            let pairs: Vec<(&str, Option<&str>)> = owned
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_deref()))
                .collect();
            e(s.id(&pairs))
        }
        Op::IdleStart => e(s.idle_start()),
        Op::IdleWait(wait) => e(s.idle_wait(Duration::from_millis(u64::from(*wait)))),
        Op::IdleDone => e(s.idle_done()),
        Op::SendLine(line) => e(s.send_line(line)),
        Op::ReadRaw(wait) => e(s.read_raw(Duration::from_millis(u64::from(*wait)))),
        Op::Authenticate(mech, initial, answers) => {
            let mut answers = answers.iter();
            let mut step = |_: &[u8]| answers.next().cloned().flatten().map(imap::Secret::new);
            e(s.authenticate(&mech.s(), initial.as_deref(), &mut step))
        }
        Op::LoginWith(mech, user, secret) => {
            let (user, secret) = (user.s(), secret.s());
            let authzid = match mech {
                Mech::Plain(Some(a)) => Some(a.s()),
                _ => None,
            };
            let m = match mech {
                Mech::Plain(_) => Mechanism::Plain {
                    authzid: authzid.as_deref(),
                    user: &user,
                    password: secret.as_str().into(),
                },
                Mech::Login => Mechanism::Login {
                    user: &user,
                    password: secret.as_str().into(),
                },
                Mech::CramMd5 => Mechanism::CramMd5 {
                    user: &user,
                    password: secret.as_str().into(),
                },
                Mech::XOAuth2 => Mechanism::XOAuth2 {
                    user: &user,
                    token: secret.as_str().into(),
                },
                Mech::OAuthBearer => Mechanism::OAuthBearer {
                    user: &user,
                    token: secret.as_str().into(),
                },
            };
            e(s.login_with(m))
        }
        Op::LoginCramMd5(u, p) => e(s.login_cram_md5(&u.s(), &p.s())),
        Op::StartTls => e(s.starttls()),
        Op::Start(k) => {
            let (cmd, name) = match k % 3 {
                0 => (Command::new("NOOP", vec![]), "NOOP"),
                1 => (Command::new("CHECK", vec![]), "CHECK"),
                _ => (
                    Command::new(
                        "FETCH",
                        vec![
                            Arg::Raw(b"1:*".to_vec()),
                            Arg::FetchParts(b"FLAGS".to_vec()),
                        ],
                    ),
                    "FETCH",
                ),
            };
            let tag = s.start(cmd, name).map_err(|e| (e.kind, e.message))?;
            started.push(tag);
            Ok(())
        }
        Op::Complete(k) => {
            let tag = match started
                .len()
                .checked_sub(1 + *k as usize % (started.len() + 1))
            {
                Some(i) => started.remove(i),
                None => [s.tag_prefix(), b"999999"].concat(),
            };
            e(s.complete(&tag))
        }
        Op::Close => {
            s.close("closed by the harness");
            Ok(())
        }
        Op::Reopen => {
            if s.is_open() {
                return Ok(());
            }
            started.clear();
            e(connect(s, script, read_size))
        }
        Op::SetLimits(l) => {
            let config = Config {
                limits: l.limits(),
                ..s.config().clone()
            };
            s.set_config(config);
            Ok(())
        }
        Op::SetDebug(level) => {
            s.set_debug(level % 6);
            Ok(())
        }
        Op::StreamLiterals(min, stop_after) => {
            let mut left = u32::from(*stop_after);
            let max = s.config().limits.max_literal;
            let callback = Box::new(move |_: LiteralChunk<'_>| {
                left = left.saturating_sub(1);
                left > 0
            });
            s.set_literal_sink(Some(Box::new(StreamSink::new(
                u64::from(*min),
                max,
                callback,
            ))));
            Ok(())
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = Input::arbitrary_take_rest(arbitrary::Unstructured::new(data)) else {
        return;
    };
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let mut limits = input.limits.limits();
    let config = Config {
        connect_timeout: Duration::from_secs(1),
        io_timeout: Duration::from_secs(1),
        limits,
        ..Config::default()
    };
    let mut s = Session::new(config);
    s.set_trace_sink(Some(Box::new(|_, line: &str| {
        assert!(
            !line.contains(['\r', '\n']),
            "a trace line with CR or LF: {line:?}"
        );
    })));
    let mut pieces: VecDeque<Piece> = input.script.iter().cloned().collect();
    match input.greeting {
        Greeting::Standard => pieces.push_front(Piece::Bytes(GREETING.to_vec())),
        Greeting::Preauth => pieces.push_front(Piece::Bytes(PREAUTH.to_vec())),
        Greeting::Scripted => {}
    }
    let script = Arc::new(Mutex::new(Script {
        pieces,
        current: Vec::new(),
        pos: 0,
        repeats: 0,
        tags: Vec::new(),
        prefix: s.tag_prefix().to_vec(),
        auto: input.auto % 4 != 0,
        newest: None,
        last_write: Vec::new(),
        writes: 0,
        continued_write: 0,
    }));
    let read_size = 1 + input.read_size as usize;
    let bound = |l: &Limits| base + memory_bound(l, data.len());
    let mut started = Vec::new();
    let opened = connect(&mut s, &script, read_size);
    let opened = opened.map_err(|e| (e.kind, e.message));
    if debug() {
        eprintln!("--- open -> {opened:?}");
    }
    check(&s, "open", &opened, true);
    for step in &input.steps {
        {
            let mut script = script.lock().unwrap();
            script.pieces.extend(step.reply.iter().cloned());
            script.pieces.extend(step.done.map(Piece::Done));
        }
        let op = &step.op;
        let was_open = s.is_open();
        let r = call(&mut s, op, &script, read_size, &mut started);
        if debug() {
            eprintln!(
                "{op:?} -> {r:?} (open: {}, state: {:?})",
                s.is_open(),
                s.state()
            );
        }
        check(&s, op, &r, was_open || op.is_local());
        if let Op::SetLimits(l) = op {
            // The larger of the old and new limits: data kept under the old ones stays.
            let new = l.limits();
            limits = Limits {
                max_line: limits.max_line.max(new.max_line),
                max_literal: limits.max_literal.max(new.max_literal),
                max_response: limits.max_response.max(new.max_response),
                max_untagged: limits.max_untagged.max(new.max_untagged),
            };
        }
        let peak = PEAK.load(Ordering::Relaxed);
        if debug() {
            eprintln!("    peak {} of {}", peak - base, bound(&limits) - base);
        }
        assert!(
            peak <= bound(&limits),
            "live heap reached {} bytes over the run's start, bound {} ({limits:?}) after {op:?}",
            peak - base,
            bound(&limits) - base
        );
    }
});

/// `FUZZ_DEBUG=1` prints every call and its result (to replay an input and look).
fn debug() -> bool {
    static DEBUG: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *DEBUG.get_or_init(|| std::env::var_os("FUZZ_DEBUG").is_some())
}

/// The invariants after one call.
fn check(
    s: &Session,
    op: impl std::fmt::Debug,
    r: &Result<(), (imap::ErrorKind, String)>,
    may_succeed: bool,
) {
    if let Err((kind, msg)) = r {
        if kind.is_fatal() {
            assert!(
                !s.is_open(),
                "{op:?} failed with {kind:?} ({msg}) and left the session open"
            );
        }
    } else {
        assert!(may_succeed, "{op:?} succeeded on a closed session");
    }
    if !s.is_open() {
        assert!(!s.is_idling(), "closed but idling after {op:?}");
    }
}
