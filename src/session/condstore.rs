//! CONDSTORE and QRESYNC (RFC 7162): conditional STORE, FETCH of what changed since a
//! mod-sequence, SELECT with `(CONDSTORE)` or `(QRESYNC (...))`, and [`Session::resync`], the
//! resume of a sync client: what changed in a mailbox since a saved UIDVALIDITY and
//! HIGHESTMODSEQ, by the best means the server offers.
//!
//! UID sets stay ranges throughout ([`SeqSet`]): a hostile `VANISHED 1:4294967295` costs one
//! range, and the set arithmetic of the resume never expands a set into numbers.

use super::commands::ResultFrom;
use super::{Composed, Error, ErrorKind, Outcome, Result, Session, State};
use crate::proto::encode::{check_line_safe, check_sequence_set, check_store_item, flag_list, Arg};
use crate::proto::parsed::mailbox::{parse_esearch, parse_search};
use crate::proto::parsed::{
    parse_fetch, parse_vanished, ErrorKind as ParseKind, Invalid, ParseError, SelectSummary,
    SeqRange, SeqSet,
};
use crate::proto::response::Item;
use std::collections::BTreeMap;

/// The largest mod-sequence (RFC 7162: 63 bits).
///
/// cbindgen:ignore
pub const MAX_MODSEQ: u64 = i64::MAX as u64;

/// How [`Session::resync`] learnt the changes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SyncMethod {
    /// SELECT with `(QRESYNC (...))`: one round trip.
    #[default]
    Qresync,
    /// SELECT with `(CONDSTORE)`, `UID FETCH 1:* (UID FLAGS MODSEQ) (CHANGEDSINCE n)` and a
    /// `UID SEARCH` for the known UIDs still there.
    Condstore,
    /// The server has neither: the mailbox is selected and nothing else is known.
    None,
}

/// Why [`Session::resync`] cannot say what changed: the caller must sync the mailbox again
/// from scratch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FullResync {
    /// The mailbox's UIDVALIDITY is not the saved one: every saved UID is void.
    UidValidity,
    /// The mailbox keeps no mod-sequences (`[NOMODSEQ]`).
    NoModSeq,
    /// The server offers neither CONDSTORE nor QRESYNC.
    NoCondstore,
}

/// [`Session::resync`]'s answer when a command was not OK: that outcome and no changes.
fn failed_sync(outcome: Outcome) -> Composed<MailboxChanges> {
    Composed {
        outcome,
        parsed: MailboxChanges::default(),
    }
}

/// A message added or changed since the saved state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangedMessage {
    pub uid: u32,
    /// Its MODSEQ, when the server sent one.
    pub modseq: Option<u64>,
    /// Its flags as sent (empty when the server sent none).
    pub flags: Vec<Vec<u8>>,
}

/// What [`Session::resync`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MailboxChanges {
    pub method: SyncMethod,
    /// Set when the changes cannot be known: `added`, `changed` and `vanished` are then
    /// empty, and `summary` describes the mailbox as it is now.
    pub full_resync: Option<FullResync>,
    /// The SELECT/EXAMINE summary: the UIDVALIDITY and HIGHESTMODSEQ to save next.
    pub summary: SelectSummary,
    /// Messages whose UID is not among the known UIDs, by UID.
    pub added: Vec<ChangedMessage>,
    /// Known messages whose flags changed, by UID.
    pub changed: Vec<ChangedMessage>,
    /// Known UIDs that are gone, as sorted disjoint ranges.
    pub vanished: SeqSet,
    /// FETCH and VANISHED responses that could not be read.
    pub invalid: Vec<Invalid>,
}

fn check_modseq(n: u64, min: u64, what: &str) -> Result<()> {
    if n < min || n > MAX_MODSEQ {
        return Err(Error::invalid(format!(
            "{what} {n} out of range ({min}..{MAX_MODSEQ})"
        )));
    }
    Ok(())
}

/// Whether `capability` (any case) is among `enabled`, the upper-case names the server
/// confirmed with ENABLE ([`Session::enabled`]): an enabled QRESYNC counts as CONDSTORE too
/// (RFC 7162 §3.2.3).
pub fn is_enabled_in(enabled: &[String], capability: &str) -> bool {
    // Without allocating: it runs on every command (UTF-8 mode, IMAP4rev2).
    let on = |name: &str| enabled.iter().any(|e| e.eq_ignore_ascii_case(name));
    on(capability) || (capability.eq_ignore_ascii_case("CONDSTORE") && on("QRESYNC"))
}

