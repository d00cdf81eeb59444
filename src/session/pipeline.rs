//! Several commands in flight, by ticket: [`Session::submit`] sends a command and returns a
//! ticket; untagged data is routed to the in-flight command it belongs to; [`Session::take`]
//! gives a finished ticket's outcome, [`Session::pull`] a streamed FETCH's messages as they
//! come. None of these wait: [`wait_unlocked`] makes progress (what has arrived, one buffer at a
//! time) and waits for the socket without holding the session, so other threads' commands go
//! out meanwhile; any blocking call makes progress too.
//!
//! Routing (one rule, in [`Session::route`]): a FETCH response goes to the oldest in-flight
//! command whose message set holds its number (its UID for a UID command); any other response
//! to the oldest in-flight command whose result is made of that kind (the command table says
//! which). Data no ticket claims (or that a synchronous call claims) goes where it always went:
//! the untagged store, so synchronous calls keep imaplib's results exactly.
//!
//! RFC 3501 §5.5: a command that changes state or the selected mailbox waits until nothing is
//! in flight, and nothing is sent while it is; a command naming messages by sequence number is
//! not sent while a command that allows EXPUNGE responses is in flight (only the non-UID FETCH,
//! STORE and SEARCH forbid them).

use super::commands::{spec, Spec};
use super::{Error, ErrorKind, Outcome, Result, ResultFrom, Session, Tagged};
use crate::proto::encode::{Arg, Command};
use crate::proto::fetch_items::{fetch_shape, message_number, requested_items, FetchShape};
use crate::proto::parsed::SeqSet;
use crate::proto::response::Item;
use crate::transport::{poll_readable, Direction, EventFlag};
use std::collections::{HashMap, VecDeque};
use std::mem::size_of;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, MutexGuard};
use std::time::Instant;

/// A submitted command; 0 is never a ticket.
pub type Ticket = u64;

/// A command in flight, in the order sent.
#[derive(Debug)]
pub(super) struct Pending {
    pub tag: Vec<u8>,
    /// Its table entry (`None`: a name registered by `xatom`, treated as exclusive).
    pub spec: Option<&'static Spec>,
    pub uid: bool,
    /// The message set of a FETCH/STORE, when it parses.
    pub set: Option<SeqSet>,
    /// The kind of untagged response it collects.
    pub collects: Option<&'static str>,
    /// `None`: a synchronous call (its data goes to the store, as imaplib's does).
    pub ticket: Option<Ticket>,
    /// The messages a small FETCH/STORE has had a response for: a server that runs
    /// pipelined commands in parallel (Dovecot does) may answer a later command about the
    /// same message before the earlier one completes; the second response goes to the
    /// later command.
    pub seen: Option<Vec<u32>>,
    /// The item names a FETCH asked for (`UID`, `FLAGS`, `BODY`...), when its item list
    /// parses: a FETCH response with none of them (a flag change the server reports on its own)
    /// is not this command's answer.
    pub wants: Option<Vec<String>>,
}

/// Sets up to this size track the messages answered (see [`Pending::seen`]).
const TRACKED: u64 = 64;

impl Pending {
    fn exclusive(&self) -> bool {
        self.spec.is_none_or(|s| s.exclusive)
    }

    fn forbids_expunge(&self) -> bool {
        self.spec.is_some_and(|s| s.forbids_expunge(self.uid))
    }
}

/// What a ticket has received so far.
#[derive(Debug, Default)]
pub(super) struct TicketState {
    name: String,
    from: Option<ResultFrom>,
    /// Routed responses, one entry per response.
    data: VecDeque<Vec<Item>>,
    /// Memory `data` takes, counted against the untagged limit.
    weight: u64,
    /// Pulled as a stream: its responses are handed out as they come.
    stream: bool,
    /// Cancelled or stopped: what still comes for it is dropped.
    discard: bool,
    /// A synchronous call submitted with nothing else in flight: its data goes to the store
    /// and is popped from there when its completion arrives, exactly as imaplib does.
    store: bool,
    done: Option<Tagged>,
    failed: Option<Error>,
}

