package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/arena/fault"
	"openarena.dev/arena/models"
	"openarena.dev/arena/views"
)

// namedBattleJSON answers the start of a side-by-side battle: the models are
// named, and the answers come through the stream.
type namedBattleJSON struct {
	ID     string        `json:"id"`
	Mode   string        `json:"mode"`
	Prompt textHTML      `json:"prompt"`
	Stream string        `json:"stream"`
	ModelA contenderJSON `json:"model_a"`
	ModelB contenderJSON `json:"model_b"`
}

func namedJSON(b *models.Battle, prompt string) namedBattleJSON {
	side := func(c *models.Contender) contenderJSON {
		return contenderJSON{Slug: c.Slug, DisplayName: c.DisplayName, Organization: c.Organization}
	}
	return namedBattleJSON{ID: b.ID, Mode: models.ModeNamed, Stream: streamURL(b.ID),
		Prompt: textHTML{prompt, views.RenderMarkdown(prompt)}, ModelA: side(b.ContenderA), ModelB: side(b.ContenderB)}
}

// continueURL is where the voter of a voted live battle may keep talking
// to its two models; empty for other battles.
func continueURL(b *models.Battle) string {
	if models.HasTurns(b.Mode) && b.State == models.StateVoted {
		return "/battles/" + b.ID + "/continue"
	}
	return ""
}

// compareView lists the live models for the side-by-side form.
func (s *Server) compareView(c echo.Context) (views.CompareView, error) {
	cs, err := s.arena.CompareContenders(c.Request().Context())
	if err != nil {
		return views.CompareView{}, err
	}
	var v views.CompareView
	if len(cs) < 2 {
		_, msg := statusOf(arena.ErrCompareUnavailable)
		v.Unavailable = sentence(msg)
		return v, nil
	}
	for _, ct := range cs {
		v.Options = append(v.Options, views.CompareOption{Slug: ct.Slug, DisplayName: ct.DisplayName, Organization: ct.Organization})
	}
	return v, nil
}

// comparePage offers two choice lists of live models and a prompt box.
func (s *Server) comparePage(c echo.Context) error {
	v, err := s.compareView(c)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.ComparePage(s.meta(c, "Side by side", "compare"), v))
}

// startNamed records the voter and starts their side-by-side battle.
func (s *Server) startNamed(c echo.Context, a, b, prompt string) (*models.Battle, error) {
	ctx := c.Request().Context()
	if err := s.arena.TouchVoter(ctx, voterID(c), s.ipHash(c)); err != nil {
		return nil, err
	}
	return s.arena.StartNamedBattle(ctx, voterID(c), a, b, prompt)
}

// compareForm starts a side-by-side battle from the form. A refusal comes
// back on the same form, with the choices and the typed prompt kept.
func (s *Server) compareForm(c echo.Context) error {
	a, b, prompt := c.FormValue("a"), c.FormValue("b"), c.FormValue("prompt")
	battle, err := s.startNamed(c, a, b, prompt)
	if err == nil {
		return c.Redirect(http.StatusSeeOther, "/battles/"+battle.ID)
	}
	var fe *fault.Error
	if !errors.As(err, &fe) {
		return err
	}
	status, msg := statusOf(err)
	v, verr := s.compareView(c)
	if verr != nil {
		return verr
	}
	v.A, v.B, v.Prompt, v.Error = a, b, prompt, sentence(msg)
	setRetryAfter(c, err)
	return render(c, status, views.ComparePage(s.meta(c, "Side by side", "compare"), v))
}

// apiCompare starts a side-by-side battle from {"a", "b", "prompt"}.
func (s *Server) apiCompare(c echo.Context) error {
	var body struct {
		A      string  `json:"a"`
		B      string  `json:"b"`
		Prompt *string `json:"prompt"`
	}
	if err := readJSON(c, &body, false); err != nil {
		return err
	}
	if body.Prompt == nil {
		return fault.New(fault.Invalid, `The body needs a "prompt", and "a" and "b" naming two models by slug.`)
	}
	b, err := s.startNamed(c, body.A, body.B, *body.Prompt)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, namedJSON(b, *body.Prompt))
}

// continueForm starts a side-by-side battle that carries on a voted
// conversation, and goes to it.
func (s *Server) continueForm(c echo.Context) error {
	b, err := s.arena.ContinueAfterVote(c.Request().Context(), c.Param("id"), voterID(c), c.FormValue("prompt"))
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/battles/"+b.ID)
}

// apiContinue is continueForm for the API: {"prompt"} in, the new battle out.
func (s *Server) apiContinue(c echo.Context) error {
	var body promptBody
	if err := readJSON(c, &body, false); err != nil {
		return err
	}
	if body.Prompt == nil {
		return fault.New(fault.Invalid, `The body needs a "prompt".`)
	}
	b, err := s.arena.ContinueAfterVote(c.Request().Context(), c.Param("id"), voterID(c), *body.Prompt)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, namedJSON(b, *body.Prompt))
}

// namedSides are a side-by-side battle's two models, named.
func namedSides(b *models.Battle) (a, bb views.Side) {
	a = views.Side{DisplayName: b.ContenderA.DisplayName, Organization: b.ContenderA.Organization}
	bb = views.Side{DisplayName: b.ContenderB.DisplayName, Organization: b.ContenderB.Organization}
	return a, bb
}

// namedPage shows a voted side-by-side battle: its vote was not counted.
func (s *Server) namedPage(c echo.Context, b *models.Battle, v *models.Vote, bv views.BattleView) error {
	bv.TurnURL = ""
	return render(c, http.StatusOK, views.NamedRevealPage(s.meta(c, "Side by side", "compare"), revealView(bv, b, v)))
}

// sentence starts a refusal with a capital letter and ends it with a full
// stop, as the form shows it.
func sentence(msg string) string {
	if msg == "" {
		return msg
	}
	if c := msg[0]; c >= 'a' && c <= 'z' {
		msg = string(c-'a'+'A') + msg[1:]
	}
	if last := msg[len(msg)-1]; last != '.' && last != '!' && last != '?' {
		msg += "."
	}
	return msg
}
