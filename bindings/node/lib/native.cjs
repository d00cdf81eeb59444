'use strict';
// Loads libimap.so and declares its C ABI to koffi from lib/generated.cjs (generated from
// include/imap.h by scripts/gen.mjs). Internal module: the public API is in ../index.cjs.

const fs = require('node:fs');
const path = require('node:path');
const koffi = require('koffi');
const G = require('./generated.cjs');

/**
 * Where libimap.so is looked for: $LIBIMAP_PATH, else the repository's
 * ../../target/release/libimap.so, else the system name libimap.so.<major> (the loader's path).
 */
function findLibrary() {
  if (process.env.LIBIMAP_PATH) return process.env.LIBIMAP_PATH;
  const inRepo = path.resolve(__dirname, '..', '..', '..', 'target', 'release', 'libimap.so');
  if (fs.existsSync(inRepo)) return inRepo;
  return `libimap.so.${G.defines.IMAP_VERSION_MAJOR}`;
}

// koffi runs an async call on a stack of its own (128 KiB by default): too little for Rust +
// OpenSSL. 2 MiB, like a Rust thread; koffi accepts this only before its first library load.
try {
  const cfg = koffi.config();
  if (cfg.async_stack_size < 2 << 20) koffi.config({ ...cfg, async_stack_size: 2 << 20 });
} catch (e) {
  process.emitWarning(`libimap: could not raise koffi's async stack size (${e.message})`, 'LibimapWarning');
}

const libraryPath = findLibrary();
let lib;
try {
  lib = koffi.load(libraryPath);
} catch (e) {
  const err = new Error(
    `libimap: cannot load ${libraryPath} (${e.message}). Build it with \`cargo build --release\` ` +
      'at the repository root, or set LIBIMAP_PATH to the path of libimap.so.',
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

/**
 * The struct `type` at address `ptr` as a plain object, its pointer fields left as addresses.
 */
function decode(ptr, type) {
  return isNull(ptr) ? null : koffi.decode(ptr, types[type]);
}

/**
 * The array field `field` of the decoded struct `obj` (of type `type`), `count` elements:
 * structs (decoded, following an array of pointers when the header says so) or scalars.
 */
function array(obj, type, field, count) {
  const n = Number(count);
  const ptr = obj[field];
  if (n === 0 || isNull(ptr)) return [];
  const [to, depth] = pointers[type][field];
  if (!types[to]) return Array.from(koffi.decode(ptr, to, n));
  if (depth === 2) return Array.from(koffi.decode(ptr, 'void *', n), (p) => koffi.decode(p, types[to]));
  return koffi.decode(ptr, types[to], n);
}

module.exports = { koffi, lib, fn, types, protos, enums: G.enums, defines: G.defines, decode, array, isNull, libraryPath };
