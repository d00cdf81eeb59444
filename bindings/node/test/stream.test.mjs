// Streamed literals (imap_set_literal_callback): setLiteralHandler() and fetchStream() against
// the test Dovecot. user1's INBOX (20 seeded messages) is only EXAMINEd; the large message goes
// into a uniquely named mailbox of user1 (user2's quota is small), deleted afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { isMainThread } from 'node:worker_threads';
import { Client, ImapError, Code } from '../index.mjs';
import { dovecot, plain, uniqueName, makeMessage } from '../test-support/dovecot.mjs';

let c; // user1, INBOX examined
const big = uniqueName('stream');

before(async () => {
  dovecot();
  c = await Client.connect(plain());
  await c.login('user1', 'pass1');
  await c.select('INBOX', { readonly: true });
});

after(async () => {
  if (c && !c.closed) {
    await c.logout().catch(() => {});
    await c.close();
  }
});

const isAbort = (e) => {
  assert.ok(e instanceof ImapError, String(e && e.stack));
  assert.equal(e.code, 'IMAP_CODE_ABORT', e.message);
  assert.equal(e.status, Code.ABORT);
  return true;
};

/** The buffered BODY.PEEK[] of message `n`: [header, bytes]. */
async function buffered(client, n) {
  const r = await client.fetch(String(n), '(BODY.PEEK[])');
  const item = r.data.find((d) => Array.isArray(d));
  assert.equal(item.length, 2, 'a buffered literal is a [header, literal] pair');
  return item;
}

test("fetchStream: message 2's BODY.PEEK[] streamed equals the buffered fetch; [header, null, size] in data", async () => {
  const [header, body] = await buffered(c, 2);
  const chunks = [];
  // The handler runs on the main thread while the call is still in flight: the event loop
  // turns during the call. (A timer was used here before; a call shorter than the timer's
  // 1 ms made that check flaky.)
  let settled = false;
  const call = c.fetchStream('2', '(BODY.PEEK[])', {
    onChunk: (chunk) => {
      assert.ok(isMainThread);
      assert.ok(!settled, 'chunks arrive while the call runs');
      chunks.push(chunk);
    },
  });
  call.finally(() => (settled = true)).catch(() => {});
  const r = await call;
  assert.ok(chunks.length >= 1);
  let offset = 0;
  for (const ch of chunks) {
    assert.equal(ch.line.toString(), '* 2 FETCH (BODY[] {' + body.length + '}');
    assert.equal(ch.size, body.length);
    assert.equal(ch.offset, offset);
    assert.ok(Buffer.isBuffer(ch.data));
    offset += ch.data.length;
  }
  assert.equal(offset, body.length);
  assert.ok(Buffer.concat(chunks.map((ch) => ch.data)).equals(body), 'same bytes as the buffered fetch');

  const item = r.data.find((d) => Array.isArray(d));
  assert.deepEqual(item, [header, null, body.length], 'the streamed literal: [header, null, size]');
  assert.equal(r.status, 'OK');
  // the handler was for this call only: buffered again
  assert.deepEqual(await buffered(c, 2), [header, body]);
});

