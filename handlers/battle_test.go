package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"openarena.dev/arena/handlers"
	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

func eachDialect(t *testing.T, fn func(t *testing.T, dialect string)) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			// Each dialect has its own store (a SQLite file, a PostgreSQL
			// schema), so the two run beside each other.
			t.Parallel()
			fn(t, d)
		})
	}
}

func TestAPIVoteFlow(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d string) {
		e := newEnv(t, d, handlers.Config{})
		voter := e.client()
		r, b := e.startBattle(voter)
		if r.status != http.StatusCreated || b.ID == "" || b.A.HTML == "" || b.B.HTML == "" || b.Prompt.Text == "" {
			t.Fatalf("start battle = %d %s", r.status, r.body)
		}
		assertBlind(t, "POST /api/v1/battles", r)
		assertBlind(t, "battle page", e.do(voter, "GET", "/battles/"+b.ID, "", ""))

		cases := []struct {
			name   string
			client *http.Client
			body   string
			status int
		}{
			{"bad winner", voter, `{"winner":"model_c"}`, http.StatusBadRequest},
			{"missing winner", voter, `{}`, http.StatusBadRequest},
			{"not JSON", voter, `winner=model_a`, http.StatusBadRequest},
			{"unknown field", voter, `{"winner":"tie","extra":1}`, http.StatusBadRequest},
			{"other voter", e.client(), `{"winner":"tie"}`, http.StatusNotFound},
		}
		for _, c := range cases {
			got := e.do(c.client, "POST", "/api/v1/battles/"+b.ID+"/vote", "application/json", c.body)
			if got.status != c.status || !strings.Contains(got.body, `"error"`) {
				t.Errorf("%s: %d %s, want %d with an error message", c.name, got.status, got.body, c.status)
			}
			assertBlind(t, c.name, got)
		}
		if got := e.do(voter, "POST", "/api/v1/battles/nope/vote", "application/json", `{"winner":"tie"}`); got.status != http.StatusNotFound {
			t.Errorf("unknown battle: %d", got.status)
		}

		r, v := e.vote(voter, b.ID, models.WinnerA)
		if r.status != http.StatusOK || !v.Counted || v.ModelA.Slug == "" || v.ModelB.Slug == "" || v.ModelA.Slug == v.ModelB.Slug {
			t.Fatalf("vote = %d %s", r.status, r.body)
		}
		r2, v2 := e.vote(voter, b.ID, models.WinnerA)
		if r2.status != http.StatusOK || v2 != v {
			t.Errorf("repeated vote = %d %+v, want the same answer %+v", r2.status, v2, v)
		}
		if r3, _ := e.vote(voter, b.ID, models.WinnerB); r3.status != http.StatusConflict {
			t.Errorf("conflicting vote = %d %s, want 409", r3.status, r3.body)
		}
		board := e.do(voter, "GET", "/api/v1/leaderboard", "", "")
		if board.status != http.StatusOK || !strings.Contains(board.body, `"votes":1`) || !strings.Contains(board.body, v.ModelA.Slug) {
			t.Errorf("leaderboard after one vote = %s", board.body)
		}
		total, counted, _ := e.store.CountVotes(t.Context())
		if total != 1 || counted != 1 {
			t.Errorf("stored votes = %d (counted %d), want 1", total, counted)
		}
	})
}

var voteAction = regexp.MustCompile(`action="/battles/([0-9a-f]{32})/vote"`)

func TestFormVoteAndReveal(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d string) {
		e := newEnv(t, d, handlers.Config{})
		voter := e.client()
		page := e.do(voter, "GET", "/", "", "")
		m := voteAction.FindStringSubmatch(page.body)
		if page.status != http.StatusOK || m == nil {
			t.Fatalf("vote page = %d, no vote form in %s", page.status, page.body)
		}
		assertBlind(t, "GET /", page)
		if again := e.do(voter, "GET", "/", "", ""); !strings.Contains(again.body, m[1]) {
			t.Errorf("reload served a different battle; want the open one again")
		}
		id := m[1]
		post := e.do(voter, "POST", "/battles/"+id+"/vote", "application/x-www-form-urlencoded",
			url.Values{"winner": {"tie (bothbad)"}}.Encode())
		if post.status != http.StatusSeeOther || post.header.Get("Location") != "/battles/"+id {
			t.Fatalf("form vote = %d %v", post.status, post.header)
		}
		reveal := e.do(voter, "GET", "/battles/"+id, "", "")
		if !strings.Contains(reveal.body, "Your vote counted") || !strings.Contains(reveal.body, "both answers bad") {
			t.Errorf("reveal page lacks the verdict: %s", reveal.body)
		}
		named := 0
		for _, c := range testContenders {
			if strings.Contains(reveal.body, c.DisplayName) {
				named++
			}
		}
		if named != 2 {
			t.Errorf("reveal names %d contenders, want 2", named)
		}
		next := e.do(voter, "GET", "/", "", "")
		if strings.Contains(next.body, id) {
			t.Errorf("after voting, / served the voted battle again")
		}
	})
}

