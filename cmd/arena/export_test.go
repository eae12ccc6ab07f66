package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/arena/boards"
	"openarena.dev/arena/arena/release"
	"openarena.dev/arena/arena/style"
	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// seedArena fills a store with bank battles voted by a few voters after
// hidden strengths, two multi-turn live battles, and votes that the
// ratings and the release both leave out. It returns the store's arena.
func seedArena(t *testing.T, dsn string, battles int) *arena.Arena {
	t.Helper()
	ctx := context.Background()
	s, err := openStore(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	slugs := []string{"alpha-7b", "beta-13b", "gamma-70b", "delta-1b"}
	strength := map[string]float64{"alpha-7b": 0.5, "beta-13b": 1.0, "gamma-70b": 1.6, "delta-1b": 0}
	var rows []models.BankRow
	for p := range 12 {
		for i, slug := range slugs {
			// Answers must not name their model, or the arena takes the
			// vote for a leak and does not count it.
			out := fmt.Sprintf("Answer %d, take %d.", p, i)
			if i%2 == 0 {
				out = fmt.Sprintf("## Answer\n\n- point %d\n- **bold** take %d", p, i)
			}
			rows = append(rows, models.BankRow{PromptID: fmt.Sprintf("q%d", p), Prompt: fmt.Sprintf("Question number %d?", p), Model: slug, Output: out})
		}
	}
	if _, err := s.ImportBank(ctx, rows, nil); err != nil {
		t.Fatal(err)
	}
	a := arena.New(s, arena.Options{Ratings: boards.Options{Rounds: 20, Seed: 7}})
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range battles {
		voter := fmt.Sprintf("%032d", i%9)
		b, err := a.StartBankBattle(ctx, voter)
		if err != nil {
			t.Fatal(err)
		}
		pa := 1 / (1 + math.Exp(strength[b.ContenderB.Slug]-strength[b.ContenderA.Slug]))
		w := models.WinnerB
		switch r := rng.Float64(); {
		case r < 0.1:
			w = models.WinnerTie
		case r < 0.15:
			w = models.WinnerBothBad
		case r < 0.15+0.85*pa:
			w = models.WinnerA
		}
		if _, err := a.Vote(ctx, arena.VoteRequest{BattleID: b.ID, VoterID: voter, Winner: w}); err != nil {
			t.Fatal(err)
		}
	}
	seedLive(t, s, "live-one-0000000000000000000001", "gamma-70b", "alpha-7b",
		[][3]string{{"Hi there", "Hello! **Welcome**.", "Hey."}, {"Tell me a joke", "- a\n- b", "No."}}, models.Vote{Counted: true, Winner: models.WinnerA})
	seedLive(t, s, "live-two-0000000000000000000002", "delta-1b", "beta-13b",
		[][3]string{{"Sum 2 and 2", "4", "Four"}}, models.Vote{Counted: true, Winner: models.WinnerTie})
	seedLive(t, s, "live-excluded-000000000000000003", "delta-1b", "beta-13b",
		[][3]string{{"Excluded", "x", "y"}}, models.Vote{Counted: true, Excluded: "admin: test"})
	seedLive(t, s, "live-leaked-00000000000000000004", "delta-1b", "beta-13b",
		[][3]string{{"Who made you?", "I am delta", "y"}}, models.Vote{Counted: false, Reason: "leak"})
	return a
}

// seedLive stores a voted live battle through the store's live methods;
// each turn is {prompt, answerA, answerB}.
func seedLive(t *testing.T, s *models.Store, id, slugA, slugB string, turns [][3]string, v models.Vote) {
	t.Helper()
	ctx := context.Background()
	ca, err := s.ContenderBySlug(ctx, slugA)
	if err != nil {
		t.Fatal(err)
	}
	cb, err := s.ContenderBySlug(ctx, slugB)
	if err != nil {
		t.Fatal(err)
	}
	b := &models.Battle{ID: id, ContenderAID: ca.ID, ContenderBID: cb.ID, VoterID: "live-voter", Mode: models.ModeLive, State: models.StateOpen}
	for i, turn := range turns {
		p := &models.Prompt{Text: turn[0], Hash: models.PromptHash(turn[0]), Source: models.SourceUser, Status: models.StatusApproved, Categories: []string{}}
		if i == 0 {
			err = s.StartLiveBattle(ctx, b, p)
		} else {
			_, err = s.AddTurn(ctx, b.ID, p)
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := s.ClaimBattle(ctx, b.ID, models.StateOpen, models.StateStreaming); err != nil {
			t.Fatal(err)
		}
		ra := &models.Response{ContenderID: ca.ID, Text: turn[1], Style: style.Measure(turn[1])}
		rb := &models.Response{ContenderID: cb.ID, Text: turn[2], Style: style.Measure(turn[2])}
		if err := s.FinishTurn(ctx, b, ra, rb, ""); err != nil {
			t.Fatal(err)
		}
	}
	v.BattleID, v.VoterID = id, b.VoterID
	if _, err := s.RecordVote(ctx, &v); err != nil {
		t.Fatal(err)
	}
}

// TestExportImportRoundTrip exports a store's battles, imports them into a
// fresh store and checks that both rate to the same board.
func TestExportImportRoundTrip(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			srcDSN := dsnFor(t, d)
			src := seedArena(t, srcDSN, 300)
			path := filepath.Join(t.TempDir(), "battles.json")
			out, err := runArena(t, srcDSN, "export", "battles", "--out", path, "--include-served-bank")
			if err != nil {
				t.Fatalf("export: %v\n%s", err, out)
			}
			for _, want := range []string{"exported 302 battles", "1  vote excluded", "1  vote not counted"} {
				if !strings.Contains(out, want) {
					t.Errorf("export output lacks %q:\n%s", want, out)
				}
			}
			dstDSN := dsnFor(t, d)
			out, err = runArena(t, dstDSN, "import", "battles", path)
			if err != nil || !strings.Contains(out, "302 imported, 0 already stored") || !strings.Contains(out, "4 new contenders") {
				t.Fatalf("import: %v\n%s", err, out)
			}
			out, err = runArena(t, dstDSN, "import", "battles", path)
			if err != nil || !strings.Contains(out, "0 imported, 302 already stored; 0 new prompts") {
				t.Fatalf("second import is not a no-op: %v\n%s", err, out)
			}
			dst, err := openStore(ctx, dstDSN)
			if err != nil {
				t.Fatal(err)
			}
			defer dst.Close()
			want, err := src.Boards().RecomputeRatings(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got, err := arena.New(dst, arena.Options{Ratings: boards.Options{Rounds: 20, Seed: 7}}).Boards().RecomputeRatings(ctx)
			if err != nil {
				t.Fatal(err)
			}
			compareBoards(t, want, got)

			// The imported store exports the same battles again.
			path2 := filepath.Join(t.TempDir(), "again.json")
			if out, err := runArena(t, dstDSN, "export", "battles", "--out", path2, "--include-served-bank"); err != nil {
				t.Fatalf("export of the import: %v\n%s", err, out)
			}
			first, second := readRelease(t, path), readRelease(t, path2)
			if len(first) != len(second) {
				t.Fatalf("re-export holds %d battles, first %d", len(second), len(first))
			}
			for i := range first {
				f, s := first[i], second[i]
				// Judges are pseudonyms of other voter ids, and the arena's
				// categorizer labels languages as it rates.
				f.Judge, s.Judge, f.Language, s.Language = "", "", "", ""
				if fmt.Sprint(f) != fmt.Sprint(s) {
					t.Fatalf("battle %d differs after the round trip:\n%+v\n%+v", i, f, s)
				}
			}
		})
	}
}

