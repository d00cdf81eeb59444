//! The command table (imaplib's `Commands`: name → allowed states) and one small entry per
//! imaplib method. Each entry builds its arguments and names where its result comes from; the
//! sending and collecting is [`Session::run`]'s.

use super::{Error, ErrorKind, Outcome, Result, Session, State};
use crate::proto::encode::{Arg, Command};
use crate::proto::response::Item;
use crate::proto::util::normalize_crlf;

use State::{Auth as A, Logout as L, NonAuth as N, Selected as S};

/// Where a command's `data` comes from (imaplib's `_untagged_response`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultFrom {
    /// The tagged text.
    Tagged,
    /// The untagged responses of this name, popped from the store (`[None]` if none came).
    Untagged(&'static str),
}

/// One command of the table: everything the session needs to know about it to send it,
/// route its untagged data and decide whether it may run alongside others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    /// The command name on the wire.
    pub name: &'static str,
    /// The states it is allowed in (imaplib's `Commands`).
    pub states: &'static [State],
    /// The untagged responses that form its result (`None`: its result is the tagged text).
    pub result: Option<&'static str>,
    /// It has a `UID <name>` form.
    pub uid: bool,
    /// It names messages by sequence number (in its non-UID form): RFC 3501 §5.5 says it must
    /// not be sent while a command that allows EXPUNGE responses is in progress.
    pub seq: bool,
    /// It changes the connection's state or the selected mailbox, or needs the connection to
    /// itself (a SASL exchange, IDLE): it waits until nothing is in flight, and nothing else
    /// is sent while it is.
    pub exclusive: bool,
    /// Which servers know it.
    pub origin: Origin,
}

