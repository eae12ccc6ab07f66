package handlers

// This file is what a reader needs to check a published board: its
// settings, for recomputing it from the release.

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"openarena.dev/arena/arena/boards"
	"openarena.dev/arena/arena/fault"
)

// settingsJSON is /api/v1/leaderboard/settings: the settings a board was
// computed with (the file `arena ratings --settings` reads), and beside
// them the digest and vote count the reproduction should arrive at.
type settingsJSON struct {
	boards.Settings
	InputsDigest string    `json:"inputs_digest"`
	Votes        int       `json:"votes"`
	ComputedAt   time.Time `json:"computed_at"`
}

// leaderboardSettings serves the settings of the board of ?category= (and
// ?at=, for a board of the past).
func (s *Server) leaderboardSettings(c echo.Context) error {
	req, err := parseBoardRequest(c)
	if err != nil {
		return err
	}
	b, err := s.arena.Boards().Board(c.Request().Context(), req.q.Category, req.q.At)
	if err != nil {
		return err
	}
	if b == nil {
		return fault.Newf(fault.NotFound, "No %s leaderboard has been published yet.", req.q.Category)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, settingsJSON{Settings: b.Settings(), InputsDigest: b.InputsDigest,
		Votes: b.Votes, ComputedAt: b.ComputedAt})
}
