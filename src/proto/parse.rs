//! Classifies the first line of a response and reads response codes (imaplib §1.4).

use super::ProtoError;

/// What the first line of a response is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// `TAG STATUS text`. `status` is upper-cased (`OK`, `NO`, `BAD`, ...).
    Tagged {
        tag: Vec<u8>,
        status: String,
        text: Vec<u8>,
    },
    /// `* NAME data` or `* N NAME [data]`. `name` is upper-cased; `data` is what imaplib stores:
    /// the text after the name, or for the numeric form `N` / `N data`.
    Untagged { name: String, data: Vec<u8> },
    /// `+ text`; `None` for a bare `+`.
    Continuation { text: Option<Vec<u8>> },
}

/// A response code: `[NAME data]` at the start of an OK/NO/BAD/PREAUTH/BYE text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    pub name: String,
    pub data: Option<Vec<u8>>,
}

fn unexpected(line: &[u8]) -> ProtoError {
    ProtoError::Protocol(format!(
        "unexpected response: '{}'",
        super::show(&line[..line.len().min(200)])
    ))
}

/// Splits a leading run of letters (and `-`, for names like `READ-WRITE`) off `s`.
fn name(s: &[u8]) -> (&[u8], &[u8]) {
    let n = s
        .iter()
        .position(|b| !(b.is_ascii_alphabetic() || *b == b'-'))
        .unwrap_or(s.len());
    s.split_at(n)
}

fn upper(s: &[u8]) -> String {
    String::from_utf8_lossy(s).to_ascii_uppercase()
}

/// After a name: end of line, or one space and the rest.
fn rest<'a>(line: &[u8], after: &'a [u8]) -> Result<&'a [u8], ProtoError> {
    match after.first() {
        None => Ok(after),
        Some(b' ') => Ok(&after[1..]),
        Some(_) => Err(unexpected(line)),
    }
}

/// Untagged responses and response codes that only have a meaning once logged in: mailbox and
/// message data, and what the commands of the authenticated state return. Received in the
/// not-authenticated state (RFC 3501 §3.1) they describe no mailbox the client has, so they are
/// dropped (and traced) rather than kept and handed out after login; anything else (CAPABILITY,
/// OK/NO/BAD/BYE with [ALERT] and the like, ID, unknown extensions) is kept as usual. Dropping
/// rather than aborting keeps a sloppy server usable, and nothing dropped can reach the caller.
pub fn after_login_only(name: &str) -> bool {
    matches!(
        name,
        // message and mailbox data (RFC 3501 §7.2-7.4, ESEARCH, SORT, THREAD, QRESYNC)
        "EXISTS" | "RECENT" | "EXPUNGE" | "FETCH" | "FLAGS" | "SEARCH" | "ESEARCH" | "SORT"
            | "THREAD" | "VANISHED" | "LIST" | "LSUB" | "XLIST" | "STATUS"
            // data of authenticated-state commands (ACL, QUOTA, NAMESPACE, METADATA, ENABLE)
            | "ACL" | "LISTRIGHTS" | "MYRIGHTS" | "QUOTA" | "QUOTAROOT" | "NAMESPACE"
            | "METADATA" | "ANNOTATION" | "ENABLED"
            // response codes about a selected mailbox or a stored message
            | "UIDVALIDITY" | "UIDNEXT" | "UNSEEN" | "PERMANENTFLAGS" | "READ-ONLY"
            | "READ-WRITE" | "HIGHESTMODSEQ" | "NOMODSEQ" | "APPENDUID" | "COPYUID"
            | "UIDNOTSTICKY" | "CLOSED" | "MAILBOXID"
    )
}

/// Untagged responses that carry a human-readable message rather than mailbox data.
pub fn is_status(name: &str) -> bool {
    matches!(name, "OK" | "NO" | "BAD" | "BYE" | "PREAUTH")
}

