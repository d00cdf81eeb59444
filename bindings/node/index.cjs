'use strict';
// libimap for Node.js: a Promise-based client over libimap's C ABI (include/imap.h), via koffi.
//
// Threading model (see README.md):
//  - every call that may block (connect, every IMAP command, freeing the handle) runs on a
//    koffi worker thread through `fn.async(...)`; the event loop never waits for the network;
//  - calls on one Client are queued on a promise chain, so at most one is in flight per handle
//    (the C library serializes them anyway; the queue keeps the event loop from ever blocking
//    on the handle's lock, and gives FIFO order);
//  - everything else (results, settings, utilities) is a short synchronous call made on the
//    main thread while no call is in flight; the accessors (imap_client_*) and imap_interrupt
//    are also made while a call runs, which the C ABI allows (they never wait for it);
//  - the SASL callback of authenticate() is a registered koffi callback: libimap calls it on
//    the worker running imap_authenticate, koffi parks that worker and runs the JS function on
//    the main thread at the next turn of the event loop. Nothing on the main thread ever waits
//    for the handle, so this cannot deadlock;
//  - the literal handler (setLiteralHandler, fetchStream) is a registered koffi callback too,
//    the same way: libimap calls it on the worker for each chunk of a streamed literal, koffi
//    runs it on the main thread. It is registered only while set (unregistered when replaced,
//    restored to buffering, or when the handle is freed), and set or replaced only from a
//    queued task, never while a call runs;
//  - no JS trace callback is registered (imap_set_trace_callback); `debug` writes to stderr.

const { koffi, fn, imap_item, imap_sasl_fn, imap_literal_fn, parsedTypes: T, libraryPath } = require('./lib/native.cjs');

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
  UNSUPPORTED: 19,
  PARSE: 20,
});

const STATES = ['LOGOUT', 'NONAUTH', 'AUTH', 'SELECTED', 'IDLING'];
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
 *  - `result`: the command's result when the C call delivered one (NO, BAD, READONLY), else null;
 *  - `parsed`, `invalid`: for IMAP_CODE_PARSE, the partial parsed value and the responses that
 *    did not parse (null otherwise).
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
    /** IMAP_CODE_PARSE (a *Parsed method): the value, with the bad entries marked; else null. */
    this.parsed = null;
    /** IMAP_CODE_PARSE: the responses that did not parse ({ kind, message, raw }); else null. */
    this.invalid = null;
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
      // a literal streamed to the literal handler has no bytes here (literal NULL), only its
      // size: [header, null, size]; a buffered one (even empty) has a non-NULL pointer
      data[i] = isNull(it.literal)
        ? [copyBytes(it.data, it.len), null, Number(it.literal_len)]
        : [copyBytes(it.data, it.len), copyBytes(it.literal, it.literal_len)];
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
    // the tagged text's response code, parsed (imap_parse_code) only when there is one
    parsedCode: code === null ? null : readCode(r),
  };
}

/** Reads and frees an imap_result (null for a NULL pointer). */
function takeResult(p) {
  if (isNull(p)) return null;
  try {
    return readResult(p);
  } finally {
    fn.imap_result_free(p);
  }
}

