package handlers

// This file is the leaderboard's HTML page: its view model.

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"openarena.dev/arena/arena/boards"
	"openarena.dev/arena/arena/categories"
	"openarena.dev/arena/arena/lifecycle"
	"openarena.dev/arena/models"
	"openarena.dev/arena/rating"
	"openarena.dev/arena/views"
)

func (s *Server) leaderboardPage(c echo.Context) error {
	req, err := parseBoardRequest(c)
	if err != nil {
		return err
	}
	switch req.format {
	case "json":
		return s.serveBoard(c, req, "json")
	case "csv":
		return s.serveBoard(c, req, "csv")
	}
	// The filter form sends every field, empty or not, in form order:
	// send the browser on to the view's one address, so what the address
	// bar shows is the permalink.
	if canonical := boardQueryString(req.q); "?"+c.Request().URL.RawQuery != canonical && !(canonical == "" && c.Request().URL.RawQuery == "") {
		return c.Redirect(http.StatusFound, "/leaderboard"+canonical)
	}
	return s.serveBoard(c, req, "html")
}

// pageView builds the page's view model from the same data as the JSON.
func (s *Server) pageView(ctx context.Context, d *boardData) (views.LeaderboardView, error) {
	q := d.req.q
	v := views.LeaderboardView{Category: q.Category, CategoryLabel: boardCategoryLabel(q.Category), Style: q.Style,
		Permalink: boardURL("/leaderboard", q), JSONURL: boardURL("/api/v1/leaderboard", q),
		CSVURL: boardURL("/leaderboard.csv", q), Demo: d.demo,
		VersionURL: "/api/v1/leaderboard/version?category=" + url.QueryEscape(q.Category),
		Rows:       []views.LeaderboardRow{}, Sorts: map[string]views.SortLink{}}
	var err error
	if v.Version, err = s.boardVersion(ctx, q.Category); err != nil {
		return v, err
	}
	for _, c := range d.cats {
		t := q
		t.Category = c.Name
		v.Tabs = append(v.Tabs, views.CategoryTab{Label: boardCategoryLabel(c.Name), URL: boardURL("/leaderboard", t),
			Votes: c.Votes, Models: c.Models, Active: c.Name == q.Category})
	}
	for _, key := range boards.BoardSorts {
		t := q
		t.Sort, t.Desc = key, false
		link := views.SortLink{Aria: "none"}
		if key == q.Sort {
			t.Desc = !q.Desc
			link.Mark, link.Aria = "▲", "ascending"
			if q.Desc {
				link.Mark, link.Aria = "▼", "descending"
			}
		}
		link.URL = boardURL("/leaderboard", t)
		v.Sorts[key] = link
	}
	switch d.show.Kind {
	case boards.DisplayRated:
		fillRated(&v, d.show.View, q)
		if v.Charts, err = s.leaderboardCharts(ctx, d.show.View.Board); err != nil {
			return v, err
		}
	case boards.DisplayElo:
		fillElo(&v, d.show.Elo, q.ShowRetired)
	case boards.DisplayNone:
		v.Computing = q.Category == "" || q.Category == models.CategoryOverall
	}
	return v, nil
}

func fillRated(v *views.LeaderboardView, bv *boards.BoardView, q boards.BoardQuery) {
	b := bv.Board
	v.Rated, v.Votes, v.MinVotes, v.Rounds, v.NoStyle, v.Total = true, b.Votes, b.MinVotes, b.Rounds, b.Style == nil, len(b.Models)
	v.ComputedAt, v.ComputedISO = when(b.ComputedAt)
	clear := q
	clear.OpenWeights, clear.HidePreliminary, clear.Organization, clear.Country, clear.License = false, false, "", "", ""
	clear.ShowRetired = false
	v.Filters = views.BoardFilters{OpenWeights: q.OpenWeights, HidePreliminary: q.HidePreliminary, ShowRetired: q.ShowRetired,
		Organization: q.Organization, Country: q.Country, License: q.License,
		Organizations: bv.Organizations, Countries: bv.Countries, Licenses: bv.Licenses,
		ClearURL: boardURL("/leaderboard", clear),
		Active:   q.OpenWeights || q.HidePreliminary || q.ShowRetired || q.Organization != "" || q.Country != "" || q.License != ""}
	if q.Category != models.CategoryOverall {
		v.Filters.Hidden = append(v.Filters.Hidden, views.HiddenField{Name: "category", Value: q.Category})
	}
	if q.Sort != "rank" {
		v.Filters.Hidden = append(v.Filters.Hidden, views.HiddenField{Name: "sort", Value: q.Sort})
	}
	if q.Desc {
		v.Filters.Hidden = append(v.Filters.Hidden, views.HiddenField{Name: "dir", Value: "desc"})
	}
	v.Reweighted, v.Robustness, v.ViewsNote = b.Reweighted, robustnessLine(b.Robustness), viewsNote(b)
	v.TieShading = q.Sort == "rank" && !q.Desc
	shade := tieShades(bv.TieGroups)
	for _, r := range bv.Rows {
		row := views.LeaderboardRow{Spread: spreadText(r.RankBest, r.RankWorst), TieShade: v.TieShading && shade[r.Slug],
			Rank: r.RankUB, OtherRank: r.StyleRankUB, Slug: r.Slug, DisplayName: r.DisplayName,
			Organization: r.Organization, Country: r.Country, License: r.License, OpenWeights: r.OpenWeights,
			Score: score(r.Score), CIPlus: ciPlus(r), CIMinus: ciMinus(r),
			Votes: r.Votes, Preliminary: r.Preliminary, ModelURL: "/models/" + url.PathEscape(r.Slug), Status: lifecycleBadge(r.Status),
		}
		if q.Style {
			row.OtherRank = r.PlainRankUB
		}
		row.Change, row.ChangeTitle = changeMark(r.Change, bv.ChangeSince)
		if st := r.RatedRow.Style; st != nil {
			row.StyleRank, row.StyleScore = r.StyleRankUB, score(st.Score)
		}
		v.Rows = append(v.Rows, row)
	}
}

