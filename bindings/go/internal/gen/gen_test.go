package main

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"
)

func readHeaderFile(t *testing.T) []byte {
	t.Helper()
	src, err := os.ReadFile("../../../../include/imap.h")
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// TestGeneratedIsCurrent fails when parsed_gen.go is not what the generator makes of
// include/imap.h today: run `go generate` in bindings/go.
func TestGeneratedIsCurrent(t *testing.T) {
	want, err := generate(readHeaderFile(t))
	if err != nil {
		t.Fatal(err)
	}
	have, err := os.ReadFile("../../parsed_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(have, want) {
		t.Fatal("bindings/go/parsed_gen.go is stale: run `go generate` in bindings/go")
	}
}

// A field appended to a struct in the header reaches Go with no change to the generator.
func TestAppendedFieldIsMirrored(t *testing.T) {
	src := string(readHeaderFile(t))
	const last = "  uint32_t quirks;\n} imap_fetch_message;"
	if !strings.Contains(src, last) {
		t.Fatal("imap_fetch_message no longer ends with quirks; update this test")
	}
	src = strings.Replace(src, last, "  uint32_t quirks;\n  /**\n   * SAVEDATE (RFC 8514).\n   */\n"+
		"  int32_t has_save_date;\n  int64_t save_date;\n  struct imap_bytes email_id;\n} imap_fetch_message;", 1)
	out, err := generate([]byte(src))
	if err == nil || !strings.Contains(err.Error(), "save_date: no Go form for C type int64_t") {
		t.Fatalf("an int64_t without a rule must be refused, got %v", err)
	}
	src = strings.Replace(src, "int64_t save_date", "uint64_t save_date", 1)
	if out, err = generate([]byte(src)); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`// SAVEDATE \(RFC 8514\)\.\n\tHasSaveDate +bool\n`, `\tSaveDate +uint64\n`, `\tEmailID +string\n`,
		`g\.HasSaveDate = c\.has_save_date != 0\n`, `g\.SaveDate = uint64\(c\.save_date\)\n`, `g\.EmailID = bstr\(c\.email_id\)\n`} {
		if !regexp.MustCompile(want).Match(out) {
			t.Errorf("generated code lacks %s", want)
		}
	}
}

// A rule for a field the header does not have is an error, not silently ignored.
func TestRuleForMissingFieldIsRefused(t *testing.T) {
	src := strings.Replace(string(readHeaderFile(t)), "  struct imap_bytes md5;\n", "", 1)
	mirrors["imap_body_part"] = func(m mirror) mirror { m.fields += " md5=Digest"; return m }(mirrors["imap_body_part"])
	defer func() {
		m := mirrors["imap_body_part"]
		m.fields = strings.TrimSuffix(m.fields, " md5=Digest")
		mirrors["imap_body_part"] = m
	}()
	if _, err := generate([]byte(src)); err == nil || !strings.Contains(err.Error(), "md5 names no field") {
		t.Fatalf("want an error naming md5, got %v", err)
	}
}
