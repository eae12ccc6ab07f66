package models

import (
	"context"
	"database/sql"
	"errors"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// RecordVote stores v as its battle's only vote and marks the battle voted, in
// one transaction. If the battle already has a vote, nothing changes and the
// stored vote is returned with ErrAlreadyVoted. The unique battle_id index,
// not a prior read, is what guarantees a single vote under concurrency.
func (s *Store) RecordVote(ctx context.Context, v *Vote) (*Vote, error) {
	if s.postgres {
		return s.recordVotePostgres(ctx, v)
	}
	var existing *Vote
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "battle_id"}}, DoNothing: true}).
			Omit("Battle").Create(v)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			existing = &Vote{}
			return tx.Where("battle_id = ?", v.BattleID).First(existing).Error
		}
		return tx.Model(&Battle{}).Where("id = ?", v.BattleID).Update("state", StateVoted).Error
	})
	if err != nil {
		return nil, err
	}
	if existing != nil {
		return existing, ErrAlreadyVoted
	}
	return v, nil
}

// recordVoteSQL is recordVotePostgres's statement: it returns the new
// vote's id, and no row when the battle already had a vote.
var recordVoteSQL = newHotSQL(`WITH ins AS (
		INSERT INTO votes (battle_id, winner, voter_id, ip_hash, read_seconds, counted, reason, excluded, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (battle_id) DO NOTHING RETURNING id),
	upd AS (UPDATE battles SET state = ?, updated_at = ? WHERE id = ? AND EXISTS (SELECT 1 FROM ins))
	SELECT id FROM ins`)

// recordVotePostgres is RecordVote in one statement, so one round trip
// instead of four (BEGIN, INSERT, UPDATE, COMMIT): the battle is marked
// voted by a data-modifying CTE that runs only when the insert did, and a
// statement is atomic on its own. A repeat, rarer, reads the stored vote
// after.
func (s *Store) recordVotePostgres(ctx context.Context, v *Vote) (*Vote, error) {
	now := s.db.NowFunc()
	if v.CreatedAt.IsZero() {
		v.CreatedAt = now
	}
	err := s.sql.QueryRowContext(ctx, recordVoteSQL.postgres,
		v.BattleID, v.Winner, v.VoterID, v.IPHash, v.ReadSeconds, v.Counted, v.Reason, v.Excluded, v.CreatedAt,
		StateVoted, now, v.BattleID).Scan(&v.ID)
	if err == nil {
		return v, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	existing, err := s.Vote(ctx, v.BattleID)
	if err != nil {
		return nil, err
	}
	return existing, ErrAlreadyVoted
}

// Vote returns the vote of a battle.
func (s *Store) Vote(ctx context.Context, battleID string) (*Vote, error) {
	var v Vote
	if err := s.db.WithContext(ctx).Where("battle_id = ?", battleID).First(&v).Error; err != nil {
		return nil, notFound(err)
	}
	return &v, nil
}

// CountVotes returns the number of stored votes and how many of them are
// in the ratings (counted and not excluded).
func (s *Store) CountVotes(ctx context.Context) (total, counted int64, err error) {
	db := s.db.WithContext(ctx).Model(&Vote{})
	if err = db.Count(&total).Error; err != nil {
		return
	}
	err = s.db.WithContext(ctx).Table("votes v").Where(CountedSQL).Count(&counted).Error
	return
}

// CountedOutcome is one counted vote reduced to what the ratings need.
type CountedOutcome struct {
	ContenderAID uint
	ContenderBID uint
	Winner       string
}

// CountedOutcomes returns every counted vote in the order it was cast.
func (s *Store) CountedOutcomes(ctx context.Context) ([]CountedOutcome, error) {
	var out []CountedOutcome
	err := s.db.WithContext(ctx).Table("votes v").
		Select("b.contender_a_id, b.contender_b_id, v.winner").
		Joins("JOIN battles b ON b.id = v.battle_id").
		Where(CountedSQL).Order("v.id").Scan(&out).Error
	return out, err
}
