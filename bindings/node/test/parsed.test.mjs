// Parsed results (imap_parse_*, imap_client_mailbox, imap_parse_code, modified UTF-7, RFC
// 2047) against the test Dovecot: user1's INBOX (20 seeded messages) is only EXAMINEd;
// writes go to uniquely named mailboxes of user1 and user2, deleted afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client, ImapError, Code, Quirk, utf7Encode, utf7Decode, decodeHeader } from '../index.mjs';
import { dovecot, plain, uniqueName, lines, fakeServer } from '../test-support/dovecot.mjs';

let c; // user1
let c2; // user2
const mb1 = uniqueName('parsed');
const mb2 = uniqueName('parsed2');
const mb3 = uniqueName('parsed3');
const intl = `${uniqueName('intl')}-台北 日本語 & co`;

before(async () => {
  dovecot();
  c = await Client.connect(plain());
  await c.login('user1', 'pass1');
  c2 = await Client.connect(plain());
  await c2.login('user2', 'pass2');
});

after(async () => {
  for (const [client, boxes] of [
    [c, [mb1]],
    [c2, [mb2, mb3, intl]],
  ]) {
    if (!client || client.closed) continue;
    await client.setMailboxEncoding('utf7').catch(() => {});
    for (const m of boxes) await client.delete(m).catch(() => {});
    await client.logout().catch(() => {});
    await client.close();
  }
});

const isKind = (kind) => (e) => {
  assert.ok(e instanceof ImapError, String(e && e.stack));
  assert.equal(e.kind, kind, `${e.code}: ${e.message}`);
  return true;
};

test('utf7Encode, utf7Decode (RFC 3501 vectors), decodeHeader (RFC 2047)', () => {
  assert.equal(utf7Encode('~peter/mail/台北/日本語'), '~peter/mail/&U,BTFw-/&ZeVnLIqe-');
  assert.equal(utf7Decode('~peter/mail/&U,BTFw-/&ZeVnLIqe-'), '~peter/mail/台北/日本語');
  assert.equal(utf7Decode(Buffer.from('&ZeVnLIqe-')), '日本語');
  assert.equal(utf7Encode('&'), '&-');
  assert.equal(utf7Decode('&-'), '&');
  assert.equal(utf7Encode('INBOX'), 'INBOX');
  assert.equal(utf7Decode(utf7Encode(intl)), intl);
  assert.throws(() => utf7Decode('&ZeVnLIqe'), isKind('INVALID_ARGUMENT'), 'unterminated');
  assert.throws(() => utf7Decode('&AGE-'), isKind('INVALID_ARGUMENT'), 'base64 for printable ASCII');
  assert.throws(() => utf7Encode('a\0b'), isKind('INVALID_ARGUMENT'));
  assert.throws(() => utf7Encode(7), TypeError);

  assert.equal(decodeHeader('=?UTF-8?B?QWxpY2UgTm92w6Fr?='), 'Alice Novák');
  assert.equal(decodeHeader('=?ISO-8859-1?Q?Andr=E9?= Pirard'), 'André Pirard');
  // RFC 2047 §8: whitespace between adjacent encoded words is dropped
  assert.equal(decodeHeader('(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)'), '(ab)');
  assert.equal(decodeHeader('(=?ISO-8859-1?Q?a?= b)'), '(a b)');
  assert.equal(decodeHeader('=?ISO-8859-1?Q?a_b?='), 'a b');
  assert.equal(decodeHeader('=?x-unknown?Q?a?='), '=?x-unknown?Q?a?=', 'unknown charset kept');
  assert.equal(decodeHeader(Buffer.from('plain text')), 'plain text');
  assert.equal(decodeHeader(''), '');
});

test('parsedCode on every result: CAPABILITY after login, READ-ONLY after EXAMINE', async () => {
  const d = await Client.connect(plain());
  try {
    const r = await d.login('user1', 'pass1');
    assert.equal(r.parsedCode?.kind, 'CAPABILITY');
    assert.ok(r.parsedCode.atoms.includes('IMAP4rev1'));
    const sel = await d.select('INBOX', true);
    assert.equal(sel.code, 'READ-ONLY');
    assert.deepEqual(sel.parsedCode, {
      kind: 'READ-ONLY',
      name: 'READ-ONLY',
      data: null,
      number: null,
      modseq: null,
      atoms: [],
      uids: [],
      sourceUids: [],
    });
    assert.equal((await d.noop()).parsedCode, null);
  } finally {
    await d.logout();
    await d.close();
  }
});

