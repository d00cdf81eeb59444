//! Pipelining: several commands in flight on one handle, by ticket (`imap_submit`,
//! `imap_collect`), and FETCH results streamed message by message (`imap_fetch_stream`,
//! `imap_fetch_next`, `imap_fetch_each`).
//!
//! Every call here that waits for the server does so WITHOUT holding the handle's lock
//! (`session::wait_unlocked`): it takes the lock, files what has arrived (without waiting),
//! and if its answer is not there yet, lets go of the lock and polls the socket (and an event
//! flag that any thread filing data for it signals), then tries again. So another thread's call goes out while one waits, and
//! several threads waiting on one handle each get their own result. Deadlines are the call's
//! own (the I/O timeout, the call deadline and its minimum rate, as for every call), and
//! `imap_interrupt` ends the wait at once (it shuts the socket down, which wakes the poll).

use super::client::{guard, ImapClient};
use super::code::ImapCode;
use super::panic::boundary;
use super::parsed::fetch::{fetch_list, message_view, ImapFetchList, ImapFetchMessage};
use super::parsed::{give, Arena};
use super::result::ImapResult;
use super::text;
use super::typed::typed_values;
use crate::proto::encode::Value;
use crate::proto::parsed::fetch::parse_fetch_response;
use crate::session::{Pulled, Result, Session, Ticket};
use std::ffi::{c_char, c_void};
use std::ptr;
use std::sync::atomic::Ordering;

/// A submitted command. 0 is never a valid ticket.
pub type ImapTicket = u64;

/// Called once per FETCH response by `imap_fetch_each`, with its parsed view (valid during the
/// call only). Return 0 to go on, non-zero to stop.
pub type ImapFetchFn =
    Option<unsafe extern "C" fn(ctx: *mut c_void, msg: *const ImapFetchMessage) -> i32>;

/// How many responses `imap_fetch_each` takes from the session at a time.
const EACH_BATCH: usize = 64;

/// Runs `step` until it gives a value, waiting for the server without holding the handle
/// (see [`session::wait_unlocked`](crate::session::wait_unlocked)).
fn wait<T>(c: &ImapClient, step: impl FnMut(&mut Session) -> Result<Option<T>>) -> Result<T> {
    crate::session::wait_unlocked(|| c.lock(), step)
}

/// As `client::run`, for a synchronous command call that is a submit and a collect: the
/// command goes out under the handle's lock, then the call waits for its result without
/// holding it, so other threads' calls are pipelined with this one. The result is the
/// synchronous call's (imaplib's exactly when nothing else is in flight).
pub(crate) fn run_pipelined(
    client: *mut ImapClient,
    out: *mut *mut ImapResult,
    f: impl FnOnce(&mut Session) -> Result<crate::session::Outcome>,
) -> ImapCode {
    boundary(|| {
        if !out.is_null() {
            // SAFETY: non-NULL out-parameters are writable by contract.
            unsafe { *out = ptr::null_mut() };
        }
        guard(client, |c| {
            let (r, deferred) = {
                let mut s = c.lock();
                s.defer_next(true);
                let r = f(&mut s);
                s.defer_next(false);
                (r, s.take_deferred())
            };
            let r = match (r, deferred) {
                (Ok(_), Some(t)) => wait(c, |s| s.take(t)),
                (Err(e), Some(t)) => {
                    // (Not reached by the calls that use this: the command is their last step.)
                    let _ = wait(c, |s| s.take(t));
                    Err(e)
                }
                (r, None) => r,
            };
            c.finish(r, out)
        })
    })
}

/// # Safety
/// `out` is NULL or writable.
unsafe fn put_ticket(out: *mut ImapTicket, t: Ticket) {
    if !out.is_null() {
        *out = t;
    }
}

/// Runs a submission: `out` is set to 0 first, to the ticket on success.
fn submit_with(
    client: *mut ImapClient,
    out: *mut ImapTicket,
    f: impl FnOnce(&mut Session) -> Result<Ticket>,
) -> ImapCode {
    boundary(|| {
        if out.is_null() {
            return ImapCode::InvalidArgument;
        }
        // SAFETY: checked non-NULL; writable by contract.
        unsafe { *out = 0 };
        guard(client, |c| {
            let r = f(&mut c.lock());
            match r {
                Ok(t) => {
                    // SAFETY: as above.
                    unsafe { put_ticket(out, t) };
                    ImapCode::Ok
                }
                Err(e) => {
                    c.set_error(&e.message);
                    ImapCode::from(e.kind)
                }
            }
        })
    })
}

