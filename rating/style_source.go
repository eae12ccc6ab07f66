package rating

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
)

// Battles gives the battles a style fit reads, in order, each with both
// answers' style counts. A caller that keeps millions of battles in a
// compact form of its own implements it, so that they are never listed
// as []Outcome and []StyleCounts (88 bytes a battle) while the fit runs:
// the fit reads each battle a few times, in order, and keeps only its
// pooled rows.
type Battles interface {
	Len() int
	Battle(i int) (Outcome, StyleCounts)
}

// battleList is Battles over slices, style holding one entry per outcome.
type battleList struct {
	outcomes []Outcome
	style    []StyleCounts
}

func (l battleList) Len() int { return len(l.outcomes) }

func (l battleList) Battle(i int) (Outcome, StyleCounts) { return l.outcomes[i], l.style[i] }

// AddStyle fills the style-controlled view into a board ComputeBoard
// computed without it, exactly as ComputeBoard with opt.StyleControl
// would have: battles must give the battles of that computation, in the
// same order, with their style counts, and models is the number of names
// it was given. A caller can so drop its outcomes before the style fit,
// the part of a board that holds the most memory.
func AddStyle(ctx context.Context, board *Board, models int, battles Battles, opt Options) error {
	if battles.Len() != board.Battles {
		return fmt.Errorf("rating: style control needs the board's %d battles, got %d", board.Battles, battles.Len())
	}
	if len(board.Models) == 0 {
		return nil
	}
	active := make([]int, len(board.Models))
	for i, m := range board.Models {
		active[i] = m.Index
	}
	slices.Sort(active)
	pos := make([]int, models)
	for m := range pos {
		pos[m] = -1
	}
	for i, m := range active {
		if m < 0 || m >= models {
			return fmt.Errorf("rating: board model %d out of %d names", m, models)
		}
		pos[m] = i
	}
	local := localBattles{battles, pos}
	if err := local.check(); err != nil {
		return err
	}
	bt := opt.BT
	if bt.Anchor != nil {
		a := *bt.Anchor
		a.Model = slices.Index(active, a.Model)
		bt.Anchor = &a
	}
	opt.StyleControl = true
	// addStyle fills models in active order, as ComputeBoard holds them
	// before it sorts them by score.
	styled := &Board{Models: make([]ModelRating, len(active))}
	if err := addStyle(ctx, styled, len(active), local, bt, opt); err != nil {
		return err
	}
	for i := range board.Models {
		board.Models[i].Style = styled.Models[pos[board.Models[i].Index]].Style
	}
	board.Style = styled.Style
	return nil
}

// localBattles renumbers battles over the models that fought, as
// ComputeBoard's activeModels does.
type localBattles struct {
	battles Battles
	pos     []int
}

func (l localBattles) Len() int { return l.battles.Len() }

func (l localBattles) Battle(i int) (Outcome, StyleCounts) {
	o, s := l.battles.Battle(i)
	o.A, o.B = l.pos[o.A], l.pos[o.B]
	return o, s
}

// check rejects battles that could not have been the board's.
func (l localBattles) check() error {
	for i := range l.battles.Len() {
		o, _ := l.battles.Battle(i)
		if o.A < 0 || o.A >= len(l.pos) || o.B < 0 || o.B >= len(l.pos) || o.A == o.B {
			return fmt.Errorf("rating: battle %d: bad models %d and %d for %d names", i, o.A, o.B, len(l.pos))
		}
		if l.pos[o.A] < 0 || l.pos[o.B] < 0 {
			return errors.New("rating: a battle names a model the board has no row for")
		}
		if o.Result != 0 && o.Result != 0.5 && o.Result != 1 {
			return fmt.Errorf("rating: battle %d: result %v, want 0, 0.5 or 1", i, o.Result)
		}
	}
	return nil
}

// styleNorm is the normalisation StyleFeatures z-scores with, computed in
// two passes over the battles without keeping their ratios: each ratio is
// computed again, to the same bits, where it is needed.
func styleNorm(battles Battles) StyleNormalisation {
	var norm StyleNormalisation
	m := battles.Len()
	if m == 0 {
		return norm
	}
	var sum, ss [NumStyleFeatures]float64
	for i := range m {
		_, s := battles.Battle(i)
		for k := range NumStyleFeatures {
			sum[k] += styleRatio(s.A[k], s.B[k])
		}
	}
	n := float64(m)
	for k := range NumStyleFeatures {
		norm.Mean[k] = sum[k] / n
	}
	for i := range m {
		_, s := battles.Battle(i)
		for k := range NumStyleFeatures {
			d := styleRatio(s.A[k], s.B[k]) - norm.Mean[k]
			ss[k] += d * d
		}
	}
	for k := range NumStyleFeatures {
		norm.Std[k] = math.Sqrt(ss[k] / n)
	}
	return norm
}

// features are one battle's z-scored style features.
func (norm *StyleNormalisation) features(s *StyleCounts) [NumStyleFeatures]float64 {
	var f [NumStyleFeatures]float64
	for k := range NumStyleFeatures {
		// A constant feature carries no information; zero keeps it out.
		if norm.Std[k] == 0 {
			continue
		}
		f[k] = (styleRatio(s.A[k], s.B[k]) - norm.Mean[k]) / norm.Std[k]
	}
	return f
}
