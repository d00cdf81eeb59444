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

/// A C handle logged in as user1 on the test Dovecot (plain TCP), with `mailbox` selected
/// read-only (EXAMINE): the start of the tests that go through the C ABI.
pub fn c_login(mailbox: &str) -> *mut imap::ffi::client::ImapClient {
    use imap::ffi::client::{imap_client_new, imap_open};
    use imap::ffi::code::ImapCode;
    use imap::ffi::commands::{imap_login, imap_select};
    use imap::ffi::result::imap_result_free;
    use std::ffi::CString;
    let d = dovecot();
    let mut c = std::ptr::null_mut();
    // SAFETY: every pointer passed is valid for the call; results are freed once.
    unsafe {
        assert_eq!(imap_client_new(&mut c), ImapCode::Ok);
        let host = CString::new(d.host()).unwrap();
        assert_eq!(imap_open(c, host.as_ptr(), d.port(), 0), ImapCode::Ok);
        let (u, p) = (
            CString::new("user1").unwrap(),
            CString::new("pass1").unwrap(),
        );
        let mut r = std::ptr::null_mut();
        assert_eq!(imap_login(c, u.as_ptr(), p.as_ptr(), &mut r), ImapCode::Ok);
        imap_result_free(r);
        let m = CString::new(mailbox).unwrap();
        assert_eq!(imap_select(c, m.as_ptr(), 1, &mut r), ImapCode::Ok);
        imap_result_free(r);
    }
    c
}

/// The next IDLE update named `name` within `timeout`, passing over the status responses a
/// server may send while idling at any time (RFC 2177's `* OK Still here`: Dovecot times its
/// keepalives per client address, so the first can come within seconds). `None` if none came.
pub fn idle_update(
    s: &mut Session,
    name: &str,
    timeout: std::time::Duration,
) -> Option<(String, Vec<imap::Item>)> {
    let end = std::time::Instant::now() + timeout;
    loop {
        let left = end.saturating_duration_since(std::time::Instant::now());
        let (n, items) = s.idle_wait(left).unwrap()?;
        if n == name {
            return Some((n, items));
        }
        assert!(
            matches!(n.as_str(), "OK" | "NO"),
            "unexpected IDLE update {n} before {name}"
        );
    }
}
