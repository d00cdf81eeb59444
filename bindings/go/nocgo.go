//go:build !cgo

package imap

// This package is a cgo binding of the C library libimap: it cannot be built with
// CGO_ENABLED=0. The identifier below is undefined on purpose, so that such a build stops with
// a message naming what is missing. Build with CGO_ENABLED=1, a C compiler, and libimap
// installed where pkg-config finds it (imap.pc; see the package documentation).
var _ = libimap_Go_binding_requires_cgo__build_with_CGO_ENABLED_1_and_libimap_installed_for_pkg_config
