'use strict';
// libimap for Node.js: a Promise-based client over libimap's C ABI (include/imap.h), via koffi.
//
// Threading model (README.md, "Concurrency"):
//  - every call that may wait for the network runs on a koffi worker (`f.async`); the event
//    loop never waits for it;
//  - commands are submitted in call order (a promise chain of submissions); a command with a
//    pipelined form (imap_submit*) is only *sent* in that chain, and its result collected
//    later (imap_collect, one ticket at a time in submission order, on a worker), so several
//    commands are in flight on one connection; the others run whole in the chain;
//  - callbacks libimap makes on a worker (SASL, literal handler, log) are registered koffi
//    callbacks: koffi parks the worker and runs the JS function on the main thread. Nothing on
//    the main thread waits for the handle, so this cannot deadlock;
//  - interrupt() is imap_interrupt (sticky: a call that has not yet entered C is ended too),
//    IDLE waits are ended by imap_wake.

const { EventEmitter } = require('node:events');
const net = require('node:net');
const { Readable } = require('node:stream');
const native = require('./lib/native.cjs');
const { koffi, fn, types, protos, enums, defines, decode, array, isNull, libraryPath, librarySource, copyBytes, utf8, cString, memcpy, textReaders } = native;

/** Status codes of the C ABI (enum imap_code), by short name. */
const Code = Object.freeze({ ...enums.imap_code });
const Quirk = Object.freeze(
  Object.fromEntries(Object.entries(defines).filter(([k]) => k.startsWith('IMAP_QUIRK_')).map(([k, v]) => [k.slice(11), v])),
);
/** The bits of ListEntry.attrs (IMAP_LIST_ATTR_* in imap.h). */
const ListAttr = Object.freeze(
  Object.fromEntries(Object.entries(defines).filter(([k]) => k.startsWith('IMAP_LIST_ATTR_')).map(([k, v]) => [k.slice(15), v])),
);
const lowerKeys = (e) => Object.fromEntries(Object.entries(e).map(([k, v]) => [k.toLowerCase(), v]));
const TLS_MODES = lowerKeys(enums.imap_tls_mode);
/** Node's tls names (tls.connect's minVersion) of imap_tls_version. */
const TLS_VERSIONS = Object.freeze({ 'TLSv1.2': enums.imap_tls_version.TLS12, 'TLSv1.3': enums.imap_tls_version.TLS13 });
const MAILBOX_ENCODINGS = lowerKeys(enums.imap_mailbox_encoding);
const ARG_KIND = enums.imap_arg_kind;
const noop = () => undefined;

/** The name of value `v` of C enum `e`, without its prefix ('READ_ONLY'), from the header. */
const enumNames = Object.fromEntries(Object.entries(enums).map(([e, m]) => [e, Object.fromEntries(Object.entries(m).map(([k, v]) => [v, k]))]));
const enumName = (e, v) => enumNames[e][v] ?? 'UNKNOWN';

function codeName(code) {
  return fn.imap_code_name(code);
}

function codeDescription(code) {
  return fn.imap_code_str(code);
}

/** The error every failing call rejects with (README.md, "Errors"). */
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
    this.parsed = null;
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

/**
 * Calls an `_ex` form on a worker: its last argument receives the failure's message (libimap's
 * per-thread imap_last_error cannot be read from another thread). Resolves to [code, message].
 */
async function asyncEx(f, args) {
  const err = [null];
  const rc = await asyncCall(f, [...args, err]);
  return [rc, takeString(err[0])];
}

// Literals of at least VIEW_MIN bytes (message bodies) reach JS without a copy: their Buffer
// is a view of the result's native memory (koffi.view, an external ArrayBuffer), and the
// result stays allocated as long as any of those ArrayBuffers is reachable. Each view's
// ArrayBuffer holds (through a private WeakMap) the result's holder, which resultOwner
// watches: the result is freed once the holder, hence every view, is garbage-collected.
// Nothing can outlive the memory it reads: a Buffer made over a view (subarray, new
// Uint8Array(buf.buffer)) holds the same ArrayBuffer, and structuredClone / postMessage copy
// such ArrayBuffers (they are never detached or shared: test/views.test.mjs).
// V8 does not count native memory: a loop that drops results held by views would only free
// them at the next full collection, which a small JS heap postpones without bound. So the
// bytes of the results held by views (dropped or not, until their finalizer runs) are counted:
// above VIEW_BUDGET, results are copied instead (and freed at once) until the collector has
// freed enough; a result is always viewed when none is held (one large FETCH kept in memory).
// `zeroCopy: false` copies everything. Smaller data (lines, short literals) is copied into one
// Buffer per result.
const VIEW_MIN = 1024;
const VIEW_BUDGET = 32 * 2 ** 20;
let viewBytes = 0; // literal bytes of the results held by views
const viewHolder = new WeakMap(); // ArrayBuffer → the holder of its result
const resultOwner = new FinalizationRegistry(([r, n]) => {
  viewBytes -= n;
  fn.imap_result_free(r);
});
const ITEM = enums.imap_item_kind;

/**
 * Reads an imap_result into an ImapResponse. With `adopt`, the result is the ImapResponse's
 * to free: at once when no view of it was made, else when the last view is collected; without,
 * every byte is copied and the caller frees the result.
 */
function readResult(r, adopt = false, views = adopt) {
  let holder = null; // set (and registered) before the first view is made
  try {
    return readItems(r, views, (viewed) => {
      holder = {};
      viewBytes += viewed;
      resultOwner.register(holder, [r, viewed]);
      return holder;
    });
  } finally {
    // adopted and not handed to views (also when reading failed): freed now
    if (adopt && holder === null) fn.imap_result_free(r);
  }
}

/** readResult's reading; `own(bytes)` gives the holder of the views, registered before the first one. */
function readItems(r, views, own) {
  const count = Number(fn.imap_result_count(r));
  const items = new Array(count);
  let copied = 0;
  let large = 0; // bytes of the literals a view would take
  let small = 0;
  for (let i = 0; i < count; i++) {
    const it = decode(fn.imap_result_item(r, i), 'imap_item');
    items[i] = it;
    if (it === null || it.kind === ITEM.NONE) continue;
    copied += Number(it.len);
    if (it.kind !== ITEM.LITERAL || isNull(it.literal)) continue;
    if (it.literal_len >= VIEW_MIN) large += Number(it.literal_len);
    else small += Number(it.literal_len);
  }
  const viewed = views && large > 0 && (viewBytes === 0 || viewBytes + large <= VIEW_BUDGET) ? large : 0;
  copied += small + (large - viewed);
  // one Buffer for every copied byte (pooled when small, as Buffer.from does)
  const slab = Buffer.allocUnsafe(copied);
  let off = 0;
  const copy = (ptr, len) => {
    const n = Number(len);
    const b = slab.subarray(off, off + n);
    if (n > 0) memcpy(b, ptr, n);
    off += n;
    return b;
  };
  const holder = viewed > 0 ? own(viewed) : null;
  const view = (ptr, len) => {
    const ab = koffi.view(ptr, Number(len));
    viewHolder.set(ab, holder);
    return Buffer.from(ab);
  };
  const data = new Array(count);
  for (let i = 0; i < count; i++) {
    const it = items[i];
    if (it === null || it.kind === ITEM.NONE) data[i] = null;
    else if (it.kind === ITEM.LINE) data[i] = copy(it.data, it.len);
    // a literal streamed to the literal handler has no bytes (literal NULL), only its size
    else if (isNull(it.literal)) data[i] = [copy(it.data, it.len), null, Number(it.literal_len)];
    else data[i] = [copy(it.data, it.len), holder !== null && it.literal_len >= VIEW_MIN ? view(it.literal, it.literal_len) : copy(it.literal, it.literal_len)];
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
    text: utf8(textPtr, textLen[0]),
    code,
    codeData: code === null ? null : utf8(codePtr, codeLen[0]),
    parsedCode: code === null ? null : readCode(r),
  };
}

/**
 * Reads and frees (or hands to its views, see readResult; `views` false: every byte copied)
 * an imap_result; null for NULL.
 */
function takeResult(p, views = true) {
  return isNull(p) ? null : readResult(p, true, views);
}

/** Copies bytes into native memory (koffi.alloc, at least 1 byte; free with koffi.free). */
function nativeCopy(bytes) {
  const mem = koffi.alloc('uint8_t', Math.max(bytes.length, 1));
  if (bytes.length > 0) new Uint8Array(koffi.view(mem, bytes.length)).set(bytes);
  return mem;
}

/** Runs `f(mem)` with a native copy of `bytes` (a JS buffer could move during a worker call). */
async function withNative(bytes, f) {
  const mem = bytes === null ? null : nativeCopy(bytes);
  try {
    return await f(mem);
  } finally {
    if (mem !== null) koffi.free(mem);
  }
}

/** Takes a string libimap allocated (imap_string_free), or null. */
function takeString(p) {
  if (isNull(p)) return null;
  try {
    return cString(p);
  } finally {
    fn.imap_string_free(p);
  }
}

function emptyResult() {
  return { type: 'OK', data: [], status: null, text: '', code: null, codeData: null, parsedCode: null };
}

// Argument checks that libimap cannot make: a NUL inside a JS string would cut the C string
// short (CR and LF are refused by libimap itself).
function str(value, what) {
  if (typeof value !== 'string') throw new TypeError(`${what} must be a string`);
  if (value.includes('\0')) throw new ImapError(Code.INVALID_ARGUMENT, `${what} contains NUL`);
  return value;
}

const optStr = (value, what) => (value === null || value === undefined ? null : str(value, what));
const strList = (values, what) => values.map((v, i) => str(v, `${what}[${i}]`));

function toBytes(message, what = 'message') {
  if (typeof message === 'string') return Buffer.from(message, 'utf8');
  if (Buffer.isBuffer(message)) return message;
  if (ArrayBuffer.isView(message)) return Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  if (message instanceof ArrayBuffer) return Buffer.from(message);
  throw new TypeError(`${what} must be a Buffer, a Uint8Array or a string`);
}

/** A non-negative integer (number or bigint below 2^64). */
function uint(value, what, max = 2n ** 64n - 1n) {
  if (typeof value === 'bigint' ? value < 0n || value > max : !Number.isSafeInteger(value) || value < 0 || value > max)
    throw new TypeError(`${what} must be a non-negative integer up to ${max}`);
  return value;
}

const ms = (value, what, dflt) => (value === undefined || value === null ? dflt : uint(value, what, 0xffffffff));

// Typed argument values (imap_arg_kind): each is sent by its kind, a string quoted or as a literal.
const ARG = Symbol('libimap.arg');
const makeArg = (kind, value) => Object.freeze({ [ARG]: true, kind, value });
/** Builders of typed arguments for searchArgs and sortArgs. */
const arg = Object.freeze({
  atom: (value) => makeArg('atom', str(value, 'atom')),
  string: (value) => makeArg('string', str(value, 'string')),
  number: (value) => makeArg('number', String(uint(value, 'number'))),
  list: (...items) => makeArg('list', items),
});

/** Flattens typed arguments into the values, kinds and count of imap_search_args. */
function typedArgs(args, what) {
  const values = [];
  const kinds = [];
  const walk = (items, path) =>
    items.forEach((a, i) => {
      const where = `${path}[${i}]`;
      if (a === null || typeof a !== 'object' || a[ARG] !== true)
        throw new TypeError(`${where} must be built with arg.atom, arg.string, arg.number or arg.list`);
      if (a.kind !== 'list') {
        values.push(a.value);
        kinds.push(ARG_KIND[a.kind.toUpperCase()]);
        return;
      }
      values.push(null);
      kinds.push(ARG_KIND.LIST_BEGIN);
      walk(a.value, where);
      values.push(null);
      kinds.push(ARG_KIND.LIST_END);
    });
  walk(args, what);
  return [values, Int32Array.from(kinds), values.length];
}

/** Parallel name/value arrays from a Record or [name, value] pairs; null values send NIL. */
function pairs(entries, what) {
  if (entries === null || typeof entries !== 'object') throw new TypeError(`${what} must be an object or an array of [name, value] pairs`);
  const names = [];
  const values = [];
  (Array.isArray(entries) ? entries : Object.entries(entries)).forEach((pair, i) => {
    if (!Array.isArray(pair) || pair.length !== 2) throw new TypeError(`${what}[${i}] must be a [name, value] pair`);
    names.push(str(pair[0], `${what}[${i}] name`));
    values.push(optStr(pair[1], `${what}[${i}] value`));
  });
  return [names, values, names.length];
}

// Argument specs of the command table: how each JS argument becomes C arguments.
const ARGS = {
  s: (v, w) => [str(v, w)], // a string
  o: (v, w) => [optStr(v, w)], // a string or null
  n: (v, w) => [typeof v === 'number' && Number.isFinite(v) ? String(v) : str(v, w)], // string or number
  f: (v, w) => {
    if (!Array.isArray(v)) throw new TypeError(`${w} must be an array of strings`);
    return [strList(v, w), v.length];
  },
  e: (v, w) => {
    const list = typeof v === 'string' ? [v] : v;
    if (!Array.isArray(list)) throw new TypeError(`${w} must be a string or an array of strings`);
    return [strList(list, w), list.length];
  },
  p: (v, w) => pairs(v, w),
  P: (v, w) => (v === null || v === undefined ? [[], [], 0] : pairs(v, w)),
  t: (v, w) => [ms(v, w, 1000)],
  b: (v, w) => {
    if (v !== undefined && v !== null && typeof v !== 'boolean') throw new TypeError(`${w} must be a boolean`);
    return [v ? 1 : 0];
  },
  u: (v, w) => [Number(uint(v, w, 0xffffffff))],
  q: (v, w) => [BigInt(uint(v, w))], // a mod-sequence (a BigInt or a safe integer)
  k: (v, w) => [uidSet(v, w)],
};

