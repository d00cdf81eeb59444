// Type declarations of the ESM entry point (index.mjs): the same exports as index.cjs
// (declared in index.d.ts), plus a default export holding them all.
import * as libimap from './index.js';

export * from './index.js';
export default libimap;
