package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/views"
)

// statusOf maps domain errors to HTTP statuses and messages for people.
// Anything unknown is a 500 whose detail stays in the log.
func statusOf(err error) (int, string) {
	var he *echo.HTTPError
	var pe *arena.PromptError
	switch {
	case errors.As(err, &he):
		if msg, ok := he.Message.(string); ok {
			return he.Code, msg
		}
		return he.Code, http.StatusText(he.Code)
	case errors.Is(err, arena.ErrBadWinner):
		return http.StatusBadRequest, err.Error()
	case errors.Is(err, arena.ErrBattleNotFound):
		return http.StatusNotFound, "There is no such battle for this browser. Battles belong to the browser that started them."
	case errors.Is(err, arena.ErrVoteConflict):
		return http.StatusConflict, err.Error()
	case errors.Is(err, arena.ErrBattleVoid):
		return http.StatusConflict, err.Error()
	case errors.Is(err, arena.ErrNoBattles), errors.Is(err, arena.ErrNoLiveModels):
		return http.StatusServiceUnavailable, err.Error()
	case errors.Is(err, arena.ErrFlooding):
		return http.StatusTooManyRequests, arena.ErrFlooding.Reason
	case errors.As(err, &pe):
		return http.StatusBadRequest, pe.Reason
	case errors.Is(err, arena.ErrNotReady), errors.Is(err, arena.ErrStreamBusy), errors.Is(err, arena.ErrTooManyTurns):
		return http.StatusConflict, err.Error()
	case errors.Is(err, arena.ErrNotLive):
		return http.StatusBadRequest, err.Error()
	}
	return http.StatusInternalServerError, "Something went wrong on our side; nothing was changed. Please try again."
}

// handleError is the one error handler: JSON for the API, a page otherwise.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, msg := statusOf(err)
	if status >= 500 {
		s.log.ErrorContext(c.Request().Context(), "request failed", "path", c.Path(), "error", err.Error())
	}
	if strings.HasPrefix(c.Request().URL.Path, "/api/") {
		err = c.JSON(status, map[string]string{"error": msg})
	} else {
		title := http.StatusText(status)
		err = render(c, status, views.ErrorPage(s.meta(title, ""), views.ErrorView{Status: status, Title: title, Message: msg}))
	}
	if err != nil {
		s.log.Error("write error response", "error", err.Error())
	}
}
