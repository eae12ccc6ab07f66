package arena_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/arena/fault"
	"openarena.dev/arena/llm"
	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// compareArena is an arena whose contenders alpha, beta and gamma answer
// live through the offline demo bots, and "banked" only from the bank.
func compareArena(t *testing.T, s *models.Store, maxTurns int) *arena.Arena {
	t.Helper()
	cs := []models.Contender{
		{Slug: "alpha", DisplayName: "Alpha", Organization: "A Org", Provider: models.Provider{Kind: "demo", Model: "eliza"}},
		{Slug: "beta", DisplayName: "Beta", Organization: "B Org", Provider: models.Provider{Kind: "demo", Model: "faq"}},
		{Slug: "gamma", DisplayName: "Gamma", Organization: "G Org", Provider: models.Provider{Kind: "demo", Model: "markov"}},
		{Slug: "banked", DisplayName: "Banked"},
	}
	if _, err := s.UpsertContenders(context.Background(), cs, nil); err != nil {
		t.Fatal(err)
	}
	seedBank(t, s, "alpha", "banked")
	backend := func(c *models.Contender) (llm.Backend, error) {
		return llm.NewDemo(c.Provider.Model, llm.DemoOptions{MaxWords: 40})
	}
	return arena.New(s, arena.Options{Live: arena.LiveOptions{Backend: backend, MaxTurns: maxTurns,
		Tick: 1e6, Pace: arena.Pace{Chars: 512}}})
}

// streamAll streams the battle's open turn and returns both answers.
func streamAll(t *testing.T, a *arena.Arena, id, voter string) [2]string {
	t.Helper()
	var out [2]string
	done := 0
	err := a.StreamLiveBattle(context.Background(), id, voter, func(ev arena.Event) error {
		switch ev.Kind {
		case "delta":
			out[map[string]int{"a": 0, "b": 1}[ev.Side]] += ev.Text
		case "done":
			done++
		case "error":
			t.Errorf("stream of %s failed: %s", id, ev.Text)
		}
		return nil
	})
	if err != nil || done != 2 || out[0] == "" || out[1] == "" {
		t.Fatalf("stream of %s: err %v, %d done, answers %q", id, err, done, out)
	}
	return out
}

func TestStartNamedBattleValidation(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	a := compareArena(t, s, 0)
	ctx := context.Background()
	tests := []struct {
		name, a, b, prompt string
		kind               fault.Kind
		msg                string
	}{
		{"same model twice", "alpha", "alpha", "Hello there", fault.Invalid, "two different models"},
		{"no model chosen", "", "beta", "Hello there", fault.Invalid, "Pick a model for each side"},
		{"unknown slug", "alpha", "omega", "Hello there", fault.Invalid, `no model "omega"`},
		{"model without a live backend", "banked", "beta", "Hello there", fault.Invalid, `no model "banked"`},
		{"empty prompt", "alpha", "beta", "   ", fault.Invalid, ""},
		{"chosen sides kept", "gamma", "alpha", "Hello there", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := a.StartNamedBattle(ctx, "voter-"+tt.name, tt.a, tt.b, tt.prompt)
			if tt.kind == 0 {
				if err != nil {
					t.Fatal(err)
				}
				if b.Mode != models.ModeNamed || b.ContenderA.Slug != tt.a || b.ContenderB.Slug != tt.b || b.State != models.StateOpen {
					t.Errorf("battle = mode %s, %s vs %s, state %s; want named, %s vs %s, open", b.Mode, b.ContenderA.Slug, b.ContenderB.Slug, b.State, tt.a, tt.b)
				}
				turns, err := s.Turns(ctx, b.ID)
				if err != nil || len(turns) != 1 || turns[0].Prompt.Text != tt.prompt || turns[0].Prompt.Source != models.SourceLive {
					t.Errorf("turns = %+v, %v; want the prompt as turn 1, source live", turns, err)
				}
				return
			}
			fe, ok := fault.As(err)
			if !ok || fe.Kind != tt.kind || !strings.Contains(fe.Msg, tt.msg) {
				t.Errorf("err = %v; want a %v refusal saying %q", err, tt.kind, tt.msg)
			}
		})
	}

	// With one live model left there is nothing to compare.
	one := storetest.Open(t, "sqlite")
	if _, err := one.UpsertContenders(ctx, []models.Contender{{Slug: "solo", DisplayName: "Solo", Provider: models.Provider{Kind: "demo", Model: "eliza"}}}, nil); err != nil {
		t.Fatal(err)
	}
	_, err := arena.New(one, arena.Options{}).StartNamedBattle(ctx, "v", "solo", "other", "Hello")
	if !errors.Is(err, arena.ErrCompareUnavailable) {
		t.Errorf("with one live model: err = %v, want ErrCompareUnavailable", err)
	}
	if fe, _ := fault.As(err); fe == nil || fe.Kind != fault.Conflict || !strings.Contains(fe.Msg, "side-by-side needs at least two models with a live backend") {
		t.Errorf("with one live model: %v", err)
	}
}

