package models

import (
	"context"

	"gorm.io/gorm/clause"
)

// EnsureSetting stores value under key unless a value is already there, and
// returns the stored one; replicas starting together agree on one value.
func (s *Store) EnsureSetting(ctx context.Context, key, value string) (string, error) {
	db := s.db.WithContext(ctx)
	err := db.Clauses(clause.OnConflict{DoNothing: true}).Create(&Setting{Key: key, Value: value}).Error
	if err != nil {
		return "", err
	}
	var st Setting
	if err := db.Where("key = ?", key).First(&st).Error; err != nil {
		return "", err
	}
	return st.Value, nil
}
