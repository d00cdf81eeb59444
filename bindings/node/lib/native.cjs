'use strict';
// Loads libimap.so and declares its C ABI to koffi from lib/generated.cjs (generated from
// include/imap.h by scripts/gen.mjs). Internal module: the public API is in ../index.cjs.

const fs = require('node:fs');
const path = require('node:path');
const koffi = require('koffi');
const G = require('./generated.cjs');

/**
 * The platform directory of prebuilt libraries, in napi-rs's naming: linux-x64-gnu,
 * linux-arm64-musl, darwin-arm64, win32-x64-msvc...
 */
function platformDir() {
  const { platform, arch } = process;
  if (platform === 'linux') {
    let glibc = false;
    try {
      glibc = !!process.report.getReport().header.glibcVersionRuntime;
    } catch {
      glibc = false;
    }
    return `${platform}-${arch}-${glibc ? 'gnu' : 'musl'}`;
  }
  return platform === 'win32' ? `${platform}-${arch}-msvc` : `${platform}-${arch}`;
}

/** The file name of the library under its major version (the SONAME on ELF systems). */
function libraryFile(major) {
  if (process.platform === 'darwin') return `libimap.${major}.dylib`;
  if (process.platform === 'win32') return 'imap.dll';
  return `libimap.so.${major}`;
}

/**
 * Where libimap is looked for, first found wins:
 * 1. the copy inside this package, prebuilds/<platform>/<libimap.so.N> (put there by
 *    scripts/prebuild.mjs when the package is packed);
 * 2. the per-platform optional package @libimap/<platform> (its lib/<libimap.so.N>), the layout
 *    napi-rs and esbuild use, for platforms whose library is published separately;
 * 3. $LIBIMAP_PATH;
 * 4. in a repository checkout, ../../target/release/libimap.so;
 * 5. the system's libimap.so.N (the dynamic loader's search path).
 * Returns [path, where].
 */
function findLibrary() {
  const file = libraryFile(G.defines.IMAP_VERSION_MAJOR);
  const dir = platformDir();
  const bundled = path.join(__dirname, '..', 'prebuilds', dir, file);
  if (fs.existsSync(bundled)) return [bundled, 'package'];
  try {
    const sub = path.join(path.dirname(require.resolve(`@libimap/${dir}/package.json`)), 'lib', file);
    if (fs.existsSync(sub)) return [sub, 'platform-package'];
  } catch {
    // no optional package for this platform
  }
  if (process.env.LIBIMAP_PATH) return [process.env.LIBIMAP_PATH, 'env'];
  const inRepo = path.resolve(__dirname, '..', '..', '..', 'target', 'release', 'libimap.so');
  if (fs.existsSync(inRepo)) return [inRepo, 'repository'];
  return [file, 'system'];
}

// koffi runs an async call on a stack of its own (128 KiB by default): too little for Rust +
// OpenSSL. 2 MiB, like a Rust thread; koffi accepts this only before its first library load.
try {
  const cfg = koffi.config();
  if (cfg.async_stack_size < 2 << 20) koffi.config({ ...cfg, async_stack_size: 2 << 20 });
} catch (e) {
  process.emitWarning(`libimap: could not raise koffi's async stack size (${e.message})`, 'LibimapWarning');
}

const [libraryPath, librarySource] = findLibrary();
let lib;
try {
  lib = koffi.load(libraryPath);
} catch (e) {
  const err = new Error(
    `libimap: cannot load ${libraryPath} (${e.message}). This package carries the library for ` +
      `linux-x64 glibc only; on ${platformDir()} install libimap (its libimap.so.${G.defines.IMAP_VERSION_MAJOR}), ` +
      'or set LIBIMAP_PATH to its path, or build it with `cargo build --release` in a checkout.',
  );
  err.code = 'ERR_LIBIMAP_LOAD';
  err.cause = e;
  throw err;
}

// Structs: every pointer field is an address (BigInt), decoded on demand with `decode` below.
const types = {};
for (const [name, fields] of Object.entries(G.structs))
  types[name] = koffi.struct(name, Object.fromEntries(fields.map(([f, t]) => [f, t])));
