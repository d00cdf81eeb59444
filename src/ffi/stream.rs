//! Streaming literals: large message bodies handed to the caller chunk by chunk, in constant
//! memory, instead of being buffered in the result.

use super::client::{configure, ImapClient};
use super::code::ImapCode;
use crate::proto::framer::{LiteralChunk, StreamSink};
use std::ffi::c_void;

/// Literal callback for `imap_set_literal_callback`: one chunk of a literal of `size` bytes,
/// `offset` bytes into it, announced by `line` (for example `* 7 FETCH (UID 42 BODY[] {1234}`,
/// which tells which message and item it is). A literal of size 0 gets one call with
/// `chunk_len` 0. All pointers are valid during the call only. Return 0 to go on; non-zero
/// stops the transfer: the call then fails with `IMAP_CODE_ABORT` and the connection is
/// closed (the rest of the response cannot be skipped safely). Called only on the thread of
/// the call in progress, during it.
pub type ImapLiteralFn = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        line: *const u8,
        line_len: usize,
        size: u64,
        offset: u64,
        chunk: *const u8,
        chunk_len: usize,
    ) -> i32,
>;

struct Target {
    f: unsafe extern "C" fn(*mut c_void, *const u8, usize, u64, u64, *const u8, usize) -> i32,
    user_data: *mut c_void,
}

// SAFETY: the callback runs only on the thread of the call in progress (which holds the
// session); the caller promised `user_data` is usable there until the callback is replaced.
unsafe impl Send for Target {}

impl Target {
    /// Passes one chunk on; `true` to go on.
    fn call(&self, c: LiteralChunk<'_>) -> bool {
        // SAFETY: the caller's callback, with pointers valid for the call.
        let rc = unsafe {
            (self.f)(
                self.user_data,
                c.line.as_ptr(),
                c.line.len(),
                c.size,
                c.offset,
                c.data.as_ptr(),
                c.data.len(),
            )
        };
        rc == 0
    }
}

/// Streams every literal of at least `min_size` bytes that any later call receives (FETCH
/// bodies, UID FETCH, IDLE updates...) to `callback` instead of buffering it: memory stays
/// constant whatever the message size. In the results such a literal is an
/// `IMAP_ITEM_KIND_LITERAL` item whose `literal` is NULL and whose `literal_len` is its size.
/// Smaller literals (mailbox names, short headers) are buffered as usual. A NULL `callback`
/// restores buffering. `user_data` is passed to every call and must stay valid until the
/// callback is replaced or the handle freed.
///
/// # Safety
/// `client` is a live handle; `callback` follows `imap_literal_fn`'s contract.
#[no_mangle]
pub unsafe extern "C" fn imap_set_literal_callback(
    client: *mut ImapClient,
    callback: ImapLiteralFn,
    user_data: *mut c_void,
    min_size: u64,
) -> ImapCode {
    configure(client, |s| {
        let sink = callback.map(|f| {
            let t = Target { f, user_data };
            let forward = move |c: LiteralChunk<'_>| t.call(c);
            let max = s.config().limits.max_literal;
            Box::new(StreamSink::new(min_size, max, Box::new(forward))) as _
        });
        s.set_literal_sink(sink);
        Ok(())
    })
}
