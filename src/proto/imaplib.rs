//! imaplib's module utilities: `Int2AP`, `ParseFlags`, `Internaldate2tuple` and
//! `Time2Internaldate` (reference §3). Pure functions, no I/O, no process time zone.
//!
//! Deviation from imaplib, on purpose: imaplib converts through the *process's local time
//! zone* (`time.localtime`, `time.timezone`), which is global, racy and rarely what an
//! IMAP client means. Here every date carries its own UTC offset: [`internaldate2tuple`]
//! returns the instant plus the offset written in the date, and [`time2internaldate`] takes
//! the offset to render with. Malformed input is an [`UtilError`], never a panic.

use std::fmt;

/// Why a utility rejected its input (imaplib raises `KeyError`, `ValueError` or
/// `IndexError` for these).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UtilError(pub String);

impl fmt::Display for UtilError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UtilError {}

fn err<T>(msg: impl Into<String>) -> Result<T, UtilError> {
    Err(UtilError(msg.into()))
}

/// imaplib's `Int2AP`: the base-16 digits of `|num|`, most significant first, written with
/// `A`..`P`. `0` gives the empty string (as imaplib).
pub fn int2ap(num: i64) -> Vec<u8> {
    crate::proto::util::int2ap(num.unsigned_abs())
}

/// Python's `bytes.split()` whitespace (note: includes vertical tab, unlike
/// `u8::is_ascii_whitespace`).
fn is_py_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// Positions where `needle` starts in `hay` such that no LF precedes it: the places
/// imaplib's `re.match(r'.*NEEDLE', ...)` can reach (`.` does not match `\n`), last first
/// (the greedy `.*` tries the longest prefix first).
fn greedy_candidates<'a>(hay: &'a [u8], needle: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
    let reach = hay.iter().position(|&b| b == b'\n').unwrap_or(hay.len());
    (0..=reach.min(hay.len().saturating_sub(needle.len())))
        .rev()
        .filter(move |&p| hay[p..].starts_with(needle))
}

/// imaplib's `ParseFlags`: the flags of the last `FLAGS (...)` in `resp` (also matches
/// `PERMANENTFLAGS (`), split on whitespace; empty if there is none.
pub fn parse_flags(resp: &[u8]) -> Vec<Vec<u8>> {
    const NEEDLE: &[u8] = b"FLAGS (";
    for p in greedy_candidates(resp, NEEDLE) {
        let rest = &resp[p + NEEDLE.len()..];
        if let Some(end) = rest.iter().position(|&b| b == b')') {
            return rest[..end]
                .split(|&b| is_py_space(b))
                .filter(|f| !f.is_empty())
                .map(<[u8]>::to_vec)
                .collect();
        }
    }
    Vec::new()
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A broken-down date and time at a UTC offset: the wall-clock fields as written in an IMAP
/// date (`month` 1..12, `day` 1..31, `hour` 0..23, `minute` and `second` 0..59), and
/// `offset_seconds` east of UTC (`+0200` is 7200). The same layout in C (`imap_tm`).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tm {
    pub year: i32,
    pub month: i32,
    pub day: i32,
    pub hour: i32,
    pub minute: i32,
    pub second: i32,
    pub offset_seconds: i32,
}

/// An INTERNALDATE found by [`internaldate2tuple`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InternalDate {
    /// The instant, in seconds since 1970-01-01 00:00:00 UTC.
    pub utc_seconds: i64,
    /// The zone of the date as written, in seconds east of UTC.
    pub offset_seconds: i32,
    /// The same instant as wall-clock time at that offset (normalised: a day `00` written by
    /// the server becomes the last day of the previous month, as imaplib's arithmetic does).
    pub tm: Tm,
}

/// Days from 1970-01-01 to the given proleptic Gregorian date (month 1..12; `day` may be
/// out of range: it is plain arithmetic, like Python's `calendar.timegm`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count from 1970-01-01: (year, month 1..12, day 1..31).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The wall-clock fields of `utc_seconds` at `offset` seconds east of UTC.
fn broken_down(utc_seconds: i64, offset: i32) -> Result<Tm, UtilError> {
    let local = utc_seconds
        .checked_add(i64::from(offset))
        .ok_or_else(|| UtilError("date out of range".into()))?;
    let (days, secs) = (local.div_euclid(86_400), local.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    Ok(Tm {
        year: i32::try_from(y).map_err(|_| UtilError("year out of range".into()))?,
        month: m as i32,
        day: d as i32,
        hour: (secs / 3600) as i32,
        minute: (secs / 60 % 60) as i32,
        second: (secs % 60) as i32,
        offset_seconds: offset,
    })
}

fn digits(b: &[u8]) -> Option<i64> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0, |n, &d| n * 10 + i64::from(d - b'0')))
}

