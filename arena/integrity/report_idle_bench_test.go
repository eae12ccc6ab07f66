package integrity

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"
)

// BenchmarkIdleReportLetGo reports, per vote, the heap a kept report
// holds (ranked for the voters page, as the server keeps it) and what is
// still held once it went unread for reportIdle and was let go, through
// the service's own keeping and idle check: ARENA_BENCH_VOTES synthetic
// votes (1,000,000 unless set), one voter per vote (the seed's worst case):
//
//	go test ./arena/integrity -run '^$' -bench IdleReportLetGo -benchtime 1x
func BenchmarkIdleReportLetGo(b *testing.B) {
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("ARENA_BENCH_VOTES")); err == nil && v > 0 {
		n = v
	}
	ctx := context.Background()
	for b.Loop() {
		clock := &fakeClock{t: time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)}
		s := New(nil, nil, clock.now, Options{}, Hooks{})
		base := heapObjects()
		rep, err := buildReport(ctx, syntheticVotes(n, n), n, clock.now(), DefaultOptions, nil, nil)
		if err != nil {
			b.Fatal(err)
		}
		rep.Ranked(FilterAll)
		s.finishBuild(ctx, &reportBuild{rep: rep}, time.Minute)
		rep = nil
		kept := heapObjects() - base
		clock.add(reportIdle)
		s.letGoIdle()
		after := heapObjects() - base
		if s.kept() != nil {
			b.Fatal("the report was not let go")
		}
		runtime.KeepAlive(s)
		b.ReportMetric(float64(kept)/float64(n), "kept-B/vote")
		b.ReportMetric(float64(after)/float64(n), "let-go-B/vote")
	}
}
