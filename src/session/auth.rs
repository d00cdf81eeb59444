//! AUTHENTICATE: the generic SASL exchange (imaplib's `authenticate(mechanism, authobject)`) and
//! the built-in mechanisms (PLAIN, LOGIN, CRAM-MD5, XOAUTH2, OAUTHBEARER).
//!
//! Challenges and responses are base64 as imaplib sends them (standard alphabet, padded, one
//! line). The exchange never reaches a trace: the command line shows `<redacted>`, and while it
//! runs continuation lines and responses are traced as `<redacted>` too. Every response (its
//! bytes and its base64 line) and the mechanism's password or token join the connection's
//! redactor, so a server echoing one gets `<redacted>` into every text instead. (With the LOGIN
//! mechanism the first response is the user name: it is redacted too.)
//!
//! A built-in mechanism's exchange must be complete before an OK is believed (see
//! [`SaslClient::complete`]); a challenge that is not base64 is cancelled with `*`.

use super::scram::{Binding, ScramClient, ScramHash};
use super::{Error, ErrorKind, Outcome, Result, ResultFrom, Session, State};
use crate::proto::encode::{Arg, Command};
use crate::proto::secret::Secret;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use md5::Md5;
use std::cell::RefCell;
use zeroize::Zeroize;

/// One step of a SASL exchange: given the decoded challenge, the response to send, or `None`
/// to abort the exchange (the client sends `*`).
pub type SaslStep<'a> = dyn FnMut(&[u8]) -> Option<Secret> + 'a;

