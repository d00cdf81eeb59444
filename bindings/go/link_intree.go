//go:build imap_intree

package imap

// In-repository development build (-tags imap_intree): the header from include/ and the
// library cargo builds in target/release. The loader looks for the SONAME libimap.so.1,
// which cargo does not create; _solib/libimap.so.1 is a committed symlink to
// ../../../target/release/libimap.so, so the first rpath entry finds it. Without the tag the
// package links an installed libimap through pkg-config (link_pkgconfig.go).

// #cgo CFLAGS: -I${SRCDIR}/../../include
// #cgo LDFLAGS: -L${SRCDIR}/../../target/release -limap -Wl,-rpath,${SRCDIR}/_solib -Wl,-rpath,${SRCDIR}/../../target/release
import "C"
