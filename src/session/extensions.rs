//! imaplib's extension commands: ACL (RFC 4314), QUOTA (RFC 2087), ANNOTATEMORE, METADATA
//! (RFC 5464, not in imaplib), PROXYAUTH, PARTIAL, SORT and THREAD (RFC 5256), ENABLE
//! (RFC 5161, with UTF-8 mode, RFC 6855) and ID (RFC 2971).
//!
//! Each is a small entry over [`Session::run`] with imaplib's exact arguments and return shape.
//! Every string argument reaches the wire through the encoder, which rejects NUL, CR and LF
//! before anything is written.

use super::{Error, ErrorKind, Outcome, Result, Session};
use crate::proto::encode::Arg;
use crate::proto::response::Item;

fn b(s: &str) -> Vec<u8> {
    s.as_bytes().to_vec()
}

fn raw(args: &[&str]) -> Vec<Arg> {
    args.iter().map(|a| Arg::Raw(b(a))).collect()
}

/// imaplib's `getquotaroot` result, `[quotaroot data, quota data]`: two outcomes sharing the
/// tagged status. On NO both hold the tagged text (and nothing is popped), as in imaplib.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaRoot {
    /// The untagged QUOTAROOT data (`INBOX "User quota"`), or `[None]`.
    pub quotaroot: Outcome,
    /// The untagged QUOTA data (`"User quota" (STORAGE 10 512)`), or `[None]`.
    pub quota: Outcome,
}

/// A parenthesised list of `name value` pairs (ID's field list, SETMETADATA's entry list):
/// names by `name`'s rule, values as quoted strings or NIL.
fn pair_group(pairs: &[(&str, Option<&str>)], name: fn(Vec<u8>) -> Arg) -> Arg {
    Arg::Group(
        pairs
            .iter()
            .flat_map(|(n, v)| [name(b(n)), v.map_or(Arg::Nil, |v| Arg::Quoted(b(v)))])
            .collect(),
    )
}

impl Session {
    /// A command whose name is also its table entry.
    fn ext(&mut self, name: &str, args: Vec<Arg>) -> Result<Outcome> {
        self.simple(name, args)
    }

    // ----- ACL (RFC 4314) --------------------------------------------------------------------

    /// GETACL `mailbox`. Data: the untagged ACL lines (`INBOX Fred rwipslxetad`).
    pub fn getacl(&mut self, mailbox: &str) -> Result<Outcome> {
        let args = vec![Arg::Astring(self.mailbox_arg(mailbox))];
        self.ext("GETACL", args)
    }

    /// SETACL `mailbox` `who` `what` (all astrings). Data: the tagged text.
    pub fn setacl(&mut self, mailbox: &str, who: &str, what: &str) -> Result<Outcome> {
        let args = vec![
            Arg::Astring(self.mailbox_arg(mailbox)),
            Arg::Astring(b(who)),
            Arg::Astring(b(what)),
        ];
        self.ext("SETACL", args)
    }

    /// DELETEACL `mailbox` `who`. Data: the tagged text.
    pub fn deleteacl(&mut self, mailbox: &str, who: &str) -> Result<Outcome> {
        let args = vec![
            Arg::Astring(self.mailbox_arg(mailbox)),
            Arg::Astring(b(who)),
        ];
        self.ext("DELETEACL", args)
    }

    /// MYRIGHTS `mailbox`. Data: the untagged MYRIGHTS lines (`INBOX rwiptsldaex`).
    pub fn myrights(&mut self, mailbox: &str) -> Result<Outcome> {
        let args = vec![Arg::Astring(self.mailbox_arg(mailbox))];
        self.ext("MYRIGHTS", args)
    }

    /// LISTRIGHTS `mailbox` `identifier` (imaplib has no method; this is what its would
    /// be). Data: the untagged LISTRIGHTS lines (`box user2 "" l r w s ...`).
    pub fn listrights(&mut self, mailbox: &str, identifier: &str) -> Result<Outcome> {
        let args = vec![
            Arg::Astring(self.mailbox_arg(mailbox)),
            Arg::Astring(b(identifier)),
        ];
        self.ext("LISTRIGHTS", args)
    }

    // ----- QUOTA (RFC 2087) ------------------------------------------------------------------

