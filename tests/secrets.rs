//! Credentials never reach a text libimap produces, whatever the server echoes back.
//!
//! Every way credentials leave (LOGIN, each built-in SASL mechanism with and without SASL-IR,
//! the SASL callback) is crossed with every place a scripted server echoes them (a tagged NO, a
//! tagged BAD, `* BYE` and close, untagged NO/OK and response codes, a later command's reply,
//! an IDLE continuation, a response for a foreign tag) and with every debug level. Every text
//! that leaves the session is collected (error messages now and later, outcomes, stored
//! untagged data, trace lines) and searched for every form that was sent: the secret, its
//! quoted form, each base64 line.

mod fake;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use fake::{expect, expect_line, expect_prefix, send, FakeServer, Step};
use imap::{Config, Error, ErrorKind, Item, Mechanism, Outcome, Session, State, TlsMode};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const USER: &str = "alice";
/// Needs escaping when quoted, so its quoted form differs from the password itself.
const PW: &str = "Sup3r\"S3cret\\pw";
const TOKEN: &str = "ya29.T0KEN-abcdef";
const CRAM_CHALLENGE: &str = "<1896.697170952@postoffice.reston.mci.net>";

fn b64(s: impl AsRef<[u8]>) -> String {
    B64.encode(s)
}

/// imaplib's quoting of the LOGIN password.
fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// One way credentials leave, with every form of them that goes on the wire.
struct Cred {
    name: &'static str,
    caps: &'static str,
    /// The client's command and the exchange, up to the server's final answer.
    exchange: Vec<Step>,
    /// Everything that must never appear in a text.
    forms: Vec<String>,
    login: fn(&mut Session) -> Result<Outcome, Error>,
}

fn plain_message() -> String {
    format!("\0{USER}\0{PW}")
}

fn cram_response() -> String {
    format!(
        "{USER} {}",
        imap::session::cram_md5_digest(PW, CRAM_CHALLENGE.as_bytes())
    )
}

fn xoauth2_message() -> String {
    format!("user={USER}\x01auth=Bearer {TOKEN}\x01\x01")
}

fn creds() -> Vec<Cred> {
    vec![
        Cred {
            name: "LOGIN command",
            caps: "",
            exchange: vec![expect_prefix("LOGIN ")],
            forms: vec![PW.into(), quoted(PW)],
            login: |s| s.login(USER, PW),
        },
        Cred {
            name: "PLAIN with SASL-IR",
            caps: "AUTH=PLAIN SASL-IR",
            exchange: vec![expect(&format!(
                "AUTHENTICATE PLAIN {}",
                b64(plain_message())
            ))],
            forms: vec![PW.into(), b64(plain_message())],
            login: |s| {
                s.login_with(Mechanism::Plain {
                    authzid: None,
                    user: USER,
                    password: PW.into(),
                })
            },
        },
        Cred {
            name: "PLAIN without SASL-IR",
            caps: "AUTH=PLAIN",
            exchange: vec![
                expect("AUTHENTICATE PLAIN"),
                send("+ \r\n"),
                expect_line(&b64(plain_message())),
            ],
            forms: vec![PW.into(), b64(plain_message())],
            login: |s| {
                s.login_with(Mechanism::Plain {
                    authzid: None,
                    user: USER,
                    password: PW.into(),
                })
            },
        },
        Cred {
            name: "LOGIN mechanism",
            caps: "AUTH=LOGIN",
            exchange: vec![
                expect("AUTHENTICATE LOGIN"),
                send("+ VXNlcm5hbWU6\r\n"),
                expect_line(&b64(USER)),
                send("+ UGFzc3dvcmQ6\r\n"),
                expect_line(&b64(PW)),
            ],
            forms: vec![PW.into(), b64(PW), b64(USER)],
            login: |s| {
                s.login_with(Mechanism::Login {
                    user: USER,
                    password: PW.into(),
                })
            },
        },
        Cred {
            name: "CRAM-MD5",
            caps: "AUTH=CRAM-MD5",
            exchange: vec![
                expect("AUTHENTICATE CRAM-MD5"),
                send(format!("+ {}\r\n", b64(CRAM_CHALLENGE))),
                expect_line(&b64(cram_response())),
            ],
            forms: vec![PW.into(), b64(cram_response()), cram_response()],
            login: |s| {
                s.login_with(Mechanism::CramMd5 {
                    user: USER,
                    password: PW.into(),
                })
            },
        },
        Cred {
            name: "XOAUTH2 with SASL-IR",
            caps: "AUTH=XOAUTH2 SASL-IR",
            exchange: vec![expect(&format!(
                "AUTHENTICATE XOAUTH2 {}",
                b64(xoauth2_message())
            ))],
            forms: vec![TOKEN.into(), b64(xoauth2_message())],
            login: |s| {
                s.login_with(Mechanism::XOAuth2 {
                    user: USER,
                    token: TOKEN.into(),
                })
            },
        },
        Cred {
            name: "XOAUTH2 without SASL-IR",
            caps: "AUTH=XOAUTH2",
            exchange: vec![
                expect("AUTHENTICATE XOAUTH2"),
                send("+ \r\n"),
                expect_line(&b64(xoauth2_message())),
            ],
            forms: vec![TOKEN.into(), b64(xoauth2_message())],
            login: |s| {
                s.login_with(Mechanism::XOAuth2 {
                    user: USER,
                    token: TOKEN.into(),
                })
            },
        },
        Cred {
            // The message names the port connected to, so only the token is spelled out.
            name: "OAUTHBEARER without SASL-IR",
            caps: "AUTH=OAUTHBEARER",
            exchange: vec![
                expect("AUTHENTICATE OAUTHBEARER"),
                send("+ \r\n"),
                Step::AnyLine,
            ],
            forms: vec![TOKEN.into()],
            login: |s| {
                s.login_with(Mechanism::OAuthBearer {
                    user: USER,
                    token: TOKEN.into(),
                })
            },
        },
        Cred {
            name: "callback with an initial response",
            caps: "",
            exchange: vec![
                expect(&format!("AUTHENTICATE X-TEST {}", b64("initial-secret-1"))),
                send(format!("+ {}\r\n", b64("more please"))),
                expect_line(&b64("answer-secret-2")),
            ],
            forms: vec![
                "initial-secret-1".into(),
                b64("initial-secret-1"),
                "answer-secret-2".into(),
                b64("answer-secret-2"),
            ],
            login: |s| {
                let mut step = |_: &[u8]| Some(b"answer-secret-2".to_vec().into());
                s.authenticate("X-TEST", Some(b"initial-secret-1"), &mut step)
            },
        },
    ]
}

