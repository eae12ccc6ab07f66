package arena_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/arena/integrity"
	"openarena.dev/arena/arena/integrity/integritytest"
	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// storeVotes writes RiskVotes as real battles and votes on contenders
// named c0..cN of a seeded bank prompt.
func storeVotes(t *testing.T, s *models.Store, votes []integrity.RiskVote, nContenders int) {
	t.Helper()
	ctx := context.Background()
	var slugs []string
	for k := range nContenders {
		slugs = append(slugs, fmt.Sprintf("c%d", k))
	}
	seedBank(t, s, slugs...)
	ids := map[int]uint{}
	for k, slug := range slugs {
		c, err := s.ContenderBySlug(ctx, slug)
		if err != nil {
			t.Fatal(err)
		}
		ids[k] = c.ID
	}
	pids, err := s.BankPromptIDs(ctx)
	if err != nil || len(pids) != 1 {
		t.Fatalf("bank: %v %v", pids, err)
	}
	start := time.Now().UTC().Add(-30 * 24 * time.Hour)
	for i, v := range votes {
		voter := fmt.Sprintf("voter-%03d", v.Voter)
		ip := fmt.Sprintf("ip-%03d", v.Address)
		if i == 0 || votes[i-1].Voter != v.Voter {
			if err := s.TouchVoter(ctx, voter, ip); err != nil {
				t.Fatal(err)
			}
		}
		b := &models.Battle{ID: fmt.Sprintf("b%06d", i), PromptID: pids[0], ContenderAID: ids[v.A], ContenderBID: ids[v.B],
			VoterID: voter, Mode: models.ModeBank, State: models.StateReady}
		if err := s.CreateBattle(ctx, b); err != nil {
			t.Fatal(err)
		}
		w := models.WinnerTie
		switch v.Result {
		case 1:
			w = models.WinnerA
		case 0:
			w = models.WinnerB
		}
		at := start.Add(time.Duration(v.At) * time.Second)
		if _, err := s.RecordVote(ctx, &models.Vote{BattleID: b.ID, Winner: w, VoterID: voter, IPHash: ip,
			ReadSeconds: v.ReadSeconds, Counted: true, CreatedAt: at}); err != nil {
			t.Fatal(err)
		}
	}
}

// On a seeded fixture in a real store the sweep leaves the rigger's votes
// out and no honest vote; clearing the rigger puts them back for good.
func TestSweepRiskExcludesRigger(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		votes, n, _ := integritytest.RiggedVotes(25, 20, 60)
		storeVotes(t, s, votes, 5)
		a := arena.New(s, arena.Options{})
		rigger := fmt.Sprintf("voter-%03d", n-1)

		res, err := a.Integrity().SweepRisk(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(integrity.SweepResult{Excluded: 60, Risky: 60, Flagged: 1}, res); d != "" {
			t.Errorf("sweep (-want +got):\n%s", d)
		}
		vs, err := s.IntegrityVotes(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vs {
			if (v.VoterID == rigger) != (v.Excluded != "") {
				t.Fatalf("vote %d of %s excluded %q", v.ID, v.VoterID, v.Excluded)
			}
			if v.VoterID == rigger && !strings.HasPrefix(v.Excluded, "risk: ") {
				t.Errorf("rigging vote reason %q, want a risk reason", v.Excluded)
			}
		}
		rep, err := a.Integrity().Report(ctx, false)
		if err != nil {
			t.Fatal(err)
		}
		k, _ := rep.Find(rigger)
		sum := rep.Voter(k)
		if !sum.Flagged || sum.Excluded != 60 || sum.Rated != 0 || sum.Votes != 60 {
			t.Errorf("rigger summary %+v", sum)
		}
		if _, err := s.ClearVoter(ctx, rigger, "admin"); err != nil {
			t.Fatal(err)
		}
		res, err = a.Integrity().SweepRisk(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if res.Excluded != 0 || res.Risky != 60 {
			t.Errorf("sweep after clearing: %+v, want nothing excluded again", res)
		}
		_, counted, _ := s.CountVotes(ctx)
		if int(counted) != len(votes) {
			t.Errorf("rated votes %d, want all %d", counted, len(votes))
		}
	})
}

// A blocked voter's new votes are stored but left out; so is a vote that
// shows every cheap signal at once. Others count.
func TestVoteTimeExclusion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		seedBank(t, s, "m1", "m2")
		o := integrity.Options{FastRead: time.Hour, BurstVotes: 2, AddressVoters: 1}
		a := arena.New(s, arena.Options{Integrity: o, ResumeWindow: time.Nanosecond})
		vote := func(voter, ip string) *models.Vote {
			t.Helper()
			if err := s.TouchVoter(ctx, voter, ip); err != nil {
				t.Fatal(err)
			}
			b, err := a.StartBankBattle(ctx, voter)
			if err != nil {
				t.Fatal(err)
			}
			r, err := a.Vote(ctx, arena.VoteRequest{BattleID: b.ID, VoterID: voter, Winner: models.WinnerA, IPHash: ip})
			if err != nil {
				t.Fatal(err)
			}
			return r.Vote
		}
		if _, err := s.SetVoterBlocked(ctx, func() string { vote("blocked", "ip-b"); return "blocked" }(), true); err != nil {
			t.Fatal(err)
		}
		var got []string
		got = append(got, vote("blocked", "ip-b").Excluded)
		got = append(got, vote("fast", "ip-1").Excluded, vote("fast", "ip-1").Excluded) // fast only
		got = append(got, vote("other", "ip-1").Excluded)                               // fast and shared
		got = append(got, vote("fast", "ip-1").Excluded)                                // all three
		want := []string{models.ExcludedBlocked, "", "", "", "risk: too fast, too many votes, shared address"}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("exclusions (-want +got):\n%s", d)
		}
	})
}

// The periodic sweep leaves the rigger out and records itself in the audit
// log as the arena, not as an admin.
func TestSweepRiskEvery(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		votes, n, _ := integritytest.RiggedVotes(25, 20, 60)
		storeVotes(t, s, votes, 5)
		a := arena.New(s, arena.Options{})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { a.Integrity().SweepRiskEvery(ctx, 10*time.Millisecond); close(done) }()
		rigger := fmt.Sprintf("voter-%03d", n-1)
		// The audit entry is written after the exclusions, so wait for it.
		var es []models.AuditEntry
		for deadline := time.Now().Add(10 * time.Second); len(es) == 0; time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("the periodic sweep recorded nothing")
			}
			var err error
			if es, _, err = a.AuditLog(context.Background(), models.AuditFilter{Action: "votes.sweep"}); err != nil {
				t.Fatal(err)
			}
		}
		cancel()
		<-done
		vs, err := s.IntegrityVotes(context.Background(), rigger)
		if err != nil || len(vs) != 60 || vs[59].Excluded == "" {
			t.Fatalf("rigger's votes after the sweep: %d, %v", len(vs), err)
		}
		if len(es) != 1 || es[0].Actor != integrity.SweepActor {
			t.Errorf("sweep audit = %+v, %v; want one entry by %q", es, err, integrity.SweepActor)
		}
	})
}
