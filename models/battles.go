package models

import (
	"context"
	"time"
)

// CreateBattle stores a new battle.
func (s *Store) CreateBattle(ctx context.Context, b *Battle) error {
	return s.db.WithContext(ctx).Omit("Prompt", "ContenderA", "ContenderB", "ResponseA", "ResponseB").Create(b).Error
}

// Battle returns a battle with its prompt, contenders and answers loaded.
func (s *Store) Battle(ctx context.Context, id string) (*Battle, error) {
	var b Battle
	err := s.db.WithContext(ctx).
		Preload("Prompt").Preload("ContenderA").Preload("ContenderB").
		Preload("ResponseA").Preload("ResponseB").
		Where("id = ?", id).First(&b).Error
	if err != nil {
		return nil, notFound(err)
	}
	return &b, nil
}

// OpenBattle returns the voter's newest battle still waiting for a vote and
// created after since, so a reload shows the same battle instead of a new pair.
func (s *Store) OpenBattle(ctx context.Context, voterID string, since time.Time) (*Battle, error) {
	var b Battle
	err := s.db.WithContext(ctx).Select("id").
		Where("voter_id = ? AND state = ? AND created_at > ?", voterID, StateReady, since).
		Order("created_at DESC").First(&b).Error
	if err != nil {
		return nil, notFound(err)
	}
	return s.Battle(ctx, b.ID)
}
