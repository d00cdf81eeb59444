//! AUTHENTICATE: the generic SASL exchange (imaplib's `authenticate(mechanism, authobject)`) and
//! the built-in mechanisms (PLAIN, LOGIN, CRAM-MD5, XOAUTH2, OAUTHBEARER).
//!
//! Challenges and responses are base64 as imaplib sends them (standard alphabet, padded, one
//! line). The exchange never reaches a trace: the command line shows `<redacted>`, and while it
//! runs continuation lines and responses are traced as `<redacted>` too.

use super::{Error, ErrorKind, Outcome, Result, ResultFrom, Session, State};
use crate::proto::encode::{Arg, Command};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use md5::Md5;

/// One step of a SASL exchange: given the decoded challenge, the response to send, or `None`
/// to abort the exchange (the client sends `*`).
pub type SaslStep<'a> = dyn FnMut(&[u8]) -> Option<Vec<u8>> + 'a;

/// A built-in mechanism with its credentials.
#[derive(Debug, Clone, Copy)]
pub enum Mechanism<'a> {
    /// RFC 4616; `authzid` is the identity to act as (a Dovecot master-user login).
    Plain {
        authzid: Option<&'a str>,
        user: &'a str,
        password: &'a str,
    },
    /// The LOGIN mechanism: the user name, then the password.
    Login { user: &'a str, password: &'a str },
    /// RFC 2195 (imaplib's `login_cram_md5`).
    CramMd5 { user: &'a str, password: &'a str },
    /// Google's and Microsoft's XOAUTH2 with a bearer token.
    XOAuth2 { user: &'a str, token: &'a str },
    /// RFC 7628 OAUTHBEARER with a bearer token.
    OAuthBearer { user: &'a str, token: &'a str },
}

impl Mechanism<'_> {
    pub fn name(&self) -> &'static str {
        match self {
            Mechanism::Plain { .. } => "PLAIN",
            Mechanism::Login { .. } => "LOGIN",
            Mechanism::CramMd5 { .. } => "CRAM-MD5",
            Mechanism::XOAuth2 { .. } => "XOAUTH2",
            Mechanism::OAuthBearer { .. } => "OAUTHBEARER",
        }
    }

    /// Secrets to keep out of every message.
    fn secrets(&self) -> Vec<&str> {
        match *self {
            Mechanism::Plain { password, .. }
            | Mechanism::Login { password, .. }
            | Mechanism::CramMd5 { password, .. } => vec![password],
            Mechanism::XOAuth2 { token, .. } | Mechanism::OAuthBearer { token, .. } => {
                vec![token]
            }
        }
    }

    /// The first client message, sent on the command line with SASL-IR or after the first `+`.
    fn first_message(&self, host: &str, port: u16) -> Option<Vec<u8>> {
        match *self {
            Mechanism::Plain {
                authzid,
                user,
                password,
            } => Some(format!("{}\0{user}\0{password}", authzid.unwrap_or("")).into_bytes()),
            Mechanism::XOAuth2 { user, token } => {
                Some(format!("user={user}\x01auth=Bearer {token}\x01\x01").into_bytes())
            }
            Mechanism::OAuthBearer { user, token } => Some(
                format!(
                    "n,a={},\x01host={host}\x01port={port}\x01auth=Bearer {token}\x01\x01",
                    user.replace('=', "=3D").replace(',', "=2C")
                )
                .into_bytes(),
            ),
            Mechanism::Login { .. } | Mechanism::CramMd5 { .. } => None,
        }
    }

    /// The response to challenge number `step` (0-based, counted after any initial response).
    fn respond(&self, step: usize, challenge: &[u8], first: &Option<Vec<u8>>) -> Option<Vec<u8>> {
        match (*self, step) {
            (Mechanism::Login { user, .. }, 0) => Some(user.as_bytes().to_vec()),
            (Mechanism::Login { password, .. }, 1) => Some(password.as_bytes().to_vec()),
            (Mechanism::CramMd5 { user, password }, 0) => {
                Some(format!("{user} {}", cram_md5_digest(password, challenge)).into_bytes())
            }
            // Without SASL-IR the first message answers the first (empty) challenge.
            (Mechanism::Plain { .. } | Mechanism::XOAuth2 { .. }, 0)
            | (Mechanism::OAuthBearer { .. }, 0)
                if first.is_some() =>
            {
                first.clone()
            }
            // An error challenge after the token: XOAUTH2 answers empty, OAUTHBEARER with ^A
            // (RFC 7628 §3.2.3), and the server then fails the command.
            (Mechanism::XOAuth2 { .. }, _) => Some(Vec::new()),
            (Mechanism::OAuthBearer { .. }, _) => Some(vec![1]),
            _ => None,
        }
    }
}

