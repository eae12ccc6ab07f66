package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"openarena.dev/arena/arena/moderation"
	"openarena.dev/arena/handlers"
	"openarena.dev/arena/models"
)

const formType = "application/x-www-form-urlencoded"

func TestSuggestForm(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d string) {
		e := newEnv(t, d, handlers.Config{})
		voter := e.client()
		if r := e.do(voter, "GET", "/", "", ""); !strings.Contains(r.body, `href="/suggest"`) {
			t.Errorf("the vote page does not link the suggestion form")
		}
		if r := e.do(voter, "GET", "/suggest", "", ""); r.status != http.StatusOK || !strings.Contains(r.body, `action="/suggest"`) {
			t.Fatalf("GET /suggest = %d", r.status)
		}
		post := func(text string) reply {
			return e.do(voter, "POST", "/suggest", formType, url.Values{"prompt": {text}}.Encode())
		}
		r := post("How do volcanoes form?")
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/suggest?sent=1" {
			t.Fatalf("suggest = %d %s", r.status, r.header.Get("Location"))
		}
		if r := e.do(voter, "GET", "/suggest?sent=1", "", ""); !strings.Contains(r.body, "waiting for review") {
			t.Error("no thanks after a suggestion")
		}
		cases := []struct {
			name, text string
			status     int
			want       string
		}{
			{"duplicate", "how do  VOLCANOES form?", http.StatusConflict, "already known"},
			{"bank duplicate", "What is 2+2?", http.StatusConflict, "already known"},
			{"empty", "   ", http.StatusBadRequest, "Type a prompt first"},
			{"personal data", "mail ann@example.org about it", http.StatusBadRequest, "e-mail address"},
			{"too long", strings.Repeat("x", 8001), http.StatusBadRequest, "limit is 8000"},
		}
		for _, c := range cases {
			r := post(c.text)
			if r.status != c.status || !strings.Contains(r.body, c.want) {
				t.Errorf("%s: %d, want %d with %q", c.name, r.status, c.status, c.want)
			}
		}
		q, err := e.arena.Moderation().Queue(context.Background(), models.QueueQuery{Tab: models.TabPending})
		if err != nil {
			t.Fatal(err)
		}
		if q.Total != 1 || q.Items[0].Prompt.Text != "How do volcanoes form?" {
			t.Fatalf("pending after the refusals = %+v", q.Items)
		}
	})
}

func TestReportForm(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d string) {
		e := newEnv(t, d, handlers.Config{})
		voter := e.client()
		_, b := e.startBattle(voter)
		report := func(c *http.Client, reason string) reply {
			return e.do(c, "POST", "/battles/"+b.ID+"/report", formType, url.Values{"reason": {reason}, "details": {"rude"}}.Encode())
		}
		if r := report(voter, "spam"); r.status != http.StatusConflict || !strings.Contains(r.body, "Vote first") {
			t.Errorf("report before voting = %d", r.status)
		}
		e.vote(voter, b.ID, models.WinnerTie)
		page := e.do(voter, "GET", "/battles/"+b.ID, "", "")
		if !strings.Contains(page.body, `action="/battles/`+b.ID+`/report"`) {
			t.Fatal("the reveal has no report form")
		}
		if r := report(voter, "because"); r.status != http.StatusBadRequest || !strings.Contains(r.body, "listed reasons") {
			t.Errorf("unknown reason = %d", r.status)
		}
		if r := report(e.client(), "spam"); r.status != http.StatusNotFound {
			t.Errorf("another browser's report = %d", r.status)
		}
		r := report(voter, "spam")
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/battles/"+b.ID+"?reported=1" {
			t.Fatalf("report = %d %s", r.status, r.header.Get("Location"))
		}
		if r := e.do(voter, "GET", r.header.Get("Location"), "", ""); !strings.Contains(r.body, "Thank you for the report") {
			t.Error("no thanks after the report")
		}
		if r := report(voter, "harmful"); r.status != http.StatusConflict || !strings.Contains(r.body, "already reported") {
			t.Errorf("second report = %d", r.status)
		}
		q, err := e.arena.Moderation().Queue(context.Background(), models.QueueQuery{Tab: models.TabReported})
		if err != nil {
			t.Fatal(err)
		}
		if q.Total != 1 || q.Items[0].Reports != 1 || q.Items[0].ReportReasons[0] != "spam: rude" {
			t.Fatalf("reported tab = %+v", q.Items)
		}
	})
}

// TestFlaggedLiveVoteReveal: a live prompt caught by a flag rule is answered,
// and the reveal tells the voter their vote waits for review; once a
// moderator approves the prompt, the vote counts.
func TestFlaggedLiveVoteReveal(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d string) {
		e := newLiveEnv(t, d)
		ctx := context.Background()
		if err := e.arena.Moderation().SetFilterRules(ctx, "test", moderation.FilterRules{FlagWords: []string{"lottery"}}); err != nil {
			t.Fatal(err)
		}
		voter := e.client()
		id := e.startLive(voter, "How do I win the lottery?")
		if _, evs := e.stream(voter, id); len(evs) == 0 || evs[len(evs)-1].Kind != "done" {
			t.Fatalf("stream = %+v", evs)
		}
		if r := e.do(voter, "POST", "/battles/"+id+"/vote", formType, "winner=tie"); r.status != http.StatusSeeOther {
			t.Fatalf("vote = %d", r.status)
		}
		page := e.do(voter, "GET", "/battles/"+id, "", "")
		if !strings.Contains(page.body, "waiting for a moderator") || strings.Contains(page.body, "Your vote counted") {
			t.Errorf("the reveal does not say the vote waits for review")
		}
		q, err := e.arena.Moderation().Queue(ctx, models.QueueQuery{Tab: models.TabFlagged})
		if err != nil || q.Total != 1 {
			t.Fatalf("flagged = %+v, %v", q, err)
		}
		if err := e.arena.Moderation().ApprovePrompts(ctx, "test", []uint{q.Items[0].Prompt.ID}); err != nil {
			t.Fatal(err)
		}
		if page := e.do(voter, "GET", "/battles/"+id, "", ""); !strings.Contains(page.body, "Your vote counted") {
			t.Errorf("after approval the reveal does not say the vote counted")
		}
	})
}
