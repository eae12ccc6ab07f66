package handlers

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/arena/fault"
	"openarena.dev/arena/models"
	"openarena.dev/arena/views"
)

type textHTML struct {
	Text string `json:"text"`
	HTML string `json:"html"`
}

// battleJSON is a battle before its vote: by construction it has no field
// that could carry a contender's identity.
type battleJSON struct {
	ID     string   `json:"id"`
	Prompt textHTML `json:"prompt"`
	A      textHTML `json:"a"`
	B      textHTML `json:"b"`
}

type contenderJSON struct {
	Slug         string `json:"slug"`
	DisplayName  string `json:"display_name"`
	Organization string `json:"organization"`
}

type voteJSON struct {
	Winner  string        `json:"winner"`
	Counted bool          `json:"counted"`
	Reason  string        `json:"reason"`
	ModelA  contenderJSON `json:"model_a"`
	ModelB  contenderJSON `json:"model_b"`
}

// apiStartBattle starts a live battle when the body has a prompt, and serves
// a bank battle otherwise.
func (s *Server) apiStartBattle(c echo.Context) error {
	var body promptBody
	if err := readJSON(c, &body, true); err != nil {
		return err
	}
	if body.Prompt != nil {
		id, err := s.newLiveBattle(c, *body.Prompt)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusCreated, liveBattleJSON{ID: id, Mode: "live", Stream: streamURL(id),
			Prompt: textHTML{*body.Prompt, views.RenderMarkdown(*body.Prompt)}})
	}
	b, err := s.startBattle(c)
	if err != nil {
		return err
	}
	text := func(r *models.Response) textHTML { t := answerText(r); return textHTML{t, views.RenderMarkdown(t)} }
	return c.JSON(http.StatusCreated, battleJSON{
		ID: b.ID, Prompt: textHTML{b.Prompt.Text, views.RenderMarkdown(b.Prompt.Text)},
		A: text(b.ResponseA), B: text(b.ResponseB),
	})
}

func (s *Server) apiVote(c echo.Context) error {
	var req struct {
		Winner *string `json:"winner"`
	}
	if err := readJSON(c, &req, false); err != nil {
		return err
	}
	if req.Winner == nil {
		return arena.ErrBadWinner
	}
	res, err := s.vote(c, *req.Winner)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, voteResultJSON(res))
}

func voteResultJSON(r *arena.VoteResult) voteJSON {
	side := func(c *models.Contender) contenderJSON {
		return contenderJSON{Slug: c.Slug, DisplayName: c.DisplayName, Organization: c.Organization}
	}
	return voteJSON{Winner: r.Vote.Winner, Counted: r.Vote.Counted, Reason: r.Vote.Reason,
		ModelA: side(r.Battle.ContenderA), ModelB: side(r.Battle.ContenderB)}
}

// errBadJSON is a body that is not the JSON object the endpoint takes.
var errBadJSON = fault.New(fault.Invalid, "The request body must be a JSON object such as {\"winner\": \"model_a\"}.")

// readJSON decodes one JSON object, refusing unknown fields and trailing
// data; an empty body is accepted only when allowEmpty.
func readJSON(c echo.Context, dst any, allowEmpty bool) error {
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
	if errors.Is(err, io.EOF) && allowEmpty {
		return nil
	}
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return fault.New(fault.TooLarge, "The request body is too large.")
		}
		return errBadJSON
	}
	if dec.More() {
		return errBadJSON
	}
	return nil
}