/** Copies bytes into native memory (koffi.alloc; free with koffi.free), or null if empty. */
function nativeCopy(bytes) {
  if (bytes.length === 0) return null;
  const mem = koffi.alloc('uint8_t', bytes.length);
  new Uint8Array(koffi.view(mem, bytes.length)).set(bytes);
  return mem;
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

function emptyResult() {
  return { type: 'OK', data: [], status: null, text: '', code: null, codeData: null, parsedCode: null };
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

// Typed argument values (imap_arg_kind): the library sends each by its kind, so a string
// value is quoted or sent as a literal and never as an 8-bit atom.
const ARG_KIND = { atom: 0, string: 1, number: 2, listBegin: 3, listEnd: 4 };
const ARG = Symbol('libimap.arg');
function makeArg(kind, value) {
  return Object.freeze({ [ARG]: true, kind, value });
}
/** Builders of typed arguments for searchArgs and sortArgs. */
const arg = Object.freeze({
  /** A keyword, date, flag keyword or sequence set sent as it is ('SUBJECT', '1:*'). */
  atom: (value) => makeArg('atom', str(value, 'atom')),
  /** A string value: quoted, or a literal when it is not 7-bit. */
  string: (value) => makeArg('string', str(value, 'string')),
  /** A non-negative integer. */
  number: (value) => {
    if (typeof value === 'bigint' ? value < 0n : !Number.isSafeInteger(value) || value < 0)
      throw new TypeError('number must be a non-negative integer');
    return makeArg('number', String(value));
  },
  /** A parenthesised group of arguments. */
  list: (...items) => makeArg('list', items),
});

/** Flattens typed arguments into the values and kinds arrays of imap_search_args. */
function typedArgs(args, what) {
  const values = [];
  const kinds = [];
  const walk = (items, path) =>
    items.forEach((a, i) => {
      const where = `${path}[${i}]`;
      if (a === null || typeof a !== 'object' || a[ARG] !== true)
        throw new TypeError(`${where} must be built with arg.atom, arg.string, arg.number or arg.list`);
      if (a.kind === 'list') {
        values.push(null);
        kinds.push(ARG_KIND.listBegin);
        walk(a.value, where);
        values.push(null);
        kinds.push(ARG_KIND.listEnd);
      } else {
        values.push(a.value);
        kinds.push(ARG_KIND[a.kind]);
      }
    });
  walk(args, what);
  return [values, Int32Array.from(kinds), values.length];
}

function flagList(flags, what) {
  if (!Array.isArray(flags)) throw new TypeError(`${what} must be an array of strings`);
  const f = strList(flags, what);
  return [f, f.length];
}

function toBytes(message, what = 'message') {
  if (typeof message === 'string') return Buffer.from(message, 'utf8');
  if (Buffer.isBuffer(message)) return message;
  if (ArrayBuffer.isView(message))
    return Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  if (message instanceof ArrayBuffer) return Buffer.from(message);
  throw new TypeError(`${what} must be a Buffer, a Uint8Array or a string`);
}

/** A string or a number (imaplib takes PARTIAL's arguments as strings). */
function strOrNum(value, what) {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return str(value, what);
}

/** Parallel name/value arrays from a Record or [name, value] pairs; null values send NIL. */
function pairs(entries, what) {
  if (entries === null || typeof entries !== 'object') throw new TypeError(`${what} must be an object or an array of [name, value] pairs`);
  const list = Array.isArray(entries) ? entries : Object.entries(entries);
  const names = [];
  const values = [];
  list.forEach((pair, i) => {
    if (!Array.isArray(pair) || pair.length !== 2) throw new TypeError(`${what}[${i}] must be a [name, value] pair`);
    names.push(str(pair[0], `${what}[${i}] name`));
    values.push(optStr(pair[1], `${what}[${i}] value`));
  });
  return [names, values];
}

function timeoutMs(value, what, dflt) {
  if (value === undefined || value === null) return dflt;
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff)
    throw new TypeError(`${what} must be a non-negative integer number of milliseconds`);
  return value;
}

function positiveMs(value, what) {
  if (value === undefined || value === null) return undefined;
  if (!Number.isInteger(value) || value <= 0 || value > 0xffffffff)
    throw new TypeError(`${what} must be a positive integer number of milliseconds`);
  return value;
}

/** A literal size threshold: a non-negative integer (number or bigint below 2^64). */
function literalSize(value, what) {
  if (typeof value === 'bigint') {
    if (value < 0n || value >= 1n << 64n) throw new TypeError(`${what} must be a non-negative integer below 2^64`);
    return value;
  }
  if (!Number.isSafeInteger(value) || value < 0) throw new TypeError(`${what} must be a non-negative integer`);
  return value;
}

/**
 * The koffi callback for one literal handler: copies each chunk out of native memory into a
 * { line, size, offset, data } object, calls `handler` (on the main thread: koffi queues the
 * call and parks the worker), and returns 0 to go on or 1 to stop the transfer. A throw (or a
 * Promise, which cannot be waited for) is kept in `box.thrown`, a `false` return sets
 * `box.stopped`: the running call then rejects with IMAP_CODE_ABORT (see Client#enqueue). It
 * closes over `box` and `handler` only, never over the Client: a registered callback is a GC
 * root, and the client must stay collectable.
 */
function literalTrampoline(box, handler) {
  return (_userData, line, lineLen, size, offset, chunk, chunkLen) => {
    if (box.thrown !== null || box.stopped) return 1;
    try {
      const r = handler({
        line: copyBytes(line, lineLen),
        size: Number(size),
        offset: Number(offset),
        data: copyBytes(chunk, chunkLen),
      });
      if (r === false) {
        box.stopped = true;
        return 1;
      }
      if (r !== null && typeof r === 'object' && typeof r.then === 'function')
        throw new TypeError('the literal handler must return synchronously (undefined, or false to stop), not a Promise');
      return 0;
    } catch (e) {
      box.thrown = e;
      return 1; // libimap stops the transfer: the call fails with ABORT, the connection closes
    }
  };
}

/**
 * A call that the literal handler stopped (it threw, or returned false) rejects with libimap's
 * ABORT: say why, and keep what the handler threw as the error's `cause`.
 */
function literalCause(e, box) {
  if (!(e instanceof ImapError) || (box.thrown === null && !box.stopped)) return e;
  if (box.thrown !== null) {
    const t = box.thrown;
    e.cause = t;
    e.message += ` (the literal handler threw: ${t instanceof Error ? t.message : String(t)})`;
  } else {
    e.message += ' (the literal handler returned false)';
  }
  return e;
}

function limit(value, what) {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'bigint') return value;
  if (!Number.isSafeInteger(value) || value < 0) throw new TypeError(`${what} must be a non-negative integer`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// parsed results (imap_parse_*, imap_client_mailbox, imap_parse_code)
//
// Each parser reads a live imap_result and gives a tree of C structs (layouts in
// lib/native.cjs). The tree is converted here into plain JS objects — strings for names and
// text, Buffers for raw bytes and section data, numbers, BigInt for mod-sequences — copying
// every byte, then freed with its own _free before anything is returned: nothing handed to
// the caller points into native memory.

const INVALID_KINDS = ['NONE', 'SYNTAX', 'DEPTH', 'NUMBER', 'SHAPE', 'TRUNCATED', 'ENCODING'];
const SECTION_KINDS = ['BODY', 'BINARY', 'RFC822', 'RFC822.HEADER', 'RFC822.TEXT'];
const SECTION_TEXTS = ['FULL', 'HEADER', 'HEADER.FIELDS', 'HEADER.FIELDS.NOT', 'TEXT', 'MIME', 'OTHER'];
const RESPONSE_CODE_KINDS = [
  'NONE',
  'ALERT',
  'PARSE',
  'READ-ONLY',
  'READ-WRITE',
  'TRYCREATE',
  'UIDNOTSTICKY',
  'CLOSED',
  'NOMODSEQ',
  'UIDNEXT',
  'UIDVALIDITY',
  'UNSEEN',
  'HIGHESTMODSEQ',
  'PERMANENTFLAGS',
  'BADCHARSET',
  'CAPABILITY',
  'APPENDUID',
  'COPYUID',
  'MODIFIED',
  'OTHER',
  'INVALID',
];
/**
 * The IMAP_QUIRK_* bits of FetchMessage.quirks: deviations from the IMAP grammar that real
 * servers send and the parser accepted (the message is still exactly what was sent).
 */
const Quirk = Object.freeze({
  LITERAL_WITHOUT_SPACE: 1 << 0,
  EXTRA_SPACE: 1 << 1,
  UNESCAPED_QUOTE: 1 << 2,
  GROUP_END_EMPTY_MAILBOX: 1 << 3,
  GROUP_NOT_CLOSED: 1 << 4,
  GROUP_END_WITHOUT_START: 1 << 5,
  QUOTED_NUMBER: 1 << 6,
  NIL_FIELD: 1 << 7,
});
const MAILBOX_ENCODINGS = { utf7: 0, raw: 1 };

/** imap_bytes → Buffer (a copy), or null for NIL. */
function pbytes(b) {
  return isNull(b.data) ? null : copyBytes(b.data, b.len);
}

/** imap_bytes → string (UTF-8; invalid sequences become U+FFFD), or null for NIL. */
function ptext(b) {
  if (isNull(b.data)) return null;
  const n = Number(b.len);
  return n === 0 ? '' : Buffer.from(koffi.view(b.data, n)).toString('utf8');
}

/** A pointer + count array of structs (or primitives) → JS array (decoded copies). */
function parr(ptr, count, type) {
  const n = Number(count);
  if (n === 0 || isNull(ptr)) return [];
  return koffi.decode(ptr, type, n);
}

/** A uint32_t array → number[]. */
function pu32(ptr, count) {
  const n = Number(count);
  if (n === 0 || isNull(ptr)) return [];
  return Array.from(koffi.decode(ptr, 'uint32_t', n));
}

/** A size_t array (indexes) → number[]. */
function psize(ptr, count) {
  const n = Number(count);
  if (n === 0 || isNull(ptr)) return [];
  return Array.from(koffi.decode(ptr, 'size_t', n), Number);
}

const ptexts = (ptr, count) => parr(ptr, count, T.imap_bytes).map(ptext);
const pu64 = (v) => Number(v); // sizes and counts: exact below 2^53 (8 PiB)
const pmodseq = (v) => BigInt(v); // mod-sequences are 63-bit: always a BigInt
const opt = (has, v, f = (x) => x) => (has ? f(v) : null);
const lower = (s) => (s === null ? null : s.toLowerCase());

function pranges(ptr, count) {
  return parr(ptr, count, T.imap_seq_range).map((r) => ({ start: r.start, end: r.end }));
}

function pinvalid(ptr, count) {
  return parr(ptr, count, T.imap_invalid).map((v) => ({
    kind: INVALID_KINDS[v.kind] ?? 'SYNTAX',
    message: isNull(v.message) ? '' : koffi.decode.string(v.message),
    raw: pbytes(v.raw) ?? Buffer.alloc(0),
  }));
}

/** imap_mailbox_name → { mailbox (decoded; the raw name if it does not decode), rawMailbox }. */
function pmailbox(m) {
  const raw = ptext(m.raw) ?? '';
  return { mailbox: ptext(m.name) ?? raw, rawMailbox: raw };
}

function pdelim(d) {
  return d === 0 ? null : String.fromCharCode(d);
}

/** A parameter list → { name (lower-cased): value }. */
function pparams(ptr, count) {
  const out = {};
  for (const p of parr(ptr, count, T.imap_param)) {
    const name = ptext(p.name);
    if (name !== null) out[name.toLowerCase()] = ptext(p.value);
  }
  return out;
}

/** An address list, RFC 3501's flat group markers folded into { group, members }. */
function paddresses(ptr, count) {
  const out = [];
  let group = null;
  for (const a of parr(ptr, count, T.imap_address)) {
    if (a.kind === 1) {
      group = { group: ptext(a.mailbox), members: [], closed: false };
      out.push(group);
    } else if (a.kind === 2) {
      // an end with no group open (IMAP_QUIRK_GROUP_END_WITHOUT_START) has nothing to close
      if (group) group.closed = true;
      group = null;
    } else {
      const mailbox = ptext(a.mailbox);
      const host = ptext(a.host);
      const addr = {
        name: ptext(a.name_decoded),
        rawName: ptext(a.name),
        adl: ptext(a.adl),
        mailbox,
        host,
        address: mailbox === null ? null : host === null ? mailbox : `${mailbox}@${host}`,
      };
      (group ? group.members : out).push(addr);
    }
  }
  return out;
}

function penvelope(ptr) {
  if (isNull(ptr)) return null;
  const e = koffi.decode(ptr, T.imap_envelope);
  return {
    date: ptext(e.date),
    subject: ptext(e.subject_decoded),
    rawSubject: ptext(e.subject),
    from: paddresses(e.from, e.from_count),
    sender: paddresses(e.sender, e.sender_count),
    replyTo: paddresses(e.reply_to, e.reply_to_count),
    to: paddresses(e.to, e.to_count),
    cc: paddresses(e.cc, e.cc_count),
    bcc: paddresses(e.bcc, e.bcc_count),
    inReplyTo: ptext(e.in_reply_to),
    messageId: ptext(e.message_id),
  };
}

/**
 * A BODY/BODYSTRUCTURE tree (at most 64 levels: recursion is bounded). `part` is the IMAP
 * part number for BODY[part] ('1', '2.1'; '' for the top-level multipart, whose parts are 1,
 * 2...).
 */
function pbody(ptr) {
  if (isNull(ptr)) return null;
  const b = koffi.decode(ptr, T.imap_body_part);
  return pbodyAt(b, b.multipart ? '' : '1');
}

function pbodyAt(b, part) {
  const prefix = part === '' ? '' : `${part}.`;
  const children = parr(b.children, b.child_count, T.imap_body_part).map((c, i) => pbodyAt(c, `${prefix}${i + 1}`));
  let message = null;
  if (!isNull(b.message_body) || !isNull(b.message_envelope)) {
    let body = null;
    if (!isNull(b.message_body)) {
      const m = koffi.decode(b.message_body, T.imap_body_part);
      // an encapsulated message's parts are numbered under this part: a multipart's are
      // part.1, part.2...; a single part is part.1
      body = pbodyAt(m, m.multipart ? part : `${prefix}1`);
    }
    message = { envelope: penvelope(b.message_envelope), body };
  }
  const disposition = ptext(b.disposition);
  return {
    part,
    multipart: b.multipart !== 0,
    type: lower(ptext(b.media_type)) ?? '',
    subtype: lower(ptext(b.subtype)) ?? '',
    params: pparams(b.params, b.param_count),
    id: ptext(b.id),
    description: ptext(b.description),
    encoding: lower(ptext(b.encoding)),
    size: pu64(b.size),
    lines: opt(b.has_lines, b.lines, pu64),
    md5: ptext(b.md5),
    disposition: disposition === null ? null : { type: disposition.toLowerCase(), params: pparams(b.disposition_params, b.disposition_param_count) },
    language: ptexts(b.language, b.language_count),
    location: ptext(b.location),
    extension: ptexts(b.extension, b.extension_count),
    children,
    message,
  };
}

function psection(s) {
  return {
    kind: SECTION_KINDS[s.kind] ?? 'BODY',
    spec: ptext(s.spec) ?? '',
    part: pu32(s.part, s.part_count),
    text: SECTION_TEXTS[s.text] ?? 'OTHER',
    fields: ptexts(s.fields, s.field_count),
    origin: opt(s.has_origin, s.origin),
    data: pbytes(s.data),
    streamedSize: opt(s.streamed, s.streamed_size, pu64),
  };
}

function pmessage(m) {
  return {
    quirks: m.quirks,
    seq: m.seq,
    uid: opt(m.has_uid, m.uid),
    flags: m.has_flags ? ptexts(m.flags, m.flag_count) : null,
    internalDate: opt(m.has_internaldate, m.internaldate_seconds, (s) => new Date(Number(s) * 1000)),
    internalDateOffset: opt(m.has_internaldate, m.internaldate_offset),
    size: opt(m.has_rfc822_size, m.rfc822_size, pu64),
    modseq: opt(m.has_modseq, m.modseq, pmodseq),
    envelope: penvelope(m.envelope),
    bodyStructure: pbody(m.body_structure),
    body: pbody(m.body),
    sections: parr(m.sections, m.section_count, T.imap_section).map(psection),
    binarySizes: parr(m.binary_sizes, m.binary_size_count, T.imap_binary_size).map((b) => ({ part: pu32(b.part, b.part_count), size: pu64(b.size) })),
    other: parr(m.other, m.other_count, T.imap_raw_item).map((o) => ({ name: ptext(o.name) ?? '', raw: pbytes(o.raw) ?? Buffer.alloc(0) })),
    error: m.valid
      ? null
      : {
          kind: INVALID_KINDS[m.error_kind] ?? 'SYNTAX',
          message: isNull(m.error) ? '' : koffi.decode.string(m.error),
          raw: pbytes(m.raw) ?? Buffer.alloc(0),
        },
  };
}

/** imap_response_code → ResponseCode, or null for kind NONE. */
function pcode(c) {
  if (c.kind === 0) return null;
  const kind = RESPONSE_CODE_KINDS[c.kind] ?? 'OTHER';
  const numeric = ['UIDNEXT', 'UIDVALIDITY', 'UNSEEN', 'APPENDUID', 'COPYUID'].includes(kind);
  return {
    kind,
    name: ptext(c.name) ?? '',
    data: ptext(c.data),
    number: numeric ? Number(c.number) : null,
    modseq: kind === 'HIGHESTMODSEQ' ? BigInt(c.number) : null,
    atoms: ptexts(c.atoms, c.atom_count),
    uids: pranges(c.uids, c.uid_count),
    sourceUids: pranges(c.source_uids, c.source_uid_count),
  };
}

function pmailboxInfo(i) {
  return {
    exists: opt(i.has_exists, i.exists),
    recent: opt(i.has_recent, i.recent),
    unseen: opt(i.has_unseen, i.unseen),
    uidValidity: opt(i.has_uidvalidity, i.uidvalidity),
    uidNext: opt(i.has_uidnext, i.uidnext),
    flags: i.has_flags ? ptexts(i.flags, i.flag_count) : null,
    permanentFlags: i.has_permanent_flags ? ptexts(i.permanent_flags, i.permanent_flag_count) : null,
    highestModseq: opt(i.has_highest_modseq, i.highest_modseq, pmodseq),
    noModseq: i.no_modseq !== 0,
    readOnly: i.read_only < 0 ? null : i.read_only === 1,
    invalid: pinvalid(i.invalid, i.invalid_count),
  };
}

const STATUS_FIELDS = ['messages', 'recent', 'uidnext', 'uidvalidity', 'unseen', 'deleted'];
const STATUS_NAMES = { uidnext: 'uidNext', uidvalidity: 'uidValidity' };

/** The list types of the parse contract: { entries, invalid } → { value, invalid }. */
function listParser(name, type, convertEntry) {
  return {
    name,
    parse: fn[`imap_parse_${name}`],
    free: fn[`imap_${name === 'list' ? 'list_entries' : `${name}_list`}_free`],
    type,
    convert: (l) => ({
      value: parr(l.entries, l.count, convertEntry.type).map(convertEntry.f),
      invalid: pinvalid(l.invalid, l.invalid_count),
    }),
  };
}

const PARSERS = {
  fetch: {
    name: 'fetch',
    parse: fn.imap_parse_fetch,
    free: fn.imap_fetch_list_free,
    type: T.imap_fetch_list,
    convert: (l) => {
      const value = parr(l.messages, l.count, T.imap_fetch_message).map(pmessage);
      return { value, invalid: value.filter((m) => m.error !== null).map((m) => m.error) };
    },
  },
  list: listParser('list', T.imap_list_entries, {
    type: T.imap_list_entry,
    f: (e) => ({
      ...pmailbox(e.mailbox),
      attributes: ptexts(e.attributes, e.attribute_count),
      delimiter: pdelim(e.delimiter),
      extended: ptexts(e.extended, e.extended_count),
    }),
  }),
  status: listParser('status', T.imap_status_list, {
    type: T.imap_status_info,
    f: (s) => {
      const out = pmailbox(s.mailbox);
      for (const k of STATUS_FIELDS) out[STATUS_NAMES[k] ?? k] = opt(s[`has_${k}`], s[k]);
      out.highestModseq = opt(s.has_highest_modseq, s.highest_modseq, pmodseq);
      out.size = opt(s.has_size, s.size, pu64);
      out.other = Object.fromEntries(parr(s.other, s.other_count, T.imap_status_item).map((o) => [ptext(o.name) ?? '', BigInt(o.value)]));
      return out;
    },
  }),
  search: {
    name: 'search',
    parse: fn.imap_parse_search,
    free: fn.imap_search_result_free,
    type: T.imap_search_result,
    convert: (s) => {
      const ids = pu32(s.ids, s.count);
      Object.defineProperty(ids, 'modseq', { value: opt(s.has_modseq, s.modseq, pmodseq), enumerable: false });
      return { value: ids, invalid: pinvalid(s.invalid, s.invalid_count) };
    },
  },
  esearch: listParser('esearch', T.imap_esearch_list, {
    type: T.imap_esearch_info,
    f: (e) => ({
      tag: ptext(e.tag),
      uid: e.uid !== 0,
      min: opt(e.has_min, e.min),
      max: opt(e.has_max, e.max),
      count: opt(e.has_count, e.count),
      all: e.has_all ? pranges(e.all, e.all_count) : null,
      modseq: opt(e.has_modseq, e.modseq, pmodseq),
      other: Object.fromEntries(parr(e.other, e.other_count, T.imap_esearch_item).map((o) => [ptext(o.name) ?? '', ptext(o.value)])),
    }),
  }),
  thread: {
    name: 'thread',
    parse: fn.imap_parse_thread,
    free: fn.imap_thread_list_free,
    type: T.imap_thread_list,
    convert: (t) => ({
      value: {
        nodes: parr(t.nodes, t.node_count, T.imap_thread_node).map((n) => ({
          id: opt(n.has_id, n.id),
          parent: opt(n.has_parent, n.parent, Number),
          children: psize(n.children, n.child_count),
        })),
        roots: psize(t.roots, t.root_count),
      },
      invalid: pinvalid(t.invalid, t.invalid_count),
    }),
  },
  namespace: listParser('namespace', T.imap_namespace_list, {
    type: T.imap_namespace_info,
    f: (n) => {
      const ns = (ptr, count) =>
        parr(ptr, count, T.imap_namespace_entry).map((e) => ({
          prefix: ptext(e.prefix) ?? '',
          delimiter: pdelim(e.delimiter),
          extensions: ptexts(e.extensions, e.extension_count),
        }));
      return { personal: ns(n.personal, n.personal_count), other: ns(n.other, n.other_count), shared: ns(n.shared, n.shared_count) };
    },
  }),
  quota: listParser('quota', T.imap_quota_list, {
    type: T.imap_quota_info,
    f: (q) => ({
      root: ptext(q.root) ?? '',
      resources: parr(q.resources, q.resource_count, T.imap_quota_resource).map((r) => ({
        name: ptext(r.name) ?? '',
        usage: pu64(r.usage),
        limit: pu64(r.limit),
      })),
    }),
  }),
  quotaroot: listParser('quotaroot', T.imap_quotaroot_list, {
    type: T.imap_quotaroot_info,
    f: (q) => ({ ...pmailbox(q.mailbox), roots: ptexts(q.roots, q.root_count) }),
  }),
  acl: listParser('acl', T.imap_acl_list, {
    type: T.imap_acl_info,
    f: (a) => ({
      ...pmailbox(a.mailbox),
      entries: parr(a.entries, a.entry_count, T.imap_acl_entry).map((e) => ({ identifier: ptext(e.identifier) ?? '', rights: ptext(e.rights) ?? '' })),
    }),
  }),
  myrights: listParser('myrights', T.imap_myrights_list, {
    type: T.imap_myrights_info,
    f: (m) => ({ ...pmailbox(m.mailbox), rights: ptext(m.rights) ?? '' }),
  }),
  listrights: listParser('listrights', T.imap_listrights_list, {
    type: T.imap_listrights_info,
    f: (l) => ({
      ...pmailbox(l.mailbox),
      identifier: ptext(l.identifier) ?? '',
      required: ptext(l.required) ?? '',
      optional: ptexts(l.optional, l.optional_count),
    }),
  }),
  metadata: listParser('metadata', T.imap_metadata_list, {
    type: T.imap_metadata_info,
    f: (m) => ({
      ...pmailbox(m.mailbox),
      entries: parr(m.entries, m.entry_count, T.imap_metadata_entry).map((e) => ({ name: ptext(e.name) ?? '', value: pbytes(e.value) })),
    }),
  }),
  capability: {
    name: 'capability',
    parse: fn.imap_parse_capability,
    free: fn.imap_capability_list_free,
    type: T.imap_capability_list,
    convert: (c) => ({ value: [...new Set(ptexts(c.capabilities, c.count).filter((x) => x !== null))], invalid: [] }),
  },
};

function parseError(name, invalid, parsed, result) {
  const first = invalid[0];
  const e = new ImapError(
    Code.PARSE,
    `${name}: ${invalid.length} response${invalid.length === 1 ? '' : 's'} could not be parsed` +
      (first ? ` (${first.kind}: ${first.message})` : ''),
    result,
  );
  e.parsed = parsed;
  e.invalid = invalid;
  return e;
}

/**
 * Parses the live imap_result `r` with `parser` and converts the object to JS, then frees
 * it (not `r`). The C parse runs on a worker when `async` (a large FETCH takes a while); the
 * conversion runs here, on the main thread. IMAP_CODE_PARSE rejects with an ImapError
 * carrying the partial value (`parsed`, after `post`) and the bad responses (`invalid`).
 */
async function parseResult(r, parser, post = (v) => v, async = true) {
  const out = [null];
  const rc = async ? await asyncCall(parser.parse, [r, out]) : parser.parse(r, out);
  const obj = out[0];
  if (rc !== Code.OK && rc !== Code.PARSE) {
    if (!isNull(obj)) parser.free(obj);
    throw new ImapError(rc, `imap_parse_${parser.name}: ${codeDescription(rc)}`);
  }
  if (isNull(obj)) throw new ImapError(Code.INTERNAL, `imap_parse_${parser.name} gave no object`);
  let conv;
  try {
    conv = parser.convert(koffi.decode(obj, parser.type));
  } finally {
    parser.free(obj);
  }
  const value = post(conv.value);
  if (rc === Code.PARSE) throw parseError(parser.name, conv.invalid, value, readResult(r));
  return value;
}

/** imap_parse_code on a live result: its tagged text's response code, or null. */
function readCode(r) {
  const out = [null];
  const rc = fn.imap_parse_code(r, out);
  // PARSE still delivers the code, of kind 'INVALID' (a known code with bad data).
  if ((rc !== Code.OK && rc !== Code.PARSE) || isNull(out[0])) return null;
  try {
    return pcode(koffi.decode(out[0], T.imap_response_code));
  } finally {
    fn.imap_response_code_free(out[0]);
  }
}

// Frees a handle whose Client was garbage-collected without close(). A Client with a call in
// flight is reachable from that call's closure, so this never races a call.
// The held value is the client's native box ({ h, cb, ... }), which never references the Client.
const finalizer =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry((box) => {
        fn.imap_client_free(box.h);
        if (box.cb !== null) koffi.unregister(box.cb);
      })
    : null;

const DEFAULT_CONNECT_MS = 30000;
const DEFAULT_IO_MS = 60000;
const DEFAULT_MIN_RATE = 1024; // bytes/s (imap_set_call_timeout)

// ---------------------------------------------------------------------------------------------

class Client {
  #h; // the imap_client* (BigInt), null once freed
  // the handle and the literal handler's state, shared with the finalizer and the koffi
  // callback (neither may reference the Client): cb the registered callback (or null),
  // handler/minSize as set, thrown/stopped what the handler did during the running call
  #box = { h: null, cb: null, handler: null, minSize: 0, thrown: null, stopped: false };
  #queue = Promise.resolve(); // the tail of the promise chain of calls
  #inFlight = false; // a C call is running on a worker
  #closing = false; // close() was called: new calls are refused
  #aborted = false; // close({ interrupt: true }): queued calls are refused too
  #closePromise = null;
  #interruptTimer = null;
  // what the accessors report once the handle is freed (while it lives they ask libimap, whose
  // accessors never wait for a running call)
  #last = {
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
      callTimeout,
      minRate,
      debug,
      trace,
      limits,
      mailboxEncoding,
    } = options;
    if (typeof trace === 'function')
      throw new TypeError(
        'libimap: a JS trace callback is not supported: libimap calls it on the thread making the ' +
          'call, which is a worker thread for every async call. Use `debug: 1..5` (stderr) instead.',
      );
    const ioMs = positiveMs(timeout, 'timeout');
    const connMs = positiveMs(connectTimeout, 'connectTimeout');
    const callMs = positiveMs(callTimeout, 'callTimeout');
    if (minRate !== undefined && minRate !== null && (!Number.isInteger(minRate) || minRate < 0 || minRate > 0xffffffff))
      throw new TypeError('minRate must be an integer number of bytes per second, 0..4294967295');
    let level = 0;
    if (debug !== undefined && debug !== null && debug !== false) {
      level = debug === true ? 1 : debug;
      if (!Number.isInteger(level) || level < 0 || level > 5) throw new TypeError('debug must be an integer 0..5');
    }
    if (trace === true) level = Math.max(level, 4);
    if (mailboxEncoding !== undefined && mailboxEncoding !== null && !Object.hasOwn(MAILBOX_ENCODINGS, mailboxEncoding))
      throw new TypeError("mailboxEncoding must be 'utf7' or 'raw'");

    const out = [null];
    const rc = fn.imap_client_new(out);
    if (rc !== Code.OK || isNull(out[0])) throw new ImapError(rc === Code.OK ? Code.INTERNAL : rc, 'imap_client_new failed');
    this.#h = out[0];
    this.#box.h = out[0];
    if (finalizer) finalizer.register(this, this.#box, this);
    try {
      const check = (code) => {
        if (code !== Code.OK) throw new ImapError(code, fn.imap_last_error(this.#h));
      };
      if (ioMs !== undefined || connMs !== undefined)
        check(fn.imap_set_timeouts(this.#h, connMs ?? DEFAULT_CONNECT_MS, ioMs ?? DEFAULT_IO_MS));
      if (callMs !== undefined || (minRate ?? null) !== null)
        check(fn.imap_set_call_timeout(this.#h, callMs ?? 0, minRate ?? DEFAULT_MIN_RATE));
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
      if (mailboxEncoding === 'raw') check(fn.imap_set_mailbox_encoding(this.#h, MAILBOX_ENCODINGS.raw));
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

  /**
   * imaplib's IMAP4_stream(command): creates a client that runs `command` with /bin/sh -c and
   * speaks IMAP over its stdin/stdout (same as `Client.connect({ ...options, command })`).
   */
  static spawn(command, options = {}) {
    if (options === null || typeof options !== 'object') return Promise.reject(new TypeError('options must be an object'));
    return Client.connect({ ...options, command });
  }

  /** imap_open (or imap_open_stream with `command`) with the options given to the constructor. */
  open() {
    const { host, port, tls, command } = this.options;
    if (command !== undefined && command !== null) {
      let cmd;
      try {
        cmd = str(command, 'command');
      } catch (e) {
        return Promise.reject(e);
      }
      return this.#enqueue(async () => {
        const rc = await this.#async(fn.imap_open_stream, [this.#h, cmd]);
        if (rc !== Code.OK) throw new ImapError(rc, fn.imap_last_error(this.#h));
      });
    }
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
      if (rc !== Code.OK) throw new ImapError(rc, fn.imap_last_error(this.#h));
    });
  }

  // --- the queue -------------------------------------------------------------------------------

  #closedError() {
    return new ImapError(Code.CLOSED, 'the client is closed (close() was called)');
  }

  #enqueue(task) {
    if (this.#closing) return Promise.reject(this.#closedError());
    const run = async () => {
      if (this.#aborted || this.#h === null) throw this.#closedError();
      const box = this.#box;
      box.thrown = null;
      box.stopped = false;
      try {
        return await task();
      } catch (e) {
        throw literalCause(e, box);
      }
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

  /**
   * Calls the C function `f` with `args` + the result out-parameter (on a worker), reads and
   * frees the result; throws an ImapError unless OK. Resolves to the result, or null when the
   * call delivered none. Must run inside a queued task.
   */
  async #run(f, args) {
    const out = [null];
    const rc = await this.#async(f, [this.#h, ...args, out]);
    const result = takeResult(out[0]);
    if (rc !== Code.OK) throw new ImapError(rc, fn.imap_last_error(this.#h), result);
    return result;
  }

  /** Runs one command: the C function `f` with `args` + the result out-parameter. */
  #command(f, args) {
    return this.#enqueue(async () => (await this.#run(f, args)) ?? emptyResult());
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

  // The accessors ask libimap directly: imap_client_* never wait for a call running on a
  // worker (they report the handle as of the end of the last call). Once the handle is freed
  // they report what was last seen (state and TLS as after a close).
  #capabilityList() {
    if (this.#h === null) return this.#last.capabilities;
    const caps = takeString(fn.imap_client_capabilities(this.#h));
    return caps ? caps.split(' ').filter(Boolean) : [];
  }

  #keepLast() {
    const h = this.#h;
    if (h === null) return;
    this.#last = {
      state: 'LOGOUT',
      capabilities: this.#capabilityList(),
      protocolVersion: fn.imap_client_protocol_version(h),
      welcome: takeString(fn.imap_client_welcome(h)),
      isReadOnly: fn.imap_client_is_readonly(h) === 1,
      isTls: false,
    };
  }

  #freeNow() {
    const h = this.#h;
    if (h === null) return;
    this.#keepLast();
    this.#h = null;
    if (finalizer) finalizer.unregister(this);
    fn.imap_client_free(h);
    this.#dropLiteralCallback();
  }

  /** Once the handle is freed: nothing can call the literal callback any more. */
  #dropLiteralCallback() {
    const box = this.#box;
    if (box.cb !== null) koffi.unregister(box.cb);
    box.cb = null;
    box.handler = null;
    box.minSize = 0;
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
        this.#keepLast();
        this.#h = null;
        if (finalizer) finalizer.unregister(this);
        // freeing closes the socket (TLS close_notify): do it off the event loop too
        await asyncCall(fn.imap_client_free, [h]);
        this.#dropLiteralCallback();
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

  // --- accessors (the handle as of the end of the last call; they never block) -------------------

  /** 'LOGOUT' | 'NONAUTH' | 'AUTH' | 'SELECTED' | 'IDLING' (imaplib's `state`). */
  get state() {
    if (this.#h === null) return this.#last.state;
    return STATES[fn.imap_client_state(this.#h)] ?? 'LOGOUT';
  }
  /** The capabilities, upper-cased (imaplib's `capabilities`). */
  get capabilities() {
    return [...this.#capabilityList()];
  }
  /** Whether the server advertised `name` (case-insensitive). */
  hasCapability(name) {
    if (typeof name !== 'string') throw new TypeError('name must be a string');
    if (name.includes('\0')) return false;
    if (this.#h === null) return this.#last.capabilities.includes(name.toUpperCase());
    return fn.imap_client_has_capability(this.#h, name) === 1;
  }
  /** 'IMAP4REV1' | 'IMAP4' | null (imaplib's PROTOCOL_VERSION). */
  get protocolVersion() {
    if (this.#h === null) return this.#last.protocolVersion;
    return fn.imap_client_protocol_version(this.#h);
  }
  /** The greeting line without CRLF, or null (imaplib's `welcome`). */
  get welcome() {
    if (this.#h === null) return this.#last.welcome;
    return takeString(fn.imap_client_welcome(this.#h));
  }
  /** Whether the selected mailbox was opened read-only (imaplib's `is_readonly`). */
  get isReadOnly() {
    if (this.#h === null) return this.#last.isReadOnly;
    return fn.imap_client_is_readonly(this.#h) === 1;
  }
  /** Whether the connection is protected by TLS. */
  get isTls() {
    if (this.#h === null) return false;
    return fn.imap_client_is_tls(this.#h) === 1;
  }
  /** Whether the connection is open (false before open(), after logout, shutdown, a failure, close()). */
  get isOpen() {
    if (this.#h === null) return false;
    return fn.imap_client_is_open(this.#h) === 1;
  }
  /** Whether the server confirmed ENABLE UTF8=ACCEPT (imaplib's `utf8_enabled`). */
  get utf8Enabled() {
    if (this.#h === null) return false;
    return fn.imap_client_utf8_enabled(this.#h) === 1;
  }
  /**
   * imaplib's socket(): the connection's file descriptor (for poll/select only: reading or
   * writing it corrupts the session), or -1 when closed.
   */
  get fd() {
    if (this.#h === null) return -1;
    return fn.imap_client_fd(this.#h);
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
        return (await this.#run(fn.imap_append, [...args, mem, len])) ?? emptyResult();
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
  /**
   * SEARCH [CHARSET charset] with typed criteria (charset null: none):
   * `searchArgs('UTF-8', arg.atom('SUBJECT'), arg.string('Grüße'))`. A bad value rejects with
   * INVALID_ARGUMENT and nothing is sent.
   */
  searchArgs(charset, ...criteria) {
    return this.#cmd(fn.imap_search_args, () => [optStr(charset, 'charset'), ...typedArgs(criteria, 'criteria')]);
  }
  /** searchArgs as UID SEARCH: the data are UIDs. */
  uidSearchArgs(charset, ...criteria) {
    return this.#cmd(fn.imap_uid_search_args, () => [optStr(charset, 'charset'), ...typedArgs(criteria, 'criteria')]);
  }
  /** SORT (keys) charset with typed search criteria: `sortArgs(['REVERSE', 'DATE'], 'UTF-8', ...)`. */
  sortArgs(keys, charset, ...criteria) {
    return this.#cmd(fn.imap_sort_args, () => [
      ...flagList(keys, 'keys'),
      str(charset, 'charset'),
      ...typedArgs(criteria, 'criteria'),
    ]);
  }
  /** sortArgs as UID SORT: the data are UIDs. */
  uidSortArgs(keys, charset, ...criteria) {
    return this.#cmd(fn.imap_uid_sort_args, () => [
      ...flagList(keys, 'keys'),
      str(charset, 'charset'),
      ...typedArgs(criteria, 'criteria'),
    ]);
  }
  /**
   * STORE messageSet command (flags...) with the flags as an array: `storeFlags('1:3', '+FLAGS',
   * ['\\Seen', '$Label'])`. Each flag is checked as a flag atom; a bad one rejects with
   * INVALID_ARGUMENT and nothing is sent.
   */
  storeFlags(messageSet, command, flags) {
    return this.#cmd(fn.imap_store_flags, () => [str(messageSet, 'messageSet'), str(command, 'command'), ...flagList(flags, 'flags')]);
  }
  /** storeFlags as UID STORE. */
  uidStoreFlags(uidSet, command, flags) {
    return this.#cmd(fn.imap_uid_store_flags, () => [str(uidSet, 'uidSet'), str(command, 'command'), ...flagList(flags, 'flags')]);
  }
  /** append with the flags as an array, each checked as in storeFlags ([]: none). */
  appendFlags(mailbox, flags, date, message) {
    let args;
    let bytes;
    try {
      args = [optStr(mailbox, 'mailbox'), ...flagList(flags, 'flags'), optStr(date, 'date')];
      bytes = toBytes(message);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#enqueue(async () => {
      const len = bytes.length;
      const mem = len > 0 ? koffi.alloc('uint8_t', len) : null;
      try {
        if (mem !== null) new Uint8Array(koffi.view(mem, len)).set(bytes);
        return (await this.#run(fn.imap_append_flags, [...args, mem, len])) ?? emptyResult();
      } finally {
        if (mem !== null) koffi.free(mem);
      }
    });
  }
  /**
   * imaplib's `literal` attribute: the bytes go as a literal {N} at the end of the next command
   * sent, whichever it is, then are forgotten (append's own message replaces them). null clears.
   */
  setLiteral(literal) {
    let bytes;
    try {
      bytes = literal === null || literal === undefined ? null : toBytes(literal, 'literal');
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#enqueue(() => {
      // imap_set_literal copies the bytes; a 1-byte block keeps an empty literal non-NULL.
      const mem = bytes === null ? null : koffi.alloc('uint8_t', Math.max(bytes.length, 1));
      try {
        if (mem !== null && bytes.length > 0) new Uint8Array(koffi.view(mem, bytes.length)).set(bytes);
        const rc = fn.imap_set_literal(this.#h, mem, bytes === null ? 0 : bytes.length);
        if (rc !== Code.OK) throw new ImapError(rc, fn.imap_last_error(this.#h));
      } finally {
        if (mem !== null) koffi.free(mem);
      }
    });
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
  // --- authentication ------------------------------------------------------------------------------

  /**
   * AUTHENTICATE PLAIN (RFC 4616) as `user`, acting as `authzid` when given (a master-user
   * login: authenticate as the master, act as `authzid`). Needs AUTH=PLAIN, else rejects with
   * IMAP_CODE_UNSUPPORTED (nothing sent).
   */
  loginPlain(user, password, authzid = null) {
    return this.#cmd(fn.imap_login_plain, () => [optStr(authzid, 'authzid'), str(user, 'user'), str(password, 'password')]);
  }
  /** AUTHENTICATE LOGIN (user name, then password). Needs AUTH=LOGIN. */
  loginSaslLogin(user, password) {
    return this.#cmd(fn.imap_login_sasl_login, () => [str(user, 'user'), str(password, 'password')]);
  }
  /** imaplib's login_cram_md5: AUTHENTICATE CRAM-MD5 (RFC 2195). Needs AUTH=CRAM-MD5. */
  loginCramMd5(user, password) {
    return this.#cmd(fn.imap_login_cram_md5, () => [str(user, 'user'), str(password, 'password')]);
  }
  /** AUTHENTICATE XOAUTH2 with an OAuth 2.0 bearer token. Needs AUTH=XOAUTH2. */
  loginXoauth2(user, token) {
    return this.#cmd(fn.imap_login_xoauth2, () => [str(user, 'user'), str(token, 'token')]);
  }
  /** AUTHENTICATE OAUTHBEARER (RFC 7628) with a bearer token. Needs AUTH=OAUTHBEARER. */
  loginOauthbearer(user, token) {
    return this.#cmd(fn.imap_login_oauthbearer, () => [str(user, 'user'), str(token, 'token')]);
  }

  /**
   * imaplib's authenticate(mechanism, authobject): AUTHENTICATE `mechanism`, `callback`
   * answering each server challenge. `callback(challenge: Buffer)` returns the response
   * (Buffer, Uint8Array or string; unencoded, libimap base64-encodes it) or null/undefined to
   * abort the exchange; it must return synchronously (a Promise is refused: the exchange
   * aborts). `options.initial` is an initial response (SASL-IR).
   *
   * The C call runs on a worker as every command; each challenge reaches `callback` on the
   * main thread through koffi's callback queue (the worker waits meanwhile), so the event loop
   * is never blocked. If `callback` throws, the exchange is aborted and the promise rejects
   * with that exception.
   */
  authenticate(mechanism, callback, options = {}) {
    let mech;
    let initial = null;
    try {
      mech = str(mechanism, 'mechanism');
      if (typeof callback !== 'function') throw new TypeError('callback must be a function');
      if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
      if (options.initial !== undefined && options.initial !== null) initial = toBytes(options.initial, 'options.initial');
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#enqueue(async () => {
      const responses = []; // native copies of the answers: valid until the call returns
      let thrown = null;
      const answer = (_userData, challenge, challengeLen, response, responseLen) => {
        try {
          const reply = callback(copyBytes(challenge, challengeLen));
          if (reply === null || reply === undefined) return 1;
          if (typeof reply.then === 'function')
            throw new TypeError('the authenticate callback must return a Buffer, a string or null, not a Promise');
          const bytes = toBytes(reply, 'the authenticate callback result');
          const mem = nativeCopy(bytes);
          if (mem !== null) responses.push(mem);
          koffi.encode(response, 'void *', mem);
          koffi.encode(responseLen, 'size_t', bytes.length);
          return 0;
        } catch (e) {
          thrown ??= e;
          return 1; // libimap sends '*': the server ends the exchange
        }
      };
      // NULL means "no initial response": an empty one still needs a pointer (1 byte, unused)
      const init = initial === null ? null : nativeCopy(initial.length > 0 ? initial : Buffer.alloc(1));
      const cb = koffi.register(answer, koffi.pointer(imap_sasl_fn));
      try {
        const out = [null];
        const initLen = initial === null ? 0 : initial.length;
        const rc = await this.#async(fn.imap_authenticate, [this.#h, mech, init, initLen, cb, null, out]);
        const result = takeResult(out[0]);
        if (thrown !== null) throw thrown;
        if (rc !== Code.OK) throw new ImapError(rc, fn.imap_last_error(this.#h), result);
        return result ?? emptyResult();
      } finally {
        koffi.unregister(cb);
        if (init !== null) koffi.free(init);
        for (const m of responses) koffi.free(m);
      }
    });
  }

  // --- streamed literals ---------------------------------------------------------------------------

  /**
   * imap_set_literal_callback: from the next queued call on, every literal of at least
   * `minSize` bytes that any call receives (FETCH bodies, UID FETCH, IDLE updates...) goes to
   * `handler` chunk by chunk instead of being buffered: memory stays constant whatever the
   * message size. `handler({ line, size, offset, data })` gets the announcing line (`* 2 FETCH
   * (BODY[] {1234}`, no CRLF: which message and item), the literal's size, the chunk's offset
   * and its bytes; every Buffer is a copy (native memory is only valid during the call), so it
   * may be kept. It runs on the main thread, synchronously (the worker waits): return nothing
   * to go on, or `false` to stop; a throw (or a returned Promise) stops too. Stopping fails
   * the call in progress with ImapError ABORT (`cause`: what was thrown) and closes the
   * connection. In results a streamed literal is `[header, null, size]` (a FetchMessage
   * section: `data` null, `streamedSize`). `setLiteralHandler(null)` restores buffering.
   * Queued like a command: it takes effect between calls, never during one.
   */
  setLiteralHandler(minSize, handler) {
    let min = 0;
    let h = null;
    try {
      // setLiteralHandler(null) and setLiteralHandler(n, null) restore buffering
      if (handler === null || (minSize === null && handler === undefined)) h = null;
      else if (typeof handler !== 'function') throw new TypeError('handler must be a function (or null to restore buffering)');
      else {
        h = handler;
        min = literalSize(minSize, 'minSize');
      }
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#enqueue(() => this.#setLiteral(h, min));
  }

  /**
   * FETCH (or UID FETCH with `uid: true`) with every literal of at least `minSize` bytes
   * (default 0: all) streamed to `onChunk` (same contract as setLiteralHandler's handler); the
   * handler set with setLiteralHandler (or buffering) is back in place when it settles.
   */
  fetchStream(messageSet, items, options) {
    let args;
    let onChunk;
    let min;
    let uid;
    try {
      if (options === null || typeof options !== 'object') throw new TypeError('options must be an object with onChunk');
      onChunk = options.onChunk;
      if (typeof onChunk !== 'function') throw new TypeError('options.onChunk must be a function');
      min = options.minSize === undefined || options.minSize === null ? 0 : literalSize(options.minSize, 'options.minSize');
      uid = !!options.uid;
      args = [str(messageSet, uid ? 'uidSet' : 'messageSet'), str(items, 'items')];
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#enqueue(async () => {
      const box = this.#box;
      const prev = [box.handler, box.minSize];
      this.#setLiteral(onChunk, min);
      try {
        const r = uid ? await this.#run(fn.imap_uid, ['FETCH', args, 2]) : await this.#run(fn.imap_fetch, args);
        return r ?? emptyResult();
      } finally {
        try {
          this.#setLiteral(...prev);
        } catch {
          // only a freed handle refuses a setting, and the task holds the handle: not reached
        }
      }
    });
  }

  /**
   * Sets (handler: a function) or clears (null) libimap's literal callback, then unregisters
   * the previous koffi callback: called only from a queued task (no call in flight, so libimap
   * cannot be calling the old one, and imap_set_literal_callback never waits).
   */
  #setLiteral(handler, minSize) {
    const box = this.#box;
    const cb = handler === null ? null : koffi.register(literalTrampoline(box, handler), koffi.pointer(imap_literal_fn));
    const rc = fn.imap_set_literal_callback(this.#h, cb, null, handler === null ? 0 : minSize);
    if (rc !== Code.OK) {
      if (cb !== null) koffi.unregister(cb);
      throw new ImapError(rc, fn.imap_last_error(this.#h));
    }
    const old = box.cb;
    box.cb = cb;
    box.handler = handler;
    box.minSize = handler === null ? 0 : minSize;
    if (old !== null) koffi.unregister(old);
  }

  // --- IDLE, raw I/O -------------------------------------------------------------------------------

  /**
   * IDLE (imaplib 3.14's idle()): sends IDLE, waits for the server's '+', and resolves to an
   * `Idle`: an async iterator of the server's updates (ImapResponse: type 'EXISTS', 'EXPUNGE',
   * 'FETCH'...). Each update is waited for with imap_idle_wait(pollInterval) on a worker
   * (default 500 ms), so the event loop stays free and `idle.done()` takes effect within one
   * interval. `duration` (ms) ends the iteration after that time. Call `await idle.done()`
   * (sends DONE) to leave IDLE; until then every other command rejects with ILLEGAL_STATE.
   */
  idle(options = {}) {
    let interval;
    let duration;
    try {
      if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
      interval = timeoutMs(options.pollInterval, 'pollInterval', 500);
      if (interval === 0) throw new TypeError('pollInterval must be positive');
      duration = timeoutMs(options.duration, 'duration', null);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#enqueue(async () => {
      const started = (await this.#run(fn.imap_idle_start, [])) ?? emptyResult();
      return new Idle(
        started,
        (ms) => this.#enqueue(() => this.#run(fn.imap_idle_wait, [ms])),
        () => this.#command(fn.imap_idle_done, []),
        interval,
        duration,
      );
    });
  }

  /** imaplib's send(): sends one raw line (CRLF added; CR, LF or NUL: INVALID_ARGUMENT). */
  sendLine(line) {
    let bytes;
    try {
      bytes = toBytes(line, 'line');
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#enqueue(async () => {
      const mem = nativeCopy(bytes);
      try {
        const rc = await this.#async(fn.imap_send_line, [this.#h, mem, bytes.length]);
        if (rc !== Code.OK) throw new ImapError(rc, fn.imap_last_error(this.#h));
      } finally {
        if (mem !== null) koffi.free(mem);
      }
    });
  }

  /**
   * imaplib's readline(), made safe: the next whole response, unparsed (type 'RAW', one item
   * per line, a line announcing a literal as a [header, literal] pair), or null if none came
   * within `timeoutMs` (default: 1000).
   */
  readResponse(timeout = 1000) {
    return this.#cmdNullable(fn.imap_read_response, () => [timeoutMs(timeout, 'timeout', 1000)]);
  }

  /** Like #cmd, but resolves to null when the call delivered no result (a timeout). */
  #cmdNullable(f, build) {
    let args;
    try {
      args = build();
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#enqueue(() => this.#run(f, args));
  }

  // --- extensions ----------------------------------------------------------------------------------

  /** GETACL (RFC 4314). Data: the ACL lines ('INBOX user1 lrwstipekxacd'). */
  getacl(mailbox) {
    return this.#cmd(fn.imap_getacl, () => [str(mailbox, 'mailbox')]);
  }
  /** SETACL mailbox who what. */
  setacl(mailbox, who, what) {
    return this.#cmd(fn.imap_setacl, () => [str(mailbox, 'mailbox'), str(who, 'who'), str(what, 'what')]);
  }
  /** DELETEACL mailbox who. */
  deleteacl(mailbox, who) {
    return this.#cmd(fn.imap_deleteacl, () => [str(mailbox, 'mailbox'), str(who, 'who')]);
  }
  /** MYRIGHTS mailbox. Data: the MYRIGHTS lines. */
  myrights(mailbox) {
    return this.#cmd(fn.imap_myrights, () => [str(mailbox, 'mailbox')]);
  }
  /** LISTRIGHTS mailbox identifier. Data: the LISTRIGHTS lines. */
  listrights(mailbox, identifier) {
    return this.#cmd(fn.imap_listrights, () => [str(mailbox, 'mailbox'), str(identifier, 'identifier')]);
  }
  /** GETQUOTA root ('' for the empty root). Data: the QUOTA lines. */
  getquota(root) {
    return this.#cmd(fn.imap_getquota, () => [str(root, 'root')]);
  }
  /**
   * GETQUOTAROOT mailbox. imaplib returns [quotaroot data, quota data]; here: `{ quotaroot,
   * quota }`, two ImapResponses (same type and tagged text).
   */
  getquotaroot(mailbox) {
    let mb;
    try {
      mb = str(mailbox, 'mailbox');
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#enqueue(async () => {
      const outRoot = [null];
      const outQuota = [null];
      const rc = await this.#async(fn.imap_getquotaroot, [this.#h, mb, outRoot, outQuota]);
      const quotaroot = takeResult(outRoot[0]);
      const quota = takeResult(outQuota[0]);
      if (rc !== Code.OK) throw new ImapError(rc, fn.imap_last_error(this.#h), quotaroot);
      return { quotaroot: quotaroot ?? emptyResult(), quota: quota ?? emptyResult() };
    });
  }
  /** SETQUOTA root limits ('STORAGE 512' or '(STORAGE 512)'). */
  setquota(root, limits) {
    return this.#cmd(fn.imap_setquota, () => [str(root, 'root'), str(limits, 'limits')]);
  }
  /** GETANNOTATION mailbox entry attribute (ANNOTATEMORE; entry and attribute verbatim). */
  getannotation(mailbox, entry, attribute) {
    return this.#cmd(fn.imap_getannotation, () => [str(mailbox, 'mailbox'), str(entry, 'entry'), str(attribute, 'attribute')]);
  }
  /** imaplib's setannotation(*args): args[0] the mailbox, the others verbatim. */
  setannotation(...args) {
    return this.#cmd(fn.imap_setannotation, () => {
      const a = strList(args, 'args');
      return [a, a.length];
    });
  }
  /**
   * GETMETADATA (RFC 5464) of `entries` (one or several, '/private/comment') of `mailbox` (''
   * for server entries), with optional `options` ('DEPTH 1', 'MAXSIZE 1024').
   */
  getmetadata(mailbox, entries, options = null) {
    return this.#cmd(fn.imap_getmetadata, () => {
      const e = strList(typeof entries === 'string' ? [entries] : Array.isArray(entries) ? entries : badArray('entries'), 'entries');
      return [str(mailbox, 'mailbox'), e, e.length, optStr(options, 'options')];
    });
  }
  /**
   * SETMETADATA (RFC 5464) on `mailbox` ('' for the server): `entries` is an object
   * `{ '/private/comment': 'value' }` or an array of [entry, value] pairs; a null value removes
   * the entry (NIL).
   */
  setmetadata(mailbox, entries) {
    return this.#cmd(fn.imap_setmetadata, () => {
      const [names, values] = pairs(entries, 'entries');
      return [str(mailbox, 'mailbox'), names, values, names.length];
    });
  }
  /** PROXYAUTH user (AUTH state only). */
  proxyauth(user) {
    return this.#cmd(fn.imap_proxyauth, () => [str(user, 'user')]);
  }
  /** PARTIAL messageNum part start length (IMAP2bis; numbers or strings, sent verbatim). */
  partial(messageNum, part, start, length) {
    return this.#cmd(fn.imap_partial, () => [
      strOrNum(messageNum, 'messageNum'),
      str(part, 'part'),
      strOrNum(start, 'start'),
      strOrNum(length, 'length'),
    ]);
  }
  /** imaplib's sort(sort_criteria, charset, *search_criteria); charset null: omitted. */
  sort(sortCriteria, charset, ...searchCriteria) {
    return this.#cmd(fn.imap_sort, () => {
      const c = strList(searchCriteria, 'searchCriteria');
      return [str(sortCriteria, 'sortCriteria'), optStr(charset, 'charset'), c, c.length];
    });
  }
  /** imaplib's thread(threading_algorithm, charset, *search_criteria); charset null: omitted. */
  thread(algorithm, charset, ...searchCriteria) {
    return this.#cmd(fn.imap_thread, () => {
      const c = strList(searchCriteria, 'searchCriteria');
      return [str(algorithm, 'algorithm'), optStr(charset, 'charset'), c, c.length];
    });
  }
  /**
   * ENABLE capability (verbatim: 'CONDSTORE QRESYNC'; AUTH state). Rejects with UNSUPPORTED
   * without the ENABLE capability. The ENABLED data stays for response('ENABLED').
   */
  enable(capability) {
    return this.#cmd(fn.imap_enable, () => [str(capability, 'capability')]);
  }
  /**
   * ID (RFC 2971) with `fields` ({ name: 'my-app', version: null } or [name, value] pairs; a
   * null value sends NIL); no fields or null sends ID NIL. Data: the server's ID line.
   */
  id(fields = null) {
    return this.#cmd(fn.imap_id, () => {
      const [names, values] = fields === null || fields === undefined ? [[], []] : pairs(fields, 'fields');
      return [names, values, names.length];
    });
  }
  // --- parsed results ------------------------------------------------------------------------------
  //
  // Each *Parsed method runs its command on a worker as usual, keeps the raw imap_result,
  // runs the C parser on a worker too, converts the parsed tree into plain JS objects on the
  // main thread (a few µs per message), and frees both before resolving. A NO/BAD rejects as
  // the plain command does; data that did not parse rejects with IMAP_CODE_PARSE, the partial
  // value in `error.parsed` and the bad responses in `error.invalid`.

  /** Runs `f` (a command) and parses its result: must run inside a queued task. */
  async #runParsed(f, args, parser, post) {
    const out = [null];
    const rc = await this.#async(f, [this.#h, ...args, out]);
    const r = out[0];
    try {
      if (rc !== Code.OK) throw new ImapError(rc, fn.imap_last_error(this.#h), isNull(r) ? null : readResult(r));
      if (isNull(r)) throw new ImapError(Code.INTERNAL, 'the command gave no result');
      return await parseResult(r, parser, post);
    } finally {
      if (!isNull(r)) fn.imap_result_free(r);
    }
  }

  #parsed(f, build, parser, post) {
    let args;
    try {
      args = build();
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#enqueue(() => this.#runParsed(f, args, parser, post));
  }

  /** FETCH, parsed: one object per message (imap_parse_fetch). */
  fetchParsed(messageSet, items) {
    return this.#parsed(fn.imap_fetch, () => [str(messageSet, 'messageSet'), str(items, 'items')], PARSERS.fetch);
  }
  /** UID FETCH, parsed. */
  uidFetchParsed(uidSet, items) {
    return this.#parsed(fn.imap_uid, () => ['FETCH', [str(uidSet, 'uidSet'), str(items, 'items')], 2], PARSERS.fetch);
  }
  /** LIST, parsed: names decoded from modified UTF-7. */
  listParsed(directory = null, pattern = null) {
    return this.#parsed(fn.imap_list, () => [optStr(directory, 'directory'), optStr(pattern, 'pattern')], PARSERS.list);
  }
  /** LSUB, parsed. */
  lsubParsed(directory = null, pattern = null) {
    return this.#parsed(fn.imap_lsub, () => [optStr(directory, 'directory'), optStr(pattern, 'pattern')], PARSERS.list);
  }
  /**
   * STATUS, parsed: every STATUS response of the result, in order (normally one, for
   * `mailbox`; [] if the server sent none).
   */
  statusParsed(mailbox, names) {
    return this.#parsed(fn.imap_status, () => [str(mailbox, 'mailbox'), str(names, 'names')], PARSERS.status);
  }
  /** SEARCH, parsed: the message numbers (`.modseq`: CONDSTORE's (MODSEQ n), or null). */
  searchParsed(charset, ...criteria) {
    return this.#parsed(
      fn.imap_search,
      () => {
        const c = strList(criteria, 'criteria');
        return [optStr(charset, 'charset'), c, c.length];
      },
      PARSERS.search,
    );
  }
  /** UID SEARCH, parsed: the UIDs. */
  uidSearchParsed(charset, ...criteria) {
    return this.#parsed(
      fn.imap_uid,
      () => {
        const c = strList(criteria, 'criteria');
        const a = charset === null || charset === undefined ? c : ['CHARSET', str(charset, 'charset'), ...c];
        return ['SEARCH', a, a.length];
      },
      PARSERS.search,
    );
  }
  /** SORT, parsed: the message numbers in order. */
  sortParsed(sortCriteria, charset, ...searchCriteria) {
    return this.#parsed(
      fn.imap_sort,
      () => {
        const c = strList(searchCriteria, 'searchCriteria');
        return [str(sortCriteria, 'sortCriteria'), optStr(charset, 'charset'), c, c.length];
      },
      PARSERS.search,
    );
  }
  /** UID SORT, parsed: the UIDs in order (charset required by the command: default UTF-8). */
  uidSortParsed(sortCriteria, charset, ...searchCriteria) {
    return this.#parsed(
      fn.imap_uid,
      () => {
        const a = [str(sortCriteria, 'sortCriteria'), optStr(charset, 'charset') ?? 'UTF-8', ...strList(searchCriteria, 'searchCriteria')];
        return ['SORT', a, a.length];
      },
      PARSERS.search,
    );
  }
  /** THREAD, parsed: the forest as a flat node array with parent/child indexes. */
  threadParsed(algorithm, charset, ...searchCriteria) {
    return this.#parsed(
      fn.imap_thread,
      () => {
        const c = strList(searchCriteria, 'searchCriteria');
        return [str(algorithm, 'algorithm'), optStr(charset, 'charset'), c, c.length];
      },
      PARSERS.thread,
    );
  }
  /** UID THREAD, parsed (ids are UIDs; charset default UTF-8). */
  uidThreadParsed(algorithm, charset, ...searchCriteria) {
    return this.#parsed(
      fn.imap_uid,
      () => {
        const a = [str(algorithm, 'algorithm'), optStr(charset, 'charset') ?? 'UTF-8', ...strList(searchCriteria, 'searchCriteria')];
        return ['THREAD', a, a.length];
      },
      PARSERS.thread,
    );
  }
  /**
   * SEARCH with RETURN options (RFC 4731: `esearchParsed(null, 'RETURN (MIN MAX COUNT ALL)',
   * 'ALL')`), then the ESEARCH responses, parsed: one object per ESEARCH response.
   */
  esearchParsed(charset, ...criteria) {
    let args;
    try {
      const c = strList(criteria, 'criteria');
      args = [optStr(charset, 'charset'), c, c.length];
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#enqueue(async () => {
      await this.#run(fn.imap_search, args);
      return this.#runParsed(fn.imap_response, ['ESEARCH'], PARSERS.esearch);
    });
  }
  /** NAMESPACE, parsed: every NAMESPACE response ({ personal, other, shared }), in order. */
  namespaceParsed() {
    return this.#parsed(fn.imap_namespace, () => [], PARSERS.namespace);
  }
  /** GETQUOTA, parsed: the QUOTA responses ({ root, resources }). */
  getquotaParsed(root) {
    return this.#parsed(fn.imap_getquota, () => [str(root, 'root')], PARSERS.quota);
  }
  /** GETQUOTAROOT, parsed: { mailbox, rawMailbox, roots, quotas }. */
  getquotarootParsed(mailbox) {
    let mb;
    try {
      mb = str(mailbox, 'mailbox');
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#enqueue(async () => {
      const outRoot = [null];
      const outQuota = [null];
      const rc = await this.#async(fn.imap_getquotaroot, [this.#h, mb, outRoot, outQuota]);
      const [r, q] = [outRoot[0], outQuota[0]];
      try {
        if (rc !== Code.OK) throw new ImapError(rc, fn.imap_last_error(this.#h), isNull(r) ? null : readResult(r));
        if (isNull(r) || isNull(q)) throw new ImapError(Code.INTERNAL, 'GETQUOTAROOT gave no result');
        let quotas;
        let parseErr = null;
        try {
          quotas = await parseResult(q, PARSERS.quota);
        } catch (e) {
          if (!(e instanceof ImapError) || e.status !== Code.PARSE) throw e;
          parseErr = e;
          quotas = e.parsed;
        }
        // every QUOTAROOT response's roots (normally one response, for `mailbox`)
        const combine = (roots) => {
          const first = roots[0];
          return { mailbox: first ? first.mailbox : mb, rawMailbox: first ? first.rawMailbox : mb, roots: roots.flatMap((q) => q.roots), quotas };
        };
        const value = await parseResult(r, PARSERS.quotaroot, combine);
        if (parseErr) {
          parseErr.parsed = value;
          throw parseErr;
        }
        return value;
      } finally {
        if (!isNull(r)) fn.imap_result_free(r);
        if (!isNull(q)) fn.imap_result_free(q);
      }
    });
  }
  /** GETACL, parsed: every ACL response ({ mailbox, rawMailbox, entries: [{ identifier, rights }] }), in order. */
  getaclParsed(mailbox) {
    return this.#parsed(fn.imap_getacl, () => [str(mailbox, 'mailbox')], PARSERS.acl);
  }
  /** MYRIGHTS, parsed: every MYRIGHTS response ({ mailbox, rawMailbox, rights }), in order. */
  myrightsParsed(mailbox) {
    return this.#parsed(fn.imap_myrights, () => [str(mailbox, 'mailbox')], PARSERS.myrights);
  }
  /** LISTRIGHTS, parsed: every LISTRIGHTS response ({ mailbox, rawMailbox, identifier, required, optional }), in order. */
  listrightsParsed(mailbox, identifier) {
    return this.#parsed(fn.imap_listrights, () => [str(mailbox, 'mailbox'), str(identifier, 'identifier')], PARSERS.listrights);
  }
  /**
   * GETMETADATA, parsed: { mailbox, rawMailbox, entries: { '/private/comment': Buffer | null } }
   * (every METADATA response merged; null is NIL).
   */
  getmetadataParsed(mailbox, entries, options = null) {
    return this.#parsed(
      fn.imap_getmetadata,
      () => {
        const e = strList(typeof entries === 'string' ? [entries] : Array.isArray(entries) ? entries : badArray('entries'), 'entries');
        return [str(mailbox, 'mailbox'), e, e.length, optStr(options, 'options')];
      },
      PARSERS.metadata,
      (v) => ({
        mailbox: v[0] ? v[0].mailbox : mailbox,
        rawMailbox: v[0] ? v[0].rawMailbox : mailbox,
        entries: Object.fromEntries(v.flatMap((m) => m.entries.map((e) => [e.name, e.value]))),
      }),
    );
  }
  /** CAPABILITY, parsed: the capabilities as sent ('IMAP4rev1', 'AUTH=PLAIN'), each once. */
  capabilityParsed() {
    return this.#parsed(fn.imap_capability, () => [], PARSERS.capability);
  }
  /**
   * The selected mailbox's summary (imap_client_mailbox): EXISTS, RECENT, FLAGS, UNSEEN,
   * UIDVALIDITY, UIDNEXT, PERMANENTFLAGS, HIGHESTMODSEQ, READ-ONLY, from the untagged
   * responses the handle keeps. Call it right after select(). ILLEGAL_STATE when no mailbox
   * is selected.
   */
  mailbox() {
    return this.#enqueue(() => {
      // a call on the handle, made here on the main thread: no I/O, and no call is in flight
      // (the queue), so it never waits for the handle's lock
      const out = [null];
      const rc = fn.imap_client_mailbox(this.#h, out);
      if (rc === Code.PARSE && !isNull(out[0])) {
        // values that broke their grammar: the summary is delivered with its invalid list
        let info;
        try {
          info = pmailboxInfo(koffi.decode(out[0], T.imap_mailbox_info));
        } finally {
          fn.imap_mailbox_info_free(out[0]);
        }
        throw parseError('mailbox', info.invalid, info, null);
      }
      if (rc !== Code.OK) {
        if (!isNull(out[0])) fn.imap_mailbox_info_free(out[0]);
        throw new ImapError(rc, fn.imap_last_error(this.#h));
      }
      try {
        return pmailboxInfo(koffi.decode(out[0], T.imap_mailbox_info));
      } finally {
        fn.imap_mailbox_info_free(out[0]);
      }
    });
  }
  /**
   * How mailbox names reach the server (imap_set_mailbox_encoding): 'utf7' (default: a
   * non-ASCII name is sent in modified UTF-7) or 'raw' (sent as given, as imaplib).
   */
  setMailboxEncoding(mode) {
    if (!Object.hasOwn(MAILBOX_ENCODINGS, mode)) return Promise.reject(new TypeError("mode must be 'utf7' or 'raw'"));
    return this.#enqueue(() => {
      const rc = fn.imap_set_mailbox_encoding(this.#h, MAILBOX_ENCODINGS[mode]);
      if (rc !== Code.OK) throw new ImapError(rc, fn.imap_last_error(this.#h));
    });
  }

  /** imaplib's shutdown(): closes the connection without LOGOUT; the client stays usable as an object. */
  shutdown() {
    return this.#enqueue(async () => {
      const rc = await this.#async(fn.imap_shutdown, [this.#h]);
      if (rc !== Code.OK) throw new ImapError(rc, fn.imap_last_error(this.#h));
    });
  }
}

function badArray(what) {
  throw new TypeError(`${what} must be a string or an array of strings`);
}

/**
 * The IDLE session returned by `client.idle()`: an async iterator of the server's updates, and
 * `done()` to leave IDLE. Updates are read one imap_idle_wait at a time (on a worker, each
 * waiting at most `pollInterval` ms), so none is lost: those not taken before done() stay for
 * `client.response(name)`.
 */
class Idle {
  #wait;
  #finish;
  #interval;
  #deadline;
  #ended = false; // done() called or duration over: iteration is finished
  #donePromise = null;
  #chain = Promise.resolve();

  constructor(started, wait, finish, interval, duration) {
    /** The result of IDLE (the server's continuation text). */
    this.started = started;
    this.#wait = wait;
    this.#finish = finish;
    this.#interval = interval;
    this.#deadline = duration === null ? null : Date.now() + duration;
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  /** The next update ({ done: false, value: ImapResponse }), or { done: true } once done() was called. */
  next() {
    const p = this.#chain.then(() => this.#next());
    this.#chain = p.then(
      () => undefined,
      () => undefined,
    );
    return p;
  }

  async #next() {
    for (;;) {
      if (this.#ended) return { done: true, value: undefined };
      let ms = this.#interval;
      if (this.#deadline !== null) {
        const left = this.#deadline - Date.now();
        if (left <= 0) {
          this.#ended = true;
          continue;
        }
        ms = Math.min(ms, Math.ceil(left));
      }
      const update = await this.#wait(ms);
      if (update !== null) return { done: false, value: update };
    }
  }

  /**
   * Called by `break` in a for-await loop: ends this loop only (IDLE goes on; another loop may
   * iterate again). Call done() to leave IDLE.
   */
  return() {
    return Promise.resolve({ done: true, value: undefined });
  }

  /**
   * Leaves IDLE: sends DONE after the wait in progress (at most pollInterval ms) and resolves
   * to the tagged reply. Pending next() calls resolve { done: true }. Idempotent.
   */
  done() {
    if (!this.#donePromise) {
      this.#ended = true;
      this.#donePromise = this.#chain.then(() => this.#finish());
    }
    return this.#donePromise;
  }
}

if (typeof Symbol.asyncDispose === 'symbol') {
  Object.defineProperty(Idle.prototype, Symbol.asyncDispose, {
    value: function asyncDispose() {
      return this.done();
    },
    writable: true,
    configurable: true,
  });
}

// ---------------------------------------------------------------------------------------------
// utilities (no connection; pure computations made synchronously)

/** The version of the loaded libimap.so, 'MAJOR.MINOR.PATCH' (imap_version). */
function version() {
  return fn.imap_version();
}

/** The loaded library's version as MAJOR * 10000 + MINOR * 100 + PATCH (imap_version_number). */
function versionNumber() {
  return fn.imap_version_number();
}

function utilError(rc, what) {
  return new ImapError(rc, `${what}: ${codeDescription(rc)}`);
}

/** imaplib's Int2AP(num): the base-16 digits of |num| written with 'A'..'P' (4096 → 'BAAA'). */
function int2ap(num) {
  if (typeof num === 'number' && !Number.isSafeInteger(num)) throw new TypeError('num must be an integer');
  if (typeof num !== 'number' && typeof num !== 'bigint') throw new TypeError('num must be an integer');
  if (typeof num === 'bigint' && (num < -(2n ** 63n) || num >= 2n ** 63n)) throw new RangeError('num must fit in 64 bits');
  const out = [null];
  const rc = fn.imap_int2ap(num, out);
  if (rc !== Code.OK) throw utilError(rc, 'int2ap');
  return takeString(out[0]);
}

/**
 * imaplib's ParseFlags(resp): the flags of the last 'FLAGS (...)' (or PERMANENTFLAGS) in
 * `resp` (a Buffer or a string), as strings ('\\Seen'); [] if there is no flag list.
 */
function parseFlags(resp) {
  const bytes = toBytes(resp, 'resp');
  const out = [null];
  const rc = fn.imap_parse_flags(bytes, bytes.length, out);
  if (rc !== Code.OK) throw utilError(rc, 'parseFlags');
  const r = takeResult(out[0]);
  return r === null ? [] : r.data.filter((d) => Buffer.isBuffer(d)).map((d) => d.toString('utf8'));
}

/**
 * imaplib's Internaldate2tuple(resp): the last INTERNALDATE "DD-Mon-YYYY HH:MM:SS +HHMM" in
 * `resp` (Buffer or string) as `{ date, offsetSeconds, tm }`: the instant as a Date, the zone
 * written in it (seconds east of UTC), and the date as written (imap_tm fields, at that
 * offset). null if there is none (imaplib's None). An unknown month throws an ImapError
 * INVALID_ARGUMENT (imaplib's KeyError).
 */
function internaldate2tuple(resp) {
  const bytes = toBytes(resp, 'resp');
  const found = [0];
  const utc = [0];
  const offset = [0];
  const tm = {};
  const rc = fn.imap_internaldate2tuple(bytes, bytes.length, found, utc, offset, tm);
  if (rc !== Code.OK) throw utilError(rc, 'internaldate2tuple');
  if (found[0] !== 1) return null;
  return {
    date: new Date(Number(utc[0]) * 1000),
    offsetSeconds: offset[0],
    tm: {
      year: tm.year,
      month: tm.month,
      day: tm.day,
      hour: tm.hour,
      minute: tm.minute,
      second: tm.second,
      offsetSeconds: tm.offset_seconds,
    },
  };
}

const TM_FIELDS = ['year', 'month', 'day', 'hour', 'minute', 'second'];

/**
 * imaplib's Time2Internaldate: '"DD-Mon-YYYY HH:MM:SS +HHMM"' (quotes included, ready for
 * append()). `time` is a Date, a number of seconds since 1970 (imaplib's, fractions dropped)
 * or a broken-down `{ year, month (1..12), day, hour, minute, second, offsetSeconds }` (taken
 * as the wall-clock time at that offset). `offsetSeconds` (east of UTC) is the zone to show an
 * instant in; default: this process's local zone at that instant, as imaplib.
 */
function time2internaldate(time, offsetSeconds) {
  const out = [null];
  let rc;
  if (time !== null && typeof time === 'object' && !(time instanceof Date)) {
    const tm = {};
    for (const k of TM_FIELDS) {
      if (!Number.isInteger(time[k])) throw new TypeError(`time.${k} must be an integer`);
      tm[k] = time[k];
    }
    const off = time.offsetSeconds ?? offsetSeconds ?? 0;
    if (!Number.isInteger(off)) throw new TypeError('offsetSeconds must be an integer');
    tm.offset_seconds = off;
    rc = fn.imap_time2internaldate_tm(tm, out);
  } else {
    let ms;
    if (time instanceof Date) ms = time.getTime();
    else if (typeof time === 'number') ms = time * 1000;
    else throw new TypeError('time must be a Date, a number of seconds or a { year, month, day, ... } object');
    if (!Number.isFinite(ms)) throw new TypeError('time is not a valid date');
    const secs = Math.floor(ms / 1000);
    let off = offsetSeconds;
    if (off === undefined || off === null) off = -new Date(secs * 1000).getTimezoneOffset() * 60;
    if (!Number.isInteger(off)) throw new TypeError('offsetSeconds must be an integer');
    rc = fn.imap_time2internaldate(secs, off, out);
  }
  if (rc !== Code.OK) throw utilError(rc, 'time2internaldate');
  return takeString(out[0]);
}

/** Takes the string libimap allocated into `out[0]`, or throws an ImapError for `rc`. */
function takeOut(rc, out, what) {
  if (rc !== Code.OK) {
    if (!isNull(out[0])) fn.imap_string_free(out[0]);
    throw utilError(rc, what);
  }
  return takeString(out[0]) ?? '';
}

/**
 * Encodes a UTF-8 mailbox name in modified UTF-7 (RFC 3501 §5.1.3; imap_utf7_encode):
 * '~peter/mail/台北/日本語' → '~peter/mail/&U,BTFw-/&ZeVnLIqe-'.
 */
function utf7Encode(name) {
  str(name, 'name');
  const out = [null];
  return takeOut(fn.imap_utf7_encode(name, out), out, 'utf7Encode');
}

/**
 * Decodes a modified UTF-7 mailbox name (a string or bytes) to a string (imap_utf7_decode).
 * Strict: malformed input throws an ImapError INVALID_ARGUMENT.
 */
function utf7Decode(raw) {
  const bytes = toBytes(raw, 'raw');
  const out = [null];
  return takeOut(fn.imap_utf7_decode(bytes, bytes.length, out), out, 'utf7Decode');
}

/**
 * Decodes the RFC 2047 encoded words of header text (a string or bytes) to a string
 * (imap_decode_header): '=?UTF-8?B?w6l0w6k=?=' → 'été'. Unknown charsets and bad encodings
 * stay as written.
 */
function decodeHeader(raw) {
  const bytes = toBytes(raw, 'raw');
  const out = [null];
  return takeOut(fn.imap_decode_header(bytes, bytes.length, out), out, 'decodeHeader');
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

module.exports = {
  Client,
  arg,
  Idle,
  ImapError,
  Code,
  Quirk,
  codeName,
  codeDescription,
  libraryPath,
  version,
  versionNumber,
  int2ap,
  parseFlags,
  internaldate2tuple,
  time2internaldate,
  utf7Encode,
  utf7Decode,
  decodeHeader,
};
