// Authentication: the built-in SASL mechanisms (PLAIN with and without authzid, LOGIN,
// CRAM-MD5; XOAUTH2/OAUTHBEARER are not offered: UNSUPPORTED) and authenticate() with a JS
// callback answering the challenges (koffi callback from an async call, run on the main thread).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { Client, ImapError, Code } from '../index.mjs';
import { dovecot, plain } from '../test-support/dovecot.mjs';

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
