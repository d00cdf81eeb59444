// Every kind of failure: those Dovecot produces, plus timeout/abort/interrupt against a tiny
// local fake server. Each rejects with an ImapError carrying code, kind, status and message.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { Client, ImapError, Code, codeName, codeDescription } from '../index.mjs';
import { dovecot, plain, uniqueName, closedPort, fakeServer } from '../test-support/dovecot.mjs';

const isImapError = (code) => (e) => {
  assert.ok(e instanceof ImapError, `not an ImapError: ${e && e.stack}`);
  assert.equal(e.code, `IMAP_CODE_${code}`, `${e.code}: ${e.message}`);
  assert.equal(e.kind, code);
  assert.equal(e.status, Code[code]);
  assert.equal(e.name, 'ImapError');
  assert.equal(typeof e.message, 'string');
  assert.ok(e.message.length > 0);
  return true;
};

before(() => dovecot());

test('code names and descriptions come from the C library', () => {
  assert.equal(codeName(Code.NO), 'IMAP_CODE_NO');
  assert.equal(codeName(Code.CONNECT), 'IMAP_CODE_CONNECT');
  assert.equal(codeName(99), 'IMAP_CODE_UNKNOWN');
  assert.match(codeDescription(Code.NO), /NO/);
});

// The suite's one failed login (SCRAM-SHA-256 through login(): Dovecot then delays logins from
// this address for a few seconds).
test('NO: wrong password (the connection stays usable)', async () => {
  const c = await Client.connect(plain());
  try {
    await assert.rejects(c.login('user1', 'wrong-password'), (e) => {
      isImapError('NO')(e);
      assert.match(e.text, /AUTHENTICATIONFAILED/);
      assert.equal(e.result.type, 'NO');
      assert.equal(e.result.status, 'NO');
      assert.equal(e.result.code, 'AUTHENTICATIONFAILED');
      assert.doesNotMatch(e.message, /wrong-password/);
      return true;
    });
    assert.equal(c.state, 'NONAUTH');
    assert.equal(c.authMechanism, null);
    await c.login('user1', 'pass1');
    assert.equal(c.authMechanism, 'SCRAM-SHA-256');
    // NO from a command in AUTH state
    await assert.rejects(c.select(uniqueName('missing')), isImapError('NO'));
    await assert.rejects(c.delete(uniqueName('missing')), isImapError('NO'));
    assert.equal(c.state, 'AUTH');
    await c.noop();
  } finally {
    await c.logout().catch(() => {});
    await c.close();
  }
});

test('BAD: unknown command, bad fetch item (the connection stays usable)', async () => {
  const c = await Client.connect(plain());
  try {
    await c.login('user1', 'pass1');
    await assert.rejects(c.xatom('XNOSUCHCOMMAND'), (e) => {
      isImapError('BAD')(e);
      assert.equal(e.result.status, 'BAD');
      assert.ok(e.text.length > 0);
      return true;
    });
    await c.select('INBOX', { readonly: true });
    await assert.rejects(c.fetch('1', '(NOSUCHITEM)'), isImapError('BAD'));
    await assert.rejects(c.search(null, 'NOSUCHKEY'), isImapError('BAD'));
    assert.equal((await c.noop()).type, 'OK');
  } finally {
    await c.logout().catch(() => {});
    await c.close();
  }
});

test('ILLEGAL_STATE: nothing is sent', async () => {
  const c = await Client.connect(plain());
  try {
    await assert.rejects(c.select('INBOX'), isImapError('ILLEGAL_STATE'));
    await assert.rejects(c.fetch('1', 'FLAGS'), isImapError('ILLEGAL_STATE'));
    await c.login('user1', 'pass1');
    await assert.rejects(c.loginCommand('user1', 'pass1'), isImapError('ILLEGAL_STATE'));
    // login() in AUTH state: refused before anything is sent too (libimap answers UNSUPPORTED
    // here: Dovecot's capabilities after login list no mechanism, and they are checked first)
    await assert.rejects(c.login('user1', 'pass1'), (e) => e instanceof ImapError && ['ILLEGAL_STATE', 'UNSUPPORTED'].includes(e.kind));
    assert.equal(c.state, 'AUTH');
    await assert.rejects(c.expunge(), isImapError('ILLEGAL_STATE'));
    assert.equal((await c.noop()).type, 'OK');
  } finally {
    await c.logout().catch(() => {});
    await c.close();
  }
});

