package models

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
)

// Admin is a person who may run the arena from /admin. Only the argon2id
// hash of the password is kept, in its encoded (PHC-style) form.
type Admin struct {
	ID           uint   `gorm:"primaryKey"`
	Username     string `gorm:"size:64;not null;uniqueIndex"`
	PasswordHash string `gorm:"size:256;not null"`
	LastSignIn   *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// SignInFailure is one failed sign-in, kept under a throttling key (an
// account or a keyed address hash, never a raw address) so that every
// replica sees the same count.
type SignInFailure struct {
	ID  uint      `gorm:"primaryKey"`
	Key string    `gorm:"size:128;not null;index:idx_signin_failure_key_at"`
	At  time.Time `gorm:"not null;index:idx_signin_failure_key_at"`
}

// ErrDuplicate means a row with the same unique name already exists.
var ErrDuplicate = errors.New("already exists")

// CreateAdmin stores a new admin; a taken username is ErrDuplicate.
func (s *Store) CreateAdmin(ctx context.Context, a *Admin) error {
	err := s.db.WithContext(ctx).Create(a).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return ErrDuplicate
	}
	return err
}

// AdminByUsername returns the admin of that name or ErrNotFound.
func (s *Store) AdminByUsername(ctx context.Context, username string) (*Admin, error) {
	return s.adminWhere(ctx, "username = ?", username)
}

// AdminByID returns the admin with that id or ErrNotFound.
func (s *Store) AdminByID(ctx context.Context, id uint) (*Admin, error) {
	return s.adminWhere(ctx, "id = ?", id)
}

func (s *Store) adminWhere(ctx context.Context, query string, args ...any) (*Admin, error) {
	var a Admin
	err := s.db.WithContext(ctx).Where(query, args...).First(&a).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// CountAdmins returns how many admins exist.
func (s *Store) CountAdmins(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&Admin{}).Count(&n).Error
	return n, err
}

// MarkSignIn records when the admin last signed in.
func (s *Store) MarkSignIn(ctx context.Context, id uint, at time.Time) error {
	return s.db.WithContext(ctx).Model(&Admin{}).Where("id = ?", id).Update("last_sign_in", at).Error
}

// CreateFirstAdmin stores a the first admin only if the setup token stored
// under settingKey is still token, consuming it in the same transaction:
// two browsers racing with one token create one admin. A used or wrong
// token is ErrNotFound.
func (s *Store) CreateFirstAdmin(ctx context.Context, settingKey, token string, a *Admin) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Where("key = ? AND value = ?", settingKey, token).Delete(&Setting{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrNotFound
		}
		var n int64
		if err := tx.Model(&Admin{}).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return ErrNotFound
		}
		err := tx.Create(a).Error
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return ErrDuplicate
		}
		return err
	})
}

// RecordSignInFailure notes one failed sign-in under each key and returns
// the ids of the rows, so that an attempt recorded before it was checked
// can be taken back.
func (s *Store) RecordSignInFailure(ctx context.Context, at time.Time, keys ...string) ([]uint, error) {
	rows := make([]SignInFailure, len(keys))
	for i, k := range keys {
		rows[i] = SignInFailure{Key: k, At: at}
	}
	if err := s.db.WithContext(ctx).Create(&rows).Error; err != nil {
		return nil, err
	}
	ids := make([]uint, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	return ids, nil
}

// DeleteSignInFailures removes the failures with the ids.
func (s *Store) DeleteSignInFailures(ctx context.Context, ids []uint) error {
	if len(ids) == 0 {
		return nil
	}
	return s.db.WithContext(ctx).Where("id IN ?", ids).Delete(&SignInFailure{}).Error
}

// SignInFailures counts the failures under key since the given time and
// returns the oldest of them (zero when none), so the caller can say when
// the throttle lifts.
func (s *Store) SignInFailures(ctx context.Context, key string, since time.Time) (n int64, oldest time.Time, err error) {
	q := s.db.WithContext(ctx).Model(&SignInFailure{}).Where("key = ? AND at >= ?", key, since)
	if err := q.Count(&n).Error; err != nil || n == 0 {
		return n, time.Time{}, err
	}
	// Read as a row rather than MIN(at): SQLite returns an aggregate of a
	// time column as text, which would not scan into a time.
	var first SignInFailure
	if err := q.Order("at").Limit(1).Find(&first).Error; err != nil {
		return 0, time.Time{}, err
	}
	return n, first.At, nil
}

// ClearSignInFailures forgets the failures under the keys (after a
// successful sign-in) and any older than before (housekeeping).
func (s *Store) ClearSignInFailures(ctx context.Context, before time.Time, keys ...string) error {
	q := s.db.WithContext(ctx).Where("at < ?", before)
	if len(keys) > 0 {
		q = q.Or("key IN ?", keys)
	}
	return q.Delete(&SignInFailure{}).Error
}

// Setting returns the value stored under key; found is false when none is.
func (s *Store) Setting(ctx context.Context, key string) (value string, found bool, err error) {
	var st Setting
	err = s.db.WithContext(ctx).Where("key = ?", key).Limit(1).Find(&st).Error
	if err != nil || st.Key == "" {
		return "", false, err
	}
	return st.Value, true, nil
}
