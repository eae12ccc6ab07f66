package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// runArena runs the binary's run function in-process against dsn.
func runArena(t *testing.T, dsn string, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string {
		if k == "ARENA_DATABASE_URL" {
			return dsn
		}
		return ""
	}
	err := run(context.Background(), args, getenv, strings.NewReader(""), &out, &errb)
	return out.String() + errb.String(), err
}

func dsnFor(t *testing.T, dialect string) string {
	if dialect == "postgres" {
		return storetest.PostgresDSN(t)
	}
	return storetest.SQLiteDSN(t)
}

const goodOutputs = `{"prompt_id": "p-001", "prompt": "Write a haiku about Go.", "category": "creative", "model": "qwen3-235b", "output": "Gophers dig deep"}
{"prompt_id": "p-001", "prompt": "Write a haiku about Go.", "model": "llama-3.1-8b", "output": "Channels hum softly"}

{"prompt_id": "p-002", "prompt": "2+2?", "category": "math", "model": "qwen3-235b", "output": "4"}
`

func TestImportOutputs(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			dsn := dsnFor(t, d)
			path := writeFile(t, "answers.jsonl", goodOutputs)
			out, err := runArena(t, dsn, "import", "outputs", path)
			if err != nil || !strings.Contains(out, "2 new prompts, 3 new answers") || !strings.Contains(out, "2 new contenders") {
				t.Fatalf("first import: %v\n%s", err, out)
			}
			out, err = runArena(t, dsn, "import", "outputs", path)
			if err != nil || !strings.Contains(out, "0 new prompts, 0 new answers, 0 updated answers, 0 new contenders, 3 unchanged") {
				t.Fatalf("second import should change nothing: %v\n%s", err, out)
			}
			s, err := models.Open(dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			ids, err := s.BankPromptIDs(context.Background())
			if err != nil || len(ids) != 1 {
				t.Fatalf("servable prompts = %v, %v; want p-001 only", ids, err)
			}
			// The file's "creative" is the built-in creative-writing
			// category, not a tab of its own beside it.
			p, _, err := s.PromptAnswers(context.Background(), ids[0])
			if err != nil || !slices.Contains(p.Categories, "creative_writing") || slices.Contains(p.Categories, "creative") {
				t.Errorf("p-001's categories = %v (%v), want creative_writing for the file's \"creative\"", p.Categories, err)
			}
		})
	}
}

