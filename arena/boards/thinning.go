package boards

import (
	"context"
	"maps"
	"slices"
	"time"

	"openarena.dev/arena/models"
)

// How the snapshot history is thinned. A busy arena stores a snapshot every
// few seconds, tens of kilobytes each; kept forever that is gigabytes a
// year, while a rating-over-time chart needs one point an hour, then one a
// day.
const (
	// keepAll is how far back every snapshot is kept.
	keepAll = time.Hour
	// keepHourly is how far back the newest snapshot of each hour is kept;
	// older ones keep the newest of each day.
	keepHourly = 7 * 24 * time.Hour
	// thinEvery is how often a process thins the history.
	thinEvery = time.Hour
	// keepChanges is how long the ratings change log keeps an entry. An
	// instance reads the log on every check (at least every Interval),
	// so only one stopped or stuck for longer misses entries; the log
	// records what it pruned and such an instance reads every vote again
	// (see catchUp), so pruning never leaves a board wrong.
	keepChanges = 7 * 24 * time.Hour
)

// thinHistory deletes the snapshots thinning leaves out, in every
// category, and the ratings change log entries older than keepChanges, at
// most once per thinEvery per process. It runs under the ratings lock,
// after a new snapshot was stored.
func (s *Service) thinHistory(ctx context.Context, now time.Time) error {
	if now.Sub(s.thinnedAt) < thinEvery {
		return nil
	}
	latest, err := s.store.LatestSnapshotIDs(ctx)
	if err != nil {
		return err
	}
	for _, cat := range slices.Sorted(maps.Keys(latest)) {
		heads, err := s.store.SnapshotHeads(ctx, cat, now.Add(-keepAll))
		if err != nil {
			return err
		}
		if drop := snapshotsToThin(heads, now); len(drop) > 0 {
			if err := s.store.DeleteSnapshots(ctx, drop); err != nil {
				return err
			}
		}
	}
	if _, err := s.store.PruneRatingChanges(ctx, now.Add(-keepChanges)); err != nil {
		return err
	}
	s.thinnedAt = now
	return nil
}

// snapshotsToThin returns the ids to delete among heads (oldest first):
// within keepAll of now all stay; up to keepHourly the newest of each UTC
// hour stays, beyond it the newest of each UTC day.
func snapshotsToThin(heads []models.SnapshotHead, now time.Time) []uint {
	var drop []uint
	for i, h := range heads {
		age := now.Sub(h.CreatedAt)
		if age < keepAll {
			continue
		}
		bucket := time.Hour
		if age >= keepHourly {
			bucket = 24 * time.Hour
		}
		next := i + 1
		if next < len(heads) && heads[next].CreatedAt.Truncate(bucket).Equal(h.CreatedAt.Truncate(bucket)) {
			drop = append(drop, h.ID)
		}
	}
	return drop
}
