package rating

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestAddStyleMatchesComputeBoard checks that a board rated without style
// control and given its style view afterwards equals, to the bit, the
// board ComputeBoard rates with it: with a named model that never fought
// (the fit renumbers the others), an anchor, and either interval.
func TestAddStyleMatchesComputeBoard(t *testing.T) {
	set, _ := Simulate(SimConfig{Models: 9, Battles: 6000, Seed: 11, TieRate: 0.2, StyleEffect: DefaultStyleEffect})
	// Model 0 sits out: its battles go to model 1.
	for i, o := range set.Outcomes {
		if o.A == 0 {
			set.Outcomes[i].A = 1
		}
		if o.B == 0 {
			set.Outcomes[i].B = 1
		}
		if set.Outcomes[i].A == set.Outcomes[i].B {
			set.Outcomes[i].B = 2 + i%7
			if set.Outcomes[i].A == set.Outcomes[i].B {
				set.Outcomes[i].B = 8
			}
		}
	}
	tests := []struct {
		name string
		opt  func(*Options)
	}{
		{"bootstrap", func(*Options) {}},
		{"sandwich", func(o *Options) { o.CI = CISandwich }},
		{"anchor", func(o *Options) { o.BT.Anchor = &Anchor{Model: 4, Score: 1200} }},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := DefaultOptions()
			opt.Bootstrap.Rounds, opt.Bootstrap.Seed = 6, 3
			tt.opt(&opt)
			opt.StyleControl = true
			want, err := ComputeBoard(ctx, set.Models, set.Outcomes, set.Style, opt)
			if err != nil {
				t.Fatal(err)
			}
			opt.StyleControl = false
			got, err := ComputeBoard(ctx, set.Models, set.Outcomes, nil, opt)
			if err != nil {
				t.Fatal(err)
			}
			if err := AddStyle(ctx, got, len(set.Models), battleList{set.Outcomes, set.Style}, opt); err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("AddStyle differs from ComputeBoard with style control (-want +got):\n%s", d)
			}
		})
	}
}

// TestAddStyleRejectsOtherBattles checks that battles which cannot be the
// board's are refused and leave the board as it was.
func TestAddStyleRejectsOtherBattles(t *testing.T) {
	models := []string{"a", "b", "c"}
	outcomes := []Outcome{{A: 0, B: 1, Result: 1}, {A: 1, B: 0, Result: 0.5}}
	style := []StyleCounts{{}, {}}
	opt := DefaultOptions()
	opt.Bootstrap.Rounds = 2
	ctx := context.Background()
	tests := []struct {
		name    string
		battles Battles
	}{
		{"fewer", battleList{outcomes[:1], style[:1]}},
		{"model without a row", battleList{[]Outcome{outcomes[0], {A: 2, B: 0, Result: 1}}, style}},
		{"bad result", battleList{[]Outcome{outcomes[0], {A: 1, B: 0, Result: 0.3}}, style}},
		{"out of range", battleList{[]Outcome{outcomes[0], {A: 5, B: 0, Result: 1}}, style}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			board, err := ComputeBoard(ctx, models, outcomes, nil, opt)
			if err != nil {
				t.Fatal(err)
			}
			before := *board
			before.Models = append([]ModelRating(nil), board.Models...)
			if err := AddStyle(ctx, board, len(models), tt.battles, opt); err == nil {
				t.Fatal("AddStyle took battles that are not the board's")
			}
			if d := cmp.Diff(&before, board); d != "" {
				t.Errorf("a refused AddStyle changed the board:\n%s", d)
			}
		})
	}
}

// TestStyleRefusesTooManyModels checks that a style fit over more models
// than its rows can name is refused, not wrapped around.
func TestStyleRefusesTooManyModels(t *testing.T) {
	n := maxStyleModels + 1
	outcomes := []Outcome{{A: 0, B: n - 1, Result: 1}}
	style := []StyleCounts{{}}
	if _, err := FitStyle(n, outcomes, style, DefaultStyle); err == nil {
		t.Error("FitStyle took more models than a row can name")
	}
	if _, _, err := SandwichStyle(n, outcomes, style, DefaultStyle, 0.95); err == nil {
		t.Error("SandwichStyle took more models than a row can name")
	}
}
