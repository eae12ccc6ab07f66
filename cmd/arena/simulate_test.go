package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSimulateDeterministic(t *testing.T) {
	dir := t.TempDir()
	var files [][]byte
	for i, seed := range []string{"7", "7", "8"} {
		out := filepath.Join(dir, "b"+string(rune('0'+i))+".csv")
		args := []string{"--models", "5", "--battles", "300", "--seed", seed, "--out", out}
		var stdout, stderr bytes.Buffer
		if err := runSimulate(context.Background(), args, &stdout, &stderr); err != nil {
			t.Fatalf("%v\n%s", err, stderr.String())
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, b)
	}
	if !bytes.Equal(files[0], files[1]) {
		t.Error("same seed wrote different files")
	}
	if bytes.Equal(files[0], files[2]) {
		t.Error("different seeds wrote the same file")
	}
	header, _, _ := strings.Cut(string(files[0]), "\n")
	want := "model_a,model_b,winner,sum_assistant_a_tokens,header_count_a,list_count_a,bold_count_a,sum_assistant_b_tokens,header_count_b,list_count_b,bold_count_b"
	if diff := cmp.Diff(want, header); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	if n := strings.Count(string(files[0]), "\n"); n != 301 {
		t.Errorf("%d lines, want 301", n)
	}
}

// TestSimulateThenRate runs the two commands end to end: the ratings of
// simulated battles must land near the truth written beside them.
func TestSimulateThenRate(t *testing.T) {
	dir := t.TempDir()
	battles, truthPath := filepath.Join(dir, "b.csv"), filepath.Join(dir, "truth.json")
	var stdout, stderr bytes.Buffer
	err := runSimulate(context.Background(), []string{"--models", "6", "--battles", "60000", "--seed", "3",
		"--tie-rate", "0", "--no-style-effect", "--out", battles, "--truth", truthPath}, &stdout, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	if err := runRatings(context.Background(), []string{"--battles", battles, "--rounds", "20"}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	var board ratingsOutput
	if err := json.Unmarshal(stdout.Bytes(), &board); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(truthPath)
	if err != nil {
		t.Fatal(err)
	}
	var truth struct{ Ratings map[string]float64 }
	if err := json.Unmarshal(raw, &truth); err != nil {
		t.Fatal(err)
	}
	for _, m := range board.Models {
		if d := m.Score - truth.Ratings[m.Model]; d > 15 || d < -15 {
			t.Errorf("%s: score %.1f, truth %.1f", m.Model, m.Score, truth.Ratings[m.Model])
		}
	}
}

func TestSimulateErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "--out is required"},
		{[]string{"--out", "-", "--models", "1"}, "--models 1"},
		{[]string{"--out", "-", "--tie-rate", "2"}, "--tie-rate 2"},
		{[]string{"--bogus"}, "flag provided but not defined"},
	} {
		var stdout, stderr bytes.Buffer
		err := runSimulate(context.Background(), tc.args, &stdout, &stderr)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want %q", tc.args, err, tc.want)
		}
	}
}
