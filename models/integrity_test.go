package models_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// integrityFixture is a store with one bank prompt answered by m-a and m-b.
type integrityFixture struct {
	t      *testing.T
	s      *models.Store
	prompt uint
	a, b   uint
	n      int
}

func newIntegrityFixture(t *testing.T, s *models.Store) *integrityFixture {
	t.Helper()
	if _, err := s.ImportBank(ctx, bank(), nil); err != nil {
		t.Fatal(err)
	}
	ids, err := s.BankPromptIDs(ctx)
	if err != nil || len(ids) != 1 {
		t.Fatalf("bank prompts %v, %v", ids, err)
	}
	_, answers, err := s.PromptAnswers(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	return &integrityFixture{t: t, s: s, prompt: ids[0], a: answers[0].ContenderID, b: answers[1].ContenderID}
}

// vote stores a voted battle of voter from address ip and returns the vote.
func (f *integrityFixture) vote(voter, ip, winner string, counted bool) *models.Vote {
	f.t.Helper()
	if err := f.s.TouchVoter(ctx, voter, ip); err != nil {
		f.t.Fatal(err)
	}
	f.n++
	b := &models.Battle{ID: fmt.Sprintf("battle-%04d", f.n), PromptID: f.prompt, ContenderAID: f.a, ContenderBID: f.b,
		VoterID: voter, Mode: models.ModeBank, State: models.StateReady}
	if err := f.s.CreateBattle(ctx, b); err != nil {
		f.t.Fatal(err)
	}
	v, err := f.s.RecordVote(ctx, &models.Vote{BattleID: b.ID, Winner: winner, VoterID: voter, IPHash: ip, ReadSeconds: 12, Counted: counted})
	if err != nil {
		f.t.Fatal(err)
	}
	return v
}

// excluded maps vote id to its exclusion reason as stored.
func (f *integrityFixture) excluded(voter string) map[uint]string {
	f.t.Helper()
	vs, err := f.s.IntegrityVotes(ctx, voter)
	if err != nil {
		f.t.Fatal(err)
	}
	out := map[uint]string{}
	for _, v := range vs {
		out[v.ID] = v.Excluded
	}
	return out
}

func (f *integrityFixture) rated() int64 {
	f.t.Helper()
	_, counted, err := f.s.CountVotes(ctx)
	if err != nil {
		f.t.Fatal(err)
	}
	return counted
}

// voteRisk is the integrity facts of VoteChecks, for a battle that does
// not exist (which has no hold), with one window for both counts.
func voteRisk(s *models.Store, voter, ip string, since time.Time, burstCap, addressCap int) (models.VoteRiskFacts, error) {
	c, err := s.VoteChecks(ctx, "no-such-battle", voter, ip,
		models.RiskWindow{BurstSince: since, AddressSince: since, BurstCap: burstCap, AddressCap: addressCap})
	if err == nil && c.Hold != "" {
		err = fmt.Errorf("hold %q on a battle that does not exist", c.Hold)
	}
	return c.Risk, err
}

func TestVoteRisk(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		f := newIntegrityFixture(t, s)
		for range 3 {
			f.vote("v1", "ip-shared", models.WinnerA, true)
		}
		f.vote("v2", "ip-shared", models.WinnerB, true)
		f.vote("v3", "ip-other", models.WinnerB, true)
		if _, err := s.SetVoterBlocked(ctx, "v2", true); err != nil {
			t.Fatal(err)
		}
		// v4 was last seen on the shared address but never voted: the
		// address count is of voters seen there, not of votes.
		if err := s.TouchVoter(ctx, "v4", "ip-shared"); err != nil {
			t.Fatal(err)
		}
		hourAgo := time.Now().UTC().Add(-time.Hour)
		tests := []struct {
			voter, ip string
			since     time.Time
			want      models.VoteRiskFacts
		}{
			{"v1", "ip-shared", hourAgo, models.VoteRiskFacts{RecentVotes: 3, OtherAddressVoters: 2}},
			{"v2", "ip-shared", hourAgo, models.VoteRiskFacts{Blocked: true, RecentVotes: 1, OtherAddressVoters: 2}},
			{"new", "ip-new", hourAgo, models.VoteRiskFacts{}},
			{"new", "ip-shared", hourAgo, models.VoteRiskFacts{OtherAddressVoters: 3}},
			{"new", "", hourAgo, models.VoteRiskFacts{}},
			// Windows that begin after the votes see none of them.
			{"v1", "ip-shared", time.Now().UTC().Add(time.Minute), models.VoteRiskFacts{}},
		}
		for _, tt := range tests {
			got, err := voteRisk(s, tt.voter, tt.ip, tt.since, 10, 10)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("VoteChecks(%s, %s) (-want +got):\n%s", tt.voter, tt.ip, d)
			}
		}
		// The counts stop at their caps.
		got, err := voteRisk(s, "new", "ip-shared", hourAgo, 1, 2)
		if err != nil || got.OtherAddressVoters != 2 {
			t.Errorf("capped address count = %+v, %v; want 2", got, err)
		}
		if got, _ := voteRisk(s, "v1", "", hourAgo, 2, 2); got.RecentVotes != 2 {
			t.Errorf("capped burst count = %d, want 2", got.RecentVotes)
		}
	})
}

