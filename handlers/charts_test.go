package handlers

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"openarena.dev/arena/arena/boards"
	"openarena.dev/arena/views"
)

func chartsFixture() *boards.RatedBoard {
	return &boards.RatedBoard{Category: "overall", Votes: 60, Models: []boards.RatedRow{
		{Slug: "a", DisplayName: "Alpha", Organization: "Lab A", Country: "FR", OpenWeights: true, Score: 1100, CILower: 1080, CIUpper: 1120, Votes: 40, Wins: 25, Ties: 5, Losses: 10},
		{Slug: "b", DisplayName: "Beta", Organization: "Lab B", Country: "US", Score: 1000, CILower: 970, CIUpper: 1030, Votes: 40, Wins: 15, Ties: 5, Losses: 20},
		{Slug: "c", DisplayName: "Gamma", Organization: "Lab A", Country: "FR", OpenWeights: true, Score: 900, CILower: 860, CIUpper: 940, Votes: 40, Wins: 10, Ties: 0, Losses: 20, Preliminary: true},
	}, Pairs: []boards.RatedPair{
		{A: "a", B: "b", AWins: 15, Ties: 3, BWins: 7},
		{A: "a", B: "c", AWins: 10, Ties: 2, BWins: 3},
		{A: "b", B: "c", AWins: 8, Ties: 0, BWins: 7},
	}}
}

