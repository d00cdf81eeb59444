//! The client side of SCRAM (RFC 5802) with SHA-1 and SHA-256 (RFC 7677), and the `-PLUS`
//! variants with `tls-server-end-point` channel binding (RFC 5929), without I/O.
//!
//! The client proves it knows the password without sending it, and the server must prove it
//! knows it too: its final message carries a signature that only the holder of the salted
//! password can compute. A missing or wrong signature, a server nonce that does not extend the
//! client's, an unknown mandatory extension, or an iteration count outside
//! [`MIN_ITERATIONS`]..=[`MAX_ITERATIONS`] ends the exchange with a reason
//! ([`ScramClient::failure`]); the session then refuses to trust the connection.
//!
//! User names are escaped as RFC 5802 says (`=` and `,`); SASLprep is not applied: names and
//! passwords are used as the caller's UTF-8 bytes, which is what SASLprep leaves of ASCII.

use crate::proto::secret::Secret;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use zeroize::Zeroize;

/// The fewest PBKDF2 iterations accepted (RFC 5802 §5.1 recommends at least 4096; servers in
/// the field still send fewer for SHA-1, so only the absurd is refused).
///
/// cbindgen:ignore
pub const MIN_ITERATIONS: u32 = 1;
/// The most PBKDF2 iterations accepted: a hostile server asking for billions would keep the
/// client's CPU busy for hours (RFC 7677 mentions counts around 10^5; 10^6 is about a second).
///
/// cbindgen:ignore
pub const MAX_ITERATIONS: u32 = 1_000_000;

/// SCRAM's hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScramHash {
    Sha1,
    Sha256,
}

impl ScramHash {
    /// The mechanism name, with `-PLUS` for channel binding.
    pub fn mechanism(self, plus: bool) -> &'static str {
        match (self, plus) {
            (ScramHash::Sha1, false) => "SCRAM-SHA-1",
            (ScramHash::Sha1, true) => "SCRAM-SHA-1-PLUS",
            (ScramHash::Sha256, false) => "SCRAM-SHA-256",
            (ScramHash::Sha256, true) => "SCRAM-SHA-256-PLUS",
        }
    }

    /// The hash and channel binding of a SCRAM mechanism name (any case): the inverse of
    /// [`ScramHash::mechanism`]; `None` for a name that is not one of the four.
    pub fn from_mechanism(name: &str) -> Option<(ScramHash, bool)> {
        [ScramHash::Sha256, ScramHash::Sha1]
            .into_iter()
            .flat_map(|h| [(h, false), (h, true)])
            .find(|&(h, plus)| h.mechanism(plus).eq_ignore_ascii_case(name))
    }

    fn hmac(self, key: &[u8], data: &[u8]) -> Vec<u8> {
        match self {
            ScramHash::Sha1 => {
                let mut m = <Hmac<Sha1>>::new_from_slice(key).expect("HMAC takes any key");
                m.update(data);
                m.finalize().into_bytes().to_vec()
            }
            ScramHash::Sha256 => {
                let mut m = <Hmac<Sha256>>::new_from_slice(key).expect("HMAC takes any key");
                m.update(data);
                m.finalize().into_bytes().to_vec()
            }
        }
    }

    fn hash(self, data: &[u8]) -> Vec<u8> {
        match self {
            ScramHash::Sha1 => Sha1::digest(data).to_vec(),
            ScramHash::Sha256 => Sha256::digest(data).to_vec(),
        }
    }

    fn salted_password(self, password: &[u8], salt: &[u8], iterations: u32) -> Vec<u8> {
        match self {
            ScramHash::Sha1 => {
                let mut out = vec![0u8; 20];
                pbkdf2::pbkdf2_hmac::<Sha1>(password, salt, iterations, &mut out);
                out
            }
            ScramHash::Sha256 => {
                let mut out = vec![0u8; 32];
                pbkdf2::pbkdf2_hmac::<Sha256>(password, salt, iterations, &mut out);
                out
            }
        }
    }
}

/// How the client stands on channel binding (RFC 5802's gs2 header flag).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Binding {
    /// `n`: the client does not support channel binding (no TLS).
    None,
    /// `y`: the client supports it but the server did not offer a `-PLUS` mechanism (a
    /// server that does offer it will see the downgrade and fail the exchange).
    NotOffered,
    /// `p=tls-server-end-point`: the hash of the server's certificate (RFC 5929 §4).
    EndPoint(Vec<u8>),
}

