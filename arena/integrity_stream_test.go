package arena_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/arena/integrity"
	"openarena.dev/arena/arena/integrity/integritytest"
	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
	"openarena.dev/arena/rating"
)

// TestStreamedReportMatchesWholeHistory: the integrity report, which
// streams the votes into columns and keeps a few bytes of each, gives the
// same voters, the same risk and p-value for every vote and the same sweep
// as the earlier report that held every stored row (re-implemented below as
// the reference), on a random fixture whose ids are not in time order, with
// ties in time, votes never counted, a blocked voter and a cleared vote.
func TestStreamedReportMatchesWholeHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		votes, _, _ := integritytest.RiggedVotes(30, 15, 40)
		storeShuffled(t, s, votes, 5, rand.New(rand.NewPCG(3, 4)))
		if _, err := s.SetVoterBlocked(ctx, "voter-003", true); err != nil {
			t.Fatal(err)
		}
		all, err := s.IntegrityVotes(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ExcludeVotes(ctx, map[uint]string{all[5].ID: "risk: one-sided"}, false); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.ClearVoteExclusion(ctx, all[5].ID, "alice"); err != nil {
			t.Fatal(err)
		}
		if all, err = s.IntegrityVotes(ctx, ""); err != nil {
			t.Fatal(err)
		}
		a := arena.New(s, arena.Options{})
		rep, err := a.Integrity().Report(ctx, true)
		if err != nil {
			t.Fatal(err)
		}
		want, wantLines := referenceReport(all, rep.Options)
		opts := []cmp.Option{cmpopts.EquateNaNs(), cmpopts.IgnoreFields(integrity.VoterSummary{}, "Blocked")}
		if d := cmp.Diff(want, rep.Summaries(), opts...); d != "" {
			t.Errorf("voters (-reference +streamed):\n%s", d)
		}
		risky := 0
		for _, v := range rep.Summaries() {
			lines, err := a.Integrity().VotesOf(ctx, rep, v.VoterID)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(wantLines[v.VoterID], lines, cmpopts.EquateEmpty()); d != "" {
				t.Errorf("votes of %s (-reference +streamed):\n%s", v.VoterID, d)
			}
			risky += v.Risky
		}
		if risky == 0 {
			t.Fatal("the fixture has no risky vote; it tests too little")
		}
		res, err := a.Integrity().SweepRisk(ctx)
		if err != nil || res.Risky != int64(risky) {
			t.Errorf("sweep = %+v, %v; want %d risky", res, err, risky)
		}
	})
}

// storeShuffled stores the votes in a random order, so that vote ids are
// not in time order, with every seventh vote at the time of the one before
// it, every fifth from a browser that got no address, and every eleventh
// on a battle whose answer leaked (stored, never counted).
func storeShuffled(t *testing.T, s *models.Store, votes []integrity.RiskVote, nContenders int, rng *rand.Rand) {
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
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now().UTC().Add(-30 * 24 * time.Hour).Truncate(time.Millisecond)
	for _, i := range rng.Perm(len(votes)) {
		v := votes[i]
		voter, ip := fmt.Sprintf("voter-%03d", v.Voter), fmt.Sprintf("ip-%03d", v.Address%7)
		if i%5 == 0 {
			ip = ""
		}
		if err := s.TouchVoter(ctx, voter, ip); err != nil {
			t.Fatal(err)
		}
		b := &models.Battle{ID: fmt.Sprintf("b%06d", i), PromptID: pids[0], ContenderAID: ids[v.A], ContenderBID: ids[v.B],
			VoterID: voter, Mode: models.ModeBank, State: models.StateReady}
		if err := s.CreateBattle(ctx, b); err != nil {
			t.Fatal(err)
		}
		w := map[float64]string{1: models.WinnerA, 0: models.WinnerB, 0.5: models.WinnerTie}[v.Result]
		at := v.At
		if i%7 == 0 && i > 0 {
			at = votes[i-1].At
		}
		vote := &models.Vote{BattleID: b.ID, Winner: w, VoterID: voter, IPHash: ip, ReadSeconds: v.ReadSeconds * rng.Float64() * 2,
			Counted: i%11 != 0, CreatedAt: start.Add(time.Duration(at * float64(time.Second)))}
		if _, err := s.RecordVote(ctx, vote); err != nil {
			t.Fatal(err)
		}
	}
}

