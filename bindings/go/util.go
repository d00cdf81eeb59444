package imap

// #include <stdlib.h>
// #include "imap.h"
import "C"

import (
	"fmt"
	"time"
)

func utilError(code C.imap_code, op, msg string) error {
	if Code(code) == CodeOK {
		return nil
	}
	return &Error{Code: Code(code), Op: op, Message: msg}
}

// takeString copies and frees a string returned by the library.
func takeString(p *C.char) string {
	if p == nil {
		return ""
	}
	s := C.GoString(p)
	C.imap_string_free(p)
	return s
}

// Int2AP is imaplib's Int2AP(num): the base-16 digits of |num| written with the letters
// A..P (4096 gives "BAAA", 0 gives "").
func Int2AP(num int64) string {
	var out *C.char
	if C.imap_int2ap(C.int64_t(num), &out) != C.IMAP_CODE_OK {
		return ""
	}
	return takeString(out)
}

// ParseFlags is imaplib's ParseFlags(resp): the flags of the last FLAGS (...) (or
// PERMANENTFLAGS (...)) in resp, one element per flag (`\Seen`); nil if there is no flag
// list.
func ParseFlags(resp []byte) [][]byte {
	var out *C.imap_result
	if C.imap_parse_flags(bytesArg(resp), C.size_t(len(resp)), &out) != C.IMAP_CODE_OK {
		return nil
	}
	return newResult(out).Lines()
}

// Internaldate2Tuple is imaplib's Internaldate2tuple(resp): it finds the last
// INTERNALDATE "DD-Mon-YYYY HH:MM:SS +HHMM" in resp and returns that instant in a fixed
// zone at the offset written in the date (so t.Zone() gives the offset, and t's wall clock
// is the date as written; imaplib converts to the process's local zone instead). found is
// false when there is none (imaplib's None). A date of the right shape with an unknown
// month (imaplib's KeyError) or year 0 gives ErrInvalidArgument.
func Internaldate2Tuple(resp []byte) (t time.Time, found bool, err error) {
	var ok C.int32_t
	var utc C.int64_t
	var off C.int32_t
	code := C.imap_internaldate2tuple(bytesArg(resp), C.size_t(len(resp)), &ok, &utc, &off, nil)
	if err := utilError(code, "INTERNALDATE2TUPLE", "not an IMAP date"); err != nil {
		return time.Time{}, false, err
	}
	if ok == 0 {
		return time.Time{}, false, nil
	}
	return time.Unix(int64(utc), 0).In(fixedZone(int(off))), true, nil
}

// fixedZone is a zone named like the IMAP offset ("+0200").
func fixedZone(offset int) *time.Location {
	sign, o := '+', offset
	if o < 0 {
		sign, o = '-', -o
	}
	return time.FixedZone(fmt.Sprintf("%c%02d%02d", sign, o/3600, o/60%60), offset)
}

// Time2Internaldate is imaplib's Time2Internaldate for an instant: t shown at t's own UTC
// offset (imaplib uses the process's local zone; use t.Local() for that). The result is
// quoted, `"18-May-2033 05:33:20 +0200"`, ready for Append. ErrInvalidArgument for an offset
// that is not whole minutes within ±24 hours, or a year outside 1..9999. Sub-second
// precision is dropped.
func Time2Internaldate(t time.Time) (string, error) {
	_, off := t.Zone()
	var out *C.char
	code := C.imap_time2internaldate(C.int64_t(t.Unix()), C.int32_t(off), &out)
	if err := utilError(code, "TIME2INTERNALDATE", "time not representable as an IMAP date"); err != nil {
		return "", err
	}
	return takeString(out), nil
}

// DateTime is a broken-down date and time as written in an IMAP date (imap_tm): Month
// 1..12, Day 1..31, Hour 0..23, Minute and Second 0..59, at OffsetSeconds east of UTC
// (+0200 is 7200). Unlike time.Date, nothing is normalised.
type DateTime struct {
	Year, Month, Day, Hour, Minute, Second int
	OffsetSeconds                          int
}

// Internaldate is imaplib's Time2Internaldate for a time tuple: the quoted IMAP date of d
// taken as the wall-clock time at d.OffsetSeconds. ErrInvalidArgument for an invalid field
// (month 13, 30 February, second 60...), a year outside 1..9999 or an offset that is not
// whole minutes within ±24 hours.
func (d DateTime) Internaldate() (string, error) {
	tm := C.imap_tm{
		year: C.int32_t(d.Year), month: C.int32_t(d.Month), day: C.int32_t(d.Day),
		hour: C.int32_t(d.Hour), minute: C.int32_t(d.Minute), second: C.int32_t(d.Second),
		offset_seconds: C.int32_t(d.OffsetSeconds),
	}
	var out *C.char
	code := C.imap_time2internaldate_tm(&tm, &out)
	if err := utilError(code, "TIME2INTERNALDATE", "invalid date"); err != nil {
		return "", err
	}
	return takeString(out), nil
}

// Version returns the loaded library's version, "MAJOR.MINOR.PATCH".
func Version() string { return C.GoString(C.imap_version()) }

// VersionNumber returns the loaded library's version as MAJOR*10000 + MINOR*100 + PATCH.
func VersionNumber() int { return int(C.imap_version_number()) }

// HeaderVersionNumber is the version of include/imap.h the package was compiled against
// (IMAP_VERSION_NUMBER); compare it with VersionNumber to detect a header/library mismatch.
const HeaderVersionNumber = C.IMAP_VERSION_NUMBER
