// Package boards holds the leaderboards: the published ratings (Bradley–Terry
// scores with bootstrap intervals, per category, stored as snapshots and
// recomputed in the background as votes arrive), the views of them the pages
// and the API show, their history over time, head-to-head records, and the
// online-Elo board shown before the first snapshot exists. The maths lives in
// the rating package; this package decides what is rated, when, and what is
// shown.
package boards

import (
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"openarena.dev/arena/arena/heavy"
	"openarena.dev/arena/models"
	"openarena.dev/arena/rating"
)

// Options tune how the published ratings are kept up to date.
type Options struct {
	// Debounce is how long after the first vote not yet rated the ratings
	// are recomputed, so a burst of votes costs one computation. Votes
	// that keep coming do not postpone it further. (Where the recomputer
	// cannot lower its threads' priority, a computation that took longer
	// than Debounce makes the next wait that long instead.)
	Debounce time.Duration
	// Interval is how often the arena looks for counted votes it was not
	// told about: votes recorded by other instances.
	Interval time.Duration
	// CategoryInterval is how often, at most, the category boards are
	// rated while votes keep coming: a computation that read new votes
	// rates only the overall board unless CategoryInterval has passed
	// since the categories were last rated. Once votes pause (a check
	// finds none new) or the interval is up, the categories catch up.
	CategoryInterval time.Duration
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
	// Reweight fits the arena score with pair reweighting (see
	// rating.ReweightCells); ReweightFloor is its pair-count floor, 0
	// taking rating.DefaultMinPairCount.
	Reweight      bool
	ReweightFloor int
	// Workers is how many bootstrap rounds run at once; 0 means every core.
	Workers int
	// CPU is how many cores, on average, rating may take while votes keep
	// coming: the overall board's bootstrap rounds take at most
	// 1 − slowShare of it and the background jobs (category boards, the
	// style-controlled view) the rest. After a computation that used c of
	// CPU time over w of wall time, the next waits until c/share − w has
	// passed (see pace.go). 0 takes the default; a negative value sets no
	// bound (computations then follow every Debounce, the jobs every
	// CategoryInterval or as long as the last took).
	CPU float64
	// Log receives failures of background computations; nil means
	// slog.Default().
	Log *slog.Logger
	// OnCompute, when set, is called as each computation starts (inside
	// every lock) and the function it returns when it ends: a hook for
	// tests and metrics.
	OnCompute func() (done func())
	// Gate makes the background job give way to an integrity report's
	// build (see package heavy); nil orders nothing.
	Gate *heavy.Gate
	// EloMaxAge bounds how stale the online-Elo board may be when other
	// instances record votes this one does not see.
	EloMaxAge time.Duration
	// EloMaxVotes is the most votes the online-Elo board is read for on
	// request, before the first rated board: past it (a large history
	// imported or seeded before the first start) the leaderboard says the
	// board is being computed instead of reading every vote per request.
	EloMaxVotes int
}

// DefaultOptions are used for zero fields of Options.
var DefaultOptions = Options{
	Debounce: 2 * time.Second, Interval: time.Minute, BoardCheck: time.Second, CategoryInterval: 30 * time.Second,
	Rounds: 100, MinVotes: rating.DefaultMinVotes, EloMaxAge: 10 * time.Second, EloMaxVotes: 200_000,
	CPU: 0.25,
}

// ErrRatingsBusy means another instance is computing the ratings right now.
var ErrRatingsBusy = errors.New("another instance is computing the ratings")

