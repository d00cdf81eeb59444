#!/usr/bin/env bash
# The demo: starts a throwaway Dovecot on 127.0.0.1 with a seeded mailbox, builds libimap and
# the C example (imaplib's documented example), and runs it over STARTTLS with certificate
# verification against the server's CA. Usage: bash scripts/demo.sh   (stop the server with
# `bash tests/server/dovecot-up.sh stop`).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/deps.sh
eval "$(DOVECOT_SEED=${DOVECOT_SEED:-5} bash tests/server/dovecot-up.sh start)"

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j2 --target imaplib_example >/dev/null

echo "== examples/imaplib_example.c against Dovecot on $DOVECOT_HOST:$DOVECOT_IMAP_PORT (STARTTLS)" >&2
./build/examples/imaplib_example --starttls --ca "$DOVECOT_CA" \
  "$DOVECOT_HOST" "$DOVECOT_IMAP_PORT" user1 pass1
