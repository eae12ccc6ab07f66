package handlers

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/views"
)

func chartsFixture() *arena.RatedBoard {
	return &arena.RatedBoard{Category: "overall", Votes: 60, Models: []arena.RatedRow{
		{Slug: "a", DisplayName: "Alpha", Organization: "Lab A", Country: "FR", OpenWeights: true, Score: 1100, CILower: 1080, CIUpper: 1120, Votes: 40, Wins: 25, Ties: 5, Losses: 10},
		{Slug: "b", DisplayName: "Beta", Organization: "Lab B", Country: "US", Score: 1000, CILower: 970, CIUpper: 1030, Votes: 40, Wins: 15, Ties: 5, Losses: 20},
		{Slug: "c", DisplayName: "Gamma", Organization: "Lab A", Country: "FR", OpenWeights: true, Score: 900, CILower: 860, CIUpper: 940, Votes: 40, Wins: 10, Ties: 0, Losses: 20, Preliminary: true},
	}, Pairs: []arena.RatedPair{
		{A: "a", B: "b", AWins: 15, Ties: 3, BWins: 7},
		{A: "a", B: "c", AWins: 10, Ties: 2, BWins: 3},
		{A: "b", B: "c", AWins: 8, Ties: 0, BWins: 7},
	}}
}

func TestLeaderboardChartsVM(t *testing.T) {
	vm := leaderboardChartsVM(chartsFixture(), nil)
	want := []views.CIRow{
		{Name: "Alpha", Score: 1100, Lower: 1080, Upper: 1120},
		{Name: "Beta", Score: 1000, Lower: 970, Upper: 1030},
		{Name: "Gamma", Score: 900, Lower: 860, Upper: 940, Preliminary: true},
	}
	if d := cmp.Diff(want, vm.CI.Rows); d != "" {
		t.Errorf("CI rows (-want +got):\n%s", d)
	}
	var b strings.Builder
	if err := views.LeaderboardCharts(vm.Rendered()).Render(t.Context(), &b); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(b.String(), `class="ci-bar`); n != 3 {
		t.Errorf("%d interval bars on the page, want 3", n)
	}
}
