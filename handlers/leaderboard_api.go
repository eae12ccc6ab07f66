package handlers

// This file is the leaderboard's JSON and CSV: the API shapes and the
// version poll.

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"openarena.dev/arena/arena/boards"
	"openarena.dev/arena/arena/fault"
	"openarena.dev/arena/arena/lifecycle"
	"openarena.dev/arena/models"
)

// boardRowJSON keeps the field names of the first board and adds those of
// the ratings command. The interval, rank and style fields are absent from
// the online-Elo board shown before the first ratings snapshot. Score,
// interval and rank_ub are the view's: style-controlled with style=on.
type boardRowJSON struct {
	Model        string   `json:"model"`
	DisplayName  string   `json:"display_name"`
	Organization string   `json:"organization"`
	Country      string   `json:"country"`
	License      string   `json:"license"`
	OpenWeights  bool     `json:"open_weights"`
	Score        float64  `json:"score"`
	CILower      *float64 `json:"ci_lower,omitempty"`
	CIUpper      *float64 `json:"ci_upper,omitempty"`
	RankUB       int      `json:"rank_ub,omitempty"`
	RankUBPlain  int      `json:"rank_ub_plain,omitempty"`
	RankUBStyle  int      `json:"rank_ub_style,omitempty"`
	// RankBest and RankWorst are the view's rank spread.
	RankBest    int              `json:"rank_best,omitempty"`
	RankWorst   int              `json:"rank_worst,omitempty"`
	Votes       int              `json:"votes"`
	Wins        int              `json:"wins"`
	Ties        int              `json:"ties"`
	Losses      int              `json:"losses"`
	WinRate     float64          `json:"win_rate"`
	OnlineElo   float64          `json:"online_elo"`
	Preliminary bool             `json:"preliminary"`
	Status      string           `json:"status"`
	Change      *scoreChangeJSON `json:"change,omitempty"`
	Style       *styleJSON       `json:"style,omitempty"`
}

// scoreChangeJSON is a row's score change since the board of change_since and
// whether it is significant (Holm-corrected across the rows compared).
type scoreChangeJSON struct {
	ScoreDelta  float64 `json:"score_delta"`
	PAdjusted   float64 `json:"p_adjusted"`
	Significant bool    `json:"significant"`
}

type styleJSON struct {
	Score   float64 `json:"score"`
	CILower float64 `json:"ci_lower"`
	CIUpper float64 `json:"ci_upper"`
	RankUB  int     `json:"rank_ub"`
}

type boardJSON struct {
	// Method is "bradley_terry" for published ratings, "online_elo" before
	// the first snapshot.
	Method       string    `json:"method"`
	Category     string    `json:"category"`
	StyleControl bool      `json:"style_control"`
	Votes        int       `json:"votes"`
	ComputedAt   time.Time `json:"computed_at"`
	CI           string    `json:"ci,omitempty"`
	Rounds       int       `json:"rounds,omitempty"`
	MinVotes     int       `json:"min_votes,omitempty"`
	// Total is the number of models on the board; Models are those shown.
	Total int `json:"total"`
	// Demo is true while the offline demo bots are on: the board rates
	// toys, not language models.
	Demo bool `json:"demo"`
	// Permalink is the page of this view.
	Permalink string `json:"permalink"`
	// InputsDigest, Reweighted, TieGroups and Robustness let a reader
	// check the board (see docs/leaderboard.md); TieGroups are among the
	// models shown, by the view's scores.
	InputsDigest string             `json:"inputs_digest,omitempty"`
	Reweighted   bool               `json:"reweighted"`
	TieGroups    [][]string         `json:"tie_groups,omitempty"`
	Robustness   *boards.Robustness `json:"robustness,omitempty"`
	// ViewsAsOf, when present, says the style-controlled scores, their tie
	// groups and the robustness rated only the votes it names (see
	// boards.RatedBoard.ViewsAsOf).
	ViewsAsOf *boards.VotesAsOf `json:"views_as_of,omitempty"`
	// ChangeSince is when the board the rows' changes compare with was
	// computed (boards.ChangeWindow earlier); absent when there is none.
	ChangeSince *time.Time `json:"change_since,omitempty"`
	// StyleCoefficients use the ratings command's names.
	StyleCoefficients *boards.StyleVector `json:"style_coefficients,omitempty"`
	Models            []boardRowJSON      `json:"models"`
	Categories        []categoryJSON      `json:"categories"`
}

type categoryJSON struct {
	Name   string `json:"name"`
	Votes  int    `json:"votes"`
	Models int    `json:"models"`
}

func (s *Server) apiLeaderboard(c echo.Context) error {
	req, err := parseBoardRequest(c)
	if err != nil {
		return err
	}
	if req.format == "csv" {
		return s.serveBoard(c, req, "csv")
	}
	return s.serveBoard(c, req, "json")
}

// leaderboardCSV is /leaderboard.csv: the view of the same query string as
// CSV.
func (s *Server) leaderboardCSV(c echo.Context) error {
	req, err := parseBoardRequest(c)
	if err != nil {
		return err
	}
	return s.serveBoard(c, req, "csv")
}

// leaderboardVersion answers the page's freshness poll: the ids of the
// newest overall and category snapshots, from the board cache.
func (s *Server) leaderboardVersion(c echo.Context) error {
	cat := c.QueryParam("category")
	if cat == "" {
		cat = models.CategoryOverall
	}
	if len(cat) > 64 {
		return fault.New(fault.Invalid, "The category name is too long.")
	}
	v, err := s.boardVersion(c.Request().Context(), cat)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, map[string]string{"version": v})
}