/// Where the exchange stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// The client-first message is next (or went as the initial response).
    First,
    /// The server-first message is awaited.
    ServerFirst,
    /// The server-final message (its signature) is awaited.
    ServerFinal,
    /// The server's signature was verified: the empty response went out.
    Verified,
    /// The exchange failed (see `failure`).
    Failed,
}

/// One SCRAM exchange, client side.
pub struct ScramClient {
    hash: ScramHash,
    gs2_header: String,
    binding: Binding,
    first_bare: String,
    nonce: String,
    password: Secret,
    /// The server's expected signature, once computed.
    server_signature: Option<Vec<u8>>,
    step: Step,
    failure: Option<String>,
}

/// `=` and `,` escaped in a SCRAM user name (RFC 5802 §5.1).
fn saslname(s: &str) -> String {
    s.replace('=', "=3D").replace(',', "=2C")
}

/// 24 random bytes, base64: the client nonce.
fn client_nonce() -> String {
    let mut bytes = [0u8; 24];
    let mut filled = 0;
    while filled < bytes.len() {
        // SAFETY: writes at most the remaining bytes of `bytes`.
        let n = unsafe {
            libc::getrandom(bytes[filled..].as_mut_ptr().cast(), bytes.len() - filled, 0)
        };
        if n > 0 {
            filled += n as usize;
        } else if std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
            // getrandom cannot fail on Linux 3.17+ with these arguments; never use a
            // predictable nonce all the same.
            panic!("getrandom failed: {}", std::io::Error::last_os_error());
        }
    }
    B64.encode(bytes)
}

