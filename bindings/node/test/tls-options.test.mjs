// TLS options (caDir, systemCa, servername, minVersion, ca) for implicit TLS and STARTTLS
// against the test Dovecot, whose self-signed certificate names localhost and 127.0.0.1: the
// cases of tests/c/test_tls_options.c.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, ImapError } from '../index.mjs';
import { dovecot, packageRoot } from '../test-support/dovecot.mjs';

let d;
let dir; // a CA directory in OpenSSL's hashed layout holding the test CA
let empty; // an empty one
before(() => {
  d = dovecot();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'libimap-node-cadir-'));
  empty = path.join(dir, 'empty');
  fs.mkdirSync(empty);
  fs.copyFileSync(d.ca, path.join(dir, 'test-ca.pem'));
  execFileSync('openssl', ['rehash', dir], { stdio: 'ignore' });
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const MODES = ['implicit', 'starttls'];
const port = (mode) => (mode === 'implicit' ? d.tlsPort : d.port);

/** Connects with `opts` in `mode`, logs in and out; resolves to 'OK' or the error. */
async function attempt(mode, opts) {
  let c;
  try {
    c = await Client.connect({ host: '127.0.0.1', port: port(mode), tls: mode, timeout: 20000, ...opts });
    assert.equal(c.isTls, true);
    await c.login('user1', 'pass1');
    await c.logout();
    return 'OK';
  } catch (e) {
    if (!(e instanceof ImapError)) throw e;
    return e;
  } finally {
    if (c) await c.close();
  }
}

for (const mode of MODES) {
  test(`${mode}: systemCa false trusts only ca / caDir`, async () => {
    const none = await attempt(mode, { systemCa: false });
    assert.equal(none.kind, 'TLS');
    assert.match(none.message, /certificate verify failed/);
    assert.equal(await attempt(mode, { systemCa: false, ca: d.ca }), 'OK');
    assert.equal(await attempt(mode, { systemCa: false, caDir: dir }), 'OK');
    const e = await attempt(mode, { systemCa: false, caDir: empty });
    assert.equal(e.kind, 'TLS');
    assert.match(e.message, /certificate verify failed/);
    const missing = await attempt(mode, { systemCa: false, caDir: '/nonexistent/libimap-ca-dir' });
    assert.equal(missing.kind, 'TLS');
    assert.match(missing.message, /\/nonexistent\/libimap-ca-dir/);
  });

  test(`${mode}: servername is verified (and sent) when connecting by address`, async () => {
    assert.equal(await attempt(mode, { ca: d.ca, servername: 'localhost' }), 'OK');
    const e = await attempt(mode, { ca: d.ca, servername: 'mail.example.org' });
    assert.equal(e.kind, 'TLS');
    assert.match(e.message, /mismatch/);
    assert.match(e.message, /mail\.example\.org/);
  });

  test(`${mode}: minVersion TLSv1.3 (the test Dovecot speaks it)`, async () => {
    assert.equal(await attempt(mode, { ca: d.ca, minVersion: 'TLSv1.3' }), 'OK');
    assert.equal(await attempt(mode, { ca: d.ca, minVersion: 'TLSv1.2' }), 'OK');
  });

  test(`${mode}: the system store is used by default (OpenSSL's SSL_CERT_FILE naming the test CA)`, () => {
    // OpenSSL reads these when the first connection builds its context: a process of its own
    const src = `import { Client } from './index.mjs';
      const c = await Client.connect({ host: '127.0.0.1', port: ${port(mode)}, tls: '${mode}', timeout: 20000, ...(process.argv[1] === 'off' ? { systemCa: false } : {}) });
      await c.close();`;
    const run = (arg) =>
      spawnSync(process.execPath, ['--input-type=module', '-e', src, arg], {
        cwd: packageRoot,
        env: { ...process.env, SSL_CERT_FILE: d.ca, SSL_CERT_DIR: empty },
        encoding: 'utf8',
        timeout: 60000,
      });
    const on = run('on');
    assert.equal(on.status, 0, on.stderr);
    const off = run('off');
    assert.notEqual(off.status, 0);
    assert.match(off.stderr, /certificate verify failed/);
  });
}

test('TLS options are checked when the client is made', () => {
  assert.throws(() => new Client({ minVersion: 'TLSv1.1' }), TypeError);
  assert.throws(() => new Client({ systemCa: 'no' }), TypeError);
  assert.throws(() => new Client({ servername: 'a b' }), (e) => e instanceof ImapError && e.kind === 'INVALID_ARGUMENT');
  assert.throws(() => new Client({ servername: 'x\r\n' }), (e) => e instanceof ImapError && e.kind === 'INVALID_ARGUMENT');
  assert.throws(() => new Client({ servername: '' }), (e) => e instanceof ImapError && e.kind === 'INVALID_ARGUMENT');
});
