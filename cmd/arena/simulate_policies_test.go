package main

import (
	"bytes"
	"context"
	"io"
	"regexp"
	"strings"
	"testing"
)

// TestComparePolicies runs the comparison on a tiny arena: both policies
// get a row with numbers, the saving is reported, and the same seeds print
// the same table on any number of workers.
func TestComparePolicies(t *testing.T) {
	run := func(workers string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		args := []string{"--compare-policies", "--models", "6", "--top", "3", "--battles", "3000",
			"--refit-every", "250", "--seeds", "3", "--workers", workers}
		if err := runSimulate(context.Background(), args, &stdout, &stderr); err != nil {
			t.Fatalf("%v\n%s", err, stderr.String())
		}
		return stdout.String()
	}
	out := run("1")
	t.Log("\n" + out)
	for _, policy := range []string{"uniform", "informative"} {
		row := regexp.MustCompile(`(?m)^\| ` + policy + ` \| (≥ )?\d+ ± \d+ \| \d/3 \| (≥?\d+ ?){3} \|$`)
		if !row.MatchString(out) {
			t.Errorf("no row with numbers for %s", policy)
		}
	}
	for _, want := range []string{"6 models", "seeds 1–3", "budget 3000 votes", "refit every 250 votes", "true top 3", "saving: informative needs"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if again := run("2"); again != out {
		t.Errorf("two workers printed\n%s\nwant\n%s", again, out)
	}
}

func TestComparePoliciesErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--seeds", "0"}, "--seeds 0"},
		{[]string{"--models", "5", "--top", "6"}, "--top 6"},
		{[]string{"--battles", "100"}, "--battles 100"},
		{[]string{"--refit-every", "0"}, "--refit-every 0"},
		{[]string{"--tolerance", "-1"}, "--tolerance -1"},
		{[]string{"--explore", "0"}, "--explore 0"},
		{[]string{"--models", "1"}, "--models 1"},
	} {
		var stdout, stderr bytes.Buffer
		err := runSimulate(context.Background(), append([]string{"--compare-policies"}, tc.args...), &stdout, &stderr)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want %q", tc.args, err, tc.want)
		}
	}
}

func TestTopRecovered(t *testing.T) {
	// True strengths: model 0 best, then 1 (3 points behind), 2, 3.
	truth := []float64{1100, 1097, 1050, 1000}
	want := byScore(truth)
	for _, tc := range []struct {
		name   string
		scores []float64
		top    int
		tol    float64
		ok     bool
	}{
		{"exact", []float64{1090, 1080, 1040, 990}, 3, 0, true},
		{"swap within tolerance", []float64{1080, 1090, 1040, 990}, 3, 5, true},
		{"swap beyond tolerance", []float64{1080, 1090, 1040, 990}, 3, 2, false},
		{"wrong set", []float64{1090, 1080, 1000, 1040}, 3, 10, false},
		{"order below the top is free", []float64{1090, 1080, 1000, 1040}, 2, 0, true},
	} {
		if got := topRecovered(byScore(tc.scores), want, truth, tc.top, tc.tol); got != tc.ok {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.ok)
		}
	}
}

// TestSamplingConfig covers ARENA_SAMPLING, which picks the live sampler's
// policy from the same two the comparison measures.
func TestSamplingConfig(t *testing.T) {
	for env, want := range map[string]string{"": "informative", "informative": "informative", "uniform": "uniform"} {
		cfg, err := loadConfig(nil, func(k string) string {
			if k == "ARENA_SAMPLING" {
				return env
			}
			return ""
		}, io.Discard)
		if err != nil || cfg.Sampling == nil || cfg.Sampling.Name() != want {
			t.Errorf("ARENA_SAMPLING=%q: %v, %v; want %s", env, cfg.Sampling, err, want)
		}
	}
	_, err := loadConfig(nil, func(k string) string {
		if k == "ARENA_SAMPLING" {
			return "greedy"
		}
		return ""
	}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "ARENA_SAMPLING") {
		t.Errorf("ARENA_SAMPLING=greedy: error %v", err)
	}
}
