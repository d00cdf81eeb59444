// Typed arguments: searchArgs/sortArgs with string values (a UTF-8 subject found against the
// test Dovecot), flags as arrays checked before anything is sent (a recording fake server
// shows nothing went out), setLiteral (imaplib's `literal` attribute), a UTF-8 password.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client, ImapError, arg } from '../index.mjs';
import { dovecot, plain, uniqueName, fakeServer, lines } from '../test-support/dovecot.mjs';

const isInvalid = (e) => {
  assert.ok(e instanceof ImapError, `not an ImapError: ${e && e.stack}`);
  assert.equal(e.kind, 'INVALID_ARGUMENT', e.message);
  return true;
};

const BAD_FLAGS = ['two words', '(\\Seen', '\\Seen)', 'a]', '50%', '\\*', '"q"', 'back\\slash', 'Grüße', 'a\tb', 'a\r\nb', ''];

let c;
const mb = uniqueName('args');

before(async () => {
  dovecot();
  c = await Client.connect(plain());
  await c.login('user2', 'pass2');
  await c.create(mb);
  for (const m of [
    'Subject: Grüße aus Köln\r\n\r\nhallo\r\n',
    'Subject: =?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?= zwei\r\n\r\nhallo\r\n',
    'Subject: plain\r\n\r\nhallo\r\n',
  ])
    await c.appendFlags(mb, ['\\Draft'], null, m);
  await c.select(mb);
});

after(async () => {
  if (!c || c.closed) return;
  await c.closeMailbox().catch(() => {});
  await c.delete(mb).catch(() => {});
  await c.logout().catch(() => {});
  await c.close();
});

test('searchArgs and sortArgs find a UTF-8 subject by a string value', async () => {
  const subject = (v) => [arg.atom('SUBJECT'), arg.string(v)];
  assert.deepEqual(lines(await c.searchArgs('UTF-8', ...subject('Grüße'))), ['1 2']);
  assert.deepEqual(lines(await c.uidSearchArgs('UTF-8', ...subject('Köln'))), ['1 2']);
  const grouped = await c.searchArgs(
    'UTF-8',
    arg.list(arg.atom('OR'), ...subject('Köln'), ...subject('plain')),
    arg.atom('NOT'),
    arg.atom('LARGER'),
    arg.number(100000),
  );
  assert.deepEqual(lines(grouped), ['1 2 3']);
  assert.deepEqual(lines(await c.sortArgs(['REVERSE', 'SUBJECT'], 'UTF-8', ...subject('grüße'))), ['2 1']);
  assert.deepEqual(lines(await c.uidSortArgs(['REVERSE', 'SUBJECT'], 'UTF-8', ...subject('grüße'))), ['2 1']);
});

test('setLiteral applies to the next command only', async () => {
  await c.setLiteral('Köln');
  assert.deepEqual(lines(await c.search('UTF-8', 'SUBJECT')), ['1 2']);
  assert.equal((await c.noop()).type, 'OK');
  await c.setLiteral(Buffer.from('x'));
  await c.setLiteral(null);
  assert.equal((await c.noop()).type, 'OK');
});

test('storeFlags, uidStoreFlags and appendFlags send flag lists', async () => {
  await c.storeFlags('3', '+FLAGS', ['\\Seen', '$Label1']);
  await c.uidStoreFlags('3', '-FLAGS.SILENT', ['$Label1']);
  const flags = lines(await c.fetch('3', '(FLAGS)')).join(' ');
  assert.match(flags, /\\Seen/);
  assert.match(flags, /\\Draft/);
  assert.doesNotMatch(flags, /\$Label1/);
});

test('a UTF-8 password logs in: the LOGIN command and SCRAM', async () => {
  const u = await Client.connect(plain());
  try {
    await assert.rejects(u.loginCommand('utf8user', 'pässwörd-Grüsse'), (e) => e.kind === 'NO');
    assert.equal((await u.loginCommand('utf8user', 'pässwörd-Grüße')).type, 'OK');
    await u.logout();
  } finally {
    await u.close();
  }
  const s = await Client.connect(plain());
  try {
    assert.equal((await s.login('utf8user', 'pässwörd-Grüße')).type, 'OK');
    assert.equal(s.authMechanism, 'SCRAM-SHA-256');
    await s.logout();
  } finally {
    await s.close();
  }
});

