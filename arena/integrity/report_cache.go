package integrity

import (
	"context"
	"errors"
	"sync"
	"time"

	"openarena.dev/arena/arena/fault"
	"openarena.dev/arena/models"
)

// reportCache is the last report and the computation of the next. A report
// reads every vote (minutes on a large arena), so pages are served the last
// one while the next is computed in the background, one computation at a
// time. A report no page reads for reportIdle is let go.
type reportCache struct {
	mu     sync.Mutex
	report *Report
	// read is when a page last read report, or when it was built if no
	// page has since; idle checks it, from when the first report is kept
	// until one is let go (nil while none is kept).
	read time.Time
	idle *time.Timer
	// asked is when a page last asked for the report, kept or not: a
	// report built with no page asking (an API sweep) is not kept.
	asked time.Time
	// stale says an admin action could not update report in place (the
	// voter voted since it was computed): it is served until the next.
	stale bool
	// took is how long the last computation took, which spaces them out.
	took  time.Duration
	build *reportBuild
	// changed are the voters admin actions changed while build ran: it
	// may have read them before the change, so they are read again for
	// its report when it is done.
	changed []string
}

// reportBuild is one computation of the report; rep and err are set when
// done is closed.
type reportBuild struct {
	done    chan struct{}
	rep     *Report
	err     error
	started time.Time
}

const (
	// reportTTL is how long a report is served before the next is
	// computed, at the least.
	reportTTL = 30 * time.Second
	// refreshFactor spaces computations out on a large arena: a report is
	// kept at least this many times as long as it took, so that an admin
	// keeping the page open costs at most a fifth of a core.
	refreshFactor = 5
	// firstReportWait is how long a page waits for the first report before
	// saying that it is being computed.
	firstReportWait = 3 * time.Second
	// buildNice is the priority of the thread computing a report, so that
	// votes and pages take the CPU before it.
	buildNice = 10
	// reportIdle is how long a report is kept with no page reading it
	// before it is let go. At 10M votes one holds about 420 MB (one voter
	// per vote), the most the server keeps beside the votes, and the
	// ratings' background job starts again beside it once it is built: a
	// report the hourly sweep built, or one an admin looked at once, would
	// otherwise sit in memory until the next. An admin going through the
	// voters page reads it at every click, so it stays while someone works
	// with it; two minutes covers reading one voter's page. A page after it
	// was let go has it computed again, as before the first.
	reportIdle = 2 * time.Minute
)

// ErrFirstReport says that there is no report to serve, none yet or the
// last let go unread (see reportIdle), and that one is being computed.
var ErrFirstReport = fault.New(fault.Unavailable,
	"The integrity report is being computed: it reads every vote, which takes a while on a large arena. Try again in a minute.")

// currentLocked says whether the cached report may be served as it is.
func (s *Service) currentLocked() bool {
	c := &s.cache
	return c.report != nil && !c.stale && s.now().Sub(c.report.At) < max(reportTTL, refreshFactor*c.took)
}

