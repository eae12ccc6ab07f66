package integrity

import (
	"context"
	"time"
)

// SweepResult is what a risk sweep did.
type SweepResult struct {
	// Excluded is how many votes the sweep left out; Risky how many reach
	// the threshold in all (some were already out, or cleared by an admin).
	Excluded, Risky int64
	// Flagged is how many voters fail the corrected per-voter test.
	Flagged int
}

// SweepActor names the periodic sweep in the audit log.
const SweepActor = "arena (periodic risk sweep)"

// SweepRisk scores every vote and leaves out of the ratings those counted
// votes whose score reaches the threshold, with the signals as the reason.
// Votes an admin cleared stay in. It does not lift exclusions: only an
// admin does. A report being computed when it is called is the one it
// uses (see Report).
func (s *Service) SweepRisk(ctx context.Context) (SweepResult, error) {
	// The ratings' background job stays stopped until the sweep is done
	// with its report, not only while the report is built: else the job
	// would start again while the report is still held (see package heavy).
	end, err := s.hooks.Gate.Build(ctx)
	if err != nil {
		return SweepResult{}, err
	}
	defer end()
	rep, err := s.Report(ctx, true)
	if err != nil {
		return SweepResult{}, err
	}
	var res SweepResult
	reasons, risky := rep.sweepReasons()
	res.Risky = risky
	res.Flagged = len(rep.Ranked(FilterFlagged))
	ids, err := s.store.ExcludeVoteIDs(ctx, reasons, false)
	res.Excluded = int64(len(ids))
	if err != nil {
		return res, err
	}
	if len(ids) > 0 {
		// The report just computed stays, updated, so that the voters page
		// after a sweep does not read every vote again.
		rep.excluded(ids)
		s.hooks.VotesChanged(ctx)
	}
	return res, nil
}

// SweepRiskAudited runs SweepRisk on an admin's request and records it.
func (s *Service) SweepRiskAudited(ctx context.Context, actor string) (SweepResult, error) {
	res, err := s.SweepRisk(ctx)
	if err != nil {
		return res, err
	}
	return res, s.audit.Record(ctx, actor, "votes.sweep", "votes", nil, res)
}

// SweepRiskEvery runs SweepRisk every interval until ctx ends, logging what
// it left out and auditing sweeps that changed something. It reads every
// vote, so the interval should be long (an hour by default in serve); the
// vote path's cheap checks cover the time in between.
func (s *Service) SweepRiskEvery(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		res, err := s.SweepRisk(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			s.hooks.Log().Warn("risk sweep failed", "err", err)
		case err == nil && res.Excluded > 0:
			s.hooks.Log().Info("risk sweep left votes out of the ratings", "votes", res.Excluded, "flagged_voters", res.Flagged)
			if err := s.audit.Record(ctx, SweepActor, "votes.sweep", "votes", nil, res); err != nil {
				s.hooks.Log().Warn("audit of the risk sweep failed", "err", err)
			}
		}
	}
}
