package handlers_test

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"openarena.dev/arena/handlers"
	"openarena.dev/arena/llm/llmtest"
	"openarena.dev/arena/models"
)

type modelReply struct {
	Model       string   `json:"model"`
	DisplayName string   `json:"display_name"`
	OpenWeights bool     `json:"open_weights"`
	Aliases     []string `json:"aliases"`
	Categories  []struct {
		Category string  `json:"category"`
		Score    float64 `json:"score"`
		CILower  float64 `json:"ci_lower"`
		CIUpper  float64 `json:"ci_upper"`
		RankUB   int     `json:"rank_ub"`
		Votes    int     `json:"votes"`
		Style    *struct {
			Score  float64 `json:"score"`
			RankUB int     `json:"rank_ub"`
		} `json:"style"`
	} `json:"categories"`
	HeadToHead []struct {
		Opponent  string   `json:"opponent"`
		Wins      int      `json:"wins"`
		Ties      int      `json:"ties"`
		Losses    int      `json:"losses"`
		Battles   int      `json:"battles"`
		Observed  *float64 `json:"observed_win_rate"`
		Predicted float64  `json:"predicted_win_rate"`
	} `json:"head_to_head"`
	History []struct {
		Score float64 `json:"score"`
	} `json:"history"`
	Battles []struct {
		ModelA string `json:"model_a"`
		ModelB string `json:"model_b"`
		Winner string `json:"winner"`
	} `json:"battles"`
}

// TestModelPage votes through the real handlers, computes the ratings and
// checks the model's page and JSON against a tally of the votes cast: its
// board row, its record against each opponent, the predicted win rate from
// the two scores, its history and its released answers; and that an
// unknown model is a 404 with a message.
func TestModelPage(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d string) {
		e := newEnv(t, d, handlers.Config{})
		const slug = "zephyrion-7b"
		if _, err := e.store.UpsertContenders(context.Background(), []models.Contender{{Slug: "evil", DisplayName: `<img src=x onerror=alert(1)>&"`, Organization: "<b>Org</b>"}}, nil); err != nil {
			t.Fatal(err)
		}
		// record[opponent] = [wins, ties, losses] of slug against it.
		record := map[string][3]int{}
		winners := []string{models.WinnerA, models.WinnerB, models.WinnerTie, models.WinnerA, models.WinnerBothBad, models.WinnerB,
			models.WinnerA, models.WinnerA, models.WinnerB, models.WinnerTie, models.WinnerA, models.WinnerB}
		for _, w := range winners {
			voter := e.client()
			r, b := e.startBattle(voter)
			if r.status != http.StatusCreated {
				t.Fatalf("battle = %d %s", r.status, r.body)
			}
			r, v := e.vote(voter, b.ID, w)
			if r.status != http.StatusOK || !v.Counted {
				t.Fatalf("vote = %d %s", r.status, r.body)
			}
			me, other, mine := v.ModelA.Slug, v.ModelB.Slug, models.WinnerA
			if v.ModelB.Slug == slug {
				me, other, mine = v.ModelB.Slug, v.ModelA.Slug, models.WinnerB
			}
			if me != slug {
				continue
			}
			rec := record[other]
			switch w {
			case mine:
				rec[0]++
			case models.WinnerA, models.WinnerB:
				rec[2]++
			default:
				rec[1]++
			}
			record[other] = rec
		}
		if len(record) == 0 {
			t.Fatal("the model fought no battle; the fixture needs more votes")
		}
		if _, err := e.arena.Boards().RecomputeRatings(t.Context()); err != nil {
			t.Fatal(err)
		}
		board := e.board()

		r := e.do(e.client(), "GET", "/api/v1/models/"+slug, "", "")
		if r.status != http.StatusOK {
			t.Fatalf("model JSON = %d %s", r.status, r.body)
		}
		var m modelReply
		if err := json.Unmarshal([]byte(r.body), &m); err != nil {
			t.Fatalf("model JSON: %v in %s", err, r.body)
		}
		scores := map[string]float64{}
		for _, row := range board.Models {
			scores[row.Model] = row.Score
			if row.Model == slug {
				if len(m.Categories) == 0 || m.Categories[0].Category != "overall" || m.Categories[0].Score != row.Score ||
					m.Categories[0].Votes != row.Votes || m.Categories[0].RankUB != row.RankUB ||
					row.Style == nil || m.Categories[0].Style == nil || *m.Categories[0].Style != *row.Style {
					t.Errorf("categories %+v, want overall first matching the board row %+v", m.Categories, row)
				}
			}
		}
		if m.Model != slug || m.DisplayName != "Zephyrion 7B" || !m.OpenWeights || m.Aliases == nil {
			t.Errorf("metadata %+v", m)
		}
		got := map[string][3]int{}
		for _, h := range m.HeadToHead {
			if h.Battles > 0 {
				got[h.Opponent] = [3]int{h.Wins, h.Ties, h.Losses}
				want := (float64(h.Wins) + float64(h.Ties)/2) / float64(h.Battles)
				if h.Observed == nil || math.Abs(*h.Observed-want) > 1e-12 {
					t.Errorf("%s: observed %v, want %v", h.Opponent, h.Observed, want)
				}
			} else if h.Observed != nil {
				t.Errorf("%s: observed %v without battles", h.Opponent, *h.Observed)
			}
			pred := 1 / (1 + math.Pow(10, (scores[h.Opponent]-scores[slug])/400))
			if math.Abs(h.Predicted-pred) > 1e-9 {
				t.Errorf("%s: predicted %v, want %v from the scores", h.Opponent, h.Predicted, pred)
			}
		}
		if d := cmp.Diff(record, got, cmpopts.EquateEmpty()); d != "" {
			t.Errorf("head to head against the votes cast (-want +got):\n%s", d)
		}
		if len(m.HeadToHead) != len(board.Models)-1 {
			t.Errorf("%d head-to-head rows, want one per other rated model (%d)", len(m.HeadToHead), len(board.Models)-1)
		}
		if len(m.History) != 1 || m.History[0].Score != scores[slug] {
			t.Errorf("history %+v, want the one computation with score %v", m.History, scores[slug])
		}
		// Every battle here was a bank battle: released, but its answers are
		// served again and must not be shown next to the model's name.
		if len(m.Battles) != 0 {
			t.Errorf("bank battles shown on the model page: %+v", m.Battles)
		}

		page := e.do(e.client(), "GET", "/models/"+slug, "", "")
		if page.status != http.StatusOK {
			t.Fatalf("model page = %d %s", page.status, page.body)
		}
		for _, want := range []string{"<h1>Zephyrion 7B</h1>", "Quasarlabs", "apache-2.0", `id="head-to-head"`, "Style ctrl", `<th scope="row"><a href="/leaderboard">Overall</a></th>`, `id="model-history"`, `role="img"`, "Answers from public battles", "Answers to prompts from the prompt bank are never shown"} {
			if !strings.Contains(page.body, want) {
				t.Errorf("model page lacks %q", want)
			}
		}
		if strings.Contains(page.body, "An answer.") {
			t.Error("the model page shows a bank answer: a voter could recognise it in a new battle")
		}
		// A model with markup in its names (unrated, so the page has no
		// board rows) shows them as text.
		evil := e.do(e.client(), "GET", "/models/evil", "", "")
		if evil.status != http.StatusOK || strings.Contains(evil.body, "<img src=x") || strings.Contains(evil.body, "<b>Org</b>") ||
			!strings.Contains(evil.body, "&lt;img src=x onerror=alert(1)&gt;&amp;&#34;") || !strings.Contains(evil.body, "Not rated yet") {
			t.Errorf("model with markup in its name = %d, names not shown as escaped text:\n%s", evil.status, evil.body)
		}

		long := strings.Repeat("x", 200)
		for _, path := range []string{"/models/no-such-model", "/api/v1/models/no-such-model", "/models/" + long, "/api/v1/models/" + long} {
			r := e.do(e.client(), "GET", path, "", "")
			if r.status != http.StatusNotFound || !strings.Contains(r.body, "no model") || strings.Contains(r.body, long) {
				t.Errorf("GET %s = %d %s, want 404 naming the problem", path, r.status, r.body)
			}
		}
	})
}

