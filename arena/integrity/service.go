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
	"log/slog"
	"time"

	"openarena.dev/arena/arena/audit"
	"openarena.dev/arena/arena/heavy"
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
	// Gate orders report builds with the ratings' background job, which
	// gives way to them (see package heavy); nil orders nothing.
	Gate *heavy.Gate
}

// Service applies the integrity rules over a store.
type Service struct {
	store *models.Store
	audit *audit.Log
	now   func() time.Time
	opt   Options
	hooks Hooks

	// cache is the last report and the computation of the next.
	cache reportCache
}

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

// Options are the settings in force, defaults filled in.
func (s *Service) Options() Options { return s.opt }
