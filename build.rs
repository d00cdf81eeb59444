// The cdylib gets a SONAME so that C programs link against the major version, and is marked
// NODELETE: libimap keeps per-thread state (each calling thread's last error) whose destructor
// runs when that thread exits, which may be after the program unloaded the library (Node's
// FFI unloads it at exit while libuv's worker threads, which made calls, are still running);
// the library therefore stays mapped until the process ends.
fn main() {
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_else(|_| "0".into());
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libimap.so.{major}");
    println!("cargo:rustc-cdylib-link-arg=-Wl,-z,nodelete");
    println!("cargo:rerun-if-changed=build.rs");
}