/// HMAC-MD5 of `challenge` keyed with `password`, lower-case hex (RFC 2195).
pub fn cram_md5_digest(password: &str, challenge: &[u8]) -> String {
    let mut mac = <Hmac<Md5>>::new_from_slice(password.as_bytes()).expect("HMAC takes any key");
    mac.update(challenge);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Session {
    /// imaplib's `authenticate(mechanism, authobject)`: AUTHENTICATE `mechanism`, answering each
    /// challenge with `step`. `initial` is sent on the command line (SASL-IR) when given. As in
    /// imaplib, the mechanism is not checked against the capabilities. A tagged NO is returned
    /// (type `NO`); success moves to AUTH and refreshes the capabilities.
    pub fn authenticate(
        &mut self,
        mechanism: &str,
        initial: Option<&[u8]>,
        step: &mut SaslStep<'_>,
    ) -> Result<Outcome> {
        self.guarded(|s| {
            s.check_credentials_may_go()?;
            s.sasl = true;
            s.awaiting_continuation = true;
            let r = s.sasl_exchange(mechanism, initial, step);
            s.awaiting_continuation = false;
            s.sasl = false;
            r
        })
    }

    fn sasl_exchange(
        &mut self,
        mechanism: &str,
        initial: Option<&[u8]>,
        step: &mut SaslStep<'_>,
    ) -> Result<Outcome> {
        let mut args = vec![Arg::Raw(mechanism.to_ascii_uppercase().into_bytes())];
        if let Some(ir) = initial {
            // RFC 4959: an empty initial response is sent as "=".
            let enc = if ir.is_empty() {
                "=".to_string()
            } else {
                B64.encode(ir)
            };
            args.push(Arg::Raw(enc.into_bytes()));
        }
        let cmd = Command {
            name: "AUTHENTICATE".into(),
            args,
            secret: true,
        };
        let tag = self.start(cmd, "AUTHENTICATE")?;
        let tagged = loop {
            if let Some(t) = self.completed.remove(&tag) {
                break t;
            }
            self.check_bye()?;
            if let Some(text) = self.continuation.take() {
                let text = text.unwrap_or_default();
                let challenge = B64.decode(text.trim_ascii()).map_err(|_| {
                    self.fail(Error::new(
                        ErrorKind::Abort,
                        "AUTHENTICATE: the server's challenge is not valid base64",
                    ))
                })?;
                let line = match step(&challenge) {
                    Some(r) => B64.encode(r).into_bytes(),
                    None => b"*".to_vec(),
                };
                self.tracer.log(4, || "> <redacted SASL response>".into());
                self.write(&[line.as_slice(), b"\r\n"].concat())?;
                continue;
            }
            self.pump()?;
        };
        let ok = tagged.status == "OK";
        let out = self.outcome("AUTHENTICATE", tagged, ResultFrom::Tagged)?;
        if ok {
            self.state = State::Auth;
            self.refresh_capabilities_after_auth()?;
        }
        Ok(out)
    }

    /// AUTHENTICATE with a built-in mechanism, only if the server offers it (`AUTH=<name>` in
    /// the capabilities current now, so after TLS when TLS is on): otherwise
    /// [`ErrorKind::Unsupported`] and nothing is sent. PLAIN, XOAUTH2 and OAUTHBEARER send their
    /// first message on the command line when the server offers SASL-IR.
    pub fn login_with(&mut self, mechanism: Mechanism<'_>) -> Result<Outcome> {
        let name = mechanism.name();
        if self.is_open() && !self.has_capability(&format!("AUTH={name}")) {
            return Err(Error::new(
                ErrorKind::Unsupported,
                format!("{name} authentication is not supported by the server (no AUTH={name})"),
            ));
        }
        let port = self.port;
        let first = mechanism.first_message(&self.host.clone(), port);
        let initial = if self.has_capability("SASL-IR") {
            first.clone()
        } else {
            None
        };
        let mut n = 0usize;
        let after_ir = initial.is_some();
        let mut step = |challenge: &[u8]| {
            let i = n + usize::from(after_ir);
            n += 1;
            mechanism.respond(i, challenge, &first)
        };
        let secrets = mechanism.secrets();
        self.authenticate(name, initial.as_deref(), &mut step)
            .map_err(|mut e| {
                for s in &secrets {
                    e.message = super::commands::redact(&e.message, s);
                }
                e
            })
    }

    /// imaplib's `login_cram_md5(user, password)`.
    pub fn login_cram_md5(&mut self, user: &str, password: &str) -> Result<Outcome> {
        self.login_with(Mechanism::CramMd5 { user, password })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cram_md5_matches_imaplib_vector() {
        let challenge = B64
            .decode("PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ=")
            .unwrap();
        let reply = format!("tim {}", cram_md5_digest("tanstaaftanstaaf", &challenge));
        assert_eq!(reply, "tim f1ca6be464b9efa1cca6ffd6cf2d9f32");
        assert_eq!(
            B64.encode(reply),
            "dGltIGYxY2E2YmU0NjRiOWVmYTFjY2E2ZmZkNmNmMmQ5ZjMy"
        );
        let rfc = b"<1896.697170952@postoffice.reston.mci.net>";
        assert_eq!(
            cram_md5_digest("tanstaaftanstaaf", rfc),
            "b913a602c7eda7a495b4e6e7334d3890"
        );
    }

    #[test]
    fn mechanism_messages() {
        let plain = Mechanism::Plain {
            authzid: None,
            user: "user",
            password: "pass",
        };
        assert_eq!(
            B64.encode(plain.first_message("h", 1).unwrap()),
            "AHVzZXIAcGFzcw=="
        );
        let login = Mechanism::Login {
            user: "u",
            password: "p",
        };
        assert_eq!(login.respond(0, b"Username:", &None), Some(b"u".to_vec()));
        assert_eq!(login.respond(1, b"Password:", &None), Some(b"p".to_vec()));
        assert_eq!(login.respond(2, b"", &None), None);
        let bearer = Mechanism::OAuthBearer {
            user: "a=b,c",
            token: "T",
        };
        assert_eq!(
            bearer.first_message("imap.example", 993).unwrap(),
            b"n,a=a=3Db=2Cc,\x01host=imap.example\x01port=993\x01auth=Bearer T\x01\x01"
        );
    }
}