/// What [`Session::pull`] gives.
#[derive(Debug)]
pub enum Pulled {
    /// Some responses of the FETCH (each a list of items, as `parse_fetch_response` reads).
    Messages(Vec<Vec<Item>>),
    /// The FETCH completed; the ticket is spent.
    End(Result<Outcome>),
}

/// The per-session bookkeeping of tickets.
#[derive(Debug, Default)]
pub(super) struct Tickets {
    next: Ticket,
    map: HashMap<Ticket, TicketState>,
    /// Memory the routed data of every ticket takes.
    weight: u64,
    /// Event fds of the calls waiting for the socket outside the lock: written when a ticket
    /// moves, so a waiter whose data another thread read wakes up.
    waiters: Vec<Arc<EventFlag>>,
    /// How many tickets are not yet collected, readable without the session.
    count: Arc<AtomicUsize>,
}

fn response_cost(items: &[Item]) -> u64 {
    items.iter().map(Item::weight).sum::<u64>() + (size_of::<Vec<Item>>() * 2) as u64
}

impl Tickets {
    fn update_count(&self) {
        self.count.store(self.map.len(), Ordering::Relaxed);
    }

    pub fn wake(&self) {
        for flag in &self.waiters {
            flag.signal();
        }
    }

    /// Every ticket still running ends with `e` (the connection closed).
    pub fn fail_all(&mut self, e: &Error) {
        for t in self.map.values_mut() {
            if t.done.is_none() && t.failed.is_none() {
                t.failed = Some(Error::new(e.kind, e.message.clone()));
            }
        }
        self.wake();
    }
}

/// Whether a FETCH response with the item names `names` can be the answer of a FETCH that
/// asked for `wants`: it must carry one of them, and a response shaped like the flag change a
/// server reports on its own (FLAGS, with at most UID and MODSEQ beside it) answers only a
/// FETCH that asked for nothing more than those.
fn answers(wants: &[String], shape: &FetchShape<'_>) -> bool {
    let flag_item = |n: &[u8]| {
        ["FLAGS", "UID", "MODSEQ"]
            .iter()
            .any(|f| n.eq_ignore_ascii_case(f.as_bytes()))
    };
    if !wants.iter().any(|w| shape.has(w)) {
        return false;
    }
    !shape.names.iter().all(|n| flag_item(n)) || wants.iter().all(|w| flag_item(w.as_bytes()))
}

impl Session {
    /// What an in-flight record says about `cmd` sent under `table_name`.
    pub(super) fn pending_for(
        tag: Vec<u8>,
        cmd: &Command,
        table_name: &str,
        ticket: Option<Ticket>,
        from: Option<ResultFrom>,
    ) -> Pending {
        let arg = |i: usize| match cmd.args.get(i) {
            Some(Arg::Raw(b) | Arg::Atom(b)) => Some(b.as_slice()),
            _ => None,
        };
        let (spec, uid, set_arg) = if table_name == "UID" {
            let sub = arg(0).map(|b| String::from_utf8_lossy(b).to_ascii_uppercase());
            (sub.as_deref().and_then(spec), true, arg(1))
        } else {
            (spec(table_name), false, arg(0))
        };
        let set = match spec.map(|s| s.name) {
            Some("FETCH" | "STORE") => set_arg.and_then(SeqSet::parse_sent),
            _ => None,
        };
        let collects = match from {
            Some(ResultFrom::Untagged(n)) => Some(n),
            Some(ResultFrom::Tagged) => None,
            None => spec.and_then(|s| s.result),
        };
        let seen = set
            .as_ref()
            .filter(|s| s.count() <= TRACKED)
            .map(|_| Vec::new());
        let items_arg = match cmd.args.get(if table_name == "UID" { 2 } else { 1 }) {
            Some(Arg::Raw(b) | Arg::Atom(b) | Arg::FetchParts(b) | Arg::List(b)) => {
                Some(b.as_slice())
            }
            _ => None,
        };
        let wants = match spec.map(|s| s.name) {
            Some("FETCH") => items_arg.and_then(|a| requested_items(a, uid)),
            _ => None,
        };
        Pending {
            tag,
            spec,
            uid,
            set,
            collects,
            ticket,
            seen,
            wants,
        }
    }