/// Where a command comes from, so which servers know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// IMAP4rev1 itself (RFC 3501 §6): every server.
    Rev1,
    /// An extension that IMAP4rev2 (RFC 9051 §6) made part of the protocol: a server that
    /// offers this capability, or that speaks IMAP4rev2.
    Rev2(&'static str),
    /// An extension: a server that offers this capability (or a `=`/`-` variant of it).
    Ext(&'static str),
    /// Only in the IMAP4 before IMAP4rev1 (imaplib still has it): no server is counted on.
    Obsolete,
}

impl Spec {
    /// Whether a server with these capabilities (`imap4rev2`: IMAP4rev2 in effect) knows the
    /// command. One that does not answers BAD as soon as it has the command line.
    pub fn offered(&self, capabilities: &[String], imap4rev2: bool) -> bool {
        let listed = |cap: &str| {
            capabilities.iter().any(|c| {
                let c = c.as_bytes();
                c.get(..cap.len())
                    .is_some_and(|p| p.eq_ignore_ascii_case(cap.as_bytes()))
                    && matches!(c.get(cap.len()), None | Some(b'=' | b'-'))
            })
        };
        match self.origin {
            Origin::Rev1 => true,
            Origin::Rev2(cap) => imap4rev2 || listed(cap),
            Origin::Ext(cap) => listed(cap),
            Origin::Obsolete => false,
        }
    }

    /// A command during which the server may not send EXPUNGE (RFC 3501 §7.4.1): the non-UID
    /// FETCH, STORE and SEARCH. A sequence-number command may be sent alongside these only.
    pub fn forbids_expunge(&self, uid: bool) -> bool {
        !uid && matches!(self.name, "FETCH" | "STORE" | "SEARCH")
    }
}

const fn c(name: &'static str, states: &'static [State]) -> Spec {
    Spec {
        name,
        states,
        result: None,
        uid: false,
        seq: false,
        exclusive: false,
        origin: Origin::Rev1,
    }
}

/// `spec` as a command of an extension (see [`Origin`]).
const fn known_by(spec: Spec, origin: Origin) -> Spec {
    Spec { origin, ..spec }
}

const fn r(name: &'static str, states: &'static [State], result: &'static str) -> Spec {
    Spec {
        result: Some(result),
        ..c(name, states)
    }
}

const fn x(name: &'static str, states: &'static [State]) -> Spec {
    Spec {
        exclusive: true,
        ..c(name, states)
    }
}

/// A sequence-number command with a UID form.
const fn q(name: &'static str, result: Option<&'static str>) -> Spec {
    Spec {
        result,
        uid: true,
        seq: true,
        ..c(name, &[S])
    }
}

const TABLE: &[Spec] = &[
    c("APPEND", &[A, S]),
    x("AUTHENTICATE", &[N]),
    r("CAPABILITY", &[N, A, S, L], "CAPABILITY"),
    c("CHECK", &[S]),
    x("CLOSE", &[S]),
    known_by(x("COMPRESS", &[A, S]), Origin::Ext("COMPRESS")),
    q("COPY", None),
    c("CREATE", &[A, S]),
    c("DELETE", &[A, S]),
    known_by(c("DELETEACL", &[A, S]), Origin::Ext("ACL")),
    known_by(x("ENABLE", &[A]), Origin::Rev2("ENABLE")),
    x("EXAMINE", &[A, S]),
    Spec {
        result: Some("EXPUNGE"),
        uid: true,
        ..c("EXPUNGE", &[S])
    },
    q("FETCH", Some("FETCH")),
    known_by(r("GETACL", &[A, S], "ACL"), Origin::Ext("ACL")),
    known_by(
        r("GETANNOTATION", &[A, S], "ANNOTATION"),
        Origin::Ext("ANNOTATEMORE"),
    ),
    known_by(r("GETQUOTA", &[A, S], "QUOTA"), Origin::Ext("QUOTA")),
    known_by(
        r("GETMETADATA", &[A, S], "METADATA"),
        Origin::Ext("METADATA"),
    ),
    known_by(
        r("GETQUOTAROOT", &[A, S], "QUOTAROOT"),
        Origin::Ext("QUOTA"),
    ),
    known_by(r("ID", &[N, A, S], "ID"), Origin::Ext("ID")),
    known_by(x("IDLE", &[A, S]), Origin::Rev2("IDLE")),
    known_by(r("MYRIGHTS", &[A, S], "MYRIGHTS"), Origin::Ext("ACL")),
    r("LIST", &[A, S], "LIST"),
    known_by(r("LISTRIGHTS", &[A, S], "LISTRIGHTS"), Origin::Ext("ACL")),
    x("LOGIN", &[N]),
    x("LOGOUT", &[N, A, S, L]),
    r("LSUB", &[A, S], "LSUB"),
    known_by(q("MOVE", None), Origin::Rev2("MOVE")),
    known_by(
        r("NAMESPACE", &[A, S], "NAMESPACE"),
        Origin::Rev2("NAMESPACE"),
    ),
    c("NOOP", &[N, A, S, L]),
    Spec {
        seq: true,
        origin: Origin::Obsolete,
        ..r("PARTIAL", &[S], "FETCH")
    },
    known_by(x("PROXYAUTH", &[A]), Origin::Ext("PROXYAUTH")),
    c("RENAME", &[A, S]),
    q("SEARCH", Some("SEARCH")),
    x("SELECT", &[A, S]),
    known_by(c("SETACL", &[A, S]), Origin::Ext("ACL")),
    known_by(
        r("SETANNOTATION", &[A, S], "ANNOTATION"),
        Origin::Ext("ANNOTATEMORE"),
    ),
    known_by(
        r("SETMETADATA", &[A, S], "METADATA"),
        Origin::Ext("METADATA"),
    ),
    known_by(r("SETQUOTA", &[A, S], "QUOTA"), Origin::Ext("QUOTA")),
    known_by(q("SORT", Some("SORT")), Origin::Ext("SORT")),
    x("STARTTLS", &[N]),
    r("STATUS", &[A, S], "STATUS"),
    q("STORE", Some("FETCH")),
    c("SUBSCRIBE", &[A, S]),
    known_by(q("THREAD", Some("THREAD")), Origin::Ext("THREAD")),
    // The prefix of the UID forms; `spec` resolves "UID FETCH" to FETCH's entry.
    c("UID", &[S]),
    known_by(x("UNSELECT", &[S]), Origin::Rev2("UNSELECT")),
    c("UNSUBSCRIBE", &[A, S]),
];

/// The table entry of a command name (upper case, no "UID " prefix).
pub fn spec(name: &str) -> Option<&'static Spec> {
    TABLE.iter().find(|s| s.name == name)
}

/// Where the result of a table command comes from: its result kind's untagged responses, or
/// the tagged text.
pub fn result_from(name: &str) -> ResultFrom {
    match spec(name).and_then(|s| s.result) {
        Some(kind) => ResultFrom::Untagged(kind),
        None => ResultFrom::Tagged,
    }
}

