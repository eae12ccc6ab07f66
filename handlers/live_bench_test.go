package handlers_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/handlers"
	"openarena.dev/arena/llm"
	"openarena.dev/arena/llm/llmtest"
	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// BenchmarkLiveStreamOverhead measures what the arena adds to every streamed
// token of a live battle. Each op is one complete battle in which the
// chat-completions test server answers tokens=N content deltas per side,
// waiting delay=D before each (0: full speed, so many tokens reach the
// client in one read; 1ms: every token arrives on its own, as from a real
// model):
//
//   - path=direct: the baseline. The same OpenAI client (llm.New, the real
//     SDK over HTTP) consumes both sides' streams from the same test server,
//     at once, as the arena does, and throws the text away: no arena, no
//     database, no SSE re-encoding, no voter.
//   - path=arena-sqlite, path=arena-postgres: POST /api/v1/battles as a new
//     voter, then GET the event stream and read it to the last event,
//     through the real handlers and store. Pacing is out of the way: the
//     release size is unbounded, and as a side advances only when every side
//     still generating has that much buffered, the pacer holds everything
//     until both sides are done and then sends each side's whole answer in
//     one delta event (ticks every 200µs). This is the least SSE work a
//     battle can cost.
//   - path=arena-sqlite-12chars: the same with the production release size
//     (12 characters per side per tick, arena.DefaultLiveOptions), ticking
//     every 200µs instead of 40ms: the production number of SSE events, a
//     fraction of the production wall time. Its wall time is set by the
//     ticks; its CPU and allocations per token are the figures that matter.
//
// Besides ns/op it reports ns/token (wall time per streamed token, both sides
// counted), cpu-ns/token (user + system time of the whole test process per
// token, from getrusage: the test server, the client and, for the arena
// paths, the arena and its SSE reader, which all run in this process),
// allocs/token and, for the arena, sse-events/op. The arena's overhead per
// token is its figure minus direct's at the same tokens and delay. Run:
//
//	go test -run '^$' -bench LiveStream -benchtime 30x -count 5 ./handlers/
func BenchmarkLiveStreamOverhead(b *testing.B) {
	fast, prod := arena.Pace{Chars: 1 << 30}, arena.DefaultLiveOptions().Pace
	for _, c := range []struct {
		tokens int
		delay  time.Duration
	}{{100, 0}, {1000, 0}, {200, time.Millisecond}} {
		toks := benchTokens(c.tokens)
		name := fmt.Sprintf("tokens=%d/delay=%s/path=", c.tokens, c.delay)
		b.Run(name+"direct", func(b *testing.B) { benchDirect(b, toks, c.delay) })
		b.Run(name+"arena-sqlite", func(b *testing.B) { benchArena(b, "sqlite", toks, c.delay, fast) })
		if c.delay == 0 {
			b.Run(name+"arena-postgres", func(b *testing.B) { benchArena(b, "postgres", toks, c.delay, fast) })
		}
		b.Run(name+"arena-sqlite-12chars", func(b *testing.B) { benchArena(b, "sqlite", toks, c.delay, prod) })
	}
}

// benchWords are the answer's vocabulary: about 5.5 bytes a token with the
// leading space, close to an English tokenizer's average.
var benchWords = []string{"the", "model", "answers", "with", "a", "streamed", "sentence", "of", "plain", "words"}

// benchTokens is n content deltas, each a word with its leading space.
func benchTokens(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = " " + benchWords[i%len(benchWords)]
	}
	return out
}

// benchProvider points a contender at model on the test server.
func benchProvider(fake *llmtest.Server, model string) models.Provider {
	return models.Provider{Kind: "openai", BaseURL: fake.BaseURL(), Model: model, Params: map[string]any{"idle_timeout": 5}}
}

// benchBackend builds a contender's backend the way cmd/arena does: llm.New
// over the provider block.
func benchBackend(c *models.Contender) (llm.Backend, error) {
	p := c.Provider
	return llm.New(llm.ProviderConfig{Kind: p.Kind, BaseURL: p.BaseURL, Model: p.Model, Params: p.Params},
		func(string) string { return "" })
}

// benchUsage is what the process has spent so far: CPU time and heap allocations.
type benchUsage struct {
	cpu    time.Duration
	allocs uint64
}

func readUsage() benchUsage {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return benchUsage{cpu: time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), allocs: ms.Mallocs}
}

// report adds the per-token metrics of b.N battles of 2×n tokens each.
func reportPerToken(b *testing.B, u0 benchUsage, n int) {
	u1 := readUsage()
	tokens := float64(b.N) * 2 * float64(n)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/tokens, "ns/token")
	b.ReportMetric(float64(u1.cpu-u0.cpu)/tokens, "cpu-ns/token")
	b.ReportMetric(float64(u1.allocs-u0.allocs)/tokens, "allocs/token")
}

