// IMAP4rev2 (RFC 9051) against a scripted server (Dovecot 2.3 does not speak it): ENABLE after
// login, SELECT without RECENT and with MAILBOXID, SEARCH answered with ESEARCH, UTF-8 names,
// OBJECTID in FETCH, LIST with SPECIAL-USE and LIST-STATUS, CREATE with USE; then what the test
// Dovecot has of these (SPECIAL-USE, LIST-STATUS, STATUS=SIZE).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, ImapError, ListAttr } from '../index.mjs';
import { dovecot, plain, fakeServer, lines } from '../test-support/dovecot.mjs';

const CAPS = 'IMAP4rev1 IMAP4rev2 ENABLE OBJECTID STATUS=SIZE SPECIAL-USE LIST-EXTENDED LIST-STATUS CREATE-SPECIAL-USE';
const ANSWERS = {
  CAPABILITY: (t) => `* CAPABILITY ${CAPS}\r\n${t} OK done\r\n`,
  LOGIN: (t) => `${t} OK [CAPABILITY ${CAPS}] Logged in\r\n`,
  ENABLE: (t) => `* ENABLED IMAP4rev2\r\n${t} OK enabled\r\n`,
  SELECT: (t) =>
    '* 2 EXISTS\r\n* FLAGS (\\Seen)\r\n* OK [UIDVALIDITY 3] x\r\n* OK [MAILBOXID (Fmb1)] x\r\n' +
    `* LIST () "/" "Entwürfe"\r\n${t} OK [READ-WRITE] done\r\n`,
  NOOP: (t) => `${t} OK noop\r\n`,
  SEARCH: (t) => `* ESEARCH (TAG "${t}") ALL 1:2\r\n${t} OK done\r\n`,
  FETCH: (t) => `* 1 FETCH (EMAILID (Me1) THREADID NIL)\r\n* 2 FETCH (EMAILID (M!) THREADID (Tt2))\r\n${t} OK done\r\n`,
  LIST: (t) =>
    '* LIST (\\Sent) "/" "A&B"\r\n* STATUS "A&B" (MESSAGES 4 SIZE 99 MAILBOXID (Fs))\r\n' +
    `* LIST (\\NonExistent) "/" Gone\r\n${t} OK done\r\n`,
  CREATE: (t) => `${t} OK [MAILBOXID (Fnew)] created\r\n`,
  LOGOUT: (t) => `* BYE bye\r\n${t} OK bye\r\n`,
};

function rev2Server(received) {
  return fakeServer((s) => {
    s.write('* OK IMAP4rev2 fake ready\r\n');
    let buf = Buffer.alloc(0);
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      let i;
      while ((i = buf.indexOf('\r\n')) >= 0) {
        const line = buf.subarray(0, i).toString('utf8');
        buf = buf.subarray(i + 2);
        received.push(line);
        const [tag, verb] = line.split(' ');
        s.write((ANSWERS[verb] ?? ((t) => `${t} BAD unexpected\r\n`))(tag));
      }
    });
  });
}

const isKind = (kind) => (e) => e instanceof ImapError && e.kind === kind;

