#!/usr/bin/env bash
# Tests of the Node.js binding (bindings/node). Needs Node >= 18 and npm; installs only npm
# registry packages. Steps: build libimap.so if needed (cargo, at the repository root), npm ci,
# tsc --noEmit over the declarations and typed examples, start the shared test Dovecot (never
# stopped here: other suites may be using it), node --test, then the npm package test
# (test/package/run.sh: npm pack, npm install of the tarball in a fresh temp dir, run with no
# environment variable).
#
#   bash bindings/node/test.sh            # koffi binding tests (ffi-napi test skipped)
#   FFI_NAPI=1 bash bindings/node/test.sh # also installs the @2060.io ffi-napi forks (native
#                                         # build: needs g++, make, python3 and Node headers)
#                                         # and runs test/ffi-napi.test.mjs
#   LIBIMAP_PATH=/path/libimap.so ...     # test another build; skips cargo
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$HERE"
log() { printf 'bindings/node/test.sh: %s\n' "$*" >&2; }

command -v node >/dev/null || { log "node is not installed"; exit 1; }
command -v npm >/dev/null || { log "npm is not installed"; exit 1; }
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 18 ? 0 : 1)' ||
  { log "Node >= 18 needed, found $(node --version)"; exit 1; }

# 1. the library (cargo's own up-to-date check makes this cheap when nothing changed)
if [ -z "${LIBIMAP_PATH:-}" ]; then
  if command -v cargo >/dev/null 2>&1 || [ -x "$HOME/.cargo/bin/cargo" ]; then
    CARGO=$(command -v cargo || echo "$HOME/.cargo/bin/cargo")
    log "cargo build --release"
    (cd "$ROOT" && "$CARGO" build --release --locked)
  elif [ ! -e "$ROOT/target/release/libimap.so" ]; then
    log "no cargo and no $ROOT/target/release/libimap.so: install Rust or set LIBIMAP_PATH"
    exit 1
  fi
fi

# npm must never download Node headers itself (node-gyp, for the ffi-napi build): use the
# headers the nodejs package installed, when they are there
if [ -z "${npm_config_nodedir:-}" ]; then
  NODE_PREFIX=$(dirname "$(dirname "$(command -v node)")")
  for d in "$NODE_PREFIX" /usr /usr/local; do
    if [ -e "$d/include/node/node.h" ]; then export npm_config_nodedir=$d; break; fi
  done
fi

# 2. dependencies (koffi comes prebuilt in @koromix/koffi-linux-x64; typescript, @types/node)
log "npm ci"
npm ci --no-audit --no-fund --loglevel=error
if [ "${FFI_NAPI:-}" = 1 ]; then
  log "npm ci --prefix test/ffi-napi (@2060.io/ffi-napi + ref-napi, native build)"
  npm ci --prefix test/ffi-napi --no-audit --no-fund --loglevel=error
fi

# 3. types
log "tsc --noEmit"
npx --no-install tsc --noEmit -p tsconfig.json

# 4. the shared test server
log "starting the test Dovecot"
bash "$ROOT/tests/server/test-dovecot.sh" start >/dev/null

# 5. tests (node's runner exits non-zero on any failure)
log "node --test"
node --test test/*.test.mjs

# 6. the npm package: packed, installed in a fresh directory outside the repository, run with
#    no environment variable (test/package/run.sh; with LIBIMAP_PATH, that build is packed)
log "package test"
LIBIMAP_PREBUILD=${LIBIMAP_PATH:-} bash "$HERE/test/package/run.sh"