/// Every text that left the session, and the trace.
#[derive(Default)]
struct Texts {
    texts: Vec<String>,
}

impl Texts {
    fn push(&mut self, t: impl Into<String>) {
        self.texts.push(t.into());
    }

    fn items(&mut self, items: &[Item]) {
        for item in items {
            match item {
                Item::Line(l) | Item::Literal(l, _) => self.push(String::from_utf8_lossy(l)),
                Item::None => {}
            }
        }
    }

    fn outcome(&mut self, o: &Outcome) {
        self.push(format!("{o:?}"));
        self.push(o.typ.clone());
        if let Some(t) = &o.tagged {
            self.push(String::from_utf8_lossy(&t.text));
        }
        self.items(&o.data);
    }

    fn error(&mut self, e: &Error) {
        self.push(e.message.clone());
        self.push(format!("{e}"));
        self.push(format!("{e:?}"));
        if let Some(o) = &e.outcome {
            self.outcome(o);
        }
    }

    fn result(&mut self, r: &Result<Outcome, Error>) {
        match r {
            Ok(o) => self.outcome(o),
            Err(e) => self.error(e),
        }
    }

    /// Every stored untagged response a caller could ask for.
    fn store(&mut self, s: &mut Session) {
        for name in ["OK", "NO", "BAD", "BYE", "ALERT", "CAPABILITY", "PARSE"] {
            let out = s.response(name);
            self.outcome(&out);
        }
    }
}

/// Forms as a trace shows them too (`show` doubles backslashes).
fn variants(forms: &[String]) -> Vec<String> {
    let mut all = Vec::new();
    for f in forms {
        all.push(f.clone());
        all.push(f.replace('\\', "\\\\"));
    }
    all
}

fn assert_clean(what: &str, texts: &[String], forms: &[String]) {
    for t in texts {
        for f in variants(forms) {
            assert!(!t.contains(&f), "{what}: {f:?} in {t:?}");
        }
    }
}

/// A place where the server echoes the credentials: the server's answer to the exchange
/// (`{echo}` stands for every form), what follows, and the calls that collect texts.
struct Place {
    name: &'static str,
    answer: &'static str,
    /// Caller side, after the login call: more calls whose texts are collected. Returns the
    /// text that must show `<redacted>` (proof that the echo reached the client).
    after: fn(&mut Session, &Result<Outcome, Error>, &mut Texts) -> String,
    /// Server side, after the answer.
    rest: &'static [&'static str],
}

