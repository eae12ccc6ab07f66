package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"openarena.dev/arena/llm/llmtest"
	"openarena.dev/arena/metrics"
	"openarena.dev/arena/models"
)

// TestDrainRefusesNewWorkAndCutsStreams: while the server drains, new
// battles, turns and streams get a 503 that says why and /readyz is 503,
// but a finished battle still takes its vote; a stream still running when
// the drain's time is up is cut, told why, and its battle voided.
func TestDrainRefusesNewWorkAndCutsStreams(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d string) {
		m := metrics.New()
		e := newObservedLiveEnv(t, d, m, metricsToken)
		voter := e.client()
		finished := e.startLive(voter, "Tell me something.")
		e.stream(voter, finished)
		unstreamed := e.startLive(voter, "Tell me more.")
		// A slow answer, a word every 100 ms (within the contenders'
		// one-second idle timeout), that would take a minute to finish.
		e.llm.Set("right", llmtest.Behavior{Text: strings.Repeat("slowly ", 600), Delay: 100 * time.Millisecond})
		other := e.client()
		slow := e.startLive(other, "Wait for it.")
		cut := make(chan []sseEvent, 1)
		go func() {
			_, evs := e.stream(other, slow)
			cut <- evs
		}()
		deadline := time.Now().Add(10 * time.Second)
		for e.arena.LiveStreams() == 0 {
			if time.Now().After(deadline) {
				t.Fatal("the slow stream never started")
			}
			time.Sleep(5 * time.Millisecond)
		}
		e.arena.BeginDrain()

		body, _ := json.Marshal(map[string]string{"prompt": "One more?"})
		refused := map[string]reply{
			"new live battle": e.do(voter, "POST", "/api/v1/battles", "application/json", string(body)),
			"next turn":       e.do(voter, "POST", "/api/v1/battles/"+finished+"/turns", "application/json", string(body)),
			"stream":          e.do(voter, "GET", "/api/v1/battles/"+unstreamed+"/stream", "", ""),
			"readyz":          e.do(voter, "GET", "/readyz", "", ""),
		}
		for what, r := range refused {
			if r.status != http.StatusServiceUnavailable || !strings.Contains(r.body, "shutting down") {
				t.Errorf("%s while draining = %d %s, want 503 saying the server is shutting down", what, r.status, r.body)
			}
		}
		if b, err := e.store.Battle(t.Context(), unstreamed); err != nil || b.State != models.StateOpen {
			t.Errorf("the battle refused a stream must stay open for another server: %+v %v", b, err)
		}
		if r, _ := e.vote(voter, finished, models.WinnerA); r.status != http.StatusOK {
			t.Errorf("vote on a finished battle while draining = %d %s, want 200", r.status, r.body)
		}

		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		if n := e.arena.Drain(ctx); n != 1 {
			t.Errorf("Drain cut %d streams, want the slow one", n)
		}
		_, _, _, errs := joined(<-cut)
		if len(errs) != 1 || !strings.Contains(errs[0], "shut down") {
			t.Errorf("the cut stream told the voter %q, want that the server shut down", errs)
		}
		b, err := e.store.Battle(t.Context(), slow)
		if err != nil || b.State != models.StateVoid || !strings.Contains(b.VoidReason, "shut down") {
			t.Errorf("cut battle = %+v %v, want void because the server shut down", b, err)
		}
		r := e.do(e.client(), "GET", "/metrics", "", "", "Authorization", "Bearer "+metricsToken)
		for name, want := range map[string][]string{
			"arena_battles_voided_total": {`reason="shutdown"`},
			"arena_draining":             nil,
		} {
			if got, _ := sample(r.body, name, want...); got != 1 {
				t.Errorf("%s%v = %v, want 1", name, want, got)
			}
		}
	})
}