/// The result kind of `UID <sub>` (imaplib's rule: SEARCH, SORT and THREAD give their own
/// responses, every other UID command the FETCH responses).
pub fn uid_result_kind(sub: &str) -> &'static str {
    match sub {
        "SEARCH" => "SEARCH",
        "SORT" => "SORT",
        "THREAD" => "THREAD",
        _ => "FETCH",
    }
}

/// The states a command of the table is allowed in.
pub fn allowed_states(name: &str) -> Option<&'static [State]> {
    spec(name).map(|s| s.states)
}

fn b(s: &str) -> Vec<u8> {
    s.as_bytes().to_vec()
}

fn raw(args: &[&str]) -> Vec<Arg> {
    args.iter().map(|a| Arg::Raw(b(a))).collect()
}

impl Session {
    /// A command whose name is also its table entry; its result is what the table says.
    pub(super) fn simple(&mut self, name: &str, args: Vec<Arg>) -> Result<Outcome> {
        self.run(Command::new(name, args), name, result_from(name))
    }

    pub fn capability(&mut self) -> Result<Outcome> {
        self.simple("CAPABILITY", vec![])
    }

    pub fn noop(&mut self) -> Result<Outcome> {
        self.simple("NOOP", vec![])
    }

    /// LOGIN; the password is a string value (quoted, or a literal when it is not 7-bit, see
    /// [`crate::proto::encode::string_form`]) and never traced. Capabilities are refreshed
    /// after success. Refused (an invalid argument) on a connection where TLS was asked for and
    /// is not up.
    pub fn login(&mut self, user: &str, password: &str) -> Result<Outcome> {
        self.guarded(|s| {
            s.check_credentials_may_go()?;
            let cmd = Command::new(
                "LOGIN",
                vec![Arg::Astring(b(user)), Arg::Secret(password.into())],
            );
            let out = s.run(cmd, "LOGIN", ResultFrom::Tagged)?;
            if out.is_ok() {
                s.auth_mechanism = Some("LOGIN-COMMAND");
                s.state = State::Auth;
                s.refresh_capabilities_after_auth()?;
                s.compress_after_login()?;
                s.auto_enable_imap4rev2()?;
            }
            Ok(out)
        })
    }

    /// LOGOUT; returns `BYE` with the server's BYE text, then closes the connection.
    pub fn logout(&mut self) -> Result<Outcome> {
        let result = self.guarded(|s| {
            let previous = s.state;
            s.state = State::Logout;
            let tag = match s.start(Command::new("LOGOUT", vec![]), "LOGOUT") {
                Ok(tag) => tag,
                Err(e) => {
                    s.state = previous;
                    return Err(e);
                }
            };
            let t = s.complete_inner(&tag, true)?;
            if t.status == "BYE" {
                s.bye = None;
                let data = s
                    .store
                    .pop("BYE")
                    .unwrap_or_else(|| vec![Item::Line(t.text.clone())]);
                return Ok(Outcome {
                    typ: "BYE".into(),
                    data,
                    tagged: None,
                });
            }
            s.outcome("LOGOUT", t, ResultFrom::Tagged)
        });
        if result.is_ok() {
            self.close("logged out");
        }
        result
    }

    /// SELECT, or EXAMINE when `readonly`. Returns the EXISTS responses (kept in the store).
    pub fn select(&mut self, mailbox: &str, readonly: bool) -> Result<Outcome> {
        self.select_with(mailbox, readonly, Vec::new())
    }

    /// [`Session::select`] with select parameters after the mailbox (`(CONDSTORE)`,
    /// `(QRESYNC (...))`, RFC 7162).
    pub(super) fn select_with(
        &mut self,
        mailbox: &str,
        readonly: bool,
        params: Vec<Arg>,
    ) -> Result<Outcome> {
        self.guarded(|s| {
            s.check_open()?;
            s.store.clear();
            s.readonly = readonly;
            let name = if readonly { "EXAMINE" } else { "SELECT" };
            let mut args = vec![Arg::Astring(s.mailbox_arg(mailbox))];
            args.extend(params);
            let out = s.simple(name, args)?;
            if !out.is_ok() {
                s.state = State::Auth;
                return Ok(out);
            }
            s.state = State::Selected;
            s.forget_select_list();
            let data = s
                .store
                .get("EXISTS")
                .cloned()
                .unwrap_or_else(|| vec![Item::None]);
            let out = Outcome { data, ..out };
            if s.store.contains("READ-ONLY") && !readonly {
                let mut e = Error::new(ErrorKind::ReadOnly, format!("'{mailbox}' is not writable"));
                e.outcome = Some(Box::new(out));
                return Err(e);
            }
            Ok(out)
        })
    }

