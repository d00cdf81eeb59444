// CONDSTORE and QRESYNC against the test Dovecot: resync() after a cut connection returns
// exactly what another client changed; a wrong UIDVALIDITY asks for a full resync; a
// conditional STORE gives the [MODIFIED] set; UID FETCH CHANGEDSINCE with VANISHED.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, ImapError } from '../index.mjs';
import { dovecot, plain, uniqueName } from '../test-support/dovecot.mjs';

const message = 'Subject: node condstore\r\nFrom: a@example.com\r\n\r\nbody\r\n';

async function login() {
  dovecot();
  const c = await Client.connect(plain());
  await c.login('user1', 'pass1');
  return c;
}

test('resync after a cut connection gives exactly the changes made meanwhile', async () => {
  const box = uniqueName('resync');
  const c = await login();
  await c.create(box);
  for (let i = 0; i < 3; i++) await c.append(box, null, null, message);
  await c.selectCondstore(box, false);
  const info = await c.mailbox();
  assert.equal(typeof info.highestModseq, 'bigint');
  const saved = { uidValidity: info.uidValidity, highestModseq: info.highestModseq, knownUids: [{ start: 1, end: 3 }] };
  await c.shutdown(); // cut: no LOGOUT
  assert.equal(c.isOpen, false);
  await c.close();

  const o = await login();
  await o.select(box, false);
  await o.uidStoreFlags('2', '+FLAGS', ['\\Flagged']);
  await o.uidStoreFlags('3', '+FLAGS', ['\\Deleted']);
  await o.expunge();
  await o.append(box, null, null, message);

  const r = await login();
  try {
    assert.equal(r.isEnabled('QRESYNC'), false);
    const ch = await r.resync(box, saved);
    assert.equal(ch.method, 'qresync');
    assert.equal(ch.fullResync, null);
    assert.deepEqual(ch.added.map((m) => m.uid), [4]);
    assert.equal(typeof ch.added[0].modseq, 'bigint');
    assert.deepEqual(ch.changed.map((m) => m.uid), [2]);
    assert.ok(ch.changed[0].flags.includes('\\Flagged'));
    assert.deepEqual(ch.vanished, [{ start: 3, end: 3 }]);
    assert.equal(ch.mailbox.uidValidity, saved.uidValidity);
    assert.ok(ch.mailbox.highestModseq > saved.highestModseq);
    assert.ok(r.isEnabled('qresync') && r.isEnabled('CONDSTORE'));

    await r.selectQresync(box, true, saved.uidValidity, saved.highestModseq, '1:3');
    assert.deepEqual((await r.mailbox()).vanished, [{ start: 3, end: 3 }]);

    const other = await r.resync(box, { ...saved, uidValidity: saved.uidValidity ^ 1, knownUids: '1:3', readonly: true });
    assert.equal(other.fullResync, 'uidvalidity');
    assert.deepEqual([other.added, other.changed, other.vanished], [[], [], []]);

    const msgs = await r.uidFetchChangedSinceParsed('1:*', '(FLAGS)', saved.highestModseq, true);
    assert.deepEqual(msgs.map((m) => m.uid), [2, 4]);
    const gone = await r.vanished();
    assert.deepEqual(gone, [{ earlier: true, uids: [{ start: 3, end: 3 }] }]);
    assert.equal((await r.fetchChangedSinceParsed('1:*', '(UID)', saved.highestModseq)).length, 2);

    await assert.rejects(r.resync(`${box}-missing`, { uidValidity: 1, highestModseq: 1 }), (e) => e instanceof ImapError && e.kind === 'NO');
    const first = await r.resync(box, { uidValidity: 0, highestModseq: 0 });
    assert.equal(first.fullResync, null);
    assert.deepEqual(first.added.map((m) => m.uid), [1, 2, 4]);
    assert.equal(first.mailbox.uidValidity, saved.uidValidity);
    assert.deepEqual([first.changed, first.vanished], [[], []]);
    await assert.rejects(r.resync(box, { uidValidity: 1, highestModseq: 1, knownUids: '1:*' }), (e) => e instanceof ImapError && e.kind === 'INVALID_ARGUMENT');
    await assert.rejects(r.resync(box, { uidValidity: -1, highestModseq: 1 }), TypeError);
    await assert.rejects(r.resync(box, null), TypeError);
  } finally {
    await o.delete(box).catch(() => {});
    await o.logout();
    await o.close();
    await r.logout();
    await r.close();
  }
});

test('a conditional STORE names the messages changed meanwhile', async () => {
  const box = uniqueName('unchangedsince');
  const c = await login();
  const o = await login();
  try {
    await c.create(box);
    for (let i = 0; i < 2; i++) await c.append(box, null, null, message);
    await c.selectCondstore(box, false);
    const [m] = await c.uidFetchParsed('1', '(MODSEQ)');
    await o.select(box, false);
    await o.uidStoreFlags('2', '+FLAGS', ['\\Seen']);
    const r = await c.uidStoreUnchangedSince('1:2', m.modseq, '+FLAGS', ['\\Flagged']);
    assert.equal(r.status, 'OK');
    assert.deepEqual(r.modified, [{ start: 2, end: 2 }]);
    const ok = await c.storeUnchangedSince('1', 2n ** 62n, '-FLAGS', ['\\Flagged']);
    assert.deepEqual(ok.modified, []);
    await assert.rejects(c.storeUnchangedSince('1', 2n ** 63n, '+FLAGS', ['\\Seen']), (e) => e instanceof ImapError && e.kind === 'INVALID_ARGUMENT');
    await assert.rejects(c.uidFetchChangedSince('1', '(FLAGS)', 1, true), (e) => e instanceof ImapError && e.kind === 'ILLEGAL_STATE');
    await assert.rejects(c.selectQresync(box, false, 1, 1n, null), (e) => e instanceof ImapError && e.kind === 'ILLEGAL_STATE');
    await c.unselect();
  } finally {
    await c.delete(box).catch(() => {});
    await c.logout();
    await c.close();
    await o.logout();
    await o.close();
  }
});
