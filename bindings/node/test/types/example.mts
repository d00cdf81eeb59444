// A typed example (ESM): type-checked by `tsc --noEmit` (npm run typecheck), never run.
import libimap, { Client, ImapError, Code, type ImapResponse, type ImapItem } from 'libimap';

function itemBytes(item: ImapItem): Buffer | null {
  if (item === null) return null;
  return Array.isArray(item) ? item[1] : item;
}

export async function example(): Promise<number> {
  const client: Client = await Client.connect({
    host: '127.0.0.1',
    port: 10993,
    tls: 'implicit',
    ca: '/tmp/libimap-dovecot/ssl/cert.pem',
    timeout: 10_000,
    connectTimeout: 5_000,
    debug: 0,
  });
  try {
    await client.login('user1', 'pass1');
    const sel: ImapResponse = await client.select('INBOX', { readonly: true });
    const exists: number = Number(sel.data[0]?.toString());
    const found = await client.search(null, 'ALL');
    const ids = (found.data[0] as Buffer).toString().split(' ');
    const msg = await client.fetch(ids[0] ?? '1', '(RFC822)');
    const body = itemBytes(msg.data[0] ?? null);
    const state: 'LOGOUT' | 'NONAUTH' | 'AUTH' | 'SELECTED' | 'IDLING' = client.state;
    const caps: string[] = client.capabilities;
    const ok: boolean = client.hasCapability('IMAP4rev1') && client.isTls && client.isReadOnly;
    const v: string | null = client.protocolVersion ?? client.welcome;
    const [a, b] = await Promise.all([client.noop(), client.check()]);
    const appended = await client.append('Drafts', '(\\Seen)', null, Buffer.from('Subject: x\r\n\r\nhi\r\n'));
    const uidData: string | null = appended.codeData;
    await client.uid('SEARCH', 'ALL');
    await client.xatom('ID', 'NIL');
    await client.response('EXISTS');
    await client.closeMailbox();
    await client.logout();
    void [body, state, caps, ok, v, a.type, b.status, uidData, libimap.codeName(Code.NO)];
    return exists;
  } catch (e) {
    if (e instanceof ImapError) {
      const code: string = e.code;
      const status: number = e.status;
      const text: string | null = e.text;
      throw new Error(`${code} ${status} ${text ?? e.message}`);
    }
    throw e;
  } finally {
    await client.close({ interrupt: false });
  }
}

export async function disposable(): Promise<void> {
  await using client = await Client.connect({ tls: 'starttls', port: 10143, ca: 'ca.pem' });
  await client.noop();
}

