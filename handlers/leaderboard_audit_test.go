package handlers_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"openarena.dev/arena/arena/boards"
	"openarena.dev/arena/handlers"
	"openarena.dev/arena/models"
)

// auditReply is what a script reads from /api/v1/leaderboard to check
// the board.
type auditReply struct {
	Votes        int        `json:"votes"`
	InputsDigest string     `json:"inputs_digest"`
	Reweighted   *bool      `json:"reweighted"`
	TieGroups    [][]string `json:"tie_groups"`
	Robustness   *struct {
		Flips  *int   `json:"flips_to_change_top"`
		Method string `json:"method"`
	} `json:"robustness"`
	Models []struct {
		Model     string `json:"model"`
		RankUB    int    `json:"rank_ub"`
		RankBest  int    `json:"rank_best"`
		RankWorst int    `json:"rank_worst"`
	} `json:"models"`
}

func (e *env) getJSON(path string, want int, v any) {
	e.t.Helper()
	r := e.do(e.client(), "GET", path, "", "")
	if r.status != want {
		e.t.Fatalf("GET %s = %d %s, want %d", path, r.status, r.body, want)
	}
	if v != nil {
		if err := json.Unmarshal([]byte(r.body), v); err != nil {
			e.t.Fatalf("GET %s: %v in %s", path, err, r.body)
		}
	}
}

// TestLeaderboardAuditFields checks the board's digest, tie groups,
// robustness and rank spreads, and the settings endpoint, through the API.
func TestLeaderboardAuditFields(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d string) {
		e := newEnv(t, d, handlers.Config{})
		e.getJSON("/api/v1/leaderboard/settings", http.StatusNotFound, nil)
		voter := e.client()
		for _, w := range []string{models.WinnerA, models.WinnerB, models.WinnerTie, models.WinnerA, models.WinnerA, models.WinnerB} {
			_, b := e.startBattle(voter)
			if r, _ := e.vote(voter, b.ID, w); r.status != http.StatusOK {
				t.Fatalf("vote = %d %s", r.status, r.body)
			}
		}
		rb, err := e.arena.Boards().RecomputeRatings(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		var got auditReply
		e.getJSON("/api/v1/leaderboard", http.StatusOK, &got)
		if len(got.InputsDigest) != 64 || got.InputsDigest != rb.InputsDigest || got.Reweighted == nil || *got.Reweighted {
			t.Errorf("digest %q (board's %q), reweighted %v", got.InputsDigest, rb.InputsDigest, got.Reweighted)
		}
		if r := got.Robustness; r == nil || r.Flips == nil || *r.Flips < 0 || r.Method != "exact" {
			t.Errorf("robustness = %+v, want an exact count on a small board", r)
		}
		var grouped []string
		for _, g := range got.TieGroups {
			grouped = append(grouped, g...)
		}
		var slugs []string
		for _, m := range got.Models {
			slugs = append(slugs, m.Model)
			if m.RankBest != m.RankUB || m.RankWorst < m.RankBest || m.RankWorst > len(got.Models) {
				t.Errorf("row %s: rank %d, spread %d–%d", m.Model, m.RankUB, m.RankBest, m.RankWorst)
			}
		}
		slices.Sort(grouped)
		slices.Sort(slugs)
		if !slices.Equal(grouped, slugs) {
			t.Errorf("tie groups %v do not hold each model once (%v)", got.TieGroups, slugs)
		}

		var st struct {
			boards.Settings
			InputsDigest string `json:"inputs_digest"`
			Votes        int    `json:"votes"`
		}
		e.getJSON("/api/v1/leaderboard/settings", http.StatusOK, &st)
		if diff := cmp.Diff(rb.Settings(), st.Settings); diff != "" {
			t.Errorf("settings differ from the board's (-board +served):\n%s", diff)
		}
		if st.InputsDigest != rb.InputsDigest || st.Votes != 6 || st.EngineVersion == "" || st.Seed != 0 || st.Rounds != 100 || !st.Style {
			t.Errorf("settings = %+v", st)
		}
		e.getJSON("/api/v1/leaderboard/settings?category=nope", http.StatusNotFound, nil)
		page := e.do(e.client(), "GET", "/leaderboard", "", "")
		line := fmt.Sprintf("#1 would change after %d flipped", *got.Robustness.Flips)
		if *got.Robustness.Flips == 0 {
			line = "#1 is shared"
		}
		for _, want := range []string{">Spread<", line, "group of statistical ties"} {
			if !strings.Contains(page.body, want) {
				t.Errorf("leaderboard page lacks %q", want)
			}
		}
	})
}

// TestLeaderboardAt serves boards of the past by date: the last one stored
// before the end of the day, 404 before any, 400 for a bad date.
func TestLeaderboardAt(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d string) {
		e := newEnv(t, d, handlers.Config{})
		old := time.Now().UTC().AddDate(0, 0, -3)
		snap := &models.RatingSnapshot{CreatedAt: old, Category: models.CategoryOverall, Method: boards.MethodBradleyTerry,
			VotesUsed: 1, Result: `{"category":"overall","method":"bradley_terry","votes":1,"inputs_digest":"old","models":[]}`,
			ContentHash: "old"}
		if _, err := e.store.CreateSnapshot(t.Context(), snap); err != nil {
			t.Fatal(err)
		}
		voter := e.client()
		for _, w := range []string{models.WinnerA, models.WinnerB} {
			_, b := e.startBattle(voter)
			if r, _ := e.vote(voter, b.ID, w); r.status != http.StatusOK {
				t.Fatalf("vote = %d %s", r.status, r.body)
			}
		}
		rb, err := e.arena.Boards().RecomputeRatings(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		day := func(t time.Time) string { return t.Format(time.DateOnly) }
		cases := []struct {
			at     string
			votes  int
			digest string
		}{
			{day(rb.ComputedAt.UTC()), 2, rb.InputsDigest},
			{day(old.AddDate(0, 0, 1)), 1, "old"},
			{day(old), 1, "old"},
		}
		for _, c := range cases {
			var got auditReply
			e.getJSON("/api/v1/leaderboard?at="+c.at, http.StatusOK, &got)
			if got.Votes != c.votes || got.InputsDigest != c.digest {
				t.Errorf("at=%s: %d votes, digest %q; want %d and %q", c.at, got.Votes, got.InputsDigest, c.votes, c.digest)
			}
		}
		e.getJSON("/api/v1/leaderboard?at="+day(old.AddDate(0, 0, -1)), http.StatusNotFound, nil)
		e.getJSON("/api/v1/leaderboard?at=2025-13-01", http.StatusBadRequest, nil)
		e.getJSON("/api/v1/leaderboard/settings?at=yesterday", http.StatusBadRequest, nil)
		csv := e.do(e.client(), "GET", "/leaderboard.csv?at="+day(old), "", "")
		if csv.status != http.StatusOK || !strings.Contains(csv.body, "rank_best,rank_worst") || strings.Count(csv.body, "\n") != 1 {
			t.Errorf("CSV of the old board = %d %q, want the header alone", csv.status, csv.body)
		}
		csv = e.do(e.client(), "GET", "/leaderboard.csv?at="+day(rb.ComputedAt.UTC()), "", "")
		if csv.status != http.StatusOK || strings.Count(csv.body, "\n") < 3 {
			t.Errorf("CSV of today's board = %d %q", csv.status, csv.body)
		}
	})
}
