package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"openarena.dev/arena/arena/integrity"
	"openarena.dev/arena/rating"
)

// riggingFlags are the settings of `arena simulate --rigging`.
type riggingFlags struct {
	rigging        bool
	budgets        string
	honestVoters   int
	honestVotes    int
	votesPerRigger int
	targetRank     int
	days           float64
	riggerRead     float64
	strategies     string
}

// addRiggingFlags declares the rigging simulation's flags on simulate.
func addRiggingFlags(fs *flag.FlagSet) *riggingFlags {
	r := &riggingFlags{}
	fs.BoolVar(&r.rigging, "rigging", false, "simulate honest voters plus rigging voters who always vote for a target model, run the integrity detector and report what it catches (writes a table, no battles)")
	fs.StringVar(&r.budgets, "budgets", "100,300,1000", "with --rigging: rigging budgets to try, in votes, comma-separated")
	fs.IntVar(&r.honestVoters, "honest-voters", 1000, "with --rigging: number of honest voters")
	fs.IntVar(&r.honestVotes, "honest-votes", 20000, "with --rigging: number of honest votes")
	fs.IntVar(&r.votesPerRigger, "votes-per-rigger", 50, "with --rigging: votes each rigging voter casts (the budget is split over budget/this voters)")
	fs.IntVar(&r.targetRank, "target-rank", 0, "with --rigging: true rank of the target model (0: three quarters down the board)")
	fs.Float64Var(&r.days, "days", 30, "with --rigging: days the votes are spread over")
	fs.Float64Var(&r.riggerRead, "rigger-read", 0, "with --rigging: median seconds a rigging voter reads before voting (0: as long as honest voters)")
	fs.StringVar(&r.strategies, "strategies", "selective,camouflaged", "with --rigging: rigger strategies, comma-separated: selective (votes only when the target appears) and camouflaged (votes on every battle served, honestly unless the target is in it)")
	return r
}

// riggingConfig is one rigging simulation.
type riggingConfig struct {
	Models, HonestVoters, HonestVotes, VotesPerRigger, TargetRank, Seeds int
	Budgets                                                              []int
	Strategies                                                           []string
	Seed                                                                 uint64
	TieRate, Days, RiggerRead                                            float64
	Integrity                                                            integrity.Options
}

// honestReadMedian is the median read time of simulated honest voters; the
// spread (σ = 0.8 in log space) puts about 2% of their votes under 3 s.
const honestReadMedian = 15.0

// riggingRun is the outcome of one budget on one seed.
type riggingRun struct {
	Riggers, RiggersCaught int
	// RigVotes are the rigging voters' votes for the target (the budget);
	// RigVotesExcluded those the detector left out. A camouflaged rigger's
	// cover votes are counted apart.
	RigVotes, RigVotesExcluded      int
	CoverVotes, CoverExcluded       int
	HonestVoters, HonestFlagged     int
	HonestVotes, HonestVotesExclude int
	// Score and rank of the target: truth, fitted on honest votes only,
	// with the rigging votes, and after the detector's exclusions.
	TrueScore, HonestScore, RiggedScore, CleanedScore float64
	TrueRank, HonestRank, RiggedRank, CleanedRank     int
}

// runRigging implements `arena simulate --rigging`.
func runRigging(ctx context.Context, fs *flag.FlagSet, sim rating.SimConfig, rf *riggingFlags, seeds int, stdout io.Writer) error {
	cfg, err := newRiggingConfig(fs, sim, rf, seeds)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Rigging detection: %d models, %d honest voters casting %d votes over %g days, target at true rank %d,\n"+
		"%d votes per rigging voter, %d seeds from %d; figures are means over seeds. Threshold %.2f, alpha %.2f.\n\n",
		cfg.Models, cfg.HonestVoters, cfg.HonestVotes, cfg.Days, cfg.TargetRank, cfg.VotesPerRigger, cfg.Seeds, cfg.Seed,
		integrity.DefaultOptions.Threshold, integrity.DefaultOptions.Alpha)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "strategy\tbudget\triggers\tcaught\trig votes out\thonest flagged\thonest votes out\t"+
		"true\thonest only\trigged\tcleaned\tΔscore rigged\tΔscore cleaned\t")
	for _, strategy := range cfg.Strategies {
		for _, budget := range cfg.Budgets {
			runs, err := riggingRuns(ctx, cfg, strategy, budget)
			if err != nil {
				return err
			}
			printRiggingRow(tw, cfg, strategy, budget, runs)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "\nbudget: rigging votes for the target; a camouflaged rigger also casts honest votes on the other battles it is served.\n"+
		"caught: rigging voters with at least half their votes for the target excluded. honest flagged: honest voters with any vote excluded.\n"+
		"Scores are Bradley–Terry fits (scale 400, centred at 1000); ranks count models with a higher fitted score.\n"+
		"Δscore: the target's fitted score minus its score on honest votes only.")
	return nil
}

