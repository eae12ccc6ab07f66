package arena_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/arena/integrity/integritytest"
	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// The sweep keeps the report it computed, and each admin action updates
// the cached report in place instead of having it computed again: after
// each step the cached report is the same one, and its voters and sweep
// are those of a report computed afresh. An action on a voter who voted
// since drops the report, which would lack those votes.
func TestReportUpdatedByActions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		votes, n, _ := integritytest.RiggedVotes(25, 20, 60)
		storeVotes(t, s, votes, 5)
		a := arena.New(s, arena.Options{})
		in := a.Integrity()
		rigger, honest := fmt.Sprintf("voter-%03d", n-1), "voter-004"
		if _, err := in.SweepRisk(ctx); err != nil {
			t.Fatal(err)
		}
		kept, err := in.Report(ctx, false)
		if err != nil {
			t.Fatal(err)
		}
		honestVotes, err := s.IntegrityVotes(ctx, honest)
		if err != nil {
			t.Fatal(err)
		}
		steps := []struct {
			name string
			act  func() error
		}{
			{"sweep", func() error { return nil }},
			{"block", func() error { _, err := in.BlockVoter(ctx, "admin", honest, true); return err }},
			{"unblock", func() error { _, err := in.BlockVoter(ctx, "admin", honest, false); return err }},
			{"exclude", func() error { return in.ExcludeVote(ctx, "admin", honestVotes[2].ID, "copied") }},
			{"include", func() error { return in.IncludeVote(ctx, "admin", honestVotes[2].ID) }},
			{"clear", func() error { _, err := in.ClearVoter(ctx, "admin", rigger); return err }},
			{"block rigger", func() error { _, err := in.BlockVoter(ctx, "admin", rigger, true); return err }},
		}
		for _, st := range steps {
			if err := st.act(); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			cached, err := in.Report(ctx, false)
			if err != nil {
				t.Fatal(err)
			}
			if cached != kept {
				t.Fatalf("after %s the report was computed again", st.name)
			}
			got := cached.Summaries()
			fresh, err := in.Report(ctx, true)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(fresh.Summaries(), got, cmpopts.EquateNaNs()); d != "" {
				t.Errorf("after %s (-fresh +updated):\n%s", st.name, d)
			}
			kept = fresh
		}
		if k, _ := kept.Find(rigger); !kept.Voter(k).Blocked || kept.Voter(k).Excluded != 60 {
			t.Errorf("blocked rigger: %+v", kept.Voter(k))
		}

		// A vote since the report, then an action on its voter.
		b := &models.Battle{ID: "b-since", ContenderAID: honestVotes[0].ContenderAID,
			ContenderBID: honestVotes[0].ContenderBID, VoterID: honest, Mode: models.ModeBank, State: models.StateReady}
		old, err := s.Battle(ctx, honestVotes[0].BattleID)
		if err != nil {
			t.Fatal(err)
		}
		b.PromptID = old.PromptID
		if err := s.CreateBattle(ctx, b); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RecordVote(ctx, &models.Vote{BattleID: b.ID, Winner: models.WinnerA, VoterID: honest, ReadSeconds: 20, Counted: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := in.BlockVoter(ctx, "admin", honest, true); err != nil {
			t.Fatal(err)
		}
		cached, err := in.Report(ctx, false)
		if err != nil {
			t.Fatal(err)
		}
		if k, _ := cached.Find(honest); cached == kept || cached.Voter(k).Votes != len(honestVotes)+1 {
			t.Errorf("after an action on a voter who voted since: same report %v, %d votes", cached == kept, cached.Voter(k).Votes)
		}
	})
}
