#!/usr/bin/env node
// Pipeline benchmark (ABI1.md "Pipeline benchmark interface"; run by benches/pipeline/run.sh
// behind a delaying proxy): logs in, selects INBOX, does BENCH_N single-message
// `FETCH n (UID FLAGS)` one after the other, then BENCH_N at once (concurrent promises on one
// client: pipelined), and prints `RESULT node <sequential|pipelined> <seconds>`.
//   IMAP_HOST IMAP_PORT IMAP_USER IMAP_PASS [BENCH_N=1000] node bench/pipeline.mjs
import { Client } from '../index.mjs';

const env = (k, d) => process.env[k] ?? d;
const N = Number(env('BENCH_N', '1000'));
const c = await Client.connect({ host: env('IMAP_HOST', '127.0.0.1'), port: Number(env('IMAP_PORT', '143')), tls: 'none', timeout: 120000 });
try {
  await c.login(env('IMAP_USER', 'user1'), env('IMAP_PASS', 'pass1'));
  const exists = Number((await c.select('INBOX', { readonly: true })).data[0].toString());
  if (!(exists > 0)) throw new Error('INBOX is empty');
  const n = (i) => String((i % exists) + 1);
  const check = (r, i) => {
    if (!r.data[0].toString().startsWith(`${n(i)} (`)) throw new Error(`FETCH ${n(i)} gave ${r.data[0]}`);
  };

  let t0 = performance.now();
  for (let i = 0; i < N; i++) check(await c.fetch(n(i), '(UID FLAGS)'), i);
  console.log(`RESULT node sequential ${((performance.now() - t0) / 1000).toFixed(3)}`);

  t0 = performance.now();
  const all = await Promise.all(Array.from({ length: N }, (_, i) => c.fetch(n(i), '(UID FLAGS)')));
  console.log(`RESULT node pipelined ${((performance.now() - t0) / 1000).toFixed(3)}`);
  all.forEach(check);
  await c.logout();
} finally {
  await c.close();
}
