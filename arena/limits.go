package arena

// Limiter decides whether one more request under a key is allowed now (it
// is echo's RateLimiterStore without naming it: the domain knows no HTTP).
// An error means nothing could be decided.
type Limiter interface {
	Allow(key string) (bool, error)
}

// SharedLimiter returns a limiter of perSecond requests per key on average
// and burst at once whose buckets every instance on the same PostgreSQL
// database shares, or nil on SQLite, where the one process keeps its own.
// Limiters of different names count apart.
func (a *Arena) SharedLimiter(name string, perSecond float64, burst int) Limiter {
	if l := a.store.RateLimiter(name, perSecond, burst); l != nil {
		return l
	}
	return nil
}