test('an IMAP4rev2 session gives IMAP4rev1-shaped answers (fake server)', async () => {
  const received = [];
  const srv = await rev2Server(received);
  const c = await Client.connect({ host: '127.0.0.1', port: srv.port, tls: 'none', imap4rev2: true, timeout: 20000 });
  try {
    assert.equal(c.imap4rev2, false);
    await c.loginCommand('user', 'pass');
    assert.equal(c.imap4rev2, true, received.join('\n'));

    await c.select('Entwürfe');
    const m = await c.mailbox();
    assert.equal(m.exists, 2);
    assert.equal(m.recent, null);
    assert.equal(m.mailboxId, 'Fmb1');
    assert.deepEqual((await c.recent()).data, [null]);

    const r = await c.search(null, 'UNSEEN');
    assert.match(lines(r)[0], /\) ALL 1:2$/);
    assert.deepEqual([...(await c.searchParsed(null, 'UNSEEN'))], [1, 2]);

    const err = await c.fetchParsed('1:2', '(EMAILID THREADID)').then(
      () => assert.fail('a garbage EMAILID must be reported'),
      (e) => e,
    );
    assert.ok(isKind('PARSE')(err), String(err));
    const [a, b] = err.parsed;
    assert.equal(a.error, null);
    assert.equal(a.emailId, 'Me1');
    assert.equal(a.threadId, null);
    assert.equal(a.hasThreadId, true);
    assert.notEqual(b.error, null);
    assert.equal(b.emailId, null);
    assert.equal(b.threadId, 'Tt2');

    const l = await c.listExtended('', '*', null, 'SPECIAL-USE STATUS (MESSAGES SIZE MAILBOXID)');
    assert.equal(l.length, 2);
    assert.equal(l[0].mailbox, 'A&B', 'UTF-8, not modified UTF-7');
    assert.equal(l[0].attrs & ListAttr.SPECIAL_USE, ListAttr.SENT);
    assert.equal(l[0].status.messages, 4);
    assert.equal(l[0].status.size, 99);
    assert.equal(l[0].status.mailboxId, 'Fs');
    assert.equal(l[1].attrs & (ListAttr.NONEXISTENT | ListAttr.NOSELECT), ListAttr.NONEXISTENT | ListAttr.NOSELECT);
    assert.equal(l[1].status, null);

    const cr = await c.createSpecialUse('Ablage', '\\Archive');
    assert.equal(cr.parsedCode.kind, 'MAILBOXID');
    assert.deepEqual(cr.parsedCode.atoms, ['Fnew']);
    const before = received.length;
    await assert.rejects(c.createSpecialUse('X', 'Archive'), isKind('INVALID_ARGUMENT'));
    await assert.rejects(c.createSpecialUse('X'), isKind('INVALID_ARGUMENT'));
    await assert.rejects(c.listExtended('', '*', 'SUBSCRIBED)\r\nX'), isKind('INVALID_ARGUMENT'));
    assert.equal(received.length, before, 'nothing sent for refused calls');

    await c.logout();
    assert.equal(c.imap4rev2, false);
    const sent = received.join('\n');
    for (const want of ['ENABLE IMAP4rev2', 'SELECT "Entwürfe"', 'CREATE Ablage (USE (\\Archive))']) assert.ok(sent.includes(want), `${want} in\n${sent}`);
    assert.ok(!sent.includes('&APw-'), 'no modified UTF-7 under IMAP4rev2');
  } finally {
    await c.close();
    await srv.close();
  }
});

test('SPECIAL-USE, LIST-STATUS and STATUS=SIZE against the test Dovecot', async () => {
  dovecot();
  const c = await Client.connect(plain({ imap4rev2: true }));
  try {
    await c.login('user1', 'pass1');
    assert.equal(c.imap4rev2, false, 'Dovecot 2.3 offers no IMAP4rev2');
    const l = await c.listExtended('', '*', '', 'SPECIAL-USE STATUS (MESSAGES SIZE)');
    const by = Object.fromEntries(l.map((e) => [e.mailbox, e]));
    assert.equal(by.Sent.attrs & ListAttr.SPECIAL_USE, ListAttr.SENT);
    assert.equal(by.Drafts.attrs & ListAttr.SPECIAL_USE, ListAttr.DRAFTS);
    assert.equal(by.INBOX.attrs & ListAttr.SPECIAL_USE, 0);
    assert.equal(by.INBOX.status.messages, 20);
    assert.ok(by.INBOX.status.size > 2000);
    await assert.rejects(c.createSpecialUse('Never', '\\Archive'), isKind('UNSUPPORTED'));
    await c.logout();
  } finally {
    await c.close();
  }
});
