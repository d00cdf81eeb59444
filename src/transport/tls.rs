//! TLS through OpenSSL (the `openssl` crate). Certificate and hostname verification are on
//! unless the caller turns them off explicitly; TLS 1.2 is the oldest version offered unless
//! the caller asks for 1.3 only.

use super::{Expiry, Socket, TransportError};
use openssl::ssl::{
    HandshakeError, Ssl, SslContext, SslContextBuilder, SslFiletype, SslMethod, SslMode,
    SslOptions, SslStream, SslVerifyMode, SslVersion,
};
use openssl::x509::verify::X509CheckFlags;
use openssl::x509::{X509VerifyResult, X509};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::SystemTime;

/// The oldest TLS version a connection accepts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum TlsVersion {
    /// TLS 1.2 (and 1.3): the default, as Python's default SSL context has it.
    #[default]
    Tls12,
    /// TLS 1.3 only.
    Tls13,
}

/// TLS settings of a client.
#[derive(Debug, Clone, Default)]
pub struct TlsConfig {
    /// Skip certificate and hostname verification (tests only).
    pub insecure: bool,
    /// Extra trusted CA certificates: a PEM file holding one or more (every one is trusted).
    pub ca_file: Option<PathBuf>,
    /// Extra trusted CA certificates: a directory in OpenSSL's hashed layout (`openssl
    /// rehash`, `c_rehash`), read as certificates are needed.
    pub ca_dir: Option<PathBuf>,
    /// Do not trust the system's CA certificates (only `ca_file` and `ca_dir`).
    pub no_system_roots: bool,
    /// Client certificate and its PKCS#8 private key (PEM files): imaplib's certfile/keyfile.
    pub client_cert: Option<(PathBuf, PathBuf)>,
    /// The name to verify the server's certificate against and to send as SNI, instead of
    /// the host connected to (to connect by address and still verify a name).
    pub server_name: Option<String>,
    /// The oldest TLS version accepted.
    pub min_version: TlsVersion,
}

/// The context's error, for a message.
fn setup(e: openssl::error::ErrorStack) -> TransportError {
    TransportError::Tls(format!("TLS setup failed: {e}"))
}

fn read(path: &PathBuf, what: &str) -> Result<Vec<u8>, TransportError> {
    std::fs::read(path)
        .map_err(|e| TransportError::Tls(format!("cannot read {what} {}: {e}", path.display())))
}

/// Every certificate of a PEM CA file (a bundle), in file order. Text and other PEM blocks
/// (keys, ...) between certificates are skipped, as OpenSSL's own CA file loading does; a
/// certificate block that does not parse, or a file with no certificate at all, is an error
/// naming the file, so that a damaged bundle never silently trusts only part of itself.
fn ca_bundle(path: &PathBuf) -> Result<Vec<X509>, TransportError> {
    let pem = read(path, "CA file")?;
    let certs = X509::stack_from_pem(&pem)
        .map_err(|e| TransportError::Tls(format!("invalid CA file {}: {e}", path.display())))?;
    if certs.is_empty() {
        return Err(TransportError::Tls(format!(
            "invalid CA file {}: no certificate (PEM \"BEGIN CERTIFICATE\" block) in it",
            path.display()
        )));
    }
    Ok(certs)
}

/// What a connector was built from: the settings and, for each file, its size and time of
/// change, so that a CA file or client certificate replaced on disk is read again.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ConnectorKey {
    insecure: bool,
    ca_file: Option<FileStamp>,
    ca_dir: Option<PathBuf>,
    no_system_roots: bool,
    client_cert: Option<(FileStamp, FileStamp)>,
    min_version: TlsVersion,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct FileStamp {
    path: PathBuf,
    len: u64,
    modified: Option<SystemTime>,
}

impl FileStamp {
    /// `None` when the file cannot be examined: no connector is shared then, and building one
    /// reports the file's error.
    fn of(path: &Path) -> Option<FileStamp> {
        let m = std::fs::metadata(path).ok()?;
        Some(FileStamp {
            path: path.to_path_buf(),
            len: m.len(),
            modified: m.modified().ok(),
        })
    }
}

/// Contexts already built, most recently used last. Every connection made with the same
/// settings shares one, for implicit TLS and STARTTLS alike (a context holds the trusted
/// certificates: building one for each connection would read them each time).
static CONNECTORS: Mutex<Vec<(ConnectorKey, SslContext)>> = Mutex::new(Vec::new());

/// How many distinct settings keep a connector (a process rarely has more than one or two).
const CONNECTORS_KEPT: usize = 8;

