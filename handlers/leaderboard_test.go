package handlers_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"openarena.dev/arena/handlers"
	"openarena.dev/arena/models"
)

type boardReply struct {
	Method     string    `json:"method"`
	Votes      int       `json:"votes"`
	ComputedAt time.Time `json:"computed_at"`
	MinVotes   int       `json:"min_votes"`
	StyleCoefs *struct {
		Length float64 `json:"length"`
	} `json:"style_coefficients"`
	Models []struct {
		Model       string   `json:"model"`
		DisplayName string   `json:"display_name"`
		Score       float64  `json:"score"`
		CILower     *float64 `json:"ci_lower"`
		CIUpper     *float64 `json:"ci_upper"`
		RankUB      int      `json:"rank_ub"`
		Votes       int      `json:"votes"`
		OnlineElo   float64  `json:"online_elo"`
		Preliminary bool     `json:"preliminary"`
		Style       *struct {
			Score  float64 `json:"score"`
			RankUB int     `json:"rank_ub"`
		} `json:"style"`
	} `json:"models"`
}

func (e *env) board() boardReply {
	e.t.Helper()
	r := e.do(e.client(), "GET", "/api/v1/leaderboard", "", "")
	var b boardReply
	if r.status != http.StatusOK {
		e.t.Fatalf("leaderboard = %d %s", r.status, r.body)
	}
	if err := json.Unmarshal([]byte(r.body), &b); err != nil {
		e.t.Fatalf("leaderboard JSON: %v in %s", err, r.body)
	}
	return b
}

var ciCell = regexp.MustCompile(`<td class="num ci">\+\d+/−\d+</td>`)

// TestLeaderboardFromSnapshot checks both boards: the online-Elo one before
// any ratings snapshot, then the published one with intervals, Rank (UB)
// and the style-controlled rank, served from the snapshot.
func TestLeaderboardFromSnapshot(t *testing.T) {
	eachDialect(t, func(t *testing.T, d string) {
		e := newEnv(t, d, handlers.Config{})
		voter := e.client()
		winners := []string{models.WinnerA, models.WinnerB, models.WinnerTie, models.WinnerA}
		for _, w := range winners {
			_, b := e.startBattle(voter)
			if r, _ := e.vote(voter, b.ID, w); r.status != http.StatusOK {
				t.Fatalf("vote = %d %s", r.status, r.body)
			}
		}

		before := e.board()
		if before.Method != "online_elo" || before.Votes != 4 || len(before.Models) != 3 {
			t.Fatalf("board before a snapshot = %+v, want online Elo over 4 votes and 3 models", before)
		}
		if m := before.Models[0]; m.CILower != nil || m.RankUB != 0 || m.Style != nil || !m.Preliminary {
			t.Errorf("online-Elo row claims an interval, rank or style, or is not preliminary: %+v", m)
		}

		rb, err := e.arena.RecomputeRatings(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		after := e.board()
		if after.Method != "bradley_terry" || after.Votes != 4 || !after.ComputedAt.Equal(rb.ComputedAt) || after.StyleCoefs == nil || after.MinVotes != 300 {
			t.Fatalf("board after a snapshot = %+v", after)
		}
		votes := 0
		for _, m := range after.Models {
			votes += m.Votes
			if m.CILower == nil || m.CIUpper == nil || *m.CILower > m.Score || m.Score > *m.CIUpper || m.RankUB < 1 {
				t.Errorf("row %s: score %v, interval %v–%v, rank %d", m.Model, m.Score, m.CILower, m.CIUpper, m.RankUB)
			}
			if m.Style == nil || m.Style.RankUB < 1 || !m.Preliminary || m.DisplayName == "" || m.OnlineElo == 0 {
				t.Errorf("row %s = %+v", m.Model, m)
			}
		}
		if votes != 8 {
			t.Errorf("rows hold %d votes, want 8", votes)
		}

		page := e.do(e.client(), "GET", "/leaderboard", "", "")
		for _, want := range []string{"Rank (UB)", "Style ctrl", "Arena score", "95% CI", "4 counted votes", "preliminary", "<time datetime="} {
			if !strings.Contains(page.body, want) {
				t.Errorf("leaderboard page lacks %q", want)
			}
		}
		if n := len(ciCell.FindAllString(page.body, -1)); n != len(after.Models) {
			t.Errorf("page shows %d intervals as +x/−y, want %d", n, len(after.Models))
		}
	})
}

// TestLeaderboardEmpty answers before any vote, as JSON and as a page.
func TestLeaderboardEmpty(t *testing.T) {
	e := newEnv(t, "sqlite", handlers.Config{})
	b := e.board()
	if b.Votes != 0 || b.Method != "online_elo" || len(b.Models) != 3 {
		t.Errorf("empty board = %+v", b)
	}
	page := e.do(e.client(), "GET", "/leaderboard", "", "")
	if page.status != http.StatusOK || !strings.Contains(page.body, "0 counted votes") {
		t.Errorf("empty leaderboard page = %d", page.status)
	}
}
