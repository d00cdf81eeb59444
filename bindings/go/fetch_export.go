package imap

// A file with //export may only declare in its preamble; the trampoline that calls
// libimapGoFetchMessage is defined in pipeline.go.

// #include <stdint.h>
// #include "imap.h"
import "C"

import "runtime/cgo"

// libimapGoFetchMessage is the imap_fetch_each callback of FetchAll: the library calls it
// during the call, on its thread, with a message's parsed view (valid during the callback);
// the handle's value is the *collector. It returns 0 to go on, 1 to stop (a panic, kept for
// the caller to re-raise).
//
//export libimapGoFetchMessage
func libimapGoFetchMessage(handle C.uintptr_t, msg *C.imap_fetch_message) (ret C.int32_t) {
	col, ok := cgo.Handle(handle).Value().(*collector)
	if !ok {
		return 1
	}
	defer func() {
		if p := recover(); p != nil {
			col.panicked = p
			ret = 1
		}
	}()
	col.add(msg)
	return 0
}