test('mailbox(): ILLEGAL_STATE before select, the EXAMINE summary after', async () => {
  await assert.rejects(c.mailbox(), isKind('ILLEGAL_STATE'));
  const sel = await c.select('INBOX', { readonly: true });
  const info = await c.mailbox();
  assert.equal(info.exists, Number(sel.data[0].toString()));
  assert.equal(info.exists, 20);
  assert.equal(info.readOnly, true);
  assert.ok(Number.isInteger(info.uidValidity) && info.uidValidity > 0);
  assert.ok(info.uidNext > 20);
  assert.ok(info.flags.includes('\\Seen'));
  assert.ok(Array.isArray(info.permanentFlags));
  assert.equal(typeof info.highestModseq, 'bigint');
  assert.equal(info.noModseq, false);
  const all = await c.statusParsed('INBOX', '(MESSAGES UIDNEXT UIDVALIDITY UNSEEN HIGHESTMODSEQ SIZE)');
  assert.ok(Array.isArray(all));
  assert.equal(all.length, 1);
  const [st] = all;
  assert.equal(st.mailbox, 'INBOX');
  assert.equal(st.messages, 20);
  assert.equal(st.uidValidity, info.uidValidity);
  assert.equal(st.uidNext, info.uidNext);
  assert.equal(st.highestModseq, info.highestModseq);
  assert.ok(st.size > 0);
  assert.equal(st.recent, null, 'not asked for');
});

test('fetchParsed: 20 valid messages of the seeded INBOX', async () => {
  const t0 = performance.now();
  const msgs = await c.fetchParsed('1:20', '(UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)');
  const ms = performance.now() - t0;
  assert.equal(msgs.length, 20);
  // the same values unparsed
  const raw = new Map(
    lines(await c.fetch('1:20', '(UID RFC822.SIZE)')).map((l) => {
      const m = /^(\d+) \(UID (\d+) RFC822\.SIZE (\d+)\)$/.exec(l);
      return [Number(m[1]), { uid: Number(m[2]), size: Number(m[3]) }];
    }),
  );
  msgs.forEach((m, i) => {
    assert.equal(m.error, null, `message ${m.seq}`);
    assert.equal(m.seq, i + 1);
    assert.equal(m.uid, raw.get(m.seq).uid);
    assert.equal(m.size, raw.get(m.seq).size);
    assert.ok(Array.isArray(m.flags));
    assert.ok(m.internalDate instanceof Date && !Number.isNaN(m.internalDate.getTime()));
    assert.equal(typeof m.internalDateOffset, 'number');
    assert.equal(m.modseq, null, 'not asked for');
    assert.equal(typeof m.envelope.subject, 'string');
    assert.ok(m.envelope.subject.length > 0);
    assert.match(m.envelope.messageId, /^<.+@.+>$/);
    assert.ok(m.envelope.from.length >= 1);
    assert.ok(m.bodyStructure.type.length > 0);
    assert.deepEqual(m.sections, []);
    assert.equal(m.body, null);
  });
  // RFC 2047 display names are decoded, the raw form kept
  const encoded = msgs.flatMap((m) => m.envelope.from).find((a) => a.rawName && a.rawName.includes('=?'));
  if (encoded) {
    assert.doesNotMatch(encoded.name, /=\?/);
    assert.equal(encoded.name, decodeHeader(encoded.rawName));
  }
  const multi = msgs.find((m) => m.bodyStructure.multipart);
  if (multi) {
    assert.equal(multi.bodyStructure.type, 'multipart');
    assert.equal(multi.bodyStructure.part, '');
    assert.deepEqual(
      multi.bodyStructure.children.map((p) => p.part),
      multi.bodyStructure.children.map((_, i) => String(i + 1)),
    );
  }
  console.log(`# fetchParsed of 20 messages: ${ms.toFixed(1)} ms`);
});

test('fetchParsed sections, MODSEQ (BigInt), uidFetchParsed', async () => {
  const [m] = await c.fetchParsed('1', '(UID MODSEQ BODY.PEEK[HEADER.FIELDS (SUBJECT)] BODY.PEEK[]<0.10>)');
  assert.equal(typeof m.modseq, 'bigint');
  assert.equal(m.sections.length, 2);
  const [hdr, partial] = m.sections;
  assert.equal(hdr.text, 'HEADER.FIELDS');
  assert.deepEqual(hdr.fields, ['SUBJECT']);
  assert.ok(Buffer.isBuffer(hdr.data));
  assert.match(hdr.data.toString(), /^Subject: /i);
  assert.equal(partial.spec, '');
  assert.equal(partial.origin, 0);
  assert.equal(partial.data.length, 10);
  const raw = await c.fetch('1', '(BODY.PEEK[]<0.10>)');
  assert.deepEqual(partial.data, raw.data[0][1]);
  const [byUid] = await c.uidFetchParsed(String(m.uid), '(FLAGS)');
  assert.equal(byUid.uid, m.uid);
  assert.equal(byUid.seq, 1);
  assert.deepEqual(await c.fetchParsed('1', '(UID)').then((x) => x.length), 1);
  await assert.rejects(c.fetchParsed('1', '(NOSUCHITEM)'), isKind('BAD'));
  await assert.rejects(c.fetchParsed(1, '(UID)'), TypeError);
});

