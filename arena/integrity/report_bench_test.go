package integrity

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"testing"
	"time"

	"openarena.dev/arena/models"
)

// BenchmarkReportMemory reports the integrity report's heap per vote: what
// the report keeps once computed (retained; ranked with the voters page's
// order of every voter, which the server works out next) and the most the
// heap held while computing it (peak, sampled every millisecond; it includes garbage
// not yet collected, so it depends on GOGC). The votes are synthetic and
// made as they are read, as rows from the database would be, so they do not
// count: ARENA_BENCH_VOTES votes (1,000,000 unless set) by a voter for
// every 20 and by a voter each (like `arenaload seed`). With
// ARENA_BENCH_POSTGRES_URL set it also reads a seeded database.
//
//	go test ./arena/integrity -run '^$' -bench ReportMemory -benchtime 1x
func BenchmarkReportMemory(b *testing.B) {
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("ARENA_BENCH_VOTES")); err == nil && v > 0 {
		n = v
	}
	for _, voters := range []int{n / 20, n} {
		b.Run(fmt.Sprintf("votes=%d/voters=%d", n, voters), func(b *testing.B) {
			benchReport(b, syntheticVotes(n, voters), n)
		})
	}
	dsn := os.Getenv("ARENA_BENCH_POSTGRES_URL")
	if dsn == "" {
		return
	}
	b.Run("postgres", func(b *testing.B) {
		s, err := models.Open(dsn)
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		benchReport(b, s.EachIntegrityVote, 0)
	})
}

// benchReport computes the report of each b.N times and reports its memory
// per vote; n is the number of votes (0: count them first).
func benchReport(b *testing.B, each voteSource, n int) {
	ctx := context.Background()
	if n == 0 {
		if err := each(ctx, func(*models.IntegrityVote) error { n++; return nil }); err != nil {
			b.Fatal(err)
		}
	}
	o := DefaultOptions
	for b.Loop() {
		base := heapObjects()
		stop, peak := samplePeak()
		rep, err := buildReport(ctx, each, n, time.Now(), o, nil, nil)
		stop()
		if err != nil {
			b.Fatal(err)
		}
		retained := heapObjects() - base
		// The server ranks every voter for the voters page once a report
		// is made, and keeps that order with it.
		rep.Ranked(FilterAll)
		ranked := heapObjects() - base
		runtime.KeepAlive(rep)
		b.ReportMetric(float64(retained)/float64(n), "retained-B/vote")
		b.ReportMetric(float64(ranked)/float64(n), "ranked-B/vote")
		b.ReportMetric(float64(*peak-base)/float64(n), "peak-B/vote")
	}
}

// heapObjects is the live heap after a collection.
func heapObjects() uint64 {
	runtime.GC()
	return readHeap()
}

func readHeap() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// samplePeak samples the heap every millisecond until stop is called, and
// leaves the largest figure in peak.
func samplePeak() (stop func(), peak *uint64) {
	peak = new(uint64)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			*peak = max(*peak, readHeap())
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); wg.Wait(); *peak = max(*peak, readHeap()) }, peak
}

// syntheticVotes makes n votes of the given number of voters over 300
// contenders, a few seconds apart with every 97th a minute early (so ids
// are not quite in time order), half the voters sharing an address with
// another, most counted, some left out. With one voter per vote the votes
// look like `arenaload seed`'s: no address, 20 s of reading.
func syntheticVotes(n, voters int) voteSource {
	return func(ctx context.Context, fn func(*models.IntegrityVote) error) error {
		r := rand.New(rand.NewPCG(1, 2))
		start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		at := start
		var v models.IntegrityVote
		for i := range n {
			at = at.Add(time.Duration(r.IntN(2000)) * time.Millisecond)
			u := i % voters
			if voters < n {
				u = r.IntN(voters)
			}
			a := r.IntN(300)
			v = models.IntegrityVote{ID: uint(i + 1), VoterID: fmt.Sprintf("voter-%08x", u), ContenderAID: uint(a + 1),
				ContenderBID: uint((a+1+r.IntN(299))%300 + 1), Winner: [...]string{models.WinnerA, models.WinnerB, models.WinnerTie}[r.IntN(3)],
				ReadSeconds: 20, Counted: true, CreatedAt: at}
			if voters < n {
				v.IPHash = fmt.Sprintf("ip-%08x", u/2)
				v.ReadSeconds = 1 + 60*r.Float64()
				v.Counted = r.IntN(20) > 0
				if r.IntN(50) == 0 {
					v.Excluded = "risk: too fast"
				}
			}
			if i%97 == 0 {
				v.CreatedAt = at.Add(-time.Minute)
			}
			if err := fn(&v); err != nil {
				return err
			}
		}
		return nil
	}
}
