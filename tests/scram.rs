//! SCRAM and the automatic login against the scripted server, for what a real server will not
//! do: a server that cannot prove it knows the password (a wrong signature, an OK before its
//! signature), channel binding to the TLS certificate (SCRAM-SHA-256-PLUS, which the test
//! Dovecot lacks), and the choices of `login_auto` (never a password without TLS unless
//! allowed, never the LOGIN command under LOGINDISABLED). The server side of SCRAM here is
//! the RFC 5802 computation written for the test, independent of the client's code.

mod fake;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use fake::{expect, expect_line, send, FakeServer, Step};
use hmac::{Hmac, Mac};
use imap::{Config, ErrorKind, Mechanism, ScramHash, Session, State, TlsMode};
use sha2::{Digest, Sha256};
use std::cell::RefCell;
use std::time::Duration;

const USER: &str = "alice";
const PW: &str = "wonderland-pw";
const SALT: &[u8] = b"fake-server-salt";

/// What the fake server remembers between its two SCRAM replies (each server runs in a
/// thread of its own).
#[derive(Default, Clone)]
struct ServerSide {
    gs2: String,
    first_bare: String,
    server_first: String,
}

thread_local! {
    static SIDE: RefCell<ServerSide> = RefCell::new(ServerSide::default());
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut m = <Hmac<Sha256>>::new_from_slice(key).unwrap();
    m.update(data);
    m.finalize().into_bytes().to_vec()
}

