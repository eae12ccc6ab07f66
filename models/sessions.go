package models

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Session is one admin session's opaque data under its random token, kept
// in the database so that every replica knows it and a restart keeps it.
type Session struct {
	Token  string    `gorm:"primaryKey;size:64"`
	Data   []byte    `gorm:"not null"`
	Expiry time.Time `gorm:"not null;index"`
}

// Session returns the unexpired data stored under token; found is false
// when there is none or it has expired.
func (s *Store) Session(ctx context.Context, token string, now time.Time) (data []byte, found bool, err error) {
	var row Session
	err = s.db.WithContext(ctx).Where("token = ? AND expiry > ?", token, now).First(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return row.Data, true, nil
}

// SaveSession stores data under token until expiry, replacing what was there.
func (s *Store) SaveSession(ctx context.Context, token string, data []byte, expiry time.Time) error {
	return s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "token"}},
		DoUpdates: clause.AssignmentColumns([]string{"data", "expiry"}),
	}).Create(&Session{Token: token, Data: data, Expiry: expiry}).Error
}

// DeleteSession removes the session under token.
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	return s.db.WithContext(ctx).Where("token = ?", token).Delete(&Session{}).Error
}

// DeleteExpiredSessions removes sessions that expired before now.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res := s.db.WithContext(ctx).Where("expiry <= ?", now).Delete(&Session{})
	return res.RowsAffected, res.Error
}
