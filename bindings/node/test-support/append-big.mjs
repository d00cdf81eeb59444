// Child process of test/stream-append.test.mjs (its own process: the test runner's memory
// stays out of the figure). APPENDs a message of SIZE bytes generated on the fly (never held
// whole, never on disk) with appendStream, measuring the resident memory peak of the APPEND
// (VmHWM after resetting it with 5 > /proc/self/clear_refs, minus VmRSS at the reset), then
// reads it back with fetchBody (its peak measured the same way) and prints both SHA-256s as
// JSON.
//   node test-support/append-big.mjs host port user password mailbox size
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Client } from '../index.mjs';

const [host, port, user, password, mailbox, sizeArg] = process.argv.slice(2);
const SIZE = Number(sizeArg);
const CHUNK = 1 << 16;

/**
 * The message: a header, then numbered 80-byte CRLF lines, cut at exactly `size` bytes; an
 * async generator that fills one buffer again and again (appendStream asks for the next chunk
 * only once the last is in its pipe), so the generator itself makes no garbage.
 */
async function* message(size, hash) {
  const head = Buffer.from('From: big@example.org\r\nSubject: big streamed message\r\n\r\n');
  const line = Buffer.from(`0000000000 ${'the quick brown fox jumps over the lazy dog 0123456789'.padEnd(67, '.')}\r\n`, 'latin1');
  const buf = Buffer.allocUnsafe(CHUNK);
  let sent = 0;
  let n = 0;
  let pos = 0; // position in the current line (a line may straddle two chunks)
  while (sent < size) {
    const len = Math.min(CHUNK, size - sent);
    let at = sent === 0 ? head.copy(buf, 0, 0, Math.min(len, head.length)) : 0;
    while (at < len) {
      if (pos === 0) {
        let v = n++;
        for (let i = 9; i >= 0; i--, v = Math.floor(v / 10)) line[i] = 48 + (v % 10);
      }
      const k = line.copy(buf, at, pos, Math.min(line.length, pos + len - at));
      at += k;
      pos = (pos + k) % line.length;
    }
    const chunk = buf.subarray(0, len);
    hash.update(chunk);
    sent += len;
    yield chunk;
  }
}

const status = () => Object.fromEntries(fs.readFileSync('/proc/self/status', 'utf8').split('\n').filter((l) => /^Vm(RSS|HWM):/.test(l)).map((l) => [l.split(':')[0], Number(l.split(/\s+/)[1]) * 1024]));

const client = await Client.connect({ host, port: Number(port), tls: 'none', timeout: 30000 });
try {
  await client.login(user, password);
  // warm-up: the same path once with a small message (code loaded, JIT, koffi's worker stack)
  const small = createHash('sha256');
  await client.appendStream(mailbox, message(100_000, small), { size: 100_000 });
  const sent = createHash('sha256');
  const src = message(SIZE, sent);
  fs.writeFileSync('/proc/self/clear_refs', '5');
  const before = status();
  const res = await client.appendStream(mailbox, src, { size: SIZE });
  const after = status();
  await client.select(mailbox, { readonly: true });
  const got = createHash('sha256');
  let gotSize = 0;
  const uid = Number(String(res.codeData).split(' ')[1]);
  fs.writeFileSync('/proc/self/clear_refs', '5');
  const beforeFetch = status();
  const body = client.fetchBody(uid, { uid: true, chunkSize: 1 << 20 });
  let events = 0;
  body.on('progress', () => events++);
  for await (const b of body) {
    got.update(b);
    gotSize += b.length;
  }
  const afterFetch = status();
  console.log(
    JSON.stringify({ status: res.status, growth: after.VmHWM - before.VmRSS, fetchGrowth: afterFetch.VmHWM - beforeFetch.VmRSS, rssBefore: before.VmRSS, hwm: after.VmHWM, sent: sent.digest('hex'), got: got.digest('hex'), gotSize, events }),
  );
  await client.logout();
} finally {
  await client.close();
}
