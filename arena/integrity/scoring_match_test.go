package integrity

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"openarena.dev/arena/models"
	"openarena.dev/arena/rating"
)

// matchOptions are the option sets the scoring is compared under: the
// defaults, and tight ones under which every signal fires often.
var matchOptions = []Options{
	DefaultOptions,
	{FastRead: 3 * time.Second, BurstWindow: 10 * time.Minute, BurstVotes: 3, AddressWindow: time.Hour, AddressVoters: 2,
		OneSidedMin: 4, OneSidedShare: 0.8, Alpha: 0.2, MinTestVotes: 5, Threshold: 0.7},
}

// randomRiskVotes are n votes in time order (with ties) of a few busy
// voters and many occasional ones, on scattered contender ids, some on
// shared addresses, some untested, with results off the three usual ones,
// outcomes mostly by the order of ids, plus a rigger for contender 7 and a voter who votes only when 20 plays.
func randomRiskVotes(rng *rand.Rand, n int) (votes []RiskVote, voters int) {
	ids := []int{3, 7, 8, 20, 21, 40}
	voters = 60
	at := 0.0
	for k := range n {
		if rng.IntN(4) > 0 {
			at += float64(rng.IntN(900))
		}
		u := rng.IntN(voters - 2)
		switch rng.IntN(6) {
		case 0, 1:
			u = rng.IntN(5)
		case 2:
			u = 50 + rng.IntN(8)
		}
		a := ids[rng.IntN(len(ids))]
		b := ids[(slices.Index(ids, a)+1+rng.IntN(len(ids)-1))%len(ids)]
		// The earlier contender in ids mostly wins; voters 50–57 go
		// against that more and more often, the last ones unusually.
		res := []float64{1, 1, 1, 1, 1, 1, 0.7, 0.7, 0.7, 0.3, 0.5}[rng.IntN(11)]
		if slices.Index(ids, a) > slices.Index(ids, b) {
			res = 1 - res
		}
		if u >= 50 && rng.Float64() < float64((u-49)*(u-49))/80 {
			res = 1 - res
		}
		switch k % 9 {
		case 0: // the rigger
			u, a, res = voters-2, 7, 1
		case 1: // the selective voter
			u, a = voters-1, 20
		}
		if a == b {
			b = 40
			if a == 40 {
				b = 3
			}
		}
		addr := -1
		if rng.IntN(3) > 0 {
			addr = rng.IntN(12)
		}
		votes = append(votes, RiskVote{Voter: u, Address: addr, Outcome: rating.Outcome{A: a, B: b, Result: res},
			ReadSeconds: 10 * rng.Float64(), At: at, Tested: rng.IntN(10) > 0})
	}
	return votes, voters
}

// TestScoreVotesMatchesReference: scoring voter by voter over columns
// gives exactly (bit for bit) the risks, tests and verdicts of the
// earlier scoring over every vote at once, and every signal is seen.
func TestScoreVotesMatchesReference(t *testing.T) {
	var seen uint8
	for seed := range uint64(6) {
		for k, o := range matchOptions {
			t.Run(fmt.Sprintf("seed=%d/options=%d", seed, k), func(t *testing.T) {
				votes, voters := randomRiskVotes(rand.New(rand.NewPCG(seed, 9)), 3000)
				want, got := refScoreVotes(votes, voters, o), ScoreVotes(votes, voters, o)
				if d := gocmp.Diff(want, got, cmpopts.EquateEmpty()); d != "" {
					t.Errorf("ScoreVotes (-reference +now):\n%s", d)
				}
				for _, r := range got.Votes {
					for _, s := range r.Signals {
						for i, so := range signalOrder {
							if so.name == s {
								seen |= 1 << i
							}
						}
					}
				}
			})
		}
	}
	if seen != 0xff {
		t.Errorf("signals seen %08b, want all: the fixture tests too little", seen)
	}
}

