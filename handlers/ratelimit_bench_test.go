package handlers_test

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/models/storetest"
)

// BenchmarkRateLimitStore measures one Allow of the per-voter limit (60 a
// minute, bursts of 15) in the in-process store SQLite uses and in the
// shared one on PostgreSQL, one caller at a time ("serial") and from as
// many goroutines as -cpu says ("parallel", whose ns/op is the inverse of
// the allowed requests per second). Keys rotate over 100 000 voters, so
// nearly every call is allowed: the path of a voter within the limits.
//
//	ARENA_TEST_POSTGRES_URL=... go test ./handlers -run '^$' -bench RateLimitStore -benchtime 20000x
func BenchmarkRateLimitStore(b *testing.B) {
	const perSecond, burst = 1.0, 15
	stores := map[string]func(b *testing.B) middleware.RateLimiterStore{
		"memory": func(*testing.B) middleware.RateLimiterStore {
			return middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
				Rate: rate.Limit(perSecond), Burst: burst, ExpiresIn: 3 * time.Minute})
		},
		"postgres": func(b *testing.B) middleware.RateLimiterStore {
			s := storetest.Open(b, "postgres")
			if err := s.Ping(context.Background()); err != nil {
				b.Fatal(err)
			}
			return arena.New(s, arena.Options{}).SharedLimiter("voter", perSecond, burst)
		},
	}
	for _, name := range []string{"memory", "postgres"} {
		for _, mode := range []string{"serial", "parallel"} {
			b.Run(name+"/"+mode, func(b *testing.B) {
				store := stores[name](b)
				var next, refused, failed atomic.Int64
				allow := func() {
					ok, err := store.Allow("voter-" + strconv.FormatInt(next.Add(1)%100_000, 10))
					if err != nil {
						failed.Add(1)
					}
					if !ok {
						refused.Add(1)
					}
				}
				b.ResetTimer()
				if mode == "serial" {
					for b.Loop() {
						allow()
					}
				} else {
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							allow()
						}
					})
				}
				b.ReportMetric(float64(refused.Load())/float64(b.N), "refused/op")
				if failed.Load() > 0 {
					b.Errorf("%d of %d calls failed", failed.Load(), b.N)
				}
			})
		}
	}
}
