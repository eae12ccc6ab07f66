package rating

import (
	"context"
	"fmt"
)

// BootstrapBT resamples the battles opt.Rounds times (a multinomial draw
// over the cells per round, seat mirrors pooled: see pairCells and
// resampler) and fits Bradley–Terry to each, returning
// samples[round][model] on the arena scale.
func BootstrapBT(ctx context.Context, n int, cells []Cell, p BTParams, opt BootstrapOptions) ([][]float64, error) {
	return bootstrapCached(ctx, n, cells, p, opt, nil, nil)
}

// bootstrapCached is BootstrapBT keeping the draws in cache (nil for
// none) between computations over the named models.
func bootstrapCached(ctx context.Context, n int, cells []Cell, p BTParams, opt BootstrapOptions, cache *DrawCache, names []string) ([][]float64, error) {
	cells = pairCells(cells)
	view := cache.open(names, cells, opt.Seed, opt.Rounds)
	rs := newResampler(cells, opt.Seed, view)
	samples, err := bootstrapBT(ctx, n, cells, p, opt, opt.Rounds, func(round int, out []int32) {
		var buf []int
		rs.draw(round, out, &buf)
	})
	view.close(cells, err == nil)
	return samples, err
}

// BootstrapBTCounts fits Bradley–Terry to given per-round cell counts,
// counts[round][cell], such as another implementation's draws.
func BootstrapBTCounts(ctx context.Context, n int, cells []Cell, counts [][]int, p BTParams, opt BootstrapOptions) ([][]float64, error) {
	for r, c := range counts {
		if len(c) != len(cells) {
			return nil, fmt.Errorf("rating: bootstrap round %d has %d counts for %d cells", r, len(c), len(cells))
		}
	}
	return bootstrapBT(ctx, n, cells, p, opt, len(counts), func(round int, out []int32) {
		for i, c := range counts[round] {
			out[i] = int32(c)
		}
	})
}

// bootstrapBT fits every round, each worker with its own buffers and each
// fit warm-started from the full-data optimum (the optimum is unique, so
// the start changes only the iteration count).
func bootstrapBT(ctx context.Context, n int, cells []Cell, p BTParams, opt BootstrapOptions, rounds int, draw func(round int, out []int32)) ([][]float64, error) {
	start := make([]float64, n)
	full := newBTProblem(n, cells)
	full.fill(cells, nil)
	fullSolver := newBTSolver(n)
	if err := fullSolver.solve(full, start, p); err != nil {
		return nil, err
	}
	// A round's Hessian at the full-data optimum differs from the full
	// data's by the resampling alone: its first step solves with the full
	// fit's last factor, and the round factors only once it is close.
	factor := fullSolver.nt.l
	startPr := full.sigmoids(start, p.alpha())
	samples := make([][]float64, rounds)
	err := runRounds(ctx, rounds, opt, func() func(int) error {
		prob := full.twin()
		solver := newBTSolver(n)
		solver.nt.start = factor
		counts := make([]int32, len(cells))
		return func(round int) error {
			draw(round, counts)
			prob.fill(cells, counts)
			theta := append([]float64(nil), start...)
			if err := solver.solveFrom(prob, theta, p, startPr); err != nil {
				return fmt.Errorf("bootstrap round %d: %w", round, err)
			}
			samples[round] = p.ratings(theta)
			return nil
		}
	})
	if err != nil {
		return nil, err
	}
	return samples, nil
}
