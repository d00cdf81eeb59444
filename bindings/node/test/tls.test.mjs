// Implicit TLS and STARTTLS against the test Dovecot, trusting its CA (DOVECOT_CA).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '../index.mjs';
import { dovecot, plain } from '../test-support/dovecot.mjs';

let d;
before(() => {
  d = dovecot();
});

async function session(c) {
  try {
    await c.login('user1', 'pass1');
    // over TLS too: the test Dovecot offers no -PLUS mechanism, so SCRAM-SHA-256
    assert.equal(c.authMechanism, 'SCRAM-SHA-256');
    const r = await c.select('INBOX', { readonly: true });
    assert.ok(Number(r.data[0].toString()) >= 20);
    const f = await c.fetch('1', '(BODY.PEEK[HEADER])');
    assert.ok(f.data[0][1].length > 0);
    assert.equal((await c.logout()).type, 'BYE');
  } finally {
    await c.close();
  }
}

test('implicit TLS with the CA', async () => {
  const c = await Client.connect({ host: d.host, port: d.tlsPort, tls: 'implicit', ca: d.ca });
  assert.equal(c.isTls, true);
  assert.equal(c.state, 'NONAUTH');
  assert.equal(c.hasCapability('STARTTLS'), false);
  await session(c);
});

test("implicit TLS by host name 'localhost' (certificate SAN)", async () => {
  const c = await Client.connect({ host: 'localhost', port: d.tlsPort, tls: 'implicit', ca: d.ca });
  assert.equal(c.isTls, true);
  await c.close();
});

test("STARTTLS mode: TLS before connect() resolves; capabilities read again", async () => {
  const c = await Client.connect({ host: d.host, port: d.port, tls: 'starttls', ca: d.ca });
  assert.equal(c.isTls, true);
  assert.equal(c.hasCapability('STARTTLS'), false, 'pre-TLS capabilities discarded');
  assert.equal(c.hasCapability('LOGINDISABLED'), false);
  await session(c);
});

test('starttls() on a plain connection', async () => {
  const c = await Client.connect(plain({ ca: d.ca }));
  assert.equal(c.isTls, false);
  const r = await c.starttls();
  assert.equal(r.type, 'OK');
  assert.equal(c.isTls, true);
  await session(c);
});

test('insecure: no verification (tests only)', async () => {
  const c = await Client.connect({ host: d.host, port: d.tlsPort, tls: 'implicit', insecure: true });
  assert.equal(c.isTls, true);
  await c.close();
});

test('tls defaults to implicit', async () => {
  const c = await Client.connect({ host: d.host, port: d.tlsPort, ca: d.ca });
  assert.equal(c.isTls, true);
  await c.close();
});
