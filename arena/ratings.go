package arena

import (
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"openarena.dev/arena/models"
	"openarena.dev/arena/rating"
)

// RatingsOptions tune how the published ratings are kept up to date.
type RatingsOptions struct {
	// Debounce is how long after the first vote not yet rated the ratings
	// are recomputed, so a burst of votes costs one computation. Votes
	// that keep coming do not postpone it further; after a computation
	// that took longer than Debounce, the next waits that long instead.
	Debounce time.Duration
	// Interval is how often the arena looks for counted votes it was not
	// told about: votes recorded by other instances.
	Interval time.Duration
	// BoardCheck bounds how often serving the board asks the database
	// whether a newer snapshot exists.
	BoardCheck time.Duration
	// Rounds is the number of bootstrap rounds behind each interval.
	Rounds int
	// Seed fixes the bootstrap draws, so the same votes always give the
	// same snapshot and an unchanged board is not stored again.
	Seed uint64
	// MinVotes is how many votes a model needs before its rating stops
	// being marked preliminary; 0 takes rating.DefaultMinVotes and a
	// negative value marks none.
	MinVotes int
	// Workers is how many bootstrap rounds run at once; 0 means every core.
	Workers int
	// Log receives failures of background computations; nil means
	// slog.Default().
	Log *slog.Logger
	// OnCompute, when set, is called as each computation starts (inside
	// every lock) and the function it returns when it ends: a hook for
	// tests and metrics.
	OnCompute func() (done func())
}

// DefaultRatingsOptions are used for zero fields of RatingsOptions.
var DefaultRatingsOptions = RatingsOptions{
	Debounce: 2 * time.Second, Interval: time.Minute, BoardCheck: time.Second,
	Rounds: 100, MinVotes: rating.DefaultMinVotes,
}

// ErrRatingsBusy means another instance is computing the ratings right now.
var ErrRatingsBusy = errors.New("another instance is computing the ratings")

// ratingsState is the arena's share of the ratings machinery: the wake-up
// channel of the recomputer, the lock that keeps one computation at a time
// in this process, and the cached newest board. Its zero value is ready once
// init has run (see Arena.rs).
type ratingsState struct {
	once      sync.Once
	opt       RatingsOptions
	kicks     chan struct{}
	computeMu sync.Mutex
	// thinnedAt is when this process last thinned the snapshot history;
	// guarded by computeMu.
	thinnedAt time.Time

	// stale is set by InvalidateRatings: the next check recomputes even
	// if the counted votes are the same.
	stale atomic.Bool

	// cacheMu guards boards, the newest board of every category, and
	// checkedAt, when the database was last asked for newer ones.
	cacheMu   sync.Mutex
	boards    map[string]*RatedBoard
	checkedAt time.Time

	// metaMu guards meta, the contenders by slug as the board views show
	// them, and metaAt, when they were read.
	metaMu sync.Mutex
	meta   map[string]models.Contender
	metaAt time.Time
}

func (r *ratingsState) init(opt RatingsOptions) {
	d := DefaultRatingsOptions
	if opt.Debounce <= 0 {
		opt.Debounce = d.Debounce
	}
	if opt.Interval <= 0 {
		opt.Interval = d.Interval
	}
	if opt.BoardCheck <= 0 {
		opt.BoardCheck = d.BoardCheck
	}
	if opt.Rounds <= 0 {
		opt.Rounds = d.Rounds
	}
	switch {
	case opt.MinVotes == 0:
		opt.MinVotes = d.MinVotes
	case opt.MinVotes < 0:
		opt.MinVotes = 0
	}
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	r.opt = opt
	r.kicks = make(chan struct{}, 1)
}

// rs returns the arena's ratings state, set up on first use so that New
// need not know about it.
func (a *Arena) rs() *ratingsState {
	a.ratings.once.Do(func() { a.ratings.init(a.opt.Ratings) })
	return &a.ratings
}

// kick tells the recomputer that votes arrived. It never blocks: one
// pending wake-up stands for any number of votes.
func (r *ratingsState) kick() {
	select {
	case r.kicks <- struct{}{}:
	default:
	}
}
