'use strict';
// libimap for Node.js: a Promise-based client over libimap's C ABI (include/imap.h), via koffi.
//
// Threading model (see README.md):
//  - every call that may block (connect, every IMAP command, freeing the handle) runs on a
//    koffi worker thread through `fn.async(...)`; the event loop never waits for the network;
//  - calls on one Client are queued on a promise chain, so at most one is in flight per handle
//    (the C library serializes them anyway; the queue keeps the event loop from ever blocking
//    on the handle's lock, and gives FIFO order);
//  - everything else (results, settings, accessors, imap_interrupt) is a short synchronous call
//    made on the main thread while no call is in flight, except imap_interrupt, which the C
//    ABI allows alongside a running call;
//  - no JS trace callback is ever registered (imap_set_trace_callback): libimap calls it on the
//    thread making the call, which is a koffi worker here; `debug` writes to stderr instead.

const { koffi, fn, imap_item, libraryPath } = require('./lib/native.cjs');

/** Status codes of the C ABI (enum imap_code), by short name. */
const Code = Object.freeze({
  OK: 0,
  NO: 1,
  BAD: 2,
  ABORT: 3,
  READONLY: 4,
  INVALID_ARGUMENT: 10,
  ILLEGAL_STATE: 11,
  TIMEOUT: 12,
  INTERRUPTED: 13,
  TLS: 14,
  LIMIT: 15,
  CLOSED: 16,
  CONNECT: 17,
  INTERNAL: 18,
});

const STATES = ['LOGOUT', 'NONAUTH', 'AUTH', 'SELECTED'];
const TLS_MODES = { none: 0, implicit: 1, starttls: 2 };
const ITEM_NONE = 0;
const ITEM_LINE = 1;
const ITEM_LITERAL = 2;

/** `imap_code_name(code)`: "IMAP_CODE_NO", or "IMAP_CODE_UNKNOWN". */
function codeName(code) {
  return fn.imap_code_name(code);
}

/** `imap_code_str(code)`: a short English description ("the server answered NO"). */
function codeDescription(code) {
  return fn.imap_code_str(code);
}

/**
 * The error every failing call rejects with.
 *  - `code`: the symbolic name of the C status ("IMAP_CODE_NO", "IMAP_CODE_TLS"...);
 *  - `kind`: the same without the prefix ("NO", "TLS"...);
 *  - `status`: the numeric C status (1 for NO...);
 *  - `message`: imap_last_error (server text for NO/BAD, else libimap's message);
 *  - `text`: the server's tagged text when there was one, else null;
 *  - `result`: the command's result when the C call delivered one (NO, BAD, READONLY), else null.
 */
class ImapError extends Error {
  constructor(status, message, result = null) {
    const name = codeName(status);
    super(message || codeDescription(status));
    this.name = 'ImapError';
    this.code = name;
    this.kind = name.replace(/^IMAP_CODE_/, '');
    this.status = status;
    this.description = codeDescription(status);
    this.result = result;
    this.text = result && result.status ? result.text : null;
  }
}

// ---------------------------------------------------------------------------------------------
// helpers

function asyncCall(f, args) {
  return new Promise((resolve, reject) => {
    f.async(...args, (err, value) => (err ? reject(err) : resolve(value)));
  });
}

function isNull(p) {
  return p === null || p === undefined || p === 0n || p === 0;
}

/** Copies `len` bytes at native address `ptr` into a new Buffer (never a view). */
function copyBytes(ptr, len) {
  const n = Number(len);
  if (isNull(ptr) || n === 0) return Buffer.alloc(0);
  const out = Buffer.allocUnsafe(n);
  out.set(new Uint8Array(koffi.view(ptr, n)));
  return out;
}

