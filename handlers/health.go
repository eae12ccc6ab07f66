package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// healthz says the process is up; it touches nothing else.
func (s *Server) healthz(c echo.Context) error {
	return c.String(http.StatusOK, "ok\n")
}

// readiness is the body of /readyz.
type readiness struct {
	Ready bool   `json:"ready"`
	Error string `json:"error,omitempty"`
	// BoardCurrent and BehindVotes say whether the published overall
	// board has rated every vote, ViewsCurrent whether its slow part and
	// the category boards have too (they follow at most every
	// ARENA_RATINGS_CATEGORY_INTERVAL under heavy voting); all are left
	// out when that could not be read.
	BoardCurrent *bool  `json:"board_current,omitempty"`
	BehindVotes  *int64 `json:"behind_votes,omitempty"`
	ViewsCurrent *bool  `json:"views_current,omitempty"`
}

// readyz says the database answers and the server is not shutting down,
// so a balancer can hold traffic back (503 otherwise). It also says whether the board is current, but a server
// still catching up on the ratings serves the last stored board and stays
// ready: only the status code is for balancers.
func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if s.arena.Draining() {
		return c.JSON(http.StatusServiceUnavailable, readiness{Error: "shutting down"})
	}
	if err := s.arena.Ping(ctx); err != nil {
		return c.JSON(http.StatusServiceUnavailable, readiness{Error: "database unreachable"})
	}
	out := readiness{Ready: true}
	if r, err := s.arena.Boards().Readiness(ctx); err == nil {
		views := !r.ViewsBehind
		out.BoardCurrent, out.BehindVotes, out.ViewsCurrent = &r.Current, &r.BehindVotes, &views
	}
	return c.JSON(http.StatusOK, out)
}
