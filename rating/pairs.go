package rating

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// PairPolicy decides how likely each pair of contenders is to meet in the
// next battle. Policies are pure functions of what is known now, so the
// same standing always gives the same weights; randomness enters only in
// SamplePair, through a caller's seeded generator.
type PairPolicy interface {
	// Name is the policy's configuration name, as ParsePairPolicy reads it.
	Name() string
	// PairWeights returns w, n×n for the n models of s, with w[i][j] =
	// w[j][i] the chance that i and j meet next: zero on the diagonal and
	// for every pair with a contender of weight 0, and summing to 1 over
	// the pairs i < j. When no pair can be drawn (fewer than two
	// contenders of positive weight) every entry is 0.
	PairWeights(s Standing) [][]float64
}

// Standing is what a pair policy knows when the next battle is drawn.
type Standing struct {
	// Models are the contenders that may be drawn, in the caller's order.
	Models []ModelStanding
	// Level is the coverage of the models' intervals; 0 means 0.95.
	Level float64
	// BT turns score differences into logits and win chances; a zero
	// Scale means DefaultBT.
	BT BTParams
}

// ModelStanding is one contender as a pair policy sees it.
type ModelStanding struct {
	// Weight is the contender's sampling weight: a pair's chance is
	// multiplied by both weights, so a boosted model meets more often and
	// a model of weight 0 (or less) never.
	Weight float64
	// Rated says Score and CI are known. An unrated contender (new, or
	// not on the board yet) counts as maximally uncertain against all.
	Rated bool
	// Score is the current rating on the arena scale and CI its interval
	// at Standing.Level. A zero-width interval means exactly known.
	Score float64
	CI    Interval
}

// DefaultExplore is the share of battles the informative policy draws
// uniformly: enough that a wrong early rating still gets corrected (a pair
// the policy believes settled keeps meeting now and then), small enough to
// keep most of the votes where the order is in doubt.
const DefaultExplore = 0.1

// Policy names, as ARENA_SAMPLING takes them and comparisons print them.
const (
	PolicyUniform     = "uniform"
	PolicyInformative = "informative"
)

// ParsePairPolicy returns the policy called name, with default settings.
func ParsePairPolicy(name string) (PairPolicy, error) {
	switch name {
	case PolicyUniform:
		return UniformPolicy{}, nil
	case PolicyInformative:
		return InformativePolicy{}, nil
	}
	return nil, fmt.Errorf("unknown sampling policy %q: want %s or %s", name, PolicyUniform, PolicyInformative)
}

// UniformPolicy draws every pair alike, apart from the contenders' sampling
// weights: pair (i, j) has a chance proportional to Weight_i·Weight_j. It is
// what most arenas do, and the baseline the informative policy is measured
// against.
type UniformPolicy struct{}

// Name is "uniform".
func (UniformPolicy) Name() string { return PolicyUniform }

// PairWeights gives each pair the product of its contenders' weights,
// normalised.
func (UniformPolicy) PairWeights(s Standing) [][]float64 {
	w := newPairMatrix(len(s.Models))
	fillNormalised(w, s.Models, func(int, int) float64 { return 1 })
	return w
}

// InformativePolicy spends votes where they can still change the board:
// pairs whose order is uncertain and whose difference one more battle would
// still sharpen. For a pair (i, j) with score difference Δ and standard
// error σ of Δ (√(sᵢ² + sⱼ²), the sᵢ read off the intervals, in logits),
// its value is
//
//	g = 2·Φ(−|Δ|/σ) · σ²·I / (1 + σ²·I),   I = p·(1−p)
//
// with p the chance that i beats j under Bradley–Terry. The first factor is
// 1 when the order is a coin flip (overlapping intervals) and falls towards
// 0 as it becomes certain. The second is the share of the remaining
// variance of Δ that one battle, carrying Fisher information I, removes: 1
// for a contender not yet rated, small for a pair measured to a fine
// point. Without it, two models of all but equal strength would look
// uncertain forever and soak up the votes. The result is mixed with the
// uniform policy in the proportion Explore, and every pair is multiplied by
// both contenders' weights.
type InformativePolicy struct {
	// Explore is the share of battles drawn as UniformPolicy would, so
	// every pair keeps a chance however settled it looks. 0 means
	// DefaultExplore; values are clamped to (0, 1].
	Explore float64
}

// Name is "informative".
func (InformativePolicy) Name() string { return PolicyInformative }

