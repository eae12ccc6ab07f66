package handlers_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/handlers"
	"openarena.dev/arena/llm"
	"openarena.dev/arena/llm/llmtest"
	"openarena.dev/arena/metrics"
	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// liveEnv is a server whose two contenders answer through the real OpenAI
// client from the chat-completions test server, as models "left" and "right".
type liveEnv struct {
	*env
	llm *llmtest.Server
}

func newLiveEnv(t *testing.T, dialect string) *liveEnv {
	t.Helper()
	return newObservedLiveEnv(t, dialect, nil, "")
}

// newObservedLiveEnv is newLiveEnv with m (when not nil) hearing the arena
// and the requests, served at /metrics behind token.
func newObservedLiveEnv(t *testing.T, dialect string, m *metrics.Metrics, token string) *liveEnv {
	t.Helper()
	fake := llmtest.New(llmtest.Behavior{})
	t.Cleanup(fake.Close)
	s := storetest.Open(t, dialect)
	cs := []models.Contender{testContenders[0], testContenders[1]}
	for i, model := range []string{"left", "right"} {
		cs[i].Provider = models.Provider{Kind: "openai", BaseURL: fake.BaseURL(), Model: model,
			Params: map[string]any{"idle_timeout": 1}}
	}
	if _, err := s.UpsertContenders(context.Background(), cs, nil); err != nil {
		t.Fatal(err)
	}
	backend := func(c *models.Contender) (llm.Backend, error) {
		p := c.Provider
		return llm.New(llm.ProviderConfig{Kind: p.Kind, BaseURL: p.BaseURL, Model: p.Model, Params: p.Params},
			func(string) string { return "" })
	}
	opt := arena.Options{Live: arena.LiveOptions{Backend: backend, Tick: time.Millisecond,
		Pace: arena.Pace{Chars: 16}, Timeout: 10 * time.Second}}
	cfg := handlers.Config{Secret: []byte("test-secret-0123456789")}
	if m != nil {
		opt.Observer = m
	}
	a := arena.New(s, opt)
	if m != nil {
		watch(m, a)
		cfg.Requests, cfg.Metrics, cfg.MetricsToken = m, m.Handler(), token
	}
	e, err := handlers.New(cfg, a, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return &liveEnv{env: &env{t: t, store: s, arena: a, srv: srv, transport: keepAlive(t)}, llm: fake}
}

type sseEvent struct {
	Kind string
	Side string `json:"side"`
	Text string `json:"text"`
}

// stream reads a battle's whole event stream.
func (e *liveEnv) stream(c *http.Client, id string) (reply, []sseEvent) {
	e.t.Helper()
	r := e.do(c, "GET", "/api/v1/battles/"+id+"/stream", "", "")
	var evs []sseEvent
	sc := bufio.NewScanner(strings.NewReader(r.body))
	var kind string
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			kind = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			ev := sseEvent{Kind: kind}
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &ev); err != nil {
				e.t.Fatalf("bad event data %q: %v", line, err)
			}
			evs = append(evs, ev)
		}
	}
	return r, evs
}

func joined(evs []sseEvent) (a, b string, done int, errs []string) {
	for _, ev := range evs {
		switch ev.Kind {
		case "delta":
			if ev.Side == "a" {
				a += ev.Text
			} else {
				b += ev.Text
			}
		case "done":
			done++
		case "error":
			errs = append(errs, ev.Text)
		}
	}
	return
}

func (e *liveEnv) startLive(c *http.Client, prompt string) string {
	e.t.Helper()
	body, _ := json.Marshal(map[string]string{"prompt": prompt})
	r := e.do(c, "POST", "/api/v1/battles", "application/json", string(body))
	var out struct{ ID, Mode, Stream string }
	if r.status != http.StatusCreated || json.Unmarshal([]byte(r.body), &out) != nil || out.Mode != "live" {
		e.t.Fatalf("start live battle = %d %s", r.status, r.body)
	}
	assertBlind(e.t, "live battle start", r)
	return out.ID
}

func TestLiveBattleStreamsBlindAndVotes(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d string) {
		e := newLiveEnv(t, d)
		e.llm.Set("left", llmtest.Behavior{Text: "The left answer streams in many small pieces, one after another."})
		e.llm.Set("right", llmtest.Behavior{Text: "Right here.", Delay: 2 * time.Millisecond})
		voter := e.client()
		id := e.startLive(voter, "Tell me something.")
		r, evs := e.stream(voter, id)
		if ct := r.header.Get("Content-Type"); ct != "text/event-stream" {
			t.Fatalf("stream content type %q, status %d, body %s", ct, r.status, r.body)
		}
		assertBlind(t, "stream", r)
		for _, leak := range []string{"left", "right", e.llm.URL} {
			if strings.Contains(r.body, `"`+leak) || strings.Contains(r.body, leak+`"`) {
				t.Errorf("stream names provider detail %q", leak)
			}
		}
		a, b, done, errs := joined(evs)
		got := map[string]bool{a: true, b: true}
		if !got["The left answer streams in many small pieces, one after another."] || !got["Right here."] || done != 2 || len(errs) != 0 {
			t.Fatalf("stream gave a=%q b=%q done=%d errors=%v", a, b, done, errs)
		}
		if evs[len(evs)-1].Kind != "done" || evs[len(evs)-2].Kind != "done" {
			t.Errorf("the two done events must come together at the end: %+v", evs[len(evs)-3:])
		}
		res, v := e.vote(voter, id, models.WinnerB)
		if res.status != http.StatusOK || !v.Counted {
			t.Fatalf("vote = %d %s", res.status, res.body)
		}
		if reqs := e.llm.Requests(); len(reqs) != 2 {
			t.Errorf("test server saw %d requests, want 2", len(reqs))
		}
	})
}

