package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// DefaultDSN is the embedded SQLite file used when nothing is configured.
const DefaultDSN = "data/arena.db"

// Store is the arena's only door to the database.
type Store struct {
	db *gorm.DB
	// sql is db's pool, for the vote path's statements (see hotSQL).
	sql      *sql.DB
	postgres bool
	// dsn is kept for the connections that must be their own: the one
	// that listens for signals (see ListenSignals) and the job queue's
	// listener (see JobDriver).
	dsn string
	// jobs is the job queue's driver, made once (see JobDriver).
	jobs jobDriver
	// categorizer labels prompts as they are stored (see SetCategorizer).
	categorizer atomic.Pointer[Categorizer]
}

// Open connects to dsn: a postgres:// or postgresql:// URL selects PostgreSQL,
// anything else is the path of a SQLite file (created with its folder).
// It does not migrate; call Migrate.
func Open(dsn string) (*Store, error) {
	if dsn == "" {
		dsn = DefaultDSN
	}
	cfg := &gorm.Config{
		Logger:         logger.Default.LogMode(logger.Silent),
		TranslateError: true,
		NowFunc:        func() time.Time { return time.Now().UTC() },
	}
	if isPostgres(dsn) {
		db, err := gorm.Open(postgres.Open(dsn), cfg)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		sqlDB, err := db.DB()
		if err != nil {
			return nil, err
		}
		sqlDB.SetMaxOpenConns(32)
		sqlDB.SetMaxIdleConns(32)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
		return &Store{db: db, sql: sqlDB, postgres: true, dsn: dsn}, nil
	}
	path := strings.TrimPrefix(dsn, "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("create database folder: %w", err)
		}
	}
	db, err := gorm.Open(sqlite.Open(sqliteDSN(path)), cfg)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	// One connection serialises writers in-process, so SQLite never answers
	// "database is locked" under concurrent votes; WAL keeps it fast.
	sqlDB.SetMaxOpenConns(1)
	return &Store{db: db, sql: sqlDB}, nil
}

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

func sqliteDSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	return "file:" + path + "?" + q.Encode()
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// Close releases the connections, the job queue's listener too. Stop every
// job client first.
func (s *Store) Close() error {
	s.jobs.close()
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

func notFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	}
	return err
}
