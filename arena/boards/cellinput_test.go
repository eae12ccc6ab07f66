package boards

import (
	"context"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"openarena.dev/arena/models"
)

// TestCellInputRatesAsOutcomes: the fast part rated from cellInput is the
// board plainInput's outcomes give, field for field, including when some
// votes name contenders that are gone, when contender ids are too large
// for the dense index, and when no vote is left.
func TestCellInputRatesAsOutcomes(t *testing.T) {
	rv := syntheticVotes(20_000)
	large := syntheticVotes(20_000)
	for j := range large.a {
		large.a[j] += denseIDs
		large.b[j] += denseIDs
	}
	for _, tc := range []struct {
		name string
		rv   *ratedVotes
		cs   []models.Contender
	}{
		{"every contender", rv, contendersByID(1, 300, 0)},
		{"some gone", rv, contendersByID(1, 250, 0)},
		{"large ids", large, contendersByID(1, 300, denseIDs)},
		{"none of the voted", rv, contendersByID(400, 5, 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := New(nil, Options{Workers: 2, Rounds: 20, Seed: 3}, nil)
			ctx := context.Background()
			plain := plainInput(tc.cs, tc.rv)
			cells := cellInput(tc.cs, tc.rv, s.ratingOptions().Elo)
			if cells.cells == nil && plain.rated() > 0 {
				t.Fatal("cellInput fell back to outcomes")
			}
			sum := tc.rv.digestOf(nil)
			plain.digest, cells.digest = sum, sum
			want, err := s.rateCategory(ctx, models.CategoryOverall, plain, false)
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.rateCategory(ctx, models.CategoryOverall, cells, false)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(want, got, cmp.AllowUnexported(RatedBoard{})); d != "" {
				t.Errorf("board from cells differs (-outcomes +cells):\n%s", d)
			}
		})
	}
}

// contendersByID lists n contenders with ids from first plus offset, in
// slug order as the recomputer sorts them.
func contendersByID(first, n int, offset uint) []models.Contender {
	cs := make([]models.Contender, n)
	for i := range cs {
		id := uint(first + i)
		cs[i] = models.Contender{ID: id + offset, Slug: "model-" + strconv.Itoa(1000+int(id))}
	}
	return cs
}

// TestCellCountKeptMatchesFresh: the count kept between computations gives,
// after every change the catch-up makes (new votes appended, votes
// changed, dropped, or inserted below the newest, a lent view out, the
// contenders changed), the input a pass over every held vote gives.
func TestCellCountKeptMatchesFresh(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	rv := syntheticVotes(3_000)
	elo := New(nil, Options{}, nil).ratingOptions().Elo
	cs := contendersByID(1, 300, 0)
	var kept cellCount
	nextID := uint64(rv.len() + 100)
	row := func(id uint64) voteRow {
		a := uint32(1 + rng.IntN(300))
		return voteRow{id: id, a: a, b: 1 + (a+uint32(rng.IntN(299)))%300, result: uint8(rng.IntN(3))}
	}
	var release func()
	for step := range 300 {
		switch k := rng.IntN(10); {
		case k < 5: // new votes
			var up []voteRow
			for range 1 + rng.IntN(20) {
				nextID++
				up = append(up, row(nextID))
			}
			rv.patch(up, nil)
		case k == 5: // a vote's verdict or contenders changed
			i := rng.IntN(rv.len())
			rv.patch([]voteRow{row(rv.id[i])}, nil)
		case k == 6: // a vote left the ratings
			rv.patch(nil, []uint64{rv.id[rng.IntN(rv.len())]})
		case k == 7: // a vote committed late, below the newest
			rv.patch([]voteRow{row(rv.id[rv.len()-1] - 1)}, nil)
		case k == 8: // a slow job borrows the columns, or gives them back
			if release == nil {
				_, release = rv.lend()
			} else {
				release()
				release = nil
			}
		case k == 9: // contenders added or gone
			cs = contendersByID(1, 250+rng.IntN(50), 0)
		}
		got := kept.input(cs, rv, elo)
		want := cellInput(cs, rv, elo)
		if d := cmp.Diff(want, got, cmp.AllowUnexported(ratingsInput{}, tallies{}), cmpopts.IgnoreFields(ratingsInput{}, "digest")); d != "" {
			t.Fatalf("step %d: kept count differs from a fresh one (-fresh +kept):\n%s", step, d)
		}
	}
}
