package imap

// A file with //export may only declare in its preamble; the trampoline that calls
// libimapGoTrace is defined in client.go.

// #include <stdint.h>
import "C"

import "runtime/cgo"

type traceState struct {
	fn       TraceFunc
	panicked any // a panic of fn, re-raised after the C call returns
}

// libimapGoTrace is the trace callback. The library calls it on the thread making the call,
// during the call, so it runs on the calling goroutine; the handle's value is the
// client's *traceState.
//
//export libimapGoTrace
func libimapGoTrace(handle C.uintptr_t, level C.int32_t, message *C.char) {
	ts, ok := cgo.Handle(handle).Value().(*traceState)
	if !ok || ts.panicked != nil {
		return
	}
	defer func() {
		if p := recover(); p != nil {
			ts.panicked = p
		}
	}()
	ts.fn(int(level), C.GoString(message))
}
