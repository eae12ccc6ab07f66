package models

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
)

// CategoryOverall is the category of the board over all counted votes.
const CategoryOverall = "overall"

// RatingSnapshot is one stored computation of the leaderboard. The board is
// served from the newest one instead of being recomputed per request, and
// the older ones are its history.
type RatingSnapshot struct {
	ID        uint      `gorm:"primaryKey;index:idx_snapshot_category_id,priority:2"`
	CreatedAt time.Time `gorm:"not null"`
	Category  string    `gorm:"size:64;not null;default:'overall';index:idx_snapshot_category_id,priority:1"`
	// Method names how the scores were computed, e.g. "bradley_terry".
	Method string `gorm:"size:64;not null"`
	// VotesUsed and LastVoteID say which counted votes went in, so any
	// instance can tell cheaply whether newer votes are missing.
	VotesUsed  int  `gorm:"not null"`
	LastVoteID uint `gorm:"not null;default:0"`
	// Result is the computed board as JSON; its shape belongs to the arena.
	Result string `gorm:"type:text;not null"`
	// ContentHash is the SHA-256 of Result, to skip storing a computation
	// identical to the newest one.
	ContentHash string `gorm:"size:64;not null;index"`
}

// SnapshotHead is a snapshot without its result: enough to decide whether a
// cached board or the votes behind it are out of date.
type SnapshotHead struct {
	ID         uint
	CreatedAt  time.Time
	VotesUsed  int
	LastVoteID uint
}

// CreateSnapshot stores snap unless the newest snapshot of its category has
// the same content hash; then snap is filled with that one and created is
// false. Only the newest is compared, not all: a board that returns to an
// earlier state (votes excluded, say) must still become the newest again.
func (s *Store) CreateSnapshot(ctx context.Context, snap *RatingSnapshot) (created bool, err error) {
	if snap.Category == "" {
		snap.Category = CategoryOverall
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var latest RatingSnapshot
		err := tx.Where("category = ?", snap.Category).Order("id DESC").Limit(1).Take(&latest).Error
		if err == nil && latest.ContentHash == snap.ContentHash {
			*snap = latest
			return nil
		}
		if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		created = true
		if err := tx.Create(snap).Error; err != nil {
			return err
		}
		return notifyTx(tx, SignalBoards)
	})
	return created, err
}

// LatestSnapshot returns the newest snapshot of a category, or ErrNotFound.
func (s *Store) LatestSnapshot(ctx context.Context, category string) (*RatingSnapshot, error) {
	var snap RatingSnapshot
	err := s.db.WithContext(ctx).Where("category = ?", category).Order("id DESC").Limit(1).Take(&snap).Error
	if err != nil {
		return nil, notFound(err)
	}
	return &snap, nil
}

// LatestSnapshotHead returns the newest snapshot of a category without its
// result (one index lookup), or ErrNotFound.
func (s *Store) LatestSnapshotHead(ctx context.Context, category string) (*SnapshotHead, error) {
	var h SnapshotHead
	err := s.db.WithContext(ctx).Model(&RatingSnapshot{}).Select("id, created_at, votes_used, last_vote_id").
		Where("category = ?", category).Order("id DESC").Limit(1).Take(&h).Error
	if err != nil {
		return nil, notFound(err)
	}
	return &h, nil
}

// Snapshots returns up to limit snapshots of a category, newest first.
func (s *Store) Snapshots(ctx context.Context, category string, limit int) ([]RatingSnapshot, error) {
	var out []RatingSnapshot
	err := s.db.WithContext(ctx).Where("category = ?", category).Order("id DESC").Limit(limit).Find(&out).Error
	return out, err
}

// SnapshotHeads returns the heads of a category's snapshots created before
// a time, oldest first, for thinning out the history.
func (s *Store) SnapshotHeads(ctx context.Context, category string, before time.Time) ([]SnapshotHead, error) {
	var out []SnapshotHead
	err := s.db.WithContext(ctx).Model(&RatingSnapshot{}).Select("id, created_at, votes_used, last_vote_id").
		Where("category = ? AND created_at < ?", category, before).Order("id").Scan(&out).Error
	return out, err
}

// DeleteSnapshots removes snapshots by id, in batches small enough for
// SQLite's limit on query parameters.
func (s *Store) DeleteSnapshots(ctx context.Context, ids []uint) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for len(ids) > 0 {
			n := min(len(ids), 500)
			if err := tx.Where("id IN ?", ids[:n]).Delete(&RatingSnapshot{}).Error; err != nil {
				return err
			}
			ids = ids[n:]
		}
		return nil
	})
}

// LatestSnapshotIDs returns the id of the newest snapshot of every
// category: one small grouped read, so a server can tell which cached
// boards are out of date.
func (s *Store) LatestSnapshotIDs(ctx context.Context) (map[string]uint, error) {
	var rows []struct {
		Category string
		ID       uint
	}
	err := s.db.WithContext(ctx).Model(&RatingSnapshot{}).Select("category, MAX(id) AS id").
		Group("category").Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make(map[string]uint, len(rows))
	for _, r := range rows {
		out[r.Category] = r.ID
	}
	return out, nil
}

// SnapshotByID returns one snapshot, or ErrNotFound.
func (s *Store) SnapshotByID(ctx context.Context, id uint) (*RatingSnapshot, error) {
	var snap RatingSnapshot
	if err := s.db.WithContext(ctx).Take(&snap, id).Error; err != nil {
		return nil, notFound(err)
	}
	return &snap, nil
}

// SnapshotBefore returns the newest snapshot of a category created before
// a time, or ErrNotFound: the board as it was published then.
func (s *Store) SnapshotBefore(ctx context.Context, category string, before time.Time) (*RatingSnapshot, error) {
	var snap RatingSnapshot
	err := s.db.WithContext(ctx).Where("category = ? AND created_at < ?", category, before).
		Order("id DESC").Limit(1).Take(&snap).Error
	if err != nil {
		return nil, notFound(err)
	}
	return &snap, nil
}