// Report scores every stored vote and summarises every voter, waiting for
// the computation. The last report is reused while current; fresh asks for
// a computation, joining one already running rather than making another
// after it (on a large arena each takes minutes; the votes cast since it
// began are the next sweep's, and the vote path's checks cover them in
// between).
func (s *Service) Report(ctx context.Context, fresh bool) (*Report, error) {
	s.cache.mu.Lock()
	if !fresh {
		s.cache.asked = s.now()
	}
	if !fresh && s.currentLocked() {
		rep := s.cache.report
		s.cache.read = s.now()
		s.cache.mu.Unlock()
		return rep, nil
	}
	b := s.cache.build
	if b == nil {
		b = s.startBuildLocked(ctx)
	}
	s.cache.mu.Unlock()
	select {
	case <-b.done:
		return b.rep, b.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Latest returns the last report without waiting for the next: when it
// is no longer current the next is started in the background, and
// refreshing says one is being computed. Before the first report, and
// after one was let go unread, there is nothing to serve: Latest waits a
// little for the next, then returns ErrFirstReport.
func (s *Service) Latest(ctx context.Context) (rep *Report, refreshing bool, err error) {
	s.cache.mu.Lock()
	s.cache.asked = s.now()
	rep, b := s.cache.report, s.cache.build
	if b == nil && !s.currentLocked() {
		b = s.startBuildLocked(ctx)
	}
	if rep != nil {
		s.cache.read = s.now()
	}
	s.cache.mu.Unlock()
	if rep != nil {
		return rep, b != nil, nil
	}
	t := time.NewTimer(firstReportWait)
	defer t.Stop()
	select {
	case <-b.done:
		return b.rep, false, b.err
	case <-t.C:
		return nil, true, ErrFirstReport
	case <-ctx.Done():
		return nil, true, ctx.Err()
	}
}

// startBuildLocked starts computing a report in the background, at a
// lowered priority and apart from ctx's end (others may wait for it).
func (s *Service) startBuildLocked(ctx context.Context) *reportBuild {
	b := &reportBuild{done: make(chan struct{}), started: s.now()}
	s.cache.build, s.cache.changed = b, nil
	ctx = context.WithoutCancel(ctx)
	go func() {
		lowerPriority(buildNice)
		start := time.Now()
		b.rep, b.err = s.computeGated(ctx)
		s.finishBuild(ctx, b, time.Since(start))
		close(b.done)
		if b.err == nil {
			// The voters page's order, worked out here rather than on
			// the page's first request (a sort of every voter).
			b.rep.Ranked(FilterAll)
		}
	}()
	return b
}

// computeGated computes a report once the ratings' background job, if
// one runs, has given way: the two side by side would hold twice the
// memory (see package heavy).
func (s *Service) computeGated(ctx context.Context) (*Report, error) {
	end, err := s.hooks.Gate.Build(ctx)
	if err != nil {
		return nil, err
	}
	defer end()
	return s.compute(ctx)
}

// finishBuild makes a computed report the cached one, with the admin
// actions taken while it was computed applied to it.
func (s *Service) finishBuild(ctx context.Context, b *reportBuild, took time.Duration) {
	c := &s.cache
	c.mu.Lock()
	defer c.mu.Unlock()
	c.build = nil
	if b.err != nil {
		s.hooks.Log().Warn("integrity report failed", "err", b.err)
		return
	}
	c.took = took
	if c.asked.Before(b.started.Add(-reportIdle)) {
		// Built for a sweep with no page asking since a while before
		// it began (an API call, not an admin on the voters page):
		// nobody will read it, so its memory goes back at once.
		c.dropLocked()
		c.changed = nil
		return
	}
	c.report, c.stale, c.read = b.rep, false, s.now()
	if c.idle == nil {
		c.idle = time.AfterFunc(reportIdle, s.letGoIdle)
	}
	for _, id := range c.changed {
		if !s.refreshVoter(ctx, b.rep, id) {
			c.stale = true
		}
	}
	c.changed = nil
}

// letGoIdle lets the kept report go when no page has read it for
// reportIdle, so that its memory is free for the votes and the ratings;
// else it checks again once that could be so.
func (s *Service) letGoIdle() {
	c := &s.cache
	c.mu.Lock()
	defer c.mu.Unlock()
	if wait := reportIdle - s.now().Sub(c.read); c.report != nil && wait > 0 {
		c.idle.Reset(wait)
		return
	}
	c.dropLocked()
}

// dropLocked lets the kept report go.
func (c *reportCache) dropLocked() {
	if c.idle != nil {
		c.idle.Stop()
	}
	c.report, c.stale, c.idle = nil, false, nil
}

// voterChanged tells the ratings and the report that an admin action
// changed the voter's votes or block. The cached report is updated from
// the voter's votes as they are now (an index walk) rather than computed
// again; if they cannot be read or the voter voted since it was computed
// (their page would lack those votes), it is left as it was and marked
// stale, to be served until the next.
func (s *Service) voterChanged(ctx context.Context, voterID string) {
	s.hooks.VotesChanged(ctx)
	c := &s.cache
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.build != nil {
		c.changed = append(c.changed, voterID)
	}
	if c.report != nil && !s.refreshVoter(ctx, c.report, voterID) {
		c.stale = true
	}
}

// refreshVoter updates rep for the voter's votes and block as they are
// now, and reports whether it could.
func (s *Service) refreshVoter(ctx context.Context, rep *Report, voterID string) bool {
	votes, err := s.store.IntegrityVotes(ctx, voterID)
	if err != nil {
		return false
	}
	blocked := false
	v, err := s.store.Voter(ctx, voterID)
	switch {
	case errors.Is(err, models.ErrNotFound):
		// Votes without a voter row (an imported history) are unblocked.
	case err != nil:
		return false
	default:
		blocked = v.Blocked
	}
	return rep.voterChanged(voterID, votes, blocked)
}
