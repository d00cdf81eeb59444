// COMPRESS=DEFLATE (RFC 4978) against the test Dovecot: compress() (refused before login and
// when active already), a message fetched back byte for byte and pipelined fetches while
// compressed; the `compress` option over STARTTLS compresses after login.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '../index.mjs';
import { dovecot, plain, uniqueName } from '../test-support/dovecot.mjs';

let d;
before(() => {
  d = dovecot();
});

const kind = (k) => (e) => {
  assert.equal(e.kind, k, `${e.code}: ${e.message}`);
  return true;
};

test('compress(): refusals, a message round trip and pipelined fetches', async () => {
  const c = await Client.connect(plain());
  try {
    await assert.rejects(c.compress(), kind('ILLEGAL_STATE'));
    await c.login('user1', 'pass1');
    assert.equal(c.isCompressed, false);
    assert.equal((await c.compress()).type, 'OK');
    assert.equal(c.isCompressed, true);
    await assert.rejects(c.compress(), kind('ILLEGAL_STATE'));

    const mbox = uniqueName('compress');
    await c.create(mbox);
    const line = 'compressed line 0123456789 abcdefghijklmnopqrstuvwxyz\r\n';
    const msg = Buffer.from('Subject: compress\r\n\r\n' + line.repeat(20000));
    await c.append(mbox, null, null, msg);
    await c.select(mbox, { readonly: true });
    const f = await c.fetch('1', '(BODY.PEEK[])');
    assert.ok(Buffer.from(f.data[0][1]).equals(msg), 'the message came back whole');
    const all = await Promise.all(Array.from({ length: 40 }, () => c.fetch('1', '(UID RFC822.SIZE)')));
    for (const r of all) assert.equal(r.type, 'OK');
    await c.closeMailbox();
    await c.delete(mbox);
    assert.equal((await c.logout()).type, 'BYE');
  } finally {
    await c.close();
  }
});

test('the compress option compresses after login (STARTTLS)', async () => {
  const c = await Client.connect({ host: d.host, port: d.port, tls: 'starttls', ca: d.ca, compress: true });
  try {
    assert.equal(c.isCompressed, false);
    await c.login('user1', 'pass1');
    assert.equal(c.isTls, true);
    assert.equal(c.isCompressed, true);
    assert.equal((await c.noop()).type, 'OK');
  } finally {
    await c.close();
  }
  assert.throws(() => new Client({ compress: 'yes' }), TypeError);
});
