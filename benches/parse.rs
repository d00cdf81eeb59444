//! Throughput of the parsed-results layer (`imap::parsed::parse_fetch`).
//!
//! Generates two recorded-style FETCH results of 10,000 messages each, as wire bytes:
//! literal-heavy (`UID FLAGS BODY[] {~4 KB}` per message) and structure-heavy (`UID FLAGS
//! INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE` with a multipart/mixed of a
//! multipart/alternative, an attachment and a message/rfc822). The bytes are framed into items
//! once by the engine's own assembler; then, best of several runs, it times
//! - a plain scan of the same bytes counting CRLF (the floor any parser must pay),
//! - `parse_fetch` over the items,
//! - `imap_parse_fetch` + `imap_fetch_list_free` through the C ABI, on a raw result holding the
//!   same items (what a C caller pays for a parsed FETCH result),
//!
//! and prints MB/s over the wire bytes, MB/s over the bytes the parser examines (the lines,
//! without the literals' bytes, which it only points at), time per message, and the ratio
//! parse time / scan time.
//!
//! Run: `cargo bench --bench parse`. For a profiler, `PARSE_PROFILE=rust|c|lit-rust|lit-c`
//! (and `PARSE_PROFILE_RUNS=n`) runs only one path, e.g.
//! `PARSE_PROFILE=c perf record -g target/release/deps/parse-<hash> --bench`.

use imap::ffi::parsed::fetch::{imap_fetch_list_free, imap_parse_fetch};
use imap::ffi::parsed::result_from_items;
use imap::ffi::result::imap_result_free;
use imap::parsed::fetch::parse_fetch_response_with;
use imap::parsed::token::Flat;
use imap::parsed::{parse_fetch, responses};
use imap::proto::framer::BufferSink;
use imap::proto::parse::Line;
use imap::proto::response::Assembler;
use imap::proto::Limits;
use imap::Item;
use std::hint::black_box;
use std::time::{Duration, Instant};

const MESSAGES: usize = 10_000;
const RUNS: usize = 7;

fn literal_heavy() -> Vec<u8> {
    let mut out = Vec::new();
    let mut body = Vec::new();
    while body.len() < 4000 {
        body.extend_from_slice(b"Lorem ipsum dolor sit amet, consectetur adipiscing elit.\r\n");
    }
    for i in 1..=MESSAGES {
        out.extend_from_slice(
            format!(
                "* {i} FETCH (UID {} FLAGS (\\Seen) BODY[] {{{}}}\r\n",
                i + 1000,
                body.len()
            )
            .as_bytes(),
        );
        out.extend_from_slice(&body);
        out.extend_from_slice(b")\r\n");
    }
    out
}

fn structure_heavy() -> Vec<u8> {
    let mut out = Vec::new();
    for i in 1..=MESSAGES {
        out.extend_from_slice(format!(
            "* {i} FETCH (UID {uid} FLAGS (\\Seen $Forwarded) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" RFC822.SIZE 44827 \
ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"=?UTF-8?B?R3LDvMOfZSB7aX0=?= message {i}\" \
((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) \
((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((NIL NIL \"imap\" \"cac.washington.edu\")(\"Bob\" NIL \"bob\" \"example.com\")) \
((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL \"<parent{i}@example.com>\" \
\"<B27397-0100000@cac.washington.edu>\") \
BODYSTRUCTURE (((\"text\" \"plain\" (\"charset\" \"utf-8\" \"format\" \"flowed\") NIL NIL \"quoted-printable\" 1152 23 NIL NIL NIL NIL)\
(\"text\" \"html\" (\"charset\" \"utf-8\") NIL NIL \"quoted-printable\" 4242 80 NIL NIL NIL NIL) \"alternative\" (\"boundary\" \"alt-{i}\") NIL NIL NIL)\
(\"application\" \"pdf\" (\"name\" \"report {i}.pdf\") \"<part2.{i}@example.com>\" \"Quarterly report\" \"base64\" 28421 NIL \
(\"attachment\" (\"filename\" \"report {i}.pdf\" \"size\" \"20760\")) NIL NIL)\
(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 1902 (\"Tue, 16 Jul 1996 10:00:00 +0000\" \"Fwd\" ((NIL NIL \"a\" \"b.org\")) NIL NIL \
((NIL NIL \"c\" \"d.org\")) NIL NIL NIL \"<fwd{i}@b.org>\") (\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 1200 30 NIL NIL NIL NIL) 41 NIL NIL NIL NIL) \
\"mixed\" (\"boundary\" \"mix-{i}\") NIL (\"en\") NIL))\r\n",
            uid = i + 1000
        ).as_bytes());
    }
    out
}

/// Frames the wire bytes into the items the store would hold for FETCH.
fn frame(wire: &[u8]) -> Vec<Item> {
    let limits = Limits::default();
    let mut a = Assembler::new(&limits);
    let mut sink = BufferSink::new(limits.max_literal);
    a.feed(wire);
    let mut items = Vec::new();
    while let Some(r) = a.next(&mut sink).expect("valid input") {
        let Ok(Line::Untagged { data, .. }) = r.classify() else {
            panic!("not untagged")
        };
        items.extend(r.into_items(data));
    }
    items
}

