//! `imap_client`: the handle, its settings, accessors, last error, and interrupt.

use super::code::ImapCode;
use super::panic::{boundary, catch, OnPanic};
use super::result::ImapResult;
use super::{opt_text, text};
use crate::session::{
    Config, Error, Interrupter, Outcome, Result, Session, State, TlsMode, TlsVersion,
};
use std::collections::HashMap;
use std::ffi::{c_char, c_void, CString};
use std::ptr;
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::thread::ThreadId;
use std::time::Duration;

/// Opaque client handle. Create with `imap_client_new`, free with `imap_client_free`.
/// A handle may be used from several threads at once: commands go out one at a time, and every
/// call that waits for the server (the command calls, `imap_collect`, `imap_fetch_next`,
/// `imap_fetch_each`) waits without holding the handle, so concurrent calls are pipelined;
/// `imap_interrupt`, `imap_interrupt_clear`, `imap_wake` and the `imap_client_*` accessors run
/// alongside another call without waiting for it (the accessors report the handle as of the
/// end of the last call).
pub struct ImapClient {
    session: Mutex<Session>,
    interrupter: Arc<Interrupter>,
    /// Tickets submitted and not yet collected (`imap_pending_count`), readable without the lock.
    pub(crate) tickets: Arc<AtomicUsize>,
    last_error: Mutex<LastErrors>,
    /// What the accessors report: refreshed after every call, so reading it never waits for a
    /// command running on another thread.
    view: Mutex<View>,
}

thread_local! {
    /// Lives as long as the thread: a handle's message for a thread whose token is gone is
    /// dropped, so the messages kept never outnumber the live threads.
    static THREAD_ALIVE: Arc<()> = Arc::new(());
}

/// The message of each thread's last failed call on the handle (`imap_last_error`).
#[derive(Default)]
struct LastErrors {
    by_thread: HashMap<ThreadId, (Weak<()>, CString)>,
}

impl LastErrors {
    /// Sets the calling thread's message; forgets those of threads that have ended. Another
    /// thread's message never moves: its text lives in its own allocation, which only that
    /// thread replaces.
    fn set(&mut self, msg: CString) {
        self.by_thread
            .retain(|_, (alive, _)| alive.strong_count() > 0);
        let alive = THREAD_ALIVE.try_with(Arc::downgrade).unwrap_or_default();
        self.by_thread
            .insert(std::thread::current().id(), (alive, msg));
    }

    fn clear(&mut self) {
        self.by_thread.remove(&std::thread::current().id());
    }

    fn get(&self) -> *const c_char {
        self.by_thread
            .get(&std::thread::current().id())
            .map_or(c"".as_ptr(), |(_, m)| m.as_ptr())
    }
}

/// The handle's observable state, as of the end of the last call.
#[derive(Default)]
pub(crate) struct View {
    pub state: Option<State>,
    /// Shared with the previous view while unchanged: refreshing the view after every call
    /// costs no allocation then.
    pub capabilities: Arc<[String]>,
    pub protocol_version: Option<&'static str>,
    pub welcome: Arc<[u8]>,
    pub readonly: bool,
    pub tls: bool,
    pub open: bool,
    pub close_reason: Option<String>,
    pub utf8: bool,
    /// IMAP4rev2 is in effect (ENABLE IMAP4rev2 confirmed).
    pub imap4rev2: bool,
    /// Mailbox names from the server are UTF-8 (IMAP4rev2 or UTF-8 mode).
    pub utf8_names: bool,
    pub fd: i32,
    pub auth_mechanism: Option<&'static str>,
    pub compressed: bool,
    /// The capabilities the server confirmed with ENABLE (shared while unchanged).
    pub enabled: Arc<[String]>,
}

impl View {
    /// The session's view, sharing what has not changed since `previous`.
    fn of(s: &Session, previous: &View) -> View {
        let capabilities = if *previous.capabilities == *s.capabilities() {
            Arc::clone(&previous.capabilities)
        } else {
            s.capabilities().into()
        };
        let welcome = if *previous.welcome == *s.welcome() {
            Arc::clone(&previous.welcome)
        } else {
            s.welcome().into()
        };
        View {
            state: Some(s.state()),
            capabilities,
            protocol_version: s.protocol_version(),
            welcome,
            readonly: s.is_readonly(),
            tls: s.is_tls(),
            open: s.is_open(),
            close_reason: s.close_reason().map(str::to_owned),
            utf8: s.utf8_enabled(),
            imap4rev2: s.imap4rev2(),
            utf8_names: s.utf8_names(),
            fd: s.socket_fd(),
            auth_mechanism: s.auth_mechanism(),
            compressed: s.is_compressed(),
            enabled: if *previous.enabled == *s.enabled() {
                Arc::clone(&previous.enabled)
            } else {
                s.enabled().into()
            },
        }
    }
}

/// How `imap_open` secures the connection.
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, libimap_derive::CEnum)]
pub enum ImapTlsMode {
    /// Plain TCP (imaplib `IMAP4`, port 143).
    None = 0,
    /// TLS from the first byte (imaplib `IMAP4_SSL`, port 993).
    Implicit = 1,
    /// Plain TCP, then STARTTLS before `imap_open` returns; any failure closes the connection.
    Starttls = 2,
}

/// An `imap_tls_mode` argument, taken as the `int32_t` C may pass (see `ImapLimitArg`).
pub type ImapTlsModeArg = i32;