const protos = {};
for (const [name, decl] of Object.entries(G.callbacks)) protos[name] = koffi.proto(decl);

const fn = {};
for (const d of G.functions) {
  const f = lib.func(d);
  fn[f.info.name] = f;
}

// The declarations are those of header major version N: a library of another major has
// another ABI (SONAME libimap.so.N).
const major = Math.floor(fn.imap_version_number() / 10000);
if (major !== G.defines.IMAP_VERSION_MAJOR) {
  const err = new Error(`libimap: ${libraryPath} is version ${fn.imap_version()}, this binding needs ${G.defines.IMAP_VERSION_MAJOR}.x`);
  err.code = 'ERR_LIBIMAP_VERSION';
  throw err;
}

/** The pointer fields of each struct: { field: [pointee, depth] }. */
const pointers = {};
for (const [name, fields] of Object.entries(G.structs))
  pointers[name] = Object.fromEntries(fields.filter((f) => f.length === 4).map(([f, , to, depth]) => [f, [to, depth]]));

const isNull = (p) => p === null || p === undefined || p === 0n || p === 0;

// Reading C memory. koffi.decode(ptr, structType) builds a struct in several µs and
// koffi.view() makes an external ArrayBuffer in about 2 µs, while one call of libc's memcpy
// (found through libimap's own dependencies) costs ~0.1 µs: a struct is read by copying its
// bytes into a scratch buffer with memcpy and reading the fields from typed arrays over it,
// through one reader per struct generated from the layout (lib/generated.cjs). Addresses are
// Numbers (user-space addresses stay far below 2^53; a larger one stays a BigInt, and `at`
// keeps BigInt arithmetic for it); 64-bit integers are Numbers, or BigInts above 2^53.
const D = koffi.decode;
/** memcpy(dst: Buffer, src: address, n): libc's (its return value not read), else a JS copy. */
let memcpy;
try {
  memcpy = lib.func('void memcpy(void *dst, void *src, size_t n)');
} catch {
  memcpy = (dst, src, n) => new Uint8Array(dst.buffer, dst.byteOffset, n).set(new Uint8Array(koffi.view(src, n)));
}
// libc's pipe2 and close (found through libimap's own dependencies), for APPEND from a
// stream: the stream is written into a pipe whose read end imap_append_fd reads on a worker.
let pipe2 = null;
let closeC = null;
try {
  pipe2 = lib.func('int pipe2(_Out_ int *fds, int flags)');
  closeC = lib.func('int close(int fd)');
} catch {
  pipe2 = null;
}
const O_CLOEXEC = 0o2000000;
/** A new pipe as [readFd, writeFd], close-on-exec. */
function pipe() {
  if (pipe2 === null) throw new Error('libimap: no pipe2() in this C library: appendStream needs Linux');
  const fds = new Int32Array(2);
  if (pipe2(fds, O_CLOEXEC) !== 0) throw new Error('libimap: pipe2() failed');
  return [fds[0], fds[1]];
}
/** close(fd) of a descriptor this module made. */
const closeFd = (fd) => closeC(fd);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
/** An address (BigInt or Number) as a Number when exact, else the BigInt. */
const addr = (p) => (typeof p === 'bigint' ? (p <= MAX_SAFE ? Number(p) : p) : p);
/** `p + off` for an address of either kind. */
const at = (p, off) => (typeof p === 'number' ? p + off : p + BigInt(off));

