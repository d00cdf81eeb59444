//! The panic boundary of the C ABI. A panic must never unwind into C: every `extern "C"`
//! function runs its whole body inside [`boundary`], directly or through a helper whose own
//! body is one call of [`boundary`] (the handle guard `client::guard`, `client::run`, the
//! `imap_parse_*` helpers...). `tests/panic_boundary.rs` checks this for every function.
//!
//! What a function returns when a panic is caught depends only on its return type
//! ([`OnPanic`]): `IMAP_CODE_INTERNAL` for an `imap_code`, NULL for a pointer, 0 for a number,
//! nothing for `void`. Helpers that owe the caller more (the handle guard sets the handle's
//! error and closes its connection) catch the panic themselves with [`catch`] and are built
//! on [`boundary`] all the same.

use super::client::ImapState;
use super::code::ImapCode;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// The value an `extern "C"` function returns when its body panicked.
pub(crate) trait OnPanic {
    fn on_panic() -> Self;
}

impl OnPanic for ImapCode {
    fn on_panic() -> Self {
        ImapCode::Internal
    }
}

impl OnPanic for () {
    fn on_panic() -> Self {}
}

impl<T> OnPanic for *const T {
    fn on_panic() -> Self {
        std::ptr::null()
    }
}

impl<T> OnPanic for *mut T {
    fn on_panic() -> Self {
        std::ptr::null_mut()
    }
}

/// For the helpers that compute an optional value before turning it into a C one.
impl<T> OnPanic for Option<T> {
    fn on_panic() -> Self {
        None
    }
}

/// `imap_client_state` gives `IMAP_STATE_LOGOUT` for what it cannot read (as for NULL).
impl OnPanic for ImapState {
    fn on_panic() -> Self {
        ImapState::Logout
    }
}

macro_rules! zero_on_panic {
    ($($t:ty),*) => {
        $(impl OnPanic for $t {
            fn on_panic() -> Self {
                0
            }
        })*
    };
}

zero_on_panic!(i32, i64, u32, u64, usize);

/// Runs `f`, catching a panic: `Err` carries its message. For helpers that do more than
/// return [`OnPanic::on_panic`] when a panic is caught; they are themselves run inside
/// [`boundary`].
pub(crate) fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    // Unwind safety is asserted: what a panic may leave half-changed is a session (closed by
    // the handle guard, and its lock's poisoning is cleared by closing it) or memory the
    // caller never saw (an object not yet handed out).
    catch_unwind(AssertUnwindSafe(f)).map_err(|p| panic_message(&*p))
}

/// The panic boundary: runs `f` and gives its value, or the return type's
/// [`OnPanic::on_panic`] value if it panicked.
pub(crate) fn boundary<T: OnPanic>(f: impl FnOnce() -> T) -> T {
    catch(f).unwrap_or_else(|_| T::on_panic())
}

/// Text of a caught panic.
fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

#[cfg(test)]
mod tests {
    use super::super::client::{
        guard, imap_client_close_reason, imap_client_free, imap_client_is_open, imap_client_new,
        imap_last_error, imap_set_debug, imap_string_free, ImapClient,
    };
    use super::*;
    use std::ffi::CStr;

    fn panics<T>() -> T {
        panic!("boom")
    }

    #[test]
    fn a_panic_gives_the_types_value() {
        assert_eq!(boundary(panics::<ImapCode>), ImapCode::Internal);
        assert!(boundary(panics::<*const u8>).is_null());
        assert!(boundary(panics::<*mut std::ffi::c_char>).is_null());
        assert_eq!(boundary(panics::<i32>), 0);
        assert_eq!(boundary(panics::<usize>), 0);
        assert_eq!(boundary(panics::<u64>), 0);
        assert_eq!(boundary(panics::<Option<String>>), None);
        assert_eq!(boundary(panics::<ImapState>), ImapState::Logout);
        boundary(panics::<()>);
    }

