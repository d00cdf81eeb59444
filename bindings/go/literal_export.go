package imap

// A file with //export may only declare in its preamble; the trampoline that calls
// libimapGoLiteral is defined in literal.go.

// #include <stdint.h>
// #include <stddef.h>
import "C"

import "runtime/cgo"

// libimapGoLiteral is the literal callback: the library calls it during a call, on the
// thread making the call; the handle's value is the client's *hooks. It returns 0 to go on,
// 1 to stop the transfer (an error or a panic of the handler, now or earlier and not yet
// taken by the call that failed).
//
//export libimapGoLiteral
func libimapGoLiteral(handle C.uintptr_t, line *C.uint8_t, lineLen C.size_t, size, offset C.uint64_t,
	chunk *C.uint8_t, chunkLen C.size_t) (ret C.int32_t) {
	hk, ok := cgo.Handle(handle).Value().(*hooks)
	if !ok {
		return 1
	}
	hk.mu.Lock()
	fn, stopped := hk.literal, hk.litErr != nil || hk.litPan != nil
	hk.mu.Unlock()
	if fn == nil || stopped {
		return 1
	}
	defer func() {
		if p := recover(); p != nil {
			hk.mu.Lock()
			hk.litPan = p
			hk.mu.Unlock()
			ret = 1
		}
	}()
	err := fn(LiteralChunk{Line: cView(line, lineLen), Size: uint64(size), Offset: uint64(offset),
		Data: cView(chunk, chunkLen)})
	if err != nil {
		hk.mu.Lock()
		hk.litErr = err
		hk.mu.Unlock()
		return 1
	}
	return 0
}