test('searchParsed, uidSearchParsed, sortParsed (numbers)', async () => {
  const all = await c.searchParsed(null, 'ALL');
  assert.deepEqual(all, Array.from({ length: 20 }, (_, i) => i + 1));
  assert.equal(all.modseq, null);
  assert.deepEqual(await c.searchParsed('UTF-8', 'UID', '1:3'), [1, 2, 3]);
  assert.deepEqual(await c.searchParsed(null, 'SUBJECT', 'no-such-subject-anywhere'), []);
  const uids = await c.uidSearchParsed(null, 'ALL');
  assert.equal(uids.length, 20);
  const withModseq = await c.searchParsed(null, 'MODSEQ', '1');
  assert.equal(typeof withModseq.modseq, 'bigint');
  const sorted = await c.sortParsed('(REVERSE SIZE)', 'UTF-8', 'ALL');
  const rawSorted = lines(await c.sort('(REVERSE SIZE)', 'UTF-8', 'ALL'))[0].split(' ').map(Number);
  assert.deepEqual(sorted, rawSorted);
  const uidSorted = await c.uidSortParsed('(REVERSE SIZE)', null, 'ALL');
  assert.equal(uidSorted.length, 20);
  const es = await c.esearchParsed(null, 'ALL'); // RETURN (MIN MAX COUNT ALL) added by the library
  assert.equal(es.length, 1);
  assert.equal(es[0].min, 1);
  assert.equal(es[0].max, 20);
  assert.equal(es[0].count, 20);
  assert.deepEqual(es[0].all, [{ start: 1, end: 20 }]);
  assert.equal(es[0].uid, false);
});

test('threadParsed: a flat forest holding every message once', async () => {
  const t = await c.threadParsed('REFERENCES', 'UTF-8', 'ALL');
  const ids = t.nodes.map((n) => n.id).filter((id) => id !== null).sort((a, b) => a - b);
  assert.deepEqual(ids, Array.from({ length: 20 }, (_, i) => i + 1));
  for (const r of t.roots) assert.equal(t.nodes[r].parent, null);
  t.nodes.forEach((n, i) => {
    for (const ch of n.children) assert.equal(t.nodes[ch].parent, i);
    if (n.parent !== null) assert.ok(t.nodes[n.parent].children.includes(i));
  });
  const reachable = new Set();
  const stack = [...t.roots];
  while (stack.length) {
    const i = stack.pop();
    reachable.add(i);
    stack.push(...t.nodes[i].children);
  }
  assert.equal(reachable.size, t.nodes.length);
  const byUid = await c.uidThreadParsed('ORDEREDSUBJECT', null, 'ALL');
  assert.ok(byUid.roots.length >= 1);
  await c.closeMailbox();
});

test('capabilityParsed, namespaceParsed, getquotaParsed, getquotarootParsed', async () => {
  const caps = await c.capabilityParsed();
  assert.ok(caps.includes('IMAP4rev1'));
  assert.equal(new Set(caps).size, caps.length, 'each once');
  const nsAll = await c.namespaceParsed();
  assert.equal(nsAll.length, 1);
  const [ns] = nsAll;
  assert.deepEqual(ns.personal, [{ prefix: '', delimiter: '/', extensions: [] }]);
  assert.ok(Array.isArray(ns.other) && Array.isArray(ns.shared));
  const q = await c.getquotaParsed('User quota');
  assert.equal(q.length, 1);
  assert.equal(q[0].root, 'User quota');
  const storage = q[0].resources.find((r) => r.name === 'STORAGE');
  assert.equal(storage.limit, 1048576);
  assert.ok(storage.usage >= 0);
  assert.deepEqual(q[0].resources.find((r) => r.name === 'MESSAGE').limit, 1000000);
  const qr = await c.getquotarootParsed('INBOX');
  assert.equal(qr.mailbox, 'INBOX');
  assert.deepEqual(qr.roots, ['User quota']);
  assert.deepEqual(qr.quotas, q);
  await assert.rejects(c.getquotaParsed('no such root'), isKind('NO'));
});

