package imap

// A file with //export may only declare in its preamble; the trampoline that calls
// libimapGoLiteral is defined in literal.go.

// #include <stdint.h>
// #include <stddef.h>
import "C"

import (
	"runtime/cgo"
	"unsafe"
)

// literalState is the client's literal handler and what its calls left behind.
type literalState struct {
	fn       LiteralFunc
	err      error // the handler's error that stopped the transfer, until the call returns
	panicked any   // a panic of fn, re-raised after the C call returns
}

// cView is a view of n bytes of C memory at p (no copy): an empty non-nil slice for n == 0.
func cView(p *C.uint8_t, n C.size_t) []byte {
	if p == nil || n == 0 {
		return []byte{}
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(p)), int(n))
}

// libimapGoLiteral is the literal callback. The library calls it on the thread making the
// call, during the call, so it runs on the calling goroutine; the handle's value is the
// client's *literalState. It returns 0 to go on, 1 to stop the transfer (an error or a
// panic of the handler, now or earlier in the same call).
//
//export libimapGoLiteral
func libimapGoLiteral(handle C.uintptr_t, line *C.uint8_t, lineLen C.size_t, size, offset C.uint64_t,
	chunk *C.uint8_t, chunkLen C.size_t) (ret C.int32_t) {
	ls, ok := cgo.Handle(handle).Value().(*literalState)
	if !ok || ls.err != nil || ls.panicked != nil {
		return 1
	}
	defer func() {
		if p := recover(); p != nil {
			ls.panicked = p
			ret = 1
		}
	}()
	err := ls.fn(LiteralChunk{
		Line:   cView(line, lineLen),
		Size:   uint64(size),
		Offset: uint64(offset),
		Data:   cView(chunk, chunkLen),
	})
	if err != nil {
		ls.err = err
		return 1
	}
	return 0
}
