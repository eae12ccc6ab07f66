package rating

import "math"

// SandwichStyle gives intervals for style-controlled ratings from the
// robust covariance H⁻¹·G·H⁻¹ of the penalised fit, the same estimator
// SandwichBT uses, over the (models+4) parameters. Median holds the fit.
func SandwichStyle(n int, outcomes []Outcome, style []StyleCounts, p StyleParams, level float64) (*StyleFit, []Interval, error) {
	return sandwichStyle(n, battleList{outcomes, style}, p, level)
}

func sandwichStyle(n int, battles Battles, p StyleParams, level float64) (*StyleFit, []Interval, error) {
	if err := checkStyleModels(n); err != nil {
		return nil, nil, err
	}
	norm := styleNorm(battles)
	prob := newStyleProblem(n, battles, &norm)
	solver := newStyleSolver(prob, p)
	dim := n + NumStyleFeatures
	x := make([]float64, dim)
	if err := solver.solve(x); err != nil {
		return nil, nil, err
	}
	h := make([]float64, dim*dim)
	g := make([]float64, dim*dim)
	grad := make([]float64, dim)
	solver.obj.eval(x, grad, h)
	solver.obj.outer = true
	solver.obj.eval(x, grad, g)
	solver.obj.outer = false
	se, err := sandwichSE(h, g, dim)
	if err != nil {
		return nil, nil, err
	}
	fit := p.result(x, n)
	fit.Norm = norm
	z := normalQuantile((1 + level) / 2)
	out := make([]Interval, n)
	for i := range out {
		// se is in θ units; a θ unit is Scale rating points.
		w := z * se[i] * p.BT.Scale
		out[i] = Interval{Lower: fit.Ratings[i] - w, Median: fit.Ratings[i], Upper: fit.Ratings[i] + w}
	}
	return fit, out, nil
}

// outerWeight is Σ over a row's battles of (y−p)², the weight of the
// row's gradient outer product in the sandwich's middle matrix.
func outerWeight(counts [3]int32, pr float64) float64 {
	return float64(counts[0])*pr*pr + float64(counts[1])*math.Pow(0.5-pr, 2) + float64(counts[2])*math.Pow(1-pr, 2)
}
