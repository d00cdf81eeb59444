//! Shared helpers for the integration tests: the test Dovecot (started on first use by
//! tests/server/test-dovecot.sh, the tests' own instance of dovecot-up.sh, which installs it
//! if missing; IMAPSRV_DIR, DOVECOT_IMAP_PORT and DOVECOT_IMAPS_PORT choose another one) and
//! connection shortcuts.
#![allow(dead_code)]

use imap::{Config, Session, TlsMode};
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

/// What test-dovecot.sh printed: host, ports, CA file, users...
pub struct Dovecot {
    pub env: HashMap<String, String>,
}

impl Dovecot {
    pub fn host(&self) -> &str {
        &self.env["DOVECOT_HOST"]
    }
    pub fn port(&self) -> u16 {
        self.env["DOVECOT_IMAP_PORT"].parse().unwrap()
    }
    pub fn tls_port(&self) -> u16 {
        self.env["DOVECOT_IMAPS_PORT"].parse().unwrap()
    }
    pub fn ca(&self) -> PathBuf {
        PathBuf::from(&self.env["DOVECOT_CA"])
    }
    pub fn pid(&self) -> u32 {
        self.env["DOVECOT_PID"].parse().unwrap()
    }
}

/// Starts the test Dovecot once per test binary (idempotent across binaries), seeded with
/// exactly 20 messages in user1's INBOX.
pub fn dovecot() -> &'static Dovecot {
    static D: OnceLock<Dovecot> = OnceLock::new();
    D.get_or_init(|| {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/server/test-dovecot.sh");
        let out = Command::new("bash")
            .arg(&script)
            .arg("start")
            .output()
            .expect("run test-dovecot.sh");
        assert!(
            out.status.success(),
            "test-dovecot.sh failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let env = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.trim_matches('\'').to_string()))
            .collect();
        Dovecot { env }
    })
}

/// A session configured to trust the test server's certificate.
pub fn session() -> Session {
    let mut cfg = Config::default();
    cfg.tls.ca_file = Some(dovecot().ca());
    Session::new(cfg)
}

/// A plain connection to the test Dovecot, not logged in.
pub fn connect() -> Session {
    let d = dovecot();
    let mut s = session();
    s.open(d.host(), d.port(), TlsMode::None).expect("connect");
    s
}

/// A plain connection logged in as `user` (password `pass` + the user's digit).
pub fn login(user: &str) -> Session {
    let mut s = connect();
    let pass = user.replace("user", "pass");
    let out = s.login(user, &pass).expect("login");
    assert!(out.is_ok(), "login failed: {out:?}");
    s
}

/// A mailbox name no other test uses.
pub fn unique_mailbox(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}