/// A UID set given by the caller: numbers and ranges, no `*`.
pub fn parse_uid_set(set: &str, what: &str) -> Result<SeqSet> {
    if set.is_empty() {
        return Ok(SeqSet::default());
    }
    SeqSet::parse(set.as_bytes())
        .map_err(|e| Error::invalid(format!("{what} is not a UID set: {}", e.message)))
}

/// Whether `n` is in `sorted` (normalized ranges).
fn has(sorted: &[SeqRange], n: u32) -> bool {
    let i = sorted.partition_point(|r| r.end < n);
    sorted.get(i).is_some_and(|r| r.start <= n)
}

/// The messages of FETCH data by UID (the last response about a UID wins); responses without
/// a UID or unreadable ones go to `invalid`.
fn messages(items: &[Item], invalid: &mut Vec<Invalid>) -> BTreeMap<u32, ChangedMessage> {
    let mut out = BTreeMap::new();
    for m in parse_fetch(items) {
        if let Some(bad) = m.invalid {
            invalid.push(*bad);
            continue;
        }
        let Some(uid) = m.uid else {
            invalid.push(Invalid {
                error: ParseError::new(ParseKind::Shape, "FETCH without UID"),
                raw: format!("{} (...)", m.seq).into_bytes(),
            });
            continue;
        };
        let flags = m
            .flags
            .unwrap_or_default()
            .into_iter()
            .map(|f| f.into_owned())
            .collect();
        out.insert(
            uid,
            ChangedMessage {
                uid,
                modseq: m.modseq,
                flags,
            },
        );
    }
    out
}

impl Session {
    /// Records the capabilities of `asked` (ENABLE's argument) named by the ENABLED responses
    /// stored after the first `seen`. Names not asked for are ignored (RFC 5161: the server
    /// lists only what was asked), so a hostile list costs one pass and adds nothing.
    pub(super) fn record_enabled(&mut self, seen: usize, asked: &str) {
        let Some(items) = self.store.get("ENABLED") else {
            return;
        };
        let mut wanted: Vec<(String, bool)> = asked
            .split_ascii_whitespace()
            .map(|n| (n.to_ascii_uppercase(), false))
            .collect();
        for item in items.iter().skip(seen) {
            if let Item::Line(l) = item {
                for t in l.split(|&c| c == b' ') {
                    for (name, confirmed) in wanted.iter_mut() {
                        *confirmed |= t.eq_ignore_ascii_case(name.as_bytes());
                    }
                }
            }
        }
        for (n, confirmed) in wanted {
            if confirmed && !self.enabled.contains(&n) {
                self.enabled.push(n);
            }
        }
    }

    /// Whether the server confirmed `ENABLE capability` on this connection (an untagged
    /// ENABLED naming it). QRESYNC implies CONDSTORE (RFC 7162 §3.2.3).
    pub fn is_enabled(&self, capability: &str) -> bool {
        is_enabled_in(&self.enabled, capability)
    }

    /// The capabilities the server confirmed with ENABLE on this connection, upper case.
    pub fn enabled(&self) -> &[String] {
        &self.enabled
    }

    fn require(&self, capability: &str) -> Result<()> {
        if self.has_capability(capability) {
            Ok(())
        } else {
            Err(Error::new(
                ErrorKind::Unsupported,
                format!("Server does not support {capability}"),
            ))
        }
    }

    /// SELECT (EXAMINE when `readonly`) with `(CONDSTORE)`: the summary then has
    /// HIGHESTMODSEQ (or NOMODSEQ), and FETCH responses carry MODSEQ. Refused with
    /// [`ErrorKind::Unsupported`] when the server does not offer CONDSTORE.
    pub fn select_condstore(&mut self, mailbox: &str, readonly: bool) -> Result<Outcome> {
        self.require("CONDSTORE")?;
        self.select_with(mailbox, readonly, vec![Arg::Raw(b"(CONDSTORE)".to_vec())])
    }

