package models_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

var ctx = context.Background()

func bank() []models.BankRow {
	return []models.BankRow{
		{PromptID: "p-1", Prompt: "Say hi", Category: "language", Model: "m-a", Output: "hi"},
		{PromptID: "p-1", Prompt: "Say hi", Model: "m-b", Output: "hello"},
		{PromptID: "p-2", Prompt: "Add 2+2", Category: "math", Model: "m-a", Output: "4"},
		{PromptID: "p-3", Prompt: "Lonely", Model: "m-c", Output: "only one answer"},
	}
}

func TestImportBankIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		st, err := s.ImportBank(ctx, bank(), nil)
		if err != nil {
			t.Fatal(err)
		}
		want := models.BankStats{ContendersCreated: 3, PromptsCreated: 3, ResponsesCreated: 4}
		if d := cmp.Diff(want, st); d != "" {
			t.Errorf("first import (-want +got):\n%s", d)
		}
		st, err = s.ImportBank(ctx, bank(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(models.BankStats{Unchanged: 4}, st); d != "" {
			t.Errorf("second import (-want +got):\n%s", d)
		}
		ids, err := s.BankPromptIDs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) != 1 {
			t.Fatalf("bank prompts with two answers = %v, want only p-1", ids)
		}
		p, answers, err := s.PromptAnswers(ctx, ids[0])
		if err != nil {
			t.Fatal(err)
		}
		if p.Text != "Say hi" || len(answers) != 2 || answers[0].Contender == nil {
			t.Fatalf("PromptAnswers = %+v, %+v", p, answers)
		}
		if d := cmp.Diff([]string{"language"}, p.Categories); d != "" {
			t.Errorf("categories (-want +got):\n%s", d)
		}
	})
}

func TestImportBankConflictChangesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		if _, err := s.ImportBank(ctx, bank(), nil); err != nil {
			t.Fatal(err)
		}
		bad := []models.BankRow{
			{PromptID: "p-9", Prompt: "new", Model: "m-new", Output: "x"},
			{PromptID: "p-1", Prompt: "Say hello instead", Model: "m-a", Output: "hi"},
		}
		_, err := s.ImportBank(ctx, bad, nil)
		var re *models.RowError
		if !errors.As(err, &re) || re.Row != 1 {
			t.Fatalf("err = %v, want RowError at row 1", err)
		}
		if _, err := s.ContenderBySlug(ctx, "m-new"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("contender from a refused import exists: err = %v", err)
		}
	})
}

func TestUpsertContendersKeepsAdminFields(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		in := []models.Contender{{Slug: "qwen3", DisplayName: "Qwen3", Organization: "Alibaba", Aliases: []string{"qwen"}}}
		st, err := s.UpsertContenders(ctx, in, nil)
		if err != nil || st.Created != 1 {
			t.Fatalf("create: %+v %v", st, err)
		}
		st, err = s.UpsertContenders(ctx, in, nil)
		if err != nil || st.Unchanged != 1 {
			t.Fatalf("again: %+v %v", st, err)
		}
		in[0].Country = "CN"
		st, err = s.UpsertContenders(ctx, in, nil)
		if err != nil || st.Updated != 1 {
			t.Fatalf("update: %+v %v", st, err)
		}
		c, err := s.ContenderBySlug(ctx, "qwen3")
		if err != nil {
			t.Fatal(err)
		}
		if c.Country != "CN" || !c.Enabled || c.Weight != 1 || c.Aliases[0] != "qwen" {
			t.Errorf("stored contender = %+v", c)
		}
	})
}

// newBattles stores n ready battles on the bank's first prompt.
func newBattles(t *testing.T, s *models.Store, n int) []string {
	t.Helper()
	if _, err := s.ImportBank(ctx, bank(), nil); err != nil {
		t.Fatal(err)
	}
	ids, _ := s.BankPromptIDs(ctx)
	_, answers, err := s.PromptAnswers(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := s.TouchVoter(ctx, "voter-1", "h"); err != nil {
		t.Fatal(err)
	}
	out := make([]string, n)
	for i := range out {
		b := &models.Battle{ID: fmt.Sprintf("b%05d", i), PromptID: ids[0],
			ContenderAID: answers[0].ContenderID, ContenderBID: answers[1].ContenderID,
			ResponseAID: &answers[0].ID, ResponseBID: &answers[1].ID,
			VoterID: "voter-1", Mode: models.ModeBank, State: models.StateReady}
		if err := s.CreateBattle(ctx, b); err != nil {
			t.Fatal(err)
		}
		out[i] = b.ID
	}
	return out
}

func TestRecordVoteExactlyOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		id := newBattles(t, s, 1)[0]
		v, err := s.RecordVote(ctx, &models.Vote{BattleID: id, Winner: models.WinnerA, VoterID: "voter-1", Counted: true})
		if err != nil {
			t.Fatal(err)
		}
		again, err := s.RecordVote(ctx, &models.Vote{BattleID: id, Winner: models.WinnerB, VoterID: "voter-1", Counted: true})
		if !errors.Is(err, models.ErrAlreadyVoted) || again.ID != v.ID || again.Winner != models.WinnerA {
			t.Fatalf("second vote = %+v, %v", again, err)
		}
		b, err := s.Battle(ctx, id)
		if err != nil || b.State != models.StateVoted || b.ContenderA == nil || b.ResponseB == nil || b.Prompt == nil {
			t.Fatalf("battle after vote = %+v, %v", b, err)
		}
		outs, err := s.CountedOutcomes(ctx)
		if err != nil || len(outs) != 1 {
			t.Fatalf("counted outcomes = %v, %v", outs, err)
		}
	})
}

func TestRecordVoteConcurrent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		ids := newBattles(t, s, 50)
		var wg sync.WaitGroup
		for _, id := range ids {
			for k := range 8 {
				wg.Go(func() {
					w := []string{models.WinnerA, models.WinnerB}[k%2]
					_, err := s.RecordVote(ctx, &models.Vote{BattleID: id, Winner: w, VoterID: "voter-1", Counted: true})
					if err != nil && !errors.Is(err, models.ErrAlreadyVoted) {
						t.Error(err)
					}
				})
			}
		}
		wg.Wait()
		total, counted, err := s.CountVotes(ctx)
		if err != nil || total != 50 || counted != 50 {
			t.Fatalf("votes = %d (counted %d), %v; want 50", total, counted, err)
		}
	})
}

func TestOpenBattleAndMissing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		ids := newBattles(t, s, 2)
		b, err := s.OpenBattle(ctx, "voter-1", time.Now().Add(-time.Hour))
		if err != nil || (b.ID != ids[0] && b.ID != ids[1]) {
			t.Fatalf("open battle = %+v, %v", b, err)
		}
		if _, err := s.OpenBattle(ctx, "someone-else", time.Now().Add(-time.Hour)); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("other voter's open battle: err = %v", err)
		}
		if _, err := s.Battle(ctx, "nope"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("missing battle: err = %v", err)
		}
	})
}

func TestMigrateTwiceAndSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		v, err := s.SchemaVersion(ctx)
		if err != nil || v < 2 {
			t.Fatalf("schema version = %d, %v", v, err)
		}
		a, err := s.EnsureSetting(ctx, "secret", "one")
		if err != nil {
			t.Fatal(err)
		}
		b, err := s.EnsureSetting(ctx, "secret", "two")
		if err != nil || a != "one" || b != "one" {
			t.Fatalf("settings = %q, %q, %v", a, b, err)
		}
		if err := s.Ping(ctx); err != nil {
			t.Fatal(err)
		}
	})
}