test('INVALID_ARGUMENT: CR/LF (libimap) and NUL (the binding) in a mailbox name', async () => {
  const c = await Client.connect(plain());
  try {
    await c.login('user1', 'pass1');
    await assert.rejects(c.create('evil\r\nA1 DELETE INBOX'), isImapError('INVALID_ARGUMENT'));
    await assert.rejects(c.create('evil\nname'), isImapError('INVALID_ARGUMENT'));
    await assert.rejects(c.create('evil\0name'), isImapError('INVALID_ARGUMENT'));
    await c.select('INBOX', { readonly: true });
    await assert.rejects(c.search(null, 'SUBJECT', 'a\r\nb'), isImapError('INVALID_ARGUMENT'));
    await assert.rejects(c.uid('FETCH', '1', '(FLAGS)\r\n'), isImapError('INVALID_ARGUMENT'));
    // still in sync: nothing was sent
    assert.equal((await c.noop()).type, 'OK');
    assert.equal(c.state, 'SELECTED');
  } finally {
    await c.logout().catch(() => {});
    await c.close();
  }
});

test('TypeError for arguments of the wrong type (a rejection, never a throw)', async () => {
  const c = await Client.connect(plain());
  try {
    const p = c.login(1, 2);
    assert.ok(p instanceof Promise);
    await assert.rejects(p, TypeError);
    await assert.rejects(c.append('INBOX', null, null, 42), TypeError);
    await assert.rejects(c.search(null, 7), TypeError);
    assert.throws(() => new Client({ trace: () => {} }), /logger/);
    await assert.rejects(Client.connect({ tls: 'sometimes' }), TypeError);
    await assert.rejects(Client.connect({ port: 70000 }), TypeError);
    assert.throws(() => new Client({ timeout: 0 }), TypeError);
  } finally {
    await c.close();
  }
});

test('READONLY: a writable SELECT answered READ-ONLY (shared mailbox with lr rights)', async () => {
  const owner = await Client.connect(plain());
  const other = await Client.connect(plain());
  const mb = uniqueName('ro');
  try {
    await owner.login('user1', 'pass1');
    await owner.create(mb);
    await owner.xatom('SETACL', mb, 'user2', 'lr');
    await other.login('user2', 'pass2');
    await assert.rejects(other.select(`shared/user1/${mb}`), (e) => {
      isImapError('READONLY')(e);
      assert.equal(e.result.code, 'READ-ONLY');
      return true;
    });
    // as imaplib, the READ-ONLY response stays pending and every later command raises
    // READONLY until it is popped with response('READ-ONLY')
    await assert.rejects(other.noop(), isImapError('READONLY'));
    assert.equal((await other.response('READ-ONLY')).type, 'READ-ONLY');
    assert.equal((await other.noop()).type, 'OK');
    // EXAMINE is fine
    await other.select(`shared/user1/${mb}`, { readonly: true });
    assert.equal(other.isReadOnly, true);
  } finally {
    await owner.delete(mb).catch(() => {});
    await owner.logout().catch(() => {});
    await other.logout().catch(() => {});
    await owner.close();
    await other.close();
  }
});

test('TLS: implicit TLS and STARTTLS without the CA fail verification', async () => {
  const d = dovecot();
  await assert.rejects(Client.connect({ host: d.host, port: d.tlsPort, tls: 'implicit' }), isImapError('TLS'));
  await assert.rejects(Client.connect({ host: d.host, port: d.port, tls: 'starttls' }), isImapError('TLS'));
  // starttls() on a plain connection: the connection is closed on failure
  const c = await Client.connect(plain());
  try {
    await assert.rejects(c.starttls(), isImapError('TLS'));
    await assert.rejects(c.noop(), isImapError('CLOSED'));
  } finally {
    await c.close();
  }
});

test('CONNECT: nothing listens on the port', async () => {
  const port = await closedPort();
  await assert.rejects(Client.connect({ host: '127.0.0.1', port, tls: 'none' }), (e) => {
    isImapError('CONNECT')(e);
    assert.match(e.message, new RegExp(String(port)));
    return true;
  });
});

