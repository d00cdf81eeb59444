#!/usr/bin/env bash
# The npm package test (run by bindings/node/test.sh): `npm pack` in bindings/node (its
# prepack puts target/release/libimap.so inside as prebuilds/linux-x64-gnu/libimap.so.1), then,
# in a fresh directory outside the repository, `npm install <tarball>` (koffi from npm's cache
# or the registry; nothing from the repository's node_modules), tsc --strict over an ESM
# TypeScript program, and that program run with no LIBIMAP_PATH / LD_LIBRARY_PATH: it logs in
# to the test Dovecot, selects, fetches. Also require() from CommonJS. Leaves no files behind.
# Needs the library built (cargo build --release) and the test Dovecot's env (IMAPSRV_DIR,
# DOVECOT_*_PORT) as bindings/node/test.sh has it.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PKG=$(cd "$HERE/../.." && pwd)
ROOT=$(cd "$PKG/../.." && pwd)
log() { printf 'test/package/run.sh: %s\n' "$*" >&2; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/libimap-npm.XXXXXX")
trap 'rm -rf "$TMP"; node "$PKG/scripts/prebuild.mjs" --clean' EXIT
case "$TMP" in "$ROOT"/*) log "temp dir inside the repository"; exit 1 ;; esac

# 1. the tarball (prepack / postpack run the prebuild script)
log "npm pack"
TARBALL=$(cd "$PKG" && npm pack --silent --pack-destination "$TMP" | tail -n1)
TARBALL="$TMP/$TARBALL"
LIST=$(tar -tzf "$TARBALL")
for f in package/package.json package/index.cjs package/index.mjs package/index.d.ts package/index.d.mts \
  package/lib/native.cjs package/lib/generated.cjs package/prebuilds/linux-x64-gnu/libimap.so.1; do
  grep -qx "$f" <<<"$LIST" || { log "$f missing from the tarball"; exit 1; }
done
if grep -q '^package/\(test\|bench\|scripts\|node_modules\)/' <<<"$LIST"; then log "the tarball holds development files"; exit 1; fi
[ ! -e "$PKG/prebuilds" ] || { log "postpack left prebuilds/ in the checkout"; exit 1; }

# 2. a fresh project outside the repository
APP="$TMP/app"
mkdir "$APP"
cp "$HERE/main.mts" "$APP/main.mts"
cat >"$APP/package.json" <<'JSON'
{ "name": "libimap-package-test", "version": "0.0.0", "private": true, "type": "module" }
JSON
cat >"$APP/tsconfig.json" <<'JSON'
{
  "compilerOptions": {
    "target": "ES2022", "module": "NodeNext", "moduleResolution": "NodeNext",
    "lib": ["ES2022", "ESNext.Disposable"], "types": ["node"],
    "strict": true, "skipLibCheck": false, "outDir": "out"
  },
  "files": ["main.mts"]
}
JSON
TSV=$(node -p "require('$PKG/package.json').devDependencies.typescript")
NTV=$(node -p "require('$PKG/package-lock.json').packages['node_modules/@types/node'].version")
log "npm install <tarball> typescript@$TSV @types/node@$NTV (in $APP)"
(cd "$APP" && env -u NODE_PATH npm install --prefer-offline --no-audit --no-fund --loglevel=error \
  "$TARBALL" "typescript@$TSV" "@types/node@$NTV")
[ -e "$APP/node_modules/libimap/prebuilds/linux-x64-gnu/libimap.so.1" ] || { log "installed package has no library"; exit 1; }
[ -e "$APP/node_modules/koffi/package.json" ] || { log "koffi not installed"; exit 1; }

log "tsc --strict"
(cd "$APP" && node node_modules/typescript/bin/tsc -p tsconfig.json)

# 3. run it with no environment variable pointing at the library
SERVER=$(bash "$ROOT/tests/server/test-dovecot.sh" start 2>/dev/null)
H=$(sed -n 's/^DOVECOT_HOST=//p' <<<"$SERVER")
P=$(sed -n 's/^DOVECOT_IMAP_PORT=//p' <<<"$SERVER")
log "node out/main.mjs (no LIBIMAP_PATH, no LD_LIBRARY_PATH)"
OUT=$(cd "$APP" && env -u LIBIMAP_PATH -u LD_LIBRARY_PATH -u NODE_PATH node out/main.mjs "$H" "$P" user1 pass1)
printf '%s\n' "$OUT"
node -e '
  const r = JSON.parse(process.argv[1]);
  if (r.librarySource !== "package") throw new Error("library loaded from " + r.librarySource);
  if (r.version !== process.argv[2]) throw new Error("library " + r.version + " in package " + process.argv[2]);
  if (!(r.exists >= 1) || !(r.size > 0) || typeof r.uid !== "number") throw new Error("unexpected " + process.argv[1]);
' "$OUT" "$(node -p "require('$PKG/package.json').version")"
log "the package's own library comes before LIBIMAP_PATH"
(cd "$APP" && LIBIMAP_PATH=/nonexistent/libimap.so node -e '
  const m = require("libimap");
  if (m.librarySource !== "package") throw new Error(m.librarySource);
')
log "require() from CommonJS"
(cd "$APP" && env -u LIBIMAP_PATH -u LD_LIBRARY_PATH node -e '
  const m = require("libimap");
  if (m.librarySource !== "package" || !/^1\./.test(m.version())) throw new Error(m.libraryPath);
  if (!require.resolve("koffi").startsWith(process.cwd())) throw new Error("koffi from " + require.resolve("koffi"));
')
log "ok"
