package main

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"
)

// On a small arena the selective riggers are caught, no honest voter is,
// the rigging moved the target and the exclusions undo it.
func TestSimulateRiggingCatchesSelectiveRiggers(t *testing.T) {
	cfg := riggingConfig{Models: 10, HonestVoters: 200, HonestVotes: 4000, VotesPerRigger: 50, TargetRank: 8,
		Seeds: 1, TieRate: 0.1, Days: 30}
	for _, strategy := range []string{strategySelective, strategyCamouflaged} {
		run, err := simulateRigging(cfg, strategy, 300, 3)
		if err != nil {
			t.Fatal(err)
		}
		if run.Riggers != 6 || run.RiggersCaught != 6 || run.RigVotesExcluded != 300 {
			t.Errorf("%s: caught %d of %d riggers, %d of 300 votes", strategy, run.RiggersCaught, run.Riggers, run.RigVotesExcluded)
		}
		if run.HonestFlagged != 0 || run.HonestVotesExclude != 0 {
			t.Errorf("%s: honest voters flagged %d, votes excluded %d", strategy, run.HonestFlagged, run.HonestVotesExclude)
		}
		if run.RiggedScore < run.HonestScore+20 {
			t.Errorf("%s: rigging moved the target only from %.0f to %.0f", strategy, run.HonestScore, run.RiggedScore)
		}
		// Selective riggers' votes all go, so the fit is the honest one;
		// camouflaged riggers' cover votes stay, honest in kind, so it is close.
		if strategy == strategySelective && (run.CleanedScore != run.HonestScore || run.CleanedRank != run.HonestRank) ||
			math.Abs(run.CleanedScore-run.HonestScore) > 5 {
			t.Errorf("%s: cleaned %.1f #%d, want the honest fit %.1f #%d", strategy, run.CleanedScore, run.CleanedRank, run.HonestScore, run.HonestRank)
		}
		if strategy == strategyCamouflaged && run.CoverVotes == 0 {
			t.Error("camouflaged riggers cast no cover votes")
		}
	}
}

func TestSimulateRiggingCommand(t *testing.T) {
	var stdout, stderr bytes.Buffer
	args := []string{"--rigging", "--models", "8", "--honest-voters", "100", "--honest-votes", "2000", "--budgets", "50,100", "--seeds", "2"}
	if err := runSimulate(context.Background(), args, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"8 models, 100 honest voters casting 2000 votes", "target at true rank 6", "2 seeds from 1",
		"selective      50", "camouflaged     100", "Δscore rigged"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, bad := range [][]string{
		{"--rigging", "--budgets", "ten"},
		{"--rigging", "--strategies", "sneaky"},
		{"--rigging", "--target-rank", "1"},
		{"--rigging", "--votes-per-rigger", "0"},
	} {
		if err := runSimulate(context.Background(), bad, &stdout, &stderr); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}
