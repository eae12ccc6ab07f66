package arena

import (
	"context"
	"encoding/json"
	"fmt"

	"openarena.dev/arena/models"
)

// Audit records one admin action: actor (the admin's username), action (a
// short dotted verb such as "prompt.reject"), target (what it acted on), and
// the thing before and after, stored as JSON; nil leaves a side empty.
func (a *Arena) Audit(ctx context.Context, actor, action, target string, before, after any) error {
	b, err := auditJSON(before)
	if err != nil {
		return fmt.Errorf("audit %s: before: %w", action, err)
	}
	af, err := auditJSON(after)
	if err != nil {
		return fmt.Errorf("audit %s: after: %w", action, err)
	}
	return a.store.AddAudit(ctx, &models.AuditEntry{
		At: a.now(), Actor: actor, Action: action, Target: target, Before: b, After: af,
	})
}

func auditJSON(v any) (string, error) {
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

// AuditLog returns the audit entries matching f, newest first, and how many
// match in all.
func (a *Arena) AuditLog(ctx context.Context, f models.AuditFilter) ([]models.AuditEntry, int64, error) {
	return a.store.AuditEntries(ctx, f)
}
