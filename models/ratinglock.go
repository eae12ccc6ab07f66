package models

import (
	"context"
	"database/sql/driver"
	"errors"
)

// ratingLockClass is the first key of the PostgreSQL advisory lock that
// keeps replicas from computing ratings at the same time; the second key is
// the schema, so separate arenas sharing one database do not wait on each
// other.
const ratingLockClass = 7_231_002

// WithRatingLock runs fn while holding the arena-wide ratings lock and
// reports whether it ran. On PostgreSQL it is a session advisory lock taken
// with pg_try_advisory_lock on a pinned connection: if another instance holds
// it, fn does not run and ran is false. On SQLite, which one process owns,
// fn always runs; the caller serialises within the process.
func (s *Store) WithRatingLock(ctx context.Context, fn func(ctx context.Context) error) (ran bool, err error) {
	if !s.postgres {
		return true, fn(ctx)
	}
	sqlDB, err := s.db.DB()
	if err != nil {
		return false, err
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Close()
	var got bool
	err = conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1, hashtext(current_schema()))`, ratingLockClass).Scan(&got)
	if err != nil {
		// Whether the lock was taken is unknown: never hand this session
		// back to the pool, where it could keep the lock forever.
		discard(conn)
		return false, err
	}
	if !got {
		return false, nil
	}
	defer func() {
		// Unlock even when ctx has ended, or the pooled session would keep
		// the lock and stop every instance from computing.
		uctx := context.WithoutCancel(ctx)
		var released bool
		uerr := conn.QueryRowContext(uctx, `SELECT pg_advisory_unlock($1, hashtext(current_schema()))`, ratingLockClass).Scan(&released)
		if uerr != nil || !released {
			discard(conn)
			err = errors.Join(err, uerr)
		}
	}()
	return true, fn(ctx)
}

// discard makes database/sql close the connection instead of pooling it,
// which ends its session and any advisory lock it holds.
func discard(conn interface {
	Raw(func(any) error) error
}) {
	conn.Raw(func(any) error { return driver.ErrBadConn })
}