test('ACL and METADATA parsed (user1, a fresh mailbox)', async () => {
  await c.create(mb1);
  await c.setacl(mb1, 'user2', 'lr');
  const acls = await c.getaclParsed(mb1);
  assert.equal(acls.length, 1);
  const [acl] = acls;
  assert.equal(acl.mailbox, mb1);
  assert.ok(acl.entries.some((e) => e.identifier === 'user2' && e.rights === 'lr'));
  assert.ok(acl.entries.some((e) => e.identifier === 'user1'));
  assert.deepEqual(await c.myrightsParsed(mb1), [{ mailbox: mb1, rawMailbox: mb1, rights: 'lrwstipekxacd' }]);
  const lrs = await c.listrightsParsed(mb1, 'user2');
  assert.equal(lrs.length, 1);
  const [lr] = lrs;
  assert.equal(lr.identifier, 'user2');
  assert.equal(lr.required, '');
  assert.ok(lr.optional.includes('l'));

  await c.setmetadata(mb1, { '/private/comment': 'hello "node"', '/shared/comment': 'shared' });
  const md = await c.getmetadataParsed(mb1, ['/private/comment', '/shared/comment', '/private/nothing']);
  assert.equal(md.mailbox, mb1);
  assert.ok(Buffer.isBuffer(md.entries['/private/comment']));
  assert.equal(md.entries['/private/comment'].toString(), 'hello "node"', 'a literal value');
  assert.equal(md.entries['/shared/comment'].toString(), 'shared');
  assert.equal(md.entries['/private/nothing'] ?? null, null);
  await assert.rejects(c.getaclParsed(uniqueName('missing')), isKind('NO'));
});

test('APPEND a multipart message into a fresh user2 mailbox: APPENDUID, bodyStructure', async () => {
  await c2.create(mb2);
  const pdf = Buffer.from('%PDF-1.4\n' + 'binary \u0000\u00ff payload '.repeat(20), 'latin1');
  const b64 = pdf.toString('base64').replace(/.{1,76}/g, '$&\r\n');
  const message = [
    'From: =?UTF-8?B?QWxpY2UgTm92w6Fr?= <alice@example.org>',
    'To: Team: bob@example.org, Carol <carol@example.org>;, dave@example.org',
    'Subject: =?UTF-8?Q?R=C3=A9sum=C3=A9?= and report',
    'Date: Mon, 01 Jan 2024 10:00:00 +0100',
    'Message-ID: <parsed-test@example.org>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="XYZ"',
    '',
    '--XYZ',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Hello, this is the body: été.',
    '--XYZ',
    'Content-Type: application/pdf; name="report.pdf"',
    'Content-Disposition: attachment; filename="report.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    b64.trimEnd(),
    '--XYZ',
    'Content-Type: message/rfc822',
    '',
    'From: inner@example.org',
    'Subject: inner message',
    '',
    'inner body',
    '--XYZ--',
    '',
  ].join('\r\n');
  const appended = await c2.append(mb2, '(\\Seen $Report)', '"01-Jan-2024 10:00:00 +0100"', message);
  const code = appended.parsedCode;
  assert.equal(code.kind, 'APPENDUID');
  assert.deepEqual(code.uids, [{ start: 1, end: 1 }]);
  const [st] = await c2.statusParsed(mb2, '(MESSAGES UIDVALIDITY)');
  assert.equal(code.number, st.uidValidity);
  assert.equal(st.messages, 1);

  await c2.select(mb2);
  const info = await c2.mailbox();
  assert.equal(info.exists, 1);
  assert.equal(info.readOnly, false);
  const [m] = await c2.uidFetchParsed('1', '(FLAGS INTERNALDATE ENVELOPE BODYSTRUCTURE BODY.PEEK[2])');
  assert.equal(m.error, null);
  assert.equal(m.uid, 1);
  assert.ok(m.flags.includes('\\Seen') && m.flags.includes('$Report'));
  assert.equal(m.internalDate.toISOString(), '2024-01-01T09:00:00.000Z');
  assert.ok(Number.isInteger(m.internalDateOffset), 'the zone Dovecot writes (its own)');

  const env = m.envelope;
  assert.equal(env.subject, 'Résumé and report');
  assert.equal(env.rawSubject, '=?UTF-8?Q?R=C3=A9sum=C3=A9?= and report');
  assert.equal(env.messageId, '<parsed-test@example.org>');
  assert.deepEqual(env.from, [
    { name: 'Alice Novák', rawName: '=?UTF-8?B?QWxpY2UgTm92w6Fr?=', adl: null, mailbox: 'alice', host: 'example.org', address: 'alice@example.org' },
  ]);
  assert.deepEqual(env.sender, env.from, 'Sender defaults to From');
  assert.equal(env.to.length, 2);
  assert.equal(env.to[0].group, 'Team');
  assert.deepEqual(
    env.to[0].members.map((a) => [a.name, a.address]),
    [
      [null, 'bob@example.org'],
      ['Carol', 'carol@example.org'],
    ],
  );
  assert.equal(env.to[1].address, 'dave@example.org');
  assert.deepEqual(env.cc, []);

  const bs = m.bodyStructure;
  assert.equal(bs.multipart, true);
  assert.equal(bs.type, 'multipart');
  assert.equal(bs.subtype, 'mixed');
  assert.equal(bs.params.boundary, 'XYZ');
  assert.equal(bs.part, '');
  assert.equal(bs.children.length, 3);
  const [text, att, inner] = bs.children;
  assert.deepEqual([text.part, text.type, text.subtype, text.params.charset, text.encoding], ['1', 'text', 'plain', 'utf-8', '8bit']);
  assert.equal(text.lines, 0, "Dovecot counts the CRLFs: the one before the boundary belongs to it");
  assert.deepEqual([att.part, att.type, att.subtype, att.encoding], ['2', 'application', 'pdf', 'base64']);
  assert.equal(att.params.name, 'report.pdf');
  assert.deepEqual(att.disposition, { type: 'attachment', params: { filename: 'report.pdf' } });
  assert.equal(att.lines, null);
  assert.ok(att.size >= b64.trimEnd().length - 10);
  assert.deepEqual([inner.part, inner.type, inner.subtype], ['3', 'message', 'rfc822']);
  assert.equal(inner.message.envelope.subject, 'inner message');
  assert.equal(inner.message.body.type, 'text');
  assert.equal(inner.message.body.part, '3.1');

  assert.equal(m.sections.length, 1);
  assert.deepEqual(m.sections[0].part, [2]);
  assert.deepEqual(Buffer.from(m.sections[0].data.toString(), 'base64'), pdf);
  await c2.closeMailbox();
});