    /// SELECT (EXAMINE when `readonly`) with `(QRESYNC (uidvalidity modseq [known_uids]))`:
    /// when the UIDVALIDITY matches, the server reports the messages changed since `modseq`
    /// as FETCH responses and the expunged ones as `VANISHED (EARLIER)` (both kept for
    /// `response("FETCH")` / `response("VANISHED")`). `known_uids` empty: not sent. Needs
    /// `ENABLE QRESYNC` first ([`ErrorKind::IllegalState`] otherwise); `modseq` is
    /// 1..2^63-1.
    pub fn select_qresync(
        &mut self,
        mailbox: &str,
        readonly: bool,
        uidvalidity: u32,
        modseq: u64,
        known_uids: &SeqSet,
    ) -> Result<Outcome> {
        self.require("QRESYNC")?;
        if uidvalidity == 0 {
            return Err(Error::invalid("uidvalidity 0 out of range (1..4294967295)"));
        }
        check_modseq(modseq, 1, "modseq")?;
        if !self.is_enabled("QRESYNC") {
            return Err(Error::new(
                ErrorKind::IllegalState,
                "QRESYNC is not enabled on this connection (ENABLE QRESYNC first)",
            ));
        }
        let known = known_uids.normalized();
        let mut inner = format!("{uidvalidity} {modseq}");
        if !known.ranges.is_empty() {
            inner.push(' ');
            inner.push_str(&known.to_imap());
        }
        let param = format!("(QRESYNC ({inner}))");
        self.select_with(mailbox, readonly, vec![Arg::Raw(param.into_bytes())])
    }

    /// STORE `set (UNCHANGEDSINCE n) command (flags)` (`UID STORE` when `uid`): the flags
    /// change only on messages whose mod-sequence is at most `unchangedsince` (0..2^63-1);
    /// the others are named by the tagged `[MODIFIED set]` code. `command` and `flags` as
    /// [`Session::store_flag_list`]. Data: FETCH lines.
    pub fn store_unchangedsince(
        &mut self,
        uid: bool,
        set: &str,
        unchangedsince: u64,
        command: &str,
        flags: &[&str],
    ) -> Result<Outcome> {
        check_sequence_set(set)?;
        check_store_item(command)?;
        check_modseq(unchangedsince, 0, "unchangedsince")?;
        self.require("CONDSTORE")?;
        let args = vec![
            Arg::Raw(set.as_bytes().to_vec()),
            Arg::Raw(format!("(UNCHANGEDSINCE {unchangedsince})").into_bytes()),
            Arg::Raw(command.as_bytes().to_vec()),
            flag_list(flags)?,
        ];
        self.typed(uid, "STORE", args, ResultFrom::Untagged("FETCH"))
    }

    /// FETCH `set (items) (CHANGEDSINCE n [VANISHED])` (`UID FETCH` when `uid`): only the
    /// messages whose mod-sequence is above `changedsince` (0..2^63-1). `vanished` (UID FETCH
    /// with QRESYNC enabled only) also asks for the UIDs of `set` expunged since, as
    /// `VANISHED (EARLIER)` (kept for `response("VANISHED")`). `items` as
    /// [`Session::fetch`]'s. Data: FETCH lines.
    pub fn fetch_changedsince(
        &mut self,
        uid: bool,
        set: &str,
        items: &str,
        changedsince: u64,
        vanished: bool,
    ) -> Result<Outcome> {
        check_sequence_set(set)?;
        check_modseq(changedsince, 0, "changedsince")?;
        self.require("CONDSTORE")?;
        if vanished && !uid {
            return Err(Error::invalid("VANISHED is only allowed with UID FETCH"));
        }
        if vanished && !self.is_enabled("QRESYNC") {
            return Err(Error::new(
                ErrorKind::IllegalState,
                "VANISHED needs QRESYNC enabled on this connection (ENABLE QRESYNC first)",
            ));
        }
        let modifier = if vanished {
            format!("(CHANGEDSINCE {changedsince} VANISHED)")
        } else {
            format!("(CHANGEDSINCE {changedsince})")
        };
        let args = vec![
            Arg::Raw(set.as_bytes().to_vec()),
            Arg::FetchParts(items.as_bytes().to_vec()),
            Arg::Raw(modifier.into_bytes()),
        ];
        self.typed(uid, "FETCH", args, ResultFrom::Untagged("FETCH"))
    }

