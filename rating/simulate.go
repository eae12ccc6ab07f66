package rating

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
)

// SimConfig describes synthetic battles for benchmarks, demos and tests.
type SimConfig struct {
	Models, Battles int
	Seed            uint64
	// TieRate is the chance a battle is a tie regardless of strengths.
	TieRate float64
	// StyleEffect is added to the logit per unit of each raw style ratio
	// (a−b)/(a+b+1), in StyleCounts order; zero means style does not sway
	// votes.
	StyleEffect [NumStyleFeatures]float64
}

// DefaultStyleEffect is a plausible pull of length and Markdown on votes,
// the magnitudes the golden data were drawn with.
var DefaultStyleEffect = [NumStyleFeatures]float64{0.9, 0.25, 0.2, 0.3}

// SimTruth is what simulated battles were drawn from.
type SimTruth struct {
	// Ratings are the true strengths on the arena scale, averaging 1000.
	Ratings []float64
}

// simModel is one synthetic contender's strength, popularity and habits.
type simModel struct {
	theta, popularity, tokens float64
	headers, lists, bold      float64
}

// Simulate draws battles between cfg.Models models of known strength, with
// style columns, deterministically from cfg.Seed.
func Simulate(cfg SimConfig) (*BattleSet, *SimTruth) {
	r := rand.New(rand.NewPCG(cfg.Seed, 0x5eed))
	models := make([]simModel, cfg.Models)
	set := &BattleSet{Models: make([]string, cfg.Models)}
	truth := &SimTruth{Ratings: make([]float64, cfg.Models)}
	for i := range models {
		models[i] = randomModel(r)
		set.Models[i] = fmt.Sprintf("model-%03d", i+1)
	}
	centreStrengths(models)
	for i, m := range models {
		truth.Ratings[i] = 400*m.theta + 1000
	}
	if cfg.Models < 2 {
		return set, truth
	}
	pick := popularityPicker(models)
	set.Outcomes = make([]Outcome, cfg.Battles)
	set.Style = make([]StyleCounts, cfg.Battles)
	for k := range set.Outcomes {
		a := pick(r)
		b := pick(r)
		for b == a {
			b = pick(r)
		}
		s := StyleCounts{A: models[a].answer(r), B: models[b].answer(r)}
		set.Outcomes[k] = Outcome{A: a, B: b, Result: simResult(r, cfg, models[a].theta-models[b].theta, s)}
		set.Style[k] = s
	}
	return set, truth
}

// randomModel draws a contender: strengths with a 100-point spread,
// uneven popularity and its own verbosity and formatting habits.
func randomModel(r *rand.Rand) simModel {
	return simModel{
		theta:      r.NormFloat64() / 4,
		popularity: math.Exp(r.NormFloat64() / 2),
		tokens:     math.Exp(6 + 0.4*r.NormFloat64()),
		headers:    3 * r.Float64(),
		lists:      8 * r.Float64(),
		bold:       6 * r.Float64(),
	}
}

// centreStrengths makes the true strengths average zero, like the fit.
func centreStrengths(models []simModel) {
	m := 0.0
	for _, x := range models {
		m += x.theta
	}
	m /= float64(len(models))
	for i := range models {
		models[i].theta -= m
	}
}

// answer draws the style counts of one answer.
func (m simModel) answer(r *rand.Rand) [NumStyleFeatures]float64 {
	return [NumStyleFeatures]float64{
		math.Round(m.tokens * math.Exp(0.5*r.NormFloat64())),
		poisson(r, m.headers),
		poisson(r, m.lists),
		poisson(r, m.bold),
	}
}

// simResult draws the outcome for A given the strength gap and the style.
func simResult(r *rand.Rand, cfg SimConfig, gap float64, s StyleCounts) float64 {
	if r.Float64() < cfg.TieRate {
		return 0.5
	}
	logit := math.Ln10 * gap
	for k, beta := range cfg.StyleEffect {
		logit += beta * (s.A[k] - s.B[k]) / (s.A[k] + s.B[k] + 1)
	}
	if r.Float64() < sigmoid(logit) {
		return 1
	}
	return 0
}

// popularityPicker returns a sampler of model indices weighted by popularity.
func popularityPicker(models []simModel) func(*rand.Rand) int {
	cum := make([]float64, len(models))
	total := 0.0
	for i, m := range models {
		total += m.popularity
		cum[i] = total
	}
	return func(r *rand.Rand) int {
		u := r.Float64() * total
		return min(sort.SearchFloat64s(cum, u), len(models)-1)
	}
}

// poisson draws Poisson(lambda) by Knuth's product method (small lambda).
func poisson(r *rand.Rand, lambda float64) float64 {
	l := math.Exp(-lambda)
	k := 0.0
	for p := r.Float64(); p > l; p *= r.Float64() {
		k++
	}
	return k
}
