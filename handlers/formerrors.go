package handlers

import (
	"errors"

	"github.com/labstack/echo/v4"

	"openarena.dev/arena/arena/fault"
	"openarena.dev/arena/models"
	"openarena.dev/arena/views"
)

// refusal turns the domain's refusal of a typed prompt into what its form
// shows again: the text kept, the reason as a sentence, and whether sending
// it again may work (flooding, no model free). ok is false for a failure on
// our side, which the error page reports instead.
func refusal(c echo.Context, err error, prompt string) (f views.FormState, status int, ok bool) {
	fe, ok := fault.As(err)
	if !ok {
		return views.FormState{}, 0, false
	}
	status, msg := statusOf(fe)
	setRetryAfter(c, err)
	transient := fe.Kind == fault.Throttled || fe.Kind == fault.Unavailable
	return views.FormState{Prompt: prompt, Error: sentence(msg), Retry: transient}, status, true
}

// showOpenBattle renders the voter's battle id, still awaiting its vote,
// with edit applied to its view (a refused form filled in). shown is false
// when there is no such battle to show, or edit finds no form to fill in
// on it, so the caller falls back.
func (s *Server) showOpenBattle(c echo.Context, status int, id string, edit func(*views.BattleView) bool) (shown bool, err error) {
	ctx := c.Request().Context()
	b, v, err := s.arena.Reveal(ctx, id, voterID(c))
	if _, refused := fault.As(err); refused || errors.Is(err, models.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if v != nil || b.State == models.StateVoid {
		return false, nil
	}
	bv, err := s.battleView(ctx, b)
	if err != nil {
		return false, err
	}
	if !edit(&bv) {
		return false, nil
	}
	return true, s.openBattlePage(c, status, b, bv)
}