// newRiggingConfig is the experiment the flags ask for, with the rigging
// defaults for the flags left unset, checked.
func newRiggingConfig(fs *flag.FlagSet, sim rating.SimConfig, rf *riggingFlags, seeds int) (riggingConfig, error) {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	cfg := riggingConfig{Models: sim.Models, HonestVoters: rf.honestVoters, HonestVotes: rf.honestVotes,
		VotesPerRigger: rf.votesPerRigger, TargetRank: rf.targetRank, Seeds: seeds, Seed: sim.Seed,
		TieRate: sim.TieRate, Days: rf.days, RiggerRead: rf.riggerRead}
	if !set["models"] {
		cfg.Models = 20
	}
	if !set["seeds"] {
		cfg.Seeds = 5
	}
	if !set["tie-rate"] {
		cfg.TieRate = 0.1
	}
	for _, f := range strings.Split(rf.budgets, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return cfg, fmt.Errorf("simulate: --budgets %q: want positive whole numbers separated by commas", rf.budgets)
		}
		cfg.Budgets = append(cfg.Budgets, n)
	}
	for _, f := range strings.Split(rf.strategies, ",") {
		switch f = strings.TrimSpace(f); f {
		case strategySelective, strategyCamouflaged:
			cfg.Strategies = append(cfg.Strategies, f)
		default:
			return cfg, fmt.Errorf("simulate: --strategies: unknown strategy %q (want selective or camouflaged)", f)
		}
	}
	if cfg.TargetRank == 0 {
		cfg.TargetRank = (3*cfg.Models + 3) / 4
	}
	switch {
	case cfg.Models < 3:
		return cfg, fmt.Errorf("simulate: --models %d: want at least 3", cfg.Models)
	case cfg.HonestVoters < 1 || cfg.HonestVotes < cfg.HonestVoters:
		return cfg, fmt.Errorf("simulate: want at least one honest voter and at least as many honest votes as voters")
	case cfg.VotesPerRigger < 1:
		return cfg, fmt.Errorf("simulate: --votes-per-rigger %d: want at least 1", cfg.VotesPerRigger)
	case cfg.TargetRank < 2 || cfg.TargetRank > cfg.Models:
		return cfg, fmt.Errorf("simulate: --target-rank %d: want 2 to %d (the best model has nowhere to climb)", cfg.TargetRank, cfg.Models)
	case cfg.Seeds < 1:
		return cfg, fmt.Errorf("simulate: --seeds %d: want at least 1", cfg.Seeds)
	case cfg.Days <= 0:
		return cfg, errors.New("simulate: --days must be positive")
	case cfg.TieRate < 0 || cfg.TieRate > 1:
		return cfg, fmt.Errorf("simulate: --tie-rate %v: want a share between 0 and 1", cfg.TieRate)
	}
	return cfg, nil
}

// riggingRuns simulates every seed of one strategy and budget.
func riggingRuns(ctx context.Context, cfg riggingConfig, strategy string, budget int) ([]riggingRun, error) {
	var runs []riggingRun
	for k := range cfg.Seeds {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		run, err := simulateRigging(cfg, strategy, budget, cfg.Seed+uint64(k))
		if err != nil {
			return nil, err
		}
		runs = append(runs, run)
	}
	return runs, nil
}

