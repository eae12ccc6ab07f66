package handlers

import (
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"openarena.dev/arena/arena/boards"
	"openarena.dev/arena/views"
)

// benchBoard is a board the size the leaderboard is benchmarked at: 100
// models that all met each other, and a history of 200 computations.
func benchBoard() (*boards.RatedBoard, *boards.History) {
	rng := rand.New(rand.NewPCG(1, 2))
	b := &boards.RatedBoard{Category: "overall", Votes: 1_000_000}
	for i := range 100 {
		sc := 1300 - 6*float64(i)
		b.Models = append(b.Models, boards.RatedRow{Slug: fmt.Sprintf("m%03d", i), DisplayName: fmt.Sprintf("Model %d", i),
			Organization: fmt.Sprintf("Org %d", i%20), Country: []string{"US", "FR", "CN", "DE"}[i%4], OpenWeights: i%3 != 0,
			Score: sc, CILower: sc - 8, CIUpper: sc + 8, Votes: 20000, Wins: 9000, Ties: 2000, Losses: 9000})
	}
	for i := range 100 {
		for j := i + 1; j < 100; j++ {
			b.Pairs = append(b.Pairs, boards.RatedPair{A: b.Models[i].Slug, B: b.Models[j].Slug, AWins: rng.IntN(100), Ties: rng.IntN(20), BWins: rng.IntN(100)})
		}
	}
	h := &boards.History{Category: "overall", NewestID: 200}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for k := range 200 {
		p := boards.HistoryPoint{SnapshotID: uint(k + 1), At: t0.Add(time.Duration(k) * 24 * time.Hour)}
		for _, m := range b.Models {
			p.Models = append(p.Models, boards.HistoryModel{Slug: m.Slug, DisplayName: m.DisplayName, Organization: m.Organization,
				Country: m.Country, OpenWeights: m.OpenWeights, Score: m.Score + rng.NormFloat64()*20})
		}
		h.Points = append(h.Points, p)
	}
	return b, h
}

// BenchmarkLeaderboardChartsBuild is the cost of drawing the charts from a
// board and its history: what a cache per snapshot saves per request.
func BenchmarkLeaderboardChartsBuild(b *testing.B) {
	board, h := benchBoard()
	var size int
	for b.Loop() {
		vm := leaderboardChartsVM(board, h).Rendered()
		size = 0
		var w countWriter
		if err := views.LeaderboardCharts(vm).Render(b.Context(), &w); err != nil {
			b.Fatal(err)
		}
		size = int(w)
	}
	b.ReportMetric(float64(size), "bytes/page")
}

// BenchmarkLeaderboardChartsCached is the cost per request once the charts
// are drawn: writing the cached markup and the data tables.
func BenchmarkLeaderboardChartsCached(b *testing.B) {
	board, h := benchBoard()
	vm := leaderboardChartsVM(board, h).Rendered()
	for b.Loop() {
		if err := views.LeaderboardCharts(vm).Render(b.Context(), io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

type countWriter int

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }
