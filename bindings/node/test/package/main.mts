// The package test's program (test/package/run.sh): what a new user writes after
// `npm install libimap`, type-checked with tsc --strict and run with no environment variable.
import { Client, ImapError, librarySource, version, type FetchMessage, type MailboxInfo } from 'libimap';

const [host = '127.0.0.1', port = '143', user = 'user1', password = 'pass1'] = process.argv.slice(2);

const client = await Client.connect({ host, port: Number(port), tls: 'none', timeout: 10_000 });
try {
  await client.login(user, password);
  await client.select('INBOX', { readonly: true });
  const box: MailboxInfo = await client.mailbox();
  const exists: number = box.exists ?? 0;
  if (exists < 1) throw new Error('INBOX is empty');
  const [msg]: FetchMessage[] = await client.fetchParsed('1', '(UID FLAGS RFC822.SIZE ENVELOPE BODY.PEEK[])');
  if (msg === undefined) throw new Error('no message 1');
  const body: Buffer | null | undefined = msg.section('')?.data;
  if (!body || body.length !== msg.size) throw new Error(`body of ${body?.length} bytes, RFC822.SIZE ${msg.size}`);
  console.log(JSON.stringify({ librarySource, version: version(), exists, uid: msg.uid, size: msg.size, subject: msg.envelope?.subject ?? null }));
  await client.logout();
} catch (e) {
  if (e instanceof ImapError) console.error(`IMAP error ${e.code}: ${e.message}`);
  throw e;
} finally {
  await client.close();
}