    /// Whether a command of `spec` (UID form: `uid`) must wait for what is in flight before it
    /// is sent (RFC 3501 §5.5; see the module documentation).
    pub(super) fn must_wait(&self, spec: Option<&Spec>, uid: bool) -> bool {
        if self.pending.is_empty() {
            return false;
        }
        if spec.is_none_or(|s| s.exclusive) || self.pending.iter().any(Pending::exclusive) {
            return true;
        }
        spec.is_some_and(|s| s.seq && !uid) && !self.pending.iter().all(Pending::forbids_expunge)
    }

    /// The in-flight command an untagged response belongs to (index in `pending`): the oldest
    /// that collects it and has not had a response for that message yet, else the oldest that
    /// collects it.
    fn claimant(&mut self, name: &str, data: &[u8], items: &[Item]) -> Option<usize> {
        // An ESEARCH names the command it answers (RFC 4731 §3.1; every SEARCH under
        // IMAP4rev2).
        if name == "ESEARCH" {
            let tag = crate::proto::parsed::mailbox::esearch_tag(data);
            if let Some(i) = tag.and_then(|t| {
                self.pending
                    .iter()
                    .position(|p| p.tag == t && p.collects == Some("ESEARCH"))
            }) {
                return Some(i);
            }
        }
        // Read once, when a candidate needs it.
        let mut shape: Option<FetchShape<'_>> = None;
        let mut first = None;
        for (i, p) in self.pending.iter().enumerate() {
            if p.collects != Some(name) {
                continue;
            }
            if let Some(wants) = &p.wants {
                if !answers(wants, shape.get_or_insert_with(|| fetch_shape(items))) {
                    continue;
                }
            }
            let Some(set) = &p.set else {
                return Some(i);
            };
            let key = if p.uid {
                shape.get_or_insert_with(|| fetch_shape(items)).uid
            } else {
                message_number(data)
            };
            let Some(k) = key.filter(|&k| set.contains(k)) else {
                continue;
            };
            first = first.or(Some((i, k)));
            if p.seen.as_ref().is_none_or(|seen| !seen.contains(&k)) {
                first = Some((i, k));
                break;
            }
        }
        let (i, k) = first?;
        if let Some(seen) = self.pending[i].seen.as_mut() {
            seen.push(k);
        }
        Some(i)
    }

    /// Routes an untagged response to the ticket it belongs to. Gives the items back when no
    /// ticket claims them (they go to the store).
    pub(super) fn route(&mut self, name: &str, items: Vec<Item>) -> Result<Option<Vec<Item>>> {
        if self.tickets.map.is_empty() {
            return Ok(Some(items));
        }
        let data = match items.first() {
            Some(Item::Line(l) | Item::Literal(l, _)) => l.clone(),
            _ => Vec::new(),
        };
        let Some(i) = self.claimant(name, &data, &items) else {
            return Ok(Some(items));
        };
        let Some(ticket) = self.pending[i].ticket else {
            return Ok(Some(items));
        };
        let room = self.store.room().saturating_sub(self.tickets.weight);
        let Some(t) = self.tickets.map.get_mut(&ticket) else {
            return Ok(Some(items));
        };
        if t.store {
            return Ok(Some(items));
        }
        if t.discard {
            return Ok(None);
        }
        let cost = response_cost(&items);
        if cost > room {
            return Err(Error::new(
                ErrorKind::Limit,
                format!(
                    "untagged responses exceed the limit of {} bytes (responses of in-flight \
                     commands not yet collected count too)",
                    self.config.limits.max_untagged
                ),
            ));
        }
        t.weight += cost;
        t.data.push_back(items);
        self.tickets.weight += cost;
        if t.stream {
            self.tickets.wake();
        }
        Ok(None)
    }