/// Submits a command and returns at once with its ticket in `*out`: several commands may be
/// in flight on one handle. `command` is a name from the command table ("FETCH", "SEARCH",
/// "STATUS", "STORE", "NOOP", "SELECT"...; "UID FETCH" for the UID form); its arguments are
/// `count` typed values as in `imap_search_args` (`values[i]` sent by the rule of `kinds[i]`,
/// an `imap_arg_kind`; a list such as `(UID FLAGS)` is `IMAP_ARG_KIND_LIST_BEGIN`, atoms,
/// `IMAP_ARG_KIND_LIST_END`). The state and the arguments are checked first: on a bad one
/// nothing is sent (`IMAP_CODE_INVALID_ARGUMENT`, `IMAP_CODE_ILLEGAL_STATE`). A command that
/// RFC 3501 §5.5 says must not run alongside what is in flight (SELECT, EXAMINE, CLOSE,
/// UNSELECT wait for everything; a command naming messages by sequence number waits for
/// commands that allow EXPUNGE responses) waits for it before it is sent. LOGIN,
/// AUTHENTICATE, STARTTLS, IDLE, LOGOUT, ENABLE, PROXYAUTH and COMPRESS have their own calls
/// and are refused here. Collect the result with `imap_collect`.
///
/// Untagged data goes to the in-flight command it belongs to: FETCH responses to the oldest
/// in-flight FETCH (or STORE) whose message set holds the message number (for a UID command,
/// its UID), other kinds to the oldest in-flight command whose result is made of that kind.
/// Data no command claims is unsolicited: it goes to the mailbox state (`imap_client_mailbox`)
/// and to the untagged responses kept for `imap_response`, as always.
///
/// # Safety
/// `client` is a live handle; `command` is a NUL-terminated string; `values` and `kinds` point
/// to `count` entries (or are NULL when `count` is 0); `out` is writable.
#[no_mangle]
pub unsafe extern "C" fn imap_submit(
    client: *mut ImapClient,
    command: *const c_char,
    values: *const *const c_char,
    kinds: *const i32,
    count: usize,
    out: *mut ImapTicket,
) -> ImapCode {
    submit_with(client, out, |s| {
        let name = text(command, "command")?;
        let args = typed_values(values, kinds, count)?
            .iter()
            .map(Value::to_arg)
            .collect::<std::result::Result<Vec<_>, _>>()?;
        s.submit_named(name, args)
    })
}

/// Submits `FETCH set items` (as `imap_fetch` sends it) and returns its ticket in `*out`.
/// Collect it with `imap_collect`: the result is what `imap_fetch` would have returned.
///
/// # Safety
/// `client` is a live handle; `set` and `items` are NUL-terminated strings; `out` is writable.
#[no_mangle]
pub unsafe extern "C" fn imap_submit_fetch(
    client: *mut ImapClient,
    set: *const c_char,
    items: *const c_char,
    out: *mut ImapTicket,
) -> ImapCode {
    submit_with(client, out, |s| {
        s.submit_fetch(text(set, "set")?, text(items, "items")?, false, false)
    })
}

/// As `imap_submit_fetch`, as `UID FETCH`: `set` holds UIDs.
///
/// # Safety
/// As `imap_submit_fetch`.
#[no_mangle]
pub unsafe extern "C" fn imap_submit_uid_fetch(
    client: *mut ImapClient,
    set: *const c_char,
    items: *const c_char,
    out: *mut ImapTicket,
) -> ImapCode {
    submit_with(client, out, |s| {
        s.submit_fetch(text(set, "set")?, text(items, "items")?, true, false)
    })
}

