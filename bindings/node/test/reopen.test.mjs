// One client, many connections: open() after logout() and after a failure starts from a clean
// state (nothing of the earlier connection carries over).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { Client, ImapError } from '../index.mjs';
import { dovecot, plain, closedPort, fakeServer } from '../test-support/dovecot.mjs';

before(() => dovecot());

const code = (name) => (e) => {
  assert.ok(e instanceof ImapError, `not an ImapError: ${e && e.stack}`);
  assert.equal(e.code, `IMAP_CODE_${name}`, `${e.code}: ${e.message}`);
  return true;
};

/** Newly connected to Dovecot, nothing left of an earlier connection; NOOP works. */
async function checkFresh(c) {
  assert.equal(c.isOpen, true);
  assert.equal(c.state, 'NONAUTH');
  assert.equal(c.isReadOnly, false);
  assert.ok(c.hasCapability('IMAP4rev1'), String(c.capabilities));
  assert.match(c.welcome.toString(), /^\* OK /);
  assert.deepEqual((await c.response('EXISTS')).data, [null]);
  await c.noop();
}

for (const tls of ['none', 'implicit']) {
  test(`open, logout, open (tls ${tls})`, async () => {
    const d = dovecot();
    const opts = tls === 'none' ? plain() : { host: d.host, port: d.tlsPort, tls, ca: d.ca, timeout: 30000 };
    const c = new Client(opts);
    try {
      for (let round = 0; round < 3; round++) {
        await c.open();
        await checkFresh(c);
        await c.login('user1', 'pass1');
        await c.select('INBOX', { readonly: true });
        assert.equal(c.isReadOnly, true);
        await c.logout();
        assert.equal(c.isOpen, false);
      }
    } finally {
      await c.close();
    }
  });
}

test('open, failure, open', async () => {
  // a refused connection, then Dovecot
  const c = new Client(plain({ port: await closedPort() }));
  try {
    await assert.rejects(c.open(), code('CONNECT'));
    assert.equal(c.isOpen, false);
  } finally {
    await c.close();
  }

  // a server that breaks the protocol mid-session, bytes left unread; it behaves the second time
  let n = 0;
  const srv = await fakeServer((s) => {
    const first = n++ === 0;
    s.write('* OK [CAPABILITY IMAP4rev1] fake ready\r\n');
    s.once('data', (line) => {
      const tag = line.toString().split(' ')[0];
      s.write(first ? '* OK [ALERT] early\r\ngarbage\r\n* 1 FETCH (BODY[] {10}\r\nabc' : `${tag} OK second\r\n`);
    });
  });
  const f = new Client({ host: '127.0.0.1', port: srv.port, tls: 'none', timeout: 30000 });
  try {
    await f.open();
    await assert.rejects(f.noop(), code('ABORT'));
    assert.equal(f.isOpen, false);
    await f.open();
    assert.equal(f.isOpen, true);
    assert.deepEqual((await f.response('ALERT')).data, [null]);
    await f.noop();
  } finally {
    await f.close();
    await srv.close();
  }
});
