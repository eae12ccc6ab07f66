package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"

	"openarena.dev/arena/rating"
)

// policyFlags are the settings of `arena simulate --compare-policies`.
type policyFlags struct {
	compare    bool
	seeds      int
	refitEvery int
	top        int
	tolerance  float64
	explore    float64
	workers    int
}

// addPolicyFlags declares the comparison's flags on the simulate command.
func addPolicyFlags(fs *flag.FlagSet) *policyFlags {
	p := &policyFlags{}
	fs.BoolVar(&p.compare, "compare-policies", false, "compare uniform and informative pair sampling: votes needed to recover the true top models (writes a table, no battles)")
	fs.IntVar(&p.seeds, "seeds", 20, "with --compare-policies: number of seeds, from --seed on")
	fs.IntVar(&p.refitEvery, "refit-every", 500, "with --compare-policies: votes between Bradley–Terry refits (the policy sees the ratings of the last refit)")
	fs.IntVar(&p.top, "top", 10, "with --compare-policies: how many of the best models must be recovered")
	fs.Float64Var(&p.tolerance, "tolerance", 10, "with --compare-policies: points of true strength within which two models may swap places")
	fs.Float64Var(&p.explore, "explore", rating.DefaultExplore, "with --compare-policies: share of the informative policy's battles drawn uniformly")
	fs.IntVar(&p.workers, "workers", 0, "with --compare-policies: runs at once; 0 means every core")
	return p
}

// compareConfig is one comparison: M models of rating.Simulate's strengths
// (one set per seed), a vote budget, and the recovery criterion.
type compareConfig struct {
	Models, Budget, RefitEvery, Top, Seeds, Workers int
	Seed                                            uint64
	TieRate, Tolerance                              float64
	Policies                                        []rating.PairPolicy
}

// policyRun is one policy on one seed: Votes is the number of votes after
// which the top stayed recovered until the budget ran out; Recovered is
// false when it was not recovered at the budget, and Votes is then the
// budget (a lower bound).
type policyRun struct {
	Votes     int
	Recovered bool
}

// runComparePolicies implements `arena simulate --compare-policies`. Flags
// the user did not give take the comparison's own defaults (30 models,
// 100,000 votes) rather than those of a battles file.
func runComparePolicies(ctx context.Context, fs *flag.FlagSet, sim rating.SimConfig, pf *policyFlags, stdout, stderr io.Writer) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	cfg := compareConfig{Models: sim.Models, Budget: sim.Battles, RefitEvery: pf.refitEvery, Top: pf.top,
		Seeds: pf.seeds, Workers: pf.workers, Seed: sim.Seed, TieRate: sim.TieRate, Tolerance: pf.tolerance,
		Policies: []rating.PairPolicy{rating.UniformPolicy{}, rating.InformativePolicy{Explore: pf.explore}}}
	if !set["models"] {
		cfg.Models = 30
	}
	if !set["battles"] {
		cfg.Budget = 100_000
	}
	switch {
	case cfg.Seeds < 1:
		return fmt.Errorf("simulate: --seeds %d: want at least 1", cfg.Seeds)
	case cfg.RefitEvery < 1:
		return fmt.Errorf("simulate: --refit-every %d: want at least 1", cfg.RefitEvery)
	case cfg.Budget < cfg.RefitEvery:
		return fmt.Errorf("simulate: --battles %d: want at least one refit (--refit-every %d)", cfg.Budget, cfg.RefitEvery)
	case cfg.Top < 1 || cfg.Top > cfg.Models:
		return fmt.Errorf("simulate: --top %d: want between 1 and --models (%d)", cfg.Top, cfg.Models)
	case cfg.Tolerance < 0 || math.IsNaN(cfg.Tolerance):
		return fmt.Errorf("simulate: --tolerance %v: want 0 or more points", cfg.Tolerance)
	case !(pf.explore > 0 && pf.explore <= 1):
		return fmt.Errorf("simulate: --explore %v: want a share above 0 and at most 1", pf.explore)
	}
	bar := newProgress(stderr, cfg.Seeds*len(cfg.Policies)*(cfg.Budget/cfg.RefitEvery), "simulating")
	runs, err := comparePolicies(ctx, cfg, bar.step)
	bar.finish()
	if err != nil {
		return err
	}
	return writeComparison(stdout, cfg, runs)
}

