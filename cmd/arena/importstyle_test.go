package main

import (
	"context"
	"testing"

	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// TestImportMeasuresStyle checks that imported answers arrive with their
// style counts, so style control needs no later pass over them.
func TestImportMeasuresStyle(t *testing.T) {
	dsn := storetest.SQLiteDSN(t)
	body := `{"prompt_id": "p", "prompt": "Plan?", "model": "m-a", "output": "## Plan\n\n1. **Read**\n- list"}
{"prompt_id": "p", "prompt": "Plan?", "model": "m-b", "output": "Just read."}
`
	if out, err := runArena(t, dsn, "import", "outputs", writeFile(t, "a.jsonl", body)); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	s, err := models.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if pending, err := s.UnmeasuredResponses(ctx, 10); err != nil || len(pending) != 0 {
		t.Errorf("unmeasured after import = %+v, %v", pending, err)
	}
	ids, _ := s.BankPromptIDs(ctx)
	_, answers, err := s.PromptAnswers(ctx, ids[0])
	if err != nil || len(answers) != 2 {
		t.Fatalf("answers = %+v, %v", answers, err)
	}
	want := map[string]models.StyleCounts{
		"m-a": {Tokens: 12, Headers: 1, Lists: 2, Bold: 1},
		"m-b": {Tokens: 3},
	}
	for _, a := range answers {
		if a.Style != want[a.Contender.Slug] {
			t.Errorf("%s: style %+v, want %+v", a.Contender.Slug, a.Style, want[a.Contender.Slug])
		}
	}
}
