package handlers_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"openarena.dev/arena/handlers"
	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
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

// bracketsFit reports whether [lo, hi] holds the fitted score up to float
// rounding. The battles are random (pairs and sides are drawn per battle), and
// when one contender wins every battle against the same opponent its fit sits
// at the top of its bootstrap distribution: the upper end is then that same
// fit, computed again by the bootstrap, and may come out a few ulps lower
// (1692.445069337838 against 1692.4450693378358). Of the 1296 pairings and
// sides four votes can have, 8 end a few ulps outside and none further.
func bracketsFit(lo, score, hi float64) bool {
	tol := 1e-9 * math.Max(1, math.Abs(score))
	return lo-tol <= score && score <= hi+tol
}

var ciCell = regexp.MustCompile(`<td class="num ci">\+\d+/−\d+</td>`)

// TestLeaderboardFromSnapshot checks both boards: the online-Elo one before
// any ratings snapshot, then the published one with intervals, Rank (UB)
// and the style-controlled rank, served from the snapshot.
func TestLeaderboardFromSnapshot(t *testing.T) {
	t.Parallel()
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

		rb, err := e.arena.Boards().RecomputeRatings(t.Context())
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
			if m.CILower == nil || m.CIUpper == nil || !bracketsFit(*m.CILower, m.Score, *m.CIUpper) || m.RankUB < 1 {
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
		// Every model has fewer than boards.MinIntervalVotes votes: the JSON
		// keeps the intervals, the page shows none rather than a range
		// drawn from one or two votes.
		if n := len(ciCell.FindAllString(page.body, -1)); n != 0 {
			t.Errorf("page shows %d intervals as +x/−y for models of 2 or 3 votes, want none", n)
		}
		if n := strings.Count(page.body, `title="too few votes for an interval">—</td>`); n != len(after.Models) {
			t.Errorf("page marks %d intervals as too few votes, want %d", n, len(after.Models))
		}
	})
}

