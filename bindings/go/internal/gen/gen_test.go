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

// TestGeneratedIsCurrent fails when parsed_gen.go or commands_gen.go is not what the
// generator makes of include/imap.h and its tables today: run `go generate` in bindings/go.
func TestGeneratedIsCurrent(t *testing.T) {
	src := readHeaderFile(t)
	for name, gen := range map[string]func([]byte) ([]byte, error){"parsed_gen.go": generate, "commands_gen.go": generateCommands} {
		want, err := gen(src)
		if err != nil {
			t.Fatal(err)
		}
		have, err := os.ReadFile("../../" + name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(have, want) {
			t.Errorf("bindings/go/%s is stale: run `go generate` in bindings/go", name)
		}
	}
}

// A command's Go parameters follow its C prototype; a parameter with no Go form, or a
// rename naming no parameter, is an error.
func TestCommandFromPrototype(t *testing.T) {
	saved := commands
	defer func() { commands = saved }()
	proto := "imap_code imap_frob(struct imap_client *client, const char *mailbox, int32_t deep, " +
		"const char *const *search_criteria, size_t ncriteria, struct imap_result **out);\n"
	commands = []command{{"Frob", "frob", "mailbox? search_criteria=criteria", "Frob sends FROB."}}
	out, err := generateCommands([]byte(proto))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"func (c *Client) Frob(ctx context.Context, mailbox string, deep bool, criteria ...string) (*Result, error) {",
		"p0 := a.opt(mailbox)", "p2, n2 := a.list(criteria)", `c.cmd(ctx, "FROB", &a,`, "return C.imap_frob(h, p0, cbool(deep), p2, n2, out)"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("generated command lacks %q:\n%s", want, out)
		}
	}
	if _, err := generateCommands([]byte(strings.Replace(proto, "int32_t deep", "double deep", 1))); err == nil ||
		!strings.Contains(err.Error(), `no Go form for parameter "double deep"`) {
		t.Errorf("a double parameter must be refused, got %v", err)
	}
	// Error.Op is the C name's first word: imap_frob_auto reports FROB.
	commands[0].cfn = "frob_auto"
	out, err = generateCommands([]byte(strings.Replace(proto, "imap_frob(", "imap_frob_auto(", 1)))
	if err != nil || !strings.Contains(string(out), `c.cmd(ctx, "FROB", &a,`) ||
		!strings.Contains(string(out), "return C.imap_frob_auto(h, ") {
		t.Errorf("imap_frob_auto: %v\n%s", err, out)
	}
	commands[0].cfn = "frob"
	commands[0].params = "mailbox? criteria=x"
	if _, err := generateCommands([]byte(proto)); err == nil || !strings.Contains(err.Error(), "renames name no parameter") {
		t.Errorf("a rename of no parameter must be refused, got %v", err)
	}
}

// A field appended to a struct in the header reaches Go with no change to the generator.
func TestAppendedFieldIsMirrored(t *testing.T) {
	src := string(readHeaderFile(t))
	const last = "  struct imap_bytes thread_id;\n} imap_fetch_message;"
	if !strings.Contains(src, last) {
		t.Fatal("imap_fetch_message no longer ends with thread_id; update this test")
	}
	src = strings.Replace(src, last, "  struct imap_bytes thread_id;\n  /**\n   * SAVEDATE (RFC 8514).\n   */\n"+
		"  int32_t has_save_date;\n  int64_t save_date;\n  struct imap_bytes preview;\n} imap_fetch_message;", 1)
	out, err := generate([]byte(src))
	if err == nil || !strings.Contains(err.Error(), "save_date: no Go form for C type int64_t") {
		t.Fatalf("an int64_t without a rule must be refused, got %v", err)
	}
	src = strings.Replace(src, "int64_t save_date", "uint64_t save_date", 1)
	if out, err = generate([]byte(src)); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`// SAVEDATE \(RFC 8514\)\.\n\tHasSaveDate +bool\n`, `\tSaveDate +uint64\n`, `\tPreview +string\n`,
		`g\.HasSaveDate = c\.has_save_date != 0\n`, `g\.SaveDate = uint64\(c\.save_date\)\n`, `g\.Preview = bstr\(c\.preview\)\n`} {
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

// A struct array whose element has no Go mirror is an error naming the field.
func TestUnmirroredStructIsRefused(t *testing.T) {
	src := strings.Replace(string(readHeaderFile(t)), "  struct imap_bytes thread_id;\n} imap_fetch_message;",
		"  struct imap_bytes thread_id;\n  const struct imap_thread_node *const *threads;\n  size_t thread_count;\n} imap_fetch_message;", 1)
	if _, err := generate([]byte(src)); err == nil || !strings.Contains(err.Error(), "imap_fetch_message.threads: no Go mirror for struct imap_thread_node") {
		t.Fatalf("want an error naming the field, got %v", err)
	}
}
