// Package arena holds the domain rules of the arena: which battle a voter
// gets, how a vote is recorded and counted, and what the board shows. It knows
// nothing of HTTP or HTML.
package arena

import (
	"sync"
	"time"

	"openarena.dev/arena/arena/accounts"
	"openarena.dev/arena/arena/audit"
	"openarena.dev/arena/arena/boards"
	"openarena.dev/arena/arena/categories"
	"openarena.dev/arena/models"
)

// Options tune the arena's rules.
type Options struct {
	// ResumeWindow is how long an unvoted battle is shown again on reload
	// instead of a fresh pair, so reloading cannot be used to fish for models.
	ResumeWindow time.Duration
	// BankRefresh is how long the list of servable prompts is cached.
	BankRefresh time.Duration
	// Ratings tune the boards: the recomputation of the published ratings
	// and the online-Elo board; zero fields take boards.DefaultOptions.
	Ratings boards.Options
	// Live tunes live battles; zero fields take DefaultLiveOptions.
	Live LiveOptions
	// Integrity tunes the voter-integrity checks; zero fields take
	// DefaultIntegrity.
	Integrity IntegrityOptions
}

// DefaultOptions are the rules used when a field is zero.
var DefaultOptions = Options{ResumeWindow: time.Hour, BankRefresh: 30 * time.Second}

// Arena applies the domain rules over a store.
type Arena struct {
	store    *models.Store
	audit    *audit.Log
	accounts *accounts.Service
	opt      Options
	live     LiveOptions
	now      func() time.Time

	bankMu  sync.Mutex
	bankIDs []uint
	bankAt  time.Time
	boards  *boards.Service
	integ   integrityCache
	mod     moderation
}

// New returns an Arena over store; zero fields of opt take DefaultOptions.
func New(store *models.Store, opt Options) *Arena {
	if opt.ResumeWindow == 0 {
		opt.ResumeWindow = DefaultOptions.ResumeWindow
	}
	if opt.BankRefresh == 0 {
		opt.BankRefresh = DefaultOptions.BankRefresh
	}
	if store != nil {
		// Prompts are categorised as they are stored (see Categorize).
		store.SetCategorizer(categories.OfPrompt)
	}
	a := &Arena{store: store, opt: opt, live: liveDefaults(opt.Live), now: func() time.Time { return time.Now().UTC() }}
	// The clock is read through a.now so tests that move it move the log's
	// too.
	a.audit = audit.New(store, func() time.Time { return a.now() })
	a.boards = boards.New(store, opt.Ratings, func() time.Time { return a.now() })
	a.accounts = accounts.New(store, a.audit, func() time.Time { return a.now() })
	return a
}

// Accounts returns the admin accounts and sessions.
func (a *Arena) Accounts() *accounts.Service { return a.accounts }

// Store returns the store the arena works on.
func (a *Arena) Store() *models.Store { return a.store }

// Boards returns the leaderboards: the published ratings and their
// recomputation, the views, history and head-to-head records, and the
// online-Elo board shown before the first snapshot.
func (a *Arena) Boards() *boards.Service { return a.boards }