/// imaplib's states.
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, libimap_derive::CEnum)]
pub enum ImapState {
    Logout = 0,
    Nonauth = 1,
    Auth = 2,
    Selected = 3,
    /// Between `imap_idle_start` and `imap_idle_done` (imaplib's `IDLING`).
    Idling = 4,
}

/// cbindgen:prefix-with-name=false
/// Severity of a log message: the debug levels of `imap_set_debug`, 1 to 5. A message of level
/// N is emitted when the debug level is N or more.
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImapLogLevel {
    /// Connection events (opened, closed and why), NO/BAD/BYE responses, failures (level 1).
    ImapLogError = 1,
    /// Level 2 (nothing is logged at this level today).
    ImapLogWarn = 2,
    /// Capabilities learned (level 3).
    ImapLogInfo = 3,
    /// Every line sent and received, secrets redacted (level 4).
    ImapLogDebug = 4,
    /// Store operations and other detail (level 5).
    ImapLogTrace = 5,
}

impl ImapLogLevel {
    fn of(level: u8) -> ImapLogLevel {
        match level {
            0 | 1 => ImapLogLevel::ImapLogError,
            2 => ImapLogLevel::ImapLogWarn,
            3 => ImapLogLevel::ImapLogInfo,
            4 => ImapLogLevel::ImapLogDebug,
            _ => ImapLogLevel::ImapLogTrace,
        }
    }
}

/// Log callback: the message's level and the message, one NUL-terminated line (no CRLF),
/// valid during the call only.
pub type ImapLogFn = Option<
    unsafe extern "C" fn(user_data: *mut c_void, level: ImapLogLevel, message: *const c_char),
>;

struct LogTarget {
    f: unsafe extern "C" fn(*mut c_void, ImapLogLevel, *const c_char),
    user_data: *mut c_void,
}

impl LogTarget {
    fn emit(&self, level: u8, msg: &str) {
        let c = CString::new(msg.replace('\0', "")).unwrap_or_default();
        // SAFETY: the caller registered a callback with this signature.
        unsafe { (self.f)(self.user_data, ImapLogLevel::of(level), c.as_ptr()) }
    }
}

// SAFETY: the callback is invoked only on the thread of a call in progress on the handle,
// during that call, with the session's log lock held; the caller promised that the function
// and `user_data` may be used from any thread that calls into the handle.
unsafe impl Send for LogTarget {}

impl ImapClient {
    pub(crate) fn lock(&self) -> MutexGuard<'_, Session> {
        match self.session.lock() {
            Ok(g) => g,
            Err(poisoned) => {
                // A panic left the session in an unknown state: close it, keep the handle usable.
                let mut g = poisoned.into_inner();
                g.close("internal error");
                self.session.clear_poison();
                g
            }
        }
    }

    /// Records the message of the calling thread's failed call.
    pub(crate) fn set_error(&self, msg: &str) {
        let c = CString::new(msg.replace('\0', "")).unwrap_or_default();
        self.last_error
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .set(c);
    }

    /// Forgets the calling thread's message (`imap_last_error` gives "" until its next failure).
    pub(crate) fn clear_error(&self) {
        self.last_error
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }

    /// A copy of the calling thread's message ("" if none).
    pub(crate) fn error_text(&self) -> String {
        let errors = self.last_error.lock().unwrap_or_else(|p| p.into_inner());
        // SAFETY: `get` gives a NUL-terminated string that lives while the lock is held.
        unsafe { std::ffi::CStr::from_ptr(errors.get()) }
            .to_string_lossy()
            .into_owned()
    }

    /// Maps a session result to a code and an out-result, whose mailbox names are UTF-8 when
    /// the handle's view says so (a pipelined result, collected after its command).
    pub(crate) fn finish(&self, r: Result<Outcome>, out: *mut *mut ImapResult) -> ImapCode {
        let utf8_names = self.view.lock().is_ok_and(|v| v.utf8_names);
        self.finish_names(r, out, utf8_names)
    }

    /// [`ImapClient::finish`], saying whether the result's mailbox names are UTF-8.
    pub(crate) fn finish_names(
        &self,
        r: Result<Outcome>,
        out: *mut *mut ImapResult,
        utf8_names: bool,
    ) -> ImapCode {
        let (code, outcome) = match r {
            // The code is the call's own status: a tagged NO. The type alone says nothing
            // (`imap_response(c, "NO")` has type "NO" and worked).
            Ok(o) if o.tagged.as_ref().is_some_and(|t| t.status == "NO") => {
                let t = o
                    .tagged
                    .as_ref()
                    .map(|t| String::from_utf8_lossy(&t.text).into_owned())
                    .unwrap_or_default();
                self.set_error(&format!("NO: {t}"));
                (ImapCode::No, Some(o))
            }
            Ok(o) => (ImapCode::Ok, Some(o)),
            Err(e) => {
                self.set_error(&e.message);
                (ImapCode::from(e.kind), e.outcome.map(|o| *o))
            }
        };
        if let (Some(o), false) = (outcome, out.is_null()) {
            // SAFETY: checked non-NULL; the caller passed a writable pointer.
            unsafe {
                let mut result = ImapResult::new(o);
                result.utf8_names = utf8_names;
                *out = Box::into_raw(result);
            }
        }
        code
    }
}

