//! TLS through native-tls (OpenSSL on Linux). Certificate and hostname verification are on
//! unless the caller turns them off explicitly.

use super::{Expiry, Socket, TransportError};
use native_tls::{Certificate, HandshakeError, Identity, TlsConnector};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

/// TLS settings of a client.
#[derive(Debug, Clone, Default)]
pub struct TlsConfig {
    /// Skip certificate and hostname verification (tests only).
    pub insecure: bool,
    /// Extra trusted CA certificates: a PEM file holding one or more (every one is trusted).
    pub ca_file: Option<PathBuf>,
    /// Client certificate and its PKCS#8 private key (PEM files): imaplib's certfile/keyfile.
    pub client_cert: Option<(PathBuf, PathBuf)>,
}

fn read(path: &PathBuf, what: &str) -> Result<Vec<u8>, TransportError> {
    std::fs::read(path)
        .map_err(|e| TransportError::Tls(format!("cannot read {what} {}: {e}", path.display())))
}

/// Every certificate of a PEM CA file (a bundle), in file order. Text and other PEM blocks
/// (keys, ...) between certificates are skipped, as OpenSSL's own CA file loading does; a
/// certificate block that does not parse, or a file with no certificate at all, is an error
/// naming the file, so that a damaged bundle never silently trusts only part of itself.
fn ca_bundle(path: &PathBuf) -> Result<Vec<Certificate>, TransportError> {
    let pem = read(path, "CA file")?;
    let certs = Certificate::stack_from_pem(&pem)
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
    client_cert: Option<(FileStamp, FileStamp)>,
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

/// Connectors already built, most recently used last. Building one loads the system's CA
/// certificates (tens of milliseconds of CPU); every connection made with the same settings
/// shares one instead, for implicit TLS and STARTTLS alike.
static CONNECTORS: Mutex<Vec<(ConnectorKey, TlsConnector)>> = Mutex::new(Vec::new());

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
            client_cert,
        })
    }

    /// The connector for these settings: a shared one when it was built before from the same
    /// settings and unchanged files, else a new one (kept for the next connection).
    fn connector(&self) -> Result<TlsConnector, TransportError> {
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

    fn build(&self) -> Result<TlsConnector, TransportError> {
        let mut b = TlsConnector::builder();
        if let Some(ca) = &self.ca_file {
            for cert in ca_bundle(ca)? {
                b.add_root_certificate(cert);
            }
        }
        if let Some((cert, key)) = &self.client_cert {
            let id = Identity::from_pkcs8(&read(cert, "certificate")?, &read(key, "key")?)
                .map_err(|e| {
                    TransportError::Tls(format!("invalid client certificate or key: {e}"))
                })?;
            b.identity(id);
        }
        if self.insecure {
            b.danger_accept_invalid_certs(true)
                .danger_accept_invalid_hostnames(true);
        }
        b.build()
            .map_err(|e| TransportError::Tls(format!("TLS setup failed: {e}")))
    }
}

/// The TLS handshake, under the socket's pace: a server that stalls or drips it ends it with
/// a timeout like any other call.
pub(super) fn handshake(
    sock: Socket,
    host: &str,
    cfg: &TlsConfig,
) -> Result<native_tls::TlsStream<Socket>, TransportError> {
    let host = if host.is_empty() { "localhost" } else { host };
    match cfg.connector()?.connect(host, sock) {
        Ok(s) => Ok(s),
        Err(HandshakeError::Failure(e)) => Err(TransportError::Tls(format!(
            "TLS handshake with {host} failed: {e}"
        ))),
        Err(HandshakeError::WouldBlock(mid)) => {
            let why = match mid.get_ref().pace().expired() {
                Some(Expiry::Deadline(_)) => "the call's deadline passed",
                Some(Expiry::Idle(super::Direction::Write)) => "the server stopped reading",
                Some(Expiry::Idle(_)) => "the server stopped sending",
                _ => "the wait ended",
            };
            Err(TransportError::Timeout(format!(
                "TLS handshake with {host} timed out ({why})"
            )))
        }
    }
}