/// Waits for the completion of `ticket` and delivers what the synchronous call would have
/// returned: the same code, and in `*out` a result with the same type and data (free it with
/// `imap_result_free`). Tickets may be collected in any order, each once: a second collect,
/// a ticket of a streamed FETCH (`imap_fetch_next` reads those), or an unknown ticket gives
/// `IMAP_CODE_INVALID_ARGUMENT`. If the connection closed, every uncollected ticket gives the
/// code that closed it (`IMAP_CODE_ABORT`, `IMAP_CODE_TIMEOUT`, `IMAP_CODE_INTERRUPTED`...).
/// The wait does not hold the handle: other threads' calls go out meanwhile.
///
/// # Safety
/// `client` is a live handle; `out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn imap_collect(
    client: *mut ImapClient,
    ticket: ImapTicket,
    out: *mut *mut ImapResult,
) -> ImapCode {
    boundary(|| {
        if !out.is_null() {
            *out = ptr::null_mut();
        }
        guard(client, |c| {
            let r = wait(c, |s| s.take_collectable(ticket));
            c.finish(r, out)
        })
    })
}

/// The number of tickets submitted and not yet collected (streamed FETCHes included until
/// their end was read). Never waits; 0 for NULL.
///
/// # Safety
/// `client` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn imap_pending_count(client: *const ImapClient) -> usize {
    boundary(|| {
        client
            .as_ref()
            .map_or(0, |c| c.tickets.load(Ordering::Relaxed))
    })
}

/// Sends `FETCH set items` (`UID FETCH` when `uid` is non-zero) whose responses are read
/// message by message with `imap_fetch_next`; its ticket in `*out`.
///
/// # Safety
/// `client` is a live handle; `set` and `items` are NUL-terminated strings; `out` is writable.
#[no_mangle]
pub unsafe extern "C" fn imap_fetch_stream(
    client: *mut ImapClient,
    set: *const c_char,
    items: *const c_char,
    uid: i32,
    out: *mut ImapTicket,
) -> ImapCode {
    submit_with(client, out, |s| {
        s.submit_fetch(text(set, "set")?, text(items, "items")?, uid != 0, true)
    })
}

/// Waits until at least one message of the streamed FETCH `ticket` has arrived (or the FETCH
/// completed) and gives up to `max` parsed messages in `*out` (at least one; free the list
/// with `imap_fetch_list_free`), in the order received. At the end, `*out` is NULL and the code
/// is the command's completion (`IMAP_CODE_OK`, `IMAP_CODE_NO`, `IMAP_CODE_BAD`, or the code
/// that closed the connection); the ticket is then spent. `IMAP_CODE_PARSE`: some message of
/// the list has `valid` 0 (the list is still delivered).
///
/// Memory: only what has arrived and not yet been pulled is kept, and the socket is read only
/// until something for this stream is there (no read-ahead beyond one read buffer when no
/// other call is reading), so a slow consumer holds the server back through TCP, not the heap.
/// The wait does not hold the handle.
///
/// # Safety
/// `client` is a live handle; `out` is writable.
#[no_mangle]
pub unsafe extern "C" fn imap_fetch_next(
    client: *mut ImapClient,
    ticket: ImapTicket,
    max: usize,
    out: *mut *mut ImapFetchList,
) -> ImapCode {
    boundary(|| {
        if out.is_null() {
            return ImapCode::InvalidArgument;
        }
        *out = ptr::null_mut();
        guard(client, |c| match wait(c, |s| s.pull(ticket, max)) {
            Ok(Pulled::Messages(responses)) => {
                let parsed: Vec<_> = responses.iter().map(|r| parse_fetch_response(r)).collect();
                let complete = parsed.iter().all(|m| m.invalid.is_none());
                let mut a = Arena::default();
                let list = fetch_list(&mut a, &parsed);
                // SAFETY: `out` was checked non-NULL and is writable by contract.
                unsafe { give(out, list, a) };
                if complete {
                    ImapCode::Ok
                } else {
                    c.set_error("a FETCH response could not be parsed completely");
                    ImapCode::Parse
                }
            }
            Ok(Pulled::End(r)) => c.finish(r, ptr::null_mut()),
            Err(e) => c.finish(Err(e), ptr::null_mut()),
        })
    })
}

