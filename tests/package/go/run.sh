#!/usr/bin/env bash
# Package test of the Go binding, as a Go programmer outside this repository would use it:
#   1. cmake -S . -B TMP/build, cmake --build, cmake --install into a temporary prefix;
#   2. a file-based module proxy (GOPROXY=file://TMP/proxy, nothing from the network) serving
#      the module github.com/libimap/libimap/bindings/go at the library's version
#      (modzip/main.go makes @v/list, .info, .mod and .zip from bindings/go);
#   3. a fresh module TMP/app (consumer/main.go) that `go get`s the binding by its path, builds
#      the default way (pkg-config, PKG_CONFIG_PATH=PREFIX/lib/pkgconfig) and runs against the
#      test Dovecot (login, select, fetch); `go doc` reads the package;
#   4. `go mod vendor`, then `go build -mod=vendor` and a run of that binary;
#   5. CGO_ENABLED=0 go build fails, naming cgo and libimap.
# Starts (or reuses) the test Dovecot of IMAPSRV_DIR/DOVECOT_IMAP_PORT (never stops it).
# Everything goes to one temporary directory, removed at the end (module cache included).
#   bash tests/package/go/run.sh
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
mod=github.com/libimap/libimap/bindings/go
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT

step() { printf '\n== go package: %s\n' "$*" >&2; }
fail() {
  echo "go package: FAIL: $*" >&2
  exit 1
}

bash "$root/tests/server/test-dovecot.sh" start >"$tmp/dovecot.env"
. "$tmp/dovecot.env"
run_app() { "$1" "$DOVECOT_HOST" "$DOVECOT_IMAP_PORT" user1 pass1; }

step "cmake build and install into a temporary prefix"
cmake -S "$root" -B "$tmp/build" -DBUILD_TESTING=OFF >"$tmp/cmake.log" 2>&1 ||
  { cat "$tmp/cmake.log"; fail "cmake configure"; }
cmake --build "$tmp/build" >>"$tmp/cmake.log" 2>&1 || { cat "$tmp/cmake.log"; fail "cmake --build"; }
cmake --install "$tmp/build" --prefix "$tmp/prefix" >/dev/null
rm -rf "$tmp/build"
prefix=$tmp/prefix
version=v$(sed -n 's/^Version: //p' "$prefix/lib/pkgconfig/imap.pc")

# Only the proxy below; no VCS, no checksum database, the module cache in $tmp; no tag of the
# in-tree development mode (test.sh sets GOFLAGS=-tags=imap_intree).
export GOPROXY=file://$tmp/proxy GOSUMDB=off GOVCS=off GOTOOLCHAIN=local GOFLAGS=-modcacherw
export GOMODCACHE=$tmp/gomodcache GOPATH=$tmp/gopath GOENV=off GOWORK=off CGO_ENABLED=1
unset CGO_CFLAGS CGO_LDFLAGS GOPRIVATE GONOPROXY GONOSUMDB
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
# imap.pc carries no rpath: a prefix outside the loader's paths needs one.
rpath=(-ldflags "-extldflags=-Wl,-rpath,$prefix/lib")

step "module proxy: $mod@$version"
go run "$here/modzip/main.go" "$tmp/proxy" "$root/bindings/go" "$version"

step "fresh module: go get $mod@$version, go build (pkg-config), run"
mkdir "$tmp/app"
cp "$here/consumer/main.go" "$tmp/app/"
cd "$tmp/app"
go mod init example.com/app >/dev/null 2>&1
go get "$mod@$version"
grep -q "^require $mod $version" go.mod || { cat go.mod; fail "go.mod does not require $mod $version"; }
go build "${rpath[@]}" -o app .
readelf -d app | grep -q 'NEEDED.*\[libimap.so.1\]' || fail "app does not need libimap.so.1"
readelf -d app | grep -E 'RPATH|RUNPATH' | grep -q "$prefix/lib" || fail "app has no rpath to the prefix"
! readelf -d app | grep -E 'RPATH|RUNPATH' | grep -q "$root" || fail "app's rpath names the repository"
run_app ./app
go doc "$mod" Dial | grep -q '^func Dial' || fail "go doc $mod Dial"

step "go mod vendor, go build -mod=vendor"
go mod vendor
[ -f "vendor/$mod/client.go" ] || fail "vendor/$mod/client.go is missing"
go build -mod=vendor "${rpath[@]}" -o app-vendor .
run_app ./app-vendor

step "CGO_ENABLED=0 go build fails, naming cgo and libimap"
if CGO_ENABLED=0 go build -mod=mod -o app-nocgo . >"$tmp/nocgo.log" 2>&1; then
  fail "CGO_ENABLED=0 go build succeeded"
fi
cat "$tmp/nocgo.log"
grep -q 'requires_cgo.*libimap' "$tmp/nocgo.log" || fail "CGO_ENABLED=0: no message naming cgo and libimap"

step "package test passed"
