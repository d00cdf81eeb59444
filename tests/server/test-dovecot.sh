#!/usr/bin/env bash
# test-dovecot.sh — the test suites' Dovecot: tests/server/dovecot-up.sh with a directory and
# ports of its own, so that the demo's server (dovecot-up.sh's defaults) and the tests' never
# share a store or a port, and with the mail the tests expect: exactly 20 generated messages
# in user1's INBOX (a store seeded otherwise, by the demo for example, is replaced).
#
#   test-dovecot.sh start|stop|reset|status|env|...   as dovecot-up.sh
#   test-dovecot.sh defaults                          print the three settings below
#
# Every suite (scripts/test.sh, tests/common/mod.rs, CMake's dovecot_up fixture, the Go and
# Node tests and their test.sh scripts) starts the server through this script. The
# environment still chooses (other values than these defaults for parallel runs):
#   IMAPSRV_DIR=/tmp/libimap-dovecot-tests
#   DOVECOT_IMAP_PORT=10144     (the demo: 10143)
#   DOVECOT_IMAPS_PORT=10994    (the demo: 10993)
set -euo pipefail
export IMAPSRV_DIR=${IMAPSRV_DIR:-/tmp/libimap-dovecot-tests}
export DOVECOT_IMAP_PORT=${DOVECOT_IMAP_PORT:-10144}
export DOVECOT_IMAPS_PORT=${DOVECOT_IMAPS_PORT:-10994}
# what the tests rely on (tests/dovecot.rs, tests/c, bindings/*): not taken from the caller
export DOVECOT_SEED=20 DOVECOT_SEED_USER=user1 DOVECOT_SEED_MAILBOX=INBOX DOVECOT_SEED_RANDSEED=1

if [ "${1:-}" = defaults ]; then
  printf 'IMAPSRV_DIR=%s\nDOVECOT_IMAP_PORT=%s\nDOVECOT_IMAPS_PORT=%s\n' \
    "$IMAPSRV_DIR" "$DOVECOT_IMAP_PORT" "$DOVECOT_IMAPS_PORT"
  exit 0
fi
exec bash "$(dirname "${BASH_SOURCE[0]}")/dovecot-up.sh" "$@"
