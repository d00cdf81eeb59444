// The `ca` option is a bundle: every certificate of the file is trusted, whatever its
// position; a bundle without the test server's CA fails with IMAP_CODE_TLS. The unrelated CAs
// are generated fresh with the openssl command.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, ImapError } from '../index.mjs';
import { dovecot } from '../test-support/dovecot.mjs';

let d;
let dir;
before(() => {
  d = dovecot();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'libimap-node-ca-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A freshly generated self-signed CA certificate (PEM) that did not sign the server's. */
function unrelatedCa(name) {
  const key = path.join(dir, `${name}.key`);
  const cert = path.join(dir, `${name}.pem`);
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-days', '2', '-subj', `/CN=libimap unrelated test CA ${name}`, '-keyout', key, '-out', cert,
  ], { stdio: 'ignore' });
  return fs.readFileSync(cert);
}

function bundle(name, parts) {
  const file = path.join(dir, `${name}.pem`);
  fs.writeFileSync(file, Buffer.concat(parts));
  return file;
}

/** Connects by implicit TLS and by STARTTLS trusting only `ca`. */
function ways(ca) {
  return [
    { host: d.host, port: d.tlsPort, tls: 'implicit', ca, timeout: 30000 },
    { host: d.host, port: d.port, tls: 'starttls', ca, timeout: 30000 },
  ];
}

test('every certificate of a CA bundle is trusted, in any order', async () => {
  const right = fs.readFileSync(d.ca);
  const a = unrelatedCa('a');
  const b = unrelatedCa('b');
  for (const [name, parts] of [
    ['right-last', [a, right]],
    ['right-first', [right, a]],
    ['right-middle', [a, right, b]],
  ]) {
    for (const opts of ways(bundle(name, parts))) {
      const c = await Client.connect(opts);
      try {
        assert.equal(c.isTls, true, name);
        assert.equal((await c.login('user3', 'pass3')).type, 'OK', name);
        await c.logout();
      } finally {
        await c.close();
      }
    }
  }
});

test('a bundle without the server CA fails with IMAP_CODE_TLS', async () => {
  const file = bundle('unrelated', [unrelatedCa('c'), unrelatedCa('d')]);
  for (const opts of ways(file)) {
    await assert.rejects(Client.connect(opts), (e) => {
      assert.ok(e instanceof ImapError, String(e));
      assert.equal(e.code, 'IMAP_CODE_TLS', `${opts.tls}: ${e.message}`);
      assert.match(e.message, /certificate verify failed/);
      return true;
    });
  }
});
