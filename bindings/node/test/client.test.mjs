// Every command and accessor of the binding against the test Dovecot (user1, unique mailboxes;
// user1's INBOX is only ever EXAMINEd).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client, ImapError } from '../index.mjs';
import { dovecot, plain, uniqueName, makeMessage, lines } from '../test-support/dovecot.mjs';

let c;
const mb = uniqueName('cmd');
const mb2 = `${mb}-b`;
const mb3 = `${mb}-c`;
// 8-bit bytes in the body: data must come back byte for byte (never via a string)
const binaryBody = Buffer.concat([
  Buffer.from('From: a@example.org\r\nSubject: binary\r\n\r\n'),
  Buffer.from(Array.from({ length: 128 }, (_, i) => 0x80 + i)),
  Buffer.from('\r\n'),
]);

before(async () => {
  dovecot();
  c = await Client.connect(plain());
});

after(async () => {
  if (!c || c.closed) return;
  // best-effort cleanup of what this file created
  for (const m of [mb, mb2, mb3]) await c.delete(m).catch(() => {});
  await c.logout().catch(() => {});
  await c.close();
});

test('connect: accessors before login', () => {
  assert.equal(c.state, 'NONAUTH');
  assert.match(c.welcome, /^\* OK /);
  assert.equal(c.protocolVersion, 'IMAP4REV1');
  assert.ok(c.capabilities.includes('IMAP4REV1'));
  assert.ok(c.capabilities.every((x) => x === x.toUpperCase()));
  assert.equal(c.hasCapability('imap4rev1'), true);
  assert.equal(c.hasCapability('STARTTLS'), true);
  assert.equal(c.hasCapability('X-NOPE'), false);
  assert.equal(c.isTls, false);
  assert.equal(c.isReadOnly, false);
  assert.equal(c.closed, false);
});

test('capability, noop', async () => {
  const cap = await c.capability();
  assert.equal(cap.type, 'OK');
  assert.equal(cap.status, 'OK');
  assert.ok(Buffer.isBuffer(cap.data[0]));
  assert.match(cap.data[0].toString(), /^IMAP4rev1 /);
  const noop = await c.noop();
  assert.equal(noop.type, 'OK');
  assert.equal(typeof noop.text, 'string');
});

test('login', async () => {
  const r = await c.login('user1', 'pass1');
  assert.equal(r.type, 'OK');
  assert.equal(r.status, 'OK');
  assert.equal(c.state, 'AUTH');
  assert.ok(c.hasCapability('MOVE'), 'capabilities refreshed after login');
});

