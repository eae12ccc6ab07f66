package handlers

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

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
// and vote endpoints, or none when limiting is off.
func (s *Server) rateLimits() []echo.MiddlewareFunc {
	if s.cfg.RateLimit <= 0 {
		return nil
	}
	perVoter := limiter(s.cfg.RateLimit, func(c echo.Context) (string, error) { return voterID(c), nil })
	perAddress := limiter(s.cfg.RateLimit*s.cfg.AddressFactor, func(c echo.Context) (string, error) { return c.RealIP(), nil })
	return []echo.MiddlewareFunc{perVoter, perAddress}
}

func limiter(perMinute int, key middleware.Extractor) echo.MiddlewareFunc {
	store := middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
		Rate: rate.Limit(float64(perMinute) / 60), Burst: max(perMinute/4, 5), ExpiresIn: 3 * time.Minute,
	})
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
