package models_test

import (
	"fmt"
	"testing"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// exclusionStates are every exclusion a vote can carry, and none.
var exclusionStates = []string{
	"", models.ExcludedBlocked, models.ExcludedRiskPrefix + "too fast", models.ExcludedAdminPrefix + "ring",
	models.ExcludedPromptRejected, models.ExcludedPromptFlagged, models.ExcludedDemo,
}

// TestInRatingsAgreesWithSQL stores a vote in every combination of counted
// and exclusion states, and checks that the Go predicate and the SQL
// condition pick the same votes, through every store query that counts.
func TestInRatingsAgreesWithSQL(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			dsn := storetest.SQLiteDSN(t)
			if dialect == "postgres" {
				dsn = storetest.PostgresDSN(t)
			}
			s := openOn(t, dsn)
			raw := rawDB(t, dialect, dsn)
			f := newIntegrityFixture(t, s)
			want := map[uint]bool{}
			for _, counted := range []bool{true, false} {
				for _, excluded := range exclusionStates {
					v := f.vote(fmt.Sprintf("v-%t-%d", counted, len(want)), "ip", models.WinnerA, counted)
					// Raw, since no store method reaches every state (an
					// uncounted vote is never excluded in practice).
					if err := raw.Exec("UPDATE votes SET excluded = ? WHERE id = ?", excluded, v.ID).Error; err != nil {
						t.Fatal(err)
					}
					stored, err := s.Vote(ctx, v.BattleID)
					if err != nil {
						t.Fatal(err)
					}
					if stored.InRatings() {
						want[v.ID] = true
					}
					if got := counted && excluded == ""; stored.InRatings() != got {
						t.Errorf("counted=%t excluded=%q: InRatings = %t", counted, excluded, stored.InRatings())
					}
				}
			}
			if len(want) != 1 {
				t.Fatalf("%d votes in the ratings by the Go rule, want exactly the counted, unexcluded one", len(want))
			}
			battles, err := s.CountedBattles(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got := map[uint]bool{}
			for _, b := range battles {
				got[b.VoteID] = true
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("CountedBattles = %v, the Go rule says %v", got, want)
			}
			if _, counted, err := s.CountVotes(ctx); err != nil || counted != int64(len(want)) {
				t.Errorf("CountVotes counted = %d, %v; want %d", counted, err, len(want))
			}
			if m, err := s.CountedVotesMark(ctx); err != nil || m.Count != len(want) {
				t.Errorf("CountedVotesMark = %+v, %v; want %d", m, err, len(want))
			}
		})
	}
}

// rawDB opens a second connection to a store's database, for states no
// store method writes.
func rawDB(t *testing.T, dialect, dsn string) *gorm.DB {
	t.Helper()
	open := sqlite.Open(dsn)
	if dialect == "postgres" {
		open = postgres.Open(dsn)
	}
	db, err := gorm.Open(open, &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatal(err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sqlDB.Close() })
	return db
}
