//! Commands with typed arguments: search, sort and thread criteria given as [`Value`]s (so a
//! string value is quoted or sent as a literal, never as an 8-bit atom), and flags given as a
//! list, each checked against the flag grammar. Everything is checked before anything is sent.

use super::{Error, Outcome, Result, ResultFrom, Session};
use crate::proto::encode::{check_sequence_set, check_store_item, flag_list, Arg, Command, Value};

/// APPEND's optional flag list: none for no flags, else the flags as a list, each checked
/// against the flag grammar ([`Session::append_flag_list`], and the flags argument of
/// [`Session::append_source`] and [`Session::append_fd`]).
pub fn append_flags(flags: &[&str]) -> Result<Option<Arg>> {
    if flags.is_empty() {
        return Ok(None);
    }
    Ok(Some(flag_list(flags)?))
}

fn values(criteria: &[Value]) -> Result<Vec<Arg>> {
    Ok(criteria
        .iter()
        .map(Value::to_arg)
        .collect::<std::result::Result<Vec<_>, _>>()?)
}

impl Session {
    /// Runs `name` with `args`, as `UID name` when `uid`.
    pub(super) fn typed(
        &mut self,
        uid: bool,
        name: &str,
        args: Vec<Arg>,
        from: ResultFrom,
    ) -> Result<Outcome> {
        if !uid {
            return self.run(Command::new(name, args), name, from);
        }
        self.check_open()?;
        self.check_state(name)?;
        let mut wire = vec![Arg::Atom(name.as_bytes().to_vec())];
        wire.extend(args);
        self.run(Command::new("UID", wire), "UID", from)
    }

    /// SEARCH `[CHARSET charset]` with typed criteria (`UID SEARCH` when `uid`). Data: SEARCH
    /// lines. A charset is refused in UTF-8 mode (RFC 6855), as in [`Session::search`].
    pub fn search_args(
        &mut self,
        uid: bool,
        charset: Option<&str>,
        criteria: &[Value],
    ) -> Result<Outcome> {
        let mut args = Vec::new();
        if let Some(cs) = charset {
            if self.utf8_enabled() {
                return Err(Error::invalid("Non-None charset not valid in UTF8 mode"));
            }
            args.push(Arg::Atom(b"CHARSET".to_vec()));
            args.push(Value::atom(cs).to_arg()?);
        }
        args.extend(values(criteria)?);
        self.typed(uid, "SEARCH", args, ResultFrom::Untagged("SEARCH"))
    }

    /// SORT `(sort_criteria)` `charset` with typed search criteria (RFC 5256; `UID SORT` when
    /// `uid`). `sort_criteria` are atoms (`REVERSE`, `DATE`...). Data: SORT lines.
    pub fn sort_args(
        &mut self,
        uid: bool,
        sort_criteria: &[&str],
        charset: &str,
        criteria: &[Value],
    ) -> Result<Outcome> {
        let keys: Vec<Value> = sort_criteria.iter().map(|k| Value::atom(*k)).collect();
        let mut args = vec![Value::List(keys).to_arg()?, Value::atom(charset).to_arg()?];
        args.extend(values(criteria)?);
        self.typed(uid, "SORT", args, ResultFrom::Untagged("SORT"))
    }

    /// THREAD `algorithm` `charset` with typed search criteria (RFC 5256; `UID THREAD` when
    /// `uid`). Data: THREAD lines.
    pub fn thread_args(
        &mut self,
        uid: bool,
        algorithm: &str,
        charset: &str,
        criteria: &[Value],
    ) -> Result<Outcome> {
        let mut args = vec![
            Value::atom(algorithm).to_arg()?,
            Value::atom(charset).to_arg()?,
        ];
        args.extend(values(criteria)?);
        self.typed(uid, "THREAD", args, ResultFrom::Untagged("THREAD"))
    }

    /// STORE `set` `command` `(flags)` with the flags as a list (`UID STORE` when `uid`):
    /// `command` is FLAGS, +FLAGS or -FLAGS (optionally .SILENT), each flag a flag atom
    /// (`\Seen`, `$Label`). Data: FETCH lines.
    pub fn store_flag_list(
        &mut self,
        uid: bool,
        set: &str,
        command: &str,
        flags: &[&str],
    ) -> Result<Outcome> {
        check_sequence_set(set)?;
        check_store_item(command)?;
        let args = vec![
            Arg::Raw(set.as_bytes().to_vec()),
            Arg::Raw(command.as_bytes().to_vec()),
            flag_list(flags)?,
        ];
        self.typed(uid, "STORE", args, ResultFrom::Untagged("FETCH"))
    }

    /// APPEND with the flags as a list, each a flag atom (an empty list sends none); otherwise
    /// as [`Session::append`].
    pub fn append_flag_list(
        &mut self,
        mailbox: Option<&str>,
        flags: &[&str],
        date_time: Option<&str>,
        message: &[u8],
    ) -> Result<Outcome> {
        self.append_with(mailbox, append_flags(flags)?, date_time, message)
    }
}
