# Shared helpers of the script tests (tests/scripts/*.test.sh); sourced, not run.
# Each test works in a scratch directory of its own under $TMPDIR (default /tmp) and on ports
# chosen free at run time, so it never touches the demo's or the test suites' Dovecot.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
UP=$REPO/tests/server/dovecot-up.sh
TEST_UP=$REPO/tests/server/test-dovecot.sh
NAME=$(basename "$0" .test.sh)
FAILURES=0

fail() { printf '%s: FAIL: %s\n' "$NAME" "$*" >&2; FAILURES=$((FAILURES + 1)); }
note() { printf '%s: %s\n' "$NAME" "$*" >&2; }

# A TCP port on 127.0.0.1 that nothing listens on right now (bound, then released).
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# scratch: a fresh directory (mode 755, so the mail user can traverse it) removed at exit,
# after every Dovecot started from a directory under it is stopped.
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/libimap-$NAME-XXXXXX")
chmod 755 "$SCRATCH"
cleanup() {
  local conf
  for conf in $(find "$SCRATCH" -name dovecot.conf 2>/dev/null); do
    IMAPSRV_DIR=$(dirname "$conf") bash "$UP" stop >/dev/null 2>&1 || true
  done
  [ -n "${EXTRA_PIDS:-}" ] && kill $EXTRA_PIDS 2>/dev/null || true
  rm -rf "$SCRATCH"
}
trap cleanup EXIT

# Number of messages in USER's MAILBOX of the Dovecot run from DIR (server running).
message_count() {  # DIR USER MAILBOX
  doveadm -c "$1/dovecot.conf" mailbox status -u "$2" messages "$3" | sed -n 's/.*messages=//p'
}

# Logs in over IMAP (python's imaplib) and prints the number of messages in INBOX.
imap_count() {  # PORT USER PASS
  python3 - "$@" 2>&1 <<'PY' | tail -1
import imaplib, sys
port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
m = imaplib.IMAP4("127.0.0.1", port)
m.login(user, password)
typ, data = m.select("INBOX", readonly=True)
print(int(data[0]))
m.logout()
PY
}

finish() {
  if [ "$FAILURES" -gt 0 ]; then
    note "$FAILURES check(s) failed"; exit 1
  fi
  note "ok"
}