/// Ends a streamed FETCH early: the rest of its responses are read and dropped (the
/// connection stays usable) and the ticket is spent. Returns the FETCH's completion code.
///
/// # Safety
/// `client` is a live handle.
#[no_mangle]
pub unsafe extern "C" fn imap_fetch_stream_cancel(
    client: *mut ImapClient,
    ticket: ImapTicket,
) -> ImapCode {
    guard(client, |c| {
        let r = c.lock().discard(ticket);
        let r = r.and_then(|()| wait(c, |s| s.take(ticket)));
        c.finish(r, ptr::null_mut())
    })
}

/// The loop of `imap_fetch_each`: pulls, parses and calls back; stops on request.
fn each(c: &ImapClient, ticket: Ticket, callback: ImapFetchFn, ctx: *mut c_void) -> ImapCode {
    let Some(f) = callback else {
        // Nothing sent yet would be better, but the caller's NULL was checked before.
        return ImapCode::InvalidArgument;
    };
    loop {
        match wait(c, |s| s.pull(ticket, EACH_BATCH)) {
            Ok(Pulled::Messages(responses)) => {
                for r in &responses {
                    let m = parse_fetch_response(r);
                    let mut a = Arena::default();
                    let view = message_view(&mut a, &m);
                    // SAFETY: the caller's callback, with the view alive for the call.
                    let go_on = unsafe { f(ctx, view) } == 0;
                    drop(a);
                    if !go_on {
                        let r = c.lock().discard(ticket);
                        let r = r.and_then(|()| wait(c, |s| s.take(ticket)));
                        return match r {
                            Ok(_) => {
                                c.set_error("stopped by the callback");
                                ImapCode::Stopped
                            }
                            Err(e) => c.finish(Err(e), ptr::null_mut()),
                        };
                    }
                }
            }
            Ok(Pulled::End(r)) => return c.finish(r, ptr::null_mut()),
            Err(e) => return c.finish(Err(e), ptr::null_mut()),
        }
    }
}

/// `FETCH set items`, calling `callback(ctx, msg)` once per FETCH response of this command as
/// it arrives, with its parsed view (valid during the callback only). Nothing is kept
/// afterwards: memory stays constant whatever the number of messages (a message's own
/// literals are bounded by the literal limit). The callback returns 0 to go on; non-zero
/// stops delivery: the rest of the command is read and dropped and the call returns
/// `IMAP_CODE_STOPPED` (the connection stays usable). Otherwise the code is the command's
/// completion (`IMAP_CODE_OK`, `IMAP_CODE_NO`...). The callback runs on the calling thread,
/// without the handle's lock held: it may make calls on the handle (other than waiting for
/// this same FETCH). Unsolicited FETCH responses (flag changes of other messages) are not
/// passed to it; they stay with the mailbox state.
///
/// # Safety
/// `client` is a live handle; `set` and `items` are NUL-terminated strings; `callback` is a
/// function safe to call as documented; `ctx` is passed back unchanged.
#[no_mangle]
pub unsafe extern "C" fn imap_fetch_each(
    client: *mut ImapClient,
    set: *const c_char,
    items: *const c_char,
    callback: ImapFetchFn,
    ctx: *mut c_void,
) -> ImapCode {
    fetch_each(client, set, items, false, callback, ctx)
}

/// As `imap_fetch_each`, as `UID FETCH`: `set` holds UIDs.
///
/// # Safety
/// As `imap_fetch_each`.
#[no_mangle]
pub unsafe extern "C" fn imap_uid_fetch_each(
    client: *mut ImapClient,
    set: *const c_char,
    items: *const c_char,
    callback: ImapFetchFn,
    ctx: *mut c_void,
) -> ImapCode {
    fetch_each(client, set, items, true, callback, ctx)
}

unsafe fn fetch_each(
    client: *mut ImapClient,
    set: *const c_char,
    items: *const c_char,
    uid: bool,
    callback: ImapFetchFn,
    ctx: *mut c_void,
) -> ImapCode {
    guard(client, |c| {
        if callback.is_none() {
            c.set_error("callback is NULL");
            return ImapCode::InvalidArgument;
        }
        let submitted = (|| {
            let set = text(set, "set")?;
            let items = text(items, "items")?;
            c.lock().submit_fetch(set, items, uid, true)
        })();
        match submitted {
            Ok(ticket) => each(c, ticket, callback, ctx),
            Err(e) => {
                c.set_error(&e.message);
                ImapCode::from(e.kind)
            }
        }
    })
}
