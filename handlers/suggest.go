package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"openarena.dev/arena/arena/fault"
	"openarena.dev/arena/arena/moderation"
	"openarena.dev/arena/models"
	"openarena.dev/arena/views"
)

// suggestPage shows the form for suggesting a prompt for the bank.
func (s *Server) suggestPage(c echo.Context) error {
	return render(c, http.StatusOK, views.SuggestPage(s.meta(c, "Suggest a prompt", "vote"),
		views.SuggestView{Sent: c.QueryParam("sent") == "1"}))
}

// suggestForm stores a suggestion and redirects to the thanks; a refused
// one shows the form again with the reason and the text kept.
func (s *Server) suggestForm(c echo.Context) error {
	ctx := c.Request().Context()
	text := c.FormValue("prompt")
	if err := s.arena.TouchVoter(ctx, voterID(c), s.ipHash(c)); err != nil {
		return err
	}
	_, err := s.arena.Moderation().SuggestPrompt(ctx, voterID(c), text)
	if fe, ok := fault.As(err); ok {
		// A refused suggestion shows the form again with the text kept.
		status, msg := statusOf(fe)
		return render(c, status, views.SuggestPage(s.meta(c, "Suggest a prompt", "vote"),
			views.SuggestView{Text: text, Problem: msg}))
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/suggest?sent=1")
}

// reportForm reports the prompt of the voter's voted battle and returns to
// the battle with a thank-you.
func (s *Server) reportForm(c echo.Context) error {
	id := c.Param("id")
	err := s.arena.Moderation().ReportBattle(c.Request().Context(), id, voterID(c), c.FormValue("reason"), c.FormValue("details"))
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/battles/"+id+"?reported=1")
}

// moderatedReveal adds the report form to a reveal, and tells the voter
// when moderation holds their vote out of the ratings.
func moderatedReveal(c echo.Context, r views.RevealView, v *models.Vote) views.RevealView {
	r.Report = views.ReportView{URL: "/battles/" + r.Battle.ID + "/report", Reported: c.QueryParam("reported") == "1"}
	for _, o := range moderation.ReportReasons {
		r.Report.Reasons = append(r.Report.Reasons, views.ReportOption{Code: o.Code, Label: o.Label})
	}
	switch v.Excluded {
	case models.ExcludedPromptFlagged:
		r.Counted, r.Reason = false, "This prompt is waiting for a moderator's review; your vote will count once it is approved."
	case models.ExcludedPromptRejected:
		r.Counted, r.Reason = false, "A moderator rejected this prompt, so votes on it are not counted."
	}
	return r
}
