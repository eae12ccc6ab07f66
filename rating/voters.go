package rating

import "math"

// This file holds the per-voter anomaly test of the Chatbot Arena paper
// (Chiang et al., 2024, §5.3 "Detecting anomalous users"): each vote gets a
// p-value against the historical outcomes of its pair, without the voter's
// own votes, and a voter's p-values are combined with Fisher's method.
//
// Per vote. Let H be the other voters' outcomes of the same pair, counted
// in three classes seen from the pair's lower index: "lower won", "higher
// won", "tie" (both kinds). With f(o) the share of H in class o, the
// p-value of an observed outcome x is
//
//	p(x) = (1 + #{h ∈ H : f(h) ≤ f(x)}) / (|H| + 1)
//
// the share of outcomes at least as rare as x, the observation itself
// included, which is the paper's (1 + #{h ≥ x})/(|H| + 1) for a categorical
// outcome that has no order. It is never 0 and is 1 for the commonest
// outcome, so a pair without history says nothing (p = 1).
//
// Per voter. Fisher's method: under the null hypothesis that the voter
// votes like everyone else, the k p-values are independent and uniform (these
// discrete ones are super-uniform, which only makes the test conservative),
// so X = −2 Σ ln pᵢ follows χ² with 2k degrees of freedom, and the voter's
// p-value is its survival function, which for even degrees of freedom is the
// closed form
//
//	P(χ²₂ₖ > X) = e^(−X/2) · Σ_{j=0}^{k−1} (X/2)^j / j!
//
// summed in log space so that thousands of votes neither overflow nor
// underflow.

// ChiSquareSFEven is the survival function P(χ² > x) of the chi-square
// distribution with 2k degrees of freedom.
func ChiSquareSFEven(x float64, k int) float64 {
	if k <= 0 || math.IsNaN(x) {
		return math.NaN()
	}
	if x <= 0 {
		return 1
	}
	if math.IsInf(x, 1) {
		return 0
	}
	y := x / 2
	ly := math.Log(y)
	// log of each term j·ln y − y − ln j!, accumulated with a running
	// log-sum-exp so no term is ever formed outside float range.
	logSum := math.Inf(-1)
	lfact := 0.0
	for j := 0; j < k; j++ {
		if j > 0 {
			lfact += math.Log(float64(j))
		}
		logSum = logAddExp(logSum, float64(j)*ly-y-lfact)
	}
	return min(1, math.Exp(logSum))
}

// logAddExp returns ln(eᵃ + eᵇ) without overflow.
func logAddExp(a, b float64) float64 {
	if math.IsInf(a, -1) {
		return b
	}
	if math.IsInf(b, -1) {
		return a
	}
	if a < b {
		a, b = b, a
	}
	return a + math.Log1p(math.Exp(b-a))
}

// FisherCombine combines independent p-values by Fisher's method: it returns
// X = −2 Σ ln pᵢ and P(χ²₂ₖ > X). No p-values give X = 0 and p = 1. A p-value
// of 0 gives p = 0; values outside [0, 1] are clamped.
func FisherCombine(ps []float64) (stat, p float64) {
	if len(ps) == 0 {
		return 0, 1
	}
	for _, v := range ps {
		v = min(1, max(0, v))
		if v == 0 {
			return math.Inf(1), 0
		}
		stat -= 2 * math.Log(v)
	}
	return stat, ChiSquareSFEven(stat, len(ps))
}

// Outcome classes of a pair, seen from its lower contender index.
const (
	PairLowerWon  = 0
	PairHigherWon = 1
	PairTie       = 2
)

// PairClass returns the canonical pair (lower index first) of an outcome
// and its class seen from the lower index.
func PairClass(o Outcome) (lo, hi, class int) {
	lo, hi = o.A, o.B
	aWon, bWon := o.Result > 0.5, o.Result < 0.5
	if lo > hi {
		lo, hi = hi, lo
		aWon, bWon = bWon, aWon
	}
	switch {
	case aWon:
		return lo, hi, PairLowerWon
	case bWon:
		return lo, hi, PairHigherWon
	}
	return lo, hi, PairTie
}

