#!/usr/bin/env bash
# seed.sh — give the benchmark's test Dovecot (tests/server/test-dovecot.sh; IMAPSRV_DIR,
# DOVECOT_IMAP_PORT, DOVECOT_IMAPS_PORT choose the instance) the mailboxes of the workloads:
#   bench10k    10,000 multipart messages of about 7.7 KB (about 77 MB as sent)
#   bench100m   one message of exactly 100 MiB as sent
# Idempotent: each folder carries a marker (generator version, count, total bytes); when the
# marker and Dovecot's message count agree, nothing is done. A store reset by test-dovecot.sh
# takes the folders with it, and the next run writes them again. The messages are written
# straight into the Maildir (benches/workloads/seed.py, as tests/server/big-mailbox.sh does),
# then Dovecot indexes each folder once, its cache is warmed with the fields the workloads
# fetch, and a read-write SELECT takes the \Recent flag off (so every client, in every round,
# sees the same flags). The server must be running. Prints "<mailbox> <messages> <bytes>"
# per folder.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${IMAPSRV_DIR:?IMAPSRV_DIR must be set (the instance benches/run.sh started)}"
CONF=$IMAPSRV_DIR/dovecot.conf
# the running server's address (tests/server/dovecot-up.sh writes it to $IMAPSRV_DIR/env)
if [ -z "${DOVECOT_HOST:-}" ] || [ -z "${DOVECOT_IMAP_PORT:-}" ]; then
  eval "$(grep -E '^DOVECOT_(HOST|IMAP_PORT)=' "$IMAPSRV_DIR/env")"
fi
USER_=user1
VERSION=$(sed -n 's/^VERSION = "\(.*\)".*/\1/p' "$HERE/workloads/seed.py")

exec 7>"$IMAPSRV_DIR/bench-seed.lock"
flock 7

status_count() {
  doveadm -c "$CONF" mailbox status -u "$USER_" messages "$1" 2>/dev/null |
    sed -n 's/.*messages=\([0-9]*\).*/\1/p'
}

seed_one() {  # MAILBOX COUNT
  local mbox=$1 n=$2 dir mark out total
  dir=$IMAPSRV_DIR/mail/$USER_/Maildir/.$mbox
  mark=$dir/libimap-bench-seed
  if [ -e "$mark" ] && [ "$(cut -d' ' -f1,2 "$mark")" = "$VERSION $n" ] &&
     [ "$(status_count "$mbox")" = "$n" ]; then
    echo "$mbox $n $(cut -d' ' -f3 "$mark")"
    return 0
  fi
  echo "seed.sh: writing $mbox ($n messages)" >&2
  if [ -d "$dir" ]; then
    doveadm -c "$CONF" mailbox delete -u "$USER_" "$mbox" >/dev/null 2>&1 || true
    rm -rf "$dir"
  fi
  out=$(python3 "$HERE/workloads/seed.py" "$mbox" "$dir" "$(id -u vmail)" "$(id -g vmail)")
  total=${out#* }
  doveadm -c "$CONF" mailbox subscribe -u "$USER_" "$mbox" >/dev/null 2>&1 || true
  local got; got=$(status_count "$mbox")
  if [ "$got" != "$n" ]; then
    echo "seed.sh: Dovecot sees ${got:-no} messages in $USER_/$mbox, expected $n" >&2
    return 1
  fi
  # the cache fields the workloads ask for, computed once now rather than in the first round
  doveadm -c "$CONF" fetch -u "$USER_" 'imap.envelope imap.bodystructure flags' \
    mailbox "$mbox" all >/dev/null
  # claim \Recent with a read-write SELECT
  python3 - "$DOVECOT_HOST" "$DOVECOT_IMAP_PORT" "$mbox" <<'PY'
import imaplib, sys
m = imaplib.IMAP4(sys.argv[1], int(sys.argv[2]))
m.login("user1", "pass1")
typ, _ = m.select(sys.argv[3])
assert typ == "OK"
m.close()
m.logout()
PY
  echo "$VERSION $n $total" > "$mark"
  chown vmail:vmail "$mark"
  echo "$mbox $n $total"
}

seed_one bench10k 10000
seed_one bench100m 1