/// The last word of a line, base64-decoded, as text.
fn decoded(line: &[u8]) -> Result<String, String> {
    let text = String::from_utf8_lossy(line);
    let word = text.trim_end().rsplit(' ').next().unwrap_or("").to_string();
    let bytes = B64.decode(word).map_err(|e| format!("not base64: {e}"))?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

/// First reply: the client-first message came on the command line (SASL-IR).
fn server_first(line: &[u8]) -> Result<Vec<u8>, String> {
    let first = decoded(line)?;
    let mut parts = first.splitn(3, ',');
    let (flag, authz, bare) = (
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
        parts.next().ok_or("no client-first-bare")?,
    );
    let nonce = bare
        .split(',')
        .find_map(|a| a.strip_prefix("r="))
        .ok_or("no nonce")?;
    let server_first = format!("r={nonce}srv-part,s={},i=4096", B64.encode(SALT));
    SIDE.with(|s| {
        *s.borrow_mut() = ServerSide {
            gs2: format!("{flag},{authz},"),
            first_bare: bare.to_string(),
            server_first: server_first.clone(),
        }
    });
    Ok(format!("+ {}\r\n", B64.encode(&server_first)).into_bytes())
}

/// The server signature for the client-final message `line`, after checking the client's
/// proof and channel binding data (`cbind`: the certificate hash for -PLUS).
fn signature(line: &[u8], cbind: &[u8]) -> Result<Vec<u8>, String> {
    let fin = decoded(line)?;
    let side = SIDE.with(|s| s.borrow().clone());
    let (without_proof, proof) = fin.rsplit_once(",p=").ok_or("no proof")?;
    let c = without_proof
        .split(',')
        .find_map(|a| a.strip_prefix("c="))
        .ok_or("no channel binding")?;
    let expected_c = [side.gs2.as_bytes(), cbind].concat();
    if B64.decode(c).map_err(|e| e.to_string())? != expected_c {
        return Err(format!("channel binding data differs: c={c}"));
    }
    let auth = format!("{},{},{without_proof}", side.first_bare, side.server_first);
    let mut salted = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<Sha256>(PW.as_bytes(), SALT, 4096, &mut salted);
    let client_key = hmac(&salted, b"Client Key");
    let stored = Sha256::digest(&client_key);
    let client_sig = hmac(&stored, auth.as_bytes());
    let want: Vec<u8> = client_key
        .iter()
        .zip(&client_sig)
        .map(|(a, b)| a ^ b)
        .collect();
    if B64.decode(proof).map_err(|e| e.to_string())? != want {
        return Err("the client's proof is wrong".into());
    }
    Ok(hmac(&hmac(&salted, b"Server Key"), auth.as_bytes()))
}

/// The server-final continuation carrying `sig`.
fn verifier(sig: &[u8]) -> Vec<u8> {
    format!("+ {}\r\n", B64.encode(format!("v={}", B64.encode(sig)))).into_bytes()
}

fn server_final(line: &[u8]) -> Result<Vec<u8>, String> {
    Ok(verifier(&signature(line, b"")?))
}

fn server_final_wrong(line: &[u8]) -> Result<Vec<u8>, String> {
    let mut sig = signature(line, b"")?;
    sig[0] ^= 1;
    Ok(verifier(&sig))
}

fn server_final_plus(line: &[u8]) -> Result<Vec<u8>, String> {
    let cert = std::fs::read(&fake::certificate().0).map_err(|e| e.to_string())?;
    let der = openssl::x509::X509::from_pem(&cert).map_err(|e| e.to_string())?;
    // an ECDSA-SHA256 certificate: tls-server-end-point hashes it with SHA-256
    let hash = der
        .digest(openssl::hash::MessageDigest::sha256())
        .map_err(|e| e.to_string())?;
    Ok(verifier(&signature(line, &hash)?))
}

fn plain(caps: &str, script: Vec<Step>) -> (Session, FakeServer) {
    let mut all = vec![send(format!(
        "* OK [CAPABILITY IMAP4rev1 {caps}] fake ready\r\n"
    ))];
    all.extend(script);
    let server = FakeServer::start(all);
    let config = Config {
        io_timeout: Duration::from_secs(10),
        ..Config::default()
    };
    let mut s = Session::new(config);
    s.open("127.0.0.1", server.port, TlsMode::None)
        .expect("open fake server");
    (s, server)
}

fn scram256<'a>() -> Mechanism<'a> {
    Mechanism::Scram {
        hash: ScramHash::Sha256,
        plus: false,
        authzid: None,
        user: USER,
        password: PW.into(),
    }
}

#[test]
fn a_server_that_proves_the_password_is_trusted() {
    let (mut s, server) = plain(
        "SASL-IR AUTH=SCRAM-SHA-256",
        vec![
            Step::Reply(server_first),
            Step::Reply(server_final),
            expect_line(""),
            send("{tag} OK [CAPABILITY IMAP4rev1] logged in\r\n"),
        ],
    );
    let out = s.login_with(scram256()).expect("login");
    assert!(out.is_ok());
    assert_eq!(s.state(), State::Auth);
    assert_eq!(s.auth_mechanism(), Some("SCRAM-SHA-256"));
    drop(s);
    let t = server.finish();
    assert!(!t.sent(PW), "the password never goes to the server");
}

#[test]
fn a_wrong_server_signature_fails_the_login_and_closes() {
    let (mut s, server) = plain(
        "SASL-IR AUTH=SCRAM-SHA-256",
        vec![
            Step::Reply(server_first),
            Step::Reply(server_final_wrong),
            expect_line("*"),
            send("{tag} BAD exchange cancelled\r\n"),
        ],
    );
    let e = s.login_with(scram256()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Abort, "{e:?}");
    assert!(e.message.contains("signature is wrong"), "{}", e.message);
    assert!(!s.is_open());
    assert_eq!(s.auth_mechanism(), None);
    drop(s);
    server.finish();
}

#[test]
fn an_ok_before_the_server_signature_is_not_believed() {
    let (mut s, server) = plain(
        "SASL-IR AUTH=SCRAM-SHA-256",
        vec![
            Step::Reply(server_first),
            fake::Step::AnyLine,
            send("{tag} OK welcome, whoever you are\r\n"),
        ],
    );
    let e = s.login_with(scram256()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Abort, "{e:?}");
    assert!(!s.is_open());
    assert_ne!(s.state(), State::Auth);
    drop(s);
    server.finish();
}

#[test]
fn login_auto_binds_scram_to_the_tls_certificate() {
    let script = vec![
        send("* OK [CAPABILITY IMAP4rev1 STARTTLS] fake ready\r\n"),
        expect("STARTTLS"),
        send("{tag} OK Begin TLS\r\n"),
        Step::StartTls,
        expect("CAPABILITY"),
        send(
            "* CAPABILITY IMAP4rev1 SASL-IR AUTH=SCRAM-SHA-256 AUTH=SCRAM-SHA-256-PLUS AUTH=PLAIN\r\n{tag} OK done\r\n",
        ),
        Step::Reply(server_first),
        Step::Reply(server_final_plus),
        expect_line(""),
        send("{tag} OK [CAPABILITY IMAP4rev1] logged in\r\n"),
    ];
    let server = FakeServer::start(script);
    let mut config = Config {
        io_timeout: Duration::from_secs(10),
        ..Config::default()
    };
    config.tls.ca_file = Some(fake::certificate().0.clone());
    let mut s = Session::new(config);
    s.open("127.0.0.1", server.port, TlsMode::StartTls)
        .expect("open");
    let out = s.login_auto(USER, PW).expect("login_auto");
    assert!(out.is_ok());
    assert_eq!(s.auth_mechanism(), Some("SCRAM-SHA-256-PLUS"));
    drop(s);
    let t = server.finish();
    assert!(t.sent("AUTHENTICATE SCRAM-SHA-256-PLUS "));
}

#[test]
fn login_auto_keeps_the_password_off_a_plain_connection() {
    // Only mechanisms that send the password: refused without TLS, nothing sent.
    let (mut s, server) = plain(
        "AUTH=PLAIN AUTH=LOGIN",
        vec![Step::Quiet(Duration::from_millis(300))],
    );
    let e = s.login_auto(USER, PW).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unsupported, "{e:?}");
    assert!(e.message.contains("without TLS"), "{}", e.message);
    assert!(e.message.contains("AUTH=PLAIN"), "{}", e.message);
    assert!(!e.message.contains("  "), "{}", e.message);
    assert!(s.is_open());
    drop(s);
    let t = server.finish();
    assert!(
        t.all().is_empty(),
        "{:?}",
        String::from_utf8_lossy(&t.all())
    );

    // Allowed by the caller: PLAIN (with SASL-IR when offered).
    let (mut s, server) = plain(
        "SASL-IR AUTH=PLAIN",
        vec![
            fake::expect_prefix("AUTHENTICATE PLAIN "),
            send("{tag} OK [CAPABILITY IMAP4rev1] logged in\r\n"),
        ],
    );
    let mut config = s.config().clone();
    config.allow_plaintext_password = true;
    s.set_config(config);
    s.login_auto(USER, PW).expect("allowed");
    assert_eq!(s.auth_mechanism(), Some("PLAIN"));
    drop(s);
    server.finish();

    // CRAM-MD5 keeps the password secret: used on a plain connection, before PLAIN.
    let (mut s, server) = plain(
        "AUTH=PLAIN AUTH=CRAM-MD5",
        vec![
            expect("AUTHENTICATE CRAM-MD5"),
            send(format!("+ {}\r\n", B64.encode("<1.2@fake>"))),
            fake::Step::AnyLine,
            send("{tag} OK [CAPABILITY IMAP4rev1] logged in\r\n"),
        ],
    );
    s.login_auto(USER, PW).expect("cram-md5");
    assert_eq!(s.auth_mechanism(), Some("CRAM-MD5"));
    drop(s);
    server.finish();
}

