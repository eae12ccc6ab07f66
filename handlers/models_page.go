package handlers

import (
	"cmp"
	"context"
	"errors"
	"math"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"openarena.dev/arena/arena/boards"
	"openarena.dev/arena/arena/categories"
	"openarena.dev/arena/arena/fault"
	"openarena.dev/arena/arena/release"
	"openarena.dev/arena/models"
	"openarena.dev/arena/views"
)

// releasedPerModel is how many public battles a model page shows.
const releasedPerModel = 10

// modelReport is everything the page and the JSON of one model hold, read
// once and shaped twice.
type modelReport struct {
	contender *models.Contender
	// boards are the category boards that rate the model, overall first;
	// overall is nil before the model is rated.
	boards  []*boards.RatedBoard
	overall *boards.RatedBoard
	history []modelHistoryPoint
	battles []release.Battle
	names   map[string]string
}

type modelHistoryPoint struct {
	At      time.Time `json:"at"`
	Score   float64   `json:"score"`
	CILower float64   `json:"ci_lower"`
	CIUpper float64   `json:"ci_upper"`
	Votes   int       `json:"votes"`
}

// modelReport gathers a model's page; an unknown slug is a 404 with a
// message.
func (s *Server) modelReport(ctx context.Context, slug string) (*modelReport, error) {
	// A slug is at most 128 characters (the column's size); a longer one
	// is not looked up, nor repeated in the answer.
	if len(slug) > 128 {
		return nil, fault.New(fault.NotFound, "There is no model with so long a name. The leaderboard links to every model.")
	}
	c, err := s.arena.ContenderBySlug(ctx, slug)
	if errors.Is(err, models.ErrNotFound) {
		return nil, fault.Newf(fault.NotFound, "There is no model called %q. The leaderboard links to every model.", slug)
	}
	if err != nil {
		return nil, err
	}
	r := &modelReport{contender: c, names: map[string]string{}}
	rated, err := s.arena.Boards().RatedBoards(ctx)
	if err != nil {
		return nil, err
	}
	for cat, b := range rated {
		if rowOf(b, slug) == nil || b.Votes == 0 {
			continue
		}
		r.boards = append(r.boards, b)
		if cat == models.CategoryOverall {
			r.overall = b
		}
	}
	slices.SortFunc(r.boards, func(x, y *boards.RatedBoard) int {
		if c := cmp.Compare(categoryRank(x.Category), categoryRank(y.Category)); c != 0 {
			return c
		}
		return cmp.Compare(x.Category, y.Category)
	})
	if r.overall != nil {
		for _, m := range r.overall.Models {
			r.names[m.Slug] = m.DisplayName
		}
	}
	h, err := s.arena.Boards().RatingHistory(ctx, models.CategoryOverall)
	if err != nil {
		return nil, err
	}
	for _, p := range h.Points {
		for _, m := range p.Models {
			if m.Slug == slug {
				r.history = append(r.history, modelHistoryPoint{At: p.At, Score: m.Score, CILower: m.CILower, CIUpper: m.CIUpper, Votes: m.Votes})
			}
		}
	}
	r.battles, err = s.arena.Release().PublicAnswers(ctx, slug, releasedPerModel)
	if err != nil {
		return nil, err
	}
	return r, nil
}

// rowOf finds a model on a board.
func rowOf(b *boards.RatedBoard, slug string) *boards.RatedRow {
	for i := range b.Models {
		if b.Models[i].Slug == slug {
			return &b.Models[i]
		}
	}
	return nil
}

// categoryRank orders a model's boards as the leaderboard's tabs: overall,
// the topics, then the languages.
func categoryRank(c string) int {
	if c == models.CategoryOverall {
		return 0
	}
	if i := slices.Index(categories.Names, c); i >= 0 {
		return 1 + i
	}
	return 1 + len(categories.Names)
}

// surprising tells whether an observed win fraction over n battles is more
// than two standard errors from the predicted one. Fewer than 10 battles
// never are: the normal approximation means little there.
func surprising(observed, predicted float64, n int) bool {
	if n < 10 {
		return false
	}
	se := math.Sqrt(predicted * (1 - predicted) / float64(n))
	return math.Abs(observed-predicted) > 2*se
}

func pct(x float64) string { return strconv.FormatFloat(100*x, 'f', 1, 64) + "%" }