    /// The tagged completion of `ticket`, once it came.
    pub(super) fn ticket_completion(&self, ticket: Ticket) -> Option<Tagged> {
        self.tickets.map.get(&ticket).and_then(|s| s.done.clone())
    }

    /// A tagged completion for a ticket. A SELECT, EXAMINE, CLOSE or UNSELECT changes the
    /// state now, so the commands submitted after it are checked against the new state.
    pub(super) fn ticket_done(&mut self, ticket: Ticket, t: Tagged) {
        if let Some(state) = self.tickets.map.get_mut(&ticket) {
            match state.name.as_str() {
                "SELECT" | "EXAMINE" => {
                    self.state = if t.status == "OK" {
                        super::State::Selected
                    } else {
                        super::State::Auth
                    };
                }
                "CLOSE" | "UNSELECT" if self.state == super::State::Selected => {
                    self.state = super::State::Auth;
                }
                _ => {}
            }
            if let (true, "OK", Some(ResultFrom::Untagged(n))) =
                (state.store, t.status.as_str(), state.from)
            {
                // As imaplib: the kind's responses are taken from the store at completion.
                if let Some(items) = self.store.pop(n) {
                    let cost = response_cost(&items);
                    state.weight += cost;
                    self.tickets.weight += cost;
                    state.data.push_back(items);
                }
            }
            state.done = Some(t);
        }
    }

    /// The memory routed responses take (the assembler leaves room for it).
    pub(super) fn routed_weight(&self) -> u64 {
        self.tickets.weight
    }

    /// Sends `cmd` as a ticket: checked like every command (state, arguments), waiting first
    /// (reading and routing meanwhile) while RFC 3501 §5.5 says it must not run alongside what
    /// is in flight. Its result is its routed `from` data (the command table's by default).
    pub fn submit(
        &mut self,
        cmd: Command,
        table_name: &str,
        from: Option<ResultFrom>,
    ) -> Result<Ticket> {
        self.submit_as(cmd, table_name, from, false, false, true)
    }

    /// As [`Session::submit`], for a FETCH whose responses are pulled as they come
    /// ([`Session::pull`]).
    pub fn submit_stream(&mut self, cmd: Command, table_name: &str) -> Result<Ticket> {
        self.submit_as(
            cmd,
            table_name,
            Some(ResultFrom::Untagged("FETCH")),
            true,
            false,
            true,
        )
    }

    /// The next generic command of this call ([`Session::run`]) is submitted as a ticket
    /// instead of waited for; [`Session::take_deferred`] gives the ticket. The C layer's
    /// synchronous calls are so a submit and a collect that waits without holding the handle.
    /// When nothing else is in flight, its data goes through the store as imaplib's does (so
    /// the result is imaplib's exactly); alongside other commands it is routed like a ticket.
    pub fn defer_next(&mut self, on: bool) {
        self.defer = on;
    }

    /// The ticket of the command deferred by [`Session::defer_next`], if one was sent.
    pub fn take_deferred(&mut self) -> Option<Ticket> {
        self.deferred.take()
    }

