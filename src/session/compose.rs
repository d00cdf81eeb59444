//! Compositions: calls made of one or more commands whose IMAP knowledge used to live in the
//! bindings (which responses form the answer, how several are merged, which defaults the
//! grammar needs). Each gives the command's [`Outcome`] (for its status and text) and the
//! answer parsed ([`Composed`]); the C ABI mirrors the parsed part.

use super::commands::ResultFrom;
use super::{Error, Outcome, Result, Session};
use crate::proto::encode::{Arg, Command};
use crate::proto::parsed::mailbox::{
    parse_esearch, parse_metadata, parse_quota, parse_quotaroot, parse_search, Esearch,
    MailboxName, Metadata, Quota,
};
use crate::proto::parsed::{Invalid, SeqRange, SeqSet};

/// What a composition gives: the command's outcome (status, tagged text; its data is what
/// `parsed` was read from) and the parsed answer (empty unless the command succeeded).
#[derive(Debug, Clone)]
pub struct Composed<T> {
    pub outcome: Outcome,
    pub parsed: T,
}

/// GETQUOTAROOT's answer merged: the mailbox, every quota root of its QUOTAROOT responses,
/// and the QUOTA responses that came with them.
#[derive(Debug, Clone, Default)]
pub struct MailboxQuota {
    /// As the first QUOTAROOT response names it (the name sent when there was none).
    pub mailbox: MailboxName,
    pub roots: Vec<Vec<u8>>,
    pub quotas: Vec<Quota>,
    /// QUOTAROOT and QUOTA responses that could not be parsed.
    pub invalid: Vec<Invalid>,
}

/// Per-response parse results.
pub type Parsed<T> = Vec<std::result::Result<T, Invalid>>;

fn raw(args: &[&str]) -> Vec<Arg> {
    args.iter()
        .map(|a| Arg::Raw(a.as_bytes().to_vec()))
        .collect()
}

/// SEARCH numbers as one ESEARCH response: COUNT, and MIN, MAX and ALL (as ranges, ascending)
/// when something matched; no TAG.
fn esearch_from_ids(mut ids: Vec<u32>, modseq: Option<u64>) -> Esearch {
    ids.sort_unstable();
    ids.dedup();
    let mut ranges: Vec<SeqRange> = Vec::new();
    for &id in &ids {
        match ranges.last_mut() {
            Some(r) if r.end.checked_add(1) == Some(id) => r.end = id,
            _ => ranges.push(SeqRange { start: id, end: id }),
        }
    }
    Esearch {
        min: ids.first().copied(),
        max: ids.last().copied(),
        count: Some(u32::try_from(ids.len()).unwrap_or(u32::MAX)),
        all: (!ids.is_empty()).then_some(SeqSet { ranges }),
        modseq,
        ..Esearch::default()
    }
}

/// Merges METADATA responses of the same mailbox (by its name as sent) into the first,
/// entries in the order received; unparsable ones stay where they were.
pub fn merge_metadata(parsed: Parsed<Metadata>) -> Parsed<Metadata> {
    let mut out: Parsed<Metadata> = Vec::new();
    for r in parsed {
        match r {
            Ok(m) => match out
                .iter_mut()
                .find_map(|o| o.as_mut().ok().filter(|o| o.mailbox.raw == m.mailbox.raw))
            {
                Some(first) => first.entries.extend(m.entries),
                None => out.push(Ok(m)),
            },
            Err(e) => out.push(Err(e)),
        }
    }
    out
}

impl Session {
    /// SEARCH answered as ESEARCH whatever the server offers: with ESEARCH (RFC 4731),
    /// `SEARCH RETURN (MIN MAX COUNT ALL) [CHARSET c] criteria` and its ESEARCH responses;
    /// without, `SEARCH [CHARSET c] criteria` and its numbers as one ESEARCH response (COUNT,
    /// MIN, MAX, ALL; no TAG). Criteria go verbatim, as [`Session::search`]'s.
    pub fn esearch_auto(
        &mut self,
        charset: Option<&str>,
        criteria: &[&str],
    ) -> Result<Composed<Parsed<Esearch>>> {
        // IMAP4rev2 has ESEARCH built in (RFC 9051 §6.4.4).
        if !self.has_capability("ESEARCH") && !self.imap4rev2() {
            let outcome = self.search(charset, criteria)?;
            let parsed = if outcome.is_ok() {
                match parse_search(&outcome.data) {
                    Ok(r) => vec![Ok(esearch_from_ids(r.ids, r.modseq))],
                    Err(e) => vec![Err(e)],
                }
            } else {
                Vec::new()
            };
            return Ok(Composed { outcome, parsed });
        }
        let mut args = raw(&["RETURN", "(MIN MAX COUNT ALL)"]);
        if let Some(cs) = charset {
            if self.utf8_enabled() {
                return Err(Error::invalid("Non-None charset not valid in UTF8 mode"));
            }
            args.push(Arg::Raw(b"CHARSET".to_vec()));
            args.push(Arg::Astring(cs.as_bytes().to_vec()));
        }
        args.extend(raw(criteria));
        let outcome = self.run(
            Command::new("SEARCH", args),
            "SEARCH",
            ResultFrom::Untagged("ESEARCH"),
        )?;
        let parsed = if outcome.is_ok() {
            parse_esearch(&outcome.data)
        } else {
            Vec::new()
        };
        Ok(Composed { outcome, parsed })
    }

