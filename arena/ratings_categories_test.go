package arena_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/arena/boards"
	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// Prompts of the category fixture: one coding, one general question.
const (
	codingPrompt  = "Write a Python function that reverses a linked list in place."
	generalPrompt = "What is the capital city of France, and why did it become the capital?"
)

// categoryFixture stores a bank before any arena exists (so its prompts
// are stored uncategorised, as before categories existed) and returns the
// answers by prompt text and model slug.
func categoryFixture(t *testing.T, s *models.Store) map[string]map[string]models.Response {
	t.Helper()
	ctx := context.Background()
	var rows []models.BankRow
	for _, m := range []string{"alpha", "beta"} {
		rows = append(rows, models.BankRow{PromptID: "code", Prompt: codingPrompt, Model: m, Output: "An answer by " + m})
	}
	for _, m := range []string{"alpha", "beta", "gamma"} {
		rows = append(rows, models.BankRow{PromptID: "general", Prompt: generalPrompt, Model: m, Output: "An answer by " + m})
	}
	if _, err := s.ImportBank(ctx, rows, nil); err != nil {
		t.Fatal(err)
	}
	ids, err := s.BankPromptIDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]models.Response{}
	for _, id := range ids {
		p, rs, err := s.PromptAnswers(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if p.Language != "" {
			t.Fatalf("prompt %q stored with language %q before any arena categorised it", p.Text, p.Language)
		}
		out[p.Text] = map[string]models.Response{}
		for _, r := range rs {
			out[p.Text][r.Contender.Slug] = r
		}
	}
	return out
}

var fixtureSeq int

// storeVote stores a voted battle between two answers to one prompt: a
// bank battle, or for turns > 1 a live conversation of that many turns on
// the same text.
func storeVote(t *testing.T, s *models.Store, a, b models.Response, winner string, turns int) {
	t.Helper()
	ctx := context.Background()
	fixtureSeq++
	id := fmt.Sprintf("fixture-%d", fixtureSeq)
	bt := &models.Battle{ID: id, PromptID: a.PromptID, ContenderAID: a.ContenderID, ContenderBID: b.ContenderID,
		ResponseAID: &a.ID, ResponseBID: &b.ID, VoterID: "v-" + id, Mode: models.ModeBank, State: models.StateReady}
	if turns <= 1 {
		if err := s.CreateBattle(ctx, bt); err != nil {
			t.Fatal(err)
		}
	} else {
		p, _, err := s.PromptAnswers(ctx, a.PromptID)
		if err != nil {
			t.Fatal(err)
		}
		live := func() *models.Prompt {
			return &models.Prompt{Text: p.Text, Hash: p.Hash, Source: models.SourceUser, Status: models.StatusApproved}
		}
		bt.Mode, bt.ResponseAID, bt.ResponseBID = models.ModeLive, nil, nil
		if err := s.StartLiveBattle(ctx, bt, live()); err != nil {
			t.Fatal(err)
		}
		for range turns - 1 {
			if err := s.ClaimBattle(ctx, id, bt.State, models.StateReady); err != nil && bt.State != models.StateReady {
				t.Fatal(err)
			}
			if _, err := s.AddTurn(ctx, id, live()); err != nil {
				t.Fatal(err)
			}
			bt.State = models.StateOpen
		}
	}
	if _, err := s.RecordVote(ctx, &models.Vote{BattleID: id, Winner: winner, VoterID: bt.VoterID, Counted: true}); err != nil {
		t.Fatal(err)
	}
}

// boardSummary is what the fixture knows for certain about a board.
type boardSummary struct {
	Votes  int
	Models map[string][3]int // wins, ties, losses
}

func summarize(b *boards.RatedBoard) boardSummary {
	out := boardSummary{Votes: b.Votes, Models: map[string][3]int{}}
	for _, r := range b.Models {
		out.Models[r.Slug] = [3]int{r.Wins, r.Ties, r.Losses}
	}
	return out
}

