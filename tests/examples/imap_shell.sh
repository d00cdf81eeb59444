#!/bin/sh
# examples/imap_shell.c: a script of commands piped in; the output must hold the responses and
# the trace, the login must be traced as <redacted>, and the password must appear nowhere.
. "$(dirname "$0")/lib.sh"
password=pass1
cat >"$tmp/script" <<SCRIPT
# a comment, then a blank line

login user1 $password
examine INBOX
fetch 1 (FLAGS RFC822.SIZE)
noop
quit
SCRIPT
"$@" "$DOVECOT_HOST" "$DOVECOT_IMAP_PORT" <"$tmp/script" >"$tmp/out" 2>&1 || {
  cat "$tmp/out"
  fail "imap_shell failed"
}
cat "$tmp/out"
expect "$tmp/out" '^OK .*Logged in' '^\* [0-9]+ EXISTS$' '^s1 OK \[READ-ONLY\]' \
  '^\* 1 FETCH \(FLAGS \(.*\) RFC822\.SIZE [0-9]+\)$' '^s2 OK' '^s3 OK' '^BYE ' \
  '^trace\[4\]: .*LOGIN .*<redacted>' '^trace\[4\]: > s1 examine INBOX$'
! grep -q "$password" "$tmp/out" || fail "the password appears in the output"
