//! A scripted fake IMAP server for hostile-server tests: it replays exact server bytes, checks
//! the client's command lines, and records every byte the client sent.
//!
//! A script is a list of [`Step`]s run on one accepted connection on 127.0.0.1. `{tag}` in sent
//! bytes stands for the tag of the last command line read by an [`Step::Expect`]. When the
//! script ends (or breaks), the server keeps reading until the client closes its side, so the
//! transcript holds everything the client ever sent.
#![allow(dead_code)]

use native_tls::{Identity, TlsAcceptor, TlsStream};
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// How long the server waits for the client at any point; bounds every test.
const SERVER_WAIT: Duration = Duration::from_secs(10);

/// One action of the server.
#[derive(Debug, Clone)]
pub enum Step {
    /// Write these bytes in one write (`{tag}` substituted).
    Send(Vec<u8>),
    /// Write these bytes one at a time, flushing each (`{tag}` substituted).
    Trickle(Vec<u8>),
    /// Write these bytes `chunk` bytes at a time with `delay` after each write (`{tag}`
    /// substituted). Stops quietly when the client has gone (a drip outlasts the client).
    Drip {
        bytes: Vec<u8>,
        chunk: usize,
        delay: Duration,
    },
    /// Write these bytes `times` times over, in large writes, until done or the client has
    /// gone (then quietly). The bytes are not substituted.
    Flood(Vec<u8>, usize),
    /// Read one command line; it must be `<tag> <this>`. The tag is remembered for `{tag}`.
    Expect(String),
    /// Read one line; it must be exactly this (a SASL response, `DONE`).
    ExpectLine(String),
    /// Read one line, whatever it is (check it in the transcript).
    AnyLine,
    /// Read one command line whose text after the tag starts with this; the tag is
    /// remembered for `{tag}` (a command whose arguments the test does not spell out).
    ExpectPrefix(String),
    Sleep(Duration),
    /// Wait this long and fail if the client sent anything meanwhile (a command that must
    /// wait for an answer first).
    Quiet(Duration),
    /// Stop writing (FIN); the client sees EOF.
    Close,
    /// Run the server side of a TLS handshake; later steps go over TLS. If the client rejects
    /// it, the script stops and the transcript says why.
    StartTls,
    /// Read one line and write what the function makes of it (`{tag}` substituted; an `Err`
    /// breaks the script): an answer that depends on what the client sent, such as a SASL
    /// challenge built on the client's nonce. A command line's tag is remembered.
    Reply(fn(&[u8]) -> Result<Vec<u8>, String>),
    /// COMPRESS=DEFLATE (RFC 4978): write `plain` as it is and then, in the same write, `then`
    /// deflated (both `{tag}` substituted); from here on everything is deflated both ways
    /// (each write sync-flushed), and the client's bytes are inflated before they are read.
    Compress {
        plain: Vec<u8>,
        then: Vec<u8>,
    },
    /// Write these bytes as they are, past the compression of [`Step::Compress`] (corrupt
    /// deflate data).
    Raw(Vec<u8>),
}

pub fn send(bytes: impl AsRef<[u8]>) -> Step {
    Step::Send(bytes.as_ref().to_vec())
}

pub fn trickle(bytes: impl AsRef<[u8]>) -> Step {
    Step::Trickle(bytes.as_ref().to_vec())
}

/// `bytes`, `chunk` bytes at a time with `delay` after each write.
pub fn drip(bytes: impl AsRef<[u8]>, chunk: usize, delay: Duration) -> Step {
    Step::Drip {
        bytes: bytes.as_ref().to_vec(),
        chunk,
        delay,
    }
}

pub fn expect(command: &str) -> Step {
    Step::Expect(command.to_string())
}

pub fn expect_prefix(command: &str) -> Step {
    Step::ExpectPrefix(command.to_string())
}

pub fn expect_line(line: &str) -> Step {
    Step::ExpectLine(line.to_string())
}

/// What the client did on the connection.
#[derive(Debug, Default)]
pub struct Transcript {
    /// Bytes the client sent in plaintext.
    pub plain: Vec<u8>,
    /// Bytes the client sent over TLS (decrypted).
    pub tls: Vec<u8>,
    /// The client closed the connection (EOF or reset) before the server gave up waiting.
    pub client_closed: bool,
    /// The client rejected the TLS handshake of [`Step::StartTls`] (the script stops there).
    pub handshake_error: Option<String>,
    /// Why the script stopped early, if it did.
    pub error: Option<String>,
    /// Bytes the client sent after [`Step::Compress`], inflated (`plain` and `tls` hold them
    /// as they went over the wire).
    pub inflated: Vec<u8>,
}

impl Transcript {
    /// Everything the client sent, plaintext then TLS.
    pub fn all(&self) -> Vec<u8> {
        [self.plain.as_slice(), &self.tls, &self.inflated].concat()
    }

