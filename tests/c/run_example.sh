#!/bin/sh
# run_example.sh ENV_FILE [WRAPPER...] EXAMPLE
# Runs the imaplib example against the test Dovecot (STARTTLS with the test CA, user1's INBOX,
# seeded by the fixture) and checks that it exits 0 and prints "Message 1".
set -e
env_file=$1
shift
. "$env_file"
out=$("$@" --starttls --ca "$DOVECOT_CA" "$DOVECOT_HOST" "$DOVECOT_IMAP_PORT" user1 pass1)
printf '%s\n' "$out" | head -n 30
printf '%s\n' "$out" | grep -qx 'Message 1'
