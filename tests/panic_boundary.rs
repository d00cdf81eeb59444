//! No panic may cross the C ABI: every public `extern "C"` function of src/ffi runs its whole
//! body inside the one panic boundary, `ffi::panic::boundary`. A scan of the sources checks
//! it: each such function's body is a single call, either of `boundary` or of a helper of
//! src/ffi whose own body follows the same rule (the handle guard `guard`, `run`,
//! `configure`, `parse_result`...), so every path leads into `boundary` before any work.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use syn::{Block, Expr, Item, ItemMod, Stmt};

/// The functions of a set of sources: the public `extern "C"` ones, and the others by name.
#[derive(Default)]
struct Fns {
    /// (where, name, body) of each public `extern "C"` function.
    externs: Vec<(String, String, Block)>,
    /// Every other function (free or in an `impl`), by name: all bodies of that name.
    helpers: BTreeMap<String, Vec<(String, Block)>>,
    /// `#[no_mangle]` functions that are not public `extern "C"` ones.
    strays: Vec<String>,
}

fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && a.parse_args::<syn::Path>()
                .is_ok_and(|p| p.is_ident("test"))
    })
}

fn is_no_mangle(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("no_mangle"))
}

fn is_extern_c(sig: &syn::Signature) -> bool {
    sig.abi
        .as_ref()
        .is_some_and(|abi| abi.name.as_ref().is_some_and(|n| n.value() == "C"))
}

impl Fns {
    fn add_items(&mut self, file: &str, items: &[Item]) {
        for item in items {
            match item {
                Item::Fn(f) if is_cfg_test(&f.attrs) => {}
                Item::Fn(f) => {
                    let name = f.sig.ident.to_string();
                    let public = matches!(f.vis, syn::Visibility::Public(_));
                    if public && is_extern_c(&f.sig) {
                        self.externs.push((file.into(), name, (*f.block).clone()));
                    } else {
                        if is_no_mangle(&f.attrs) {
                            self.strays.push(format!("{file}: {name}"));
                        }
                        self.helpers
                            .entry(name)
                            .or_default()
                            .push((file.into(), (*f.block).clone()));
                    }
                }
                Item::Impl(i) if !is_cfg_test(&i.attrs) => {
                    for ii in &i.items {
                        if let syn::ImplItem::Fn(f) = ii {
                            if is_no_mangle(&f.attrs) {
                                self.strays.push(format!("{file}: {}", f.sig.ident));
                            }
                            self.helpers
                                .entry(f.sig.ident.to_string())
                                .or_default()
                                .push((file.into(), f.block.clone()));
                        }
                    }
                }
                Item::Mod(ItemMod {
                    attrs,
                    content: Some((_, items)),
                    ..
                }) if !is_cfg_test(attrs) => self.add_items(file, items),
                _ => {}
            }
        }
    }

    fn add_source(&mut self, file: &str, source: &str) {
        let parsed = syn::parse_file(source).unwrap_or_else(|e| panic!("{file}: {e}"));
        self.add_items(file, &parsed.items);
    }

    /// The name of the function a body is one call of, if it is.
    fn single_call(body: &Block) -> Option<String> {
        let [Stmt::Expr(Expr::Call(call), None)] = body.stmts.as_slice() else {
            return None;
        };
        let Expr::Path(p) = &*call.func else {
            return None;
        };
        p.path.segments.last().map(|s| s.ident.to_string())
    }

    /// Why `body` is not routed through the boundary, if it is not.
    fn unrouted(&self, body: &Block, checking: &mut BTreeSet<String>) -> Option<String> {
        let Some(callee) = Self::single_call(body) else {
            return Some("its body is not one call of the boundary or of a guard".into());
        };
        if callee == "boundary" {
            return None;
        }
        let Some(defs) = self.helpers.get(&callee) else {
            return Some(format!(
                "it calls `{callee}`, which is not a guard of src/ffi"
            ));
        };
        if !checking.insert(callee.clone()) {
            // A cycle never reaches the boundary.
            return Some(format!("`{callee}` calls itself without the boundary"));
        }
        let why = defs.iter().find_map(|(file, b)| {
            self.unrouted(b, checking)
                .map(|why| format!("it calls `{callee}` ({file}), and there {why}"))
        });
        checking.remove(&callee);
        why
    }

    /// Every public `extern "C"` function not routed through the boundary, with the reason.
    fn violations(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .externs
            .iter()
            .filter_map(|(file, name, body)| {
                self.unrouted(body, &mut BTreeSet::new())
                    .map(|why| format!("{file}: {name}: {why}"))
            })
            .collect();
        v.extend(
            self.strays
                .iter()
                .map(|s| format!("{s}: #[no_mangle] but not a `pub extern \"C\" fn`")),
        );
        v
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ffi") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_extern_fn_runs_inside_the_panic_boundary() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src/ffi"), &mut files);
    let mut fns = Fns::default();
    for path in &files {
        let source = std::fs::read_to_string(path).expect("source");
        let name = path
            .strip_prefix(root)
            .unwrap_or(path)
            .display()
            .to_string();
        fns.add_source(&name, &source);
    }
    // The scan sees the ABI: well over a hundred functions, and the boundary itself.
    assert!(fns.externs.len() > 150, "{} functions", fns.externs.len());
    assert!(
        fns.helpers
            .get("boundary")
            .is_some_and(|d| d.iter().all(|(f, _)| f.ends_with("ffi/panic.rs"))),
        "`boundary` is defined in src/ffi/panic.rs only"
    );
    let bad = fns.violations();
    assert!(
        bad.is_empty(),
        "functions not routed through the panic boundary:\n{}",
        bad.join("\n")
    );
}

/// The scan tells routed functions from the others.
#[test]
fn the_scan_finds_a_function_outside_the_boundary() {
    let mut fns = Fns::default();
    fns.add_source(
        "sample.rs",
        r#"
        fn boundary<T>(f: impl FnOnce() -> T) -> T { f() }
        fn guard(f: impl FnOnce() -> i32) -> i32 { boundary(|| f()) }
        fn loose(f: impl FnOnce() -> i32) -> i32 { f() }
        fn twice() -> i32 { let x = 1; boundary(|| x) }
        fn cycle() -> i32 { cycle() }
        #[no_mangle] pub extern "C" fn direct() -> i32 { boundary(|| 1) }
        #[no_mangle] pub unsafe extern "C" fn via_guard() -> i32 { guard(|| 1) }
        #[no_mangle] pub extern "C" fn bare() -> i32 { 1 }
        #[no_mangle] pub extern "C" fn via_loose() -> i32 { loose(|| 1) }
        #[no_mangle] pub extern "C" fn via_twice() -> i32 { twice() }
        #[no_mangle] pub extern "C" fn via_cycle() -> i32 { cycle() }
        #[no_mangle] pub extern "C" fn unknown() -> i32 { elsewhere(|| 1) }
        #[no_mangle] pub extern "C" fn prefix() -> i32 { let _ = 0; boundary(|| 1) }
        #[no_mangle] extern "C" fn hidden() -> i32 { boundary(|| 1) }
        #[cfg(test)] mod tests { #[no_mangle] pub extern "C" fn in_test() {} }
        "#,
    );
    let bad = fns.violations();
    let named: Vec<&str> = bad
        .iter()
        .map(|l| l.split(": ").nth(1).unwrap_or(""))
        .collect();
    assert_eq!(
        named,
        [
            "bare",
            "via_loose",
            "via_twice",
            "via_cycle",
            "unknown",
            "prefix",
            "hidden"
        ],
        "{bad:#?}"
    );
}
