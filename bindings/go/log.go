package imap

// A file with //export may only declare in its preamble; the trampoline that calls
// libimapGoLog is defined in client.go.

// #include <stdint.h>
import "C"

import (
	"context"
	"runtime/cgo"
)

// libimapGoLog is the log callback: the library calls it during a call, on the thread
// making the call; the handle's value is the client's *hooks.
//
//export libimapGoLog
func libimapGoLog(handle C.uintptr_t, level C.int32_t, message *C.char) {
	hk, ok := cgo.Handle(handle).Value().(*hooks)
	if !ok {
		return
	}
	hk.mu.Lock()
	l := hk.logger
	hk.mu.Unlock()
	if l == nil || level < 1 || int(level) >= len(slogLevels) {
		return
	}
	defer func() { _ = recover() }()
	l.Log(context.Background(), slogLevels[level], C.GoString(message))
}
