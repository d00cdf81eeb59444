// Authentication: login() choosing the strongest mechanism (imap_login_auto), the LOGIN
// command (loginCommand), SCRAM (loginScram), the built-in SASL mechanisms (PLAIN with and
// without authzid, LOGIN, CRAM-MD5; XOAUTH2/OAUTHBEARER are not offered: UNSUPPORTED) and
// authenticate() with a JS callback answering the challenges (koffi callback from an async
// call, run on the main thread). The wrong-password case is in errors.test.mjs (one failed
// SCRAM login: Dovecot then slows every login from 127.0.0.1 down for a few seconds).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { Client, ImapError, Code } from '../index.mjs';
import { dovecot, plain, fakeServer } from '../test-support/dovecot.mjs';

before(() => dovecot());

/** The STORAGE limit (KiB) of the logged-in user's INBOX quota root: tells users apart. */
async function storageLimit(c) {
  const { quota } = await c.getquotaroot('INBOX');
  const m = /STORAGE \d+ (\d+)/.exec(quota.data[0].toString());
  assert.ok(m, quota.data[0].toString());
  return Number(m[1]);
}

async function withClient(fnc) {
  const c = await Client.connect(plain());
  try {
    return await fnc(c);
  } finally {
    await c.logout().catch(() => {});
    await c.close();
  }
}

/** A logger keeping libimap's trace lines (debug 4: every line sent and received). */
function recorder() {
  const lines = [];
  const keep = (o) => lines.push(o.msg);
  return { lines, options: { debug: 4, logger: { debug: keep, info: keep, warn: keep, error: keep } } };
}

test('login over a plain connection: SCRAM-SHA-256 (the strongest offered), authMechanism says so', async () => {
  const rec = recorder();
  const c = await Client.connect(plain(rec.options));
  try {
    assert.equal(c.isTls, false);
    assert.ok(c.hasCapability('AUTH=SCRAM-SHA-256') && c.hasCapability('AUTH=PLAIN'));
    assert.equal(c.authMechanism, null);
    const r = await c.login('user1', 'pass1');
    assert.equal(r.status, 'OK');
    assert.equal(c.state, 'AUTH');
    assert.equal(c.authMechanism, 'SCRAM-SHA-256');
    assert.equal(await storageLimit(c), 1024 * 1024);
    assert.ok(rec.lines.some((m) => /AUTHENTICATE SCRAM-SHA-256/.test(m)), rec.lines.join('\n'));
    assert.ok(!rec.lines.some((m) => /\bLOGIN user1\b|pass1/.test(m)), 'no LOGIN command, no password');
  } finally {
    await c.logout().catch(() => {});
    await c.close();
  }
  assert.equal(c.authMechanism, 'SCRAM-SHA-256', 'kept after close()');
});

test('loginCommand: the LOGIN command (imaplib login), even offered SCRAM', async () => {
  const rec = recorder();
  const c = await Client.connect(plain(rec.options));
  try {
    await c.loginCommand('user3', 'pass3');
    assert.equal(c.state, 'AUTH');
    assert.equal(c.authMechanism, 'LOGIN-COMMAND');
    assert.equal(await storageLimit(c), 64, "user3's 64K quota");
    assert.ok(rec.lines.some((m) => /LOGIN user3\b/.test(m)), rec.lines.join('\n'));
    assert.ok(!rec.lines.some((m) => /AUTHENTICATE/.test(m)));
  } finally {
    await c.logout().catch(() => {});
    await c.close();
  }
});

test('loginScram: SCRAM-SHA-1', () =>
  withClient(async (c) => {
    assert.ok(c.hasCapability('AUTH=SCRAM-SHA-1'));
    const r = await c.loginScram('SCRAM-SHA-1', 'user3', 'pass3');
    assert.equal(r.status, 'OK');
    assert.equal(c.state, 'AUTH');
    assert.equal(c.authMechanism, 'SCRAM-SHA-1');
    assert.equal(await storageLimit(c), 64, "user3's 64K quota");
  }));

