package models

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// VoteReason is one reason tag a voter gave for a decisive vote: one row
// per battle and tag, so counts are plain SQL on both databases.
type VoteReason struct {
	ID        uint   `gorm:"primaryKey"`
	BattleID  string `gorm:"size:32;not null;uniqueIndex:idx_vote_reason_battle_tag"`
	Tag       string `gorm:"size:32;not null;uniqueIndex:idx_vote_reason_battle_tag"`
	CreatedAt time.Time
}

// SetVoteReasons replaces the reason tags of a battle's vote by tags (none
// clears them), in one transaction.
func (s *Store) SetVoteReasons(ctx context.Context, battleID string, tags []string) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("battle_id = ?", battleID).Delete(&VoteReason{}).Error; err != nil {
			return err
		}
		for _, t := range tags {
			if err := tx.Create(&VoteReason{BattleID: battleID, Tag: t}).Error; err != nil {
				return err
			}
		}
		return nil
	})
}

// VoteReasons returns the reason tags of a battle's vote, in the order of
// storing.
func (s *Store) VoteReasons(ctx context.Context, battleID string) ([]string, error) {
	var tags []string
	err := s.db.WithContext(ctx).Model(&VoteReason{}).Where("battle_id = ?", battleID).Order("id").Pluck("tag", &tags).Error
	return tags, err
}

// ReasonCount is how often a tag was given on votes a model won or lost.
type ReasonCount struct {
	Tag  string
	Won  int
	Lost int
}

// ModelReasonCounts counts the reason tags of the decisive votes in the
// ratings on a contender's battles, split by whether it won or lost.
func (s *Store) ModelReasonCounts(ctx context.Context, contenderID uint) ([]ReasonCount, error) {
	var rows []struct {
		Tag string
		Won int
		N   int
	}
	err := s.db.WithContext(ctx).Raw(`SELECT r.tag AS tag,
			CASE WHEN (v.winner = ? AND b.contender_a_id = ?) OR (v.winner = ? AND b.contender_b_id = ?) THEN 1 ELSE 0 END AS won,
			COUNT(*) AS n
		FROM vote_reasons r
		JOIN votes v ON v.battle_id = r.battle_id
		JOIN battles b ON b.id = r.battle_id
		WHERE `+CountedSQL+` AND v.winner IN ? AND (b.contender_a_id = ? OR b.contender_b_id = ?)
		GROUP BY r.tag, 2`, WinnerA, contenderID, WinnerB, contenderID,
		[]string{WinnerA, WinnerB}, contenderID, contenderID).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	at := map[string]int{}
	var out []ReasonCount
	for _, r := range rows {
		i, ok := at[r.Tag]
		if !ok {
			i = len(out)
			at[r.Tag] = i
			out = append(out, ReasonCount{Tag: r.Tag})
		}
		if r.Won == 1 {
			out[i].Won += r.N
		} else {
			out[i].Lost += r.N
		}
	}
	return out, nil
}

// reasonsOf maps each of the battles to its reason tags.
func reasonsOf(db *gorm.DB, battleIDs []string) (map[string][]string, error) {
	out := map[string][]string{}
	if len(battleIDs) == 0 {
		return out, nil
	}
	var rows []VoteReason
	if err := db.Where("battle_id IN ?", battleIDs).Order("id").Find(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.BattleID] = append(out[r.BattleID], r.Tag)
	}
	return out, nil
}
