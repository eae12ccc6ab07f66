package integrity

import (
	"context"
	"math"
	"slices"
	"sync"
	"time"

	"openarena.dev/arena/models"
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
	// Unscored says the vote was cast since the report: it has no risk
	// or p-value until the next.
	Unscored bool
}

// Report is every voter's summary and every vote's risk, kept compactly:
// a voter's summary is rebuilt from a fixed-size line when asked for
// (Voter), a vote's risk from one byte.
type Report struct {
	// At is when the report was computed; Options are the settings it
	// was computed with, defaults filled in.
	At      time.Time
	Options Options
	// Tested is how many voters had enough votes for the test.
	Tested int

	// mu guards what an admin action changes in place (the lines' counts
	// and blocks, the votes' states) and the rankings.
	mu    sync.Mutex
	lines voterLines // in the order of the voters' first votes
	names voterNames
	votes voteRisks
	// pairs are the tested votes' outcomes per pair, what a vote's
	// p-value is worked out from again on its voter's page.
	pairs map[pairKey][3]int
	rank  map[string][]int32
}

// compute scores every stored vote and summarises every voter.
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
	span, err := s.store.VoteIDSpan(ctx)
	if err != nil {
		return nil, err
	}
	return buildReport(ctx, s.store.EachIntegrityVote, span, s.now(), s.opt, blockedIDs, scores)
}

// voteSource calls fn with every vote to report on, in id order, reusing
// the vote passed (models.Store.EachIntegrityVote).
type voteSource func(ctx context.Context, fn func(*models.IntegrityVote) error) error

// buildReport is the report on the votes of each (about hint of them, a
// size to start the columns at), with the voters of
// blockedIDs blocked and the contenders' published scores. The votes are
// streamed into columns (never every stored row at once) and scored voter
// by voter; the report keeps of each vote its id, voter, state and signal
// byte, and of each voter one line.
func buildReport(ctx context.Context, each voteSource, hint int, at time.Time, o Options, blockedIDs []string, scores map[uint]float64) (*Report, error) {
	cols, err := readColumns(ctx, each, hint)
	if err != nil {
		return nil, err
	}
	order := cols.timeOrder()
	names := cols.renumber(order)
	voters := names.Len()
	rep := &Report{At: at, Options: o, lines: newVoterLines(cols.voter, voters), names: names}
	var reads []float64
	sc := scoreVotes(cols.scoreInput(order, voters), order, o, func(u int, v *voterVerdict) {
		if k, several := rep.lines.where(u); several {
			rep.lines.full[k].summarise(v, cols, scores, o, &reads)
		} else {
			rep.lines.building.setOne(k, v, cols, scores)
		}
	})
	rep.lines.finish()
	for _, id := range blockedIDs {
		if u, ok := names.find(id); ok {
			rep.lines.setBlocked(u, true)
		}
	}
	rep.Tested, rep.pairs = sc.tested, sc.pairs
	rep.votes = voteRisks{ids: cols.ids, voter: packInts(cols.voter), state: fit(cols.state), bits: sc.bits}
	return rep, nil
}

// fit is s without room to spare, copied when the columns were sized for
// many more votes than came (ids left by deleted or side-by-side votes),
// so the report keeps only what it uses.
func fit[S ~[]E, E any](s S) S {
	if cap(s)-len(s) <= len(s)/8 {
		return s
	}
	return slices.Clone(s)
}

// summarise fills the line from the voter's verdict and votes; reads is
// scratch for the median.
func (l *voterLine) summarise(v *voterVerdict, cols *voteColumns, scores map[uint]float64, o Options, reads *[]float64) {
	l.testP = v.test.P
	l.setFlag(lineTested, v.enough)
	l.setFlag(lineFlagged, v.flagged)
	*reads = (*reads)[:0]
	maxRisk := 0.0
	for _, i := range v.votes {
		at, st := cols.at.at(int(i)), cols.state[i]
		if l.votes == 0 || at < l.first {
			l.first = at
		}
		l.last = max(l.last, at)
		l.votes++
		l.count(st, 1)
		if r := riskScore(v.bits[i]); r > maxRisk {
			maxRisk, l.maxBits = r, v.bits[i]
		}
		if riskScore(v.bits[i]) >= o.Threshold-1e-9 {
			l.risky++
		}
		*reads = append(*reads, cols.read.at(int(i)))
		l.agreement(cols, i, scores)
	}
	l.medianRead = median(*reads)
}

// agreement counts the vote i among the decisive ones on two rated
// contenders, and among those that went to the higher-rated one.
func (l *voterLine) agreement(cols *voteColumns, i int32, scores map[uint]float64) {
	w, lo := cols.a.at(int(i)), cols.b.at(int(i))
	switch {
	case cols.state[i]&stateBWon != 0:
		w, lo = lo, w
	case cols.state[i]&stateAWon == 0:
		return
	}
	sw, okw := scores[uint(w)]
	sl, okl := scores[uint(lo)]
	if !okw || !okl || sw == sl {
		return
	}
	l.decisive++
	if sw > sl {
		l.agree++
	}
}

// median is the middle value of xs (the mean of the two middle ones for an
// even count), NaN when there are none. It sorts xs.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	slices.Sort(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}