    pub fn sent(&self, needle: &str) -> bool {
        let all = self.all();
        all.windows(needle.len()).any(|w| w == needle.as_bytes())
    }
}

/// The server thread; [`FakeServer::finish`] returns its transcript.
pub struct FakeServer {
    pub port: u16,
    handle: JoinHandle<Transcript>,
}

impl FakeServer {
    pub fn start(script: Vec<Step>) -> FakeServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let port = listener.local_addr().expect("local addr").port();
        let handle = thread::spawn(move || serve(listener, script));
        FakeServer { port, handle }
    }

    /// Waits for the client to close (at most [`SERVER_WAIT`]) and returns the transcript.
    /// Panics if the client did not follow the script.
    pub fn finish(self) -> Transcript {
        let t = self.handle.join().expect("fake server thread panicked");
        if let Some(e) = &t.error {
            panic!(
                "fake server script failed: {e}\nTLS handshake: {:?}\nclient sent: {:?}",
                t.handshake_error,
                String::from_utf8_lossy(&t.all())
            );
        }
        t
    }
}

enum Conn {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
    Gone,
}

struct Server {
    conn: Conn,
    /// Client bytes read but not yet consumed by an `Expect`.
    pending: Vec<u8>,
    /// The tags of the commands read, oldest first.
    tags: Vec<Vec<u8>>,
    t: Transcript,
    /// Deflate both ways, after [`Step::Compress`].
    deflate: Option<(flate2::Compress, flate2::Decompress)>,
}

fn serve(listener: TcpListener, script: Vec<Step>) -> Transcript {
    let mut t = Transcript::default();
    let tcp = match accept(&listener) {
        Ok(tcp) => tcp,
        Err(e) => {
            t.error = Some(format!("no client connected: {e}"));
            return t;
        }
    };
    let mut server = Server {
        conn: Conn::Plain(tcp),
        pending: Vec::new(),
        tags: Vec::new(),
        t,
        deflate: None,
    };
    for (i, step) in script.into_iter().enumerate() {
        if server.t.handshake_error.is_some() {
            break;
        }
        if let Err(e) = server.run(&step) {
            server.t.error = Some(format!("step {i} {step:?}: {e}"));
            let _ = server.run(&Step::Close); // let the client fail fast
            break;
        }
    }
    server.drain();
    server.t
}

/// Accepts one client, giving up after [`SERVER_WAIT`].
fn accept(listener: &TcpListener) -> io::Result<TcpStream> {
    listener.set_nonblocking(true)?;
    let deadline = std::time::Instant::now() + SERVER_WAIT;
    loop {
        match listener.accept() {
            Ok((tcp, _)) => {
                tcp.set_nonblocking(false)?;
                tcp.set_nodelay(true)?;
                tcp.set_read_timeout(Some(SERVER_WAIT))?;
                tcp.set_write_timeout(Some(SERVER_WAIT))?;
                return Ok(tcp);
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                if std::time::Instant::now() > deadline {
                    return Err(e);
                }
                thread::sleep(Duration::from_millis(5));
            }
            Err(e) => return Err(e),
        }
    }
}