// PairWeights mixes the normalised informativeness of each pair with the
// uniform weights.
func (p InformativePolicy) PairWeights(s Standing) [][]float64 {
	n := len(s.Models)
	explore := p.Explore
	switch {
	case explore == 0:
		explore = DefaultExplore
	case explore < 0 || math.IsNaN(explore):
		explore = math.SmallestNonzeroFloat64
	case explore > 1:
		explore = 1
	}
	uniform := UniformPolicy{}.PairWeights(s)
	info := newPairMatrix(n)
	se := standardErrors(s)
	bt := s.BT
	if bt.Scale == 0 {
		bt = DefaultBT
	}
	alpha := bt.alpha() / bt.Scale
	fillNormalised(info, s.Models, func(i, j int) float64 {
		if math.IsInf(se[i], 1) || math.IsInf(se[j], 1) {
			return 1 // nothing known yet: a coin flip, all to learn
		}
		// |Δ| keeps g exactly symmetric: σ(x)(1−σ(x)) and σ(−x)(1−σ(−x))
		// can differ in the last bit, and twins must weigh the same.
		delta := alpha * math.Abs(s.Models[i].Score-s.Models[j].Score)
		sigma := alpha * math.Hypot(se[i], se[j])
		pr := sigmoid(delta)
		return orderUncertainty(delta, sigma) * shareRemoved(sigma*sigma, pr*(1-pr))
	})
	if !hasMass(info) {
		// Every pair settled beyond float64's reach: nothing to prefer.
		return uniform
	}
	for i := range n {
		for j := range n {
			uniform[i][j] = explore*uniform[i][j] + (1-explore)*info[i][j]
		}
	}
	return uniform
}

// orderUncertainty is 2·Φ(−|Δ|/σ): the two-sided chance, under a normal
// error of sd σ on Δ, of a difference at least as large as the one seen if
// the two were equal. 1 means the order is a coin flip, 0 that it is
// certain. A zero σ means exactly known: uncertain only when Δ is 0.
func orderUncertainty(delta, sigma float64) float64 {
	if sigma == 0 || math.IsNaN(sigma) {
		if delta == 0 {
			return 1
		}
		return 0
	}
	return math.Erfc(math.Abs(delta) / (sigma * math.Sqrt2))
}

// shareRemoved is the share of a variance v that one observation carrying
// Fisher information info removes: v·info / (1 + v·info), 1 for an infinite
// variance.
func shareRemoved(v, info float64) float64 {
	if math.IsInf(v, 1) {
		return 1
	}
	return v * info / (1 + v*info)
}

// standardErrors turns each rated model's interval into a standard error,
// assuming a normal interval at s.Level: the half-width over the quantile.
// An unrated model, or one whose score or interval is not finite or runs
// backwards, gets an infinite error: nothing is known about it.
func standardErrors(s Standing) []float64 {
	level := s.Level
	if level <= 0 || level >= 1 {
		level = 0.95
	}
	z := normalQuantile((1 + level) / 2)
	se := make([]float64, len(s.Models))
	for i, m := range s.Models {
		w := m.CI.Upper - m.CI.Lower
		switch {
		case !m.Rated, math.IsNaN(w) || math.IsInf(w, 0) || w < 0 || math.IsNaN(m.Score) || math.IsInf(m.Score, 0):
			se[i] = math.Inf(1)
		default:
			se[i] = w / (2 * z)
		}
	}
	return se
}

// newPairMatrix allocates an n×n matrix in one block.
func newPairMatrix(n int) [][]float64 {
	flat := make([]float64, n*n)
	w := make([][]float64, n)
	for i := range w {
		w[i] = flat[i*n : (i+1)*n]
	}
	return w
}

// fillNormalised sets w[i][j] = w[j][i] = Weightᵢ·Weightⱼ·g(i, j) for i < j
// with positive weights, then scales the upper triangle to sum to 1. It
// leaves w zero when nothing has mass.
func fillNormalised(w [][]float64, ms []ModelStanding, g func(i, j int) float64) {
	total := 0.0
	for i := range ms {
		if !(ms[i].Weight > 0) || math.IsInf(ms[i].Weight, 1) {
			continue
		}
		for j := i + 1; j < len(ms); j++ {
			if !(ms[j].Weight > 0) || math.IsInf(ms[j].Weight, 1) {
				continue
			}
			x := ms[i].Weight * ms[j].Weight * g(i, j)
			if !(x > 0) || math.IsInf(x, 1) {
				continue
			}
			w[i][j], w[j][i] = x, x
			total += x
		}
	}
	if total == 0 {
		return
	}
	for i := range w {
		for j := range w[i] {
			w[i][j] /= total
		}
	}
}

// hasMass reports whether any pair has a positive weight.
func hasMass(w [][]float64) bool {
	for i := range w {
		for j := i + 1; j < len(w); j++ {
			if w[i][j] > 0 {
				return true
			}
		}
	}
	return false
}

// SamplePair draws a pair i < j with the chances in w (as PairWeights
// returns them), using r so that a seeded generator gives a reproducible
// sequence. ok is false when no pair has a positive weight. Sides are the
// caller's to randomise.
func SamplePair(w [][]float64, r *rand.Rand) (i, j int, ok bool) {
	total := 0.0
	for a := range w {
		for b := a + 1; b < len(w); b++ {
			if w[a][b] > 0 {
				total += w[a][b]
			}
		}
	}
	if total == 0 {
		return 0, 0, false
	}
	u := r.Float64() * total
	last := [2]int{-1, -1}
	for a := range w {
		for b := a + 1; b < len(w); b++ {
			if !(w[a][b] > 0) {
				continue
			}
			last = [2]int{a, b}
			if u -= w[a][b]; u < 0 {
				return a, b, true
			}
		}
	}
	// Rounding can leave u a hair above the last weight.
	return last[0], last[1], true
}
