package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// goldenPublic is <repo root>/../shared/golden/public, or skips the test.
func goldenPublic(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "golden", "public")
	if _, err := os.Stat(filepath.Join(dir, "expected.json")); err != nil {
		t.Skipf("golden data not found at %s; skipping", dir)
	}
	return dir
}

func TestRatingsGolden(t *testing.T) {
	dir := goldenPublic(t)
	var stdout, stderr bytes.Buffer
	args := []string{"--battles", filepath.Join(dir, "battles.csv"), "--bootstrap-counts", filepath.Join(dir, "bootstrap_counts.csv"),
		"--style-control", "--rounds", "10"}
	if err := runRatings(context.Background(), args, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	var got ratingsOutput
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want struct {
		Exact struct {
			BT    map[string]float64 `json:"bt_exact_mle"`
			Lower map[string]float64 `json:"bootstrap_exact_lower"`
			Upper map[string]float64 `json:"bootstrap_exact_upper"`
			Style map[string]float64 `json:"style_control_exact_ratings"`
			Coef  map[string]float64 `json:"style_control_exact_coefficients"`
		} `json:"exact_reference"`
		RankUB    map[string]int     `json:"rank_ub"`
		OnlineElo map[string]float64 `json:"online_elo"`
	}
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	if got.Battles != 20000 || len(got.Models) != 24 || got.StyleCoefficients == nil {
		t.Fatalf("battles %d, models %d, coefficients %v", got.Battles, len(got.Models), got.StyleCoefficients)
	}
	for _, m := range got.Models {
		for _, c := range [][2]float64{
			{m.Score, want.Exact.BT[m.Model]}, {m.CILower, want.Exact.Lower[m.Model]},
			{m.CIUpper, want.Exact.Upper[m.Model]}, {m.Style.Score, want.Exact.Style[m.Model]},
			{m.OnlineElo, want.OnlineElo[m.Model]},
		} {
			if math.Abs(c[0]-c[1]) > 1e-6 {
				t.Errorf("%s: got %v, want %v", m.Model, c[0], c[1])
			}
		}
		if m.RankUB != want.RankUB[m.Model] {
			t.Errorf("%s: rank_ub %d, want %d", m.Model, m.RankUB, want.RankUB[m.Model])
		}
	}
	if d := math.Abs(got.StyleCoefficients.Length - want.Exact.Coef["sum_assistant_tokens"]); d > 1e-4 {
		t.Errorf("length coefficient off by %v", d)
	}
}

func TestRatingsErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "battles.csv")
	rows := "model_a,model_b,winner\n" + strings.Repeat("x,y,model_a\n", 15) + "x,y,x\n"
	if err := os.WriteFile(bad, []byte(rows), 0o644); err != nil {
		t.Fatal(err)
	}
	plain := filepath.Join(dir, "plain.csv")
	if err := os.WriteFile(plain, []byte("model_a,model_b,winner\nx,y,tie\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"bad winner", []string{"--battles", bad}, bad + `:17: unknown winner "x"`},
		{"no battles flag", nil, "--battles is required"},
		{"unknown flag", []string{"--nope"}, "flag provided but not defined"},
		{"bad ci", []string{"--battles", plain, "--ci", "magic"}, `--ci "magic"`},
		{"style without columns", []string{"--battles", plain, "--style-control"}, "needs the style columns"},
		{"missing file", []string{"--battles", filepath.Join(dir, "none.csv")}, "no such file"},
		{"unknown anchor", []string{"--battles", plain, "--anchor-model", "z"}, `--anchor-model "z"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := runRatings(context.Background(), tc.args, &stdout, &stderr)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestRatingsHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := runRatings(context.Background(), []string{"-h"}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr.String(), "--bootstrap-counts") && !strings.Contains(stderr.String(), "-bootstrap-counts") {
		t.Errorf("usage does not list the flags:\n%s", stderr.String())
	}
}
