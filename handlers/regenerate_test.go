package handlers_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"openarena.dev/arena/arena/release"
	"openarena.dev/arena/handlers"
	"openarena.dev/arena/llm/llmtest"
	"openarena.dev/arena/models"
)

// regenerate asks for new answers through the API.
func (e *liveEnv) regenerate(c *http.Client, id string) (reply, int) {
	e.t.Helper()
	r := e.do(c, "POST", "/api/v1/battles/"+id+"/regenerate", "application/json", "")
	var out struct {
		Stream string `json:"stream"`
		Left   int    `json:"regenerations_left"`
	}
	if r.status == http.StatusAccepted {
		if err := json.Unmarshal([]byte(r.body), &out); err != nil || out.Stream != "/api/v1/battles/"+id+"/stream" {
			e.t.Fatalf("regenerate reply %s (%v)", r.body, err)
		}
	}
	return r, out.Left
}

// sideOf names which side ("a" or "b") streamed text.
func sideOf(t *testing.T, evs []sseEvent, text string) string {
	t.Helper()
	a, b, done, errs := joined(evs)
	switch {
	case done != 2 || len(errs) > 0:
		t.Fatalf("stream ended with done=%d errors=%v", done, errs)
	case a == text:
		return "a"
	case b == text:
		return "b"
	}
	t.Fatalf("neither side streamed %q (a=%q b=%q)", text, a, b)
	return ""
}

func TestRegenerateKeepsPairAndSidesAndEarlierAnswers(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d string) {
		e := newLiveEnv(t, d)
		e.llm.Set("left", llmtest.Behavior{Text: "Left, try 0."})
		e.llm.Set("right", llmtest.Behavior{Text: "Right, try 0."})
		voter := e.client()
		id := e.startLive(voter, "Write one line.")
		if r, _ := e.regenerate(voter, id); r.status != http.StatusConflict {
			t.Errorf("regenerate before the answers are finished = %d %s, want 409", r.status, r.body)
		}
		_, evs := e.stream(voter, id)
		leftSide := sideOf(t, evs, "Left, try 0.")
		for try := 1; try <= 3; try++ {
			e.llm.Set("left", llmtest.Behavior{Text: "Left, try " + string(rune('0'+try)) + "."})
			e.llm.Set("right", llmtest.Behavior{Text: "Right, try " + string(rune('0'+try)) + "."})
			r, left := e.regenerate(voter, id)
			if r.status != http.StatusAccepted || left != 3-try {
				t.Fatalf("regeneration %d = %d %s (left %d)", try, r.status, r.body, left)
			}
			assertBlind(t, "regenerate reply", r)
			page := e.do(voter, "GET", "/battles/"+id, "", "")
			assertBlind(t, "battle page while regenerating", page)
			rs, evs := e.stream(voter, id)
			assertBlind(t, "regenerated stream", rs)
			if got := sideOf(t, evs, "Left, try "+string(rune('0'+try))+"."); got != leftSide {
				t.Fatalf("regeneration %d moved the left model from side %s to %s", try, leftSide, got)
			}
		}
		r, _ := e.regenerate(voter, id)
		if r.status != http.StatusConflict || !strings.Contains(r.body, "3 times") {
			t.Errorf("fourth regeneration = %d %s, want 409 naming the limit", r.status, r.body)
		}
		// Every request was the prompt alone: set-aside answers are not
		// sent back to the models as history.
		for _, req := range e.llm.Requests() {
			if len(req.Messages) != 1 || req.Messages[0].Content != "Write one line." {
				t.Fatalf("a regeneration sent %+v, want the prompt alone", req.Messages)
			}
		}
		regs, err := e.store.Regenerations(t.Context(), id)
		if err != nil || len(regs) != 3 {
			t.Fatalf("stored regenerations = %d (%v), want 3", len(regs), err)
		}
		for i, g := range regs {
			left, right := g.TextA, g.TextB
			if leftSide == "b" {
				left, right = right, left
			}
			want := string(rune('0' + i))
			if g.Attempt != i+1 || g.TurnN != 1 || left != "Left, try "+want+"." || right != "Right, try "+want+"." {
				t.Errorf("regeneration %d = %+v", i+1, g)
			}
		}
		res, v := e.vote(voter, id, models.WinnerA)
		if res.status != http.StatusOK || !v.Counted {
			t.Fatalf("vote after regenerating = %d %s, want counted", res.status, res.body)
		}
		if r, _ := e.regenerate(voter, id); r.status != http.StatusConflict || !strings.Contains(r.body, "vote") {
			t.Errorf("regenerate after the vote = %d %s, want 409", r.status, r.body)
		}
		reveal := e.do(voter, "GET", "/battles/"+id, "", "")
		for _, want := range []string{"Answers written before regenerating (3)", "Left, try 0.", "Right, try 2.", "Left, try 3."} {
			if !strings.Contains(reveal.body, want) {
				t.Errorf("reveal page lacks %q", want)
			}
		}
		var out strings.Builder
		if _, err := e.arena.Release().Export(t.Context(), &out, release.ExportOptions{JudgeKey: []byte("k")}); err != nil {
			t.Fatal(err)
		}
		var rel []release.Battle
		if err := json.Unmarshal([]byte(out.String()), &rel); err != nil || len(rel) != 1 {
			t.Fatalf("release = %s (%v)", out.String(), err)
		}
		if got := rel[0].Regenerated; len(got) != 3 || got[0].Turn != 1 || !strings.Contains(got[0].AnswerA+got[0].AnswerB, "Left, try 0.") ||
			!strings.Contains(got[2].AnswerA+got[2].AnswerB, "Left, try 2.") {
			t.Errorf("released regenerations = %+v", got)
		}
		if last := rel[0].ConversationA[1].Content + rel[0].ConversationB[1].Content; !strings.Contains(last, "Left, try 3.") {
			t.Errorf("released conversation holds %q, want the final answers", last)
		}
	})
}

func TestRegenerateRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite", handlers.Config{})
	voter := e.client()
	r, b := e.startBattle(voter)
	if r.status != http.StatusCreated {
		t.Fatalf("bank battle = %d %s", r.status, r.body)
	}
	cases := []struct {
		name   string
		client *http.Client
		id     string
		status int
		says   string
	}{
		{"bank battle", voter, b.ID, http.StatusBadRequest, "prompt bank"},
		{"another browser's battle", e.client(), b.ID, http.StatusNotFound, "no such battle"},
		{"unknown battle", voter, "0123456789abcdef0123456789abcdef", http.StatusNotFound, "no such battle"},
	}
	for _, c := range cases {
		r := e.do(c.client, "POST", "/api/v1/battles/"+c.id+"/regenerate", "application/json", "")
		if r.status != c.status || !strings.Contains(strings.ToLower(r.body), c.says) {
			t.Errorf("%s: regenerate = %d %s, want %d saying %q", c.name, r.status, r.body, c.status, c.says)
		}
	}
	page := e.do(voter, "GET", "/battles/"+b.ID, "", "")
	// The page keeps an empty slot for the button (filled when a live
	// stream ends); the button and its shortcut must not be there.
	if strings.Contains(page.body, `id="regenerate-form"`) || strings.Contains(page.body, "/regenerate") || strings.Contains(page.body, "<kbd>R</kbd>") {
		t.Errorf("a bank battle's page offers to regenerate")
	}
}

func TestConcurrentRegenerationsSetAsideOnce(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d string) {
		e := newLiveEnv(t, d)
		voter := e.client()
		id := e.startLive(voter, "Say hello.")
		e.stream(voter, id)
		statuses := make(chan int, 8)
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				r, _ := e.regenerate(voter, id)
				statuses <- r.status
			})
		}
		wg.Wait()
		close(statuses)
		count := map[int]int{}
		for s := range statuses {
			count[s]++
		}
		if count[http.StatusAccepted] != 1 || count[http.StatusConflict] != 7 {
			t.Errorf("8 racing regenerations answered %v, want one 202 and seven 409", count)
		}
		if regs, err := e.store.Regenerations(t.Context(), id); err != nil || len(regs) != 1 {
			t.Errorf("stored regenerations = %d (%v), want 1", len(regs), err)
		}
	})
}