/// The handle guard: the panic boundary for calls on a handle, built on [`boundary`]. A panic
/// in `f` also sets the calling thread's error ("internal error: ...") and closes the
/// connection (its state is unknown). After `f`, the accessors' view is refreshed.
pub(crate) fn guard(
    client: *const ImapClient,
    f: impl FnOnce(&ImapClient) -> ImapCode,
) -> ImapCode {
    boundary(|| {
        // SAFETY: the caller passes NULL or a live handle.
        let Some(c) = (unsafe { client.as_ref() }) else {
            return ImapCode::InvalidArgument;
        };
        let code = match catch(|| f(c)) {
            Ok(code) => code,
            Err(message) => {
                c.set_error(&format!("internal error: {message}"));
                if let Ok(mut s) = c.session.try_lock() {
                    s.close("internal error");
                }
                ImapCode::Internal
            }
        };
        // Refresh the accessors' view (after a panic closed the session, so that they report
        // it closed), unless another thread's call holds the session (its own end will
        // refresh it).
        if let Ok(s) = c.session.try_lock() {
            let mut view = c.view.lock().unwrap_or_else(|p| p.into_inner());
            *view = View::of(&s, &view);
        }
        code
    })
}

/// Runs a command on the session and delivers its result: the shared body of every command
/// function.
pub(crate) fn run(
    client: *mut ImapClient,
    out: *mut *mut ImapResult,
    f: impl FnOnce(&mut Session) -> Result<Outcome>,
) -> ImapCode {
    boundary(|| {
        if !out.is_null() {
            // SAFETY: non-NULL out-parameters are writable by contract.
            unsafe { *out = ptr::null_mut() };
        }
        guard(client, |c| {
            let (r, utf8_names) = {
                let mut s = c.lock();
                let r = f(&mut s);
                (r, s.utf8_names())
            };
            c.finish_names(r, out, utf8_names)
        })
    })
}

/// As [`run`], for calls that may have nothing to deliver: `Ok(None)` is `IMAP_CODE_OK` with
/// `*out` left NULL.
pub(crate) fn run_opt(
    client: *mut ImapClient,
    out: *mut *mut ImapResult,
    f: impl FnOnce(&mut Session) -> Result<Option<Outcome>>,
) -> ImapCode {
    boundary(|| {
        let code = run(client, out, |s| {
            f(s).map(|o| {
                o.unwrap_or(Outcome {
                    typ: String::new(),
                    data: Vec::new(),
                    tagged: None,
                })
            })
        });
        if !out.is_null() {
            // SAFETY: `run` stored NULL or a result it allocated; an empty type marks "nothing".
            unsafe {
                if let Some(r) = (*out).as_ref() {
                    if r.is_nothing() {
                        drop(Box::from_raw(*out));
                        *out = ptr::null_mut();
                    }
                }
            }
        }
        code
    })
}

/// Runs a setting or accessor that produces no result.
pub(crate) fn configure(
    client: *mut ImapClient,
    f: impl FnOnce(&mut Session) -> Result<()>,
) -> ImapCode {
    guard(client, |c| match f(&mut c.lock()) {
        Ok(()) => ImapCode::Ok,
        Err(e) => {
            c.set_error(&e.message);
            ImapCode::from(e.kind)
        }
    })
}

/// A setting: `f` changes a copy of the session's configuration, which then replaces it; an
/// error leaves the configuration as it was.
pub(crate) fn reconfigure(
    client: *mut ImapClient,
    f: impl FnOnce(&mut Config) -> Result<()>,
) -> ImapCode {
    configure(client, |s| {
        let mut cfg = s.config().clone();
        f(&mut cfg)?;
        s.set_config(cfg);
        Ok(())
    })
}

/// Creates an unconnected handle with default settings (30 s connect timeout, 60 s I/O
/// timeout and call deadline, certificate verification on, imaplib's 1,000,000-byte line
/// limit, 96 MiB for untagged responses) in `*out`.
/// Free it with `imap_client_free`.
///
/// # Safety
/// `out` is a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn imap_client_new(out: *mut *mut ImapClient) -> ImapCode {
    boundary(|| {
        if out.is_null() {
            return ImapCode::InvalidArgument;
        }
        *out = ptr::null_mut();
        let session = Session::default();
        let interrupter = session.interrupter();
        let tickets = session.ticket_count();
        let c = Box::new(ImapClient {
            session: Mutex::new(session),
            interrupter,
            tickets,
            last_error: Mutex::new(LastErrors::default()),
            view: Mutex::new(View {
                fd: -1,
                ..View::default()
            }),
        });
        *out = Box::into_raw(c);
        ImapCode::Ok
    })
}

/// Closes the connection without LOGOUT (if open) and frees the handle. NULL is ignored.
/// No other call on the handle may be in progress or follow.
///
/// # Safety
/// `client` is NULL or a handle not yet freed.
#[no_mangle]
pub unsafe extern "C" fn imap_client_free(client: *mut ImapClient) {
    boundary(|| {
        if client.is_null() {
            return;
        }
        let c = Box::from_raw(client);
        c.lock().close("freed");
    })
}

/// Connects to `host` (NULL or "" means localhost) on `port` (0: 143, or 993 for
/// `IMAP_TLS_MODE_IMPLICIT`), reads the greeting and learns the capabilities (imaplib's
/// `IMAP4(host, port)` / `IMAP4_SSL` / `open`). With `IMAP_TLS_MODE_STARTTLS`, STARTTLS is done
/// before this returns and any failure of it closes the connection (`IMAP_CODE_TLS`).
/// A handle that was logged out or closed by a failure opens again from a clean state:
/// nothing of the previous connection (unread bytes, untagged responses, capabilities,
/// mailbox state) carries over; settings (timeouts, limits, trace, CA) stay.
///
/// # Safety
/// `client` is a live handle; `host` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn imap_open(
    client: *mut ImapClient,
    host: *const c_char,
    port: u16,
    tls_mode: ImapTlsModeArg,
) -> ImapCode {
    configure(client, |s| {
        let host = opt_text(host, "host")?.unwrap_or("");
        let mode = match tls_mode {
            0 => TlsMode::None,
            1 => TlsMode::Implicit,
            2 => TlsMode::StartTls,
            m => return Err(Error::invalid(format!("unknown TLS mode {m}"))),
        };
        s.open(host, port, mode)
    })
}

