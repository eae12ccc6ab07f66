package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"openarena.dev/arena/views"
)

// adminDashboard is the admin's landing page.
func (s *Server) adminDashboard(c echo.Context) error {
	return render(c, http.StatusOK, views.AdminDashboardPage(s.meta("Admin", "admin"), views.DashboardView{Admin: adminName(c)}))
}
