// Off-the-event-loop execution and the per-client queue: concurrent calls, close() semantics,
// and a timer that keeps firing during a long FETCH.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { Client, ImapError } from '../index.mjs';
import { dovecot, plain, uniqueName, makeMessage, lines, fakeServer } from '../test-support/dovecot.mjs';

before(() => dovecot());

test('concurrent calls on one client: Promise.all, all correct, in order', async () => {
  const c = await Client.connect(plain());
  try {
    // queued before login has even completed
    const [login, sel, search, fetch, noop, status, cap, ns, list, search2] = await Promise.all([
      c.login('user1', 'pass1'),
      c.select('INBOX', { readonly: true }),
      c.search(null, 'ALL'),
      c.fetch('1:5', '(UID RFC822.SIZE)'),
      c.noop(),
      c.status('INBOX', '(MESSAGES)'),
      c.capability(),
      c.namespace(),
      c.list('', 'INBOX'),
      c.uid('SEARCH', '1:5'),
    ]);
    assert.equal(login.type, 'OK');
    const exists = Number(sel.data[0].toString());
    assert.ok(exists >= 20);
    const all = lines(search)[0].split(' ');
    assert.equal(all.length, exists);
    assert.equal(fetch.data.length, 5);
    fetch.data.forEach((d, i) => assert.match(d.toString(), new RegExp(`^${i + 1} \\(UID \\d+ RFC822.SIZE \\d+\\)$`)));
    assert.equal(noop.type, 'OK');
    assert.match(status.data[0].toString(), new RegExp(`MESSAGES ${exists}\\)`));
    assert.match(cap.data[0].toString(), /^IMAP4rev1/);
    assert.match(ns.data[0].toString(), /^\(\(/);
    assert.equal(list.data.length, 1);
    assert.equal(search2.type, 'OK');
    assert.equal(c.state, 'SELECTED');

    // many more, interleaved: each result belongs to its own call
    const msgs = all.slice(0, 10);
    const results = await Promise.all(msgs.map((n) => c.fetch(n, '(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])')));
    results.forEach((r, i) => assert.match(r.data[0][0].toString(), new RegExp(`^${msgs[i]} \\(`)));
  } finally {
    await c.logout().catch(() => {});
    await c.close();
  }
});

test('two clients in parallel', async () => {
  const [a, b] = await Promise.all([Client.connect(plain()), Client.connect(plain())]);
  try {
    await Promise.all([a.login('user1', 'pass1'), b.login('user3', 'pass3')]);
    const [ra, rb] = await Promise.all([a.list('', 'INBOX'), b.list('', 'INBOX')]);
    assert.equal(ra.type, 'OK');
    assert.equal(rb.type, 'OK');
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test('close() lets queued calls finish, then refuses new ones', async () => {
  const c = await Client.connect(plain());
  const queued = [c.login('user1', 'pass1'), c.noop(), c.noop(), c.capability()];
  const closing = c.close();
  assert.equal(c.closed, true);
  await assert.rejects(c.noop(), (e) => e instanceof ImapError && e.code === 'IMAP_CODE_CLOSED');
  const done = await Promise.all(queued);
  assert.deepEqual(
    done.map((r) => r.type),
    ['OK', 'OK', 'OK', 'OK'],
  );
  await closing;
  assert.equal(c.close(), closing, 'idempotent');
});

test('close({ interrupt: true }) interrupts the running call and drops the queued ones', async () => {
  const srv = await fakeServer((s) => {
    s.write('* PREAUTH [CAPABILITY IMAP4rev1] fake ready\r\n');
    // answers CAPABILITY only: SELECT blocks until interrupted
    s.on('data', (d) => {
      const m = /^(\S+) CAPABILITY\r\n/.exec(d.toString());
      if (m) s.write(`* CAPABILITY IMAP4rev1\r\n${m[1]} OK done\r\n`);
    });
  });
  try {
    const c = await Client.connect({ host: '127.0.0.1', port: srv.port, tls: 'none', timeout: 60000 });
    const running = c.select('INBOX'); // SELECT runs whole: the NOOP waits behind it, unsent
    const queued = c.noop();
    await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    const closing = c.close({ interrupt: true });
    await assert.rejects(running, (e) => e instanceof ImapError && e.code === 'IMAP_CODE_INTERRUPTED');
    await assert.rejects(queued, (e) => e instanceof ImapError && e.code === 'IMAP_CODE_CLOSED');
    await closing;
    assert.ok(Date.now() - t0 < 2000, `took ${Date.now() - t0} ms`);
  } finally {
    await srv.close();
  }
});

/** Free storage of `user`'s quota root in bytes (Infinity without a STORAGE limit). */
async function freeStorage(c) {
  await c.xatom('GETQUOTAROOT', 'INBOX');
  await c.response('QUOTAROOT');
  const q = await c.response('QUOTA');
  for (const d of q.data) {
    const m = d && /STORAGE (\d+) (\d+)/.exec(d.toString());
    if (m) return (Number(m[2]) - Number(m[1])) * 1024;
  }
  return Infinity;
}

test('the event loop stays responsive during a long FETCH (user2, 50 x 200 KB)', { timeout: 180000 }, async (t) => {
  const N = 50;
  const SIZE = 200 * 1000;
  // user2's quota is 10 MiB: 50 x 200 kB fits only while no other suite holds some of it (the
  // server is shared). Wait up to 30 s for room; failing that, use user1 (1 GiB) and say so.
  let c = await Client.connect(plain({ timeout: 120000 }));
  await c.login('user2', 'pass2');
  let user = 'user2';
  const deadline = Date.now() + 30000;
  for (;;) {
    const free = await freeStorage(c);
    if (free >= N * (SIZE + 2000)) break;
    if (Date.now() > deadline) {
      t.diagnostic(`user2 has only ${free} bytes of quota free (shared server): using user1`);
      await c.logout();
      await c.close();
      c = await Client.connect(plain({ timeout: 120000 }));
      await c.login('user1', 'pass1');
      user = 'user1';
      break;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  const mb = uniqueName('big');
  try {
    await c.create(mb);
    let appended = 0;
    for (let i = 0; i < N; i++) {
      try {
        await c.append(mb, null, null, makeMessage(`big-${i}`, SIZE, i));
        appended++;
      } catch (e) {
        // another suite took the room meanwhile: go on with what fitted (at least half)
        if (e instanceof ImapError && e.kind === 'NO' && /OVERQUOTA|quota/i.test(e.message)) break;
        throw e;
      }
    }
    if (appended < N) t.diagnostic(`${user}: quota let ${appended} of ${N} messages in`);
    assert.ok(appended >= N / 2, `only ${appended} messages fitted in ${user}'s quota`);
    await c.select(mb);

    // Count the timer ticks that fire *while a FETCH is in flight*. A call made on the main
    // thread would finish before any timer could run, giving 0. A 10 MB FETCH from a local
    // server takes only tens of ms, so repeat it until ~1 s of FETCH time has been observed.
    let inFlight = false;
    let ticks = 0;
    let maxGap = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      if (inFlight) {
        ticks++;
        maxGap = Math.max(maxGap, now - last);
      }
      last = now;
    }, 5);
    let fetchMs = 0;
    let rounds = 0;
    let r;
    try {
      while (rounds < 40 && fetchMs < 1000) {
        const t0 = performance.now();
        last = t0;
        inFlight = true;
        const p = c.fetch('1:*', '(BODY[])');
        r = await p;
        inFlight = false;
        fetchMs += performance.now() - t0;
        rounds++;
      }
    } finally {
      inFlight = false;
      clearInterval(timer);
    }
    const literals = r.data.filter(Array.isArray);
    const bytes = literals.reduce((n, [, lit]) => n + lit.length, 0);
    t.diagnostic(
      `${rounds} x FETCH 1:* (BODY[]) of ${appended} messages (${(bytes / 1e6).toFixed(1)} MB): ` +
        `${fetchMs.toFixed(0)} ms in flight, ${((rounds * bytes) / 1e6 / (fetchMs / 1000)).toFixed(0)} MB/s; ` +
        `timer fired ${ticks} times meanwhile, longest gap ${maxGap.toFixed(1)} ms`,
    );
    assert.equal(literals.length, appended);
    literals.forEach(([header, lit], i) => {
      assert.match(header.toString(), new RegExp(`^${i + 1} \\(`));
      assert.equal(lit.length, SIZE);
    });
    assert.deepEqual(literals[7][1], makeMessage('big-7', SIZE, 7));
    // ~1 s in flight with a 5 ms timer: ~200 ticks if the loop is free; demand a quarter.
    assert.ok(ticks >= Math.max(3, Math.floor(fetchMs / 5 / 4)), `timer fired ${ticks} times in ${fetchMs.toFixed(0)} ms of FETCH`);
  } finally {
    await c.unselect().catch(() => {});
    await c.delete(mb).catch(() => {});
    await c.logout().catch(() => {});
    await c.close();
  }
});