func (s *Server) modelPage(c echo.Context) error {
	r, err := s.modelReport(c.Request().Context(), c.Param("slug"))
	if err != nil {
		return err
	}
	v := modelView(r)
	if v.Reasons, err = s.modelReasonRows(c.Request().Context(), r.contender.ID); err != nil {
		return err
	}
	return render(c, http.StatusOK, views.ModelPage(s.meta(c, v.DisplayName, "leaderboard"), v))
}

func modelView(r *modelReport) views.ModelView {
	c := r.contender
	v := views.ModelView{Slug: c.Slug, DisplayName: c.DisplayName, Organization: c.Organization, Country: c.Country,
		License: c.License, OpenWeights: c.OpenWeights, Aliases: c.Aliases, Status: c.Status, StatusLine: statusLine(c)}
	for _, b := range r.boards {
		row := rowOf(b, c.Slug)
		mc := views.ModelCategory{Category: b.Category, Label: boardCategoryLabel(b.Category),
			URL:   boardURL("/leaderboard", boards.BoardQuery{Category: b.Category}),
			Score: row.Score, Lower: row.CILower, Upper: row.CIUpper, Rank: row.RankUB, Votes: row.Votes, Preliminary: row.Preliminary}
		if st := row.Style; st != nil {
			mc.StyleScore, mc.StyleRank = st.Score, st.RankUB
		}
		v.Categories = append(v.Categories, mc)
	}
	if r.overall != nil {
		v.ComputedAt, v.ComputedISO = when(r.overall.ComputedAt)
		for _, h := range r.overall.HeadToHead(c.Slug) {
			row := views.HeadToHeadRow{OpponentSlug: h.Opponent.Slug, Opponent: h.Opponent.DisplayName,
				Wins: h.Wins, Ties: h.Ties, Losses: h.Losses, Predicted: pct(h.Predicted)}
			if h.Battles() > 0 {
				row.Observed = pct(h.Observed)
				row.Surprise = surprising(h.Observed, h.Predicted, h.Battles())
			}
			v.HeadToHead = append(v.HeadToHead, row)
		}
	}
	if len(r.history) > 0 {
		sr := views.Series{Name: c.DisplayName, Band: true}
		for _, p := range r.history {
			sr.Points = append(sr.Points, views.SeriesPoint{At: p.At, Value: p.Score, Lower: p.CILower, Upper: p.CIUpper,
				Note: score(p.CILower) + "–" + score(p.CIUpper) + ", " + strconv.Itoa(p.Votes) + " votes"})
		}
		v.History = views.LineChart{Title: "Overall arena score of " + c.DisplayName + " over time, with its 95% interval",
			Desc: "The model's arena score and interval at each of " + strconv.Itoa(len(r.history)) + " stored computations of the board.", Series: []views.Series{sr}}
	}
	for _, b := range r.battles {
		v.Battles = append(v.Battles, releasedView(b, c.Slug, r.names))
	}
	if len(v.Battles) == 0 {
		v.BattlesNote = "None yet. Shown here are live battles (prompts people typed) with a counted vote, an approved prompt and texts that passed the data release's personal-data filter. Answers to prompts from the prompt bank are never shown: the bank serves them again, and seeing them here would tell a voter which model wrote an answer before the vote."
	}
	return v
}

// releasedView shows a released battle from the side of the model slug.
func releasedView(b release.Battle, slug string, names map[string]string) views.ModelBattle {
	mine, other, side := b.ConversationA, b.ModelB, models.WinnerA
	if b.ModelB == slug {
		mine, other, side = b.ConversationB, b.ModelA, models.WinnerB
	}
	mb := views.ModelBattle{Opponent: cmp.Or(names[other], other), When: time.Unix(int64(b.Tstamp), 0).UTC().Format("2 Jan 2006")}
	switch b.Winner {
	case side:
		mb.Outcome = "won"
	case models.WinnerA, models.WinnerB:
		mb.Outcome = "lost"
	case "tie":
		mb.Outcome = "tie"
	default:
		mb.Outcome = "both bad"
	}
	var t views.ModelTurn
	for _, m := range mine {
		switch m.Role {
		case "user":
			t.PromptHTML = views.RenderMarkdown(m.Content)
		case "assistant":
			t.AnswerHTML = views.RenderMarkdown(m.Content)
			mb.Turns = append(mb.Turns, t)
			t = views.ModelTurn{}
		}
	}
	return mb
}

