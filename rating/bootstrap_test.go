package rating

import (
	"context"
	"encoding/csv"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestBootstrapDeterministicAcrossWorkers(t *testing.T) {
	set, _ := Simulate(SimConfig{Models: 12, Battles: 5000, Seed: 3})
	cells := Cells(set.Outcomes)
	var first [][]float64
	for _, workers := range []int{1, 2, 5} {
		got, err := BootstrapBT(context.Background(), len(set.Models), cells, DefaultBT,
			BootstrapOptions{Rounds: 20, Seed: 9, Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = got
			continue
		}
		if diff := cmp.Diff(first, got); diff != "" {
			t.Errorf("workers=%d changed the result (-1 worker +%d):\n%s", workers, workers, diff)
		}
	}
}

func TestMultinomialKeepsTotal(t *testing.T) {
	for _, tc := range []struct {
		name    string
		weights []int
	}{
		{"sparse cells", []int{500, 1, 0, 3000, 20, 7}},
		{"dense cells", []int{1, 1, 2, 1, 0, 1, 1}},
		{"one cell", []int{42}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newMultinomial(tc.weights)
			out := make([]int32, len(tc.weights))
			r := roundRand(1, 0)
			for range 100 {
				m.draw(r, out)
				sum := 0
				for i, c := range out {
					if tc.weights[i] == 0 && c != 0 {
						t.Fatalf("cell %d has weight 0 but drew %d", i, c)
					}
					sum += int(c)
				}
				if sum != m.total {
					t.Fatalf("drew %d trials, want %d", sum, m.total)
				}
			}
		})
	}
}

// TestBinomialMoments checks mean and variance of both samplers against
// n·p and n·p·(1−p) to within a few standard errors.
func TestBinomialMoments(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		n int
		p float64
	}{{20, 0.1}, {1000, 0.3}, {1000000, 0.0003}, {50000, 0.5}, {70, 0.9}, {1000000, 0.97}} {
		const draws = 40000
		var sum, sq float64
		for range draws {
			x := float64(binomial(r, tc.n, tc.p))
			sum += x
			sq += x * x
		}
		mean := sum / draws
		variance := sq/draws - mean*mean
		wantMean := float64(tc.n) * tc.p
		wantVar := wantMean * (1 - tc.p)
		if se := math.Sqrt(wantVar / draws); math.Abs(mean-wantMean) > 5*se {
			t.Errorf("Binomial(%d, %g): mean %g, want %g ± %g", tc.n, tc.p, mean, wantMean, 5*se)
		}
		if math.Abs(variance/wantVar-1) > 0.05 {
			t.Errorf("Binomial(%d, %g): variance %g, want %g", tc.n, tc.p, variance, wantVar)
		}
	}
}

func TestQuantileLinear(t *testing.T) {
	xs := []float64{4, 1, 3, 2}
	for _, tc := range []struct{ q, want float64 }{
		{0, 1}, {1, 4}, {0.5, 2.5}, {0.025, 1.075}, {0.975, 3.925}, {1.0 / 3, 2},
	} {
		if got := Quantile(xs, tc.q); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("Quantile(%v, %g) = %g, want %g", xs, tc.q, got, tc.want)
		}
	}
}

func TestRankUB(t *testing.T) {
	iv := []Interval{{Lower: 10, Upper: 20}, {Lower: 15, Upper: 25}, {Lower: 0, Upper: 9}, {Lower: 0, Upper: 10}}
	want := []int{1, 1, 3, 2}
	if diff := cmp.Diff(want, RankUB(iv)); diff != "" {
		t.Errorf("RankUB (-want +got):\n%s", diff)
	}
}

// TestGoldenQuantilesAndRanks feeds the reference's own per-round fits
// through Intervals and RankUB: the results must be the reference's.
func TestGoldenQuantilesAndRanks(t *testing.T) {
	dir, set, g := loadGolden(t)
	for _, tc := range []struct {
		file         string
		lower, upper map[string]float64
		ranks        map[string]int
	}{
		{"bootstrap_rounds_bt.csv", g.Bootstrap.Lower, g.Bootstrap.Upper, g.RankUB},
		{"bootstrap_rounds_style.csv", g.StyleControl.Bootstrap.Lower, g.StyleControl.Bootstrap.Upper, g.StyleControl.RankUB},
	} {
		t.Run(tc.file, func(t *testing.T) {
			samples := readRounds(t, filepath.Join(dir, tc.file), set.Models)
			iv := Intervals(samples, 0.95)
			lower, _, upper := split(iv)
			checkClose(t, "lower", set.Models, lower, tc.lower, 1e-9)
			checkClose(t, "upper", set.Models, upper, tc.upper, 1e-9)
			ranks := RankUB(iv)
			for i, m := range set.Models {
				if ranks[i] != tc.ranks[m] {
					t.Errorf("rank_ub[%s] = %d, want %d", m, ranks[i], tc.ranks[m])
				}
			}
		})
	}
}

// readRounds reads a per-round ratings file into samples[round][model].
func readRounds(t *testing.T, path string, models []string) [][]float64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := make(map[string]int)
	for i, h := range recs[0] {
		col[h] = i
	}
	var out [][]float64
	for _, rec := range recs[1:] {
		row := make([]float64, len(models))
		for i, m := range models {
			c, ok := col[m]
			if !ok {
				t.Fatalf("%s: no column %q", path, m)
			}
			if row[i], err = strconv.ParseFloat(rec[c], 64); err != nil {
				t.Fatal(err)
			}
		}
		out = append(out, row)
	}
	return out
}

func TestLogFactorial(t *testing.T) {
	for _, k := range []float64{0, 1, 5, 63, 64, 65, 100, 1000, 123456, 1e7} {
		want, _ := math.Lgamma(k + 1)
		if got := logFactorial(k); math.Abs(got-want) > 1e-12*math.Max(1, want) {
			t.Errorf("logFactorial(%v) = %.17g, want %.17g", k, got, want)
		}
	}
}
