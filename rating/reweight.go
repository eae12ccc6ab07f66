package rating

// DefaultMinPairCount is the pair-count floor of reweighting: a pair with
// fewer battles is weighted as if it had this many, so a pair met twice
// cannot outweigh a pair met a thousand times. arena-rank uses 50.
const DefaultMinPairCount = 50

// ReweightCells returns copies of cells weighted so that each pair of
// models counts about equally, whatever the sampler made of it: every
// battle of unordered pair p gets weight c / max(n_p, floor), with n_p the
// pair's battles over all outcomes and both seat orders (floor ≤ 0 means
// DefaultMinPairCount).
//
// This is lmarena/arena-rank's `reweighted=True` rule (weights
// 1/max(pair count, min_pair_count), fixed from the full data and kept
// through the bootstrap). The constant c, which arena-rank does not apply
// to the plain Bradley–Terry fit, rescales the weights so they sum to the
// number of battles: it changes neither the maximum-likelihood scores nor
// sandwich intervals, and it keeps the fallback ridge and the convergence
// test at the same strength as in the unweighted fit.
//
// Why a reader might want it: when some pairs are sampled far more than
// others (a new model pitted mostly against one rival), the plain fit lets
// those pairs dominate; reweighting asks instead how each model does
// against the field, one pair at a time.
func ReweightCells(cells []Cell, floor int) []Cell {
	if floor <= 0 {
		floor = DefaultMinPairCount
	}
	pairCount := make(map[[2]int]int)
	for _, c := range cells {
		pairCount[pairKey(c.A, c.B)] += c.Count
	}
	battles, weighted := 0.0, 0.0
	raw := make([]float64, len(cells))
	for i, c := range cells {
		raw[i] = 1 / float64(max(pairCount[pairKey(c.A, c.B)], floor))
		battles += float64(c.Count)
		weighted += float64(c.Count) * raw[i]
	}
	out := make([]Cell, len(cells))
	if weighted == 0 {
		copy(out, cells)
		return out
	}
	for i, c := range cells {
		c.Weight = raw[i] * battles / weighted
		out[i] = c
	}
	return out
}

// pairKey is the unordered pair {a, b}.
func pairKey(a, b int) [2]int {
	if a > b {
		a, b = b, a
	}
	return [2]int{a, b}
}
