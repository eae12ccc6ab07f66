package main

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/arena/boards"
	"openarena.dev/arena/models/storetest"
)

// TestRatingsReproducesBoardFromRelease recomputes a published board from
// the battle release and its settings, on both databases: scores to 1e-9,
// intervals, ranks, rank spreads and the inputs digest exactly, both with
// and without pair reweighting. The release keeps the still-served bank
// battles (--include-served-bank); without them it holds fewer battles and
// the digest says the inputs differ.
func TestRatingsReproducesBoardFromRelease(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			dsn := dsnFor(t, d)
			seeded := seedArena(t, dsn, 240)
			dir := t.TempDir()
			full, public := filepath.Join(dir, "full.json"), filepath.Join(dir, "public.json")
			if out, err := runArena(t, dsn, "export", "battles", "--out", full, "--include-served-bank"); err != nil {
				t.Fatalf("export: %v\n%s", err, out)
			}
			if out, err := runArena(t, dsn, "export", "battles", "--out", public); err != nil {
				t.Fatalf("export: %v\n%s", err, out)
			}
			for _, opt := range []boards.Options{
				{Rounds: 30, Seed: 11, MinVotes: 60},
				{Rounds: 25, Seed: 3, Reweight: true, ReweightFloor: 40},
			} {
				a := arena.New(seeded.Store(), arena.Options{Ratings: opt})
				board, err := a.Boards().RecomputeRatings(ctx)
				if err != nil {
					t.Fatal(err)
				}
				settings := filepath.Join(dir, "settings.json")
				writeJSON(t, settings, board.Settings())
				got := rateRelease(t, full, settings)
				compareReproduction(t, board, got)
				if pub := rateRelease(t, public, settings); pub.Battles >= board.Votes || pub.InputsDigest == board.InputsDigest {
					t.Errorf("public release: %d battles with digest %s; the board rated %d with %s",
						pub.Battles, pub.InputsDigest, board.Votes, board.InputsDigest)
				}
			}
		})
	}
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// rateRelease runs `arena ratings` on a release with a settings file.
func rateRelease(t *testing.T, battles, settings string) ratingsOutput {
	t.Helper()
	out, err := runArena(t, "", "ratings", "--battles", battles, "--settings", settings, "--workers", "1")
	if err != nil {
		t.Fatalf("ratings: %v\n%s", err, out)
	}
	var got ratingsOutput
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("ratings output is not JSON: %v\n%s", err, out)
	}
	return got
}

func compareReproduction(t *testing.T, want *boards.RatedBoard, got ratingsOutput) {
	t.Helper()
	if got.InputsDigest == "" || got.InputsDigest != want.InputsDigest {
		t.Errorf("digest %q, want the board's %q", got.InputsDigest, want.InputsDigest)
	}
	if got.Battles != want.Votes || len(got.Models) != len(want.Models) {
		t.Fatalf("%d battles and %d models, want %d and %d", got.Battles, len(got.Models), want.Votes, len(want.Models))
	}
	close := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9 }
	for i, w := range want.Models {
		g := got.Models[i]
		if g.Model != w.Slug || !close(g.Score, w.Score) || g.CILower != w.CILower || g.CIUpper != w.CIUpper ||
			g.RankUB != w.RankUB || g.RankBest != w.RankBest || g.RankWorst != w.RankWorst ||
			g.Battles != w.Votes || g.Preliminary != w.Preliminary || !close(g.OnlineElo, w.OnlineElo) {
			t.Errorf("row %d = %+v\nwant the board's %+v", i, g, w)
		}
		if (g.Style == nil) != (w.Style == nil) {
			t.Fatalf("row %d: style %v, board's %v", i, g.Style, w.Style)
		}
		if s, ws := g.Style, w.Style; s != nil && (!close(s.Score, ws.Score) || s.CILower != ws.CILower ||
			s.CIUpper != ws.CIUpper || s.RankUB != ws.RankUB) {
			t.Errorf("row %d style = %+v, want %+v", i, *s, *ws)
		}
	}
}
