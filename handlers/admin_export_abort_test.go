package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"

	"openarena.dev/arena/handlers"
	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// exportVotes is more than one of the export's batches of 500, so a row
// that cannot be read in the second batch fails the download after the
// first batch's battles went out.
const exportVotes = 520

// TestAdminExportAbortsMidway breaks a vote row the export reads in its
// second batch, so the database read fails after the first battles were
// sent. A real HTTP client, with and without gzip, must get an error
// reading the download, never a well-formed array; the audit log must say
// the download began and failed; the page must not show it as the last.
func TestAdminExportAbortsMidway(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			dsn, raw := rawStore(t, d)
			s, err := models.Open(dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			if err := s.Migrate(t.Context()); err != nil {
				t.Fatal(err)
			}
			e := newEnvOn(t, s, handlers.Config{})
			ids := seedBankVotes(t, e.store, exportVotes)
			breakVote(t, raw, d, ids[len(ids)-5])
			admin := signInAdmin(t, e)
			for _, encoding := range []string{"gzip", "identity"} {
				req, err := http.NewRequest("GET", e.srv.URL+"/admin/export/battles.json?served_bank=include", nil)
				if err != nil {
					t.Fatal(err)
				}
				if encoding == "identity" {
					// Set by hand, the transport leaves the body as sent.
					req.Header.Set("Accept-Encoding", "identity")
				}
				resp, err := admin.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, readErr := io.ReadAll(resp.Body)
				resp.Body.Close()
				var bs []json.RawMessage
				if resp.StatusCode != http.StatusOK || readErr == nil || json.Unmarshal(body, &bs) == nil {
					t.Errorf("%s: broken download = %d, read error %v, %d bytes; want 200, a read error and no valid JSON",
						encoding, resp.StatusCode, readErr, len(body))
				}
				if n := strings.Count(string(body), `"question_id"`); n < 500 {
					t.Errorf("%s: %d battles arrived before the failure, want the first batch's 500", encoding, n)
				}
			}
			audited := func(action string) []models.AuditEntry {
				t.Helper()
				got, _, err := e.arena.AuditLog(t.Context(), models.AuditFilter{Action: action})
				if err != nil {
					t.Fatal(err)
				}
				return got
			}
			started, failed, done := audited("export.battles.start"), audited("export.battles.failed"), audited("export.battles")
			if len(started) != 2 || !strings.Contains(started[0].After, `"served_bank":true`) || len(done) != 0 ||
				len(failed) != 2 || !strings.Contains(failed[0].After, `"exported":500`) || !strings.Contains(failed[0].After, `"error":`) {
				t.Errorf("audit: started %+v, failed %+v, done %+v; want two starts and two failures after 500 battles", started, failed, done)
			}
			if page := e.do(admin, "GET", "/admin/export", "", ""); strings.Contains(page.body, "Last download") {
				t.Error("the page shows a failed download as the last one")
			}
		})
	}
}

// rawStore returns a new store's DSN and a second connection to it, for a
// test to do what the store never would.
func rawStore(t *testing.T, dialect string) (string, *gorm.DB) {
	t.Helper()
	dsn, open := storetest.SQLiteDSN(t), sqlite.Open
	if dialect == "postgres" {
		dsn, open = storetest.PostgresDSN(t), postgres.Open
	}
	db, err := gorm.Open(open(dsn), &gorm.Config{})
	if err != nil {
		t.Fatal(err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sqlDB.Close() })
	return dsn, db
}

// breakVote makes vote id unreadable as a vote: a timestamp that is not one
// on SQLite, which stores any text; a missing voter on PostgreSQL, once
// the column allows it.
func breakVote(t *testing.T, db *gorm.DB, dialect string, id uint) {
	t.Helper()
	stmts := []string{"UPDATE votes SET created_at = 'not a time' WHERE id = ?"}
	if dialect == "postgres" {
		stmts = []string{"ALTER TABLE votes ALTER COLUMN voter_id DROP NOT NULL", "UPDATE votes SET voter_id = NULL WHERE id = ?"}
	}
	for _, q := range stmts {
		var args []any
		if strings.Contains(q, "?") {
			args = append(args, id)
		}
		if err := db.Exec(q, args...).Error; err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// seedBankVotes stores n counted votes on bank battles of the env's first
// prompt and returns their ids, oldest first.
func seedBankVotes(t *testing.T, s *models.Store, n int) []uint {
	t.Helper()
	ctx := context.Background()
	prompts, err := s.BankPromptIDs(ctx)
	if err != nil || len(prompts) == 0 {
		t.Fatalf("bank prompts: %v %v", prompts, err)
	}
	p, answers, err := s.PromptAnswers(ctx, prompts[0])
	if err != nil || len(answers) < 2 {
		t.Fatalf("answers of prompt %d: %v", prompts[0], err)
	}
	ra, rb := answers[0], answers[1]
	ids := make([]uint, n)
	for i := range n {
		b := &models.Battle{ID: fmt.Sprintf("%032x", 1<<40+i), PromptID: p.ID, ContenderAID: ra.ContenderID, ContenderBID: rb.ContenderID,
			ResponseAID: &ra.ID, ResponseBID: &rb.ID, VoterID: fmt.Sprintf("seed-voter-%d", i), Mode: models.ModeBank, State: models.StateReady}
		if err := s.CreateBattle(ctx, b); err != nil {
			t.Fatal(err)
		}
		v, err := s.RecordVote(ctx, &models.Vote{BattleID: b.ID, VoterID: b.VoterID, Winner: models.WinnerA, Counted: true})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = v.ID
	}
	return ids
}
