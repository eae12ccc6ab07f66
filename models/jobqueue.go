package models

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"sync"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"gorm.io/gorm"
)

// JobTx is the transaction a job is enqueued in, so that it is stored
// together with the rows that ask for it, or not at all.
type JobTx = *sql.Tx

// jobDriver holds the queue's driver, made on first use.
type jobDriver struct {
	once     sync.Once
	driver   riverdriver.Driver[JobTx]
	listener *pgxpool.Pool
	err      error
}

func (j *jobDriver) close() {
	if j.listener != nil {
		j.listener.Close()
	}
}

// JobDriver returns the driver of the durable job queue (River) over the
// store's own connection pool, so a job can be enqueued in the same
// transaction as the rows that ask for it. On PostgreSQL a small pool of its
// own listens for new jobs (LISTEN/NOTIFY), so another replica starts one at
// once; on SQLite the queue polls.
func (s *Store) JobDriver() (riverdriver.Driver[JobTx], error) {
	s.jobs.once.Do(func() {
		sqlDB, err := s.db.DB()
		if err != nil {
			s.jobs.err = err
			return
		}
		if !s.postgres {
			s.jobs.driver = riversqlite.New(sqlDB)
			return
		}
		cfg, err := pgxpool.ParseConfig(s.dsn)
		if err != nil {
			s.jobs.err = fmt.Errorf("job queue listener: %w", err)
			return
		}
		// Each client hijacks one connection for LISTEN and never returns
		// it; the pool only hands them out.
		cfg.MinConns, cfg.MaxConns = 0, 2
		pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
		if err != nil {
			s.jobs.err = fmt.Errorf("job queue listener: %w", err)
			return
		}
		s.jobs.listener = pool
		s.jobs.driver = riverdatabasesql.NewWithPgxListener(sqlDB, pool)
	})
	return s.jobs.driver, s.jobs.err
}

// migrateJobs brings the job queue's own tables (river_job and the rest)
// up to date. Each of River's steps commits on its own (one adds an enum
// value that the next uses, which PostgreSQL refuses in one transaction);
// the caller holds the migration lock, so replicas still take turns.
func (s *Store) migrateJobs(ctx context.Context) error {
	driver, err := s.JobDriver()
	if err != nil {
		return err
	}
	m, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	return err
}

// inJobTx runs fn in a transaction and hands it the SQL transaction that
// jobs are enqueued in.
func inJobTx(ctx context.Context, db *gorm.DB, fn func(tx *gorm.DB, jtx JobTx) error) error {
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		sqlTx, ok := tx.Statement.ConnPool.(*sql.Tx)
		if !ok {
			return fmt.Errorf("enqueue a job: no SQL transaction (%T)", tx.Statement.ConnPool)
		}
		return fn(tx, sqlTx)
	})
}

// AvailableJobs counts the jobs waiting for a worker: the queue's depth. It
// grows when the instances cannot keep up, or when none is working jobs.
func (s *Store) AvailableJobs(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Table("river_job").Where("state = ?", "available").Count(&n).Error
	return n, err
}
