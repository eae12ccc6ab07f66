package boards

import (
	"context"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"testing"

	"openarena.dev/arena/internal/heappeak"
	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// BenchmarkSlowJobMemory measures one background slow job (the overall
// board's slow part and every category board) over ARENA_BENCH_VOTES
// synthetic votes (default 1,000,000, 300 contenders) with
// ARENA_BENCH_ROUNDS bootstrap rounds (default 10; memory does not grow
// with them): the bytes it allocates per vote, the most it holds at once
// beyond the votes held (live heap sampled with the collector running
// often), and what it leaves held once done:
// go test ./arena/boards -run '^$' -bench SlowJobMemory -benchtime 1x
func BenchmarkSlowJobMemory(b *testing.B) {
	n := benchEnv("ARENA_BENCH_VOTES", 1_000_000)
	rv := syntheticVotes(n)
	cs := make([]models.Contender, 300)
	for i := range cs {
		cs[i] = models.Contender{ID: uint(i + 1), Slug: "model-" + strconv.Itoa(1000+i)}
	}
	s := New(storetest.Open(b, "sqlite"), Options{Workers: 2, Rounds: benchEnv("ARENA_BENCH_ROUNDS", 10)}, nil)
	s.rated = rv
	ctx := context.Background()
	// A collection every 10% of growth keeps the live heap sampled close
	// to what is really held.
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	for b.Loop() {
		runtime.GC()
		base := heappeak.Live()
		allocs := heappeak.Read("/gc/heap/allocs:bytes")
		stop := heappeak.Sample()
		func() {
			s.computeMu.Lock()
			job, err := s.slowJobOf(ctx, cs)
			s.computeMu.Unlock()
			if err != nil {
				b.Fatal(err)
			}
			defer job.release()
			if _, err := s.rateJob(ctx, job, true); err != nil {
				b.Fatal(err)
			}
		}()
		peak := stop()
		allocated := heappeak.Read("/gc/heap/allocs:bytes") - allocs
		runtime.GC()
		b.ReportMetric(float64(base)/float64(n), "held-B/vote")
		b.ReportMetric(float64(allocated)/float64(n), "alloc-B/vote")
		b.ReportMetric((float64(peak)-float64(base))/float64(n), "peak-B/vote")
		b.ReportMetric((float64(heappeak.Live())-float64(base))/float64(n), "left-B/vote")
	}
}

func benchEnv(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
