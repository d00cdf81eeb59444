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

# append MAILBOX FILE (imap_append_fd) with --progress: a 1 MiB message streamed from a file,
# then fetched back; the upload and the download each draw a bar on stderr up to 100%, and the
# server holds the file's bytes (read back by Python's imaplib). Without --progress, and with
# stderr not a terminal, no bar is drawn. A missing file is reported and the shell goes on.
box="ctest-shell-append-$$"
python3 -c '
import sys
out = sys.stdout.buffer
out.write(b"From: shell@example.com\r\nSubject: imap_shell append\r\n\r\n")
line = 0
while out.tell() < 1048576 - 80:
    out.write(b"line %07d of the message appended by imap_shell, with CRLF line ends\r\n" % line)
    line += 1
' >"$tmp/message.eml"
size=$(wc -c <"$tmp/message.eml")
cat >"$tmp/append" <<SCRIPT
login user1 $password
create $box
append $box $tmp/message.eml
append $box $tmp/no-such-file.eml
append $box
examine $box
fetch 1 (RFC822.SIZE BODY.PEEK[])
quit
SCRIPT
"$@" --progress "$DOVECOT_HOST" "$DOVECOT_IMAP_PORT" <"$tmp/append" >"$tmp/out" 2>"$tmp/err" || {
  cat "$tmp/err"
  fail "imap_shell append failed"
}
grep -v '^line ' "$tmp/out" | cut -c1-200
tr '\r' '\n' <"$tmp/err" | grep -v '^$' >"$tmp/bars"
cat "$tmp/bars"
expect "$tmp/out" "^appended $tmp/message.eml \\($size bytes\\) to $box\$" \
  "^append: $tmp/no-such-file.eml: No such file or directory\$" '^usage: append MAILBOX FILE$' \
  "^\\* 1 FETCH \\(RFC822.SIZE $size BODY\\[\\] \\{$size\\}\$" '^BYE '
expect "$tmp/bars" '^upload +\[#{30}\] 100%  ([0-9.]+ [KM]iB) / \1$' \
  '^download +\[#{30}\] 100%  ([0-9.]+ [KM]iB) / \1$' '^upload +\[#* +\] +[0-9]?[0-9]%'
[ "$(grep -c '100%' "$tmp/bars")" -eq 2 ] || fail "expected two bars"
got=$(imap_tool user1 "$password" fetch "$box" 1 "$tmp/fetched.eml")
[ "$got" -eq "$size" ] || fail "RFC822.SIZE $got, file $size"
cmp "$tmp/message.eml" "$tmp/fetched.eml" || fail "the appended message differs from the file"

printf 'login user1 %s\nappend %s %s\nquit\n' "$password" "$box" "$tmp/message.eml" |
  "$@" "$DOVECOT_HOST" "$DOVECOT_IMAP_PORT" >"$tmp/out2" 2>"$tmp/err2" || fail "second append"
expect "$tmp/out2" "^appended $tmp/message.eml \\($size bytes\\) to $box\$"
! grep -q '%' "$tmp/err2" || fail "a progress bar without --progress on a non-terminal"
imap_tool user1 "$password" delete "$box" >/dev/null
echo "append: $size bytes streamed up and back, two bars drawn; none without --progress"