const WORD = koffi.sizeof('void *');
const SIZE_T = koffi.sizeof('size_t');
const LE = require('node:os').endianness() === 'LE';
const SCRATCH = 1 << 16;
const S = Buffer.allocUnsafeSlow(SCRATCH); // its own ArrayBuffer: offset 0, 8-aligned
const U32 = new Uint32Array(S.buffer, 0, SCRATCH / 4);
const I32 = new Int32Array(S.buffer, 0, SCRATCH / 4);
const DV = new DataView(S.buffer, 0, SCRATCH);
const [LO, HI] = LE ? [0, 1] : [1, 0];
/** The unsigned 64-bit value at U32 index `i`: a Number below 2^53, else a BigInt. */
function u64(i) {
  const lo = U32[i + LO];
  const hi = U32[i + HI];
  return hi < 0x200000 ? hi * 4294967296 + lo : (BigInt(hi) << 32n) | BigInt(lo);
}
/** The signed 64-bit value at U32 index `i`: a Number when exact, else a BigInt. */
function i64(i) {
  const hi = I32[i + HI];
  return hi >= -0x200000 && hi < 0x200000 ? hi * 4294967296 + U32[i + LO] : DV.getBigInt64(i * 4, LE);
}
/** Expression reading a scalar C type at byte `off` of the scratch. */
const scalarExpr = {
  int8_t: (o) => `((S[${o}] << 24) >> 24)`,
  char: (o) => `((S[${o}] << 24) >> 24)`,
  uint8_t: (o) => `S[${o}]`,
  int16_t: (o) => `DV.getInt16(${o}, LE)`,
  uint16_t: (o) => `DV.getUint16(${o}, LE)`,
  int32_t: (o) => `I32[${o >> 2}]`,
  uint32_t: (o) => `U32[${o >> 2}]`,
  int64_t: (o) => `i64(${o >> 2})`,
  uint64_t: (o) => `u64(${o >> 2})`,
  size_t: SIZE_T === 8 ? (o) => `u64(${o >> 2})` : (o) => `U32[${o >> 2}]`,
};
const scalarSize = { int8_t: 1, uint8_t: 1, char: 1, int16_t: 2, uint16_t: 2, int32_t: 4, uint32_t: 4, int64_t: 8, uint64_t: 8, size_t: SIZE_T };
const pointerExpr = WORD === 8 ? scalarExpr.uint64_t : scalarExpr.uint32_t;
const env = { S, U32, I32, DV, LE, u64, i64, memcpy, addr };

/** `n` bytes of UTF-8 at `p` as a string; null for NULL (NIL), '' for none. */
const text = (p, n) => (isNull(p) ? null : n === 0 ? '' : D.string(p, Number(n)));
env.text = text;

const sizes = Object.fromEntries(Object.keys(G.structs).map((n) => [n, koffi.sizeof(types[n])]));
/**
 * readers[type](address): the struct as a plain object, pointer fields as addresses.
 * textReaders[type](address): the same, with each imap_bytes field read as a string (UTF-8;
 * null for NIL) instead of { data, len }.
 */
const readers = {};
const textReaders = {};
for (const name of Object.keys(G.structs)) {
  if (sizes[name] > SCRATCH) throw new Error(`libimap: struct ${name} is larger than the scratch buffer`);
  for (const [table, asText] of [[readers, false], [textReaders, true]]) {
    const expr = (sname, base) =>
      `{ ${G.structs[sname]
        .map(([f, t, to]) => {
          const off = base + koffi.offsetof(types[sname], f);
          if (to !== undefined) return `${JSON.stringify(f)}: ${pointerExpr(off)}`;
          if (asText && t === 'imap_bytes') {
            const [d, l] = ['data', 'len'].map((k) => off + koffi.offsetof(types.imap_bytes, k));
            return `${JSON.stringify(f)}: text(${pointerExpr(d)}, ${scalarExpr.size_t(l)})`;
          }
          if (G.structs[t]) return `${JSON.stringify(f)}: ${expr(t, off)}`;
          if (!scalarExpr[t]) throw new Error(`libimap: no reader for ${t} (${sname}.${f})`);
          return `${JSON.stringify(f)}: ${scalarExpr[t](off)}`;
        })
        .join(', ')} }`;
    // the string decoders never touch the scratch: every field is read from the one copy
    table[name] = new Function(...Object.keys(env), `return function read_${name}(p) { memcpy(S, p, ${sizes[name]}); return ${expr(name, 0)}; };`)(
      ...Object.values(env),
    );
  }
}

/**
 * The struct `type` at address `ptr` as a plain object, its pointer fields left as addresses
 * (Numbers); null for NULL.
 */
function decode(ptr, type) {
  return isNull(ptr) ? null : readers[type](addr(ptr));
}