func compareBoards(t *testing.T, want, got *boards.RatedBoard) {
	t.Helper()
	if want.Votes != got.Votes || len(want.Models) != len(got.Models) {
		t.Fatalf("board of %d votes and %d models, want %d and %d", got.Votes, len(got.Models), want.Votes, len(want.Models))
	}
	for i, w := range want.Models {
		g := got.Models[i]
		close := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9 }
		if g.Slug != w.Slug || g.RankUB != w.RankUB || g.Votes != w.Votes || g.Wins != w.Wins || g.Ties != w.Ties ||
			!close(g.Score, w.Score) || !close(g.CILower, w.CILower) || !close(g.CIUpper, w.CIUpper) || !close(g.OnlineElo, w.OnlineElo) {
			t.Errorf("row %d = %+v\nwant      %+v", i, g, w)
		}
		if (w.Style == nil) != (g.Style == nil) || w.Style != nil && (!close(w.Style.Score, g.Style.Score) || w.Style.RankUB != g.Style.RankUB) {
			t.Errorf("row %d style = %+v, want %+v", i, g.Style, w.Style)
		}
	}
}

func readRelease(t *testing.T, path string) []release.Battle {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var bs []release.Battle
	if err := json.Unmarshal(data, &bs); err != nil {
		t.Fatalf("%s is not a JSON array of battles: %v", path, err)
	}
	return bs
}