/** Reads an imap_result into a plain object; the caller frees the result. */
function readResult(r) {
  const count = Number(fn.imap_result_count(r));
  const data = new Array(count);
  for (let i = 0; i < count; i++) {
    const p = fn.imap_result_item(r, i);
    if (isNull(p)) {
      data[i] = null;
      continue;
    }
    const it = koffi.decode(p, imap_item);
    if (it.kind === ITEM_LINE) data[i] = copyBytes(it.data, it.len);
    else if (it.kind === ITEM_LITERAL)
      data[i] = [copyBytes(it.data, it.len), copyBytes(it.literal, it.literal_len)];
    else data[i] = null; // ITEM_NONE: imaplib's None
  }
  const textLen = [0];
  const textPtr = fn.imap_result_text(r, textLen);
  const codeLen = [0];
  const codePtr = fn.imap_result_code_data(r, codeLen);
  const code = fn.imap_result_code(r);
  return {
    type: fn.imap_result_type(r),
    data,
    status: fn.imap_result_status(r),
    text: copyBytes(textPtr, textLen[0]).toString('utf8'),
    code,
    codeData: code === null ? null : copyBytes(codePtr, codeLen[0]).toString('utf8'),
  };
}

/** Takes a string libimap allocated (imap_string_free), or null. */
function takeString(p) {
  if (isNull(p)) return null;
  try {
    return koffi.decode.string(p);
  } finally {
    fn.imap_string_free(p);
  }
}

function invalid(message) {
  return new ImapError(Code.INVALID_ARGUMENT, message);
}

// Argument checks that libimap cannot make: a NUL inside a JS string would silently cut the
// C string short, so it is rejected here (CR and LF are rejected by libimap itself).
function str(value, what) {
  if (typeof value !== 'string') throw new TypeError(`${what} must be a string`);
  if (value.includes('\0')) throw invalid(`${what} contains NUL`);
  return value;
}

function optStr(value, what) {
  return value === null || value === undefined ? null : str(value, what);
}

function strList(values, what) {
  return values.map((v, i) => str(v, `${what}[${i}]`));
}

function toBytes(message) {
  if (typeof message === 'string') return Buffer.from(message, 'utf8');
  if (Buffer.isBuffer(message)) return message;
  if (ArrayBuffer.isView(message))
    return Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  if (message instanceof ArrayBuffer) return Buffer.from(message);
  throw new TypeError('message must be a Buffer, a Uint8Array or a string');
}

function positiveMs(value, what) {
  if (value === undefined || value === null) return undefined;
  if (!Number.isInteger(value) || value <= 0 || value > 0xffffffff)
    throw new TypeError(`${what} must be a positive integer number of milliseconds`);
  return value;
}

function limit(value, what) {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'bigint') return value;
  if (!Number.isSafeInteger(value) || value < 0) throw new TypeError(`${what} must be a non-negative integer`);
  return value;
}

// Frees a handle whose Client was garbage-collected without close(). A Client with a call in
// flight is reachable from that call's closure, so this never races a call.
const finalizer =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry((handle) => fn.imap_client_free(handle))
    : null;

const DEFAULT_CONNECT_MS = 30000;
const DEFAULT_IO_MS = 60000;

// ---------------------------------------------------------------------------------------------

