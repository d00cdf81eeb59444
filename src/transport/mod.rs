//! Byte transports: TCP, TLS over TCP (implicit or after STARTTLS), and the interrupter that
//! lets another thread wake a blocked call.

mod child;
mod deflate;
mod interrupt;
mod memory;
mod pace;
mod sigpipe;
mod tls;

pub use child::ChildStream;
pub use deflate::{CompressionStats, Deflated};
pub use interrupt::{EventFlag, Interrupter, Waker};
#[doc(hidden)]
pub use memory::{Duplex, MemoryStream};
pub use pace::{poll_readable, read_fd, Direction, Expiry, Pace};
pub use sigpipe::without_sigpipe;
pub use tls::{TlsConfig, TlsVersion};

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

/// Why a transport operation failed.
#[derive(Debug)]
pub enum TransportError {
    /// Name resolution or connection failed.
    Connect(String),
    Timeout(String),
    Interrupted,
    Tls(String),
    Io(String),
}

/// A connected TCP socket in non-blocking mode: every read and write that has to wait does so
/// through `poll`, under the [`Pace`] of the call.
pub struct Socket {
    tcp: TcpStream,
    pace: Pace,
}

impl Socket {
    pub fn new(tcp: TcpStream, pace: Pace) -> io::Result<Socket> {
        tcp.set_nonblocking(true)?;
        Ok(Socket { tcp, pace })
    }

    pub fn pace(&self) -> &Pace {
        &self.pace
    }
}

impl Read for Socket {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.tcp.read(buf) {
                Ok(n) => {
                    self.pace.progress(Instant::now(), n);
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => pace::wait_ready(
                    &mut self.pace,
                    self.tcp.as_raw_fd(),
                    libc::POLLIN,
                    None,
                    Direction::Read,
                )?,
                Err(e) => return Err(e),
            }
        }
    }
}

