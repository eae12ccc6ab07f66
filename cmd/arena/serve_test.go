package main

import (
	"bufio"
	"context"
	"io"
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"openarena.dev/arena/models/storetest"
)

// serveForTest runs the real serve command with args on a fresh SQLite
// file and returns its base URL; stop cancels it (what SIGTERM does) and
// checks that it shut down cleanly.
func serveForTest(t *testing.T, args ...string) (base string, stop func()) {
	t.Helper()
	s := startServe(t, storetest.SQLiteDSN(t), nil, args...)
	go io.Copy(io.Discard, s.out)
	return s.base, func() {
		if took, err := s.stop(20 * time.Second); err != nil {
			t.Errorf("serve returned %v after shutdown (%s)", err, took)
		}
	}
}

// served is a serve command running in the test.
type served struct {
	t    *testing.T
	base string
	// out is the rest of its standard output, after the start-up line.
	out    *bufio.Reader
	cancel context.CancelFunc
	done   chan error
}

// startServe runs the real serve command on dsn with the settings in env
// (beside the database and a quiet log) and args, and waits for its
// start-up line.
func startServe(t *testing.T, dsn string, env map[string]string, args ...string) *served {
	t.Helper()
	all := map[string]string{"ARENA_DATABASE_URL": dsn, "ARENA_LOG_LEVEL": "warn"}
	maps.Copy(all, env)
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	s := &served{t: t, cancel: cancel, done: make(chan error, 1), out: bufio.NewReader(pr)}
	go func() {
		s.done <- run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), func(k string) string { return all[k] }, strings.NewReader(""), pw, io.Discard)
		pw.Close()
	}()
	line, err := s.out.ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("no start-up line: %v (%v)", err, <-s.done)
	}
	_, rest, ok := strings.Cut(line, "http://")
	if !ok {
		cancel()
		t.Fatalf("start-up line %q names no address", line)
	}
	s.base = "http://" + strings.Fields(rest)[0]
	return s
}

// stop ends serve's context, as SIGTERM does, and returns how long serve
// took to return and what it returned; it fails the test if serve is still
// running after bound.
func (s *served) stop(bound time.Duration) (time.Duration, error) {
	s.t.Helper()
	start := time.Now()
	s.cancel()
	select {
	case err := <-s.done:
		return time.Since(start), err
	case <-time.After(bound):
		s.t.Fatalf("serve did not stop within %s after its context ended", bound)
		return 0, nil
	}
}

// get fetches a page of the test server.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestServeEmptyDatabase runs the real serve command on a fresh SQLite file
// with the demo turned off: the first page must explain how to import a
// bank and say how the demo works.
func TestServeEmptyDatabase(t *testing.T) {
	base, stop := serveForTest(t, "--demo=false")
	defer stop()
	status, body := get(t, base+"/")
	if status != 200 || !strings.Contains(body, "No battles yet") || !strings.Contains(body, "import outputs") ||
		!strings.Contains(body, "Demo mode is off") || strings.Contains(body, `id="demo-banner"`) {
		t.Errorf("first page on an empty database with --demo=false = %d:\n%s", status, body)
	}
}

// TestServeDemoByDefault runs serve with default settings on a fresh SQLite
// file: within seconds the first page is a battle between two demo answers
// with the four vote buttons, under the demo banner, and the leaderboard
// says it is a demo board.
func TestServeDemoByDefault(t *testing.T) {
	base, stop := serveForTest(t)
	defer stop()
	deadline := time.Now().Add(30 * time.Second)
	var status int
	var body string
	for {
		status, body = get(t, base+"/")
		if strings.Contains(body, `class="answers"`) || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if status != 200 || strings.Count(body, `class="answer"`) != 2 {
		t.Fatalf("first page = %d, want a battle with two answers:\n%s", status, body)
	}
	for _, w := range []string{`value="model_a"`, `value="model_b"`, `value="tie"`, `value="tie (bothbad)"`, `id="demo-banner"`, "not language models"} {
		if !strings.Contains(body, w) {
			t.Errorf("first page lacks %s", w)
		}
	}
	if status, board := get(t, base+"/leaderboard"); status != 200 || !strings.Contains(board, `id="demo-board"`) {
		t.Errorf("leaderboard = %d without the demo note:\n%s", status, board)
	}
	if _, api := get(t, base+"/api/v1/leaderboard"); !strings.Contains(api, `"demo":true`) {
		t.Errorf("leaderboard JSON does not say it is a demo board: %s", api)
	}
}

func TestServeConfigErrors(t *testing.T) {
	cases := map[string]map[string]string{
		"rate limit not a number": {"ARENA_RATE_LIMIT": "lots"},
		"negative rate limit":     {"ARENA_RATE_LIMIT": "-1"},
		"bad proxy network":       {"ARENA_TRUSTED_PROXIES": "10.0.0.0/99"},
		"bad log level":           {"ARENA_LOG_LEVEL": "loud"},
		"short secret":            {"ARENA_SECRET": "short"},
	}
	for name, env := range cases {
		t.Run(name, func(t *testing.T) {
			env["ARENA_DATABASE_URL"] = storetest.SQLiteDSN(t)
			env["ARENA_ADDR"] = "127.0.0.1:0"
			err := run(context.Background(), nil, func(k string) string { return env[k] }, strings.NewReader(""), io.Discard, io.Discard)
			if err == nil {
				t.Fatal("bad configuration accepted")
			}
		})
	}
}