// randomStoredVotes are rows as the store gives them, in id order, from
// randomRiskVotes: times out of id order now and then, some left out,
// some cleared.
func randomStoredVotes(rng *rand.Rand, n int) []models.IntegrityVote {
	rv, _ := randomRiskVotes(rng, n)
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	out := make([]models.IntegrityVote, len(rv))
	for i, v := range rv {
		w := models.WinnerTie
		switch {
		case v.Result > 0.5:
			w = models.WinnerA
		case v.Result < 0.5:
			w = models.WinnerB
		}
		at := start.Add(time.Duration(v.At * float64(time.Second)))
		if i%13 == 0 {
			at = at.Add(-time.Duration(rng.IntN(3600)) * time.Second)
		}
		out[i] = models.IntegrityVote{ID: uint(3*i + 1), VoterID: fmt.Sprintf("voter-%02d", v.Voter), ContenderAID: uint(v.A),
			ContenderBID: uint(v.B), Winner: w, ReadSeconds: v.ReadSeconds, Counted: v.Tested, CreatedAt: at}
		if v.Address >= 0 {
			out[i].IPHash = fmt.Sprintf("ip-%d", v.Address)
		}
		if v.Tested && rng.IntN(8) == 0 {
			out[i].Excluded, out[i].Cleared = "risk: too fast", rng.IntN(2) == 0
		}
	}
	return out
}

// TestReportMatchesReference: the report (columns, scoring by voter, lines
// of a few bytes) gives every voter's summary, every vote's risk and
// p-value and the sweep's reasons exactly as the earlier report did (the
// reference scoring, then every vote summarised in the order cast).
func TestReportMatchesReference(t *testing.T) {
	for seed := range uint64(4) {
		for k, o := range matchOptions {
			// solo gives every third vote a voter of its own, as on an
			// arena whose voters do not keep their cookie (the report
			// keeps such voters' lines in a form of their own).
			solo := seed%2 == 1
			t.Run(fmt.Sprintf("seed=%d/options=%d/solo=%v", seed, k, solo), func(t *testing.T) {
				o = o.withDefaults()
				votes := randomStoredVotes(rand.New(rand.NewPCG(seed, 5)), 3000)
				if solo {
					for i := 0; i < len(votes); i += 3 {
						votes[i].VoterID = fmt.Sprintf("solo-%04d", i)
					}
				}
				blocked := []string{"voter-03", "voter-58", "solo-0003", "solo-0300"}
				scores := map[uint]float64{3: 1100, 7: 900, 8: 1000, 20: 1000, 21: 1200}
				each := func(_ context.Context, fn func(*models.IntegrityVote) error) error {
					for i := range votes {
						v := votes[i]
						if err := fn(&v); err != nil {
							return err
						}
					}
					return nil
				}
				rep, err := buildReport(context.Background(), each, len(votes), time.Now(), o, blocked, scores)
				if err != nil {
					t.Fatal(err)
				}
				want, wantLines, wantReasons := refReport(votes, o, blocked, scores)
				if d := gocmp.Diff(want, rep.Summaries(), cmpopts.EquateNaNs()); d != "" {
					t.Errorf("voters (-reference +now):\n%s", d)
				}
				for id, lines := range wantLines {
					var mine []models.IntegrityVote
					for _, v := range votes {
						if v.VoterID == id {
							mine = append(mine, v)
						}
					}
					if d := gocmp.Diff(lines, rep.riskLines(mine), cmpopts.EquateEmpty()); d != "" {
						t.Errorf("votes of %s (-reference +now):\n%s", id, d)
					}
				}
				reasons, risky := rep.sweepReasons()
				if d := gocmp.Diff(wantReasons, reasons); d != "" || risky == 0 {
					t.Errorf("sweep reasons (-reference +now), %d risky:\n%s", risky, d)
				}
				for _, f := range []string{FilterAll, FilterRisky, FilterFlagged, FilterBlocked} {
					if d := gocmp.Diff(refRanked(want, f), rep.Ranked(f)); d != "" {
						t.Errorf("ranked %q (-reference +now):\n%s", f, d)
					}
				}
			})
		}
	}
}