// TestLeaderboardEmpty answers before any vote, as JSON and as a page.
func TestLeaderboardEmpty(t *testing.T) {
	t.Parallel()
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

// boardContenders have every piece of metadata the filters use.
var boardContenders = []models.Contender{
	{Slug: "zephyrion-7b", DisplayName: "Zephyrion 7B", Organization: "Quasarlabs", Country: "FR", License: "Apache-2.0", OpenWeights: true},
	{Slug: "borealis-70b", DisplayName: "Borealis 70B", Organization: "Nimbusworks", Country: "US", License: "Proprietary"},
	{Slug: "cascadia-3", DisplayName: "Cascadia Three", Organization: "Fjordmind", Country: "CN", License: "MIT", OpenWeights: true},
}

const (
	boardCodingPrompt  = "Write a Python function that sorts a list of numbers without using sort()."
	boardGeneralPrompt = "What is the capital city of France, and why did it become the capital?"
)

// newBoardEnv stores a known set of votes: 8 coding battles (Zephyrion
// beats Borealis 6 to 2) and 10 general ones (Cascadia against Borealis 5
// wins and a tie, Zephyrion against Cascadia 3 to 1), rates them, and
// serves them.
func newBoardEnv(t *testing.T, dialect string) *env {
	t.Helper()
	s := storetest.Open(t, dialect)
	ctx := context.Background()
	if _, err := s.UpsertContenders(ctx, boardContenders, nil); err != nil {
		t.Fatal(err)
	}
	var rows []models.BankRow
	for _, p := range []struct{ id, text string }{{"code", boardCodingPrompt}, {"general", boardGeneralPrompt}} {
		for i, c := range boardContenders {
			rows = append(rows, models.BankRow{PromptID: p.id, Prompt: p.text, Model: c.Slug, Output: strings.Repeat("An answer. ", i+1)})
		}
	}
	if _, err := s.ImportBank(ctx, rows, nil); err != nil {
		t.Fatal(err)
	}
	e := startEnv(t, s, handlers.Config{})
	ans := promptAnswers(t, s)
	code, gen := ans[boardCodingPrompt], ans[boardGeneralPrompt]
	for i := range 8 {
		w := models.WinnerA
		if i >= 6 {
			w = models.WinnerB
		}
		storeBoardVote(t, s, code["zephyrion-7b"], code["borealis-70b"], w)
	}
	for i := range 6 {
		w := models.WinnerA
		if i == 5 {
			w = models.WinnerTie
		}
		storeBoardVote(t, s, gen["cascadia-3"], gen["borealis-70b"], w)
	}
	for i := range 4 {
		w := models.WinnerA
		if i == 3 {
			w = models.WinnerB
		}
		storeBoardVote(t, s, gen["zephyrion-7b"], gen["cascadia-3"], w)
	}
	if _, err := e.arena.Boards().RecomputeRatings(ctx); err != nil {
		t.Fatal(err)
	}
	return e
}

// promptAnswers returns the bank's answers by prompt text and slug.
func promptAnswers(t *testing.T, s *models.Store) map[string]map[string]models.Response {
	t.Helper()
	ctx := context.Background()
	ids, err := s.BankPromptIDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]models.Response{}
	for _, id := range ids {
		p, rs, err := s.PromptAnswers(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		out[p.Text] = map[string]models.Response{}
		for _, r := range rs {
			out[p.Text][r.Contender.Slug] = r
		}
	}
	return out
}

var boardBattleSeq atomic.Int64

// storeBoardVote stores a counted vote on a bank battle of two answers.
func storeBoardVote(t *testing.T, s *models.Store, a, b models.Response, winner string) {
	t.Helper()
	ctx := context.Background()
	id := fmt.Sprintf("board-%d", boardBattleSeq.Add(1))
	bt := &models.Battle{ID: id, PromptID: a.PromptID, ContenderAID: a.ContenderID, ContenderBID: b.ContenderID,
		ResponseAID: &a.ID, ResponseBID: &b.ID, VoterID: "v-" + id, Mode: models.ModeBank, State: models.StateReady}
	if err := s.CreateBattle(ctx, bt); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordVote(ctx, &models.Vote{BattleID: id, Winner: winner, VoterID: bt.VoterID, Counted: true}); err != nil {
		t.Fatal(err)
	}
}

// viewReply is the JSON of one board view.
type viewReply struct {
	Method       string `json:"method"`
	Category     string `json:"category"`
	StyleControl bool   `json:"style_control"`
	Votes        int    `json:"votes"`
	Total        int    `json:"total"`
	Permalink    string `json:"permalink"`
	Models       []struct {
		Model        string   `json:"model"`
		DisplayName  string   `json:"display_name"`
		Organization string   `json:"organization"`
		Country      string   `json:"country"`
		License      string   `json:"license"`
		OpenWeights  bool     `json:"open_weights"`
		Score        float64  `json:"score"`
		CILower      *float64 `json:"ci_lower"`
		CIUpper      *float64 `json:"ci_upper"`
		RankUB       int      `json:"rank_ub"`
		RankUBPlain  int      `json:"rank_ub_plain"`
		RankUBStyle  int      `json:"rank_ub_style"`
		Votes        int      `json:"votes"`
		Wins         int      `json:"wins"`
		Ties         int      `json:"ties"`
		Losses       int      `json:"losses"`
		Preliminary  bool     `json:"preliminary"`
	} `json:"models"`
	Categories []struct {
		Name   string `json:"name"`
		Votes  int    `json:"votes"`
		Models int    `json:"models"`
	} `json:"categories"`
}

func (e *env) view(query string) viewReply {
	e.t.Helper()
	r := e.do(e.client(), "GET", "/api/v1/leaderboard"+query, "", "")
	if r.status != http.StatusOK {
		e.t.Fatalf("GET /api/v1/leaderboard%s = %d %s", query, r.status, r.body)
	}
	var v viewReply
	if err := json.Unmarshal([]byte(r.body), &v); err != nil {
		e.t.Fatalf("leaderboard JSON: %v in %s", err, r.body)
	}
	return v
}

func (v viewReply) slugs() []string {
	out := []string{}
	for _, m := range v.Models {
		out = append(out, m.Model)
	}
	return out
}

// TestLeaderboardCategoriesAndFilters checks the known answers of the
// fixture: each category's board holds its battles only, with the vote
// and model counts of its tab, and the filters keep the right models with
// Rank (UB) counted among those shown.
func TestLeaderboardCategoriesAndFilters(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d string) {
		e := newBoardEnv(t, d)
		all := e.view("")
		if all.Method != "bradley_terry" || all.Votes != 18 || all.Total != 3 || len(all.Models) != 3 {
			t.Fatalf("overall view = %+v", all)
		}
		tabs := map[string][2]int{}
		for _, c := range all.Categories {
			tabs[c.Name] = [2]int{c.Votes, c.Models}
		}
		if tabs["overall"] != [2]int{18, 3} || tabs["coding"] != [2]int{8, 2} {
			t.Errorf("category tabs = %v, want overall 18 votes 3 models and coding 8 votes 2 models", tabs)
		}
		if _, ok := tabs["math"]; ok {
			t.Errorf("a math tab without maths battles: %v", tabs)
		}

		coding := e.view("?category=coding")
		type tally struct{ W, T, L int }
		got := map[string]tally{}
		for _, m := range coding.Models {
			got[m.Model] = tally{m.Wins, m.Ties, m.Losses}
		}
		want := map[string]tally{"zephyrion-7b": {6, 0, 2}, "borealis-70b": {2, 0, 6}}
		if d := cmp.Diff(want, got); d != "" || coding.Votes != 8 || coding.Category != "coding" {
			t.Errorf("coding board: %d votes, category %q, tallies (-want +got):\n%s", coding.Votes, coding.Category, d)
		}

		for _, tc := range []struct {
			query string
			want  []string
		}{
			{"?open=1", []string{"cascadia-3", "zephyrion-7b"}},
			{"?license=mit", []string{"cascadia-3"}},
			{"?country=US", []string{"borealis-70b"}},
			{"?org=Quasarlabs&open=1", []string{"zephyrion-7b"}},
			{"?org=Nobody", []string{}},
			{"?category=coding&open=1", []string{"zephyrion-7b"}},
		} {
			v := e.view(tc.query)
			got := v.slugs()
			slices.Sort(got)
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("%s: models (-want +got):\n%s", tc.query, d)
			}
			if v.Total != 3 && tc.query[:9] != "?category" {
				t.Errorf("%s: total %d, want the board's 3", tc.query, v.Total)
			}
			for _, m := range v.Models {
				rank := 1
				for _, o := range v.Models {
					if *o.CILower > *m.CIUpper {
						rank++
					}
				}
				if m.RankUB != rank {
					t.Errorf("%s: %s has rank %d, want %d among the models shown", tc.query, m.Model, m.RankUB, rank)
				}
			}
		}
		if v := e.view("?license=mit"); len(v.Models) == 1 && v.Models[0].RankUB != 1 {
			t.Errorf("the only model shown has rank %d", v.Models[0].RankUB)
		}

		empty := e.do(e.client(), "GET", "/leaderboard?category=math", "", "")
		if empty.status != http.StatusOK || !strings.Contains(empty.body, "No counted votes in this category yet.") {
			t.Errorf("math page = %d, lacks the no-votes message", empty.status)
		}
		if r := e.do(e.client(), "GET", "/leaderboard?category=cooking", "", ""); r.status != http.StatusNotFound || !strings.Contains(r.body, "no category") {
			t.Errorf("unknown category = %d %s", r.status, r.body)
		}

		// Metadata is read at serve time: an edit shows without a new
		// snapshot (within the arena's one-second board check).
		changed := slices.Clone(boardContenders)
		changed[2].OpenWeights, changed[2].Organization = false, "Fjordmind Closed"
		if _, err := e.store.UpsertContenders(t.Context(), changed, nil); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for {
			v := e.view("?open=1")
			if d := cmp.Diff([]string{"zephyrion-7b"}, v.slugs()); d == "" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("open-weights view after an edit = %v", v.slugs())
			}
			time.Sleep(100 * time.Millisecond)
		}
		if v := e.view("?org=fjordmind+closed"); len(v.Models) != 1 || v.Models[0].Organization != "Fjordmind Closed" {
			t.Errorf("organisation filter after an edit = %+v", v.Models)
		}
	})
}

