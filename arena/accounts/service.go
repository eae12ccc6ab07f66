// Package accounts holds the admins: the password policy and its argon2id
// hashes, throttled sign-in, the first-run setup link, and the stored admin
// sessions.
package accounts

import (
	"context"
	"time"

	"openarena.dev/arena/arena/audit"
	"openarena.dev/arena/models"
)

// Service manages admin accounts over a store.
type Service struct {
	store *models.Store
	audit *audit.Log
	now   func() time.Time
}

// New returns the accounts of store, recording changes in log.
func New(store *models.Store, log *audit.Log, now func() time.Time) *Service {
	return &Service{store: store, audit: log, now: now}
}

// Session returns the unexpired session data under token.
func (a *Service) Session(ctx context.Context, token string, now time.Time) ([]byte, bool, error) {
	return a.store.Session(ctx, token, now)
}

// SaveSession stores session data under token until expiry.
func (a *Service) SaveSession(ctx context.Context, token string, b []byte, expiry time.Time) error {
	return a.store.SaveSession(ctx, token, b, expiry)
}

// DeleteSession removes the session under token.
func (a *Service) DeleteSession(ctx context.Context, token string) error {
	return a.store.DeleteSession(ctx, token)
}

// DeleteExpiredSessions removes sessions that expired before now and says
// how many.
func (a *Service) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	return a.store.DeleteExpiredSessions(ctx, now)
}
