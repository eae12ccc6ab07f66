package rating

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestPoissonMoments checks mean and variance of both Poisson methods
// against the mean to within a few standard errors.
func TestPoissonMoments(t *testing.T) {
	for _, mean := range []float64{0, 1, 3.5, 9, 10, 74, 5000} {
		const draws = 40000
		var sum, sq float64
		p := newPoisson(mean)
		var src rand.PCG
		src.Seed(1, uint64(mean))
		for range draws {
			x := float64(p.draw(&src))
			sum += x
			sq += x * x
		}
		got := sum / draws
		variance := sq/draws - got*got
		if se := math.Sqrt(mean / draws); math.Abs(got-mean) > 5*se {
			t.Errorf("Poisson(%g): mean %g, want %g ± %g", mean, got, mean, 5*se)
		}
		if mean == 0 {
			if variance != 0 {
				t.Errorf("Poisson(0): variance %g, want 0", variance)
			}
			continue
		}
		if math.Abs(variance/mean-1) > 0.05 {
			t.Errorf("Poisson(%g): variance %g, want %g", mean, variance, mean)
		}
	}
}

// TestResampleIsMultinomial checks that rounds total exactly, that empty
// cells stay empty, and that each cell's mean, variance and covariance
// with the next are a multinomial's: N·p, N·p·(1−p) and −N·p·q. Poisson
// counts without the correction have variance N·p and no covariance.
func TestResampleIsMultinomial(t *testing.T) {
	for _, tc := range []struct {
		name   string
		counts []int
	}{
		{"few battles", []int{1, 2, 3, 4}},
		{"sparse cells", []int{500, 1, 0, 3000, 20, 7}},
		{"one cell", []int{42}},
		{"large counts", []int{40000, 25000, 12, 35000}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cells := make([]Cell, len(tc.counts))
			total := 0
			for i, c := range tc.counts {
				cells[i] = Cell{A: i, B: i + 1, Count: c}
				total += c
			}
			const rounds = 20000
			rs := newResampler(cells, 7, nil)
			sum := make([]float64, len(cells))
			sq := make([]float64, len(cells))
			cross := make([]float64, len(cells))
			out := make([]int32, len(cells))
			var buf []int
			for round := range rounds {
				clear(out)
				rs.draw(round, out, &buf)
				n := 0
				for i, v := range out {
					n += int(v)
					if tc.counts[i] == 0 && v != 0 {
						t.Fatalf("round %d: cell %d has no battles but drew %d", round, i, v)
					}
					x := float64(v)
					sum[i] += x
					sq[i] += x * x
					if i+1 < len(out) {
						cross[i] += x * float64(out[i+1])
					}
				}
				if n != total {
					t.Fatalf("round %d drew %d battles, want %d", round, n, total)
				}
			}
			checkMultinomialMoments(t, tc.counts, total, rounds, sum, sq, cross)
		})
	}
}

// checkMultinomialMoments compares sample moments with a multinomial's.
func checkMultinomialMoments(t *testing.T, counts []int, total, rounds int, sum, sq, cross []float64) {
	t.Helper()
	n := float64(total)
	for i, c := range counts {
		p := float64(c) / n
		mean := sum[i] / float64(rounds)
		variance := sq[i]/float64(rounds) - mean*mean
		wantVar := n * p * (1 - p)
		if se := math.Sqrt(wantVar / float64(rounds)); math.Abs(mean-n*p) > 5*se+1e-9 {
			t.Errorf("cell %d: mean %g, want %g ± %g", i, mean, n*p, 5*se)
		}
		if wantVar == 0 {
			if variance > 1e-9 {
				t.Errorf("cell %d: variance %g, want 0", i, variance)
			}
			continue
		}
		if math.Abs(variance/wantVar-1) > 0.06 {
			t.Errorf("cell %d: variance %g, want %g (Poisson's would be %g)", i, variance, wantVar, n*p)
		}
		if i+1 < len(counts) && counts[i+1] > 0 && p > 0 {
			q := float64(counts[i+1]) / n
			cov := cross[i]/float64(rounds) - mean*sum[i+1]/float64(rounds)
			want := -n * p * q
			if sd := math.Sqrt(n * p * n * q / float64(rounds)); math.Abs(cov-want) > 6*sd {
				t.Errorf("cells %d and %d: covariance %g, want %g ± %g", i, i+1, cov, want, 6*sd)
			}
		}
	}
}

