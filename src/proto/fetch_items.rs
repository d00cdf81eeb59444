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

/// What routing reads of a FETCH response: its top-level item names (as sent: compare them
/// case-insensitively) and its UID item, in one pass.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct FetchShape<'a> {
    pub names: Vec<&'a [u8]>,
    pub uid: Option<u32>,
}

impl FetchShape<'_> {
    /// Whether the response has the item `name` (upper case).
    pub fn has(&self, name: &str) -> bool {
        self.names
            .iter()
            .any(|n| n.eq_ignore_ascii_case(name.as_bytes()))
    }
}

/// The top-level items of a FETCH response (the alphabetic tokens at the top level of its
/// parenthesized list, with quoted strings, nested lists, section specs and partial ranges
/// skipped) and its UID. Quoted strings, most of an ENVELOPE's bytes, are skipped a machine
/// word at a time.
pub fn fetch_shape(items: &[Item]) -> FetchShape<'_> {
    let mut shape = FetchShape::default();
    let mut depth = 0usize;
    for item in items {
        let line = match item {
            Item::Line(l) | Item::Literal(l, _) => l.as_slice(),
            Item::None => continue,
        };
        let mut i = 0;
        while i < line.len() {
            match line[i] {
                b'"' => {
                    // to the closing quote, over escapes
                    let mut j = i + 1;
                    loop {
                        match memchr::memchr2(b'"', b'\\', &line[j..]) {
                            Some(k) if line[j + k] == b'\\' => {
                                j += k + 2;
                                if j >= line.len() {
                                    j = line.len();
                                    break;
                                }
                            }
                            Some(k) => {
                                j += k;
                                break;
                            }
                            None => {
                                j = line.len();
                                break;
                            }
                        }
                    }
                    i = j;
                }
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
                    let name = &line[i..end];
                    if !name.eq_ignore_ascii_case(b"NIL") {
                        if shape.uid.is_none() && name.eq_ignore_ascii_case(b"UID") {
                            shape.uid = uid_value(&line[end..]);
                        }
                        shape.names.push(name);
                    }
                    i = end;
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
    }
    shape
}

/// The number after a UID item name (` 42`).
fn uid_value(rest: &[u8]) -> Option<u32> {
    let digits = rest.strip_prefix(b" ")?;
    let end = digits
        .iter()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(digits.len());
    std::str::from_utf8(&digits[..end]).ok()?.parse().ok()
}

/// What a literal belongs to, read from the line that announced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiteralOwner {
    /// The message number.
    pub seq: u32,
    /// The UID, when the UID item comes on that line (before the literal).
    pub uid: Option<u32>,
    /// The item whose value the literal is, upper case, with its section and origin as sent
    /// (`BODY[1.2]`, `BODY[]<0>`, `BINARY[]`, `RFC822`).
    pub item: String,
}

/// The owner of the literal announced at the end of `line`, when `line` is the first line
/// of an untagged FETCH response (`* 12 FETCH (UID 7 BODY[1] {100}`, what a literal sink is
/// given); `None` for any other line (a later line of the same response, another response).
pub fn literal_owner(line: &[u8]) -> Option<LiteralOwner> {
    let crate::proto::parse::Line::Untagged { name, data } =
        crate::proto::parse::classify(line).ok()?
    else {
        return None;
    };
    if name != "FETCH" {
        return None;
    }
    let seq = message_number(&data)?;
    let items = [Item::Line(data)];
    let shape = fetch_shape(&items);
    let last = shape.names.last()?;
    let Item::Line(data) = &items[0] else {
        return None;
    };
    // The last item's name (a slice of `data`) runs to the literal announcement:
    // `BODY[1]<0> {100}`.
    let start = last.as_ptr() as usize - data.as_ptr() as usize;
    let rest = &data[start..];
    let end = rest.iter().rposition(|&b| b == b'{').map(|i| {
        if i > 0 && rest[i - 1] == b'~' {
            i - 1
        } else {
            i
        }
    })?;
    let item = String::from_utf8_lossy(rest[..end].trim_ascii_end()).to_ascii_uppercase();
    Some(LiteralOwner {
        seq,
        uid: shape.uid,
        item,
    })
}

/// The item names of a FETCH response (`UID`, `FLAGS`, `BODY`...), upper case.
pub fn fetch_item_names(items: &[Item]) -> Vec<String> {
    fetch_shape(items)
        .names
        .iter()
        .map(|n| String::from_utf8_lossy(n).to_ascii_uppercase())
        .collect()
}

/// The UID item of a FETCH response.
pub fn fetch_uid(items: &[Item]) -> Option<u32> {
    fetch_shape(items).uid
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
        // the owner of a literal, from the line that announced it
        let owner = |l: &[u8]| literal_owner(l);
        assert_eq!(
            owner(b"* 12 FETCH (UID 7 body[1.2]<0> {100}"),
            Some(LiteralOwner {
                seq: 12,
                uid: Some(7),
                item: "BODY[1.2]<0>".into()
            })
        );
        assert_eq!(
            owner(b"* 3 FETCH (ENVELOPE (NIL \"UID 9\" NIL) BODY[HEADER.FIELDS (UID)] {5}"),
            Some(LiteralOwner {
                seq: 3,
                uid: None,
                item: "BODY[HEADER.FIELDS (UID)]".into()
            })
        );
        assert_eq!(
            owner(b"* 4 FETCH (BINARY[] ~{3}").map(|o| o.item),
            Some("BINARY[]".into())
        );
        assert_eq!(owner(b" BODY[TEXT] {2}"), None);
        assert_eq!(owner(b"* LIST () \"/\" {5}"), None);
        assert_eq!(owner(b"* 5 FETCH (FLAGS ()"), None);
        // escaped quotes and backslashes inside quoted strings, one at the very end
        let escapes = vec![Item::Line(
            b"4 (ENVELOPE (\"a \\\" UID 5\" \"b\\\\\" NIL) Uid 77 X-GM-LABELS (\"\\\\Inbox\"))"
                .to_vec(),
        )];
        assert_eq!(fetch_uid(&escapes), Some(77));
        assert_eq!(
            fetch_item_names(&escapes),
            ["ENVELOPE", "UID", "X-GM-LABELS"]
        );
        let cut = vec![Item::Line(b"5 (FLAGS () ENVELOPE (\"abc\\".to_vec())];
        assert_eq!(fetch_item_names(&cut), ["FLAGS", "ENVELOPE"]);
        assert_eq!(fetch_uid(&cut), None);
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