fn places() -> Vec<Place> {
    vec![
        Place {
            name: "tagged NO",
            answer: "{tag} NO [AUTHENTICATIONFAILED] rejected {echo}\r\n",
            rest: &["NOOP", "{tag} OK noop done\r\n"],
            after: |s, r, texts| {
                let out = r.as_ref().expect("a NO is returned");
                assert_eq!(out.typ, "NO");
                assert_eq!(s.state(), State::NonAuth);
                texts.result(&s.noop());
                String::from_utf8_lossy(&out.tagged.as_ref().unwrap().text).into_owned()
            },
        },
        Place {
            name: "tagged BAD",
            answer: "{tag} BAD syntax {echo}\r\n",
            rest: &["NOOP", "{tag} OK noop done\r\n"],
            after: |s, r, texts| {
                let e = r.as_ref().expect_err("a BAD is an error");
                assert_eq!(e.kind, ErrorKind::Bad, "{}", e.message);
                texts.result(&s.noop());
                e.message.clone()
            },
        },
        Place {
            name: "BYE and close",
            answer: "* BYE go away {echo}\r\n",
            rest: &["CLOSE"],
            after: |s, r, texts| {
                let e = r.as_ref().expect_err("BYE aborts");
                assert_eq!(e.kind, ErrorKind::Abort, "{}", e.message);
                // Every later call tells why the connection closed.
                for _ in 0..2 {
                    let later = s.noop().expect_err("closed");
                    assert_eq!(later.kind, ErrorKind::Closed);
                    assert!(later.message.contains("<redacted>"), "{}", later.message);
                    texts.error(&later);
                }
                texts.result(&s.login(USER, "other-password"));
                let bye = s.response("BYE");
                texts.outcome(&bye);
                e.message.clone()
            },
        },
        Place {
            name: "foreign tag",
            answer: "XX9 OK what {echo}\r\n",
            rest: &[],
            after: |s, r, texts| {
                let e = r.as_ref().expect_err("a foreign tag aborts");
                assert_eq!(e.kind, ErrorKind::Abort, "{}", e.message);
                texts.error(&s.noop().expect_err("closed"));
                e.message.clone()
            },
        },
        Place {
            name: "untagged NO, OK and codes, then later commands",
            answer: "* NO warning {echo}\r\n* OK [ALERT] alert {echo}\r\n\
                     {tag} OK [CAPABILITY IMAP4rev1 IDLE] logged in {echo}\r\n",
            rest: &[
                "NOOP",
                "* NO [PARSE] later {echo}\r\n{tag} NO noop refused {echo}\r\n",
                "IDLE",
                "+ idling {echo}\r\n",
                "=DONE",
                "{tag} OK idle done {echo}\r\n",
                "NOOP",
                "* BYE later {echo}\r\n",
                "CLOSE",
            ],
            after: |s, r, texts| {
                let out = r.as_ref().expect("logged in");
                assert_eq!(out.typ, "OK");
                assert_eq!(s.state(), State::Auth);
                let shown = String::from_utf8_lossy(&out.tagged.as_ref().unwrap().text);
                texts.store(s);
                texts.result(&s.noop());
                texts.store(s);
                texts.result(&s.idle_start());
                texts.result(&s.idle_done());
                texts.result(&s.noop());
                texts.error(&s.noop().expect_err("closed"));
                texts.store(s);
                shown.into_owned()
            },
        },
    ]
}

/// Runs one credential against one place at one debug level.
fn run(cred: &Cred, place: &Place, level: u8) {
    let what = format!("{} / {} / level {level}", cred.name, place.name);
    let echo = cred.forms.join(" ");
    let fill = |t: &str| t.replace("{echo}", &echo);
    let mut script = vec![send(format!(
        "* OK [CAPABILITY IMAP4rev1 {}] ready\r\n",
        cred.caps
    ))];
    script.extend(cred.exchange.iter().cloned());
    script.push(send(fill(place.answer)));
    for step in place.rest {
        script.push(match *step {
            "CLOSE" => Step::Close,
            s if s.starts_with('=') => expect_line(&s[1..]),
            s if s.chars().all(|c| c.is_ascii_uppercase()) => expect(s),
            s => send(fill(s)),
        });
    }
    let server = FakeServer::start(script);
    let mut s = Session::new(Config {
        io_timeout: Duration::from_secs(5),
        ..Config::default()
    });
    let log = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = Arc::clone(&log);
    s.set_debug(level);
    s.set_trace_sink(Some(Box::new(move |l, m: &str| {
        sink.lock().unwrap().push(format!("[{l}] {m}"))
    })));
    s.open("127.0.0.1", server.port, TlsMode::None)
        .unwrap_or_else(|e| panic!("{what}: open: {e}"));
    let r = (cred.login)(&mut s);
    let mut texts = Texts::default();
    texts.result(&r);
    let shown = (place.after)(&mut s, &r, &mut texts);
    assert!(
        shown.contains("<redacted>"),
        "{what}: echo not seen: {shown:?}"
    );
    texts.store(&mut s);
    drop(s);
    server.finish();
    assert_clean(&what, &texts.texts, &cred.forms);
    let log = log.lock().unwrap();
    assert_clean(&format!("{what} (trace)"), &log, &cred.forms);
    if level >= 1 {
        assert!(
            log.iter().any(|l| l.contains("<redacted>")),
            "{what}: no redacted trace line: {log:?}"
        );
    }
}