class Client {
  #h; // the imap_client* (BigInt), null once freed
  #queue = Promise.resolve(); // the tail of the promise chain of calls
  #inFlight = false; // a C call is running on a worker
  #closing = false; // close() was called: new calls are refused
  #aborted = false; // close({ interrupt: true }): queued calls are refused too
  #closePromise = null;
  #interruptTimer = null;
  #snap = {
    state: 'LOGOUT',
    capabilities: [],
    protocolVersion: null,
    welcome: null,
    isReadOnly: false,
    isTls: false,
  };

  /**
   * Use `Client.connect(options)`. The constructor only creates and configures the handle
   * (no I/O); `open()` connects it.
   */
  constructor(options = {}) {
    if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
    this.options = { ...options };
    const {
      ca,
      cert,
      key,
      insecure,
      timeout,
      connectTimeout,
      debug,
      trace,
      limits,
    } = options;
    if (typeof trace === 'function')
      throw new TypeError(
        'libimap: a JS trace callback is not supported: libimap calls it on the thread making the ' +
          'call, which is a worker thread for every async call. Use `debug: 1..5` (stderr) instead.',
      );
    const ioMs = positiveMs(timeout, 'timeout');
    const connMs = positiveMs(connectTimeout, 'connectTimeout');
    let level = 0;
    if (debug !== undefined && debug !== null && debug !== false) {
      level = debug === true ? 1 : debug;
      if (!Number.isInteger(level) || level < 0 || level > 5) throw new TypeError('debug must be an integer 0..5');
    }
    if (trace === true) level = Math.max(level, 4);

    const out = [null];
    const rc = fn.imap_client_new(out);
    if (rc !== Code.OK || isNull(out[0])) throw new ImapError(rc === Code.OK ? Code.INTERNAL : rc, 'imap_client_new failed');
    this.#h = out[0];
    if (finalizer) finalizer.register(this, this.#h, this);
    try {
      const check = (code) => {
        if (code !== Code.OK) throw new ImapError(code, fn.imap_last_error(this.#h));
      };
      if (ioMs !== undefined || connMs !== undefined)
        check(fn.imap_set_timeouts(this.#h, connMs ?? DEFAULT_CONNECT_MS, ioMs ?? DEFAULT_IO_MS));
      if (limits) {
        check(
          fn.imap_set_limits(
            this.#h,
            limit(limits.maxLine, 'limits.maxLine'),
            limit(limits.maxLiteral, 'limits.maxLiteral'),
            limit(limits.maxResponse, 'limits.maxResponse'),
            limit(limits.maxUntagged, 'limits.maxUntagged'),
          ),
        );
      }
      if (ca !== undefined && ca !== null) check(fn.imap_set_ca_file(this.#h, str(ca, 'ca')));
      if ((cert ?? null) !== null || (key ?? null) !== null)
        check(fn.imap_set_client_cert(this.#h, optStr(cert, 'cert'), optStr(key, 'key')));
      if (insecure) check(fn.imap_set_tls_verify(this.#h, 0));
      if (level) check(fn.imap_set_debug(this.#h, level));
    } catch (e) {
      this.#freeNow();
      throw e;
    }
  }

  /**
   * Creates a client and connects it (greeting, capabilities, and STARTTLS when asked).
   * Rejects with an ImapError (CONNECT, TLS, TIMEOUT, ABORT...) after freeing the handle.
   */
  static async connect(options = {}) {
    const client = new Client(options);
    try {
      await client.open();
    } catch (e) {
      await client.close();
      throw e;
    }
    return client;
  }

  /** imap_open with the options given to the constructor. */
  open() {
    const { host, port, tls } = this.options;
    let mode;
    let portNum;
    let hostStr;
    try {
      const t = tls === undefined ? 'implicit' : tls;
      if (!Object.hasOwn(TLS_MODES, t)) throw new TypeError("tls must be 'implicit', 'starttls' or 'none'");
      mode = TLS_MODES[t];
      portNum = port === undefined || port === null ? 0 : port;
      if (!Number.isInteger(portNum) || portNum < 0 || portNum > 65535) throw new TypeError('port must be an integer 0..65535');
      hostStr = optStr(host, 'host');
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#enqueue(async () => {
      const rc = await this.#async(fn.imap_open, [this.#h, hostStr, portNum, mode]);
      this.#refresh();
      if (rc !== Code.OK) throw new ImapError(rc, fn.imap_last_error(this.#h));
    });
  }

  // --- the queue -------------------------------------------------------------------------------

  #closedError() {
    return new ImapError(Code.CLOSED, 'the client is closed (close() was called)');
  }

  #enqueue(task) {
    if (this.#closing) return Promise.reject(this.#closedError());
    const run = () => {
      if (this.#aborted || this.#h === null) throw this.#closedError();
      return task();
    };
    const p = this.#queue.then(run);
    this.#queue = p.then(
      () => undefined,
      () => undefined,
    );
    return p;
  }

  async #async(f, args) {
    this.#inFlight = true;
    try {
      return await asyncCall(f, args);
    } finally {
      this.#inFlight = false;
      if (this.#interruptTimer) {
        clearInterval(this.#interruptTimer);
        this.#interruptTimer = null;
      }
    }
  }

  /** Runs one command: the C function `f` with `args` + the result out-parameter. */
  #command(f, args) {
    return this.#enqueue(async () => {
      const out = [null];
      const rc = await this.#async(f, [this.#h, ...args, out]);
      let result = null;
      if (!isNull(out[0])) {
        try {
          result = readResult(out[0]);
        } finally {
          fn.imap_result_free(out[0]);
        }
      }
      this.#refresh();
      if (rc !== Code.OK) throw new ImapError(rc, fn.imap_last_error(this.#h), result);
      return result ?? { type: 'OK', data: [], status: null, text: '', code: null, codeData: null };
    });
  }

  /** Validates synchronously, then queues; a validation failure becomes a rejection. */
  #cmd(f, build) {
    let args;
    try {
      args = build();
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#command(f, args);
  }

  // Accessors read a snapshot taken after each call: the C accessors take the handle's lock,
  // so calling them while a command runs on a worker would block the event loop.
  #refresh() {
    const h = this.#h;
    if (h === null) return;
    const caps = takeString(fn.imap_client_capabilities(h));
    this.#snap = {
      state: STATES[fn.imap_client_state(h)] ?? 'LOGOUT',
      capabilities: caps ? caps.split(' ').filter(Boolean) : [],
      protocolVersion: fn.imap_client_protocol_version(h),
      welcome: takeString(fn.imap_client_welcome(h)),
      isReadOnly: fn.imap_client_is_readonly(h) === 1,
      isTls: fn.imap_client_is_tls(h) === 1,
    };
  }

  #freeNow() {
    const h = this.#h;
    if (h === null) return;
    this.#h = null;
    if (finalizer) finalizer.unregister(this);
    fn.imap_client_free(h);
  }

  // --- lifecycle ---------------------------------------------------------------------------------

  /**
   * Frees the handle (closing the connection without LOGOUT if it is still open; call
   * `logout()` first for a polite goodbye). Idempotent: every call returns the same promise.
   * New calls are refused (ImapError IMAP_CODE_CLOSED) from the moment close() is called.
   *  - close(): calls already queued run to completion first, then the handle is freed.
   *  - close({ interrupt: true }): the running call is interrupted (imap_interrupt; it rejects
   *    with IMAP_CODE_INTERRUPTED), queued calls that have not started reject with
   *    IMAP_CODE_CLOSED, then the handle is freed.
   */
  close(options = {}) {
    const interrupt = !!(options && options.interrupt);
    if (interrupt) {
      this.#aborted = true;
      this.#interruptRunning();
    }
    if (!this.#closePromise) {
      this.#closing = true;
      this.#closePromise = this.#queue.then(async () => {
        const h = this.#h;
        if (h === null) return;
        this.#h = null;
        if (finalizer) finalizer.unregister(this);
        this.#snap = { ...this.#snap, state: 'LOGOUT', isTls: false };
        // freeing closes the socket (TLS close_notify): do it off the event loop too
        await asyncCall(fn.imap_client_free, [h]);
      });
    }
    return this.#closePromise;
  }

  // imap_interrupt may run alongside another call. It reports ILLEGAL_STATE when no call is
  // running *in C* yet (the worker may not have entered it), so retry until the call ends.
  #interruptRunning() {
    if (!this.#inFlight || this.#h === null || this.#interruptTimer) return;
    if (fn.imap_interrupt(this.#h) === Code.OK) return;
    this.#interruptTimer = setInterval(() => {
      if (!this.#inFlight || this.#h === null || fn.imap_interrupt(this.#h) === Code.OK) {
        clearInterval(this.#interruptTimer);
        this.#interruptTimer = null;
      }
    }, 5);
  }

  /**
   * imap_interrupt: makes the call in progress reject promptly with IMAP_CODE_INTERRUPTED and
   * closes the connection (the handle stays valid; later commands reject with
   * IMAP_CODE_CLOSED). Returns true if a call was interrupted.
   */
  interrupt() {
    if (this.#h === null || !this.#inFlight) return false;
    return fn.imap_interrupt(this.#h) === Code.OK;
  }

  /** True once close() has been called. */
  get closed() {
    return this.#closing;
  }

  // --- accessors (snapshot after the last completed call; never block) ---------------------------

  /** 'LOGOUT' | 'NONAUTH' | 'AUTH' | 'SELECTED' (imaplib's `state`). */
  get state() {
    return this.#snap.state;
  }
  /** The capabilities, upper-cased (imaplib's `capabilities`). */
  get capabilities() {
    return [...this.#snap.capabilities];
  }
  /** Whether the server advertised `name` (case-insensitive). */
  hasCapability(name) {
    if (typeof name !== 'string') throw new TypeError('name must be a string');
    return this.#snap.capabilities.includes(name.toUpperCase());
  }
  /** 'IMAP4REV1' | 'IMAP4' | null (imaplib's PROTOCOL_VERSION). */
  get protocolVersion() {
    return this.#snap.protocolVersion;
  }
  /** The greeting line without CRLF, or null (imaplib's `welcome`). */
  get welcome() {
    return this.#snap.welcome;
  }
  /** Whether the selected mailbox was opened read-only (imaplib's `is_readonly`). */
  get isReadOnly() {
    return this.#snap.isReadOnly;
  }
  /** Whether the connection is protected by TLS. */
  get isTls() {
    return this.#snap.isTls;
  }

  // --- commands (one per C function) --------------------------------------------------------------

  capability() {
    return this.#command(fn.imap_capability, []);
  }
  noop() {
    return this.#command(fn.imap_noop, []);
  }
  login(user, password) {
    return this.#cmd(fn.imap_login, () => [str(user, 'user'), str(password, 'password')]);
  }
  logout() {
    return this.#command(fn.imap_logout, []);
  }
  starttls() {
    return this.#command(fn.imap_starttls, []);
  }
  /** SELECT, or EXAMINE with `{ readonly: true }` (a boolean is accepted too, as imaplib). */
  select(mailbox = 'INBOX', options = {}) {
    const readonly = typeof options === 'boolean' ? options : !!(options && options.readonly);
    return this.#cmd(fn.imap_select, () => [optStr(mailbox, 'mailbox'), readonly ? 1 : 0]);
  }
  status(mailbox, names) {
    return this.#cmd(fn.imap_status, () => [str(mailbox, 'mailbox'), str(names, 'names')]);
  }
  list(directory = null, pattern = null) {
    return this.#cmd(fn.imap_list, () => [optStr(directory, 'directory'), optStr(pattern, 'pattern')]);
  }
  lsub(directory = null, pattern = null) {
    return this.#cmd(fn.imap_lsub, () => [optStr(directory, 'directory'), optStr(pattern, 'pattern')]);
  }
  create(mailbox) {
    return this.#cmd(fn.imap_create, () => [str(mailbox, 'mailbox')]);
  }
  delete(mailbox) {
    return this.#cmd(fn.imap_delete, () => [str(mailbox, 'mailbox')]);
  }
  rename(oldMailbox, newMailbox) {
    return this.#cmd(fn.imap_rename, () => [str(oldMailbox, 'oldMailbox'), str(newMailbox, 'newMailbox')]);
  }
  subscribe(mailbox) {
    return this.#cmd(fn.imap_subscribe, () => [str(mailbox, 'mailbox')]);
  }
  unsubscribe(mailbox) {
    return this.#cmd(fn.imap_unsubscribe, () => [str(mailbox, 'mailbox')]);
  }

  /**
   * APPEND `message` to `mailbox` (null: INBOX) with optional `flags` and `date` (an IMAP
   * date-time, quoted or not). The bytes are copied into native memory for the call.
   */
  append(mailbox, flags, date, message) {
    let args;
    let bytes;
    try {
      args = [optStr(mailbox, 'mailbox'), optStr(flags, 'flags'), optStr(date, 'date')];
      bytes = toBytes(message);
    } catch (e) {
      return Promise.reject(e);
    }
    // A JS buffer handed to a worker-thread call could be moved (small on-heap typed arrays)
    // or changed meanwhile: give libimap its own copy in native memory, freed after the call.
    return this.#enqueue(async () => {
      const len = bytes.length;
      const mem = len > 0 ? koffi.alloc('uint8_t', len) : null;
      try {
        if (mem !== null) new Uint8Array(koffi.view(mem, len)).set(bytes);
        const out = [null];
        const rc = await this.#async(fn.imap_append, [this.#h, ...args, mem, len, out]);
        let result = null;
        if (!isNull(out[0])) {
          try {
            result = readResult(out[0]);
          } finally {
            fn.imap_result_free(out[0]);
          }
        }
        this.#refresh();
        if (rc !== Code.OK) throw new ImapError(rc, fn.imap_last_error(this.#h), result);
        return result;
      } finally {
        if (mem !== null) koffi.free(mem);
      }
    });
  }

  check() {
    return this.#command(fn.imap_check, []);
  }
  /**
   * The IMAP CLOSE command (imaplib's `close()`: expunge and leave the mailbox). Named
   * closeMailbox because `close()` frees the client.
   */
  closeMailbox() {
    return this.#command(fn.imap_close, []);
  }
  unselect() {
    return this.#command(fn.imap_unselect, []);
  }
  expunge() {
    return this.#command(fn.imap_expunge, []);
  }
  /** SEARCH [CHARSET charset] criteria... (charset null: none), criteria verbatim. */
  search(charset, ...criteria) {
    return this.#cmd(fn.imap_search, () => {
      const c = strList(criteria, 'criteria');
      return [optStr(charset, 'charset'), c, c.length];
    });
  }
  fetch(messageSet, parts) {
    return this.#cmd(fn.imap_fetch, () => [str(messageSet, 'messageSet'), str(parts, 'parts')]);
  }
  store(messageSet, command, flags) {
    return this.#cmd(fn.imap_store, () => [str(messageSet, 'messageSet'), str(command, 'command'), str(flags, 'flags')]);
  }
  copy(messageSet, mailbox) {
    return this.#cmd(fn.imap_copy, () => [str(messageSet, 'messageSet'), str(mailbox, 'mailbox')]);
  }
  move(messageSet, mailbox) {
    return this.#cmd(fn.imap_move, () => [str(messageSet, 'messageSet'), str(mailbox, 'mailbox')]);
  }
  /** UID command args...: FETCH, SEARCH, STORE, COPY, MOVE, EXPUNGE, SORT, THREAD. */
  uid(command, ...args) {
    return this.#cmd(fn.imap_uid, () => {
      const a = strList(args, 'args');
      return [str(command, 'command'), a, a.length];
    });
  }
  namespace() {
    return this.#command(fn.imap_namespace, []);
  }
  /** imaplib's response(code): pops the untagged responses of that name ([null] if none). */
  response(code) {
    return this.#cmd(fn.imap_response, () => [str(code, 'code')]);
  }
  recent() {
    return this.#command(fn.imap_recent, []);
  }
  /** imaplib's xatom(name, *args): any command, arguments verbatim. */
  xatom(name, ...args) {
    return this.#cmd(fn.imap_xatom, () => {
      const a = strList(args, 'args');
      return [str(name, 'name'), a, a.length];
    });
  }
  /** imaplib's shutdown(): closes the connection without LOGOUT; the client stays usable as an object. */
  shutdown() {
    return this.#enqueue(async () => {
      const rc = await this.#async(fn.imap_shutdown, [this.#h]);
      this.#refresh();
      if (rc !== Code.OK) throw new ImapError(rc, fn.imap_last_error(this.#h));
    });
  }
}

if (typeof Symbol.asyncDispose === 'symbol') {
  Object.defineProperty(Client.prototype, Symbol.asyncDispose, {
    value: function asyncDispose() {
      return this.close();
    },
    writable: true,
    configurable: true,
  });
}

module.exports = { Client, ImapError, Code, codeName, codeDescription, libraryPath };