// TestExportLeavesOutPersonalData seeds personal data in a prompt and in
// answers and checks none of it reaches the file, on both databases.
func TestExportLeavesOutPersonalData(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			dsn := dsnFor(t, d)
			a := seedArena(t, dsn, 20)
			s := a.Store()
			seedLive(t, s, "pii-email-00000000000000000001", "alpha-7b", "beta-13b",
				[][3]string{{"Write to mary.major@example.com for me", "ok", "ok"}}, models.Vote{Counted: true})
			seedLive(t, s, "pii-phone-00000000000000000002", "alpha-7b", "beta-13b",
				[][3]string{{"Whom do I call?", "Call +1 (415) 555-0132 now.", "No idea."}}, models.Vote{Counted: true})
			seedLive(t, s, "pii-card-000000000000000000003", "alpha-7b", "beta-13b",
				[][3]string{{"Hi", "Hello", "Hi"}, {"Test card?", "no", "Try 4012 8888 8888 1881."}}, models.Vote{Counted: true})
			path := filepath.Join(t.TempDir(), "release.json")
			out, err := runArena(t, dsn, "export", "battles", "--out", path, "--include-served-bank")
			if err != nil {
				t.Fatalf("export: %v\n%s", err, out)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, secret := range []string{"mary.major", "555-0132", "4012 8888", "pii-"} {
				if bytes.Contains(data, []byte(secret)) {
					t.Errorf("the export contains %q", secret)
				}
			}
			for _, want := range []string{"exported 22 battles", "personal data: e-mail address", "personal data: phone number", "personal data: payment card number"} {
				if !strings.Contains(out, want) {
					t.Errorf("export output lacks %q:\n%s", want, out)
				}
			}
		})
	}
}

// TestExportFilterErrorLeavesNoFile makes the screen fail midway and checks
// that neither the file nor a temporary one is left behind.
func TestExportFilterErrorLeavesNoFile(t *testing.T) {
	a := seedArena(t, dsnFor(t, "sqlite"), 20)
	dir := t.TempDir()
	path := filepath.Join(dir, "release.json")
	calls := 0
	boom := errors.New("filter rules could not be loaded")
	_, err := exportToFile(context.Background(), a, path, release.ExportOptions{JudgeKey: []byte("0123456789abcdef"),
		Screen: func(string) (string, error) {
			if calls++; calls > 10 {
				return "", boom
			}
			return "", nil
		}})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the filter's", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a failed export left %d files behind: %v", len(entries), entries)
	}
}

func TestExportStdoutAndUsage(t *testing.T) {
	dsn := dsnFor(t, "sqlite")
	seedArena(t, dsn, 5)
	var out, errb bytes.Buffer
	getenv := func(k string) string {
		if k == "ARENA_DATABASE_URL" {
			return dsn
		}
		return ""
	}
	if err := run(context.Background(), []string{"export", "battles", "--out", "-", "--include-served-bank"}, getenv, strings.NewReader(""), &out, &errb); err != nil {
		t.Fatalf("export to stdout: %v\n%s", err, errb.String())
	}
	var bs []release.Battle
	if err := json.Unmarshal(out.Bytes(), &bs); err != nil || len(bs) != 7 {
		t.Errorf("stdout holds %d battles (%v), want 7", len(bs), err)
	}
	if !strings.Contains(errb.String(), "exported 7 battles to standard output") {
		t.Errorf("summary not on stderr: %q", errb.String())
	}
	for _, args := range [][]string{{"export"}, {"export", "votes"}, {"export", "battles"}, {"export", "battles", "--out", "x", "extra"}} {
		if out, err := runArena(t, dsn, args...); err == nil {
			t.Errorf("%v succeeded:\n%s", args, out)
		}
	}
	if out, err := runArena(t, dsn, "export", "battles", "--out", filepath.Join(t.TempDir(), "no", "such", "dir.json")); err == nil {
		t.Errorf("export into a missing folder succeeded:\n%s", out)
	}
}
