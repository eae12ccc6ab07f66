package rating

import (
	"bytes"
	"errors"
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
