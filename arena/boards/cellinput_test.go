package boards

import (
	"context"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

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
