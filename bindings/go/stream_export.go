package imap

// A file with //export may only declare in its preamble; the trampolines that call these
// functions are defined in stream.go.

// #include <stdint.h>
// #include <stddef.h>
import "C"

import (
	"runtime/cgo"
	"unsafe"
)

// libimapGoRead is AppendReader's read callback (imap_read_fn); the handle's value is the
// call's *appendSource.
//
//export libimapGoRead
func libimapGoRead(handle C.uintptr_t, buf *C.uint8_t, n C.size_t) C.int64_t {
	src, ok := cgo.Handle(handle).Value().(*appendSource)
	if !ok || buf == nil {
		return -1
	}
	if n == 0 {
		return 0
	}
	return C.int64_t(readSource(src, unsafe.Slice((*byte)(unsafe.Pointer(buf)), int(n))))
}

// libimapGoProgress is the progress callback; the handle's value is the client's *hooks.
//
//export libimapGoProgress
func libimapGoProgress(handle C.uintptr_t, way C.int32_t, done, total C.uint64_t) {
	hk, ok := cgo.Handle(handle).Value().(*hooks)
	if !ok {
		return
	}
	hk.mu.Lock()
	fn := hk.progress
	hk.mu.Unlock()
	if fn == nil {
		return
	}
	defer func() { _ = recover() }()
	fn(Progress{Way: Transfer(way), Done: uint64(done), Total: uint64(total)})
}
