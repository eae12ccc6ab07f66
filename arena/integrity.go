package arena

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"sync"
	"time"

	"openarena.dev/arena/models"
	"openarena.dev/arena/rating"
)

// integrityCache keeps the last integrity report for a little while: it
// reads every vote, which an admin page should not do on each request.
type integrityCache struct {
	mu     sync.Mutex
	report *IntegrityReport
}

// integrityReportTTL is how long a report is reused.
const integrityReportTTL = 30 * time.Second

// integrity returns the options with defaults filled in.
func (a *Arena) integrity() IntegrityOptions { return a.opt.Integrity.withDefaults() }

// IntegrityOptions returns the integrity settings in force.
func (a *Arena) IntegrityOptions() IntegrityOptions { return a.integrity() }

// VoterSummary is one voter's line on the integrity page.
type VoterSummary struct {
	VoterID string
	Blocked bool
	// Votes are all the voter's stored votes; Rated those in the ratings
	// now; Excluded those counted when cast but left out since.
	Votes, Rated, Excluded int
	// PerHour is votes per hour between the first and last vote (at least
	// one hour is assumed, so a single vote is 1 per hour, not infinity).
	PerHour float64
	// MedianRead is the median seconds spent reading before voting.
	MedianRead float64
	// Agreement is the share of decisive votes on two rated contenders
	// that went to the higher-rated one; NaN when there are none.
	Agreement float64
	Decisive  int
	// TestP is the per-voter test's combined p-value (1 untested), and
	// Flagged whether it fails after Bonferroni correction.
	TestP   float64
	Tested  bool
	Flagged bool
	// MaxRisk is the highest vote risk; Risky how many votes reach the
	// threshold.
	MaxRisk     float64
	Risky       int
	First, Last time.Time
}

// VoteRiskLine is one vote with its score.
type VoteRiskLine struct {
	Vote models.IntegrityVote
	Risk Risk
	// P is the vote's p-value against its pair's history (1 untested).
	P float64
}

// IntegrityReport is every voter's summary and every vote's risk.
type IntegrityReport struct {
	At      time.Time
	Options IntegrityOptions
	Voters  []VoterSummary
	// Tested is how many voters had enough votes for the test.
	Tested int
	// Votes are all votes in the order cast, with their risk.
	Votes []VoteRiskLine
	// ByVoter indexes Voters.
	ByVoter map[string]int
}

// IntegrityReport scores every stored vote and summarises every voter. It
// reads all votes, so it is cached for a short while; fresh forces a new
// computation.
func (a *Arena) IntegrityReport(ctx context.Context, fresh bool) (*IntegrityReport, error) {
	c := &a.integ
	c.mu.Lock()
	defer c.mu.Unlock()
	if !fresh && c.report != nil && a.now().Sub(c.report.At) < integrityReportTTL {
		return c.report, nil
	}
	// Let the old report go first: on a large arena each is hundreds of
	// megabytes, and two at once is what a recomputation would otherwise hold.
	c.report = nil
	rep, err := a.computeIntegrity(ctx)
	if err != nil {
		return nil, err
	}
	c.report = rep
	return rep, nil
}

// forgetIntegrity drops the cached report after a change.
func (a *Arena) forgetIntegrity() {
	a.integ.mu.Lock()
	a.integ.report = nil
	a.integ.mu.Unlock()
}

