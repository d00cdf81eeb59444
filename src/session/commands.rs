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

const TABLE: &[(&str, &[State])] = &[
    ("APPEND", &[A, S]),
    ("AUTHENTICATE", &[N]),
    ("CAPABILITY", &[N, A, S, L]),
    ("CHECK", &[S]),
    ("CLOSE", &[S]),
    ("COPY", &[S]),
    ("CREATE", &[A, S]),
    ("DELETE", &[A, S]),
    ("DELETEACL", &[A, S]),
    ("ENABLE", &[A]),
    ("EXAMINE", &[A, S]),
    ("EXPUNGE", &[S]),
    ("FETCH", &[S]),
    ("GETACL", &[A, S]),
    ("GETANNOTATION", &[A, S]),
    ("GETQUOTA", &[A, S]),
    ("GETMETADATA", &[A, S]),
    ("GETQUOTAROOT", &[A, S]),
    ("ID", &[N, A, S]),
    ("IDLE", &[A, S]),
    ("MYRIGHTS", &[A, S]),
    ("LIST", &[A, S]),
    ("LISTRIGHTS", &[A, S]),
    ("LOGIN", &[N]),
    ("LOGOUT", &[N, A, S, L]),
    ("LSUB", &[A, S]),
    ("MOVE", &[S]),
    ("NAMESPACE", &[A, S]),
    ("NOOP", &[N, A, S, L]),
    ("PARTIAL", &[S]),
    ("PROXYAUTH", &[A]),
    ("RENAME", &[A, S]),
    ("SEARCH", &[S]),
    ("SELECT", &[A, S]),
    ("SETACL", &[A, S]),
    ("SETANNOTATION", &[A, S]),
    ("SETMETADATA", &[A, S]),
    ("SETQUOTA", &[A, S]),
    ("SORT", &[S]),
    ("STARTTLS", &[N]),
    ("STATUS", &[A, S]),
    ("STORE", &[S]),
    ("SUBSCRIBE", &[A, S]),
    ("THREAD", &[S]),
    ("UID", &[S]),
    ("UNSELECT", &[S]),
    ("UNSUBSCRIBE", &[A, S]),
];

/// The states a command of the table is allowed in.
pub fn allowed_states(name: &str) -> Option<&'static [State]> {
    TABLE.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
}

fn b(s: &str) -> Vec<u8> {
    s.as_bytes().to_vec()
}

fn raw(args: &[&str]) -> Vec<Arg> {
    args.iter().map(|a| Arg::Raw(b(a))).collect()
}

impl Session {
    /// A command whose name is also its table entry.
    fn simple(&mut self, name: &str, args: Vec<Arg>, from: ResultFrom) -> Result<Outcome> {
        self.run(Command::new(name, args), name, from)
    }

    pub fn capability(&mut self) -> Result<Outcome> {
        self.simple("CAPABILITY", vec![], ResultFrom::Untagged("CAPABILITY"))
    }

