package models_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// TestVoteReadMatchesSeparateReads: the vote path's one read gives the
// battle header, contender names, integrity facts and prompt hold that
// Battle and VoteChecks give apart, for a fresh, a busy and a
// blocked voter under every prompt status, and ErrNotFound for an unknown
// battle.
func TestVoteReadMatchesSeparateReads(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		f := newIntegrityFixture(t, s)
		for range 3 {
			f.vote("busy", "ip-1", models.WinnerA, true)
		}
		f.vote("other", "ip-1", models.WinnerB, true)
		f.vote("blocked", "ip-2", models.WinnerB, true)
		if _, err := s.SetVoterBlocked(ctx, "blocked", true); err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		w := models.RiskWindow{BurstSince: now.Add(-time.Hour), AddressSince: now.Add(-time.Hour), BurstCap: 5, AddressCap: 5}
		for _, status := range []string{models.StatusApproved, models.StatusFlagged, models.StatusRejected} {
			if _, err := s.ReviewPrompts(ctx, []uint{f.prompt}, status, "mod", "why", now); err != nil {
				t.Fatal(err)
			}
			for _, tt := range []struct{ voter, ip string }{{"fresh", ""}, {"busy", "ip-1"}, {"blocked", "ip-2"}} {
				b := &models.Battle{ID: "read-" + status + "-" + tt.voter, PromptID: f.prompt, ContenderAID: f.a, ContenderBID: f.b,
					VoterID: tt.voter, Mode: models.ModeBank, State: models.StateReady, Leak: "name"}
				if err := s.CreateBattle(ctx, b); err != nil {
					t.Fatal(err)
				}
				gotB, gotC, err := s.VoteRead(ctx, b.ID, tt.voter, tt.ip, w)
				if err != nil {
					t.Fatal(err)
				}
				wantB, err := s.Battle(ctx, b.ID)
				if err != nil {
					t.Fatal(err)
				}
				wantC, err := s.VoteChecks(ctx, b.ID, tt.voter, tt.ip, w)
				if err != nil {
					t.Fatal(err)
				}
				if d := cmp.Diff(voteHeader(wantB), voteHeader(gotB)); d != "" {
					t.Errorf("%s, %s: battle (-separate +one read):\n%s", status, tt.voter, d)
				}
				if d := cmp.Diff(wantC, gotC); d != "" {
					t.Errorf("%s, %s: checks (-separate +one read):\n%s", status, tt.voter, d)
				}
			}
		}
		if _, _, err := s.VoteRead(ctx, "no-such-battle", "fresh", "", w); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("VoteRead(unknown battle) error = %v, want ErrNotFound", err)
		}
	})
}

// voteHeader is what the vote path uses of a battle.
func voteHeader(b *models.Battle) []any {
	return []any{b.ID, b.VoterID, b.Mode, b.State, b.Leak, b.CreatedAt.UTC().Truncate(time.Microsecond),
		b.ContenderAID, b.ContenderA.ID, b.ContenderA.Slug, b.ContenderA.DisplayName, b.ContenderA.Organization,
		b.ContenderBID, b.ContenderB.ID, b.ContenderB.Slug, b.ContenderB.DisplayName, b.ContenderB.Organization}
}
