//go:build !imap_intree

package imap

// The default build links an installed libimap: pkg-config finds imap.pc (installed by
// `cmake --install`; set PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig for a prefix pkg-config does
// not search). imap.pc carries no rpath: for a prefix outside the loader's default paths add
// CGO_LDFLAGS=-Wl,-rpath,$PREFIX/lib, or set LD_LIBRARY_PATH at run time. In this
// repository, -tags imap_intree builds against include/ and target/release instead.

// #cgo pkg-config: imap
import "C"
