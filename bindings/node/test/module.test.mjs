// Entry points (ESM, CommonJS, package exports) and how libimap.so is found.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as esm from '../index.mjs';
import self from 'libimap';

const require = createRequire(import.meta.url);
const pkg = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

test('ESM and CommonJS entry points share one implementation', () => {
  const cjs = require('../index.cjs');
  assert.equal(esm.Client, cjs.Client);
  assert.equal(esm.ImapError, cjs.ImapError);
  assert.equal(esm.default.Client, cjs.Client);
  assert.equal(self.Client, cjs.Client, "import 'libimap' (package exports)");
  assert.equal(require('libimap').Client, cjs.Client, "require('libimap') (package exports)");
  for (const name of [
    'Client',
    'Idle',
    'ImapError',
    'Code',
    'codeName',
    'codeDescription',
    'libraryPath',
    'version',
    'versionNumber',
    'int2ap',
    'parseFlags',
    'internaldate2tuple',
    'time2internaldate',
    'utf7Encode',
    'utf7Decode',
    'decodeHeader',
  ])
    assert.ok(name in cjs && name in esm, name);
  assert.equal(esm.Code.NO, 1);
  assert.equal(esm.Code.UNSUPPORTED, 19);
  assert.equal(esm.Code.PARSE, 20);
  assert.equal(esm.codeName(esm.Code.PARSE), 'IMAP_CODE_PARSE');
  assert.equal(esm.parseFlags, cjs.parseFlags);
  assert.ok(Object.isFrozen(esm.Code));
});

test('libimap.so: $LIBIMAP_PATH, else ../../target/release, else libimap.so.1', () => {
  const inRepo = path.resolve(pkg, '..', '..', 'target', 'release', 'libimap.so');
  if (!process.env.LIBIMAP_PATH) {
    assert.ok(fs.existsSync(inRepo));
    assert.equal(esm.libraryPath, inRepo);
  }
  const bad = spawnSync(process.execPath, ['-e', "require('./index.cjs')"], {
    cwd: pkg,
    env: { ...process.env, LIBIMAP_PATH: '/nonexistent/libimap.so' },
    encoding: 'utf8',
  });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /ERR_LIBIMAP_LOAD|cannot load \/nonexistent\/libimap\.so/);
  const good = spawnSync(process.execPath, ['-p', "require('./index.cjs').libraryPath"], {
    cwd: pkg,
    env: { ...process.env, LIBIMAP_PATH: inRepo },
    encoding: 'utf8',
  });
  assert.equal(good.status, 0, good.stderr);
  assert.equal(good.stdout.trim(), inRepo);
});