// referenceReport is the report as computed before it streamed: every
// stored vote held at once, sorted by time, scored, and summarised line
// by line. It returns the voters and each voter's lines.
func referenceReport(votes []models.IntegrityVote, o integrity.Options) ([]integrity.VoterSummary, map[string][]integrity.VoteRiskLine) {
	sort.SliceStable(votes, func(i, j int) bool { return votes[i].CreatedAt.Before(votes[j].CreatedAt) })
	voterIdx, addrIdx := map[string]int{}, map[string]int{}
	var voterIDs []string
	rv := make([]integrity.RiskVote, len(votes))
	for i, v := range votes {
		u, ok := voterIdx[v.VoterID]
		if !ok {
			u = len(voterIDs)
			voterIdx[v.VoterID] = u
			voterIDs = append(voterIDs, v.VoterID)
		}
		addr := -1
		if v.IPHash != "" {
			if _, ok := addrIdx[v.IPHash]; !ok {
				addrIdx[v.IPHash] = len(addrIdx)
			}
			addr = addrIdx[v.IPHash]
		}
		res := map[string]float64{models.WinnerA: 1, models.WinnerB: 0}[v.Winner]
		if v.Winner != models.WinnerA && v.Winner != models.WinnerB {
			res = 0.5
		}
		rv[i] = integrity.RiskVote{Voter: u, Address: addr, Outcome: rating.Outcome{A: int(v.ContenderAID), B: int(v.ContenderBID), Result: res},
			ReadSeconds: v.ReadSeconds, At: v.CreatedAt.Sub(votes[0].CreatedAt).Seconds(), Tested: v.Counted}
	}
	scored := integrity.ScoreVotes(rv, len(voterIDs), o)
	return referenceSummaries(votes, rv, voterIDs, scored, o)
}

// referenceSummaries is the earlier summarise, without the agreement
// column (there is no board in the fixture).
func referenceSummaries(votes []models.IntegrityVote, rv []integrity.RiskVote, voterIDs []string, scored integrity.RiskReport,
	o integrity.Options) ([]integrity.VoterSummary, map[string][]integrity.VoteRiskLine) {
	sums := make([]integrity.VoterSummary, len(voterIDs))
	reads := make([][]float64, len(voterIDs))
	testIdx := make([]int, len(voterIDs))
	lines := map[string][]integrity.VoteRiskLine{}
	for i, v := range votes {
		u := rv[i].Voter
		line := integrity.VoteRiskLine{Vote: v, Risk: scored.Votes[i], P: 1}
		if rv[i].Tested {
			line.P = scored.Tests[u].VoteP[testIdx[u]]
			testIdx[u]++
		}
		lines[v.VoterID] = append(lines[v.VoterID], line)
		reads[u] = append(reads[u], v.ReadSeconds)
		s := &sums[u]
		s.Votes++
		switch {
		case v.InRatings():
			s.Rated++
		case v.Counted:
			s.Excluded++
		}
		if s.First.IsZero() || v.CreatedAt.Before(s.First) {
			s.First = v.CreatedAt
		}
		if v.CreatedAt.After(s.Last) {
			s.Last = v.CreatedAt
		}
		s.MaxRisk = max(s.MaxRisk, line.Risk.Score)
		if line.Risk.Score >= o.Threshold-1e-9 {
			s.Risky++
		}
	}
	for u, id := range voterIDs {
		s := &sums[u]
		s.VoterID, s.TestP, s.Tested, s.Flagged = id, scored.Tests[u].P, scored.Tests[u].Votes >= o.MinTestVotes, scored.Flagged[u]
		s.PerHour = float64(s.Votes) / max(1, s.Last.Sub(s.First).Hours())
		r := slices.Clone(reads[u])
		slices.Sort(r)
		s.MedianRead = (r[(len(r)-1)/2] + r[len(r)/2]) / 2
		s.Agreement = math.NaN()
	}
	return sums, lines
}
