package boards

import (
	"context"
	"errors"
	"time"
)

// StartRatings keeps the published board up to date until ctx ends, and
// returns a channel closed once it has stopped (wait for it before closing
// the store). Call it once per Service.
//
// It checks at once, so votes cast while no instance was running are rated
// at start-up. After that it recomputes Debounce after the first vote not
// yet rated, and every Interval looks for votes other instances recorded.
// It runs at a lowered thread priority (fastNice), and paces itself by
// the CPU time its bootstrap rounds use, so that under heavy voting they
// average at most Options.CPU cores (see pace.go); where a thread's
// priority cannot be lowered, the next computation also waits as long as
// the last one took, if longer than Debounce.
// Each check reads only the votes and changes it has not read yet and
// compares the result with the newest snapshot, so a wake-up for votes
// already rated (by this or another instance) is cheap. While votes keep
// coming, the category boards are rated at most every CategoryInterval
// (see categoriesDue), and a check is scheduled for when they are due.
// When another instance holds the lock it tries again after Debounce, so no
// vote is left out.
func (s *Service) StartRatings(ctx context.Context) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.ratingsLoop(ctx)
		s.slowJobs.Wait()
	}()
	return done
}

func (s *Service) ratingsLoop(ctx context.Context) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	tick := time.NewTicker(s.opt.Interval)
	defer tick.Stop()
	// cats fires when category boards left behind fall due; it is apart
	// from timer so that it never delays the overall board.
	cats := time.NewTimer(time.Hour)
	cats.Stop()
	defer cats.Stop()
	// pending is true while timer is set: kicks and ticks then join the
	// computation already due instead of postponing it.
	pending := true
	schedule := func(d time.Duration) {
		if !pending {
			pending = true
			timer.Reset(d)
		}
	}
	// wait is the delay after a vote: Debounce, or, without a lowered
	// priority, as long as the last computation took if that was longer.
	lowered := lowerPriority(fastNice)
	wait := s.opt.Debounce
	// rest is when the CPU budget lets the next computation start.
	var rest time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.kicks:
			schedule(max(wait, time.Until(rest)))
		case <-tick.C:
			schedule(max(0, time.Until(rest)))
		case <-cats.C:
			schedule(max(0, time.Until(rest)))
		case <-timer.C:
			pending = false
			start := time.Now()
			s.fastCPU.take()
			_, err := s.recompute(ctx, false)
			took := time.Since(start)
			rest = time.Now().Add(restAfter(s.fastCPU.take(), took, s.opt.CPU*(1-slowShare)))
			if !lowered {
				wait = max(s.opt.Debounce, took)
			}
			if d, behind := s.categoriesWait(); behind {
				cats.Reset(max(d, wait))
			}
			switch {
			case errors.Is(err, ErrRatingsBusy):
				schedule(s.opt.Debounce)
			case err != nil && ctx.Err() == nil:
				// The next vote or tick tries again; retrying at once
				// would only repeat a failure that needs a person.
				s.opt.Log.Error("recompute ratings", "err", err)
			}
		}
	}
}

// categoriesDue says whether this computation rates the categories too:
// when the catch-up found no new votes (voting paused, or only exclusions
// and label edits), or CategoryInterval has passed since they were last
// rated. Call it under computeMu.
func (s *Service) categoriesDue(got caught) bool {
	return !got.newVotes || time.Since(s.catsAt) >= s.slowEvery()
}

// slowEvery is how long after the last background job the next may start
// while votes keep coming: CategoryInterval, or as long as the last job
// took if that was longer (so that it keeps at most about half of one core
// busy), or until its CPU time fits its share of Options.CPU. Call it
// under computeMu.
func (s *Service) slowEvery() time.Duration {
	return max(s.opt.CategoryInterval, s.jobTook, s.jobRest)
}

// categoriesWait is how long until the category boards left behind are
// due, and whether any are.
func (s *Service) categoriesWait() (time.Duration, bool) {
	s.computeMu.Lock()
	defer s.computeMu.Unlock()
	if !s.catsBehind {
		return 0, false
	}
	return max(0, s.slowEvery()-time.Since(s.catsAt)), true
}
