package boards

import (
	"context"
	"encoding/json"
	"os"
	"strconv"
	"testing"
	"time"

	"openarena.dev/arena/models"
	"openarena.dev/arena/rating"
)

// BenchmarkOverallPhases times each step of rating the overall board of
// ARENA_BENCH_VOTES synthetic votes (default 1,000,000) over 300
// contenders, so the slow step is visible:
// go test ./arena/boards -run '^$' -bench OverallPhases -benchtime 1x
func BenchmarkOverallPhases(b *testing.B) {
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("ARENA_BENCH_VOTES")); err == nil && v > 0 {
		n = v
	}
	rv := syntheticVotes(n)
	cs := make([]models.Contender, 300)
	for i := range cs {
		cs[i] = models.Contender{ID: uint(i + 1), Slug: "model-" + strconv.Itoa(1000+i)}
	}
	s := New(nil, Options{Workers: 2}, nil)
	ctx := context.Background()
	for b.Loop() {
		var in ratingsInput
		phase(b, "input", func() { in = ratingInput(cs, rv, nil) })
		ro := s.ratingOptions()
		phase(b, "digest", func() { InputsDigest(in.names, in.outcomes, in.style, Settings{Style: true}) })
		var board *rating.Board
		ro.StyleControl = false
		phase(b, "plain", func() { board, _ = rating.ComputeBoard(ctx, in.names, in.outcomes, nil, ro) })
		ro.StyleControl = true
		phase(b, "styled", func() { rating.ComputeBoard(ctx, in.names, in.outcomes, in.style, ro) })
		phase(b, "pairs", func() { pairRecords(in.names, in.outcomes) })
		phase(b, "robust", func() { topRobustness(rating.Cells(in.outcomes), board) })
		var rb *RatedBoard
		phase(b, "rate", func() { rb, _ = s.rateCategory(ctx, models.CategoryOverall, in, true) })
		phase(b, "json", func() { json.Marshal(rb) })
	}
}

func phase(b *testing.B, name string, fn func()) {
	start := time.Now()
	fn()
	b.ReportMetric(time.Since(start).Seconds(), "s/"+name)
}

// BenchmarkOverallFast times what every recomputation under heavy voting
// does for the overall board of ARENA_BENCH_VOTES synthetic votes (default
// 1,000,000, 300 contenders): the cells, Elo and tallies in one pass, the
// plain scores with their bootstrap and the pairs, with the digest kept as
// the server keeps it (see slowview.go):
// go test ./arena/boards -run '^$' -bench OverallFast -benchtime 3x
func BenchmarkOverallFast(b *testing.B) {
	b.Run("fresh", func(b *testing.B) { benchOverallFast(b, false) })
	b.Run("kept", func(b *testing.B) { benchOverallFast(b, true) })
}

// benchOverallFast is BenchmarkOverallFast counting the votes afresh or,
// with kept, as the recomputer does: 1,000 new votes appended before each
// computation, counted alone (cellCount).
func benchOverallFast(b *testing.B, kept bool) {
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("ARENA_BENCH_VOTES")); err == nil && v > 0 {
		n = v
	}
	rv := syntheticVotes(n)
	// The appended votes come from a longer synthetic history (its votes
	// past n), enough for 50 computations.
	more := syntheticVotes(n + 50_000)
	cs := make([]models.Contender, 300)
	for i := range cs {
		cs[i] = models.Contender{ID: uint(i + 1), Slug: "model-" + strconv.Itoa(1000+i)}
	}
	slugs := map[uint32]string{}
	for _, c := range cs {
		slugs[uint32(c.ID)] = c.Slug
	}
	rv.rehash(slugs)
	s := New(nil, Options{Workers: 2}, nil)
	ctx := context.Background()
	elo := s.ratingOptions().Elo
	c0 := cpuNow()
	defer func() { reportCPU(b, c0) }()
	var count *cellCount
	if kept {
		count = &cellCount{}
		count.input(cs, rv, elo)
	}
	for b.Loop() {
		if kept {
			for j, end := rv.len(), min(rv.len()+1000, more.len()); j < end; j++ {
				rv.push(more.row(j))
			}
		}
		in := count.input(cs, rv, elo)
		in.digest = rv.digestOf(nil)
		if _, err := s.rateCategory(ctx, models.CategoryOverall, in, false); err != nil {
			b.Fatal(err)
		}
	}
}
