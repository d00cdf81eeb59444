package imap

// A file with //export may only declare in its preamble; the trampoline that calls
// libimapGoSASL is defined in auth.go.

// #include <stdint.h>
// #include <stdlib.h>
// #include <string.h>
import "C"

import (
	"runtime/cgo"
	"unsafe"
)

// saslState is one Authenticate call's callback and what it left behind.
type saslState struct {
	fn       SASLFunc
	response unsafe.Pointer // C copy of the last response, freed at the next callback or after the call
	err      error          // the callback's error: the exchange was aborted
	panicked any            // a panic of fn, re-raised after the C call returns
}

// freeResponse releases the C copy of the last response.
func (st *saslState) freeResponse() {
	if st.response != nil {
		C.free(st.response)
		st.response = nil
	}
}

// libimapGoSASL is imap_authenticate's callback. The library calls it on the thread making
// the call, during the call, so it runs on the calling goroutine; the handle's value is the
// call's *saslState. It returns 0 with the response in C memory (valid until the next
// callback or the end of the call), or 1 to abort the exchange.
//
//export libimapGoSASL
func libimapGoSASL(handle C.uintptr_t, challenge *C.uint8_t, challengeLen C.size_t,
	response **C.uint8_t, responseLen *C.size_t) (ret C.int32_t) {
	st, ok := cgo.Handle(handle).Value().(*saslState)
	if !ok {
		return 1
	}
	st.freeResponse()
	if st.err != nil || st.panicked != nil {
		return 1
	}
	defer func() {
		if p := recover(); p != nil {
			st.panicked = p
			ret = 1
		}
	}()
	ch := goBytes(challenge, challengeLen)
	if ch == nil {
		ch = []byte{}
	}
	resp, err := st.fn(ch)
	if err != nil {
		st.err = err
		return 1
	}
	// One byte more than needed, so that an empty response is a valid non-NULL pointer.
	p := C.malloc(C.size_t(len(resp) + 1))
	if len(resp) > 0 {
		C.memcpy(p, unsafe.Pointer(&resp[0]), C.size_t(len(resp)))
	}
	st.response = p
	*response = (*C.uint8_t)(p)
	*responseLen = C.size_t(len(resp))
	return 0
}
