package rating

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestReadBattles(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     *BattleSet
		err      string
	}{
		{
			name: "plain",
			in:   "model_a,model_b,winner\nx,y,model_a\ny,z,tie (bothbad)\nz,x,model_b\n",
			want: &BattleSet{Models: []string{"x", "y", "z"}, Outcomes: []Outcome{{0, 1, 1}, {1, 2, 0.5}, {2, 0, 0}}},
		},
		{
			name: "style columns in any order",
			in: "winner,model_b,model_a,bold_count_b,bold_count_a,list_count_a,list_count_b,header_count_a,header_count_b,sum_assistant_a_tokens,sum_assistant_b_tokens\n" +
				"tie,y,x,1,2,3,4,5,6,7,8\n",
			want: &BattleSet{Models: []string{"x", "y"}, Outcomes: []Outcome{{0, 1, 0.5}},
				Style: []StyleCounts{{A: [4]float64{7, 5, 3, 2}, B: [4]float64{8, 6, 4, 1}}}},
		},
		{name: "unknown winner", in: "model_a,model_b,winner\nx,y,model_a\nx,y,x\n", err: `3: unknown winner "x"`},
		{name: "missing column", in: "model_a,winner\nx,model_a\n", err: `1: missing column "model_b"`},
		{name: "partial style", in: "model_a,model_b,winner,bold_count_a\nx,y,tie,1\n", err: "1: found 1 of the 8 style columns"},
		{name: "self battle", in: "model_a,model_b,winner\nx,x,tie\n", err: `2: model "x" battles itself`},
		{name: "empty", in: "", err: "1: empty file"},
		{name: "short row", in: "model_a,model_b,winner\nx,y\n", err: "2: wrong number of fields"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadBattles(strings.NewReader(tc.in))
			if tc.err != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tc.err) {
					t.Fatalf("error %v, want prefix %q", err, tc.err)
				}
				var le *LineError
				if !errors.As(err, &le) {
					t.Errorf("error %T is not a *LineError", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestWriteReadRoundTrip(t *testing.T) {
	set, _ := Simulate(SimConfig{Models: 5, Battles: 200, Seed: 1, TieRate: 0.3})
	var buf bytes.Buffer
	if err := WriteBattles(&buf, set); err != nil {
		t.Fatal(err)
	}
	got, err := ReadBattles(&buf)
	if err != nil {
		t.Fatal(err)
	}
	// Models are numbered by first appearance on reading.
	if diff := cmp.Diff(renumber(set), got); diff != "" {
		t.Errorf("round trip (-written +read):\n%s", diff)
	}
}

// renumber numbers a set's models in order of first appearance.
func renumber(set *BattleSet) *BattleSet {
	out := &BattleSet{Style: set.Style}
	index := map[string]int{}
	for _, o := range set.Outcomes {
		a := modelIndex(out, index, set.Models[o.A])
		b := modelIndex(out, index, set.Models[o.B])
		out.Outcomes = append(out.Outcomes, Outcome{A: a, B: b, Result: o.Result})
	}
	return out
}

// FuzzReadBattles checks the reader never panics, only accepts well-formed
// battles, and that what it accepts survives a write and a re-read.
func FuzzReadBattles(f *testing.F) {
	f.Add("model_a,model_b,winner\nx,y,model_a\ny,z,tie\n")
	f.Add("model_a,model_b,winner,sum_assistant_a_tokens,sum_assistant_b_tokens,header_count_a,header_count_b,list_count_a,list_count_b,bold_count_a,bold_count_b\nx,y,model_b,1,2,3,4,5,6,7,8\n")
	f.Add("model_a,model_b,winner\n\"a,b\",\"c\"\"d\",tie (bothbad)\n")
	f.Add("\ufeffwinner,model_a,model_b\nmodel_b,p,q\n")
	f.Add("model_a,model_b,winner\r\n\r\nx,y,tie\r\n\nz,y,model_b")
	f.Fuzz(func(t *testing.T, in string) {
		set, err := ReadBattles(strings.NewReader(in))
		if plainCSV([]byte(in)) {
			// The fast path must agree with encoding/csv exactly.
			slow, slowErr := readBattlesCSV([]byte(in), true)
			if (err == nil) != (slowErr == nil) {
				t.Fatalf("fast reader error %v, encoding/csv error %v", err, slowErr)
			}
			if err == nil {
				if diff := cmp.Diff(slow, set, cmpopts.EquateEmpty()); diff != "" {
					t.Fatalf("fast reader differs from encoding/csv (-csv +fast):\n%s", diff)
				}
			} else if err.Error() != slowErr.Error() {
				t.Logf("errors differ in wording: %v / %v", err, slowErr)
			}
		}
		// Read in blocks of a few bytes on several workers, the result,
		// errors included, is the same.
		for _, bs := range []int{1, 3, 16} {
			blocks, blockErr := readSource(memSource(in), true, bs, 3)
			if (err == nil) != (blockErr == nil) || err != nil && err.Error() != blockErr.Error() {
				t.Fatalf("blocks of %d: error %v, want %v", bs, blockErr, err)
			}
			if diff := cmp.Diff(set, blocks, cmpopts.EquateEmpty()); diff != "" {
				t.Fatalf("blocks of %d differ (-whole +blocks):\n%s", bs, diff)
			}
		}
		if err != nil {
			return
		}
		// Without style, the same battles come back.
		plain, err := ReadOutcomes(strings.NewReader(in))
		if err != nil {
			t.Fatalf("ReadBattles accepted what ReadOutcomes rejects: %v", err)
		}
		if diff := cmp.Diff(set.Outcomes, plain.Outcomes, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("ReadOutcomes differs (-ReadBattles +ReadOutcomes):\n%s", diff)
		}
		if set.Style != nil && len(set.Style) != len(set.Outcomes) {
			t.Fatalf("%d style rows for %d battles", len(set.Style), len(set.Outcomes))
		}
		for _, o := range set.Outcomes {
			if o.A < 0 || o.A >= len(set.Models) || o.B < 0 || o.B >= len(set.Models) || o.A == o.B {
				t.Fatalf("bad battle %+v with %d models", o, len(set.Models))
			}
			if o.Result != 0 && o.Result != 0.5 && o.Result != 1 {
				t.Fatalf("bad result %v", o.Result)
			}
		}
		var buf bytes.Buffer
		if err := WriteBattles(&buf, set); err != nil {
			t.Fatal(err)
		}
		again, err := ReadBattles(&buf)
		if err != nil {
			t.Fatalf("re-reading written battles: %v\n%s", err, buf.String())
		}
		if diff := cmp.Diff(renumber(set), again, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("round trip (-first +second):\n%s", diff)
		}
	})
}

// TestReadBattlesBlocks reads a larger file in small blocks on several
// workers, with empty lines, CRLF endings and bad lines placed anywhere,
// and checks it against encoding/csv.
func TestReadBattlesBlocks(t *testing.T) {
	set, _ := Simulate(SimConfig{Models: 30, Battles: 3000, Seed: 2, TieRate: 0.2, StyleEffect: DefaultStyleEffect})
	var buf bytes.Buffer
	if err := WriteBattles(&buf, set); err != nil {
		t.Fatal(err)
	}
	clean := strings.Split(buf.String(), "\n")
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 20 {
		lines := append([]string(nil), clean...)
		for range r.IntN(20) {
			i := 1 + r.IntN(len(lines)-1)
			switch r.IntN(4) {
			case 0:
				lines = append(lines[:i], append([]string{""}, lines[i:]...)...)
			case 1:
				lines[i] += "\r"
			case 2:
				if trial%3 == 0 {
					lines[i] = "m1,m1,tie,1,1,1,1,1,1,1,1"
				}
			case 3:
				if trial%5 == 0 {
					lines[i] = "m1,m2"
				}
			}
		}
		in := strings.Join(lines, "\n")
		want, wantErr := readBattlesCSV([]byte(in), true)
		for _, withStyle := range []bool{true, false} {
			if !withStyle {
				want, wantErr = readBattlesCSV([]byte(in), false)
			}
			for _, bs := range []int{7, 1000, 1 << 20} {
				got, err := readSource(memSource(in), withStyle, bs, 4)
				name := fmt.Sprintf("trial %d, style %v, blocks of %d", trial, withStyle, bs)
				if (err == nil) != (wantErr == nil) {
					t.Fatalf("%s: error %v, want %v", name, err, wantErr)
				}
				if err != nil {
					var le, wle *LineError
					if !errors.As(err, &le) || !errors.As(wantErr, &wle) || le.Line != wle.Line {
						t.Fatalf("%s: error %v, want %v", name, err, wantErr)
					}
					continue
				}
				// cmp.Diff on thousands of battles is slow; diff only to report.
				if !slices.Equal(want.Models, got.Models) || !slices.Equal(want.Outcomes, got.Outcomes) || !slices.Equal(want.Style, got.Style) {
					t.Fatalf("%s (-csv +blocks):\n%s", name, cmp.Diff(want, got, cmpopts.EquateEmpty()))
				}
			}
		}
	}
}

// TestReadBattlesFile reads an open file from its current offset, as
// reading through it would, and leaves it at the end.
func TestReadBattlesFile(t *testing.T) {
	set, _ := Simulate(SimConfig{Models: 10, Battles: 500, Seed: 3, TieRate: 0.2, StyleEffect: DefaultStyleEffect})
	var buf bytes.Buffer
	buf.WriteString("skipped\n")
	if err := WriteBattles(&buf, set); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "battles.csv")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Seek(int64(len("skipped\n")), io.SeekStart); err != nil {
		t.Fatal(err)
	}
	got, err := ReadBattles(f)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(renumber(set), got); diff != "" {
		t.Errorf("(-written +read):\n%s", diff)
	}
	if rest, _ := io.ReadAll(f); len(rest) != 0 {
		t.Errorf("%d bytes left to read after ReadBattles", len(rest))
	}
}