/// Closes the connection without LOGOUT (imaplib's `shutdown`). The handle stays valid;
/// later commands return `IMAP_CODE_CLOSED`.
///
/// # Safety
/// `client` is a live handle.
#[no_mangle]
pub unsafe extern "C" fn imap_shutdown(client: *mut ImapClient) -> ImapCode {
    configure(client, |s| {
        s.close("shut down by the caller");
        Ok(())
    })
}

/// Interrupts `client` from any thread, at any time (it only takes a short lock and writes to
/// an eventfd). Every call running on the handle (on any thread) returns promptly with
/// `IMAP_CODE_INTERRUPTED`, and the connection is closed (the server's view of the interrupted
/// commands is unknown). If no call is running, the interrupt is kept: the next call that
/// talks to the server (a command, `imap_open`, an IDLE call; not a setting or an accessor)
/// ends with `IMAP_CODE_INTERRUPTED` at once, closing the connection, so an interrupt issued
/// just before a call starts is never lost. `imap_interrupt_clear` disarms a kept interrupt.
/// A call whose work was already complete when the interrupt landed returns its normal result;
/// the connection is closed all the same. Returns `IMAP_CODE_OK` (`IMAP_CODE_INVALID_ARGUMENT`
/// for NULL).
///
/// # Safety
/// `client` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn imap_interrupt(client: *mut ImapClient) -> ImapCode {
    boundary(|| match client.as_ref() {
        None => ImapCode::InvalidArgument,
        Some(c) => {
            c.interrupter.interrupt();
            ImapCode::Ok
        }
    })
}

/// Disarms an interrupt that no call has consumed yet (issued while no call was running):
/// returns 1 if there was one, else 0 (also for NULL). For a canceller that raced with the end
/// of the call it meant to interrupt. An interrupt that reached a running call is not undone.
/// Safe from any thread at any time.
///
/// # Safety
/// `client` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn imap_interrupt_clear(client: *mut ImapClient) -> i32 {
    boundary(|| match client.as_ref() {
        None => 0,
        Some(c) => i32::from(c.interrupter.clear()),
    })
}

/// Ends the `imap_idle_wait` in progress at once, as if its timeout had passed: it returns
/// `IMAP_CODE_OK` with `*out` NULL, nothing is closed and IDLE goes on. If no `imap_idle_wait`
/// is running, the next one returns so at once: the wake is kept until one `imap_idle_wait`
/// consumes it (several wakes before that count as one). Other calls ignore it. Safe from any
/// thread at any time. Returns `IMAP_CODE_OK` (`IMAP_CODE_INVALID_ARGUMENT` for NULL).
///
/// # Safety
/// `client` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn imap_wake(client: *mut ImapClient) -> ImapCode {
    boundary(|| match client.as_ref() {
        None => ImapCode::InvalidArgument,
        Some(c) => {
            c.interrupter.wake();
            ImapCode::Ok
        }
    })
}

/// The message of the last failed call made on this handle by the calling thread ("" if
/// none). Never contains a password. Valid until the calling thread's next call on the handle;
/// calls made by other threads never change or free it, so no lock of the caller's is needed
/// when several threads share a handle.
///
/// # Safety
/// `client` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn imap_last_error(client: *const ImapClient) -> *const c_char {
    boundary(|| match client.as_ref() {
        None => c"client is NULL".as_ptr(),
        Some(c) => c.last_error.lock().unwrap_or_else(|p| p.into_inner()).get(),
    })
}

/// Sets the connect timeout and the I/O timeout, in milliseconds: the longest wait for
/// bytes, reading or writing (a server that sends nothing, or stops reading what is sent,
/// ends the call with `IMAP_CODE_TIMEOUT`). Both must be positive. Defaults: 30000 and 60000.
/// Each call also has a deadline, which follows the I/O timeout unless
/// `imap_set_call_timeout` sets it apart.
///
/// # Safety
/// `client` is a live handle.
#[no_mangle]
pub unsafe extern "C" fn imap_set_timeouts(
    client: *mut ImapClient,
    connect_ms: u32,
    io_ms: u32,
) -> ImapCode {
    reconfigure(client, |cfg| {
        if connect_ms == 0 || io_ms == 0 {
            return Err(Error::invalid("timeouts must be positive"));
        }
        cfg.connect_timeout = Duration::from_millis(connect_ms.into());
        cfg.io_timeout = Duration::from_millis(io_ms.into());
        Ok(())
    })
}

