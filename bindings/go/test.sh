#!/usr/bin/env bash
# Tests of the Go binding: builds libimap if needed, starts (or reuses) the shared test
# Dovecot, then runs gofmt, the check that the generated code is current, go vet and
# go test -race, then the package test (tests/package/go/run.sh: the module fetched by its
# path into a fresh module, built against a cmake-installed libimap). Exits non-zero on any
# failure.
# The Dovecot is shared with other suites and is never stopped here.
#   bash bindings/go/test.sh [extra go test flags, e.g. -run TestTrace -v]
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
step() { printf '\n== go binding: %s\n' "$*" >&2; }

command -v go >/dev/null || { echo "go binding: go is not installed" >&2; exit 1; }
# No third-party modules: nothing may come from the network. The tests build in the in-tree
# development mode (-tags imap_intree: include/ and target/release, no installed libimap);
# the package test at the end builds the default way, against an installed libimap.
export GOPROXY=off GOTOOLCHAIN=local CGO_ENABLED=1 GOFLAGS=-tags=imap_intree
# go's build cache does not notice a change of a header outside the package directory
# (include/imap.h): its hash in CGO_CFLAGS, which is part of the cache key, makes it.
export CGO_CFLAGS="${CGO_CFLAGS:--O2 -g} -DLIBIMAP_HEADER_SHA256=$(sha256sum "$ROOT/include/imap.h" | cut -c1-16)"

step "cargo build --release"
if [ -n "${CARGO_TARGET_DIR:-}" ] && [ "$CARGO_TARGET_DIR" != "$ROOT/target" ]; then
  # The binding links $ROOT/target/release (cgo directives cannot read the environment).
  echo "go binding: CARGO_TARGET_DIR=$CARGO_TARGET_DIR is ignored; building into $ROOT/target" >&2
fi
(cd "$ROOT" && CARGO_TARGET_DIR="$ROOT/target" cargo build --release)
# _solib/libimap.so.1 (committed symlink) -> target/release/libimap.so, the SONAME the loader wants.
[ -e "$HERE/_solib/libimap.so.1" ] || { echo "go binding: $HERE/_solib/libimap.so.1 is missing or dangling" >&2; exit 1; }

step "test Dovecot"
bash "$ROOT/tests/server/test-dovecot.sh" start >/dev/null

cd "$HERE"
step "gofmt"
unformatted=$(gofmt -l .)
if [ -n "$unformatted" ]; then echo "gofmt -l: $unformatted" >&2; exit 1; fi
step "generated code is current (*_gen.go from include/imap.h; fix: go generate)"
go test -count=1 ./internal/gen
step "go vet ./..."
go vet ./...
step "go test -race -count=1 ./..."
go test -race -count=1 "$@" ./...
# The race detector's memory grows as a run goes on: the constant-memory test's RSS bound is
# checked without it (the 100 MiB AppendReader's too).
step "go test -count=1 -run 'TestFetchEachBigMailbox|TestAppendReader100MB' (no race detector)"
go test -count=1 -run '^(TestFetchEachBigMailbox|TestAppendReader100MB)$' .
step "package test: cmake --install, go get from a module proxy, pkg-config, vendor, no cgo"
bash "$ROOT/tests/package/go/run.sh"
step "all tests passed"