// modelJSON is GET /api/v1/models/:slug; score fields use the leaderboard's
// names.
type modelJSON struct {
	Model        string              `json:"model"`
	DisplayName  string              `json:"display_name"`
	Organization string              `json:"organization"`
	Country      string              `json:"country"`
	License      string              `json:"license"`
	OpenWeights  bool                `json:"open_weights"`
	Aliases      []string            `json:"aliases"`
	Categories   []modelCategoryJSON `json:"categories"`
	HeadToHead   []headToHeadJSON    `json:"head_to_head"`
	History      []modelHistoryPoint `json:"history"`
	Battles      []release.Battle    `json:"battles"`
	// Status is "retired" or "suspended", or "" (omitted) for a model in
	// play; the board rows say whether it is preliminary.
	Status       string       `json:"status,omitempty"`
	StatusReason string       `json:"status_reason,omitempty"`
	Reasons      []reasonJSON `json:"reasons"`
}

type reasonJSON struct {
	Reason string `json:"reason"`
	Won    int    `json:"won"`
	Lost   int    `json:"lost"`
}

type modelCategoryJSON struct {
	Category    string  `json:"category"`
	Score       float64 `json:"score"`
	CILower     float64 `json:"ci_lower"`
	CIUpper     float64 `json:"ci_upper"`
	RankUB      int     `json:"rank_ub"`
	Votes       int     `json:"votes"`
	Preliminary bool    `json:"preliminary"`
	// Style is the style-controlled view, in the leaderboard's names.
	Style      *styleJSON `json:"style,omitempty"`
	ComputedAt time.Time  `json:"computed_at"`
}

type headToHeadJSON struct {
	Opponent    string `json:"opponent"`
	DisplayName string `json:"display_name"`
	Wins        int    `json:"wins"`
	Ties        int    `json:"ties"`
	Losses      int    `json:"losses"`
	Battles     int    `json:"battles"`
	// Observed is null when the two never met.
	Observed  *float64 `json:"observed_win_rate"`
	Predicted float64  `json:"predicted_win_rate"`
}

func (s *Server) apiModel(c echo.Context) error {
	r, err := s.modelReport(c.Request().Context(), c.Param("slug"))
	if err != nil {
		return err
	}
	ct := r.contender
	out := modelJSON{Model: ct.Slug, DisplayName: ct.DisplayName, Organization: ct.Organization, Country: ct.Country,
		License: ct.License, OpenWeights: ct.OpenWeights, Aliases: nonNil(ct.Aliases),
		Categories: []modelCategoryJSON{}, HeadToHead: []headToHeadJSON{}, History: nonNil(r.history),
		Battles: nonNil(r.battles), Status: ct.Status, StatusReason: ct.StatusReason, Reasons: []reasonJSON{}}
	reasons, err := s.arena.ModelReasons(c.Request().Context(), ct.ID)
	if err != nil {
		return err
	}
	for _, rc := range reasons {
		out.Reasons = append(out.Reasons, reasonJSON{Reason: rc.Tag, Won: rc.Won, Lost: rc.Lost})
	}
	for _, b := range r.boards {
		row := rowOf(b, ct.Slug)
		cj := modelCategoryJSON{Category: b.Category, Score: row.Score, CILower: row.CILower,
			CIUpper: row.CIUpper, RankUB: row.RankUB, Votes: row.Votes, Preliminary: row.Preliminary, ComputedAt: b.ComputedAt}
		if st := row.Style; st != nil {
			cj.Style = &styleJSON{Score: st.Score, CILower: st.CILower, CIUpper: st.CIUpper, RankUB: st.RankUB}
		}
		out.Categories = append(out.Categories, cj)
	}
	if r.overall != nil {
		for _, h := range r.overall.HeadToHead(ct.Slug) {
			j := headToHeadJSON{Opponent: h.Opponent.Slug, DisplayName: h.Opponent.DisplayName, Wins: h.Wins, Ties: h.Ties,
				Losses: h.Losses, Battles: h.Battles(), Predicted: h.Predicted}
			if h.Battles() > 0 {
				j.Observed = &h.Observed
			}
			out.HeadToHead = append(out.HeadToHead, j)
		}
	}
	return c.JSON(http.StatusOK, out)
}

// nonNil makes an empty list [] in JSON rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