// Service keeps the boards of one store: the wake-up channel of the
// recomputer, the lock that keeps one computation at a time in this process,
// and the caches of the newest boards, the contenders' metadata, the history
// and the online-Elo board.
type Service struct {
	store *models.Store
	opt   Options
	now   func() time.Time

	kicks     chan struct{}
	computeMu sync.Mutex
	// thinnedAt is when this process last thinned the snapshot history;
	// guarded by computeMu.
	thinnedAt time.Time
	// rated holds the votes in the ratings as last read, voteIDs and
	// logIDs how far the votes and the change log were read (see
	// catchUp); catsAt is when the category boards were last rated and
	// catsBehind whether votes were rated since without them. All are
	// guarded by computeMu.
	rated           *ratedVotes
	contenders      []models.Contender
	slugs           map[uint32]string
	voteIDs, logIDs idTracker
	catsAt          time.Time
	catsBehind      bool
	// ratedGen counts the changes to rated, catsGen is its value when the
	// stored category boards were rated; view is the newest slow part
	// of the overall board (see slowview.go), viewNew says it is not in a
	// stored board yet, and slowRunning that a slow job is computing the
	// next one. All are guarded by computeMu; slowJobs counts the jobs
	// running, for StartRatings to wait for.
	ratedGen    uint64
	catsGen     uint64
	view        *slowView
	viewNew     bool
	slowRunning bool
	// jobTook is how long the last background job took, from taking its
	// votes to storing its boards.
	jobTook time.Duration
	// jobRest is how long after the last background job the next must
	// wait for its CPU time to fit its share of Options.CPU.
	jobRest  time.Duration
	slowJobs sync.WaitGroup
	// slowMu guards slowTook, how long the overall board's slow part last
	// took (a background job sets it outside computeMu).
	slowMu   sync.Mutex
	slowTook time.Duration
	// cells is the fast part's count of the held votes, kept so that
	// appended votes are counted alone; guarded by computeMu.
	cells cellCount
	// fastCPU adds up the CPU time of the overall board's bootstrap
	// rounds, slowCPU that of the background jobs, for each to pace
	// itself by (see pace.go).
	fastCPU, slowCPU cpuMeter
	// draws keeps the overall board's bootstrap draws between its
	// computations, so that each redraws only the cells new votes
	// touched (about 54 MB at 300 models; see rating.DrawCache). The
	// category boards, rated less often, draw afresh.
	draws rating.DrawCache

	// stale is set by InvalidateRatings: the next check recomputes even
	// if the counted votes are the same.
	stale atomic.Bool
	// catsLate mirrors catsBehind for Readiness, which must not wait for
	// computeMu; reading is set while readAll reads every vote.
	catsLate, reading atomic.Bool
	// voteAt is when VotesChanged was last called (Unix nanoseconds), for
	// background jobs to tell whether votes keep coming (see slowPause).
	voteAt atomic.Int64

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

	// eloMu guards elo, the online-Elo board last computed, and eloGen,
	// the value of votesGen it was computed at; votesGen counts the votes
	// changes this process was told of.
	eloMu    sync.Mutex
	elo      *EloBoard
	eloGen   uint64
	votesGen atomic.Uint64

	history historyCache
}

// New returns the boards of store; zero fields of opt take DefaultOptions,
// and a nil now reads the UTC wall clock.
func New(store *models.Store, opt Options, now func() time.Time) *Service {
	if now == nil {
		now = func() time.Time { return time.Now().UTC() }
	}
	return &Service{store: store, opt: opt.withDefaults(), now: now, kicks: make(chan struct{}, 1)}
}

// withDefaults fills the zero fields of o from DefaultOptions. It is the one
// place they are filled; a negative MinVotes becomes 0 (no model is
// preliminary), so it must be applied once only.
func (o Options) withDefaults() Options {
	d := DefaultOptions
	if o.Debounce <= 0 {
		o.Debounce = d.Debounce
	}
	if o.Interval <= 0 {
		o.Interval = d.Interval
	}
	if o.CategoryInterval <= 0 {
		o.CategoryInterval = d.CategoryInterval
	}
	if o.BoardCheck <= 0 {
		o.BoardCheck = d.BoardCheck
	}
	if o.Rounds <= 0 {
		o.Rounds = d.Rounds
	}
	if o.CPU == 0 {
		o.CPU = d.CPU
	}
	switch {
	case o.MinVotes == 0:
		o.MinVotes = d.MinVotes
	case o.MinVotes < 0:
		o.MinVotes = 0
	}
	if o.ReweightFloor <= 0 {
		o.ReweightFloor = rating.DefaultMinPairCount
	}
	if o.EloMaxAge <= 0 {
		o.EloMaxAge = d.EloMaxAge
	}
	if o.EloMaxVotes <= 0 {
		o.EloMaxVotes = d.EloMaxVotes
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	return o
}

// Logger is where background failures are reported (Options.Log): the
// arena's other background work reports there too, so one logger is
// configured.
func (s *Service) Logger() *slog.Logger { return s.opt.Log }

// VotesChanged marks the online-Elo board stale and wakes the recomputer of
// the published ratings. Call it after a vote is recorded, excluded or
// restored. It takes no lock: a vote never waits for a recomputation.
func (s *Service) VotesChanged() {
	s.votesGen.Add(1)
	s.voteAt.Store(time.Now().UnixNano())
	s.kick()
}

// kick tells the recomputer that votes arrived. It never blocks: one
// pending wake-up stands for any number of votes.
func (s *Service) kick() {
	select {
	case s.kicks <- struct{}{}:
	default:
	}
}

// RecheckBoards makes the next request for a board ask the database for
// newer snapshots instead of waiting for BoardCheck: another instance
// stored one. Cached contender metadata is read again too.
func (s *Service) RecheckBoards() {
	s.cacheMu.Lock()
	s.checkedAt = time.Time{}
	s.cacheMu.Unlock()
	s.metaMu.Lock()
	s.metaAt = time.Time{}
	s.metaMu.Unlock()
}
