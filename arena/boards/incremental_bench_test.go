package boards

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"openarena.dev/arena/models"
)

// BenchmarkIncrementalPostgres times, on a database seeded with
// `arenaload seed` (ARENA_BENCH_POSTGRES_URL; skipped without it), a full
// recomputation (read every vote, rate every board) against the catch-up
// and recomputation after 100 new votes, overall board only and with the
// categories. It adds votes to the database.
func BenchmarkIncrementalPostgres(b *testing.B) {
	dsn := os.Getenv("ARENA_BENCH_POSTGRES_URL")
	if dsn == "" {
		b.Skip("ARENA_BENCH_POSTGRES_URL not set")
	}
	s, err := models.Open(dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	svc := New(s, Options{Workers: 2}, nil)
	svc.computeMu.Lock()
	defer svc.computeMu.Unlock()
	fullRead := timed(b, func() { mustPrepare(b, svc) })
	full := fullRead + timed(b, func() { mustCompute(b, svc, true) })
	for b.Loop() {
		addVotes(b, s, 100)
		read := timed(b, func() { mustPrepare(b, svc) })
		overall := timed(b, func() { mustCompute(b, svc, false) })
		addVotes(b, s, 100)
		all := timed(b, func() { mustPrepare(b, svc); mustCompute(b, svc, true) })
		b.ReportMetric(float64(svc.rated.len()), "votes")
		b.ReportMetric(fullRead.Seconds(), "s/full-read")
		b.ReportMetric(full.Seconds(), "s/full")
		b.ReportMetric(read.Seconds(), "s/catch-up-100")
		b.ReportMetric((read + overall).Seconds(), "s/incremental-overall")
		b.ReportMetric(all.Seconds(), "s/incremental-all")
	}
}

func timed(b *testing.B, fn func()) time.Duration {
	start := time.Now()
	fn()
	return time.Since(start)
}

func mustPrepare(b *testing.B, s *Service) {
	if _, err := s.prepare(context.Background()); err != nil {
		b.Fatal(err)
	}
}

func mustCompute(b *testing.B, s *Service, cats bool) {
	if _, err := s.computeBoards(context.Background(), cats, false, cats); err != nil {
		b.Fatal(err)
	}
}

// addVotes casts n counted votes on bank battles of the first prompt.
func addVotes(b *testing.B, s *models.Store, n int) {
	ctx := context.Background()
	ids, err := s.BankPromptIDs(ctx)
	if err != nil || len(ids) == 0 {
		b.Fatalf("bank: %v %v", ids, err)
	}
	_, rs, err := s.PromptAnswers(ctx, ids[0])
	if err != nil || len(rs) < 2 {
		b.Fatalf("answers: %d %v", len(rs), err)
	}
	for i := range n {
		x, y := rs[i%len(rs)], rs[(i+1)%len(rs)]
		bt := &models.Battle{ID: fmt.Sprintf("bench-%d-%d", time.Now().UnixNano(), i), PromptID: x.PromptID,
			ContenderAID: x.ContenderID, ContenderBID: y.ContenderID, ResponseAID: &x.ID, ResponseBID: &y.ID,
			VoterID: "bench", Mode: models.ModeBank, State: models.StateReady}
		if err := s.CreateBattle(ctx, bt); err != nil {
			b.Fatal(err)
		}
		if _, err := s.RecordVote(ctx, &models.Vote{BattleID: bt.ID, Winner: models.WinnerA, VoterID: "bench", Counted: true}); err != nil {
			b.Fatal(err)
		}
	}
}