/// The number of a numbered untagged response against its grammar (RFC 3501 / RFC 9051):
/// `number SP "EXISTS"` and `number SP "RECENT"` take 0..4294967295; `nz-number SP "FETCH"`
/// and `nz-number SP "EXPUNGE"` take 1..4294967295. Numbered responses of other names are
/// extensions whose grammar is not known here and pass unchecked. `digits` is one or more
/// ASCII digits (a sign never reaches here: it is not a digit, so the line is refused as
/// garbage); leading zeros are accepted, the value counts.
pub fn check_number(name: &str, digits: &[u8]) -> Result<(), String> {
    let nonzero = match name {
        "FETCH" | "EXPUNGE" => true,
        "EXISTS" | "RECENT" => false,
        _ => return Ok(()),
    };
    match crate::proto::parsed::token::parse_u64(digits).map(u32::try_from) {
        Some(Ok(0)) if nonzero => Err(format!("{name} with message number 0")),
        Some(Ok(_)) => Ok(()),
        _ => Err(format!("{name} number out of range (0..4294967295)")),
    }
}

/// Classifies a response's first line. Names are accepted in any case and upper-cased;
/// a tagged status without text is accepted (servers omit it). The number of a numbered
/// untagged response is checked against its grammar ([`check_number`]): out of range, the
/// line is a protocol error.
pub fn classify(line: &[u8]) -> Result<Line, ProtoError> {
    if let Some(after) = line.strip_prefix(b"+") {
        return match after.first() {
            None => Ok(Line::Continuation { text: None }),
            Some(b' ') => Ok(Line::Continuation {
                text: Some(after[1..].to_vec()),
            }),
            Some(_) => Err(unexpected(line)),
        };
    }
    if let Some(after) = line.strip_prefix(b"* ") {
        let digits = after.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits > 0 {
            let num = &after[..digits];
            let tail = after[digits..]
                .strip_prefix(b" ")
                .ok_or_else(|| unexpected(line))?;
            let (n, after_name) = name(tail);
            if n.is_empty() {
                return Err(unexpected(line));
            }
            let more = rest(line, after_name)?;
            let name = upper(n);
            check_number(&name, num).map_err(|why| {
                ProtoError::Protocol(format!(
                    "{why}: '{}'",
                    super::show(&line[..line.len().min(200)])
                ))
            })?;
            let mut data = num.to_vec();
            if !more.is_empty() {
                data.push(b' ');
                data.extend_from_slice(more);
            }
            return Ok(Line::Untagged { name, data });
        }
        let (n, after_name) = name(after);
        if n.is_empty() {
            return Err(unexpected(line));
        }
        return Ok(Line::Untagged {
            name: upper(n),
            data: rest(line, after_name)?.to_vec(),
        });
    }
    let sp = line
        .iter()
        .position(|&b| b == b' ')
        .ok_or_else(|| unexpected(line))?;
    let (tag, after) = (&line[..sp], &line[sp + 1..]);
    if tag.is_empty() || tag == b"*" || !tag.iter().all(|b| b.is_ascii_graphic()) {
        return Err(unexpected(line));
    }
    let (status, after_status) = name(after);
    if status.is_empty() {
        return Err(unexpected(line));
    }
    Ok(Line::Tagged {
        tag: tag.to_vec(),
        status: upper(status),
        text: rest(line, after_status)?.to_vec(),
    })
}

