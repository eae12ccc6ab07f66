package boards

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// incrementalFixture is a small arena: prompts with answers by every
// model (with varied style counts), and voters.
type incrementalFixture struct {
	s       *models.Store
	answers map[uint][]models.Response // by prompt id
	prompts []uint
	voters  []string
	votes   []uint
	battles int
}

// incrementalCategories are the labels the random edits choose from.
var incrementalCategories = []string{"coding", "math", "creative_writing", "hard_prompts"}

func newIncrementalFixture(t *testing.T, s *models.Store, rng *rand.Rand) *incrementalFixture {
	t.Helper()
	ctx := context.Background()
	var rows []models.BankRow
	for p := range 5 {
		for _, m := range []string{"alpha", "beta", "gamma", "delta"} {
			st := models.StyleCounts{Tokens: 50 + rng.IntN(400), Headers: rng.IntN(4), Lists: rng.IntN(6), Bold: rng.IntN(5)}
			rows = append(rows, models.BankRow{PromptID: fmt.Sprintf("p%d", p), Prompt: fmt.Sprintf("Question number %d?", p),
				Category: incrementalCategories[p%len(incrementalCategories)], Model: m, Output: "answer by " + m, Style: &st})
		}
	}
	if _, err := s.ImportBank(ctx, rows, nil); err != nil {
		t.Fatal(err)
	}
	f := &incrementalFixture{s: s, answers: map[uint][]models.Response{}}
	ids, err := s.BankPromptIDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		_, rs, err := s.PromptAnswers(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		f.answers[id], f.prompts = rs, append(f.prompts, id)
	}
	for v := range 6 {
		f.voters = append(f.voters, fmt.Sprintf("voter-%d", v))
		if err := s.TouchVoter(ctx, f.voters[v], "ip"); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// vote casts one vote on a random pair of a random prompt.
func (f *incrementalFixture) vote(t *testing.T, rng *rand.Rand) {
	t.Helper()
	ctx := context.Background()
	rs := f.answers[f.prompts[rng.IntN(len(f.prompts))]]
	i := rng.IntN(len(rs))
	j := (i + 1 + rng.IntN(len(rs)-1)) % len(rs)
	f.battles++
	b := &models.Battle{ID: fmt.Sprintf("inc-%05d", f.battles), PromptID: rs[i].PromptID,
		ContenderAID: rs[i].ContenderID, ContenderBID: rs[j].ContenderID, ResponseAID: &rs[i].ID, ResponseBID: &rs[j].ID,
		VoterID: f.voters[rng.IntN(len(f.voters))], Mode: models.ModeBank, State: models.StateReady}
	if err := f.s.CreateBattle(ctx, b); err != nil {
		t.Fatal(err)
	}
	winner := []string{models.WinnerA, models.WinnerB, models.WinnerTie, models.WinnerBothBad}[rng.IntN(4)]
	v, err := f.s.RecordVote(ctx, &models.Vote{BattleID: b.ID, Winner: winner, VoterID: b.VoterID, Counted: rng.IntN(10) > 0})
	if err != nil {
		t.Fatal(err)
	}
	f.votes = append(f.votes, v.ID)
}

// step makes one random change of the kinds the change log reports, or
// casts a vote.
func (f *incrementalFixture) step(t *testing.T, rng *rand.Rand) string {
	t.Helper()
	ctx := context.Background()
	var err error
	op := rng.IntN(10)
	if len(f.votes) == 0 || op < 4 {
		f.vote(t, rng)
		return "vote"
	}
	vote := f.votes[rng.IntN(len(f.votes))]
	voter := f.voters[rng.IntN(len(f.voters))]
	prompt := f.prompts[rng.IntN(len(f.prompts))]
	switch op {
	case 4:
		_, err = f.s.ExcludeVotes(ctx, map[uint]string{vote: models.ExcludedAdminPrefix + "test"}, rng.IntN(2) == 0)
	case 5:
		_, _, err = f.s.ClearVoteExclusion(ctx, vote, "admin")
	case 6:
		_, err = f.s.SetVoterBlocked(ctx, voter, rng.IntN(2) == 0)
	case 7:
		status := []string{models.StatusApproved, models.StatusRejected, models.StatusFlagged}[rng.IntN(3)]
		_, err = f.s.ReviewPrompts(ctx, []uint{prompt}, status, "admin", "test", time.Now())
	case 8:
		var cats []string
		for _, c := range incrementalCategories {
			if rng.IntN(2) == 0 {
				cats = append(cats, c)
			}
		}
		_, err = f.s.SetPromptLabels(ctx, prompt, cats, "en")
	default:
		_, err = f.s.ClearVoter(ctx, voter, "admin")
	}
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint("change ", op)
}

// boardsNow catches up and computes every board, as a recomputation does.
func boardsNow(t *testing.T, s *Service) []*RatedBoard {
	t.Helper()
	ctx := context.Background()
	s.computeMu.Lock()
	defer s.computeMu.Unlock()
	if _, err := s.prepare(ctx); err != nil {
		t.Fatal(err)
	}
	out, err := s.computeBoards(ctx, true, false, true)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestIncrementalMatchesFull applies random votes, exclusions, restores,
// blocks, prompt reviews and label edits, and after each compares the
// boards of a recomputer that kept its votes in memory with those of one
// that reads every vote afresh: they must be identical in every field,
// the inputs digest included.
func TestIncrementalMatchesFull(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		rng := rand.New(rand.NewPCG(13, 17))
		f := newIncrementalFixture(t, s, rng)
		opt := Options{Rounds: 8, Seed: 5, Workers: 1}
		inc := New(s, opt, nil)
		for step := range 300 {
			what := f.step(t, rng)
			got := boardsNow(t, inc)
			want := boardsNow(t, New(s, opt, nil))
			if d := cmp.Diff(want, got, cmpopts.IgnoreUnexported(RatedBoard{})); d != "" {
				t.Fatalf("step %d (%s): incremental boards differ from a full read (-full +incremental):\n%s", step, what, d)
			}
			assertScratchDigests(t, inc, got)
			if got[0].votesRead != want[0].votesRead {
				t.Fatalf("step %d (%s): %d votes read incrementally, %d in full", step, what, got[0].votesRead, want[0].votesRead)
			}
		}
		if len(f.votes) < 80 {
			t.Errorf("only %d votes cast; the sequence tests too little", len(f.votes))
		}
	})
}

// assertScratchDigests checks every board's inputs digest, which comes
// from the sums kept vote by vote, against InputsDigest over the board's
// outcomes.
func assertScratchDigests(t *testing.T, s *Service, boards []*RatedBoard) {
	t.Helper()
	cs, err := s.store.Contenders(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(cs, func(x, y models.Contender) int { return strings.Compare(x.Slug, y.Slug) })
	subsets := categorySubsets(s.rated)
	for _, b := range boards {
		var idx []int
		if b.Category != models.CategoryOverall {
			idx = append([]int{}, subsets[b.Category]...)
		}
		in := ratingInput(cs, s.rated, idx)
		if want := InputsDigest(in.names, in.outcomes, in.style, b.Settings()); b.InputsDigest != want {
			t.Fatalf("%s board: digest %s from the kept sums, %s from its %d outcomes", b.Category, b.InputsDigest, want, len(in.outcomes))
		}
	}
}
