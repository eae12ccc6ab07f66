package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/handlers"
	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// demoServer starts the demo on a fresh store and returns the arena and
// its handlers, to be called with requests whose peer address the test
// sets.
func demoServer(t *testing.T, s *models.Store) (*arena.Arena, *echo.Echo) {
	t.Helper()
	a := arena.New(s, arena.Options{})
	if st, err := a.StartDemo(context.Background(), true, nil); err != nil || !st.On {
		t.Fatalf("StartDemo = %+v, %v", st, err)
	}
	e, err := handlers.New(handlers.Config{Secret: []byte("test-secret-0123456789")}, a, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return a, e
}

// getFrom serves a GET of path as if from the TCP peer remote, with
// optional header pairs.
func getFrom(t *testing.T, e *echo.Echo, path, remote string, headers ...string) string {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.RemoteAddr = remote
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s from %s = %d:\n%s", path, remote, rec.Code, rec.Body)
	}
	return rec.Body.String()
}

// While the demo is on every page carries the banner; the setup link with
// its secret token is given only to a peer on this machine, whatever a
// forwarded header claims, and the cached leaderboard does not hand one
// peer's frame to another. Real content removes the banner.
func TestDemoBanner(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		a, e := demoServer(t, s)
		token, ok, err := a.Accounts().SetupToken(ctx)
		if err != nil || !ok {
			t.Fatalf("SetupToken = %v, %v", ok, err)
		}
		// A published snapshot, so the leaderboard's rendered pages are
		// cached (before one they are not).
		for _, voter := range []string{"v1", "v2", "v3"} {
			b, err := a.StartBankBattle(ctx, voter)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Vote(ctx, arena.VoteRequest{BattleID: b.ID, VoterID: voter, Winner: models.WinnerA}); err != nil {
				t.Fatal(err)
			}
		}
		if board, err := a.Boards().RecomputeRatings(ctx); err != nil || board == nil {
			t.Fatalf("RecomputeRatings = %v, %v", board, err)
		}
		const inLog = "the setup link is printed in the server's log"
		peers := []struct {
			name, remote string
			headers      []string
			link         bool
		}{
			{"IPv4 loopback", "127.0.0.1:40000", nil, true},
			{"IPv6 loopback", "[::1]:40000", nil, true},
			{"other loopback address", "127.9.9.9:40000", nil, true},
			{"remote", "203.0.113.7:40000", nil, false},
			{"remote claiming loopback", "203.0.113.7:40000", []string{"X-Forwarded-For", "127.0.0.1", "X-Real-IP", "127.0.0.1"}, false},
		}
		for _, path := range []string{"/", "/leaderboard", "/suggest", "/models/demo-eliza"} {
			for _, p := range peers {
				body := getFrom(t, e, path, p.remote, p.headers...)
				if !strings.Contains(body, `id="demo-banner"`) || !strings.Contains(body, "not language models") ||
					!strings.Contains(body, "arena contenders discover -add") {
					t.Errorf("%s from %s: no demo banner", path, p.name)
				}
				if got := strings.Contains(body, token); got != p.link {
					t.Errorf("%s from %s: setup token shown = %t, want %t", path, p.name, got, p.link)
				}
				if !p.link && !strings.Contains(body, inLog) {
					t.Errorf("%s from %s: banner does not say where the setup link is", path, p.name)
				}
			}
		}

		// With an admin, no setup is offered to anyone (a fresh arena: the
		// banner's state is cached for a few seconds).
		if _, err := a.Accounts().CreateAdmin(ctx, "test", "alice", "correct horse battery staple"); err != nil {
			t.Fatal(err)
		}
		a2, e2 := demoServer(t, s)
		body := getFrom(t, e2, "/", "127.0.0.1:40000")
		if !strings.Contains(body, `id="demo-banner"`) || strings.Contains(body, "/admin/setup") || strings.Contains(body, inLog) {
			t.Errorf("banner with an admin: want it without setup:\n%s", body)
		}

		if _, err := a2.AddContender(ctx, "alice", models.Contender{Slug: "real-model", Weight: 1, Enabled: true}); err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/", "/leaderboard", "/suggest"} {
			if body := getFrom(t, e2, path, "127.0.0.1:40000"); strings.Contains(body, `id="demo-banner"`) || strings.Contains(body, `id="demo-board"`) {
				t.Errorf("%s after a real model arrived still shows the demo", path)
			}
		}
		if body := getFrom(t, e2, "/api/v1/leaderboard", "127.0.0.1:40000"); !strings.Contains(body, `"demo":false`) {
			t.Errorf("leaderboard JSON after the demo: %s", body)
		}
	})
}
