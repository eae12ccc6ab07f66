package arena_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
	"openarena.dev/arena/rating"
)

// riggedVotes draws honest voters' votes from Bradley–Terry strengths and
// adds one rigging voter (the last) who votes for the weakest contender
// every time it appears. Every battle of the rigger includes that target,
// as it would for a rigger who skips the others. Read times are human for
// everybody, so only the statistics can tell the rigger apart.
func riggedVotes(honest, perVoter, rigVotes int) (votes []arena.RiskVote, nVoters, target int) {
	strengths := []float64{1200, 1100, 1000, 950, 800} // arena scale
	target = len(strengths) - 1
	r := rand.New(rand.NewPCG(7, 11))
	at := 0.0
	bt := func(a, b int) float64 {
		p := 1 / (1 + math.Pow(10, (strengths[b]-strengths[a])/400))
		u := r.Float64()
		switch {
		case u < 0.1:
			return 0.5
		case u < 0.1+0.9*p:
			return 1
		}
		return 0
	}
	for u := range honest {
		for range perVoter {
			a := r.IntN(len(strengths))
			b := (a + 1 + r.IntN(len(strengths)-1)) % len(strengths)
			at += 60
			votes = append(votes, arena.RiskVote{Voter: u, Address: u, Outcome: rating.Outcome{A: a, B: b, Result: bt(a, b)},
				ReadSeconds: 10 + 20*r.Float64(), At: at, Tested: true})
		}
	}
	for k := range rigVotes {
		rival := r.IntN(target)
		o := rating.Outcome{A: target, B: rival, Result: 1}
		if k%2 == 1 {
			o = rating.Outcome{A: rival, B: target, Result: 0}
		}
		at += 600
		votes = append(votes, arena.RiskVote{Voter: honest, Address: honest, Outcome: o, ReadSeconds: 10 + 20*r.Float64(), At: at, Tested: true})
	}
	return votes, honest + 1, target
}

// The rigging voter is flagged and every one of their votes reaches the
// threshold; no honest voter is flagged and no honest vote reaches it.
func TestScoreVotesCatchesRigger(t *testing.T) {
	votes, n, _ := riggedVotes(40, 30, 90)
	rep := arena.ScoreVotes(votes, n, arena.IntegrityOptions{})
	rigger := n - 1
	if !rep.Flagged[rigger] {
		t.Errorf("rigging voter not flagged: p = %g, tested %d voters", rep.Tests[rigger].P, rep.Tested)
	}
	for u := range rigger {
		if rep.Flagged[u] {
			t.Errorf("honest voter %d flagged: p = %g", u, rep.Tests[u].P)
		}
	}
	th := arena.DefaultIntegrity.Threshold
	for i, v := range votes {
		risk := rep.Votes[i]
		switch {
		case v.Voter == rigger && risk.Score < th:
			t.Errorf("rigging vote %d scored %v, want ≥ %v", i, risk, th)
		case v.Voter != rigger && risk.Score >= th:
			t.Errorf("honest vote %d of voter %d scored %v, want < %v", i, v.Voter, risk, th)
		}
	}
	// The rigger only votes when the target appears, always for it, far
	// beyond its record: every statistical signal fires.
	if got := rep.Votes[len(votes)-1].Signals; !cmp.Equal(got, []string{arena.SignalOneSided, arena.SignalSelective, arena.SignalFavours, arena.SignalAnomalous}) {
		t.Errorf("rigging vote signals = %q", got)
	}

	// With a third of the votes the corrected per-voter test no longer
	// convicts the rigger (p ≈ 0.007 > 0.05/41); the other signals do.
	votes, n, _ = riggedVotes(40, 30, 30)
	rep = arena.ScoreVotes(votes, n, arena.IntegrityOptions{})
	if got := rep.Votes[len(votes)-1]; !cmp.Equal(got.Signals, []string{arena.SignalOneSided, arena.SignalSelective, arena.SignalFavours, arena.SignalUnusual}) || got.Score < th {
		t.Errorf("rigging vote of a smaller rigger = %v", got)
	}
	for i, v := range votes {
		if v.Voter != n-1 && rep.Votes[i].Score >= th {
			t.Errorf("honest vote %d of voter %d scored %v", i, v.Voter, rep.Votes[i])
		}
	}
}