test('setLiteralHandler: minSize above the message size keeps it buffered; null restores buffering', async () => {
  const [header, body] = await buffered(c, 2);
  const seen = [];
  await c.setLiteralHandler(body.length + 1, (ch) => seen.push(ch));
  assert.deepEqual(await buffered(c, 2), [header, body], 'below minSize: buffered');
  assert.equal(seen.length, 0);

  await c.setLiteralHandler(body.length, (ch) => seen.push(ch));
  const r = await c.fetch('2', '(BODY.PEEK[])');
  assert.deepEqual(r.data.find((d) => Array.isArray(d)), [header, null, body.length], 'at minSize: streamed');
  assert.ok(Buffer.concat(seen.map((ch) => ch.data)).equals(body));
  // parsed results: the section has no data, its size in streamedSize
  const [m] = await c.fetchParsed('2', '(UID BODY.PEEK[])');
  assert.equal(m.sections[0].data, null);
  assert.equal(m.sections[0].streamedSize, body.length);
  // smaller literals of the same call stay buffered
  seen.length = 0;
  const both = await c.fetch('2', '(BODY.PEEK[HEADER] BODY.PEEK[])');
  const pairs = both.data.filter((d) => Array.isArray(d));
  assert.equal(pairs.length, 2);
  assert.ok(Buffer.isBuffer(pairs[0][1]) && pairs[0].length === 2, 'the header section, buffered');
  assert.deepEqual(pairs[1].slice(1), [null, body.length]);
  assert.equal(seen.length > 0, true);

  await c.setLiteralHandler(null);
  assert.deepEqual(await buffered(c, 2), [header, body], 'buffered again');
  const [again] = await c.fetchParsed('2', '(BODY.PEEK[])');
  assert.ok(again.sections[0].data.equals(body));
  assert.equal(again.sections[0].streamedSize, null);
  // setLiteralHandler(n, null) restores buffering too; bad arguments reject
  await c.setLiteralHandler(0, (ch) => seen.push(ch));
  await c.setLiteralHandler(0, null);
  assert.deepEqual(await buffered(c, 2), [header, body]);
  await assert.rejects(c.setLiteralHandler(-1, () => {}), TypeError);
  await assert.rejects(c.setLiteralHandler(1, 'x'), TypeError);
  await assert.rejects(c.setLiteralHandler(1), TypeError);
  await assert.rejects(c.fetchStream('2', '(BODY.PEEK[])', {}), TypeError);
});

test('fetchStream restores the handler set before it; uid: true streams UID FETCH', async () => {
  const [, body] = await buffered(c, 3);
  const outer = [];
  const inner = [];
  await c.setLiteralHandler(1, (ch) => outer.push(ch));
  const uid = Number(/UID (\d+)/.exec((await c.fetch('3', '(UID)')).data[0].toString())[1]);
  const r = await c.fetchStream(String(uid), '(BODY.PEEK[])', { uid: true, minSize: 10, onChunk: (ch) => inner.push(ch) });
  assert.ok(Buffer.concat(inner.map((ch) => ch.data)).equals(body));
  assert.match(inner[0].line.toString(), new RegExp(`^\\* 3 FETCH \\(.*UID ${uid}.*BODY\\[\\] \\{${body.length}\\}$`));
  assert.equal(outer.length, 0);
  assert.deepEqual(r.data.find((d) => Array.isArray(d)).slice(1), [null, body.length]);
  await c.fetch('3', '(BODY.PEEK[])');
  assert.ok(Buffer.concat(outer.map((ch) => ch.data)).equals(body), 'the outer handler is back');
  await c.setLiteralHandler(null);
});

test('replacing the handler many times (more than koffi can register at once) leaks no callback', async () => {
  // koffi allows 8192 registered callbacks at a time: each replacement unregisters the old one
  const jobs = [];
  for (let i = 0; i < 8300; i++) jobs.push(c.setLiteralHandler(1 << 20, () => {}));
  await Promise.all(jobs);
  await c.setLiteralHandler(null);
  assert.equal((await c.noop()).type, 'OK');
});

