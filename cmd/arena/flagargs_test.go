package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"openarena.dev/arena/models"
)

func TestParseAnywhere(t *testing.T) {
	cases := []struct {
		args    []string
		db      string
		verbose bool
		pos     []string
	}{
		{[]string{"outputs", "f.jsonl", "-db", "x.db"}, "x.db", false, []string{"outputs", "f.jsonl"}},
		{[]string{"-db", "x.db", "outputs", "f.jsonl"}, "x.db", false, []string{"outputs", "f.jsonl"}},
		{[]string{"outputs", "-v", "f.jsonl", "--db=y.db"}, "y.db", true, []string{"outputs", "f.jsonl"}},
		{[]string{"outputs", "--", "-db", "z"}, "", false, []string{"outputs", "-db", "z"}},
		{[]string{"-v"}, "", true, nil},
		{nil, "", false, nil},
	}
	for _, c := range cases {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		db := fs.String("db", "", "")
		v := fs.Bool("v", false, "")
		if err := parseAnywhere(fs, c.args); err != nil {
			t.Errorf("%q: %v", c.args, err)
			continue
		}
		got := []any{*db, *v, fs.Args()}
		want := []any{c.db, c.verbose, c.pos}
		if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b []string) bool { return strings.Join(a, "\x00") == strings.Join(b, "\x00") })); diff != "" {
			t.Errorf("%q: (-want +got)\n%s", c.args, diff)
		}
	}
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if err := parseAnywhere(fs, []string{"a", "-nope"}); err == nil {
		t.Error("an unknown flag after a positional was accepted")
	}
}

// TestFlagsAfterPositionals runs import and export with -db after the
// file and kind, against a database the environment does not name.
func TestFlagsAfterPositionals(t *testing.T) {
	db := filepath.Join(t.TempDir(), "late.db")
	path := writeFile(t, "answers.jsonl", goodOutputs)
	run1 := func(args ...string) string {
		t.Helper()
		var out bytes.Buffer
		err := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(""), &out, &out)
		if err != nil {
			t.Fatalf("arena %q: %v\n%s", args, err, out.String())
		}
		return out.String()
	}
	if out := run1("import", "outputs", path, "-db", db); !strings.Contains(out, "2 new prompts, 3 new answers") {
		t.Fatalf("import with -db last:\n%s", out)
	}
	run1("export", "battles", "--out", filepath.Join(t.TempDir(), "r.json"), "-db", db)
	s, err := models.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if ids, err := s.BankPromptIDs(context.Background()); err != nil || len(ids) != 1 {
		t.Errorf("prompts in %s = %v, %v; want the imported bank", db, ids, err)
	}
}