impl TlsConfig {
    fn key(&self) -> Option<ConnectorKey> {
        let ca_file = match &self.ca_file {
            Some(p) => Some(FileStamp::of(p)?),
            None => None,
        };
        let client_cert = match &self.client_cert {
            Some((c, k)) => Some((FileStamp::of(c)?, FileStamp::of(k)?)),
            None => None,
        };
        Some(ConnectorKey {
            insecure: self.insecure,
            ca_file,
            ca_dir: self.ca_dir.clone(),
            no_system_roots: self.no_system_roots,
            client_cert,
            min_version: self.min_version,
        })
    }

    /// The connector for these settings: a shared one when it was built before from the same
    /// settings and unchanged files, else a new one (kept for the next connection).
    fn connector(&self) -> Result<SslContext, TransportError> {
        let Some(key) = self.key() else {
            return self.build();
        };
        {
            let mut kept = CONNECTORS.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(i) = kept.iter().position(|(k, _)| *k == key) {
                let entry = kept.remove(i);
                let connector = entry.1.clone();
                kept.push(entry);
                return Ok(connector);
            }
        }
        let connector = self.build()?;
        let mut kept = CONNECTORS.lock().unwrap_or_else(|p| p.into_inner());
        kept.retain(|(k, _)| *k != key);
        if kept.len() >= CONNECTORS_KEPT {
            kept.remove(0);
        }
        kept.push((key, connector.clone()));
        Ok(connector)
    }

    fn build(&self) -> Result<SslContext, TransportError> {
        let mut b = SslContext::builder(SslMethod::tls_client()).map_err(setup)?;
        b.set_options(SslOptions::NO_COMPRESSION | SslOptions::NO_SSLV2 | SslOptions::NO_SSLV3);
        b.set_mode(
            SslMode::AUTO_RETRY
                | SslMode::ACCEPT_MOVING_WRITE_BUFFER
                | SslMode::ENABLE_PARTIAL_WRITE,
        );
        b.set_min_proto_version(Some(match self.min_version {
            TlsVersion::Tls12 => SslVersion::TLS1_2,
            TlsVersion::Tls13 => SslVersion::TLS1_3,
        }))
        .map_err(setup)?;
        if self.insecure {
            b.set_verify(SslVerifyMode::NONE);
        } else {
            b.set_verify(SslVerifyMode::PEER);
        }
        if !self.no_system_roots {
            system_roots(&mut b)?;
        }
        if let Some(ca) = &self.ca_file {
            for cert in ca_bundle(ca)? {
                // A certificate the store holds already (the system's too) is no error.
                let _ = b.cert_store_mut().add_cert(cert);
            }
        }
        if let Some(dir) = &self.ca_dir {
            if !dir.is_dir() {
                return Err(TransportError::Tls(format!(
                    "CA directory {} is not a directory",
                    dir.display()
                )));
            }
            b.load_verify_locations(None, Some(dir)).map_err(|e| {
                TransportError::Tls(format!("cannot use CA directory {}: {e}", dir.display()))
            })?;
        }
        if let Some((cert, key)) = &self.client_cert {
            let bad = |what: &str, path: &Path, e: openssl::error::ErrorStack| {
                TransportError::Tls(format!("invalid client {what} {}: {e}", path.display()))
            };
            // Read first, so that a missing file says so plainly.
            read(cert, "certificate")?;
            read(key, "key")?;
            b.set_certificate_chain_file(cert)
                .map_err(|e| bad("certificate", cert, e))?;
            b.set_private_key_file(key, SslFiletype::PEM)
                .map_err(|e| bad("key", key, e))?;
            b.check_private_key().map_err(|e| {
                TransportError::Tls(format!(
                    "invalid client certificate or key: the key {} does not match the certificate {}: {e}",
                    key.display(),
                    cert.display()
                ))
            })?;
        }
        Ok(b.build())
    }
}

