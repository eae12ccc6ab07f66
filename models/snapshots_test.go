package models_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

func TestStyleCountsMeasuredAtImportOrLater(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		measured := &models.StyleCounts{Tokens: 7, Headers: 1, Lists: 2, Bold: 3}
		rows := []models.BankRow{
			{PromptID: "p", Prompt: "Q", Model: "m-a", Output: "measured", Style: measured},
			{PromptID: "p", Prompt: "Q", Model: "m-b", Output: "not measured"},
		}
		if _, err := s.ImportBank(ctx, rows, nil); err != nil {
			t.Fatal(err)
		}
		pending, err := s.UnmeasuredResponses(ctx, 10)
		if err != nil || len(pending) != 1 || pending[0].Text != "not measured" {
			t.Fatalf("unmeasured = %+v, %v; want only the answer imported without counts", pending, err)
		}
		if err := s.SetResponseStyles(ctx, map[uint]models.StyleCounts{pending[0].ID: {Tokens: 2}}); err != nil {
			t.Fatal(err)
		}
		if pending, _ := s.UnmeasuredResponses(ctx, 10); len(pending) != 0 {
			t.Errorf("after measuring, unmeasured = %+v", pending)
		}
		// Counts that differ from the stored ones are refreshed; the same
		// counts again change nothing.
		rows[1].Style = &models.StyleCounts{Tokens: 2, Bold: 1}
		st, err := s.ImportBank(ctx, rows, nil)
		if err != nil || st.ResponsesUpdated != 1 || st.Unchanged != 1 {
			t.Errorf("re-import with new counts = %+v, %v; want 1 updated, 1 unchanged", st, err)
		}
		st, err = s.ImportBank(ctx, rows, nil)
		if err != nil || st.Unchanged != 2 {
			t.Errorf("same import again = %+v, %v; want 2 unchanged", st, err)
		}
		ids, _ := s.BankPromptIDs(ctx)
		_, answers, err := s.PromptAnswers(ctx, ids[0])
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]models.StyleCounts{}
		for _, a := range answers {
			got[a.Text] = a.Style
		}
		want := map[string]models.StyleCounts{"measured": *measured, "not measured": {Tokens: 2, Bold: 1}}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("stored counts (-want +got):\n%s", d)
		}
	})
}

func TestCountedBattlesCarryStyleInVoteOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		ids := newBattles(t, s, 3)
		b, err := s.Battle(ctx, ids[0])
		if err != nil {
			t.Fatal(err)
		}
		sa, sb := models.StyleCounts{Tokens: 10, Headers: 1}, models.StyleCounts{Tokens: 20, Lists: 4, Bold: 2}
		if err := s.SetResponseStyles(ctx, map[uint]models.StyleCounts{*b.ResponseAID: sa, *b.ResponseBID: sb}); err != nil {
			t.Fatal(err)
		}
		// Cast in reverse order of creation; the middle vote is not counted.
		votes := []struct {
			battle  string
			winner  string
			counted bool
		}{{ids[2], models.WinnerB, true}, {ids[1], models.WinnerA, false}, {ids[0], models.WinnerTie, true}}
		for _, v := range votes {
			if _, err := s.RecordVote(ctx, &models.Vote{BattleID: v.battle, Winner: v.winner, VoterID: "voter-1", Counted: v.counted}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.CountedBattles(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Winner != models.WinnerB || got[1].Winner != models.WinnerTie {
			t.Fatalf("counted battles = %+v, want model_b then tie", got)
		}
		if got[0].ContenderAID != b.ContenderAID || got[0].ContenderBID != b.ContenderBID || got[0].StyleA != sa || got[0].StyleB != sb {
			t.Errorf("battle = %+v, want contenders %d/%d with counts %+v/%+v", got[0], b.ContenderAID, b.ContenderBID, sa, sb)
		}
		mark, err := s.CountedVotesMark(ctx)
		if err != nil || mark != (models.VoteMark{Count: 2, LastID: got[1].VoteID}) || got[0].VoteID >= got[1].VoteID {
			t.Errorf("mark = %+v, %v; want 2 votes up to %d", mark, err, got[1].VoteID)
		}
	})
}

func TestSnapshotsRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		if _, err := s.LatestSnapshot(ctx, models.CategoryOverall); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("latest of none: err = %v, want ErrNotFound", err)
		}
		steps := []struct {
			category, hash string
			created        bool
		}{
			{"", "h1", true},         // empty category means overall
			{"overall", "h1", false}, // same as the newest: not stored again
			{"coding", "h1", true},   // categories are separate
			{"overall", "h2", true},
			{"overall", "h1", true}, // back to an earlier result: newest again
		}
		var stored []models.RatingSnapshot
		for i, st := range steps {
			snap := &models.RatingSnapshot{Category: st.category, Method: "bradley_terry", VotesUsed: i, LastVoteID: uint(10 + i),
				Result: `{"step":` + string(rune('0'+i)) + `}`, ContentHash: st.hash}
			created, err := s.CreateSnapshot(ctx, snap)
			if err != nil || created != st.created || snap.ID == 0 {
				t.Fatalf("step %d: created = %v (id %d), %v; want %v", i, created, snap.ID, err, st.created)
			}
			stored = append(stored, *snap)
		}
		if stored[1].ID != stored[0].ID || stored[1].Result != stored[0].Result {
			t.Errorf("an unchanged result came back as %+v, want the stored %+v", stored[1], stored[0])
		}
		latest, err := s.LatestSnapshot(ctx, models.CategoryOverall)
		if err != nil || latest.ID != stored[4].ID || latest.Result != stored[4].Result || latest.Method != "bradley_terry" || latest.CreatedAt.IsZero() {
			t.Fatalf("latest = %+v, %v; want %+v", latest, err, stored[4])
		}
		head, err := s.LatestSnapshotHead(ctx, models.CategoryOverall)
		if err != nil || head.ID != latest.ID || head.VotesUsed != 4 || head.LastVoteID != 14 {
			t.Errorf("head = %+v, %v", head, err)
		}
		hist, err := s.Snapshots(ctx, models.CategoryOverall, 2)
		if err != nil || len(hist) != 2 || hist[0].ID != stored[4].ID || hist[1].ID != stored[3].ID {
			t.Errorf("history = %+v, %v; want the two newest overall snapshots, newest first", hist, err)
		}
		if all, _ := s.Snapshots(ctx, "coding", 10); len(all) != 1 {
			t.Errorf("coding history has %d snapshots, want 1", len(all))
		}
		heads, err := s.SnapshotHeads(ctx, models.CategoryOverall, time.Now().Add(time.Hour))
		if err != nil || len(heads) != 3 || heads[0].ID != stored[0].ID {
			t.Fatalf("heads = %+v, %v; want the 3 overall snapshots, oldest first", heads, err)
		}
		if err := s.DeleteSnapshots(ctx, []uint{heads[0].ID, heads[1].ID}); err != nil {
			t.Fatal(err)
		}
		if left, _ := s.Snapshots(ctx, models.CategoryOverall, 10); len(left) != 1 || left[0].ID != stored[4].ID {
			t.Errorf("after deleting two, overall history = %+v", left)
		}
	})
}

// TestRatingLockExcludes opens two stores on one PostgreSQL schema, as two
// replicas would: while one holds the ratings lock the other is refused, and
// the lock is released even when the holder's context ends.
func TestRatingLockExcludes(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		s := storetest.Open(t, "sqlite")
		ran, err := s.WithRatingLock(ctx, func(context.Context) error { return nil })
		if !ran || err != nil {
			t.Errorf("SQLite: ran = %v, %v; want the function run", ran, err)
		}
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := storetest.PostgresDSN(t)
		one, two := openOn(t, dsn), openOn(t, dsn)
		ran, err := one.WithRatingLock(ctx, func(ctx context.Context) error {
			inner, err := two.WithRatingLock(ctx, func(context.Context) error {
				t.Error("second replica ran while the first held the lock")
				return nil
			})
			if inner || err != nil {
				t.Errorf("second replica: ran = %v, %v; want refused", inner, err)
			}
			return nil
		})
		if !ran || err != nil {
			t.Fatalf("first replica: ran = %v, %v", ran, err)
		}
		cctx, cancel := context.WithCancel(ctx)
		ran, err = one.WithRatingLock(cctx, func(context.Context) error {
			cancel()
			return errors.New("failed")
		})
		if !ran || err == nil {
			t.Fatalf("cancelled holder: ran = %v, %v; want ran with its error", ran, err)
		}
		if ran, err := two.WithRatingLock(ctx, func(context.Context) error { return nil }); !ran || err != nil {
			t.Errorf("after a cancelled holder: ran = %v, %v; want the lock free", ran, err)
		}
	})
}

func openOn(t *testing.T, dsn string) *models.Store {
	t.Helper()
	s, err := models.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}
