package models

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// migration is one ordered schema step that AutoMigrate cannot express.
type migration struct {
	Version int
	Name    string
	SQL     string
}

// onPostgres are the steps whose statement differs on PostgreSQL, by
// version: it runs there instead of the step's SQL.
var onPostgres = map[int]string{
	80: `CREATE UNLOGGED TABLE IF NOT EXISTS rate_limits (key TEXT PRIMARY KEY, tat DOUBLE PRECISION NOT NULL)`,
}

// migrations run in order, each once, recorded in schema_migrations.
// Append only: never edit or reorder a released step.
var migrations = []migration{
	{1, "partial index on counted votes for the leaderboard scan",
		`CREATE INDEX IF NOT EXISTS idx_votes_counted_id ON votes (id) WHERE counted = true`},
	{2, "index for resuming a voter's open battle",
		`CREATE INDEX IF NOT EXISTS idx_battles_voter_state_created ON battles (voter_id, state, created_at)`},
	{3, "partial index on answers whose style is not yet measured",
		`CREATE INDEX IF NOT EXISTS idx_responses_unmeasured ON responses (id) WHERE style_tokens < 0`},
	{4, "partial index on the votes in the ratings (counted and not excluded)",
		`CREATE INDEX IF NOT EXISTS idx_votes_rated_id ON votes (id) WHERE counted = true AND excluded = ''`},
	{20, "index on the prompt of each live turn, to find the battles a moderated prompt was shown in",
		`CREATE INDEX IF NOT EXISTS idx_turns_prompt ON turns (prompt_id)`},
	{30, "index on each voter's votes by time, for the vote-time burst check and the voter pages",
		`CREATE INDEX IF NOT EXISTS idx_votes_voter_created ON votes (voter_id, created_at)`},
	{31, "index on each keyed address's votes by time, for the vote-time shared-address check",
		`CREATE INDEX IF NOT EXISTS idx_votes_iphash_created ON votes (ip_hash, created_at)`},
	{32, "index on each keyed address's voters by last sight, for the vote-time shared-address check",
		`CREATE INDEX IF NOT EXISTS idx_voters_iphash_seen ON voters (ip_hash, last_seen)`},
	{33, "drop the votes index of step 31: the shared-address check reads voters instead",
		`DROP INDEX IF EXISTS idx_votes_iphash_created`},
	{50, "partial index on prompts not yet categorised (empty language)",
		`CREATE INDEX IF NOT EXISTS idx_prompts_uncategorized ON prompts (id) WHERE language = ''`},
	{70, "live prompts stored as suggestions before live prompts had a source of their own",
		`UPDATE prompts SET source = 'live' WHERE source = 'user' AND id IN (SELECT prompt_id FROM turns)`},
	{80, "rate-limit buckets shared by the instances (unlogged on PostgreSQL: a crash only refills them; unused on SQLite)",
		`CREATE TABLE IF NOT EXISTS rate_limits (key TEXT PRIMARY KEY, tat DOUBLE PRECISION NOT NULL)`},
	{90, "drop the votes' voter index: idx_votes_voter_created begins with the voter",
		`DROP INDEX IF EXISTS idx_votes_voter_id`},
	{91, "drop the battles' voter index: idx_battles_voter_state_created begins with the voter",
		`DROP INDEX IF EXISTS idx_battles_voter_id`},
	{92, "drop the index on the votes' counted flag: the partial indexes on counted votes serve every read",
		`DROP INDEX IF EXISTS idx_votes_counted`},
}

// schemaMigration records an applied step.
type schemaMigration struct {
	Version   int `gorm:"primaryKey;autoIncrement:false"`
	Name      string
	AppliedAt time.Time
}

func (schemaMigration) TableName() string { return "schema_migrations" }

// migrationLockKey is the PostgreSQL advisory lock (with the schema's hash
// as its second key) that keeps replicas from migrating at the same time.
const migrationLockKey = 7_231_001

// Migrate brings the schema up to date: AutoMigrate for the tables, then the
// versioned steps not yet recorded, then the job queue's (River's) tables.
func (s *Store) Migrate(ctx context.Context) error {
	return s.withMigrationLock(ctx, func(db *gorm.DB) error {
		if err := db.AutoMigrate(append(allTables(), &schemaMigration{})...); err != nil {
			return fmt.Errorf("auto-migrate: %w", err)
		}
		var done []int
		if err := db.Model(&schemaMigration{}).Pluck("version", &done).Error; err != nil {
			return err
		}
		applied := map[int]bool{}
		for _, v := range done {
			applied[v] = true
		}
		for _, m := range migrations {
			if applied[m.Version] {
				continue
			}
			err := db.Transaction(func(tx *gorm.DB) error {
				sql := m.SQL
				if pg, ok := onPostgres[m.Version]; ok && s.postgres {
					sql = pg
				}
				if err := tx.Exec(sql).Error; err != nil {
					return err
				}
				return tx.Create(&schemaMigration{Version: m.Version, Name: m.Name, AppliedAt: time.Now().UTC()}).Error
			})
			if err != nil {
				return fmt.Errorf("migration %d (%s): %w", m.Version, m.Name, err)
			}
		}
		// The job queue's tables come with their own numbered steps.
		if err := s.migrateJobs(ctx); err != nil {
			return fmt.Errorf("job queue migration: %w", err)
		}
		return nil
	})
}

// SchemaVersion returns the highest applied migration step.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.db.WithContext(ctx).Model(&schemaMigration{}).Select("COALESCE(MAX(version), 0)").Scan(&v).Error
	return v, err
}

func (s *Store) withMigrationLock(ctx context.Context, fn func(*gorm.DB) error) error {
	db := s.db.WithContext(ctx)
	if !s.postgres {
		return fn(db)
	}
	// A session-level advisory lock must be taken and released on the same
	// connection, so pin one.
	return db.Connection(func(conn *gorm.DB) error {
		// The lock is per schema: replicas of one arena share a schema and
		// take turns, while arenas in other schemas of the same database
		// (tests run each in a schema of its own) need not wait.
		if err := conn.Exec("SELECT pg_advisory_lock(?, hashtext(current_schema()))", migrationLockKey).Error; err != nil {
			return err
		}
		defer conn.Exec("SELECT pg_advisory_unlock(?, hashtext(current_schema()))", migrationLockKey)
		return fn(conn)
	})
}
