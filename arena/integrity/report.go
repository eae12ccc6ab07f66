package integrity

import (
	"context"
	"math"
	"slices"
	"time"

	"openarena.dev/arena/models"
	"openarena.dev/arena/rating"
)

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

// Report is every voter's summary and every vote's risk.
type Report struct {
	// At is when the report was computed; Options are the settings it
	// was computed with, defaults filled in.
	At      time.Time
	Options Options
	// Voters are in the order of their first vote.
	Voters []VoterSummary
	// Tested is how many voters had enough votes for the test.
	Tested int
	// ByVoter indexes Voters.
	ByVoter map[string]int
	// votes are the scored votes' risks, compactly (see voteRisks).
	votes voteRisks
	rank  rankings
}

// compute scores every stored vote and summarises every voter. The votes
// are streamed into columns (never every stored row at once), scored in
// the order cast, and only their risk signals, p-values and states are
// kept, so the report holds a few bytes per vote besides its voters.
func (s *Service) compute(ctx context.Context) (*Report, error) {
	blockedIDs, err := s.store.BlockedVoterIDs(ctx)
	if err != nil {
		return nil, err
	}
	// Without a published board there is no agreement to show; that is
	// no reason to withhold the rest of the report.
	scores, err := s.hooks.Scores(ctx)
	if err != nil {
		scores = nil
	}
	return buildReport(ctx, s.store.EachIntegrityVote, s.now(), s.opt, blockedIDs, scores)
}

// voteSource calls fn with every vote to report on, in id order, reusing
// the vote passed (models.Store.EachIntegrityVote).
type voteSource func(ctx context.Context, fn func(*models.IntegrityVote) error) error

// buildReport is the report on the votes of each, with the voters of
// blockedIDs blocked and the contenders' published scores.
func buildReport(ctx context.Context, each voteSource, at time.Time, o Options, blockedIDs []string, scores map[uint]float64) (*Report, error) {
	cols, err := readColumns(ctx, each)
	if err != nil {
		return nil, err
	}
	order := cols.timeOrder()
	rv, voterIDs := cols.riskVotes(order)
	scored := ScoreVotes(rv, len(voterIDs), o)

	rep := newReport(at, o, voterIDs, blockedIDs, scored)
	rep.summarise(cols, order, rv, scored, scores)
	return rep, nil
}

// newReport starts a report with one empty summary per voter, in the order
// of voterIDs, carrying the test's verdicts.
func newReport(at time.Time, o Options, voterIDs, blockedIDs []string, scored RiskReport) *Report {
	rep := &Report{At: at, Options: o, Tested: scored.Tested, ByVoter: map[string]int{}}
	blocked := make(map[string]bool, len(blockedIDs))
	for _, id := range blockedIDs {
		blocked[id] = true
	}
	rep.Voters = make([]VoterSummary, len(voterIDs))
	for u, id := range voterIDs {
		rep.Voters[u] = VoterSummary{VoterID: id, Blocked: blocked[id], TestP: scored.Tests[u].P,
			Tested: scored.Tests[u].Votes >= o.MinTestVotes, Flagged: scored.Flagged[u]}
		rep.ByVoter[id] = u
	}
	return rep
}

// summarise adds every vote, taken in the given time order with rv its
// scoring view, to its voter's summary and keeps its risk; scores are the
// rated contenders' scores for the agreement column.
func (rep *Report) summarise(cols *voteColumns, order []int32, rv []RiskVote, scored RiskReport, scores map[uint]float64) {
	n := len(rep.Voters)
	reads := make([][]float64, n)
	agree := make([]int, n)
	testIdx := make([]int, n)
	rep.votes = newVoteRisks(cols)
	for k, i := range order {
		u := rv[k].Voter
		p := 1.0
		if rv[k].Tested {
			// The test's p-values are per tested vote, in order.
			p = scored.Tests[u].VoteP[testIdx[u]]
			testIdx[u]++
		}
		rep.votes.set(int(i), scored.Votes[k], p)
		reads[u] = append(reads[u], cols.read[i])
		st := cols.state[i]
		at := time.Unix(0, cols.at[i]).UTC()
		if rep.Voters[u].add(st, at, scored.Votes[k].Score, rep.Options, rv[k].Outcome, scores) {
			agree[u]++
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
}

// add counts one of the voter's votes in the summary and says whether it
// agreed with the board (went to the higher-rated of two rated contenders).
func (s *VoterSummary) add(state uint8, at time.Time, risk float64, o Options, out rating.Outcome, scores map[uint]float64) bool {
	s.Votes++
	switch {
	case state&stateInRatings != 0:
		s.Rated++
	case state&stateCounted != 0:
		// Counted when cast, so only an exclusion keeps it out.
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
	w, l, ok := decisive(out)
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

// median is the middle value of xs (the mean of the two middle ones for an
// even count), NaN when there are none.
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
