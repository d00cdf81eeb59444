#!/usr/bin/env node
// Puts libimap inside the package before `npm pack` / `npm publish` (the prepack script), and
// takes it out again after (postpack, with --clean): prebuilds/<platform>/libimap.so.<major>,
// where lib/native.cjs looks first. The library is the repository's release build
// (../../target/release/libimap.so: `cargo build --release --locked` at the root), or
// $LIBIMAP_PREBUILD, copied under its SONAME. Only the platform this runs on is packed; the
// others would come as per-platform optional packages (README.md, "Other platforms").
//
//   node scripts/prebuild.mjs          # copy the library in
//   node scripts/prebuild.mjs --clean  # remove prebuilds/
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = path.dirname(fileURLToPath(import.meta.url));
const pkg = path.join(here, '..');
const prebuilds = path.join(pkg, 'prebuilds');
const fail = (msg) => {
  console.error(`scripts/prebuild.mjs: ${msg}`);
  process.exit(1);
};

if (process.argv.includes('--clean')) {
  fs.rmSync(prebuilds, { recursive: true, force: true });
  process.exit(0);
}

if (process.platform !== 'linux' || process.arch !== 'x64' || !process.report.getReport().header.glibcVersionRuntime)
  fail(`this script packs the linux-x64 glibc library; on ${process.platform}-${process.arch} see README.md, "Other platforms"`);

const G = createRequire(import.meta.url)('../lib/generated.cjs');
const major = G.defines.IMAP_VERSION_MAJOR;
const src = process.env.LIBIMAP_PREBUILD || path.resolve(pkg, '..', '..', 'target', 'release', 'libimap.so');
if (!fs.existsSync(src)) fail(`${src} not found: run \`cargo build --release --locked\` at the repository root first`);

// the ELF SONAME must be the name the file gets, or the dynamic loader would look elsewhere
// for a library that depends on it; read it from the dynamic section
const soname = readSoname(fs.readFileSync(src));
const file = `libimap.so.${major}`;
if (soname !== file) fail(`${src} has SONAME ${soname ?? '(none)'}, expected ${file}`);

const dir = path.join(prebuilds, 'linux-x64-gnu');
fs.rmSync(prebuilds, { recursive: true, force: true });
fs.mkdirSync(dir, { recursive: true });
fs.copyFileSync(src, path.join(dir, file));
fs.chmodSync(path.join(dir, file), 0o755);
console.error(`scripts/prebuild.mjs: ${path.relative(pkg, path.join(dir, file))} <- ${src}`);

/** DT_SONAME of a 64-bit little-endian ELF shared object, or null. */
function readSoname(b) {
  if (b.readUInt32BE(0) !== 0x7f454c46 || b[4] !== 2 || b[5] !== 1) return null;
  const shoff = Number(b.readBigUInt64LE(0x28));
  const shentsize = b.readUInt16LE(0x3a);
  const shnum = b.readUInt16LE(0x3c);
  const sections = [];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * shentsize;
    sections.push({ type: b.readUInt32LE(o + 4), offset: Number(b.readBigUInt64LE(o + 0x18)), size: Number(b.readBigUInt64LE(o + 0x20)), link: b.readUInt32LE(o + 0x28) });
  }
  const dyn = sections.find((s) => s.type === 6); // SHT_DYNAMIC
  if (!dyn) return null;
  const strtab = sections[dyn.link];
  for (let o = dyn.offset; o < dyn.offset + dyn.size; o += 16) {
    const tag = b.readBigInt64LE(o);
    if (tag === 0n) break;
    if (tag === 14n) {
      // DT_SONAME
      const at = strtab.offset + Number(b.readBigUInt64LE(o + 8));
      return b.toString('latin1', at, b.indexOf(0, at));
    }
  }
  return null;
}