impl Write for Socket {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        loop {
            match self.tcp.write(buf) {
                Ok(n) => {
                    self.pace.progress(Instant::now(), n);
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => pace::wait_ready(
                    &mut self.pace,
                    self.tcp.as_raw_fd(),
                    libc::POLLOUT,
                    None,
                    Direction::Write,
                )?,
                Err(e) => return Err(e),
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// An open byte stream to the server.
pub enum Stream {
    Tcp(Socket),
    Tls(Box<openssl::ssl::SslStream<Socket>>),
    /// A command's stdin and stdout (imaplib `IMAP4_stream`), over a socket pair.
    Child(Box<ChildStream>),
    /// An in-memory connection, for fuzzing.
    #[doc(hidden)]
    Memory(MemoryStream),
    /// COMPRESS=DEFLATE over one of the others (RFC 4978).
    Deflate(Box<Deflated>),
}

/// Runs `command` through `/bin/sh -c` with its stdin and stdout connected to us.
pub fn spawn(command: &str, pace: Pace) -> Result<Stream, TransportError> {
    Ok(Stream::Child(Box::new(child::spawn(command, pace)?)))
}

impl Stream {
    /// A handle that shuts the connection down from another thread.
    pub fn waker(&self) -> io::Result<Waker> {
        Ok(match self {
            Stream::Tcp(s) => Waker::Tcp(s.tcp.try_clone()?),
            Stream::Tls(s) => Waker::Tcp(s.get_ref().tcp.try_clone()?),
            Stream::Child(c) => Waker::Pipe(c.waker()?),
            Stream::Memory(_) => Waker::Memory,
            Stream::Deflate(d) => d.inner.waker()?,
        })
    }

    /// Whether bytes already received may wait inside the stream where polling the socket
    /// cannot see them: decrypted TLS data OpenSSL holds, compressed bytes not yet inflated or
    /// inflated ones not yet handed out.
    pub fn holds_data(&self) -> bool {
        match self {
            Stream::Tls(s) => s.ssl().pending() > 0,
            Stream::Deflate(d) => d.holds_data(),
            _ => false,
        }
    }

    /// Turns on COMPRESS=DEFLATE over this stream; `already`: compressed bytes read before
    /// the switch. A stream compressed already is returned as it is (the caller checks
    /// [`Stream::compression`] first: COMPRESS is refused then).
    pub fn start_deflate(self, already: &[u8]) -> Stream {
        match self {
            Stream::Deflate(_) => self,
            s => Stream::Deflate(Box::new(Deflated::new(s, already))),
        }
    }

    /// The byte counts of compression, when it is on.
    pub fn compression(&self) -> Option<CompressionStats> {
        match self {
            Stream::Deflate(d) => Some(d.stats()),
            _ => None,
        }
    }

    /// RFC 5929 `tls-server-end-point` channel binding data: the hash of the server's
    /// certificate. `None` without TLS.
    pub fn tls_server_end_point(&self) -> Option<Vec<u8>> {
        match self {
            Stream::Tls(s) => tls::server_end_point(s.ssl()),
            Stream::Deflate(d) => d.inner.tls_server_end_point(),
            _ => None,
        }
    }

    pub fn is_tls(&self) -> bool {
        match self {
            Stream::Deflate(d) => d.inner.is_tls(),
            s => matches!(s, Stream::Tls(_)),
        }
    }

    /// The socket's file descriptor.
    pub fn raw_fd(&self) -> i32 {
        match self {
            Stream::Tcp(s) => s.tcp.as_raw_fd(),
            Stream::Tls(s) => s.get_ref().tcp.as_raw_fd(),
            Stream::Child(c) => c.raw_fd(),
            Stream::Memory(_) => -1,
            Stream::Deflate(d) => d.inner.raw_fd(),
        }
    }

    /// The clock every wait of this stream runs under.
    pub fn pace(&self) -> &Pace {
        match self {
            Stream::Tcp(s) => &s.pace,
            Stream::Tls(s) => &s.get_ref().pace,
            Stream::Child(c) => c.pace(),
            Stream::Memory(m) => &m.pace,
            Stream::Deflate(d) => d.inner.pace(),
        }
    }

    pub fn pace_mut(&mut self) -> &mut Pace {
        match self {
            Stream::Tcp(s) => &mut s.pace,
            Stream::Tls(s) => &mut s.get_mut().pace,
            Stream::Child(c) => c.pace_mut(),
            Stream::Memory(m) => &mut m.pace,
            Stream::Deflate(d) => d.inner.pace_mut(),
        }
    }

    pub fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
            Stream::Child(c) => c.read(buf),
            Stream::Memory(m) => m.read(buf),
            Stream::Deflate(d) => d.read(buf),
        }
    }

    pub fn write_all(&mut self, data: &[u8]) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.write_all(data).and_then(|_| s.flush()),
            Stream::Tls(s) => s.write_all(data).and_then(|_| s.flush()),
            Stream::Child(c) => c.write_all(data),
            Stream::Memory(m) => m.write_all(data),
            Stream::Deflate(d) => d.write_all(data),
        }
    }

    /// Closes both directions without a goodbye, and without waiting: a TLS close_notify goes
    /// out only if the socket takes it at once.
    pub fn shutdown(&mut self) {
        self.pace_mut().stop();
        let _ = match self {
            Stream::Tcp(s) => s.tcp.shutdown(std::net::Shutdown::Both),
            Stream::Tls(s) => {
                let _ = s.shutdown();
                s.get_ref().tcp.shutdown(std::net::Shutdown::Both)
            }
            Stream::Child(c) => {
                c.shutdown();
                Ok(())
            }
            Stream::Memory(_) => Ok(()),
            Stream::Deflate(d) => {
                d.inner.shutdown();
                Ok(())
            }
        };
    }