/// One try of imaplib's `InternalDate` pattern at the start of `s` (after `INTERNALDATE "`):
/// `DD-Mon-YYYY HH:MM:SS +HHMM"`. `None` if the shape does not match; the month name is
/// returned unchecked.
#[allow(clippy::type_complexity)]
fn match_date(s: &[u8]) -> Option<([i64; 6], &[u8], i64)> {
    let s = s.get(..27)?;
    let ok = matches!(s[0], b' ' | b'0'..=b'3')
        && s[1].is_ascii_digit()
        && s[2] == b'-'
        && s[3].is_ascii_uppercase()
        && s[4].is_ascii_lowercase()
        && s[5].is_ascii_lowercase()
        && s[6] == b'-'
        && s[11] == b' '
        && s[14] == b':'
        && s[17] == b':'
        && s[20] == b' '
        && matches!(s[21], b'+' | b'-')
        && s[26] == b'"';
    if !ok {
        return None;
    }
    let day = if s[0] == b' ' {
        digits(&s[1..2])?
    } else {
        digits(&s[0..2])?
    };
    let year = digits(&s[7..11])?;
    let hour = digits(&s[12..14])?;
    let minute = digits(&s[15..17])?;
    let second = digits(&s[18..20])?;
    let zone = digits(&s[22..24])? * 3600 + digits(&s[24..26])? * 60;
    let zone = if s[21] == b'-' { -zone } else { zone };
    Some(([year, 0, day, hour, minute, second], &s[3..6], zone))
}

/// Whether `d` is an IMAP date-time without its quotes (`DD-Mon-YYYY HH:MM:SS +HHMM`, RFC 3501;
/// the day may be a space and a digit) that names a real day, time (a leap second allowed) and
/// zone: one a server cannot refuse for its syntax. Stricter than [`internaldate2tuple`],
/// which reads out-of-range fields as imaplib does.
pub fn is_date_time(d: &[u8]) -> bool {
    if d.len() != 26 {
        return false;
    }
    let mut quoted = [b'"'; 27];
    quoted[..26].copy_from_slice(d);
    let Some(([year, _, day, hour, minute, second], mon, _)) = match_date(&quoted) else {
        return false;
    };
    let Some(month) = MONTHS.iter().position(|name| name.as_bytes() == mon) else {
        return false;
    };
    let zone = [digits(&d[22..24]), digits(&d[24..26])];
    (1..=days_in_month(year, month as i64 + 1)).contains(&day)
        && hour < 24
        && minute < 60
        && second <= 60
        && matches!(zone, [Some(h), Some(m)] if h < 24 && m < 60)
}

/// imaplib's `Internaldate2tuple`: the last `INTERNALDATE "DD-Mon-YYYY HH:MM:SS +HHMM"` of a
/// FETCH response. `Ok(None)` when there is none (imaplib's `None`); an error for a date of
/// the right shape with an unknown month (imaplib's `KeyError`) or year 0 (`ValueError`).
/// Out-of-range fields (day `00`, hour `99`) are plain arithmetic, as in imaplib.
pub fn internaldate2tuple(resp: &[u8]) -> Result<Option<InternalDate>, UtilError> {
    const NEEDLE: &[u8] = b"INTERNALDATE \"";
    for p in greedy_candidates(resp, NEEDLE) {
        let Some((mut f, mon, zone)) = match_date(&resp[p + NEEDLE.len()..]) else {
            continue;
        };
        let Some(m) = MONTHS.iter().position(|name| name.as_bytes() == mon) else {
            return err(format!(
                "unknown month {:?} in INTERNALDATE",
                String::from_utf8_lossy(mon)
            ));
        };
        if f[0] == 0 {
            return err("year 0 in INTERNALDATE is out of range");
        }
        f[1] = m as i64 + 1;
        let [year, month, day, hour, minute, second] = f;
        let utc =
            days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - zone;
        let offset = zone as i32; // at most 99*3600+99*60: fits
        return Ok(Some(InternalDate {
            utc_seconds: utc,
            offset_seconds: offset,
            tm: broken_down(utc, offset)?,
        }));
    }
    Ok(None)
}

