//! IMAP4rev2 (RFC 9051) on a server that offers it beside IMAP4rev1: ENABLE IMAP4rev2 (by
//! hand, or after login with [`Session::set_auto_imap4rev2`]) and the response differences
//! callers must not see: SEARCH is answered with ESEARCH, mailbox names are UTF-8 both ways,
//! and there is no RECENT. Also the LIST and CREATE forms of LIST-EXTENDED (RFC 5258),
//! LIST-STATUS (RFC 5819) and SPECIAL-USE (RFC 6154).

use super::commands::ResultFrom;
use super::compose::Composed;
use super::{Error, ErrorKind, Result, Session};
use crate::proto::encode::{check_flag, check_list_options, Arg, Command};
use crate::proto::parsed::mailbox::{join_status, parse_list, parse_status, ListEntry};
use crate::proto::parsed::{responses, Invalid};
use crate::proto::response::Item;

impl Session {
    /// Whether IMAP4rev2 is in effect: the server confirmed `ENABLE IMAP4rev2` on this
    /// connection. Then SEARCH's result is the ESEARCH responses (see
    /// [`Session::result_from_now`]) and mailbox names travel as UTF-8.
    pub fn imap4rev2(&self) -> bool {
        self.is_enabled("IMAP4rev2")
    }

    /// Mailbox names are UTF-8 on the wire, both ways: in UTF-8 mode (RFC 6855) and under
    /// IMAP4rev2.
    pub fn utf8_names(&self) -> bool {
        self.utf8_enabled() || self.imap4rev2()
    }

    /// Whether to send `ENABLE IMAP4rev2` right after each successful login when the server
    /// advertises IMAP4rev2 (off by default, as imaplib: IMAP4rev2 changes what SEARCH and
    /// SELECT return in the raw results). Kept across reconnections.
    pub fn set_auto_imap4rev2(&mut self, on: bool) {
        self.auto_imap4rev2 = on;
    }

    pub fn auto_imap4rev2(&self) -> bool {
        self.auto_imap4rev2
    }

    /// Where a command's result comes from on this connection now: under IMAP4rev2 a SEARCH
    /// is answered with ESEARCH (RFC 9051 §7.3.4), which then is its result, so that the raw
    /// result holds what the server sent (and the search parser reads its numbers).
    pub(crate) fn result_from_now(&self, from: ResultFrom) -> ResultFrom {
        match from {
            ResultFrom::Untagged("SEARCH") if self.imap4rev2() => ResultFrom::Untagged("ESEARCH"),
            from => from,
        }
    }

    /// After SELECT or EXAMINE: an IMAP4rev2 server sends the mailbox's LIST response with
    /// it (RFC 9051 §6.3.2), which must not become part of the next LIST's result.
    pub(super) fn forget_select_list(&mut self) {
        if self.imap4rev2() {
            self.store.pop("LIST");
        }
    }

