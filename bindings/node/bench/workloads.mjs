#!/usr/bin/env node
// The Node program of the performance benchmark (benches/run.sh; the workloads and the
// measuring protocol are those of every client there): one workload per process,
//
//   node bench/workloads.mjs <w1|w1s|w2|w2e|w3|w4|w5>
//
// connects, logs in and selects outside the measured part (except w5, whose workload is the
// connecting), then measures the workload alone and prints exactly one line on stdout:
//
//   RESULT node <workload> cpu=<s> wall=<s> mem=<bytes> check=<n>
//
// cpu: process.cpuUsage() user + system (getrusage RUSAGE_SELF: every thread of the process,
// koffi's workers included); wall: performance.now(); mem: VmHWM after minus VmRSS before,
// from /proc/self/status, the peak reset by writing 5 to /proc/self/clear_refs first.
//
// Environment: IMAP_HOST (127.0.0.1), IMAP_PORT (plain, 143), IMAP_TLS_PORT (993), IMAP_CA
// (PEM of the CA of the server certificate), IMAP_USER, IMAP_PASS (user1/pass1),
// BENCH_W1_MAILBOX (bench10k: the mailbox of w1..w3), BENCH_W4_MAILBOX (bench100m).
//
// The workloads, written against the binding's public API only (so that the same program
// runs on older builds):
//   w1   UID FETCH 1:* BODY.PEEK[] into one result held in memory   check: body bytes
//   w1s  the same streamed to fetchStream's onChunk, nothing kept    check: body bytes
//        (reuse: true, one Buffer for every chunk; builds without the option ignore it)
//   w2   UID FETCH 1:* (ENVELOPE BODYSTRUCTURE) parsed, all held     check: see below
//   w2e  the same message by message (fetchEach), nothing kept       check: see below
//   w3   1,000 single FETCH n (FLAGS), n = 1..1000, each awaited     check: flags seen
//   w4   UID FETCH <uid> BODY.PEEK[] of the one 100 MiB message of BENCH_W4_MAILBOX,
//        streamed to onChunk, nothing kept                           check: body bytes
//   w5   50 x (implicit TLS connect verifying IMAP_CA, LOGIN, SELECT INBOX, LOGOUT)  check: 50
// w2 / w2e check (as benches/workloads/libimap.c): the sum over the messages of the number of
// entries of the envelope's From list as the C structure counts them (an address 1, a group
// its start and end markers and its members) plus the number of children of the body
// structure's root (0 for a single part).
import fs from 'node:fs';
import { Client } from '../index.mjs';

const env = (k, d) => process.env[k] ?? d;
const HOST = env('IMAP_HOST', '127.0.0.1');
const PORT = Number(env('IMAP_PORT', '143'));
const TLS_PORT = Number(env('IMAP_TLS_PORT', '993'));
const CA = env('IMAP_CA', '');
const USER = env('IMAP_USER', 'user1');
const PASS = env('IMAP_PASS', 'pass1');
const W1_MAILBOX = env('BENCH_W1_MAILBOX', 'bench10k');
const W4_MAILBOX = env('BENCH_W4_MAILBOX', 'bench100m');
const TIMEOUT = 600000;

const workload = process.argv[2];
const say = (...a) => process.stderr.write(`workloads.mjs: ${a.join(' ')}\n`);

function status(field) {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync('/proc/self/status', 'utf8'));
  if (!m) throw new Error(`no ${field} in /proc/self/status`);
  return Number(m[1]) * 1024;
}

/** Runs `work()` (resolving to the check) under the protocol's measurements. */
async function measure(name, work) {
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  fs.writeFileSync('/proc/self/clear_refs', '5');
  const rss0 = status('VmRSS');
  const check = await work();
  const cpu = process.cpuUsage(cpu0);
  const wall = (performance.now() - wall0) / 1000;
  const hwm = status('VmHWM');
  const secs = (cpu.user + cpu.system) / 1e6;
  process.stdout.write(`RESULT node ${name} cpu=${secs.toFixed(6)} wall=${wall.toFixed(6)} mem=${hwm - rss0} check=${check}\n`);
}

async function plain() {
  const c = await Client.connect({ host: HOST, port: PORT, tls: 'none', timeout: TIMEOUT });
  await c.login(USER, PASS);
  return c;
}

