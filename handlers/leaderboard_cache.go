package handlers

import (
	"sync"
	"time"
)

// boardCacheTTL is how long a rendered board view is served again. Views
// also change key when a newer snapshot lands, so this only bounds how
// late a contender's edited metadata or the pre-snapshot Elo board shows,
// the same second the arena takes to notice them.
const boardCacheTTL = time.Second

// boardCacheMax bounds the number of cached views; when full the cache
// starts over, which costs one render per view.
const boardCacheMax = 512

// boardCache keeps the bytes of recently served board views (page, JSON,
// CSV) by format, canonical query and board version, so that a busy
// board is rendered about once a second per view instead of per request.
// Its zero value is ready.
type boardCache struct {
	mu      sync.Mutex
	entries map[string]boardEntry
}

type boardEntry struct {
	body        []byte
	contentType string
	header      map[string]string
	at          time.Time
}

func (c *boardCache) get(key string, now time.Time) (boardEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || now.Sub(e.at) >= boardCacheTTL {
		return boardEntry{}, false
	}
	return e, true
}

func (c *boardCache) put(key string, e boardEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= boardCacheMax {
		c.entries = make(map[string]boardEntry)
	}
	c.entries[key] = e
}
