package integrity_test

import (
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"openarena.dev/arena/arena/integrity"
	"openarena.dev/arena/arena/integrity/integritytest"
	"openarena.dev/arena/rating"
)

// The rigging voter is flagged and every one of their votes reaches the
// threshold; no honest voter is flagged and no honest vote reaches it.
func TestScoreVotesCatchesRigger(t *testing.T) {
	votes, n, _ := integritytest.RiggedVotes(40, 30, 90)
	rep := integrity.ScoreVotes(votes, n, integrity.Options{})
	rigger := n - 1
	if !rep.Flagged[rigger] {
		t.Errorf("rigging voter not flagged: p = %g, tested %d voters", rep.Tests[rigger].P, rep.Tested)
	}
	for u := range rigger {
		if rep.Flagged[u] {
			t.Errorf("honest voter %d flagged: p = %g", u, rep.Tests[u].P)
		}
	}
	th := integrity.DefaultOptions.Threshold
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
	if got := rep.Votes[len(votes)-1].Signals; !cmp.Equal(got, []string{integrity.SignalOneSided, integrity.SignalSelective, integrity.SignalFavours, integrity.SignalAnomalous}) {
		t.Errorf("rigging vote signals = %q", got)
	}

	// With a third of the votes the corrected per-voter test no longer
	// convicts the rigger (p ≈ 0.007 > 0.05/41); the other signals do.
	votes, n, _ = integritytest.RiggedVotes(40, 30, 30)
	rep = integrity.ScoreVotes(votes, n, integrity.Options{})
	if got := rep.Votes[len(votes)-1]; !cmp.Equal(got.Signals, []string{integrity.SignalOneSided, integrity.SignalSelective, integrity.SignalFavours, integrity.SignalUnusual}) || got.Score < th {
		t.Errorf("rigging vote of a smaller rigger = %v", got)
	}
	for i, v := range votes {
		if v.Voter != n-1 && rep.Votes[i].Score >= th {
			t.Errorf("honest vote %d of voter %d scored %v", i, v.Voter, rep.Votes[i])
		}
	}
}

func TestScoreVotesWindows(t *testing.T) {
	o := integrity.Options{BurstWindow: time.Minute, BurstVotes: 2, AddressWindow: time.Minute, AddressVoters: 2}
	out := rating.Outcome{A: 0, B: 1, Result: 0.5}
	votes := []integrity.RiskVote{
		{Voter: 0, Address: 0, Outcome: out, ReadSeconds: 1, At: 0},
		{Voter: 0, Address: 0, Outcome: out, ReadSeconds: 10, At: 10},
		{Voter: 0, Address: 0, Outcome: out, ReadSeconds: 10, At: 20}, // third in a minute
		{Voter: 1, Address: 0, Outcome: out, ReadSeconds: 10, At: 30},
		{Voter: 2, Address: 0, Outcome: out, ReadSeconds: 10, At: 40},  // third voter on the address
		{Voter: 0, Address: 0, Outcome: out, ReadSeconds: 10, At: 200}, // windows have passed
		{Voter: 3, Address: -1, Outcome: out, ReadSeconds: 10, At: 201},
	}
	rep := integrity.ScoreVotes(votes, 4, o)
	var got [][]string
	for _, r := range rep.Votes {
		got = append(got, r.Signals)
	}
	want := [][]string{{integrity.SignalFast}, nil, {integrity.SignalBurst}, nil, {integrity.SignalShared}, nil, nil}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("signals (-want +got):\n%s", d)
	}
	// Vote-time scoring agrees with the sweep on the cheap signals.
	r := integrity.VoteTimeRisk(1, 2, 3, o)
	if d := cmp.Diff([]string{integrity.SignalFast, integrity.SignalBurst, integrity.SignalShared}, r.Signals); d != "" || math.Abs(r.Score-0.9) > 1e-9 {
		t.Errorf("VoteTimeRisk = %v (-want +got):\n%s", r, d)
	}
}
