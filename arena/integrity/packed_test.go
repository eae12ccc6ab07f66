package integrity

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"openarena.dev/arena/models"
)

// Packed columns read back every value exactly: sorted and unsorted,
// equal values (a block of width 0), steps of a common divisor, the
// extremes of int64 (differences of 64 bits), and a last block part full.
func TestPackedIntsExact(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	cases := map[string][]int64{"empty": nil, "one": {-7}}
	var sorted, random, equal, stepped, extreme []int64
	at := int64(1_767_225_600_000_000_000)
	for i := range 1000 {
		at += int64(r.IntN(3000)) * 1000
		sorted = append(sorted, at)
		random = append(random, r.Int64N(1<<40)-1<<39)
		equal = append(equal, 42)
		stepped = append(stepped, int64(r.IntN(50))*1_000_000_007)
		extreme = append(extreme, [...]int64{math.MinInt64, math.MaxInt64, 0, -1}[i%4])
	}
	cases["sorted"], cases["random"], cases["equal"], cases["stepped"], cases["extreme"] = sorted, random, equal, stepped, extreme
	for name, xs := range cases {
		p := packInts(xs)
		if p.Len() != len(xs) {
			t.Fatalf("%s: %d values, want %d", name, p.Len(), len(xs))
		}
		for i, x := range xs {
			if got := p.at(i); got != x {
				t.Fatalf("%s: value %d = %d, want %d", name, i, got, x)
			}
		}
	}
	p := packInts(sorted)
	for i, x := range sorted {
		if k, ok := p.search(x); !ok || sorted[k] != x {
			t.Fatalf("search(%d) = %d, %v", x, k, ok)
		}
		if _, ok := p.search(x + 1); ok && !containsInt(sorted, x+1) {
			t.Fatalf("search found %d, never added (after value %d)", x+1, i)
		}
	}
	if k, ok := p.search(sorted[0] - 1); ok || k != 0 {
		t.Errorf("search below the least = %d, %v", k, ok)
	}
	if k, ok := p.search(sorted[len(sorted)-1] + 1); ok || k != len(sorted) {
		t.Errorf("search above the greatest = %d, %v", k, ok)
	}
}

func containsInt(xs []int64, x int64) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// Float columns read back every value bit for bit, numbered while there
// are few distinct values and as they are past maxFloatCodes.
func TestFloatColumnExact(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	few := []float64{20, 0.1, math.NaN(), math.Copysign(0, -1), 0, math.Inf(1), 1}
	for _, n := range []int{0, 1, 1000, maxFloatCodes + 500} {
		var q floatPacker
		var xs []float64
		for i := range n {
			x := few[r.IntN(len(few))]
			if n > maxFloatCodes {
				x = float64(i) + r.Float64()
			}
			xs = append(xs, x)
			q.add(x)
		}
		c := q.done()
		if (c.raw != nil) != (n > maxFloatCodes) {
			t.Errorf("%d values: kept as they are %v", n, c.raw != nil)
		}
		for i, x := range xs {
			if got := c.at(i); math.Float64bits(got) != math.Float64bits(x) {
				t.Fatalf("%d values: value %d = %v, want %v", n, i, got, x)
			}
		}
	}
}

// A report of no votes has no voters, finds none, sweeps nothing and
// ranks nothing (every packed column empty).
func TestReportOfNoVotes(t *testing.T) {
	none := func(context.Context, func(*models.IntegrityVote) error) error { return nil }
	rep, err := buildReport(context.Background(), none, 0, time.Now(), DefaultOptions.withDefaults(), []string{"someone"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Len() != 0 || len(rep.Summaries()) != 0 || len(rep.Ranked(FilterAll)) != 0 {
		t.Errorf("voters: %d, ranked %v", rep.Len(), rep.Ranked(FilterAll))
	}
	if _, ok := rep.Find("someone"); ok {
		t.Error("found a voter in a report of no votes")
	}
	if reasons, risky := rep.sweepReasons(); len(reasons) != 0 || risky != 0 {
		t.Errorf("sweep: %v, %d risky", reasons, risky)
	}
	if lines := rep.riskLines([]models.IntegrityVote{{ID: 7, VoterID: "someone"}}); len(lines) != 1 || !lines[0].Unscored {
		t.Errorf("a vote cast since: %+v", lines)
	}
}
