package moderation

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"openarena.dev/arena/arena/fault"
)

func TestRuleLines(t *testing.T) {
	got := RuleLines("  spam \n\n\teggs\r\n  \nham")
	if want := []string{"spam", "eggs", "ham"}; !cmp.Equal(got, want) {
		t.Errorf("RuleLines = %q, want %q", got, want)
	}
}

func TestNormalizeRules(t *testing.T) {
	tests := []struct {
		name    string
		in      FilterRules
		want    FilterRules
		refused string
	}{
		{"trimmed, lower-cased, repeats dropped",
			FilterRules{BlockWords: []string{" Zork ", "zork", ""}, FlagPatterns: []string{`a+`, `a+`}},
			FilterRules{BlockWords: []string{"zork"}, FlagWords: []string{}, BlockPatterns: []string{}, FlagPatterns: []string{`a+`}}, ""},
		{"bad pattern", FilterRules{BlockPatterns: []string{"("}}, FilterRules{}, "not a valid regular expression"},
		{"long word", FilterRules{FlagWords: []string{strings.Repeat("x", maxWordChars+1)}}, FilterRules{}, "limit is 100"},
		{"NUL in a word", FilterRules{BlockWords: []string{"a\x00b"}}, FilterRules{}, "cannot be stored"},
		{"too many", FilterRules{FlagWords: manyWords(maxRuleEntries + 1)}, FilterRules{}, "entries; the limit is 500"},
	}
	for _, tt := range tests {
		got, compiled, err := tt.in.normalize()
		if tt.refused != "" {
			if !fault.Is(err, fault.Invalid) || !strings.Contains(err.Error(), tt.refused) {
				t.Errorf("%s: err = %v, want an invalid-input fault saying %q", tt.name, err, tt.refused)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: normalized (-want +got):\n%s", tt.name, diff)
		}
		if len(compiled.flagPatterns) != len(got.FlagPatterns) || !cmp.Equal(compiled.blockWords, got.BlockWords) {
			t.Errorf("%s: compiled rules %+v do not match %+v", tt.name, compiled, got)
		}
	}
}

func manyWords(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = strings.Repeat("w", i%90+1) + string(rune('a'+i%26)) + strings.Repeat("z", i/90)
	}
	return out
}
