//! Numbers follow their grammar (RFC 3501 / RFC 9051) in the session: a numbered untagged
//! response whose number is out of its range is a protocol error that closes the connection
//! (ABORT), never a value that vanishes. `* n EXISTS` / `* n RECENT` take a `number`
//! (0..4294967295); `* n FETCH` / `* n EXPUNGE` take an `nz-number` (1..4294967295).

mod fake;

use fake::{expect, send, FakeServer, Step};
use imap::{Config, ErrorKind, Session, TlsMode};
use std::time::{Duration, Instant};

/// PREAUTH: mailbox data is only kept once authenticated (data before login is dropped).
const GREETING: &str = "* PREAUTH [CAPABILITY IMAP4rev1] fake ready\r\n";

/// Opens a session, sends NOOP answered with `untagged` then a tagged OK, and returns what
/// the NOOP call gave, whether the connection is still open afterwards, and the untagged data
/// stored under `name`.
fn noop_with(untagged: &str, name: &str) -> (Result<(), imap::Error>, bool, Option<usize>) {
    let script = vec![
        send(GREETING),
        expect("CAPABILITY"),
        send("* CAPABILITY IMAP4rev1\r\n{tag} OK done\r\n"),
        expect("NOOP"),
        send(format!("{untagged}\r\n{{tag}} OK done\r\n")),
        Step::Close,
    ];
    let server = FakeServer::start(script);
    let mut session = Session::new(Config {
        connect_timeout: Duration::from_secs(5),
        io_timeout: Duration::from_secs(20),
        ..Config::default()
    });
    session
        .open("127.0.0.1", server.port, TlsMode::None)
        .expect("open");
    let start = Instant::now();
    let r = session.noop().map(|_| ());
    assert!(start.elapsed() < Duration::from_secs(5), "{untagged}");
    let open = session.is_open();
    let stored = session.untagged().get(name).map(Vec::len);
    drop(session);
    server.finish();
    (r, open, stored)
}

#[test]
fn numbered_untagged_responses_follow_their_grammar() {
    // (line, stored under, accepted)
    let table: &[(&str, &str, bool)] = &[
        // number: 0..2^32-1
        ("* 0 EXISTS", "EXISTS", true),
        ("* 4294967295 EXISTS", "EXISTS", true),
        ("* 4294967296 EXISTS", "EXISTS", false),
        ("* -1 EXISTS", "EXISTS", false),
        ("* +1 EXISTS", "EXISTS", false),
        ("* 99999999999999999999999999 EXISTS", "EXISTS", false),
        ("* 0 RECENT", "RECENT", true),
        ("* 4294967295 RECENT", "RECENT", true),
        ("* 4294967296 RECENT", "RECENT", false),
        ("* -1 RECENT", "RECENT", false),
        ("* +3 RECENT", "RECENT", false),
        ("* 18446744073709551616 RECENT", "RECENT", false),
        // nz-number: 1..2^32-1
        ("* 0 FETCH (FLAGS ())", "FETCH", false),
        ("* 1 FETCH (FLAGS ())", "FETCH", true),
        ("* 4294967295 FETCH (FLAGS ())", "FETCH", true),
        ("* 4294967296 FETCH (FLAGS ())", "FETCH", false),
        ("* -1 FETCH (FLAGS ())", "FETCH", false),
        ("* +1 FETCH (FLAGS ())", "FETCH", false),
        (
            "* 99999999999999999999999999 FETCH (FLAGS ())",
            "FETCH",
            false,
        ),
        ("* 0 EXPUNGE", "EXPUNGE", false),
        ("* 1 EXPUNGE", "EXPUNGE", true),
        ("* 4294967295 EXPUNGE", "EXPUNGE", true),
        ("* 4294967296 EXPUNGE", "EXPUNGE", false),
        ("* -1 EXPUNGE", "EXPUNGE", false),
        ("* +1 EXPUNGE", "EXPUNGE", false),
    ];
    for &(line, name, accepted) in table {
        let (r, open, stored) = noop_with(line, name);
        if accepted {
            assert!(r.is_ok(), "{line}: {r:?}");
            assert!(open, "{line}: connection closed");
            assert_eq!(stored, Some(1), "{line}: not stored");
        } else {
            let e = r.expect_err(line);
            assert_eq!(e.kind, ErrorKind::Abort, "{line}: {}", e.message);
            assert!(!open, "{line}: ABORT left the connection open");
            assert_eq!(stored, None, "{line}: an out-of-range value was stored");
        }
    }
}
