//! Arbitrary challenges into every built-in SASL mechanism (PLAIN, LOGIN, CRAM-MD5, XOAUTH2,
//! OAUTHBEARER), with and without SASL-IR, through the same turn function the session uses.
//!
//! Input: byte 0 picks the mechanism (bits 0-2), SASL-IR (bit 3) and whether challenges are
//! sent as base64 of the fuzz bytes (bit 4) or as raw continuation text (exercising the
//! decoder); the rest is cut at 0xFF into the user name, the password and the challenges.
//!
//! Properties: nothing panics; every line sent is `*` or valid base64 of the response (standard
//! alphabet, padded), so it never holds CR, LF or NUL; a challenge that is valid base64 is never
//! cancelled as invalid; the exchange is complete only when the mechanism's credentials have all
//! gone out (the rule that makes an early OK a failed login).
//!
//! Run: `cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run sasl -- -max_total_time=30`
//! (or `cargo +nightly fuzz run sasl`).
#![no_main]

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use imap::session::{sasl_turn, CancelReason, Mechanism, SaslTurn};
use imap::Secret;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let mut parts = rest.split(|&b| b == 0xff);
    let user = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let password = Secret::from(parts.next().unwrap_or_default());
    let user = user.as_str();
    let mech = match flags & 7 {
        0 | 5 => Mechanism::Plain {
            authzid: (flags & 7 == 5).then_some("admin"),
            user,
            password,
        },
        1 => Mechanism::Login { user, password },
        2 | 6 => Mechanism::CramMd5 { user, password },
        3 | 7 => Mechanism::XOAuth2 {
            user,
            token: password,
        },
        _ => Mechanism::OAuthBearer {
            user,
            token: password,
        },
    };
    let sasl_ir = flags & 8 != 0;
    let encoded = flags & 16 != 0;
    let mut client = mech.client("imap.example", 993, sasl_ir);
    if let Some(ir) = client.initial_response() {
        assert!(sasl_ir, "an initial response without SASL-IR");
        assert!(!ir.is_empty());
    }
    let had_initial = client.initial_response().is_some();
    let mut responses = 0usize;
    for challenge in parts {
        let text = if encoded {
            B64.encode(challenge).into_bytes()
        } else {
            challenge.to_vec()
        };
        let before = client.complete();
        let mut step = |c: &[u8]| client.respond(c);
        match sasl_turn(&text, &mut step) {
            SaslTurn::Respond { response, line } => {
                responses += 1;
                let l = line.expose();
                assert!(
                    l.iter()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=')),
                    "line is not base64"
                );
                assert_eq!(B64.decode(l).expect("line decodes"), response.expose());
            }
            SaslTurn::Cancel(CancelReason::InvalidChallenge) => {
                assert!(!encoded, "a valid base64 challenge was refused");
            }
            SaslTurn::Cancel(CancelReason::Refused) => {}
        }
        // Once complete, always complete.
        assert!(!before || client.complete());
    }
    let needed = match mech {
        Mechanism::Login { .. } => 2,
        Mechanism::CramMd5 { .. } => 1,
        _ if had_initial => 0,
        _ => 1,
    };
    assert_eq!(
        client.complete(),
        responses >= needed,
        "complete() disagrees with the responses sent"
    );
});