    /// The body of the submits. `make_room`: file one buffer of what the server has sent
    /// after sending (see below); a synchronous call's submit skips it, since its collect
    /// reads at once anyway (a read that would find nothing yet costs a system call per
    /// call).
    pub(super) fn submit_as(
        &mut self,
        cmd: Command,
        table_name: &str,
        from: Option<ResultFrom>,
        stream: bool,
        store: bool,
        make_room: bool,
    ) -> Result<Ticket> {
        self.guarded(|s| {
            s.tickets.next += 1;
            let ticket = s.tickets.next;
            let probe = Session::pending_for(Vec::new(), &cmd, table_name, None, from);
            let from = from.unwrap_or(match probe.collects {
                Some(n) => ResultFrom::Untagged(n),
                None => ResultFrom::Tagged,
            });
            let from = s.result_from_now(from);
            let name = cmd.name.clone();
            // Known before anything is sent: its completion may come while a literal waits.
            s.tickets.map.insert(
                ticket,
                TicketState {
                    name,
                    from: Some(from),
                    stream,
                    store,
                    ..TicketState::default()
                },
            );
            if let Err(e) = s.start_routed(cmd, table_name, Some((ticket, from))) {
                s.tickets.map.remove(&ticket);
                return Err(e);
            }
            s.tickets.update_count();
            // Make room: one buffer of what the server has answered so far is filed now, so a
            // long series of submissions never leaves the server blocked on its output. One
            // buffer, not all there is: a fast server streaming a large FETCH would otherwise
            // be read to the end here, into the heap, ahead of a consumer that pulls slowly.
            // The command is out: a failure here closed the connection and ends the ticket,
            // which its collect reports.
            if make_room {
                let _ = s.read_once();
            }
            Ok(ticket)
        })
    }

    /// Submits the command `name` ("FETCH", "UID FETCH", "STATUS"...) of the command table
    /// with `args`: the C API's `imap_submit`. Commands that change the connection's state in
    /// ways a ticket cannot report (LOGIN, AUTHENTICATE, STARTTLS, IDLE, LOGOUT, ENABLE,
    /// PROXYAUTH, COMPRESS) are refused: they have their own calls. SELECT, EXAMINE, CLOSE and UNSELECT
    /// change the state when their completion arrives, as their synchronous calls do.
    pub fn submit_named(&mut self, name: &str, args: Vec<Arg>) -> Result<Ticket> {
        let upper = name.trim().to_ascii_uppercase();
        let words: Vec<&str> = upper.split_ascii_whitespace().collect();
        let (sub, uid) = match words.as_slice() {
            [n] => (*n, false),
            ["UID", n] => (*n, true),
            _ => return Err(Error::invalid(format!("unknown command {name:?}"))),
        };
        let Some(spec) = spec(sub).filter(|s| s.name != "UID") else {
            return Err(Error::invalid(format!("unknown command {name:?}")));
        };
        if uid && !spec.uid {
            return Err(Error::invalid(format!("{sub} has no UID form")));
        }
        if matches!(
            sub,
            "LOGIN"
                | "AUTHENTICATE"
                | "STARTTLS"
                | "IDLE"
                | "LOGOUT"
                | "ENABLE"
                | "PROXYAUTH"
                | "COMPRESS"
        ) {
            return Err(Error::invalid(format!(
                "{sub} cannot be submitted: it changes the connection in ways only its own call \
                 reports (use imap_{})",
                sub.to_ascii_lowercase()
            )));
        }
        if uid {
            let mut wire = vec![Arg::Atom(sub.as_bytes().to_vec())];
            wire.extend(args);
            // As the synchronous UID call.
            let from = ResultFrom::Untagged(super::commands::uid_result_kind(sub));
            return self.submit(Command::new("UID", wire), "UID", Some(from));
        }
        if matches!(sub, "SELECT" | "EXAMINE") {
            self.guarded(|s| {
                s.check_open()?;
                s.wait_turn(Some(spec), false)?;
                s.check_state(sub)?;
                s.store.clear();
                s.readonly = sub == "EXAMINE";
                Ok(())
            })?;
        }
        self.submit(Command::new(sub, args), sub, None)
    }

