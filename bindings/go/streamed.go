package imap

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"reflect"
	"strconv"
)

// Streamed literals and the parsers.
//
// A streamed literal's bytes are gone, and imap_result_new (which every Parse method goes
// through) cannot express "a literal of n bytes that was streamed". So ParseFetch hands each
// streamed literal to the parser as a unique stand-in ("mark"), then turns a Section whose
// Data is a mark back into Streamed/StreamedSize, and strips marks that landed elsewhere (a
// string of an envelope or body structure streamed because of a very small minSize): those
// come back empty. The other Parse methods get empty stand-ins.

// streamMarks makes a mark for every streamed literal of r: by item index, and by mark
// with the literal's size. nil when nothing was streamed.
func (r *Result) streamMarks() (byIndex map[int][]byte, sizes map[string]uint64, prefix []byte) {
	if r == nil {
		return nil, nil, nil
	}
	for i, it := range r.Data {
		if it.Kind != ItemLiteral || !it.Streamed {
			continue
		}
		if byIndex == nil {
			var nonce [8]byte
			_, _ = rand.Read(nonce[:])
			prefix = []byte("\x00libimap-go-streamed-" + hex.EncodeToString(nonce[:]) + "-")
			byIndex, sizes = map[int][]byte{}, map[string]uint64{}
		}
		m := append(append(bytes.Clone(prefix), strconv.Itoa(i)...), 0)
		byIndex[i], sizes[string(m)] = m, it.Size
	}
	return byIndex, sizes, prefix
}

// stripMarks removes every mark (prefix, index, NUL) from b; b itself when there is none.
func stripMarks(b, prefix []byte) []byte {
	if !bytes.Contains(b, prefix) {
		return b
	}
	out := make([]byte, 0, len(b))
	for {
		i := bytes.Index(b, prefix)
		if i < 0 {
			return append(out, b...)
		}
		out = append(out, b[:i]...)
		rest := b[i+len(prefix):]
		end := bytes.IndexByte(rest, 0)
		if end < 0 {
			return out
		}
		b = rest[end+1:]
	}
}

var sectionType = reflect.TypeOf(Section{})

// unmark walks v (settable), restoring the Sections whose Data is a mark and stripping the
// marks anywhere else.
func unmark(v reflect.Value, sizes map[string]uint64, prefix []byte) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			e := v.Elem()
			if v.Kind() == reflect.Interface {
				if e.Kind() != reflect.Pointer || e.IsNil() {
					return
				}
				e = e.Elem()
			}
			unmark(e, sizes, prefix)
		}
	case reflect.Struct:
		if v.Type() == sectionType {
			s := v.Addr().Interface().(*Section)
			if size, ok := sizes[string(s.Data)]; ok && s.Data != nil {
				s.Data, s.Streamed, s.StreamedSize = nil, true, size
			}
		}
		for i := 0; i < v.NumField(); i++ {
			if f := v.Field(i); f.CanSet() {
				unmark(f, sizes, prefix)
			}
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			if b := v.Bytes(); b != nil {
				v.SetBytes(stripMarks(b, prefix))
			}
			return
		}
		for i := 0; i < v.Len(); i++ {
			unmark(v.Index(i), sizes, prefix)
		}
	case reflect.String:
		if s := v.String(); len(s) >= len(prefix) {
			v.SetString(string(stripMarks([]byte(s), prefix)))
		}
	}
}