test('loginScram: bad arguments rejected before anything is sent; -PLUS needs TLS', () =>
  withClient(async (c) => {
    await assert.rejects(c.loginScram('SCRAM-SHA-256', 'user1', 'pass1', 'user2'), TypeError);
    await assert.rejects(c.loginScram('SCRAM-SHA-256', 'user1', 7), TypeError);
    await assert.rejects(c.loginScram('SCRAM-SHA-256', 'user1', 'pass\u00001'), (e) => e instanceof ImapError && e.kind === 'INVALID_ARGUMENT');
    await assert.rejects(c.loginScram('SCRAM-SHA-256', 'user1', 'pass1', { authzid: 'a\u0000b' }), (e) => e instanceof ImapError && e.kind === 'INVALID_ARGUMENT');
    await assert.rejects(c.loginScram('PLAIN', 'user1', 'pass1'), (e) => e instanceof ImapError && e.kind === 'INVALID_ARGUMENT');
    // not offered by the test Dovecot (and no channel to bind over a plain connection)
    await assert.rejects(c.loginScram('SCRAM-SHA-256-PLUS', 'user1', 'pass1'), (e) => e instanceof ImapError && e.kind === 'UNSUPPORTED');
    assert.equal(c.state, 'NONAUTH');
    assert.equal(c.authMechanism, null);
    assert.equal((await c.noop()).type, 'OK');
  }));