    /// Submits `(UID) FETCH set items`, checked as the synchronous call checks it; `stream`:
    /// its responses are pulled as they come ([`Session::pull`]).
    pub fn submit_fetch(
        &mut self,
        set: &str,
        items: &str,
        uid: bool,
        stream: bool,
    ) -> Result<Ticket> {
        let mut args = vec![
            Arg::Raw(set.as_bytes().to_vec()),
            Arg::FetchParts(items.as_bytes().to_vec()),
        ];
        let (cmd, table) = if uid {
            args.insert(0, Arg::Raw(b"FETCH".to_vec()));
            (Command::new("UID", args), "UID")
        } else {
            (Command::new("FETCH", args), "FETCH")
        };
        if stream {
            self.submit_stream(cmd, table)
        } else {
            self.submit(cmd, table, Some(ResultFrom::Untagged("FETCH")))
        }
    }

    /// Waits (blocking, reading and routing) until `spec` may be sent. A streamed FETCH in
    /// flight is not waited for: its data would pile up unread.
    pub(super) fn wait_turn(&mut self, spec: Option<&Spec>, uid: bool) -> Result<()> {
        while self.must_wait(spec, uid) {
            let streaming = self.pending.iter().any(|p| {
                p.ticket
                    .and_then(|t| self.tickets.map.get(&t))
                    .is_some_and(|t| t.stream && !t.discard)
            });
            if streaming {
                return Err(Error::new(
                    ErrorKind::IllegalState,
                    "a streamed FETCH is in progress and this command may not run alongside it: \
                     read it to its end or cancel it first",
                ));
            }
            self.check_bye()?;
            self.pump()?;
        }
        Ok(())
    }

    fn unknown_ticket(ticket: Ticket) -> Error {
        Error::invalid(format!(
            "unknown ticket {ticket} (never submitted on this handle, or already collected)"
        ))
    }

    /// Whether `ticket` has completed (or failed), without reading.
    pub fn ticket_finished(&self, ticket: Ticket) -> Result<bool> {
        let t = self
            .tickets
            .map
            .get(&ticket)
            .ok_or_else(|| Session::unknown_ticket(ticket))?;
        Ok(t.done.is_some() || t.failed.is_some())
    }

    /// The outcome of a finished ticket (the ticket is spent), `None` while it runs. What
    /// the synchronous call would have returned: the same type, data and error.
    pub fn take(&mut self, ticket: Ticket) -> Result<Option<Outcome>> {
        if !self.ticket_finished(ticket)? {
            return Ok(None);
        }
        let state = self
            .tickets
            .map
            .remove(&ticket)
            .ok_or_else(|| Session::unknown_ticket(ticket))?;
        self.tickets.weight -= state.weight;
        self.tickets.update_count();
        if let Some(e) = state.failed {
            return Err(e);
        }
        let t = state.done.unwrap_or_else(|| Tagged {
            status: "BAD".into(),
            text: Vec::new(),
        });
        let from = state.from.unwrap_or(ResultFrom::Tagged);
        let data: Vec<Item> = state.data.into_iter().flatten().collect();
        let select = matches!(state.name.as_str(), "SELECT" | "EXAMINE");
        let mut out = self.outcome_with(&state.name, t, from, Some(data))?;
        if select && out.is_ok() {
            // As `Session::select`: the EXISTS responses, kept in the store.
            out.data = self
                .store
                .get("EXISTS")
                .cloned()
                .unwrap_or_else(|| vec![Item::None]);
            if state.name == "SELECT" && self.store.contains("READ-ONLY") {
                let mut e = Error::new(ErrorKind::ReadOnly, "the mailbox is not writable");
                e.outcome = Some(Box::new(out));
                return Err(e);
            }
        }
        Ok(Some(out))
    }

    /// [`Session::take`] for a ticket that is not a stream still being read: a streamed
    /// FETCH is read with [`Session::pull`] (or cancelled) instead.
    pub fn take_collectable(&mut self, ticket: Ticket) -> Result<Option<Outcome>> {
        let t = self
            .tickets
            .map
            .get(&ticket)
            .ok_or_else(|| Session::unknown_ticket(ticket))?;
        if t.stream && !t.discard {
            return Err(Error::invalid(format!(
                "ticket {ticket} is a streamed FETCH: read it with imap_fetch_next or cancel it"
            )));
        }
        self.take(ticket)
    }

