package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// regenerateForm sets aside the latest answers of a live battle and sends the
// voter back to the battle page, which streams the new ones.
func (s *Server) regenerateForm(c echo.Context) error {
	if _, err := s.arena.RegenerateLiveBattle(c.Request().Context(), c.Param("id"), voterID(c)); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/battles/"+c.Param("id"))
}

// regenerateJSON answers POST /api/v1/battles/:id/regenerate: where the new
// answers stream and how many regenerations are left.
type regenerateJSON struct {
	Stream string `json:"stream"`
	Left   int    `json:"regenerations_left"`
}

func (s *Server) apiRegenerate(c echo.Context) error {
	left, err := s.arena.RegenerateLiveBattle(c.Request().Context(), c.Param("id"), voterID(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, regenerateJSON{Stream: streamURL(c.Param("id")), Left: left})
}
