#!/bin/sh
# asan.sh SOURCE_DIR BUILD_DIR [CMAKE_ARGS...]: configures BUILD_DIR with IMAP_ASAN=ON (the C
# tests and examples built with -fsanitize=address,undefined against the normal Rust library),
# builds it and runs its ctest suite: the C tests and the example tests, without valgrind.
set -eu
src=$1
build=$2
shift 2
cmake -S "$src" -B "$build" -DIMAP_ASAN=ON "$@" >/dev/null
cmake --build "$build" -j2 >/dev/null
cd "$build"
ctest --output-on-failure -j2