    /// Resumes a sync of `mailbox` (SELECT, or EXAMINE when `readonly`) from a saved
    /// `uidvalidity`, `highest_modseq` (1..2^63-1) and the UIDs the caller knows, and says
    /// what changed: messages added (UIDs not known), known messages whose flags changed,
    /// known UIDs that vanished, and the UIDVALIDITY and HIGHESTMODSEQ to save next.
    ///
    /// With QRESYNC (enabled here when it is not yet; from SELECTED state through UNSELECT
    /// first, which expunges nothing) it is a SELECT with the known UIDs, then (as the server
    /// reports changes of those only) `UID FETCH <the other UIDs> (UID FLAGS MODSEQ)
    /// (CHANGEDSINCE n)` for the messages added. Else with CONDSTORE: SELECT
    /// (CONDSTORE), `UID FETCH 1:* (UID FLAGS MODSEQ) (CHANGEDSINCE n)`, and a `UID SEARCH`
    /// of the known UIDs (`RETURN (ALL)` with ESEARCH) for those still there (an answer that
    /// cannot be read is listed in `invalid` and then no UID is reported vanished). Without either,
    /// or when the UIDVALIDITY changed or the mailbox has `[NOMODSEQ]`, the answer is
    /// [`MailboxChanges::full_resync`]. The outcome is the SELECT's (or the first command
    /// that was not OK); the changes are empty unless it is OK.
    ///
    /// A `uidvalidity` of 0 means nothing is saved yet (a first sync): the mailbox is selected
    /// as for a resume (QRESYNC enabled when offered, else CONDSTORE) and every message is
    /// listed in `added` (`UID FETCH 1:* (UID FLAGS MODSEQ)`), with the state to save for the
    /// next resume in the summary; `highest_modseq` and `known_uids` are then ignored.
    pub fn resync(
        &mut self,
        mailbox: &str,
        readonly: bool,
        uidvalidity: u32,
        highest_modseq: u64,
        known_uids: &SeqSet,
    ) -> Result<Composed<MailboxChanges>> {
        if uidvalidity != 0 {
            check_modseq(highest_modseq, 1, "highest_modseq")?;
        }
        // Refused before the ENABLE or UNSELECT that may come first.
        check_line_safe(mailbox.as_bytes())?;
        self.check_open()?;
        if uidvalidity == 0 {
            return self.first_sync(mailbox, readonly);
        }
        let known = known_uids.normalized();
        let mut changes = MailboxChanges {
            method: self.sync_method()?,
            ..MailboxChanges::default()
        };
        let qresync = changes.method == SyncMethod::Qresync;
        let outcome = match changes.method {
            SyncMethod::Qresync => {
                self.select_qresync(mailbox, readonly, uidvalidity, highest_modseq, &known)?
            }
            SyncMethod::Condstore => self.select_condstore(mailbox, readonly)?,
            SyncMethod::None => self.select(mailbox, readonly)?,
        };
        if !outcome.is_ok() {
            return Ok(failed_sync(outcome));
        }
        // VANISHED is taken first: the changes' own list is the one to read.
        let fetched = self.store.pop("FETCH").unwrap_or_default();
        let vanished = self.store.pop("VANISHED").unwrap_or_default();
        changes.summary = SelectSummary::from_store(&self.store);
        changes.full_resync = if changes.method == SyncMethod::None {
            Some(FullResync::NoCondstore)
        } else if changes.summary.uidvalidity != Some(uidvalidity) {
            Some(FullResync::UidValidity)
        } else if changes.summary.no_modseq || changes.summary.highest_modseq.is_none() {
            Some(FullResync::NoModSeq)
        } else {
            None
        };
        if changes.full_resync.is_some() {
            return Ok(Composed {
                outcome,
                parsed: changes,
            });
        }
        let (found, gone) = if qresync {
            let mut gone = SeqSet::default();
            for v in parse_vanished(&vanished) {
                match v {
                    Ok(v) => gone.ranges.extend(v.uids.ranges),
                    Err(e) => changes.invalid.push(e),
                }
            }
            // With known UIDs the server reports changes of those only (RFC 7162 §3.2.5):
            // the other UIDs (the messages added since) take a FETCH of their own.
            let mut fetched = fetched;
            let others = SeqSet {
                ranges: vec![SeqRange {
                    start: 1,
                    end: u32::MAX,
                }],
            }
            .difference(&known);
            if !known.ranges.is_empty()
                && !others.ranges.is_empty()
                && changes.summary.exists != Some(0)
            {
                let more = self.fetch_changedsince(
                    true,
                    &others.to_imap(),
                    "(UID FLAGS MODSEQ)",
                    highest_modseq,
                    false,
                )?;
                if !more.is_ok() {
                    return Ok(failed_sync(more));
                }
                fetched.extend(more.data);
            }
            (messages(&fetched, &mut changes.invalid), gone)
        } else {
            match self.condstore_changes(
                &changes.summary,
                highest_modseq,
                &known,
                &mut changes.invalid,
            )? {
                Ok((items, present)) => {
                    let found = messages(&items, &mut changes.invalid);
                    (found, known.difference(&present))
                }
                Err(failed) => return Ok(failed_sync(failed)),
            }
        };
        // Only known UIDs can vanish for the caller (a server may name others, RFC 7162
        // §3.2.5.2); with QRESYNC the known set was sent, so this only trims.
        changes.vanished = gone.intersection(&known);
        for (uid, m) in found {
            if has(&known.ranges, uid) {
                changes.changed.push(m);
            } else {
                changes.added.push(m);
            }
        }
        Ok(Composed {
            outcome,
            parsed: changes,
        })
    }

