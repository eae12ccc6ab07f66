package models

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
)

// Kinds of public changelog entries.
const (
	ChangeModelAdded      = "model.added"
	ChangeModelRetired    = "model.retired"
	ChangeModelSuspended  = "model.suspended"
	ChangeModelReinstated = "model.reinstated"
	ChangeModelWeight     = "model.weight"
	// ChangeSetting is a method or setting change; Subject names the
	// setting and Value holds its new effective value.
	ChangeSetting = "setting"
	ChangeDemoOff = "demo.off"
)

// ChangelogEntry is one dated line of the public changelog: what changed
// about the board's models or its method. Unlike the audit log it names
// no admin and is shown to everyone.
type ChangelogEntry struct {
	ID   uint      `gorm:"primaryKey"`
	At   time.Time `gorm:"not null;index"`
	Kind string    `gorm:"size:32;not null;index:idx_changelog_kind_subject"`
	// Subject is the model's slug or the setting's name.
	Subject string `gorm:"size:128;not null;default:'';index:idx_changelog_kind_subject"`
	Text    string `gorm:"size:1024;not null"`
	Value   string `gorm:"size:512;not null;default:''"`
}

// AddChangelog appends an entry to the public changelog.
func (s *Store) AddChangelog(ctx context.Context, e *ChangelogEntry) error {
	return s.db.WithContext(ctx).Create(e).Error
}

// Changelog returns up to limit entries, newest first.
func (s *Store) Changelog(ctx context.Context, limit int) ([]ChangelogEntry, error) {
	var out []ChangelogEntry
	err := s.db.WithContext(ctx).Order("at DESC, id DESC").Limit(limit).Find(&out).Error
	return out, err
}

// LastChangelogValue returns the value of the newest entry of that kind
// and subject; ok is false when there is none.
func (s *Store) LastChangelogValue(ctx context.Context, kind, subject string) (value string, ok bool, err error) {
	var e ChangelogEntry
	err = s.db.WithContext(ctx).Where("kind = ? AND subject = ?", kind, subject).Order("at DESC, id DESC").First(&e).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", false, nil
	}
	return e.Value, err == nil, err
}

// SetContenderStatus stores a contender's lifecycle status ("" to put it
// back in play) with when and why, in one update.
func (s *Store) SetContenderStatus(ctx context.Context, id uint, status, reason string, at time.Time) error {
	var when *time.Time
	if status != "" {
		when = &at
	}
	res := s.db.WithContext(ctx).Model(&Contender{ID: id}).Select("status", "status_at", "status_reason", "updated_at").
		Updates(map[string]any{"status": status, "status_at": when, "status_reason": reason, "updated_at": at})
	if res.Error == nil && res.RowsAffected == 0 {
		return ErrNotFound
	}
	return res.Error
}
