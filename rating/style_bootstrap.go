package rating

import (
	"context"
	"fmt"
)

// StyleSamples are the per-round fits of a style-control bootstrap.
type StyleSamples struct {
	Ratings      [][]float64
	Coefficients [][NumStyleFeatures]float64
}

// BootstrapStyle resamples battles opt.Rounds times (a multinomial draw
// over the distinct (row, outcome) cells) and refits style control to
// each. As in the arena's code the features keep the full data's
// normalisation.
func BootstrapStyle(ctx context.Context, n int, outcomes []Outcome, style []StyleCounts, p StyleParams, opt BootstrapOptions) (*StyleSamples, error) {
	_, full, start, err := fitStyle(n, battleList{outcomes, style}, p)
	if err != nil {
		return nil, err
	}
	return bootstrapStyle(ctx, full, start, p, opt)
}

// bootstrapStyle is BootstrapStyle given the pooled problem and its
// full-data optimum; it drops the problem's own weights.
func bootstrapStyle(ctx context.Context, full *styleProblem, start []float64, p StyleParams, opt BootstrapOptions) (*StyleSamples, error) {
	n := full.n
	if opt.Rounds <= 0 {
		return &StyleSamples{Ratings: [][]float64{}, Coefficients: [][NumStyleFeatures]float64{}}, nil
	}
	// Every round starts at the full-data fit, where the rows' win
	// probabilities are the same whatever the round's weights.
	startPr := newStyleSolver(full, p).obj.rowProbs(start)
	mn := newMultinomial(full.cellWeights())
	// The rounds weigh the rows afresh: the full data's weights would only
	// be held through them.
	rows := len(full.a)
	full.w, full.active = rowWeights{}, nil
	out := &StyleSamples{
		Ratings:      make([][]float64, opt.Rounds),
		Coefficients: make([][NumStyleFeatures]float64, opt.Rounds),
	}
	err := runRounds(ctx, opt.Rounds, opt, func() func(int) error {
		// Rows are shared read-only; each worker has its own W and S.
		prob := *full
		prob.w = newRowWeights(rows)
		prob.active = nil
		solver := newStyleSolver(&prob, p)
		solver.obj.start, solver.obj.startPr = start, startPr
		counts := make([]int32, len(mn.weights))
		return func(round int) error {
			mn.draw(roundRand(opt.Seed, round), counts)
			prob.fillFromCounts(counts)
			x := append([]float64(nil), start...)
			if err := solver.solve(x); err != nil {
				return fmt.Errorf("style bootstrap round %d: %w", round, err)
			}
			fit := p.result(x, n)
			out.Ratings[round], out.Coefficients[round] = fit.Ratings, fit.Coefficients
			return nil
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
