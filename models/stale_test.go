package models_test

import (
	"testing"
	"time"

	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

func TestVoidStaleStreaming(t *testing.T) {
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
		start := func(id string, claim bool) {
			t.Helper()
			b := &models.Battle{ID: id, VoterID: "v", Mode: models.ModeLive, State: models.StateOpen,
				ContenderAID: live[0].ID, ContenderBID: live[1].ID}
			p := &models.Prompt{Text: "prompt " + id, Hash: "h" + id, Source: models.SourceUser, Status: models.StatusApproved}
			if err := s.StartLiveBattle(ctx, b, p); err != nil {
				t.Fatal(err)
			}
			if claim {
				if err := s.ClaimBattle(ctx, id, models.StateOpen, models.StateStreaming); err != nil {
					t.Fatal(err)
				}
			}
		}
		start("streaming1", true)
		start("open1", false)

		// A cutoff in the past leaves a stream that is still young alone.
		if n, err := s.VoidStaleStreaming(ctx, time.Now().Add(-time.Hour), "cut"); err != nil || n != 0 {
			t.Fatalf("young stream: voided %d, %v", n, err)
		}
		// Once it is older than the cutoff, only the streaming battle goes.
		if n, err := s.VoidStaleStreaming(ctx, time.Now().Add(time.Hour), "cut"); err != nil || n != 1 {
			t.Fatalf("stale stream: voided %d, %v; want 1", n, err)
		}
		for id, want := range map[string]string{"streaming1": models.StateVoid, "open1": models.StateOpen} {
			b, err := s.Battle(ctx, id)
			if err != nil || b.State != want {
				t.Errorf("battle %s: state %v, %v; want %s", id, b, err, want)
			}
			if want == models.StateVoid && b.VoidReason != "cut" {
				t.Errorf("void reason = %q", b.VoidReason)
			}
		}
	})
}
