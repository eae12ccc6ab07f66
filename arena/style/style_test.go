package style_test

import (
	"testing"

	"openarena.dev/arena/arena/style"
	"openarena.dev/arena/models"
)

func TestMeasureStyle(t *testing.T) {
	cases := []struct {
		name string
		text string
		want models.StyleCounts
	}{
		{"empty", "", models.StyleCounts{}},
		{"words and punctuation", "Hello, world!", models.StyleCounts{Tokens: 4}},
		{"numbers split at the point", "pi is 3.14", models.StyleCounts{Tokens: 5}},
		{"identifiers and accents are one word", "naïve_var2 café", models.StyleCounts{Tokens: 2}},
		{"Han and kana one per character", "你好世界です", models.StyleCounts{Tokens: 6}},
		{"headers one to six", "# One\n## Two\n###### Six\n####### Seven\n#NoSpace\n#\tTab", models.StyleCounts{Tokens: 24, Headers: 4}},
		{"header only at line start", "Not # a header", models.StyleCounts{Tokens: 4}},
		{"bullets", "- a\n* b\n+ c\n  - nested\n-not a list", models.StyleCounts{Tokens: 12, Lists: 4}},
		{"ordered items", "1. one\n10. ten\n   2. nested\n1.5 is a number", models.StyleCounts{Tokens: 15, Lists: 3}},
		{"bold both ways", "**a** and __b c__ but not **x\ny** or _d_", models.StyleCounts{Tokens: 18, Bold: 2}},
		// As with FastChat's pattern, a run of stars can open a span.
		{"stars then bold", "****, **", models.StyleCounts{Tokens: 7, Bold: 1}},
		{"two bold spans on a line", "**a** **b**", models.StyleCounts{Tokens: 10, Bold: 2}},
		{"code blocks hide Markdown but count as length", "```py\n# comment\n- x\n**y**\n```\n# Real", models.StyleCounts{Tokens: 18, Headers: 1}},
		{"rich answer", "## Plan\n\n1. **Read** the data\n2. Fit\n\n- __note__\n", models.StyleCounts{Tokens: 17, Headers: 1, Lists: 3, Bold: 2}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := style.Measure(c.text); got != c.want {
				t.Errorf("MeasureStyle(%q) = %+v, want %+v", c.text, got, c.want)
			}
		})
	}
}
