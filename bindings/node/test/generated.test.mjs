// lib/generated.cjs is what scripts/gen.mjs makes from include/imap.h: a header change without
// regenerating fails here (run `node bindings/node/scripts/gen.mjs`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from '../scripts/gen.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

test('lib/generated.cjs is current with include/imap.h', () => {
  const header = fs.readFileSync(path.join(here, '..', '..', '..', 'include', 'imap.h'), 'utf8');
  const current = fs.readFileSync(path.join(here, '..', 'lib', 'generated.cjs'), 'utf8');
  assert.ok(current === generate(header), 'stale: run `node bindings/node/scripts/gen.mjs`');
});

test('the generator sees every function and struct of the header', () => {
  const header = fs.readFileSync(path.join(here, '..', '..', '..', 'include', 'imap.h'), 'utf8');
  const g = {};
  new Function('exports', generate(header).replace("'use strict';", ''))(g);
  const fns = header.match(/^[\w][\w\s*]*?[\s*]imap_\w+\(.*\);$/gm);
  assert.equal(g.functions.length, fns.length);
  assert.equal(Object.keys(g.structs).length, (header.match(/^typedef struct \w+ \{$/gm) || []).length);
  assert.ok(g.enums.imap_code.OK === 0 && g.enums.imap_code.PARSE === 20);
});
