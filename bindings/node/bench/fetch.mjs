#!/usr/bin/env node
// Bulk FETCH benchmark: appends COUNT messages of SIZE bytes into a unique mailbox of user1 on
// the test Dovecot, then FETCHes them ROUNDS times (`1:* (BODY.PEEK[])` in one command, and
// one command per message in a second pass), printing messages/s and MB/s. The mailbox is
// deleted at the end.
//
//   node bench/fetch.mjs [--count 200] [--size 100000] [--rounds 5] [--tls none|implicit]
//
// The server: tests/server/test-dovecot.sh start (run here when needed; shared, never stopped).
import { parseArgs } from 'node:util';
import { Client } from '../index.mjs';
import { dovecot, uniqueName, makeMessage } from '../test-support/dovecot.mjs';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '200' },
    size: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '5' },
    tls: { type: 'string', default: 'none' },
  },
});
const COUNT = Number(values.count);
const SIZE = Number(values.size);
const ROUNDS = Number(values.rounds);

const d = dovecot();
const opts =
  values.tls === 'implicit'
    ? { host: d.host, port: d.tlsPort, tls: 'implicit', ca: d.ca }
    : { host: d.host, port: d.port, tls: 'none' };
const c = await Client.connect({ ...opts, timeout: 300000 });
const mb = uniqueName('bench');
try {
  await c.login('user1', 'pass1');
  await c.create(mb);
  let t0 = performance.now();
  for (let i = 0; i < COUNT; i++) await c.append(mb, null, null, makeMessage(`bench-${i}`, SIZE, i));
  const appendS = (performance.now() - t0) / 1000;
  console.log(
    `append: ${COUNT} x ${SIZE} B in ${appendS.toFixed(2)} s: ${(COUNT / appendS).toFixed(0)} msg/s, ` +
      `${((COUNT * SIZE) / 1e6 / appendS).toFixed(1)} MB/s`,
  );
  await c.select(mb, { readonly: true });

  const report = (label, msgs, bytes, seconds) =>
    console.log(
      `${label}: ${msgs} messages, ${(bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(3)} s: ` +
        `${(msgs / seconds).toFixed(0)} msg/s, ${(bytes / 1e6 / seconds).toFixed(1)} MB/s`,
    );

  // one bulk FETCH per round
  const times = [];
  let bytes = 0;
  for (let r = 0; r < ROUNDS; r++) {
    t0 = performance.now();
    const res = await c.fetch('1:*', '(BODY.PEEK[])');
    const s = (performance.now() - t0) / 1000;
    times.push(s);
    const lits = res.data.filter(Array.isArray);
    bytes = lits.reduce((n, [, lit]) => n + lit.length, 0);
    if (lits.length !== COUNT) throw new Error(`expected ${COUNT} literals, got ${lits.length}`);
  }
  times.sort((a, b) => a - b);
  report(`bulk FETCH 1:* (BODY.PEEK[]), best of ${ROUNDS}`, COUNT, bytes, times[0]);
  report(`bulk FETCH 1:* (BODY.PEEK[]), median of ${ROUNDS}`, COUNT, bytes, times[Math.floor(ROUNDS / 2)]);

  // one FETCH per message, sequentially (per-call overhead: worker hop + result copy)
  t0 = performance.now();
  let total = 0;
  for (let i = 1; i <= COUNT; i++) {
    const res = await c.fetch(String(i), '(BODY.PEEK[])');
    total += res.data[0][1].length;
  }
  report('per-message FETCH n (BODY.PEEK[])', COUNT, total, (performance.now() - t0) / 1000);

  // small commands: call rate
  const N = 2000;
  t0 = performance.now();
  for (let i = 0; i < N; i++) await c.noop();
  const noopS = (performance.now() - t0) / 1000;
  console.log(`NOOP: ${N} calls in ${noopS.toFixed(3)} s: ${(N / noopS).toFixed(0)} calls/s`);
} finally {
  await c.unselect().catch(() => {});
  await c.delete(mb).catch(() => {});
  await c.logout().catch(() => {});
  await c.close();
}
