//! include/imap.h must match what cbindgen generates from the sources.
//! `IMAP_BLESS=1 cargo test --test header` rewrites it.

use std::path::Path;

#[test]
fn header_is_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(root.join("cbindgen.toml")).expect("cbindgen.toml");
    let mut generated = Vec::new();
    cbindgen::Builder::new()
        .with_crate(root)
        .with_config(config)
        .generate()
        .expect("cbindgen failed")
        .write(&mut generated);
    let path = root.join("include/imap.h");
    if std::env::var_os("IMAP_BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "include/imap.h is stale: run `IMAP_BLESS=1 cargo test --test header`"
    );
}

/// Every function and callback type in include/imap.h has a doc comment right above it.
#[test]
fn every_function_is_documented() {
    let header =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("include/imap.h"))
            .expect("include/imap.h");
    let lines: Vec<&str> = header.lines().collect();
    let undocumented: Vec<&str> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            let name = l.split('(').next().unwrap_or("").rsplit([' ', '*']).next();
            let declares = l.contains("(*imap_")
                || (l.contains('(') && name.is_some_and(|n| n.starts_with("imap_")));
            !l.starts_with([' ', '*', '/', '#']) && declares && l.trim_end().ends_with(';')
        })
        .filter(|(i, _)| *i == 0 || lines[i - 1].trim() != "*/")
        .map(|(_, l)| *l)
        .collect();
    assert!(
        undocumented.is_empty(),
        "undocumented in imap.h: {undocumented:#?}"
    );
}
