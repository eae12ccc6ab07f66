package handlers

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/views"
)

// boardRowJSON keeps the field names of the first board and adds those of
// the ratings command. The interval, rank and style fields are absent from
// the online-Elo board shown before the first ratings snapshot.
type boardRowJSON struct {
	Model        string     `json:"model"`
	DisplayName  string     `json:"display_name"`
	Organization string     `json:"organization"`
	Country      string     `json:"country"`
	License      string     `json:"license"`
	OpenWeights  bool       `json:"open_weights"`
	Score        float64    `json:"score"`
	CILower      *float64   `json:"ci_lower,omitempty"`
	CIUpper      *float64   `json:"ci_upper,omitempty"`
	RankUB       int        `json:"rank_ub,omitempty"`
	Votes        int        `json:"votes"`
	Wins         int        `json:"wins"`
	Ties         int        `json:"ties"`
	Losses       int        `json:"losses"`
	WinRate      float64    `json:"win_rate"`
	OnlineElo    float64    `json:"online_elo"`
	Preliminary  bool       `json:"preliminary"`
	Style        *styleJSON `json:"style,omitempty"`
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
	Method     string    `json:"method"`
	Votes      int       `json:"votes"`
	ComputedAt time.Time `json:"computed_at"`
	CI         string    `json:"ci,omitempty"`
	Rounds     int       `json:"rounds,omitempty"`
	MinVotes   int       `json:"min_votes,omitempty"`
	// StyleCoefficients use the ratings command's names.
	StyleCoefficients *arena.StyleVector `json:"style_coefficients,omitempty"`
	Models            []boardRowJSON     `json:"models"`
}

// currentBoard is the published board, or the online-Elo board while no
// snapshot with votes exists yet (the first seconds after the first vote).
func (s *Server) currentBoard(ctx context.Context) (*arena.RatedBoard, *arena.Board, error) {
	rb, err := s.arena.RatedLeaderboard(ctx)
	if err != nil {
		return nil, nil, err
	}
	if rb != nil && rb.Votes > 0 {
		return rb, nil, nil
	}
	b, err := s.arena.Leaderboard(ctx)
	return nil, b, err
}

func (s *Server) leaderboardPage(c echo.Context) error {
	rb, b, err := s.currentBoard(c.Request().Context())
	if err != nil {
		return err
	}
	var v views.LeaderboardView
	if rb != nil {
		v = ratedView(rb)
	} else {
		v = eloView(b)
	}
	return render(c, http.StatusOK, views.LeaderboardPage(s.meta("Leaderboard", "leaderboard"), v))
}

func (s *Server) apiLeaderboard(c echo.Context) error {
	rb, b, err := s.currentBoard(c.Request().Context())
	if err != nil {
		return err
	}
	if rb != nil {
		return c.JSON(http.StatusOK, ratedJSON(rb))
	}
	return c.JSON(http.StatusOK, eloJSON(b))
}

func ratedJSON(b *arena.RatedBoard) boardJSON {
	out := boardJSON{Method: b.Method, Votes: b.Votes, ComputedAt: b.ComputedAt, CI: b.CI, Rounds: b.Rounds,
		MinVotes: b.MinVotes, Models: make([]boardRowJSON, len(b.Models))}
	if b.Style != nil {
		out.StyleCoefficients = &b.Style.Coefficients
	}
	for i, r := range b.Models {
		row := boardRowJSON{Model: r.Slug, DisplayName: r.DisplayName, Organization: r.Organization,
			Country: r.Country, License: r.License, OpenWeights: r.OpenWeights, Score: r.Score,
			CILower: &r.CILower, CIUpper: &r.CIUpper, RankUB: r.RankUB,
			Votes: r.Votes, Wins: r.Wins, Ties: r.Ties, Losses: r.Losses, WinRate: r.WinRate(),
			OnlineElo: r.OnlineElo, Preliminary: r.Preliminary}
		if st := r.Style; st != nil {
			row.Style = &styleJSON{Score: st.Score, CILower: st.CILower, CIUpper: st.CIUpper, RankUB: st.RankUB}
		}
		out.Models[i] = row
	}
	return out
}

func eloJSON(b *arena.Board) boardJSON {
	out := boardJSON{Method: arena.MethodOnlineElo, Votes: b.Votes, ComputedAt: b.ComputedAt, Models: make([]boardRowJSON, len(b.Rows))}
	for i, r := range b.Rows {
		c := r.Contender
		out.Models[i] = boardRowJSON{Model: c.Slug, DisplayName: c.DisplayName, Organization: c.Organization,
			Country: c.Country, License: c.License, OpenWeights: c.OpenWeights, Score: r.Elo,
			Votes: r.Votes, Wins: r.Wins, Ties: r.Ties, Losses: r.Losses, WinRate: r.WinRate(),
			OnlineElo: r.Elo, Preliminary: r.Preliminary}
	}
	return out
}

func ratedView(b *arena.RatedBoard) views.LeaderboardView {
	v := views.LeaderboardView{Rated: true, Votes: b.Votes, MinVotes: b.MinVotes, Rounds: b.Rounds,
		NoStyle: b.Style == nil, Rows: make([]views.LeaderboardRow, len(b.Models))}
	v.ComputedAt, v.ComputedISO = when(b.ComputedAt)
	for i, r := range b.Models {
		row := views.LeaderboardRow{
			Rank: r.RankUB, Slug: r.Slug, DisplayName: r.DisplayName, Organization: r.Organization,
			License: r.License, OpenWeights: r.OpenWeights, Score: score(r.Score),
			CIPlus: "+" + score(r.CIUpper-r.Score), CIMinus: "−" + score(r.Score-r.CILower),
			Votes: r.Votes, Preliminary: r.Preliminary,
		}
		if st := r.Style; st != nil {
			row.StyleRank, row.StyleScore = st.RankUB, score(st.Score)
		}
		v.Rows[i] = row
	}
	return v
}

func eloView(b *arena.Board) views.LeaderboardView {
	v := views.LeaderboardView{Votes: b.Votes, Rows: make([]views.LeaderboardRow, len(b.Rows))}
	v.ComputedAt, v.ComputedISO = when(b.ComputedAt)
	for i, r := range b.Rows {
		c := r.Contender
		v.Rows[i] = views.LeaderboardRow{
			Rank: i + 1, DisplayName: c.DisplayName, Slug: c.Slug, Organization: c.Organization,
			License: c.License, OpenWeights: c.OpenWeights, Score: score(r.Elo),
			Votes: r.Votes, WinRate: fmt.Sprintf("%.1f%%", 100*r.WinRate()),
		}
	}
	return v
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