func (a *Arena) computeIntegrity(ctx context.Context) (*IntegrityReport, error) {
	o := a.integrity()
	votes, err := a.store.IntegrityVotes(ctx, "")
	if err != nil {
		return nil, err
	}
	blockedIDs, err := a.store.BlockedVoterIDs(ctx)
	if err != nil {
		return nil, err
	}
	scores := map[uint]float64{}
	if board, err := a.boards.RatedLeaderboard(ctx); err == nil && board != nil {
		for _, r := range board.Models {
			scores[r.ContenderID] = r.Score
		}
	}
	// Votes come in id order, the order cast up to clock skew between
	// replicas; the sliding windows want time order.
	sort.SliceStable(votes, func(i, j int) bool { return votes[i].CreatedAt.Before(votes[j].CreatedAt) })
	rv, voterIDs := riskVotes(votes)
	scored := ScoreVotes(rv, len(voterIDs), o)

	rep := &IntegrityReport{At: a.now(), Options: o, Tested: scored.Tested, ByVoter: map[string]int{}}
	blocked := make(map[string]bool, len(blockedIDs))
	for _, id := range blockedIDs {
		blocked[id] = true
	}
	reads := make([][]float64, len(voterIDs))
	agree := make([]int, len(voterIDs))
	rep.Voters = make([]VoterSummary, len(voterIDs))
	for u, id := range voterIDs {
		rep.Voters[u] = VoterSummary{VoterID: id, Blocked: blocked[id], TestP: scored.Tests[u].P,
			Tested: scored.Tests[u].Votes >= o.MinTestVotes, Flagged: scored.Flagged[u]}
		rep.ByVoter[id] = u
	}
	testIdx := make([]int, len(voterIDs))
	rep.Votes = make([]VoteRiskLine, len(votes))
	for i, v := range votes {
		u := rv[i].Voter
		s := &rep.Voters[u]
		line := VoteRiskLine{Vote: v, Risk: scored.Votes[i], P: 1}
		if rv[i].Tested {
			line.P = scored.Tests[u].VoteP[testIdx[u]]
			testIdx[u]++
		}
		rep.Votes[i] = line
		s.Votes++
		if v.Counted && v.Excluded == "" {
			s.Rated++
		}
		if v.Counted && v.Excluded != "" {
			s.Excluded++
		}
		if s.First.IsZero() || v.CreatedAt.Before(s.First) {
			s.First = v.CreatedAt
		}
		if v.CreatedAt.After(s.Last) {
			s.Last = v.CreatedAt
		}
		reads[u] = append(reads[u], v.ReadSeconds)
		s.MaxRisk = max(s.MaxRisk, line.Risk.Score)
		if line.Risk.Score >= o.Threshold-1e-9 {
			s.Risky++
		}
		if w, l, ok := decisive(rv[i].Outcome); ok {
			sw, okw := scores[uint(w)]
			sl, okl := scores[uint(l)]
			if okw && okl && sw != sl {
				s.Decisive++
				if sw > sl {
					agree[u]++
				}
			}
		}
	}
	for u := range rep.Voters {
		s := &rep.Voters[u]
		hours := max(1, s.Last.Sub(s.First).Hours())
		s.PerHour = float64(s.Votes) / hours
		s.MedianRead = median(reads[u])
		s.Agreement = math.NaN()
		if s.Decisive > 0 {
			s.Agreement = float64(agree[u]) / float64(s.Decisive)
		}
	}
	return rep, nil
}

// riskVotes converts stored votes, in time order, for ScoreVotes: voters
// and addresses to indices (voters in order of first vote), times to
// seconds. Contenders stay ids, small integers, used as indices.
func riskVotes(votes []models.IntegrityVote) ([]RiskVote, []string) {
	voterIdx, addrIdx := map[string]int{}, map[string]int{}
	var voterIDs []string
	out := make([]RiskVote, len(votes))
	var origin time.Time
	if len(votes) > 0 {
		origin = votes[0].CreatedAt
	}
	for i, v := range votes {
		u, ok := voterIdx[v.VoterID]
		if !ok {
			u = len(voterIDs)
			voterIdx[v.VoterID] = u
			voterIDs = append(voterIDs, v.VoterID)
		}
		addr := -1
		if v.IPHash != "" {
			k, ok := addrIdx[v.IPHash]
			if !ok {
				k = len(addrIdx)
				addrIdx[v.IPHash] = k
			}
			addr = k
		}
		out[i] = RiskVote{Voter: u, Address: addr, Outcome: outcomeOf(v), ReadSeconds: v.ReadSeconds,
			At: v.CreatedAt.Sub(origin).Seconds(), Tested: v.Counted}
	}
	return out, voterIDs
}

