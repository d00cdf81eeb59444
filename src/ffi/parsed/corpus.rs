//! The quirk corpus (`tests/quirks/`, one file per real-server case, see its README): each
//! file's server bytes go through the framer and the response assembler as on a connection,
//! then through `parse_fetch` and `imap_parse_fetch`. The parsed data must stay one to one
//! with what the server sent (message counts, address entries, section sizes) and every
//! quirk accepted must be recorded, the same in Rust and in C.

use super::fetch::{
    imap_fetch_list_free, imap_parse_fetch, ImapAddress, ImapAddressKind, ImapFetchList,
    ImapFetchMessage,
};
use crate::ffi::code::ImapCode;
use crate::ffi::result::ImapResult;
use crate::proto::framer::BufferSink;
use crate::proto::parse::Line;
use crate::proto::parsed::fetch::parse_fetch;
use crate::proto::parsed::Quirks;
use crate::proto::response::{Assembler, Item};
use crate::proto::Limits;
use crate::session::Outcome;
use std::path::Path;
use std::ptr;

/// The FETCH data of `wire`, as the session would store it.
fn fetch_items(wire: &[u8]) -> Vec<Item> {
    let limits = Limits::default();
    let mut asm = Assembler::new(&limits);
    asm.feed(wire);
    let mut sink = BufferSink::new(limits.max_literal);
    let mut items = Vec::new();
    while let Some(resp) = asm.next(&mut sink).expect("the corpus frames") {
        match resp.classify().expect("the corpus classifies") {
            Line::Untagged { name, data } if name == "FETCH" => {
                items.extend(resp.into_items(data));
            }
            other => panic!("not a FETCH response: {other:?}"),
        }
    }
    assert!(asm.idle(), "bytes left over");
    items
}

fn kinds(list: *const *const ImapAddress, count: usize) -> String {
    // SAFETY: `count` entries at `list`, owned by the live FETCH list.
    unsafe { super::elements(list, count) }
        .map(|a| match a.kind {
            ImapAddressKind::Mailbox => 'M',
            ImapAddressKind::GroupStart => 'S',
            ImapAddressKind::GroupEnd => 'E',
        })
        .collect()
}

fn quirks_named(spec: &str) -> Quirks {
    let mut q = Quirks::NONE;
    if spec == "none" {
        return q;
    }
    for name in spec.split('|') {
        let (bit, _) = Quirks::ALL
            .iter()
            .find(|(_, n)| *n == name)
            .unwrap_or_else(|| panic!("unknown quirk {name}"));
        q |= *bit;
    }
    q
}

fn check_file(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).expect("corpus file");
    let mut wire = Vec::new();
    let mut expects = Vec::new();
    let mut server = None;
    for line in text.lines() {
        if let Some(c) = line.strip_prefix('#') {
            let c = c.trim();
            if let Some(e) = c.strip_prefix("expect ") {
                let (k, v) = e.split_once(' ').expect("expect KEY VALUE");
                expects.push((k.to_string(), v.trim().to_string()));
            } else if let Some(s) = c.strip_prefix("server:") {
                server = Some(s.trim().to_string());
            }
        } else {
            wire.extend_from_slice(line.as_bytes());
            wire.extend_from_slice(b"\r\n");
        }
    }
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let mut fails = Vec::new();
    if server.is_none() {
        fails.push(format!("{name}: no '# server:' line"));
    }
    if expects.is_empty() {
        fails.push(format!("{name}: no expectations"));
    }

    let items = fetch_items(&wire);
    let msgs = parse_fetch(&items);
    let result = ImapResult::new(Outcome {
        typ: "OK".into(),
        data: items.clone(),
        tagged: None,
    });
    let mut list: *mut ImapFetchList = ptr::null_mut();
    // SAFETY: a live result and a writable out-pointer.
    let code = unsafe { imap_parse_fetch(&*result, &mut list) };
    // SAFETY: imap_parse_fetch gave a list (it always does for a live result).
    let l = unsafe { &*list };
    // SAFETY: `count` messages at `messages`, owned by `list`.
    let cmsgs: Vec<&ImapFetchMessage> = unsafe { super::elements(l.messages, l.count) }.collect();
    let valid = msgs.iter().filter(|m| m.invalid.is_none()).count();
    let want_code = if valid == msgs.len() {
        ImapCode::Ok
    } else {
        ImapCode::Parse
    };
    if code != want_code {
        fails.push(format!("{name}: imap_parse_fetch gave {code:?}"));
    }
    if cmsgs.len() != msgs.len() {
        fails.push(format!("{name}: C has {} messages", cmsgs.len()));
    }
    for (m, c) in msgs.iter().zip(&cmsgs) {
        if c.quirks != m.quirks.0 || c.valid != i32::from(m.invalid.is_none()) {
            fails.push(format!("{name}: C and Rust disagree on message {}", m.seq));
        }
    }
    let (first, cfirst) = (msgs.first(), cmsgs.first().copied());
    for (key, want) in &expects {
        let got = match key.as_str() {
            "messages" => msgs.len().to_string(),
            "valid" => valid.to_string(),
            "quirks" => {
                let q = first.map_or(Quirks::NONE, |m| m.quirks);
                if q == quirks_named(want) {
                    want.clone()
                } else {
                    format!("{:?}", q.names())
                }
            }
            "section" => first
                .and_then(|m| m.sections.first())
                .map_or("none".into(), |s| match &s.data {
                    crate::proto::parsed::SectionData::Bytes(b) => b.len().to_string(),
                    other => format!("{other:?}"),
                }),
            "body-children" => first
                .and_then(|m| m.body_structure.as_ref())
                .map_or("none".into(), |b| b.children.len().to_string()),
            list => match cfirst.map(|c| c.envelope) {
                Some(e) if !e.is_null() => {
                    // SAFETY: a non-NULL envelope of the live list.
                    let e = unsafe { &*e };
                    match list {
                        "from" => kinds(e.from, e.from_count),
                        "sender" => kinds(e.sender, e.sender_count),
                        "reply_to" => kinds(e.reply_to, e.reply_to_count),
                        "to" => kinds(e.to, e.to_count),
                        "cc" => kinds(e.cc, e.cc_count),
                        "bcc" => kinds(e.bcc, e.bcc_count),
                        other => panic!("{name}: unknown expectation {other}"),
                    }
                }
                _ => "no envelope".into(),
            },
        };
        if &got != want {
            fails.push(format!("{name}: {key}: got {got}, want {want}"));
        }
    }
    // SAFETY: freed once.
    unsafe { imap_fetch_list_free(list) };
    fails
}

#[test]
fn every_corpus_case_parses_one_to_one_with_its_quirks_recorded() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/quirks");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/quirks")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    assert!(files.len() >= 8, "the corpus is missing: {files:?}");
    let fails: Vec<String> = files.iter().flat_map(|f| check_file(f)).collect();
    assert!(fails.is_empty(), "\n{}", fails.join("\n"));
}
