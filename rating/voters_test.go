package rating

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestChiSquareSFEven(t *testing.T) {
	tests := []struct {
		name string
		x    float64
		k    int // degrees of freedom are 2k
		want float64
		tol  float64
	}{
		// χ²₂ is the exponential with mean 2: P(X > 2 ln 20) = 1/20.
		{"df 2 at 2 ln 20", 2 * math.Log(20), 1, 0.05, 1e-12},
		// Upper 5% points from the standard χ² table (scipy.stats.chi2.ppf(0.95, df)).
		{"df 4 table point", 9.487729036781154, 2, 0.05, 1e-9},
		{"df 10 table point", 18.307038053275146, 5, 0.05, 1e-9},
		{"df 20 table point", 31.410432844230918, 10, 0.05, 1e-9},
		// Upper 1% point of df 6 (scipy.stats.chi2.ppf(0.99, 6)).
		{"df 6 one percent", 16.811893829770927, 3, 0.01, 1e-9},
		{"zero", 0, 3, 1, 0},
		{"infinite", math.Inf(1), 3, 0, 0},
		// Wilson–Hilferty: z = ((x/ν)^(1/3) − (1 − 2/(9ν))) / √(2/(9ν)) with
		// ν = x = 2000 gives z = 0.010541, so P ≈ 0.4958; WH is good to ~1e-4 here.
		{"many votes stay finite", 2000, 1000, 0.4958, 2e-4},
		// Far in the tail the sum must not underflow to a wrong zero: e^(−500)·Σ…
		{"deep tail", 1000, 2, math.Exp(-500) * (1 + 500), 1e-12 * math.Exp(-500) * 501},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ChiSquareSFEven(tt.x, tt.k)
			if math.Abs(got-tt.want) > tt.tol {
				t.Errorf("ChiSquareSFEven(%v, %d) = %.12g, want %.12g ± %g", tt.x, tt.k, got, tt.want, tt.tol)
			}
		})
	}
}

func TestFisherCombine(t *testing.T) {
	tests := []struct {
		name     string
		ps       []float64
		wantStat float64
		wantP    float64
	}{
		// Product 0.001, so X = −2 ln 0.001 = 13.815510557964274 and with
		// y = X/2 = 6.907755: P = e^(−y)(1 + y + y²/2) = 0.001 × 31.766297 =
		// 0.03176629677613493 (scipy.stats.combine_pvalues([.01,.2,.5]) agrees).
		{"three", []float64{0.01, 0.2, 0.5}, 13.815510557964274, 0.03176629677613493},
		// One p-value comes back unchanged: e^(ln p) = p.
		{"one", []float64{0.3}, -2 * math.Log(0.3), 0.3},
		{"all ones", []float64{1, 1, 1, 1}, 0, 1},
		{"none", nil, 0, 1},
		{"a zero", []float64{0.5, 0}, math.Inf(1), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stat, p := FisherCombine(tt.ps)
			opt := cmpopts.EquateApprox(0, 1e-12)
			if !cmp.Equal(stat, tt.wantStat, opt) || !cmp.Equal(p, tt.wantP, opt) {
				t.Errorf("FisherCombine(%v) = %v, %v; want %v, %v", tt.ps, stat, p, tt.wantStat, tt.wantP)
			}
		})
	}
}

// Under the null the combined p-value must be (close to) uniform: about 5%
// of honest voters below 0.05, not many more. The discrete per-vote p-values
// make it conservative, so fewer is fine.
func TestFisherCombineUniformUnderNull(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	below := 0
	const n = 20000
	for range n {
		ps := make([]float64, 10)
		for i := range ps {
			ps[i] = r.Float64()
		}
		if _, p := FisherCombine(ps); p < 0.05 {
			below++
		}
	}
	if share := float64(below) / n; share < 0.04 || share > 0.06 {
		t.Errorf("share of null voters below 0.05 = %.4f, want ≈ 0.05", share)
	}
}

func TestPairOutcomeP(t *testing.T) {
	tests := []struct {
		name string
		hist [3]int
		x    int
		want float64
	}{
		{"commonest outcome", [3]int{10, 90, 0}, PairHigherWon, 1},
		// 10 lower wins and 0 ties are at most as common as a lower win: (1+10)/101.
		{"upset", [3]int{10, 90, 0}, PairLowerWon, 11.0 / 101},
		{"never seen", [3]int{10, 90, 0}, PairTie, 1.0 / 101},
		{"no history", [3]int{}, PairLowerWon, 1},
		{"even split", [3]int{50, 50, 0}, PairLowerWon, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PairOutcomeP(tt.hist, tt.x); math.Abs(got-tt.want) > 1e-15 {
				t.Errorf("PairOutcomeP(%v, %d) = %v, want %v", tt.hist, tt.x, got, tt.want)
			}
		})
	}
}