    pub fn noop(&mut self) -> Result<Outcome> {
        self.simple("NOOP", vec![], ResultFrom::Tagged)
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
                s.state = State::Auth;
                s.refresh_capabilities_after_auth()?;
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
        self.guarded(|s| {
            s.check_open()?;
            s.store.clear();
            s.readonly = readonly;
            let name = if readonly { "EXAMINE" } else { "SELECT" };
            let arg = Arg::Astring(s.mailbox_arg(mailbox));
            let out = s.simple(name, vec![arg], ResultFrom::Tagged)?;
            if !out.is_ok() {
                s.state = State::Auth;
                return Ok(out);
            }
            s.state = State::Selected;
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
            ResultFrom::Untagged("STATUS"),
        )
    }

    pub fn list(&mut self, directory: &str, pattern: &str) -> Result<Outcome> {
        let args = vec![
            Arg::Astring(self.mailbox_arg(directory)),
            Arg::ListMailbox(self.mailbox_arg(pattern)),
        ];
        self.simple("LIST", args, ResultFrom::Untagged("LIST"))
    }

    pub fn lsub(&mut self, directory: &str, pattern: &str) -> Result<Outcome> {
        let args = vec![
            Arg::Astring(self.mailbox_arg(directory)),
            Arg::ListMailbox(self.mailbox_arg(pattern)),
        ];
        self.simple("LSUB", args, ResultFrom::Untagged("LSUB"))
    }

    pub fn create(&mut self, mailbox: &str) -> Result<Outcome> {
        let arg = Arg::Astring(self.mailbox_arg(mailbox));
        self.simple("CREATE", vec![arg], ResultFrom::Tagged)
    }

    pub fn delete(&mut self, mailbox: &str) -> Result<Outcome> {
        let arg = Arg::Astring(self.mailbox_arg(mailbox));
        self.simple("DELETE", vec![arg], ResultFrom::Tagged)
    }

    pub fn rename(&mut self, old: &str, new: &str) -> Result<Outcome> {
        self.simple(
            "RENAME",
            vec![
                Arg::Astring(self.mailbox_arg(old)),
                Arg::Astring(self.mailbox_arg(new)),
            ],
            ResultFrom::Tagged,
        )
    }

    pub fn subscribe(&mut self, mailbox: &str) -> Result<Outcome> {
        self.simple(
            "SUBSCRIBE",
            vec![Arg::Astring(self.mailbox_arg(mailbox))],
            ResultFrom::Tagged,
        )
    }

    pub fn unsubscribe(&mut self, mailbox: &str) -> Result<Outcome> {
        self.simple(
            "UNSUBSCRIBE",
            vec![Arg::Astring(self.mailbox_arg(mailbox))],
            ResultFrom::Tagged,
        )
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
        let message = normalize_crlf(message);
        args.push(if self.utf8_enabled {
            Arg::Utf8Literal(message)
        } else {
            Arg::Literal(message)
        });
        self.simple("APPEND", args, ResultFrom::Tagged)
    }

    pub fn check(&mut self) -> Result<Outcome> {
        self.simple("CHECK", vec![], ResultFrom::Tagged)
    }

    /// CLOSE; the state is AUTH afterwards whatever the outcome (imaplib).
    pub fn close_mailbox(&mut self) -> Result<Outcome> {
        let r = self.simple("CLOSE", vec![], ResultFrom::Tagged);
        if self.state == State::Selected {
            self.state = State::Auth;
        }
        r
    }

    /// UNSELECT; the state is AUTH afterwards whatever the outcome (imaplib).
    pub fn unselect(&mut self) -> Result<Outcome> {
        let r = self.simple("UNSELECT", vec![], ResultFrom::Tagged);
        if self.state == State::Selected {
            self.state = State::Auth;
        }
        r
    }

    pub fn expunge(&mut self) -> Result<Outcome> {
        self.simple("EXPUNGE", vec![], ResultFrom::Untagged("EXPUNGE"))
    }

    /// SEARCH `[CHARSET charset] criteria...` (criteria verbatim).
    pub fn search(&mut self, charset: Option<&str>, criteria: &[&str]) -> Result<Outcome> {
        let mut args = Vec::new();
        if let Some(cs) = charset {
            if self.utf8_enabled {
                return Err(Error::invalid("Non-None charset not valid in UTF8 mode"));
            }
            args.push(Arg::Raw(b("CHARSET")));
            args.push(Arg::Astring(b(cs)));
        }
        args.extend(raw(criteria));
        self.simple("SEARCH", args, ResultFrom::Untagged("SEARCH"))
    }

    pub fn fetch(&mut self, set: &str, parts: &str) -> Result<Outcome> {
        self.simple(
            "FETCH",
            vec![Arg::Raw(b(set)), Arg::FetchParts(b(parts))],
            ResultFrom::Untagged("FETCH"),
        )
    }

    pub fn store_flags(&mut self, set: &str, command: &str, flags: &str) -> Result<Outcome> {
        let args = vec![Arg::Raw(b(set)), Arg::Raw(b(command)), Arg::List(b(flags))];
        self.simple("STORE", args, ResultFrom::Untagged("FETCH"))
    }

    pub fn copy(&mut self, set: &str, mailbox: &str) -> Result<Outcome> {
        self.simple(
            "COPY",
            vec![Arg::Raw(b(set)), Arg::Astring(self.mailbox_arg(mailbox))],
            ResultFrom::Tagged,
        )
    }

    /// MOVE (RFC 6851), as imaplib's newest `move()`.
    pub fn move_messages(&mut self, set: &str, mailbox: &str) -> Result<Outcome> {
        self.simple(
            "MOVE",
            vec![Arg::Raw(b(set)), Arg::Astring(self.mailbox_arg(mailbox))],
            ResultFrom::Tagged,
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
        let from = match sub.as_str() {
            "SEARCH" => ResultFrom::Untagged("SEARCH"),
            "SORT" => ResultFrom::Untagged("SORT"),
            "THREAD" => ResultFrom::Untagged("THREAD"),
            _ => ResultFrom::Untagged("FETCH"),
        };
        self.run(Command::new("UID", wire), "UID", from)
    }

    pub fn namespace(&mut self) -> Result<Outcome> {
        self.simple("NAMESPACE", vec![], ResultFrom::Untagged("NAMESPACE"))
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
    /// allowed in the state it is first used in (imaplib registers it so).
    pub fn xatom(&mut self, name: &str, args: &[&str]) -> Result<Outcome> {
        let name = name.to_ascii_uppercase();
        if name.is_empty() || !name.bytes().all(|c| c.is_ascii_graphic()) {
            return Err(Error::invalid("command name must be a non-empty atom"));
        }
        if allowed_states(&name).is_none() && !self.extra_commands.contains_key(&name) {
            self.extra_commands.insert(name.clone(), self.state);
        }
        let args = raw(args);
        self.run(Command::new(name.clone(), args), &name, ResultFrom::Tagged)
    }
}
