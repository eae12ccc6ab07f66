// Package release is the public data release: which stored battles may be
// published, in LMArena's released battle schema with pseudonymous judges,
// and which answers a model page may show without breaking blindness. Both
// rules live here, side by side, so a change to what is public is made once.
package release

import (
	"context"

	"openarena.dev/arena/arena/filter"
	"openarena.dev/arena/models"
)

// Rules returns the live prompt filter as configured and as the admin
// edited it. The release screens its texts with the same lists so nothing
// the live filter would block or flag is published; it is a hook because
// the lists are cached by the arena that owns them.
type Rules func(ctx context.Context) (filter.Rules, error)

// Service makes the public release over a store.
type Service struct {
	store *models.Store
	rules Rules
}

// New returns the release of store, screening texts with the prompt
// filter's lists from rules; a nil rules screens for personal data only.
func New(store *models.Store, rules Rules) *Service {
	if rules == nil {
		rules = func(context.Context) (filter.Rules, error) { return filter.Rules{}, nil }
	}
	return &Service{store: store, rules: rules}
}