// TestNamedVotesNeverCount votes on a named battle and on a blind live
// battle of the same pair and checks that only the blind vote reaches the
// ratings' input, the Elo board, the head-to-head records, the integrity
// votes and the public answers.
func TestNamedVotesNeverCount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		a := compareArena(t, s, 0)
		ctx := context.Background()
		named, err := a.StartNamedBattle(ctx, "v1", "alpha", "beta", "Tell me about rivers.")
		if err != nil {
			t.Fatal(err)
		}
		streamAll(t, a, named.ID, "v1")
		res, err := a.Vote(ctx, arena.VoteRequest{BattleID: named.ID, VoterID: "v1", Winner: models.WinnerA})
		if err != nil {
			t.Fatal(err)
		}
		if res.Vote.Counted || res.Vote.Reason != arena.NamedVoteReason || res.Vote.InRatings() {
			t.Errorf("named vote = %+v; want stored, not counted, with the side-by-side reason", res.Vote)
		}
		again, err := a.Vote(ctx, arena.VoteRequest{BattleID: named.ID, VoterID: "v1", Winner: models.WinnerA})
		if err != nil || again.Vote.ID != res.Vote.ID {
			t.Errorf("repeat of the same vote = %+v, %v; want the stored vote", again, err)
		}
		if _, err := a.Vote(ctx, arena.VoteRequest{BattleID: named.ID, VoterID: "v1", Winner: models.WinnerB}); !errors.Is(err, arena.ErrVoteConflict) {
			t.Errorf("a different second vote: err = %v, want ErrVoteConflict", err)
		}
		if _, v, err := a.Reveal(ctx, named.ID, "v1"); err != nil || v == nil || v.Reason != arena.NamedVoteReason {
			t.Errorf("Reveal = %+v, %v", v, err)
		}

		// A blind battle of another voter, counted, as the control.
		live, err := a.StartLiveBattle(ctx, "v2", "Tell me about lakes.")
		if err != nil {
			t.Fatal(err)
		}
		streamAll(t, a, live.ID, "v2")
		lv, err := a.Vote(ctx, arena.VoteRequest{BattleID: live.ID, VoterID: "v2", Winner: models.WinnerTie})
		if err != nil || !lv.Vote.Counted {
			t.Fatalf("blind vote = %+v, %v; want counted", lv, err)
		}

		counted, err := s.CountedBattles(ctx)
		if err != nil || len(counted) != 1 || counted[0].VoteID != lv.Vote.ID {
			t.Errorf("CountedBattles = %+v, %v; want only the blind vote %d", counted, err, lv.Vote.ID)
		}
		outs, err := s.CountedOutcomes(ctx)
		if err != nil || len(outs) != 1 || outs[0].Winner != models.WinnerTie {
			t.Errorf("CountedOutcomes = %+v, %v; want only the blind tie", outs, err)
		}
		elo, err := a.Boards().EloBoard(ctx)
		if err != nil || elo.Votes != 1 {
			t.Errorf("Elo board = %+v, %v; want 1 vote", elo, err)
		}
		board, err := a.Boards().RecomputeRatings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if board.Votes != 1 {
			t.Errorf("rated board has %d votes, want 1", board.Votes)
		}
		// The blind vote is a tie, the named one a win: any win in the
		// head-to-head records came from the named battle.
		meetings := 0
		for _, h := range board.HeadToHead("alpha") {
			if h.Wins != 0 || h.Losses != 0 {
				t.Errorf("alpha vs %s head-to-head = %+v; the named battle's win must not count", h.Opponent.Slug, h.Record)
			}
			meetings += h.Battles()
		}
		if want := map[bool]int{true: 1, false: 0}[live.ContenderA.Slug == "alpha" || live.ContenderB.Slug == "alpha"]; meetings != want {
			t.Errorf("alpha met others %d times on the board, want %d (the blind battle only)", meetings, want)
		}
		iv, err := s.IntegrityVotes(ctx, "")
		if err != nil || len(iv) != 1 || iv[0].ID != lv.Vote.ID {
			t.Errorf("IntegrityVotes = %+v, %v; want only the blind vote", iv, err)
		}
		since := named.CreatedAt.Add(-60e9)
		checks, err := s.VoteChecks(ctx, named.ID, "v1", "", models.RiskWindow{BurstSince: since, AddressSince: since, BurstCap: 10, AddressCap: 10})
		if err != nil || checks.Risk.RecentVotes != 0 {
			t.Errorf("VoteChecks(v1) = %+v, %v; a named vote must not count towards a burst", checks, err)
		}
		for _, slug := range []string{"alpha", "beta"} {
			pub, err := a.Release().PublicAnswers(ctx, slug, 10)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range pub {
				if p.QuestionID == named.ID {
					t.Errorf("PublicAnswers(%s) shows the named battle", slug)
				}
			}
		}
		ids, err := s.BankPromptIDs(ctx)
		if err != nil || len(ids) != 1 {
			t.Errorf("bank prompts = %v, %v; want only the seeded one", ids, err)
		}
	})
}