    /// [`Session::resync`] with nothing saved: select, then list every message as added.
    fn first_sync(&mut self, mailbox: &str, readonly: bool) -> Result<Composed<MailboxChanges>> {
        let mut changes = MailboxChanges {
            method: self.sync_method()?,
            ..MailboxChanges::default()
        };
        let outcome = match changes.method {
            SyncMethod::None => self.select(mailbox, readonly)?,
            // Nothing saved to send with QRESYNC: the SELECT only asks for mod-sequences.
            SyncMethod::Qresync | SyncMethod::Condstore => {
                self.select_condstore(mailbox, readonly)?
            }
        };
        if !outcome.is_ok() {
            return Ok(failed_sync(outcome));
        }
        self.store.pop("FETCH");
        self.store.pop("VANISHED");
        changes.summary = SelectSummary::from_store(&self.store);
        if changes.summary.exists != Some(0) {
            let modseq = changes.method != SyncMethod::None
                && !changes.summary.no_modseq
                && changes.summary.highest_modseq.is_some();
            let items: &[u8] = if modseq {
                b"(UID FLAGS MODSEQ)"
            } else {
                b"(UID FLAGS)"
            };
            let args = vec![Arg::Raw(b"1:*".to_vec()), Arg::FetchParts(items.to_vec())];
            let all = self.typed(true, "FETCH", args, ResultFrom::Untagged("FETCH"))?;
            if !all.is_ok() {
                return Ok(failed_sync(all));
            }
            changes.added = messages(&all.data, &mut changes.invalid)
                .into_values()
                .collect();
        }
        Ok(Composed {
            outcome,
            parsed: changes,
        })
    }

    /// How [`Session::resync`] syncs on this connection: QRESYNC when offered and enabled
    /// (see [`Session::qresync_ready`]), else CONDSTORE when offered, else neither.
    fn sync_method(&mut self) -> Result<SyncMethod> {
        Ok(if self.has_capability("QRESYNC") && self.qresync_ready()? {
            SyncMethod::Qresync
        } else if self.has_capability("CONDSTORE") {
            SyncMethod::Condstore
        } else {
            SyncMethod::None
        })
    }

