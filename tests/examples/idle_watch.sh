#!/bin/sh
# examples/idle_watch.c: watches a new mailbox of user2 (asking for 1 update, 120 s at most);
# once it is idling a second client (Python's imaplib) appends a message; the watcher must
# print "EXISTS 1" and exit 0 by itself.
. "$(dirname "$0")/lib.sh"
box="ctest-idle-$$"
imap_tool user2 pass2 create "$box" >/dev/null
"$@" "$DOVECOT_HOST" "$DOVECOT_IMAP_PORT" user2 pass2 "$box" 1 120 >"$tmp/out" 2>&1 &
watcher=$!

i=0
until grep -q '^idling on' "$tmp/out"; do
  i=$((i + 1))
  [ "$i" -le 600 ] && kill -0 "$watcher" 2>/dev/null || { cat "$tmp/out"; fail "watcher not idling"; }
  sleep 0.1
done
printf 'Subject: idle_watch test\r\n\r\nnew mail\r\n' | imap_tool user2 pass2 append "$box"

rc=0
wait "$watcher" || rc=$?
imap_tool user2 pass2 delete "$box" >/dev/null
cat "$tmp/out"
[ "$rc" -eq 0 ] || fail "watcher exited with status $rc"
expect "$tmp/out" "^idling on $box \\(0 messages\\)\$" '^EXISTS 1$'
! grep -q '^timed out' "$tmp/out" || fail "watcher timed out"
