//! QRESYNC's `* VANISHED [(EARLIER)] uid-set` (RFC 7162 §3.2.10): the UIDs of expunged
//! messages, kept as ranges so that a hostile `1:4294967295` is one range and not four
//! billion numbers.

use super::codes::SeqSet;
use super::{err, excerpt, responses, ErrorKind, Invalid, ParseError};
use crate::proto::response::Item;

/// One VANISHED response.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vanished {
    /// `(EARLIER)`: the UIDs were expunged before this command (the answer to a QRESYNC
    /// SELECT or a `UID FETCH ... (CHANGEDSINCE n VANISHED)`), not just now.
    pub earlier: bool,
    /// The UIDs, as sent.
    pub uids: SeqSet,
}

fn vanished(resp: &[Item]) -> Result<Vanished, ParseError> {
    let line = match resp {
        [Item::Line(l)] => l.as_slice(),
        _ => return err(ErrorKind::Shape, "VANISHED takes no literal"),
    };
    let (earlier, set) = match line.get(..10) {
        Some(p) if p.eq_ignore_ascii_case(b"(EARLIER) ") => (true, &line[10..]),
        _ => (false, line),
    };
    if set.is_empty() {
        return err(
            ErrorKind::Shape,
            format!("VANISHED without a UID set: '{}'", excerpt(line)),
        );
    }
    Ok(Vanished {
        earlier,
        uids: SeqSet::parse(set)?,
    })
}

/// The VANISHED responses of `items` (the store's `VANISHED` entry, as
/// `response("VANISHED")` gives it), one result per response.
pub fn parse_vanished(items: &[Item]) -> Vec<Result<Vanished, Invalid>> {
    responses(items)
        .map(|r| vanished(r).map_err(|e| Invalid::new(e, r)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::parsed::SeqRange;

    fn one(line: &str) -> Result<Vanished, Invalid> {
        let items = [Item::Line(line.as_bytes().to_vec())];
        let mut v = parse_vanished(&items);
        assert_eq!(v.len(), 1);
        v.remove(0)
    }

    #[test]
    fn earlier_and_plain_sets_parse_as_ranges() {
        let v = one("(EARLIER) 41,43:116,118").unwrap();
        assert!(v.earlier);
        assert_eq!(v.uids.count(), 76);
        assert_eq!(v.uids.ranges.len(), 3);
        let v = one("(earlier) 5").unwrap();
        assert!(v.earlier);
        let v = one("7:3").unwrap();
        assert!(!v.earlier);
        assert_eq!(v.uids.ranges, [SeqRange { start: 3, end: 7 }]);
    }

    #[test]
    fn a_huge_range_stays_one_range() {
        let v = one("(EARLIER) 1:4294967295").unwrap();
        assert_eq!(v.uids.ranges.len(), 1);
        assert_eq!(v.uids.count(), 4_294_967_295);
    }

    #[test]
    fn garbage_is_invalid_with_its_bytes() {
        for bad in [
            "",
            "(EARLIER)",
            "(EARLIER) ",
            "(LATER) 1",
            "0",
            "1:0",
            "*",
            "1,,2",
            "4294967296",
            "1 2",
            "x",
        ] {
            let e = one(bad).expect_err(bad);
            assert_eq!(e.raw, bad.as_bytes(), "{bad}");
        }
        let items = [
            Item::Line(b"1:2".to_vec()),
            Item::Line(b"junk".to_vec()),
            Item::Line(b"(EARLIER) 9".to_vec()),
        ];
        let v = parse_vanished(&items);
        assert!(v[0].is_ok() && v[1].is_err() && v[2].is_ok());
    }
}

#[cfg(test)]
mod summary_tests {
    use crate::proto::parsed::SelectSummary;

    #[test]
    fn the_select_summary_keeps_vanished_uids_as_ranges() {
        let s = SelectSummary::from_lines(&[
            "* OK [UIDVALIDITY 7] x",
            "* VANISHED (EARLIER) 3:4,9",
            "* VANISHED 1:4294967295",
            "* VANISHED (EARLIER) junk",
            "A1 OK [READ-WRITE] done",
        ]);
        assert_eq!(s.vanished.to_imap(), "3:4,9,1:4294967295");
        assert_eq!(s.invalid.len(), 1);
        assert_eq!(s.invalid[0].raw, b"(EARLIER) junk");
        assert_eq!(s.uidvalidity, Some(7));
    }
}