func TestImportOutputsBadLines(t *testing.T) {
	// The bad lines follow the 4 lines of goodOutputs, so they start at line 5.
	cases := []struct {
		name, body string
		want       []string
	}{
		{"not json", "{\"prompt_id\": \"p\"\n", []string{":5: not a JSON object"}},
		{"missing fields", `{"prompt_id": "p", "prompt": "x", "model": "m"}` + "\n" + `{"prompt": "x", "model": "m", "output": "o"}`,
			[]string{`:5: "output" is missing`, `:6: "prompt_id" is missing`}},
		{"bad slug", `{"prompt_id": "p", "prompt": "x", "model": "<script>", "output": "o"}`, []string{`:5: model "<script>" is not a valid slug`}},
		{"wrong type", `{"prompt_id": 7, "prompt": "x", "model": "m", "output": "o"}`, []string{`:5: not a JSON object: field "prompt_id" must be a string`}},
		{"duplicate answer", `{"prompt_id": "p", "prompt": "x", "model": "m", "output": "o"}` + "\n" + `{"prompt_id": "p", "prompt": "x", "model": "m", "output": "o2"}`,
			[]string{`:6: second answer of model "m" to prompt "p" (first on line 5)`}},
		{"same id other text", `{"prompt_id": "p", "prompt": "x", "model": "m", "output": "o"}` + "\n" + `{"prompt_id": "p", "prompt": "y", "model": "n", "output": "o"}`,
			[]string{`:6: prompt_id "p" appears earlier with a different prompt text`}},
		{"empty file", "\n\n", []string{"no answers in the file"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dsn := storetest.SQLiteDSN(t)
			path := writeFile(t, "bad.jsonl", goodOutputs+c.body)
			if c.name == "empty file" {
				path = writeFile(t, "bad.jsonl", c.body)
			}
			_, err := runArena(t, dsn, "import", "outputs", path)
			if err == nil {
				t.Fatal("bad file imported without error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			assertEmpty(t, dsn)
		})
	}
}

// assertEmpty checks a refused import left nothing behind.
func assertEmpty(t *testing.T, dsn string) {
	t.Helper()
	s, err := models.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	prompts, answers, err := s.BankSize(context.Background())
	cs, _ := s.Contenders(context.Background())
	if err != nil || prompts != 0 || answers != 0 || len(cs) != 0 {
		t.Errorf("a refused import stored %d prompts, %d answers, %d contenders", prompts, answers, len(cs))
	}
}

func TestImportContenders(t *testing.T) {
	dsn := storetest.SQLiteDSN(t)
	good := `[
  {"slug": "qwen3-235b", "display_name": "Qwen3 235B", "organization": "Alibaba", "country": "CN",
   "license": "apache-2.0", "open_weights": true, "aliases": ["Qwen", " "]},
  {"slug": "llama-3.1-8b", "organization": "Meta"}
]`
	path := writeFile(t, "contenders.json", good)
	out, err := runArena(t, dsn, "import", "contenders", path)
	if err != nil || !strings.Contains(out, "2 new, 0 updated, 0 unchanged") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	out, err = runArena(t, dsn, "import", "contenders", path)
	if err != nil || !strings.Contains(out, "0 new, 0 updated, 2 unchanged") {
		t.Fatalf("second import: %v\n%s", err, out)
	}
	bad := []struct{ body, want string }{
		{`{"slug": "x"}`, ":1: the file must be a JSON array"},
		{"[\n {\"slug\": \"ok\"},\n {\"slug\": \"bad slug\"}\n]", `:3: slug "bad slug" is not valid`},
		{"[\n {\"slug\": \"a\"},\n {\"slug\": \"a\"}\n]", `:3: slug "a" appears twice (first on line 2)`},
		{"[\n {\"slug\": \"a\", \"colour\": 1}\n]", `:2: json: unknown field "colour"`},
		{"[\n {\"slug\": \"a\"}", `:2: the array is not closed`},
	}
	for _, b := range bad {
		fresh := storetest.SQLiteDSN(t)
		_, err := runArena(t, fresh, "import", "contenders", writeFile(t, "c.json", b.body))
		if err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("import of %q: error %v, want %q", b.body, err, b.want)
		}
		assertEmpty(t, fresh)
	}
}

func TestImportUsageErrors(t *testing.T) {
	dsn := storetest.SQLiteDSN(t)
	for _, args := range [][]string{
		{"import"}, {"import", "outputs"}, {"import", "widgets", "f"}, {"import", "outputs", "/no/such/file.jsonl"},
	} {
		if _, err := runArena(t, dsn, args...); err == nil {
			t.Errorf("arena %v succeeded", args)
		}
	}
	if _, err := runArena(t, dsn, "frobnicate"); err == nil || !strings.Contains(err.Error(), "unknown command") {
		t.Errorf("unknown command: %v", err)
	}
}

func FuzzParseOutputs(f *testing.F) {
	f.Add(goodOutputs)
	f.Add(`{"prompt_id": "p", "prompt": "x", "model": "m", "output": "o"}`)
	f.Add("{\"prompt_id\": \"\u0000\"}\n\n[]")
	f.Fuzz(func(t *testing.T, body string) {
		rows, err := parseOutputs("f.jsonl", strings.NewReader(body))
		if err == nil && len(rows) == 0 {
			t.Fatal("no error and no rows")
		}
		for _, r := range rows {
			if checkOutput(r) != "" {
				t.Fatalf("accepted an invalid row %+v", r)
			}
		}
	})
}

func FuzzParseContenders(f *testing.F) {
	f.Add(`[{"slug": "a", "aliases": ["x"]}]`)
	f.Add(`[`)
	f.Fuzz(func(t *testing.T, body string) {
		cs, err := parseContenders("c.json", []byte(body))
		if err != nil {
			return
		}
		for _, c := range cs {
			if !slugPattern.MatchString(c.Slug) || c.DisplayName == "" {
				t.Fatalf("accepted an invalid contender %+v", c)
			}
		}
	})
}