// pageRow is what the page's table says of a model.
var pageRow = regexp.MustCompile(`(?s)<tr data-model="([^"]+)"[^>]*>\s*<td class="rank">(\d+)</td>.*?<td class="num score">(-?\d+)\s*(?:<span[^>]*>[^<]*</span>)?</td>.*?<td class="num votes">(\d+)</td>`)

// TestLeaderboardFormatsAgree checks that the page, the JSON and both CSV
// addresses show the same rows in the same order for the same query.
func TestLeaderboardFormatsAgree(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d string) {
		e := newBoardEnv(t, d)
		for _, q := range []string{"", "?category=coding", "?dir=desc&open=1&sort=votes", "?style=on", "?sort=model", "?license=mit"} {
			v := e.view(q)
			var want [][]string
			for _, m := range v.Models {
				want = append(want, []string{m.Model, strconv.Itoa(m.RankUB), fmt.Sprintf("%.0f", math.Round(m.Score)), strconv.Itoa(m.Votes)})
			}
			page := e.do(e.client(), "GET", "/leaderboard"+q, "", "")
			var fromPage [][]string
			for _, m := range pageRow.FindAllStringSubmatch(page.body, -1) {
				fromPage = append(fromPage, m[1:])
			}
			if d := cmp.Diff(want, fromPage); d != "" {
				t.Errorf("%q: page rows differ from JSON (-json +page):\n%s", q, d)
			}
			sep := "?"
			if q != "" {
				sep = "&"
			}
			for _, path := range []string{"/leaderboard.csv" + q, "/leaderboard" + q + sep + "format=csv", "/api/v1/leaderboard" + q + sep + "format=csv"} {
				r := e.do(e.client(), "GET", path, "", "")
				if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
					t.Fatalf("%s = %d %s", path, r.status, r.header.Get("Content-Type"))
				}
				recs, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
				if err != nil || len(recs) == 0 {
					t.Fatalf("%s: %v", path, err)
				}
				if recs[0][0] != "rank_ub" || recs[0][1] != "model" || recs[0][3] != "score" || recs[0][6] != "votes" {
					t.Errorf("%s header = %v", path, recs[0])
				}
				var fromCSV [][]string
				for _, rec := range recs[1:] {
					s, _ := strconv.ParseFloat(rec[3], 64)
					fromCSV = append(fromCSV, []string{rec[1], rec[0], fmt.Sprintf("%.0f", math.Round(s)), rec[6]})
				}
				if d := cmp.Diff(want, fromCSV); d != "" {
					t.Errorf("%s: CSV rows differ from JSON (-json +csv):\n%s", path, d)
				}
			}
		}
	})
}