/// Sets the deadline of every call, in milliseconds, and the minimum throughput that keeps
/// pushing it back, in bytes per second.
///
/// The rule: each call (one library function, including the commands it sends by itself,
/// such as the CAPABILITY after a login) must end within `call_ms` of its start (for
/// `imap_open`, of the TCP connection being made). Bytes moving in either direction push the
/// deadline back by one second per `min_rate` bytes, to at most `call_ms` from now. So a call
/// ends with `IMAP_CODE_TIMEOUT` at most about `call_ms` after the data stopped flowing at
/// `min_rate` bytes/s: a server dripping bytes or tiny responses cannot hold it, while a long
/// transfer at a normal rate is never cut. Each wait for bytes is still bounded by the I/O
/// timeout (`imap_set_timeouts`). `imap_idle_wait` and `imap_read_response` have their own
/// timeout instead.
///
/// `call_ms` 0 means "the I/O timeout" (the default); `min_rate` 0 makes the deadline fixed
/// (default 1024 bytes/s).
///
/// # Safety
/// `client` is a live handle.
#[no_mangle]
pub unsafe extern "C" fn imap_set_call_timeout(
    client: *mut ImapClient,
    call_ms: u32,
    min_rate: u32,
) -> ImapCode {
    reconfigure(client, |cfg| {
        cfg.call_timeout = (call_ms != 0).then(|| Duration::from_millis(call_ms.into()));
        cfg.min_rate = min_rate.into();
        Ok(())
    })
}

/// A memory limit of a handle (`imap_set_limit`, `imap_get_limit`). New ids may come in minor
/// versions; an id never changes meaning.
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, libimap_derive::CEnum)]
pub enum ImapLimit {
    /// Longest response line, CRLF included (default 1,000,000, imaplib's `_MAXLINE`).
    Line = 0,
    /// Largest literal kept in memory (default 64 MiB).
    Literal = 1,
    /// Largest response, all its lines and kept literals (default 96 MiB).
    Response = 2,
    /// Memory the untagged responses kept may take (default 96 MiB).
    Untagged = 3,
}

/// An `imap_limit` argument: any `int32_t` may arrive from C, so it is taken as one (the header
/// spells it `imap_limit`, see cbindgen.toml).
pub type ImapLimitArg = i32;

fn limit_id(id: ImapLimitArg) -> Result<ImapLimit> {
    ImapLimit::from_i32(id).ok_or_else(|| Error::invalid(format!("unknown imap_limit {id}")))
}

/// Sets one memory limit (`id`, an `imap_limit`) to `value` bytes, from the next read on.
/// `value` must be positive (`IMAP_CODE_INVALID_ARGUMENT` otherwise, and for an unknown id;
/// nothing changes then). Exceeding a limit returns `IMAP_CODE_LIMIT` and closes the
/// connection.
///
/// Sizes are counted as the memory they really take: buffers by capacity with the
/// allocator's overhead, and the lists that hold them; a response being received counts
/// against the room left under `IMAP_LIMIT_UNTAGGED`, a buffered literal from the moment it is
/// announced. So the heap a server's data can take at once is at most `IMAP_LIMIT_UNTAGGED`
/// plus about twice `IMAP_LIMIT_LINE` (a long line arriving) plus a small constant, whatever the
/// server sends. Literals streamed to `imap_set_literal_callback` are not kept and do not count.
///
/// # Safety
/// `client` is a live handle.
#[no_mangle]
pub unsafe extern "C" fn imap_set_limit(
    client: *mut ImapClient,
    id: ImapLimitArg,
    value: u64,
) -> ImapCode {
    reconfigure(client, |cfg| {
        let id = limit_id(id)?;
        if value == 0 {
            return Err(Error::invalid(format!(
                "limit {} must be positive",
                id.c_name().to_string_lossy()
            )));
        }
        let l = &mut cfg.limits;
        match id {
            ImapLimit::Line => {
                l.max_line =
                    usize::try_from(value).map_err(|_| Error::invalid("limit LINE too large"))?
            }
            ImapLimit::Literal => l.max_literal = value,
            ImapLimit::Response => l.max_response = value,
            ImapLimit::Untagged => l.max_untagged = value,
        }
        Ok(())
    })
}

/// The current value of one memory limit (`id`, an `imap_limit`), in bytes, in `*out`
/// (`IMAP_CODE_INVALID_ARGUMENT` for an unknown id or a NULL `out`).
///
/// # Safety
/// `client` is a live handle; `out` is a writable pointer.
#[no_mangle]
pub unsafe extern "C" fn imap_get_limit(
    client: *const ImapClient,
    id: ImapLimitArg,
    out: *mut u64,
) -> ImapCode {
    guard(client, |c| {
        if out.is_null() {
            c.set_error("out is NULL");
            return ImapCode::InvalidArgument;
        }
        let id = match limit_id(id) {
            Ok(id) => id,
            Err(e) => {
                c.set_error(&e.message);
                return ImapCode::InvalidArgument;
            }
        };
        let l = c.lock().config().limits;
        // SAFETY: checked non-NULL; the caller passed a writable pointer.
        *out = match id {
            ImapLimit::Line => l.max_line as u64,
            ImapLimit::Literal => l.max_literal,
            ImapLimit::Response => l.max_response,
            ImapLimit::Untagged => l.max_untagged,
        };
        ImapCode::Ok
    })
}

/// The name of an `imap_limit` value (`"IMAP_LIMIT_LINE"`), or `"IMAP_LIMIT_UNKNOWN"`.
#[no_mangle]
pub extern "C" fn imap_limit_name(value: i32) -> *const c_char {
    boundary(|| ImapLimit::name_of(value))
}

/// Turns certificate and hostname verification off (`verify` = 0) or on (default). Off is
/// for tests only.
///
/// # Safety
/// `client` is a live handle.
#[no_mangle]
pub unsafe extern "C" fn imap_set_tls_verify(client: *mut ImapClient, verify: i32) -> ImapCode {
    reconfigure(client, |cfg| {
        cfg.tls.insecure = verify == 0;
        Ok(())
    })
}