/// Trusts the system's CA certificates. Where OpenSSL's certificate directory is in its
/// hashed layout (Debian, Ubuntu, Fedora...) only the directory is used: certificates are
/// then read as a verification needs them, instead of the whole bundle file being parsed
/// (about 140 certificates, tens of milliseconds) by the first connection. Elsewhere, or when
/// `SSL_CERT_FILE` or `SSL_CERT_DIR` chooses other places, OpenSSL's defaults (bundle file and
/// directory, environment honoured).
fn system_roots(b: &mut SslContextBuilder) -> Result<(), TransportError> {
    static HASHED_DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    let dir = HASHED_DIR.get_or_init(|| {
        if std::env::var_os("SSL_CERT_FILE").is_some() || std::env::var_os("SSL_CERT_DIR").is_some()
        {
            return None;
        }
        // "OPENSSLDIR: \"/usr/lib/ssl\"" -> /usr/lib/ssl/certs
        let v = openssl::version::dir();
        let base = v.split('"').nth(1)?;
        let dir = Path::new(base).join("certs");
        is_hashed_dir(&dir).then_some(dir)
    });
    match dir {
        Some(d) => b.load_verify_locations(None, Some(d)).map_err(setup),
        None => b.set_default_verify_paths().map_err(setup),
    }
}

/// RFC 5929 §4.1: the server certificate hashed with its signature's hash function, or
/// SHA-256 when that is MD5 or SHA-1 (or unknown to OpenSSL).
pub(super) fn server_end_point(ssl: &openssl::ssl::SslRef) -> Option<Vec<u8>> {
    use openssl::hash::MessageDigest;
    use openssl::nid::Nid;
    let cert = ssl.peer_certificate()?;
    let md = cert
        .signature_algorithm()
        .object()
        .nid()
        .signature_algorithms()
        .and_then(|a| MessageDigest::from_nid(a.digest))
        .filter(|md| md.type_() != Nid::MD5 && md.type_() != Nid::SHA1)
        .unwrap_or(MessageDigest::sha256());
    cert.digest(md).ok().map(|d| d.to_vec())
}

/// Whether `dir` holds certificates under OpenSSL's hashed names (`9d66eef0.0`).
fn is_hashed_dir(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().any(|e| {
        let n = e.file_name();
        let n = n.as_encoded_bytes();
        n.len() == 10
            && n[8] == b'.'
            && n[9].is_ascii_digit()
            && n[..8].iter().all(u8::is_ascii_hexdigit)
    })
}

/// The TLS handshake, under the socket's pace: a server that stalls or drips it ends it with
/// a timeout like any other call.
pub(super) fn handshake(
    sock: Socket,
    host: &str,
    cfg: &TlsConfig,
) -> Result<SslStream<Socket>, TransportError> {
    let host = if host.is_empty() { "localhost" } else { host };
    let name = cfg.server_name.as_deref().unwrap_or(host);
    let ip = name.parse::<IpAddr>().ok();
    let ctx = cfg.connector()?;
    let mut ssl = Ssl::new(&ctx).map_err(setup)?;
    if !cfg.insecure {
        let param = ssl.param_mut();
        param.set_hostflags(X509CheckFlags::NO_PARTIAL_WILDCARDS);
        match ip {
            Some(ip) => param.set_ip(ip),
            None => param.set_host(name),
        }
        .map_err(setup)?;
    }
    if ip.is_none() {
        // SNI carries names only (RFC 6066).
        ssl.set_hostname(name).map_err(setup)?;
    }
    match ssl.connect(sock) {
        Ok(s) => Ok(s),
        Err(HandshakeError::SetupFailure(e)) => Err(setup(e)),
        Err(HandshakeError::Failure(mid)) => {
            let verify = mid.ssl().verify_result();
            let why = if verify == X509VerifyResult::OK {
                String::new()
            } else {
                format!(" ({})", verify.error_string())
            };
            Err(TransportError::Tls(format!(
                "TLS handshake with {name} failed: {}{why}",
                mid.error()
            )))
        }
        Err(HandshakeError::WouldBlock(mid)) => {
            let why = match mid.get_ref().pace().expired() {
                Some(Expiry::Deadline(_)) => "the call's deadline passed",
                Some(Expiry::Idle(super::Direction::Write)) => "the server stopped reading",
                Some(Expiry::Idle(_)) => "the server stopped sending",
                _ => "the wait ended",
            };
            Err(TransportError::Timeout(format!(
                "TLS handshake with {name} timed out ({why})"
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_directories_are_recognised() {
        let dir = std::env::temp_dir().join(format!("libimap-hashed-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        assert!(!is_hashed_dir(&dir), "empty");
        std::fs::write(dir.join("ca-certificates.crt"), b"").unwrap();
        std::fs::write(dir.join("9d66eef0.x"), b"").unwrap();
        assert!(!is_hashed_dir(&dir), "no hashed name");
        std::fs::write(dir.join("9d66eef0.0"), b"").unwrap();
        assert!(is_hashed_dir(&dir));
        assert!(!is_hashed_dir(&dir.join("missing")));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
