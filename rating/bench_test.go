package rating

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// benchSet is the benchmark workload: 1,000,000 simulated battles over 100
// models with style columns, the same shape as docs/BENCHMARKS.md uses.
var benchSet = sync.OnceValue(func() *BattleSet {
	set, _ := Simulate(SimConfig{Models: 100, Battles: 1000000, Seed: 1, TieRate: 0.2, StyleEffect: DefaultStyleEffect})
	return set
})

func BenchmarkReadBattles(b *testing.B) { benchmarkRead(b, ReadBattles) }

// BenchmarkReadOutcomes reads the same file for a plain board: no style.
func BenchmarkReadOutcomes(b *testing.B) { benchmarkRead(b, ReadOutcomes) }

func benchmarkRead(b *testing.B, read func(io.Reader) (*BattleSet, error)) {
	path := filepath.Join(b.TempDir(), "battles.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := WriteBattles(f, benchSet()); err != nil {
		b.Fatal(err)
	}
	f.Close()
	fi, _ := os.Stat(path)
	b.SetBytes(fi.Size())
	for b.Loop() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := read(f); err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
}

func BenchmarkOnlineElo(b *testing.B) {
	set := benchSet()
	for b.Loop() {
		OnlineElo(len(set.Models), set.Outcomes, DefaultElo)
	}
}

func BenchmarkCells(b *testing.B) {
	set := benchSet()
	for b.Loop() {
		Cells(set.Outcomes)
	}
}

func BenchmarkFitBT(b *testing.B) {
	set := benchSet()
	cells := Cells(set.Outcomes)
	b.ResetTimer()
	for b.Loop() {
		if _, err := FitBT(len(set.Models), cells, DefaultBT); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBootstrapBT100(b *testing.B) {
	set := benchSet()
	cells := Cells(set.Outcomes)
	b.ResetTimer()
	for b.Loop() {
		if _, err := BootstrapBT(context.Background(), len(set.Models), cells, DefaultBT, BootstrapOptions{Rounds: 100, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFitStyle(b *testing.B) {
	set := benchSet()
	for b.Loop() {
		if _, err := FitStyle(len(set.Models), set.Outcomes, set.Style, DefaultStyle); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBootstrapStyle10(b *testing.B) {
	set := benchSet()
	for b.Loop() {
		if _, err := BootstrapStyle(context.Background(), len(set.Models), set.Outcomes, set.Style, DefaultStyle, BootstrapOptions{Rounds: 10, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBoardPlain(b *testing.B) {
	set := benchSet()
	opt := DefaultOptions()
	for b.Loop() {
		if _, err := ComputeBoard(context.Background(), set.Models, set.Outcomes, nil, opt); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBoardStyle(b *testing.B) {
	set := benchSet()
	opt := DefaultOptions()
	opt.StyleControl = true
	for b.Loop() {
		if _, err := ComputeBoard(context.Background(), set.Models, set.Outcomes, set.Style, opt); err != nil {
			b.Fatal(err)
		}
	}
}

// bench300 is a 300-model board, the size the greedy robustness search
// and the reweighted fit must handle.
var bench300 = sync.OnceValue(func() []Cell {
	set, _ := Simulate(SimConfig{Models: 300, Battles: 300000, Seed: 2, TieRate: 0.2})
	return Cells(set.Outcomes)
})

func BenchmarkTopRobustnessGreedy300(b *testing.B) {
	cells := bench300()
	for b.Loop() {
		r, err := TopRobustness(300, cells, DefaultBT, RobustnessOptions{MaxExactFits: -1})
		if err != nil || r.FlipsToChangeTop <= 0 {
			b.Fatal(r, err)
		}
	}
}

func BenchmarkReweightedFit300(b *testing.B) {
	cells := bench300()
	for b.Loop() {
		if _, err := FitBT(300, ReweightCells(cells, DefaultMinPairCount), DefaultBT); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTopRobustness100 runs the search as the recomputer does (exact
// when rating allows it, greedy otherwise) on the 100-model, 1M-battle
// workload of BenchmarkBoardStyle, to compare the two in the same run.
func BenchmarkTopRobustness100(b *testing.B) {
	cells := Cells(benchSet().Outcomes)
	for b.Loop() {
		if _, err := TopRobustness(100, cells, DefaultBT, RobustnessOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
