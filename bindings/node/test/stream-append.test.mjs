// Streams both ways: appendStream (APPEND from a Readable / async iterable through a pipe and
// imap_append_fd), fetchBody (a body as a Readable with backpressure, partial FETCHes), and
// the onProgress option (imap_set_progress_callback), against the test Dovecot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Readable } from 'node:stream';
import path from 'node:path';
import { Client, ImapError } from '../index.mjs';
import { dovecot, plain, uniqueName, packageRoot } from '../test-support/dovecot.mjs';

/** A connection as user1 with a fresh mailbox, deleted after `f`. */
async function withMailbox(f, extra = {}) {
  const c = await Client.connect(plain(extra));
  const mb = uniqueName('stream');
  try {
    await c.login('user1', 'pass1');
    await c.create(mb);
    return await f(c, mb);
  } finally {
    if (!c.closed && c.isOpen) {
      await c.unselect().catch(() => undefined);
      await c.delete(mb).catch(() => undefined);
    } else {
      const d = await Client.connect(plain());
      await d.login('user1', 'pass1');
      await d.delete(mb).catch(() => undefined);
      await d.close();
    }
    await c.close();
  }
}

const body = (n) => Buffer.from(`Subject: streamed\r\n\r\n${'0123456789abcdef'.repeat(n / 16)}\r\n`);

test('appendStream sends a Readable of known size; fetchBody reads it back; progress both ways', async () => {
  const events = [];
  await withMailbox(
    async (c, mb) => {
      const msg = body(300_000);
      const parts = [];
      for (let i = 0; i < msg.length; i += 7777) parts.push(msg.subarray(i, i + 7777));
      const res = await c.appendStream(mb, Readable.from(parts), { size: msg.length, flags: ['\\Seen'] });
      assert.equal(res.status, 'OK');
      const up = events.filter((e) => e.direction === 'upload');
      assert.ok(up.length >= 2, 'upload progress reported by chunk');
      assert.deepEqual(up.at(-1), { direction: 'upload', done: msg.length, total: msg.length });
      for (let i = 1; i < up.length; i++) assert.ok(up[i].done >= up[i - 1].done);
      const uid = Number(String(res.codeData).split(' ')[1]);
      await c.select(mb, { readonly: true });
      const [m] = await c.uidFetchParsed(String(uid), '(FLAGS RFC822.SIZE)');
      assert.ok(m.flags.includes('\\Seen'), String(m.flags));
      assert.equal(m.size, msg.length);
      events.length = 0;
      const s = c.fetchBody(uid, { uid: true, chunkSize: 65536 });
      const progress = [];
      s.on('progress', (p) => progress.push(p));
      const got = [];
      for await (const b of s) got.push(b);
      assert.ok(Buffer.concat(got).equals(msg));
      assert.equal(got.length, Math.ceil(msg.length / 65536));
      assert.deepEqual(progress.at(-1), { done: msg.length, total: msg.length });
      const down = events.filter((e) => e.direction === 'download');
      assert.ok(down.some((e) => e.done === e.total && e.total === 65536), 'download progress of each literal');
      // a section, and the connection still usable between and after chunks
      const text = [];
      for await (const b of c.fetchBody(uid, { uid: true, section: 'TEXT', chunkSize: 100_000 })) text.push(b);
      assert.ok(Buffer.concat(text).equals(msg.subarray(msg.indexOf('\r\n\r\n') + 4)));
      assert.equal((await c.noop()).status, 'OK');
    },
    { onProgress: (p) => events.push(p) },
  );
});

test('fetchBody has backpressure: a slow consumer awaiting Promises neither aborts nor makes it read ahead', async () => {
  await withMailbox(async (c, mb) => {
    const msg = body(64 * 1024);
    await c.appendStream(mb, [msg], { size: msg.length });
    await c.select(mb, { readonly: true });
    const s = c.fetchBody(1, { chunkSize: 4096 });
    let fetched = 0;
    s.on('progress', () => fetched++);
    const got = [];
    let maxAhead = 0;
    for await (const b of s) {
      got.push(b);
      await new Promise((r) => setTimeout(r, 5)); // an async consumer
      maxAhead = Math.max(maxAhead, fetched - got.length);
    }
    assert.ok(Buffer.concat(got).equals(msg));
    // highWaterMark is one chunk: at most a chunk buffered and one in flight ahead of the consumer
    assert.ok(maxAhead <= 2, `read ${maxAhead} chunks ahead of the consumer`);
  });
});