/// Runs every case and reports every failing one (not only the first).
fn run_all(cases: impl IntoIterator<Item = (String, Box<dyn FnOnce() + std::panic::UnwindSafe>)>) {
    let mut failed = Vec::new();
    let mut total = 0;
    for (name, case) in cases {
        total += 1;
        if let Err(p) = std::panic::catch_unwind(case) {
            let msg = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failed.push(format!("{name}: {msg}"));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {total} cases failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

#[test]
fn echoed_credentials_never_reach_any_text_for_any_mechanism_place_or_level() {
    let mut cases: Vec<(String, Box<dyn FnOnce() + std::panic::UnwindSafe>)> = Vec::new();
    for (c, cred) in creds().iter().enumerate() {
        for (p, place) in places().iter().enumerate() {
            for level in 0..=5 {
                let name = format!("{} / {} / level {level}", cred.name, place.name);
                cases.push((
                    name,
                    Box::new(move || run(&creds()[c], &places()[p], level)),
                ));
            }
        }
    }
    run_all(cases);
}

#[test]
fn no_public_type_that_holds_a_secret_prints_it() {
    use imap::proto::encode::{encode, Arg, Command};
    use imap::proto::secret::Redactor;
    use imap::session::{sasl_turn, SaslTurn};
    use imap::Secret;

    const SECRET: &str = "Hunter2-Secret";
    let mut shown: Vec<String> = Vec::new();
    let secret = Secret::from(SECRET);
    shown.push(format!("{secret:?}"));
    shown.push(format!("{secret}"));
    shown.push(format!("{:?}", Some(secret.clone())));
    let mechanisms = [
        Mechanism::Plain {
            authzid: Some("boss"),
            user: USER,
            password: SECRET.into(),
        },
        Mechanism::Login {
            user: USER,
            password: SECRET.into(),
        },
        Mechanism::CramMd5 {
            user: USER,
            password: SECRET.into(),
        },
        Mechanism::XOAuth2 {
            user: USER,
            token: SECRET.into(),
        },
        Mechanism::OAuthBearer {
            user: USER,
            token: SECRET.into(),
        },
    ];
    for m in &mechanisms {
        shown.push(format!("{m:?}"));
        shown.push(format!("{m:#?}"));
        // Every message of the exchange, as the session produces it.
        let mut client = m.client("h", 1, true);
        if let Some(ir) = client.initial_response() {
            shown.push(format!("{ir:?} {ir}"));
        }
        let mut step = |c: &[u8]| client.respond(c);
        for challenge in ["", "PDE4OTY+", "VXNlcm5hbWU6", "UGFzc3dvcmQ6"] {
            let turn = sasl_turn(challenge.as_bytes(), &mut step);
            if let SaslTurn::Respond { response, line } = &turn {
                shown.push(format!("{response} {line}"));
            }
            shown.push(format!("{turn:?}"));
        }
    }
    let ir = B64.encode(format!("\0{USER}\0{SECRET}"));
    let commands = [
        Command::new(
            "LOGIN",
            vec![Arg::Astring(USER.into()), Arg::Secret(SECRET.into())],
        ),
        Command::new(
            "AUTHENTICATE",
            vec![
                Arg::Raw(b"PLAIN".to_vec()),
                Arg::SecretAtom(ir.as_str().into()),
            ],
        ),
    ];
    for cmd in &commands {
        shown.push(format!("{cmd:?}"));
        shown.push(format!("{:?}", cmd.args));
        let enc = encode(b"T1", cmd).unwrap();
        shown.push(format!("{enc:?}"));
        shown.push(format!("{:?}", enc.pieces));
        shown.push(String::from_utf8_lossy(&enc.trace).into_owned());
        shown.push(format!("{:?}", enc.secrets));
    }
    let mut redactor = Redactor::default();
    redactor.add(SECRET.as_bytes());
    shown.push(format!("{redactor:?}"));
    // Error and Outcome as a session hands them out after an echo (the echo tests above
    // format them for every place; here one of each, directly).
    let script = vec![
        send("* OK [CAPABILITY IMAP4rev1] ready\r\n"),
        expect_prefix("LOGIN "),
        send(format!("{{tag}} NO wrong password {SECRET}\r\n")),
        expect_prefix("LOGIN "),
        send(format!("* BYE {SECRET}\r\n")),
        Step::Close,
    ];
    let server = FakeServer::start(script);
    let mut s = Session::default();
    s.open("127.0.0.1", server.port, TlsMode::None).unwrap();
    let out = s.login(USER, SECRET).unwrap();
    shown.push(format!("{out:?}"));
    let e = s.login(USER, SECRET).unwrap_err();
    shown.push(format!("{e:?} {e}"));
    let later = s.noop().unwrap_err();
    shown.push(format!("{later:?} {later}"));
    drop(s);
    server.finish();

    let all = shown.join("\n");
    assert!(all.contains("<redacted>"), "{all}");
    for form in [SECRET.to_string(), ir, b64(SECRET)] {
        assert!(!all.contains(&form), "{form:?} printed:\n{all}");
    }
    // Nor its bytes as Debug prints a Vec<u8>.
    let bytes = format!("{:?}", SECRET.as_bytes());
    let bytes = &bytes[1..bytes.len() - 1];
    assert!(!all.contains(bytes), "bytes of the secret printed:\n{all}");
}

#[test]
fn the_c_abi_shows_redacted_texts() {
    use imap::ffi::auth::imap_login_plain;
    use imap::ffi::client::{imap_client_free, imap_client_new, imap_last_error, imap_open};
    use imap::ffi::commands::{imap_login, imap_noop, imap_response};
    use imap::ffi::result::{imap_result_count, imap_result_free, imap_result_item};
    use std::ffi::{CStr, CString};
    use std::ptr;

    let ir = b64(plain_message());
    let script = vec![
        send("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR] ready\r\n"),
        expect_prefix("LOGIN "),
        send(format!(
            "{{tag}} NO [AUTHENTICATIONFAILED] {PW} {}\r\n",
            quoted(PW)
        )),
        expect(&format!("AUTHENTICATE PLAIN {ir}")),
        send(format!("* BYE {PW} {ir}\r\n")),
        Step::Close,
    ];
    let server = FakeServer::start(script);
    let forms = vec![PW.to_string(), quoted(PW), ir.clone()];
    let (user, pw) = (CString::new(USER).unwrap(), CString::new(PW).unwrap());
    let host = CString::new("127.0.0.1").unwrap();
    let mut texts = Vec::new();
    // SAFETY: the C ABI used as its header says, with live pointers.
    unsafe {
        let mut c = ptr::null_mut();
        assert_eq!(imap_client_new(&mut c) as i32, 0);
        assert_eq!(imap_open(c, host.as_ptr(), server.port, 0) as i32, 0);
        let last = |c| {
            CStr::from_ptr(imap_last_error(c))
                .to_string_lossy()
                .into_owned()
        };
        let mut out = ptr::null_mut();
        imap_login(c, user.as_ptr(), pw.as_ptr(), &mut out);
        texts.push(last(c));
        let items = |r| {
            (0..imap_result_count(r))
                .map(|i| {
                    let item = &*imap_result_item(r, i);
                    let bytes = if item.data.is_null() {
                        &[][..]
                    } else {
                        std::slice::from_raw_parts(item.data, item.len)
                    };
                    String::from_utf8_lossy(bytes).into_owned()
                })
                .collect::<Vec<_>>()
        };
        let no = items(out);
        assert!(no.iter().any(|t| t.contains("<redacted>")), "{no:?}");
        texts.extend(no);
        imap_result_free(out);
        out = ptr::null_mut();
        imap_login_plain(c, ptr::null(), user.as_ptr(), pw.as_ptr(), &mut out);
        let error = last(c);
        assert!(error.contains("<redacted>"), "{error}");
        texts.push(error);
        imap_result_free(out);
        imap_noop(c, ptr::null_mut());
        let closed = last(c);
        assert!(closed.contains("connection is closed"), "{closed}");
        texts.push(closed);
        let bye = CString::new("BYE").unwrap();
        out = ptr::null_mut();
        imap_response(c, bye.as_ptr(), &mut out);
        let stored = items(out);
        assert!(
            stored.iter().any(|t| t.contains("<redacted>")),
            "{stored:?}"
        );
        texts.extend(stored);
        imap_result_free(out);
        imap_client_free(c);
    }
    server.finish();
    assert_clean("C ABI", &texts, &forms);
}