// PairOutcomeP is the p-value of an outcome of class x given the counts of
// the pair's other outcomes per class (see the formula above).
func PairOutcomeP(hist [3]int, x int) float64 {
	total := hist[0] + hist[1] + hist[2]
	rarer := 0
	for _, n := range hist {
		// Comparing counts is comparing shares: they share the denominator.
		if n <= hist[x] {
			rarer += n
		}
	}
	return float64(1+rarer) / float64(total+1)
}

// VoterVote is one vote of one voter, reduced to what the test needs.
type VoterVote struct {
	Voter int
	Outcome
}

// VoterTest is one voter's result: how many votes were tested, Fisher's
// statistic and the combined p-value (1 for a voter without votes).
type VoterTest struct {
	Votes int
	Stat  float64
	P     float64
	// VoteP are the p-values of the voter's votes in input order.
	VoteP []float64
}

// TestVoters runs the per-voter test for voters 0..nVoters−1 over votes.
// Each vote is judged against every other voter's votes of the same pair.
func TestVoters(nVoters int, votes []VoterVote) []VoterTest {
	type pair struct{ lo, hi int }
	totals := map[pair][3]int{}
	byVoter := make([][]int, nVoters)
	for i, v := range votes {
		lo, hi, c := PairClass(v.Outcome)
		t := totals[pair{lo, hi}]
		t[c]++
		totals[pair{lo, hi}] = t
		byVoter[v.Voter] = append(byVoter[v.Voter], i)
	}
	out := make([]VoterTest, nVoters)
	for u, idx := range byVoter {
		own := map[pair][3]int{}
		for _, i := range idx {
			lo, hi, c := PairClass(votes[i].Outcome)
			t := own[pair{lo, hi}]
			t[c]++
			own[pair{lo, hi}] = t
		}
		ps := make([]float64, len(idx))
		for k, i := range idx {
			lo, hi, c := PairClass(votes[i].Outcome)
			all, mine := totals[pair{lo, hi}], own[pair{lo, hi}]
			hist := [3]int{all[0] - mine[0], all[1] - mine[1], all[2] - mine[2]}
			ps[k] = PairOutcomeP(hist, c)
		}
		stat, p := FisherCombine(ps)
		out[u] = VoterTest{Votes: len(idx), Stat: stat, P: p, VoteP: ps}
	}
	return out
}

// BinomialUpperTail is P(X ≥ k) for X ~ Binomial(n, p), summed in log
// space from k up; it is 1 for k ≤ 0 and 0 for k > n.
func BinomialUpperTail(k, n int, p float64) float64 {
	switch {
	case k <= 0:
		return 1
	case k > n:
		return 0
	case p <= 0:
		return 0
	case p >= 1:
		return 1
	}
	lp, lq := math.Log(p), math.Log1p(-p)
	ln, _ := math.Lgamma(float64(n + 1))
	logSum := math.Inf(-1)
	for j := k; j <= n; j++ {
		lj, _ := math.Lgamma(float64(j + 1))
		lnj, _ := math.Lgamma(float64(n - j + 1))
		logSum = logAddExp(logSum, ln-lj-lnj+float64(j)*lp+float64(n-j)*lq)
	}
	return min(1, math.Exp(logSum))
}

// PoissonBinomialUpperTail is P(S ≥ k) where S counts the successes of
// independent trials with success chances ps: the exact distribution by
// dynamic programming, O(len(ps)²).
func PoissonBinomialUpperTail(ps []float64, k int) float64 {
	n := len(ps)
	switch {
	case k <= 0:
		return 1
	case k > n:
		return 0
	}
	dist := make([]float64, n+1)
	dist[0] = 1
	for i, p := range ps {
		p = min(1, max(0, p))
		for j := i + 1; j >= 1; j-- {
			dist[j] = dist[j]*(1-p) + dist[j-1]*p
		}
		dist[0] *= 1 - p
	}
	tail := 0.0
	for j := n; j >= k; j-- {
		tail += dist[j]
	}
	return min(1, tail)
}
