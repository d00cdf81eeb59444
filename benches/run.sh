#!/usr/bin/env bash
# The performance benchmark (issue 13): the same workloads through every client, in one run,
# against the bench's own test Dovecot on loopback; client CPU time and memory of the measured
# part only, with ratios to the raw floor client and to Python's imaplib. See benches/README.md.
#
#   bash benches/run.sh                       every client that exists, every workload, 3 rounds
#   ROUNDS=1 CLIENTS="floor c" WORKLOADS="w1 w3" bash benches/run.sh
#
# Environment (all optional):
#   ROUNDS=3                 runs of each (client, workload); the lowest CPU is kept (and the
#                            memory of that round)
#   CLIENTS="floor floor-keep c go node imaplib python"   a subset; a client whose program
#                            does not exist (or whose toolchain is missing) is skipped with a note
#   WORKLOADS="w1 w1s w2 w2e w3 w4 w5"  a subset
#   PEERS=1                  also the peers go-imap v2 (benches/peers/goimap) and imapflow
#                            (benches/peers/imapflow.mjs), fetched with go and npm into this
#                            run's temporary directory (module and npm caches included), never
#                            into the repository; CLIENTS may then name go-imap and imapflow
#   IMAPSRV_DIR=/tmp/libimap-dovecot-bench, DOVECOT_IMAP_PORT=10145, DOVECOT_IMAPS_PORT=10995
#                            the bench's Dovecot (tests/server/test-dovecot.sh), kept apart from
#                            the tests' so its 90 MB of seeded mail survives between runs
# Started here when not running (and then stopped at the end); its store is kept for the next
# run (remove it with `bash tests/server/test-dovecot.sh reset` under the same environment).
# Exit status: non-zero when a program fails or a check disagrees with the floor's.
# Not part of the tests: the figures depend on the machine.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
export IMAPSRV_DIR=${IMAPSRV_DIR:-/tmp/libimap-dovecot-bench}
export DOVECOT_IMAP_PORT=${DOVECOT_IMAP_PORT:-10145}
export DOVECOT_IMAPS_PORT=${DOVECOT_IMAPS_PORT:-10995}
ROUNDS=${ROUNDS:-3}
ALL_CLIENTS="floor floor-keep c go node imaplib python"
PEER_CLIENTS="go-imap imapflow"
PEERS=${PEERS:-0}
ALL_WORKLOADS="w1 w1s w2 w2e w3 w4 w5"
if [ "$PEERS" = 1 ]; then
  CLIENTS=${CLIENTS:-$ALL_CLIENTS $PEER_CLIENTS}
  ALL_CLIENTS="$ALL_CLIENTS $PEER_CLIENTS"
else
  CLIENTS=${CLIENTS:-$ALL_CLIENTS}
fi
WORKLOADS=${WORKLOADS:-$ALL_WORKLOADS}
note() { printf 'run.sh: %s\n' "$*" >&2; }

case "$ROUNDS" in '' | *[!0-9]* | 0) note "ROUNDS must be a positive number"; exit 2 ;; esac
for c in $CLIENTS; do
  case " $ALL_CLIENTS " in
    *" $c "*) ;;
    *) note "unknown client $c (known: $ALL_CLIENTS; with PEERS=1 also $PEER_CLIENTS)"; exit 2 ;;
  esac
