// libimap.so called directly through ffi-napi (the @2060.io forks), without the koffi binding:
// proves the C ABI is usable from ffi-napi too. Skipped unless FFI_NAPI=1; `FFI_NAPI=1 bash
// test.sh` installs the forks into test/ffi-napi/node_modules first (npm ci, native build).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const enabled = process.env.FFI_NAPI === '1';

test('ffi-napi: login, select, fetch and free through the C ABI', { skip: !enabled && 'set FFI_NAPI=1 to run' }, async () => {
  const { dovecot } = await import('../test-support/dovecot.mjs');
  const d = dovecot();
  const require = createRequire(path.join(here, 'ffi-napi', 'package.json'));
  const ffi = require('@2060.io/ffi-napi');
  const ref = require('@2060.io/ref-napi');

  const libPath =
    process.env.LIBIMAP_PATH ??
    [path.join(here, '..', '..', '..', 'target', 'release', 'libimap.so')].find((p) => fs.existsSync(p)) ??
    'libimap.so.1';

  const voidp = ref.refType(ref.types.void); // imap_client *, imap_result *, const imap_item *
  const voidpp = ref.refType(voidp); // the out-parameters
  const lib = ffi.Library(libPath, {
    imap_client_new: ['int32', [voidpp]],
    imap_client_free: ['void', [voidp]],
    imap_set_ca_file: ['int32', [voidp, 'string']],
    imap_open_ex: ['int32', [voidp, 'string', 'uint16', 'int32', voidpp]],
    imap_submit_fetch: ['int32', [voidp, 'string', 'string', ref.refType(ref.types.uint64)]],
    imap_collect_ex: ['int32', [voidp, 'uint64', voidpp, voidpp]],
    imap_string_free: ['void', [voidp]],
    imap_last_error: ['string', [voidp]],
    imap_client_state: ['int32', [voidp]],
    imap_client_is_tls: ['int32', [voidp]],
    imap_login: ['int32', [voidp, 'string', 'string', voidpp]],
    imap_select: ['int32', [voidp, 'string', 'int32', voidpp]],
    imap_fetch: ['int32', [voidp, 'string', 'string', voidpp]],
    imap_logout: ['int32', [voidp, voidpp]],
    imap_result_type: ['string', [voidp]],
    imap_result_count: ['size_t', [voidp]],
    imap_result_item: [voidp, [voidp, 'size_t']],
    imap_result_free: ['void', [voidp]],
    imap_code_name: ['string', ['int32']],
  });

  // struct imap_item { int32 kind; const uint8_t *data; size_t len; const uint8_t *literal; size_t literal_len; }
  // on x86_64/aarch64 LP64: offsets 0, 8, 16, 24, 32; size 40
  const ITEM_SIZE = 40;
  const readItem = (p) => {
    const raw = ref.reinterpret(p, ITEM_SIZE, 0);
    const kind = raw.readInt32LE(0);
    const bytes = (off) => {
      const len = Number(raw.readBigUInt64LE(off + 8));
      // readPointer gives a view of the result's memory: copy it before imap_result_free
      return len === 0 ? Buffer.alloc(0) : Buffer.from(ref.readPointer(raw, off, len));
    };
    if (kind === 0) return null;
    if (kind === 1) return bytes(8);
    return [bytes(8), bytes(24)];
  };
  const takeResult = (out) => {
    const r = out.deref();
    try {
      const n = Number(lib.imap_result_count(r));
      const data = [];
      for (let i = 0; i < n; i++) data.push(readItem(lib.imap_result_item(r, i)));
      return { type: lib.imap_result_type(r), data };
    } finally {
      lib.imap_result_free(r);
    }
  };
  const async = (f, ...args) =>
    new Promise((resolve, reject) => f.async(...args, (err, v) => (err ? reject(err) : resolve(v))));

  const cp = ref.alloc(voidp);
  assert.equal(lib.imap_client_new(cp), 0);
  const c = cp.deref();
  try {
    assert.equal(lib.imap_set_ca_file(c, d.ca), 0);
    // the blocking calls run on a libuv worker (ffi-napi's .async): no callback is involved;
    // their failure's message comes back through the _ex forms' last argument (imap_last_error
    // belongs to the thread that made the call, a worker here)
    const message = (errp) => {
      const p = errp.deref();
      if (ref.isNull(p)) return '';
      const text = ref.readCString(p, 0);
      lib.imap_string_free(p);
      return text;
    };
    const err = ref.alloc(voidp);
    const rc = await async(lib.imap_open_ex, c, d.host, d.tlsPort, 1 /* IMAP_TLS_MODE_IMPLICIT */, err);
    assert.equal(rc, 0, message(err));
    assert.equal(lib.imap_client_is_tls(c), 1);

    assert.equal(lib.imap_code_name(1), 'IMAP_CODE_NO');
    // (no wrong-password login here: Dovecot delays every login from an IP after failures)
    let out = ref.alloc(voidp);
    assert.equal(lib.imap_login(c, 'user1', 'pass1', out), 0, lib.imap_last_error(c));
    assert.equal(takeResult(out).type, 'OK');
    assert.equal(lib.imap_client_state(c), 2 /* AUTH */);

    out = ref.alloc(voidp);
    assert.equal(lib.imap_select(c, 'INBOX', 1, out), 0, lib.imap_last_error(c));
    const sel = takeResult(out);
    assert.ok(Number(sel.data[0].toString()) >= 20);

    // two FETCHes in flight at once: submitted (returns at once), then collected on a worker
    const t1 = ref.alloc(ref.types.uint64);
    const t2 = ref.alloc(ref.types.uint64);
    assert.equal(lib.imap_submit_fetch(c, '1:3', '(UID BODY.PEEK[HEADER])', t1), 0);
    assert.equal(lib.imap_submit_fetch(c, '4', '(UID)', t2), 0);
    out = ref.alloc(voidp);
    assert.equal(await async(lib.imap_collect_ex, c, t1.deref(), out, err), 0, message(err));
    const f = takeResult(out);
    const out2 = ref.alloc(voidp);
    assert.equal(await async(lib.imap_collect_ex, c, t2.deref(), out2, err), 0, message(err));
    assert.match(takeResult(out2).data[0].toString(), /^4 \(UID 4\)$/);
    const pairs = f.data.filter(Array.isArray);
    assert.equal(pairs.length, 3);
    for (const [header, literal] of pairs) {
      const m = /\{(\d+)\}$/.exec(header.toString());
      assert.ok(m, header.toString());
      assert.equal(literal.length, Number(m[1]));
      assert.match(literal.toString(), /\r\n\r\n$/);
    }

    out = ref.alloc(voidp);
    assert.equal(lib.imap_logout(c, out), 0);
    assert.equal(takeResult(out).type, 'BYE');
  } finally {
    lib.imap_client_free(c);
  }
});
