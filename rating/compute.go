package rating

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
)

// ComputeBoard rates battles between the named models: online Elo in
// battle order, the Bradley–Terry arena score with intervals and Rank
// (UB), and, when asked and style counts are given (one per outcome), the
// style-controlled view. Models without battles are left off the board.
func ComputeBoard(ctx context.Context, models []string, outcomes []Outcome, style []StyleCounts, opt Options) (*Board, error) {
	if err := checkInput(models, outcomes, style, opt); err != nil {
		return nil, err
	}
	counts := BattleCounts(len(models), outcomes)
	active, local := activeModels(counts, outcomes)
	if len(active) == 0 {
		return &Board{Battles: len(outcomes)}, nil
	}
	// Online Elo is one sequential pass over every battle; it runs beside
	// the Bradley–Terry fit, which leaves a core idle until its bootstrap.
	eloDone := make(chan []float64, 1)
	go func() { eloDone <- OnlineElo(len(models), outcomes, opt.Elo) }()
	board, bt, err := plainBoard(ctx, models, counts, active, Cells(local), eloDone, opt)
	if err != nil {
		return nil, err
	}
	if opt.StyleControl {
		if err := addStyle(ctx, board, len(active), battleList{local, style}, bt, opt); err != nil {
			return nil, err
		}
	}
	board.sortByScore()
	return board, nil
}

// ComputePlainBoard is ComputeBoard without style control, from the
// battles already reduced: cells as Cells gives them over the named
// models, and elo as OnlineElo gives it for the same battles in order. A
// caller that keeps both as battles come costs no pass over the battles;
// the board is the one ComputeBoard gives for those battles.
func ComputePlainBoard(ctx context.Context, models []string, cells []Cell, elo []float64, opt Options) (*Board, error) {
	if err := checkCells(models, cells, elo, opt); err != nil {
		return nil, err
	}
	counts, battles := cellCounts(len(models), cells)
	active, local := activeCells(counts, cells)
	if len(active) == 0 {
		return &Board{Battles: battles}, nil
	}
	eloDone := make(chan []float64, 1)
	eloDone <- elo
	board, _, err := plainBoard(ctx, models, counts, active, local, eloDone, opt)
	if err != nil {
		return nil, err
	}
	board.sortByScore()
	return board, nil
}

// plainBoard fits the arena score and its intervals on cells over the
// active models (renumbered 0..len(active)-1) and lists every active
// model with its online Elo, which elo delivers. It returns the BT
// parameters over the active models too (the anchor renumbered).
func plainBoard(ctx context.Context, models []string, counts, active []int, cells []Cell, elo <-chan []float64, opt Options) (*Board, BTParams, error) {
	n := len(active)
	board := &Board{}
	for _, c := range cells {
		board.Battles += c.Count
	}
	if opt.GivenCounts != nil && n != len(models) {
		return nil, BTParams{}, errors.New("rating: given bootstrap counts need every named model to have battles")
	}
	bt := opt.BT
	if bt.Anchor != nil {
		a := *bt.Anchor
		a.Model = slices.Index(active, a.Model)
		bt.Anchor = &a
	}
	scores, ci, err := arenaScores(ctx, activeNames(models, active), cells, bt, opt)
	if err != nil {
		return nil, bt, err
	}
	eloR := <-elo
	ranks, spread := RankUB(ci), RankSpread(ci)
	for i, m := range active {
		board.Models = append(board.Models, ModelRating{
			Model: models[m], Index: m, OnlineElo: eloR[m], Score: scores[i], CI: ci[i], RankUB: ranks[i],
			RankBest: spread[i].Best, RankWorst: spread[i].Worst,
			Battles: counts[m], Preliminary: counts[m] < opt.MinVotes,
		})
	}
	return board, bt, nil
}

// sortByScore orders the board best score first, ties in model order.
func (b *Board) sortByScore() {
	slices.SortStableFunc(b.Models, func(x, y ModelRating) int { return cmp.Compare(y.Score, x.Score) })
}

// checkInput rejects inputs that would otherwise fail deep inside a fit.
func checkInput(models []string, outcomes []Outcome, style []StyleCounts, opt Options) error {
	for i, o := range outcomes {
		if o.A < 0 || o.A >= len(models) || o.B < 0 || o.B >= len(models) || o.A == o.B {
			return fmt.Errorf("rating: battle %d: bad models %d and %d for %d names", i, o.A, o.B, len(models))
		}
		if o.Result != 0 && o.Result != 0.5 && o.Result != 1 {
			return fmt.Errorf("rating: battle %d: result %v, want 0, 0.5 or 1", i, o.Result)
		}
	}
	if opt.StyleControl && len(style) != len(outcomes) {
		return fmt.Errorf("rating: style control needs style counts for each of the %d battles, got %d", len(outcomes), len(style))
	}
	if opt.GivenCounts != nil && opt.CI == CISandwich {
		return errors.New("rating: given bootstrap counts and sandwich intervals exclude each other")
	}
	return nil
}

// activeModels lists the models that fought (counts[m] > 0), and the
// outcomes renumbered over them, so absent models do not make the fit
// degenerate. When every model fought, the outcomes are returned as they
// are rather than copied.
func activeModels(counts []int, outcomes []Outcome) (active []int, local []Outcome) {
	active, pos := activePositions(counts)
	if len(active) == len(counts) {
		return active, outcomes
	}
	local = make([]Outcome, len(outcomes))
	for i, o := range outcomes {
		local[i] = Outcome{A: pos[o.A], B: pos[o.B], Result: o.Result}
	}
	return active, local
}

