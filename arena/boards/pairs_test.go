package boards

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"

	"openarena.dev/arena/rating"
)

func TestPairRecords(t *testing.T) {
	names := []string{"zeta", "alpha", "mid"}
	outs := []rating.Outcome{
		{A: 0, B: 1, Result: 1},   // zeta beats alpha
		{A: 1, B: 0, Result: 1},   // alpha beats zeta
		{A: 1, B: 0, Result: 0.5}, // tie
		{A: 2, B: 1, Result: 0},   // alpha beats mid
	}
	want := []RatedPair{
		{A: "alpha", B: "mid", AWins: 1},
		{A: "alpha", B: "zeta", AWins: 1, Ties: 1, BWins: 1},
	}
	if diff := cmp.Diff(want, pairRecords(names, outs)); diff != "" {
		t.Errorf("pairRecords (-want +got):\n%s", diff)
	}
}

// TestPairRecordsDenseMatchesSparse checks the dense table against the map
// it replaces for boards of up to denseModels models.
func TestPairRecordsDenseMatchesSparse(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{2, 5, 40} {
		names := make([]string, n)
		for i := range names {
			names[i] = fmt.Sprintf("m%03d", rng.IntN(1000)*n+i) // not in slug order
		}
		outs := make([]rating.Outcome, 500)
		for i := range outs {
			a := rng.IntN(n)
			outs[i] = rating.Outcome{A: a, B: (a + 1 + rng.IntN(n-1)) % n, Result: []float64{0, 0.5, 1}[rng.IntN(3)]}
		}
		if d := cmp.Diff(sparsePairRecords(names, outs), pairRecords(names, outs)); d != "" {
			t.Errorf("%d models: dense differs from sparse (-sparse +dense):\n%s", n, d)
		}
	}
}
