// IDLE as events: with autoIdle the client is in IDLE whenever it is otherwise unused (stopped
// for each call, resumed after), and the server's updates become 'exists', 'expunge' (or 'vanished' with QRESYNC) and
// 'flags' events; a second connection makes the changes.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Client } from '../index.mjs';
import { dovecot, plain, uniqueName } from '../test-support/dovecot.mjs';

before(() => dovecot());

/** The next `name` event of `emitter`, or a rejection after 15 s (the test cannot hang). */
const next = (emitter, name) => once(emitter, name, { signal: AbortSignal.timeout(15000) }).then(([v]) => v);
/** Resolves once `f()` is true (polled every 10 ms, at most 10 s). */
async function until(f, what) {
  const end = Date.now() + 10000;
  while (!f()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('autoIdle: IDLE while unused, DONE for each call and IDLE again after; exists, flags, expunge events', { timeout: 90000 }, async () => {
  const mb = uniqueName('events');
  const watcher = await Client.connect(plain({ autoIdle: { delay: 20 } }));
  const writer = await Client.connect(plain());
  try {
    await Promise.all([watcher.login('user2', 'pass2'), writer.login('user2', 'pass2')]);
    await watcher.create(mb);
    assert.equal(watcher.idling, false, 'no IDLE without a selected mailbox');
    await watcher.select(mb);
    await until(() => watcher.idling, 'IDLE after SELECT');
    assert.equal(watcher.state, 'IDLING');

    // a call while idling: DONE, the call, then IDLE again
    const noop = await watcher.noop();
    assert.equal(noop.status, 'OK');
    await until(() => watcher.idling, 'IDLE after NOOP');

    const exists = next(watcher, 'exists');
    await writer.append(mb, null, null, 'Subject: one\r\n\r\nbody\r\n');
    assert.deepEqual(await exists, { count: 1, prevCount: 0 });
    assert.equal(watcher.idling, true, 'still in IDLE after an update');

    await writer.select(mb);
    const flags = next(watcher, 'flags');
    await writer.store('1', '+FLAGS', '(\\Flagged)');
    const f = await flags;
    assert.equal(f.seq, 1);
    assert.ok(f.flags.includes('\\Flagged'), String(f.flags));

    const expunge = next(watcher, 'expunge');
    await writer.store('1', '+FLAGS', '(\\Deleted)');
    await writer.expunge();
    assert.deepEqual(await expunge, { seq: 1 });

    // an EXISTS that comes in a call's reply (not in IDLE) is an event too
    await writer.append(mb, null, null, 'Subject: two\r\n\r\nbody\r\n');
    const seen = [];
    watcher.on('exists', (e) => seen.push(e));
    const st = await watcher.status(mb, '(MESSAGES)'); // the watcher leaves IDLE for it
    assert.equal(st.status, 'OK');
    await until(() => seen.length > 0, "the second message's exists");
    assert.deepEqual(seen[0], { count: 1, prevCount: 0 });
    await writer.unselect();
  } finally {
    await watcher.unselect().catch(() => undefined);
    await watcher.delete(mb).catch(() => undefined);
    await watcher.logout().catch(() => undefined);
    await Promise.all([watcher.close(), writer.close()]);
  }
  assert.equal(watcher.idling, false);
});

test('autoIdle: close() while in IDLE ends it promptly; no IDLE without the option', async () => {
  const c = await Client.connect(plain({ autoIdle: true }));
  await c.login('user1', 'pass1');
  await c.select('INBOX', { readonly: true });
  await until(() => c.idling, 'IDLE');
  const t0 = Date.now();
  await c.close();
  assert.ok(Date.now() - t0 < 5000, `close took ${Date.now() - t0} ms`);

  const d = await Client.connect(plain());
  try {
    await d.login('user1', 'pass1');
    await d.select('INBOX', { readonly: true });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(d.idling, false);
    assert.equal(d.state, 'SELECTED');
  } finally {
    await d.close();
  }
});

test('autoIdle with QRESYNC enabled: an expunge is a vanished event (UIDs), not an expunge', { timeout: 90000 }, async () => {
  const mb = uniqueName('vanished');
  const watcher = await Client.connect(plain({ autoIdle: { delay: 20 } }));
  const writer = await Client.connect(plain());
  try {
    await Promise.all([watcher.login('user2', 'pass2'), writer.login('user2', 'pass2')]);
    await watcher.create(mb);
    for (const s of ['a', 'b', 'c']) await writer.append(mb, null, null, `Subject: ${s}\r\n\r\nbody\r\n`);
    assert.equal((await watcher.enable('QRESYNC')).status, 'OK');
    await watcher.select(mb);
    await until(() => watcher.idling, 'IDLE after SELECT');
    const expunges = [];
    watcher.on('expunge', (e) => expunges.push(e));
    const vanished = next(watcher, 'vanished');
    await writer.select(mb);
    await writer.store('2:3', '+FLAGS.SILENT', '(\\Deleted)');
    await writer.expunge();
    assert.deepEqual(await vanished, { uids: [{ start: 2, end: 3 }], earlier: false });
    assert.deepEqual(expunges, []);
    await writer.unselect();
  } finally {
    await watcher.unselect().catch(() => undefined);
    await watcher.delete(mb).catch(() => undefined);
    await watcher.logout().catch(() => undefined);
    await Promise.all([watcher.close(), writer.close()]);
  }
});

test('autoIdle: after an expunge, a later call brings no stale exists event', { timeout: 90000 }, async () => {
  const mb = uniqueName('stale');
  const watcher = await Client.connect(plain({ autoIdle: { delay: 20 } }));
  const writer = await Client.connect(plain());
  try {
    await Promise.all([watcher.login('user2', 'pass2'), writer.login('user2', 'pass2')]);
    await watcher.create(mb);
    for (const s of ['a', 'b']) await writer.append(mb, null, null, `Subject: ${s}\r\n\r\nbody\r\n`);
    await watcher.select(mb);
    await until(() => watcher.idling, 'IDLE after SELECT');
    const seen = [];
    watcher.on('exists', (e) => seen.push(e));
    const expunge = next(watcher, 'expunge');
    await writer.select(mb);
    await writer.store('1', '+FLAGS.SILENT', '(\\Deleted)');
    await writer.expunge();
    assert.deepEqual(await expunge, { seq: 1 });
    assert.equal((await watcher.noop()).status, 'OK');
    assert.deepEqual(seen, [], 'the mailbox holds 1 message: no exists event says 2');
    const exists = next(watcher, 'exists');
    await until(() => watcher.idling, 'IDLE after NOOP');
    await writer.append(mb, null, null, 'Subject: c\r\n\r\nbody\r\n');
    assert.deepEqual(await exists, { count: 2, prevCount: 1 });
    await writer.unselect();
  } finally {
    await watcher.unselect().catch(() => undefined);
    await watcher.delete(mb).catch(() => undefined);
    await watcher.logout().catch(() => undefined);
    await Promise.all([watcher.close(), writer.close()]);
  }
});