// TestDrawCacheSameAsWithout rates a board again and again as battles
// come, go and change, with one cache throughout, and compares every
// bootstrap with one computed without it. The sparse arena has cells of
// one battle, which come and go as the window moves.
func TestDrawCacheSameAsWithout(t *testing.T) {
	window := func(from, to int) func([]Outcome) []Outcome {
		return func(o []Outcome) []Outcome { return o[from:min(to, len(o))] }
	}
	for _, sim := range []SimConfig{
		{Models: 8, Battles: 6000, Seed: 5},
		{Models: 12, Battles: 1500, Seed: 8},
	} {
		set, _ := Simulate(sim)
		names := set.Models
		renamed := append([]string{"renamed"}, names[1:]...)
		opt := BootstrapOptions{Rounds: 30, Seed: 2}
		steps := []struct {
			name  string
			edit  func([]Outcome) []Outcome
			names []string
			opt   BootstrapOptions
		}{
			{"first", window(0, 500), names, opt},
			{"same again", window(0, 500), names, opt},
			{"more battles", window(0, 520), names, opt},
			{"battles taken away", window(60, 520), names, opt},
			{"window moved", window(200, 700), names, opt},
			{"other workers", window(200, 710), names, BootstrapOptions{Rounds: 30, Seed: 2, Workers: 1}},
			{"other seed", window(200, 710), names, BootstrapOptions{Rounds: 30, Seed: 3}},
			{"other rounds", window(200, 720), names, BootstrapOptions{Rounds: 20, Seed: 3}},
			{"renamed", window(200, 720), renamed, BootstrapOptions{Rounds: 20, Seed: 3}},
			{"all battles", window(0, sim.Battles), names, BootstrapOptions{Rounds: 20, Seed: 3}},
			{"back to few", window(900, 1300), names, BootstrapOptions{Rounds: 20, Seed: 3}},
		}
		var cache DrawCache
		for _, st := range steps {
			cells := Cells(st.edit(set.Outcomes))
			want, err := BootstrapBT(context.Background(), len(names), cells, DefaultBT, st.opt)
			if err != nil {
				t.Fatal(err)
			}
			got, err := bootstrapCached(context.Background(), len(names), cells, DefaultBT, st.opt, &cache, st.names)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("%d models, %s: the cache changed the bootstrap (-without +with):\n%s", sim.Models, st.name, diff)
			}
		}
		if len(cache.free) == 0 && sim.Models == 12 {
			t.Errorf("%d models: no cell ever went away, so slots were never reused", sim.Models)
		}
	}
}

// TestDrawCacheAfterCancel stops a computation part way and checks that
// the draws it left unfinished are made again, and that a computation
// arriving while the cache is held computes without it, alike.
func TestDrawCacheAfterCancel(t *testing.T) {
	set, _ := Simulate(SimConfig{Models: 8, Battles: 4000, Seed: 6})
	opt := BootstrapOptions{Rounds: 40, Seed: 4, Workers: 1}
	var cache DrawCache
	first := Cells(set.Outcomes[:2000])
	if _, err := bootstrapCached(context.Background(), 8, first, DefaultBT, opt, &cache, set.Models); err != nil {
		t.Fatal(err)
	}
	cells := Cells(set.Outcomes)
	ctx, cancel := context.WithCancel(context.Background())
	stopped := opt
	stopped.Progress = func(done, _ int) {
		if done == 5 {
			cancel()
		}
	}
	if _, err := bootstrapCached(ctx, 8, cells, DefaultBT, stopped, &cache, set.Models); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled bootstrap: err %v, want context.Canceled", err)
	}
	want, err := BootstrapBT(context.Background(), 8, cells, DefaultBT, opt)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	got := make([][][]float64, 3)
	for i := range got {
		wg.Go(func() {
			s, err := bootstrapCached(context.Background(), 8, cells, DefaultBT, opt, &cache, set.Models)
			if err != nil {
				t.Error(err)
			}
			got[i] = s
		})
	}
	wg.Wait()
	for i, g := range got {
		if diff := cmp.Diff(want, g); diff != "" {
			t.Errorf("computation %d after the cancelled one (-without cache +with):\n%s", i, diff)
		}
	}
}
