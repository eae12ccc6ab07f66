package models_test

import (
	"testing"
	"time"

	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// TestVoteChecksHold: the hold read with the integrity facts follows the
// battle's prompt through flagging, rejection and approval, and a rejected
// prompt wins over a flagged one.
func TestVoteChecksHold(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		f := newIntegrityFixture(t, s)
		b := &models.Battle{ID: "battle-open", PromptID: f.prompt, ContenderAID: f.a, ContenderBID: f.b,
			VoterID: "x", Mode: models.ModeBank, State: models.StateReady}
		if err := s.CreateBattle(ctx, b); err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		w := models.RiskWindow{BurstSince: now.Add(-time.Hour), AddressSince: now.Add(-time.Hour), BurstCap: 5, AddressCap: 5}
		for _, tt := range []struct{ status, want string }{
			{models.StatusApproved, ""},
			{models.StatusFlagged, models.ExcludedPromptFlagged},
			{models.StatusRejected, models.ExcludedPromptRejected},
			{models.StatusApproved, ""},
		} {
			if _, err := s.ReviewPrompts(ctx, []uint{f.prompt}, tt.status, "mod", "why", now); err != nil {
				t.Fatal(err)
			}
			got, err := s.VoteChecks(ctx, b.ID, "x", "", w)
			if err != nil || got.Hold != tt.want {
				t.Errorf("prompt %s: VoteChecks = %+v, %v; want hold %q", tt.status, got, err, tt.want)
			}
		}
	})
}