    /// Whether QRESYNC is (or could here be) enabled for [`Session::resync`]: enables it
    /// when it is not, leaving SELECTED state with UNSELECT first (ENABLE is only allowed
    /// in AUTH state). `false` when that cannot be done (no ENABLE, no UNSELECT, the server
    /// refused).
    fn qresync_ready(&mut self) -> Result<bool> {
        if self.is_enabled("QRESYNC") {
            return Ok(true);
        }
        if !self.has_capability("ENABLE") {
            return Ok(false);
        }
        if self.state == State::Selected {
            if !self.has_capability("UNSELECT") {
                return Ok(false);
            }
            self.unselect()?;
        }
        if self.state != State::Auth {
            return Ok(false);
        }
        match self.enable("QRESYNC") {
            // Refused (NO, or BAD on a connection still open): CONDSTORE then.
            Ok(_) => Ok(self.is_enabled("QRESYNC")),
            Err(e) if e.kind == ErrorKind::Bad && self.is_open() => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// The CONDSTORE fallback's two commands: the FETCH data of what changed since `modseq`
    /// and the known UIDs still present; `Err(outcome)` for a command that was not OK.
    #[allow(clippy::type_complexity)]
    fn condstore_changes(
        &mut self,
        summary: &SelectSummary,
        modseq: u64,
        known: &SeqSet,
        invalid: &mut Vec<Invalid>,
    ) -> Result<std::result::Result<(Vec<Item>, SeqSet), Outcome>> {
        if summary.exists == Some(0) {
            // `1:*` names nothing in an empty mailbox; some servers answer it with BAD.
            return Ok(Ok((Vec::new(), SeqSet::default())));
        }
        let fetched = self.fetch_changedsince(true, "1:*", "(UID FLAGS MODSEQ)", modseq, false)?;
        if !fetched.is_ok() {
            return Ok(Err(fetched));
        }
        if known.ranges.is_empty() {
            return Ok(Ok((fetched.data, SeqSet::default())));
        }
        let set = known.to_imap();
        let present = if self.has_capability("ESEARCH") {
            let out = self.typed(
                true,
                "SEARCH",
                vec![
                    Arg::Raw(b"RETURN (ALL) UID".to_vec()),
                    Arg::Raw(set.into_bytes()),
                ],
                ResultFrom::Untagged("ESEARCH"),
            )?;
            if !out.is_ok() {
                return Ok(Err(out));
            }
            let mut present = SeqSet::default();
            for e in parse_esearch(&out.data) {
                match e {
                    Ok(e) => present
                        .ranges
                        .extend(e.all.map(|a| a.ranges).unwrap_or_default()),
                    Err(e) => {
                        // Which known UIDs remain is unknown: none is reported vanished.
                        invalid.push(e);
                        return Ok(Ok((fetched.data, known.clone())));
                    }
                }
            }
            present
        } else {
            let out = self.typed(
                true,
                "SEARCH",
                vec![Arg::Raw(b"UID".to_vec()), Arg::Raw(set.into_bytes())],
                ResultFrom::Untagged("SEARCH"),
            )?;
            if !out.is_ok() {
                return Ok(Err(out));
            }
            let ids = match parse_search(&out.data) {
                Ok(r) => r.ids,
                Err(e) => {
                    invalid.push(e);
                    return Ok(Ok((fetched.data, known.clone())));
                }
            };
            SeqSet {
                ranges: ids
                    .into_iter()
                    .map(|n| SeqRange { start: n, end: n })
                    .collect(),
            }
        };
        Ok(Ok((fetched.data, present)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn membership_in_sorted_ranges() {
        let s = SeqSet::parse(b"1:3,7,10:4294967295").unwrap().normalized();
        for (n, want) in [
            (1, true),
            (3, true),
            (4, false),
            (7, true),
            (8, false),
            (9, false),
        ] {
            assert_eq!(has(&s.ranges, n), want, "{n}");
        }
        assert!(has(&s.ranges, u32::MAX));
        assert!(!has(&[], 1));
    }

    #[test]
    fn fetch_data_by_uid_with_the_last_response_winning() {
        let items: Vec<Item> = [
            "2 (UID 7 FLAGS (\\Seen) MODSEQ (5))",
            "1 (FLAGS (\\Seen))",
            "2 (UID 7 FLAGS (\\Seen $X) MODSEQ (6))",
            "3 (UID 4 MODSEQ (9))",
        ]
        .iter()
        .map(|l| Item::Line(l.as_bytes().to_vec()))
        .collect();
        let mut invalid = Vec::new();
        let m = messages(&items, &mut invalid);
        assert_eq!(invalid.len(), 1);
        let v: Vec<_> = m.values().collect();
        assert_eq!(v[0].uid, 4);
        assert!(v[0].flags.is_empty());
        assert_eq!((v[1].uid, v[1].modseq), (7, Some(6)));
        assert_eq!(v[1].flags, [b"\\Seen".to_vec(), b"$X".to_vec()]);
    }
}
