package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"openarena.dev/arena/models/storetest"
)

// TestServeEmptyDatabase runs the real serve command on a fresh SQLite file:
// the first page must explain how to import a bank, and cancelling the
// context (what SIGTERM does) must shut the server down cleanly.
func TestServeEmptyDatabase(t *testing.T) {
	dsn := storetest.SQLiteDSN(t)
	env := map[string]string{"ARENA_DATABASE_URL": dsn, "ARENA_ADDR": "127.0.0.1:0", "ARENA_LOG_LEVEL": "warn"}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, func(k string) string { return env[k] }, strings.NewReader(""), pw, io.Discard)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("no start-up line: %v (%v)", err, <-done)
	}
	go io.Copy(io.Discard, pr)
	_, rest, ok := strings.Cut(line, "http://")
	if !ok {
		t.Fatalf("start-up line %q names no address", line)
	}
	base := "http://" + strings.Fields(rest)[0]
	resp, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "No battles yet") || !strings.Contains(string(body), "import outputs") {
		t.Errorf("first page on an empty database = %d:\n%s", resp.StatusCode, body)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v after shutdown", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop after its context ended")
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
