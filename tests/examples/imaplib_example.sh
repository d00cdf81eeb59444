#!/bin/sh
# examples/imaplib_example.c: STARTTLS with the test CA, user1's INBOX (seeded by the fixture);
# exits 0 and prints every message, starting with "Message 1".
. "$(dirname "$0")/lib.sh"
"$@" --starttls --ca "$DOVECOT_CA" "$DOVECOT_HOST" "$DOVECOT_IMAP_PORT" user1 pass1 >"$tmp/out"
head -n 30 "$tmp/out"
expect "$tmp/out" '^Message 1$' '^Message 20$'