func benchDirect(b *testing.B, toks []string, delay time.Duration) {
	fake := llmtest.New(llmtest.Behavior{TokenList: toks, Delay: delay})
	defer fake.Close()
	var be [2]llm.Backend
	for s, model := range []string{"left", "right"} {
		c := &models.Contender{Provider: benchProvider(fake, model)}
		var err error
		if be[s], err = benchBackend(c); err != nil {
			b.Fatal(err)
		}
	}
	want := strings.Join(toks, "")
	req := llm.Request{Messages: []llm.Message{{Role: llm.RoleUser, Content: "Tell me something."}}}
	ctx := context.Background()
	b.ReportAllocs()
	runtime.GC()
	u0 := readUsage()
	for b.Loop() {
		var (
			wg   sync.WaitGroup
			res  [2]llm.Result
			errs [2]error
		)
		for s := range 2 {
			wg.Go(func() {
				res[s], errs[s] = be[s].Generate(ctx, req, func(string) error { return nil })
			})
		}
		wg.Wait()
		for s := range 2 {
			if errs[s] != nil || res[s].Text != want {
				b.Fatalf("side %d: %v, %d bytes of %d", s, errs[s], len(res[s].Text), len(want))
			}
		}
	}
	b.StopTimer()
	reportPerToken(b, u0, len(toks))
}

// newBenchArena serves the real handlers on a fresh store of the dialect,
// with two contenders answering toks from the test server.
func newBenchArena(b *testing.B, dialect string, toks []string, delay time.Duration, pace arena.Pace) *httptest.Server {
	b.Helper()
	fake := llmtest.New(llmtest.Behavior{TokenList: toks, Delay: delay})
	b.Cleanup(fake.Close)
	s := storetest.Open(b, dialect)
	cs := []models.Contender{testContenders[0], testContenders[1]}
	for i, model := range []string{"left", "right"} {
		cs[i].Provider = benchProvider(fake, model)
	}
	if _, err := s.UpsertContenders(context.Background(), cs, nil); err != nil {
		b.Fatal(err)
	}
	a := arena.New(s, arena.Options{Live: arena.LiveOptions{Backend: benchBackend, Tick: 200 * time.Microsecond,
		Pace: pace, Timeout: 30 * time.Second}})
	e, err := handlers.New(handlers.Config{Secret: []byte("bench-secret-0123456789")}, a, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(e)
	b.Cleanup(srv.Close)
	return srv
}

func benchArena(b *testing.B, dialect string, toks []string, delay time.Duration, pace arena.Pace) {
	srv := newBenchArena(b, dialect, toks, delay, pace)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8, DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	defer client.CloseIdleConnections()
	want := strings.Join(toks, "")
	// One untimed battle checks the whole answer arrives on both sides.
	if got := benchBattle(b, srv.URL, client, true).texts(); !slices.Equal(got, []string{want, want}) {
		b.Fatalf("stream gave %d and %d bytes, want %d each", len(got[0]), len(got[1]), len(want))
	}
	events := 0
	b.ReportAllocs()
	runtime.GC()
	u0 := readUsage()
	for b.Loop() {
		events += benchBattle(b, srv.URL, client, false).events
	}
	b.StopTimer()
	reportPerToken(b, u0, len(toks))
	b.ReportMetric(float64(events)/float64(b.N), "sse-events/op")
}

// streamed is what a battle's stream delivered: each side's text when kept,
// and the number of SSE events.
type streamed struct {
	text   [2]string
	events int
}

func (s streamed) texts() []string { return s.text[:] }

// benchBattle runs one battle as a new voter (no cookie, so the server
// issues one and the per-voter prompt limit never applies) and reads its
// stream to the end. It decodes the events' text only when keep is set;
// otherwise it counts events, as a browser's work is not the server's.
func benchBattle(b *testing.B, base string, c *http.Client, keep bool) (out streamed) {
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/battles", strings.NewReader(`{"prompt":"Tell me something."}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var started struct{ ID, Stream string }
	if resp.StatusCode != http.StatusCreated || json.Unmarshal(body, &started) != nil || started.Stream == "" {
		b.Fatalf("start = %d %s", resp.StatusCode, body)
	}
	req, _ = http.NewRequest(http.MethodGet, base+started.Stream, nil)
	for _, ck := range resp.Cookies() {
		req.AddCookie(ck)
	}
	resp, err = c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		b.Fatalf("stream = %d %s", resp.StatusCode, body)
	}
	var (
		kind []byte
		done int
		text [2]strings.Builder
	)
	br := bufio.NewReaderSize(resp.Body, 16<<10)
	for {
		line, err := br.ReadSlice('\n')
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatalf("reading the stream: %v", err)
		}
		switch {
		case bytes.HasPrefix(line, []byte("event: ")):
			kind = append(kind[:0], line[7:len(line)-1]...)
			out.events++
			switch string(kind) {
			case "done":
				done++
			case "error":
				rest, _ := br.ReadString('\n')
				b.Fatalf("the battle failed: %s", rest)
			}
		case keep && string(kind) == "delta" && bytes.HasPrefix(line, []byte("data: ")):
			var ev sseEvent
			if err := json.Unmarshal(line[6:], &ev); err != nil {
				b.Fatalf("bad event %q: %v", line, err)
			}
			text[map[string]int{"a": 0, "b": 1}[ev.Side]].WriteString(ev.Text)
		}
	}
	if done != 2 {
		b.Fatalf("stream ended with %d done events, want 2", done)
	}
	out.text = [2]string{text[0].String(), text[1].String()}
	return out
}