func TestScoreVotesWindows(t *testing.T) {
	o := arena.IntegrityOptions{BurstWindow: time.Minute, BurstVotes: 2, AddressWindow: time.Minute, AddressVoters: 2}
	out := rating.Outcome{A: 0, B: 1, Result: 0.5}
	votes := []arena.RiskVote{
		{Voter: 0, Address: 0, Outcome: out, ReadSeconds: 1, At: 0},
		{Voter: 0, Address: 0, Outcome: out, ReadSeconds: 10, At: 10},
		{Voter: 0, Address: 0, Outcome: out, ReadSeconds: 10, At: 20}, // third in a minute
		{Voter: 1, Address: 0, Outcome: out, ReadSeconds: 10, At: 30},
		{Voter: 2, Address: 0, Outcome: out, ReadSeconds: 10, At: 40},  // third voter on the address
		{Voter: 0, Address: 0, Outcome: out, ReadSeconds: 10, At: 200}, // windows have passed
		{Voter: 3, Address: -1, Outcome: out, ReadSeconds: 10, At: 201},
	}
	rep := arena.ScoreVotes(votes, 4, o)
	var got [][]string
	for _, r := range rep.Votes {
		got = append(got, r.Signals)
	}
	want := [][]string{{arena.SignalFast}, nil, {arena.SignalBurst}, nil, {arena.SignalShared}, nil, nil}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("signals (-want +got):\n%s", d)
	}
	// Vote-time scoring agrees with the sweep on the cheap signals.
	r := arena.VoteTimeRisk(1, 2, 3, o)
	if d := cmp.Diff([]string{arena.SignalFast, arena.SignalBurst, arena.SignalShared}, r.Signals); d != "" || math.Abs(r.Score-0.9) > 1e-9 {
		t.Errorf("VoteTimeRisk = %v (-want +got):\n%s", r, d)
	}
}

// storeVotes writes RiskVotes as real battles and votes on contenders
// named c0..cN of a seeded bank prompt.
func storeVotes(t *testing.T, s *models.Store, votes []arena.RiskVote, nContenders int) {
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
		votes, n, _ := riggedVotes(25, 20, 60)
		storeVotes(t, s, votes, 5)
		a := arena.New(s, arena.Options{})
		rigger := fmt.Sprintf("voter-%03d", n-1)

		res, err := a.SweepRisk(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(arena.SweepResult{Excluded: 60, Risky: 60, Flagged: 1}, res); d != "" {
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
		rep, err := a.IntegrityReport(ctx, false)
		if err != nil {
			t.Fatal(err)
		}
		sum := rep.Voters[rep.ByVoter[rigger]]
		if !sum.Flagged || sum.Excluded != 60 || sum.Rated != 0 || sum.Votes != 60 {
			t.Errorf("rigger summary %+v", sum)
		}
		if _, err := s.ClearVoter(ctx, rigger, "admin"); err != nil {
			t.Fatal(err)
		}
		res, err = a.SweepRisk(ctx)
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
		o := arena.IntegrityOptions{FastRead: time.Hour, BurstVotes: 2, AddressVoters: 1}
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
		votes, n, _ := riggedVotes(25, 20, 60)
		storeVotes(t, s, votes, 5)
		a := arena.New(s, arena.Options{})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { a.SweepRiskEvery(ctx, 10*time.Millisecond); close(done) }()
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
		if len(es) != 1 || es[0].Actor != arena.SweepActor {
			t.Errorf("sweep audit = %+v, %v; want one entry by %q", es, err, arena.SweepActor)
		}
	})
}