// TestRatingsPerCategory checks that each category's board rates exactly
// the votes of its battles: coding battles only in the coding board,
// multi-turn battles only in multi_turn, all of them in overall, and that
// prompts stored without categories get them at the recompute.
func TestRatingsPerCategory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		ans := categoryFixture(t, s)
		code, gen := ans[codingPrompt], ans[generalPrompt]
		for range 5 {
			storeVote(t, s, code["alpha"], code["beta"], models.WinnerA, 1)
		}
		storeVote(t, s, code["beta"], code["alpha"], models.WinnerTie, 1)
		for range 4 {
			storeVote(t, s, gen["gamma"], gen["alpha"], models.WinnerA, 1)
		}
		storeVote(t, s, gen["beta"], gen["gamma"], models.WinnerB, 1)
		storeVote(t, s, gen["gamma"], gen["beta"], models.WinnerBothBad, 2)

		a := arena.New(s, arena.Options{Ratings: fastRatings()})
		if b, err := a.Boards().RatedLeaderboardFor(ctx, "coding"); err != nil || b != nil {
			t.Fatalf("coding board before any computation = %+v, %v; want none", b, err)
		}
		overall, err := a.Boards().RecomputeRatings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]boardSummary{
			"overall": {Votes: 12, Models: map[string][3]int{
				"alpha": {5, 1, 4}, "beta": {0, 2, 6}, "gamma": {5, 1, 0}}},
			"coding":     {Votes: 6, Models: map[string][3]int{"alpha": {5, 1, 0}, "beta": {0, 1, 5}}},
			"multi_turn": {Votes: 1, Models: map[string][3]int{"beta": {0, 1, 0}, "gamma": {0, 1, 0}}},
			// The coding prompt is too short for a reliable language.
			"lang:en": {Votes: 6, Models: map[string][3]int{
				"alpha": {0, 0, 4}, "beta": {0, 1, 1}, "gamma": {5, 1, 0}}},
		}
		if d := cmp.Diff(want["overall"], summarize(overall)); d != "" {
			t.Errorf("returned board (-want +got):\n%s", d)
		}
		boards, err := a.Boards().RatedBoards(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]boardSummary{}
		for c, b := range boards {
			got[c] = summarize(b)
			if b.Category != c || b.ComputedAt.IsZero() || b.SnapshotID == 0 {
				t.Errorf("board %q: category %q, computed %v, snapshot %d", c, b.Category, b.ComputedAt, b.SnapshotID)
			}
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("boards (-want +got):\n%s", d)
		}
		for _, c := range []string{"coding", "overall"} {
			b, err := a.Boards().RatedLeaderboardFor(ctx, c)
			if err != nil || b == nil || b.Category != c {
				t.Fatalf("RatedLeaderboardFor(%q) = %+v, %v", c, b, err)
			}
		}
		if b, err := a.Boards().RatedLeaderboardFor(ctx, "math"); err != nil || b != nil {
			t.Errorf("math board = %+v, %v; want none (no maths battles)", b, err)
		}
		ps, err := s.UncategorizedPrompts(ctx, 10)
		if err != nil || len(ps) != 0 {
			t.Errorf("prompts left uncategorised after a computation: %+v, %v", ps, err)
		}

		// Another arena (another process) sees the same boards from the
		// snapshots.
		other := arena.New(s, arena.Options{Ratings: fastRatings()})
		b, err := other.Boards().RatedLeaderboardFor(ctx, "coding")
		if err != nil || b == nil {
			t.Fatalf("coding board read back = %+v, %v", b, err)
		}
		if d := cmp.Diff(want["coding"], summarize(b)); d != "" {
			t.Errorf("coding board read back (-want +got):\n%s", d)
		}
	})
}

// TestInvalidateRatings checks that a change of categories, which leaves
// the counted votes as they were, reaches the boards only once
// InvalidateRatings asks for it, and that an emptied category then serves
// an empty board rather than its old one.
func TestInvalidateRatings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		ans := categoryFixture(t, s)
		code := ans[codingPrompt]
		for range 3 {
			storeVote(t, s, code["alpha"], code["beta"], models.WinnerA, 1)
		}
		a := arena.New(s, arena.Options{Ratings: fastRatings()})
		ctx, cancel := context.WithCancel(context.Background())
		done := a.Boards().StartRatings(ctx)
		defer func() { cancel(); <-done }()
		codingVotes := func() int {
			b, err := a.Boards().RatedLeaderboardFor(ctx, "coding")
			if err != nil {
				t.Fatal(err)
			}
			if b == nil {
				return -1
			}
			return b.Votes
		}
		waitFor(t, "a coding board of 3 votes", func() bool { return codingVotes() == 3 })

		// An admin takes "coding" off the prompt.
		p, _, err := s.PromptAnswers(ctx, code["alpha"].PromptID)
		if err != nil {
			t.Fatal(err)
		}
		cats := slices.DeleteFunc(slices.Clone(p.Categories), func(c string) bool { return c == "coding" })
		if err := s.LabelPrompts(ctx, map[uint]models.PromptLabels{p.ID: {Categories: cats, Language: p.Language}}); err != nil {
			t.Fatal(err)
		}
		castVotes(t, a, 0) // nothing new: the vote mark is unchanged
		time.Sleep(30 * fastRatings().Debounce)
		if n := codingVotes(); n != 3 {
			t.Fatalf("coding board changed to %d votes without InvalidateRatings; the test cannot tell", n)
		}
		if err := a.Boards().InvalidateRatings(ctx); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "an empty coding board", func() bool { return codingVotes() == 0 })
		b, _ := a.Boards().RatedLeaderboardFor(ctx, "coding")
		if len(b.Models) != 0 {
			t.Errorf("emptied coding board still lists %d models", len(b.Models))
		}
		if o, _ := a.Boards().RatedLeaderboard(ctx); o == nil || o.Votes != 3 {
			t.Errorf("overall board = %+v, want 3 votes", o)
		}
	})
}