// Blocking leaves the voter's votes out, unblocking restores exactly those:
// a vote another rule excluded (other than a prompt hold, see
// TestIntegrityOverPromptHolds) stays excluded, a vote never counted stays
// uncounted.
func TestBlockUnblockRestores(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		f := newIntegrityFixture(t, s)
		v1 := f.vote("bad", "ip", models.WinnerA, true)
		v2 := f.vote("bad", "ip", models.WinnerB, true)
		v3 := f.vote("bad", "ip", models.WinnerA, false)
		f.vote("good", "ip2", models.WinnerA, true)
		if _, err := s.ExcludeVotes(ctx, map[uint]string{v2.ID: "other rule"}, true); err != nil {
			t.Fatal(err)
		}
		before := f.excluded("bad")
		ratedBefore := f.rated()

		ch, err := s.SetVoterBlocked(ctx, "bad", true)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(models.VoterChange{Blocked: true, Votes: 1}, ch); d != "" {
			t.Errorf("block (-want +got):\n%s", d)
		}
		want := map[uint]string{v1.ID: models.ExcludedBlocked, v2.ID: "other rule", v3.ID: ""}
		if d := cmp.Diff(want, f.excluded("bad")); d != "" {
			t.Errorf("after block (-want +got):\n%s", d)
		}
		if got := f.rated(); got != ratedBefore-1 {
			t.Errorf("rated votes after block = %d, want %d", got, ratedBefore-1)
		}
		vt, err := s.Voter(ctx, "bad")
		if err != nil || !vt.Blocked {
			t.Fatalf("voter after block = %+v, %v", vt, err)
		}
		if ids, err := s.BlockedVoterIDs(ctx); err != nil || !cmp.Equal(ids, []string{"bad"}) {
			t.Errorf("BlockedVoterIDs = %v, %v", ids, err)
		}

		ch, err = s.SetVoterBlocked(ctx, "bad", false)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(models.VoterChange{WasBlocked: true, Votes: 1}, ch); d != "" {
			t.Errorf("unblock (-want +got):\n%s", d)
		}
		if d := cmp.Diff(before, f.excluded("bad")); d != "" {
			t.Errorf("unblock did not restore (-before +after):\n%s", d)
		}
		if got := f.rated(); got != ratedBefore {
			t.Errorf("rated votes after unblock = %d, want %d", got, ratedBefore)
		}
		if _, err := s.SetVoterBlocked(ctx, "nobody", true); err != models.ErrNotFound {
			t.Errorf("blocking an unknown voter: err = %v, want ErrNotFound", err)
		}
	})
}

// A cleared vote comes back and a later sweep does not exclude it again; a
// reason integrity did not set is not lifted.
func TestClearVoteExclusion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		f := newIntegrityFixture(t, s)
		v1 := f.vote("x", "ip", models.WinnerA, true)
		v2 := f.vote("x", "ip", models.WinnerA, true)
		n, err := s.ExcludeVotes(ctx, map[uint]string{v1.ID: "risk: too fast", v2.ID: "other rule"}, false)
		if err != nil || n != 2 {
			t.Fatalf("ExcludeVotes = %d, %v; want 2", n, err)
		}
		before, changed, err := s.ClearVoteExclusion(ctx, v1.ID, "alice")
		if err != nil || !changed || before.Excluded != "risk: too fast" {
			t.Fatalf("ClearVoteExclusion = %+v, %v, %v", before, changed, err)
		}
		_, changed, err = s.ClearVoteExclusion(ctx, v2.ID, "alice")
		if err != nil || changed {
			t.Errorf("clearing another area's exclusion: changed %v, err %v; want unchanged", changed, err)
		}
		// The sweep's evidence again: a cleared vote stays in, unless forced.
		if n, err := s.ExcludeVotes(ctx, map[uint]string{v1.ID: "risk: too fast"}, false); err != nil || n != 0 {
			t.Errorf("sweep re-excluded a cleared vote: %d, %v", n, err)
		}
		want := map[uint]string{v1.ID: "", v2.ID: "other rule"}
		if d := cmp.Diff(want, f.excluded("x")); d != "" {
			t.Errorf("(-want +got):\n%s", d)
		}
		vs, _ := s.IntegrityVotes(ctx, "x")
		if len(vs) != 2 || !vs[0].Cleared || vs[1].Cleared {
			t.Errorf("cleared flags = %+v", vs)
		}
		if _, _, err := s.ClearVoteExclusion(ctx, 999999, "alice"); err != models.ErrNotFound {
			t.Errorf("unknown vote: err = %v, want ErrNotFound", err)
		}
	})
}