/// `{tag}` is the tag of the last command read; `{tag-N}` that of the command read N
/// commands before it (for answering pipelined commands out of order).
fn substitute(bytes: &[u8], tags: &[Vec<u8>]) -> Vec<u8> {
    if !bytes.windows(4).any(|w| w == b"{tag") {
        return bytes.to_vec();
    }
    let nth = |n: usize| {
        tags.len()
            .checked_sub(n + 1)
            .map_or(&[][..], |i| &tags[i][..])
    };
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"{tag}") {
            out.extend_from_slice(nth(0));
            i += 5;
        } else if bytes[i..].starts_with(b"{tag-") {
            let rest = &bytes[i + 5..];
            let end = rest.iter().position(|&b| b == b'}').unwrap_or(0);
            let n: usize = std::str::from_utf8(&rest[..end])
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            out.extend_from_slice(nth(n));
            i += 5 + end + 1;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

impl Server {
    fn run(&mut self, step: &Step) -> Result<(), String> {
        match step {
            Step::Send(bytes) => {
                let bytes = substitute(bytes, &self.tags);
                self.write(&bytes).map_err(|e| format!("write failed: {e}"))
            }
            Step::Trickle(bytes) => {
                for b in substitute(bytes, &self.tags) {
                    self.write(&[b]).map_err(|e| format!("write failed: {e}"))?;
                    thread::sleep(Duration::from_micros(200));
                }
                Ok(())
            }
            Step::Drip {
                bytes,
                chunk,
                delay,
            } => {
                for piece in substitute(bytes, &self.tags).chunks((*chunk).max(1)) {
                    if self.write(piece).is_err() {
                        break;
                    }
                    thread::sleep(*delay);
                }
                Ok(())
            }
            Step::Flood(bytes, times) => {
                // Whole copies per write, about 64 KiB at a time (large bytes go as they are).
                let per = (64 * 1024 / bytes.len().max(1)).max(1);
                let block = if per > 1 {
                    bytes.repeat(per)
                } else {
                    Vec::new()
                };
                let mut left = *times;
                while left > 0 {
                    let n = left.min(per);
                    let piece = if per > 1 {
                        &block[..n * bytes.len()]
                    } else {
                        bytes.as_slice()
                    };
                    if self.write(piece).is_err() {
                        break;
                    }
                    left -= n;
                }
                Ok(())
            }
            Step::Expect(want) => self.expect(want, false),
            Step::ExpectPrefix(want) => self.expect(want, true),
            Step::AnyLine => self.line().map(drop),
            Step::Reply(f) => {
                let line = self.line()?;
                let mut words = line.splitn(2, |&b| b == b' ');
                if let (Some(tag), Some(_)) = (words.next(), words.next()) {
                    if !tag.is_empty() && tag.iter().all(u8::is_ascii_alphanumeric) {
                        self.tags.push(tag.to_vec());
                    }
                }
                let out = f(&line)?;
                let out = substitute(&out, &self.tags);
                self.write(&out).map_err(|e| format!("write failed: {e}"))
            }
            Step::ExpectLine(want) => match self.line()? {
                l if l == want.as_bytes() => Ok(()),
                l => Err(format!(
                    "expected line '{want}', got '{}'",
                    String::from_utf8_lossy(&l)
                )),
            },
            Step::Sleep(d) => {
                thread::sleep(*d);
                Ok(())
            }
            Step::Quiet(d) => {
                thread::sleep(*d);
                if !self.pending.is_empty() {
                    return Err("the client sent bytes it had to hold back".into());
                }
                let mut probe = [0u8; 1];
                let sent = match &self.conn {
                    Conn::Plain(s) => {
                        s.set_nonblocking(true).map_err(|e| e.to_string())?;
                        let r = s.peek(&mut probe);
                        s.set_nonblocking(false).map_err(|e| e.to_string())?;
                        matches!(r, Ok(n) if n > 0)
                    }
                    _ => return Err("Quiet works on plain connections only".into()),
                };
                if sent {
                    return Err("the client sent bytes it had to hold back".into());
                }
                Ok(())
            }
            Step::Close => {
                match &mut self.conn {
                    Conn::Plain(s) => {
                        let _ = s.shutdown(Shutdown::Write);
                    }
                    Conn::Tls(s) => {
                        let _ = s.shutdown();
                        let _ = s.get_ref().shutdown(Shutdown::Write);
                    }
                    Conn::Gone => {}
                }
                Ok(())
            }
            Step::StartTls => self.start_tls(),
            Step::Compress { plain, then } => {
                let mut out = substitute(plain, &self.tags);
                let mut c = flate2::Compress::new(flate2::Compression::default(), false);
                deflate(&mut c, &substitute(then, &self.tags), &mut out);
                self.deflate = Some((c, flate2::Decompress::new(false)));
                self.write_raw(&out)
                    .map_err(|e| format!("write failed: {e}"))
            }
            Step::Raw(bytes) => self
                .write_raw(bytes)
                .map_err(|e| format!("write failed: {e}")),
        }
    }

    fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        if let Some((c, _)) = &mut self.deflate {
            let mut out = Vec::new();
            deflate(c, bytes, &mut out);
            return self.write_raw(&out);
        }
        self.write_raw(bytes)
    }

    fn write_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        match &mut self.conn {
            Conn::Plain(s) => s.write_all(bytes).and_then(|_| s.flush()),
            Conn::Tls(s) => s.write_all(bytes).and_then(|_| s.flush()),
            Conn::Gone => Err(io::ErrorKind::NotConnected.into()),
        }
    }

    /// Reads some client bytes into `pending` and the transcript; `Ok(0)` at EOF.
    fn fill(&mut self) -> io::Result<usize> {
        let mut buf = [0u8; 16 * 1024];
        let (n, record) = match &mut self.conn {
            Conn::Plain(s) => (s.read(&mut buf)?, &mut self.t.plain),
            Conn::Tls(s) => (s.read(&mut buf)?, &mut self.t.tls),
            Conn::Gone => return Ok(0),
        };
        record.extend_from_slice(&buf[..n]);
        match &mut self.deflate {
            None => self.pending.extend_from_slice(&buf[..n]),
            Some((_, d)) => {
                let mut input = &buf[..n];
                let mut out = vec![0u8; 64 * 1024];
                loop {
                    let (i0, o0) = (d.total_in(), d.total_out());
                    d.decompress(input, &mut out, flate2::FlushDecompress::None)
                        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
                    let used = (d.total_in() - i0) as usize;
                    let made = (d.total_out() - o0) as usize;
                    input = &input[used..];
                    self.pending.extend_from_slice(&out[..made]);
                    self.t.inflated.extend_from_slice(&out[..made]);
                    if made < out.len() && (input.is_empty() || used == 0) {
                        break;
                    }
                }
            }
        }
        Ok(n)
    }

    /// The next client line, without CRLF.
    fn line(&mut self) -> Result<Vec<u8>, String> {
        loop {
            if let Some(i) = self.pending.windows(2).position(|w| w == b"\r\n") {
                let line: Vec<u8> = self.pending.drain(..i + 2).collect();
                return Ok(line[..i].to_vec());
            }
            match self.fill() {
                Ok(0) => return Err("client closed the connection".into()),
                Ok(_) => {}
                Err(e) => return Err(format!("read failed: {e}")),
            }
        }
    }

    fn expect(&mut self, want: &str, prefix_only: bool) -> Result<(), String> {
        let line = self.line()?;
        let sp = line.iter().position(|&b| b == b' ').unwrap_or(line.len());
        let (tag, rest) = line.split_at(sp);
        let rest = rest.strip_prefix(b" ");
        let matches = match rest {
            Some(r) if prefix_only => r.starts_with(want.as_bytes()),
            r => r == Some(want.as_bytes()),
        };
        if !matches {
            return Err(format!(
                "expected '<tag> {want}', got '{}'",
                String::from_utf8_lossy(&line)
            ));
        }
        self.tags.push(tag.to_vec());
        Ok(())
    }

    fn start_tls(&mut self) -> Result<(), String> {
        if !self.pending.is_empty() {
            return Err("client sent bytes before the TLS handshake".into());
        }
        let Conn::Plain(tcp) = std::mem::replace(&mut self.conn, Conn::Gone) else {
            return Err("not a plaintext connection".into());
        };
        match acceptor().accept(tcp) {
            Ok(tls) => self.conn = Conn::Tls(Box::new(tls)),
            Err(e) => self.t.handshake_error = Some(e.to_string()),
        }
        Ok(())
    }

    /// Records what the client sends until it closes or [`SERVER_WAIT`] passes.
    fn drain(&mut self) {
        loop {
            match self.fill() {
                Ok(0) => {
                    self.t.client_closed = !matches!(self.conn, Conn::Gone);
                    return;
                }
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.t.client_closed = !matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    );
                    return;
                }
            }
        }
    }
}

