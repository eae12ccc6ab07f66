// Package storetest opens real, empty, migrated stores for tests: SQLite
// always, PostgreSQL when one is configured or reachable.
//
// ARENA_TEST_POSTGRES_URL names the server (default: the local one on
// 127.0.0.1:5432 as user postgres). Without it the PostgreSQL cases skip with a
// message; ARENA_TEST_REQUIRE_POSTGRES=1 (set in CI) makes them fail instead.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"openarena.dev/arena/models"
)

// DefaultPostgresURL is tried when ARENA_TEST_POSTGRES_URL is not set.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// Dialects names the stores Each runs on.
var Dialects = []string{"sqlite", "postgres"}

// Each runs fn once per dialect as a subtest, each with a fresh store.
func Each(t *testing.T, fn func(t *testing.T, s *models.Store)) {
	t.Helper()
	for _, d := range Dialects {
		t.Run(d, func(t *testing.T) {
			fn(t, Open(t, d))
		})
	}
}

// Open returns a fresh migrated store of the dialect, closed and removed when
// the test ends. It skips (or fails when required) if PostgreSQL is absent.
func Open(t testing.TB, dialect string) *models.Store {
	t.Helper()
	dsn := SQLiteDSN(t)
	if dialect == "postgres" {
		dsn = PostgresDSN(t)
	}
	s, err := models.Open(dsn)
	if err != nil {
		t.Fatalf("open %s store: %v", dialect, err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate %s store: %v", dialect, err)
	}
	return s
}

// SQLiteDSN returns the path of a new SQLite file in the test's temp folder.
func SQLiteDSN(t testing.TB) string {
	return filepath.Join(t.TempDir(), "arena.db")
}

// PostgresDSN creates an empty schema for this test and returns a URL whose
// search_path points at it; the schema is dropped when the test ends. A schema
// is much cheaper than a database (no template copy and checkpoint), and
// synchronous_commit is off because tests need no crash durability.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv("ARENA_TEST_POSTGRES_URL")
	if base == "" {
		base = DefaultPostgresURL
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		if os.Getenv("ARENA_TEST_REQUIRE_POSTGRES") == "1" {
			t.Fatalf("PostgreSQL is required (ARENA_TEST_REQUIRE_POSTGRES=1) but %s does not answer: %v", redact(base), err)
		}
		t.Skipf("skipping PostgreSQL test: no server at %s (set ARENA_TEST_POSTGRES_URL): %v", redact(base), err)
	}
	defer admin.Close(context.Background())
	name := "arena_test_" + randomHex(6)
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+name); err != nil {
		t.Fatalf("create test schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Logf("drop test schema %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP SCHEMA IF EXISTS "+name+" CASCADE"); err != nil {
			t.Logf("drop test schema %s: %v", name, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse ARENA_TEST_POSTGRES_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", name)
	q.Set("synchronous_commit", "off")
	u.RawQuery = q.Encode()
	return u.String()
}

func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "the configured server"
	}
	return u.Redacted()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
