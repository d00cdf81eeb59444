#!/bin/sh
# examples/save_message.c: message 3 of user1's INBOX saved to a file must be byte for byte
# what Python's imaplib fetches (BODY.PEEK[]), and as long as the server's RFC822.SIZE. A
# message that does not exist gives exit status 1 and no file.
. "$(dirname "$0")/lib.sh"
"$@" "$DOVECOT_HOST" "$DOVECOT_IMAP_PORT" user1 pass1 INBOX 3 "$tmp/saved.eml" | tee "$tmp/out"
expect "$tmp/out" '^saved message 3 of INBOX \([0-9]+ bytes\)'
size=$(imap_tool user1 pass1 fetch INBOX 3 "$tmp/expected.eml")
cmp "$tmp/saved.eml" "$tmp/expected.eml" || fail "saved message differs from a second fetch"
[ "$(wc -c <"$tmp/saved.eml")" -eq "$size" ] || fail "saved size is not RFC822.SIZE $size"
echo "saved file matches the second fetch and RFC822.SIZE ($size bytes)"

if "$@" "$DOVECOT_HOST" "$DOVECOT_IMAP_PORT" user1 pass1 INBOX 999999 "$tmp/none.eml"; then
  fail "saving a message that does not exist succeeded"
fi
[ ! -e "$tmp/none.eml" ] || fail "a file was written for a message that does not exist"

# --progress: a 300 KB message (put there by Python's imaplib) draws a download bar on stderr
# up to 100%, and is saved byte for byte.
box="ctest-save-progress-$$"
imap_tool user1 pass1 create "$box" >/dev/null
python3 -c '
import sys
sys.stdout.buffer.write(b"Subject: save_message progress\r\n\r\n" + b"0123456789abcdef" * 20000)
' | imap_tool user1 pass1 append "$box"
"$@" --progress "$DOVECOT_HOST" "$DOVECOT_IMAP_PORT" user1 pass1 "$box" 1 "$tmp/big.eml" \
  >"$tmp/out" 2>"$tmp/err" || { cat "$tmp/out" "$tmp/err"; fail "save_message --progress"; }
size=$(imap_tool user1 pass1 fetch "$box" 1 "$tmp/big-expected.eml")
imap_tool user1 pass1 delete "$box" >/dev/null
tr '\r' '\n' <"$tmp/err" | grep -v '^$' | tee "$tmp/bars"
expect "$tmp/bars" '^download +\[#{30}\] 100%  ([0-9.]+ KiB) / \1$'
cmp "$tmp/big.eml" "$tmp/big-expected.eml" || fail "saved message differs"
echo "saved $size bytes with a progress bar"