// noSnapshotVersion is the board version while no ratings are stored.
const noSnapshotVersion = "0.0"

func (s *Server) boardVersion(ctx context.Context, category string) (string, error) {
	o, cat, err := s.arena.Boards().Version(ctx, category)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d.%d", o, cat), nil
}

func (d *boardData) json() boardJSON {
	out := boardJSON{Category: d.req.q.Category, StyleControl: d.req.q.Style, Models: []boardRowJSON{}, Demo: d.demo,
		Permalink: boardURL("/leaderboard", d.req.q), Categories: make([]categoryJSON, len(d.cats))}
	for i, c := range d.cats {
		out.Categories[i] = categoryJSON{Name: c.Name, Votes: c.Votes, Models: c.Models}
	}
	switch d.show.Kind {
	case boards.DisplayRated:
		b := d.show.View.Board
		out.Method, out.Votes, out.ComputedAt, out.CI, out.Rounds, out.MinVotes, out.Total =
			b.Method, b.Votes, b.ComputedAt, b.CI, b.Rounds, b.MinVotes, len(b.Models)
		out.InputsDigest, out.Reweighted, out.Robustness, out.ViewsAsOf = b.InputsDigest, b.Reweighted, b.Robustness, b.ViewsAsOf
		ratedJSON(&out, d.show.View)
	case boards.DisplayElo:
		b := d.show.Elo
		out.Method, out.Votes, out.ComputedAt, out.Total = boards.MethodOnlineElo, b.Votes, b.ComputedAt, len(b.Rows)
		for _, r := range b.Rows {
			c := r.Contender
			status := lifecycle.Of(c.Status, r.Preliminary)
			if !d.req.q.ShowRetired && lifecycle.Hidden(status) {
				continue
			}
			out.Models = append(out.Models, boardRowJSON{Model: c.Slug, DisplayName: c.DisplayName, Status: status,
				Organization: c.Organization, Country: c.Country, License: c.License, OpenWeights: c.OpenWeights,
				Score: r.Elo, Votes: r.Votes, Wins: r.Wins, Ties: r.Ties, Losses: r.Losses, WinRate: r.WinRate(),
				OnlineElo: r.Elo, Preliminary: r.Preliminary})
		}
	default:
		out.Method = boards.MethodBradleyTerry
	}
	return out
}

// ratedJSON fills the rows and tie groups of a published board's view.
func ratedJSON(out *boardJSON, v *boards.BoardView) {
	if st := v.Board.Style; st != nil {
		out.StyleCoefficients = &st.Coefficients
	}
	out.TieGroups = v.TieGroups
	if !v.ChangeSince.IsZero() {
		out.ChangeSince = &v.ChangeSince
	}
	for _, r := range v.Rows {
		row := boardRowJSON{Model: r.Slug, DisplayName: r.DisplayName, Organization: r.Organization,
			Country: r.Country, License: r.License, OpenWeights: r.OpenWeights, Score: r.Score,
			CILower: &r.CILower, CIUpper: &r.CIUpper, RankUB: r.RankUB, RankUBPlain: r.PlainRankUB,
			RankUBStyle: r.StyleRankUB, RankBest: r.RankBest, RankWorst: r.RankWorst,
			Votes: r.Votes, Wins: r.Wins, Ties: r.Ties, Losses: r.Losses,
			WinRate: r.WinRate(), OnlineElo: r.OnlineElo, Preliminary: r.Preliminary, Status: r.Status}
		if c := r.Change; c != nil {
			row.Change = &scoreChangeJSON{ScoreDelta: c.Delta, PAdjusted: c.PAdjusted, Significant: c.Significant}
		}
		if st := r.RatedRow.Style; st != nil {
			row.Style = &styleJSON{Score: st.Score, CILower: st.CILower, CIUpper: st.CIUpper, RankUB: r.StyleRankUB}
		}
		out.Models = append(out.Models, row)
	}
}

// csvHeader names the CSV columns: the JSON rows' field names.
var csvHeader = []string{"rank_ub", "model", "display_name", "score", "ci_lower", "ci_upper", "votes",
	"organization", "country", "license", "open_weights", "preliminary", "rank_ub_plain", "rank_ub_style",
	"rank_best", "rank_worst"}

// writeCSV writes the view's rows as the JSON has them, numbers with two
// decimals. The online-Elo board has no intervals or ranks: those cells
// are empty.
func (d *boardData) writeCSV(out io.Writer) error {
	j := d.json()
	w := csv.NewWriter(out)
	if err := w.Write(csvHeader); err != nil {
		return err
	}
	num := func(f *float64) string {
		if f == nil {
			return ""
		}
		return strconv.FormatFloat(*f, 'f', 2, 64)
	}
	rank := func(n int) string {
		if n == 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	for _, r := range j.Models {
		score := r.Score
		rec := []string{rank(r.RankUB), r.Model, r.DisplayName, num(&score), num(r.CILower), num(r.CIUpper),
			strconv.Itoa(r.Votes), r.Organization, r.Country, r.License, strconv.FormatBool(r.OpenWeights),
			strconv.FormatBool(r.Preliminary), rank(r.RankUBPlain), rank(r.RankUBStyle), rank(r.RankBest), rank(r.RankWorst)}
		if err := w.Write(rec); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}

// csvName keeps a category name safe inside a file name.
func csvName(cat string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' {
			return r
		}
		return '-'
	}, cat)
}