// TestLeaderboardSortAndPermalink sorts by every column both ways, checks
// that every view has one canonical address that gives the same view back,
// and that a bad query is refused with a message.
func TestLeaderboardSortAndPermalink(t *testing.T) {
	t.Parallel()
	e := newBoardEnv(t, "sqlite")
	keys := map[string]func(m int, v viewReply) string{
		"model":        func(i int, v viewReply) string { return strings.ToLower(v.Models[i].DisplayName) },
		"organization": func(i int, v viewReply) string { return strings.ToLower(v.Models[i].Organization) },
		"country":      func(i int, v viewReply) string { return strings.ToLower(v.Models[i].Country) },
		"license":      func(i int, v viewReply) string { return strings.ToLower(v.Models[i].License) },
	}
	for key, val := range keys {
		for _, dir := range []string{"asc", "desc"} {
			v := e.view("?sort=" + key + "&dir=" + dir)
			for i := 1; i < len(v.Models); i++ {
				a, b := val(i-1, v), val(i, v)
				if dir == "asc" && a > b || dir == "desc" && a < b {
					t.Errorf("sort=%s dir=%s: %q before %q", key, dir, a, b)
				}
			}
		}
	}
	for _, dir := range []string{"asc", "desc"} {
		v := e.view("?sort=votes&dir=" + dir)
		for i := 1; i < len(v.Models); i++ {
			a, b := v.Models[i-1].Votes, v.Models[i].Votes
			if dir == "asc" && a < b || dir == "desc" && a > b { // votes: most first unless reversed
				t.Errorf("sort=votes dir=%s: %d before %d", dir, a, b)
			}
		}
		s := e.view("?sort=score&dir=" + dir)
		for i := 1; i < len(s.Models); i++ {
			a, b := s.Models[i-1].Score, s.Models[i].Score
			if dir == "asc" && a < b || dir == "desc" && a > b {
				t.Errorf("sort=score dir=%s: %.1f before %.1f", dir, a, b)
			}
		}
	}

	messy := e.view("?dir=desc&sort=votes&open=on&style=1&category=overall&org=")
	if want := "/leaderboard?dir=desc&open=1&sort=votes&style=on"; messy.Permalink != want {
		t.Errorf("permalink = %q, want %q", messy.Permalink, want)
	}
	again := e.view(strings.TrimPrefix(messy.Permalink, "/leaderboard"))
	if d := cmp.Diff(messy, again); d != "" {
		t.Errorf("the permalink shows another view (-first +permalink):\n%s", d)
	}
	// The page itself sends a browser from any spelling of the view (the
	// filter form sends empty fields) to its permalink.
	for _, q := range []string{"?dir=desc&sort=votes&open=on&style=1&category=overall&org=", "?open=1&sort=votes&dir=desc&style=on&org=&country=&license="} {
		r := e.do(e.client(), "GET", "/leaderboard"+q, "", "")
		if r.status != http.StatusFound || r.header.Get("Location") != messy.Permalink {
			t.Errorf("page %s = %d to %q, want a redirect to %s", q, r.status, r.header.Get("Location"), messy.Permalink)
		}
	}
	page := e.do(e.client(), "GET", messy.Permalink, "", "")
	if page.status != http.StatusOK || !strings.Contains(page.body, `href="/leaderboard?dir=desc&amp;open=1&amp;sort=votes&amp;style=on" rel="bookmark"`) {
		t.Errorf("page lacks its permalink")
	}
	if plain := e.view(""); plain.Permalink != "/leaderboard" {
		t.Errorf("default permalink = %q", plain.Permalink)
	}

	before := e.view("")
	for _, q := range []string{"?sort=bogus", "?dir=up", "?style=maybe", "?format=xml", "?open=2", "?org=" + strings.Repeat("x", 300)} {
		for _, path := range []string{"/leaderboard", "/api/v1/leaderboard", "/leaderboard.csv"} {
			r := e.do(e.client(), "GET", path+q, "", "")
			if r.status != http.StatusBadRequest || !strings.Contains(r.body, " ") {
				t.Errorf("%s%s = %d %s, want 400 with a message", path, q[:min(len(q), 20)], r.status, r.body)
			}
		}
	}
	if after := e.view(""); !cmp.Equal(before, after) {
		t.Errorf("bad queries changed the board")
	}
}