/// Trusts the CA certificates of a PEM file, besides the system's (NULL: none). Every
/// certificate of a bundle is trusted, in any order; the file is read by imap_open, which
/// fails with IMAP_CODE_TLS, naming the file, if it holds no certificate or a broken one.
///
/// # Safety
/// `client` is a live handle; `path` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn imap_set_ca_file(
    client: *mut ImapClient,
    path: *const c_char,
) -> ImapCode {
    reconfigure(client, |cfg| {
        cfg.tls.ca_file = opt_text(path, "path")?.map(Into::into);
        Ok(())
    })
}

/// Trusts the CA certificates of a directory in OpenSSL's hashed layout (`openssl rehash DIR`
/// or `c_rehash DIR` makes one), besides the system's and the CA file's (NULL: none). The
/// certificates are read as verifications need them; imap_open fails with IMAP_CODE_TLS,
/// naming the directory, if it is not one.
///
/// # Safety
/// `client` is a live handle; `path` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn imap_set_ca_dir(client: *mut ImapClient, path: *const c_char) -> ImapCode {
    reconfigure(client, |cfg| {
        cfg.tls.ca_dir = opt_text(path, "path")?.map(Into::into);
        Ok(())
    })
}

/// Whether the system's CA certificates are trusted (`use` 1, the default) or not (0: only
/// those of `imap_set_ca_file` and `imap_set_ca_dir`, as Python's
/// `ssl.create_default_context(cafile=...)` trusts only its file). With no CA file or
/// directory either, no server certificate can be verified.
///
/// # Safety
/// `client` is a live handle.
#[no_mangle]
pub unsafe extern "C" fn imap_set_tls_system_roots(client: *mut ImapClient, use_: i32) -> ImapCode {
    reconfigure(client, |cfg| {
        cfg.tls.no_system_roots = use_ == 0;
        Ok(())
    })
}

/// The host name to verify the server's certificate against and to send in the TLS
/// handshake (SNI), instead of the host given to imap_open: for connecting by address (or
/// through a tunnel) while still verifying the server's name. An IP address is verified as an
/// address and sent without SNI. NULL: the host given to imap_open. INVALID_ARGUMENT for an
/// empty name, one longer than 253 bytes, or one holding spaces or control characters.
///
/// # Safety
/// `client` is a live handle; `name` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn imap_set_tls_server_name(
    client: *mut ImapClient,
    name: *const c_char,
) -> ImapCode {
    reconfigure(client, |cfg| {
        let name = opt_text(name, "name")?;
        if let Some(n) = name {
            if n.is_empty() || n.len() > 253 || n.bytes().any(|b| b <= b' ' || b == 0x7f) {
                return Err(Error::invalid(
                    "name: a host name or address (1 to 253 bytes, no spaces or control characters)",
                ));
            }
        }
        cfg.tls.server_name = name.map(str::to_owned);
        Ok(())
    })
}

/// The oldest TLS version a connection accepts.
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, libimap_derive::CEnum)]
pub enum ImapTlsVersion {
    /// TLS 1.2 or newer: the default.
    Tls12 = 12,
    /// TLS 1.3 only.
    Tls13 = 13,
}

/// An `imap_tls_version` argument, taken as the `int32_t` C may pass (the header names it by
/// its enum type, see cbindgen.toml).
pub type ImapTlsVersionArg = i32;

/// Sets the oldest TLS version accepted, an `imap_tls_version` (IMAP_TLS_VERSION_TLS12, the
/// default, or IMAP_TLS_VERSION_TLS13); another value is INVALID_ARGUMENT.
///
/// # Safety
/// `client` is a live handle.
#[no_mangle]
pub unsafe extern "C" fn imap_set_tls_min_version(
    client: *mut ImapClient,
    version: ImapTlsVersionArg,
) -> ImapCode {
    reconfigure(client, |cfg| {
        let v = match version {
            12 => TlsVersion::Tls12,
            13 => TlsVersion::Tls13,
            v => return Err(Error::invalid(format!("unknown TLS version {v}"))),
        };
        cfg.tls.min_version = v;
        Ok(())
    })
}

/// Presents a client certificate (PEM) with its PKCS#8 private key (PEM): imaplib's
/// certfile/keyfile. Both NULL: none.
///
/// # Safety
/// `client` is a live handle; the paths are NULL or NUL-terminated strings.
#[no_mangle]
pub unsafe extern "C" fn imap_set_client_cert(
    client: *mut ImapClient,
    certfile: *const c_char,
    keyfile: *const c_char,
) -> ImapCode {
    reconfigure(client, |cfg| {
        cfg.tls.client_cert = match (
            opt_text(certfile, "certfile")?,
            opt_text(keyfile, "keyfile")?,
        ) {
            (Some(c), Some(k)) => Some((c.into(), k.into())),
            (None, None) => None,
            _ => return Err(Error::invalid("certfile and keyfile go together")),
        };
        Ok(())
    })
}

/// Sets the debug level (imaplib's `debug`): 0 silent, 1 connection events and NO/BAD/BYE,
/// 3 capabilities, 4 every line sent and received, 5 more. LOGIN and AUTHENTICATE payloads are
/// always redacted, and so is a server's echo of them (the password, its quoted form, each
/// base64 line) in every trace line, error message and status text of the connection.
/// Output goes to stderr unless a log callback is set (`imap_set_log_callback`).
///
/// # Safety
/// `client` is a live handle.
#[no_mangle]
pub unsafe extern "C" fn imap_set_debug(client: *mut ImapClient, level: i32) -> ImapCode {
    configure(client, |s| {
        s.set_debug(level.clamp(0, 255) as u8);
        Ok(())
    })
}

