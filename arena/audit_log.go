package arena

import (
	"context"

	"openarena.dev/arena/models"
)

// Audit records one admin action in the audit log (see audit.Log.Record).
func (a *Arena) Audit(ctx context.Context, actor, action, target string, before, after any) error {
	return a.audit.Record(ctx, actor, action, target, before, after)
}

// AuditLog returns the audit entries matching f, newest first, and how many
// match in all.
func (a *Arena) AuditLog(ctx context.Context, f models.AuditFilter) ([]models.AuditEntry, int64, error) {
	return a.audit.Entries(ctx, f)
}