test('section(spec) and find(part): the library\'s lookups on fetchParsed, uidFetchParsed and fetchEach messages', async () => {
  await c2.create(mb3);
  const message = [
    'From: alice@example.org',
    'Subject: nested parts',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="OUT"',
    '',
    '--OUT',
    'Content-Type: text/plain',
    '',
    'part one',
    '--OUT',
    'Content-Type: multipart/alternative; boundary="ALT"',
    '',
    '--ALT',
    'Content-Type: text/plain',
    '',
    'plain two-one',
    '--ALT',
    'Content-Type: text/html',
    '',
    '<p>html two-two</p>',
    '--ALT--',
    '--OUT',
    'Content-Type: message/rfc822',
    '',
    'Subject: inner',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="IN"',
    '',
    '--IN',
    'Content-Type: text/plain',
    '',
    'inner one',
    '--IN',
    'Content-Type: text/csv',
    '',
    'a,b',
    '--IN--',
    '--OUT--',
    '',
  ].join('\r\n');
  await c2.append(mb3, null, null, message);
  await c2.select(mb3);
  const items = '(BODYSTRUCTURE BODY.PEEK[HEADER] BODY.PEEK[1] BODY.PEEK[2.1] BODY.PEEK[HEADER.FIELDS (SUBJECT)] RFC822.TEXT)';
  const [m] = await c2.fetchParsed('1', items);
  assert.equal(m.error, null);
  assert.equal(m.sections.length, 5);

  // section(spec): the very objects of m.sections, found by the library's rules
  const header = m.section('HEADER');
  assert.ok(m.sections.includes(header));
  assert.match(header.data.toString(), /^From: alice@example\.org\r\nSubject: nested parts\r\n/);
  assert.equal(m.section('header'), header, 'case-insensitive');
  assert.equal(m.section('1').data.toString(), 'part one');
  assert.equal(m.section('2.1').data.toString(), 'plain two-one');
  assert.equal(m.section('header.fields (subject)').data.toString(), 'Subject: nested parts\r\n\r\n');
  assert.equal(m.section('TEXT').kind, 'RFC822.TEXT', 'TEXT also finds RFC822.TEXT');
  assert.equal(m.section(''), null, 'BODY[] was not fetched');
  assert.equal(m.section('2.2'), null);
  assert.equal(m.section('1.MIME'), null);
  assert.equal(m.section('HEADER\0'), null, 'a NUL is in no spec');
  assert.throws(() => m.section(1), TypeError);

  // find(part): the very nodes of m.bodyStructure, numbered by the library
  const bs = m.bodyStructure;
  const [one, alt, rfc822] = bs.children;
  assert.equal(bs.find(''), bs);
  assert.equal(bs.find('1'), one);
  assert.equal(bs.find('2'), alt);
  assert.equal(bs.find('2.1'), alt.children[0]);
  assert.deepEqual([bs.find('2.1').type, bs.find('2.1').subtype], ['text', 'plain']);
  assert.equal(bs.find('2.2').subtype, 'html');
  assert.equal(bs.find('3'), rfc822, 'the message/rfc822 node, not its multipart body (also numbered 3)');
  assert.equal(rfc822.message.body.part, '3');
  assert.equal(bs.find('3.2'), rfc822.message.body.children[1]);
  assert.equal(bs.find('3.2').subtype, 'csv');
  assert.equal(alt.find('2.2'), alt.children[1], 'from a subtree, by the absolute number');
  assert.equal(alt.find('1'), null, 'not under 2');
  for (const missing of ['4', '2.3', '1.1', '0', 'x', '2.1\0']) assert.equal(bs.find(missing), null, missing);
  assert.throws(() => bs.find(null), TypeError);

  // the lookups are not enumerable: the objects stay plain data
  assert.ok(!Object.keys(m).includes('section') && !Object.keys(bs).includes('find'));
  assert.deepEqual({ ...m.sections[0] }, m.sections[0]);
  const copy = structuredClone(m); // a worker could be sent one: the methods are not data
  assert.equal(copy.section, undefined);
  assert.equal(Buffer.from(copy.sections[1].data).toString(), 'part one'); // a Uint8Array once cloned

  // uidFetchParsed and fetchEach give the same lookups; RFC822.HEADER answers to 'HEADER'
  const [u] = await c2.uidFetchParsed('1', '(RFC822.HEADER BODY)');
  assert.equal(u.section('HEADER').kind, 'RFC822.HEADER');
  assert.equal(u.body.find('2.1').subtype, 'plain');
  const seen = [];
  for await (const e of c2.fetchEach('1', '(BODYSTRUCTURE BODY.PEEK[2.2])', { batch: 1 })) seen.push(e);
  assert.equal(seen.length, 1);
  assert.equal(seen[0].section('2.2').data.toString(), '<p>html two-two</p>');
  assert.equal(seen[0].bodyStructure.find('3.1').subtype, 'plain');
  await c2.closeMailbox();
});

