// Package integrity keeps the ratings honest against rigging voters: it
// scores every vote for signs of rigging (too fast, too many, a shared
// address, one-sided or selective voting, a voter unlike the others),
// leaves risky votes out of the ratings as they are cast and in a periodic
// sweep, and gives admins the voters page and the actions to block, clear,
// include and exclude. Every exclusion keeps the vote stored; only whether
// it counts changes.
//
// It does not import the ratings: what it needs of them (the published
// scores, and a way to say that votes went in or out) comes as Hooks.
package integrity

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"openarena.dev/arena/arena/audit"
	"openarena.dev/arena/models"
)

// Hooks are what integrity needs of the ratings. A nil field does nothing
// (Scores returns no scores, Log is slog.Default).
type Hooks struct {
	// Scores returns each rated contender's published score by contender
	// id, for the voters page's agreement column. An error means there is
	// no board yet, which leaves the column empty and the rest unchanged.
	Scores func(ctx context.Context) (map[uint]float64, error)
	// VotesChanged tells the ratings that votes went in or out of them.
	VotesChanged func(ctx context.Context)
	// Log returns the logger for failures of the periodic sweep. It is a
	// function so the ratings' logger is read when needed, not fixed at
	// construction.
	Log func() *slog.Logger
}

// Service applies the integrity rules over a store.
type Service struct {
	store *models.Store
	audit *audit.Log
	now   func() time.Time
	opt   Options
	hooks Hooks

	// mu guards report, the last report kept for a little while: it reads
	// every vote, which an admin page should not do on each request.
	mu     sync.Mutex
	report *Report
}

// reportTTL is how long a report is reused.
const reportTTL = 30 * time.Second

// New returns the integrity rules of store, recording admin actions in
// log, with the clock now; zero fields of opt take DefaultOptions.
func New(store *models.Store, log *audit.Log, now func() time.Time, opt Options, hooks Hooks) *Service {
	if hooks.Scores == nil {
		hooks.Scores = func(context.Context) (map[uint]float64, error) { return nil, nil }
	}
	if hooks.VotesChanged == nil {
		hooks.VotesChanged = func(context.Context) {}
	}
	if hooks.Log == nil {
		hooks.Log = slog.Default
	}
	return &Service{store: store, audit: log, now: now, opt: opt.withDefaults(), hooks: hooks}
}

// Report scores every stored vote and summarises every voter. It reads all
// votes, so it is cached for a short while; fresh forces a new computation.
func (s *Service) Report(ctx context.Context, fresh bool) (*Report, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !fresh && s.report != nil && s.now().Sub(s.report.At) < reportTTL {
		return s.report, nil
	}
	// Let the old report go first: on a large arena each is hundreds of
	// megabytes, and two at once is what a recomputation would otherwise hold.
	s.report = nil
	rep, err := s.compute(ctx)
	if err != nil {
		return nil, err
	}
	s.report = rep
	return rep, nil
}

// voterChanged tells the ratings and the report that an admin action
// changed the voter's votes or block. The cached report is updated from
// the voter's votes as they are now (an index walk) rather than computed
// again; it is dropped, to be computed on the next request, only if they
// cannot be read or the voter voted since it was computed (their page
// would lack those votes).
func (s *Service) voterChanged(ctx context.Context, voterID string) {
	s.hooks.VotesChanged(ctx)
	// Holding mu waits for a report being computed, which may have read
	// the voter before the change.
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.report == nil {
		return
	}
	votes, err := s.store.IntegrityVotes(ctx, voterID)
	blocked := false
	if err == nil {
		var v *models.Voter
		v, err = s.store.Voter(ctx, voterID)
		if errors.Is(err, models.ErrNotFound) {
			// Votes without a voter row (an imported history) are unblocked.
			err = nil
		} else if err == nil {
			blocked = v.Blocked
		}
	}
	if err != nil || !s.report.voterChanged(voterID, votes, blocked) {
		s.report = nil
	}
}

// RiskWindow is what the vote path asks the store about a voter now (see
// models.Store.VoteChecks): the counts need go no further than one past
// each limit.
func (s *Service) RiskWindow() models.RiskWindow {
	o, now := s.opt, s.now()
	return models.RiskWindow{BurstSince: now.Add(-o.BurstWindow), AddressSince: now.Add(-o.AddressWindow),
		BurstCap: o.BurstVotes + 1, AddressCap: o.AddressVoters + 1}
}

// VoteExclusion is the exclusion a new vote gets from integrity, given the
// facts read in its RiskWindow: "voter blocked" for a blocked voter, a risk
// reason when the cheap vote-time signals reach the threshold, "" otherwise.
func (s *Service) VoteExclusion(f models.VoteRiskFacts, ipHash string, readSeconds float64) string {
	if f.Blocked {
		return models.ExcludedBlocked
	}
	// The query counts the other voter ids seen on the address; this is
	// one more.
	addr := 0
	if ipHash != "" {
		addr = f.OtherAddressVoters + 1
	}
	r := VoteTimeRisk(readSeconds, f.RecentVotes, addr, s.opt)
	if r.Score >= s.opt.Threshold-1e-9 {
		return r.Reason()
	}
	return ""
}
