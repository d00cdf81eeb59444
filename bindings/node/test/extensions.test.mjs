// The extension commands (ACL, QUOTA, METADATA, SORT, THREAD, ENABLE, ID; ANNOTATEMORE,
// PARTIAL and PROXYAUTH, which Dovecot does not know), raw I/O, the new accessors, and the
// module-level utilities with imaplib's test vectors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  Client,
  ImapError,
  version,
  versionNumber,
  int2ap,
  parseFlags,
  internaldate2tuple,
  time2internaldate,
} from '../index.mjs';
import { dovecot, plain, uniqueName, lines } from '../test-support/dovecot.mjs';

let c;
const mb = uniqueName('ext');

before(async () => {
  dovecot();
  c = await Client.connect(plain());
});

after(async () => {
  if (!c || c.closed) return;
  await c.delete(mb).catch(() => {});
  await c.logout().catch(() => {});
  await c.close();
});

const isKind = (kind, re) => (e) => {
  assert.ok(e instanceof ImapError, String(e));
  assert.equal(e.kind, kind, `${e.code}: ${e.message}`);
  if (re) assert.match(e.message, re);
  return true;
};

test('id before login: fields, null values, ID NIL', async () => {
  const r = await c.id({ name: 'libimap-node-test', version: null });
  assert.equal(r.type, 'OK');
  assert.match(r.data[0].toString(), /^\("name" "Dovecot"/);
  const nil = await c.id([['vendor', 'libimap']]);
  assert.match(nil.data[0].toString(), /Dovecot/);
  assert.match((await c.id()).data[0].toString(), /Dovecot/);
  await assert.rejects(c.id({ 'a\0b': 'x' }), isKind('INVALID_ARGUMENT'));
  await c.login('user1', 'pass1');
});

test('fd, isOpen, utf8Enabled', () => {
  assert.ok(Number.isInteger(c.fd) && c.fd >= 0, String(c.fd));
  assert.equal(c.isOpen, true);
  assert.equal(c.utf8Enabled, false);
});

test('enable: CONDSTORE, ENABLED data kept for response()', async () => {
  const r = await c.enable('CONDSTORE');
  assert.equal(r.status, 'OK');
  assert.deepEqual(lines(await c.response('ENABLED')), ['CONDSTORE']);
  assert.equal(c.utf8Enabled, false);
});

test('ACL: setacl, getacl, listrights, myrights, deleteacl', async () => {
  await c.create(mb);
  assert.equal((await c.setacl(mb, 'user2', 'lr')).status, 'OK');
  const acl = lines(await c.getacl(mb));
  assert.equal(acl.length, 1);
  assert.match(acl[0], new RegExp(`^"?${mb}"? .*user2 lr( |$)`));
  assert.match(acl[0], /user1 lrwstipekxacd/);
  const lr = lines(await c.listrights(mb, 'user2'));
  assert.match(lr[0], new RegExp(`^"?${mb}"? user2 "" l r w s`));
  assert.match(lines(await c.myrights(mb))[0], new RegExp(`^"?${mb}"? lrwstipekxacd$`));
  assert.equal((await c.deleteacl(mb, 'user2')).status, 'OK');
  assert.doesNotMatch(lines(await c.getacl(mb))[0], /user2/);
  await assert.rejects(c.getacl(uniqueName('missing')), isKind('NO'));
});

test('QUOTA: getquota, getquotaroot (two results), setquota (user1 is admin)', async () => {
  const q = await c.getquota('User quota');
  assert.match(q.data[0].toString(), /^"User quota" \(STORAGE \d+ 1048576 MESSAGE \d+ 1000000\)$/);
  const { quotaroot, quota } = await c.getquotaroot('INBOX');
  assert.deepEqual(lines(quotaroot), ['INBOX "User quota"']);
  assert.match(quota.data[0].toString(), /^"User quota" \(STORAGE/);
  assert.equal(quotaroot.status, 'OK');
  assert.equal(quota.text, quotaroot.text);
  // the same limit as configured (Dovecot stores it and never reads it back)
  const s = await c.setquota('User quota', '(STORAGE 1048576)');
  assert.equal(s.status, 'OK');
  await assert.rejects(c.getquota('no such root'), isKind('NO'));
});

test('METADATA: setmetadata, getmetadata (literal values), removal with null', async () => {
  const set = await c.setmetadata(mb, { '/private/comment': 'hello "node"', '/shared/comment': 'shared one' });
  assert.equal(set.status, 'OK');
  const got = await c.getmetadata(mb, ['/private/comment', '/shared/comment']);
  const text = got.data
    .map((d) => (Array.isArray(d) ? d[0].toString() + d[1].toString() : d === null ? '' : d.toString()))
    .join(' ');
  assert.match(text, /hello "node"/);
  assert.match(text, /shared one/);
  await c.setmetadata(mb, [['/private/comment', null]]);
  const one = await c.getmetadata(mb, '/private/comment', 'DEPTH 0');
  assert.match(one.data[0].toString(), /\/private\/comment NIL\)$/);
  await assert.rejects(c.getmetadata(mb, 42), TypeError);
});

test('SORT and THREAD on the read-only INBOX', async () => {
  const sel = await c.select('INBOX', { readonly: true });
  const n = Number(sel.data[0].toString());
  const sizes = new Map(
    lines(await c.fetch('1:*', '(RFC822.SIZE)')).map((l) => {
      const m = /^(\d+) \(RFC822\.SIZE (\d+)\)$/.exec(l);
      return [Number(m[1]), Number(m[2])];
    }),
  );
  const sorted = lines(await c.sort('(REVERSE SIZE)', 'UTF-8', 'ALL'))[0].split(' ').map(Number);
  assert.equal(sorted.length, n);
  assert.deepEqual([...sorted].sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i + 1));
  for (let i = 1; i < n; i++) assert.ok(sizes.get(sorted[i - 1]) >= sizes.get(sorted[i]), `${sorted} by size`);
  const bySubject = lines(await c.sort('SUBJECT', 'UTF-8', '1:5'))[0].split(' ');
  assert.deepEqual([...bySubject].sort(), ['1', '2', '3', '4', '5']);
  const th = lines(await c.thread('REFERENCES', 'UTF-8', 'ALL'))[0];
  assert.match(th, /^\(\d/);
  const ids = th.match(/\d+/g).map(Number).sort((a, b) => a - b);
  assert.deepEqual(ids, Array.from({ length: n }, (_, i) => i + 1), 'every message in one thread');
  await assert.rejects(c.sort('NOSUCHKEY', 'UTF-8', 'ALL'), isKind('BAD'));
  await c.closeMailbox();
});

test('PARTIAL, GETANNOTATION, SETANNOTATION, PROXYAUTH: sent, refused by Dovecot (BAD)', async () => {
  await assert.rejects(c.proxyauth('user2'), isKind('BAD', /PROXYAUTH/));
  await assert.rejects(c.getannotation(mb, '"/comment"', '"value.shared"'), isKind('BAD', /GETANNOTATION/));
  await assert.rejects(c.setannotation(mb, '"/comment"', '("value.shared" "x")'), isKind('BAD', /SETANNOTATION/));
  await c.select('INBOX', true);
  await assert.rejects(c.partial(1, 'BODY[]', 0, 10), isKind('BAD', /PARTIAL/));
  await assert.rejects(c.proxyauth('user2'), isKind('ILLEGAL_STATE'));
  await c.closeMailbox();
  assert.equal((await c.noop()).type, 'OK');
});

test('raw I/O: sendLine, readResponse (RAW), timeout gives null', async () => {
  await c.sendLine('R1 NOOP');
  const r = await c.readResponse(5000);
  assert.equal(r.type, 'RAW');
  assert.match(r.data.at(-1).toString(), /^R1 OK NOOP completed/);
  assert.equal(await c.readResponse(50), null);
  await c.sendLine(Buffer.from('R2 LIST "" INBOX'));
  // one whole response per call: the untagged LIST, then the tagged OK
  assert.match(lines(await c.readResponse(5000))[0], /^\* LIST \(.*\) "\/" "?INBOX"?$/);
  assert.match(lines(await c.readResponse(5000))[0], /^R2 OK /);
  await assert.rejects(c.sendLine('R3 NOOP\r\nR4 LOGOUT'), isKind('INVALID_ARGUMENT'));
  await assert.rejects(c.sendLine(7), TypeError);
  assert.equal((await c.noop()).type, 'OK');
});

test('after logout: fd -1, isOpen false', async () => {
  const d = await Client.connect(plain());
  await d.logout();
  assert.equal(d.fd, -1);
  assert.equal(d.isOpen, false);
  await d.close();
  assert.equal(d.fd, -1);
  assert.equal(d.state, 'LOGOUT');
  assert.match(d.welcome, /^\* OK/);
});

test('version, versionNumber', () => {
  assert.match(version(), /^\d+\.\d+\.\d+$/);
  const [maj, min, pat] = version().split('.').map(Number);
  assert.equal(versionNumber(), maj * 10000 + min * 100 + pat);
});

test("int2ap (imaplib's Int2AP)", () => {
  assert.equal(int2ap(4096), 'BAAA');
  assert.equal(int2ap(0), '');
  assert.equal(int2ap(15), 'P');
  assert.equal(int2ap(16n), 'BA');
  assert.equal(int2ap(-4096), 'BAAA', '|num|');
  assert.throws(() => int2ap(1.5), TypeError);
  assert.throws(() => int2ap(2n ** 64n), RangeError);
});

test("parseFlags (imaplib's ParseFlags)", () => {
  assert.deepEqual(parseFlags(Buffer.from('1 (FLAGS (\\Seen \\Flagged $Label1) UID 7)')), ['\\Seen', '\\Flagged', '$Label1']);
  assert.deepEqual(parseFlags('* OK [PERMANENTFLAGS (\\Deleted \\*)] Flags permitted.'), ['\\Deleted', '\\*']);
  assert.deepEqual(parseFlags('1 (FLAGS ())'), []);
  assert.deepEqual(parseFlags(Buffer.from('1 (UID 7)')), []);
});

test("internaldate2tuple (imaplib's test vectors)", () => {
  const t0 = Date.UTC(2000, 0, 1, 0, 0, 0);
  for (const [s, off] of [
    ['01-Jan-2000 00:00:00 +0000', 0],
    ['01-Jan-2000 11:30:00 +1130', 41400],
    ['31-Dec-1999 12:30:00 -1130', -41400],
  ]) {
    const t = internaldate2tuple(Buffer.from(`25 (INTERNALDATE "${s}")`));
    assert.equal(t.date.getTime(), t0, s);
    assert.equal(t.offsetSeconds, off);
    assert.equal(t.tm.offsetSeconds, off);
  }
  const t = internaldate2tuple('25 (INTERNALDATE "31-Dec-1999 12:30:00 -1130")');
  assert.deepEqual(t.tm, { year: 1999, month: 12, day: 31, hour: 12, minute: 30, second: 0, offsetSeconds: -41400 });
  // issue 10941: a DST-gap hour is not folded onto the next one
  assert.notEqual(
    internaldate2tuple('25 (INTERNALDATE "02-Apr-2000 02:30:00 +0000")').date.getTime(),
    internaldate2tuple('25 (INTERNALDATE "02-Apr-2000 03:30:00 +0000")').date.getTime(),
  );
  assert.equal(internaldate2tuple('25 (UID 3)'), null);
  assert.throws(() => internaldate2tuple('INTERNALDATE "01-Foo-2000 00:00:00 +0000"'), isKind('INVALID_ARGUMENT'));
});

test("time2internaldate (imaplib's test vectors, at +0200)", () => {
  const expected = '"18-May-2033 05:33:20 +0200"';
  assert.equal(time2internaldate(2000000000, 7200), expected);
  assert.equal(time2internaldate(2000000000.0, 7200), expected);
  assert.equal(time2internaldate(new Date(2000000000 * 1000), 7200), expected);
  assert.equal(time2internaldate({ year: 2033, month: 5, day: 18, hour: 5, minute: 33, second: 20, offsetSeconds: 7200 }), expected);
  assert.equal(time2internaldate(0, 0), '"01-Jan-1970 00:00:00 +0000"');
  assert.equal(time2internaldate(0, -3600), '"31-Dec-1969 23:00:00 -0100"');
  // default offset: the local zone
  const local = -new Date(2000000000 * 1000).getTimezoneOffset() * 60;
  assert.equal(time2internaldate(2000000000), time2internaldate(2000000000, local));
  // round trip
  assert.equal(internaldate2tuple(`INTERNALDATE ${expected}`).date.getTime(), 2000000000 * 1000);
  assert.throws(() => time2internaldate(0, 30), isKind('INVALID_ARGUMENT'));
  assert.throws(() => time2internaldate({ year: 2033, month: 2, day: 30, hour: 0, minute: 0, second: 0 }), isKind('INVALID_ARGUMENT'));
  assert.throws(() => time2internaldate('today'), TypeError);
});