    pub fn status(&mut self, mailbox: &str, names: &str) -> Result<Outcome> {
        self.simple(
            "STATUS",
            vec![Arg::Astring(self.mailbox_arg(mailbox)), Arg::List(b(names))],
        )
    }

    pub fn list(&mut self, directory: &str, pattern: &str) -> Result<Outcome> {
        let args = vec![
            Arg::Astring(self.mailbox_arg(directory)),
            Arg::ListMailbox(self.mailbox_arg(pattern)),
        ];
        self.simple("LIST", args)
    }

    pub fn lsub(&mut self, directory: &str, pattern: &str) -> Result<Outcome> {
        let args = vec![
            Arg::Astring(self.mailbox_arg(directory)),
            Arg::ListMailbox(self.mailbox_arg(pattern)),
        ];
        self.simple("LSUB", args)
    }

    pub fn create(&mut self, mailbox: &str) -> Result<Outcome> {
        let arg = Arg::Astring(self.mailbox_arg(mailbox));
        self.simple("CREATE", vec![arg])
    }

    pub fn delete(&mut self, mailbox: &str) -> Result<Outcome> {
        let arg = Arg::Astring(self.mailbox_arg(mailbox));
        self.simple("DELETE", vec![arg])
    }

    pub fn rename(&mut self, old: &str, new: &str) -> Result<Outcome> {
        self.simple(
            "RENAME",
            vec![
                Arg::Astring(self.mailbox_arg(old)),
                Arg::Astring(self.mailbox_arg(new)),
            ],
        )
    }

    pub fn subscribe(&mut self, mailbox: &str) -> Result<Outcome> {
        self.simple("SUBSCRIBE", vec![Arg::Astring(self.mailbox_arg(mailbox))])
    }

    pub fn unsubscribe(&mut self, mailbox: &str) -> Result<Outcome> {
        self.simple("UNSUBSCRIBE", vec![Arg::Astring(self.mailbox_arg(mailbox))])
    }

    /// APPEND `message` (line endings normalised to CRLF) as a literal. `flags` and `date_time`
    /// are optional; a date not already in double quotes is quoted.
    pub fn append(
        &mut self,
        mailbox: Option<&str>,
        flags: Option<&str>,
        date_time: Option<&str>,
        message: &[u8],
    ) -> Result<Outcome> {
        let flags = flags.filter(|f| !f.is_empty()).map(|f| Arg::List(b(f)));
        self.append_with(mailbox, flags, date_time, message)
    }

    /// APPEND with the flag argument already built.
    pub(crate) fn append_with(
        &mut self,
        mailbox: Option<&str>,
        flags: Option<Arg>,
        date_time: Option<&str>,
        message: &[u8],
    ) -> Result<Outcome> {
        let message = normalize_crlf(message);
        let message = if self.utf8_enabled() {
            Arg::Utf8Literal(message)
        } else {
            Arg::Literal(message)
        };
        self.append_arg(mailbox, flags, date_time, message)
    }

    /// APPEND with the flag argument and the message argument already built.
    pub(crate) fn append_arg(
        &mut self,
        mailbox: Option<&str>,
        flags: Option<Arg>,
        date_time: Option<&str>,
        message: Arg,
    ) -> Result<Outcome> {
        let mailbox = mailbox.filter(|m| !m.is_empty()).unwrap_or("INBOX");
        let mut args = vec![Arg::Astring(self.mailbox_arg(mailbox))];
        args.extend(flags);
        if let Some(d) = date_time.filter(|d| !d.is_empty()) {
            let quoted = d.len() >= 2 && d.starts_with('"') && d.ends_with('"');
            args.push(if quoted {
                Arg::Raw(b(d))
            } else {
                Arg::Quoted(b(d))
            });
        }
        args.push(message);
        self.simple("APPEND", args)
    }

    pub fn check(&mut self) -> Result<Outcome> {
        self.simple("CHECK", vec![])
    }

    /// CLOSE; the state is AUTH afterwards whatever the outcome (imaplib).
    pub fn close_mailbox(&mut self) -> Result<Outcome> {
        let r = self.simple("CLOSE", vec![]);
        if self.state == State::Selected {
            self.state = State::Auth;
        }
        r
    }

