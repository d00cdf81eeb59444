//! A CA file (Config::tls.ca_file, imap_set_ca_file) is a bundle: every certificate in it is
//! trusted, wherever the one that signed the server's certificate sits; a file with no
//! certificate, or with a broken one, is a clear TLS error rather than a partial trust list.
//! Against the test Dovecot (tests/common), whose self-signed certificate is its own CA.

mod common;

use common::dovecot;
use imap::{Config, ErrorKind, Session, TlsMode};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A scratch directory for this test binary, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("libimap-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A freshly generated self-signed CA certificate (PEM) that has nothing to do with the server.
fn unrelated_ca(dir: &Scratch, name: &str) -> Vec<u8> {
    let (key, cert) = (
        dir.path(&format!("{name}.key")),
        dir.path(&format!("{name}.pem")),
    );
    let out = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
        ])
        .args(["-nodes", "-days", "2", "-subj"])
        .arg(format!("/CN=libimap unrelated test CA {name}"))
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("run openssl");
    assert!(
        out.status.success(),
        "openssl: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read(cert).unwrap()
}

fn write(dir: &Scratch, name: &str, parts: &[&[u8]]) -> PathBuf {
    let path = dir.path(name);
    std::fs::write(&path, parts.concat()).unwrap();
    path
}

/// Opens a verified connection (implicit TLS, then STARTTLS) trusting only `ca_file`.
fn open_both(ca_file: &Path) -> Vec<imap::session::Result<Session>> {
    let d = dovecot();
    [
        (d.tls_port(), TlsMode::Implicit),
        (d.port(), TlsMode::StartTls),
    ]
    .into_iter()
    .map(|(port, mode)| {
        let mut cfg = Config::default();
        cfg.tls.ca_file = Some(ca_file.to_path_buf());
        let mut s = Session::new(cfg);
        s.open(d.host(), port, mode).map(|()| s)
    })
    .collect()
}

#[test]
fn every_certificate_of_a_ca_bundle_is_trusted_in_any_order() {
    let dir = Scratch::new("ca-bundle");
    let right = std::fs::read(dovecot().ca()).unwrap();
    let (a, b) = (unrelated_ca(&dir, "a"), unrelated_ca(&dir, "b"));
    let a_key = std::fs::read(dir.path("a.key")).unwrap();
    let bundles = [
        ("right-first.pem", vec![&right[..], &a[..]]),
        ("right-second.pem", vec![&a[..], &right[..]]),
        ("right-last-of-three.pem", vec![&a[..], &b[..], &right[..]]),
        // text between certificates (as in system bundles) and a key block are skipped
        (
            "with-text.pem",
            vec![
                b"# CA a\n",
                &a[..],
                &a_key[..],
                b"# CA\n",
                &right[..],
                b"trailing text\n",
            ],
        ),
    ];
    for (name, parts) in bundles {
        let path = write(&dir, name, &parts);
        for r in open_both(&path) {
            let mut s = r.unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert!(s.is_tls(), "{name}");
            let out = s.login("user3", "pass3").unwrap();
            assert_eq!(out.typ, "OK", "{name}: {out:?}");
            let _ = s.logout();
        }
    }
}

#[test]
fn a_bundle_without_the_right_ca_fails_verification() {
    let dir = Scratch::new("ca-bundle-wrong");
    let (a, b) = (unrelated_ca(&dir, "a"), unrelated_ca(&dir, "b"));
    for (name, parts) in [("one.pem", vec![&a[..]]), ("two.pem", vec![&a[..], &b[..]])] {
        let path = write(&dir, name, &parts);
        for r in open_both(&path) {
            let e = r.map(|_| ()).expect_err(name);
            assert_eq!(e.kind, ErrorKind::Tls, "{name}: {e:?}");
            assert!(
                e.message.contains("certificate verify failed"),
                "{name}: {e:?}"
            );
        }
    }
}

#[test]
fn a_ca_file_without_certificates_or_with_a_broken_one_is_a_clear_error() {
    let dir = Scratch::new("ca-bundle-bad");
    let right = std::fs::read(dovecot().ca()).unwrap();
    let text = String::from_utf8(right.clone()).unwrap();
    // the right certificate with its base64 body damaged (a character that is not base64)
    let lines: Vec<&str> = text.lines().collect();
    let mut damaged = lines.clone();
    damaged[2] = "!!!! this is not base64 !!!!";
    let damaged = damaged.join("\n") + "\n";
    // cut off before its END line
    let truncated = lines[..lines.len() - 1].join("\n") + "\n";
    let cases: [(&str, Vec<&[u8]>, &str); 5] = [
        ("empty.pem", vec![], "no certificate"),
        ("text.pem", vec![b"just some text\n"], "no certificate"),
        (
            "damaged-second.pem",
            vec![&right[..], damaged.as_bytes()],
            "invalid CA file",
        ),
        (
            "damaged-first.pem",
            vec![damaged.as_bytes(), &right[..]],
            "invalid CA file",
        ),
        (
            "truncated-second.pem",
            vec![&right[..], truncated.as_bytes()],
            "invalid CA file",
        ),
    ];
    for (name, parts, want) in cases {
        let path = write(&dir, name, &parts);
        for r in open_both(&path) {
            let e = r.map(|_| ()).expect_err(name);
            assert_eq!(e.kind, ErrorKind::Tls, "{name}: {e:?}");
            assert!(
                e.message.contains(want) && e.message.contains(name),
                "{name}: want {want:?} and the file name in {e:?}"
            );
        }
    }
    // a missing file names the file too
    for r in open_both(&dir.path("missing.pem")) {
        let e = r.map(|_| ()).expect_err("missing");
        assert_eq!(e.kind, ErrorKind::Tls, "{e:?}");
        assert!(e.message.contains("missing.pem"), "{e:?}");
    }
}

/// Connections with the same TLS settings share one connector (building one loads the
/// system's CA certificates), but a CA file replaced on disk is read again: trust follows the
/// file as it is when the connection is made.
#[test]
fn a_ca_file_replaced_on_disk_is_read_again() {
    let dir = Scratch::new("ca-bundle-replaced");
    let right = std::fs::read(dovecot().ca()).unwrap();
    let wrong = unrelated_ca(&dir, "a");
    let path = write(&dir, "ca.pem", &[&right[..]]);
    for round in 0..2 {
        for r in open_both(&path) {
            let s = r.unwrap_or_else(|e| panic!("round {round}, right CA: {e:?}"));
            assert!(s.is_tls());
        }
        write(&dir, "ca.pem", &[&wrong[..]]);
        for r in open_both(&path) {
            let e = r
                .map(|_| ())
                .expect_err("the replaced CA file must be used");
            assert_eq!(e.kind, ErrorKind::Tls, "round {round}: {e:?}");
        }
        write(&dir, "ca.pem", &[&right[..]]);
    }
}
