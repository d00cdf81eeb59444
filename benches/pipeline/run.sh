#!/usr/bin/env bash
# The pipelining benchmark (issue 12): BENCH_N single-message FETCHes over a 20 ms round trip,
# one at a time and pipelined, through each public API (C, Go, Node).
#
#   bash benches/pipeline/run.sh            (BENCH_N=1000, DELAY_MS=10 each way by default)
#
# Starts the test Dovecot if needed (tests/server/test-dovecot.sh: IMAPSRV_DIR,
# DOVECOT_IMAP_PORT and DOVECOT_IMAPS_PORT choose another instance), a delaying loopback
# proxy in front of it (delay_proxy.py, DELAY_MS each way), then runs each program with
# IMAP_HOST, IMAP_PORT (the proxy), IMAP_USER, IMAP_PASS and BENCH_N set:
#   benches/pipeline/pipeline.c             (C; built here against target/release)
#   bindings/go/cmd/pipebench               (Go; when it exists and go is installed)
#   bindings/node/bench/pipeline.mjs        (Node; when it exists and node is installed)
# Each prints lines "RESULT <c|go|node> <sequential|pipelined|...> <seconds>"; this script
# prints them as a table. Not part of the tests: the figures depend on the machine.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
export BENCH_N=${BENCH_N:-1000}
DELAY_MS=${DELAY_MS:-10}

eval "$(bash "$ROOT/tests/server/test-dovecot.sh" start 2>/dev/null | grep -E '^DOVECOT_(HOST|IMAP_PORT)=')"

WORK=$(mktemp -d)
PROXY_PID=""
cleanup() {
  [ -n "$PROXY_PID" ] && kill "$PROXY_PID" 2>/dev/null && wait "$PROXY_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

python3 "$HERE/delay_proxy.py" "$DOVECOT_HOST" "$DOVECOT_IMAP_PORT" --delay-ms "$DELAY_MS" \
  > "$WORK/proxy.out" 2> "$WORK/proxy.err" &
PROXY_PID=$!
for _ in $(seq 1 250); do
  grep -q '^PORT ' "$WORK/proxy.out" 2>/dev/null && break
  kill -0 "$PROXY_PID" 2>/dev/null || { cat "$WORK/proxy.err" >&2; exit 1; }
  sleep 0.02
done
PROXY_PORT=$(sed -n 's/^PORT //p' "$WORK/proxy.out")
[ -n "$PROXY_PORT" ] || { echo "run.sh: the proxy did not start" >&2; exit 1; }
export IMAP_HOST=127.0.0.1 IMAP_PORT=$PROXY_PORT IMAP_USER=user1 IMAP_PASS=pass1

# C: against the release library, under the SONAME it carries.
(cd "$ROOT" && cargo build --release --locked --quiet)
LIB=$ROOT/target/release/libimap.so
SONAME=$(objdump -p "$LIB" 2>/dev/null | awk '/SONAME/ {print $2}')
[ -n "$SONAME" ] && ln -sf "$LIB" "$WORK/$SONAME"
ln -sf "$LIB" "$WORK/libimap.so"
cc -O2 -std=c99 -I"$ROOT/include" "$HERE/pipeline.c" -L"$WORK" -limap -Wl,-rpath,"$WORK" \
  -o "$WORK/pipeline"

: > "$WORK/results"
echo "pipelining benchmark: $BENCH_N FETCHes, ${DELAY_MS} ms each way through the proxy" >&2
"$WORK/pipeline" | tee -a "$WORK/results" >&2
if [ -d "$ROOT/bindings/go/cmd/pipebench" ] && command -v go >/dev/null; then
  (cd "$ROOT/bindings/go" && GOFLAGS=-tags=imap_intree go run ./cmd/pipebench) | tee -a "$WORK/results" >&2 ||
    echo "run.sh: the Go program failed" >&2
fi
if [ -f "$ROOT/bindings/node/bench/pipeline.mjs" ] && command -v node >/dev/null; then
  (cd "$ROOT/bindings/node" && node bench/pipeline.mjs) | tee -a "$WORK/results" >&2 ||
    echo "run.sh: the Node program failed" >&2
fi

echo
printf '%-6s %-12s %10s %12s\n' binding mode seconds "FETCHes/s"
awk -v n="$BENCH_N" '$1 == "RESULT" {
  rate = ($4 > 0 && $3 != "fetch_each") ? sprintf("%.0f", n / $4) : "-";
  printf "%-6s %-12s %10.3f %12s\n", $2, $3, $4, rate
}' "$WORK/results"