// refReport is the earlier report: the votes sorted by time, scored by
// the reference scoring, and summarised vote by vote.
func refReport(votes []models.IntegrityVote, o Options, blocked []string, scores map[uint]float64) ([]VoterSummary, map[string][]VoteRiskLine, map[uint]string) {
	votes = slices.Clone(votes)
	slices.SortStableFunc(votes, func(a, b models.IntegrityVote) int {
		return cmp.Compare(a.CreatedAt.UnixNano(), b.CreatedAt.UnixNano())
	})
	voterIdx, addrIdx := map[string]int{}, map[string]int{}
	var voterIDs []string
	rv := make([]RiskVote, len(votes))
	for i, v := range votes {
		if _, ok := voterIdx[v.VoterID]; !ok {
			voterIdx[v.VoterID] = len(voterIDs)
			voterIDs = append(voterIDs, v.VoterID)
		}
		addr := -1
		if v.IPHash != "" {
			if _, ok := addrIdx[v.IPHash]; !ok {
				addrIdx[v.IPHash] = len(addrIdx)
			}
			addr = addrIdx[v.IPHash]
		}
		rv[i] = RiskVote{Voter: voterIdx[v.VoterID], Address: addr, Outcome: outcomeOf(v), ReadSeconds: v.ReadSeconds,
			At: time.Duration(v.CreatedAt.UnixNano() - votes[0].CreatedAt.UnixNano()).Seconds(), Tested: v.Counted}
	}
	scored := refScoreVotes(rv, len(voterIDs), o)
	sums := make([]VoterSummary, len(voterIDs))
	reads, agree, testIdx := make([][]float64, len(voterIDs)), make([]int, len(voterIDs)), make([]int, len(voterIDs))
	lines, reasons := map[string][]VoteRiskLine{}, map[uint]string{}
	for i, v := range votes {
		u, risk := rv[i].Voter, scored.Votes[i]
		line := VoteRiskLine{Vote: v, Risk: risk, P: 1}
		if rv[i].Tested {
			line.P = scored.Tests[u].VoteP[testIdx[u]]
			testIdx[u]++
		}
		lines[v.VoterID] = append(lines[v.VoterID], line)
		reads[u] = append(reads[u], v.ReadSeconds)
		if risk.Score >= o.Threshold-1e-9 && v.InRatings() && !v.Cleared {
			reasons[v.ID] = risk.Reason()
		}
		if refAdd(&sums[u], v, risk.Score, o, scores) {
			agree[u]++
		}
	}
	for u, id := range voterIDs {
		s := &sums[u]
		s.VoterID, s.Blocked, s.TestP = id, slices.Contains(blocked, id), scored.Tests[u].P
		s.Tested, s.Flagged = scored.Tests[u].Votes >= o.MinTestVotes, scored.Flagged[u]
		s.PerHour = float64(s.Votes) / max(1, s.Last.Sub(s.First).Hours())
		r := slices.Sorted(slices.Values(reads[u]))
		s.MedianRead = (r[(len(r)-1)/2] + r[len(r)/2]) / 2
		s.Agreement = math.NaN()
		if s.Decisive > 0 {
			s.Agreement = float64(agree[u]) / float64(s.Decisive)
		}
	}
	return sums, lines, reasons
}

// refAdd is the earlier VoterSummary.add.
func refAdd(s *VoterSummary, v models.IntegrityVote, risk float64, o Options, scores map[uint]float64) bool {
	at := time.Unix(0, v.CreatedAt.UnixNano()).UTC()
	s.Votes++
	switch {
	case v.InRatings():
		s.Rated++
	case v.Counted:
		s.Excluded++
	}
	if s.First.IsZero() || at.Before(s.First) {
		s.First = at
	}
	if at.After(s.Last) {
		s.Last = at
	}
	s.MaxRisk = max(s.MaxRisk, risk)
	if risk >= o.Threshold-1e-9 {
		s.Risky++
	}
	w, l, ok := decisive(outcomeOf(v))
	if !ok {
		return false
	}
	sw, okw := scores[uint(w)]
	sl, okl := scores[uint(l)]
	if !okw || !okl || sw == sl {
		return false
	}
	s.Decisive++
	return sw > sl
}

// refRanked is the voters page's order of the summaries the filter keeps,
// worked out from the summaries: riskiest first, then lowest p-value, then
// most votes, ties in order of first vote.
func refRanked(sums []VoterSummary, filter string) []int32 {
	var idx []int32
	for i, v := range sums {
		if filter == FilterAll || filter == FilterRisky && v.Risky > 0 || filter == FilterFlagged && v.Flagged ||
			filter == FilterBlocked && v.Blocked {
			idx = append(idx, int32(i))
		}
	}
	sort.SliceStable(idx, func(i, j int) bool {
		a, b := sums[idx[i]], sums[idx[j]]
		if a.MaxRisk != b.MaxRisk {
			return a.MaxRisk > b.MaxRisk
		}
		if a.TestP != b.TestP {
			return a.TestP < b.TestP
		}
		return a.Votes > b.Votes
	})
	return idx
}