const addressEntries = (list) => {
  let n = 0;
  for (const a of list) n += a.group === undefined ? 1 : 1 + a.members.length + (a.closed ? 1 : 0);
  return n;
};
/** The w2 check of one parsed message. */
const w2check = (m) => {
  const from = m.envelope ? addressEntries(m.envelope.from) : 0;
  const b = m.bodyStructure;
  return from + (b !== null && b.multipart ? b.children.length : 0);
};

/** The number of flags in the FLAGS item of each line of a raw FETCH response. */
function countFlags(data) {
  let n = 0;
  for (const item of data) {
    const line = Array.isArray(item) ? item[0] : item;
    if (!line) continue;
    const s = line.toString('latin1');
    const at = s.indexOf('FLAGS (');
    if (at < 0) continue;
    const inner = s.slice(at + 7, s.indexOf(')', at + 7)).trim();
    if (inner !== '') n += inner.split(/ +/).length;
  }
  return n;
}

const workloads = {
  async w1() {
    const c = await plain();
    await c.select(W1_MAILBOX, { readonly: true });
    let held = null;
    await measure('w1', async () => {
      held = await c.uid('FETCH', '1:*', '(BODY.PEEK[])');
      let bytes = 0;
      for (const item of held.data) if (Array.isArray(item) && item[1] !== null) bytes += item[1].length;
      return bytes;
    });
    say(`w1: ${held.data.length} items held`);
    await c.logout();
    await c.close();
  },

  async w1s() {
    const c = await plain();
    await c.select(W1_MAILBOX, { readonly: true });
    await measure('w1s', async () => {
      let bytes = 0;
      await c.fetchStream('1:*', '(BODY.PEEK[])', { uid: true, reuse: true, onChunk: ({ data }) => void (bytes += data.length) });
      return bytes;
    });
    await c.logout();
    await c.close();
  },

  async w2() {
    const c = await plain();
    await c.select(W1_MAILBOX, { readonly: true });
    let held = null;
    await measure('w2', async () => {
      held = await c.uidFetchParsed('1:*', '(ENVELOPE BODYSTRUCTURE)');
      let n = 0;
      for (const m of held) n += w2check(m);
      return n;
    });
    say(`w2: ${held.length} messages held`);
    await c.logout();
    await c.close();
  },

  async w2e() {
    const c = await plain();
    await c.select(W1_MAILBOX, { readonly: true });
    await measure('w2e', async () => {
      let n = 0;
      for await (const m of c.fetchEach('1:*', '(ENVELOPE BODYSTRUCTURE)', { uid: true })) n += w2check(m);
      return n;
    });
    await c.logout();
    await c.close();
  },

  async w3() {
    const c = await plain();
    await c.select(W1_MAILBOX, { readonly: true });
    await measure('w3', async () => {
      let n = 0;
      for (let i = 1; i <= 1000; i++) n += countFlags((await c.fetch(String(i), '(FLAGS)')).data);
      return n;
    });
    await c.logout();
    await c.close();
  },

  async w4() {
    const c = await plain();
    await c.select(W4_MAILBOX, { readonly: true });
    const found = await c.uidSearchParsed(null, 'ALL');
    if (found.length === 0) throw new Error(`${W4_MAILBOX} is empty`);
    const uid = String(found[found.length - 1]);
    await measure('w4', async () => {
      let bytes = 0;
      await c.fetchStream(uid, '(BODY.PEEK[])', { uid: true, reuse: true, onChunk: ({ data }) => void (bytes += data.length) });
      return bytes;
    });
    await c.logout();
    await c.close();
  },

  async w5() {
    if (!CA) {
      process.stdout.write('RESULT node w5 skip reason=no-IMAP_CA\n');
      return;
    }
    await measure('w5', async () => {
      let n = 0;
      for (let i = 0; i < 50; i++) {
        const c = await Client.connect({ host: HOST, port: TLS_PORT, tls: 'implicit', ca: CA, timeout: TIMEOUT });
        try {
          await c.login(USER, PASS);
          await c.select('INBOX');
          await c.logout();
          n++;
        } finally {
          await c.close();
        }
      }
      return n;
    });
  },
};

if (!Object.hasOwn(workloads, workload)) {
  say(`usage: node bench/workloads.mjs <${Object.keys(workloads).join('|')}>`);
  process.exit(2);
}
await workloads[workload]();