done
for w in $WORKLOADS; do
  case " $ALL_WORKLOADS " in *" $w "*) ;; *) note "unknown workload $w (known: $ALL_WORKLOADS)"; exit 2 ;; esac
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/libimap-bench.XXXXXX")
STARTED=0
cleanup() {
  if [ "$STARTED" = 1 ]; then
    bash "$ROOT/tests/server/test-dovecot.sh" stop >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# ---- the server and its mailboxes ----
bash "$ROOT/tests/server/test-dovecot.sh" status >/dev/null 2>&1 || STARTED=1
if ! bash "$ROOT/tests/server/test-dovecot.sh" start > "$WORK/dovecot.env" 2> "$WORK/dovecot.err"; then
  cat "$WORK/dovecot.err" >&2
  note "the test Dovecot did not start"
  exit 1
fi
eval "$(grep -E '^DOVECOT_(HOST|IMAP_PORT|IMAPS_PORT|CA)=' "$WORK/dovecot.env")"
export DOVECOT_HOST DOVECOT_IMAP_PORT DOVECOT_IMAPS_PORT
SEEDED=$(bash "$HERE/seed.sh")
read -r _ N10K BYTES10K < <(grep '^bench10k ' <<< "$SEEDED")
read -r _ _ BYTES100M < <(grep '^bench100m ' <<< "$SEEDED")

export IMAP_HOST=$DOVECOT_HOST IMAP_PORT=$DOVECOT_IMAP_PORT IMAP_TLS_PORT=$DOVECOT_IMAPS_PORT
export IMAP_CA=$DOVECOT_CA IMAP_USER=user1 IMAP_PASS=pass1
export BENCH_W1_MAILBOX=bench10k BENCH_W4_MAILBOX=bench100m

# ---- the programs: each client gets a command line in $WORK/cmd-<client> ----
declare -A CMD
wants() { case " $CLIENTS " in *" $1 "*) return 0 ;; esac; return 1; }

if wants floor || wants floor-keep; then
  if [ ! -e /usr/include/openssl/ssl.h ]; then
    note "installing libssl-dev (apt-get) for the floor client's OpenSSL header"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q --no-install-recommends libssl-dev >/dev/null 2>&1 ||
      { apt-get update -q >/dev/null 2>&1 &&
        apt-get install -y -q --no-install-recommends libssl-dev >/dev/null; }
  fi
  cc -O2 -std=c99 -Wall "$HERE/workloads/floor.c" -lssl -lcrypto -o "$WORK/floor"
  CMD[floor]="$WORK/floor"
  CMD[floor-keep]="env FLOOR_KEEP=1 $WORK/floor"
fi
if wants c || wants go || wants node; then
  note "cargo build --release --locked"
  (cd "$ROOT" && cargo build --release --locked --quiet)
fi
LIB=$ROOT/target/release/libimap.so
if wants c; then
  # against the release library, under the SONAME it carries
  SONAME=$(objdump -p "$LIB" 2>/dev/null | awk '/SONAME/ {print $2}')
  [ -n "$SONAME" ] && ln -sf "$LIB" "$WORK/$SONAME"
  ln -sf "$LIB" "$WORK/libimap.so"
  cc -O2 -std=c99 -Wall -I"$ROOT/include" "$HERE/workloads/libimap.c" -L"$WORK" -limap \
    -Wl,-rpath,"$WORK" -o "$WORK/libimap_w"
  CMD[c]="$WORK/libimap_w"
fi
if wants go; then
  if [ ! -d "$ROOT/bindings/go/cmd/wbench" ]; then
    note "go: bindings/go/cmd/wbench does not exist: skipped"
  elif ! command -v go >/dev/null; then
    note "go: the go toolchain is not installed: skipped"
  elif (cd "$ROOT/bindings/go" && GOPROXY=off GOTOOLCHAIN=local CGO_ENABLED=1 \
          GOFLAGS=-tags=imap_intree go build -o "$WORK/wbench" ./cmd/wbench) 2> "$WORK/go-build.err"; then
    CMD[go]="$WORK/wbench"   # -tags imap_intree: links target/release through the binding's rpath
  else
    cat "$WORK/go-build.err" >&2
    note "go: bindings/go/cmd/wbench does not build: skipped"
  fi
fi
if wants node; then
  if [ ! -f "$ROOT/bindings/node/bench/workloads.mjs" ]; then
    note "node: bindings/node/bench/workloads.mjs does not exist: skipped"
  elif ! command -v node >/dev/null; then
    note "node: node is not installed: skipped"
  else
    CMD[node]="node $ROOT/bindings/node/bench/workloads.mjs"
    if ! (cd "$ROOT/bindings/node" && node -e "require.resolve('koffi')") >/dev/null 2>&1; then
      # the binding's own locked dependencies (koffi), into the run's temporary directory:
      # the binding requires koffi from CommonJS, so NODE_PATH finds it there
      note "node: npm ci --omit=dev of bindings/node's dependencies into the run's temporary directory"
      mkdir "$WORK/nodedeps"
      cp "$ROOT/bindings/node/package.json" "$ROOT/bindings/node/package-lock.json" "$WORK/nodedeps/"
      if (cd "$WORK/nodedeps" && npm_config_cache="$WORK/npmcache" \
            npm ci --omit=dev --no-audit --no-fund) > "$WORK/node-deps.err" 2>&1; then
        export NODE_PATH=$WORK/nodedeps/node_modules
      else
        cat "$WORK/node-deps.err" >&2
        note "node: npm ci failed: skipped"
        unset 'CMD[node]'
      fi
    fi
  fi
