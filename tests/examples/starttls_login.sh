#!/bin/sh
# examples/starttls_login.c: with the test CA, STARTTLS succeeds, the certificate is verified
# and the login works; without it the self-signed certificate is refused (IMAP_CODE_TLS) and the
# program exits 1 before logging in.
. "$(dirname "$0")/lib.sh"
"$@" --ca "$DOVECOT_CA" "$DOVECOT_HOST" "$DOVECOT_IMAP_PORT" user1 pass1 | tee "$tmp/out"
expect "$tmp/out" '^STARTTLS done: TLS on, certificate verified with ' '^logged in as user1; '

if "$@" "$DOVECOT_HOST" "$DOVECOT_IMAP_PORT" user1 pass1 >"$tmp/untrusted" 2>&1; then
  cat "$tmp/untrusted"
  fail "login succeeded without trusting the test CA"
fi
cat "$tmp/untrusted"
expect "$tmp/untrusted" '^connect failed: IMAP_CODE_TLS'
! grep -q '^logged in' "$tmp/untrusted" || fail "logged in over an unverified connection"