    /// Waits (blocking, holding the session) for `ticket`'s outcome: [`Session::take`] with
    /// the reading done here. The C layer waits outside the session instead.
    pub fn collect(&mut self, ticket: Ticket) -> Result<Outcome> {
        self.guarded(|s| loop {
            if let Some(o) = s.take_collectable(ticket)? {
                return Ok(o);
            }
            if let Err(e) = s.check_bye().and_then(|()| s.pump()) {
                // The connection closed: the ticket ends with it (and is spent).
                return s.take(ticket)?.ok_or(e);
            }
        })
    }

    /// Waits (blocking) for [`Session::pull`] to give something.
    pub fn next_pulled(&mut self, ticket: Ticket, max: usize) -> Result<Pulled> {
        self.guarded(|s| loop {
            if let Some(p) = s.pull(ticket, max)? {
                return Ok(p);
            }
            if let Err(e) = s.check_bye().and_then(|()| s.pump()) {
                return s.pull(ticket, max)?.ok_or(e);
            }
        })
    }

    /// Up to `max` (at least 1) responses of a streamed FETCH, or its end; `None` while
    /// nothing new has come.
    pub fn pull(&mut self, ticket: Ticket, max: usize) -> Result<Option<Pulled>> {
        let t = self
            .tickets
            .map
            .get_mut(&ticket)
            .ok_or_else(|| Session::unknown_ticket(ticket))?;
        if !t.data.is_empty() {
            let n = max.max(1).min(t.data.len());
            let out: Vec<Vec<Item>> = t.data.drain(..n).collect();
            let freed: u64 = out.iter().map(|r| response_cost(r)).sum();
            t.weight -= freed;
            if t.data.is_empty() && t.data.capacity() > 64 {
                t.data = VecDeque::new();
            }
            self.tickets.weight -= freed;
            return Ok(Some(Pulled::Messages(out)));
        }
        Ok(self.take(ticket)?.map(|o| Pulled::End(Ok(o))).or(None))
    }

    /// From now on `ticket`'s responses are dropped as they come (and those kept are freed);
    /// its completion is still collected with [`Session::take`].
    pub fn discard(&mut self, ticket: Ticket) -> Result<()> {
        let t = self
            .tickets
            .map
            .get_mut(&ticket)
            .ok_or_else(|| Session::unknown_ticket(ticket))?;
        t.discard = true;
        t.data = VecDeque::new();
        self.tickets.weight -= std::mem::take(&mut t.weight);
        Ok(())
    }

    /// Tickets submitted and not yet collected, readable from any thread.
    pub fn ticket_count(&self) -> Arc<AtomicUsize> {
        Arc::clone(&self.tickets.count)
    }

    /// Registers an event fd to be written whenever a ticket moves or the connection closes.
    pub fn add_waiter(&mut self, flag: Arc<EventFlag>) {
        self.tickets.waiters.push(flag);
    }

    pub fn remove_waiter(&mut self, flag: &Arc<EventFlag>) {
        self.tickets.waiters.retain(|w| !Arc::ptr_eq(w, flag));
    }

    /// Bytes read from the server so far on this handle (a waiter's clock moves with them).
    pub fn bytes_read(&self) -> u64 {
        self.bytes_in
    }
}

