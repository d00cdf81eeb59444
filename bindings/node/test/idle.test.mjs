// IDLE as an async iterator (imap_idle_wait in short async waits: the event loop stays free,
// done() is prompt), and stream connections (imaplib's IMAP4_stream) to the Dovecot imap binary.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { Client, Idle, ImapError } from '../index.mjs';
import { dovecot, plain, uniqueName, makeMessage, lines } from '../test-support/dovecot.mjs';

before(() => dovecot());

test("IDLE: woken by another client's APPEND; the event loop keeps running", { timeout: 60000 }, async (t) => {
  const mb = uniqueName('idle');
  const watcher = await Client.connect(plain());
  const writer = await Client.connect(plain());
  let timer = null;
  try {
    await Promise.all([watcher.login('user2', 'pass2'), writer.login('user2', 'pass2')]);
    await watcher.create(mb);
    assert.deepEqual(lines(await watcher.select(mb)), ['0']);

    const idle = await watcher.idle({ duration: 20000 }); // duration: the test cannot hang
    assert.ok(idle instanceof Idle);
    assert.equal(watcher.state, 'IDLING');
    // other commands are refused by libimap while idling (nothing sent)
    await assert.rejects(watcher.noop(), (e) => e instanceof ImapError && e.kind === 'ILLEGAL_STATE');

    let ticks = 0;
    timer = setInterval(() => ticks++, 10);
    const t0 = performance.now();
    let appended = null;
    setTimeout(() => {
      appended = writer.append(mb, null, null, makeMessage('idle-wakeup', 500));
    }, 300);

    const updates = [];
    for await (const update of idle) {
      updates.push(update);
      if (update.type === 'EXISTS') break;
    }
    const ms = performance.now() - t0;
    clearInterval(timer);
    timer = null;
    t.diagnostic(`EXISTS after ${ms.toFixed(0)} ms; timer fired ${ticks} times meanwhile; updates: ${updates.map((u) => u.type)}`);
    const exists = updates.at(-1);
    assert.equal(exists.type, 'EXISTS');
    assert.deepEqual(lines(exists), ['1']);
    assert.ok(ms >= 250, 'woken by the APPEND, not before');
    assert.ok(ticks >= Math.floor(ms / 10 / 4), `timer fired ${ticks} times in ${ms.toFixed(0)} ms`);
    assert.equal((await appended).code, 'APPENDUID');

    const done = await idle.done();
    assert.equal(done.status, 'OK');
    assert.equal(idle.done(), idle.done(), 'idempotent');
    assert.equal(watcher.state, 'SELECTED');
    assert.deepEqual((await idle.next()).done, true);
    // the RECENT that may have followed is kept for response()
    assert.equal((await watcher.noop()).type, 'OK');
    assert.deepEqual(lines(await watcher.search(null, 'ALL')), ['1']);
    await watcher.unselect();
  } finally {
    if (timer) clearInterval(timer);
    await watcher.delete(mb).catch(() => {});
    await Promise.all([watcher.logout().catch(() => {}), writer.logout().catch(() => {})]);
    await Promise.all([watcher.close(), writer.close()]);
  }
});

test('IDLE woken without closing: done() while a wait is pending ends it at once (imap_wake), the connection stays', async () => {
  const c = await Client.connect(plain());
  try {
    await c.login('user1', 'pass1');
    await c.select('INBOX', { readonly: true });
    const idle = await c.idle();
    const pending = idle.next();
    await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    const done = await idle.done();
    assert.equal(done.status, 'OK');
    assert.deepEqual(await pending, { done: true, value: undefined });
    assert.ok(performance.now() - t0 < 1500, `${performance.now() - t0} ms`);
    assert.equal(c.state, 'SELECTED');
    assert.equal(c.isOpen, true);
    assert.equal((await c.noop()).status, 'OK');

    // duration ends the iteration by itself
    const idle2 = await c.idle({ duration: 250 });
    const t1 = performance.now();
    const got = [];
    for await (const u of idle2) got.push(u);
    assert.ok(performance.now() - t1 >= 200);
    assert.ok(got.every((u) => typeof u.type === 'string'));
    await idle2.done();
    assert.equal(c.state, 'SELECTED');
    await assert.rejects(c.idle({ duration: -1 }), TypeError);
  } finally {
    await c.logout().catch(() => {});
    await c.close();
  }
});

test('close() while an IDLE wait is pending ends it at once (imap_wake) and frees the client', { timeout: 10000 }, async () => {
  const c = await Client.connect(plain({ timeout: 60000 }));
  await c.login('user1', 'pass1');
  await c.select('INBOX', { readonly: true });
  const idle = await c.idle();
  const pending = idle.next();
  await new Promise((r) => setTimeout(r, 50));
  await c.close(); // a 30 s wait would outlive the test's 10 s bound
  assert.deepEqual(await pending, { done: true, value: undefined });
  assert.equal(c.isOpen, false);
});

test('stream connection (IMAP4_stream): PREAUTH, select, IDLE, logout', async () => {
  const { streamCmd } = dovecot();
  assert.ok(streamCmd, 'DOVECOT_STREAM_CMD');
  const c = await Client.spawn(streamCmd, { timeout: 20000 });
  try {
    assert.equal(c.state, 'AUTH');
    assert.match(c.welcome, /^\* PREAUTH /);
    assert.equal(c.isTls, false);
    assert.equal(c.isOpen, true);
    assert.ok(c.fd >= 0);
    const sel = await c.select('INBOX', { readonly: true });
    assert.ok(Number(sel.data[0].toString()) >= 20);
    const f = await c.fetch('1', '(BODY.PEEK[HEADER.FIELDS (SUBJECT)])');
    assert.match(f.data[0][1].toString(), /^Subject: /i);
    const idle = await c.idle({ duration: 200 });
    for await (const u of idle) assert.equal(typeof u.type, 'string');
    await idle.done();
    const bye = await c.logout();
    assert.equal(bye.type, 'BYE');
    assert.equal(c.isOpen, false);
  } finally {
    await c.close();
  }
  // the same through connect({ command }); a command that does not speak IMAP fails cleanly
  const d = await Client.connect({ command: streamCmd });
  assert.equal(d.state, 'AUTH');
  await d.logout();
  await d.close();
  await assert.rejects(Client.connect({ command: 'exit 3', timeout: 5000 }), (e) => e instanceof ImapError && e.kind !== 'OK');
});