fn crlf_scan(b: &[u8]) -> usize {
    let mut n = 0;
    for i in 1..b.len() {
        if b[i] == b'\n' && b[i - 1] == b'\r' {
            n += 1;
        }
    }
    n
}

fn best<T>(mut f: impl FnMut() -> T) -> Duration {
    (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            black_box(f());
            t.elapsed()
        })
        .min()
        .unwrap()
}

fn mbps(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / 1e6 / d.as_secs_f64()
}

/// The bytes the parser reads: every line (and literal announcement), not the literals.
fn examined(items: &[Item]) -> usize {
    items
        .iter()
        .map(|i| match i {
            Item::Line(l) | Item::Literal(l, _) => l.len(),
            Item::None => 0,
        })
        .sum()
}

fn run(name: &str, wire: Vec<u8>) {
    let items = frame(&wire);
    let seen = examined(&items);
    let msgs = parse_fetch(&items);
    assert_eq!(msgs.len(), MESSAGES);
    assert!(
        msgs.iter().all(|m| m.invalid.is_none()),
        "{:?}",
        msgs[0].invalid
    );
    drop(msgs);
    let scan = best(|| crlf_scan(black_box(&wire)));
    let framing = best(|| frame(black_box(&wire)));
    let parse = best(|| parse_fetch(black_box(&items)));
    // The same parse with each message dropped as soon as it is made: what holding 10,000
    // trees at once (allocation, page faults) costs on top of parsing.
    let each = best(|| {
        let mut flat = Flat::new();
        let mut n = 0;
        for r in responses(black_box(&items)) {
            n += black_box(parse_fetch_response_with(r, &mut flat)).seq as usize;
        }
        n
    });
    let result = result_from_items(items.clone());
    let c = best(|| {
        let mut list = std::ptr::null_mut();
        // SAFETY: a live result and a writable out-pointer; the list is freed once.
        unsafe {
            let code = imap_parse_fetch(result, &mut list);
            assert_eq!(code as i32, 0);
            imap_fetch_list_free(black_box(list));
        }
    });
    // SAFETY: made by result_from_items, freed once.
    unsafe { imap_result_free(result) };
    let per_msg = |d: Duration| d.as_nanos() as f64 / MESSAGES as f64;
    println!(
        "{name:>16}: {:>6.1} MB wire, {:>5.1} MB examined, {MESSAGES} messages | CRLF scan {:>7.1} MB/s | framing {:>7.1} MB/s",
        wire.len() as f64 / 1e6,
        seen as f64 / 1e6,
        mbps(wire.len(), scan),
        mbps(wire.len(), framing),
    );
    println!(
        "{:>16}  parse_fetch {:>7.1} MB/s wire, {:>7.1} MB/s examined, {:>6.0} ns/message, parse/scan time {:.1}x",
        "",
        mbps(wire.len(), parse),
        mbps(seen, parse),
        per_msg(parse),
        parse.as_secs_f64() / scan.as_secs_f64(),
    );
    println!(
        "{:>16}  parse message by message, each dropped at once {:>7.1} MB/s examined, {:>6.0} ns/message",
        "",
        mbps(seen, each),
        per_msg(each),
    );
    println!(
        "{:>16}  C imap_parse_fetch + imap_fetch_list_free {:>7.1} MB/s wire, {:>7.1} MB/s examined, {:>6.0} ns/message, {:.1} ms for {MESSAGES}",
        "",
        mbps(wire.len(), c),
        mbps(seen, c),
        per_msg(c),
        c.as_secs_f64() * 1e3,
    );
}

fn main() {
    // `cargo bench` passes `--bench`; a plain `cargo test --benches` run passes nothing and
    // should stay quick.
    if !std::env::args().any(|a| a == "--bench") {
        println!("parse bench: run with `cargo bench --bench parse`");
        return;
    }
    // For profilers: `PARSE_PROFILE=rust|c|lit-rust|lit-c` runs only that path over the
    // structure-heavy (or literal-heavy) data, `PARSE_PROFILE_RUNS` times (20).
    if let Ok(which) = std::env::var("PARSE_PROFILE") {
        let items = frame(&if which.starts_with("lit") {
            literal_heavy()
        } else {
            structure_heavy()
        });
        let result = result_from_items(items.clone());
        let runs = std::env::var("PARSE_PROFILE_RUNS")
            .ok()
            .and_then(|r| r.parse().ok())
            .unwrap_or(20);
        for _ in 0..runs {
            if which.ends_with('c') {
                let mut list = std::ptr::null_mut();
                // SAFETY: a live result and a writable out-pointer; the list is freed once.
                unsafe {
                    imap_parse_fetch(result, &mut list);
                    imap_fetch_list_free(black_box(list));
                }
            } else {
                black_box(parse_fetch(black_box(&items)));
            }
        }
        // SAFETY: made by result_from_items, freed once.
        unsafe { imap_result_free(result) };
        return;
    }
    println!("best of {RUNS} runs each");
    run("literal-heavy", literal_heavy());
    run("structure-heavy", structure_heavy());
}
