#!/usr/bin/env bash
# Bulk FETCH: libimap (C ABI) against Python's imaplib, measured in the same run against the
# same test Dovecot and mailbox, reported as ratios (best of ROUNDS each; machines are shared
# and noisy, so only the ratio means anything).
#   bash benches/fetch/run.sh [MESSAGES] [ROUNDS]      (defaults: 2000 messages, 5 rounds)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
N=${1:-2000}
ROUNDS=${2:-5}
MBOX=bench$N

eval "$(bash "$ROOT/tests/server/dovecot-up.sh" start)"
if ! grep -q "^$N$" "${IMAPSRV_DIR:-/tmp/libimap-dovecot}/mail/.bench-$N" 2>/dev/null; then
  bash "$ROOT/tests/server/dovecot-up.sh" seed "$N" user1 "$MBOX" >/dev/null 2>&1
  echo "$N" > "${IMAPSRV_DIR:-/tmp/libimap-dovecot}/mail/.bench-$N"
fi
(cd "$ROOT" && cargo build --release --quiet)
BIN=$(mktemp -d)
trap 'rm -rf "$BIN"' EXIT
ln -s "$ROOT/target/release/libimap.so" "$BIN/libimap.so.1"
cc -O2 -std=c99 -I"$ROOT/include" "$HERE/fetch_bench.c" -L"$ROOT/target/release" -limap \
  -Wl,-rpath,"$BIN" -o "$BIN/fetch_bench"

args=("$DOVECOT_HOST" "$DOVECOT_IMAP_PORT" user1 pass1 "$MBOX")
printf '%-44s %10s %10s %9s\n' "FETCH 1:* of $N messages" "imaplib s" "libimap s" "speed-up"
for items in "(BODY.PEEK[])" "(UID FLAGS RFC822.SIZE BODY.PEEK[HEADER])" "(UID ENVELOPE BODYSTRUCTURE)"; do
  read -r py pybytes < <(python3 "$HERE/imaplib_bench.py" "${args[@]}" "$items" "$ROUNDS")
  read -r c cbytes < <("$BIN/fetch_bench" "${args[@]}" "$items" "$ROUNDS")
  [ "$pybytes" = "$cbytes" ] || { echo "different data: imaplib $pybytes bytes, libimap $cbytes" >&2; exit 1; }
  printf '%-44s %10s %10s %8.2fx\n' "$items" "$py" "$c" "$(echo "$py / $c" | bc -l)"
done
read -r py _ < <(python3 "$HERE/imaplib_bench.py" "${args[@]}" "(UID ENVELOPE BODYSTRUCTURE)" "$ROUNDS")
read -r c _ < <("$BIN/fetch_bench" "${args[@]}" "(UID ENVELOPE BODYSTRUCTURE)" "$ROUNDS:parse")
printf '%-44s %10s %10s %8.2fx\n' "  the same, parsed by libimap (imaplib: raw)" "$py" "$c" "$(echo "$py / $c" | bc -l)"
