#!/bin/sh
# check.sh DOXYGEN DOXYFILE HEADER MAINPAGE: builds the C API documentation (ctest's `docs`
# test; `cmake --build BUILD --target docs` is the same build) and fails on
#   - any Doxygen warning (the Doxyfile has WARN_AS_ERROR = FAIL_ON_WARNINGS; the warnings are
#     counted and shown),
#   - a function of the header that the main page's "Functions by group" does not name (a new
#     function must be put in a group),
#   - a main page whose function names Doxygen did not turn into links.
set -eu
doxygen=$1 doxyfile=$2 header=$3 mainpage=$4
out=$(sed -n 's/^OUTPUT_DIRECTORY *= *//p' "$doxyfile")
log=$(mktemp)
trap 'rm -f "$log"' EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

rm -rf "$out/html"
status=0
"$doxygen" "$doxyfile" 2>"$log" || status=$?
warnings=$(grep -c . "$log" || true)
cat "$log" >&2
echo "doxygen: exit status $status, $warnings warning line(s)"
[ "$status" -eq 0 ] && [ "$warnings" -eq 0 ] || fail "doxygen warnings (see above)"
[ -f "$out/html/index.html" ] || fail "no $out/html/index.html"

# Every function declared in the header (outside comments) is named on the main page.
functions=$(grep -vE '^[[:space:]]*(\*|/\*)' "$header" | grep -oE '[ *]imap_[a-z0-9_]+\(' |
  tr -d ' *(' | sort -u)
missing=""
for f in $functions; do
  grep -q "$f()" "$mainpage" || missing="$missing $f"
done
[ -z "$missing" ] || fail "functions in no group of $mainpage:$missing"
echo "main page: all $(echo "$functions" | wc -l) functions of $(basename "$header") are in a group"

# ... and each of them is a link into the header's page.
for f in $functions; do
  grep -q "href=\"imap_8h.html#[^\"]*\"[^>]*>$f()</a>" "$out/html/index.html" || missing="$missing $f"
done
[ -z "$missing" ] || fail "not linked from the main page:$missing"
echo "main page: every function name is a link"
