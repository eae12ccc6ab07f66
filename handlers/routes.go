package handlers

import (
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"openarena.dev/arena/arena/fault"
)

// routes registers every route of the arena in one place.
func (s *Server) routes(e *echo.Echo) {
	e.Pre(middleware.RemoveTrailingSlash())
	// Outermost, so it sees the status even of a recovered panic.
	e.Use(s.observeRequests())
	e.Use(middleware.Recover())
	e.Use(s.requestLog())
	e.Use(compress())
	e.Use(securityHeaders())
	e.Use(middleware.BodyLimit(s.cfg.BodyLimit))
	e.Use(crossOriginProtection())
	e.Use(s.voterCookie)

	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	s.metricsRoute(e)
	e.GET(staticRoute, echo.WrapHandler(s.assets))

	limited := s.rateLimits()
	e.GET("/", s.votePage, limited...)
	e.GET("/battles/:id", s.battlePage)
	e.POST("/battles", s.liveForm, limited...)
	e.POST("/battles/:id/vote", s.voteForm, limited...)
	e.POST("/battles/:id/turns", s.turnForm, limited...)
	e.POST("/battles/:id/regenerate", s.regenerateForm, limited...)
	e.GET("/leaderboard", s.leaderboardPage)
	e.GET("/leaderboard.csv", s.leaderboardCSV)
	e.GET("/suggest", s.suggestPage)
	e.POST("/suggest", s.suggestForm, limited...)
	e.POST("/battles/:id/report", s.reportForm, limited...)
	e.GET("/models/:slug", s.modelPage)

	api := e.Group("/api/v1")
	api.POST("/battles", s.apiStartBattle, limited...)
	api.POST("/battles/:id/vote", s.apiVote, limited...)
	api.POST("/battles/:id/turns", s.apiTurn, limited...)
	api.POST("/battles/:id/regenerate", s.apiRegenerate, limited...)
	api.GET("/battles/:id/stream", s.apiStream)
	api.GET("/leaderboard", s.apiLeaderboard)
	api.GET("/leaderboard/version", s.leaderboardVersion)
	api.GET("/leaderboard/settings", s.leaderboardSettings)
	api.GET("/models/:slug", s.apiModel)
	s.compareRoutes(e, api, limited)

	s.adminRoutes(e, api, limited)

	e.RouteNotFound("/*", func(c echo.Context) error {
		return fault.New(fault.NotFound, "There is no page at this address.")
	})
}

// adminRoutes registers the admin area. Sign-in and first-run setup are
// open; everything else under /admin and /api/v1/admin goes through
// requireAdmin. The lifecycle actions on contenders are registered with the
// transparency routes they feed.
func (s *Server) adminRoutes(e *echo.Echo, api *echo.Group, limited []echo.MiddlewareFunc) {
	e.GET("/admin/signin", s.adminSignInPage, s.withSession)
	e.POST("/admin/signin", s.adminSignIn, s.withSession)
	e.GET("/admin/setup", s.adminSetupPage)
	e.POST("/admin/setup", s.adminSetup, s.withSession)
	adm := e.Group("/admin", s.requireAdmin)
	adm.GET("", s.adminDashboard)
	adm.POST("/signout", s.adminSignOut)
	adm.GET("/audit", s.adminAuditPage)
	adm.GET("/prompts", s.adminPrompts)
	adm.POST("/prompts/review", s.adminReviewPrompts)
	adm.POST("/prompts/filter", s.adminSaveFilter)
	adm.POST("/prompts/:id/labels", s.adminLabelPrompt)
	adm.POST("/prompts/:id/answers", s.adminGenerateAnswers)
	adm.GET("/contenders", s.adminContenders)
	adm.GET("/contenders/new", s.adminContenderNew)
	adm.POST("/contenders", s.adminCreateContender)
	adm.GET("/contenders/:id", s.adminContender)
	adm.POST("/contenders/:id", s.adminUpdateContender)
	adm.POST("/contenders/:id/enabled", s.adminEnableContender)
	adm.POST("/contenders/:id/test", s.adminTestContender)
	adm.GET("/voters", s.adminVoters)
	adm.POST("/voters/sweep", s.adminSweepRisk)
	adm.GET("/voters/:id", s.adminVoter)
	adm.POST("/voters/:id/block", s.adminBlockVoter)
	adm.POST("/voters/:id/clear", s.adminClearVoter)
	adm.POST("/votes/:id/include", s.adminIncludeVote)
	adm.POST("/votes/:id/exclude", s.adminExcludeVote)
	adm.GET("/export", s.adminExportPage)
	adm.GET("/export/battles.json", s.adminExportBattles)
	admAPI := e.Group("/api/v1/admin", s.requireAdmin)
	admAPI.GET("/audit", s.apiAdminAudit)
	admAPI.GET("/prompts", s.apiAdminPrompts)
	admAPI.GET("/contenders", s.apiAdminContenders)
	admAPI.GET("/voters", s.apiAdminVoters)

	s.transparencyRoutes(e, api, adm, limited)
}

// transparencyRoutes registers what lets a reader audit the board (the
// transparency page, the changelog, their JSON), the vote reasons and the
// admin's lifecycle actions.
func (s *Server) transparencyRoutes(e *echo.Echo, api, adm *echo.Group, limited []echo.MiddlewareFunc) {
	adm.POST("/contenders/:id/lifecycle", s.adminContenderLifecycle)
	e.POST("/battles/:id/reasons", s.reasonsForm, limited...)
	e.GET("/transparency", s.transparencyPage)
	e.GET("/changelog", s.changelogPage)
	api.GET("/sampling", s.apiSampling)
	api.GET("/position-bias", s.apiPositionBias)
	api.GET("/changelog", s.apiChangelog)
}

// compareRoutes registers the side-by-side pages and their API, and the
// way to keep talking after a vote; apart so that routes stays short.
func (s *Server) compareRoutes(e *echo.Echo, api *echo.Group, limited []echo.MiddlewareFunc) {
	e.GET("/compare", s.comparePage)
	e.POST("/compare", s.compareForm, limited...)
	e.POST("/battles/:id/continue", s.continueForm, limited...)
	api.POST("/compare", s.apiCompare, limited...)
	api.POST("/battles/:id/continue", s.apiContinue, limited...)
}

const staticRoute = "/static/*"
