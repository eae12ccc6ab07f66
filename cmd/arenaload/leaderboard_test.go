package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/arena/boards"
	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// TestGetCountsAndErrors runs the GET mode against a loopback server that
// fails one path: requests are counted per path, failures as errors.
func TestGetCountsAndErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/broken" {
			http.Error(w, "no", http.StatusInternalServerError)
			return
		}
		w.Write([]byte("hello"))
	}))
	defer srv.Close()
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"get", "-url", srv.URL, "-paths", "/ok,/broken", "-clients", "4",
		"-duration", "200ms", "-warmup", "0s"}, &out, &errOut)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("output:\n%s", out.String())
	}
	ok, broken := strings.Split(lines[2], "|"), strings.Split(lines[3], "|")
	if strings.TrimSpace(ok[4]) != "0" || strings.TrimSpace(ok[3]) == "0" || strings.TrimSpace(ok[11]) != "5" {
		t.Errorf("ok path row: %s", lines[2])
	}
	if strings.TrimSpace(broken[3]) != "0" || strings.TrimSpace(broken[4]) == "0" || !strings.Contains(errOut.String(), "status 500") {
		t.Errorf("broken path row: %s (stderr %s)", lines[3], errOut.String())
	}
	if err := run(context.Background(), []string{"get", "-url", "http://10.0.0.1:80"}, &out, &errOut); err == nil {
		t.Error("a non-loopback server was accepted")
	}
}

// TestSeedFillsACategorisedArena seeds a small PostgreSQL arena and rates
// it: every vote is counted, and the category boards split them as the
// prompts' categories say.
func TestSeedFillsACategorisedArena(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds PostgreSQL")
	}
	dsn := storetest.PostgresDSN(t)
	var out bytes.Buffer
	if err := run(context.Background(), []string{"seed", "-db", dsn, "-models", "6", "-prompts", "16", "-votes", "3000"}, &out, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	s, err := models.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	total, counted, err := s.CountVotes(context.Background())
	if err != nil || total != 3000 || counted != 3000 {
		t.Fatalf("votes = %d, %d counted, %v", total, counted, err)
	}
	a := arena.New(s, arena.Options{Ratings: boards.Options{Rounds: 10, BoardCheck: time.Millisecond}})
	overall, err := a.Boards().RecomputeRatings(context.Background())
	if err != nil || overall.Votes != 3000 || len(overall.Models) != 6 {
		t.Fatalf("overall board = %+v, %v", overall, err)
	}
	cats, err := a.Boards().Categories(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, c := range cats {
		got[c.Name] = c.Votes
	}
	// The prompts rotate through 8 kinds; 2 of each among 16.
	for _, c := range []string{"coding", "math", "creative_writing", "long_query", "lang:de", "lang:fr"} {
		if v := got[c]; v < 3000/8/2 || v > 3000/8*2 {
			t.Errorf("category %s has %d votes, want about %d: %v", c, v, 3000/8, got)
		}
	}
	if err := run(context.Background(), []string{"seed", "-db", dsn, "-votes", "10"}, &out, &out); err == nil {
		t.Error("seeding a database that holds votes was accepted")
	}
}