// comparePolicies plays every policy on every seed, runs spread over
// cfg.Workers goroutines; runs[policy][seed]. step is called once per
// refit of any run, from one goroutine at a time.
func comparePolicies(ctx context.Context, cfg compareConfig, step func()) ([][]policyRun, error) {
	runs := make([][]policyRun, len(cfg.Policies))
	for p := range runs {
		runs[p] = make([]policyRun, cfg.Seeds)
	}
	type job struct{ p, s int }
	jobs := make(chan job)
	workers := cfg.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var (
		wg       sync.WaitGroup
		stepMu   sync.Mutex
		errMu    sync.Mutex
		firstErr error
	)
	locked := func() {
		stepMu.Lock()
		step()
		stepMu.Unlock()
	}
	for range min(workers, len(cfg.Policies)*cfg.Seeds) {
		wg.Go(func() {
			for j := range jobs {
				r, err := playPolicy(ctx, cfg, cfg.Policies[j.p], cfg.Seed+uint64(j.s), locked)
				if err != nil {
					errMu.Lock()
					firstErr = cmpErr(firstErr, err)
					errMu.Unlock()
					continue
				}
				runs[j.p][j.s] = r
			}
		})
	}
send:
	for s := range cfg.Seeds {
		for p := range cfg.Policies {
			select {
			case jobs <- job{p, s}:
			case <-ctx.Done():
				break send
			}
		}
	}
	close(jobs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return runs, firstErr
}

func cmpErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// playPolicy runs sequential battles between models of rating.Simulate's
// true strengths for seed, drawing each pair with policy from the ratings of
// the last refit, and returns when the top was recovered for good.
func playPolicy(ctx context.Context, cfg compareConfig, policy rating.PairPolicy, seed uint64, step func()) (policyRun, error) {
	_, truth := rating.Simulate(rating.SimConfig{Models: cfg.Models, Seed: seed})
	want := byScore(truth.Ratings)
	// The votes differ between policies but not the truth: each seed's
	// models are the same for both, so the comparison is paired.
	r := rand.New(rand.NewPCG(seed, 0x9a1a5))
	n := cfg.Models
	st := rating.Standing{Models: make([]rating.ModelStanding, n), Level: 0.95}
	for i := range st.Models {
		st.Models[i].Weight = 1
	}
	// tally[a][b][k] counts a-versus-b battles with A's result k/2.
	tally := make([][][3]int, n)
	for i := range tally {
		tally[i] = make([][3]int, n)
	}
	alpha := math.Ln10 / 400
	// since is the votes at the first refit of the current unbroken run
	// of recovered refits; 0 while the top is not recovered.
	since := 0
	w := policy.PairWeights(st)
	for t := 1; t <= cfg.Budget; t++ {
		a, b, ok := rating.SamplePair(w, r)
		if !ok {
			return policyRun{}, fmt.Errorf("policy %s drew no pair", policy.Name())
		}
		if r.IntN(2) == 1 {
			a, b = b, a
		}
		k := 0
		switch {
		case r.Float64() < cfg.TieRate:
			k = 1
		case r.Float64() < 1/(1+math.Exp(-alpha*(truth.Ratings[a]-truth.Ratings[b]))):
			k = 2
		}
		tally[a][b][k]++
		if t%cfg.RefitEvery != 0 {
			continue
		}
		if err := ctx.Err(); err != nil {
			return policyRun{}, err
		}
		ci, err := rating.SandwichBT(n, tallyCells(tally), rating.DefaultBT, st.Level)
		if err != nil {
			// An early board can be unfit (a model that never lost);
			// the policy keeps its last view until the next refit.
			since = 0
			step()
			continue
		}
		scores := make([]float64, n)
		for i, c := range ci {
			st.Models[i].Rated, st.Models[i].Score, st.Models[i].CI = true, c.Median, c
			scores[i] = c.Median
		}
		if topRecovered(byScore(scores), want, truth.Ratings, cfg.Top, cfg.Tolerance) {
			if since == 0 {
				since = t
			}
		} else {
			since = 0
		}
		w = policy.PairWeights(st)
		step()
	}
	if since == 0 {
		return policyRun{Votes: cfg.Budget}, nil
	}
	return policyRun{Votes: since, Recovered: true}, nil
}

// tallyCells turns the tally into the rating package's cells.
func tallyCells(tally [][][3]int) []rating.Cell {
	var cells []rating.Cell
	for a := range tally {
		for b := range tally[a] {
			for k, c := range tally[a][b] {
				if c > 0 {
					cells = append(cells, rating.Cell{A: a, B: b, Result: float64(k) / 2, Count: c})
				}
			}
		}
	}
	return cells
}

// byScore lists model indices best first; equal scores keep index order so
// the result is deterministic.
func byScore(scores []float64) []int {
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case scores[a] > scores[b]:
			return -1
		case scores[a] < scores[b]:
			return 1
		}
		return 0
	})
	return idx
}