// outcomeOf converts a stored vote to a rating outcome between contender ids.
func outcomeOf(v models.IntegrityVote) rating.Outcome {
	res := 0.5
	switch v.Winner {
	case models.WinnerA:
		res = 1
	case models.WinnerB:
		res = 0
	}
	return rating.Outcome{A: int(v.ContenderAID), B: int(v.ContenderBID), Result: res}
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// SweepResult is what a risk sweep did.
type SweepResult struct {
	// Excluded is how many votes the sweep left out; Risky how many reach
	// the threshold in all (some were already out, or cleared by an admin).
	Excluded, Risky int64
	Flagged         int
}

// SweepRisk scores every vote and leaves out of the ratings those counted
// votes whose score reaches the threshold, with the signals as the reason.
// Votes an admin cleared stay in. It does not lift exclusions: only an
// admin does.
func (a *Arena) SweepRisk(ctx context.Context) (SweepResult, error) {
	rep, err := a.IntegrityReport(ctx, true)
	if err != nil {
		return SweepResult{}, err
	}
	var res SweepResult
	reasons := map[uint]string{}
	for _, l := range rep.Votes {
		if l.Risk.Score >= rep.Options.Threshold-1e-9 {
			res.Risky++
			if l.Vote.Counted && l.Vote.Excluded == "" && !l.Vote.Cleared {
				reasons[l.Vote.ID] = l.Risk.Reason()
			}
		}
	}
	for _, v := range rep.Voters {
		if v.Flagged {
			res.Flagged++
		}
	}
	n, err := a.store.ExcludeVotes(ctx, reasons, false)
	res.Excluded = n
	if err != nil {
		return res, err
	}
	if n > 0 {
		a.integrityChanged(ctx)
	}
	return res, nil
}

// integrityChanged tells the ratings and the report that votes went in or out.
func (a *Arena) integrityChanged(ctx context.Context) {
	a.forgetIntegrity()
	a.boards.VotesChanged()
	// It fails only when ctx has ended; the changed vote count is seen by
	// the recomputer's next check anyway.
	_ = a.boards.InvalidateRatings(ctx)
}

// voteExclusion is the exclusion a new vote gets from integrity: "voter
// blocked" for a blocked voter, a risk reason when the cheap vote-time
// signals reach the threshold, "" otherwise. It costs one query of a few
// index entries (see models.Store.VoteRisk).
func (a *Arena) voteExclusion(ctx context.Context, voterID, ipHash string, readSeconds float64) (string, error) {
	o := a.integrity()
	now := a.now()
	// The counts need go no further than one past each limit.
	f, err := a.store.VoteRisk(ctx, voterID, ipHash, now.Add(-o.BurstWindow), now.Add(-o.AddressWindow), o.BurstVotes+1, o.AddressVoters+1)
	if err != nil {
		return "", fmt.Errorf("vote risk: %w", err)
	}
	if f.Blocked {
		return models.ExcludedBlocked, nil
	}
	// The query counts the other voter ids seen on the address; this is
	// one more.
	addr := 0
	if ipHash != "" {
		addr = f.OtherAddressVoters + 1
	}
	r := VoteTimeRisk(readSeconds, f.RecentVotes, addr, o)
	if r.Score >= o.Threshold-1e-9 {
		return r.Reason(), nil
	}
	return "", nil
}

// SweepActor names the periodic sweep in the audit log.
const SweepActor = "arena (periodic risk sweep)"

// SweepRiskEvery runs SweepRisk every interval until ctx ends, logging what
// it left out and auditing sweeps that changed something. It reads every
// vote, so the interval should be long (an hour by default in serve); the
// vote path's cheap checks cover the time in between.
func (a *Arena) SweepRiskEvery(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		res, err := a.SweepRisk(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			a.boards.Logger().Warn("risk sweep failed", "err", err)
		case err == nil && res.Excluded > 0:
			a.boards.Logger().Info("risk sweep left votes out of the ratings", "votes", res.Excluded, "flagged_voters", res.Flagged)
			if err := a.Audit(ctx, SweepActor, "votes.sweep", "votes", nil, res); err != nil {
				a.boards.Logger().Warn("audit of the risk sweep failed", "err", err)
			}
		}
	}
}
