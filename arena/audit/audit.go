// Package audit records what admins do: who did what to which thing, with
// the thing before and after as JSON. Every domain package that changes
// something on an admin's word writes through a *Log.
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"openarena.dev/arena/models"
)

// Log writes and reads the audit log of a store.
type Log struct {
	store *models.Store
	now   func() time.Time
}

// New returns the audit log of store, stamping entries with now.
func New(store *models.Store, now func() time.Time) *Log {
	return &Log{store: store, now: now}
}

// Record stores one admin action: actor (the admin's username), action (a
// short dotted verb such as "prompt.reject"), target (what it acted on), and
// the thing before and after, stored as JSON; nil leaves a side empty.
func (l *Log) Record(ctx context.Context, actor, action, target string, before, after any) error {
	b, err := asJSON(before)
	if err != nil {
		return fmt.Errorf("audit %s: before: %w", action, err)
	}
	af, err := asJSON(after)
	if err != nil {
		return fmt.Errorf("audit %s: after: %w", action, err)
	}
	return l.store.AddAudit(ctx, &models.AuditEntry{
		At: l.now(), Actor: actor, Action: action, Target: target, Before: b, After: af,
	})
}

// Entries returns the audit entries matching f, newest first, and how many
// match in all.
func (l *Log) Entries(ctx context.Context, f models.AuditFilter) ([]models.AuditEntry, int64, error) {
	return l.store.AuditEntries(ctx, f)
}

func asJSON(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	if string(b) == "null" {
		return "", nil
	}
	return string(b), nil
}