#[test]
fn login_auto_respects_logindisabled() {
    let (mut s, server) = plain(
        "LOGINDISABLED",
        vec![Step::Quiet(Duration::from_millis(300))],
    );
    let mut config = s.config().clone();
    config.allow_plaintext_password = true;
    s.set_config(config);
    let e = s.login_auto(USER, PW).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unsupported, "{e:?}");
    assert!(e.message.contains("LOGINDISABLED"), "{}", e.message);
    drop(s);
    assert!(server.finish().all().is_empty());
}

#[test]
fn bad_user_names_and_a_second_login_are_refused_before_anything_is_sent() {
    let (mut s, server) = plain(
        "SASL-IR AUTH=SCRAM-SHA-256",
        vec![
            Step::Reply(server_first),
            Step::Reply(server_final),
            expect_line(""),
            send("{tag} OK [CAPABILITY IMAP4rev1] logged in\r\n"),
            Step::Quiet(Duration::from_millis(300)),
        ],
    );
    for user in ["a\r\nb", "a\nb", "a\0b"] {
        let e = s
            .login_with(Mechanism::Scram {
                hash: ScramHash::Sha256,
                plus: false,
                authzid: None,
                user,
                password: PW.into(),
            })
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidArgument, "{user:?}: {e:?}");
    }
    s.login_with(scram256()).expect("login");
    // Logged in: the state is the reason (the server lists no mechanism any more).
    let e = s.login_auto(USER, PW).unwrap_err();
    assert_eq!(e.kind, ErrorKind::IllegalState, "{e:?}");
    let e = s.login_with(scram256()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::IllegalState, "{e:?}");
    drop(s);
    server.finish();
}