// activePositions lists the models that fought (counts[m] > 0) and each
// model's place among them, −1 for the others.
func activePositions(counts []int) (active, pos []int) {
	pos = make([]int, len(counts))
	for m, c := range counts {
		pos[m] = -1
		if c > 0 {
			pos[m] = len(active)
			active = append(active, m)
		}
	}
	return active, pos
}

// activeNames are the names of the active models, in their order.
func activeNames(models []string, active []int) []string {
	names := make([]string, len(active))
	for i, m := range active {
		names[i] = models[m]
	}
	return names
}

// arenaScores fits BT and its intervals in the chosen way, over the named
// models.
func arenaScores(ctx context.Context, names []string, cells []Cell, bt BTParams, opt Options) ([]float64, []Interval, error) {
	n := len(names)
	given := opt.GivenCells
	if opt.Reweight {
		cells = ReweightCells(cells, opt.MinPairCount)
		given = ReweightCells(given, opt.MinPairCount)
	}
	if opt.CI == CISandwich {
		ci, err := SandwichBT(n, cells, bt, opt.Level)
		if err != nil {
			return nil, nil, err
		}
		scores := make([]float64, n)
		for i, c := range ci {
			scores[i] = c.Median
		}
		return scores, ci, nil
	}
	scores, err := FitBT(n, cells, bt)
	if err != nil {
		return nil, nil, err
	}
	bo := opt.Bootstrap
	bo.Progress = progressOffset(bo.Progress, 0, totalRounds(opt))
	var samples [][]float64
	if opt.GivenCounts != nil {
		samples, err = BootstrapBTCounts(ctx, n, given, opt.GivenCounts, bt, bo)
	} else {
		samples, err = bootstrapCached(ctx, n, cells, bt, bo, opt.Draws, names)
	}
	if err != nil {
		return nil, nil, err
	}
	return scores, intervalsOrPoints(samples, scores, opt.Level), nil
}

// intervalsOrPoints summarises samples, or without any rounds gives
// zero-width intervals at the fitted values.
func intervalsOrPoints(samples [][]float64, fit []float64, level float64) []Interval {
	if len(samples) > 0 {
		return Intervals(samples, level)
	}
	ci := make([]Interval, len(fit))
	for i, v := range fit {
		ci[i] = Interval{Lower: v, Median: v, Upper: v}
	}
	return ci
}

// addStyle computes the style-controlled view and fills it into board,
// whose models are still in active order.
func addStyle(ctx context.Context, board *Board, n int, battles Battles, bt BTParams, opt Options) error {
	sp := opt.Style
	sp.BT = bt
	var fit *StyleFit
	var ci []Interval
	var coefCI *[NumStyleFeatures]Interval
	var err error
	if opt.CI == CISandwich {
		fit, ci, err = sandwichStyle(n, battles, sp, opt.Level)
	} else {
		fit, ci, coefCI, err = styleBootstrapCI(ctx, n, battles, sp, opt)
	}
	if err != nil {
		return err
	}
	ranks, spread := RankUB(ci), RankSpread(ci)
	for i := range board.Models {
		board.Models[i].Style = &StyleRating{
			Score: fit.Ratings[i], CI: ci[i], RankUB: ranks[i], RankBest: spread[i].Best, RankWorst: spread[i].Worst,
		}
	}
	board.Style = &StyleSummary{Coefficients: fit.Coefficients, CI: coefCI, Norm: fit.Norm}
	return nil
}

// styleBootstrapCI fits style control and bootstraps it.
func styleBootstrapCI(ctx context.Context, n int, battles Battles, sp StyleParams, opt Options) (*StyleFit, []Interval, *[NumStyleFeatures]Interval, error) {
	fit, full, start, err := fitStyle(n, battles, sp)
	if err != nil {
		return nil, nil, nil, err
	}
	bo := opt.Bootstrap
	done := len(opt.GivenCounts)
	if opt.GivenCounts == nil {
		done = bo.Rounds
	}
	bo.Progress = progressOffset(bo.Progress, done, totalRounds(opt))
	samples, err := bootstrapStyle(ctx, full, start, sp, bo)
	if err != nil {
		return nil, nil, nil, err
	}
	coefs := make([][]float64, len(samples.Coefficients))
	for r, c := range samples.Coefficients {
		coefs[r] = c[:]
	}
	if len(coefs) == 0 {
		return fit, intervalsOrPoints(nil, fit.Ratings, opt.Level), nil, nil
	}
	var coefCI [NumStyleFeatures]Interval
	copy(coefCI[:], Intervals(coefs, opt.Level))
	return fit, Intervals(samples.Ratings, opt.Level), &coefCI, nil
}

// totalRounds is the number of bootstrap fits ComputeBoard will run.
func totalRounds(opt Options) int {
	t := opt.Bootstrap.Rounds
	if opt.GivenCounts != nil {
		t = len(opt.GivenCounts)
	}
	if opt.StyleControl {
		t += opt.Bootstrap.Rounds
	}
	return t
}

// progressOffset reports one bootstrap's progress as part of the whole.
func progressOffset(p func(done, total int), offset, total int) func(int, int) {
	if p == nil {
		return nil
	}
	return func(done, _ int) { p(offset+done, total) }
}