/// Appends `data` deflated with a sync flush to `out`.
fn deflate(c: &mut flate2::Compress, data: &[u8], out: &mut Vec<u8>) {
    let mut buf = vec![0u8; 64 * 1024];
    let mut rest = data;
    loop {
        let (i0, o0) = (c.total_in(), c.total_out());
        c.compress(rest, &mut buf, flate2::FlushCompress::Sync)
            .expect("deflate");
        let used = (c.total_in() - i0) as usize;
        let made = (c.total_out() - o0) as usize;
        rest = &rest[used..];
        out.extend_from_slice(&buf[..made]);
        if rest.is_empty() && made < buf.len() {
            return;
        }
    }
}

/// The self-signed certificate of the fake server (for `localhost` and 127.0.0.1), created
/// once per test binary with the `openssl` command; returns (cert.pem, key.pem).
pub fn certificate() -> &'static (PathBuf, PathBuf) {
    static CERT: OnceLock<(PathBuf, PathBuf)> = OnceLock::new();
    CERT.get_or_init(|| {
        // Under Cargo's scratch directory for integration tests (inside target/), one per test
        // binary run, so nothing is left in the system's temporary directory.
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("fake-cert-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create cert dir");
        let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
        let status = Command::new("openssl")
            .args(["req", "-x509", "-newkey", "ec"])
            .args([
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-days",
                "2",
            ])
            .args(["-subj", "/CN=localhost"])
            .args(["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
            .arg("-keyout")
            .arg(&key)
            .arg("-out")
            .arg(&cert)
            .stderr(std::process::Stdio::null())
            .status()
            .expect("run openssl");
        assert!(status.success(), "openssl req failed");
        (cert, key)
    })
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

fn acceptor() -> TlsAcceptor {
    static ACCEPTOR: OnceLock<TlsAcceptor> = OnceLock::new();
    ACCEPTOR
        .get_or_init(|| {
            let (cert, key) = certificate();
            let id = Identity::from_pkcs8(&read(cert), &read(key)).expect("server identity");
            TlsAcceptor::new(id).expect("TLS acceptor")
        })
        .clone()
}