/// What [`time2internaldate`] accepts (imaplib's `date_time` argument kinds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateTime<'a> {
    /// An instant (seconds since the epoch) to show at `offset` seconds east of UTC
    /// (imaplib's int/float, which uses the process's local offset instead).
    Seconds { seconds: i64, offset: i32 },
    /// Wall-clock fields at their offset (imaplib's tuple / `struct_time` with `tm_gmtoff`,
    /// or an aware `datetime`). Fields are validated like Python's `datetime`.
    Tm(Tm),
    /// A string: returned unchanged if it starts and ends with `"` (unvalidated, as
    /// imaplib); any other string is an error.
    Str(&'a str),
}

fn check_offset(offset: i32) -> Result<(), UtilError> {
    if offset.unsigned_abs() >= 86_400 {
        return err(format!("UTC offset {offset} s is not within ±24 hours"));
    }
    if offset % 60 != 0 {
        // Python would print `+HHMMSS`, which is not an IMAP date.
        return err(format!(
            "UTC offset {offset} s is not a whole number of minutes"
        ));
    }
    Ok(())
}

fn render(tm: &Tm) -> String {
    let sign = if tm.offset_seconds < 0 { '-' } else { '+' };
    let off = tm.offset_seconds.unsigned_abs() / 60;
    format!(
        "\"{:02}-{}-{:04} {:02}:{:02}:{:02} {}{:02}{:02}\"",
        tm.day,
        MONTHS[(tm.month - 1) as usize],
        tm.year,
        tm.hour,
        tm.minute,
        tm.second,
        sign,
        off / 60,
        off % 60
    )
}