export async function extensions(): Promise<void> {
  const { version, versionNumber, int2ap, parseFlags, internaldate2tuple, time2internaldate } = libimap;
  const v: string = version();
  const n: number = versionNumber();
  const tag: string = int2ap(4096n) + int2ap(1);
  const flags: string[] = parseFlags(Buffer.from('* FLAGS (\\Seen)'));
  const t = internaldate2tuple('INTERNALDATE "01-Jan-2000 00:00:00 +0000"');
  const when: Date | undefined = t?.date;
  const s: string = time2internaldate(new Date(), 7200) + time2internaldate(2e9) +
    time2internaldate({ year: 2033, month: 5, day: 18, hour: 5, minute: 33, second: 20, offsetSeconds: 7200 });

  const c = await Client.spawn('/usr/lib/dovecot/imap -u user1', { timeout: 5000 });
  const viaConnect = await Client.connect({ command: 'imap' });
  await viaConnect.close();
  await c.loginPlain('master', 'masterpw', 'user2').catch((e: unknown) => e instanceof ImapError && e.kind === 'UNSUPPORTED');
  const plainOk = await Client.connect({ host: '127.0.0.1', port: 10143, tls: 'none', allowPlaintextPassword: true });
  await plainOk.loginCommand('user1', 'pass1');
  await plainOk.loginScram('SCRAM-SHA-256', 'master', 'masterpw', { authzid: 'user2' });
  await plainOk.loginScram('SCRAM-SHA-1-PLUS', 'user1', 'pass1', {});
  const mech: string | null = plainOk.authMechanism;
  const scram: libimap.ScramMechanism = 'SCRAM-SHA-1';
  // @ts-expect-error: not a SCRAM mechanism
  await plainOk.loginScram('PLAIN', 'user1', 'pass1');
  await plainOk.loginScram(scram, mech ?? 'user1', 'pass1');
  await plainOk.close();
  await c.authenticate('LOGIN', (challenge: Buffer) => (/user/i.test(challenge.toString()) ? 'user1' : Buffer.from('pass1')), { initial: '' });
  const idle: libimap.Idle = await c.idle({ duration: 10_000 });
  for await (const update of idle) {
    const type: string = update.type;
    if (type === 'EXISTS') break;
  }
  const doneReply: ImapResponse = await idle.done();
  const logged = await Client.connect({ host: 'localhost', logger: { debug: (e: libimap.LogEntry) => void e.msg, warn: console.warn }, debug: 4 });
  for await (const m of logged.fetchEach('1:*', '(UID FLAGS)', { batch: 32 })) {
    const uid: number | null = m.uid;
    if (uid === 10) break;
  }
  const [a, b] = await Promise.all([logged.fetch('1', '(UID)'), logged.noop()]);
  const inFlight: number = logged.pending;
  void [a, b, inFlight, logged.interrupt()];
  await logged.close();
  const q: libimap.QuotaRootResponse = await c.getquotaroot('INBOX');
  await c.setmetadata('INBOX', { '/private/comment': 'x', '/private/other': null });
  await c.getmetadata('', ['/shared/comment'], 'DEPTH 1');
  await c.id({ name: 'app' });
  await c.id();
  await c.sort('DATE', 'UTF-8', 'ALL');
  await c.thread('REFERENCES', null, 'ALL');
  await c.partial(1, 'BODY[]', 0, 100);
  await c.sendLine('A1 NOOP');
  const raw: ImapResponse | null = await c.readResponse(500);
  const st: libimap.ImapState = c.state;
  const fd: number = c.fd;
  const open: boolean = c.isOpen && c.utf8Enabled;
  void [v, n, tag, flags, when, s, doneReply, q.quota.data, q.quotaroot.text, raw, st, fd, open, Code.UNSUPPORTED];
  await c.close();
}

export async function parsed(c: Client): Promise<void> {
  const { utf7Encode, utf7Decode, decodeHeader } = libimap;
  const enc: string = utf7Encode('台北') + utf7Decode(Buffer.from('&U,BTFw-')) + decodeHeader('=?UTF-8?B?w6l0w6k=?=');
  const msgs: libimap.FetchMessage[] = await c.fetchParsed('1:*', '(UID FLAGS ENVELOPE BODYSTRUCTURE BODY.PEEK[])');
  for (const m of msgs) {
    const from = m.envelope?.from[0];
    const who: string | null | undefined = from && 'group' in from ? from.group : from?.address;
    const parts: string[] = (m.bodyStructure?.children ?? []).map((p: libimap.BodyPart) => `${p.part} ${p.type}/${p.subtype}`);
    const body: Buffer | null | undefined = m.sections[0]?.data;
    const ms: bigint | null = m.modseq;
    const header: Buffer | null | undefined = m.section('HEADER')?.data;
    const inner: libimap.BodyPart | null | undefined = m.bodyStructure?.find('2.1');
    void [who, parts, body, ms, header, inner?.subtype, m.internalDate?.getTime(), m.error?.raw];
  }
  const ids: libimap.SearchIds = await c.searchParsed(null, 'ALL');
  const first: number | undefined = ids[0];
  const modseq: bigint | null = ids.modseq;
  const info: libimap.MailboxInfo = await c.mailbox();
  const boxes: libimap.ListEntry[] = await c.listParsed('', '*');
  const st = (await c.statusParsed('INBOX', '(MESSAGES)'))[0];
  const acls: libimap.AclInfo[] = await c.getaclParsed('INBOX');
  const rights: string[] = (await c.myrightsParsed('INBOX')).map((m) => m.rights);
  const lr: libimap.ListRightsInfo[] = await c.listrightsParsed('INBOX', 'anyone');
  const ns: libimap.NamespaceInfo | undefined = (await c.namespaceParsed())[0];
  const th: libimap.ThreadForest = await c.threadParsed('REFERENCES', 'UTF-8', 'ALL');
  const qr: libimap.QuotaRootInfo = await c.getquotarootParsed('INBOX');
  const md: libimap.MetadataInfo = await c.getmetadataParsed('', '/shared/comment');
  const caps: string[] = await c.capabilityParsed();
  await c.setMailboxEncoding('raw');
  const appended = await c.append('INBOX', null, null, 'Subject: x\r\n\r\n');
  const code: libimap.ResponseCode | null = appended.parsedCode;
  const uids: libimap.SeqRange[] = code?.kind === 'APPENDUID' ? code.uids : [];
  try {
    await c.fetchParsed('1', '(ENVELOPE)');
  } catch (e) {
    if (e instanceof ImapError && e.kind === 'PARSE') {
      const partial = e.parsed as libimap.FetchMessage[];
      const bad: libimap.InvalidResponse[] | null = e.invalid;
      void [partial, bad];
    }
  }
  const withEnc = await Client.connect({ mailboxEncoding: 'utf7', zeroCopy: false });
  void [acls, rights, lr, ns?.personal];
  void [enc, first, modseq, info.exists, boxes, st?.messages, th.roots, qr.quotas, md.entries, caps, uids, Code.PARSE, withEnc];
}

