package models

import (
	"context"
	"strings"
	"time"
)

// AuditEntry is one admin action: who did what to which thing, when, and
// the thing before and after as JSON (empty when there is none).
type AuditEntry struct {
	ID     uint      `gorm:"primaryKey"`
	At     time.Time `gorm:"not null;index"`
	Actor  string    `gorm:"size:64;not null;index"`
	Action string    `gorm:"size:64;not null;index"`
	Target string    `gorm:"size:256;not null;default:''"`
	Before string    `gorm:"type:text;not null;default:''"`
	After  string    `gorm:"type:text;not null;default:''"`
}

// TableName keeps the table called audit_log, as in the design notes.
func (AuditEntry) TableName() string { return "audit_log" }

// AuditFilter selects audit entries; zero fields select everything.
type AuditFilter struct {
	Actor  string
	Action string
	// Target matches entries whose target contains it, ignoring case.
	Target string
	// From and To bound At (From inclusive, To exclusive).
	From, To time.Time
	// Offset and Limit page through the newest-first list; Limit 0 means 50.
	Offset, Limit int
}

// AddAudit stores one audit entry.
func (s *Store) AddAudit(ctx context.Context, e *AuditEntry) error {
	return s.db.WithContext(ctx).Create(e).Error
}

// AuditEntries returns the entries matching f, newest first, and how many
// match in all.
func (s *Store) AuditEntries(ctx context.Context, f AuditFilter) ([]AuditEntry, int64, error) {
	q := s.db.WithContext(ctx).Model(&AuditEntry{})
	if f.Actor != "" {
		q = q.Where("actor = ?", f.Actor)
	}
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	if f.Target != "" {
		q = q.Where(`LOWER(target) LIKE ? ESCAPE '\'`, "%"+escapeLike(strings.ToLower(f.Target))+"%")
	}
	if !f.From.IsZero() {
		q = q.Where("at >= ?", f.From)
	}
	if !f.To.IsZero() {
		q = q.Where("at < ?", f.To)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, err
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	var out []AuditEntry
	err := q.Order("at DESC, id DESC").Offset(max(f.Offset, 0)).Limit(limit).Find(&out).Error
	return out, total, err
}

// escapeLike makes s match literally inside a LIKE pattern whose ESCAPE
// character is a backslash (SQLite has no default one, so it is named).
func escapeLike(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '%', '_', '\\':
			b = append(b, '\\')
		}
		b = append(b, s[i])
	}
	return string(b)
}
