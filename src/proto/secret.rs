//! Secrets as a type: passwords, tokens and SASL buffers live in [`Secret`], which never shows
//! its bytes through `Debug` or `Display` and zeroes them when dropped. [`Redactor`] remembers
//! every form of a secret that went on the wire so that a server echoing one cannot get it into
//! a text the library produces.

use std::fmt;
use zeroize::Zeroize;

/// What every secret prints as, and what replaces an echoed secret in any text.
pub const REDACTED: &str = "<redacted>";

/// Secret bytes: `Debug` and `Display` print `<redacted>`, the memory is zeroed on drop (and
/// every clone's too). The bytes are reached only through [`Secret::expose`].
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(Vec<u8>);

impl Secret {
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Secret(bytes.into())
    }

    /// The secret bytes, for the code that sends them.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl From<Vec<u8>> for Secret {
    fn from(v: Vec<u8>) -> Self {
        Secret(v)
    }
}

impl From<&[u8]> for Secret {
    fn from(v: &[u8]) -> Self {
        Secret(v.to_vec())
    }
}

impl From<&str> for Secret {
    fn from(v: &str) -> Self {
        Secret(v.as_bytes().to_vec())
    }
}

impl From<String> for Secret {
    fn from(v: String) -> Self {
        Secret(v.into_bytes())
    }
}

/// Secrets shorter than this are not searched for in server text: replacing every occurrence
/// of one to three characters would mangle the text and show where they stand, while hiding
/// next to nothing.
pub const MIN_REDACTED_LEN: usize = 4;

/// The set of forms of secrets sent on one connection (the secret itself, its quoted form, each
/// base64 line). [`Redactor::bytes`] and [`Redactor::text`] replace each form found by
/// `<redacted>`. Forms are also searched in the escaped spelling of trace lines (`show`).
#[derive(Default, Clone)]
pub struct Redactor {
    /// Longest first, so that a form containing another is replaced whole.
    forms: Vec<Secret>,
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Redactor({} forms)", self.forms.len())
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn replace_all(hay: &[u8], needle: &[u8]) -> Option<Vec<u8>> {
    let mut pos = find(hay, needle)?;
    let mut out = Vec::with_capacity(hay.len());
    let mut rest = hay;
    loop {
        out.extend_from_slice(&rest[..pos]);
        out.extend_from_slice(REDACTED.as_bytes());
        rest = &rest[pos + needle.len()..];
        match find(rest, needle) {
            Some(p) => pos = p,
            None => break,
        }
    }
    out.extend_from_slice(rest);
    Some(out)
}

impl Redactor {
    /// Remembers `form` (and its escaped trace spelling). Forms shorter than
    /// [`MIN_REDACTED_LEN`] are ignored.
    pub fn add(&mut self, form: &[u8]) {
        let shown = super::show(form).into_bytes();
        for f in [form.to_vec(), shown] {
            if f.len() >= MIN_REDACTED_LEN && !self.forms.iter().any(|s| s.expose() == f) {
                self.forms.push(Secret(f));
            }
        }
        self.forms.sort_by_key(|s| std::cmp::Reverse(s.len()));
    }

    /// Forgets every form (their memory is zeroed).
    pub fn clear(&mut self) {
        self.forms.clear();
    }

    pub fn is_empty(&self) -> bool {
        self.forms.is_empty()
    }

    /// `bytes` with every form replaced, in place.
    pub fn bytes(&self, bytes: &mut Vec<u8>) {
        for f in &self.forms {
            if let Some(clean) = replace_all(bytes, f.expose()) {
                bytes.zeroize();
                *bytes = clean;
            }
        }
    }

    /// `text` with every form replaced, in place.
    pub fn text(&self, text: &mut String) {
        for f in &self.forms {
            if let Some(clean) = replace_all(text.as_bytes(), f.expose()) {
                // A form may be cut from inside a UTF-8 sequence only if the text was lossy;
                // lossy again keeps the result a valid string.
                let clean = String::from_utf8(clean)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
                text.zeroize();
                *text = clean;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_never_prints() {
        let s = Secret::from("hunter22");
        assert_eq!(
            format!("{s:?} {s} {:?}", Some(s.clone())),
            "<redacted> <redacted> Some(<redacted>)"
        );
        assert_eq!(s.expose(), b"hunter22");
    }

    #[test]
    fn redactor_replaces_every_form_and_their_trace_spelling() {
        let mut r = Redactor::default();
        r.add(b"pa\\ss");
        r.add(b"\"pa\\\\ss\"");
        r.add(b"abc");
        let mut t = String::from("x pa\\ss y \"pa\\\\ss\" z pa\\\\ss abc");
        r.text(&mut t);
        assert_eq!(t, "x <redacted> y <redacted> z <redacted> abc");
        let mut b = b"pa\\sspa\\ss".to_vec();
        r.bytes(&mut b);
        assert_eq!(b, b"<redacted><redacted>");
        r.clear();
        let mut t = String::from("pa\\ss");
        r.text(&mut t);
        assert_eq!(t, "pa\\ss");
    }
}