test('bad flags and bad values are refused and nothing is sent (fake server)', async () => {
  const received = [];
  const srv = await fakeServer((s) => {
    s.write('* PREAUTH fake ready\r\n');
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString('latin1');
      let i;
      while ((i = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        received.push(line);
        const [tag, name] = line.split(' ');
        if (name === 'CAPABILITY') s.write(`* CAPABILITY IMAP4rev1\r\n${tag} OK done\r\n`);
        else if (name === 'SELECT') s.write(`* 1 EXISTS\r\n${tag} OK [READ-WRITE] done\r\n`);
        else s.write(`${tag} OK done\r\n`);
      }
    });
  });
  const f = await Client.connect({ host: '127.0.0.1', port: srv.port, tls: 'none' });
  try {
    await f.select('INBOX');
    const before = received.length;
    for (const bad of BAD_FLAGS) {
      await assert.rejects(f.storeFlags('1', '+FLAGS', ['\\Seen', bad]), isInvalid);
      await assert.rejects(f.uidStoreFlags('1', '+FLAGS', ['\\Seen', bad]), isInvalid);
      await assert.rejects(f.appendFlags(null, ['\\Seen', bad], null, 'x\r\n'), isInvalid);
    }
    await assert.rejects(f.storeFlags('1', 'X-GM-LABELS', ['\\Seen']), isInvalid);
    for (const bad of ['two words', '(', '{5}', 'Grüße'])
      await assert.rejects(f.searchArgs(null, arg.atom(bad)), isInvalid);
    await assert.rejects(f.searchArgs(null, arg.atom('SUBJECT'), arg.string('a\r\nb')), isInvalid);
    await assert.rejects(f.searchArgs(null, 'SUBJECT'), TypeError);
    assert.throws(() => arg.number(-1), TypeError);
    assert.equal((await f.noop()).type, 'OK');
    assert.deepEqual(
      received.slice(before).map((l) => l.split(' ').slice(1).join(' ')),
      ['NOOP'],
    );
    // The accepted forms, for comparison.
    await f.storeFlags('1:3', '+FLAGS.SILENT', ['\\Seen', '$Label']);
    assert.match(received.at(-1), /^\S+ STORE 1:3 \+FLAGS\.SILENT \(\\Seen \$Label\)$/);
  } finally {
    await f.close();
    await srv.close();
  }
});

test('append: a small message goes at once under LITERAL+ ({N+}); nonSyncLiteralMax 0 waits ({N}, imaplib)', async () => {
  const msg = 'Subject: literal plus\r\n\r\nbody\r\n';
  for (const [opt, head] of [[undefined, `{${msg.length}+}`], [0, `{${msg.length}}`]]) {
    const sent = [];
    const keep = (o) => sent.push(o.msg);
    const k = await Client.connect(plain({ debug: 4, logger: { debug: keep, info: keep, warn: keep, error: keep }, nonSyncLiteralMax: opt }));
    const box = uniqueName('litplus');
    try {
      await k.login('user2', 'pass2');
      await k.create(box);
      await k.append(box, null, null, msg);
      await k.select(box);
      const f = await k.fetch('1', '(BODY.PEEK[])');
      assert.equal(f.data[0][1].toString(), msg);
      await k.closeMailbox();
      await k.delete(box);
    } finally {
      await k.logout().catch(() => {});
      await k.close();
    }
    assert.ok(sent.some((l) => l.includes(`APPEND ${box} ${head}`)), `${head} not in\n${sent.join('\n')}`);
  }
  assert.throws(() => new Client({ nonSyncLiteralMax: -1 }), /nonSyncLiteralMax/);
});