    /// GETQUOTA `root` (`""` for the empty root). Data: the untagged QUOTA lines.
    pub fn getquota(&mut self, root: &str) -> Result<Outcome> {
        let args = vec![Arg::Astring(b(root))];
        self.ext("GETQUOTA", args)
    }

    /// GETQUOTAROOT `mailbox`: the QUOTAROOT and the QUOTA data, as imaplib's
    /// `[quotaroot, quota]`.
    pub fn getquotaroot(&mut self, mailbox: &str) -> Result<QuotaRoot> {
        self.guarded(|s| {
            let args = vec![Arg::Astring(s.mailbox_arg(mailbox))];
            let quotaroot = s.ext("GETQUOTAROOT", args)?;
            let data = if quotaroot.is_ok() {
                s.store.pop("QUOTA").unwrap_or_else(|| vec![Item::None])
            } else {
                quotaroot.data.clone()
            };
            let quota = Outcome {
                data,
                ..quotaroot.clone()
            };
            Ok(QuotaRoot { quotaroot, quota })
        })
    }

    /// SETQUOTA `root` `limits` (`"STORAGE 512"` or `"(STORAGE 512)"`). Data: the untagged
    /// QUOTA lines (usually `[None]`).
    pub fn setquota(&mut self, root: &str, limits: &str) -> Result<Outcome> {
        let args = vec![Arg::Astring(b(root)), Arg::List(b(limits))];
        self.ext("SETQUOTA", args)
    }

    // ----- ANNOTATEMORE (draft-daboo-imap-annotatemore) ---------------------------------------

    /// GETANNOTATION `mailbox` `entry` `attribute` (entry and attribute verbatim, as
    /// imaplib). Data: the untagged ANNOTATION lines.
    pub fn getannotation(
        &mut self,
        mailbox: &str,
        entry: &str,
        attribute: &str,
    ) -> Result<Outcome> {
        let args = vec![
            Arg::Astring(self.mailbox_arg(mailbox)),
            Arg::Raw(b(entry)),
            Arg::Raw(b(attribute)),
        ];
        self.ext("GETANNOTATION", args)
    }

    /// SETANNOTATION `args...` (imaplib's `setannotation(*args)`): the first argument is the
    /// mailbox (an astring), the others go verbatim (`/comment`, `("value.shared" "x")`).
    /// Data: the untagged ANNOTATION lines (usually `[None]`).
    pub fn setannotation(&mut self, args: &[&str]) -> Result<Outcome> {
        let mut wire = Vec::with_capacity(args.len());
        if let Some((mailbox, rest)) = args.split_first() {
            wire.push(Arg::Astring(self.mailbox_arg(mailbox)));
            wire.extend(raw(rest));
        }
        self.ext("SETANNOTATION", wire)
    }

    // ----- METADATA (RFC 5464; not in imaplib) -----------------------------------------------

    /// GETMETADATA `[(options)]` `mailbox` `entries`: one entry is sent alone, several as a
    /// parenthesised list; entries and mailbox are astrings (`""` is the server). `options`
    /// (`"DEPTH 1"`, `"MAXSIZE 1024"`) is wrapped in parentheses unless it already is.
    /// Data: the untagged METADATA responses, values that come as literals as (header,
    /// literal) pairs, like imaplib's FETCH data.
    pub fn getmetadata(
        &mut self,
        mailbox: &str,
        entries: &[&str],
        options: Option<&str>,
    ) -> Result<Outcome> {
        let mut args = Vec::new();
        if let Some(o) = options {
            args.push(Arg::List(b(o)));
        }
        args.push(Arg::Astring(self.mailbox_arg(mailbox)));
        match entries {
            [] => return Err(Error::invalid("GETMETADATA needs at least one entry")),
            [one] => args.push(Arg::Astring(b(one))),
            many => args.push(Arg::Group(
                many.iter().map(|e| Arg::Astring(b(e))).collect(),
            )),
        }
        self.ext("GETMETADATA", args)
    }

    /// SETMETADATA `mailbox` `(entry value ...)`: each value is sent as a quoted string, or
    /// NIL for `None` (which removes the entry). Data: the untagged METADATA lines (usually
    /// `[None]`, as imaplib's `setannotation`).
    pub fn setmetadata(
        &mut self,
        mailbox: &str,
        entries: &[(&str, Option<&str>)],
    ) -> Result<Outcome> {
        if entries.is_empty() {
            return Err(Error::invalid("SETMETADATA needs at least one entry"));
        }
        let args = vec![
            Arg::Astring(self.mailbox_arg(mailbox)),
            pair_group(entries, Arg::Astring),
        ];
        self.ext("SETMETADATA", args)
    }