/** A fake server greeting with `caps` and answering LOGIN and AUTHENTICATE PLAIN with OK. */
async function passwordOnlyServer(caps, received) {
  return fakeServer((s) => {
    s.write(`* OK [CAPABILITY ${caps}] fake ready\r\n`);
    let buf = '';
    let authTag = null;
    s.on('data', (d) => {
      buf += d.toString('latin1');
      let i;
      while ((i = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        received.push(line);
        if (authTag !== null) {
          s.write(`${authTag} OK [CAPABILITY IMAP4rev1] logged in\r\n`);
          authTag = null;
          continue;
        }
        const [tag, name, mech] = line.split(' ');
        if (name === 'AUTHENTICATE' && mech === 'PLAIN' && line.split(' ').length === 3) {
          authTag = tag;
          s.write('+ \r\n');
        } else if (name === 'CAPABILITY') s.write(`* CAPABILITY ${caps}\r\n${tag} OK done\r\n`);
        else if (name === 'LOGOUT') s.end(`* BYE bye\r\n${tag} OK done\r\n`);
        else s.write(`${tag} OK [CAPABILITY IMAP4rev1] done\r\n`);
      }
    });
  });
}

test('login without TLS to a server offering only password mechanisms: refused unless allowPlaintextPassword (fake server)', async () => {
  for (const [caps, mechanism, sent] of [
    ['IMAP4rev1 AUTH=PLAIN', 'PLAIN', /^\S+ AUTHENTICATE PLAIN$/],
    ['IMAP4rev1', 'LOGIN-COMMAND', /^\S+ LOGIN user1 /],
  ]) {
    const received = [];
    const srv = await passwordOnlyServer(caps, received);
    try {
      const refused = await Client.connect({ host: '127.0.0.1', port: srv.port, tls: 'none' });
      try {
        await assert.rejects(refused.login('user1', 'pass1'), (e) => {
          assert.ok(e instanceof ImapError);
          assert.equal(e.kind, 'UNSUPPORTED');
          return true;
        });
        assert.equal(refused.state, 'NONAUTH');
        assert.ok(!received.some((l) => /pass1|cGFzczE|LOGIN|AUTHENTICATE/.test(l)), received.join('\n'));
        assert.equal(refused.authMechanism, null);
      } finally {
        await refused.close();
      }
      received.length = 0;
      const allowed = await Client.connect({ host: '127.0.0.1', port: srv.port, tls: 'none', allowPlaintextPassword: true });
      try {
        assert.equal((await allowed.login('user1', 'pass1')).status, 'OK');
        assert.equal(allowed.state, 'AUTH');
        assert.equal(allowed.authMechanism, mechanism);
        assert.ok(received.some((l) => sent.test(l)), received.join('\n'));
      } finally {
        await allowed.close();
      }
    } finally {
      await srv.close();
    }
  }
  assert.throws(() => new Client({ allowPlaintextPassword: 'yes' }), TypeError);
});

test('loginScram: a server that cannot prove it knows the password: ABORT, connection closed (fake server)', async () => {
  // The fake server plays SCRAM-SHA-256 up to the end, then sends a server signature computed
  // from another password.
  const { pbkdf2Sync, createHmac } = await import('node:crypto');
  const hmac = (key, text) => createHmac('sha256', key).update(text).digest();
  const received = [];
  const srv = await fakeServer((s) => {
    s.write('* OK [CAPABILITY IMAP4rev1 AUTH=SCRAM-SHA-256] fake ready\r\n');
    let buf = '';
    let step = 0;
    let tag = null;
    let clientFirstBare = '';
    let serverFirst = '';
    s.on('data', (d) => {
      buf += d.toString('latin1');
      let i;
      while ((i = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        received.push(line);
        if (step === 0) {
          const parts = line.split(' ');
          tag = parts[0];
          if (parts[1] !== 'AUTHENTICATE') {
            s.write(`${tag} BAD unexpected\r\n`);
            continue;
          }
          step = 1;
          if (parts.length === 3) {
            s.write('+ \r\n');
            continue;
          }
          buf = `${parts[3]}\r\n${buf}`; // SASL-IR not offered, but read it anyway
        } else if (step === 1) {
          clientFirstBare = Buffer.from(line, 'base64').toString().replace(/^[^,]*,[^,]*,/, '');
          const nonce = /r=([^,]+)/.exec(clientFirstBare)[1];
          serverFirst = `r=${nonce}fake,s=${Buffer.from('salt').toString('base64')},i=4096`;
          s.write(`+ ${Buffer.from(serverFirst).toString('base64')}\r\n`);
          step = 2;
        } else if (step === 2) {
          const clientFinal = Buffer.from(line, 'base64').toString();
          const authMessage = `${clientFirstBare},${serverFirst},${clientFinal.replace(/,p=.*$/, '')}`;
          const salted = pbkdf2Sync('not-the-password', 'salt', 4096, 32, 'sha256');
          const signature = hmac(hmac(salted, 'Server Key'), authMessage).toString('base64');
          // the client's proof is not checked: this server would accept anyone
          s.write(`+ ${Buffer.from(`v=${signature}`).toString('base64')}\r\n`);
          step = 3;
        } else if (step === 3) {
          s.write(`${tag} OK logged in\r\n`);
          step = 4;
        }
      }
    });
  });
  try {
    const c = await Client.connect({ host: '127.0.0.1', port: srv.port, tls: 'none' });
    try {
      await assert.rejects(c.loginScram('SCRAM-SHA-256', 'user1', 'pass1'), (e) => {
        assert.ok(e instanceof ImapError);
        assert.equal(e.kind, 'ABORT');
        return true;
      });
      assert.ok(received.some((l) => /AUTHENTICATE SCRAM-SHA-256/.test(l)), received.join('\n'));
      assert.equal(c.isOpen, false);
      assert.notEqual(c.state, 'AUTH');
      assert.equal(c.authMechanism, null);
      await assert.rejects(c.noop(), (e) => e instanceof ImapError);
    } finally {
      await c.close();
    }
  } finally {
    await srv.close();
  }
});

test('loginPlain: AUTHENTICATE PLAIN; capabilities refreshed', () =>
  withClient(async (c) => {
    assert.ok(c.hasCapability('AUTH=PLAIN'));
    const r = await c.loginPlain('user1', 'pass1');
    assert.equal(r.status, 'OK');
    assert.equal(c.state, 'AUTH');
    assert.ok(c.hasCapability('MOVE'));
    assert.equal(await storageLimit(c), 1024 * 1024);
  }));

test('loginPlain with an authzid: master user acting as user2', () =>
  withClient(async (c) => {
    await c.loginPlain('master', 'masterpw', 'user2');
    assert.equal(c.state, 'AUTH');
    assert.equal(await storageLimit(c), 10 * 1024, "user2's 10M quota");
  }));

test('loginSaslLogin (AUTHENTICATE LOGIN) as user3', () =>
  withClient(async (c) => {
    const r = await c.loginSaslLogin('user3', 'pass3');
    assert.equal(r.type, 'OK');
    assert.equal(c.state, 'AUTH');
    assert.equal(await storageLimit(c), 64, "user3's 64K quota");
  }));

test('loginCramMd5', () =>
  withClient(async (c) => {
    assert.ok(c.hasCapability('AUTH=CRAM-MD5'));
    const r = await c.loginCramMd5('user1', 'pass1');
    assert.equal(r.status, 'OK');
    assert.equal(c.state, 'AUTH');
  }));

test('loginXoauth2, loginOauthbearer: UNSUPPORTED, nothing sent, connection usable', () =>
  withClient(async (c) => {
    assert.equal(c.hasCapability('AUTH=XOAUTH2'), false);
    for (const p of [c.loginXoauth2('user1', 'token'), c.loginOauthbearer('user1', 'token')]) {
      await assert.rejects(p, (e) => {
        assert.ok(e instanceof ImapError);
        assert.equal(e.code, 'IMAP_CODE_UNSUPPORTED');
        assert.equal(e.kind, 'UNSUPPORTED');
        assert.equal(e.status, Code.UNSUPPORTED);
        assert.equal(e.result, null);
        return true;
      });
    }
    assert.equal(c.state, 'NONAUTH');
    assert.equal((await c.noop()).type, 'OK');
    await c.login('user1', 'pass1');
  }));

test('authenticate(LOGIN) with a JS callback: challenges answered on the main thread, off the event loop', () =>
  withClient(async (c) => {
    const events = [];
    const p = c.authenticate('LOGIN', (challenge) => {
      assert.ok(Buffer.isBuffer(challenge));
      events.push(`challenge:${challenge.toString()}`);
      return /user/i.test(challenge.toString()) ? 'user2' : Buffer.from('pass2');
    });
    // the C call did not run synchronously: no challenge yet, and the event loop turns
    // (setImmediate) while the worker waits for the server
    assert.deepEqual(events, []);
    setImmediate(() => events.push('immediate'));
    const r = await p;
    assert.equal(r.status, 'OK');
    assert.match(r.text, /Logged in/);
    assert.equal(c.state, 'AUTH');
    assert.deepEqual(
      events.filter((e) => e !== 'immediate'),
      ['challenge:Username:', 'challenge:Password:'],
    );
    assert.ok(events.indexOf('immediate') < events.indexOf('challenge:Password:'), events.join(', '));
    assert.equal(await storageLimit(c), 10 * 1024);
  }));

test('authenticate(PLAIN) with an initial response (SASL-IR): no challenge', () =>
  withClient(async (c) => {
    let calls = 0;
    const r = await c.authenticate(
      'PLAIN',
      () => {
        calls++;
        return null;
      },
      { initial: Buffer.from('\0user1\0pass1') },
    );
    assert.equal(r.status, 'OK');
    assert.equal(calls, 0);
    assert.equal(c.state, 'AUTH');
  }));

test('authenticate: a throwing callback aborts and rejects with its error; null aborts too', () =>
  withClient(async (c) => {
    const boom = new Error('no credentials here');
    await assert.rejects(
      c.authenticate('LOGIN', () => {
        throw boom;
      }),
      (e) => e === boom,
    );
    await assert.rejects(
      c.authenticate('LOGIN', () => null),
      (e) => e instanceof ImapError && (e.kind === 'BAD' || e.kind === 'NO'),
    );
    await assert.rejects(c.authenticate('LOGIN', () => Promise.resolve('user1')), /not a Promise/);
    assert.equal(c.state, 'NONAUTH');
    await assert.rejects(c.authenticate('LOGIN', 'nope'), TypeError);
    // the connection is still in step
    assert.equal((await c.noop()).type, 'OK');
    await c.loginPlain('user1', 'pass1');
    assert.equal(c.state, 'AUTH');
  }));