func TestLiveBattleFailuresVoid(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		b    llmtest.Behavior
	}{
		{"http error", llmtest.Behavior{Mode: llmtest.Status, Status: 500}},
		{"rate limited", llmtest.Behavior{Mode: llmtest.Status, Status: 429}},
		{"stall", llmtest.Behavior{Mode: llmtest.Stall, After: 2}},
		{"drop", llmtest.Behavior{Mode: llmtest.Drop, After: 2}},
		{"malformed", llmtest.Behavior{Mode: llmtest.Malformed, After: 1}},
		{"stream error", llmtest.Behavior{Mode: llmtest.StreamError, After: 1}},
		{"empty", llmtest.Behavior{Mode: llmtest.Empty}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := newLiveEnv(t, "sqlite")
			e.llm.Set("right", c.b)
			voter := e.client()
			id := e.startLive(voter, "Hello?")
			r, evs := e.stream(voter, id)
			assertBlind(t, "failed stream", r)
			_, _, done, errs := joined(evs)
			if len(errs) != 1 || done != 0 || !strings.Contains(errs[0], "void") {
				t.Fatalf("events = %+v; want one error saying the battle is void", evs)
			}
			if strings.Contains(errs[0], "right") || strings.Contains(errs[0], e.llm.URL) {
				t.Errorf("error names the model or server: %q", errs[0])
			}
			if res, _ := e.vote(voter, id, models.WinnerA); res.status != http.StatusConflict {
				t.Errorf("vote on a void battle = %d %s, want 409", res.status, res.body)
			}
			page := e.do(voter, "GET", "/battles/"+id, "", "")
			if !strings.Contains(page.body, "void") || !strings.Contains(page.body, `href="/"`) {
				t.Errorf("void battle page does not say so or offer a new battle")
			}
			if total, _, _ := e.store.CountVotes(t.Context()); total != 0 {
				t.Errorf("%d votes stored on a void battle", total)
			}
		})
	}
}

func TestLiveClientLeavingCancelsBoth(t *testing.T) {
	t.Parallel()
	e := newLiveEnv(t, "sqlite")
	e.llm.Set("left", llmtest.Behavior{Mode: llmtest.Stall, After: 3})
	e.llm.Set("right", llmtest.Behavior{Mode: llmtest.Stall, After: 3})
	voter := e.client()
	id := e.startLive(voter, "Take your time.")
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", e.srv.URL+"/api/v1/battles/"+id+"/stream", nil)
	resp, err := voter.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(resp.Body)
	if _, err := br.ReadString('\n'); err != nil {
		t.Fatalf("no event before the stall: %v", err)
	}
	cancel()
	resp.Body.Close()
	for range 2 {
		select {
		case <-e.llm.Disconnects():
		case <-time.After(10 * time.Second):
			t.Fatal("a generation went on after the voter left")
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		b, err := e.store.Battle(context.Background(), id)
		if err == nil && b.State == models.StateVoid {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("battle not void after the voter left: %+v %v", b, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestLiveMultiTurnAndIdentityQuestion(t *testing.T) {
	t.Parallel()
	e := newLiveEnv(t, "sqlite")
	voter := e.client()
	id := e.startLive(voter, "First question")
	if _, evs := e.stream(voter, id); len(evs) == 0 {
		t.Fatal("no events")
	}
	r := e.do(voter, "POST", "/api/v1/battles/"+id+"/turns", "application/json", `{"prompt": "And who are you?"}`)
	if r.status != http.StatusAccepted {
		t.Fatalf("second turn = %d %s", r.status, r.body)
	}
	if _, evs := e.stream(voter, id); len(evs) == 0 {
		t.Fatal("no events on the second turn")
	}
	reqs := e.llm.Requests()
	if len(reqs) != 4 {
		t.Fatalf("test server saw %d requests, want 4", len(reqs))
	}
	last := reqs[3].Messages
	if len(last) != 3 || last[0].Content != "First question" || last[1].Role != "assistant" || last[2].Content != "And who are you?" {
		t.Errorf("second-turn conversation = %+v", last)
	}
	_, v := e.vote(voter, id, models.WinnerTie)
	if v.Counted || !strings.Contains(v.Reason, "who they are") {
		t.Errorf("vote after an identity question = %+v; want stored, not counted", v)
	}
}

func TestLivePromptRefusals(t *testing.T) {
	t.Parallel()
	e := newLiveEnv(t, "sqlite")
	voter := e.client()
	for prompt, want := range map[string]string{
		"":                             "Type a prompt",
		"write to bob@example.com now": "e-mail address",
	} {
		body, _ := json.Marshal(map[string]string{"prompt": prompt})
		r := e.do(voter, "POST", "/api/v1/battles", "application/json", string(body))
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, want) {
			t.Errorf("prompt %q = %d %s, want 400 with %q", prompt, r.status, r.body, want)
		}
	}
	limited := false
	for range 10 {
		body := `{"prompt": "again"}`
		if r := e.do(voter, "POST", "/api/v1/battles", "application/json", body); r.status == http.StatusTooManyRequests {
			limited = true
			break
		}
	}
	if !limited {
		t.Errorf("10 live prompts in a row were never refused as flooding")
	}
}
