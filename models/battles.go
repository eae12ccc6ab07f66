package models

import (
	"context"
	"time"
)

// CreateBattle stores a new battle.
func (s *Store) CreateBattle(ctx context.Context, b *Battle) error {
	return s.db.WithContext(ctx).Omit("Prompt", "ContenderA", "ContenderB", "ResponseA", "ResponseB").Create(b).Error
}

// Battle returns a battle with its prompt, contenders and answers loaded, in
// one query (a vote reads only what VoteRead gives).
func (s *Store) Battle(ctx context.Context, id string) (*Battle, error) {
	return s.battleWhere(ctx, "battles.id = ?", id)
}

func (s *Store) battleWhere(ctx context.Context, query string, args ...any) (*Battle, error) {
	var b Battle
	err := s.db.WithContext(ctx).
		Joins("Prompt").Joins("ContenderA").Joins("ContenderB").Joins("ResponseA").Joins("ResponseB").
		Where(query, args...).Order("battles.created_at DESC").First(&b).Error
	if err != nil {
		return nil, notFound(err)
	}
	return &b, nil
}

// OpenBattle returns the voter's newest bank battle still waiting for a vote and
// created after since, so a reload shows the same battle instead of a new pair.
func (s *Store) OpenBattle(ctx context.Context, voterID string, since time.Time) (*Battle, error) {
	return s.battleWhere(ctx, "battles.voter_id = ? AND battles.mode = ? AND battles.state = ? AND battles.created_at > ?",
		voterID, ModeBank, StateReady, since)
}