test('listParsed: a non-ASCII mailbox name is encoded on the way out and decoded back', async () => {
  await c2.create(intl);
  const encoded = utf7Encode(intl);
  assert.notEqual(encoded, intl);
  const raw = lines(await c2.list('', encoded));
  assert.equal(raw.length, 1);
  assert.ok(raw[0].includes(encoded), raw[0]);
  const entries = await c2.listParsed('', intl);
  assert.equal(entries.length, 1);
  assert.equal(entries[0].mailbox, intl);
  assert.equal(entries[0].rawMailbox, encoded);
  assert.equal(entries[0].delimiter, '/');
  assert.ok(entries[0].attributes.some((a) => /children/i.test(a)));
  const [st] = await c2.statusParsed(intl, '(MESSAGES)');
  assert.equal(st.mailbox, intl);
  assert.equal(st.messages, 0);
  // 'raw': names go as given (the caller encodes them, as with imaplib)
  await c2.setMailboxEncoding('raw');
  assert.equal((await c2.statusParsed(encoded, '(MESSAGES)'))[0].mailbox, intl);
  await c2.setMailboxEncoding('utf7');
  await assert.rejects(c2.setMailboxEncoding('latin1'), TypeError);
  assert.ok((await c2.listParsed('', '*')).some((e) => e.mailbox === intl));
  const lsub = await c2.lsubParsed('', '*');
  assert.ok(Array.isArray(lsub));
});

test('mailboxEncoding connect option', async () => {
  assert.throws(() => new Client({ ...plain(), mailboxEncoding: 'x' }), TypeError);
  const d = await Client.connect(plain({ mailboxEncoding: 'raw' }));
  try {
    await d.login('user2', 'pass2');
    const encoded = utf7Encode(intl);
    assert.equal((await d.statusParsed(encoded, '(MESSAGES)'))[0].mailbox, intl);
  } finally {
    await d.logout();
    await d.close();
  }
});

