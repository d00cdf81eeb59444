#!/usr/bin/env bash
# The demo's server and the tests' server, whatever the other left behind (issue 11, item 20):
#  1. the demo's setup (dovecot-up.sh, 5 messages) then the tests' (test-dovecot.sh): two
#     servers side by side, the tests' store holding exactly its 20 messages; by default the
#     two never share a directory or a port;
#  2. the two pointed at the same IMAPSRV_DIR and ports, one after the other and back: each
#     gets exactly the store it asked for;
#  3. a port held by another program makes dovecot-up.sh fail at once with a clear message.
# Everything runs in a scratch directory on free ports.
source "$(dirname "$0")/lib.sh"

demo_up() {  # DIR IMAP_PORT IMAPS_PORT: the server setup of scripts/demo.sh
  IMAPSRV_DIR=$1 DOVECOT_IMAP_PORT=$2 DOVECOT_IMAPS_PORT=$3 DOVECOT_SEED=5 \
    timeout 120 bash "$UP" start >"$SCRATCH/out" 2>&1
}
tests_up() {  # DIR IMAP_PORT IMAPS_PORT: the test suites' server setup
  IMAPSRV_DIR=$1 DOVECOT_IMAP_PORT=$2 DOVECOT_IMAPS_PORT=$3 \
    timeout 120 bash "$TEST_UP" start >"$SCRATCH/out" 2>&1
}
expect_count() {  # WHAT DIR PORT WANT
  local n
  n=$(message_count "$2" user1 INBOX 2>/dev/null || echo "?")
  [ "$n" = "$4" ] || fail "$1: $n messages in user1's INBOX, want exactly $4"
  n=$(imap_count "$3" user1 pass1 2>&1 || true)
  [ "$n" = "$4" ] || fail "$1: over IMAP on port $3: $n, want $4"
}

# 1. side by side
d1=$(free_port); d2=$(free_port); t1=$(free_port); t2=$(free_port)
demo_up "$SCRATCH/demo" "$d1" "$d2" || fail "demo setup: $(tail -5 "$SCRATCH/out")"
expect_count "demo" "$SCRATCH/demo" "$d1" 5
tests_up "$SCRATCH/tests" "$t1" "$t2" || fail "tests setup after the demo: $(tail -5 "$SCRATCH/out")"
expect_count "tests after the demo" "$SCRATCH/tests" "$t1" 20
expect_count "demo next to the tests" "$SCRATCH/demo" "$d1" 5
grep -q "^DOVECOT_CA=$SCRATCH/tests/" "$SCRATCH/out" || fail "tests' env does not name its own CA"

# by default the tests' server has a directory and ports of its own
defaults=$(env -u IMAPSRV_DIR -u DOVECOT_IMAP_PORT -u DOVECOT_IMAPS_PORT bash "$TEST_UP" defaults) ||
  fail "test-dovecot.sh defaults failed"
IMAPSRV_DIR=/tmp/libimap-dovecot DOVECOT_IMAP_PORT=10143 DOVECOT_IMAPS_PORT=10993
eval "$defaults"
[ "$IMAPSRV_DIR" != /tmp/libimap-dovecot ] && [ "$DOVECOT_IMAP_PORT" != 10143 ] &&
  [ "$DOVECOT_IMAPS_PORT" != 10993 ] && [ "$DOVECOT_IMAP_PORT" != "$DOVECOT_IMAPS_PORT" ] ||
  fail "the tests' defaults ($defaults) are the demo's"
unset IMAPSRV_DIR DOVECOT_IMAP_PORT DOVECOT_IMAPS_PORT
# and the environment still overrides them
over=$(IMAPSRV_DIR=/x DOVECOT_IMAP_PORT=1 DOVECOT_IMAPS_PORT=2 bash "$TEST_UP" defaults | tr '\n' ' ') || true
[ "$over" = "IMAPSRV_DIR=/x DOVECOT_IMAP_PORT=1 DOVECOT_IMAPS_PORT=2 " ] ||
  fail "environment overrides ignored: $over"

# 2. the same directory and ports: demo -> tests -> demo -> tests (server left running
# between steps, as the demo leaves it), then with the server stopped in between
same=$SCRATCH/same; s1=$(free_port); s2=$(free_port)
for round in running stopped; do
  for who in demo tests demo tests; do
    if [ "$who" = demo ]; then demo_up "$same" "$s1" "$s2"; want=5
    else tests_up "$same" "$s1" "$s2"; want=20; fi || fail "$who ($round): $(tail -5 "$SCRATCH/out")"
    expect_count "$who after the other ($round)" "$same" "$s1" "$want"
    [ "$round" = stopped ] && IMAPSRV_DIR=$same bash "$UP" stop >/dev/null 2>&1
  done
done

# 3. a port held by another program, plain then implicit-TLS port: refused at once
for which in DOVECOT_IMAP_PORT DOVECOT_IMAPS_PORT; do
  busy=$(free_port); other=$(free_port)
  python3 -m http.server --bind 127.0.0.1 "$busy" >/dev/null 2>&1 &
  EXTRA_PIDS="${EXTRA_PIDS:-} $!"
  for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$busy") 2>/dev/null && break; sleep 0.05; done
  if [ "$which" = DOVECOT_IMAP_PORT ]; then p1=$busy p2=$other; else p1=$other p2=$busy; fi
  t0=$(date +%s)
  if IMAPSRV_DIR=$SCRATCH/busy DOVECOT_IMAP_PORT=$p1 DOVECOT_IMAPS_PORT=$p2 \
      timeout 60 bash "$UP" start >"$SCRATCH/out" 2>&1; then
    fail "start succeeded with port $busy ($which) held by another program"
  else
    grep -q "port $busy on 127.0.0.1 is in use by another program.*set $which" "$SCRATCH/out" ||
      fail "no clear message for $which=$busy: $(tail -5 "$SCRATCH/out")"
    [ $(($(date +%s) - t0)) -le 10 ] || fail "took $(($(date +%s) - t0)) s to report the busy port"
  fi
  if IMAPSRV_DIR=$SCRATCH/busy bash "$UP" status >/dev/null 2>&1; then
    fail "a Dovecot was left running from $SCRATCH/busy"
  fi
  # the other program still has its port
  (exec 3<>"/dev/tcp/127.0.0.1/$busy") 2>/dev/null || fail "the other program lost port $busy"
done

finish
