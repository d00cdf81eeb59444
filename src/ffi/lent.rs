//! Literals read straight into memory the caller lends: for bindings that own their memory
//! (a Python `bytes` object, a managed buffer), so a message body is written once, where it
//! is used, instead of into the library's buffer and then copied.

use super::client::configure;
use super::client::ImapClient;
use super::code::ImapCode;
use crate::proto::framer::{AllocSink, ExternalBytes};
use crate::session::Error;
use std::ffi::c_void;
use std::sync::Arc;

/// Allocator for `imap_set_literal_allocator`: a buffer of exactly `size` bytes (at least 1)
/// for a literal about to be read, and in `*handle` the caller's token for it (passed back to
/// the release function, and shown in the item's `literal_handle`). Return NULL to have this
/// literal buffered by the library as usual. Called on the thread of the call in progress,
/// during it; it must not call libimap on the same handle.
pub type ImapAllocFn = Option<
    unsafe extern "C" fn(user_data: *mut c_void, size: usize, handle: *mut *mut c_void) -> *mut u8,
>;

/// Release function for `imap_set_literal_allocator`: the library is done with the buffer of
/// `handle` (its item was freed, or the literal was cut short). Called exactly once for every
/// buffer the allocator gave, on the thread that drops it: during a call, or in
/// `imap_result_free`, `imap_client_free` or `imap_set_literal_allocator`. It must not call
/// libimap.
pub type ImapReleaseFn = Option<unsafe extern "C" fn(user_data: *mut c_void, handle: *mut c_void)>;

/// The caller's allocator, shared by every buffer it lent (which may outlive its setting).
struct Lender {
    alloc: unsafe extern "C" fn(*mut c_void, usize, *mut *mut c_void) -> *mut u8,
    release: unsafe extern "C" fn(*mut c_void, *mut c_void),
    user_data: *mut c_void,
}

// SAFETY: the caller promised the functions and `user_data` are usable from the threads that
// call and free (the documented contract), until every lent buffer is released.
unsafe impl Send for Lender {}
unsafe impl Sync for Lender {}

/// A buffer lent by the caller: `len` bytes at `ptr`, given back once when dropped.
#[derive(Debug)]
struct LentBuffer {
    ptr: *mut u8,
    len: usize,
    handle: *mut c_void,
    lender: Arc<Lender>,
}

impl std::fmt::Debug for Lender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Lender")
    }
}

// SAFETY: the buffer is the library's alone until it is released (the allocator's contract).
unsafe impl Send for LentBuffer {}

impl ExternalBytes for LentBuffer {
    fn bytes(&self) -> &[u8] {
        // SAFETY: the allocator gave `len` writable bytes at `ptr`, held until release.
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }

    fn bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `bytes`; `&mut self` makes this the only view.
        unsafe { std::slice::from_raw_parts_mut(self.ptr, self.len) }
    }

    fn handle(&self) -> usize {
        self.handle as usize
    }
}

impl Drop for LentBuffer {
    fn drop(&mut self) {
        // SAFETY: the caller's release function, once for this buffer.
        unsafe { (self.lender.release)(self.lender.user_data, self.handle) }
    }
}

/// Reads every literal of at least `min_size` bytes (values below 1 count as 1) that later
/// calls receive straight into a buffer of exactly its size that `alloc` lends (no copy): the
/// item's `literal` then points into that buffer and `literal_handle` is the handle `alloc`
/// gave; `release` gets the handle back exactly once when the library is done with it (the
/// result freed, the untagged response dropped, the connection failing in the middle of the
/// literal). A buffer is asked for when the literal's first byte arrives, after the limits
/// (`IMAP_LIMIT_LITERAL`, the response and untagged limits, which count lent buffers as the
/// library's own) accepted its size. Smaller literals, and those for which `alloc` returns
/// NULL, are buffered as usual (`literal_handle` NULL). A NULL `alloc` restores buffering
/// (buffers lent earlier are still released as their items go). This replaces a callback set
/// with `imap_set_literal_callback`, and the other way round. `user_data` is passed to both
/// functions and must stay valid until every lent buffer has been released. Meant for
/// bindings that own their memory (the Python package); the Go and Node bindings do not use
/// it.
///
/// # Safety
/// `client` is a live handle; `alloc` and `release` follow `imap_alloc_fn`'s and
/// `imap_release_fn`'s contracts.
#[no_mangle]
pub unsafe extern "C" fn imap_set_literal_allocator(
    client: *mut ImapClient,
    alloc: ImapAllocFn,
    release: ImapReleaseFn,
    user_data: *mut c_void,
    min_size: u64,
) -> ImapCode {
    configure(client, |s| {
        let Some(alloc) = alloc else {
            s.set_literal_sink(None);
            return Ok(());
        };
        let Some(release) = release else {
            return Err(Error::invalid(
                "imap_set_literal_allocator: release is NULL (every lent buffer is given back)",
            ));
        };
        let lender = Arc::new(Lender {
            alloc,
            release,
            user_data,
        });
        let lend = move |size: usize| -> Option<Box<dyn ExternalBytes>> {
            let mut handle: *mut c_void = std::ptr::null_mut();
            // SAFETY: the caller's allocator, with a writable handle slot.
            let ptr = unsafe { (lender.alloc)(lender.user_data, size, &mut handle) };
            if ptr.is_null() {
                return None;
            }
            Some(Box::new(LentBuffer {
                ptr,
                len: size,
                handle,
                lender: Arc::clone(&lender),
            }))
        };
        let max = s.config().limits.max_literal;
        s.set_literal_sink(Some(Box::new(AllocSink::new(
            min_size,
            max,
            Box::new(lend),
        ))));
        Ok(())
    })
}
