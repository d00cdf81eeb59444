//go:build imap_pkgconfig

package imap

// Installed library: pkg-config finds imap.pc (set PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig for a
// non-standard prefix). imap.pc carries no rpath: outside the loader's default paths, add
// CGO_LDFLAGS=-Wl,-rpath,$PREFIX/lib or set LD_LIBRARY_PATH at run time.

// #cgo pkg-config: imap
import "C"
