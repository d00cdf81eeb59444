#!/usr/bin/env bash
# Tests of the Python package (bindings/python), as a user gets it: builds the wheel (cargo
# build --release --locked at the repository root, libimap.so.1 bundled), installs it into a
# fresh virtual environment in a temporary directory, runs the package's tests there against
# the test Dovecot (tests/server/test-dovecot.sh; IMAPSRV_DIR and DOVECOT_*_PORT choose it),
# then installs the package a second time straight from its directory (`pip install
# bindings/python`, the README's way, which must leave nothing in the tree), runs imaplib's documentation example with `import libimap as imaplib` outside
# the repository, and CPython's own test_imaplib against the package
# (tests/cpython/run_test_imaplib.py). Leaves nothing behind: the first build runs on a copy of
# the package in the temporary directory, which is removed at exit.
#
#   bash bindings/python/test.sh
#   PYTHON=python3.12 bash bindings/python/test.sh   # another interpreter (3.9 or newer)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PYTHON=${PYTHON:-python3}
log() { printf 'bindings/python/test.sh: %s\n' "$*" >&2; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/libimap-python.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export PYTHONDONTWRITEBYTECODE=1 PIP_DISABLE_PIP_VERSION_CHECK=1

# 1. the wheel, built from a copy of the package's tracked files (no build/ or egg-info in
#    the tree); setup.py builds the library in the repository (LIBIMAP_SOURCE)
log "building the wheel"
mkdir "$TMP/pkg"
git -C "$HERE" ls-files -z . | (cd "$HERE" && xargs -0 cp --parents -t "$TMP/pkg")
export LIBIMAP_SOURCE=$ROOT
"$PYTHON" -m venv "$TMP/venv"
PY=$TMP/venv/bin/python
"$PY" -m pip install -q --upgrade "setuptools>=70.1" pytest mypy pyflakes
"$PY" -m pip wheel -q --no-deps -w "$TMP/dist" "$TMP/pkg"
WHEEL=$(ls "$TMP"/dist/libimap-*.whl)
# with a C compiler and Python's headers here, the wheel carries the C extension (stable ABI)
case "$WHEEL" in
  *-cp39-abi3-linux_*.whl | *-cp39-abi3-macosx_*.whl) ;;
  *) log "not a stable-ABI platform wheel with the C extension: $WHEEL"; exit 1 ;;
esac
"$PY" -m zipfile -l "$WHEEL" >"$TMP/wheel.list"
grep -q '^libimap/libimap.so.1 ' "$TMP/wheel.list" || { log "libimap.so.1 missing from $WHEEL"; exit 1; }
grep -q '^libimap/_speedups.abi3.so ' "$TMP/wheel.list" || { log "_speedups missing from $WHEEL"; exit 1; }
grep -q '^libimap/py.typed ' "$TMP/wheel.list" || { log "py.typed missing from $WHEEL"; exit 1; }

# 2. installed into the fresh environment; the tests import it from there (conftest checks)
log "installing $(basename "$WHEEL") into a fresh virtual environment"
"$PY" -m pip install -q "$WHEEL"

log "starting the test Dovecot"
bash "$ROOT/tests/server/test-dovecot.sh" start >/dev/null
eval "$(bash "$ROOT/tests/server/test-dovecot.sh" env | grep -E '^DOVECOT_(HOST|IMAP_PORT)=')"

log "pyflakes"
(cd "$HERE" && "$PY" -m pyflakes src tests bench examples setup.py)

log "mypy: the package's sources, and a typed program using the installed package (py.typed)"
"$PY" -m mypy --cache-dir "$TMP/mypy" --check-untyped-defs "$HERE/src/libimap"
cp "$HERE/tests/typing/consumer.py" "$TMP/consumer.py"
(cd "$TMP" && "$PY" -m mypy --cache-dir "$TMP/mypy" --strict consumer.py)

log "pytest"
(cd "$TMP" && LIBIMAP_EXPECT_INSTALLED=1 "$PY" -m pytest -p no:cacheprovider -q "$HERE/tests")
log "pytest again without the C extension (LIBIMAP_NO_SPEEDUPS=1: the ctypes path)"
(cd "$TMP" && LIBIMAP_EXPECT_INSTALLED=1 LIBIMAP_NO_SPEEDUPS=1 "$PY" -m pytest -p no:cacheprovider -q "$HERE/tests")

# 3. `pip install bindings/python` over the installed wheel (the README's way), which must
#    leave nothing in the package's directory
log "pip install bindings/python over the installed wheel"
BEFORE=$(git -C "$HERE" status --porcelain --ignored -- . | sort)
"$PY" -m pip install -q --force-reinstall --no-deps "$HERE"
AFTER=$(git -C "$HERE" status --porcelain --ignored -- . | sort)
[ "$BEFORE" = "$AFTER" ] || { log "pip install left files in $HERE:"; diff <(echo "$BEFORE") <(echo "$AFTER") >&2; exit 1; }
(cd "$TMP" && "$PY" -c 'import libimap, os; assert "site-packages" in libimap.__file__; print("libimap", libimap.__version__)')

# 4. imaplib's documentation example, outside the repository, on user2's INBOX (user1's is
#    left as seeded for the other suites): three messages appended for it, removed afterwards
log "imaplib's documentation example with import libimap as imaplib"
cp "$HERE/examples/doc_example.py" "$TMP/example.py"
MARK="doc-example-$$-$RANDOM"
export IMAP_HOST=$DOVECOT_HOST IMAP_PORT=$DOVECOT_IMAP_PORT IMAP_USER=user2 IMAP_PASSWORD=pass2
seed() {
  (cd "$TMP" && "$PY" - "$1" "$MARK" <<'PY'
import os, sys
import libimap
what, mark = sys.argv[1], sys.argv[2]
M = libimap.IMAP4(os.environ["IMAP_HOST"], int(os.environ["IMAP_PORT"]))
M.login(os.environ["IMAP_USER"], os.environ["IMAP_PASSWORD"])
if what == "add":
    for i in range(3):
        M.append("INBOX", None, None, f"Subject: {mark} {i}\n\nbody {i}\n".encode())
else:
    M.select()
    typ, data = M.search(None, "SUBJECT", mark)
    if data[0]:
        M.store(data[0].decode().replace(" ", ","), "+FLAGS.SILENT", "\\Deleted")
        M.expunge()
M.logout()
PY
  )
}
seed add
trap 'seed remove || true; rm -rf "$TMP"' EXIT
(cd "$TMP" && "$PY" example.py) >"$TMP/example.out"
for i in 0 1 2; do
  grep -q "Subject: $MARK $i" "$TMP/example.out" || { log "the example did not print message $i"; exit 1; }
done
log "the example printed $(grep -c '^Message ' "$TMP/example.out") messages"

# 5. CPython's own test_imaplib against the package (the running interpreter's suite)
if [ -f "$HERE/tests/cpython/run_test_imaplib.py" ]; then
  log "CPython's test_imaplib with imaplib replaced by libimap"
  (cd "$TMP" && "$PY" "$HERE/tests/cpython/run_test_imaplib.py")
fi
log "ok"