// TestLeaderboardVersion checks the freshness poll: the version the page
// carries changes when a new snapshot lands, and only then.
func TestLeaderboardVersion(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d string) {
		e := newBoardEnv(t, d)
		version := func() string {
			r := e.do(e.client(), "GET", "/api/v1/leaderboard/version?category=coding", "", "")
			var v struct{ Version string }
			if r.status != http.StatusOK || json.Unmarshal([]byte(r.body), &v) != nil || v.Version == "" {
				t.Fatalf("version = %d %s", r.status, r.body)
			}
			return v.Version
		}
		first := version()
		page := e.do(e.client(), "GET", "/leaderboard?category=coding", "", "")
		if !strings.Contains(page.body, `data-version="`+first+`"`) || !strings.Contains(page.body, `data-version-url="/api/v1/leaderboard/version?category=coding"`) {
			t.Errorf("page does not carry version %s", first)
		}
		if _, err := e.arena.Boards().RecomputeRatings(t.Context()); err != nil {
			t.Fatal(err)
		}
		if v := version(); v != first {
			t.Errorf("version moved from %s to %s without a new snapshot", first, v)
		}
		ans := promptAnswers(t, e.store)
		storeBoardVote(t, e.store, ans[boardCodingPrompt]["borealis-70b"], ans[boardCodingPrompt]["zephyrion-7b"], models.WinnerA)
		if _, err := e.arena.Boards().RecomputeRatings(t.Context()); err != nil {
			t.Fatal(err)
		}
		if v := version(); v == first {
			t.Errorf("version still %s after a new coding snapshot", v)
		}
	})
}

// TestLeaderboardSmallCategoryHasNoTab votes once on a German prompt: the
// one-vote "German" board is rated and served by its URL, but gets no tab
// beside the real categories (boards.MinTabVotes).
func TestLeaderboardSmallCategoryHasNoTab(t *testing.T) {
	t.Parallel()
	e := newBoardEnv(t, "sqlite")
	ctx := t.Context()
	const german = "Wie spät ist es heute Abend in Berlin, und wie wird das Wetter morgen früh dort sein?"
	var rows []models.BankRow
	for _, c := range boardContenders {
		rows = append(rows, models.BankRow{PromptID: "de", Prompt: german, Model: c.Slug, Output: "Eine Antwort."})
	}
	if _, err := e.store.ImportBank(ctx, rows, nil); err != nil {
		t.Fatal(err)
	}
	de := promptAnswers(t, e.store)[german]
	storeBoardVote(t, e.store, de["zephyrion-7b"], de["cascadia-3"], models.WinnerA)
	if _, err := e.arena.Boards().RecomputeRatings(ctx); err != nil {
		t.Fatal(err)
	}
	v := e.view("")
	var tabs []string
	for _, c := range v.Categories {
		tabs = append(tabs, c.Name)
	}
	if slices.Contains(tabs, "lang:de") || !slices.Contains(tabs, "coding") || !slices.Contains(tabs, "overall") {
		t.Errorf("tabs = %v, want overall and coding, and no tab for a one-vote German board", tabs)
	}
	if de := e.view("?category=lang:de"); de.Votes != 1 || len(de.Models) != 2 {
		t.Errorf("the German board by URL = %d votes, %d models; want 1 and 2", de.Votes, len(de.Models))
	}
}
