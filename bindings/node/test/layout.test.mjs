// The koffi struct definitions (lib/generated.cjs, made by scripts/gen.mjs from the header) against the C header:
// every struct's size and every field's offset, as a C compiler lays them out from
// include/imap.h. Skipped when no C compiler (cc) is installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const include = path.resolve(here, '..', '..', '..', 'include');
const cc = process.env.CC ?? 'cc';
const haveCc = spawnSync(cc, ['--version']).status === 0;

test('generated structs: koffi layout == C layout (sizeof, offsetof)', { skip: !haveCc && 'no C compiler' }, () => {
  const { koffi, types } = require('../lib/native.cjs');
  let c = '#include <stdio.h>\n#include <stddef.h>\n#include "imap.h"\nint main(void) {\n';
  const expected = [];
  for (const [name, t] of Object.entries(types)) {
    const info = koffi.type(t);
    c += `  printf("%s %zu\\n", "${name}", sizeof(${name}));\n`;
    expected.push(`${name} ${info.size}`);
    for (const [field, m] of Object.entries(info.members)) {
      c += `  printf("%s.%s %zu\\n", "${name}", "${field}", offsetof(${name}, ${field}));\n`;
      expected.push(`${name}.${field} ${m.offset}`);
    }
  }
  c += '  return 0;\n}\n';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'libimap-layout-'));
  try {
    fs.writeFileSync(path.join(dir, 'layout.c'), c);
    execFileSync(cc, ['-std=c11', '-I', include, '-o', path.join(dir, 'layout'), path.join(dir, 'layout.c')], { stdio: 'pipe' });
    const actual = execFileSync(path.join(dir, 'layout'), { encoding: 'utf8' }).trim().split('\n');
    assert.deepEqual(expected, actual);
    assert.ok(actual.length > 300);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