/** `n` scalars of C type `type` at address `base`, read through the scratch in chunks. */
function scalars(base, type, n) {
  const size = scalarSize[type];
  const read = type === 'uint64_t' || (type === 'size_t' && SIZE_T === 8) ? (o) => u64(o >> 2) : type === 'int64_t' ? (o) => i64(o >> 2) : null;
  const out = new Array(n);
  const per = SCRATCH / size;
  for (let start = 0; start < n; start += per) {
    const k = Math.min(per, n - start);
    memcpy(S, at(base, start * size), k * size);
    for (let j = 0; j < k; j++) {
      const o = j * size;
      out[start + j] = read ? read(o) : size === 4 ? (type === 'int32_t' ? I32[o >> 2] : U32[o >> 2]) : size === 1 ? (type === 'uint8_t' ? S[o] : (S[o] << 24) >> 24) : type === 'int16_t' ? DV.getInt16(o, LE) : DV.getUint16(o, LE);
    }
  }
  return out;
}
/** `n` pointers at address `base` (an array of pointers), as addresses. */
const pointersAt = (base, n) => scalars(base, WORD === 8 ? 'uint64_t' : 'uint32_t', n);
const bytesOff = [koffi.offsetof(types.imap_bytes, 'data'), koffi.offsetof(types.imap_bytes, 'len')];
/** The imap_bytes at `p` as a string (null for NIL). */
function textAt(p) {
  memcpy(S, p, sizes.imap_bytes);
  return text(WORD === 8 ? u64(bytesOff[0] >> 2) : U32[bytesOff[0] >> 2], SIZE_T === 8 ? u64(bytesOff[1] >> 2) : U32[bytesOff[1] >> 2]);
}
/** The array of `count` imap_bytes pointers in field `field` of `obj`, as strings. */
function texts(obj, field, count) {
  const n = Number(count);
  if (n === 0 || isNull(obj[field])) return [];
  const ps = pointersAt(addr(obj[field]), n);
  for (let i = 0; i < n; i++) ps[i] = isNull(ps[i]) ? null : textAt(ps[i]);
  return ps;
}

/**
 * The array field `field` of the decoded struct `obj` (of type `type`), `count` elements:
 * structs (decoded, following an array of pointers when the header says so) or scalars.
 */
function array(obj, type, field, count, asText = false) {
  const n = Number(count);
  const ptr = obj[field];
  if (n === 0 || isNull(ptr)) return [];
  const base = addr(ptr);
  const [to, depth] = pointers[type][field];
  const read = (asText ? textReaders : readers)[to];
  if (!read) return scalars(base, to, n);
  if (depth === 2) {
    const ps = pointersAt(base, n);
    for (let i = 0; i < n; i++) ps[i] = isNull(ps[i]) ? null : read(ps[i]);
    return ps;
  }
  const out = new Array(n);
  const size = sizes[to];
  for (let i = 0; i < n; i++) out[i] = read(at(base, i * size));
  return out;
}

/** Copies `len` bytes at native address `ptr` into a new Buffer (never a view). */
function copyBytes(ptr, len) {
  const n = Number(len);
  if (isNull(ptr) || n === 0) return Buffer.alloc(0);
  const out = Buffer.allocUnsafe(n);
  memcpy(out, addr(ptr), n);
  return out;
}

/** `len` bytes of UTF-8 at `ptr` as a string ('' for none). */
const utf8 = (ptr, len) => {
  const n = Number(len);
  return n === 0 ? '' : D.string(addr(ptr), n);
};
/** A NUL-terminated string at `ptr` ('' for NULL). */
const cString = (ptr) => (isNull(ptr) ? '' : D.string(addr(ptr)));

module.exports = {
  koffi,
  lib,
  fn,
  types,
  protos,
  enums: G.enums,
  defines: G.defines,
  decode,
  array,
  isNull,
  libraryPath,
  librarySource,
  pipe,
  closeFd,
  addr,
  at,
  pointersAt,
  textReaders,
  texts,
  text,
  readers,
  sizes,
  memcpy,
  copyBytes,
  utf8,
  cString,
};
