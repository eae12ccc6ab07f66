package integrity

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"openarena.dev/arena/arena/audit"
	"openarena.dev/arena/arena/heavy"
	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// fakeClock is a clock a test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// idleStep moves the clock by after, has a page read the report when
// read, then runs the idle check and wants the report kept or not.
type idleStep struct {
	after time.Duration
	read  bool
	kept  bool
}

// TestUnreadReportLetGo checks that a kept report is let go once no page
// has read it for reportIdle, counted from its build or from the last
// page that read it, and that the next page has one computed again.
func TestUnreadReportLetGo(t *testing.T) {
	for _, tc := range []struct {
		name  string
		steps []idleStep
	}{
		{"unread after the build", []idleStep{
			{after: reportIdle - time.Second, kept: true},
			{after: time.Second, kept: false},
		}},
		// Within reportTTL of the build a read has nothing computed again.
		{"a read keeps it", []idleStep{
			{after: 25 * time.Second, read: true, kept: true},
			{after: reportIdle - time.Second, kept: true},
			{after: time.Second, kept: false},
		}},
		{"the next report a read had computed is kept from its build", []idleStep{
			{after: 90 * time.Second, read: true, kept: true},
			{after: reportIdle - time.Second, kept: true},
			{after: time.Second, kept: false},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *models.Store) {
				runIdleSteps(t, st, tc.steps)
			})
		})
	}
}

func runIdleSteps(t *testing.T, st *models.Store, steps []idleStep) {
	ctx := context.Background()
	clock := &fakeClock{t: time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)}
	s := New(st, audit.New(st, clock.now), clock.now, Options{}, Hooks{})
	// Asked for as a page asks (not fresh), so that it is kept.
	first, err := s.Report(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	for i, step := range steps {
		clock.add(step.after)
		if step.read {
			if rep, _, err := s.Latest(ctx); err != nil || rep == nil {
				t.Fatalf("step %d: Latest = %v, %v", i, rep, err)
			}
			// The read may have started the next report (the one read was
			// older than reportTTL): it is kept from when it is done.
			s.waitBuild()
		}
		s.letGoIdle()
		if kept := s.kept() != nil; kept != step.kept {
			t.Fatalf("step %d (%v on): report kept %v, want %v", i, step.after, kept, step.kept)
		}
	}
	if s.kept() != nil || s.idleArmed() {
		t.Fatal("the report let go is still kept, or its idle check still armed")
	}
	rep, refreshing, err := s.Latest(ctx)
	if err != nil || rep == nil || rep == first || refreshing {
		t.Fatalf("a page after the report was let go: %p (first %p), refreshing %v, %v; want a new report", rep, first, refreshing, err)
	}
	if s.kept() != rep || !s.idleArmed() {
		t.Error("the report computed again is not kept with its idle check armed")
	}
}

// waitBuild waits for the report being computed, if any.
func (s *Service) waitBuild() {
	s.cache.mu.Lock()
	b := s.cache.build
	s.cache.mu.Unlock()
	if b != nil {
		<-b.done
	}
}

func (s *Service) kept() *Report {
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	return s.cache.report
}

func (s *Service) idleArmed() bool {
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	return s.cache.idle != nil
}

// TestPageAfterLetGoSaysComputing checks that a page that finds the report
// let go, while the next cannot be computed at once (the ratings'
// background job has not given way yet), is told that it is being
// computed rather than made to wait.
func TestPageAfterLetGoSaysComputing(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	ctx := context.Background()
	clock := &fakeClock{t: time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)}
	gate := heavy.New()
	s := New(st, audit.New(st, clock.now), clock.now, Options{}, Hooks{Gate: gate})
	if _, err := s.Report(ctx, false); err != nil {
		t.Fatal(err)
	}
	clock.add(reportIdle)
	s.letGoIdle()
	_, letGo, err := gate.Background(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rep, refreshing, err := s.Latest(ctx)
	if !errors.Is(err, ErrFirstReport) || rep != nil || !refreshing {
		t.Errorf("Latest while the next report waits = %v, refreshing %v, %v; want ErrFirstReport", rep, refreshing, err)
	}
	letGo()
	s.waitBuild()
	if s.kept() == nil {
		t.Error("the report was not computed once the job let go")
	}
}

// TestSweepReportKeptOnlyForAPage checks that a sweep's report is kept
// when a page asked for the report not long before the sweep began (an
// admin sweeping from the voters page, which the sweep returns to), and
// let go at once when none did (a sweep through the API).
func TestSweepReportKeptOnlyForAPage(t *testing.T) {
	for _, tc := range []struct {
		name   string
		asked  bool
		before time.Duration // from the page's ask to the sweep
		kept   bool
	}{
		{"no page asked", false, 0, false},
		{"a page asked just before", true, 10 * time.Second, true},
		{"a page asked long before", true, reportIdle + time.Second, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *models.Store) {
				ctx := context.Background()
				clock := &fakeClock{t: time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)}
				s := New(st, audit.New(st, clock.now), clock.now, Options{}, Hooks{})
				if tc.asked {
					// As Latest and Report(ctx, false) record a page's ask.
					s.cache.mu.Lock()
					s.cache.asked = clock.now()
					s.cache.mu.Unlock()
				}
				clock.add(tc.before)
				rep, err := s.Report(ctx, true)
				if err != nil || rep == nil {
					t.Fatalf("sweep's report: %v, %v", rep, err)
				}
				if kept := s.kept() == rep; kept != tc.kept {
					t.Errorf("sweep's report kept %v, want %v", kept, tc.kept)
				}
				if !tc.kept && (s.kept() != nil || s.idleArmed()) {
					t.Error("a report is still kept, or its idle check armed")
				}
			})
		})
	}
}
