// Package arena holds the domain rules of the arena: which battle a voter
// gets, how a vote is recorded and counted, and what the board shows. It knows
// nothing of HTTP or HTML.
package arena

import (
	"sync"
	"sync/atomic"
	"time"

	"openarena.dev/arena/arena/accounts"
	"openarena.dev/arena/arena/audit"
	"openarena.dev/arena/arena/categories"
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
	// BoardMaxAge bounds how stale the board may be when other instances
	// record votes this one does not see.
	BoardMaxAge time.Duration
	// Ratings tune the recomputation of the published board; zero fields
	// take DefaultRatingsOptions.
	Ratings RatingsOptions
	// Live tunes live battles; zero fields take DefaultLiveOptions.
	Live LiveOptions
	// Integrity tunes the voter-integrity checks; zero fields take
	// DefaultIntegrity.
	Integrity IntegrityOptions
}

// DefaultOptions are the rules used when a field is zero.
var DefaultOptions = Options{ResumeWindow: time.Hour, BankRefresh: 30 * time.Second, BoardMaxAge: 10 * time.Second}

// Arena applies the domain rules over a store.
type Arena struct {
	store    *models.Store
	audit    *audit.Log
	accounts *accounts.Service
	release  *release.Service
	opt      Options
	live     LiveOptions
	now      func() time.Time

	bankMu   sync.Mutex
	bankIDs  []uint
	bankAt   time.Time
	boardMu  sync.Mutex
	board    *Board
	boardGen uint64
	votesGen atomic.Uint64
	ratings  ratingsState
	integ    integrityCache
	mod      moderation
	history  historyCache
}

// New returns an Arena over store; zero fields of opt take DefaultOptions.
func New(store *models.Store, opt Options) *Arena {
	if opt.ResumeWindow == 0 {
		opt.ResumeWindow = DefaultOptions.ResumeWindow
	}
	if opt.BankRefresh == 0 {
		opt.BankRefresh = DefaultOptions.BankRefresh
	}
	if opt.BoardMaxAge == 0 {
		opt.BoardMaxAge = DefaultOptions.BoardMaxAge
	}
	if store != nil {
		// Prompts are categorised as they are stored (see Categorize).
		store.SetCategorizer(categories.OfPrompt)
	}
	a := &Arena{store: store, opt: opt, live: liveDefaults(opt.Live), now: func() time.Time { return time.Now().UTC() }}
	// The clock is read through a.now so tests that move it move the log's
	// too.
	a.audit = audit.New(store, func() time.Time { return a.now() })
	a.accounts = accounts.New(store, a.audit, func() time.Time { return a.now() })
	// The release screens with the live filter's lists, read through the
	// arena's cache of them (see promptRules).
	a.release = release.New(store, a.promptRules)
	return a
}

// Accounts returns the admin accounts and sessions.
func (a *Arena) Accounts() *accounts.Service { return a.accounts }

// Release returns the public data release and the rule for which answers
// a model page may show.
func (a *Arena) Release() *release.Service { return a.release }

// Store returns the store the arena works on.
func (a *Arena) Store() *models.Store { return a.store }
