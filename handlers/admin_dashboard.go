package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"openarena.dev/arena/views"
)

// adminDashboard is the admin's landing page: what waits for review and how
// voting went today.
func (s *Server) adminDashboard(c echo.Context) error {
	now := time.Now().UTC()
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	d, err := s.arena.DashboardCounts(c.Request().Context(), day)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.AdminDashboardPage(s.meta(c, "Admin", "admin"), views.DashboardView{
		Admin: adminName(c), PendingPrompts: d.PendingPrompts, FlaggedPrompts: d.FlaggedPrompts,
		VotesToday: d.VotesToday, ExcludedVotes: d.ExcludedVotes, EnabledContenders: d.EnabledContenders,
		Welcome: c.QueryParam("welcome") == "1",
	}))
}