test('CLOSED: after logout, after close()', async () => {
  const c = await Client.connect(plain());
  await c.login('user1', 'pass1');
  await c.logout();
  await assert.rejects(c.noop(), isImapError('CLOSED'));
  await assert.rejects(c.select('INBOX'), isImapError('CLOSED'));
  await c.close();
  await assert.rejects(c.noop(), isImapError('CLOSED'));
  await assert.rejects(c.login('a', 'b'), isImapError('CLOSED'));
});

test('LIMIT: a server line longer than limits.maxLine closes the connection', async () => {
  await assert.rejects(Client.connect(plain({ limits: { maxLine: 40 } })), isImapError('LIMIT'));
  const c = await Client.connect(plain({ limits: { maxLiteral: 100 } }));
  try {
    await c.login('user1', 'pass1');
    await c.select('INBOX', true);
    await assert.rejects(c.fetch('1', '(BODY.PEEK[])'), isImapError('LIMIT'));
    await assert.rejects(c.noop(), isImapError('CLOSED'));
  } finally {
    await c.close();
  }
});

test('TIMEOUT: a server that never greets (fake server)', async () => {
  const srv = await fakeServer(() => {});
  try {
    const t0 = Date.now();
    await assert.rejects(
      Client.connect({ host: '127.0.0.1', port: srv.port, tls: 'none', timeout: 300 }),
      isImapError('TIMEOUT'),
    );
    assert.ok(Date.now() - t0 < 5000);
  } finally {
    await srv.close();
  }
});

test('TIMEOUT: a server dripping its reply ends the call within its deadline (fake server)', async () => {
  // 20 bytes/s, far below the minimum rate: the call ends at its deadline (the 300 ms I/O
  // timeout), although a byte arrives every 50 ms.
  const drip = (s) => {
    s.write('* OK [CAPABILITY IMAP4rev1] fake ready\r\n');
    s.once('data', () => {
      const bytes = Buffer.from('* 1 EXISTS\r\n'.repeat(20));
      let i = 0;
      const timer = setInterval(() => {
        if (i >= bytes.length || s.destroyed) return clearInterval(timer);
        s.write(bytes.subarray(i, ++i));
      }, 50);
      s.on('close', () => clearInterval(timer));
      s.on('error', () => clearInterval(timer));
    });
  };
  const srv = await fakeServer(drip);
  try {
    const c = await Client.connect({ host: '127.0.0.1', port: srv.port, tls: 'none', timeout: 300 });
    const t0 = Date.now();
    await assert.rejects(c.noop(), (e) => isImapError('TIMEOUT')(e) && /deadline/.test(e.message));
    assert.ok(Date.now() - t0 < 3000, `took ${Date.now() - t0} ms`);
    await c.close();
    // callTimeout and minRate are checked, then passed on.
    assert.throws(() => new Client({ callTimeout: 0 }), TypeError);
    assert.throws(() => new Client({ minRate: -1 }), TypeError);
    const d = new Client({ host: '127.0.0.1', port: srv.port, tls: 'none', callTimeout: 5000, minRate: 0 });
    await d.close();
  } finally {
    await srv.close();
  }
});

test('ABORT: the server hangs up mid-session (fake server)', async () => {
  const srv = await fakeServer((s) => {
    s.write('* OK [CAPABILITY IMAP4rev1] fake ready\r\n');
    s.on('data', () => s.end('* BYE going away\r\n'));
  });
  try {
    const c = await Client.connect({ host: '127.0.0.1', port: srv.port, tls: 'none' });
    await assert.rejects(c.noop(), isImapError('ABORT'));
    await assert.rejects(c.noop(), isImapError('CLOSED'));
    await c.close();
  } finally {
    await srv.close();
  }
});

test('INTERRUPTED: interrupt() ends a blocked call promptly (fake server)', async () => {
  const srv = await fakeServer(() => {});
  try {
    const c = new Client({ host: '127.0.0.1', port: srv.port, tls: 'none', timeout: 60000 });
    const opening = c.open();
    await new Promise((r) => setTimeout(r, 200));
    const t0 = Date.now();
    assert.equal(c.interrupt(), true);
    await assert.rejects(opening, isImapError('INTERRUPTED'));
    assert.ok(Date.now() - t0 < 2000);
    assert.equal(c.interrupt(), false, 'nothing running any more');
    await c.close();
  } finally {
    await srv.close();
  }
});
