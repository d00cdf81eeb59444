//! Modified UTF-7 for mailbox names (RFC 3501 §5.1.3).
//!
//! Printable US-ASCII (0x20–0x7e) stands for itself except `&`, written `&-`; everything else
//! is UTF-16 (surrogate pairs for characters beyond the BMP) in modified base64 (`,` instead of
//! `/`, no padding) between `&` and `-`.

use super::{ErrorKind, ParseError};

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

fn b64_value(b: u8) -> Option<u32> {
    Some(match b {
        b'A'..=b'Z' => b - b'A',
        b'a'..=b'z' => b - b'a' + 26,
        b'0'..=b'9' => b - b'0' + 52,
        b'+' => 62,
        b',' => 63,
        _ => return None,
    } as u32)
}

/// Encodes a mailbox name.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut units: Vec<u16> = Vec::new();
    let flush = |units: &mut Vec<u16>, out: &mut String| {
        if units.is_empty() {
            return;
        }
        out.push('&');
        let bytes: Vec<u8> = units.iter().flat_map(|u| u.to_be_bytes()).collect();
        for chunk in bytes.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
            let chars = chunk.len() + 1;
            for i in 0..chars {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            }
        }
        out.push('-');
        units.clear();
    };
    for c in s.chars() {
        if (' '..='~').contains(&c) {
            flush(&mut units, &mut out);
            if c == '&' {
                out.push_str("&-");
            } else {
                out.push(c);
            }
        } else {
            let mut buf = [0u16; 2];
            units.extend_from_slice(c.encode_utf16(&mut buf));
        }
    }
    flush(&mut units, &mut out);
    out
}

fn bad(msg: String) -> ParseError {
    ParseError::new(ErrorKind::Encoding, msg)
}

/// Decodes a mailbox name, strictly: bytes outside printable ASCII, an unterminated or
/// malformed base64 run, non-zero padding bits, an odd number of bytes, unpaired surrogates and
/// base64 used for a printable ASCII character are errors.
pub fn decode(b: &[u8]) -> Result<String, ParseError> {
    let mut out = String::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if !(0x20..=0x7e).contains(&c) {
            return Err(bad(format!("byte 0x{c:02x} at {i} is not printable ASCII")));
        }
        if c != b'&' {
            out.push(c as char);
            i += 1;
            continue;
        }
        let start = i;
        let end = b[i + 1..]
            .iter()
            .position(|&x| x == b'-')
            .map(|p| p + i + 1)
            .ok_or_else(|| bad(format!("unterminated '&' run at {start}")))?;
        let run = &b[i + 1..end];
        i = end + 1;
        if run.is_empty() {
            out.push('&');
            continue;
        }
        let (mut acc, mut bits, mut bytes) = (0u32, 0u32, Vec::with_capacity(run.len()));
        for &x in run {
            let v = b64_value(x)
                .ok_or_else(|| bad(format!("invalid base64 byte 0x{x:02x} in run at {start}")))?;
            acc = (acc << 6 | v) & 0xffff;
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                bytes.push((acc >> bits) as u8);
            }
        }
        if bits >= 6 || acc & ((1 << bits) - 1) != 0 {
            return Err(bad(format!("bad padding in base64 run at {start}")));
        }
        if bytes.len() % 2 != 0 {
            return Err(bad(format!("odd number of bytes in base64 run at {start}")));
        }
        let units = bytes.chunks(2).map(|p| u16::from_be_bytes([p[0], p[1]]));
        for r in char::decode_utf16(units) {
            let ch = r.map_err(|_| bad(format!("unpaired surrogate in run at {start}")))?;
            if (' '..='~').contains(&ch) {
                return Err(bad(format!(
                    "printable ASCII '{ch}' encoded in run at {start}"
                )));
            }
            out.push(ch);
        }
    }
    Ok(out)
}

/// A mailbox name as the server sent it, decoded for display: a name with bytes beyond ASCII
/// that is valid UTF-8 is taken as UTF-8 (servers with UTF8=ACCEPT enabled), otherwise it is
/// decoded as modified UTF-7. `None` when neither works (keep the raw bytes).
pub fn decode_mailbox(raw: &[u8]) -> Result<String, ParseError> {
    if !raw.is_ascii() {
        if let Ok(s) = std::str::from_utf8(raw) {
            return Ok(s.to_owned());
        }
    }
    decode(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_vectors() {
        let cases = [
            ("~peter/mail/日本語/台北", "~peter/mail/&ZeVnLIqe-/&U,BTFw-"),
            ("&", "&-"),
            ("A&B", "A&-B"),
            ("Entwürfe", "Entw&APw-rfe"),
            ("", ""),
            ("😀", "&2D3eAA-"),
            ("a😀b€", "a&2D3eAA-b&IKw-"),
            ("Черновики", "&BCcENQRABD0EPgQyBDgEOgQ4-"),
        ];
        for (plain, enc) in cases {
            assert_eq!(encode(plain), enc);
            assert_eq!(decode(enc.as_bytes()).unwrap(), plain);
        }
    }

    #[test]
    fn strict_errors() {
        for bad in [
            &b"&"[..],
            b"&AGE",
            b"&AG-",
            b"&AGF-",
            b"&AEE-",
            b"&2D0-",
            b"&3gA-",
            b"caf\xc3\xa9",
            b"a\tb",
            b"&A!A-",
        ] {
            assert!(decode(bad).is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn mailbox_names() {
        assert_eq!(decode_mailbox("Entwürfe".as_bytes()).unwrap(), "Entwürfe");
        assert_eq!(decode_mailbox(b"Entw&APw-rfe").unwrap(), "Entwürfe");
        assert!(decode_mailbox(b"\xff").is_err());
    }
}
