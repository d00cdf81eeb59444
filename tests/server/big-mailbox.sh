#!/usr/bin/env bash
# big-mailbox.sh — give the test Dovecot (tests/server/test-dovecot.sh, same environment:
# IMAPSRV_DIR, DOVECOT_IMAP_PORT, DOVECOT_IMAPS_PORT) a mailbox "Big" of user1 holding
# BIG_COUNT (default 100,000) small messages, for the streaming and constant-memory tests.
#
#   big-mailbox.sh            start the server if needed, fill "Big" once, index it
#
# Idempotent and quiet: when "Big" already holds BIG_COUNT messages it does nothing; it
# prints nothing on success (errors go to stderr, exit status non-zero). The messages are
# written straight into the Maildir (no APPEND: about 2 s for 100,000), then Dovecot indexes
# the folder once (doveadm mailbox status, as a first SELECT would), so the tests' SELECT is
# fast. Message i (1-based) is
#     From: big@example.com / To: user1@example.com / Subject: Big i / Message-ID:
#     <big-i@imapsrv.test> / X-Seed-Index: i, and a one-line body "message i".
# A mail store reset by test-dovecot.sh (another seed count) takes "Big" with it; the next
# run of this script writes it again.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export IMAPSRV_DIR=${IMAPSRV_DIR:-/tmp/libimap-dovecot-tests}
N=${BIG_COUNT:-100000}
USER_=user1
MBOX=Big

# the server's own log lines only when it fails to start
if ! out=$(bash "$HERE/test-dovecot.sh" start 2>&1); then
  printf '%s\n' "$out" >&2
  exit 1
fi
ROOT=$IMAPSRV_DIR
CONF=$ROOT/dovecot.conf
DIR=$ROOT/mail/$USER_/Maildir/.$MBOX
MARK=$DIR/libimap-big-count

# one filler at a time per store (G, N and P tests may start together)
exec 8>"$ROOT/big-mailbox.lock"
flock 8

status_count() {
  doveadm -c "$CONF" mailbox status -u "$USER_" messages "$MBOX" 2>/dev/null |
    sed -n 's/.*messages=\([0-9]*\).*/\1/p'
}

if [ -e "$MARK" ] && [ "$(cat "$MARK")" = "$N" ] && [ "$(status_count)" = "$N" ]; then
  exit 0
fi

# (re)write from scratch: a partial or other-sized folder is replaced
if [ -d "$DIR" ]; then
  doveadm -c "$CONF" mailbox delete -u "$USER_" "$MBOX" >/dev/null 2>&1 || true
  rm -rf "$DIR"
fi
python3 - "$DIR" "$N" "$(id -u vmail)" "$(id -g vmail)" <<'EOF'
import os, sys
d, n, uid, gid = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
for sub in ("", "/cur", "/new", "/tmp"):
    os.makedirs(d + sub, exist_ok=True)
    os.chown(d + sub, uid, gid)
base = 1700000000
for i in range(1, n + 1):
    body = (
        "From: big@example.com\n"
        "To: user1@example.com\n"
        f"Subject: Big {i}\n"
        f"Message-ID: <big-{i}@imapsrv.test>\n"
        f"X-Seed-Index: {i}\n"
        "Date: Tue, 14 Nov 2023 22:13:20 +0000\n"
        "\n"
        f"message {i}\n"
    ).encode()
    size = len(body)
    vsize = size + body.count(b"\n")
    # time-ordered unique names so Dovecot assigns UIDs in i order; S=/W= spare it a stat
    name = f"{d}/cur/{base + i}.M{i}P1.big,S={size},W={vsize}:2,"
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.write(fd, body)
    os.fchown(fd, uid, gid)
    os.close(fd)
    os.utime(name, (base + i, base + i))
EOF
doveadm -c "$CONF" mailbox subscribe -u "$USER_" "$MBOX" >/dev/null 2>&1 || true
got=$(status_count)
if [ "$got" != "$N" ]; then
  echo "big-mailbox: Dovecot sees ${got:-no} messages in $USER_/$MBOX, expected $N" >&2
  exit 1
fi
echo "$N" > "$MARK"
chown vmail:vmail "$MARK"
