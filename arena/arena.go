// Package arena holds the domain rules of the arena: which battle a voter
// gets, how a vote is recorded and counted, and what the board shows. It knows
// nothing of HTTP or HTML.
package arena

import (
	"cmp"
	"context"
	"sync"
	"time"

	"openarena.dev/arena/arena/accounts"
	"openarena.dev/arena/arena/audit"
	"openarena.dev/arena/arena/boards"
	"openarena.dev/arena/arena/categories"
	"openarena.dev/arena/arena/heavy"
	"openarena.dev/arena/arena/integrity"
	"openarena.dev/arena/arena/jobs"
	"openarena.dev/arena/arena/moderation"
	"openarena.dev/arena/arena/release"
	"openarena.dev/arena/models"
)

// Options tune the arena's rules.
type Options struct {
	// ResumeWindow is how long an unvoted battle is shown again on reload
	// instead of a fresh pair, so reloading cannot be used to fish for models.
	ResumeWindow time.Duration
	// BankRefresh is how long the list of servable prompts is cached.
	BankRefresh time.Duration
	// FilterRefresh is how long the admin's filter lists are cached;
	// zero takes moderation.DefaultRulesRefresh. On PostgreSQL a change
	// reaches every instance at once by signal (see ListenSignals), so
	// this and BankRefresh matter only when a signal is lost.
	FilterRefresh time.Duration
	// Ratings tune the boards: the recomputation of the published ratings
	// and the online-Elo board; zero fields take boards.DefaultOptions.
	Ratings boards.Options
	// Live tunes live battles; zero fields take DefaultLiveOptions.
	Live LiveOptions
	// Integrity tunes the voter-integrity checks; zero fields take
	// integrity.DefaultOptions.
	Integrity integrity.Options
	// Jobs tune the durable job queue; its zero JobTimeout and
	// RescueAfter follow the live timeout (see jobOptions).
	Jobs jobs.Options
	// Getenv reads the variable a contender's provider names for its API
	// key (api_key_env) when the arena builds a backend itself; nil means
	// os.Getenv. The command passes its own so the environment has one
	// source, which tests can replace.
	Getenv func(string) string
	// Observer hears votes, battles, voids and backend calls, for the
	// operator's metrics; nil means nobody listens.
	Observer Observer
}

// DefaultOptions are the rules used when a field is zero.
var DefaultOptions = Options{ResumeWindow: time.Hour, BankRefresh: 30 * time.Second}

// withDefaults fills the zero fields of o and of its live options. Every
// options type of the domain fills its defaults this way, once, in its
// constructor: boards and integrity fill their own in boards.New and
// integrity.New.
func (o Options) withDefaults() Options {
	o.ResumeWindow = cmp.Or(o.ResumeWindow, DefaultOptions.ResumeWindow)
	o.BankRefresh = cmp.Or(o.BankRefresh, DefaultOptions.BankRefresh)
	o.Live = o.Live.withDefaults()
	return o
}

// Arena applies the domain rules over a store.
type Arena struct {
	store      *models.Store
	audit      *audit.Log
	accounts   *accounts.Service
	moderation *moderation.Service
	jobs       *jobs.Queue
	release    *release.Service
	opt        Options
	live       LiveOptions
	now        func() time.Time

	bankMu  sync.Mutex
	bankIDs []uint
	bankAt  time.Time
	boards  *boards.Service
	integ   *integrity.Service
	demo    demoState
	demote  demoteCache
	// heldBack caches the count of battles held back from the release.
	heldBack heldBackCache
	obs      Observer
	// streams are the live streams running here, for a graceful shutdown.
	streams streamSet
}

// New returns an Arena over store; zero fields of opt take DefaultOptions.
func New(store *models.Store, opt Options) *Arena {
	opt = opt.withDefaults()
	if store != nil {
		// Prompts are categorised as they are stored (see Categorize).
		store.SetCategorizer(categories.OfPrompt)
	}
	a := &Arena{store: store, opt: opt, live: opt.Live, now: func() time.Time { return time.Now().UTC() }, obs: opt.Observer}
	if a.obs == nil {
		a.obs = nobody{}
	} else {
		// Wrapped before moderation takes it, so answer generation and
		// the admin's test call are measured like live battles.
		a.live.Backend = observedBackends(a.live.Backend, a.obs)
	}
	// The clock is read through a.now so tests that move it move the log's
	// too.
	a.audit = audit.New(store, func() time.Time { return a.now() })
	// The ratings' background job and the integrity report each hold a
	// large part of every vote; the gate keeps them from running at once.
	gate := heavy.New()
	ratingsOpt := opt.Ratings
	ratingsOpt.Gate = gate
	a.boards = boards.New(store, ratingsOpt, func() time.Time { return a.now() })
	a.accounts = accounts.New(store, a.audit, func() time.Time { return a.now() })
	a.jobs = jobs.New(store, jobOptions(opt.Jobs, a.live.Timeout))
	a.moderation = moderation.New(store, a.audit, func() time.Time { return a.now() },
		moderation.Options{Rules: a.live.Rules, Backend: a.live.Backend, Timeout: a.live.Timeout, RulesRefresh: opt.FilterRefresh, Queue: a.jobs},
		moderation.Hooks{BankChanged: a.forgetBank, RatingsChanged: a.boards.InvalidateRatings, Battle: a.Battle})
	a.integ = integrity.New(store, a.audit, func() time.Time { return a.now() }, opt.Integrity, a.integrityHooks(gate))
	// The release screens with the live filter's lists, read through
	// moderation's cache of them.
	a.release = release.New(store, a.moderation.PromptRules)
	return a
}

// integrityHooks are the ratings as integrity sees them: the published
// scores for the voters page, and what must happen when votes go in or out.
func (a *Arena) integrityHooks(gate *heavy.Gate) integrity.Hooks {
	return integrity.Hooks{
		Scores: a.ratedScores,
		VotesChanged: func(ctx context.Context) {
			a.boards.VotesChanged()
			// It fails only when ctx has ended; the changed vote count
			// is seen by the recomputer's next check anyway.
			_ = a.boards.InvalidateRatings(ctx)
		},
		Log:  a.boards.Logger,
		Gate: gate,
	}
}

// ratedScores maps each contender on the published board to its score.
func (a *Arena) ratedScores(ctx context.Context) (map[uint]float64, error) {
	board, err := a.boards.RatedLeaderboard(ctx)
	if err != nil || board == nil {
		return nil, err
	}
	scores := make(map[uint]float64, len(board.Models))
	for _, r := range board.Models {
		scores[r.ContenderID] = r.Score
	}
	return scores, nil
}

// Integrity returns the voter-integrity checks and the admin's actions on
// voters and votes.
func (a *Arena) Integrity() *integrity.Service { return a.integ }

// Accounts returns the admin accounts and sessions.
func (a *Arena) Accounts() *accounts.Service { return a.accounts }

// Moderation returns the prompt moderation: queue, filter lists,
// suggestions and reports.
func (a *Arena) Moderation() *moderation.Service { return a.moderation }

// Release returns the public data release and the rule for which answers
// a model page may show.
func (a *Arena) Release() *release.Service { return a.release }

// Store returns the store the arena works on.
func (a *Arena) Store() *models.Store { return a.store }

// Boards returns the leaderboards: the published ratings and their
// recomputation, the views, history and head-to-head records, and the
// online-Elo board shown before the first snapshot.
func (a *Arena) Boards() *boards.Service { return a.boards }
