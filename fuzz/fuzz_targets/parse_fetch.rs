//! Feeds arbitrary bytes to the framer and assembler (as a server stream) and to the
//! parsed-results layer, shaped as the engine delivers them.
//!
//! The input is cut at `\n` into segments; a segment whose first byte is odd becomes a
//! literal item (header = first half, literal = second half), others become lines. Every
//! parser must return (an error is fine) without panicking, overflowing the stack or
//! allocating from a number in the input.
//!
//! Run: `cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run parse_fetch -- -max_total_time=30`
//! (or `cargo +nightly fuzz run parse_fetch`).
#![no_main]

use imap::parsed::{self, mailbox};
use imap::proto::framer::{BufferSink, LiteralData};
use imap::proto::response::Assembler;
use imap::proto::Limits;
use imap::Item;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The engine's own framing first: the bytes as a server stream, under small limits.
    let limits = Limits {
        max_line: 4096,
        max_literal: 65536,
        max_response: 1 << 20,
        max_untagged: 1 << 20,
    };
    let mut asm = Assembler::new(&limits);
    let mut sink = BufferSink::new(limits.max_literal);
    asm.feed(data);
    while let Ok(Some(resp)) = asm.next(&mut sink) {
        let _ = resp.classify();
        let items = resp.into_items(Vec::new());
        let _ = parsed::parse_fetch(&items);
    }
    let mut items = Vec::new();
    for seg in data.split(|&b| b == b'\n') {
        match seg.first() {
            Some(b) if b & 1 == 1 && seg.len() > 1 => {
                let (h, l) = seg[1..].split_at((seg.len() - 1) / 2);
                items.push(Item::Literal(h.to_vec(), LiteralData::Bytes(l.to_vec())));
            }
            _ => items.push(Item::Line(seg.to_vec())),
        }
    }
    let _ = parsed::parse_fetch(&items);
    let _ = mailbox::parse_list(&items);
    let _ = mailbox::parse_status(&items);
    let _ = mailbox::parse_thread(&items);
    let _ = mailbox::parse_esearch(&items);
    let _ = mailbox::parse_search(&items);
    let _ = mailbox::esearch_tag(data);
    let _ = parsed::parse_vanished(&items);
    let _ = mailbox::parse_metadata(&items);
    let _ = mailbox::parse_namespace(&items);
    let _ = parsed::utf7::decode(data);
    let _ = parsed::rfc2047::decode(data);
    let _ = parsed::ResponseCode::from_text(data);
});