test('a large message streamed in many chunks, each handled on the main thread while the call runs', async () => {
  const d = await Client.connect(plain());
  try {
    await d.login('user1', 'pass1');
    await d.create(big);
    const message = makeMessage('big', 3 << 20, 7);
    await d.append(big, null, null, message);
    await d.select(big, { readonly: true });
    const [, body] = await buffered(d, 1);
    assert.ok(body.equals(message));

    // Each chunk reaches the handler on the main thread while the call is still in flight,
    // one at a time, in order. (Counting setImmediate turns between chunks, as this test did
    // before, was flaky: koffi may deliver several queued callbacks in one poll phase.)
    let settled = false;
    let total = 0;
    let chunks = 0;
    let maxChunk = 0;
    const hash = [];
    const call = d.fetchStream('1', '(BODY.PEEK[])', {
      minSize: 1024,
      onChunk: ({ data, offset, size }) => {
        assert.ok(isMainThread);
        assert.ok(!settled, 'chunks arrive while the call runs');
        assert.equal(offset, total);
        assert.equal(size, message.length);
        chunks++;
        total += data.length;
        maxChunk = Math.max(maxChunk, data.length);
        hash.push(data);
      },
    });
    call.finally(() => (settled = true)).catch(() => {});
    await call;
    assert.equal(total, message.length);
    assert.ok(Buffer.concat(hash).equals(message));
    assert.ok(chunks > 4, `${chunks} chunks`);
    assert.ok(maxChunk < message.length / 4, `chunks of at most ${maxChunk} bytes`);

    // reuse: one Buffer for every chunk's data (and one for its line), valid during the call
    const copies = [];
    const buffers = new Set();
    const lines = new Set();
    await d.fetchStream('1', '(BODY.PEEK[])', {
      reuse: true,
      onChunk: ({ data, line, offset }) => {
        assert.equal(offset, copies.reduce((n, b) => n + b.length, 0));
        assert.match(line.toString(), /^\* 1 FETCH \(BODY\[\] \{\d+\}$/);
        buffers.add(data.buffer);
        lines.add(line.buffer);
        copies.push(Buffer.from(data));
      },
    });
    assert.ok(Buffer.concat(copies).equals(message), 'the same bytes');
    assert.ok(copies.length > 4);
    // (grown at most once: from 64 KiB to the largest chunk)
    assert.ok(buffers.size <= 2, `one data Buffer for every chunk (${buffers.size})`);
    assert.equal(lines.size, 1, 'one line Buffer for every chunk');
    await d.unselect();
  } finally {
    await d.delete(big).catch(() => {});
    await d.logout().catch(() => {});
    await d.close();
  }
});

test('a throwing handler: ImapError ABORT with the cause; the connection is closed', async () => {
  const d = await Client.connect(plain());
  try {
    await d.login('user1', 'pass1');
    await d.select('INBOX', { readonly: true });
    const boom = new Error('disk full');
    await d.setLiteralHandler(0, () => {
      throw boom;
    });
    const err = await d.fetch('2', '(BODY.PEEK[])').then(
      () => assert.fail('resolved'),
      (e) => e,
    );
    isAbort(err);
    assert.equal(err.cause, boom);
    assert.match(err.message, /disk full/);
    assert.equal(d.isOpen, false);
    await assert.rejects(d.noop(), (e) => e instanceof ImapError && e.kind === 'CLOSED');
  } finally {
    await d.close();
  }
  assert.equal(d.closed, true);
});

test('a handler returning false or a Promise stops the transfer too (fetchStream)', async () => {
  for (const [onChunk, check] of [
    [() => false, (e) => assert.equal(e.cause, undefined)],
    [async () => {}, (e) => assert.ok(e.cause instanceof TypeError)],
  ]) {
    const d = await Client.connect(plain());
    try {
      await d.login('user1', 'pass1');
      await d.select('INBOX', { readonly: true });
      const err = await d.fetchStream('2', '(BODY.PEEK[])', { onChunk }).then(
        () => assert.fail('resolved'),
        (e) => e,
      );
      isAbort(err);
      check(err);
      assert.equal(d.isOpen, false);
    } finally {
      await d.close();
    }
  }
});

test('close() with a handler set unregisters it; a handler set on a closed client rejects', async () => {
  const d = await Client.connect(plain());
  await d.login('user1', 'pass1');
  await d.setLiteralHandler(0, () => {});
  await d.logout();
  await d.close();
  await assert.rejects(d.setLiteralHandler(0, () => {}), (e) => e instanceof ImapError && e.kind === 'CLOSED');
  await assert.rejects(d.fetchStream('1', '(BODY.PEEK[])', { onChunk: () => {} }), (e) => e instanceof ImapError && e.kind === 'CLOSED');
});
