//! What routing needs to know of FETCH data, read without a full parse: a response's message
//! number, its top-level item names and UID (quoted strings, nested lists, section specs and
//! literals skipped), and the item names a FETCH command asks for.

use crate::proto::response::Item;

/// The number of a FETCH response (`12 (FLAGS ...)`).
pub fn message_number(data: &[u8]) -> Option<u32> {
    let end = data.iter().position(|b| !b.is_ascii_digit())?;
    std::str::from_utf8(&data[..end]).ok()?.parse().ok()
}

/// The item names a FETCH item list asks for, as a response names them (`BODY.PEEK[...]` is
/// answered as `BODY[...]`, the macros ALL, FAST and FULL stand for their items); a UID FETCH
/// is always answered with UID. `None` when the list does not read as item names.
pub fn requested_items(arg: &[u8], uid: bool) -> Option<Vec<String>> {
    let text = std::str::from_utf8(arg).ok()?.to_ascii_uppercase();
    let inner = text.trim().trim_start_matches('(').trim_end_matches(')');
    let mut wants = Vec::new();
    let mut depth = 0usize;
    let mut token = String::new();
    let push = |token: &mut String, wants: &mut Vec<String>| -> Option<()> {
        let name: String = token
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
            .collect();
        token.clear();
        match name.as_str() {
            "" => {}
            "ALL" | "FAST" | "FULL" => {
                wants.extend(["FLAGS", "INTERNALDATE", "RFC822.SIZE"].map(String::from))
            }
            "BODY.PEEK" => wants.push("BODY".into()),
            "BINARY.PEEK" => wants.push("BINARY".into()),
            n if n.starts_with(|c: char| c.is_ascii_alphabetic()) => wants.push(n.into()),
            _ => return None,
        }
        Some(())
    };
    for c in inner.chars() {
        match c {
            '[' | '<' | '(' => depth += 1,
            ']' | '>' | ')' => depth = depth.checked_sub(1)?,
            ' ' if depth == 0 => push(&mut token, &mut wants)?,
            _ => {}
        }
        if depth == 0 && c != ' ' && c != ']' && c != '>' {
            token.push(c);
        } else if depth > 0 && token.is_empty() {
            return None;
        }
    }
    push(&mut token, &mut wants)?;
    if uid {
        wants.push("UID".into());
    }
    (!wants.is_empty()).then_some(wants)
}

/// The items of a FETCH response at the top level of its parenthesized list, as (upper-case
/// name, the bytes after the name on its line): the alphabetic tokens there, with quoted
/// strings, nested lists, section specs and partial ranges skipped.
pub fn fetch_items(items: &[Item]) -> Vec<(String, &[u8])> {
    let mut found = Vec::new();
    let mut depth = 0usize;
    for item in items {
        let line = match item {
            Item::Line(l) | Item::Literal(l, _) => l,
            Item::None => continue,
        };
        let mut i = 0;
        let mut quoted = false;
        while i < line.len() {
            let b = line[i];
            if quoted {
                match b {
                    b'\\' => i += 1,
                    b'"' => quoted = false,
                    _ => {}
                }
            } else {
                match b {
                    b'"' => quoted = true,
                    b'(' | b'[' | b'<' => depth += 1,
                    b')' | b']' | b'>' => depth = depth.saturating_sub(1),
                    b if depth == 1
                        && b.is_ascii_alphabetic()
                        && i > 0
                        && matches!(line[i - 1], b' ' | b'(') =>
                    {
                        let end = line[i..]
                            .iter()
                            .position(|c| {
                                !(c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'_'))
                            })
                            .map_or(line.len(), |e| i + e);
                        let name = String::from_utf8_lossy(&line[i..end]).to_ascii_uppercase();
                        if name != "NIL" {
                            found.push((name, &line[end..]));
                        }
                        i = end;
                        continue;
                    }
                    _ => {}
                }
            }
            i += 1;
        }
    }
    found
}

/// The item names of a FETCH response (`UID`, `FLAGS`, `BODY`...).
pub fn fetch_item_names(items: &[Item]) -> Vec<String> {
    fetch_items(items)
        .into_iter()
        .map(|(name, _)| name)
        .collect()
}

/// The UID item of a FETCH response.
pub fn fetch_uid(items: &[Item]) -> Option<u32> {
    let (_, rest) = fetch_items(items)
        .into_iter()
        .find(|(name, _)| name == "UID")?;
    let digits = rest.strip_prefix(b" ")?;
    let end = digits
        .iter()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(digits.len());
    std::str::from_utf8(&digits[..end]).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_uids_and_names() {
        let items = vec![Item::Line(b"3 (FLAGS (\\Seen) UID 42)".to_vec())];
        assert_eq!(fetch_uid(&items), Some(42));
        assert_eq!(fetch_item_names(&items), ["FLAGS", "UID"]);
        let tricky = vec![
            Item::Line(b"3 (ENVELOPE (NIL \"UID 7\" NIL) BODY[HEADER.FIELDS (UID)] {3}".to_vec()),
            Item::Line(b" UID 9)".to_vec()),
        ];
        assert_eq!(fetch_uid(&tricky), Some(9));
        assert_eq!(fetch_item_names(&tricky), ["ENVELOPE", "BODY", "UID"]);
        assert_eq!(message_number(b"12 (UID 1)"), Some(12));
        assert_eq!(
            requested_items(b"(UID BODY.PEEK[HEADER.FIELDS (FROM)] RFC822.SIZE)", false),
            Some(vec!["UID".into(), "BODY".into(), "RFC822.SIZE".into()])
        );
        assert_eq!(
            requested_items(b"FAST", true),
            Some(vec![
                "FLAGS".into(),
                "INTERNALDATE".into(),
                "RFC822.SIZE".into(),
                "UID".into()
            ])
        );
    }
}