/// Sends the log to `callback` instead of stderr (NULL: back to stderr): every message up to
/// the level set by `imap_set_debug`, with its `imap_log_level`. Messages are redacted as on
/// stderr (no password, no echo of one, no AUTHENTICATE payload). The callback may run on any
/// thread that makes a call on this handle, during that call, and never after the call has
/// returned; it must not call into the same handle. `user_data` is passed back unchanged and
/// must stay valid while the callback is set.
///
/// # Safety
/// `client` is a live handle; `callback` is NULL or a function safe to call as documented.
#[no_mangle]
pub unsafe extern "C" fn imap_set_log_callback(
    client: *mut ImapClient,
    callback: ImapLogFn,
    user_data: *mut c_void,
) -> ImapCode {
    configure(client, |s| {
        let sink = callback.map(|f| {
            let target = LogTarget { f, user_data };
            Box::new(move |level: u8, msg: &str| target.emit(level, msg)) as crate::session::TraceFn
        });
        s.set_trace_sink(sink);
        Ok(())
    })
}

/// The name of an `imap_log_level` value (`"IMAP_LOG_DEBUG"`), or `"IMAP_LOG_UNKNOWN"`.
#[no_mangle]
pub extern "C" fn imap_log_level_name(value: i32) -> *const c_char {
    boundary(|| match value {
        1 => c"IMAP_LOG_ERROR".as_ptr(),
        2 => c"IMAP_LOG_WARN".as_ptr(),
        3 => c"IMAP_LOG_INFO".as_ptr(),
        4 => c"IMAP_LOG_DEBUG".as_ptr(),
        5 => c"IMAP_LOG_TRACE".as_ptr(),
        _ => c"IMAP_LOG_UNKNOWN".as_ptr(),
    })
}

/// Reads the accessors' view: never waits for a call in progress. `default` for NULL; a panic
/// gives the type's [`OnPanic`] value, which every caller's `default` is.
pub(crate) fn view<T: OnPanic>(
    client: *const ImapClient,
    default: T,
    f: impl FnOnce(&View) -> T,
) -> T {
    boundary(|| {
        // SAFETY: the caller passes NULL or a live handle.
        let Some(c) = (unsafe { client.as_ref() }) else {
            return default;
        };
        let v = c.view.lock().unwrap_or_else(|p| p.into_inner());
        f(&v)
    })
}

/// The handle's state; `IMAP_STATE_LOGOUT` for NULL.
///
/// # Safety
/// `client` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn imap_client_state(client: *mut ImapClient) -> ImapState {
    view(client, ImapState::Logout, |v| match v.state {
        None | Some(State::Logout) => ImapState::Logout,
        Some(State::NonAuth) => ImapState::Nonauth,
        Some(State::Auth) => ImapState::Auth,
        Some(State::Selected) => ImapState::Selected,
        Some(State::Idling) => ImapState::Idling,
    })
}

fn owned_string(client: *mut ImapClient, f: impl FnOnce(&View) -> Option<Vec<u8>>) -> *mut c_char {
    boundary(|| {
        view(client, None, f).map_or(ptr::null_mut(), |bytes| {
            CString::new(bytes.into_iter().filter(|&b| b != 0).collect::<Vec<u8>>())
                .unwrap_or_default()
                .into_raw()
        })
    })
}

/// The capabilities, upper-cased and separated by single spaces (imaplib's
/// `capabilities`); "" before the greeting. Free with `imap_string_free`.
///
/// # Safety
/// `client` is a live handle.
#[no_mangle]
pub unsafe extern "C" fn imap_client_capabilities(client: *mut ImapClient) -> *mut c_char {
    owned_string(client, |v| Some(v.capabilities.join(" ").into_bytes()))
}

/// The number of capabilities the server advertised (0 before the greeting or for NULL): the
/// entries `imap_client_capability_get` gives, in the server's order, upper-cased. An accessor
/// (never waits for a call in progress).
///
/// # Safety
/// `client` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn imap_client_capability_count(client: *const ImapClient) -> usize {
    view(client, 0, |v| v.capabilities.len())
}

/// Capability `index` (`IMAP4REV1`, `AUTH=PLAIN`...) as a new string in `*out` (free with
/// `imap_string_free`). `IMAP_CODE_INVALID_ARGUMENT` (and `*out` NULL) when `index` is not
/// below `imap_client_capability_count`, or `client` or `out` is NULL. The list can change
/// between two calls (CAPABILITY, login, STARTTLS): a binding reads it with the count and
/// stops at the first INVALID_ARGUMENT. An accessor (never waits for a call in progress).
///
/// # Safety
/// `client` is NULL or a live handle; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_client_capability_get(
    client: *const ImapClient,
    index: usize,
    out: *mut *mut c_char,
) -> ImapCode {
    boundary(|| {
        if out.is_null() {
            return ImapCode::InvalidArgument;
        }
        *out = ptr::null_mut();
        let cap = view(client, None, |v| v.capabilities.get(index).cloned());
        match cap {
            Some(c) => {
                *out = CString::new(c.replace('\0', ""))
                    .unwrap_or_default()
                    .into_raw();
                ImapCode::Ok
            }
            None => ImapCode::InvalidArgument,
        }
    })
}

