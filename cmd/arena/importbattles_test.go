package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// it0 stands for the import time of battles without a tstamp.
var it0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// battleJSON is one good item of a battles file; fields can be replaced.
func battleJSON(id string, repl ...string) string {
	s := `{"question_id": "` + id + `", "model_a": "m-a", "model_b": "m-b", "winner": "model_a", "judge": "arena_user_1",
	"conversation_a": [{"role": "user", "content": "Q?"}, {"role": "assistant", "content": "A1"}],
	"conversation_b": [{"role": "user", "content": "Q?"}, {"role": "assistant", "content": "B1"}],
	"turn": 1, "anony": true, "language": "English", "tstamp": 1700000000.25, "openai_moderation": {"flagged": false}}`
	for i := 0; i+1 < len(repl); i += 2 {
		if !strings.Contains(s, repl[i]) {
			panic("battleJSON: no " + repl[i])
		}
		s = strings.Replace(s, repl[i], repl[i+1], 1)
	}
	return s
}

// storeCounts is what a refused import must leave unchanged.
func storeCounts(t *testing.T, dsn string) string {
	t.Helper()
	ctx := context.Background()
	s, err := openStore(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	votes, counted, err := s.CountVotes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	prompts, answers, err := s.BankSize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := s.Contenders(ctx)
	if err != nil {
		t.Fatal(err)
	}
	void, unvoted, err := s.BattlesWithoutVote(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("votes %d/%d prompts %d answers %d contenders %d battles without vote %d/%d", votes, counted, prompts, answers, len(cs), void, unvoted)
}

func TestImportBattlesBadFiles(t *testing.T) {
	good := battleJSON("good-1")
	cases := []struct {
		name, body string
		want       []string
	}{
		{"not an array", `{"question_id": "x"}`, []string{"must be a JSON array of battles"}},
		{"empty", `[]`, []string{"no battles in the file"}},
		{"syntax", "[" + good + ", {\"question_id\": ", []string{": item 2: "}},
		{"unclosed", "[" + good, []string{"the array is not closed after item 1"}},
		{"wrong type", "[" + good + "," + battleJSON("x", `"turn": 1`, `"turn": "one"`) + "]", []string{`item 2: field "turn" must be a int`}},
		{"bad winner", "[" + good + "," + battleJSON("x", `"winner": "model_a"`, `"winner": "left"`) + "]", []string{`item 2: winner "left" must be`}},
		{"same models", "[" + battleJSON("x", `"model_b": "m-b"`, `"model_b": "m-a"`) + "]", []string{`item 1: model_a and model_b are both "m-a"`}},
		{"bad model name", "[" + battleJSON("x", `"model_a": "m-a"`, `"model_a": "<b>"`) + "]", []string{`item 1: model_a "<b>" is not a valid model name`}},
		{"bad id", "[" + battleJSON("x y") + "]", []string{`item 1: question_id "x y" must be 1 to 32`}},
		{"duplicate id", "[" + good + "," + battleJSON("good-1") + "]", []string{`item 2: question_id "good-1" appears twice (first as item 1)`}},
		{"roles", "[" + battleJSON("x", `"role": "assistant", "content": "A1"`, `"role": "user", "content": "A1"`) + "]", []string{`item 1: conversation_a message 2 has role "user"; want "assistant"`}},
		{"odd conversation", "[" + battleJSON("x", `, {"role": "assistant", "content": "B1"}`, ``) + "]", []string{`item 1: conversation_b must hold user and assistant messages in pairs`}},
		{"prompts differ", "[" + battleJSON("x", `[{"role": "user", "content": "Q?"}, {"role": "assistant", "content": "B1"}]`, `[{"role": "user", "content": "Other?"}, {"role": "assistant", "content": "B1"}]`) + "]",
			[]string{"item 1: turn 1: the user's message differs"}},
		{"turn count", "[" + battleJSON("x", `"turn": 1`, `"turn": 3`) + "]", []string{"item 1: turn is 3 but the conversations hold 1"}},
		{"nul", "[" + battleJSON("x", `"content": "A1"`, `"content": "A\u0000"`) + "]", []string{"item 1: conversation_a message 2 contains a NUL"}},
		{"bad tstamp", "[" + battleJSON("x", `1700000000.25`, `-5`) + "]", []string{"item 1: tstamp must be unix seconds"}},
		{"many bad", "[" + good + "," + battleJSON("y", `"winner": "model_a"`, `"winner": "?"`) + "," + battleJSON("z", `"model_a": "m-a"`, `"model_a": ""`) + "]",
			[]string{"2 bad battles, nothing was imported", "item 2: winner", "item 3: model_a"}},
	}
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			dsn := dsnFor(t, d)
			seedArena(t, dsn, 10)
			before := storeCounts(t, dsn)
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					path := writeFile(t, "battles.json", c.body)
					out, err := runArena(t, dsn, "import", "battles", path)
					if err == nil {
						t.Fatalf("bad file imported:\n%s", out)
					}
					for _, w := range c.want {
						if !strings.Contains(err.Error(), w) {
							t.Errorf("error %q lacks %q", err, w)
						}
					}
					if !strings.Contains(err.Error(), path) {
						t.Errorf("error %q does not name the file", err)
					}
					if after := storeCounts(t, dsn); after != before {
						t.Errorf("a refused import changed the store:\n before %s\n after  %s", before, after)
					}
				})
			}
		})
	}
}