export async function streamed(c: Client, out: NodeJS.WritableStream): Promise<number> {
  let received = 0;
  await c.setLiteralHandler(1 << 20, (chunk: libimap.LiteralChunk) => {
    received += chunk.data.length;
    if (chunk.offset === 0) console.log(chunk.line.toString(), chunk.size);
  });
  const r: ImapResponse = await c.fetch('1:*', '(BODY.PEEK[])');
  for (const item of r.data) {
    if (Array.isArray(item) && item[1] === null) {
      const size: number = item[2];
      received -= size;
    } else if (Array.isArray(item)) {
      const bytes: Buffer = item[1];
      void bytes;
    }
  }
  await c.setLiteralHandler(null);
  await c.fetchStream('2', '(BODY.PEEK[])', { minSize: 0n, uid: false, onChunk: ({ data }) => void out.write(data) });
  await c.fetchStream('42', '(BODY.PEEK[])', { uid: true, reuse: true, onChunk: () => false });
  try {
    await c.fetchStream('2', '(BODY.PEEK[])', { onChunk: () => { throw new Error('stop'); } });
  } catch (e) {
    if (e instanceof ImapError && e.kind === 'ABORT') void e.cause;
  }
  return received;
}

// Streams both ways, progress, TLS options, IDLE events (issue 14).
export async function streamsAndEvents(source: import('node:stream').Readable, size: number): Promise<number> {
  const c = await Client.connect({
    host: '192.0.2.1',
    servername: 'imap.example.org',
    minVersion: 'TLSv1.3',
    caDir: '/etc/ssl/certs',
    systemCa: false,
    autoIdle: { delay: 100 },
    onProgress: ({ direction, done, total }: libimap.Progress) => void `${direction} ${Math.round((100 * done) / total)}%`,
  });
  const appended: ImapResponse = await c.appendStream('Archive', source, { size, flags: ['\\Seen'], date: null });
  await c.appendStream(null, [Buffer.from('Subject: x\r\n\r\n')], { size: 15 });
  await c.select('Archive');
  const box: libimap.MailboxInfo = await c.mailbox();
  const exists: number = box.exists; // a number after SELECT, never null
  const body: libimap.BodyStream = c.fetchBody(exists, { chunkSize: 1 << 16 });
  body.on('progress', ({ done, total }) => void (total === null ? done : done / total));
  let got = 0;
  for await (const chunk of body) got += (chunk as Buffer).length;
  c.on('exists', ({ count, prevCount }) => void (count - (prevCount ?? 0)));
  c.on('expunge', ({ seq }) => void seq.toFixed());
  c.on('flags', ({ seq, uid, flags }) => void [seq, uid ?? 0, flags.join(' ')]);
  c.on('update', (u: ImapResponse) => void u.type);
  const idling: boolean = c.idling;
  const where: 'package' | 'platform-package' | 'env' | 'repository' | 'system' = libimap.librarySource;
  void [appended.code, idling, where];
  await c.close();
  return got;
}