/// A built-in mechanism with its credentials. The password or token is a [`Secret`]: `Debug`
/// shows `<redacted>` and its memory is zeroed on drop.
#[derive(Debug, Clone)]
pub enum Mechanism<'a> {
    /// RFC 4616; `authzid` is the identity to act as (a Dovecot master-user login).
    Plain {
        authzid: Option<&'a str>,
        user: &'a str,
        password: Secret,
    },
    /// The LOGIN mechanism: the user name, then the password.
    Login { user: &'a str, password: Secret },
    /// RFC 2195 (imaplib's `login_cram_md5`).
    CramMd5 { user: &'a str, password: Secret },
    /// Google's and Microsoft's XOAUTH2 with a bearer token.
    XOAuth2 { user: &'a str, token: Secret },
    /// RFC 7628 OAUTHBEARER with a bearer token.
    OAuthBearer { user: &'a str, token: Secret },
    /// SCRAM-SHA-1 or SCRAM-SHA-256 (RFC 5802, RFC 7677); `plus`: the `-PLUS` variant with
    /// `tls-server-end-point` channel binding (needs TLS). The server must prove it knows the
    /// password: a wrong or missing signature fails the login and closes the connection.
    Scram {
        hash: ScramHash,
        plus: bool,
        authzid: Option<&'a str>,
        user: &'a str,
        password: Secret,
    },
}

/// `parts` joined into one secret buffer, allocated once (no stray copies to zero).
fn joined(parts: &[&[u8]]) -> Secret {
    let mut v = Vec::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        v.extend_from_slice(p);
    }
    Secret::new(v)
}

impl<'a> Mechanism<'a> {
    pub fn name(&self) -> &'static str {
        match self {
            Mechanism::Plain { .. } => "PLAIN",
            Mechanism::Login { .. } => "LOGIN",
            Mechanism::CramMd5 { .. } => "CRAM-MD5",
            Mechanism::XOAuth2 { .. } => "XOAUTH2",
            Mechanism::OAuthBearer { .. } => "OAUTHBEARER",
            Mechanism::Scram { hash, plus, .. } => hash.mechanism(*plus),
        }
    }

    /// The password or token.
    fn secret(&self) -> &Secret {
        match self {
            Mechanism::Plain { password, .. }
            | Mechanism::Login { password, .. }
            | Mechanism::CramMd5 { password, .. }
            | Mechanism::Scram { password, .. } => password,
            Mechanism::XOAuth2 { token, .. } | Mechanism::OAuthBearer { token, .. } => token,
        }
    }

    /// The first client message, sent on the command line with SASL-IR or after the first `+`.
    fn first_message(&self, host: &str, port: u16) -> Option<Secret> {
        match self {
            Mechanism::Plain {
                authzid,
                user,
                password,
            } => Some(joined(&[
                authzid.unwrap_or("").as_bytes(),
                b"\0",
                user.as_bytes(),
                b"\0",
                password.expose(),
            ])),
            Mechanism::XOAuth2 { user, token } => Some(joined(&[
                b"user=",
                user.as_bytes(),
                b"\x01auth=Bearer ",
                token.expose(),
                b"\x01\x01",
            ])),
            Mechanism::OAuthBearer { user, token } => {
                let user = user.replace('=', "=3D").replace(',', "=2C");
                let head = format!("n,a={user},\x01host={host}\x01port={port}\x01auth=Bearer ");
                Some(joined(&[head.as_bytes(), token.expose(), b"\x01\x01"]))
            }
            Mechanism::Login { .. } | Mechanism::CramMd5 { .. } | Mechanism::Scram { .. } => None,
        }
    }

    /// The client side of this mechanism's exchange with a server at `host`:`port` (the
    /// OAUTHBEARER message names them); `sasl_ir`: the server offers SASL-IR. SCRAM offers no
    /// channel binding this way: see [`Mechanism::client_with_binding`].
    pub fn client(&self, host: &str, port: u16, sasl_ir: bool) -> SaslClient<'_, 'a> {
        self.client_with_binding(host, port, sasl_ir, Binding::None)
    }

    /// As [`Mechanism::client`]; SCRAM offers `binding` (see [`Binding`]).
    pub fn client_with_binding(
        &self,
        host: &str,
        port: u16,
        sasl_ir: bool,
        binding: Binding,
    ) -> SaslClient<'_, 'a> {
        let mut scram = match self {
            Mechanism::Scram {
                hash,
                authzid,
                user,
                password,
                ..
            } => Some(ScramClient::new(
                *hash,
                *authzid,
                user,
                password.clone(),
                binding,
            )),
            _ => None,
        };
        let first = match &scram {
            Some(c) => Some(c.first_message()),
            None => self.first_message(host, port),
        };
        let initial = sasl_ir && first.is_some();
        if initial {
            if let Some(c) = scram.as_mut() {
                c.sent_first();
            }
        }
        SaslClient {
            mech: self,
            first,
            initial,
            answered: 0,
            scram,
        }
    }
}

/// The client side of one built-in mechanism's exchange, without I/O (the session drives it;
/// the `sasl` fuzz target too): the initial response for the command line, the response to
/// each decoded challenge, and whether the credentials have gone out completely, so that a
/// server answering OK before that is not believed.
pub struct SaslClient<'m, 'a> {
    mech: &'m Mechanism<'a>,
    first: Option<Secret>,
    /// `first` goes on the command line (SASL-IR).
    initial: bool,
    /// Challenges answered with a response so far.
    answered: usize,
    /// The SCRAM exchange, for a SCRAM mechanism.
    scram: Option<ScramClient>,
}

impl SaslClient<'_, '_> {
    /// The initial response to send on the command line (SASL-IR), if any.
    pub fn initial_response(&self) -> Option<&Secret> {
        self.first.as_ref().filter(|_| self.initial)
    }

    /// The response to a decoded challenge, or `None` to cancel (a challenge the mechanism
    /// does not expect: a third one for LOGIN, a second one for CRAM-MD5 or PLAIN).
    pub fn respond(&mut self, challenge: &[u8]) -> Option<Secret> {
        if let Some(scram) = self.scram.as_mut() {
            let r = scram.respond(challenge);
            if r.is_some() {
                self.answered += 1;
            }
            return r;
        }
        let first_pending = !self.initial && self.answered == 0;
        let r = match self.mech {
            Mechanism::Login { user, .. } if self.answered == 0 => Some(Secret::from(*user)),
            Mechanism::Login { password, .. } if self.answered == 1 => Some(password.clone()),
            Mechanism::CramMd5 { user, password } if self.answered == 0 => {
                let mut digest = cram_md5_digest(password.expose(), challenge);
                let r = joined(&[user.as_bytes(), b" ", digest.as_bytes()]);
                digest.zeroize();
                Some(r)
            }
            // Without SASL-IR the first message answers the first (empty) challenge.
            Mechanism::Plain { .. } | Mechanism::XOAuth2 { .. } | Mechanism::OAuthBearer { .. }
                if first_pending =>
            {
                self.first.clone()
            }
            // An error challenge after the token: XOAUTH2 answers empty, OAUTHBEARER with ^A
            // (RFC 7628 §3.2.3), and the server then fails the command.
            Mechanism::XOAuth2 { .. } => Some(Secret::default()),
            Mechanism::OAuthBearer { .. } => Some(Secret::from(&b"\x01"[..])),
            _ => None,
        };
        if r.is_some() {
            self.answered += 1;
        }
        r
    }

    /// Whether every credential has been sent: the first message (PLAIN, XOAUTH2,
    /// OAUTHBEARER), both answers (LOGIN), the digest (CRAM-MD5).
    pub fn complete(&self) -> bool {
        if let Some(scram) = &self.scram {
            return scram.verified();
        }
        match self.mech {
            Mechanism::Login { .. } => self.answered >= 2,
            Mechanism::CramMd5 { .. } => self.answered >= 1,
            _ => self.initial || self.answered >= 1,
        }
    }
}

impl SaslClient<'_, '_> {
    /// Why the mechanism gave up, when it refuses to trust the server (SCRAM: a wrong
    /// signature, a hostile first message).
    pub fn failure(&self) -> Option<&str> {
        self.scram.as_ref().and_then(ScramClient::failure)
    }
}

/// What the client sends for one continuation request of an AUTHENTICATE exchange.
#[derive(Debug)]
pub enum SaslTurn {
    /// `response` (decoded) goes out as the base64 `line`.
    Respond { response: Secret, line: Secret },
    /// The exchange is cancelled with the line `*`.
    Cancel(CancelReason),
}

/// Why the client cancels an exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelReason {
    /// The server's challenge is not valid base64.
    InvalidChallenge,
    /// The mechanism (or the caller's step) gave up.
    Refused,
}

