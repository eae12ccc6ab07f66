package models_test

import (
	"errors"
	"testing"

	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

func TestLiveBattleTurnsAndStyleSums(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		cs := []models.Contender{{Slug: "a", DisplayName: "A"}, {Slug: "b", DisplayName: "B"}}
		for i := range cs {
			cs[i].Provider = models.Provider{Kind: "demo", Model: "eliza"}
		}
		if _, err := s.UpsertContenders(ctx, cs, nil); err != nil {
			t.Fatal(err)
		}
		live, err := s.LiveContenders(ctx)
		if err != nil || len(live) != 2 {
			t.Fatalf("live contenders = %v, %v", live, err)
		}
		if err := s.TouchVoter(ctx, "v", ""); err != nil {
			t.Fatal(err)
		}
		b := &models.Battle{ID: "live1", VoterID: "v", Mode: models.ModeLive, State: models.StateOpen,
			ContenderAID: live[0].ID, ContenderBID: live[1].ID}
		if err := s.StartLiveBattle(ctx, b, &models.Prompt{Text: "one", Hash: "h1", Source: models.SourceUser, Status: models.StatusApproved}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddTurn(ctx, b.ID, &models.Prompt{Text: "early", Hash: "h", Source: models.SourceUser, Status: models.StatusApproved}); !errors.Is(err, models.ErrBattleBusy) {
			t.Fatalf("a turn added before the answers: err = %v", err)
		}
		finish := func(tokA, tokB int) {
			t.Helper()
			if err := s.ClaimBattle(ctx, b.ID, models.StateOpen, models.StateStreaming); err != nil {
				t.Fatal(err)
			}
			if err := s.ClaimBattle(ctx, b.ID, models.StateOpen, models.StateStreaming); !errors.Is(err, models.ErrBattleBusy) {
				t.Fatalf("second claim: err = %v", err)
			}
			ra := &models.Response{ContenderID: live[0].ID, Text: "x", Style: models.StyleCounts{Tokens: tokA, Bold: 1}}
			rb := &models.Response{ContenderID: live[1].ID, Text: "y", Style: models.StyleCounts{Tokens: tokB}}
			if err := s.FinishTurn(ctx, b, ra, rb, ""); err != nil {
				t.Fatal(err)
			}
		}
		finish(10, 20)
		n, err := s.AddTurn(ctx, b.ID, &models.Prompt{Text: "two", Hash: "h2", Source: models.SourceUser, Status: models.StatusApproved})
		if err != nil || n != 2 {
			t.Fatalf("second turn = %d, %v", n, err)
		}
		finish(5, 7)
		turns, err := s.Turns(ctx, b.ID)
		if err != nil || len(turns) != 2 || turns[1].Prompt.Text != "two" || turns[0].ResponseA == nil {
			t.Fatalf("turns = %+v, %v", turns, err)
		}
		if _, err := s.RecordVote(ctx, &models.Vote{BattleID: b.ID, Winner: models.WinnerA, VoterID: "v", Counted: true}); err != nil {
			t.Fatal(err)
		}
		got, err := s.CountedBattles(ctx)
		if err != nil || len(got) != 1 {
			t.Fatalf("counted battles = %+v, %v", got, err)
		}
		if got[0].StyleA.Tokens != 15 || got[0].StyleB.Tokens != 27 || got[0].StyleA.Bold != 2 {
			t.Errorf("style of a two-turn battle = %+v / %+v; want sums over turns (15, 27, bold 2)", got[0].StyleA, got[0].StyleB)
		}
		if err := s.VoidBattle(ctx, b.ID, "late"); err != nil {
			t.Fatal(err)
		}
		if after, _ := s.Battle(ctx, b.ID); after.State != models.StateVoted {
			t.Errorf("voiding a voted battle changed it to %q", after.State)
		}
	})
}
