package models

import (
	"context"
	"errors"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// The ratings change log tells every instance's incremental recomputer
// which votes it has already read may now be rated differently: a vote
// left out or put back, or a prompt whose categories or hold changed. New
// votes need no entry (the recomputer reads every vote above its
// watermark); answers measured late need none either (the recomputer
// re-reads the few votes it read unmeasured). Each entry is written in the
// same transaction as the change it reports, so no instance can see the
// change without the entry.

// Scopes of a RatingChange: which votes it concerns.
const (
	// ChangeVote concerns the vote VoteID.
	ChangeVote = "vote"
	// ChangeVoter concerns every vote of the voter VoterID.
	ChangeVoter = "voter"
	// ChangePrompt concerns every vote on a battle that showed PromptID.
	ChangePrompt = "prompt"
	// ChangeAll concerns any vote: every instance reads all votes again.
	ChangeAll = "all"
)

// RatingChange is one entry of the ratings change log.
type RatingChange struct {
	ID        uint   `gorm:"primaryKey"`
	Scope     string `gorm:"size:16;not null"`
	VoteID    uint   `gorm:"not null;default:0"`
	VoterID   string `gorm:"size:64;not null;default:''"`
	PromptID  uint   `gorm:"not null;default:0"`
	CreatedAt time.Time
}

// ratingChangesPrunedKey is the setting holding the highest change-log id
// ever pruned: an instance whose position is below it missed entries and
// must read every vote again.
const ratingChangesPrunedKey = "rating_changes_pruned_through"

// logRatingChanges appends entries to the change log inside tx.
func logRatingChanges(tx *gorm.DB, changes []RatingChange) error {
	if len(changes) == 0 {
		return nil
	}
	now := time.Now().UTC()
	for i := range changes {
		changes[i].ID, changes[i].CreatedAt = 0, now
	}
	if err := tx.CreateInBatches(changes, 500).Error; err != nil {
		return err
	}
	return notifyTx(tx, SignalRatings)
}

// logVoteChanges logs one ChangeVote entry per vote id inside tx.
func logVoteChanges(tx *gorm.DB, ids []uint) error {
	out := make([]RatingChange, len(ids))
	for i, id := range ids {
		out[i] = RatingChange{Scope: ChangeVote, VoteID: id}
	}
	return logRatingChanges(tx, out)
}

// logPromptChanges logs one ChangePrompt entry per prompt id inside tx.
func logPromptChanges(tx *gorm.DB, ids []uint) error {
	out := make([]RatingChange, len(ids))
	for i, id := range ids {
		out[i] = RatingChange{Scope: ChangePrompt, PromptID: id}
	}
	return logRatingChanges(tx, out)
}

// logAllChanged logs that any vote may have changed inside tx.
func logAllChanged(tx *gorm.DB) error {
	return logRatingChanges(tx, []RatingChange{{Scope: ChangeAll}})
}

// RatingChangeLog is what an instance reads of the change log.
type RatingChangeLog struct {
	// Changes are the entries asked for, by id.
	Changes []RatingChange
	// PrunedThrough is the highest id ever pruned (0 if none).
	PrunedThrough uint
}

// RatingChangesAfter returns the change-log entries with an id above after
// or among also (ids an instance saw missing and still waits for), by id.
func (s *Store) RatingChangesAfter(ctx context.Context, after uint, also []uint) (RatingChangeLog, error) {
	var out RatingChangeLog
	db := s.db.WithContext(ctx)
	q := db.Where("id > ?", after)
	if len(also) > 0 {
		q = db.Where("id > ? OR id IN ?", after, also)
	}
	if err := q.Order("id").Find(&out.Changes).Error; err != nil {
		return out, err
	}
	var st Setting
	err := db.Where("key = ?", ratingChangesPrunedKey).First(&st).Error
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		return out, nil
	case err != nil:
		return out, err
	}
	n, err := strconv.ParseUint(st.Value, 10, 64)
	out.PrunedThrough = uint(n)
	return out, err
}

// RatingChangesHead returns the newest change-log id (0 when empty).
func (s *Store) RatingChangesHead(ctx context.Context) (uint, error) {
	var id uint
	err := s.db.WithContext(ctx).Model(&RatingChange{}).Select("COALESCE(MAX(id), 0)").Scan(&id).Error
	return id, err
}

// PruneRatingChanges deletes the change-log entries written before cutoff
// and records the highest id deleted, in one transaction, so an instance
// that had not read them yet knows to read every vote again. It returns
// how many it deleted.
func (s *Store) PruneRatingChanges(ctx context.Context, cutoff time.Time) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var through uint
		err := tx.Model(&RatingChange{}).Where("created_at < ?", cutoff).Select("COALESCE(MAX(id), 0)").Scan(&through).Error
		if err != nil || through == 0 {
			return err
		}
		res := tx.Where("id <= ?", through).Delete(&RatingChange{})
		if res.Error != nil {
			return res.Error
		}
		n = res.RowsAffected
		st := Setting{Key: ratingChangesPrunedKey, Value: strconv.FormatUint(uint64(through), 10)}
		return tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "key"}},
			DoUpdates: clause.AssignmentColumns([]string{"value"})}).Create(&st).Error
	})
	return n, err
}
