package rating

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// goldenCounts reads the reference's per-round multinomial counts.
func goldenCounts(t *testing.T, dir string, models []string) ([]Cell, [][]int) {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "bootstrap_counts.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cells, rounds, err := ReadBootstrapCounts(f, models)
	if err != nil {
		t.Fatalf("bootstrap_counts.csv:%v", err)
	}
	return cells, rounds
}

func TestGoldenBootstrapFromCounts(t *testing.T) {
	dir, set, g := loadGolden(t)
	cells, rounds := goldenCounts(t, dir, set.Models)
	if len(rounds) != 100 {
		t.Fatalf("got %d rounds, want 100", len(rounds))
	}
	samples, err := BootstrapBTCounts(context.Background(), len(set.Models), cells, rounds, DefaultBT, BootstrapOptions{})
	if err != nil {
		t.Fatal(err)
	}
	iv := Intervals(samples, 0.95)
	lower, median, upper := split(iv)
	checkClose(t, "bootstrap lower vs exact", set.Models, lower, g.Exact.BootLower, 1e-6)
	checkClose(t, "bootstrap upper vs exact", set.Models, upper, g.Exact.BootUpper, 1e-6)
	checkClose(t, "bootstrap median vs exact", set.Models, median, g.Exact.BootMedian, 1e-6)
	checkClose(t, "bootstrap lower vs reference", set.Models, lower, g.Bootstrap.Lower, 0.25)
	checkClose(t, "bootstrap upper vs reference", set.Models, upper, g.Bootstrap.Upper, 0.25)
	checkClose(t, "bootstrap median vs reference", set.Models, median, g.Bootstrap.Median, 0.25)
	ranks := RankUB(iv)
	for i, m := range set.Models {
		if ranks[i] != g.RankUB[m] || ranks[i] != g.Exact.RankUB[m] {
			t.Errorf("rank_ub[%s] = %d, want %d (exact %d)", m, ranks[i], g.RankUB[m], g.Exact.RankUB[m])
		}
	}
}

// split unzips intervals into lower, median and upper slices.
func split(iv []Interval) (lower, median, upper []float64) {
	for _, x := range iv {
		lower = append(lower, x.Lower)
		median = append(median, x.Median)
		upper = append(upper, x.Upper)
	}
	return lower, median, upper
}
