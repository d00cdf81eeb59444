// ABI 1.0 in Node: concurrent calls on one client are pipelined (imap_submit* + imap_collect),
// fetchEach streams a FETCH in constant memory (imap_fetch_stream / imap_fetch_next), a sticky
// interrupt ends a call that has not reached the library yet, error texts belong to their own
// call while other calls use the handle, and the logger option receives libimap's log.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Client, ImapError, arg } from '../index.mjs';
import { dovecot, plain, fakeServer, lines, packageRoot } from '../test-support/dovecot.mjs';

before(() => dovecot());

const isKind = (kind) => (e) => {
  assert.ok(e instanceof ImapError, `not an ImapError: ${e && e.stack}`);
  assert.equal(e.kind, kind, `${e.code}: ${e.message}`);
  return true;
};

/**
 * A scripted server: PREAUTH, SELECT, then it waits until THREE FETCH commands have arrived
 * (a client sending one at a time would never get an answer: the test's timeout ends it) and
 * answers them out of order, with an unsolicited FETCH for another message in between.
 */
async function interleavingServer() {
  return fakeServer((s) => {
    s.write('* PREAUTH [CAPABILITY IMAP4rev1] fake\r\n');
    let buf = '';
    const fetches = [];
    s.on('data', (d) => {
      buf += d.toString('latin1');
      let i;
      while ((i = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const [tag, cmd, n] = line.split(' ');
        if (cmd === 'SELECT' || cmd === 'EXAMINE') s.write(`* 10 EXISTS\r\n${tag} OK [READ-WRITE] done\r\n`);
        else if (cmd === 'FETCH') {
          fetches.push([tag, n]);
          if (fetches.length === 3) {
            const [[t1], [t2], [t3]] = fetches;
            s.write(
              '* 2 FETCH (UID 12)\r\n* 7 FETCH (FLAGS (\\Seen))\r\n* 1 FETCH (UID 11)\r\n' +
                `${t2} OK two\r\n* 3 FETCH (UID 13)\r\n${t3} OK three\r\n${t1} OK one\r\n`,
            );
          }
        } else if (cmd === 'CAPABILITY') s.write(`* CAPABILITY IMAP4rev1\r\n${tag} OK done\r\n`);
        else if (cmd === 'LOGOUT') s.end(`* BYE\r\n${tag} OK bye\r\n`);
        else s.write(`${tag} OK ${cmd}\r\n`);
      }
    });
  });
}

test('pipelined FETCHes: all three sent before any answer, untagged data routed to its own FETCH, the unsolicited one kept', { timeout: 20000 }, async () => {
  const srv = await interleavingServer();
  let c = null;
  try {
    c = await Client.connect({ host: '127.0.0.1', port: srv.port, tls: 'none', timeout: 5000 });
    await c.select('INBOX');
    const [r1, r2, r3] = await Promise.all([c.fetch('1', '(UID)'), c.fetch('2', '(UID)'), c.fetch('3', '(UID)')]);
    assert.deepEqual(lines(r1), ['1 (UID 11)']);
    assert.deepEqual(lines(r2), ['2 (UID 12)']);
    assert.deepEqual(lines(r3), ['3 (UID 13)']);
    assert.deepEqual([r1.text, r2.text, r3.text], ['one', 'two', 'three']);
    assert.deepEqual(lines(await c.response('FETCH')), ['7 (FLAGS (\\Seen))']);
  } finally {
    await c?.close();
    await srv.close();
  }
});

test('200 concurrent FETCHes on one client: several in flight, each result its own message', async () => {
  const c = await Client.connect(plain());
  try {
    await c.login('user1', 'pass1');
    await c.select('INBOX', { readonly: true });
    let maxPending = 0;
    const watch = setInterval(() => (maxPending = Math.max(maxPending, c.pending)), 1);
    const calls = Array.from({ length: 200 }, (_, i) => c.fetch(String((i % 20) + 1), '(UID FLAGS)'));
    const results = await Promise.all(calls);
    clearInterval(watch);
    results.forEach((r, i) => assert.match(lines(r)[0], new RegExp(`^${(i % 20) + 1} \\(UID ${(i % 20) + 1} FLAGS`)));
    assert.ok(maxPending > 1, `at most ${maxPending} command(s) in flight`);
    // parsed and raw calls mixed, still in order
    const [a, b, s] = await Promise.all([c.fetchParsed('5', '(UID)'), c.uidFetchParsed('6', '(FLAGS)'), c.searchParsed(null, 'ALL')]);
    assert.deepEqual([a[0].seq, a[0].uid, b[0].uid, s.length], [5, 5, 6, 20]);
    // any command of the table, typed arguments, in flight together with FETCHes
    const [st, f7, bad, u8] = await Promise.all([
      c.submit('STATUS', arg.string('INBOX'), arg.list(arg.atom('MESSAGES'), arg.atom('UIDNEXT'))),
      c.fetch('7', '(UID)'),
      c.submit('NOSUCHCOMMAND').catch((e) => e),
      c.uidFetch('8', '(FLAGS)'),
    ]);
    assert.match(lines(u8)[0], /^8 \(.*UID 8/);
    assert.match(lines(st)[0], /MESSAGES 20 UIDNEXT 21/);
    assert.deepEqual(lines(f7), ['7 (UID 7)']);
    isKind('INVALID_ARGUMENT')(bad);
    assert.match(bad.message, /NOSUCHCOMMAND|command/i, 'the message comes back with the call');
  } finally {
    await c.logout().catch(() => {});
    await c.close();
  }
});

test('fetchEach: the 100,000 messages of "Big" in constant memory; break drains the rest', { timeout: 600000 }, async (t) => {
  execFileSync('bash', [path.join(packageRoot, '..', '..', 'tests', 'server', 'big-mailbox.sh')], { stdio: 'inherit' });
  const c = await Client.connect(plain({ timeout: 120000 }));
  try {
    await c.login('user1', 'pass1');
    const sel = await c.select('Big', { readonly: true });
    assert.equal(lines(sel)[0], '100000');
    let n = 0;
    let base = null;
    let peak = { rss: 0, heap: 0 };
    for await (const m of c.fetchEach('1:*', '(UID FLAGS ENVELOPE)')) {
      n++;
      assert.equal(m.seq, n);
      assert.equal(m.error, null);
      if (n % 997 === 0) assert.equal(m.envelope.subject, `Big ${n}`);
      if (n === 10000) {
        globalThis.gc?.();
        const u = process.memoryUsage();
        base = { rss: u.rss, heap: u.heapUsed };
      } else if (n > 10000 && n % 5000 === 0) {
        const u = process.memoryUsage();
        peak = { rss: Math.max(peak.rss, u.rss - base.rss), heap: Math.max(peak.heap, u.heapUsed - base.heap) };
      }
    }
    assert.equal(n, 100000);
    t.diagnostic(`growth after the first 10,000 messages: RSS ${(peak.rss / 2 ** 20).toFixed(1)} MiB, heap ${(peak.heap / 2 ** 20).toFixed(1)} MiB`);
    // a buffered 90,000-message FETCH with ENVELOPE (raw, parsed and converted) takes far more
    assert.ok(peak.rss < 48 * 2 ** 20, `RSS grew ${peak.rss} bytes`);
    assert.ok(peak.heap < 48 * 2 ** 20, `heap grew ${peak.heap} bytes`);

    let k = 0;
    for await (const m of c.fetchEach('1:*', '(UID)', { batch: 16 })) if (++k === 1000 || !m) break;
    assert.equal(k, 1000);
    assert.equal((await c.noop()).status, 'OK', 'the rest was drained: the connection is usable');
    assert.equal(c.pending, 0);
  } finally {
    await c.logout().catch(() => {});
    await c.close();
  }
});

test('interrupt issued right after the call, before it reaches the library, still ends it', { timeout: 20000 }, async () => {
  const c = await Client.connect(plain());
  try {
    await c.login('user1', 'pass1');
    assert.equal(c.interrupt(), false, 'nothing to interrupt');
    await c.noop(); // and nothing was armed
    const p = c.select('INBOX', { readonly: true });
    assert.equal(c.interrupt(), true);
    await assert.rejects(p, isKind('INTERRUPTED'));
    assert.equal(c.isOpen, false);
    await assert.rejects(c.noop(), isKind('CLOSED'));
  } finally {
    await c.close();
  }
});

test('an interrupt that raced with the end of the call is not left armed for the next call', async () => {
  const c = await Client.connect(plain());
  try {
    await c.login('user1', 'pass1');
    for (let i = 0; i < 20; i++) {
      const p = c.noop();
      const fired = new Promise((resolve) => setImmediate(() => resolve(c.interrupt())));
      const r = await p.catch((e) => e);
      await fired;
      if (r instanceof ImapError) {
        assert.equal(r.kind, 'INTERRUPTED');
        return; // the interrupt ended the call: the connection is closed
      }
      // the call's work was done when the interrupt landed: the connection may be closed
      // (imap_interrupt's contract) but the interrupt is not kept for the next call
      const next = await c.capability().catch((e) => e);
      if (next instanceof ImapError) return assert.equal(next.kind, 'CLOSED');
      assert.equal(next.status, 'OK');
    }
  } finally {
    await c.close();
  }
});

test('error texts belong to their own call while other calls use the handle', { timeout: 30000 }, async () => {
  const c = await Client.connect(plain());
  try {
    await c.login('user1', 'pass1');
    await c.select('INBOX', { readonly: true });
    const big = Array.from({ length: 20 }, () => c.fetch('1:*', '(BODY.PEEK[])'));
    const [missing, badItems] = await Promise.all([
      c.status('no-such-mailbox-here', '(MESSAGES)').catch((e) => e),
      c.fetch('1', '(NOSUCHITEM)').catch((e) => e),
    ]);
    for (const r of await Promise.all(big)) assert.equal(r.status, 'OK');
    isKind('NO')(missing);
    assert.match(missing.message, /no-such-mailbox|not exist|NONEXISTENT/i);
    isKind('BAD')(badItems);
    assert.match(badItems.message, /BAD.*NOSUCHITEM/, badItems.message);
    // a local failure's text, sent back with the call (imap_open_ex)
    const refused = await Client.connect({ host: '127.0.0.1', port: 1, tls: 'none' }).catch((e) => e);
    isKind('CONNECT')(refused);
    assert.match(refused.message, /127\.0\.0\.1|refused|:1\b/, refused.message);
  } finally {
    await c.logout().catch(() => {});
    await c.close();
  }
});

test('logger: libimap log lines reach the logger object (passwords redacted)', async () => {
  const got = [];
  const logger = { debug: (o) => got.push(['debug', o.msg]), info: (o) => got.push(['info', o.msg]), warn: (o) => got.push(['warn', o.msg]), error: (o) => got.push(['error', o.msg]) };
  const c = await Client.connect(plain({ logger, debug: 4 }));
  try {
    await c.loginCommand('user1', 'pass1-secret'.slice(0, 5)); // the LOGIN command: its password redacted
    await c.noop();
    assert.ok(got.some(([, m]) => /NOOP/.test(m)), JSON.stringify(got.slice(0, 5)));
    assert.ok(got.every(([lvl, m]) => typeof m === 'string' && typeof lvl === 'string'));
    assert.ok(!got.some(([, m]) => m.includes('pass1')), 'password redacted');
    assert.throws(() => new Client({ logger: 'yes' }), TypeError);
  } finally {
    await c.logout().catch(() => {});
    await c.close();
  }
});

test('close() drains a fetchEach that was never iterated to its end', { timeout: 20000 }, async () => {
  const c = await Client.connect(plain());
  await c.login('user1', 'pass1');
  await c.select('INBOX', { readonly: true });
  const it = c.fetchEach('1:*', '(UID)', { batch: 2 });
  assert.equal((await it.next()).value.seq, 1);
  await c.close(); // must not wait for the rest of the iteration
  assert.deepEqual(await it.next(), { done: true, value: undefined });
});
