package handlers

import (
	"crypto/subtle"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"openarena.dev/arena/arena/fault"
)

// RequestObserver hears each answered request. route is the pattern the
// router matched, never the address asked for, so battle ids and slugs do
// not multiply the series.
type RequestObserver interface {
	ObserveRequest(method, route string, status int, took time.Duration)
}

// unmatchedRoute labels a request no route matched (a wrong method, say).
const unmatchedRoute = "unmatched"

// observeRequests reports every request to cfg.Requests, once answered.
func (s *Server) observeRequests() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		if s.cfg.Requests == nil {
			return next
		}
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			status := c.Response().Status
			if err != nil && !c.Response().Committed {
				// Inner middleware answers errors itself; one that slipped
				// through is answered by Echo after this returns.
				status = http.StatusInternalServerError
				if he, ok := err.(*echo.HTTPError); ok {
					status = he.Code
				}
			}
			route := c.Path()
			if route == "" {
				route = unmatchedRoute
			}
			s.cfg.Requests.ObserveRequest(c.Request().Method, route, status, time.Since(start))
			return err
		}
	}
}

// metricsRoute serves /metrics on the main address when a token guards it:
// the metrics name contenders, which voters must not learn.
func (s *Server) metricsRoute(e *echo.Echo) {
	if s.cfg.Metrics == nil || s.cfg.MetricsToken == "" {
		return
	}
	e.GET("/metrics", echo.WrapHandler(s.cfg.Metrics), s.requireMetricsToken)
}

// requireMetricsToken lets through requests bearing the metrics token.
func (s *Server) requireMetricsToken(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		got, ok := strings.CutPrefix(c.Request().Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(s.cfg.MetricsToken)) != 1 {
			c.Response().Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			return fault.New(fault.Unauthenticated, "The metrics need the token set in ARENA_METRICS_TOKEN, sent as “Authorization: Bearer <token>”.")
		}
		return next(c)
	}
}
