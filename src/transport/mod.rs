//! Byte transports: TCP, TLS over TCP (implicit or after STARTTLS), and the interrupter that
//! lets another thread wake a blocked call.

mod child;
mod interrupt;
mod memory;
mod tls;

pub use child::ChildStream;
pub use interrupt::{Interrupter, Waker};
#[doc(hidden)]
pub use memory::{Duplex, MemoryStream};
pub use tls::TlsConfig;

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

/// An open byte stream to the server.
pub enum Stream {
    Tcp(TcpStream),
    Tls(Box<native_tls::TlsStream<TcpStream>>),
    /// A command's stdin and stdout (imaplib `IMAP4_stream`), over a socket pair.
    Child(Box<ChildStream>),
    /// An in-memory connection, for fuzzing.
    #[doc(hidden)]
    Memory(MemoryStream),
}

/// Runs `command` through `/bin/sh -c` with its stdin and stdout connected to us.
pub fn spawn(command: &str) -> Result<Stream, TransportError> {
    Ok(Stream::Child(Box::new(child::spawn(command)?)))
}

impl Stream {
    /// A handle that shuts the connection down from another thread.
    pub fn waker(&self) -> io::Result<Waker> {
        Ok(match self {
            Stream::Tcp(s) => Waker::Tcp(s.try_clone()?),
            Stream::Tls(s) => Waker::Tcp(s.get_ref().try_clone()?),
            Stream::Child(c) => Waker::Pipe(c.waker()?),
            Stream::Memory(_) => Waker::Memory,
        })
    }

    pub fn is_tls(&self) -> bool {
        matches!(self, Stream::Tls(_))
    }

    /// The socket's file descriptor.
    pub fn raw_fd(&self) -> i32 {
        match self {
            Stream::Tcp(s) => s.as_raw_fd(),
            Stream::Tls(s) => s.get_ref().as_raw_fd(),
            Stream::Child(c) => c.raw_fd(),
            Stream::Memory(_) => -1,
        }
    }

    /// Sets the read and write timeout (`None` waits forever).
    pub fn set_timeout(&self, t: Option<Duration>) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.set_read_timeout(t).and_then(|_| s.set_write_timeout(t)),
            Stream::Tls(s) => {
                let s = s.get_ref();
                s.set_read_timeout(t).and_then(|_| s.set_write_timeout(t))
            }
            Stream::Child(c) => {
                c.set_timeout(t);
                Ok(())
            }
            Stream::Memory(_) => Ok(()),
        }
    }

    pub fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
            Stream::Child(c) => c.read(buf),
            Stream::Memory(m) => m.read(buf),
        }
    }

    pub fn write_all(&mut self, data: &[u8]) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.write_all(data).and_then(|_| s.flush()),
            Stream::Tls(s) => s.write_all(data).and_then(|_| s.flush()),
            Stream::Child(c) => c.write_all(data),
            Stream::Memory(m) => m.write_all(data),
        }
    }

    /// Closes both directions without a goodbye.
    pub fn shutdown(&mut self) {
        let _ = match self {
            Stream::Tcp(s) => s.shutdown(std::net::Shutdown::Both),
            Stream::Tls(s) => {
                let _ = s.shutdown();
                s.get_ref().shutdown(std::net::Shutdown::Both)
            }
            Stream::Child(c) => {
                c.shutdown();
                Ok(())
            }
            Stream::Memory(_) => Ok(()),
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
        }
    }
}

/// How often a connect in progress checks for an interrupt.
const POLL_SLICE: Duration = Duration::from_millis(50);

/// Connects to `host:port` within `timeout`, trying each resolved address in turn. An interrupt
/// from another thread ends the wait within [`POLL_SLICE`].
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
            let mut pfd = libc::pollfd {
                fd: sock.as_raw_fd(),
                events: libc::POLLOUT,
                revents: 0,
            };
            // SAFETY: one valid pollfd, count 1.
            let n = unsafe { libc::poll(&mut pfd, 1, wait.as_millis().max(1) as libc::c_int) };
            if n < 0 {
                let e = io::Error::last_os_error();
                if e.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(io(e));
            }
            if n > 0 {
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
pub fn tls_connect(tcp: TcpStream, host: &str, cfg: &TlsConfig) -> Result<Stream, TransportError> {
    Ok(Stream::Tls(Box::new(tls::handshake(tcp, host, cfg)?)))
}