/// imaplib's `Time2Internaldate`: `"DD-Mon-YYYY HH:MM:SS +HHMM"`, double quotes included,
/// day zero-padded, English month names. Years outside 1..9999, invalid fields (month 13,
/// 30 February...) and offsets not in whole minutes within ±24 h are errors.
pub fn time2internaldate(date_time: DateTime<'_>) -> Result<String, UtilError> {
    let tm = match date_time {
        DateTime::Str(s) => {
            return match (s.chars().next(), s.chars().last()) {
                (None, _) => err("date_time is empty"),
                (Some('"'), Some('"')) => Ok(s.to_string()),
                _ => err("date_time not of a known type"),
            }
        }
        DateTime::Seconds { seconds, offset } => {
            check_offset(offset)?;
            broken_down(seconds, offset)?
        }
        DateTime::Tm(tm) => {
            check_offset(tm.offset_seconds)?;
            let in_range = |v: i32, lo: i32, hi: i64| v >= lo && i64::from(v) <= hi;
            let fields_ok = in_range(tm.year, 1, 9999)
                && in_range(tm.month, 1, 12)
                && in_range(
                    tm.day,
                    1,
                    days_in_month(i64::from(tm.year), i64::from(tm.month)),
                )
                && in_range(tm.hour, 0, 23)
                && in_range(tm.minute, 0, 59)
                && in_range(tm.second, 0, 59);
            if !fields_ok {
                return err(format!("invalid date or time fields: {tm:?}"));
            }
            tm
        }
    };
    if !(1..=9999).contains(&tm.year) {
        return err(format!("year {} out of range 1..9999", tm.year));
    }
    Ok(render(&tm))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int2ap_vectors() {
        let cases: &[(i64, &[u8])] = &[
            (0, b""),
            (1, b"B"),
            (15, b"P"),
            (16, b"BA"),
            (4096, b"BAAA"),
            (65535, b"PPPP"),
            (-17, b"BB"),
            (i64::MIN, b"IAAAAAAAAAAAAAAA"),
        ];
        for (n, want) in cases {
            assert_eq!(int2ap(*n), *want, "{n}");
        }
    }

    #[test]
    fn parse_flags_vectors() {
        let f = |s: &[u8]| parse_flags(s);
        let v = |xs: &[&[u8]]| xs.iter().map(|x| x.to_vec()).collect::<Vec<_>>();
        assert_eq!(
            f(b"1 (FLAGS (\\Seen \\Deleted) UID 3)"),
            v(&[b"\\Seen", b"\\Deleted"])
        );
        assert_eq!(f(b"1 (UID 3)"), v(&[]));
        assert_eq!(
            f(b"* OK [PERMANENTFLAGS (\\Seen \\*)]"),
            v(&[b"\\Seen", b"\\*"])
        );
        assert_eq!(f(b"FLAGS ()"), v(&[]));
        assert_eq!(f(b""), v(&[]));
        // Greedy: the last FLAGS ( followed by a ')'.
        assert_eq!(f(b"FLAGS (\\A) X-FLAGS (\\B \\C)"), v(&[b"\\B", b"\\C"]));
        assert_eq!(f(b"FLAGS (\\A) FLAGS (\\B"), v(&[b"\\A"]));
        // '.' stops at LF; the flag list itself may span lines; Python whitespace.
        assert_eq!(f(b"x\nFLAGS (\\A)"), v(&[]));
        assert_eq!(
            f(b"FLAGS (\\A\n\\B\x0b\\C\x0c)"),
            v(&[b"\\A", b"\\B", b"\\C"])
        );
    }

    fn date(resp: &[u8]) -> InternalDate {
        internaldate2tuple(resp).unwrap().unwrap()
    }

    #[test]
    fn internaldate2tuple_vectors() {
        for resp in [
            &b"25 (INTERNALDATE \"01-Jan-2000 00:00:00 +0000\")"[..],
            b"25 (INTERNALDATE \"01-Jan-2000 11:30:00 +1130\")",
            b"25 (INTERNALDATE \"31-Dec-1999 12:30:00 -1130\")",
        ] {
            assert_eq!(date(resp).utc_seconds, 946_684_800, "{resp:?}");
        }
        let d = date(b"25 (INTERNALDATE \"31-Dec-1999 12:30:00 -1130\")");
        assert_eq!(d.offset_seconds, -(11 * 3600 + 30 * 60));
        assert_eq!(
            d.tm,
            Tm {
                year: 1999,
                month: 12,
                day: 31,
                hour: 12,
                minute: 30,
                second: 0,
                offset_seconds: -41_400
            }
        );
        // Issue 10941: via the epoch, so a DST gap in some local zone cannot merge them.
        let a = date(b"INTERNALDATE \"02-Apr-2000 02:30:00 +0000\"");
        let b = date(b"INTERNALDATE \"02-Apr-2000 03:30:00 +0000\"");
        assert_eq!(b.utc_seconds - a.utc_seconds, 3600);
        assert_ne!(a.tm, b.tm);
        // Space-padded day, and Dovecot's real shape.
        let d = date(b"1 (UID 1 INTERNALDATE \" 8-Feb-1994 05:06:07 +0100\")");
        assert_eq!((d.tm.day, d.tm.month, d.tm.hour), (8, 2, 5));
        assert_eq!(d.utc_seconds, 760_680_367);
        // Day 00 is arithmetic (timegm), not an error.
        let d = date(b"INTERNALDATE \"00-Mar-2000 00:00:00 +0000\"");
        assert_eq!((d.tm.month, d.tm.day), (2, 29));
    }

    #[test]
    fn internaldate2tuple_no_match_and_errors() {
        for resp in [
            &b"1 (UID 3)"[..],
            b"",
            b"INTERNALDATE \"1-Jan-2000 00:00:00 +0000\"",
            b"INTERNALDATE \"01-JAN-2000 00:00:00 +0000\"",
            b"INTERNALDATE \"01-Jan-2000 00:00:00 0000\"",
            b"INTERNALDATE \"01-Jan-2000 00:00:00 +0000",
            b"x\nINTERNALDATE \"01-Jan-2000 00:00:00 +0000\"",
            b"INTERNALDATE \"41-Jan-2000 00:00:00 +0000\"",
        ] {
            assert_eq!(internaldate2tuple(resp), Ok(None), "{resp:?}");
        }
        let e = internaldate2tuple(b"INTERNALDATE \"01-Foo-2000 00:00:00 +0000\"").unwrap_err();
        assert!(e.0.contains("Foo"), "{e}");
        assert!(internaldate2tuple(b"INTERNALDATE \"01-Jan-0000 00:00:00 +0000\"").is_err());
        // The last well-formed one wins (greedy), an earlier broken one is skipped.
        let d = date(
            b"INTERNALDATE \"01-Jan-2000 00:00:00 +0000\" INTERNALDATE \"02-Jan-2000 00:00:00 +0000\"",
        );
        assert_eq!(d.tm.day, 2);
        let d = date(b"INTERNALDATE \"01-Jan-2000 00:00:00 +0000\" INTERNALDATE \"bad\"");
        assert_eq!(d.tm.day, 1);
    }

    #[test]
    fn time2internaldate_vectors() {
        const WANT: &str = "\"18-May-2033 05:33:20 +0200\"";
        let t = |d: DateTime| time2internaldate(d).unwrap();
        assert_eq!(
            t(DateTime::Seconds {
                seconds: 2_000_000_000,
                offset: 7200
            }),
            WANT
        );
        let tm = Tm {
            year: 2033,
            month: 5,
            day: 18,
            hour: 5,
            minute: 33,
            second: 20,
            offset_seconds: 7200,
        };
        assert_eq!(t(DateTime::Tm(tm)), WANT);
        assert_eq!(t(DateTime::Str(WANT)), WANT);
        assert_eq!(
            t(DateTime::Seconds {
                seconds: 0,
                offset: 0
            }),
            "\"01-Jan-1970 00:00:00 +0000\""
        );
        assert_eq!(
            t(DateTime::Seconds {
                seconds: 1,
                offset: 0
            }),
            "\"01-Jan-1970 00:00:01 +0000\""
        );
        let tm = Tm {
            year: 2020,
            month: 1,
            day: 5,
            hour: 3,
            minute: 4,
            second: 5,
            offset_seconds: -(5 * 3600 + 30 * 60),
        };
        assert_eq!(t(DateTime::Tm(tm)), "\"05-Jan-2020 03:04:05 -0530\"");
        // Unvalidated pass-through of a quoted string, like imaplib.
        assert_eq!(t(DateTime::Str("\"x\"")), "\"x\"");
        assert_eq!(t(DateTime::Str("\"")), "\"");
        // Round trip through Internaldate2tuple.
        for secs in [-86_400 * 365 * 60, 0, 951_782_400, 2_000_000_000] {
            let s = t(DateTime::Seconds {
                seconds: secs,
                offset: -3600,
            });
            let d = date(format!("INTERNALDATE {s}").as_bytes());
            assert_eq!((d.utc_seconds, d.offset_seconds), (secs, -3600));
        }
    }

    #[test]
    fn time2internaldate_rejects_malformed_input() {
        let good = Tm {
            year: 2024,
            month: 2,
            day: 29,
            hour: 23,
            minute: 59,
            second: 59,
            offset_seconds: 0,
        };
        assert!(time2internaldate(DateTime::Tm(good)).is_ok());
        for bad in [
            Tm { year: 2023, ..good },
            Tm { month: 13, ..good },
            Tm { month: 0, ..good },
            Tm { day: 0, ..good },
            Tm { hour: 24, ..good },
            Tm { minute: -1, ..good },
            Tm { second: 60, ..good },
            Tm { year: 0, ..good },
            Tm {
                year: 10_000,
                ..good
            },
            Tm {
                offset_seconds: 30,
                ..good
            },
            Tm {
                offset_seconds: 86_400,
                ..good
            },
        ] {
            assert!(time2internaldate(DateTime::Tm(bad)).is_err(), "{bad:?}");
        }
        for s in ["", "x", "01-Jan-2000 00:00:00 +0000", "\"x"] {
            assert!(time2internaldate(DateTime::Str(s)).is_err(), "{s:?}");
        }
        for (seconds, offset) in [(i64::MAX, 0), (i64::MIN, 0), (0, 59), (-62_135_596_801, 0)] {
            assert!(
                time2internaldate(DateTime::Seconds { seconds, offset }).is_err(),
                "{seconds} {offset}"
            );
        }
        // The first second of year 1 is fine.
        assert_eq!(
            time2internaldate(DateTime::Seconds {
                seconds: -62_135_596_800,
                offset: 0
            })
            .unwrap(),
            "\"01-Jan-0001 00:00:00 +0000\""
        );
    }
}
