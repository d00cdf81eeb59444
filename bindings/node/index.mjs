// ESM entry point: the implementation is the CommonJS module (one copy of the native state).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const m = require('./index.cjs');

export const { Client, ImapError, Code, codeName, codeDescription, libraryPath } = m;
export default m;