    #[test]
    fn no_panic_gives_the_functions_value() {
        assert_eq!(boundary(|| ImapCode::No), ImapCode::No);
        assert_eq!(boundary(|| 7usize), 7);
        assert_eq!(boundary(|| Some(3)), Some(3));
    }

    fn close_reason(c: *const ImapClient) -> String {
        let mut p = std::ptr::null_mut();
        // SAFETY: a live handle and a writable pointer; the string is freed below.
        unsafe {
            assert_eq!(imap_client_close_reason(c, &mut p), ImapCode::Ok);
            let r = CStr::from_ptr(p).to_str().unwrap().to_string();
            imap_string_free(p);
            r
        }
    }

    fn last_error(c: *const ImapClient) -> String {
        // SAFETY: a live handle; the message lives until this thread's next call.
        unsafe { CStr::from_ptr(imap_last_error(c)) }
            .to_str()
            .unwrap()
            .to_string()
    }

    /// A server that greets and then sends nothing more.
    struct Greeter(std::io::Cursor<&'static [u8]>);

    impl std::io::Read for Greeter {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.0.read(buf)
        }
    }

    impl std::io::Write for Greeter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// A new handle, connected to a [`Greeter`].
    fn connected() -> *mut ImapClient {
        let mut c = std::ptr::null_mut();
        // SAFETY: a writable pointer.
        assert_eq!(unsafe { imap_client_new(&mut c) }, ImapCode::Ok);
        let greeting = Greeter(std::io::Cursor::new(b"* OK [CAPABILITY IMAP4rev1] hi\r\n"));
        let code = guard(c, |h| match h.lock().open_duplex(Box::new(greeting)) {
            Ok(()) => ImapCode::Ok,
            Err(e) => panic!("{e:?}"),
        });
        assert_eq!(code, ImapCode::Ok);
        // SAFETY: a live handle.
        assert_eq!(unsafe { imap_client_is_open(c) }, 1);
        c
    }

    /// The handle guard owes more than a code: the calling thread's error names the panic, the
    /// connection is closed (its state is unknown), and the handle stays usable, also when the
    /// panic struck with the session locked.
    #[test]
    fn a_panic_on_a_handle_is_reported_and_closes_it() {
        let c = connected();
        assert_eq!(guard(c, |_| panic!("boom")), ImapCode::Internal);
        assert_eq!(last_error(c), "internal error: boom");
        // SAFETY: `c` is live until freed below.
        unsafe {
            // The accessors see it closed at once, not only after the next call.
            assert_eq!(imap_client_is_open(c), 0);
            assert_eq!(imap_set_debug(c, 0), ImapCode::Ok);
        }
        assert_eq!(close_reason(c), "internal error");

        let c2 = connected();
        let code = guard(c2, |h| {
            let _session = h.lock();
            panic!("with the lock held")
        });
        assert_eq!(code, ImapCode::Internal);
        assert_eq!(last_error(c2), "internal error: with the lock held");
        // SAFETY: `c2` is live until freed below.
        unsafe {
            // The next call finds the session poisoned, closes it and goes on.
            assert_eq!(imap_set_debug(c2, 0), ImapCode::Ok);
            assert_eq!(imap_client_is_open(c2), 0);
        }
        assert_eq!(close_reason(c2), "internal error");

        assert_eq!(
            guard(std::ptr::null(), |_| panic!("never")),
            ImapCode::InvalidArgument
        );
        // SAFETY: live handles, freed once.
        unsafe {
            imap_client_free(c);
            imap_client_free(c2);
        }
    }

    #[test]
    fn catch_gives_the_message() {
        assert_eq!(catch(|| panic!("at {}", 3)), Err::<(), _>("at 3".into()));
        assert_eq!(
            catch(|| std::panic::panic_any(5u8)),
            Err::<(), _>("unknown panic".into())
        );
        assert_eq!(catch(|| 1), Ok(1));
    }
}
