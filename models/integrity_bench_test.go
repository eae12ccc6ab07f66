package models_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// BenchmarkVoteRisk measures the query the vote path adds for integrity,
// on PostgreSQL, in the worst case it is built for: 50,000 voters seen on
// one keyed address (a proxy whose X-Forwarded-For is not trusted) and a
// voter with 2,000 votes in the last hour.
//
// The floor sub-benchmark is a primary-key read through the same store, to
// tell the query's own cost from the round trip's.
//
//	ARENA_TEST_POSTGRES_URL=… go test ./models -run '^$' -bench VoteRisk -benchtime 2000x -count 3
func BenchmarkVoteRisk(b *testing.B) {
	ctx := context.Background()
	dsn := storetest.PostgresDSN(b)
	s, err := models.Open(dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := s.ImportBank(ctx, bank(), nil); err != nil {
		b.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO voters (id, ip_hash, blocked, created_at, last_seen)
			SELECT 'v' || g, 'shared', false, now(), now() - (g % 3600) * interval '1 second' FROM generate_series(1, 50000) g`,
		`INSERT INTO battles (id, prompt_id, contender_a_id, contender_b_id, voter_id, mode, state, leak, void_reason, created_at, updated_at)
			SELECT 'b' || g, (SELECT MIN(id) FROM prompts), (SELECT MIN(id) FROM contenders), (SELECT MAX(id) FROM contenders),
				CASE WHEN g <= 2000 THEN 'v1' ELSE 'v' || g END, 'bank', 'voted', '', '', now(), now()
			FROM generate_series(1, 50000) g`,
		`INSERT INTO votes (battle_id, winner, voter_id, ip_hash, read_seconds, counted, reason, excluded, created_at)
			SELECT 'b' || g, 'model_a', CASE WHEN g <= 2000 THEN 'v1' ELSE 'v' || g END, 'shared', 10, true, '', '',
				now() - (g % 3000) * interval '1 second'
			FROM generate_series(1, 50000) g`,
		`ANALYZE`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	now := time.Now().UTC()
	b.Run("risk", func(b *testing.B) {
		for b.Loop() {
			c, err := s.VoteChecks(ctx, "b1", "v1", "shared",
				models.RiskWindow{BurstSince: now.Add(-time.Hour), AddressSince: now.Add(-24 * time.Hour), BurstCap: 61, AddressCap: 6})
			f := c.Risk
			if err != nil || f.RecentVotes != 61 || f.OtherAddressVoters != 6 {
				b.Fatalf("%+v %v", f, err)
			}
		}
	})
	// The floor: a primary-key read of one voter through the same store,
	// the cheapest round trip the vote path makes.
	b.Run("floor", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.Voter(ctx, "v1"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