fi
if wants imaplib; then
  if command -v python3 >/dev/null; then
    CMD[imaplib]="python3 $HERE/workloads/imaplib_w.py"
  else
    note "imaplib: python3 is not installed: skipped"
  fi
fi

if wants python; then
  # the Python package, built and installed by pip into a virtual environment of the run's
  # temporary directory (pip's cache and build there too): imaplib's workloads through it
  if [ ! -f "$ROOT/bindings/python/pyproject.toml" ]; then
    note "python: bindings/python/pyproject.toml does not exist: skipped"
  elif ! command -v python3 >/dev/null; then
    note "python: python3 is not installed: skipped"
  else
    note "python: pip install bindings/python into the run's temporary directory"
    if python3 -m venv "$WORK/pyvenv" > "$WORK/python-install.err" 2>&1 &&
        (cd "$WORK" && PIP_CACHE_DIR="$WORK/pipcache" TMPDIR="$WORK" \
          "$WORK/pyvenv/bin/pip" install --quiet --disable-pip-version-check \
          "$ROOT/bindings/python") >> "$WORK/python-install.err" 2>&1; then
      CMD[python]="$WORK/pyvenv/bin/python $HERE/workloads/imaplib_w.py --libimap"
    else
      cat "$WORK/python-install.err" >&2
      note "python: pip install failed: skipped"
    fi
  fi
fi

# The peers: fetched into $WORK only (go's module and build caches, npm's cache and install).
if wants go-imap; then
  if ! command -v go >/dev/null; then
    note "go-imap: the go toolchain is not installed: skipped"
  else
    note "go-imap: go build (modules fetched into the run's temporary directory)"
    cp -r "$HERE/peers/goimap" "$WORK/goimap"
    if (cd "$WORK/goimap" && GOMODCACHE="$WORK/gomod" GOCACHE="$WORK/gocache" \
          GOPATH="$WORK/gopath" GOFLAGS=-modcacherw GOTOOLCHAIN=local CGO_ENABLED=0 \
          go build -o "$WORK/goimap-bench" .) > "$WORK/goimap-build.err" 2>&1; then
      CMD[go-imap]="$WORK/goimap-bench"
    else
      cat "$WORK/goimap-build.err" >&2
      note "go-imap: the build failed: skipped"
    fi
  fi
fi
if wants imapflow; then
  if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
    note "imapflow: node or npm is not installed: skipped"
  else
    note "imapflow: npm ci into the run's temporary directory"
    mkdir "$WORK/imapflow"
    cp "$HERE/peers/imapflow.mjs" "$HERE/peers/package.json" "$HERE/peers/package-lock.json" \
      "$WORK/imapflow/"
    if (cd "$WORK/imapflow" && npm_config_cache="$WORK/npmcache" \
          npm ci --no-audit --no-fund) > "$WORK/imapflow-install.err" 2>&1; then
      CMD[imapflow]="node $WORK/imapflow/imapflow.mjs"
    else
      cat "$WORK/imapflow-install.err" >&2
      note "imapflow: npm ci failed: skipped"
    fi
  fi
fi

