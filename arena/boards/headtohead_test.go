package boards

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func headToHeadBoard() *RatedBoard {
	return &RatedBoard{Models: []RatedRow{
		{Slug: "a", Score: 1200}, {Slug: "b", Score: 1000}, {Slug: "c", Score: 1000}, {Slug: "d", Score: 800},
	}, Pairs: []RatedPair{
		{A: "a", B: "b", AWins: 30, Ties: 4, BWins: 6},
		{A: "b", B: "c", AWins: 5, Ties: 10, BWins: 5},
		{A: "a", B: "d", AWins: 9, Ties: 0, BWins: 1},
	}}
}

func TestHeadToHead(t *testing.T) {
	b := headToHeadBoard()
	type row struct {
		Opponent              string
		Wins, Ties, Losses, N int
		Observed, Predicted   float64
	}
	flat := func(hs []HeadToHead) []row {
		var out []row
		for _, h := range hs {
			out = append(out, row{h.Opponent.Slug, h.Wins, h.Ties, h.Losses, h.Battles(), h.Observed, h.Predicted})
		}
		return out
	}
	p200 := 1 / (1 + math.Pow(10, -0.5)) // 200 points ahead: 0.7597
	tests := []struct {
		slug string
		want []row
	}{
		{"a", []row{
			{"b", 30, 4, 6, 40, 32.0 / 40, p200},
			{"c", 0, 0, 0, 0, 0, p200},
			{"d", 9, 0, 1, 10, 0.9, 1 / (1 + math.Pow(10, -1))},
		}},
		{"b", []row{
			{"a", 6, 4, 30, 40, 8.0 / 40, 1 - p200},
			{"c", 5, 10, 5, 20, 0.5, 0.5},
			{"d", 0, 0, 0, 0, 0, p200},
		}},
		{"d", []row{
			{"a", 1, 0, 9, 10, 0.1, 1 / (1 + math.Pow(10, 1))},
			{"b", 0, 0, 0, 0, 0, 1 - p200},
			{"c", 0, 0, 0, 0, 0, 1 - p200},
		}},
		{"nobody", nil},
	}
	for _, tt := range tests {
		t.Run(tt.slug, func(t *testing.T) {
			if d := cmp.Diff(tt.want, flat(b.HeadToHead(tt.slug)), cmpopts.EquateApprox(0, 1e-12)); d != "" {
				t.Errorf("head to head (-want +got):\n%s", d)
			}
		})
	}
}

func TestRecordsBothSides(t *testing.T) {
	r := headToHeadBoard().Records()
	want := map[[2]string]Record{
		{"a", "b"}: {30, 4, 6}, {"b", "a"}: {6, 4, 30},
		{"b", "c"}: {5, 10, 5}, {"c", "b"}: {5, 10, 5},
		{"a", "d"}: {9, 0, 1}, {"d", "a"}: {1, 0, 9},
	}
	if d := cmp.Diff(want, r); d != "" {
		t.Errorf("records (-want +got):\n%s", d)
	}
}
