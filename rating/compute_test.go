package rating

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestGoldenBoard runs the whole pipeline with the reference's bootstrap
// counts and compares every column of the leaderboard.
func TestGoldenBoard(t *testing.T) {
	dir, set, g := loadGolden(t)
	f, err := os.Open(filepath.Join(dir, "bootstrap_counts.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	opt := DefaultOptions()
	opt.GivenCells, opt.GivenCounts, err = ReadBootstrapCounts(f, set.Models)
	if err != nil {
		t.Fatal(err)
	}
	opt.StyleControl = true
	opt.Bootstrap = BootstrapOptions{Rounds: 20, Seed: 1}
	board, err := ComputeBoard(context.Background(), set.Models, set.Outcomes, set.Style, opt)
	if err != nil {
		t.Fatal(err)
	}
	if board.Battles != 20000 || len(board.Models) != 24 {
		t.Fatalf("board has %d battles and %d models", board.Battles, len(board.Models))
	}
	for i, m := range board.Models {
		if i > 0 && m.Score > board.Models[i-1].Score {
			t.Errorf("board not sorted by score at %d", i)
		}
		for _, c := range []struct {
			what      string
			got, want float64
			tol       float64
		}{
			{"online_elo", m.OnlineElo, g.OnlineElo[m.Model], 1e-6},
			{"score", m.Score, g.Exact.BT[m.Model], 1e-6},
			{"lower", m.CI.Lower, g.Exact.BootLower[m.Model], 1e-6},
			{"upper", m.CI.Upper, g.Exact.BootUpper[m.Model], 1e-6},
			{"style", m.Style.Score, g.Exact.StyleRatings[m.Model], 1e-6},
		} {
			if math.Abs(c.got-c.want) > c.tol {
				t.Errorf("%s %s = %v, want %v", m.Model, c.what, c.got, c.want)
			}
		}
		if m.RankUB != g.RankUB[m.Model] || m.Battles != g.NumBattles[m.Model] {
			t.Errorf("%s: rank %d battles %d, want %d and %d", m.Model, m.RankUB, m.Battles, g.RankUB[m.Model], g.NumBattles[m.Model])
		}
		if want := m.Battles < DefaultMinVotes; m.Preliminary != want {
			t.Errorf("%s: preliminary %v with %d battles", m.Model, m.Preliminary, m.Battles)
		}
	}
	if board.Style == nil || board.Style.CI == nil {
		t.Fatal("no style summary")
	}
}

func TestBoardDropsModelsWithoutBattles(t *testing.T) {
	models := []string{"a", "unused", "b", "c"}
	outcomes := []Outcome{{0, 2, 1}, {2, 3, 0.5}, {3, 0, 0}, {0, 2, 0}, {2, 3, 1}, {3, 0, 1}}
	opt := DefaultOptions()
	opt.Bootstrap.Rounds = 10
	board, err := ComputeBoard(context.Background(), models, outcomes, nil, opt)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range board.Models {
		names = append(names, m.Model)
		if !m.Preliminary {
			t.Errorf("%s has %d battles but is not preliminary", m.Model, m.Battles)
		}
	}
	if diff := cmp.Diff([]string{"a", "b", "c"}, names, cmpSortStrings); diff != "" {
		t.Errorf("models on board (-want +got):\n%s", diff)
	}
}

func TestBoardSandwichAndNoRounds(t *testing.T) {
	set, _ := Simulate(SimConfig{Models: 6, Battles: 4000, Seed: 30, TieRate: 0.2, StyleEffect: DefaultStyleEffect})
	for _, tc := range []struct {
		name   string
		ci     CIMethod
		rounds int
	}{{"sandwich", CISandwich, 0}, {"no rounds", CIBootstrap, 0}, {"bootstrap", CIBootstrap, 5}} {
		t.Run(tc.name, func(t *testing.T) {
			opt := DefaultOptions()
			opt.CI, opt.Bootstrap.Rounds, opt.StyleControl = tc.ci, tc.rounds, true
			board, err := ComputeBoard(context.Background(), set.Models, set.Outcomes, set.Style, opt)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range board.Models {
				// A percentile interval need not contain the fit; the others must.
				inside := m.CI.Lower <= m.Score && m.Score <= m.CI.Upper
				if (!inside && tc.rounds == 0) || m.Style == nil || m.CI.Lower > m.CI.Upper {
					t.Errorf("%s: score %v outside [%v, %v]", m.Model, m.Score, m.CI.Lower, m.CI.Upper)
				}
				if tc.ci == CISandwich && !(m.CI.Upper > m.CI.Lower && m.Style.CI.Upper > m.Style.CI.Lower) {
					t.Errorf("%s: empty sandwich interval", m.Model)
				}
			}
		})
	}
}

// cmpSortStrings compares string slices as sets.
var cmpSortStrings = cmp.Transformer("sort", func(in []string) []string {
	out := append([]string(nil), in...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
})
