// ESM entry point: the implementation is the CommonJS module (one copy of the native state).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const m = require('./index.cjs');

export const {
  Client,
  arg,
  Idle,
  ImapError,
  Code,
  Quirk,
  ListAttr,
  codeName,
  codeDescription,
  libraryPath,
  librarySource,
  version,
  versionNumber,
  int2ap,
  parseFlags,
  internaldate2tuple,
  time2internaldate,
  utf7Encode,
  utf7Decode,
  decodeHeader,
} = m;
export default m;