    /// UNSELECT; the state is AUTH afterwards whatever the outcome (imaplib).
    pub fn unselect(&mut self) -> Result<Outcome> {
        let r = self.simple("UNSELECT", vec![]);
        if self.state == State::Selected {
            self.state = State::Auth;
        }
        r
    }

    pub fn expunge(&mut self) -> Result<Outcome> {
        self.simple("EXPUNGE", vec![])
    }

    /// SEARCH `[CHARSET charset] criteria...` (criteria verbatim).
    pub fn search(&mut self, charset: Option<&str>, criteria: &[&str]) -> Result<Outcome> {
        let mut args = Vec::new();
        if let Some(cs) = charset {
            if self.utf8_enabled() {
                return Err(Error::invalid("Non-None charset not valid in UTF8 mode"));
            }
            args.push(Arg::Raw(b("CHARSET")));
            args.push(Arg::Astring(b(cs)));
        }
        args.extend(raw(criteria));
        self.simple("SEARCH", args)
    }

    pub fn fetch(&mut self, set: &str, parts: &str) -> Result<Outcome> {
        self.simple("FETCH", vec![Arg::Raw(b(set)), Arg::FetchParts(b(parts))])
    }

    pub fn store_flags(&mut self, set: &str, command: &str, flags: &str) -> Result<Outcome> {
        let args = vec![Arg::Raw(b(set)), Arg::Raw(b(command)), Arg::List(b(flags))];
        self.simple("STORE", args)
    }

    pub fn copy(&mut self, set: &str, mailbox: &str) -> Result<Outcome> {
        self.simple(
            "COPY",
            vec![Arg::Raw(b(set)), Arg::Astring(self.mailbox_arg(mailbox))],
        )
    }

    /// MOVE (RFC 6851), as imaplib's newest `move()`.
    pub fn move_messages(&mut self, set: &str, mailbox: &str) -> Result<Outcome> {
        self.simple(
            "MOVE",
            vec![Arg::Raw(b(set)), Arg::Astring(self.mailbox_arg(mailbox))],
        )
    }

    /// `UID <command> args...`, with imaplib's per-sub-command quoting. SEARCH, SORT and
    /// THREAD return their untagged responses, everything else the FETCH responses. The
    /// mailbox of UID MOVE is quoted like UID COPY's (imaplib sends it verbatim).
    pub fn uid(&mut self, command: &str, args: &[&str]) -> Result<Outcome> {
        let sub = command.to_ascii_uppercase();
        if allowed_states(&sub).is_none() {
            return Err(Error::invalid(format!(
                "Unknown IMAP4 UID command: '{command}'"
            )));
        }
        self.check_open()?;
        self.check_state(&sub)?;
        let arg = |i: usize| args.get(i).map(|a| b(a));
        let mut wire = vec![Arg::Raw(b(&sub))];
        let rest_from = |i: usize| raw(args.get(i..).unwrap_or(&[]));
        match sub.as_str() {
            "COPY" | "MOVE" if args.len() == 2 => {
                wire.extend([
                    Arg::Raw(b(args[0])),
                    Arg::Astring(self.mailbox_arg(args[1])),
                ]);
            }
            "FETCH" if args.len() >= 2 => {
                wire.extend([Arg::Raw(b(args[0])), Arg::FetchParts(b(args[1]))]);
                wire.extend(rest_from(2));
            }
            "STORE" if args.len() == 3 => {
                wire.extend([
                    Arg::Raw(b(args[0])),
                    Arg::Raw(b(args[1])),
                    Arg::List(b(args[2])),
                ]);
            }
            "SORT" if args.len() >= 2 => {
                wire.extend([
                    Arg::List(arg(0).unwrap_or_default()),
                    Arg::Astring(arg(1).unwrap_or_default()),
                ]);
                wire.extend(rest_from(2));
            }
            "THREAD" if args.len() >= 2 => {
                wire.extend([
                    Arg::Raw(arg(0).unwrap_or_default()),
                    Arg::Astring(arg(1).unwrap_or_default()),
                ]);
                wire.extend(rest_from(2));
            }
            _ => wire.extend(raw(args)),
        }
        let from = ResultFrom::Untagged(uid_result_kind(&sub));
        self.run(Command::new("UID", wire), "UID", from)
    }

    pub fn namespace(&mut self) -> Result<Outcome> {
        self.simple("NAMESPACE", vec![])
    }