func fillElo(v *views.LeaderboardView, b *boards.EloBoard, showRetired bool) {
	v.Votes, v.Total = b.Votes, len(b.Rows)
	v.ComputedAt, v.ComputedISO = when(b.ComputedAt)
	for i, r := range b.Rows {
		c := r.Contender
		status := lifecycle.Of(c.Status, r.Preliminary)
		if !showRetired && lifecycle.Hidden(status) {
			continue
		}
		v.Rows = append(v.Rows, views.LeaderboardRow{Status: lifecycleBadge(status),
			Rank: i + 1, DisplayName: c.DisplayName, Slug: c.Slug, Organization: c.Organization,
			Country: c.Country, License: c.License, OpenWeights: c.OpenWeights, Score: score(r.Elo),
			Votes: r.Votes, WinRate: fmt.Sprintf("%.1f%%", 100*r.WinRate()),
		})
	}
}

// boardCategoryLabel names a category for people: "Coding", "Multi-turn",
// "German".
func boardCategoryLabel(name string) string {
	switch name {
	case models.CategoryOverall:
		return "Overall"
	case categories.Coding:
		return "Coding"
	case categories.Math:
		return "Math"
	case categories.CreativeWriting:
		return "Creative writing"
	case categories.LongQuery:
		return "Long query"
	case categories.MultiTurn:
		return "Multi-turn"
	}
	if code, ok := strings.CutPrefix(name, categories.LanguagePrefix); ok {
		if tag, err := language.Parse(code); err == nil {
			if n := display.English.Languages().Name(tag); n != "" {
				return n
			}
		}
		return "Language " + code
	}
	return strings.ReplaceAll(name, "_", " ")
}

// score rounds to whole points, as the arena shows them, without a "-0".
func score(x float64) string {
	r := math.Round(x)
	if r == 0 {
		r = 0 // turns -0 into 0
	}
	return strconv.FormatFloat(r, 'f', 0, 64)
}

// when formats a time for people (UTC, to the minute) and for machines.
func when(t time.Time) (human, iso string) {
	if t.IsZero() {
		return "", ""
	}
	t = t.UTC()
	return t.Format("2 Jan 2006 15:04 UTC"), t.Format(time.RFC3339)
}

// spreadText writes a rank spread as "2–5", or "3" when it is one place.
func spreadText(best, worst int) string {
	if best == worst || worst == 0 {
		return strconv.Itoa(best)
	}
	return strconv.Itoa(best) + "–" + strconv.Itoa(worst)
}

// tieShades marks the models of every other group of ties, so groups
// show as alternating bands when the rows are in rank order.
func tieShades(groups [][]string) map[string]bool {
	out := map[string]bool{}
	for g, members := range groups {
		for _, slug := range members {
			out[slug] = g%2 == 1
		}
	}
	return out
}

// viewsNote says when the slow part of the board (see boards.VotesAsOf)
// rated fewer votes than the plain scores.
func viewsNote(b *boards.RatedBoard) string {
	if b.ViewsAsOf == nil {
		return ""
	}
	return fmt.Sprintf("Style-controlled scores and the robustness of #1 are from the first %d of %d votes: while votes pour in they are recomputed at most every half minute or so.",
		b.ViewsAsOf.Votes, b.Votes)
}

// robustnessLine is the page's one line on how settled #1 is.
func robustnessLine(r *boards.Robustness) string {
	if r == nil {
		return ""
	}
	switch {
	case r.FlipsToChangeTop == 0:
		return "#1 is shared: another model's score equals the leader's."
	case r.FlipsToChangeTop < 0:
		return fmt.Sprintf("No set of flipped votes the %s search tried changes #1.", r.Method)
	}
	votes := "votes"
	if r.FlipsToChangeTop == 1 {
		votes = "vote"
	}
	if r.Method == "greedy" {
		return fmt.Sprintf("#1 would change after at most %d flipped %s (greedy search).", r.FlipsToChangeTop, votes)
	}
	return fmt.Sprintf("#1 would change after %d flipped %s (%s).", r.FlipsToChangeTop, votes, r.Method)
}

// ciPlus and ciMinus are the distances from the score to the interval's
// bounds, or empty when the model has too few votes for an interval to mean
// anything (boards.MinIntervalVotes).
func ciPlus(r boards.ViewRow) string {
	if r.Votes < boards.MinIntervalVotes {
		return ""
	}
	return "+" + score(r.CIUpper-r.Score)
}

func ciMinus(r boards.ViewRow) string {
	if r.Votes < boards.MinIntervalVotes {
		return ""
	}
	return "−" + score(r.Score-r.CILower)
}

// changeMark is the arrow beside a score that moved significantly since the
// board of a week before, and the sentence that explains it.
func changeMark(c *rating.ScoreChange, since time.Time) (mark, title string) {
	if c == nil || !c.Significant {
		return "", ""
	}
	mark, dir := "▲", "up"
	if c.Delta < 0 {
		mark, dir = "▼", "down"
	}
	return mark, fmt.Sprintf("%s %.0f points since %s: more than chance allows (p = %.3f after Holm correction)",
		dir, math.Abs(c.Delta), since.UTC().Format("2 Jan 2006"), c.PAdjusted)
}
