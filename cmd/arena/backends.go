package main

import (
	"fmt"
	"sync"
	"time"

	"openarena.dev/arena/llm"
	"openarena.dev/arena/models"
)

// backendCache builds each contender's backend once and again only after the
// contender changed, so a live battle does not pay for client set-up.
type backendCache struct {
	getenv func(string) string
	mu     sync.Mutex
	byID   map[uint]cachedBackend
}

type cachedBackend struct {
	updated time.Time
	backend llm.Backend
}

func newBackendCache(getenv func(string) string) *backendCache {
	return &backendCache{getenv: getenv, byID: map[uint]cachedBackend{}}
}

// For returns the contender's backend; its errors never name the contender
// to a voter (the arena shows only a generic reason).
func (b *backendCache) For(c *models.Contender) (llm.Backend, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if cb, ok := b.byID[c.ID]; ok && cb.updated.Equal(c.UpdatedAt) {
		return cb.backend, nil
	}
	p := c.Provider
	be, err := llm.New(llm.ProviderConfig{Kind: p.Kind, BaseURL: p.BaseURL, Model: p.Model, APIKeyEnv: p.APIKeyEnv, Params: p.Params}, b.getenv)
	if err != nil {
		return nil, fmt.Errorf("contender %d: %w", c.ID, err)
	}
	b.byID[c.ID] = cachedBackend{updated: c.UpdatedAt, backend: be}
	return be, nil
}