test('IMAP_CODE_PARSE: a malformed FETCH gives the partial list (fake server)', async () => {
  const srv = await fakeServer((s) => {
    s.write('* PREAUTH [CAPABILITY IMAP4rev1] fake ready\r\n');
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const [tag, cmd] = line.split(' ');
        if (/^CAPABILITY$/i.test(cmd)) s.write(`* CAPABILITY IMAP4rev1\r\n${tag} OK done\r\n`);
        else if (/^(SELECT|EXAMINE)$/i.test(cmd)) s.write(`* 3 EXISTS\r\n${tag} OK [READ-WRITE] selected\r\n`);
        else if (/^FETCH$/i.test(cmd))
          s.write(
            '* 1 FETCH (UID 7 FLAGS (\\Seen) RFC822.SIZE 12)\r\n' +
              '* 2 FETCH (UID x)\r\n' +
              '* 3 FETCH (UID 9 X-GM-LABELS (\\Inbox) BODY[] {5}\r\nhello)\r\n' +
              `${tag} OK fetched\r\n`,
          );
        else if (/^STATUS$/i.test(cmd)) s.write(`* STATUS box (MESSAGES nope)\r\n${tag} OK done\r\n`);
        else s.write(`${tag} OK done\r\n`);
      }
    });
  });
  const d = await Client.connect({ host: '127.0.0.1', port: srv.port, tls: 'none' });
  try {
    await d.select('INBOX');
    const err = await d.fetchParsed('1:3', '(UID)').then(
      () => assert.fail('resolved'),
      (e) => e,
    );
    assert.ok(err instanceof ImapError);
    assert.equal(err.code, 'IMAP_CODE_PARSE');
    assert.equal(err.status, Code.PARSE);
    assert.equal(err.result.status, 'OK');
    assert.equal(err.parsed.length, 3);
    const [a, b, c3] = err.parsed;
    assert.equal(a.error, null);
    assert.deepEqual([a.uid, a.flags, a.size], [7, ['\\Seen'], 12]);
    assert.equal(b.seq, 2);
    assert.notEqual(b.error, null);
    assert.ok(Buffer.isBuffer(b.error.raw));
    assert.match(b.error.raw.toString(), /UID x/);
    assert.equal(err.invalid.length, 1);
    assert.equal(err.invalid[0], b.error);
    assert.equal(c3.error, null);
    assert.equal(c3.uid, 9);
    assert.equal(c3.sections[0].data.toString(), 'hello');
    assert.deepEqual(c3.other.map((o) => [o.name, o.raw.toString()]), [['X-GM-LABELS', '(\\Inbox)']]);
    const st = await d.statusParsed('box', '(MESSAGES)').then(
      () => assert.fail('resolved'),
      (e) => e,
    );
    assert.equal(st.kind, 'PARSE');
    assert.deepEqual(st.parsed, [], 'no STATUS parsed');
    assert.equal(st.invalid.length, 1);
    assert.match(st.invalid[0].raw.toString(), /nope/);
    assert.equal((await d.noop()).type, 'OK', 'the connection is fine');
  } finally {
    await d.close();
    await srv.close();
  }
});

test('statusParsed, getaclParsed, myrightsParsed, listrightsParsed, namespaceParsed: every response, none dropped (fake server)', async () => {
  const replies = {
    STATUS: '* STATUS box (MESSAGES 3 UIDNEXT 9)\r\n* STATUS other (MESSAGES 5)\r\n',
    GETACL: '* ACL box user1 lr\r\n* ACL box user2 lrs anyone l\r\n',
    MYRIGHTS: '* MYRIGHTS box lr\r\n* MYRIGHTS box lrs\r\n',
    LISTRIGHTS: '* LISTRIGHTS box user2 l r s\r\n* LISTRIGHTS box user2 "" w\r\n',
    NAMESPACE: '* NAMESPACE (("" "/")) NIL NIL\r\n* NAMESPACE (("INBOX." ".")) (("#users." ".")) (("#shared." "."))\r\n',
    GETQUOTAROOT: '* QUOTAROOT box root1\r\n* QUOTAROOT box root2 root3\r\n* QUOTA root1 (STORAGE 1 10)\r\n',
  };
  const srv = await fakeServer((s) => {
    s.write('* PREAUTH [CAPABILITY IMAP4rev1 ACL NAMESPACE QUOTA] fake ready\r\n');
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const [tag, cmd] = line.split(' ');
        const name = cmd.toUpperCase();
        if (name === 'CAPABILITY') s.write(`* CAPABILITY IMAP4rev1 ACL NAMESPACE QUOTA\r\n${tag} OK done\r\n`);
        else s.write(`${replies[name] ?? ''}${tag} OK done\r\n`);
      }
    });
  });
  const d = await Client.connect({ host: '127.0.0.1', port: srv.port, tls: 'none' });
  try {
    const st = await d.statusParsed('box', '(MESSAGES UIDNEXT)');
    assert.deepEqual(
      st.map((x) => [x.mailbox, x.messages, x.uidNext]),
      [
        ['box', 3, 9],
        ['other', 5, null],
      ],
    );
    const acl = await d.getaclParsed('box');
    assert.deepEqual(
      acl.map((a) => [a.mailbox, a.entries]),
      [
        ['box', [{ identifier: 'user1', rights: 'lr' }]],
        [
          'box',
          [
            { identifier: 'user2', rights: 'lrs' },
            { identifier: 'anyone', rights: 'l' },
          ],
        ],
      ],
    );
    assert.deepEqual(
      (await d.myrightsParsed('box')).map((m) => m.rights),
      ['lr', 'lrs'],
    );
    const lr = await d.listrightsParsed('box', 'user2');
    assert.deepEqual(
      lr.map((l) => [l.identifier, l.required, l.optional]),
      [
        ['user2', 'l', ['r', 's']],
        ['user2', '', ['w']],
      ],
    );
    const ns = await d.namespaceParsed();
    assert.equal(ns.length, 2);
    assert.deepEqual(ns[0], { personal: [{ prefix: '', delimiter: '/', extensions: [] }], other: [], shared: [] });
    assert.deepEqual(
      [ns[1].personal[0].prefix, ns[1].other[0].prefix, ns[1].shared[0].prefix],
      ['INBOX.', '#users.', '#shared.'],
    );
    const qr = await d.getquotarootParsed('box');
    assert.deepEqual(qr.roots, ['root1', 'root2', 'root3'], 'the roots of every QUOTAROOT response');
    assert.equal(qr.quotas.length, 1);
  } finally {
    await d.close();
    await srv.close();
  }
});

