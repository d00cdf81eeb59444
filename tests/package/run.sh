#!/usr/bin/env bash
# run.sh BUILD_DIR ENV_FILE: installs libimap from BUILD_DIR into a temporary prefix, moves the
# prefix (the install must be relocatable) and uses it as a C programmer would:
#   1. the files: libimap.so.X.Y.Z (SONAME libimap.so.X) and its links, libimap.a, imap.h,
#      imapConfig.cmake + imapConfigVersion.cmake, imap.pc, the tools bin/imap_shell and
#      bin/save_message (their --help runs from the moved prefix, and they work there: a
#      message saved, then appended again by imap_shell's append command), and the API
#      documentation share/doc/imap/html when BUILD_DIR has built it (ctest runs the `docs`
#      test first);
#   2. consumer/ with find_package(imap CONFIG REQUIRED) and imap::imap, and imap::imap_static
#      (libimap.a with the system libraries it needs, no shell substitution);
#   3. consumer/main.c with `pkg-config --cflags --libs imap` and plain cc;
#   4. the same linked statically against libimap.a (`pkg-config --static`);
#   5. find_package(imap MAJOR+1 CONFIG) must fail: another major version (SameMajorVersion).
# Each program runs against the test Dovecot of ENV_FILE (login, select, noop).
set -euo pipefail
build=$(cd "$1" && pwd)
. "$2"
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc=${CC:-cc}
cflags=(-std=c99 -Wall -Wextra -Werror)

step() { printf '\n== %s\n' "$*"; }
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
run_app() { "$@" "$DOVECOT_HOST" "$DOVECOT_IMAP_PORT" user1 pass1; }

step "install, then move the prefix"
cmake --install "$build" --prefix "$tmp/staging" >/dev/null
mv "$tmp/staging" "$tmp/prefix"
prefix=$tmp/prefix
lib=$prefix/lib
version=$(sed -n 's/^Version: //p' "$lib/pkgconfig/imap.pc")
major=${version%%.*}
for f in "$lib/libimap.so.$version" "$lib/libimap.a" "$prefix/include/imap.h" \
  "$lib/cmake/imap/imapConfig.cmake" "$lib/cmake/imap/imapConfigVersion.cmake"; do
  [ -f "$f" ] && [ ! -L "$f" ] || fail "missing file $f"
done
[ "$(readlink "$lib/libimap.so.$major")" = "libimap.so.$version" ] || fail "libimap.so.$major link"
[ "$(readlink "$lib/libimap.so")" = "libimap.so.$major" ] || fail "libimap.so link"
readelf -d "$lib/libimap.so.$version" | grep -q "SONAME.*\[libimap.so.$major\]" || fail "SONAME"
ls -l "$lib" | sed 1d
for tool in imap_shell save_message; do
  "$prefix/bin/$tool" --help >"$tmp/help" || fail "$prefix/bin/$tool --help"
  grep -q "^usage: $tool" "$tmp/help" || fail "$prefix/bin/$tool --help: no usage line"
  grep -q -- "--progress" "$tmp/help" || fail "$prefix/bin/$tool --help: no --progress"
done
"$prefix/bin/imap_shell" --help | grep -q "^  append MAILBOX FILE" ||
  fail "imap_shell --help does not list the append command"

step "the installed tools against the test Dovecot"
"$prefix/bin/save_message" "$DOVECOT_HOST" "$DOVECOT_IMAP_PORT" user1 pass1 INBOX 1 \
  "$tmp/saved.eml"
box="package-tools-$$"
printf 'login user1 pass1\ncreate %s\nappend %s %s\ndelete %s\nquit\n' "$box" "$box" \
  "$tmp/saved.eml" "$box" |
  "$prefix/bin/imap_shell" --debug 1 "$DOVECOT_HOST" "$DOVECOT_IMAP_PORT" >"$tmp/shell.out" 2>&1 ||
  { cat "$tmp/shell.out"; fail "installed imap_shell"; }
grep "^appended " "$tmp/shell.out" || { cat "$tmp/shell.out"; fail "imap_shell append"; }

docs=$prefix/share/doc/imap/html
if [ -f "$build/docs/html/index.html" ]; then
  step "the API documentation, installed"
  [ -f "$docs/index.html" ] && [ -f "$docs/imap_8h.html" ] || fail "docs not installed in $docs"
  grep -q 'Ownership: who frees what' "$docs/index.html" || fail "main page without ownership"
  grep -q 'href="imap_8h.html#' "$docs/index.html" || fail "main page without links"
  src=$(cd "$here/../.." && pwd)
  ! grep -rlq -e "$build" -e "$src" "$docs" || fail "the installed docs name a build or source path"
  echo "$docs: $(find "$docs" -type f | wc -l) files"
fi

step "CMake: find_package(imap CONFIG REQUIRED), imap::imap and imap::imap_static"
cmake -S "$here/consumer" -B "$tmp/cmake" -DCMAKE_PREFIX_PATH="$prefix" | grep 'found imap'
cmake --build "$tmp/cmake" >/dev/null
readelf -d "$tmp/cmake/app" | grep -q "NEEDED.*\[libimap.so.$major\]" || fail "app needs the SONAME"
run_app "$tmp/cmake/app"
! readelf -d "$tmp/cmake/app_static" | grep -q 'NEEDED.*libimap' ||
  fail "app_static (imap::imap_static) needs libimap.so"
run_app "$tmp/cmake/app_static"

step "pkg-config and cc"
export PKG_CONFIG_PATH=$lib/pkgconfig
[ "$(pkg-config --modversion imap)" = "$version" ] || fail "pkg-config --modversion"
# shellcheck disable=SC2046 # word splitting of pkg-config's flags is intended
$cc "${cflags[@]}" "$here/consumer/main.c" -o "$tmp/app-pc" $(pkg-config --cflags --libs imap) \
  -Wl,-rpath,"$lib"
run_app "$tmp/app-pc"

step "static: pkg-config --static against libimap.a"
libs=$(pkg-config --static --libs imap)
echo "pkg-config --static --libs imap: $libs"
# shellcheck disable=SC2046
$cc "${cflags[@]}" "$here/consumer/main.c" -o "$tmp/app-static" $(pkg-config --cflags imap) \
  ${libs/-limap/-Wl,-Bstatic -limap -Wl,-Bdynamic}
! readelf -d "$tmp/app-static" | grep -q 'NEEDED.*libimap' || fail "app-static needs libimap.so"
run_app "$tmp/app-static"

other=$((major + 1))
step "find_package(imap $other CONFIG) must fail (we are $version)"
if cmake -S "$here/consumer" -B "$tmp/cmake-v1" -DCMAKE_PREFIX_PATH="$prefix" \
  -DIMAP_WANT_VERSION=$other >"$tmp/v1.log" 2>&1; then
  cat "$tmp/v1.log"
  fail "configure asking for imap $other succeeded"
fi
grep -A6 'that is compatible' "$tmp/v1.log" | grep "imapConfig.cmake, version: $version" || {
  cat "$tmp/v1.log"
  fail "configure failed for another reason than the version"
}

step "package test passed"
