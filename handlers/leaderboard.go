package handlers

import (
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/views"
)

type boardRowJSON struct {
	Model        string  `json:"model"`
	DisplayName  string  `json:"display_name"`
	Organization string  `json:"organization"`
	Country      string  `json:"country"`
	License      string  `json:"license"`
	OpenWeights  bool    `json:"open_weights"`
	Score        float64 `json:"score"`
	Votes        int     `json:"votes"`
	Wins         int     `json:"wins"`
	Ties         int     `json:"ties"`
	Losses       int     `json:"losses"`
	WinRate      float64 `json:"win_rate"`
}

type boardJSON struct {
	Method     string         `json:"method"`
	Votes      int            `json:"votes"`
	ComputedAt time.Time      `json:"computed_at"`
	Models     []boardRowJSON `json:"models"`
}

func (s *Server) leaderboardPage(c echo.Context) error {
	b, err := s.arena.Leaderboard(c.Request().Context())
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.LeaderboardPage(s.meta("Leaderboard", "leaderboard"), boardView(b)))
}

func (s *Server) apiLeaderboard(c echo.Context) error {
	b, err := s.arena.Leaderboard(c.Request().Context())
	if err != nil {
		return err
	}
	out := boardJSON{Method: "online_elo", Votes: b.Votes, ComputedAt: b.ComputedAt, Models: make([]boardRowJSON, len(b.Rows))}
	for i, r := range b.Rows {
		c := r.Contender
		out.Models[i] = boardRowJSON{Model: c.Slug, DisplayName: c.DisplayName, Organization: c.Organization,
			Country: c.Country, License: c.License, OpenWeights: c.OpenWeights, Score: r.Elo,
			Votes: r.Votes, Wins: r.Wins, Ties: r.Ties, Losses: r.Losses, WinRate: r.WinRate()}
	}
	return c.JSON(http.StatusOK, out)
}

func boardView(b *arena.Board) views.BoardView {
	rows := make([]views.BoardRowView, len(b.Rows))
	for i, r := range b.Rows {
		c := r.Contender
		rows[i] = views.BoardRowView{
			Rank: i + 1, DisplayName: c.DisplayName, Slug: c.Slug, Organization: c.Organization,
			License: c.License, OpenWeights: c.OpenWeights, Elo: fmt.Sprintf("%.0f", r.Elo),
			Votes: r.Votes, WinRate: fmt.Sprintf("%.1f%%", 100*r.WinRate()),
		}
	}
	return views.BoardView{Rows: rows, Votes: b.Votes, ComputedAt: b.ComputedAt.Format(time.RFC3339)}
}
