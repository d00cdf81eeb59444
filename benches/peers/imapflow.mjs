// The performance benchmark's workloads through imapflow (a peer, run by benches/run.sh with
// PEERS=1 from a temporary directory holding its npm install). Same environment, same protocol
// and RESULT line as benches/workloads/floor.c; the client name is "imapflow".
//   w1   fetchAll('1:*', {source: true}, {uid: true}): every message's source kept
//   w1s  the fetch() generator with {source: true}: each message buffered, then dropped
//        (imapflow has no streaming of a FETCH's literals)
//   w2   fetchAll('1:*', {envelope: true, bodyStructure: true}, {uid: true})
//   w2e  the fetch() generator with the same query
//   w3   1,000 x fetchOne(n, {flags: true})
//   w4   download('1', undefined, {uid: true}) read to the end: imapflow's streaming, which
//        sends partial FETCHes of 64 KiB rather than one BODY.PEEK[]
//   w5   50 x (connect with secure: true and tls.ca, mailboxOpen('INBOX'), logout)
import { readFileSync, writeFileSync } from 'node:fs';
import { ImapFlow } from 'imapflow';

function env(name) {
  const v = process.env[name];
  if (!v) {
    console.error(`imapflow: ${name} is not set`);
    process.exit(2);
  }
  return v;
}

function statusBytes(field) {
  for (const line of readFileSync('/proc/self/status', 'utf8').split('\n'))
    if (line.startsWith(field)) return Number(line.split(/\s+/)[1]) * 1024;
  return -1;
}

function cpu() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function start() {
  const m = { cpu: cpu(), wall: performance.now() };
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {}
  m.rss = statusBytes('VmRSS:');
  return m;
}

function end(m, workload, check) {
  const c = cpu(), w = (performance.now() - m.wall) / 1000, hwm = statusBytes('VmHWM:');
  console.log(`RESULT imapflow ${workload} cpu=${(c - m.cpu).toFixed(6)} wall=${w.toFixed(6)} mem=${hwm - m.rss} check=${check}`);
}

function structure(msg) {
  let n = 0;
  if (msg.envelope && msg.envelope.from) n += msg.envelope.from.length;
  const bs = msg.bodyStructure;
  if (bs && bs.childNodes && String(bs.type).startsWith('multipart/')) n += bs.childNodes.length;
  return n;
}

const w = process.argv[2];
const host = env('IMAP_HOST');
const auth = { user: env('IMAP_USER'), pass: env('IMAP_PASS') };
const quiet = { logger: false, disableAutoIdle: true, emitLogs: false };

if (w === 'w5') {
  const port = Number(env('IMAP_TLS_PORT'));
  const m = start();
  const ca = readFileSync(env('IMAP_CA'));
  let n = 0;
  for (let i = 0; i < 50; i++) {
    const c = new ImapFlow({ host, port, secure: true, tls: { ca: [ca] }, auth, ...quiet });
    await c.connect();
    await c.mailboxOpen('INBOX');
    await c.logout();
    n++;
  }
  end(m, w, n);
  process.exit(0);
}
if (!['w1', 'w1s', 'w2', 'w2e', 'w3', 'w4'].includes(w)) {
  console.error(`imapflow: unknown workload ${w}`);
  process.exit(2);
}
const c = new ImapFlow({ host, port: Number(env('IMAP_PORT')), secure: false, doSTARTTLS: false, auth, ...quiet });
await c.connect();
await c.mailboxOpen(env(w === 'w4' ? 'BENCH_W4_MAILBOX' : 'BENCH_W1_MAILBOX'), { readOnly: true });

let n = 0;
let kept = null;
const m = start();
if (w === 'w1') {
  kept = await c.fetchAll('1:*', { source: true }, { uid: true });
  for (const msg of kept) n += msg.source.length;
} else if (w === 'w1s') {
  for await (const msg of c.fetch('1:*', { source: true }, { uid: true })) n += msg.source.length;
} else if (w === 'w2') {
  kept = await c.fetchAll('1:*', { envelope: true, bodyStructure: true }, { uid: true });
  for (const msg of kept) n += structure(msg);
} else if (w === 'w2e') {
  for await (const msg of c.fetch('1:*', { envelope: true, bodyStructure: true }, { uid: true }))
    n += structure(msg);
} else if (w === 'w3') {
  for (let i = 1; i <= 1000; i++) {
    const msg = await c.fetchOne(String(i), { flags: true });
    n += msg.flags.size;
  }
} else {
  const { content } = await c.download('1', undefined, { uid: true });
  for await (const chunk of content) n += chunk.length;
}
end(m, w, n);
kept = null;
await c.logout();