func TestClearVoter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		f := newIntegrityFixture(t, s)
		v1 := f.vote("x", "ip", models.WinnerA, true)
		v2 := f.vote("x", "ip", models.WinnerA, true)
		v3 := f.vote("x", "ip", models.WinnerA, true)
		if _, err := s.ExcludeVotes(ctx, map[uint]string{v1.ID: "risk: one-sided", v2.ID: "other rule"}, false); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetVoterBlocked(ctx, "x", true); err != nil {
			t.Fatal(err)
		}
		ch, err := s.ClearVoter(ctx, "x", "alice")
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(models.VoterChange{WasBlocked: true, Votes: 2}, ch); d != "" {
			t.Errorf("(-want +got):\n%s", d)
		}
		want := map[uint]string{v1.ID: "", v2.ID: "other rule", v3.ID: ""}
		if d := cmp.Diff(want, f.excluded("x")); d != "" {
			t.Errorf("(-want +got):\n%s", d)
		}
		if vt, _ := s.Voter(ctx, "x"); vt.Blocked {
			t.Error("voter still blocked after clearing")
		}
	})
}

// An integrity exclusion wins over a prompt hold and gives it back when
// lifted: approving the prompt of a blocked voter's vote does not let the
// vote in, and unblocking a voter whose prompt is still flagged leaves the
// vote held.
func TestIntegrityOverPromptHolds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		f := newIntegrityFixture(t, s)
		v := f.vote("x", "ip", models.WinnerA, true)
		review := func(status string) {
			t.Helper()
			if _, err := s.ReviewPrompts(ctx, []uint{f.prompt}, status, "mod", "why", time.Now().UTC()); err != nil {
				t.Fatal(err)
			}
		}
		review(models.StatusFlagged)
		if got := f.excluded("x")[v.ID]; got != models.ExcludedPromptFlagged {
			t.Fatalf("after flagging: %q", got)
		}
		if _, err := s.SetVoterBlocked(ctx, "x", true); err != nil {
			t.Fatal(err)
		}
		review(models.StatusApproved)
		if got := f.excluded("x")[v.ID]; got != models.ExcludedBlocked {
			t.Errorf("blocked voter's vote after approving its prompt: %q", got)
		}
		review(models.StatusFlagged)
		if _, err := s.SetVoterBlocked(ctx, "x", false); err != nil {
			t.Fatal(err)
		}
		if got := f.excluded("x")[v.ID]; got != models.ExcludedPromptFlagged {
			t.Errorf("after unblocking with the prompt flagged: %q, want the hold back", got)
		}
		// The same for a risk exclusion lifted by an admin.
		if n, err := s.ExcludeVotes(ctx, map[uint]string{v.ID: "risk: one-sided"}, false); err != nil || n != 1 {
			t.Fatalf("risk over a hold: %d, %v", n, err)
		}
		if _, _, err := s.ClearVoteExclusion(ctx, v.ID, "alice"); err != nil {
			t.Fatal(err)
		}
		if got := f.excluded("x")[v.ID]; got != models.ExcludedPromptFlagged {
			t.Errorf("after clearing the risk with the prompt flagged: %q", got)
		}
		review(models.StatusApproved)
		if got := f.excluded("x")[v.ID]; got != "" {
			t.Errorf("after approving: %q, want in the ratings", got)
		}
	})
}

// VoteIDSpan is 0 without votes, then the ids from the first to the last.
func TestVoteIDSpan(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		f := newIntegrityFixture(t, s)
		if n, err := s.VoteIDSpan(ctx); err != nil || n != 0 {
			t.Fatalf("span without votes = %d, %v", n, err)
		}
		first := f.vote("voter-a", "", models.WinnerA, true)
		f.vote("voter-b", "", models.WinnerB, true)
		last := f.vote("voter-a", "", models.WinnerTie, false)
		if n, err := s.VoteIDSpan(ctx); err != nil || n != int(last.ID-first.ID+1) || n < 3 {
			t.Errorf("span = %d, %v; want %d", n, err, last.ID-first.ID+1)
		}
	})
}
