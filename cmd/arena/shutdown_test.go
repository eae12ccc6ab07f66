package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"

	"openarena.dev/arena/llm/llmtest"
	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// liveDatabase makes a SQLite database whose two contenders answer through
// the chat-completions test server with behavior b.
func liveDatabase(t *testing.T, b llmtest.Behavior) string {
	t.Helper()
	fake := llmtest.New(b)
	t.Cleanup(fake.Close)
	dsn := storetest.SQLiteDSN(t)
	store, err := openStore(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	cs := []models.Contender{{Slug: "left", DisplayName: "Left"}, {Slug: "right", DisplayName: "Right"}}
	for i := range cs {
		cs[i].Provider = models.Provider{Kind: "openai", BaseURL: fake.BaseURL(), Model: cs[i].Slug}
	}
	if _, err := store.UpsertContenders(t.Context(), cs, nil); err != nil {
		t.Fatal(err)
	}
	return dsn
}

// TestServeShutdownDrainsLiveStreams opens a live stream through the real
// serve command and the real OpenAI client, then ends serve's context as
// SIGTERM does. While the stream runs, new battles get 503 and /readyz is
// 503; the stream finishes if it can within the grace period and is
// otherwise cut with its battle voided; serve returns within the bound.
func TestServeShutdownDrainsLiveStreams(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		grace string
		// words of the answer, one every 100 ms
		words     int
		wantState string
	}{
		{"finishes within the grace period", "20s", 15, models.StateReady},
		{"cut at the end of the grace period", "1s", 600, models.StateVoid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dsn := liveDatabase(t, llmtest.Behavior{Text: strings.Repeat("slowly ", c.words), Delay: 100 * time.Millisecond})
			s := startServe(t, dsn, map[string]string{"ARENA_SHUTDOWN_GRACE": c.grace}, "--demo=false")
			go io.Copy(io.Discard, s.out)
			jar, _ := cookiejar.New(nil)
			voter := &http.Client{Jar: jar}
			id := startLiveBattle(t, voter, s.base)
			events := openStream(t, voter, s.base+"/api/v1/battles/"+id+"/stream")

			stopped := make(chan time.Duration, 1)
			go func() {
				took, err := s.stop(time.Minute)
				if err != nil {
					t.Errorf("serve returned %v after shutdown", err)
				}
				stopped <- took
			}()
			waitStatus(t, s.base+"/readyz", http.StatusServiceUnavailable)
			resp, err := voter.Post(s.base+"/api/v1/battles", "application/json", strings.NewReader(`{"prompt":"Another one?"}`))
			if err == nil {
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "shutting down") {
					t.Errorf("new battle while shutting down = %d %s, want 503 saying so", resp.StatusCode, body)
				}
			}
			kinds := <-events
			took := <-stopped
			grace, _ := time.ParseDuration(c.grace)
			if bound := grace + 20*time.Second; took > bound {
				t.Errorf("serve took %s to return, more than the bound %s", took, bound)
			}
			checkShutdownBattle(t, dsn, id, c.wantState, kinds)
		})
	}
}

// startLiveBattle starts a live battle through the API.
func startLiveBattle(t *testing.T, voter *http.Client, base string) string {
	t.Helper()
	resp, err := voter.Post(base+"/api/v1/battles", "application/json", strings.NewReader(`{"prompt":"Tell me a long story."}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	_, rest, ok := strings.Cut(string(body), `"id":"`)
	if resp.StatusCode != http.StatusCreated || !ok {
		t.Fatalf("start live battle = %d %s", resp.StatusCode, body)
	}
	id, _, _ := strings.Cut(rest, `"`)
	return id
}

// openStream opens a stream, waits for its first text, and sends the kinds
// of all its events once it ends.
func openStream(t *testing.T, voter *http.Client, url string) <-chan []string {
	t.Helper()
	resp, err := voter.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(resp.Body)
	var kinds []string
	for len(kinds) == 0 {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("the stream ended before its first event: %v", err)
		}
		if k, ok := strings.CutPrefix(strings.TrimSpace(line), "event: "); ok {
			kinds = append(kinds, k)
		}
	}
	out := make(chan []string, 1)
	go func() {
		defer resp.Body.Close()
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				out <- kinds
				return
			}
			if k, ok := strings.CutPrefix(strings.TrimSpace(line), "event: "); ok {
				kinds = append(kinds, k)
			}
		}
	}()
	return out
}

// waitStatus polls url until it answers status, for up to ten seconds.
func waitStatus(t *testing.T, url string, status int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == status {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never answered %d (last: %v)", url, status, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// checkShutdownBattle reads the battle from the stopped server's database: it must
// be in state want, never left streaming, and the stream's last event must
// agree (both answers done, or an error).
func checkShutdownBattle(t *testing.T, dsn, id, want string, kinds []string) {
	t.Helper()
	store, err := models.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	b, err := store.Battle(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if b.State != want {
		t.Errorf("battle after shutdown is %q (%s), want %q", b.State, b.VoidReason, want)
	}
	last := kinds[len(kinds)-1]
	switch {
	case want == models.StateVoid && (last != "error" || !strings.Contains(b.VoidReason, "shut down")):
		t.Errorf("cut stream ended with %q and reason %q, want an error event and the shutdown as reason", last, b.VoidReason)
	case want == models.StateReady && last != "done":
		t.Errorf("finished stream ended with %q, want done", last)
	}
}