// TestImportBattlesRollsBack fails the store's transaction midway and
// checks that the battles already added are gone.
func TestImportBattlesRollsBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		boom := errors.New("disk full")
		items := []battleItem{}
		_, err := parseBattles("f.json", strings.NewReader("["+battleJSON("one")+","+battleJSON("two", `"m-b"`, `"m-c"`)+"]"),
			func(_ int, b battleItem) error { items = append(items, b); return nil })
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.ImportBattles(context.Background(), func(add func(models.BattleImport) error) error {
			for _, it := range items {
				if err := add(battleImportOf(it, it0)); err != nil {
					return err
				}
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v, want %v", err, boom)
		}
		total, _, _ := s.CountVotes(context.Background())
		cs, _ := s.Contenders(context.Background())
		if total != 0 || len(cs) != 0 {
			t.Errorf("a failed import left %d votes and %d contenders", total, len(cs))
		}
	})
}

func TestImportBattlesNotAnonymous(t *testing.T) {
	dsn := dsnFor(t, "sqlite")
	body := "[" + battleJSON("anon") + "," + battleJSON("named", `"anony": true`, `"anony": false`) + "," +
		battleJSON("same-q", `"content": "A1"`, `"content": "A other"`) + "]"
	out, err := runArena(t, dsn, "import", "battles", writeFile(t, "b.json", body))
	// The non-anonymous battle is stored as a named battle with prompts of
	// its own (never the bank's). The third battle asks the same question,
	// but m-a answered otherwise, so it gets a prompt of its own too.
	if err != nil || !strings.Contains(out, "3 imported") || !strings.Contains(out, "3 new prompts, 0 prompts reused, 6 new answers") ||
		!strings.Contains(out, "2 new contenders created from their slug only, disabled") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if got := storeCounts(t, dsn); !strings.HasPrefix(got, "votes 3/2 ") {
		t.Errorf("after import: %s; want 3 votes of which the non-anonymous one not counted", got)
	}
	s, err := openStore(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	modes, err := s.BattleModes(context.Background(), []string{"anon", "named", "same-q"})
	if want := map[string]string{"anon": models.ModeBank, "named": models.ModeNamed, "same-q": models.ModeBank}; err != nil || !maps.Equal(modes, want) {
		t.Errorf("battle modes = %v, %v; want %v", modes, err, want)
	}
	if turns, err := s.Turns(context.Background(), "named"); err != nil || len(turns) != 1 || turns[0].Prompt.Source != models.SourceLive {
		t.Errorf("named battle's turns = %+v, %v; want one turn on a live prompt (never served by the bank)", turns, err)
	}
	// The arena's categorizer labels imported prompts with an ISO code,
	// not the dataset's language name, so they join the per-language boards.
	p, _, err := s.PromptAnswers(context.Background(), 1)
	if err != nil || p.Language == "" || p.Language == "English" || p.Categories == nil {
		t.Errorf("imported prompt = %+v, %v; want it labelled by the arena's categorizer", p, err)
	}
}

// TestImportBattlesRejectedPrompt imports a battle asking a prompt the
// admin rejected: it reuses that prompt and its vote stays out.
func TestImportBattlesRejectedPrompt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		p := &models.Prompt{Text: "Q?", Hash: models.PromptHash("Q?"), Source: models.SourceUser, Status: models.StatusRejected, Categories: []string{}}
		if err := s.CreatePrompt(ctx, p); err != nil {
			t.Fatal(err)
		}
		st, err := s.ImportBattles(ctx, func(add func(models.BattleImport) error) error {
			_, err := parseBattles("f.json", strings.NewReader("["+battleJSON("rej")+"]"), func(_ int, b battleItem) error {
				return add(battleImportOf(b, it0))
			})
			return err
		})
		if err != nil || st.PromptsReused != 1 || st.PromptsCreated != 0 {
			t.Fatalf("import = %+v, %v; want the rejected prompt reused", st, err)
		}
		v, err := s.Vote(ctx, "rej")
		if err != nil || v.Excluded != models.ExcludedPromptRejected || !v.Counted {
			t.Errorf("vote = %+v, %v; want counted but excluded as %q", v, err, models.ExcludedPromptRejected)
		}
	})
}

func FuzzImportBattles(f *testing.F) {
	f.Add("[" + battleJSON("a") + "]")
	f.Add("[" + battleJSON("a") + "," + battleJSON("a") + "]")
	f.Add(`[{"question_id": "q", "conversation_a": [{"role": "user"}]}]`)
	f.Add(`[`)
	f.Add(`[{"tstamp": 1e400}]`)
	f.Fuzz(func(t *testing.T, body string) {
		n := 0
		total, err := parseBattles("f.json", strings.NewReader(body), func(_ int, b battleItem) error {
			n++
			if reason := checkBattle(b); reason != "" {
				t.Fatalf("accepted an invalid battle (%s): %+v", reason, b)
			}
			im := battleImportOf(b, it0)
			if len(im.Turns) == 0 || len(im.Turns) != len(b.ConversationA)/2 || im.ID != b.QuestionID {
				t.Fatalf("converted %+v to %+v", b, im)
			}
			return nil
		})
		if err == nil && (n == 0 || n != total) {
			t.Fatalf("no error, %d battles handed over of %d", n, total)
		}
	})
}