func TestPairClass(t *testing.T) {
	tests := []struct {
		o             Outcome
		lo, hi, class int
	}{
		{Outcome{A: 1, B: 3, Result: 1}, 1, 3, PairLowerWon},
		{Outcome{A: 3, B: 1, Result: 1}, 1, 3, PairHigherWon},
		{Outcome{A: 3, B: 1, Result: 0}, 1, 3, PairLowerWon},
		{Outcome{A: 3, B: 1, Result: 0.5}, 1, 3, PairTie},
	}
	for _, tt := range tests {
		lo, hi, c := PairClass(tt.o)
		if lo != tt.lo || hi != tt.hi || c != tt.class {
			t.Errorf("PairClass(%+v) = %d, %d, %d; want %d, %d, %d", tt.o, lo, hi, c, tt.lo, tt.hi, tt.class)
		}
	}
}

// A voter who always picks the underdog of a lopsided pair stands out; one
// who votes as the crowd does not; the voter's own votes are not their
// history.
func TestTestVoters(t *testing.T) {
	var votes []VoterVote
	// Voters 0..9: model 0 beats model 1 nine times in ten.
	for u := range 10 {
		for k := range 10 {
			res := 1.0
			if k == 0 {
				res = 0
			}
			votes = append(votes, VoterVote{Voter: u, Outcome: Outcome{A: 0, B: 1, Result: res}})
		}
	}
	// Voter 10 always picks model 1, on either side.
	for k := range 10 {
		o := Outcome{A: 1, B: 0, Result: 1}
		if k%2 == 1 {
			o = Outcome{A: 0, B: 1, Result: 0}
		}
		votes = append(votes, VoterVote{Voter: 10, Outcome: o})
	}
	// Voter 11 has one vote on a pair nobody else saw.
	votes = append(votes, VoterVote{Voter: 11, Outcome: Outcome{A: 2, B: 3, Result: 1}})
	got := TestVoters(12, votes)
	for u := range 10 {
		if got[u].P < 0.05 {
			t.Errorf("honest voter %d: p = %v, want not small", u, got[u].P)
		}
	}
	// Each of voter 10's votes: history 90 wins of 0, 10 of 1, so p = 11/101;
	// X = −20 ln(11/101) = 44.3445, df 20, P = 0.00135 by the closed form.
	wantStat := -20 * math.Log(11.0/101)
	if math.Abs(got[10].Stat-wantStat) > 1e-9 || math.Abs(got[10].P-ChiSquareSFEven(wantStat, 10)) > 1e-15 || got[10].P > 0.002 {
		t.Errorf("rigging voter: stat %v p %v, want stat %v and p ≈ 0.00135", got[10].Stat, got[10].P, wantStat)
	}
	if got[11].P != 1 || got[11].Votes != 1 {
		t.Errorf("voter without comparable history: %+v, want p = 1 from 1 vote", got[11])
	}
}

func TestBinomialUpperTail(t *testing.T) {
	tests := []struct {
		k, n int
		p    float64
		want float64
	}{
		// C(10,8)+C(10,9)+C(10,10) = 45+10+1 over 2^10.
		{8, 10, 0.5, 56.0 / 1024},
		{0, 10, 0.3, 1},
		{11, 10, 0.3, 0},
		// All of 50 votes on one model of ten: 0.1^50.
		{50, 50, 0.1, 1e-50},
		// P(X ≥ 1) = 1 − 0.9^20.
		{1, 20, 0.1, 1 - math.Pow(0.9, 20)},
	}
	for _, tt := range tests {
		got := BinomialUpperTail(tt.k, tt.n, tt.p)
		if math.Abs(got-tt.want) > 1e-12*max(tt.want, 1e-300) && math.Abs(got-tt.want) > 1e-15 {
			t.Errorf("BinomialUpperTail(%d, %d, %v) = %.15g, want %.15g", tt.k, tt.n, tt.p, got, tt.want)
		}
	}
}

func TestPoissonBinomialUpperTail(t *testing.T) {
	tests := []struct {
		name string
		ps   []float64
		k    int
		want float64
	}{
		// Equal chances reduce to the binomial: 56/1024 as above.
		{"binomial", []float64{.5, .5, .5, .5, .5, .5, .5, .5, .5, .5}, 8, 56.0 / 1024},
		// Two trials: P(both) = 0.2·0.7; P(at least one) = 1 − 0.8·0.3.
		{"both", []float64{0.2, 0.7}, 2, 0.14},
		{"one", []float64{0.2, 0.7}, 1, 1 - 0.8*0.3},
		{"none needed", []float64{0.2}, 0, 1},
		{"more than trials", []float64{0.2}, 2, 0},
		// Thirty straight wins at 0.3 each: 0.3^30.
		{"all wins", slices.Repeat([]float64{0.3}, 30), 30, math.Pow(0.3, 30)},
	}
	for _, tt := range tests {
		got := PoissonBinomialUpperTail(tt.ps, tt.k)
		if math.Abs(got-tt.want) > 1e-12*max(tt.want, 1e-300) && math.Abs(got-tt.want) > 1e-15 {
			t.Errorf("%s: got %.15g, want %.15g", tt.name, got, tt.want)
		}
	}
}