# ---- the runs: round by round, so that a noisy moment hits every client alike ----
RUN_CLIENTS=""
for c in $ALL_CLIENTS; do wants "$c" && [ -n "${CMD[$c]:-}" ] && RUN_CLIENTS="$RUN_CLIENTS $c"; done
[ -n "$RUN_CLIENTS" ] || { note "no client to run"; exit 1; }
: > "$WORK/results"
FAILED=0
for r in $(seq 1 "$ROUNDS"); do
  for w in $WORKLOADS; do
    for c in $RUN_CLIENTS; do
      note "round $r/$ROUNDS: $c $w"
      dir=$ROOT
      [ "$c" = node ] && dir=$ROOT/bindings/node
      [ "$c" = go ] && dir=$ROOT/bindings/go
      # shellcheck disable=SC2086  # CMD holds a command and its first arguments
      if out=$(cd "$dir" && LIBIMAP_PATH=$LIB timeout 900 ${CMD[$c]} "$w" 2> "$WORK/err"); then
        line=$(grep -E "^RESULT $c $w " <<< "$out" | tail -1 || true)
      else
        line=""
      fi
      if [ -z "$line" ]; then
        note "$c $w failed (round $r):"
        tail -5 "$WORK/err" >&2
        line="RESULT $c $w fail"
        FAILED=1
      fi
      echo "$line" >> "$WORK/results"
    done
  done
done

# ---- the table ----
CPU_MODEL=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
echo
printf 'machine: %s, %s cores, Linux %s, %s\n' "${CPU_MODEL:-unknown CPU}" "$(nproc)" \
  "$(uname -r)" "$(date -u '+%Y-%m-%d %H:%M UTC')"
printf 'payload: bench10k %s messages, %s bytes (%.1f MiB); bench100m 1 message, %s bytes (%.1f MiB); rounds %s, lowest CPU kept\n' \
  "$N10K" "$BYTES10K" "$(echo "$BYTES10K / 1048576" | bc -l)" \
  "$BYTES100M" "$(echo "$BYTES100M / 1048576" | bc -l)" "$ROUNDS"
echo
awk -v workloads="$WORKLOADS" -v clients="$RUN_CLIENTS" '
function val(s,   i) { i = index(s, "="); return substr(s, i + 1) }
$1 == "RESULT" {
  key = $3 SUBSEP $2
  if ($4 == "skip") { skip[key] = val($5); next }
  if ($4 == "fail") { fail[key] = 1; next }
  cpu = val($4); wall = val($5); mem = val($6); chk = val($7)
  if (key in checks && checks[key] != chk) unstable[key] = 1
  checks[key] = chk
  if (!(key in best) || cpu + 0 < best[key] + 0) { best[key] = cpu; bwall[key] = wall; bmem[key] = mem }
}
END {
  nw = split(workloads, W, " "); nc = split(clients, C, " ")
  printf "%-8s %-10s %9s %9s %8s %9s %9s  %s\n", "workload", "client", "cpu s", "mem MiB", "x floor", "x imaplib", "wall s", "check"
  bad = 0
  for (i = 1; i <= nw; i++) {
    w = W[i]
    fk = w SUBSEP "floor"; ik = w SUBSEP "imaplib"
    for (j = 1; j <= nc; j++) {
      c = C[j]; k = w SUBSEP c
      if (k in skip && skip[k] == "w1only") continue
      if (k in skip) { printf "%-8s %-10s %9s  (%s)\n", w, c, "skip", skip[k]; continue }
      if (!(k in best)) { printf "%-8s %-10s %9s\n", w, c, "FAILED"; bad = 1; continue }
      xf = (fk in best && best[fk] > 0) ? sprintf("%.2f", best[k] / best[fk]) : "-"
      xi = (ik in best && best[ik] > 0) ? sprintf("%.2f", best[k] / best[ik]) : "-"
      note = "ok"
      if (k in unstable) { note = "DIFFERS BETWEEN ROUNDS"; bad = 1 }
      else if (!(fk in checks)) note = "(no floor)"
      else if (checks[k] != checks[fk]) { note = "DIFFERS FROM FLOOR " checks[fk]; bad = 1 }
      printf "%-8s %-10s %9.4f %9.1f %8s %9s %9.3f  %s %s\n", w, c, best[k], bmem[k] / 1048576, xf, xi, bwall[k], checks[k], note
    }
  }
  exit bad
}' "$WORK/results" || FAILED=1
echo
echo "cpu: user+sys of the measured part (connect and login excluded, except w5); mem: peak RSS"
echo "growth over it (VmHWM after - VmRSS before); x floor / x imaplib: cpu ratios."
[ "$FAILED" = 0 ] || { note "some runs failed or some checks disagree (see above)"; exit 1; }
