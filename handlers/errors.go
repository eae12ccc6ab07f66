package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"openarena.dev/arena/arena/fault"
	"openarena.dev/arena/views"
)

// kindStatus is the one mapping from the domain's kinds of refusal to HTTP
// statuses, for pages and the API alike.
var kindStatus = map[fault.Kind]int{
	fault.Invalid:         http.StatusBadRequest,
	fault.Unauthenticated: http.StatusUnauthorized,
	fault.Forbidden:       http.StatusForbidden,
	fault.NotFound:        http.StatusNotFound,
	fault.Conflict:        http.StatusConflict,
	fault.TooLarge:        http.StatusRequestEntityTooLarge,
	fault.Throttled:       http.StatusTooManyRequests,
	fault.Unavailable:     http.StatusServiceUnavailable,
}

// internalMessage is all a person is told of a failure on our side; the
// detail stays in the log.
const internalMessage = "Something went wrong on our side; nothing was changed. Please try again."

// statusOf maps an error to the HTTP status and the message for people:
// Echo's own errors (routing, binding) keep theirs, the domain's refusals
// take their kind's status and their text, anything else is a 500.
func statusOf(err error) (int, string) {
	var he *echo.HTTPError
	if errors.As(err, &he) {
		if msg, ok := he.Message.(string); ok {
			return he.Code, msg
		}
		return he.Code, http.StatusText(he.Code)
	}
	if fe, ok := fault.As(err); ok {
		if status, ok := kindStatus[fe.Kind]; ok {
			return status, fe.Msg
		}
	}
	return http.StatusInternalServerError, internalMessage
}

// setRetryAfter tells the client when a throttled request may be retried.
func setRetryAfter(c echo.Context, err error) {
	if fe, ok := fault.As(err); ok && fe.Kind == fault.Throttled && fe.RetryAfter > 0 {
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(fe.RetryAfter.Seconds())+1))
	}
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
	setRetryAfter(c, err)
	if strings.HasPrefix(c.Request().URL.Path, "/api/") {
		err = c.JSON(status, map[string]string{"error": msg})
	} else {
		title := http.StatusText(status)
		ev := views.ErrorView{Status: status, Title: title, Message: msg, RetryURL: retryURL(c, status)}
		err = render(c, status, views.ErrorPage(s.meta(c, title, ""), ev))
	}
	if err != nil {
		s.log.Error("write error response", "error", err.Error())
	}
}

// retryURL is the address to load again after a transient failure of a
// page (too many requests, nothing available, a failure on our side); a
// form's POST is not repeated by a link, so it gets none.
func retryURL(c echo.Context, status int) string {
	transient := status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable || status >= 500
	if !transient || c.Request().Method != http.MethodGet {
		return ""
	}
	// One leading slash only: "//host/x" would be a link to another site.
	u := *c.Request().URL
	u.Path = "/" + strings.TrimLeft(u.Path, "/")
	u.RawPath = ""
	return u.RequestURI()
}