/// The attributes of a SCRAM message (`a=value,b=value`), in order.
fn attributes(msg: &str) -> Vec<(char, &str)> {
    msg.split(',')
        .filter_map(|p| {
            let mut c = p.chars();
            let k = c.next()?;
            (c.next() == Some('=')).then(|| (k, &p[2..]))
        })
        .collect()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl ScramClient {
    /// A new exchange for `user` (acting as `authzid` when given) with `password`.
    pub fn new(
        hash: ScramHash,
        authzid: Option<&str>,
        user: &str,
        password: Secret,
        binding: Binding,
    ) -> ScramClient {
        Self::with_nonce(hash, authzid, user, password, binding, client_nonce())
    }

    /// As [`ScramClient::new`] with a given client nonce (the RFC test vectors).
    pub fn with_nonce(
        hash: ScramHash,
        authzid: Option<&str>,
        user: &str,
        password: Secret,
        binding: Binding,
        nonce: String,
    ) -> ScramClient {
        let flag = match &binding {
            Binding::None => "n".to_string(),
            Binding::NotOffered => "y".to_string(),
            Binding::EndPoint(_) => "p=tls-server-end-point".to_string(),
        };
        let authz = authzid
            .map(|a| format!("a={}", saslname(a)))
            .unwrap_or_default();
        let gs2_header = format!("{flag},{authz},");
        let first_bare = format!("n={},r={nonce}", saslname(user));
        ScramClient {
            hash,
            gs2_header,
            binding,
            first_bare,
            nonce,
            password,
            server_signature: None,
            step: Step::First,
            failure: None,
        }
    }

    /// The client-first message (the initial response with SASL-IR).
    pub fn first_message(&self) -> Secret {
        Secret::from(format!("{}{}", self.gs2_header, self.first_bare))
    }

    /// The first message went on the command line: the next challenge is the server-first.
    pub fn sent_first(&mut self) {
        if self.step == Step::First {
            self.step = Step::ServerFirst;
        }
    }

    /// Why the exchange failed, if it did: the session must not trust the connection.
    pub fn failure(&self) -> Option<&str> {
        self.failure.as_deref()
    }

    /// Whether the server proved it knows the password.
    pub fn verified(&self) -> bool {
        self.step == Step::Verified
    }

    fn fail(&mut self, why: String) -> Option<Secret> {
        self.step = Step::Failed;
        self.failure = Some(why);
        None
    }

    /// The response to a decoded challenge, or `None` to cancel the exchange (then
    /// [`ScramClient::failure`] says why, or the challenge was not expected).
    pub fn respond(&mut self, challenge: &[u8]) -> Option<Secret> {
        match self.step {
            Step::First => {
                // Without SASL-IR the first (empty) challenge asks for the client-first message.
                self.step = Step::ServerFirst;
                Some(self.first_message())
            }
            Step::ServerFirst => self.client_final(challenge),
            Step::ServerFinal => self.check_server_final(challenge),
            Step::Verified | Step::Failed => None,
        }
    }

    fn client_final(&mut self, challenge: &[u8]) -> Option<Secret> {
        let Ok(server_first) = std::str::from_utf8(challenge) else {
            return self.fail("SCRAM: the server-first message is not UTF-8".into());
        };
        let attrs = attributes(server_first);
        if let Some((_, e)) = attrs.iter().find(|(k, _)| *k == 'e') {
            return self.fail(format!("SCRAM: the server refused: {e}"));
        }
        if attrs.first().map(|(k, _)| *k) == Some('m') {
            return self
                .fail("SCRAM: the server requires an extension this client does not know".into());
        }
        let get = |k| attrs.iter().find(|(a, _)| *a == k).map(|(_, v)| *v);
        let (Some(nonce), Some(salt), Some(iterations)) = (get('r'), get('s'), get('i')) else {
            return self.fail(format!(
                "SCRAM: the server-first message lacks its nonce, salt or iteration count: '{}'",
                crate::proto::show(challenge)
            ));
        };
        if !nonce.starts_with(&self.nonce) || nonce.len() == self.nonce.len() {
            return self.fail("SCRAM: the server's nonce does not extend the client's".into());
        }
        let Ok(salt) = B64.decode(salt) else {
            return self.fail("SCRAM: the server's salt is not base64".into());
        };
        let iterations = match iterations.parse::<u32>() {
            Ok(i) if (MIN_ITERATIONS..=MAX_ITERATIONS).contains(&i) => i,
            _ => {
                return self.fail(format!(
                    "SCRAM: iteration count '{iterations}' refused (accepted: {MIN_ITERATIONS} to {MAX_ITERATIONS})"
                ))
            }
        };
        let mut cbind = self.gs2_header.as_bytes().to_vec();
        if let Binding::EndPoint(hash) = &self.binding {
            cbind.extend_from_slice(hash);
        }
        let without_proof = format!("c={},r={nonce}", B64.encode(&cbind));
        let auth_message = format!("{},{server_first},{without_proof}", self.first_bare);
        let h = self.hash;
        let mut salted = h.salted_password(self.password.expose(), &salt, iterations);
        let mut client_key = h.hmac(&salted, b"Client Key");
        let stored_key = h.hash(&client_key);
        let signature = h.hmac(&stored_key, auth_message.as_bytes());
        let proof: Vec<u8> = client_key
            .iter()
            .zip(&signature)
            .map(|(a, b)| a ^ b)
            .collect();
        let server_key = h.hmac(&salted, b"Server Key");
        self.server_signature = Some(h.hmac(&server_key, auth_message.as_bytes()));
        salted.zeroize();
        client_key.zeroize();
        self.step = Step::ServerFinal;
        Some(Secret::from(format!(
            "{without_proof},p={}",
            B64.encode(proof)
        )))
    }

    fn check_server_final(&mut self, challenge: &[u8]) -> Option<Secret> {
        let text = String::from_utf8_lossy(challenge);
        let attrs = attributes(&text);
        if let Some((_, e)) = attrs.iter().find(|(k, _)| *k == 'e') {
            return self.fail(format!("SCRAM: the server refused the proof: {e}"));
        }
        let Some(v) = attrs.iter().find(|(k, _)| *k == 'v').map(|(_, v)| *v) else {
            return self.fail("SCRAM: the server-final message has no signature".into());
        };
        let expected = self.server_signature.take().unwrap_or_default();
        match B64.decode(v) {
            Ok(got) if constant_time_eq(&got, &expected) => {
                self.step = Step::Verified;
                Some(Secret::default())
            }
            _ => self.fail(
                "SCRAM: the server's signature is wrong: it does not know the password (or the \
                 connection was tampered with)"
                    .into(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(
        hash: ScramHash,
        nonce: &str,
        server_first: &str,
        final_expected: &str,
        server_final: &str,
    ) {
        let mut c = ScramClient::with_nonce(
            hash,
            None,
            "user",
            Secret::from("pencil"),
            Binding::None,
            nonce.into(),
        );
        assert_eq!(
            c.first_message().expose(),
            format!("n,,n=user,r={nonce}").as_bytes()
        );
        c.sent_first();
        let f = c.respond(server_first.as_bytes()).unwrap();
        assert_eq!(std::str::from_utf8(f.expose()).unwrap(), final_expected);
        assert!(!c.verified());
        assert_eq!(c.respond(server_final.as_bytes()).unwrap().expose(), b"");
        assert!(c.verified());
        assert!(c.failure().is_none());
    }

    #[test]
    fn mechanism_names_read_back_in_any_case() {
        for h in [ScramHash::Sha1, ScramHash::Sha256] {
            for plus in [false, true] {
                let name = h.mechanism(plus);
                assert_eq!(ScramHash::from_mechanism(name), Some((h, plus)));
                let lower = name.to_ascii_lowercase();
                assert_eq!(ScramHash::from_mechanism(&lower), Some((h, plus)));
            }
        }
        for other in ["SCRAM-MD5", "SCRAM-SHA-256-", "PLAIN", ""] {
            assert_eq!(ScramHash::from_mechanism(other), None, "{other}");
        }
    }

    #[test]
    fn rfc5802_sha1_vector() {
        run(
            ScramHash::Sha1,
            "fyko+d2lbbFgONRv9qkxdawL",
            "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
            "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
            "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=",
        );
    }

    #[test]
    fn rfc7677_sha256_vector() {
        run(
            ScramHash::Sha256,
            "rOprNGfwEbeRWgbNEkqO",
            "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
            "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
        );
    }

    fn started(hash: ScramHash) -> ScramClient {
        let mut c = ScramClient::with_nonce(
            hash,
            None,
            "user",
            Secret::from("pencil"),
            Binding::None,
            "fyko+d2lbbFgONRv9qkxdawL".into(),
        );
        c.sent_first();
        c
    }

    #[test]
    fn a_wrong_server_signature_fails_the_exchange() {
        let mut c = started(ScramHash::Sha1);
        c.respond(b"r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096")
            .unwrap();
        assert!(c.respond(b"v=AAAAAAAAAAAAAAAAAAAAAAAAAAA=").is_none());
        assert!(c.failure().unwrap().contains("signature is wrong"));
        assert!(!c.verified());
    }

    #[test]
    fn hostile_server_first_messages_are_refused() {
        for (msg, why) in [
            ("r=other-nonce,s=QSXCR+Q6sek8bf92,i=4096", "does not extend"),
            (
                "r=fyko+d2lbbFgONRv9qkxdawL,s=QSXCR+Q6sek8bf92,i=4096",
                "does not extend",
            ),
            (
                "r=fyko+d2lbbFgONRv9qkxdawLX,s=QSXCR+Q6sek8bf92,i=4000000000",
                "iteration count",
            ),
            (
                "r=fyko+d2lbbFgONRv9qkxdawLX,s=QSXCR+Q6sek8bf92,i=0",
                "iteration count",
            ),
            ("r=fyko+d2lbbFgONRv9qkxdawLX,s=***,i=4096", "salt"),
            (
                "m=ext,r=fyko+d2lbbFgONRv9qkxdawLX,s=QSXCR+Q6sek8bf92,i=4096",
                "extension",
            ),
            ("s=QSXCR+Q6sek8bf92,i=4096", "lacks"),
            ("e=other-error", "refused"),
        ] {
            let mut c = started(ScramHash::Sha256);
            assert!(c.respond(msg.as_bytes()).is_none(), "{msg}");
            assert!(
                c.failure().unwrap().contains(why),
                "{msg}: {:?}",
                c.failure()
            );
        }
        // a server-final without a signature
        let mut c = started(ScramHash::Sha1);
        c.respond(b"r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096")
            .unwrap();
        assert!(c.respond(b"x=1").is_none());
        assert!(c.failure().unwrap().contains("no signature"));
    }

    #[test]
    fn names_are_escaped_and_bindings_announced() {
        let c = ScramClient::with_nonce(
            ScramHash::Sha256,
            Some("ad=min"),
            "a,b",
            Secret::from("x"),
            Binding::EndPoint(vec![1, 2, 3]),
            "N".into(),
        );
        assert_eq!(
            c.first_message().expose(),
            b"p=tls-server-end-point,a=ad=3Dmin,n=a=2Cb,r=N"
        );
        let y = ScramClient::new(
            ScramHash::Sha1,
            None,
            "u",
            Secret::from("x"),
            Binding::NotOffered,
        );
        assert!(y.first_message().expose().starts_with(b"y,,n=u,r="));
        assert!(y.first_message().expose().len() > 40, "a random nonce");
    }
}
