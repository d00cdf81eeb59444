// The cdylib gets a SONAME so that C programs link against the major version.
fn main() {
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_else(|_| "0".into());
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libimap.so.{major}");
    println!("cargo:rerun-if-changed=build.rs");
}
