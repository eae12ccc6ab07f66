package arena

import (
	"context"
	"fmt"
	"testing"
	"time"

	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// TestUncountedRule checks the demotion rule on its own: it needs a full
// window and more than half of it uncounted.
func TestUncountedRule(t *testing.T) {
	outs := func(void, leaked, clean int) []models.BattleOutcome {
		var o []models.BattleOutcome
		for range void {
			o = append(o, models.BattleOutcome{State: models.StateVoid})
		}
		for range leaked {
			o = append(o, models.BattleOutcome{State: models.StateVoted, Leak: "names itself"})
		}
		for range clean {
			o = append(o, models.BattleOutcome{State: models.StateVoted})
		}
		return o
	}
	for _, tt := range []struct {
		name              string
		void, leak, clean int
		want              bool
	}{
		{"too few battles to judge", 0, 19, 0, false},
		{"all leaked", 0, 20, 0, true},
		{"exactly half is not more than half", 5, 5, 10, false},
		{"void and leaked add up", 6, 5, 9, true},
		{"clean", 0, 0, 20, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := uncountedOf(outs(tt.void, tt.leak, tt.clean)).Demoted; got != tt.want {
				t.Errorf("demoted = %v, want %v", got, tt.want)
			}
		})
	}
}

// liveShare draws n live pairs and returns the share with slug in them.
func liveShare(t *testing.T, a *Arena, cs []models.Contender, slug string, n int) float64 {
	t.Helper()
	with := 0
	for p, k := range drawPairs(t, a, cs, n) {
		if p[0] == slug || p[1] == slug {
			with += k
		}
	}
	return float64(with) / float64(n)
}

// TestSelfNamingContenderDemoted simulates the case seen in use: five live
// contenders, one of which names itself in every answer, so none of its
// votes count, it stays unrated and the informative sampler keeps seeking
// it out. Once its newest 20 live battles are on record as leaked, its
// share of live battles must fall well below what it had.
func TestSelfNamingContenderDemoted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		cs := liveContenders(t, s, map[string]float64{"selfnamer": 1, "m1": 1, "m2": 1, "m3": 1, "m4": 1})
		publish(t, s, cs, map[string][2]float64{"m1": {1000, 40}, "m2": {1040, 40}, "m3": {1080, 40}, "m4": {1120, 40}})
		const n = 3000
		before := liveShare(t, New(s, Options{}), cs, "selfnamer", n)
		var self, other uint
		for _, c := range cs {
			switch c.Slug {
			case "selfnamer":
				self = c.ID
			case "m1":
				other = c.ID
			}
		}
		for i := range DemoteWindow {
			b := &models.Battle{ID: fmt.Sprintf("leak%02d", i), ContenderAID: self, ContenderBID: other, VoterID: "v",
				Mode: models.ModeLive, State: models.StateVoted, Leak: "selfnamer", CreatedAt: time.Now().Add(time.Duration(i) * time.Second)}
			if err := s.StartLiveBattle(ctx, b, &models.Prompt{Text: "hi", Hash: fmt.Sprint(i), Source: models.SourceLive, Status: models.StatusApproved}); err != nil {
				t.Fatal(err)
			}
		}
		a := New(s, Options{})
		u, err := a.Uncounted(ctx, self)
		if err != nil || !u.Demoted || u.Leaked != DemoteWindow {
			t.Fatalf("uncounted = %+v, %v; want %d leaked and demoted", u, err, DemoteWindow)
		}
		after := liveShare(t, a, cs, "selfnamer", n)
		t.Logf("self-naming contender in %.1f%% of live battles before, %.1f%% after", 100*before, 100*after)
		if before < 0.45 {
			t.Errorf("before: in %.1f%% of battles; the simulation should reproduce the problem (about half)", 100*before)
		}
		if after > 0.2 || after > before/2 {
			t.Errorf("after: still in %.1f%% of battles (before %.1f%%)", 100*after, 100*before)
		}
		if after == 0 {
			t.Error("after: never drawn; demotion turns the weight down, it does not remove the model")
		}
	})
}