/// Runs `step` on the session until it gives a value, waiting for the server between tries
/// WITHOUT holding the session: `lock` takes it, and it is let go while this call polls the
/// socket (and an event flag that any thread filing data for it signals). So another thread's
/// command goes out while one waits, and several threads waiting on one session each get
/// their own answer. The wait is one call for the interrupter, with the call's own deadlines
/// (the I/O timeout, the call deadline and its minimum rate); `imap_interrupt` ends it at once
/// (it shuts the socket down, which wakes the poll). One buffer is read per try, so a streamed
/// FETCH's consumer holds the server back through TCP, not the heap.
pub fn wait_unlocked<'a, T>(
    lock: impl Fn() -> MutexGuard<'a, Session>,
    mut step: impl FnMut(&mut Session) -> Result<Option<T>>,
) -> Result<T> {
    let mut s = lock();
    s.begin_outside_call();
    let mut clock = s.config().pace();
    let mut seen = s.bytes_read();
    let flag = match waiter_flag() {
        Ok(f) => f,
        Err(e) => {
            let e = Error::new(ErrorKind::Abort, format!("eventfd: {e}"));
            return s.end_outside_call(Err(e));
        }
    };
    let mut first = true;
    let r = loop {
        match step(&mut s) {
            Ok(Some(v)) => break Ok(v),
            Err(e) => break Err(e),
            Ok(None) => {}
        }
        let first_read = std::mem::take(&mut first);
        let more = match s.check_bye().and_then(|()| {
            if first_read {
                s.read_first()
            } else {
                s.read_once()
            }
        }) {
            Ok(more) => more,
            Err(e) => break settle(&mut s, &mut step, e),
        };
        match step(&mut s) {
            Ok(Some(v)) => break Ok(v),
            Err(e) => break Err(e),
            Ok(None) if more => continue,
            Ok(None) => {}
        }
        let now = Instant::now();
        let read = s.bytes_read();
        clock.progress(now, usize::try_from(read - seen).unwrap_or(usize::MAX));
        seen = read;
        let fd = s.socket_fd();
        if fd < 0 || !s.is_open() {
            let e = Error::new(ErrorKind::Closed, "connection is closed");
            break settle(&mut s, &mut step, e);
        }
        let (limit, why) = match clock.limit(now, Direction::Read) {
            Ok(l) => l,
            Err(why) => {
                clock.expire(now, why);
                let e = s.outside_timeout(clock.expired().unwrap_or(why));
                break settle(&mut s, &mut step, e);
            }
        };
        s.add_waiter(Arc::clone(&flag));
        drop(s);
        let ready = poll_readable(fd, flag.fd(), limit);
        s = lock();
        s.remove_waiter(&flag);
        if ready != Some(false) {
            // Signalled, or maybe (EINTR, or the time ran out): cleared now. A signal that
            // came after the poll and before the removal stays set; it only makes the flag's
            // next poll return at once and look again.
            flag.drain();
        }
        let ready = ready.is_some();
        // Bytes another thread read meanwhile count as progress for this call too.
        if !ready && s.bytes_read() == seen {
            clock.expire(Instant::now(), why);
            let e = s.outside_timeout(clock.expired().unwrap_or(why));
            break settle(&mut s, &mut step, e);
        }
    };
    s.end_outside_call(r)
}

/// This thread's waiter flag, made on its first wait and reused by every later one (a wait
/// costs no eventfd creation). Safe to reuse: a flag is registered with a session only
/// during its poll, so it is signalled only then, and it is drained (after it has left the
/// session's list) before the wait goes on.
fn waiter_flag() -> std::io::Result<Arc<EventFlag>> {
    thread_local! {
        static FLAG: std::cell::RefCell<Option<Arc<EventFlag>>> = const { std::cell::RefCell::new(None) };
    }
    FLAG.with(|f| {
        let mut f = f.borrow_mut();
        if let Some(flag) = f.as_ref() {
            return Ok(Arc::clone(flag));
        }
        let flag = Arc::new(EventFlag::new()?);
        *f = Some(Arc::clone(&flag));
        Ok(flag)
    })
}

/// The wait failed with `e` (the connection closed): the step's own answer if it has one now
/// (a ticket completed before the close, or ended by it, and so spent), else `e`.
fn settle<T>(
    s: &mut Session,
    step: &mut impl FnMut(&mut Session) -> Result<Option<T>>,
    e: Error,
) -> Result<T> {
    step(s)?.ok_or(e)
}
