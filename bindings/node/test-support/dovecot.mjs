// Test support: the shared test Dovecot (tests/server/test-dovecot.sh: the tests' own server,
// IMAPSRV_DIR and the DOVECOT_*_PORT variables choosing another) and small helpers.
// The server is shared with other suites running at the same time: never stop it, never
// write to user1's INBOX (select it read-only), and use unique mailbox names for writes.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const packageRoot = path.join(here, '..');
const script = path.join(packageRoot, '..', '..', 'tests', 'server', 'test-dovecot.sh');

function parseEnv(text) {
  const env = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) env[m[1]] = m[2].replace(/^'(.*)'$/, '$1');
  }
  return env;
}

let cached = null;
/** Starts the Dovecot (idempotent, 20 messages in user1's INBOX) and returns its KEY=VALUE lines. */
export function dovecot() {
  if (cached) return cached;
  const out = execFileSync('bash', [script, 'start'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const env = parseEnv(out);
  cached = {
    host: env.DOVECOT_HOST,
    port: Number(env.DOVECOT_IMAP_PORT),
    tlsPort: Number(env.DOVECOT_IMAPS_PORT),
    ca: env.DOVECOT_CA,
    // imaplib's IMAP4_stream command: the imap binary started as user1 (PREAUTH greeting)
    streamCmd: env.DOVECOT_STREAM_CMD,
  };
  return cached;
}

/** A mailbox name no other run uses. */
export function uniqueName(tag) {
  return `node-${tag}-${process.pid}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** Options for a plain connection to the test server. */
export function plain(extra = {}) {
  const d = dovecot();
  return { host: d.host, port: d.port, tls: 'none', timeout: 30000, ...extra };
}

/** A port on 127.0.0.1 where nothing listens (bound, then released). */
export async function closedPort() {
  const srv = net.createServer();
  await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address();
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

/** A local TCP server driven by `onConnection(socket)`; returns { port, close }. */
export async function fakeServer(onConnection) {
  const sockets = new Set();
  const srv = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    onConnection(s);
  });
  await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return {
    port: srv.address().port,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        srv.close(resolve);
      }),
  };
}

/** A message of about `size` bytes with CRLF line endings. */
export function makeMessage(subject, size, seed = 0) {
  const head = `From: node-test@example.org\r\nTo: user@example.org\r\nSubject: ${subject}\r\nMessage-ID: <${subject}.${seed}@example.org>\r\n\r\n`;
  const line = 'x'.repeat(70) + '\r\n';
  let body = '';
  while (head.length + body.length + line.length <= size) body += line;
  body += 'y'.repeat(Math.max(0, size - head.length - body.length - 2)) + '\r\n';
  return Buffer.from(head + body);
}

export const lines = (r) => r.data.map((d) => (d === null ? null : Array.isArray(d) ? d[0].toString() : d.toString()));
