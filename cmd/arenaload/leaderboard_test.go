package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

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
	// A new vote on the seeded bank counts: the answers name no model.
	b, err := a.StartBankBattle(context.Background(), "voter-after-seed")
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Vote(context.Background(), arena.VoteRequest{BattleID: b.ID, VoterID: "voter-after-seed", Winner: models.WinnerA})
	if err != nil || !res.Vote.Counted || res.Vote.Reason != "" {
		t.Errorf("a vote on the seeded bank = %+v, %v; want counted", res, err)
	}
	if err := run(context.Background(), []string{"seed", "-db", dsn, "-votes", "10"}, &out, &out); err == nil {
		t.Error("seeding a database that holds votes was accepted")
	}
}

// TestSeedIsReproducible seeds two databases with the same -seed and finds
// the same history in both: battle ids, pairs, prompts and outcomes, and
// the per-category offsets (visible through the outcomes' categories).
func TestSeedIsReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds PostgreSQL")
	}
	history := func() []string {
		dsn := storetest.PostgresDSN(t)
		var out bytes.Buffer
		args := []string{"seed", "-db", dsn, "-models", "5", "-prompts", "16", "-votes", "2500", "-seed", "7"}
		if err := run(context.Background(), args, &out, &out); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		conn, err := pgx.Connect(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(context.Background())
		rows, err := conn.Query(context.Background(), `SELECT b.id || ' ' || ca.slug || ' ' || cb.slug || ' ' || p.hash || ' ' || v.winner
			FROM votes v JOIN battles b ON b.id = v.battle_id JOIN contenders ca ON ca.id = b.contender_a_id
			JOIN contenders cb ON cb.id = b.contender_b_id JOIN prompts p ON p.id = b.prompt_id ORDER BY v.id`)
		if err != nil {
			t.Fatal(err)
		}
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		return lines
	}
	a, b := history(), history()
	if len(a) != 2500 {
		t.Fatalf("%d votes, want 2500", len(a))
	}
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("two seeds with -seed 7 differ (-first +second):\n%s", diff)
	}
}
