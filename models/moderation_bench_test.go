package models_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// BenchmarkPromptHold measures the read moderation adds to the vote path
// (is any prompt of the battle flagged or rejected?), on PostgreSQL, among
// 50,000 live battles of three turns each, one prompt in ten flagged. The
// floor sub-benchmark is the battle read the vote path makes anyway.
//
//	ARENA_TEST_POSTGRES_URL=… go test ./models -run '^$' -bench PromptHold -benchtime 2000x -count 3
func BenchmarkPromptHold(b *testing.B) {
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
		`INSERT INTO prompts (id, text, hash, source, status, categories, language, created_at, updated_at)
			SELECT 1000 + g, 'p' || g, md5('p' || g), 'user', CASE WHEN g % 10 = 0 THEN 'flagged' ELSE 'approved' END,
				'[]', 'und', now(), now() FROM generate_series(1, 150000) g`,
		`INSERT INTO battles (id, prompt_id, contender_a_id, contender_b_id, voter_id, mode, state, leak, void_reason, created_at, updated_at)
			SELECT 'b' || g, 1000 + g * 3 - 2, (SELECT MIN(id) FROM contenders), (SELECT MAX(id) FROM contenders),
				'v' || g, 'live', 'ready', '', '', now(), now() FROM generate_series(1, 50000) g`,
		`INSERT INTO turns (battle_id, n, prompt_id, created_at)
			SELECT 'b' || g, k, 1000 + g * 3 - 3 + k, now() FROM generate_series(1, 50000) g, generate_series(1, 3) k`,
		`ANALYZE`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	// b10 has a flagged prompt (its third turn, prompt 30), b11 none.
	for _, c := range []struct{ battle, want string }{{"b10", models.ExcludedPromptFlagged}, {"b11", ""}} {
		b.Run("hold-"+c.battle, func(b *testing.B) {
			for b.Loop() {
				got, err := s.VoteChecks(ctx, c.battle, "v1", "", models.RiskWindow{BurstSince: time.Now(), AddressSince: time.Now(), BurstCap: 61, AddressCap: 6})
				if err != nil || got.Hold != c.want {
					b.Fatalf("VoteChecks(%s) = %+v, %v; want hold %q", c.battle, got, err, c.want)
				}
			}
		})
	}
	b.Run("floor", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.Battle(ctx, "b11"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkReviewPopularPrompt measures reviews of a bank prompt shown in
// 50,000 voted battles, on PostgreSQL: each review brings every one of
// those votes' exclusion in line.
//
//	ARENA_TEST_POSTGRES_URL=… go test ./models -run '^$' -bench ReviewPopularPrompt -benchtime 5x
func BenchmarkReviewPopularPrompt(b *testing.B) {
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
		`INSERT INTO battles (id, prompt_id, contender_a_id, contender_b_id, voter_id, mode, state, leak, void_reason, created_at, updated_at)
			SELECT 'b' || g, (SELECT MIN(id) FROM prompts), (SELECT MIN(id) FROM contenders), (SELECT MAX(id) FROM contenders),
				'v' || g, 'bank', 'voted', '', '', now(), now() FROM generate_series(1, 50000) g`,
		`INSERT INTO votes (battle_id, winner, voter_id, ip_hash, read_seconds, counted, reason, excluded, created_at)
			SELECT 'b' || g, 'model_a', 'v' || g, '', 10, true, '', '', now() FROM generate_series(1, 50000) g`,
		`ANALYZE`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	var pid uint
	if err := conn.QueryRow(ctx, `SELECT MIN(id) FROM prompts`).Scan(&pid); err != nil {
		b.Fatal(err)
	}
	b.Run("reject-and-approve", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.ReviewPrompts(ctx, []uint{pid}, models.StatusRejected, "bench", "bench", time.Now()); err != nil {
				b.Fatal(err)
			}
			if _, err := s.ReviewPrompts(ctx, []uint{pid}, models.StatusApproved, "bench", "", time.Now()); err != nil {
				b.Fatal(err)
			}
		}
	})
	// Approving an approved prompt changes no vote: the cost of reading
	// them all, which is also what lifting one vote's integrity exclusion
	// pays (it syncs the vote's prompts).
	b.Run("approve-unchanged", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.ReviewPrompts(ctx, []uint{pid}, models.StatusApproved, "bench", "", time.Now()); err != nil {
				b.Fatal(err)
			}
		}
	})
	total, counted, err := s.CountVotes(ctx)
	if err != nil || total != 50000 || counted != 50000 {
		b.Fatalf("after the reviews %d of %d votes count, %v", counted, total, err)
	}
}