func TestLeaderboardChartsVM(t *testing.T) {
	t.Parallel()
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

func TestLeaderboardChartsHeatmaps(t *testing.T) {
	t.Parallel()
	vm := leaderboardChartsVM(chartsFixture(), nil)
	cells := func(h views.Heatmap) [][]views.HeatCell { return h.Cells }
	want := [][]views.HeatCell{
		{{}, {Battles: 25, WinFraction: 16.5 / 25}, {Battles: 15, WinFraction: 11.0 / 15}},
		{{Battles: 25, WinFraction: 8.5 / 25}, {}, {Battles: 15, WinFraction: 8.0 / 15}},
		{{Battles: 15, WinFraction: 4.0 / 15}, {Battles: 15, WinFraction: 7.0 / 15}, {}},
	}
	if d := cmp.Diff(want, cells(vm.WinFraction)); d != "" {
		t.Errorf("win fractions (-want +got):\n%s", d)
	}
	if !vm.Battles.Count || vm.WinFraction.Count {
		t.Error("the battle heatmap must count, the win-fraction one not")
	}
	if d := cmp.Diff([]string{"Alpha", "Beta", "Gamma"}, vm.WinFraction.Names); d != "" {
		t.Errorf("names (-want +got):\n%s", d)
	}
	// Win rate: Alpha 27.5/40, Beta 17.5/40, Gamma 10/30... sorted highest first.
	var order []string
	for _, r := range vm.WinRate.Rows {
		order = append(order, r.Name)
	}
	if d := cmp.Diff([]string{"Alpha", "Beta", "Gamma"}, order); d != "" {
		t.Errorf("win-rate order (-want +got):\n%s", d)
	}
}

func TestLeaderboardChartsHistory(t *testing.T) {
	t.Parallel()
	day := func(d int) time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC).AddDate(0, 0, d) }
	m := func(slug, org, country string, open bool, score float64) boards.HistoryModel {
		return boards.HistoryModel{Slug: slug, DisplayName: "Model " + slug, Organization: org, Country: country, OpenWeights: open, Score: score}
	}
	h := &boards.History{Category: "overall", NewestID: 3, Points: []boards.HistoryPoint{
		{SnapshotID: 1, At: day(0), Models: []boards.HistoryModel{m("a", "Lab A", "FR", true, 1010), m("b", "Lab B", "US", false, 1020)}},
		{SnapshotID: 2, At: day(40), Models: []boards.HistoryModel{m("a", "Lab A", "FR", true, 1030), m("b", "Lab B", "US", false, 1000), m("c", "Lab A", "FR", true, 1050)}},
		{SnapshotID: 3, At: day(70), Models: []boards.HistoryModel{m("a", "Lab A", "FR", true, 1040), m("c", "Lab A", "FR", true, 1020), m("d", "Lab D", "CN", true, 1060)}},
	}}
	vm := leaderboardChartsVM(chartsFixture(), h)

	lines := func(c views.LineChart) map[string][]string {
		out := map[string][]string{}
		for _, s := range c.Series {
			for _, p := range s.Points {
				out[s.Name] = append(out[s.Name], p.At.Format("01-02")+"="+score(p.Value)+" "+p.Note)
			}
		}
		return out
	}
	// The board's models are a (Alpha), b (Beta), c (Gamma).
	wantHistory := map[string][]string{
		"Alpha": {"03-01=1010 ", "04-10=1030 ", "05-10=1040 "},
		"Beta":  {"03-01=1020 ", "04-10=1000 "},
		"Gamma": {"04-10=1050 ", "05-10=1020 "},
	}
	if d := cmp.Diff(wantHistory, lines(vm.History)); d != "" {
		t.Errorf("model history (-want +got):\n%s", d)
	}
	wantOrg := map[string][]string{
		"Lab A": {"03-01=1010 Model a", "04-10=1050 Model c", "05-10=1040 Model a"},
		"Lab D": {"05-10=1060 Model d"},
	}
	if d := cmp.Diff(wantOrg, lines(vm.OrgBest)); d != "" {
		t.Errorf("best open per organisation (-want +got):\n%s", d)
	}
	if got := vm.OrgBest.Series[0].Name; got != "Lab D" {
		t.Errorf("first organisation %q, want the current leader Lab D", got)
	}
	wantCountry := map[string][]string{
		"FR": {"03-01=1010 Model a", "04-10=1050 Model c", "05-10=1040 Model a"},
		"CN": {"05-10=1060 Model d"},
	}
	if d := cmp.Diff(wantCountry, lines(vm.CountryBest)); d != "" {
		t.Errorf("best open per country (-want +got):\n%s", d)
	}
	wantLeaders := []views.LeaderPeriod{
		{Period: "March 2026", Model: "Model a", Organization: "Lab A", Country: "FR", Score: 1010},
		{Period: "April 2026", Model: "Model c", Organization: "Lab A", Country: "FR", Score: 1050},
		{Period: "May 2026", Model: "Model d", Organization: "Lab D", Country: "CN", Score: 1060},
	}
	if d := cmp.Diff(wantLeaders, vm.Leaders); d != "" || vm.LeaderUnit != "month" {
		t.Errorf("leaders by %s (-want +got):\n%s", vm.LeaderUnit, d)
	}

	var b strings.Builder
	if err := views.LeaderboardCharts(vm.Rendered()).Render(t.Context(), &b); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{`id="rating-history"`, `id="org-best"`, `id="country-best"`, `id="open-leaders"`, `id="win-fraction"`, `id="battle-count"`, `id="win-rate"`} {
		if !strings.Contains(page, want) {
			t.Errorf("charts block lacks %s", want)
		}
	}
	if n := strings.Count(page, `class="line s`); n != 3+2+2 {
		t.Errorf("%d lines in the history charts, want 3 models + 2 organisations + 2 countries", n)
	}
}

func TestChartsCache(t *testing.T) {
	t.Parallel()
	var c chartsCache
	draws := 0
	draw := func() views.LeaderboardChartsVM { draws++; return views.LeaderboardChartsVM{Votes: draws} }
	steps := []struct {
		cat            string
		board, history uint
		wantVotes      int
	}{
		{"overall", 1, 1, 1},
		{"overall", 1, 1, 1}, // same snapshots: cached
		{"coding", 1, 1, 2},  // another category draws its own
		{"overall", 2, 1, 3}, // a new board
		{"overall", 2, 2, 4}, // a new history point
		{"overall", 2, 2, 4},
		{"coding", 1, 1, 2},
	}
	for i, s := range steps {
		if got := c.get(s.cat, s.board, s.history, draw).Votes; got != s.wantVotes {
			t.Errorf("step %d (%s %d/%d): charts of draw %d, want %d", i, s.cat, s.board, s.history, got, s.wantVotes)
		}
	}
}
