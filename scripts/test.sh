#!/usr/bin/env bash
# Runs every test: lint, Rust unit and integration tests, C tests under ctest (plain and under
# valgrind), the Go and Node bindings' tests, all against a throwaway Dovecot on 127.0.0.1
# that this script starts and stops (tests/server/test-dovecot.sh: /tmp/libimap-dovecot-tests,
# ports 10144/10994, not the demo's; IMAPSRV_DIR, DOVECOT_IMAP_PORT, DOVECOT_IMAPS_PORT override).
# Usage: bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT_DIR=$(pwd)

step() { printf '\n== %s\n' "$*" >&2; }

step "dependencies"
bash scripts/deps.sh

step "format and lint"
cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings

# The test command leaves the machine as it found it: the temporary directory's mode included.
TMP_MODE_BEFORE=$(stat -c %a "${TMPDIR:-/tmp}")

step "script tests (tests/scripts: the test server's setup; own scratch dirs and free ports)"
for t in tests/scripts/*.test.sh; do bash "$t"; done

step "test Dovecot (tests/server/test-dovecot.sh: its own directory and ports, a fresh store)"
# Every suite below starts the server through test-dovecot.sh, which takes these from the
# environment; the demo's server (dovecot-up.sh's defaults) is left alone.
eval "$(bash tests/server/test-dovecot.sh defaults)"
export IMAPSRV_DIR DOVECOT_IMAP_PORT DOVECOT_IMAPS_PORT
bash tests/server/test-dovecot.sh reset >/dev/null
bash tests/server/test-dovecot.sh start >/dev/null
trap 'bash "$ROOT_DIR/tests/server/test-dovecot.sh" stop >/dev/null 2>&1 || true' EXIT

step "Rust tests"
cargo test --locked

step "fuzz: parsers, session, encoder, SASL (short runs, FUZZ_SECONDS each; long runs: see fuzz/Cargo.toml)"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --version "^0.13"
for target in parse_fetch session encode sasl; do
    # A target joins the list when its file exists (fuzz/fuzz_targets/<target>.rs).
    [ -f "fuzz/fuzz_targets/$target.rs" ] || continue
    (cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" -- \
        -max_total_time="${FUZZ_SECONDS:-20}" -timeout=10)
done

step "C tests (ctest, with valgrind)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build -j2
(cd build && ctest --output-on-failure -j2)

step "Go binding (go vet, go test -race, the module installed by path outside the repository)"
bash bindings/go/test.sh

step "Node binding (tsc, node --test, also through ffi-napi; the packed tarball installed outside the repository)"
FFI_NAPI=1 bash bindings/node/test.sh

step "Python binding (the wheel installed into a fresh virtual environment: tests, imaplib's documentation example, CPython's test_imaplib)"
bash bindings/python/test.sh

step "the temporary directory's mode is unchanged"
[ "$(stat -c %a "${TMPDIR:-/tmp}")" = "$TMP_MODE_BEFORE" ] ||
  { echo "${TMPDIR:-/tmp} was mode $TMP_MODE_BEFORE, now $(stat -c %a "${TMPDIR:-/tmp}")" >&2; exit 1; }

step "all tests passed"