func TestLeakedIdentityStoredNotCounted(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, "sqlite")
	ctx := t.Context()
	if _, err := s.UpsertContenders(ctx, testContenders[:2], nil); err != nil {
		t.Fatal(err)
	}
	rows := []models.BankRow{
		{PromptID: "who", Prompt: "Introduce yourself", Model: "zephyrion-7b", Output: "Hello! I was trained by QuasarLabs."},
		{PromptID: "who", Prompt: "Introduce yourself", Model: "borealis-70b", Output: "Hello there."},
	}
	if _, err := s.ImportBank(ctx, rows, nil); err != nil {
		t.Fatal(err)
	}
	e := startEnv(t, s, handlers.Config{})
	voter := e.client()
	_, b := e.startBattle(voter)
	r, v := e.vote(voter, b.ID, models.WinnerB)
	if r.status != http.StatusOK || v.Counted || !strings.Contains(v.Reason, "Quasar") {
		t.Fatalf("vote on a leaking battle = %d %s; want stored, not counted, with the reason", r.status, r.body)
	}
	page := e.do(voter, "GET", "/battles/"+b.ID, "", "")
	if !strings.Contains(page.body, "stored but not counted") {
		t.Errorf("reveal does not say the vote was not counted")
	}
	total, counted, _ := s.CountVotes(ctx)
	if total != 1 || counted != 0 {
		t.Errorf("votes = %d counted %d, want 1 stored, 0 counted", total, counted)
	}
}

// TestConcurrentVotesExactlyOnce sends 10 concurrent copies of a vote to each
// of 1,000 battles (100 with -short), half of them a different winner:
// exactly one vote per battle may be stored and counted.
func TestConcurrentVotesExactlyOnce(t *testing.T) {
	t.Parallel()
	// Each battle is one trial: ten copies of its vote race each other
	// through the whole HTTP path. 250 trials per database race 2,500
	// requests 64 at a time, enough to catch a double count (the store's
	// own concurrency test races the insert itself); more only lengthens
	// the suite's critical path.
	battles, copies := 250, 10
	if testing.Short() {
		battles = 100 // the race detector slows each request about tenfold
	}
	eachDialect(t, func(t *testing.T, d string) {
		e := newEnv(t, d, handlers.Config{})
		type voterBattle struct {
			c  *http.Client
			id string
		}
		vbs := make([]voterBattle, battles)
		for i := range vbs {
			c := e.client()
			_, b := e.startBattle(c)
			if b.ID == "" {
				t.Fatal("no battle")
			}
			vbs[i] = voterBattle{c, b.ID}
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		statuses := map[int]int{}
		sem := make(chan struct{}, 64)
		for _, vb := range vbs {
			for k := range copies {
				wg.Go(func() {
					sem <- struct{}{}
					defer func() { <-sem }()
					w := []string{models.WinnerA, models.WinnerB}[k%2]
					body := fmt.Sprintf(`{"winner":%q}`, w)
					r := e.do(vb.c, "POST", "/api/v1/battles/"+vb.id+"/vote", "application/json", body)
					mu.Lock()
					statuses[r.status]++
					mu.Unlock()
				})
			}
		}
		wg.Wait()
		total, counted, err := e.store.CountVotes(t.Context())
		if err != nil || total != int64(battles) || counted != int64(battles) {
			t.Fatalf("stored %d votes (%d counted), want exactly %d: %v", total, counted, battles, err)
		}
		if statuses[http.StatusOK] != battles*copies/2 || statuses[http.StatusConflict] != battles*copies/2 {
			t.Errorf("statuses = %v, want %d × 200 and %d × 409", statuses, battles*copies/2, battles*copies/2)
		}
		outs, _ := e.store.CountedOutcomes(t.Context())
		if len(outs) != battles {
			t.Errorf("counted outcomes = %d, want %d", len(outs), battles)
		}
	})
}