/// 1 if the server advertised `capability` (case-insensitive), else 0.
///
/// # Safety
/// `client` is a live handle; `capability` is a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn imap_client_has_capability(
    client: *mut ImapClient,
    capability: *const c_char,
) -> i32 {
    boundary(|| {
        let Ok(cap) = text(capability, "capability") else {
            return 0;
        };
        view(client, 0, |v| {
            i32::from(v.capabilities.iter().any(|c| c.eq_ignore_ascii_case(cap)))
        })
    })
}

/// imaplib's `PROTOCOL_VERSION`: "IMAP4REV1" or "IMAP4"; NULL before the capabilities are
/// known. Static string; never free it.
///
/// # Safety
/// `client` is a live handle.
#[no_mangle]
pub unsafe extern "C" fn imap_client_protocol_version(client: *mut ImapClient) -> *const c_char {
    view(client, ptr::null(), |v| match v.protocol_version {
        Some("IMAP4REV1") => c"IMAP4REV1".as_ptr(),
        Some(_) => c"IMAP4".as_ptr(),
        None => ptr::null(),
    })
}

/// The greeting line without CRLF (imaplib's `welcome`); NULL before connecting. Free with
/// `imap_string_free`.
///
/// # Safety
/// `client` is a live handle.
#[no_mangle]
pub unsafe extern "C" fn imap_client_welcome(client: *mut ImapClient) -> *mut c_char {
    owned_string(client, |v| {
        (!v.welcome.is_empty()).then(|| v.welcome.to_vec())
    })
}

/// 1 if the selected mailbox was opened read-only (imaplib's `is_readonly`), else 0.
///
/// # Safety
/// `client` is a live handle.
#[no_mangle]
pub unsafe extern "C" fn imap_client_is_readonly(client: *mut ImapClient) -> i32 {
    view(client, 0, |v| i32::from(v.readonly))
}

/// The mechanism of the last successful login on this connection, as a static string:
/// `"SCRAM-SHA-256"`, `"SCRAM-SHA-256-PLUS"`, `"SCRAM-SHA-1"`, `"SCRAM-SHA-1-PLUS"`,
/// `"CRAM-MD5"`, `"PLAIN"`, `"LOGIN"` (the SASL mechanism), `"XOAUTH2"`, `"OAUTHBEARER"`, or
/// `"LOGIN-COMMAND"` for the LOGIN command; NULL before a login (and after `imap_authenticate`
/// with a caller's own mechanism). Never freed.
///
/// # Safety
/// `client` is a live handle.
#[no_mangle]
pub unsafe extern "C" fn imap_client_auth_mechanism(client: *mut ImapClient) -> *const c_char {
    view(client, ptr::null(), |v| {
        v.auth_mechanism.map_or(ptr::null(), static_name)
    })
}

/// A C copy of one of the library's static names, made once per name and kept for the life
/// of the process (there are a handful), so that the pointer given out never dangles.
fn static_name(name: &'static str) -> *const c_char {
    static NAMES: Mutex<Vec<(&'static str, &'static std::ffi::CStr)>> = Mutex::new(Vec::new());
    let mut names = NAMES.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((_, c)) = names.iter().find(|(n, _)| *n == name) {
        return c.as_ptr();
    }
    let c: &'static std::ffi::CStr =
        Box::leak(CString::new(name).unwrap_or_default().into_boxed_c_str());
    names.push((name, c));
    c.as_ptr()
}

/// 1 if the connection is protected by TLS, else 0.
///
/// # Safety
/// `client` is a live handle.
#[no_mangle]
pub unsafe extern "C" fn imap_client_is_tls(client: *mut ImapClient) -> i32 {
    view(client, 0, |v| i32::from(v.tls))
}

/// 1 if the connection is open, else 0 (never opened, logged out, shut down, or closed by a
/// failure such as `IMAP_CODE_ABORT`). As in imaplib, `imap_client_state` keeps its last value
/// when the connection closes; this tells whether it is still usable.
///
/// # Safety
/// `client` is a live handle.
#[no_mangle]
pub unsafe extern "C" fn imap_client_is_open(client: *mut ImapClient) -> i32 {
    view(client, 0, |v| i32::from(v.open))
}

/// Why the connection is closed, in `*out` (free with `imap_string_free`): the message of the
/// failure that closed it (a failed `imap_open`, a timeout, a BYE...), "logged out", "not
/// connected"...; "" while it is open. Unlike `imap_last_error`, it does not depend on the
/// thread: whichever thread ran the call that closed it, any thread reads the reason here.
/// `IMAP_CODE_INVALID_ARGUMENT` for NULL pointers.
///
/// # Safety
/// `client` is NULL or a live handle; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_client_close_reason(
    client: *const ImapClient,
    out: *mut *mut c_char,
) -> ImapCode {
    boundary(|| {
        if out.is_null() || client.is_null() {
            return ImapCode::InvalidArgument;
        }
        *out = ptr::null_mut();
        let reason = view(client, None, |v| {
            Some(v.close_reason.clone().unwrap_or_default())
        });
        match reason {
            Some(r) => {
                *out = CString::new(r.replace('\0', ""))
                    .unwrap_or_default()
                    .into_raw();
                ImapCode::Ok
            }
            None => ImapCode::Internal,
        }
    })
}

/// Frees a string returned by libimap. NULL is ignored.
///
/// # Safety
/// `s` is NULL or a string from libimap not yet freed.
#[no_mangle]
pub unsafe extern "C" fn imap_string_free(s: *mut c_char) {
    boundary(|| {
        if !s.is_null() {
            drop(CString::from_raw(s));
        }
    })
}