    /// Upgrades a plain stream to TLS (STARTTLS).
    pub fn start_tls(self, host: &str, cfg: &TlsConfig) -> Result<Stream, TransportError> {
        match self {
            Stream::Tcp(tcp) => Ok(Stream::Tls(Box::new(tls::handshake(tcp, host, cfg)?))),
            Stream::Tls(_) => Err(TransportError::Tls(
                "TLS session already established".into(),
            )),
            Stream::Child(_) => Err(TransportError::Tls(
                "TLS is not available on a stream connection".into(),
            )),
            Stream::Memory(_) => Err(TransportError::Tls(
                "TLS is not available on an in-memory connection".into(),
            )),
            Stream::Deflate(_) => Err(TransportError::Tls(
                "TLS cannot start once compression is active".into(),
            )),
        }
    }
}

/// The longest single wait of a connect in progress; an interrupt ends it at once (its eventfd
/// is polled with the socket), or within this slice when the interrupter has no eventfd.
const POLL_SLICE: Duration = Duration::from_millis(50);

/// Connects to `host:port` within `timeout`, trying each resolved address in turn. An interrupt
/// from another thread ends the wait at once.
pub fn connect(
    host: &str,
    port: u16,
    timeout: Duration,
    interrupter: &Interrupter,
) -> Result<TcpStream, TransportError> {
    let host = if host.is_empty() { "localhost" } else { host };
    let addrs: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|e| TransportError::Connect(format!("cannot resolve {host}: {e}")))?
        .collect();
    let deadline = Instant::now() + timeout;
    let mut last = format!("no address for {host}");
    for addr in addrs {
        match connect_one(addr, deadline, interrupter) {
            Ok(s) => return Ok(s),
            Err(TransportError::Connect(m)) => last = m,
            Err(e) => return Err(e),
        }
    }
    Err(TransportError::Connect(last))
}

fn connect_one(
    addr: SocketAddr,
    deadline: Instant,
    interrupter: &Interrupter,
) -> Result<TcpStream, TransportError> {
    use socket2::{Domain, Protocol, Socket, Type};
    let io = |e: io::Error| TransportError::Connect(format!("connect to {addr}: {e}"));
    if interrupter.fired() {
        return Err(TransportError::Interrupted);
    }
    let sock =
        Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP)).map_err(io)?;
    sock.set_nonblocking(true).map_err(io)?;
    match sock.connect(&addr.into()) {
        Ok(()) => {}
        Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => loop {
            if interrupter.fired() {
                return Err(TransportError::Interrupted);
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(TransportError::Timeout(format!(
                    "connect to {addr} timed out"
                )));
            }
            let wait = (deadline - now).min(POLL_SLICE);
            let mut pfd = [
                libc::pollfd {
                    fd: sock.as_raw_fd(),
                    events: libc::POLLOUT,
                    revents: 0,
                },
                libc::pollfd {
                    fd: interrupter.interrupt_fd().unwrap_or(-1),
                    events: libc::POLLIN,
                    revents: 0,
                },
            ];
            // SAFETY: two valid pollfd entries (a negative descriptor is ignored).
            let n =
                unsafe { libc::poll(pfd.as_mut_ptr(), 2, wait.as_millis().max(1) as libc::c_int) };
            if n < 0 {
                let e = io::Error::last_os_error();
                if e.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(io(e));
            }
            if pfd[1].revents != 0 {
                return Err(TransportError::Interrupted);
            }
            if pfd[0].revents != 0 {
                if let Some(e) = sock.take_error().map_err(io)? {
                    return Err(io(e));
                }
                break;
            }
        },
        Err(e) => return Err(io(e)),
    }
    sock.set_nonblocking(false).map_err(io)?;
    let tcp: TcpStream = sock.into();
    let _ = tcp.set_nodelay(true);
    Ok(tcp)
}

/// Wraps a connected socket in TLS (implicit TLS, port 993).
pub fn tls_connect(sock: Socket, host: &str, cfg: &TlsConfig) -> Result<Stream, TransportError> {
    Ok(Stream::Tls(Box::new(tls::handshake(sock, host, cfg)?)))
}
