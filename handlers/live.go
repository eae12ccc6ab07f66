package handlers

import (
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/arena/fault"
	"openarena.dev/arena/views"
)

// liveBattleJSON answers the start of a live battle: the answers come
// through the stream, so there is nothing else to show yet.
type liveBattleJSON struct {
	ID     string   `json:"id"`
	Mode   string   `json:"mode"`
	Prompt textHTML `json:"prompt"`
	Stream string   `json:"stream"`
}

type promptBody struct {
	Prompt *string `json:"prompt"`
}

func streamURL(id string) string { return "/api/v1/battles/" + id + "/stream" }

// newLiveBattle starts a live battle for the voter after recording them.
func (s *Server) newLiveBattle(c echo.Context, prompt string) (string, error) {
	ctx := c.Request().Context()
	if err := s.arena.TouchVoter(ctx, voterID(c), s.ipHash(c)); err != nil {
		return "", err
	}
	b, err := s.arena.StartLiveBattle(ctx, voterID(c), prompt)
	if err != nil {
		return "", err
	}
	return b.ID, nil
}

// liveForm starts a live battle from the page's prompt form. A refused
// prompt comes back on the page it was typed on, kept, with the reason.
func (s *Server) liveForm(c echo.Context) error {
	prompt := c.FormValue("prompt")
	id, err := s.newLiveBattle(c, prompt)
	if err == nil {
		return c.Redirect(http.StatusSeeOther, "/battles/"+id)
	}
	f, status, ok := refusal(c, err, prompt)
	if !ok {
		return err
	}
	if from := c.FormValue("from"); from != "" {
		shown, err := s.showOpenBattle(c, status, from, func(bv *views.BattleView) bool {
			bv.AskURL, bv.Ask = "/battles", f
			return true
		})
		if shown || err != nil {
			return err
		}
	}
	return render(c, status, views.AskPage(s.meta(c, "Ask", "vote"), "/battles", f))
}

// turnForm adds the next prompt of a live conversation; a refused one comes
// back on the battle, kept, with the reason.
func (s *Server) turnForm(c echo.Context) error {
	id, prompt := c.Param("id"), c.FormValue("prompt")
	err := s.arena.ContinueLiveBattle(c.Request().Context(), id, voterID(c), prompt)
	if err == nil {
		return c.Redirect(http.StatusSeeOther, "/battles/"+id)
	}
	f, status, ok := refusal(c, err, prompt)
	if !ok {
		return err
	}
	shown, serr := s.showOpenBattle(c, status, id, func(bv *views.BattleView) bool {
		bv.Turn = f
		return bv.TurnURL != ""
	})
	if shown || serr != nil {
		return serr
	}
	return err
}

func (s *Server) apiTurn(c echo.Context) error {
	var body promptBody
	if err := readJSON(c, &body, false); err != nil {
		return err
	}
	if body.Prompt == nil {
		return fault.New(fault.Invalid, `The body needs a "prompt".`)
	}
	if err := s.arena.ContinueLiveBattle(c.Request().Context(), c.Param("id"), voterID(c), *body.Prompt); err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, map[string]string{"stream": streamURL(c.Param("id"))})
}

// apiStream is the live battle's server-sent event stream: `delta`, `done`
// and `error` events whose data names only the side.
func (s *Server) apiStream(c echo.Context) error {
	w := c.Response()
	started := false
	send := func(ev arena.Event) error {
		if !started {
			h := w.Header()
			h.Set(echo.HeaderContentType, "text/event-stream")
			h.Set("Cache-Control", "no-store")
			h.Set("X-Accel-Buffering", "no")
			w.WriteHeader(http.StatusOK)
			started = true
		}
		data, _ := json.Marshal(map[string]string{"side": ev.Side, "text": ev.Text})
		if _, err := w.Write([]byte("event: " + ev.Kind + "\ndata: " + string(data) + "\n\n")); err != nil {
			return err
		}
		w.Flush()
		return nil
	}
	err := s.arena.StreamLiveBattle(c.Request().Context(), c.Param("id"), voterID(c), send)
	if started {
		// The stream has begun: errors were told as events, or the voter left.
		return nil
	}
	return err
}
