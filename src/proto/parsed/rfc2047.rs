//! RFC 2047 encoded-word decoding (`=?charset?Q?...?=`, `=?charset?B?...?=`) for header text
//! such as ENVELOPE subjects and address display names.
//!
//! Charsets are looked up with `encoding_rs` (the WHATWG set: UTF-8, ISO-8859-x, Windows-125x,
//! KOI8, GBK/GB18030, Big5, Shift_JIS, EUC-JP/KR, ISO-2022-JP...; an RFC 2231 language suffix
//! `*en` is ignored). Adjacent encoded words in one charset are joined before decoding, so a
//! multi-byte character split across words survives; whitespace between encoded words is
//! dropped (RFC 2047 §6.2). A word with an unknown charset or bad encoding is left as written.
//! Text outside encoded words is taken as UTF-8 (invalid sequences become U+FFFD).

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use encoding_rs::Encoding;

const B64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

struct Word<'a> {
    charset: &'a [u8],
    bytes: Vec<u8>,
    len: usize,
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// An encoded word at the start of `s`, decoded to bytes in its charset.
fn word(s: &[u8]) -> Option<Word<'_>> {
    let rest = s.strip_prefix(b"=?")?;
    let q1 = rest.iter().position(|&b| b == b'?')?;
    let charset = &rest[..q1];
    let rest = &rest[q1 + 1..];
    let enc = *rest.first()?;
    if rest.get(1) != Some(&b'?') {
        return None;
    }
    let text_start = 2 + q1 + 1 + 2;
    let rest = &rest[2..];
    let end = rest.windows(2).position(|w| w == b"?=")?;
    let text = &rest[..end];
    if charset.is_empty() || text.iter().any(|&b| b == b' ' || b == b'\t' || b == b'?') {
        return None;
    }
    let bytes = match enc.to_ascii_uppercase() {
        b'B' => B64.decode(text).ok()?,
        b'Q' => {
            let mut out = Vec::with_capacity(text.len());
            let mut i = 0;
            while i < text.len() {
                match text[i] {
                    b'_' => out.push(b' '),
                    b'=' => {
                        let h = hex(*text.get(i + 1)?)?;
                        let l = hex(*text.get(i + 2)?)?;
                        out.push(h << 4 | l);
                        i += 2;
                    }
                    b => out.push(b),
                }
                i += 1;
            }
            out
        }
        _ => return None,
    };
    Some(Word {
        charset,
        bytes,
        len: text_start + end + 2,
    })
}

fn encoding(charset: &[u8]) -> Option<&'static Encoding> {
    let label = charset.split(|&b| b == b'*').next().unwrap_or_default();
    Encoding::for_label(label)
}

/// Decodes every encoded word in `input`; see the module documentation.
pub fn decode(input: &[u8]) -> String {
    let mut out = String::with_capacity(input.len());
    // Pending bytes of adjacent encoded words in one charset.
    let mut pending: Option<(&'static Encoding, Vec<u8>)> = None;
    let mut after_word = false;
    let mut plain_start = 0;
    let mut i = 0;
    let flush = |pending: &mut Option<(&'static Encoding, Vec<u8>)>, out: &mut String| {
        if let Some((enc, bytes)) = pending.take() {
            out.push_str(&enc.decode_without_bom_handling(&bytes).0);
        }
    };
    while i < input.len() {
        if input[i] == b'=' && input.get(i + 1) == Some(&b'?') {
            if let Some(w) = word(&input[i..]) {
                if let Some(enc) = encoding(w.charset) {
                    let between = &input[plain_start..i];
                    let skip_between = after_word
                        && between
                            .iter()
                            .all(|&b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'));
                    if !skip_between {
                        flush(&mut pending, &mut out);
                        out.push_str(&String::from_utf8_lossy(between));
                    }
                    match &mut pending {
                        Some((e, bytes)) if *e == enc => bytes.extend_from_slice(&w.bytes),
                        _ => {
                            flush(&mut pending, &mut out);
                            pending = Some((enc, w.bytes));
                        }
                    }
                    i += w.len;
                    plain_start = i;
                    after_word = true;
                    continue;
                }
            }
        }
        i += 1;
    }
    flush(&mut pending, &mut out);
    out.push_str(&String::from_utf8_lossy(&input[plain_start..]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_common_forms() {
        assert_eq!(decode(b"=?UTF-8?B?R3LDvMOfZQ==?="), "Grüße");
        assert_eq!(
            decode(b"=?iso-8859-1?q?Gr=FC=DFe_aus?= Berlin"),
            "Grüße aus Berlin"
        );
        assert_eq!(decode(b"=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?="), "ab");
        assert_eq!(decode(b"=?ISO-8859-1?Q?a?= b"), "a b");
        assert_eq!(decode(b"plain text"), "plain text");
        assert_eq!(decode(b"=?x-unknown?Q?a?="), "=?x-unknown?Q?a?=");
        assert_eq!(decode(b"=?UTF-8?B?###?="), "=?UTF-8?B?###?=");
        assert_eq!(decode(b"=?utf-8*en?Q?hi?="), "hi");
        // A three-byte character split across two words.
        assert_eq!(decode(b"=?UTF-8?B?4oI=?= =?UTF-8?B?rA==?="), "€");
        assert_eq!(decode(b"=?koi8-r?B?8NLJ18XU?="), "Привет");
        assert_eq!(decode(b"=?gb2312?B?xOO6ww==?="), "你好");
        assert_eq!(decode(b"=?"), "=?");
        assert_eq!(decode(b"=?a?Q?=F?="), "=?a?Q?=F?=");
    }
}