// TestModelPageShowsLiveAnswers checks that a voted live battle, whose
// answers were written for it alone, is shown on both models' pages with
// the answer each gave.
func TestModelPageShowsLiveAnswers(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d string) {
		e := newLiveEnv(t, d)
		e.llm.Set("left", llmtest.Behavior{Text: "Left says the sky is blue."})
		e.llm.Set("right", llmtest.Behavior{Text: "Right says the sea is green."})
		voter := e.client()
		id := e.startLive(voter, "Tell me a colour fact.")
		if _, evs := e.stream(voter, id); len(evs) == 0 {
			t.Fatal("no stream events")
		}
		if r, v := e.vote(voter, id, models.WinnerA); r.status != http.StatusOK || !v.Counted {
			t.Fatalf("vote = %d %s", r.status, r.body)
		}
		if _, err := e.arena.Boards().RecomputeRatings(t.Context()); err != nil {
			t.Fatal(err)
		}
		// testContenders[0] answers as "left", testContenders[1] as "right".
		for slug, answer := range map[string]string{testContenders[0].Slug: "Left says the sky is blue.", testContenders[1].Slug: "Right says the sea is green."} {
			r := e.do(e.client(), "GET", "/api/v1/models/"+slug, "", "")
			var m modelReply
			if r.status != http.StatusOK || json.Unmarshal([]byte(r.body), &m) != nil {
				t.Fatalf("model JSON = %d %s", r.status, r.body)
			}
			if len(m.Battles) != 1 {
				t.Fatalf("%s: %d battles shown, want the live one: %s", slug, len(m.Battles), r.body)
			}
			page := e.do(e.client(), "GET", "/models/"+slug, "", "")
			if !strings.Contains(page.body, answer) || !strings.Contains(page.body, "Tell me a colour fact.") {
				t.Errorf("%s: page lacks its live answer %q or the prompt", slug, answer)
			}
		}
	})
}
