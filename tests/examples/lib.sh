# Sourced by the example tests, run by ctest as:  sh tests/examples/NAME.sh ENV_FILE [WRAPPER...] EXAMPLE
# Loads the test Dovecot's settings (DOVECOT_HOST, DOVECOT_IMAP_PORT, DOVECOT_CA...) from
# ENV_FILE, leaves the example's command line (valgrind first, for the memcheck_ twin) in "$@",
# and makes a scratch directory $tmp, removed on exit.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$1"
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# imap_tool ARGS...: the independent client (Python's imaplib); see imap_tool.py.
imap_tool() {
  python3 "$here/imap_tool.py" "$DOVECOT_HOST" "$DOVECOT_IMAP_PORT" "$@"
}

# expect FILE PATTERN...: each extended regular expression matches a line of FILE.
expect() {
  f=$1
  shift
  for pattern in "$@"; do
    grep -Eq -- "$pattern" "$f" || fail "no line matches /$pattern/ in the output above"
  done
}