    /// GETQUOTAROOT `mailbox` with its QUOTA responses merged into one [`MailboxQuota`].
    pub fn quota_for(&mut self, mailbox: &str) -> Result<Composed<MailboxQuota>> {
        let q = self.getquotaroot(mailbox)?;
        let mut merged = MailboxQuota {
            mailbox: MailboxName::new(mailbox.as_bytes().to_vec()),
            ..MailboxQuota::default()
        };
        if q.quotaroot.is_ok() {
            let mut first = true;
            for r in parse_quotaroot(&q.quotaroot.data) {
                match r {
                    Ok(root) => {
                        if std::mem::take(&mut first) {
                            merged.mailbox = root.mailbox;
                        }
                        merged.roots.extend(root.roots);
                    }
                    Err(e) => merged.invalid.push(e),
                }
            }
            for r in parse_quota(&q.quota.data) {
                match r {
                    Ok(quota) => merged.quotas.push(quota),
                    Err(e) => merged.invalid.push(e),
                }
            }
        }
        Ok(Composed {
            outcome: q.quotaroot,
            parsed: merged,
        })
    }

    /// GETMETADATA with the METADATA responses of one mailbox merged into one (a server may
    /// answer entry by entry): arguments as [`Session::getmetadata`].
    pub fn getmetadata_merged(
        &mut self,
        mailbox: &str,
        entries: &[&str],
        options: Option<&str>,
    ) -> Result<Composed<Parsed<Metadata>>> {
        let outcome = self.getmetadata(mailbox, entries, options)?;
        let parsed = if outcome.is_ok() {
            merge_metadata(parse_metadata(&outcome.data))
        } else {
            Vec::new()
        };
        Ok(Composed { outcome, parsed })
    }

    /// UID SORT with the charset the grammar requires defaulting to UTF-8 (`None`): sort
    /// criteria wrapped in parentheses unless they are, search criteria verbatim. Data: the
    /// untagged SORT lines.
    pub fn uid_sort_default(
        &mut self,
        sort_criteria: &str,
        charset: Option<&str>,
        search_criteria: &[&str],
    ) -> Result<Outcome> {
        let keys = if sort_criteria.trim_start().starts_with('(') {
            sort_criteria.to_string()
        } else {
            format!("({sort_criteria})")
        };
        let mut args = vec![keys.as_str(), charset.unwrap_or("UTF-8")];
        args.extend_from_slice(search_criteria);
        self.uid("SORT", &args)
    }

    /// UID THREAD with the charset defaulting to UTF-8 (`None`). Data: the untagged THREAD
    /// lines.
    pub fn uid_thread_default(
        &mut self,
        algorithm: &str,
        charset: Option<&str>,
        search_criteria: &[&str],
    ) -> Result<Outcome> {
        let mut args = vec![algorithm, charset.unwrap_or("UTF-8")];
        args.extend_from_slice(search_criteria);
        self.uid("THREAD", &args)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::parsed::mailbox::MetadataEntry;

    #[test]
    fn search_numbers_become_one_esearch_response() {
        let e = esearch_from_ids(vec![5, 1, 2, 3, 9, 3], None);
        assert_eq!((e.min, e.max, e.count), (Some(1), Some(9), Some(5)));
        let r: Vec<(u32, u32)> = e
            .all
            .unwrap()
            .ranges
            .iter()
            .map(|r| (r.start, r.end))
            .collect();
        assert_eq!(r, [(1, 3), (5, 5), (9, 9)]);
        let none = esearch_from_ids(Vec::new(), None);
        assert_eq!((none.min, none.count, none.all), (None, Some(0), None));
        let top = esearch_from_ids(vec![u32::MAX, u32::MAX - 1], None);
        assert_eq!(top.all.unwrap().ranges.len(), 1);
    }

    #[test]
    fn metadata_of_one_mailbox_is_merged_in_order() {
        let m = |mb: &str, name: &str| {
            Ok(Metadata {
                mailbox: MailboxName::new(mb.as_bytes().to_vec()),
                entries: vec![MetadataEntry {
                    name: name.as_bytes().to_vec(),
                    value: None,
                }],
            })
        };
        let merged = merge_metadata(vec![m("A", "/a"), m("B", "/b"), m("A", "/c")]);
        assert_eq!(merged.len(), 2);
        let a = merged[0].as_ref().unwrap();
        let names: Vec<&[u8]> = a.entries.iter().map(|e| e.name.as_slice()).collect();
        assert_eq!(names, [b"/a".as_slice(), b"/c"]);
    }
}
