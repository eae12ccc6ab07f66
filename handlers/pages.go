package handlers

import (
	"errors"
	"net/http"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/models"
	"openarena.dev/arena/views"
)

func render(c echo.Context, status int, page templ.Component) error {
	c.Response().Header().Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	c.Response().Header().Set("Cache-Control", "no-store")
	c.Response().WriteHeader(status)
	return page.Render(c.Request().Context(), c.Response())
}

// votePage serves the voter's battle, or tells the operator how to fill an
// empty bank.
func (s *Server) votePage(c echo.Context) error {
	ctx := c.Request().Context()
	live := s.arena.LiveAvailable(ctx)
	b, err := s.startBattle(c)
	if errors.Is(err, arena.ErrNoBattles) {
		if live {
			return render(c, http.StatusOK, views.AskPage(s.meta(c, "Ask", "vote"), "/battles", views.FormState{}))
		}
		prompts, answers, err := s.arena.BankSize(ctx)
		if err != nil {
			return err
		}
		return render(c, http.StatusOK, views.EmptyPage(s.meta(c, "No battles yet", "vote"), views.EmptyView{Prompts: prompts, Answers: answers}))
	}
	if err != nil {
		return err
	}
	bv, err := s.battleView(ctx, b)
	if err != nil {
		return err
	}
	if live {
		bv.AskURL = "/battles"
	}
	return render(c, http.StatusOK, views.BattlePage(s.meta(c, "Vote", "vote"), bv))
}

// battlePage shows the battle, with the names once it has its vote.
func (s *Server) battlePage(c echo.Context) error {
	ctx := c.Request().Context()
	b, v, err := s.arena.Reveal(ctx, c.Param("id"), voterID(c))
	if err != nil {
		return err
	}
	if b.State == models.StateVoid {
		return render(c, http.StatusConflict, views.ErrorPage(s.meta(c, "Battle void", "vote"), views.ErrorView{
			Status: http.StatusConflict, Title: "This battle is void",
			Message: "One of the answers failed (" + b.VoidReason + "). Nothing was counted; start a new battle."}))
	}
	bv, err := s.battleView(ctx, b)
	if err != nil {
		return err
	}
	if v == nil {
		return s.openBattlePage(c, http.StatusOK, b, bv)
	}
	if b.Mode == models.ModeNamed {
		return s.namedPage(c, b, v, bv)
	}
	bv.TurnURL = ""
	rv := moderatedReveal(c, revealView(bv, b, v), v)
	if rv.Reasons, err = s.reasonsView(ctx, c, b, v); err != nil {
		return err
	}
	return render(c, http.StatusOK, views.RevealPage(s.meta(c, "Result", "vote"), rv))
}

// voteForm takes the plain form's vote and redirects to the reveal, so a
// reload of the result page does not post again.
func (s *Server) voteForm(c echo.Context) error {
	if _, err := s.vote(c, c.FormValue("winner")); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/battles/"+c.Param("id"))
}

// openBattlePage shows a battle awaiting its vote, blind or side by side.
func (s *Server) openBattlePage(c echo.Context, status int, b *models.Battle, bv views.BattleView) error {
	if b.Mode == models.ModeNamed {
		a, bb := namedSides(b)
		return render(c, status, views.NamedBattlePage(s.meta(c, "Side by side", "compare"), views.NamedView{Battle: bv, A: a, B: bb}))
	}
	return render(c, status, views.BattlePage(s.meta(c, "Vote", "vote"), bv))
}
