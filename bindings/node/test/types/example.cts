// A typed example (CommonJS): type-checked by `tsc --noEmit`, never run.
import libimap = require('libimap');

export async function example(): Promise<string[]> {
  const client = await libimap.Client.connect({ port: 10143, tls: 'none' });
  try {
    await client.login('user1', 'pass1');
    const r = await client.list(null, '*');
    return r.data.map((d) => (d === null ? '' : Array.isArray(d) ? d[0].toString() : d.toString()));
  } catch (e) {
    if (e instanceof libimap.ImapError && e.kind === 'NO') return [];
    throw e;
  } finally {
    await client.close();
  }
}