/// The response code at the start of `text`, if any. The code's data runs to the bracket that
/// closes the opening one, so text after the code may contain brackets of its own.
pub fn response_code(text: &[u8]) -> Option<Code> {
    let inner = text.strip_prefix(b"[")?;
    let (n, after) = name(inner);
    if n.is_empty() {
        return None;
    }
    let mut depth = 0usize;
    let close = after.iter().position(|&b| match b {
        b'[' => {
            depth += 1;
            false
        }
        b']' if depth == 0 => true,
        b']' => {
            depth -= 1;
            false
        }
        _ => false,
    })?;
    let data = match after.first() {
        Some(b']') => None,
        Some(b' ') => Some(after[1..close].to_vec()),
        _ => return None,
    };
    Some(Code {
        name: upper(n),
        data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn untagged(name: &str, data: &[u8]) -> Line {
        Line::Untagged {
            name: name.into(),
            data: data.to_vec(),
        }
    }

    #[test]
    fn classifies_like_imaplib() {
        assert_eq!(classify(b"* 2 EXISTS").unwrap(), untagged("EXISTS", b"2"));
        assert_eq!(
            classify(b"* 1 FETCH (FLAGS (\\Seen))").unwrap(),
            untagged("FETCH", b"1 (FLAGS (\\Seen))")
        );
        assert_eq!(classify(b"* SEARCH").unwrap(), untagged("SEARCH", b""));
        assert_eq!(classify(b"* 0 EXISTS").unwrap(), untagged("EXISTS", b"0"));
        assert_eq!(
            classify(b"* 4294967295 expunge").unwrap(),
            untagged("EXPUNGE", b"4294967295")
        );
        // An extension's numbered response: its grammar is not known here.
        assert_eq!(classify(b"* 0 XFOO").unwrap(), untagged("XFOO", b"0"));
        assert_eq!(
            classify(b"* SEARCH 2 84 882").unwrap(),
            untagged("SEARCH", b"2 84 882")
        );
        assert_eq!(
            classify(b"* OK [UIDVALIDITY 42] x").unwrap(),
            untagged("OK", b"[UIDVALIDITY 42] x")
        );
        assert_eq!(classify(b"* ok hi").unwrap(), untagged("OK", b"hi"));
        assert_eq!(
            classify(b"A1 OK LOGIN completed").unwrap(),
            Line::Tagged {
                tag: b"A1".to_vec(),
                status: "OK".into(),
                text: b"LOGIN completed".to_vec()
            }
        );
        assert_eq!(
            classify(b"A1 OK").unwrap(),
            Line::Tagged {
                tag: b"A1".to_vec(),
                status: "OK".into(),
                text: vec![]
            }
        );
        assert_eq!(classify(b"+").unwrap(), Line::Continuation { text: None });
        assert_eq!(
            classify(b"+ ").unwrap(),
            Line::Continuation { text: Some(vec![]) }
        );
        assert_eq!(
            classify(b"+ idling").unwrap(),
            Line::Continuation {
                text: Some(b"idling".to_vec())
            }
        );
    }

    #[test]
    fn rejects_garbage() {
        for bad in [
            &b"*"[..],
            b"* ",
            b"* 12",
            b"* 12 ",
            b"*x",
            b"+OK POP3",
            b"garbage",
            b"A1 123",
            b"* OK[x]",
            b"* 0 FETCH (UID 1)",
            b"* 0 EXPUNGE",
            b"* 4294967296 EXISTS",
            b"* 4294967296 FETCH (UID 1)",
            b"* 99999999999999999999999 RECENT",
            b"* -1 EXISTS",
            b"* +1 EXISTS",
        ] {
            assert!(classify(bad).is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn response_codes() {
        let c = response_code(b"[PERMANENTFLAGS (\\Seen \\*)] Flags permitted.").unwrap();
        assert_eq!(c.name, "PERMANENTFLAGS");
        assert_eq!(c.data.as_deref(), Some(&b"(\\Seen \\*)"[..]));
        let c = response_code(b"[READ-WRITE] SELECT completed").unwrap();
        assert_eq!((c.name.as_str(), c.data), ("READ-WRITE", None));
        let c = response_code(b"[APPENDUID 38505 3955] APPEND completed [x]").unwrap();
        assert_eq!(c.data.as_deref(), Some(&b"38505 3955"[..]));
        assert_eq!(response_code(b"no code"), None);
        assert_eq!(response_code(b"[unterminated"), None);
        assert_eq!(response_code(b"[]"), None);
    }
}
