package boards

import (
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