// topRecovered is the comparison's criterion: for every place k among the
// first top, the model rated k-th is within tol points of true strength of
// the truly k-th model. With tol 0 (and distinct strengths) that is exactly
// "the top set is right and in the right order"; a positive tol lets models
// closer than tol swap, including across the boundary, because no finite
// number of votes separates models that are all but equal.
func topRecovered(fitted, want []int, truth []float64, top int, tol float64) bool {
	for k := range top {
		if math.Abs(truth[fitted[k]]-truth[want[k]]) > tol {
			return false
		}
	}
	return true
}

// writeComparison prints the settings and a Markdown table: votes needed per
// policy (mean ± sd over seeds) and how many seeds recovered, then the
// saving of the last policy over the first.
func writeComparison(w io.Writer, cfg compareConfig, runs [][]policyRun) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%d models (rating.Simulate strengths), seeds %d–%d, budget %d votes, Bradley–Terry refit every %d votes, tie rate %.2g\n",
		cfg.Models, cfg.Seed, cfg.Seed+uint64(cfg.Seeds)-1, cfg.Budget, cfg.RefitEvery, cfg.TieRate)
	fmt.Fprintf(&b, "recovered: the k-th rated model is within %g points of the true k-th, for k = 1..%d, at every refit from then to the budget\n\n",
		cfg.Tolerance, cfg.Top)
	// Per-seed figures help with a handful of seeds and drown the table
	// with many.
	perSeed := cfg.Seeds <= 10
	fmt.Fprintf(&b, "| policy | votes to recover the true top %d (mean ± sd) | recovered |", cfg.Top)
	if perSeed {
		b.WriteString(" per seed |\n|---|---:|---:|---|\n")
	} else {
		b.WriteString("\n|---|---:|---:|\n")
	}
	means := make([]float64, len(runs))
	censored := false
	for p, rs := range runs {
		votes := make([]float64, len(rs))
		per := make([]string, len(rs))
		recovered := 0
		for s, r := range rs {
			votes[s] = float64(r.Votes)
			per[s] = fmt.Sprint(r.Votes)
			if r.Recovered {
				recovered++
			} else {
				per[s] = "≥" + per[s]
			}
		}
		m, sd := meanSD(votes)
		means[p] = m
		bound := ""
		if recovered < len(rs) {
			bound, censored = "≥ ", true
		}
		fmt.Fprintf(&b, "| %s | %s%.0f ± %.0f | %d/%d |", cfg.Policies[p].Name(), bound, m, sd, recovered, len(rs))
		if perSeed {
			fmt.Fprintf(&b, " %s |", strings.Join(per, " "))
		}
		b.WriteString("\n")
	}
	if censored {
		b.WriteString("\n≥: some seeds did not recover the top within the budget; they count as the budget, so that mean is a lower bound.\n")
	}
	if len(runs) >= 2 && means[0] > 0 {
		last := len(runs) - 1
		// Both policies face the same models on a seed, and seeds differ
		// a lot in difficulty, so the paired difference is the sharper
		// figure.
		diffs := make([]float64, cfg.Seeds)
		faster := 0
		for s := range diffs {
			diffs[s] = float64(runs[0][s].Votes - runs[last][s].Votes)
			if diffs[s] > 0 {
				faster++
			}
		}
		m, sd := meanSD(diffs)
		fmt.Fprintf(&b, "\nsaving: %s needs %.0f%% fewer votes than %s (ratio of the means); paired, %.0f ± %.0f votes fewer per seed (mean ± standard error), fewer on %d of %d seeds.\n",
			cfg.Policies[last].Name(), 100*(1-means[last]/means[0]), cfg.Policies[0].Name(),
			m, sd/math.Sqrt(float64(cfg.Seeds)), faster, cfg.Seeds)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// meanSD is the mean and sample standard deviation (0 for one value).
func meanSD(xs []float64) (mean, sd float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	if len(xs) < 2 {
		return mean, 0
	}
	for _, x := range xs {
		sd += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(sd / float64(len(xs)-1))
}
