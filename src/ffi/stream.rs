//! Streaming literals: large message bodies handed to the caller chunk by chunk, in constant
//! memory, instead of being buffered in the result.

use super::client::{configure, ImapClient};
use super::code::ImapCode;
use super::pipeline::run_pipelined;
use super::result::ImapResult;
use super::{opt_text, texts};
use crate::proto::encode::Arg;
use crate::proto::framer::{LiteralChunk, StreamSink};
use crate::session::{append_flags, Error, ErrorKind, MessageSource, ProgressFn, Way};
use std::ffi::{c_char, c_void};

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
/// restores buffering. This replaces an allocator set with `imap_set_literal_allocator`. `user_data` is passed to every call and must stay valid until the
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

/// Which way a transfer reported to an `imap_progress_fn` goes.
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, libimap_derive::CEnum)]
pub enum ImapTransfer {
    /// A literal from the server: a FETCH body, any literal of a response.
    Download = 0,
    /// A literal to the server: an APPEND message, any literal argument.
    Upload = 1,
}

/// Progress callback for `imap_set_progress_callback`: `done` of `total` bytes of the literal
/// moving now, one call per chunk (a socket read's or write's worth) and a last call with
/// `done == total`. Enough for a progress bar: a FETCH of several messages reports each
/// body's literal in turn (the FETCH line announcing it is known to the literal callback, if
/// one is set). Called on the thread of the call in progress, during it; it must not call
/// libimap on the same handle.
pub type ImapProgressFn =
    Option<unsafe extern "C" fn(user_data: *mut c_void, way: ImapTransfer, done: u64, total: u64)>;

/// Read callback for `imap_append_stream`: writes up to `len` bytes of the message at `buf`
/// and returns how many (at least 1 while the message lasts), 0 when the message has ended,
/// or -1 on an error. Called on the thread of the call, during it.
pub type ImapReadFn =
    Option<unsafe extern "C" fn(user_data: *mut c_void, buf: *mut u8, len: usize) -> i64>;

/// A C pointer moved to the thread of the call (the caller's contract for `user_data`).
struct UserData(*mut c_void);

// SAFETY: used only on the thread of the call in progress; the caller promised `user_data`
// is usable there for as long as the callback is set (or the call lasts).
unsafe impl Send for UserData {}

/// Reports the progress of every literal received or sent by later calls to `callback`
/// (`imap_progress_fn`): downloads (FETCH bodies, streamed or buffered) and uploads (APPEND
/// messages, literal arguments). NULL stops the reports. `user_data` is passed to every call
/// and must stay valid until the callback is replaced or the handle freed.
///
/// # Safety
/// `client` is a live handle; `callback` follows `imap_progress_fn`'s contract.
#[no_mangle]
pub unsafe extern "C" fn imap_set_progress_callback(
    client: *mut ImapClient,
    callback: ImapProgressFn,
    user_data: *mut c_void,
) -> ImapCode {
    configure(client, |s| {
        s.set_progress(callback.map(|f| {
            let data = UserData(user_data);
            Box::new(move |way: Way, done: u64, total: u64| {
                let way = match way {
                    Way::Download => ImapTransfer::Download,
                    Way::Upload => ImapTransfer::Upload,
                };
                let data = &data;
                // SAFETY: the caller's callback and user data, on the thread of the call.
                unsafe { f(data.0, way, done, total) }
            }) as ProgressFn
        }));
        Ok(())
    })
}

/// The mailbox, flag list and date of an APPEND.
type AppendArgs<'a> = (Option<&'a str>, Option<Arg>, Option<&'a str>);

/// The mailbox, flag list and date of the APPEND calls, checked.
///
/// # Safety
/// As `imap_append_flags`'s.
unsafe fn append_args<'a>(
    mailbox: *const c_char,
    flags: *const *const c_char,
    nflags: usize,
    date_time: *const c_char,
) -> Result<AppendArgs<'a>, Error> {
    let mailbox = opt_text(mailbox, "mailbox")?;
    let flags = texts(flags, nflags, "flags")?;
    let date_time = opt_text(date_time, "date_time")?;
    Ok((mailbox, append_flags(&flags)?, date_time))
}

/// APPEND of a message of exactly `size` bytes that `read` supplies while it is sent
/// (`imap_read_fn`), a chunk at a time: memory stays constant whatever the size (a 100 MiB
/// message costs one 64 KiB buffer). As `imap_append_flags` otherwise (`mailbox` NULL is
/// INBOX, `nflags` flags checked the same way, `date_time` NULL or a quoted date), except
/// that the bytes go as they come, without imaplib's LF to CRLF conversion: give the message
/// with CRLF line ends (RFC 5322). When the server refuses the command before asking for the
/// message (NO, BAD), `read` is never called and the answer is the result. When `read` fails
/// (-1) or ends before `size` bytes, the server is left in the middle of a literal that cannot
/// be cut short: the call fails with IMAP_CODE_ABORT, its message says how many bytes went
/// out, the connection is closed, and nothing was appended. Progress goes to the
/// `imap_set_progress_callback` callback, if one is set.
///
/// # Safety
/// As `imap_append_flags`; `read` follows `imap_read_fn`'s contract with `user_data`.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn imap_append_stream(
    client: *mut ImapClient,
    mailbox: *const c_char,
    flags: *const *const c_char,
    nflags: usize,
    date_time: *const c_char,
    size: u64,
    read: ImapReadFn,
    user_data: *mut c_void,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run_pipelined(client, out, |s| {
        let (mailbox, flags, date_time) = append_args(mailbox, flags, nflags, date_time)?;
        let Some(read) = read else {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                "read must not be NULL",
            ));
        };
        let data = UserData(user_data);
        let source: MessageSource = Box::new(move |buf: &mut [u8]| {
            let data = &data;
            // SAFETY: the caller's callback, with a buffer valid for `buf.len()` bytes.
            let n = unsafe { read(data.0, buf.as_mut_ptr(), buf.len()) };
            match usize::try_from(n) {
                Ok(n) if n <= buf.len() => Ok(n),
                Ok(n) => Err(std::io::Error::other(format!(
                    "the read callback returned {n} for a buffer of {} bytes",
                    buf.len()
                ))),
                Err(_) => Err(std::io::Error::other("the read callback reported an error")),
            }
        });
        s.append_source(mailbox, flags, date_time, size, source)
    })
}

/// As `imap_append_stream`, reading the message from the file descriptor `fd` (a file, a pipe,
/// a socket; it stays open and the caller's): exactly `size` bytes are read from where it
/// stands. Each read waits at most the I/O timeout (`imap_set_timeouts`); a descriptor that
/// ends early, fails or stalls ends the call with IMAP_CODE_ABORT as `imap_append_stream`'s
/// failing callback does. A negative `fd` is INVALID_ARGUMENT.
///
/// # Safety
/// As `imap_append_flags`; `fd` is a descriptor the caller owns and keeps open during the call.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn imap_append_fd(
    client: *mut ImapClient,
    mailbox: *const c_char,
    flags: *const *const c_char,
    nflags: usize,
    date_time: *const c_char,
    size: u64,
    fd: i32,
    out: *mut *mut ImapResult,
) -> ImapCode {
    run_pipelined(client, out, |s| {
        let (mailbox, flags, date_time) = append_args(mailbox, flags, nflags, date_time)?;
        if fd < 0 {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!("fd: {fd} is not a file descriptor"),
            ));
        }
        s.append_fd(mailbox, flags, date_time, size, fd)
    })
}