test('namespace, list, lsub', async () => {
  const ns = await c.namespace();
  assert.match(ns.data[0].toString(), /^\(\(""/);
  const list = await c.list();
  assert.ok(lines(list).some((l) => /"INBOX"$|INBOX$/.test(l)), lines(list).join('\n'));
  const pat = await c.list('', 'INBOX');
  assert.equal(pat.data.length, 1);
  const lsub = await c.lsub(null, '*');
  assert.equal(lsub.type, 'OK');
});

test('create, subscribe, lsub, unsubscribe, status', async () => {
  assert.equal((await c.create(mb)).type, 'OK');
  await c.subscribe(mb);
  assert.ok(lines(await c.lsub('', mb)).some((l) => l.endsWith(mb) || l.endsWith(`"${mb}"`)));
  await c.unsubscribe(mb);
  assert.equal((await c.lsub('', mb)).data[0], null, 'no LSUB line: imaplib [None]');
  const st = await c.status(mb, '(MESSAGES UIDNEXT)');
  assert.match(st.data[0].toString(), /MESSAGES 0 UIDNEXT 1/);
});

test('append: Buffer, string, Uint8Array; APPENDUID', async () => {
  const r1 = await c.append(mb, '(\\Seen)', '"01-Jan-2024 10:00:00 +0000"', makeMessage('first', 300));
  assert.equal(r1.type, 'OK');
  assert.equal(r1.code, 'APPENDUID');
  assert.match(r1.codeData, /^\d+ 1$/);
  await c.append(mb, null, null, 'From: b@example.org\nSubject: second\n\nLF endings become CRLF\n');
  await c.append(mb, '\\Flagged', null, new Uint8Array(binaryBody));
  const r4 = await c.append(mb, null, null, makeMessage('fourth', 1000));
  assert.match(r4.codeData, / 4$/);
});

test('select, search, fetch (literals are Buffers)', async () => {
  const sel = await c.select(mb);
  assert.equal(sel.type, 'OK');
  assert.deepEqual(lines(sel), ['4']);
  assert.equal(sel.code, 'READ-WRITE');
  assert.equal(c.state, 'SELECTED');
  assert.equal(c.isReadOnly, false);

  const s = await c.search(null, 'ALL');
  assert.deepEqual(lines(s), ['1 2 3 4']);
  assert.deepEqual(lines(await c.search('UTF-8', 'SUBJECT', '"second"')), ['2']);
  assert.deepEqual(lines(await c.search(null, 'FLAGGED')), ['3']);

  const f = await c.fetch('1', '(RFC822)');
  assert.equal(f.data.length, 2);
  const [header, literal] = f.data[0];
  assert.ok(Buffer.isBuffer(header) && Buffer.isBuffer(literal));
  assert.match(header.toString(), /^1 \(RFC822 \{300\}$/);
  assert.deepEqual(literal, makeMessage('first', 300));
  assert.equal(f.data[1].toString(), ')');

  const crlf = await c.fetch('2', '(BODY.PEEK[TEXT])');
  assert.equal(crlf.data[0][1].toString(), 'LF endings become CRLF\r\n');
  const bin = await c.fetch('3', '(BODY.PEEK[])');
  assert.deepEqual(bin.data[0][1], binaryBody);

  const flags = await c.fetch('1:4', '(FLAGS)');
  assert.equal(flags.data.length, 4);
  assert.match(flags.data[0].toString(), /^1 \(FLAGS \(\\Seen( \\Recent)?\)\)$/);
});

test('store, copy, move, uid', async () => {
  const st = await c.store('4', '+FLAGS', '(\\Answered)');
  assert.match(st.data[0].toString(), /\\Answered/);
  await c.create(mb2);
  const cp = await c.copy('1:2', mb2);
  assert.equal(cp.code, 'COPYUID');
  const mv = await c.move('4', mb2);
  assert.equal(mv.type, 'OK');
  assert.deepEqual(lines(await c.search(null, 'ALL')), ['1 2 3']);
  assert.match((await c.status(mb2, 'MESSAGES')).data[0].toString(), /MESSAGES 3/);

  const us = await c.uid('SEARCH', 'ALL');
  assert.deepEqual(lines(us), ['1 2 3']);
  const uf = await c.uid('FETCH', '2', '(FLAGS)');
  assert.match(uf.data[0].toString(), /UID 2/);
  const ust = await c.uid('STORE', '3', '+FLAGS.SILENT', '(\\Draft)');
  assert.equal(ust.type, 'OK');
  assert.match((await c.fetch('3', '(FLAGS)')).data[0].toString(), /\\Draft/);
});

test('check, expunge, response, recent, xatom', async () => {
  assert.equal((await c.check()).type, 'OK');
  await c.store('1', '+FLAGS.SILENT', '(\\Deleted)');
  const ex = await c.expunge();
  // as imaplib: the EXPUNGE responses received so far, the MOVE's (4) included
  assert.deepEqual(lines(ex), ['4', '1']);

  const none = await c.response('NOSUCHCODE');
  assert.equal(none.type, 'NOSUCHCODE');
  assert.deepEqual(none.data, [null]);

  const rec = await c.recent();
  // imaplib: typ is 'OK' (a NOOP's when nothing was pending), data the RECENT counts or [None]
  assert.equal(rec.type, 'OK');
  assert.ok(rec.data.length >= 1);
  assert.ok(rec.data.every((d) => d === null || /^\d+$/.test(d.toString())), String(rec.data));

  const x = await c.xatom('ID', 'NIL');
  assert.equal(x.type, 'OK');
  const id = await c.response('ID');
  assert.equal(id.type, 'ID');
  assert.match(id.data[0].toString(), /Dovecot/);
});

test('unselect, closeMailbox (IMAP CLOSE), EXAMINE', async () => {
  await c.unselect();
  assert.equal(c.state, 'AUTH');
  const ro = await c.select(mb, { readonly: true });
  assert.equal(ro.code, 'READ-ONLY');
  assert.equal(c.isReadOnly, true);
  await c.select(mb, false);
  assert.equal(c.isReadOnly, false);
  const cl = await c.closeMailbox();
  assert.equal(cl.type, 'OK');
  assert.equal(c.state, 'AUTH');
});

test("user1's INBOX, read-only", async () => {
  const r = await c.select('INBOX', true);
  assert.ok(Number(r.data[0].toString()) >= 20, 'seeded with DOVECOT_SEED=20');
  assert.equal(c.isReadOnly, true);
  const f = await c.fetch('1:3', '(UID RFC822.SIZE BODY.PEEK[HEADER.FIELDS (SUBJECT)])');
  assert.equal(f.data.filter(Array.isArray).length, 3);
  await c.closeMailbox();
});

test('rename, delete', async () => {
  await c.rename(mb2, mb3);
  const l = lines(await c.list('', `${mb}*`));
  assert.ok(l.some((x) => x.includes(mb3)) && !l.some((x) => x.endsWith(mb2)));
  assert.equal((await c.delete(mb3)).type, 'OK');
  assert.equal((await c.delete(mb)).type, 'OK');
  assert.deepEqual((await c.list('', `${mb}*`)).data, [null]);
});

test('logout, then close is idempotent', async () => {
  const r = await c.logout();
  assert.equal(r.type, 'BYE');
  assert.equal(r.status, null);
  assert.equal(c.state, 'LOGOUT');
  const p1 = c.close();
  const p2 = c.close();
  assert.equal(p1, p2);
  await p1;
  assert.equal(c.closed, true);
  await assert.rejects(c.noop(), (e) => e instanceof ImapError && e.code === 'IMAP_CODE_CLOSED');
});

test('shutdown closes the connection, the object stays usable', async () => {
  const d = await Client.connect(plain());
  await d.shutdown();
  // imaplib's shutdown() leaves `state` as it was; the connection is gone all the same
  await assert.rejects(d.noop(), { code: 'IMAP_CODE_CLOSED' });
  await d.close();
});

test('Symbol.asyncDispose closes the client', { skip: typeof Symbol.asyncDispose !== 'symbol' }, async () => {
  const d = await Client.connect(plain());
  await d[Symbol.asyncDispose]();
  assert.equal(d.closed, true);
});

test('debug level writes to stderr (a child process) and redacts the password', async () => {
  const d = dovecot();
  const code = `import { Client } from ${JSON.stringify(new URL('../index.mjs', import.meta.url).href)};
    const c = await Client.connect({ host: '${d.host}', port: ${d.port}, tls: 'none', debug: 4 });
    await c.loginCommand('user1', 'pass1'); await c.logout(); await c.close();`;
  const { spawnSync } = await import('node:child_process');
  const s = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
  assert.equal(s.status, 0, s.stderr);
  assert.match(s.stderr, /LOGIN/);
  assert.doesNotMatch(s.stderr, /pass1/);
});
