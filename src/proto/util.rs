//! Small pure helpers.

/// imaplib's `Int2AP`: base-16 digits of `|num|`, most significant first, written with the
/// letters `A`..`P`. `0` gives the empty string.
pub fn int2ap(num: u64) -> Vec<u8> {
    const AP: &[u8; 16] = b"ABCDEFGHIJKLMNOP";
    let mut out = Vec::new();
    let mut n = num;
    while n > 0 {
        out.push(AP[(n % 16) as usize]);
        n /= 16;
    }
    out.reverse();
    out
}

/// Every CRLF, lone CR and lone LF becomes CRLF (what imaplib does to an APPEND message).
pub fn normalize_crlf(msg: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(msg.len() + msg.len() / 32);
    let mut i = 0;
    while i < msg.len() {
        match msg[i] {
            b'\r' => {
                out.extend_from_slice(b"\r\n");
                if msg.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
            }
            b'\n' => out.extend_from_slice(b"\r\n"),
            b => out.push(b),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int2ap_matches_imaplib_vectors() {
        assert_eq!(int2ap(0), b"");
        assert_eq!(int2ap(1), b"B");
        assert_eq!(int2ap(15), b"P");
        assert_eq!(int2ap(16), b"BA");
        assert_eq!(int2ap(4096), b"BAAA");
        assert_eq!(int2ap(65535), b"PPPP");
        assert_eq!(int2ap(17), b"BB");
    }

    #[test]
    fn crlf_normalisation() {
        assert_eq!(
            normalize_crlf(b"From: a\nSubject: x\n\nbody\n"),
            b"From: a\r\nSubject: x\r\n\r\nbody\r\n"
        );
        assert_eq!(normalize_crlf(b"a\r\nb\rc\n"), b"a\r\nb\r\nc\r\n");
        assert_eq!(normalize_crlf(b"x"), b"x");
        assert_eq!(normalize_crlf(b"\r\r\n"), b"\r\n\r\n");
    }
}
