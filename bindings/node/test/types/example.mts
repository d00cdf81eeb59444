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
    const state: 'LOGOUT' | 'NONAUTH' | 'AUTH' | 'SELECTED' = client.state;
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
