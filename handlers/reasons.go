package handlers

import (
	"context"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/models"
	"openarena.dev/arena/views"
)

// reasonsForm stores the reasons the voter ticked for their decisive vote
// and returns to the reveal.
func (s *Server) reasonsForm(c echo.Context) error {
	id := c.Param("id")
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	if err := s.arena.SetVoteReasons(c.Request().Context(), id, voterID(c), form["reason"]); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/battles/"+id+"?reasons=saved")
}

// reasonsView is the reveal's reasons form: offered for a decisive blind
// vote only, with the reasons already saved ticked.
func (s *Server) reasonsView(ctx context.Context, c echo.Context, b *models.Battle, v *models.Vote) (views.ReasonsView, error) {
	var r views.ReasonsView
	if !arena.Decisive(v.Winner) || b.Mode == models.ModeNamed {
		return r, nil
	}
	saved, err := s.arena.VoteReasons(ctx, b.ID)
	if err != nil {
		return r, err
	}
	r.URL, r.Saved = "/battles/"+b.ID+"/reasons", c.QueryParam("reasons") == "saved"
	for _, t := range arena.ReasonTags {
		r.Options = append(r.Options, views.ReasonOption{Code: t.Code, Label: t.Label, Checked: slices.Contains(saved, t.Code)})
	}
	return r, nil
}

// modelReasonRows counts a model's reasons for its page.
func (s *Server) modelReasonRows(ctx context.Context, contenderID uint) ([]views.ReasonCountRow, error) {
	counts, err := s.arena.ModelReasons(ctx, contenderID)
	if err != nil {
		return nil, err
	}
	var out []views.ReasonCountRow
	for _, rc := range counts {
		out = append(out, views.ReasonCountRow{Label: arena.ReasonLabel(rc.Tag), Won: rc.Won, Lost: rc.Lost})
	}
	return out, nil
}