test('real-server quirks recorded, never invented; numbers out of their grammar marked invalid (fake server)', async () => {
  const srv = await fakeServer((s) => {
    s.write('* PREAUTH [CAPABILITY IMAP4rev1] fake ready\r\n');
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const [tag, cmd] = line.split(' ');
        if (/^CAPABILITY$/i.test(cmd)) s.write(`* CAPABILITY IMAP4rev1\r\n${tag} OK done\r\n`);
        else if (/^(SELECT|EXAMINE)$/i.test(cmd))
          s.write(`* 2 EXISTS\r\n* OK [UIDVALIDITY 0] zero\r\n${tag} OK [READ-WRITE] selected\r\n`);
        else if (/^FETCH$/i.test(cmd))
          s.write(
            // GreenMail 2.1: no space before the literal
            '* 1 FETCH (UID 1 BODY[]<0>{5}\r\nhello)\r\n' +
              // Courier-IMAP 5.0: a group ended with (NIL NIL "" NIL); 5 entries sent
              '* 2 FETCH (UID 2 ENVELOPE (NIL "s" ((NIL NIL "f" "x.org")) NIL NIL ' +
              '((NIL NIL "friends" NIL)(NIL NIL "a" "x.org")(NIL NIL "b" "x.org")(NIL NIL "" NIL)("C" NIL "c" "y.org")) ' +
              'NIL NIL NIL NIL))\r\n' +
              `${tag} OK fetched\r\n`,
          );
        else if (/^NOOP$/i.test(cmd)) s.write(`${tag} OK [UIDNEXT 4294967296] done\r\n`);
        else s.write(`${tag} OK done\r\n`);
      }
    });
  });
  const d = await Client.connect({ host: '127.0.0.1', port: srv.port, tls: 'none' });
  try {
    await d.select('INBOX');
    const bad = await d.mailbox().then(
      () => assert.fail('resolved'),
      (e) => e,
    );
    assert.equal(bad.kind, 'PARSE');
    assert.equal(bad.parsed.exists, 2);
    assert.equal(bad.parsed.uidValidity, null);
    assert.equal(bad.invalid.length, 1);
    assert.equal(bad.invalid[0].raw.toString(), '0');
    const [g, c5] = await d.fetchParsed('1:2', '(UID)');
    assert.equal(g.error, null);
    assert.equal(g.quirks, Quirk.LITERAL_WITHOUT_SPACE);
    assert.equal(g.sections[0].data.toString(), 'hello');
    assert.equal(c5.error, null);
    assert.equal(c5.quirks, Quirk.GROUP_END_EMPTY_MAILBOX);
    const to = c5.envelope.to;
    assert.equal(to.length, 2, JSON.stringify(to));
    assert.equal(to[0].group, 'friends');
    assert.equal(to[0].closed, true);
    assert.deepEqual(
      to[0].members.map((m) => m.address),
      ['a@x.org', 'b@x.org'],
    );
    assert.equal(to[1].address, 'c@y.org');
    const r = await d.noop();
    assert.equal(r.parsedCode.kind, 'INVALID');
    assert.equal(r.parsedCode.name, 'UIDNEXT');
    assert.equal(r.parsedCode.data, '4294967296');
  } finally {
    await d.close();
    await srv.close();
  }
});