    /// After a login (and COMPRESS): ENABLE IMAP4rev2 when asked for and offered. A refusal
    /// (NO or BAD) is logged and the session goes on in IMAP4rev1; a failure of the
    /// connection is returned.
    pub(super) fn auto_enable_imap4rev2(&mut self) -> Result<()> {
        if !self.auto_imap4rev2
            || self.imap4rev2()
            || !self.has_capability("IMAP4rev2")
            || !self.has_capability("ENABLE")
        {
            return Ok(());
        }
        match self.enable("IMAP4rev2") {
            Ok(out) if self.imap4rev2() => {
                drop(out);
                Ok(())
            }
            Ok(_) => {
                self.tracer.log(1, || {
                    "ENABLE IMAP4rev2 not confirmed; staying in IMAP4rev1".into()
                });
                Ok(())
            }
            Err(e) if e.kind == ErrorKind::Bad && self.is_open() => {
                let why = e.message;
                self.tracer.log(1, || {
                    format!("ENABLE IMAP4rev2 refused ({why}); staying in IMAP4rev1")
                });
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    /// LIST with LIST-EXTENDED's selection and return options (RFC 5258): `LIST
    /// [(selection)] reference pattern [RETURN (options)]`, `selection` (`SPECIAL-USE
    /// SUBSCRIBED`) and `options` (`SPECIAL-USE CHILDREN STATUS (MESSAGES SIZE)`) verbatim,
    /// each omitted when empty. The entries are parsed, with each mailbox's STATUS response
    /// (LIST-STATUS, RFC 5819) joined to it; STATUS responses that do not parse are listed
    /// as invalid with the entries, those of a mailbox not listed stay for
    /// `response("STATUS")`. The outcome's data is the LIST responses.
    /// Refused before anything is sent when options are given and the server offers none of
    /// LIST-EXTENDED, SPECIAL-USE, LIST-STATUS and IMAP4rev2.
    pub fn list_extended(
        &mut self,
        reference: &str,
        pattern: &str,
        selection: &str,
        options: &str,
    ) -> Result<Composed<Vec<std::result::Result<ListEntry, Invalid>>>> {
        let extended = ["LIST-EXTENDED", "SPECIAL-USE", "LIST-STATUS", "IMAP4rev2"]
            .iter()
            .any(|c| self.has_capability(c));
        if (!selection.trim().is_empty() || !options.trim().is_empty()) && !extended {
            return Err(Error::new(
                ErrorKind::Unsupported,
                "Server offers no LIST extension (LIST-EXTENDED, SPECIAL-USE, LIST-STATUS)",
            ));
        }
        check_list_options("selection", selection)?;
        check_list_options("return options", options)?;
        self.guarded(|s| {
            let mut args = Vec::new();
            if !selection.trim().is_empty() {
                args.push(Arg::List(selection.as_bytes().to_vec()));
            }
            args.push(Arg::Astring(s.mailbox_arg(reference)));
            args.push(Arg::ListMailbox(s.mailbox_arg(pattern)));
            if !options.trim().is_empty() {
                args.push(Arg::Raw(b"RETURN".to_vec()));
                args.push(Arg::List(options.as_bytes().to_vec()));
            }
            let outcome = s.run(
                Command::new("LIST", args),
                "LIST",
                ResultFrom::Untagged("LIST"),
            )?;
            // LIST-STATUS's STATUS responses come with the LIST ones: those of listed mailboxes
            // belong to this call; any other stays for `response("STATUS")`.
            let raw = s.store.pop("STATUS").unwrap_or_default();
            let mut parsed = if outcome.is_ok() {
                parse_list(&outcome.data)
            } else {
                Vec::new()
            };
            let mut good = Vec::new();
            let mut good_raw = Vec::new();
            for (resp, st) in responses(&raw).zip(parse_status(&raw)) {
                match st {
                    Ok(st) => {
                        good.push(st);
                        good_raw.push(resp);
                    }
                    Err(e) => parsed.push(Err(e)),
                }
            }
            if s.utf8_names() {
                // UTF-8 as sent: never modified UTF-7.
                let names = parsed.iter_mut().filter_map(|e| e.as_mut().ok());
                for m in names
                    .map(|e| &mut e.mailbox)
                    .chain(good.iter_mut().map(|st| &mut st.mailbox))
                {
                    m.name = m.decoded(true).map(str::to_owned);
                }
            }
            let left: Vec<Item> = join_status(&mut parsed, good)
                .into_iter()
                .flat_map(|i| good_raw[i].iter().cloned())
                .collect();
            if !left.is_empty() {
                s.store.push("STATUS", left)?;
            }
            Ok(Composed { outcome, parsed })
        })
    }

    /// CREATE `mailbox` `(USE (uses))` (RFC 6154 CREATE-SPECIAL-USE): each use a special-use
    /// attribute (`\Sent`, `\Archive`...). Refused before anything is sent for an empty list,
    /// a use that is not `\` and an atom, or a server without CREATE-SPECIAL-USE. Data: the
    /// tagged text (whose `[MAILBOXID (id)]` code, RFC 8474, `imap_parse_code` reads).
    pub fn create_special_use(
        &mut self,
        mailbox: &str,
        uses: &[&str],
    ) -> Result<crate::session::Outcome> {
        if uses.is_empty() {
            return Err(Error::invalid("CREATE USE needs at least one special use"));
        }
        for u in uses {
            // A use is a flag's `\`-form (the same atom characters).
            if !u.starts_with('\\') || check_flag(u).is_err() {
                return Err(Error::invalid(format!(
                    "special use '{}' is not a \\-attribute such as \\Sent",
                    u.escape_debug()
                )));
            }
        }
        if !self.has_capability("CREATE-SPECIAL-USE") {
            return Err(Error::new(
                ErrorKind::Unsupported,
                "Server does not support CREATE-SPECIAL-USE",
            ));
        }
        let uses = uses.join(" ");
        let args = vec![
            Arg::Astring(self.mailbox_arg(mailbox)),
            Arg::Raw(format!("(USE ({uses}))").into_bytes()),
        ];
        self.simple("CREATE", args)
    }
}