    /// imaplib `response(code)`: pops the untagged responses (or response codes) of that name.
    pub fn response(&mut self, code: &str) -> Outcome {
        let data = self
            .store
            .pop(&code.to_ascii_uppercase())
            .unwrap_or_else(|| vec![Item::None]);
        Outcome {
            typ: code.to_string(),
            data,
            tagged: None,
        }
    }

    /// imaplib `recent()`: the RECENT responses received so far, or a NOOP's.
    pub fn recent(&mut self) -> Result<Outcome> {
        if let Some(items) = self.store.pop("RECENT") {
            if matches!(items.last(), Some(Item::Line(l)) if !l.is_empty()) {
                return Ok(Outcome {
                    typ: "OK".into(),
                    data: items,
                    tagged: None,
                });
            }
        }
        let out = self.noop()?;
        let data = self.store.pop("RECENT").unwrap_or_else(|| vec![Item::None]);
        Ok(Outcome { data, ..out })
    }

    /// imaplib `xatom(name, args...)`: any command, arguments verbatim. An unknown name is
    /// allowed in the state it is first used in (imaplib registers it so). COMPRESS is
    /// refused (nothing sent): on OK the server deflates from then on, which only
    /// [`Session::compress`] follows.
    pub fn xatom(&mut self, name: &str, args: &[&str]) -> Result<Outcome> {
        let name = name.to_ascii_uppercase();
        if name.is_empty() || !name.bytes().all(|c| c.is_ascii_graphic()) {
            return Err(Error::invalid("command name must be a non-empty atom"));
        }
        if name == "COMPRESS" {
            return Err(Error::invalid(
                "COMPRESS cannot be sent by xatom: it changes the connection in ways only its \
                 own call follows (use imap_compress)",
            ));
        }
        if allowed_states(&name).is_none() && !self.extra_commands.contains_key(&name) {
            self.extra_commands.insert(name.clone(), self.state);
        }
        let args = raw(args);
        self.run(Command::new(name.clone(), args), &name, ResultFrom::Tagged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn which_servers_know_a_command() {
        let caps = |c: &[&str]| c.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let known =
            |name: &str, c: &[&str], rev2: bool| spec(name).unwrap().offered(&caps(c), rev2);
        assert!(known("LOGIN", &[], false) && known("UID", &[], false));
        // An extension: its capability, or a `=`/`-` variant, and nothing that merely
        // starts with the same letters.
        assert!(known("ID", &["ID"], false) && !known("ID", &["IDLE"], false));
        assert!(known("THREAD", &["THREAD=REFERENCES"], false) && !known("THREAD", &[], false));
        assert!(known("GETMETADATA", &["METADATA-SERVER"], false));
        assert!(known("SETACL", &["acl"], false) && !known("SETACL", &["ACLX"], false));
        // Part of IMAP4rev2: known once it is in effect, else by its capability.
        assert!(known("MOVE", &[], true) && known("MOVE", &["MOVE"], false));
        assert!(!known("MOVE", &[], false) && !known("SORT", &[], true));
        assert!(!known("PARTIAL", &["IMAP4rev1"], true));
    }

    #[test]
    fn the_table_names_results_uid_forms_and_what_may_run_together() {
        assert_eq!(result_from("STATUS"), ResultFrom::Untagged("STATUS"));
        assert_eq!(result_from("STORE"), ResultFrom::Untagged("FETCH"));
        assert_eq!(result_from("NOOP"), ResultFrom::Tagged);
        assert_eq!(result_from("SELECT"), ResultFrom::Tagged);
        let fetch = spec("FETCH").unwrap();
        assert!(fetch.uid && fetch.seq && !fetch.exclusive);
        assert!(fetch.forbids_expunge(false) && !fetch.forbids_expunge(true));
        assert!(!spec("COPY").unwrap().forbids_expunge(false));
        for name in [
            "SELECT", "EXAMINE", "CLOSE", "UNSELECT", "LOGIN", "IDLE", "LOGOUT",
        ] {
            assert!(spec(name).unwrap().exclusive, "{name}");
        }
        assert!(!spec("STATUS").unwrap().uid);
        assert_eq!(uid_result_kind("COPY"), "FETCH");
        assert_eq!(uid_result_kind("SORT"), "SORT");
        assert_eq!(allowed_states("CHECK"), Some(&[S][..]));
    }
}