    // ----- others --------------------------------------------------------------------------

    /// PROXYAUTH `user` (AUTH state only). Data: the tagged text; the state does not change.
    pub fn proxyauth(&mut self, user: &str) -> Result<Outcome> {
        self.ext("PROXYAUTH", vec![Arg::Astring(b(user))])
    }

    /// PARTIAL `message_num` `message_part` `start` `length` (all verbatim, as imaplib).
    /// Data: the untagged FETCH responses.
    pub fn partial(
        &mut self,
        message_num: &str,
        message_part: &str,
        start: &str,
        length: &str,
    ) -> Result<Outcome> {
        let args = raw(&[message_num, message_part, start, length]);
        self.ext("PARTIAL", args)
    }

    /// SORT `(sort_criteria)` `[charset]` `search_criteria...`: the sort criteria are wrapped
    /// in parentheses unless they are, the charset is an astring (`None`: omitted), the search
    /// criteria go verbatim. Data: the untagged SORT lines.
    pub fn sort(
        &mut self,
        sort_criteria: &str,
        charset: Option<&str>,
        search_criteria: &[&str],
    ) -> Result<Outcome> {
        let mut args = vec![Arg::List(b(sort_criteria))];
        args.extend(charset.map(|c| Arg::Astring(b(c))));
        args.extend(raw(search_criteria));
        self.ext("SORT", args)
    }

    /// THREAD `algorithm` `[charset]` `search_criteria...` (algorithm and criteria verbatim,
    /// charset an astring, `None`: omitted). Data: the untagged THREAD lines.
    pub fn thread(
        &mut self,
        threading_algorithm: &str,
        charset: Option<&str>,
        search_criteria: &[&str],
    ) -> Result<Outcome> {
        let mut args = vec![Arg::Raw(b(threading_algorithm))];
        args.extend(charset.map(|c| Arg::Astring(b(c))));
        args.extend(raw(search_criteria));
        self.ext("THREAD", args)
    }

    /// ENABLE `capability` (verbatim, so `"CONDSTORE QRESYNC"` enables two). Refused with
    /// [`ErrorKind::Unsupported`] before anything is sent if the server does not advertise
    /// ENABLE. Data: the tagged text; the `* ENABLED` data stays for `response("ENABLED")`.
    ///
    /// UTF-8 mode (RFC 6855) starts only when the server confirmed it with an untagged
    /// `ENABLED` naming UTF8=ACCEPT during this command; IMAP4rev2 (RFC 9051, see
    /// [`Session::imap4rev2`]) likewise. imaplib switches on a bare OK, and a
    /// server that answers OK without enabling it (Dovecot 2.3) then stores APPENDed messages
    /// with the `UTF8 (` wrapper inside them.
    pub fn enable(&mut self, capability: &str) -> Result<Outcome> {
        self.guarded(|s| {
            s.check_open()?;
            if !s.has_capability("ENABLE") {
                return Err(Error::new(
                    ErrorKind::Unsupported,
                    "Server does not support ENABLE",
                ));
            }
            let seen = s.store.get("ENABLED").map_or(0, Vec::len);
            let out = s.ext("ENABLE", vec![Arg::Raw(b(capability))])?;
            if out.is_ok() {
                s.record_enabled(seen, capability);
            }
            Ok(out)
        })
    }

    /// Whether the connection is in UTF-8 mode (imaplib's `utf8_enabled`): APPEND then sends
    /// `UTF8 (~{N}` and SEARCH refuses a charset.
    pub fn utf8_enabled(&self) -> bool {
        self.is_enabled("UTF8=ACCEPT")
    }

    /// ID (RFC 2971) with `params` as `("name" "value" ...)`, a `None` value sent as NIL; an
    /// empty list sends `ID NIL`. Data: the untagged ID lines (`("name" "Dovecot")`).
    pub fn id(&mut self, params: &[(&str, Option<&str>)]) -> Result<Outcome> {
        let arg = if params.is_empty() {
            Arg::Nil
        } else {
            pair_group(params, Arg::Quoted)
        };
        self.ext("ID", vec![arg])
    }
}
