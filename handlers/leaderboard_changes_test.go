package handlers_test

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"openarena.dev/arena/arena/boards"
	"openarena.dev/arena/models"
)

// TestLeaderboardMarksSignificantChanges stores a board of ten days ago on
// which Zephyrion stood far lower with a tight interval and Cascadia where it
// stands now, then rates the current votes: the week-old comparison flags
// Zephyrion's rise as significant and Cascadia's drift as not, in the JSON
// and as an arrow on the page.
func TestLeaderboardMarksSignificantChanges(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d string) {
		e := newBoardEnv(t, d)
		// Read from the domain: a page view now would be cached past the
		// older snapshot stored below.
		now, err := e.arena.Boards().RatedLeaderboardFor(t.Context(), models.CategoryOverall)
		if err != nil || now == nil {
			t.Fatalf("board: %v", err)
		}
		var cascadia float64
		for _, m := range now.Models {
			if m.Slug == "cascadia-3" {
				cascadia = m.Score
			}
		}
		old := time.Now().UTC().Add(-10 * 24 * time.Hour)
		result := fmt.Sprintf(`{"category":"overall","method":"bradley_terry","votes":5,"level":0.95,"models":[`+
			`{"model":"zephyrion-7b","score":700,"ci_lower":695,"ci_upper":705,"votes":3},`+
			`{"model":"cascadia-3","score":%g,"ci_lower":%g,"ci_upper":%g,"votes":3}]}`, cascadia+5, cascadia-200, cascadia+200)
		snap := &models.RatingSnapshot{CreatedAt: old, Category: models.CategoryOverall, Method: boards.MethodBradleyTerry,
			VotesUsed: 5, Result: result, ContentHash: "ten-days-ago"}
		if _, err := e.store.CreateSnapshot(t.Context(), snap); err != nil {
			t.Fatal(err)
		}
		var got struct {
			ChangeSince *time.Time `json:"change_since"`
			Models      []struct {
				Model  string `json:"model"`
				Score  float64
				Change *struct {
					ScoreDelta  float64 `json:"score_delta"`
					Significant bool    `json:"significant"`
				} `json:"change"`
			} `json:"models"`
		}
		e.getJSON("/api/v1/leaderboard", 200, &got)
		if got.ChangeSince == nil || got.ChangeSince.Sub(old).Abs() > time.Second {
			t.Fatalf("change_since = %v, want the board of %v", got.ChangeSince, old)
		}
		for _, m := range got.Models {
			switch m.Model {
			case "zephyrion-7b":
				if m.Change == nil || !m.Change.Significant || math.Abs(m.Change.ScoreDelta-(m.Score-700)) > 1e-9 {
					t.Errorf("zephyrion's change = %+v, want a significant rise of %v", m.Change, m.Score-700)
				}
			case "cascadia-3":
				if m.Change == nil || m.Change.Significant {
					t.Errorf("cascadia's change = %+v, want a drift that is not significant", m.Change)
				}
			case "borealis-70b":
				if m.Change != nil {
					t.Errorf("borealis, absent from the old board, has a change %+v", m.Change)
				}
			}
		}
		page := e.do(e.client(), "GET", "/leaderboard", "", "")
		if n := strings.Count(page.body, `class="change"`); n != 1 || !strings.Contains(page.body, "points since") {
			t.Errorf("the page marks %d changes, want Zephyrion's rise alone", n)
		}
	})
}
