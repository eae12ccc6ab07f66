package models

import (
	"context"
	"time"

	"gorm.io/gorm/clause"
)

// TouchVoter creates the voter on first sight and records when and from which
// keyed address hash it was last seen.
func (s *Store) TouchVoter(ctx context.Context, id, ipHash string) error {
	now := time.Now().UTC()
	return s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "id"}},
		DoUpdates: clause.AssignmentColumns([]string{"last_seen", "ip_hash"}),
	}).Create(&Voter{ID: id, IPHash: ipHash, CreatedAt: now, LastSeen: now}).Error
}

// Voter returns one voter.
func (s *Store) Voter(ctx context.Context, id string) (*Voter, error) {
	var v Voter
	if err := s.db.WithContext(ctx).Where("id = ?", id).First(&v).Error; err != nil {
		return nil, notFound(err)
	}
	return &v, nil
}
