package handlers

import (
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/arena/fault"
)

// contentSecurityPolicy forbids inline script and style and any third-party
// origin: model output is untrusted even after sanitising.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func securityHeaders() echo.MiddlewareFunc {
	return middleware.SecureWithConfig(middleware.SecureConfig{
		XSSProtection:         "0",
		ContentTypeNosniff:    "nosniff",
		XFrameOptions:         "DENY",
		ContentSecurityPolicy: contentSecurityPolicy,
		ReferrerPolicy:        "no-referrer",
	})
}

// crossOriginProtection refuses state-changing requests sent by a browser
// from another site (Sec-Fetch-Site / Origin), which covers the plain forms
// and the JSON API alike without tokens; scripts without those headers pass.
func crossOriginProtection() echo.MiddlewareFunc {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte("This request came from another site and was refused. Vote from the arena's own page.\n"))
	}))
	return echo.WrapMiddleware(cop.Handler)
}

// requestLog writes one slog line per request. The client address is never
// logged; the voter is logged by pseudonymous id only.
func (s *Server) requestLog() echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus: true, LogURIPath: true, LogMethod: true, LogLatency: true, LogError: true, HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			level := slog.LevelInfo
			if v.Status >= 500 {
				level = slog.LevelError
			}
			attrs := []slog.Attr{
				slog.String("method", v.Method), slog.String("path", v.URIPath),
				slog.Int("status", v.Status), slog.Duration("latency", v.Latency),
			}
			if v.Error != nil && v.Status >= 500 {
				attrs = append(attrs, slog.String("error", v.Error.Error()))
			}
			s.log.LogAttrs(c.Request().Context(), level, "request", attrs...)
			return nil
		},
	})
}

// rateLimits returns the per-voter and per-address limiters for the battle
// and vote endpoints, or none when limiting is off. On PostgreSQL their
// buckets are shared by every instance (see arena.SharedLimiter); on SQLite
// they are this process's. The address is limited by its keyed hash: the
// shared buckets are rows in the database, where raw addresses never go.
func (s *Server) rateLimits() []echo.MiddlewareFunc {
	if s.cfg.RateLimit <= 0 {
		return nil
	}
	perVoter := s.limiter("voter", s.cfg.RateLimit, func(c echo.Context) (string, error) { return voterID(c), nil })
	perAddress := s.limiter("address", s.cfg.RateLimit*s.cfg.AddressFactor, func(c echo.Context) (string, error) { return s.ipHash(c), nil })
	return []echo.MiddlewareFunc{perVoter, perAddress}
}

// limiter allows perMinute requests a minute per key, in bursts of a
// quarter of that (at least 5).
func (s *Server) limiter(name string, perMinute int, key middleware.Extractor) echo.MiddlewareFunc {
	r, burst := rate.Limit(float64(perMinute)/60), max(perMinute/4, 5)
	var store middleware.RateLimiterStore
	if shared := s.arena.SharedLimiter(name, float64(r), burst); shared != nil {
		store = &failOpen{limiter: shared, log: s.log}
	} else {
		store = middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
			Rate: r, Burst: burst, ExpiresIn: 3 * time.Minute,
		})
	}
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store:               store,
		IdentifierExtractor: key,
		ErrorHandler: func(c echo.Context, err error) error {
			return fault.New(fault.Forbidden, "Could not tell who is asking.")
		},
		DenyHandler: func(c echo.Context, _ string, _ error) error {
			c.Response().Header().Set("Retry-After", "10")
			return fault.New(fault.Throttled, "Too many requests: slow down and try again in a few seconds.")
		},
	})
}

// failOpen lets a request through when the shared limiter cannot decide
// (the database did not answer in time). The limits keep one voter from
// flooding the arena; they do not protect the database, and every limited
// request needs that same database to do anything, so refusing all voters
// for a limiter hiccup would turn a blip into an outage while letting a
// few through costs nothing lasting. Failures are logged at most every
// failOpenLogEvery, not per request.
type failOpen struct {
	limiter arena.Limiter
	log     *slog.Logger
	// loggedAt is when a failure was last logged (unix nanos).
	loggedAt atomic.Int64
}

// failOpenLogEvery spaces the warnings of a failing shared limiter.
const failOpenLogEvery = 10 * time.Second

// Allow is the shared limiter's answer, or yes when it has none.
func (f *failOpen) Allow(key string) (bool, error) {
	ok, err := f.limiter.Allow(key)
	if err == nil {
		return ok, nil
	}
	now, last := time.Now().UnixNano(), f.loggedAt.Load()
	if now-last >= int64(failOpenLogEvery) && f.loggedAt.CompareAndSwap(last, now) {
		f.log.Warn("the shared rate limit could not decide; requests are let through", "err", err.Error())
	}
	return true, nil
}