// TestContinueAfterVote keeps talking to the models of a voted live battle
// in a new named battle and checks what may not be continued.
func TestContinueAfterVote(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		a := compareArena(t, s, 3)
		ctx := context.Background()
		live, err := a.StartLiveBattle(ctx, "owner", "Tell me about rivers.")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.ContinueAfterVote(ctx, live.ID, "owner", "More?"); !errors.Is(err, arena.ErrContinueUnvoted) {
			t.Errorf("continue before the stream: err = %v, want ErrContinueUnvoted", err)
		}
		first := streamAll(t, a, live.ID, "owner")
		if _, err := a.ContinueAfterVote(ctx, live.ID, "owner", "More?"); !errors.Is(err, arena.ErrContinueUnvoted) {
			t.Errorf("continue before the vote: err = %v, want ErrContinueUnvoted", err)
		}
		vote, err := a.Vote(ctx, arena.VoteRequest{BattleID: live.ID, VoterID: "owner", Winner: models.WinnerB})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.ContinueAfterVote(ctx, live.ID, "stranger", "More?"); !errors.Is(err, arena.ErrBattleNotFound) {
			t.Errorf("another voter: err = %v, want ErrBattleNotFound", err)
		}
		if _, err := a.ContinueAfterVote(ctx, live.ID, "owner", ""); err == nil {
			t.Error("an empty prompt was accepted")
		}

		nb, err := a.ContinueAfterVote(ctx, live.ID, "owner", "And lakes?")
		if err != nil {
			t.Fatal(err)
		}
		if nb.ID == live.ID || nb.Mode != models.ModeNamed || nb.VoterID != "owner" ||
			nb.ContenderAID != live.ContenderAID || nb.ContenderBID != live.ContenderBID {
			t.Errorf("new battle = %+v; want a named battle of the owner with the same sides", nb)
		}
		old, err := s.Turns(ctx, live.ID)
		if err != nil {
			t.Fatal(err)
		}
		turns, err := s.Turns(ctx, nb.ID)
		if err != nil || len(turns) != 2 || len(old) != 1 {
			t.Fatalf("turns: new %d (%v), original %d; want 2 and 1", len(turns), err, len(old))
		}
		if turns[0].PromptID != old[0].PromptID || *turns[0].ResponseAID != *old[0].ResponseAID ||
			*turns[0].ResponseBID != *old[0].ResponseBID || turns[0].ResponseA.Text != first[0] {
			t.Errorf("copied turn = %+v; want the original's prompt and answers", turns[0])
		}
		if turns[1].N != 2 || turns[1].Prompt.Text != "And lakes?" || turns[1].ResponseAID != nil {
			t.Errorf("new turn = %+v; want the new prompt, unanswered, as turn 2", turns[1])
		}
		second := streamAll(t, a, nb.ID, "owner")
		if second[0] == "" {
			t.Error("the continued battle streamed nothing")
		}
		orig, v, err := a.Reveal(ctx, live.ID, "owner")
		if err != nil || orig.State != models.StateVoted || v.ID != vote.Vote.ID || v.Winner != models.WinnerB || !v.Counted {
			t.Errorf("original after continuing = %+v, vote %+v, %v; want untouched", orig, v, err)
		}

		// The named battle may go on once more (3 turns), then no further.
		if _, err := a.Vote(ctx, arena.VoteRequest{BattleID: nb.ID, VoterID: "owner", Winner: models.WinnerTie}); err != nil {
			t.Fatal(err)
		}
		third, err := a.ContinueAfterVote(ctx, nb.ID, "owner", "One more")
		if err != nil {
			t.Fatal(err)
		}
		streamAll(t, a, third.ID, "owner")
		if _, err := a.Vote(ctx, arena.VoteRequest{BattleID: third.ID, VoterID: "owner", Winner: models.WinnerTie}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.ContinueAfterVote(ctx, third.ID, "owner", "Too many"); !errors.Is(err, arena.ErrContinueLast) {
			t.Errorf("past MaxTurns: err = %v, want ErrContinueLast", err)
		}

		bank, err := a.StartBankBattle(ctx, "banker")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Vote(ctx, arena.VoteRequest{BattleID: bank.ID, VoterID: "banker", Winner: models.WinnerA}); err != nil {
			t.Fatal(err)
		}
		_, err = a.ContinueAfterVote(ctx, bank.ID, "banker", "More?")
		if fe, _ := fault.As(err); !errors.Is(err, arena.ErrContinueBank) || fe.Kind != fault.Conflict {
			t.Errorf("bank battle: err = %v, want ErrContinueBank (conflict)", err)
		}
	})
}
