//! Connection set-up cost (issue 13's W5): 50 × (implicit TLS connect, LOGIN, SELECT, LOGOUT)
//! against the test Dovecot, through libimap and through a floor client in the same run: the
//! floor builds its TLS connector once (native-tls, the library libimap uses) and speaks the
//! same four commands over the raw TLS stream, reading only up to each tagged line. Prints
//! the CPU time of each (this process's user + system time, so the server's work is not
//! counted) and the ratio. Best of 3 rounds.
//!
//! Run: `cargo bench --bench tls_connect` (starts the test Dovecot through
//! tests/server/test-dovecot.sh, honouring IMAPSRV_DIR, DOVECOT_IMAP_PORT, DOVECOT_IMAPS_PORT).

use imap::{Config, Session, TlsMode};
use native_tls::{Certificate, TlsConnector};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

const CONNECTIONS: usize = 50;
const ROUNDS: usize = 3;

fn dovecot() -> HashMap<String, String> {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/server/test-dovecot.sh");
    let out = Command::new("bash")
        .arg(script)
        .arg("start")
        .output()
        .expect("run test-dovecot.sh");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.trim_matches('\'').to_string()))
        .collect()
}

/// This process's CPU time so far (user + system).
fn cpu() -> Duration {
    // SAFETY: getrusage fills the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(u.ru_utime) + tv(u.ru_stime)
}

fn best(mut f: impl FnMut()) -> Duration {
    (0..ROUNDS)
        .map(|_| {
            let t0 = cpu();
            f();
            cpu() - t0
        })
        .min()
        .unwrap()
}

fn libimap(env: &HashMap<String, String>) {
    let port: u16 = env["DOVECOT_IMAPS_PORT"].parse().unwrap();
    for _ in 0..CONNECTIONS {
        let mut cfg = Config::default();
        cfg.tls.ca_file = Some(PathBuf::from(&env["DOVECOT_CA"]));
        let mut s = Session::new(cfg);
        s.open(&env["DOVECOT_HOST"], port, TlsMode::Implicit)
            .unwrap();
        s.login("user1", "pass1").unwrap();
        s.select("INBOX", true).unwrap();
        s.logout().unwrap();
    }
}

fn floor(env: &HashMap<String, String>) {
    let port: u16 = env["DOVECOT_IMAPS_PORT"].parse().unwrap();
    let ca = std::fs::read(&env["DOVECOT_CA"]).unwrap();
    let connector = TlsConnector::builder()
        .add_root_certificate(Certificate::from_pem(&ca).unwrap())
        .build()
        .unwrap();
    let host = &env["DOVECOT_HOST"];
    for _ in 0..CONNECTIONS {
        let tcp = TcpStream::connect((host.as_str(), port)).unwrap();
        let mut tls = BufReader::new(connector.connect(host, tcp).unwrap());
        let mut line = Vec::new();
        tls.read_until(b'\n', &mut line).unwrap(); // greeting
        for (tag, cmd) in [
            ("a", "LOGIN user1 pass1"),
            ("b", "EXAMINE INBOX"),
            ("c", "LOGOUT"),
        ] {
            write!(tls.get_mut(), "{tag} {cmd}\r\n").unwrap();
            loop {
                line.clear();
                if tls.read_until(b'\n', &mut line).unwrap() == 0
                    || line.starts_with(tag.as_bytes())
                {
                    break;
                }
            }
        }
    }
}

fn main() {
    let env = dovecot();
    // One of each first: page cache and server warm.
    libimap(&env);
    floor(&env);
    let f = best(|| floor(&env));
    let l = best(|| libimap(&env));
    println!("{CONNECTIONS} x (TLS connect, LOGIN, SELECT, LOGOUT), client CPU, best of {ROUNDS}:");
    println!(
        "  floor (native-tls, raw commands): {:8.3} s",
        f.as_secs_f64()
    );
    println!(
        "  libimap:                          {:8.3} s  ({:.2}x the floor)",
        l.as_secs_f64(),
        l.as_secs_f64() / f.as_secs_f64()
    );
}
