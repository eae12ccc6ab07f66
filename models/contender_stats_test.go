package models_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// Live answers' latencies give each contender a median and a 90th
// percentile by nearest rank; live failures count against both sides.
func TestContenderStatsLatency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		f := newIntegrityFixture(t, s)
		// Ten live battles: side A answers in 100, 200, … 1000 ms, side B in 50 ms.
		for i := 1; i <= 10; i++ {
			b := &models.Battle{ID: fmt.Sprintf("live-%02d", i), ContenderAID: f.a, ContenderBID: f.b, VoterID: "x",
				Mode: models.ModeLive, State: models.StateStreaming}
			if err := s.StartLiveBattle(ctx, b, &models.Prompt{Text: fmt.Sprintf("q%d", i), Hash: fmt.Sprint(i),
				Source: models.SourceUser, Status: models.StatusApproved}); err != nil {
				t.Fatal(err)
			}
			ra := &models.Response{ContenderID: f.a, Text: "a", LatencyMS: 100 * i}
			rb := &models.Response{ContenderID: f.b, Text: "b", LatencyMS: 50}
			if err := s.FinishTurn(ctx, b, ra, rb, ""); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.VoidBattle(ctx, "live-10", "the model server answered 503"); err != nil {
			t.Fatal(err)
		}
		stats, err := s.ContenderStats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := map[uint]models.ContenderStat{
			f.a: {Battles: 10, Live: 10, Failed: 1, MedianLatencyMS: 500, P90LatencyMS: 900, LatencySample: 10},
			f.b: {Battles: 10, Live: 10, Failed: 1, MedianLatencyMS: 50, P90LatencyMS: 50, LatencySample: 10},
		}
		got := map[uint]models.ContenderStat{}
		for id, st := range stats {
			got[id] = *st
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("(-want +got):\n%s", d)
		}
	})
}