// TestPromptsCategorizedAtIngest checks that prompts stored once an arena
// exists carry their categories and language from the start.
func TestPromptsCategorizedAtIngest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		arena.New(s, arena.Options{})
		p := &models.Prompt{Text: "Solve for x when 3x + 7 = 22, and show each step of the working clearly.",
			Hash: "h", Source: models.SourceUser, Status: models.StatusApproved, Categories: []string{}}
		if err := s.CreatePrompt(ctx, p); err != nil {
			t.Fatal(err)
		}
		rows := []models.BankRow{
			{PromptID: "b1", Prompt: "Write a short poem about the sea at night.", Model: "m1", Output: "x", Category: "hard_prompts"},
			{PromptID: "b1", Prompt: "Write a short poem about the sea at night.", Model: "m2", Output: "y", Category: "hard_prompts"},
		}
		if _, err := s.ImportBank(ctx, rows, nil); err != nil {
			t.Fatal(err)
		}
		ids, err := s.BankPromptIDs(ctx)
		if err != nil || len(ids) != 1 {
			t.Fatalf("bank prompts = %v, %v", ids, err)
		}
		bank, _, err := s.PromptAnswers(ctx, ids[0])
		if err != nil {
			t.Fatal(err)
		}
		got := map[string][]string{}
		for _, q := range []*models.Prompt{p, bank} {
			stored, _, err := s.PromptAnswers(ctx, q.ID)
			if err != nil {
				t.Fatal(err)
			}
			got[stored.Text[:5]] = append(slices.Clone(stored.Categories), "language="+stored.Language)
		}
		want := map[string][]string{
			"Solve": {"math", "lang:en", "language=en"},
			"Write": {"hard_prompts", "creative_writing", "lang:en", "language=en"},
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("stored categories (-want +got):\n%s", d)
		}
	})
}

// TestRatingsThinCategoryHistory checks that every category's history is
// thinned, and that a category whose votes are gone gets an empty board
// instead of keeping its old one.
func TestRatingsThinCategoryHistory(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	seedBank(t, s, "alpha", "beta") // its one prompt, "Q?", has no category
	ctx := context.Background()
	old := time.Now().UTC().Add(-3 * time.Hour).Truncate(time.Hour)
	var ids []uint
	for i := range 3 {
		snap := &models.RatingSnapshot{CreatedAt: old.Add(time.Duration(i) * time.Minute), Category: "coding",
			Method: "bradley_terry", Result: `{"category":"coding","votes":5}`, ContentHash: fmt.Sprint("old-", i)}
		if _, err := s.CreateSnapshot(ctx, snap); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, snap.ID)
	}
	a := arena.New(s, arena.Options{Ratings: fastRatings()})
	castVotes(t, a, 2)
	if _, err := a.Boards().RecomputeRatings(ctx); err != nil {
		t.Fatal(err)
	}
	coding, err := a.Boards().RatedLeaderboardFor(ctx, "coding")
	if err != nil || coding == nil || coding.Votes != 0 || len(coding.Models) != 0 {
		t.Fatalf("coding board after its votes went = %+v, %v; want an empty board", coding, err)
	}
	all, err := s.Snapshots(ctx, "coding", 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []uint
	for _, snap := range all {
		got = append(got, snap.ID)
	}
	if want := []uint{coding.SnapshotID, ids[2]}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("coding snapshots left = %v, want %v (the newest, and the newest of the old hour)", got, want)
	}
}