test('appendStream: a source that ends early or fails aborts (nothing appended), one too long is refused', async () => {
  for (const [name, source, size, kind] of [
    ['short', [Buffer.from('Subject: x\r\n\r\nshort\r\n')], 1000, 'ABORT'],
    [
      'failing',
      (async function* () {
        yield Buffer.from('Subject: x\r\n\r\n');
        throw new Error('disk on fire');
      })(),
      1000,
      'ABORT',
    ],
    ['long', [Buffer.alloc(600, 'a'), Buffer.alloc(600, 'b')], 1000, 'ABORT'],
  ]) {
    const mb = uniqueName(`abort-${name}`);
    const c = await Client.connect(plain());
    await c.login('user1', 'pass1');
    await c.create(mb);
    const e = await c.appendStream(mb, source, { size }).then(
      () => null,
      (x) => x,
    );
    assert.ok(e instanceof ImapError, `${name}: ${e}`);
    assert.equal(e.kind, kind, `${name}: ${e.message}`);
    if (name === 'failing') assert.match(e.message, /disk on fire/);
    if (name === 'long') assert.match(e.message, /more than options.size/);
    assert.equal(c.isOpen, false, `${name}: the connection is closed after a cut literal`);
    await c.close();
    const d = await Client.connect(plain());
    await d.login('user1', 'pass1');
    const [st] = await d.statusParsed(mb, '(MESSAGES)');
    assert.equal(st.messages, 0, `${name}: nothing appended`);
    await d.delete(mb);
    await d.close();
  }
});

test('appendStream checks its arguments before sending anything', async () => {
  const c = await Client.connect(plain());
  try {
    await c.login('user1', 'pass1');
    await assert.rejects(c.appendStream('INBOX', [Buffer.from('x')], {}), TypeError);
    await assert.rejects(c.appendStream('INBOX', Buffer.from('x'), { size: 1 }), TypeError);
    await assert.rejects(c.appendStream('INBOX\r\nA1 LOGOUT', [Buffer.from('x')], { size: 1 }), ImapError);
    assert.throws(() => c.fetchBody('1:*'), TypeError);
    assert.throws(() => c.fetchBody(1, { section: '1]' }), TypeError);
    assert.equal((await c.noop()).status, 'OK');
  } finally {
    await c.close();
  }
});

test('appendStream of 100 MiB generated on the fly: resident memory grows under 16 MiB; fetchBody gives it back', () => {
  const d = dovecot();
  const mb = uniqueName('big');
  const run = (args) => spawnSync(process.execPath, args, { cwd: packageRoot, encoding: 'utf8', timeout: 300_000 });
  const admin = (op) =>
    run(['-e', `const {Client}=require('./index.cjs');(async()=>{const c=await Client.connect({host:'${d.host}',port:${d.port},tls:'none'});await c.login('user1','pass1');await c.${op}(${JSON.stringify(mb)});await c.close();})().catch((e)=>{console.error(e);process.exit(1)})`]);
  assert.equal(admin('create').status, 0);
  try {
    const size = 100 * 2 ** 20;
    const r = run([path.join(packageRoot, 'test-support', 'append-big.mjs'), d.host, String(d.port), 'user1', 'pass1', mb, String(size)]);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1));
    const mib = (n) => (n / 2 ** 20).toFixed(1);
    // fetchBody's figure is not bounded here: its chunks are the consumer's Buffers, freed when
    // the collector runs (V8 lets tens of MiB of external memory wait for it)
    console.log(`# 100 MiB appendStream: resident growth ${mib(out.growth)} MiB (VmHWM ${mib(out.hwm)} MiB); fetchBody back: ${mib(out.fetchGrowth)} MiB`);
    assert.equal(out.status, 'OK');
    assert.ok(out.growth < 16 * 2 ** 20, `resident memory grew by ${out.growth} bytes`);
    assert.equal(out.gotSize, size);
    assert.equal(out.got, out.sent, 'fetchBody gives back the bytes sent');
  } finally {
    admin('delete');
  }
});