// printRiggingRow writes one strategy and budget's means over seeds as a
// table row.
func printRiggingRow(tw io.Writer, cfg riggingConfig, strategy string, budget int, runs []riggingRun) {
	m := func(f func(riggingRun) float64) float64 {
		s := 0.0
		for _, r := range runs {
			s += f(r)
		}
		return s / float64(len(runs))
	}
	fmt.Fprintf(tw, "%s\t%d\t%.1f\t%.1f\t%.1f%%\t%.1f of %d\t%.2f%%\t#%d %.0f\t#%.1f %.0f\t#%.1f %.0f\t#%.1f %.0f\t%+.0f\t%+.0f\t\n",
		strategy, budget,
		m(func(r riggingRun) float64 { return float64(r.Riggers) }),
		m(func(r riggingRun) float64 { return float64(r.RiggersCaught) }),
		100*m(func(r riggingRun) float64 { return float64(r.RigVotesExcluded) / float64(r.RigVotes) }),
		m(func(r riggingRun) float64 { return float64(r.HonestFlagged) }), cfg.HonestVoters,
		100*m(func(r riggingRun) float64 { return float64(r.HonestVotesExclude) / float64(r.HonestVotes) }),
		cfg.TargetRank, m(func(r riggingRun) float64 { return r.TrueScore }),
		m(func(r riggingRun) float64 { return float64(r.HonestRank) }), m(func(r riggingRun) float64 { return r.HonestScore }),
		m(func(r riggingRun) float64 { return float64(r.RiggedRank) }), m(func(r riggingRun) float64 { return r.RiggedScore }),
		m(func(r riggingRun) float64 { return float64(r.CleanedRank) }), m(func(r riggingRun) float64 { return r.CleanedScore }),
		m(func(r riggingRun) float64 { return r.RiggedScore - r.HonestScore }),
		m(func(r riggingRun) float64 { return r.CleanedScore - r.HonestScore }))
}

// Rigger strategies.
const (
	// strategySelective votes only on battles with the target (for it)
	// and abandons the others, the cheapest way to spend a budget.
	strategySelective = "selective"
	// strategyCamouflaged votes on every battle served: for the target
	// when it is there, honestly otherwise.
	strategyCamouflaged = "camouflaged"
)

// simulateRigging draws one seed's votes for one strategy and budget, runs
// the detector and fits the board three ways.
func simulateRigging(cfg riggingConfig, strategy string, budget int, seed uint64) (riggingRun, error) {
	w := newRiggingWorld(cfg, seed)
	target := cfg.TargetRank - 1
	riggers := (budget + cfg.VotesPerRigger - 1) / cfg.VotesPerRigger
	nVoters := cfg.HonestVoters + riggers
	sv := w.honestVotes(budget)
	sv = w.riggerVotes(sv, strategy, budget, target)
	slices.SortStableFunc(sv, func(x, y riggingVote) int {
		switch {
		case x.At < y.At:
			return -1
		case x.At > y.At:
			return 1
		}
		return 0
	})
	votes := make([]integrity.RiskVote, len(sv))
	for i, v := range sv {
		votes[i] = v.RiskVote
	}
	rep := integrity.ScoreVotes(votes, nVoters, cfg.Integrity)
	threshold := integrity.DefaultOptions.Threshold
	if cfg.Integrity.Threshold > 0 {
		threshold = cfg.Integrity.Threshold
	}
	excluded := make([]bool, len(votes))
	for i := range votes {
		excluded[i] = rep.Votes[i].Score >= threshold-1e-9
	}

	run := riggingRun{Riggers: riggers, RigVotes: budget, HonestVoters: cfg.HonestVoters, HonestVotes: cfg.HonestVotes,
		TrueScore: w.strengths[target], TrueRank: cfg.TargetRank}
	honest, all, cleaned := run.tally(sv, excluded, nVoters)
	var err error
	if run.HonestScore, run.HonestRank, err = fitTarget(cfg.Models, honest, target); err != nil {
		return run, err
	}
	if run.RiggedScore, run.RiggedRank, err = fitTarget(cfg.Models, all, target); err != nil {
		return run, err
	}
	run.CleanedScore, run.CleanedRank, err = fitTarget(cfg.Models, cleaned, target)
	return run, err
}

// fitTarget fits Bradley–Terry and returns the target's score and rank
// (1 + the number of models scoring higher).
func fitTarget(n int, outcomes []rating.Outcome, target int) (float64, int, error) {
	scores, err := rating.FitBT(n, rating.Cells(outcomes), rating.DefaultBT)
	if err != nil {
		return 0, 0, fmt.Errorf("simulate: Bradley–Terry fit: %w", err)
	}
	rank := 1
	for i, s := range scores {
		if i != target && s > scores[target] {
			rank++
		}
	}
	return scores[target], rank, nil
}