/** A UID set as the library takes it: null (none), a string ('1:40,42') or [{ start, end }]. */
function uidSet(v, w) {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return str(v, w);
  if (!Array.isArray(v)) throw new TypeError(`${w} must be a UID set string or an array of { start, end }`);
  return v
    .map((r) => {
      if (r === null || typeof r !== 'object') throw new TypeError(`${w} must be an array of { start, end }`);
      const a = uint(r.start, `${w}.start`, 0xffffffff);
      const b = uint(r.end, `${w}.end`, 0xffffffff);
      return a === b ? `${a}` : `${a}:${b}`;
    })
    .join(',');
}

/** The C arguments for `spec` (['s:user', '...s:criteria']) and the JS arguments `args`. */
function buildArgs(spec, args) {
  const out = [];
  spec.forEach((s, i) => {
    const rest = s.startsWith('...');
    const [k, what] = s.replace('...', '').split(':');
    if (rest && k === 'T') return out.push(...typedArgs(args.slice(i), what));
    if (rest) {
      const list = strList(args.slice(i), what);
      return out.push(list, list.length);
    }
    out.push(...ARGS[k](args[i], what));
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// parsed results: the C structs (lib/generated.cjs) converted into plain JS objects, every
// byte copied; the C object is freed before anything is returned.

/** imap_bytes → Buffer (a copy), or null for NIL. */
const pbytes = (b) => (isNull(b.data) ? null : copyBytes(b.data, b.len));
/** imap_bytes → string (UTF-8), or null for NIL. */
const ptext = (b) => (isNull(b.data) ? null : utf8(b.data, b.len));
const cstr = cString;
const opt = (has, v, f = (x) => x) => (has ? f(v) : null);
const lower = (s) => (s === null ? null : s.toLowerCase());
const pu64 = (v) => Number(v); // sizes and counts: exact below 2^53
const big = (v) => BigInt(v); // mod-sequences are 63-bit
/** An array of imap_bytes pointers (field `field` of `o`) as strings. */
const texts = (o, t, field, count) => native.texts(o, field, count);

function pinvalid(o, t) {
  return array(o, t, 'invalid', o.invalid_count).map((v) => ({
    kind: enumName('imap_invalid_kind', v.kind),
    message: cstr(v.message),
    raw: pbytes(v.raw) ?? Buffer.alloc(0),
  }));
}

function pmailbox(m) {
  const raw = ptext(m.raw) ?? '';
  return { mailbox: ptext(m.name) ?? raw, rawMailbox: raw };
}

const pdelim = (d) => (d === 0 ? null : String.fromCharCode(d));

/** Parameters (text-read imap_param structs) as { name (lower-cased): value }. */
function pparams(o, t, field, count) {
  const out = {};
  for (const p of array(o, t, field, count, true)) if (p !== null && p.name !== null) out[p.name.toLowerCase()] = p.value;
  return out;
}

const ADDRESS = enums.imap_address_kind;

/** An address list, RFC 3501's flat group markers folded into { group, members, closed }. */
function paddresses(e, field) {
  const out = [];
  let group = null;
  for (const a of array(e, 'imap_envelope', field, e[`${field}_count`], true)) {
    if (a === null) continue;
    if (a.kind === ADDRESS.GROUP_START) out.push((group = { group: a.mailbox, members: [], closed: false }));
    else if (a.kind === ADDRESS.GROUP_END) {
      if (group) group.closed = true;
      group = null;
    } else {
      const { mailbox, host } = a;
      const address = mailbox === null ? null : host === null ? mailbox : `${mailbox}@${host}`;
      (group ? group.members : out).push({ name: a.name_decoded, rawName: a.name, adl: a.adl, mailbox, host, address });
    }
  }
  return out;
}

function penvelope(ptr) {
  if (isNull(ptr)) return null;
  const e = textReaders.imap_envelope(native.addr(ptr));
  return {
    date: e.date,
    subject: e.subject_decoded,
    rawSubject: e.subject,
    from: paddresses(e, 'from'),
    sender: paddresses(e, 'sender'),
    replyTo: paddresses(e, 'reply_to'),
    to: paddresses(e, 'to'),
    cc: paddresses(e, 'cc'),
    bcc: paddresses(e, 'bcc'),
    inReplyTo: e.in_reply_to,
    messageId: e.message_id,
  };
}

// message.section(spec) and part.find(part): the C library's lookups (imap_fetch_message_section,
// imap_body_part_find), so that Node matches specs and part numbers exactly as C and Go do. The
// C list is freed at conversion as always (nothing outlives it: fetchEach stays constant-memory);
// a lookup writes the few fields the C function reads (each section's kind and spec; each
// node's part, children and encapsulated body) from the converted objects into scratch C
// structs (zeroed elsewhere), asks C, maps the struct it returns back to its JS object, and
// frees the scratch.

const WORD = koffi.sizeof('void *'); // pointers and size_t
const LE = require('node:os').endianness() === 'LE';
/** Writes the pointer-sized unsigned `v` (a BigInt) at `at` of `buf`. */
function putWord(buf, at, v) {
  if (WORD === 8) (LE ? buf.writeBigUInt64LE : buf.writeBigUInt64BE).call(buf, v, at);
  else (LE ? buf.writeUInt32LE : buf.writeUInt32BE).call(buf, Number(v), at);
}
const offset = (type, ...path) => path.reduce(([off, t], f) => [off + koffi.offsetof(types[t], f), f === 'spec' ? 'imap_bytes' : t], [0, type])[0];
const OFF = {
  kind: offset('imap_section', 'kind'),
  specData: offset('imap_section', 'spec', 'data'),
  specLen: offset('imap_section', 'spec', 'len'),
  sections: offset('imap_fetch_message', 'sections'),
  sectionCount: offset('imap_fetch_message', 'section_count'),
  part: offset('imap_body_part', 'part'),
  children: offset('imap_body_part', 'children'),
  childCount: offset('imap_body_part', 'child_count'),
  messageBody: offset('imap_body_part', 'message_body'),
};

/**
 * The scratch C structs of one lookup, laid out in JS (zeroed blocks; pointers recorded as
 * block offsets), then copied into one native block: the first block is at its start.
 */
class Scratch {
  #blocks = [];
  #fixups = [];
  #size = 0;
  block(size) {
    const off = Math.ceil(this.#size / 8) * 8;
    const buf = Buffer.alloc(Math.max(size, 1));
    this.#blocks.push([off, buf]);
    this.#size = off + buf.length;
    return { off, buf };
  }
  struct(type) {
    return this.block(koffi.sizeof(types[type]));
  }
  bytes(b) {
    const blk = this.block(b.length);
    b.copy(blk.buf);
    return blk;
  }
  pointer(blk, at, target) {
    this.#fixups.push([blk.buf, at, target.off]);
  }
  pointers(list) {
    const blk = this.block(list.length * WORD);
    list.forEach((t, i) => this.pointer(blk, i * WORD, t));
    return blk;
  }
  /** Copies the structs into native memory, returns f(pointer to the first, offset of a pointer). */
  run(f) {
    const mem = koffi.alloc('uint8_t', this.#size);
    try {
      const base = koffi.address(mem);
      for (const [buf, at, off] of this.#fixups) putWord(buf, at, base + BigInt(off));
      const all = Buffer.alloc(this.#size);
      for (const [off, buf] of this.#blocks) buf.copy(all, off);
      koffi.encode(mem, 0, 'uint8_t', all, this.#size);
      return f(mem, (q) => (isNull(q) ? -1 : Number(koffi.address(q) - base)));
    } finally {
      koffi.free(mem);
    }
  }
}

const SECTION_KINDS = enums.imap_section_kind;

/**
 * message.section(spec): the first of the message's `sections` whose spec is `spec`, as
 * imap_fetch_message_section finds it (case-insensitive, RFC822 forms); null if none.
 */
function sectionMethod(spec) {
  if (typeof spec !== 'string') throw new TypeError('spec must be a string');
  const sections = Array.isArray(this.sections) ? this.sections : [];
  if (spec.includes('\0') || sections.length === 0) return null; // a NUL is in no spec a server sends
  const mem = new Scratch();
  const msg = mem.struct('imap_fetch_message');
  const byOff = new Map();
  const list = [];
  for (const s of sections) {
    const kind = s && SECTION_KINDS[String(s.kind).replace(/\./g, '_')];
    if (kind === undefined) continue; // not a section as converted
    const blk = mem.struct('imap_section');
    (LE ? blk.buf.writeInt32LE : blk.buf.writeInt32BE).call(blk.buf, kind, OFF.kind);
    const text = Buffer.from(String(s.spec ?? ''), 'utf8');
    mem.pointer(blk, OFF.specData, mem.bytes(text));
    putWord(blk.buf, OFF.specLen, BigInt(text.length));
    byOff.set(blk.off, s);
    list.push(blk);
  }
  mem.pointer(msg, OFF.sections, mem.pointers(list));
  putWord(msg.buf, OFF.sectionCount, BigInt(list.length));
  return mem.run((p, off) => byOff.get(off(fn.imap_fetch_message_section(p, spec))) ?? null);
}

/** part.find(part): the node numbered `part` in the tree under this node (imap_body_part_find); null if none. */
function findMethod(part) {
  if (typeof part !== 'string') throw new TypeError('part must be a string');
  if (part.includes('\0')) return null;
  const mem = new Scratch();
  const byOff = new Map();
  const build = (node) => {
    const blk = mem.struct('imap_body_part');
    byOff.set(blk.off, node);
    mem.pointer(blk, OFF.part, mem.bytes(Buffer.from(`${String(node.part ?? '').replace(/\0.*/s, '')}\0`, 'utf8')));
    const kids = (Array.isArray(node.children) ? node.children : []).filter((c) => c !== null && typeof c === 'object').map(build);
    mem.pointer(blk, OFF.children, mem.pointers(kids));
    putWord(blk.buf, OFF.childCount, BigInt(kids.length));
    const inner = node.message && node.message.body;
    if (inner !== null && typeof inner === 'object') mem.pointer(blk, OFF.messageBody, build(inner));
    return blk;
  };
  build(this);
  return mem.run((p, off) => byOff.get(off(fn.imap_body_part_find(p, part))) ?? null);
}

const hidden = (value) => ({ value, enumerable: false, writable: true, configurable: true });
// one descriptor each, shared by every node and message
const FIND = hidden(findMethod);
const SECTION = hidden(sectionMethod);

/** A BODY/BODYSTRUCTURE tree at `ptr` (at most 64 levels deep: the parser's bound); null for NULL. */
function pbody(ptr) {
  if (isNull(ptr)) return null;
  const T = 'imap_body_part';
  const b = textReaders.imap_body_part(native.addr(ptr));
  const message = isNull(b.message_body) && isNull(b.message_envelope) ? null : { envelope: penvelope(b.message_envelope), body: pbody(b.message_body) };
  const disposition = b.disposition;
  const children = isNull(b.children) ? [] : native.pointersAt(native.addr(b.children), Number(b.child_count));
  for (let i = 0; i < children.length; i++) children[i] = pbody(children[i]);
  const node = {
    part: cstr(b.part), // numbered by the library ('1', '2.1'; '' for a multipart root)
    multipart: b.multipart !== 0,
    type: b.media_type === null ? '' : b.media_type.toLowerCase(),
    subtype: b.subtype === null ? '' : b.subtype.toLowerCase(),
    params: pparams(b, T, 'params', b.param_count),
    id: b.id,
    description: b.description,
    encoding: b.encoding === null ? null : b.encoding.toLowerCase(),
    size: pu64(b.size),
    lines: b.has_lines ? pu64(b.lines) : null,
    md5: b.md5,
    disposition: disposition === null ? null : { type: disposition.toLowerCase(), params: pparams(b, T, 'disposition_params', b.disposition_param_count) },
    language: texts(b, T, 'language', b.language_count),
    location: b.location,
    extension: texts(b, T, 'extension', b.extension_count),
    children,
    message,
  };
  return Object.defineProperty(node, 'find', FIND);
}

const IMAP_NAME = (n) => n.replace(/_/g, '.').replace(/^READ\.(ONLY|WRITE)$/, 'READ-$1');

function psection(s) {
  const T = 'imap_section';
  return {
    kind: IMAP_NAME(enumName('imap_section_kind', s.kind)),
    spec: ptext(s.spec) ?? '',
    part: array(s, T, 'part', s.part_count),
    text: IMAP_NAME(enumName('imap_section_text', s.text)),
    fields: texts(s, T, 'fields', s.field_count),
    origin: opt(s.has_origin, s.origin),
    data: pbytes(s.data),
    streamedSize: opt(s.streamed, s.streamed_size, pu64),
  };
}

function pmessage(m) {
  const T = 'imap_fetch_message';
  const msg = {
    quirks: m.quirks,
    seq: m.seq,
    uid: opt(m.has_uid, m.uid),
    flags: m.has_flags ? texts(m, T, 'flags', m.flag_count) : null,
    internalDate: opt(m.has_internaldate, m.internaldate_seconds, (s) => new Date(Number(s) * 1000)),
    internalDateOffset: opt(m.has_internaldate, m.internaldate_offset),
    size: opt(m.has_rfc822_size, m.rfc822_size, pu64),
    modseq: opt(m.has_modseq, m.modseq, big),
    envelope: penvelope(m.envelope),
    bodyStructure: pbody(m.body_structure),
    body: pbody(m.body),
    sections: array(m, T, 'sections', m.section_count).map(psection),
    binarySizes: array(m, T, 'binary_sizes', m.binary_size_count).map((b) => ({ part: array(b, 'imap_binary_size', 'part', b.part_count), size: pu64(b.size) })),
    other: array(m, T, 'other', m.other_count).map((o) => ({ name: ptext(o.name) ?? '', raw: pbytes(o.raw) ?? Buffer.alloc(0) })),
    emailId: ptext(m.email_id),
    threadId: ptext(m.thread_id),
    hasThreadId: m.has_thread_id !== 0,
    error: m.valid ? null : { kind: enumName('imap_invalid_kind', m.error_kind), message: cstr(m.error), raw: pbytes(m.raw) ?? Buffer.alloc(0) },
  };
  return Object.defineProperty(msg, 'section', SECTION);
}

/** imap_response_code → ResponseCode, or null for kind NONE. */
function pcode(c) {
  if (c.kind === 0) return null;
  const T = 'imap_response_code';
  const kind = IMAP_NAME(enumName('imap_response_code_kind', c.kind));
  const modseq = kind === 'HIGHESTMODSEQ'; // 63-bit: a BigInt
  return {
    kind,
    name: ptext(c.name) ?? '',
    data: ptext(c.data),
    number: c.has_number && !modseq ? Number(c.number) : null,
    modseq: c.has_number && modseq ? BigInt(c.number) : null,
    atoms: texts(c, T, 'atoms', c.atom_count),
    uids: array(c, T, 'uids', c.uid_count).map(({ start, end }) => ({ start, end })),
    sourceUids: array(c, T, 'source_uids', c.source_uid_count).map(({ start, end }) => ({ start, end })),
  };
}

function pmailboxInfo(i) {
  const T = 'imap_mailbox_info';
  return {
    exists: i.has_exists ? i.exists : 0, // RFC 3501/9051: SELECT always gives EXISTS
    recent: opt(i.has_recent, i.recent),
    unseen: opt(i.has_unseen, i.unseen),
    uidValidity: opt(i.has_uidvalidity, i.uidvalidity),
    uidNext: opt(i.has_uidnext, i.uidnext),
    flags: i.has_flags ? texts(i, T, 'flags', i.flag_count) : null,
    permanentFlags: i.has_permanent_flags ? texts(i, T, 'permanent_flags', i.permanent_flag_count) : null,
    highestModseq: opt(i.has_highest_modseq, i.highest_modseq, big),
    noModseq: i.no_modseq !== 0,
    readOnly: i.read_only < 0 ? null : i.read_only === 1,
    invalid: pinvalid(i, T),
    vanished: array(i, T, 'vanished', i.vanished_count).map(({ start, end }) => ({ start, end })),
    mailboxId: ptext(i.mailbox_id),
  };
}

/** A parser of the parse contract: imap_parse_<name>, its list type, its converter. */
function parser(name, type, free, convert) {
  return { name, parse: fn[`imap_parse_${name}`], free: fn[free], type, convert };
}
/** A list of entries: { entries, count, invalid }. */
function listParser(name, type, entryFn) {
  return parser(name, type, `imap_${name === 'list' ? 'list_entries' : `${name}_list`}_free`, (l) => ({
    value: array(l, type, 'entries', l.count).map(entryFn),
    invalid: pinvalid(l, type),
  }));
}

const STATUS_FIELDS = { messages: 'messages', recent: 'recent', uidnext: 'uidNext', uidvalidity: 'uidValidity', unseen: 'unseen', deleted: 'deleted' };
function pstatus(s) {
  const out = pmailbox(s.mailbox);
  for (const [k, js] of Object.entries(STATUS_FIELDS)) out[js] = opt(s[`has_${k}`], s[k]);
  out.highestModseq = opt(s.has_highest_modseq, s.highest_modseq, big);
  out.size = opt(s.has_size, s.size, pu64);
  out.other = Object.fromEntries(array(s, 'imap_status_info', 'other', s.other_count).map((o) => [ptext(o.name) ?? '', BigInt(o.value)]));
  out.mailboxId = ptext(s.mailbox_id);
  return out;
}
const nsList = (n, f) =>
  array(n, 'imap_namespace_info', f, n[`${f}_count`]).map((e) => ({
    prefix: ptext(e.prefix) ?? '',
    delimiter: pdelim(e.delimiter),
    extensions: texts(e, 'imap_namespace_entry', 'extensions', e.extension_count),
  }));
const pquota = (q) => ({
  root: ptext(q.root) ?? '',
  resources: array(q, 'imap_quota_info', 'resources', q.resource_count).map((r) => ({ name: ptext(r.name) ?? '', usage: pu64(r.usage), limit: pu64(r.limit) })),
});

const PARSERS = {
  fetch: parser('fetch', 'imap_fetch_list', 'imap_fetch_list_free', (l) => {
    const value = array(l, 'imap_fetch_list', 'messages', l.count).map(pmessage);
    return { value, invalid: value.filter((m) => m.error !== null).map((m) => m.error) };
  }),
  list: listParser('list', 'imap_list_entries', (e) => ({
    ...pmailbox(e.mailbox),
    attributes: texts(e, 'imap_list_entry', 'attributes', e.attribute_count),
    delimiter: pdelim(e.delimiter),
    extended: texts(e, 'imap_list_entry', 'extended', e.extended_count),
    attrs: e.attribute_flags,
    status: isNull(e.status) ? null : pstatus(decode(e.status, 'imap_status_info')),
  })),
  status: listParser('status', 'imap_status_list', pstatus),
  search: parser('search', 'imap_search_result', 'imap_search_result_free', (s) => {
    const ids = array(s, 'imap_search_result', 'ids', s.count);
    Object.defineProperty(ids, 'modseq', { value: opt(s.has_modseq, s.modseq, big), enumerable: false });
    return { value: ids, invalid: pinvalid(s, 'imap_search_result') };
  }),
  esearch: listParser('esearch', 'imap_esearch_list', (e) => ({
    tag: ptext(e.tag),
    uid: e.uid !== 0,
    min: opt(e.has_min, e.min),
    max: opt(e.has_max, e.max),
    count: opt(e.has_count, e.count),
    all: e.has_all ? array(e, 'imap_esearch_info', 'all', e.all_count).map(({ start, end }) => ({ start, end })) : null,
    modseq: opt(e.has_modseq, e.modseq, big),
    other: Object.fromEntries(array(e, 'imap_esearch_info', 'other', e.other_count).map((o) => [ptext(o.name) ?? '', ptext(o.value)])),
  })),
  thread: parser('thread', 'imap_thread_list', 'imap_thread_list_free', (t) => ({
    value: {
      nodes: array(t, 'imap_thread_list', 'nodes', t.node_count).map((n) => ({
        id: opt(n.has_id, n.id),
        parent: opt(n.has_parent, n.parent, Number),
        children: array(n, 'imap_thread_node', 'children', n.child_count).map(Number),
      })),
      roots: array(t, 'imap_thread_list', 'roots', t.root_count).map(Number),
    },
    invalid: pinvalid(t, 'imap_thread_list'),
  })),
  namespace: listParser('namespace', 'imap_namespace_list', (n) => ({ personal: nsList(n, 'personal'), other: nsList(n, 'other'), shared: nsList(n, 'shared') })),
  quota: listParser('quota', 'imap_quota_list', pquota),
  quotaroot: listParser('quotaroot', 'imap_quotaroot_list', (q) => ({ ...pmailbox(q.mailbox), roots: texts(q, 'imap_quotaroot_info', 'roots', q.root_count) })),
  acl: listParser('acl', 'imap_acl_list', (a) => ({
    ...pmailbox(a.mailbox),
    entries: array(a, 'imap_acl_info', 'entries', a.entry_count).map((e) => ({ identifier: ptext(e.identifier) ?? '', rights: ptext(e.rights) ?? '' })),
  })),
  myrights: listParser('myrights', 'imap_myrights_list', (m) => ({ ...pmailbox(m.mailbox), rights: ptext(m.rights) ?? '' })),
  listrights: listParser('listrights', 'imap_listrights_list', (l) => ({
    ...pmailbox(l.mailbox),
    identifier: ptext(l.identifier) ?? '',
    required: ptext(l.required) ?? '',
    optional: texts(l, 'imap_listrights_info', 'optional', l.optional_count),
  })),
  metadata: listParser('metadata', 'imap_metadata_list', (m) => ({
    ...pmailbox(m.mailbox),
    entries: array(m, 'imap_metadata_info', 'entries', m.entry_count).map((e) => ({ name: ptext(e.name) ?? '', value: pbytes(e.value) })),
  })),
  quotaFor: parser('quota_for', 'imap_mailbox_quota', 'imap_mailbox_quota_free', (q) => ({
    value: { ...pmailbox(q.mailbox), roots: texts(q, 'imap_mailbox_quota', 'roots', q.root_count), quotas: array(q, 'imap_mailbox_quota', 'quotas', q.quota_count).map(pquota) },
    invalid: pinvalid(q, 'imap_mailbox_quota'),
  })),
  vanished: listParser('vanished', 'imap_vanished_list', (v) => ({
    earlier: v.earlier !== 0,
    uids: array(v, 'imap_vanished', 'uids', v.uid_count).map(({ start, end }) => ({ start, end })),
  })),
  resync: parser('resync', 'imap_mailbox_changes', 'imap_mailbox_changes_free', (c) => {
    const T = 'imap_mailbox_changes';
    const message = (m) => ({ uid: m.uid, modseq: opt(m.has_modseq, m.modseq, big), flags: texts(m, 'imap_changed_message', 'flags', m.flag_count) });
    const full = enumName('imap_full_resync', c.full_resync);
    return {
      value: {
        method: enumName('imap_sync_method', c.method).toLowerCase(),
        fullResync: full === 'NONE' ? null : full.toLowerCase(),
        mailbox: pmailboxInfo(decode(c.mailbox, 'imap_mailbox_info')),
        added: array(c, T, 'added', c.added_count).map(message),
        changed: array(c, T, 'changed', c.changed_count).map(message),
        vanished: array(c, T, 'vanished', c.vanished_count).map(({ start, end }) => ({ start, end })),
      },
      invalid: pinvalid(c, T),
    };
  }),
  capability: parser('capability', 'imap_capability_list', 'imap_capability_list_free', (c) => ({
    value: [...new Set(texts(c, 'imap_capability_list', 'capabilities', c.count).filter((x) => x !== null))],
    invalid: [],
  })),
};

function parseError(name, invalid, parsed, result) {
  const first = invalid[0];
  const e = new ImapError(
    Code.PARSE,
    `${name}: ${invalid.length} response${invalid.length === 1 ? '' : 's'} could not be parsed` + (first ? ` (${first.kind}: ${first.message})` : ''),
    result,
  );
  e.parsed = parsed;
  e.invalid = invalid;
  return e;
}

/** Converts the C object at `obj` (rc OK or PARSE) with parser `p`, then frees it. */
function convert(rc, obj, p, post, rawResult) {
  if (rc !== Code.OK && rc !== Code.PARSE) {
    if (!isNull(obj)) p.free(obj);
    throw new ImapError(rc, `imap_parse_${p.name}: ${codeDescription(rc)}`);
  }
  if (isNull(obj)) throw new ImapError(Code.INTERNAL, `imap_parse_${p.name} gave no object`);
  let conv;
  let large = false;
  try {
    const o = decode(obj, p.type);
    large = Number(o.count ?? 0) > 64;
    conv = p.convert(o);
  } finally {
    // a large list takes a while to free (~6 µs a message with ENVELOPE and BODYSTRUCTURE):
    // on a worker, off the event loop (nothing refers to it any more)
    if (large) p.free.async(obj, noop);
    else p.free(obj);
  }
  const value = post(conv.value);
  if (rc === Code.PARSE) throw parseError(p.name, conv.invalid, value, rawResult());
  return value;
}

/**
 * Parses the live imap_result `r` with parser `p` (on a worker when the result is large) and
 * converts it on the main thread. IMAP_CODE_PARSE rejects with the partial value.
 */
async function parseResult(r, p, post = (v) => v) {
  const out = [null];
  const rc = Number(fn.imap_result_count(r)) > 64 ? await asyncCall(p.parse, [r, out]) : p.parse(r, out);
  return convert(rc, out[0], p, post, () => readResult(r));
}

/** imap_parse_code on a live result: its tagged text's response code, or null. */
function readCode(r) {
  const out = [null];
  const rc = fn.imap_parse_code(r, out);
  if ((rc !== Code.OK && rc !== Code.PARSE) || isNull(out[0])) return null;
  try {
    return pcode(decode(out[0], 'imap_response_code'));
  } finally {
    fn.imap_response_code_free(out[0]);
  }
}

// Frees a handle whose Client was garbage-collected without close(); the held box never
// references the Client (a call in flight keeps the Client reachable through its closure).
const finalizer = new FinalizationRegistry((box) => {
  fn.imap_client_free(box.h);
  for (const cb of [box.cb, box.log, box.progress]) if (cb) koffi.unregister(cb);
});

const LOG_METHODS = [null, 'error', 'warn', 'info', 'debug', 'trace'];

/**
 * The koffi callback for a logger: libimap's (level, message) to logger.error/warn/info/debug
 * ({ msg, level }); TRACE goes to `trace`, or `debug` when the logger has none.
 */
function logTrampoline(logger) {
  return (_ud, level, message) => {
    const m = LOG_METHODS[level] ?? 'debug';
    const f = typeof logger[m] === 'function' ? logger[m] : logger.debug;
    try {
      if (typeof f === 'function') f.call(logger, { msg: message, level: m, src: 'libimap' });
    } catch {
      // a throwing logger must not break the call it logs
    }
  };
}

const TRANSFER = enums.imap_transfer;
/**
 * The koffi callback for onProgress: libimap calls it on the worker thread of the call in
 * progress (a koffi-registered callback: koffi runs it on the main thread while that worker
 * waits), once per chunk of each literal received or sent and once with done === total.
 */
function progressTrampoline(onProgress) {
  return (_ud, way, done, total) => {
    try {
      onProgress({ direction: way === TRANSFER.UPLOAD ? 'upload' : 'download', done: Number(done), total: Number(total) });
    } catch {
      // a throwing handler must not break the transfer it reports
    }
  };
}

/**
 * The koffi callback of a literal handler: copies each chunk, calls `handler` (main thread),
 * returns 0 to go on, 1 to stop (a throw, a Promise or `false`; kept in `box` for the error).
 */
function literalTrampoline(box, handler, reuse = false) {
  // reuse: `line` and `data` are copied into two Buffers of this handler's, reused for every
  // chunk (no allocation per chunk: constant memory whatever the transfer); valid until the
  // handler returns. They are JS memory: a Buffer kept too long sees later bytes, never freed
  // memory.
  let lineBuf = null;
  let dataBuf = null;
  const into = (buf, ptr, len, min) => {
    const n = Number(len);
    if (buf === null || buf.length < n) buf = Buffer.allocUnsafeSlow(Math.max(min, 2 ** Math.ceil(Math.log2(Math.max(n, 1)))));
    if (n > 0) memcpy(buf, ptr, n);
    return buf;
  };
  return (_ud, line, lineLen, size, offset, chunk, chunkLen) => {
    if (box.thrown !== null || box.stopped) return 1;
    try {
      let lineOut, dataOut;
      if (reuse) {
        lineBuf = into(lineBuf, line, lineLen, 1024);
        dataBuf = into(dataBuf, chunk, chunkLen, 1 << 16);
        lineOut = lineBuf.subarray(0, Number(lineLen));
        dataOut = dataBuf.subarray(0, Number(chunkLen));
      } else {
        lineOut = copyBytes(line, lineLen);
        dataOut = copyBytes(chunk, chunkLen);
      }
      const r = handler({ line: lineOut, size: Number(size), offset: Number(offset), data: dataOut });
      if (r === false) {
        box.stopped = true;
        return 1;
      }
      if (r !== null && typeof r === 'object' && typeof r.then === 'function')
        throw new TypeError('the literal handler must return synchronously (undefined, or false to stop), not a Promise');
      return 0;
    } catch (e) {
      box.thrown = e;
      return 1;
    }
  };
}

/** A call the literal handler stopped rejects with ABORT: say why, `cause` what it threw. */
function literalCause(e, box) {
  if (!(e instanceof ImapError) || (box.thrown === null && !box.stopped)) return e;
  if (box.thrown !== null) {
    e.cause = box.thrown;
    e.message += ` (the literal handler threw: ${box.thrown instanceof Error ? box.thrown.message : String(box.thrown)})`;
  } else e.message += ' (the literal handler returned false)';
  return e;
}

// ---------------------------------------------------------------------------------------------
// the command table: method → [C function, argument spec, parser of the *Parsed twin, pipelined form]
// Specs: s string, o string or null, n string or number, f string[] (+ count), e string or
// string[] (+ count), p / P pairs (P: null allowed), t timeout ms; '...s' / '...T' the rest
// as strings / typed arguments.

const COMMANDS = {
  capability: ['imap_capability', [], 'capability'],
  noop: ['imap_noop', [], null, 'NOOP'],
  login: ['imap_login_auto', ['s:user', 's:password']],
  loginCommand: ['imap_login', ['s:user', 's:password']],
  logout: ['imap_logout', []],
  starttls: ['imap_starttls', []],
  status: ['imap_status', ['s:mailbox', 's:names'], 'status'],
  list: ['imap_list', ['o:directory', 'o:pattern'], 'list'],
  lsub: ['imap_lsub', ['o:directory', 'o:pattern'], 'list'],
  create: ['imap_create', ['s:mailbox']],
  delete: ['imap_delete', ['s:mailbox']],
  rename: ['imap_rename', ['s:oldMailbox', 's:newMailbox']],
  subscribe: ['imap_subscribe', ['s:mailbox']],
  unsubscribe: ['imap_unsubscribe', ['s:mailbox']],
  check: ['imap_check', []],
  closeMailbox: ['imap_close', []],
  unselect: ['imap_unselect', []],
  expunge: ['imap_expunge', []],
  search: ['imap_search', ['o:charset', '...s:criteria'], 'search'],
  fetch: ['imap_fetch', ['s:messageSet', 's:parts'], 'fetch', 'imap_submit_fetch'],
  uidFetch: [null, ['s:uidSet', 's:parts'], 'fetch', 'imap_submit_uid_fetch'],
  store: ['imap_store', ['s:messageSet', 's:command', 's:flags']],
  searchArgs: ['imap_search_args', ['o:charset', '...T:criteria'], 'search'],
  uidSearchArgs: ['imap_uid_search_args', ['o:charset', '...T:criteria'], 'search'],
  sortArgs: ['imap_sort_args', ['f:keys', 's:charset', '...T:criteria'], 'search'],
  uidSortArgs: ['imap_uid_sort_args', ['f:keys', 's:charset', '...T:criteria'], 'search'],
  storeFlags: ['imap_store_flags', ['s:messageSet', 's:command', 'f:flags']],
  uidStoreFlags: ['imap_uid_store_flags', ['s:uidSet', 's:command', 'f:flags']],
  copy: ['imap_copy', ['s:messageSet', 's:mailbox']],
  move: ['imap_move', ['s:messageSet', 's:mailbox']],
  uid: ['imap_uid', ['s:command', '...s:args']],
  namespace: ['imap_namespace', [], 'namespace'],
  response: ['imap_response', ['s:code']],
  recent: ['imap_recent', []],
  xatom: ['imap_xatom', ['s:name', '...s:args']],
  loginSaslLogin: ['imap_login_sasl_login', ['s:user', 's:password']],
  loginCramMd5: ['imap_login_cram_md5', ['s:user', 's:password']],
  loginXoauth2: ['imap_login_xoauth2', ['s:user', 's:token']],
  loginOauthbearer: ['imap_login_oauthbearer', ['s:user', 's:token']],
  getacl: ['imap_getacl', ['s:mailbox'], 'acl'],
  setacl: ['imap_setacl', ['s:mailbox', 's:who', 's:what']],
  deleteacl: ['imap_deleteacl', ['s:mailbox', 's:who']],
  myrights: ['imap_myrights', ['s:mailbox'], 'myrights'],
  listrights: ['imap_listrights', ['s:mailbox', 's:identifier'], 'listrights'],
  getquota: ['imap_getquota', ['s:root'], 'quota'],
  setquota: ['imap_setquota', ['s:root', 's:limits']],
  getannotation: ['imap_getannotation', ['s:mailbox', 's:entry', 's:attribute']],
  setannotation: ['imap_setannotation', ['...s:args']],
  getmetadata: ['imap_getmetadata', ['s:mailbox', 'e:entries', 'o:options'], 'metadata'],
  setmetadata: ['imap_setmetadata', ['s:mailbox', 'p:entries']],
  proxyauth: ['imap_proxyauth', ['s:user']],
  partial: ['imap_partial', ['n:messageNum', 's:part', 'n:start', 'n:length']],
  sort: ['imap_sort', ['s:sortCriteria', 'o:charset', '...s:searchCriteria'], 'search'],
  thread: ['imap_thread', ['s:algorithm', 'o:charset', '...s:searchCriteria'], 'thread'],
  enable: ['imap_enable', ['s:capability']],
  id: ['imap_id', ['P:fields']],
  compress: ['imap_compress', []],
  selectCondstore: ['imap_select_condstore', ['s:mailbox', 'b:readonly']],
  selectQresync: ['imap_select_qresync', ['s:mailbox', 'b:readonly', 'u:uidValidity', 'q:modseq', 'k:knownUids']],
  fetchChangedSince: ['imap_fetch_changedsince', ['s:messageSet', 's:parts', 'q:changedSince'], 'fetch'],
  uidFetchChangedSince: ['imap_uid_fetch_changedsince', ['s:uidSet', 's:parts', 'q:changedSince', 'b:vanished'], 'fetch'],
  createSpecialUse: ['imap_create_special_use', ['s:mailbox', '...s:uses']],
};

// ---------------------------------------------------------------------------------------------

class Client extends EventEmitter {
  #h = null; // the imap_client* (BigInt), null once freed
  // shared with the finalizer and the koffi callbacks, which must not reference the Client:
  // cb the literal callback, log the log callback, handler/minSize as set, thrown/stopped
  #box = { h: null, cb: null, log: null, progress: null, handler: null, minSize: 0, reuse: false, thrown: null, stopped: false };
  #chain = Promise.resolve(); // submissions, in call order
  #collecting = Promise.resolve(); // collections of tickets, in submission order
  #calls = new Set(); // every call not yet settled
  #streams = new Set(); // fetchEach iterators not yet over (close() drains them)
  #armed = false; // interrupt() armed imap_interrupt for the calls in #calls
  #closing = false;
  #aborted = false;
  #closePromise = null;
  #auto = null; // automatic IDLE (options.autoIdle): { delay, timer, loop, stop, idling }
  #exists = null; // the selected mailbox's EXISTS as the events last saw it
  // imap_client_mailbox's EXISTS when last read: the last EXISTS the server sent, which an
  // EXPUNGE or VANISHED seen by the events does not lower. Only a change of it is news.
  #coreExists = null;
  #zeroCopy = true; // large literals as views of the native result (options.zeroCopy)
  #last = { state: 'LOGOUT', capabilities: [], protocolVersion: null, welcome: null, isReadOnly: false, authMechanism: null };

  /** Use `Client.connect(options)`; the constructor only creates and configures the handle. */
  constructor(options = {}) {
    if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
    super();
    this.options = { ...options };
    const { autoIdle } = options;
    if (autoIdle !== undefined && autoIdle !== null && autoIdle !== false) {
      const o = autoIdle === true ? {} : autoIdle;
      if (typeof o !== 'object') throw new TypeError('autoIdle must be a boolean or { delay }');
      this.#auto = { delay: ms(o.delay, 'autoIdle.delay', 50), timer: null, loop: null, stop: false, idling: false };
    }
    const { compress } = options;
    if (compress !== undefined && compress !== null && typeof compress !== 'boolean') throw new TypeError('compress must be a boolean');
    const { ca, cert, key, insecure, allowPlaintextPassword, nonSyncLiteralMax, imap4rev2, timeout, connectTimeout, callTimeout, minRate, debug, trace, limits, mailboxEncoding, logger, zeroCopy, onProgress, caDir, systemCa, servername, minVersion } = options;
    if (onProgress !== undefined && onProgress !== null && typeof onProgress !== 'function') throw new TypeError('onProgress must be a function');
    if (zeroCopy !== undefined && zeroCopy !== null && typeof zeroCopy !== 'boolean') throw new TypeError('zeroCopy must be a boolean');
    if (allowPlaintextPassword !== undefined && allowPlaintextPassword !== null && typeof allowPlaintextPassword !== 'boolean')
      throw new TypeError('allowPlaintextPassword must be a boolean');
    if (imap4rev2 !== undefined && imap4rev2 !== null && typeof imap4rev2 !== 'boolean') throw new TypeError('imap4rev2 must be a boolean');
    const nonSyncMax = nonSyncLiteralMax === undefined || nonSyncLiteralMax === null ? null : uint(nonSyncLiteralMax, 'nonSyncLiteralMax', 2 ** 53 - 1);
    this.#zeroCopy = zeroCopy !== false;
    if (typeof trace === 'function') throw new TypeError('libimap: pass a `logger` object ({ debug, info, warn, error }) instead of a trace function');
    if (logger !== undefined && logger !== null && logger !== false && typeof logger !== 'object') throw new TypeError('logger must be an object with debug/info/warn/error methods');
    const positive = (v, w) => (v === undefined || v === null ? undefined : v > 0 ? ms(v, w) : uint(-1, `${w} (positive)`));
    const ioMs = positive(timeout, 'timeout');
    const connMs = positive(connectTimeout, 'connectTimeout');
    const callMs = positive(callTimeout, 'callTimeout');
    const rate = minRate === undefined || minRate === null ? null : ms(minRate, 'minRate');
    let level = logger ? 3 : 0;
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
    this.#h = this.#box.h = out[0];
    finalizer.register(this, this.#box, this);
    try {
      const check = (code) => {
        if (code !== Code.OK) throw this.#error(code, null, true);
      };
      const h = this.#h;
      if (ioMs !== undefined || connMs !== undefined) check(fn.imap_set_timeouts(h, connMs ?? 30000, ioMs ?? 60000));
      if (callMs !== undefined || rate !== null) check(fn.imap_set_call_timeout(h, callMs ?? 0, rate ?? 1024));
      const ids = { maxLine: 'LINE', maxLiteral: 'LITERAL', maxResponse: 'RESPONSE', maxUntagged: 'UNTAGGED' };
      for (const [k, id] of Object.entries(ids))
        if (limits && limits[k] !== undefined && limits[k] !== null) check(fn.imap_set_limit(h, enums.imap_limit[id], uint(limits[k], `limits.${k}`)));
      if (ca !== undefined && ca !== null) check(fn.imap_set_ca_file(h, str(ca, 'ca')));
      if (caDir !== undefined && caDir !== null) check(fn.imap_set_ca_dir(h, str(caDir, 'caDir')));
      if (systemCa !== undefined && systemCa !== null) {
        if (typeof systemCa !== 'boolean') throw new TypeError('systemCa must be a boolean');
        check(fn.imap_set_tls_system_roots(h, systemCa ? 1 : 0));
      }
      if (servername !== undefined && servername !== null) check(fn.imap_set_tls_server_name(h, str(servername, 'servername')));
      if (minVersion !== undefined && minVersion !== null) {
        const v = TLS_VERSIONS[minVersion];
        if (v === undefined) throw new TypeError("minVersion must be 'TLSv1.2' or 'TLSv1.3'");
        check(fn.imap_set_tls_min_version(h, v));
      }
      if ((cert ?? null) !== null || (key ?? null) !== null) check(fn.imap_set_client_cert(h, optStr(cert, 'cert'), optStr(key, 'key')));
      if (insecure) check(fn.imap_set_tls_verify(h, 0));
      if (allowPlaintextPassword) check(fn.imap_set_plaintext_password(h, 1));
      if (imap4rev2) check(fn.imap_set_auto_imap4rev2(h, 1));
      if (nonSyncMax !== null) check(fn.imap_set_nonsync_literal_max(h, nonSyncMax));
      if (compress) check(fn.imap_set_compress(h, 1));
      if (logger) {
        this.#box.log = koffi.register(logTrampoline(logger), koffi.pointer(protos.imap_log_fn));
        check(fn.imap_set_log_callback(h, this.#box.log, null));
      }
      if (onProgress) {
        this.#box.progress = koffi.register(progressTrampoline(onProgress), koffi.pointer(protos.imap_progress_fn));
        check(fn.imap_set_progress_callback(h, this.#box.progress, null));
      }
      if (level) check(fn.imap_set_debug(h, level));
      if (mailboxEncoding === 'raw') check(fn.imap_set_mailbox_encoding(h, MAILBOX_ENCODINGS.raw));
    } catch (e) {
      this.#freeNow();
      throw e;
    }
  }

  /** Creates a client and connects it; on failure the handle is freed and the promise rejects. */
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

  /** imaplib's IMAP4_stream(command): `Client.connect({ ...options, command })`. */
  static spawn(command, options = {}) {
    if (options === null || typeof options !== 'object') return Promise.reject(new TypeError('options must be an object'));
    return Client.connect({ ...options, command });
  }

  /** imap_open (or imap_open_stream with `command`) with the constructor's options. */
  open() {
    const { host, port, tls, command } = this.options;
    return this.#task(() => {
      if (command !== undefined && command !== null) return [fn.imap_open_stream_ex, [str(command, 'command')]];
      const t = tls === undefined ? 'implicit' : tls;
      if (!Object.hasOwn(TLS_MODES, t)) throw new TypeError("tls must be 'implicit', 'starttls' or 'none'");
      const p = port ?? 0;
      if (!Number.isInteger(p) || p < 0 || p > 65535) throw new TypeError('port must be an integer 0..65535');
      return [fn.imap_open_ex, [optStr(host, 'host'), p, TLS_MODES[t]]];
    }, async ([f, args]) => this.#check(...(await asyncEx(f, [this.#h, ...args]))));
  }

  // --- calls -------------------------------------------------------------------------------------

  #closedError() {
    return new ImapError(Code.CLOSED, 'the client is closed (close() was called)');
  }

  /**
   * The error of a failed call, with its message (libimap's imap_last_error is the calling
   * thread's, and a worker's call cannot be followed by a read on that thread): `msg` from an
   * `_ex` form; imap_last_error for a call made here (`msg` true); else the server's text from
   * the result, why the connection closed (imap_client_close_reason), or the code's description.
   */
  #error(rc, result, msg = null) {
    let m = msg === true ? fn.imap_last_error(this.#h) : msg;
    if (!m && result && result.status) m = `${result.status}: ${result.text}`;
    if (!m && this.#h !== null && fn.imap_client_is_open(this.#h) !== 1) {
      const out = [null];
      if (fn.imap_client_close_reason(this.#h, out) === Code.OK) m = takeString(out[0]);
    }
    return new ImapError(rc, m || codeDescription(rc), result);
  }

  #check(rc, msg = null, result = null) {
    if (rc !== Code.OK) throw this.#error(rc, result, msg);
    return result;
  }

  /** Tracks a call until it settles (close() waits for them; interrupt() reaches them). */
  #track(p) {
    this.#calls.add(p);
    const done = () => {
      this.#calls.delete(p);
      this.#existsChanged();
      if (this.#calls.size === 0) this.#autoSchedule();
      if (this.#calls.size === 0 && this.#armed) {
        // an interrupt that raced with the end of every call: nobody consumed it
        this.#armed = false;
        if (this.#h !== null) fn.imap_interrupt_clear(this.#h);
      }
    };
    p.then(done, done);
    return p;
  }

  /**
   * A call in submission order: `build()` checks the arguments at once (a bad one rejects,
   * nothing queued); `run(args)` runs in the chain when the calls before it were submitted.
   * With `collect`, run resolves to a ticket and the call ends with its collection.
   */
  #task(build, run, collect = null) {
    if (this.#closing) return Promise.reject(this.#closedError());
    this.#autoStop();
    let args;
    try {
      args = build();
    } catch (e) {
      return Promise.reject(e);
    }
    const box = this.#box;
    const step = this.#chain.then(async () => {
      if (this.#aborted || this.#h === null) throw this.#closedError();
      box.thrown = null;
      box.stopped = false;
      return run(args);
    });
    this.#chain = step.then(noop, noop);
    let p = step;
    if (collect) {
      p = this.#collecting.then(() => step).then(collect);
      this.#collecting = p.then(noop, noop);
    }
    return this.#track(p.catch((e) => Promise.reject(literalCause(e, box))));
  }

  /** Reads the result `r` of a call that returned `rc`, frees it, throws unless OK. */
  async #finish(rc, r, parserName, post, msg = null) {
    try {
      if (rc !== Code.OK || !parserName) {
        const raw = r;
        r = null; // takeResult frees it (or hands it to its views), also when it throws
        const result = takeResult(raw, this.#zeroCopy);
        return this.#check(rc, msg, result);
      }
      if (isNull(r)) throw new ImapError(Code.INTERNAL, 'the command gave no result');
      return await parseResult(r, PARSERS[parserName], post);
    } finally {
      if (!isNull(r)) fn.imap_result_free(r);
    }
  }

  /** Runs the C function `f` (by name) with `args` + a result out-parameter, on a worker. */
  async #run(f, args, parserName = null, post) {
    const out = [null];
    const rc = await asyncCall(fn[f], [this.#h, ...args, out]);
    return (await this.#finish(rc, out[0], parserName, post)) ?? emptyResult();
  }

  /**
   * One command: pipelined (submitted in the chain, collected later) when the library has its
   * submit form, else run whole in the chain.
   */
  #command(name, jsArgs, parsed = false, post) {
    const [f, spec, parserName, submitForm] = COMMANDS[name];
    const p = parsed === true ? parserName : parsed || null;
    const build = () => buildArgs(spec, jsArgs);
    if (!submitForm) return this.#task(build, (args) => this.#run(f, args, p, post));
    // the blocking form, for a call that finds nothing else in flight (see #pipelined)
    const whole = f ? (args) => this.#run(f, args, p, post) : (args) => this.#run('imap_uid', ['FETCH', args, 2], p, post);
    if (!submitForm.startsWith('imap_')) return this.#pipelined(() => [submitForm, [], new Int32Array(0), 0], p, post, undefined, () => whole([]));
    // the FETCH forms (no _ex form: a refusal of the set or items gets the code's description)
    return this.#pipelined(build, p, post, async (args, t) => [await asyncCall(fn[submitForm], [this.#h, ...args, t]), null], whole);
  }

  /**
   * A pipelined call: submitted in the chain (imap_submit_ex unless `submit` is given), then
   * collected in submission order (imap_collect_ex): several are in flight at once.
   */
  #pipelined(build, parserName = null, post, submit = (args, t) => asyncEx(fn.imap_submit_ex, [this.#h, ...args, t]), whole = null) {
    return this.#task(
      build,
      async (args) => {
        // Alone in flight when its turn comes (calls made in the same tick are all counted
        // by then: Promise.all([...]) is still pipelined): the blocking form `whole` does the
        // command in one worker call, one hop instead of two (submit, collect). A call made
        // while it runs waits for it, then goes on pipelined as usual.
        if (whole !== null && this.#calls.size === 1) return { done: await whole(args) };
        const t = [0n];
        this.#check(...(await submit(args, t)));
        return t[0];
      },
      async (ticket) => {
        if (typeof ticket === 'object') return ticket.done;
        const out = [null];
        const [rc, msg] = await asyncEx(fn.imap_collect_ex, [this.#h, ticket, out]);
        return (await this.#finish(rc, out[0], parserName, post, msg)) ?? emptyResult();
      },
    );
  }

  /**
   * Any command of libimap's table (imap_submit: 'STATUS', 'STORE', 'UID SEARCH', 'SELECT'...)
   * with typed arguments, pipelined like FETCH: `submit('STATUS', arg.string('INBOX'),
   * arg.list(arg.atom('MESSAGES')))`. Resolves to what the command's own method gives.
   */
  submit(command, ...args) {
    return this.#pipelined(() => [str(command, 'command'), ...typedArgs(args, 'args')]);
  }

  /** A step of the chain that runs `f()` on the main thread (no I/O: settings, summaries). */
  #local(f) {
    return this.#task(noop, () => f());
  }

  // --- lifecycle ---------------------------------------------------------------------------------

  #capabilityList() {
    if (this.#h === null) return this.#last.capabilities;
    const out = [];
    for (let i = 0, n = Number(fn.imap_client_capability_count(this.#h)); i < n; i++) {
      const o = [null];
      if (fn.imap_client_capability_get(this.#h, i, o) === Code.OK) out.push(takeString(o[0]));
    }
    return out;
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
      authMechanism: fn.imap_client_auth_mechanism(h) ?? null,
    };
  }

  #unregister() {
    const box = this.#box;
    for (const k of ['cb', 'log', 'progress']) if (box[k]) koffi.unregister(box[k]);
    Object.assign(box, { cb: null, log: null, progress: null, handler: null, minSize: 0, reuse: false });
  }

  #freeNow() {
    const h = this.#h;
    if (h === null) return;
    this.#keepLast();
    this.#h = null;
    finalizer.unregister(this);
    fn.imap_client_free(h);
    this.#unregister();
  }

  /**
   * Frees the handle (closing the connection without LOGOUT). Idempotent. New calls reject
   * with CLOSED at once; calls already made finish first, or with `{ interrupt: true }` the
   * running ones end with INTERRUPTED and those not yet started reject with CLOSED.
   */
  close(options = {}) {
    if (options && options.interrupt) {
      this.#aborted = true;
      this.interrupt();
    }
    if (!this.#closePromise) {
      this.#closing = true;
      this.#closePromise = (async () => {
        for (const it of this.#streams) it.return().catch(noop); // an abandoned fetchEach
        if (this.#h !== null) fn.imap_wake(this.#h); // an IDLE wait in progress ends now
        this.#autoStop();
        while (this.#calls.size > 0 || (this.#auto && this.#auto.loop)) await Promise.allSettled([...this.#calls, this.#auto && this.#auto.loop]);
        const h = this.#h;
        if (h === null) return;
        this.#keepLast();
        this.#h = null;
        finalizer.unregister(this);
        await asyncCall(fn.imap_client_free, [h]); // closes the socket (TLS close_notify): off the loop
        this.#unregister();
      })();
    }
    return this.#closePromise;
  }

  /**
   * imap_interrupt: every call made and not settled ends with INTERRUPTED (also one that has
   * not reached the library yet) and the connection closes. Returns whether there was one.
   */
  interrupt() {
    if (this.#h === null || this.#calls.size === 0) return false;
    this.#armed = true;
    fn.imap_interrupt(this.#h);
    return true;
  }

  get closed() {
    return this.#closing;
  }

  // --- accessors (imap_client_*: the handle as of the end of the last call; never blocking) ------

  get state() {
    if (this.#h === null) return this.#last.state;
    return enumName('imap_state', fn.imap_client_state(this.#h));
  }
  get capabilities() {
    return [...this.#capabilityList()];
  }
  hasCapability(name) {
    if (typeof name !== 'string') throw new TypeError('name must be a string');
    if (name.includes('\0')) return false;
    if (this.#h === null) return this.#last.capabilities.includes(name.toUpperCase());
    return fn.imap_client_has_capability(this.#h, name) === 1;
  }
  get protocolVersion() {
    return this.#h === null ? this.#last.protocolVersion : fn.imap_client_protocol_version(this.#h);
  }
  get welcome() {
    return this.#h === null ? this.#last.welcome : takeString(fn.imap_client_welcome(this.#h));
  }
  get isReadOnly() {
    return this.#h === null ? this.#last.isReadOnly : fn.imap_client_is_readonly(this.#h) === 1;
  }
  get isTls() {
    return this.#h !== null && fn.imap_client_is_tls(this.#h) === 1;
  }
  /** imap_client_is_compressed: whether COMPRESS=DEFLATE is active. */
  get isCompressed() {
    return this.#h !== null && fn.imap_client_is_compressed(this.#h) === 1;
  }
  /** imap_client_auth_mechanism: the mechanism of the last login ('LOGIN-COMMAND' for LOGIN), or null. */
  get authMechanism() {
    return this.#h === null ? this.#last.authMechanism : (fn.imap_client_auth_mechanism(this.#h) ?? null);
  }
  get isOpen() {
    return this.#h !== null && fn.imap_client_is_open(this.#h) === 1;
  }
  get utf8Enabled() {
    return this.#h !== null && fn.imap_client_utf8_enabled(this.#h) === 1;
  }
  /** imap_client_imap4rev2: the server confirmed ENABLE IMAP4rev2 (options.imap4rev2, enable()). */
  get imap4rev2() {
    return this.#h !== null && fn.imap_client_imap4rev2(this.#h) === 1;
  }
  get fd() {
    return this.#h === null ? -1 : fn.imap_client_fd(this.#h);
  }
  /** Commands sent and not yet collected (imap_pending_count). */
  get pending() {
    return this.#h === null ? 0 : Number(fn.imap_pending_count(this.#h));
  }

  // --- commands with a shape of their own ---------------------------------------------------------

  /** SELECT, or EXAMINE with `{ readonly: true }` (a boolean works too, as imaplib). */
  select(mailbox = 'INBOX', options = {}) {
    const readonly = typeof options === 'boolean' ? options : !!(options && options.readonly);
    return this.#task(
      () => [optStr(mailbox, 'mailbox'), readonly ? 1 : 0],
      async (args) => {
        this.#exists = null;
        const r = await this.#run('imap_select', args);
        this.#exists = this.#coreExists = this.#existsNow(); // a new mailbox: its count, no event
        return r;
      },
    );
  }

  /** AUTHENTICATE PLAIN as `user`, acting as `authzid` when given. */
  loginPlain(user, password, authzid = null) {
    return this.#task(
      () => [optStr(authzid, 'authzid'), str(user, 'user'), str(password, 'password')],
      (args) => this.#run('imap_login_plain', args),
    );
  }

  /**
   * AUTHENTICATE SCRAM-SHA-256 / SCRAM-SHA-1 (with '-PLUS': tls-server-end-point channel
   * binding) as `user`, acting as `options.authzid` when given (imap_login_scram). A server
   * that cannot prove it knows the password: ABORT, and the connection is closed.
   */
  loginScram(mechanism, user, password, options = {}) {
    return this.#task(
      () => {
        if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
        return [str(mechanism, 'mechanism'), optStr(options.authzid, 'authzid'), str(user, 'user'), str(password, 'password')];
      },
      (args) => this.#run('imap_login_scram', args),
    );
  }

  /** APPEND `message` (bytes or string) to `mailbox` with `flags` and `date` (verbatim). */
  append(mailbox, flags, date, message) {
    return this.#task(
      () => [[optStr(mailbox, 'mailbox'), optStr(flags, 'flags'), optStr(date, 'date')], toBytes(message)],
      ([args, bytes]) => withNative(bytes, (mem) => this.#run('imap_append', [...args, mem, bytes.length])),
    );
  }
  /** append with the flags as an array, each checked as a flag atom. */
  appendFlags(mailbox, flags, date, message) {
    return this.#task(
      () => [[optStr(mailbox, 'mailbox'), ...ARGS.f(flags, 'flags'), optStr(date, 'date')], toBytes(message)],
      ([args, bytes]) => withNative(bytes, (mem) => this.#run('imap_append_flags', [...args, mem, bytes.length])),
    );
  }
  /**
   * APPEND of exactly `options.size` bytes read from `source` (a Readable, or any async
   * iterable of Buffers / Uint8Arrays / strings) as they are sent: memory stays bounded
   * whatever the size. The bytes go through a pipe (libc pipe2) that `source` is written into
   * with backpressure while imap_append_fd reads the other end on a worker; nothing is
   * converted (give CRLF line ends). A source that fails or ends early rejects with ABORT
   * (`cause`: the source's error): the connection is closed and nothing was appended, as the
   * literal cannot be cut short. A source longer than `size` rejects with INVALID_ARGUMENT
   * (the first `size` bytes may have been appended by then). Progress: the client's onProgress.
   */
  appendStream(mailbox, source, options) {
    return this.#task(
      () => {
        if (options === null || typeof options !== 'object') throw new TypeError('options must be an object with a size');
        const size = uint(options.size, 'options.size', 2n ** 53n - 1n);
        if (
          source === null ||
          typeof source !== 'object' ||
          source instanceof Uint8Array ||
          (typeof source[Symbol.asyncIterator] !== 'function' && typeof source[Symbol.iterator] !== 'function')
        )
          throw new TypeError('source must be a Readable, or an (async) iterable of Buffers');
        const flags = options.flags ?? [];
        return [[optStr(mailbox, 'mailbox'), ...ARGS.f(flags, 'options.flags'), optStr(options.date ?? null, 'options.date')], Number(size), source];
      },
      async ([[mb, flags, nflags, date], size, source]) => {
        const [r, w] = native.pipe();
        let written = 0;
        let tooLong = false;
        let sourceError = null;
        let sink;
        try {
          sink = new net.Socket({ fd: w, readable: false, writable: true });
        } catch (e) {
          native.closeFd(r);
          native.closeFd(w);
          throw e;
        }
        sink.on('error', noop); // reported through write()'s callback
        // each chunk is in the pipe (the kernel's copy) before the next is asked for: the pipe's
        // own buffer is the backpressure, and a source may reuse its buffer once it is asked again
        const write = (b) => new Promise((resolve, reject) => sink.write(b, (e) => (e ? reject(e) : resolve())));
        const pump = (async () => {
          try {
            for await (const chunk of source) {
              const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
              if (!(b instanceof Uint8Array)) throw new TypeError('source must give Buffers, Uint8Arrays or strings');
              written += b.length;
              if (written > size) {
                tooLong = true;
                break;
              }
              if (b.length > 0) await write(b);
            }
          } catch (e) {
            // EPIPE: the library stopped reading (done, or refused); anything else is the source's
            if (!(e && (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED'))) sourceError = e ?? new Error('the source failed');
          } finally {
            sink.destroy(); // the read end sees the end of the data
            if (typeof source.destroy === 'function' && !source.destroyed) source.destroy();
          }
        })();
        const out = [null];
        let rc;
        try {
          rc = await asyncCall(fn.imap_append_fd, [this.#h, mb, flags, nflags, date, size, r, out]);
        } finally {
          native.closeFd(r); // the writer sees EPIPE if it still writes
        }
        // the library has read what it needed: a source still running is not waited for (it
        // may never end); its next write fails with EPIPE and it is destroyed
        sink.destroy();
        await Promise.race([pump, new Promise((resolve) => setImmediate(resolve))]);
        const why = tooLong ? `the source gave more than options.size (${size}) bytes` : sourceError ? `the source failed: ${sourceError instanceof Error ? sourceError.message : String(sourceError)}` : null;
        let result;
        try {
          result = (await this.#finish(rc, out[0], null, undefined, null)) ?? emptyResult();
        } catch (e) {
          if (e instanceof ImapError && why) {
            e.message += ` (${why})`;
            if (sourceError) e.cause = sourceError;
          }
          throw e;
        }
        if (why) {
          const e = new ImapError(Code.INVALID_ARGUMENT, `${why}; its first ${size} bytes were appended`, result);
          if (sourceError) e.cause = sourceError;
          throw e;
        }
        return result;
      },
    );
  }

  /**
   * A message body (or one section: options.section '1.2', 'HEADER', 'TEXT'...) as a Readable
   * with backpressure: each chunk is a partial FETCH (BODY.PEEK[section]<offset.chunkSize>,
   * UID FETCH with options.uid), asked for only when the consumer wants more, so memory stays
   * at about two chunks whatever the size and a slow consumer holds nothing up but itself.
   * The stream emits 'progress' ({ done, total }; total is RFC822.SIZE for the whole body, else
   * null). The connection carries other calls between chunks.
   */
  fetchBody(id, options = {}) {
    const o = options ?? {};
    if (typeof o !== 'object') throw new TypeError('options must be an object');
    const uid = !!o.uid;
    const set = typeof id === 'number' && Number.isInteger(id) && id > 0 ? String(id) : str(id, uid ? 'uid' : 'seq');
    if (!/^[1-9][0-9]*$/.test(set)) throw new TypeError(`${uid ? 'uid' : 'seq'} must be one message number`);
    const section = o.section === undefined || o.section === null ? '' : str(o.section, 'options.section');
    if (/[\]\[\s]/.test(section)) throw new TypeError('options.section must be a section spec such as 1.2 or HEADER');
    const chunk = Number(uint(o.chunkSize ?? 1 << 20, 'options.chunkSize', 1n << 30n));
    if (chunk < 1) throw new RangeError('options.chunkSize must be positive');
    const peek = o.peek === false ? '' : '.PEEK';
    const fetch = (items) => (uid ? this.uidFetchParsed(set, items) : this.fetchParsed(set, items));
    let done = 0;
    let total = null;
    let busy = false;
    const stream = new Readable({
      highWaterMark: chunk,
      read: () => {
        if (busy) return;
        busy = true;
        const items = `(${done === 0 && section === '' ? 'RFC822.SIZE ' : ''}BODY${peek}[${section}]<${done}.${chunk}>)`;
        fetch(items).then(
          (msgs) => {
            busy = false;
            const m = msgs.find((x) => x.sections.length > 0);
            if (!m) return stream.destroy(new ImapError(Code.NO, `message ${set} not found or without section [${section}]`));
            if (done === 0 && m.size !== null) total = m.size;
            const data = m.sections[0].data ?? Buffer.alloc(0);
            done += data.length;
            stream.emit('progress', { done, total });
            // push() asks for the next chunk (read) while the buffer is below highWaterMark
            if (data.length > 0) stream.push(data);
            if (data.length < chunk) stream.push(null);
          },
          (e) => {
            busy = false;
            stream.destroy(e);
          },
        );
      },
    });
    return stream;
  }

  /** imaplib's `literal`: the bytes go as a literal at the end of the next command. null clears. */
  setLiteral(literal) {
    return this.#task(
      () => (literal === null || literal === undefined ? null : toBytes(literal, 'literal')),
      (bytes) => withNative(bytes, async (mem) => this.#check(fn.imap_set_literal(this.#h, mem, bytes === null ? 0 : bytes.length), true)),
    );
  }

  /** imaplib's authenticate(mechanism, authobject): `callback(challenge)` answers synchronously. */
  authenticate(mechanism, callback, options = {}) {
    return this.#task(
      () => {
        if (typeof callback !== 'function') throw new TypeError('callback must be a function');
        if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
        return [str(mechanism, 'mechanism'), options.initial === undefined || options.initial === null ? null : toBytes(options.initial, 'options.initial')];
      },
      async ([mech, initial]) => {
        const responses = [];
        let thrown = null;
        const answer = (_ud, challenge, challengeLen, response, responseLen) => {
          try {
            const reply = callback(copyBytes(challenge, challengeLen));
            if (reply === null || reply === undefined) return 1;
            if (typeof reply.then === 'function') throw new TypeError('the authenticate callback must return a Buffer, a string or null, not a Promise');
            const bytes = toBytes(reply, 'the authenticate callback result');
            const mem = nativeCopy(bytes);
            responses.push(mem);
            koffi.encode(response, 'void *', mem);
            koffi.encode(responseLen, 'size_t', bytes.length);
            return 0;
          } catch (e) {
            thrown ??= e;
            return 1;
          }
        };
        const cb = koffi.register(answer, koffi.pointer(protos.imap_sasl_fn));
        try {
          return await withNative(initial, async (init) => {
            const out = [null];
            const rc = await asyncCall(fn.imap_authenticate, [this.#h, mech, init, initial === null ? 0 : initial.length, cb, null, out]);
            const result = takeResult(out[0], this.#zeroCopy);
            if (thrown !== null) throw thrown;
            return this.#check(rc, null, result) ?? emptyResult();
          });
        } finally {
          koffi.unregister(cb);
          for (const m of responses) koffi.free(m);
        }
      },
    );
  }

  /** GETQUOTAROOT: `{ quotaroot, quota }`, two ImapResponses (imaplib's pair). */
  getquotaroot(mailbox) {
    return this.#task(
      () => str(mailbox, 'mailbox'),
      async (mb) => {
        const [r, q] = [[null], [null]];
        const rc = await asyncCall(fn.imap_getquotaroot, [this.#h, mb, r, q]);
        const [quotaroot, quota] = [takeResult(r[0], this.#zeroCopy), takeResult(q[0], this.#zeroCopy)];
        this.#check(rc, null, quotaroot);
        return { quotaroot: quotaroot ?? emptyResult(), quota: quota ?? emptyResult() };
      },
    );
  }

  /** imaplib's send(): one raw line (CRLF added). */
  sendLine(line) {
    return this.#task(
      () => toBytes(line, 'line'),
      (bytes) => withNative(bytes, async (mem) => this.#check(await asyncCall(fn.imap_send_line, [this.#h, mem, bytes.length]))),
    );
  }
  /** The next whole response unparsed (type 'RAW'), or null after `timeout` ms (default 1000). */
  readResponse(timeout = 1000) {
    return this.#task(
      () => [ms(timeout, 'timeout', 1000)],
      async (args) => {
        const out = [null];
        const rc = await asyncCall(fn.imap_read_response, [this.#h, ...args, out]);
        return this.#finish(rc, out[0]);
      },
    );
  }
  /** imaplib's shutdown(): closes the connection without LOGOUT. */
  shutdown() {
    return this.#task(noop, async () => this.#check(await asyncCall(fn.imap_shutdown, [this.#h])));
  }

  // --- streamed literals ---------------------------------------------------------------------------

  /**
   * imap_set_literal_callback: literals of at least `minSize` bytes go to `handler` chunk by
   * chunk (main thread, synchronously) instead of being buffered; null restores buffering.
   * Takes effect once the calls made before it are done.
   */
  setLiteralHandler(minSize, handler) {
    return this.#task(
      () => {
        if (handler === null || (minSize === null && handler === undefined)) return [null, 0];
        if (typeof handler !== 'function') throw new TypeError('handler must be a function (or null to restore buffering)');
        return [handler, uint(minSize, 'minSize')];
      },
      async ([h, min]) => {
        await this.#collecting;
        this.#setLiteral(h, min);
      },
    );
  }

  /** FETCH (UID FETCH with `uid`) with the literals of that call streamed to `onChunk`. */
  fetchStream(messageSet, items, options) {
    return this.#task(
      () => {
        if (options === null || typeof options !== 'object' || typeof options.onChunk !== 'function') throw new TypeError('options.onChunk must be a function');
        const uid = !!options.uid;
        const min = options.minSize === undefined || options.minSize === null ? 0 : uint(options.minSize, 'options.minSize');
        return [options.onChunk, min, uid, str(messageSet, uid ? 'uidSet' : 'messageSet'), str(items, 'items'), !!options.reuse];
      },
      async ([onChunk, min, uid, set, items, reuse]) => {
        await this.#collecting; // the handler must see this call's literals only
        const box = this.#box;
        const prev = [box.handler, box.minSize, box.reuse];
        this.#setLiteral(onChunk, min, reuse);
        try {
          return await (uid ? this.#run('imap_uid', ['FETCH', [set, items], 2]) : this.#run('imap_fetch', [set, items]));
        } finally {
          this.#setLiteral(...prev);
        }
      },
    );
  }

  #setLiteral(handler, minSize, reuse = false) {
    const box = this.#box;
    const cb = handler === null ? null : koffi.register(literalTrampoline(box, handler, reuse), koffi.pointer(protos.imap_literal_fn));
    const rc = fn.imap_set_literal_callback(this.#h, cb, null, handler === null ? 0 : minSize);
    if (rc !== Code.OK) {
      if (cb !== null) koffi.unregister(cb);
      throw this.#error(rc, null, true);
    }
    if (box.cb !== null) koffi.unregister(box.cb);
    Object.assign(box, { cb, handler, minSize: handler === null ? 0 : minSize, reuse: handler !== null && reuse });
  }

  // --- streamed FETCH, IDLE --------------------------------------------------------------------------

  /**
   * FETCH (UID FETCH with `{ uid: true }`) as an async iterator of parsed messages
   * (FetchMessage), pulled from the library as they are consumed (imap_fetch_stream /
   * imap_fetch_next, `batch` at a time): memory stays constant whatever the mailbox size, and
   * a slow consumer holds the server back through TCP. `break` (return) drains the rest of
   * the FETCH (imap_fetch_stream_cancel); the connection stays usable. The FETCH is sent in
   * call order, like any call.
   */
  fetchEach(messageSet, items, options = {}) {
    const o = options ?? {};
    let ticket = this.#task(
      () => [str(messageSet, o.uid ? 'uidSet' : 'messageSet'), str(items, 'items'), o.uid ? 1 : 0, uint(o.batch ?? 64, 'batch', 1 << 20)],
      async ([set, it, uid, batch]) => {
        const t = [0n];
        this.#check(await asyncCall(fn.imap_fetch_stream, [this.#h, set, it, uid, t]));
        return [t[0], batch];
      },
    );
    let ended = false;
    let buffered = [];
    let pulling = Promise.resolve();
    let endStream; // resolves when the stream is over (the tracked call)
    const over = new Promise((resolve) => (endStream = resolve)).then(() => this.#streams.delete(iterator));
    ticket.then(
      () => this.#track(over),
      () => undefined,
    );
    const pull = async () => {
      const [t, batch] = await ticket;
      const out = [null];
      const [rc, msg] = await asyncEx(fn.imap_fetch_next_ex, [this.#h, t, batch, out]);
      if (isNull(out[0])) {
        ended = true;
        endStream();
        this.#check(rc, msg);
        return;
      }
      // a message that did not parse comes with its `error` set, as in fetchParsed's value
      buffered = convert(rc === Code.PARSE ? Code.OK : rc, out[0], PARSERS.fetch, (v) => v);
    };
    const iterator = {
      next: () => {
        const p = pulling.then(async () => {
          while (buffered.length === 0 && !ended) await pull();
          return buffered.length > 0 ? { done: false, value: buffered.shift() } : { done: true, value: undefined };
        });
        pulling = p.catch(() => {
          ended = true;
          endStream();
        });
        return p;
      },
      return: async () => {
        await pulling;
        buffered = [];
        if (!ended) {
          ended = true;
          try {
            const [t] = await ticket;
            this.#check(await asyncCall(fn.imap_fetch_stream_cancel, [this.#h, t]));
          } finally {
            endStream();
          }
        }
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    ticket = ticket.catch((e) => {
      ended = true;
      endStream();
      throw e;
    });
    this.#streams.add(iterator);
    return iterator;
  }

  /**
   * IDLE: resolves to an `Idle`, an async iterator of the server's updates (ImapResponse),
   * each given as soon as it arrives; `idle.done()` wakes the wait (imap_wake) and sends DONE.
   */
  idle(options = {}) {
    return this.#task(
      () => {
        if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
        return ms(options.duration, 'duration', null);
      },
      async (duration) => {
        const started = await this.#run('imap_idle_start', []);
        // each wait stays within the I/O timeout and the call deadline (a wait is a call)
        const { timeout, callTimeout } = this.options;
        const step = Math.max(1000, Math.floor(Math.min(timeout ?? 60000, callTimeout ?? Infinity) / 2));
        return new Idle(started, duration, step, {
          wait: (t) => {
            const out = [null];
            return this.#track(asyncEx(fn.imap_idle_wait_ex, [this.#h, t, out]).then(([rc, msg]) => this.#finish(rc, out[0], null, undefined, msg)));
          },
          wake: () => fn.imap_wake(this.#h),
          closed: () => this.#closing,
          done: () => this.#task(noop, () => this.#run('imap_idle_done', [])),
        });
      },
    );
  }

  // --- IDLE events, automatic IDLE -----------------------------------------------------------------

  /** Whether the automatic IDLE (options.autoIdle) is in IDLE now. */
  get idling() {
    return !!(this.#auto && this.#auto.idling);
  }

  /**
   * The events of a server update (an ImapResponse taken during IDLE): 'exists' ({ count,
   * prevCount }), 'expunge' ({ seq }), 'vanished' ({ uids: [{ start, end }], earlier }: with
   * QRESYNC enabled, expunges by UID), 'flags' ({ seq, uid, flags }), and 'update' (the
   * response itself) for every one. `parsed`: the update's FETCH messages or VANISHED sets as
   * the library's parsers read them.
   */
  #dispatch(update, fetched) {
    const line = update.data.length > 0 ? (Array.isArray(update.data[0]) ? update.data[0][0] : update.data[0]) : null;
    const text = line ? line.toString('latin1') : '';
    if (update.type === 'EXISTS') {
      const count = Number(text);
      const prevCount = this.#exists;
      this.#exists = count;
      this.emit('exists', { count, prevCount });
    } else if (update.type === 'EXPUNGE') {
      if (this.#exists !== null) this.#exists--;
      this.emit('expunge', { seq: Number(text) });
    } else if (update.type === 'VANISHED') {
      for (const v of fetched) {
        if (!v.earlier && this.#exists !== null)
          this.#exists = Math.max(0, this.#exists - v.uids.reduce((n, r) => n + (r.end - r.start + 1), 0));
        this.emit('vanished', { uids: v.uids, earlier: v.earlier });
      }
    } else if (update.type === 'FETCH') {
      for (const m of fetched) {
        if (m.flags !== null) this.emit('flags', { seq: m.seq, uid: m.uid, flags: m.flags });
      }
    }
    this.emit('update', update);
  }

  /** After a call: an 'exists' event when the call's untagged EXISTS changed the count. */
  #existsChanged() {
    if (this.#exists === null || this.#h === null || this.listenerCount('exists') === 0) return;
    const count = this.#existsNow();
    if (count === null || count === this.#coreExists) return;
    this.#coreExists = count;
    if (count === this.#exists) return;
    const prevCount = this.#exists;
    this.#exists = count;
    this.emit('exists', { count, prevCount });
  }

  /** Enters IDLE `delay` ms after the last call settled, when a mailbox is selected. */
  #autoSchedule() {
    const a = this.#auto;
    if (!a || a.loop || this.#closing || this.#h === null) return;
    clearTimeout(a.timer);
    a.timer = setTimeout(() => {
      a.timer = null;
      if (a.loop || this.#closing || this.#calls.size > 0 || this.#h === null || this.state !== 'SELECTED') return;
      a.stop = false;
      const step = this.#chain.then(() => this.#autoLoop(a));
      this.#chain = step.then(noop, noop);
      a.loop = step.then(noop, (e) => {
        // IDLE failed (no IDLE capability, connection lost): automatic IDLE stops here
        this.#auto = null;
        if (this.listenerCount('error') > 0) this.emit('error', e);
      });
      a.loop.finally(() => {
        a.loop = null;
      });
    }, a.delay);
    a.timer.unref?.();
  }

  /** A call is coming: the automatic IDLE ends (DONE) before it runs, in the chain. */
  #autoStop() {
    const a = this.#auto;
    if (!a) return;
    clearTimeout(a.timer);
    a.timer = null;
    if (a.loop && !a.stop) {
      a.stop = true;
      if (a.idling && this.#h !== null) fn.imap_wake(this.#h);
    }
  }

  /** The selected mailbox's EXISTS as the session knows it (imap_client_mailbox), or null. */
  #existsNow() {
    const out = [null];
    fn.imap_client_mailbox(this.#h, out);
    if (isNull(out[0])) return null;
    try {
      return pmailboxInfo(decode(out[0], 'imap_mailbox_info')).exists;
    } finally {
      fn.imap_mailbox_info_free(out[0]);
    }
  }

  /** IDLE until stopped: each update becomes events; DONE at the end. */
  async #autoLoop(a) {
    if (a.stop || this.#closing || this.#h === null || this.state !== 'SELECTED') return;
    if (this.#exists === null) this.#exists = this.#coreExists = this.#existsNow();
    await this.#run('imap_idle_start', []);
    a.idling = true;
    const { timeout, callTimeout } = this.options;
    const step = Math.max(1000, Math.floor(Math.min(timeout ?? 60000, callTimeout ?? Infinity) / 2));
    try {
      while (!a.stop && !this.#closing) {
        const out = [null];
        const [rc, msg] = await asyncEx(fn.imap_idle_wait_ex, [this.#h, step, out]);
        // a FETCH or VANISHED update is read by the library's parser, before the result is freed
        const type = rc === Code.OK && !isNull(out[0]) ? fn.imap_result_type(out[0]) : null;
        const p = type === 'FETCH' ? PARSERS.fetch : type === 'VANISHED' ? PARSERS.vanished : null;
        const fetched = p ? await parseResult(out[0], p).catch((e) => e.parsed ?? []) : [];
        const update = await this.#finish(rc, out[0], null, undefined, msg);
        if (update !== null) this.#dispatch(update, fetched);
      }
    } finally {
      a.idling = false;
      if (this.#h !== null && fn.imap_client_is_open(this.#h) === 1) await this.#run('imap_idle_done', []);
    }
  }

  // --- parsed results --------------------------------------------------------------------------------

  /** UID SEARCH, parsed: the UIDs. */
  uidSearchParsed(charset, ...criteria) {
    const c = charset === null || charset === undefined ? criteria : ['CHARSET', charset, ...criteria];
    return this.#command('uid', ['SEARCH', ...c], 'search');
  }

  /** UID SORT, parsed: the UIDs in order (charset null: UTF-8; imap_uid_sort_parsed). */
  uidSortParsed(sortCriteria, charset, ...search) {
    return this.#composed('imap_uid_sort_parsed', ['s:sortCriteria', 'o:charset', '...s:criteria'], [sortCriteria, charset, ...search], 'search');
  }
  /** UID THREAD, parsed (charset null: UTF-8; imap_uid_thread_parsed). */
  uidThreadParsed(algorithm, charset, ...search) {
    return this.#composed('imap_uid_thread_parsed', ['s:algorithm', 'o:charset', '...s:criteria'], [algorithm, charset, ...search], 'thread');
  }
  /** SEARCH as ESEARCH results whatever the server offers (imap_esearch_auto). */
  esearchParsed(charset, ...criteria) {
    return this.#composed('imap_esearch_auto', ['o:charset', '...s:criteria'], [charset, ...criteria], 'esearch');
  }
  /** LIST with LIST-EXTENDED options, parsed, each entry with its STATUS (imap_list_extended). */
  listExtended(reference, pattern, selection = null, returnOptions = null) {
    return this.#composed('imap_list_extended', ['s:reference', 's:pattern', 'o:selection', 'o:returnOptions'], [reference, pattern, selection, returnOptions], 'list');
  }
  /** GETQUOTAROOT with its QUOTA responses: { mailbox, rawMailbox, roots, quotas } (imap_quota_for). */
  getquotarootParsed(mailbox) {
    return this.#composed('imap_quota_for', ['s:mailbox'], [mailbox], 'quotaFor');
  }
  /** GETMETADATA, parsed: { mailbox, rawMailbox, entries: { name: Buffer | null } } (imap_getmetadata_parsed). */
  getmetadataParsed(mailbox, entries, options = null) {
    return this.#composed('imap_getmetadata_parsed', ['s:mailbox', 'e:entries', 'o:options'], [mailbox, entries, options], 'metadata', (v) => ({
      mailbox: v[0] ? v[0].mailbox : mailbox,
      rawMailbox: v[0] ? v[0].rawMailbox : mailbox,
      entries: Object.fromEntries(v.flatMap((m) => m.entries.map((e) => [e.name, e.value]))),
    }));
  }
  /**
   * STORE with UNCHANGEDSINCE (RFC 7162): the flags change only on the messages whose
   * mod-sequence is at most `unchangedSince`; resolves to the result with `modified`, the
   * messages that failed the condition (the [MODIFIED] ranges; [] when none).
   */
  storeUnchangedSince(messageSet, unchangedSince, command, flags) {
    return this.#conditionalStore('imap_store_unchangedsince', [messageSet, unchangedSince, command, flags]);
  }
  /** storeUnchangedSince as UID STORE: the set and `modified` hold UIDs. */
  uidStoreUnchangedSince(uidSet, unchangedSince, command, flags) {
    return this.#conditionalStore('imap_uid_store_unchangedsince', [uidSet, unchangedSince, command, flags]);
  }
  #conditionalStore(f, jsArgs) {
    return this.#task(
      () => buildArgs(['s:set', 'q:unchangedSince', 's:command', 'f:flags'], jsArgs),
      async (args) => {
        const r = await this.#run(f, args);
        r.modified = r.parsedCode !== null && r.parsedCode.kind === 'MODIFIED' ? r.parsedCode.uids : [];
        return r;
      },
    );
  }
  /** Takes the VANISHED responses kept (response('VANISHED')), parsed: [{ earlier, uids }]. */
  vanished() {
    return this.#command('response', ['VANISHED'], 'vanished');
  }
  /** imap_client_is_enabled: whether the server confirmed ENABLE `capability` (QRESYNC counts as CONDSTORE). */
  isEnabled(capability) {
    const c = str(capability, 'capability');
    return this.#h !== null && fn.imap_client_is_enabled(this.#h, c) === 1;
  }
  /**
   * Resumes the sync of `mailbox` from a saved state (imap_resync): QRESYNC when offered, else
   * CONDSTORE. Resolves to { method, fullResync, mailbox, added, changed, vanished }.
   */
  resync(mailbox, state) {
    if (state === null || typeof state !== 'object') return Promise.reject(new TypeError('state must be an object { uidValidity, highestModseq, knownUids?, readonly? }'));
    const { uidValidity, highestModseq, knownUids = null, readonly = false } = state;
    return this.#composed(
      'imap_resync',
      ['s:mailbox', 'b:readonly', 'u:uidValidity', 'q:highestModseq', 'k:knownUids'],
      [mailbox, readonly, uidValidity, highestModseq, knownUids],
      'resync',
    );
  }
  /** A composition of the session: one C call giving a parsed object, run in the chain. */
  #composed(f, spec, jsArgs, parserName, post = (v) => v) {
    return this.#task(
      () => buildArgs(spec, jsArgs),
      async (args) => {
        const out = [null];
        const rc = await asyncCall(fn[f], [this.#h, ...args, out]);
        if (rc !== Code.OK && rc !== Code.PARSE) {
          if (!isNull(out[0])) PARSERS[parserName].free(out[0]);
          throw this.#error(rc, null);
        }
        return convert(rc, out[0], PARSERS[parserName], post, () => null);
      },
    );
  }

  /** The selected mailbox's summary (imap_client_mailbox); ILLEGAL_STATE if none is selected. */
  mailbox() {
    return this.#local(() => {
      const out = [null];
      const rc = fn.imap_client_mailbox(this.#h, out);
      if (isNull(out[0])) throw this.#error(rc === Code.OK ? Code.INTERNAL : rc, null, true);
      let info;
      try {
        info = pmailboxInfo(decode(out[0], 'imap_mailbox_info'));
      } finally {
        fn.imap_mailbox_info_free(out[0]);
      }
      if (rc === Code.PARSE) throw parseError('mailbox', info.invalid, info, null);
      if (rc !== Code.OK) throw this.#error(rc, null, true);
      return info;
    });
  }
  /** How mailbox names reach the server: 'utf7' (default) or 'raw'. */
  setMailboxEncoding(mode) {
    if (!Object.hasOwn(MAILBOX_ENCODINGS, mode)) return Promise.reject(new TypeError("mode must be 'utf7' or 'raw'"));
    return this.#local(() => {
      const rc = fn.imap_set_mailbox_encoding(this.#h, MAILBOX_ENCODINGS[mode]);
      if (rc !== Code.OK) throw this.#error(rc, null, true);
    });
  }

  /** @internal the command table's methods */
  static {
    for (const [name, [, , parserName]] of Object.entries(COMMANDS)) {
      Client.prototype[name] = function (...args) {
        return this.#command(name, args);
      };
      if (parserName && !Client.prototype[`${name}Parsed`])
        Client.prototype[`${name}Parsed`] = function (...args) {
          return this.#command(name, args, true);
        };
    }
  }
}

/**
 * The IDLE session of `client.idle()`: an async iterator of the server's updates, each given
 * as soon as it arrives (one imap_idle_wait on a worker); done() wakes that wait (imap_wake:
 * nothing is closed) and sends DONE. Updates not taken stay for `client.response(name)`.
 */
class Idle {
  #ops;
  #step;
  #deadline;
  #ended = false;
  #waiting = null; // the imap_idle_wait in progress
  #donePromise = null;
  #chain = Promise.resolve();

  constructor(started, duration, step, ops) {
    this.started = started;
    this.#step = step;
    this.#ops = ops;
    this.#deadline = duration === null ? null : Date.now() + duration;
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  next() {
    const p = this.#chain.then(() => this.#next());
    this.#chain = p.then(noop, noop);
    return p;
  }

  async #next() {
    for (;;) {
      if (this.#ended || this.#ops.closed()) return { done: true, value: undefined };
      const left = this.#deadline === null ? this.#step : Math.min(this.#step, Math.ceil(this.#deadline - Date.now()));
      if (left <= 0) {
        this.#ended = true;
        continue;
      }
      this.#waiting = this.#ops.wait(left);
      const update = await this.#waiting.finally(() => (this.#waiting = null));
      if (update !== null) return { done: false, value: update };
    }
  }

  /** `break` in a for-await loop ends that loop only (IDLE goes on until done()). */
  return() {
    return Promise.resolve({ done: true, value: undefined });
  }

  /** Leaves IDLE: wakes the wait in progress, sends DONE, resolves to the tagged reply. */
  done() {
    if (!this.#donePromise) {
      this.#ended = true;
      if (this.#waiting) this.#ops.wake();
      this.#donePromise = this.#chain.then(() => this.#ops.done());
    }
    return this.#donePromise;
  }
}

for (const C of [Client, Idle])
  Object.defineProperty(C.prototype, Symbol.asyncDispose ?? Symbol.for('nodejs.asyncDispose'), {
    value: function asyncDispose() {
      return C === Client ? this.close() : this.done();
    },
    writable: true,
    configurable: true,
  });

// ---------------------------------------------------------------------------------------------
// utilities (no connection; synchronous)

const version = () => fn.imap_version();
const versionNumber = () => fn.imap_version_number();

/** Takes the string libimap put in `out[0]`, or throws an ImapError for `rc`. */
function takeOut(rc, out, what) {
  if (rc !== Code.OK) {
    if (!isNull(out[0])) fn.imap_string_free(out[0]);
    throw new ImapError(rc, `${what}: ${codeDescription(rc)}`);
  }
  return takeString(out[0]) ?? '';
}

/** imaplib's Int2AP: 4096 → 'BAAA'. */
function int2ap(num) {
  if (typeof num === 'number' ? !Number.isSafeInteger(num) : typeof num !== 'bigint') throw new TypeError('num must be an integer');
  if (typeof num === 'bigint' && (num < -(2n ** 63n) || num >= 2n ** 63n)) throw new RangeError('num must fit in 64 bits');
  const out = [null];
  return takeOut(fn.imap_int2ap(num, out), out, 'int2ap');
}

/** imaplib's ParseFlags: the flags of the last flag list in `resp`, as strings. */
function parseFlags(resp) {
  const bytes = toBytes(resp, 'resp');
  const out = [null];
  const rc = fn.imap_parse_flags(bytes, bytes.length, out);
  if (rc !== Code.OK) throw new ImapError(rc, `parseFlags: ${codeDescription(rc)}`);
  const r = takeResult(out[0]);
  return r === null ? [] : r.data.filter((d) => Buffer.isBuffer(d)).map((d) => d.toString('utf8'));
}

/** imaplib's Internaldate2tuple: `{ date, offsetSeconds, tm }`, or null if there is none. */
function internaldate2tuple(resp) {
  const bytes = toBytes(resp, 'resp');
  const [found, utc, offset, tm] = [[0], [0], [0], {}];
  const rc = fn.imap_internaldate2tuple(bytes, bytes.length, found, utc, offset, tm);
  if (rc !== Code.OK) throw new ImapError(rc, `internaldate2tuple: ${codeDescription(rc)}`);
  if (found[0] !== 1) return null;
  const { offset_seconds: offsetSeconds, ...rest } = tm;
  return { date: new Date(Number(utc[0]) * 1000), offsetSeconds: offset[0], tm: { ...rest, offsetSeconds } };
}

/** imaplib's Time2Internaldate: '"DD-Mon-YYYY HH:MM:SS +HHMM"' from a Date, seconds or fields. */
function time2internaldate(time, offsetSeconds) {
  const out = [null];
  let rc;
  if (time !== null && typeof time === 'object' && !(time instanceof Date)) {
    const tm = {};
    for (const k of ['year', 'month', 'day', 'hour', 'minute', 'second']) {
      if (!Number.isInteger(time[k])) throw new TypeError(`time.${k} must be an integer`);
      tm[k] = time[k];
    }
    tm.offset_seconds = time.offsetSeconds ?? offsetSeconds ?? 0;
    if (!Number.isInteger(tm.offset_seconds)) throw new TypeError('offsetSeconds must be an integer');
    rc = fn.imap_time2internaldate_tm(tm, out);
  } else {
    const t = time instanceof Date ? time.getTime() : typeof time === 'number' ? time * 1000 : NaN;
    if (!(time instanceof Date) && typeof time !== 'number') throw new TypeError('time must be a Date, a number of seconds or a { year, month, day, ... } object');
    if (!Number.isFinite(t)) throw new TypeError('time is not a valid date');
    const secs = Math.floor(t / 1000);
    const off = offsetSeconds ?? -new Date(secs * 1000).getTimezoneOffset() * 60;
    if (!Number.isInteger(off)) throw new TypeError('offsetSeconds must be an integer');
    rc = fn.imap_time2internaldate(secs, off, out);
  }
  return takeOut(rc, out, 'time2internaldate');
}

/** Modified UTF-7 (RFC 3501 §5.1.3): '台北' → '&U,BTFw-'. */
function utf7Encode(name) {
  const out = [null];
  return takeOut(fn.imap_utf7_encode(str(name, 'name'), out), out, 'utf7Encode');
}
/** The reverse of utf7Encode (strict: malformed input throws INVALID_ARGUMENT). */
function utf7Decode(raw) {
  const bytes = toBytes(raw, 'raw');
  const out = [null];
  return takeOut(fn.imap_utf7_decode(bytes, bytes.length, out), out, 'utf7Decode');
}
/** RFC 2047 encoded words → string: '=?UTF-8?B?w6l0w6k=?=' → 'été'. */
function decodeHeader(raw) {
  const bytes = toBytes(raw, 'raw');
  const out = [null];
  return takeOut(fn.imap_decode_header(bytes, bytes.length, out), out, 'decodeHeader');
}

module.exports = {
  Client,
  arg,
  Idle,
  ImapError,
  Code,
  Quirk,
  ListAttr,
  codeName,
  codeDescription,
  libraryPath,
  librarySource,
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
