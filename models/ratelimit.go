package models

import (
	"context"
	"sync/atomic"
	"time"
)

// RateLimiter is a token bucket per key kept in PostgreSQL (the unlogged
// table rate_limits), so that every instance on the database draws from
// the same buckets: N replicas allow what one would, not N times as much.
//
// Each bucket is one row holding its theoretical arrival time (GCRA): the
// moment, in seconds since the epoch on the database's clock, at which the
// bucket would be full again. A request is allowed when taking one token
// leaves that moment at most burst intervals ahead of now. This is the
// token bucket of golang.org/x/time/rate (burst tokens, one more every
// interval, a new key starting full), decided and updated in one
// statement, so concurrent requests on any instance cannot both take the
// last token. A row whose moment has passed is a full bucket, the same as
// no row, and is pruned.
type RateLimiter struct {
	store *Store
	name  string
	// interval is the seconds per token; tolerance is (burst-1)
	// intervals: how far ahead of now a bucket's moment may be before
	// taking a token.
	interval, tolerance float64
	// prunedAt is when this limiter last pruned full buckets (unix nanos).
	prunedAt atomic.Int64
}

// rateLimitTimeout bounds one decision: a limiter that cannot answer
// quickly must not hold the request up.
const rateLimitTimeout = time.Second

// rateLimitPruneEvery is how often each limiter deletes full buckets.
const rateLimitPruneEvery = time.Minute

// RateLimiter returns the shared limiter called name (the keys of limiters
// with different names never meet) allowing perSecond requests per key on
// average and burst at once. On SQLite it returns nil: one process owns
// the database, and an in-process limiter does the same for less.
func (s *Store) RateLimiter(name string, perSecond float64, burst int) *RateLimiter {
	if !s.postgres || perSecond <= 0 {
		return nil
	}
	interval := 1 / perSecond
	return &RateLimiter{store: s, name: name, interval: interval, tolerance: float64(max(burst, 1)-1) * interval}
}

// takeTokenSQL takes one token from the bucket of a key and returns its new
// moment, or no row when the bucket is empty (then nothing changes).
const takeTokenSQL = `INSERT INTO rate_limits AS r (key, tat)
VALUES (?, extract(epoch FROM clock_timestamp())::float8 + ?)
ON CONFLICT (key) DO UPDATE SET tat = GREATEST(r.tat + ?, EXCLUDED.tat)
WHERE GREATEST(r.tat + ?, EXCLUDED.tat) <= EXCLUDED.tat + ?
RETURNING tat`

// Allow takes one token from the bucket of identifier and reports whether
// there was one. It is echo's RateLimiterStore; an error means the
// database did not answer and nothing was decided.
func (l *RateLimiter) Allow(identifier string) (bool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), rateLimitTimeout)
	defer cancel()
	if err := l.prune(ctx); err != nil {
		return false, err
	}
	var tat []float64
	err := l.store.db.WithContext(ctx).Raw(takeTokenSQL, l.name+":"+identifier,
		l.interval, l.interval, l.interval, l.tolerance).Scan(&tat).Error
	return len(tat) == 1, err
}

// prune deletes the full buckets, at most once per rateLimitPruneEvery per
// limiter, on the request that finds it due.
func (l *RateLimiter) prune(ctx context.Context) error {
	now := time.Now().UnixNano()
	last := l.prunedAt.Load()
	if now-last < int64(rateLimitPruneEvery) || !l.prunedAt.CompareAndSwap(last, now) {
		return nil
	}
	return l.store.db.WithContext(ctx).
		Exec(`DELETE FROM rate_limits WHERE tat < extract(epoch FROM clock_timestamp())::float8`).Error
}