/// One turn of a SASL exchange: `text` is the continuation text after `+ ` (base64, surrounding
/// spaces ignored); the decoded challenge goes to `step`. The line to send (without CRLF) is the
/// base64 of the response (standard alphabet, padded; never CR, LF or NUL), or `*` to cancel.
pub fn sasl_turn(text: &[u8], step: &mut SaslStep<'_>) -> SaslTurn {
    let Ok(mut challenge) = B64.decode(text.trim_ascii()) else {
        return SaslTurn::Cancel(CancelReason::InvalidChallenge);
    };
    let response = step(&challenge);
    challenge.zeroize();
    match response {
        Some(response) => {
            let line = Secret::from(B64.encode(response.expose()));
            SaslTurn::Respond { response, line }
        }
        None => SaslTurn::Cancel(CancelReason::Refused),
    }
}

/// HMAC-MD5 of `challenge` keyed with `password`, lower-case hex (RFC 2195).
pub fn cram_md5_digest(password: impl AsRef<[u8]>, challenge: &[u8]) -> String {
    let mut mac = <Hmac<Md5>>::new_from_slice(password.as_ref()).expect("HMAC takes any key");
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
    ///
    /// A challenge that is not valid base64 is answered with `*` (cancel); the call then fails
    /// with the kind of the server's answer ([`ErrorKind::Bad`] or [`ErrorKind::No`]) and the
    /// connection stays usable. An OK to a cancelled exchange is not believed:
    /// [`ErrorKind::Abort`], the connection is closed and the state stays NONAUTH.
    pub fn authenticate(
        &mut self,
        mechanism: &str,
        initial: Option<&[u8]>,
        step: &mut SaslStep<'_>,
    ) -> Result<Outcome> {
        self.guarded(|s| {
            s.check_credentials_may_go()?;
            s.sasl_run(mechanism, initial, step, None)
        })
    }

    /// The exchange with `sasl` set (continuations and responses stay out of the trace) and
    /// continuations expected. `complete`, for a built-in mechanism, tells whether its
    /// credentials have all gone out.
    fn sasl_run(
        &mut self,
        mechanism: &str,
        initial: Option<&[u8]>,
        step: &mut SaslStep<'_>,
        complete: Option<&dyn Fn() -> bool>,
    ) -> Result<Outcome> {
        self.sasl = true;
        self.awaiting_continuation = true;
        let r = self.sasl_exchange(mechanism, initial, step, complete);
        self.awaiting_continuation = false;
        self.sasl = false;
        r
    }

    fn sasl_exchange(
        &mut self,
        mechanism: &str,
        initial: Option<&[u8]>,
        step: &mut SaslStep<'_>,
        complete: Option<&dyn Fn() -> bool>,
    ) -> Result<Outcome> {
        let mechanism = mechanism.to_ascii_uppercase();
        let mut args = vec![Arg::Raw(mechanism.clone().into_bytes())];
        if let Some(ir) = initial {
            self.tracer.redactor.add(ir);
            // RFC 4959: an empty initial response is sent as "=".
            let enc = if ir.is_empty() {
                Secret::from("=")
            } else {
                Secret::from(B64.encode(ir))
            };
            args.push(Arg::SecretAtom(enc));
        }
        let tag = self.start(Command::new("AUTHENTICATE", args), "AUTHENTICATE")?;
        let mut cancelled = None;
        let tagged = loop {
            if let Some(t) = self.completed.remove(&tag) {
                break t;
            }
            self.check_bye()?;
            if let Some(text) = self.continuation.take() {
                let line = match sasl_turn(&text.unwrap_or_default(), step) {
                    SaslTurn::Respond { response, line } => {
                        self.tracer.redactor.add(response.expose());
                        self.tracer.redactor.add(line.expose());
                        line
                    }
                    SaslTurn::Cancel(why) => {
                        cancelled = Some(why);
                        Secret::from("*")
                    }
                };
                self.tracer.log(4, || "> <redacted SASL response>".into());
                let mut bytes = [line.expose(), b"\r\n"].concat();
                let written = self.write(&bytes);
                bytes.zeroize();
                written?;
                continue;
            }
            self.pump()?;
        };
        let ok = tagged.status == "OK";
        if ok {
            let why = if cancelled.is_some() {
                Some("to an exchange the client cancelled")
            } else if complete.is_some_and(|c| !c()) {
                Some("before the mechanism's exchange was complete")
            } else {
                None
            };
            if let Some(why) = why {
                return Err(self.fail(Error::new(
                    ErrorKind::Abort,
                    format!(
                        "AUTHENTICATE {mechanism}: the server answered OK {why}; not trusted, \
                         connection closed"
                    ),
                )));
            }
        }
        if cancelled == Some(CancelReason::InvalidChallenge) {
            let kind = if tagged.status == "NO" {
                ErrorKind::No
            } else {
                ErrorKind::Bad
            };
            let message = format!(
                "AUTHENTICATE {mechanism}: the server's challenge is not valid base64; the \
                 exchange was cancelled (server answered {} {})",
                tagged.status,
                String::from_utf8_lossy(&tagged.text)
            );
            let data = vec![crate::Item::Line(tagged.text.clone())];
            return Err(Error {
                kind,
                message,
                outcome: Some(Box::new(Outcome::from_tagged(tagged, data))),
            });
        }
        let out = self.outcome("AUTHENTICATE", tagged, ResultFrom::Tagged)?;
        if ok {
            self.state = State::Auth;
            self.refresh_capabilities_after_auth()?;
            self.compress_after_login()?;
            self.auto_enable_imap4rev2()?;
        }
        Ok(out)
    }

    /// AUTHENTICATE with a built-in mechanism, only if the server offers it (`AUTH=<name>` in
    /// the capabilities current now, so after TLS when TLS is on): otherwise
    /// [`ErrorKind::Unsupported`] and nothing is sent. PLAIN, XOAUTH2 and OAUTHBEARER send their
    /// first message on the command line when the server offers SASL-IR.
    ///
    /// A server that answers OK before the mechanism's credentials have all gone out (CRAM-MD5
    /// without a challenge, LOGIN before both answers, PLAIN without SASL-IR and without a
    /// continuation) is not believed: [`ErrorKind::Abort`], the connection is closed (the
    /// server's state and ours disagree) and the state stays NONAUTH.
    pub fn login_with(&mut self, mechanism: Mechanism<'_>) -> Result<Outcome> {
        let name = mechanism.name();
        if self.is_open() {
            // Logged in already: the state is the reason, not the mechanisms the server no
            // longer lists.
            self.check_state("AUTHENTICATE")?;
        }
        if let Mechanism::Scram { user, authzid, .. } = &mechanism {
            let bad = |s: &str| s.bytes().any(|b| b == 0 || b == b'\r' || b == b'\n');
            if bad(user) || authzid.is_some_and(bad) {
                return Err(Error::new(
                    ErrorKind::InvalidArgument,
                    "SCRAM: NUL, CR and LF are not allowed in the user name or authzid",
                ));
            }
        }
        if self.is_open() && !self.has_capability(&format!("AUTH={name}")) {
            return Err(Error::new(
                ErrorKind::Unsupported,
                format!("{name} authentication is not supported by the server (no AUTH={name})"),
            ));
        }
        self.guarded(|s| {
            s.check_credentials_may_go()?;
            s.tracer.redactor.add(mechanism.secret().expose());
            let host = s.host.clone();
            let binding = s.channel_binding(&mechanism)?;
            let client = RefCell::new(mechanism.client_with_binding(
                &host,
                s.port,
                s.has_capability("SASL-IR"),
                binding,
            ));
            let initial = client.borrow().initial_response().cloned();
            let mut step = |challenge: &[u8]| client.borrow_mut().respond(challenge);
            let complete = || client.borrow().complete();
            let r = s.sasl_run(
                name,
                initial.as_ref().map(Secret::expose),
                &mut step,
                Some(&complete),
            );
            if let Some(why) = client.borrow().failure() {
                // The server could not prove it knows the password: whatever it answered,
                // the connection is not trusted.
                let msg = format!("AUTHENTICATE {name}: {why}; not trusted, connection closed");
                return Err(s.fail(Error::new(ErrorKind::Abort, msg)));
            }
            if r.as_ref().is_ok_and(Outcome::is_ok) {
                s.auth_mechanism = Some(name);
            }
            r
        })
    }

    /// Logs in with the strongest mechanism the server offers now (after TLS when TLS is
    /// on): SCRAM-SHA-256-PLUS, SCRAM-SHA-256, SCRAM-SHA-1-PLUS, SCRAM-SHA-1, CRAM-MD5 (none
    /// sends the password), then PLAIN, then the LOGIN command (both send it, so only over TLS
    /// unless [`Config::allow_plaintext_password`](super::Config) says otherwise; never the
    /// LOGIN command when the server says LOGINDISABLED). PLAIN and SCRAM use SASL-IR when
    /// offered. [`Session::auth_mechanism`] tells which was used. With nothing usable:
    /// [`ErrorKind::Unsupported`] naming what the server offers, and nothing is sent.
    pub fn login_auto(&mut self, user: &str, password: &str) -> Result<Outcome> {
        self.check_credentials_may_go()?;
        self.check_state("AUTHENTICATE")?;
        let tls = self.is_tls();
        let offers = |s: &Session, m: &str| s.has_capability(&format!("AUTH={m}"));
        let secret = || Secret::from(password);
        for (hash, plus) in [
            (ScramHash::Sha256, true),
            (ScramHash::Sha256, false),
            (ScramHash::Sha1, true),
            (ScramHash::Sha1, false),
        ] {
            if (!plus || tls) && offers(self, hash.mechanism(plus)) {
                return self.login_with(Mechanism::Scram {
                    hash,
                    plus,
                    authzid: None,
                    user,
                    password: secret(),
                });
            }
        }
        if offers(self, "CRAM-MD5") {
            return self.login_with(Mechanism::CramMd5 {
                user,
                password: secret(),
            });
        }
        let clear_ok = tls || self.config().allow_plaintext_password;
        if clear_ok && offers(self, "PLAIN") {
            return self.login_with(Mechanism::Plain {
                authzid: None,
                user,
                password: secret(),
            });
        }
        if clear_ok && !self.has_capability("LOGINDISABLED") {
            return self.login(user, password);
        }
        let offered: Vec<&str> = self
            .capabilities()
            .iter()
            .map(String::as_str)
            .filter(|c| c.starts_with("AUTH=") || *c == "LOGINDISABLED")
            .collect();
        Err(Error::new(
            ErrorKind::Unsupported,
            if clear_ok {
                format!(
                    "no usable login: the server offers {} and refuses the LOGIN command",
                    if offered.is_empty() {
                        "no SASL mechanism".into()
                    } else {
                        offered.join(" ")
                    }
                )
            } else {
                format!(
                    "refusing to send the password without TLS: the server offers no mechanism \
                     that keeps it secret ({}); use TLS, or allow plaintext passwords",
                    if offered.is_empty() {
                        "only the LOGIN command".into()
                    } else {
                        offered.join(" ")
                    }
                )
            },
        ))
    }

    /// The mechanism of the last successful login on this connection (`SCRAM-SHA-256`,
    /// `PLAIN`, `LOGIN-COMMAND` for the LOGIN command...), `None` before one.
    pub fn auth_mechanism(&self) -> Option<&'static str> {
        self.auth_mechanism
    }

    /// The channel binding a SCRAM exchange offers on this connection: the server
    /// certificate's hash for `-PLUS` (TLS required), `y` when TLS is up but the server
    /// offers no `-PLUS` variant, `n` without TLS.
    fn channel_binding(&self, mechanism: &Mechanism<'_>) -> Result<Binding> {
        let Mechanism::Scram { hash, plus, .. } = mechanism else {
            return Ok(Binding::None);
        };
        let end_point = self.stream.as_ref().and_then(|s| s.tls_server_end_point());
        match (plus, end_point) {
            (true, Some(h)) => Ok(Binding::EndPoint(h)),
            (true, None) => Err(Error::new(
                ErrorKind::Unsupported,
                format!(
                    "{}: channel binding needs a TLS connection",
                    hash.mechanism(true)
                ),
            )),
            (false, Some(_)) if self.has_capability(&format!("AUTH={}", hash.mechanism(true))) => {
                // Offered but not chosen: say we could bind but did not (RFC 5802 §6).
                Ok(Binding::None)
            }
            (false, Some(_)) => Ok(Binding::NotOffered),
            (false, None) => Ok(Binding::None),
        }
    }

    /// imaplib's `login_cram_md5(user, password)`.
    pub fn login_cram_md5(&mut self, user: &str, password: &str) -> Result<Outcome> {
        self.login_with(Mechanism::CramMd5 {
            user,
            password: password.into(),
        })
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
            cram_md5_digest(b"tanstaaftanstaaf", rfc),
            "b913a602c7eda7a495b4e6e7334d3890"
        );
    }

    #[test]
    fn mechanism_messages() {
        let plain = Mechanism::Plain {
            authzid: None,
            user: "user",
            password: "pass".into(),
        };
        let c = plain.client("h", 1, true);
        assert_eq!(
            B64.encode(c.initial_response().unwrap().expose()),
            "AHVzZXIAcGFzcw=="
        );
        assert!(c.complete());
        let login = Mechanism::Login {
            user: "u",
            password: "p".into(),
        };
        let mut c = login.client("h", 1, true);
        assert!(c.initial_response().is_none());
        assert_eq!(c.respond(b"Username:"), Some(Secret::from("u")));
        assert!(!c.complete());
        assert_eq!(c.respond(b"Password:"), Some(Secret::from("p")));
        assert!(c.complete());
        assert_eq!(c.respond(b""), None);
        let bearer = Mechanism::OAuthBearer {
            user: "a=b,c",
            token: "T".into(),
        };
        let c = bearer.client("imap.example", 993, true);
        assert_eq!(
            c.initial_response().unwrap().expose(),
            b"n,a=a=3Db=2Cc,\x01host=imap.example\x01port=993\x01auth=Bearer T\x01\x01"
        );
    }
}
