package categories_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"openarena.dev/arena/arena/categories"
)

func TestCategorize(t *testing.T) {
	long := strings.Repeat("The committee reviewed every section of the annual report again. ", 60)
	tests := []struct {
		name  string
		text  string
		turns int
		cats  []string
		lang  string
	}{
		{"python request", "Write a Python function that reverses a linked list in place and explain its complexity.", 1,
			[]string{"coding", "lang:en"}, "en"},
		{"fenced code without a programming word", "Why does this print nothing?\n```\nfor i in range(0):\n    print(i)\n```", 1,
			[]string{"coding", "lang:en"}, "en"},
		{"equation", "Solve for x when 3x + 7 = 22, and show each step of the working clearly.", 1,
			[]string{"math", "lang:en"}, "en"},
		{"latex", `Evaluate \int_0^1 x^2 dx and \frac{1}{2} + \frac{1}{3} for my homework please.`, 1,
			[]string{"math", "lang:en"}, "en"},
		{"poem", "Write a short poem about the sea at night, in the voice of an old lighthouse keeper.", 1,
			[]string{"creative_writing", "lang:en"}, "en"},
		{"question about a poem is not creative writing", "Who wrote the poem The Raven, and in which year was it first published?", 1,
			[]string{"lang:en"}, "en"},
		{"plain German", "Wie viele Einwohner hat die Stadt Hamburg ungefähr, und warum ist der Hafen so wichtig?", 1,
			[]string{"lang:de"}, "de"},
		{"plain French", "Quelle est la meilleure saison pour visiter la Bretagne et pourquoi les gens l'aiment-ils tant ?", 1,
			[]string{"lang:fr"}, "fr"},
		{"too short for a language", "hi", 1, []string{}, "und"},
		{"a date is not maths", "What happened in Paris on 1789-07-14 and why does it matter to the French today?", 1,
			[]string{"lang:en"}, "en"},
		{"a price is not maths", "Is a $5 coffee and a $10 sandwich a fair lunch price in a big city these days?", 1,
			[]string{"lang:en"}, "en"},
		{"long", long, 1, []string{"long_query", "lang:en"}, "en"},
		{"multi-turn", "Tell me about the history of the bicycle and how its design has changed.", 3,
			[]string{"multi_turn", "lang:en"}, "en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cats, lang := categories.Of(tt.text, tt.turns)
			if d := cmp.Diff(tt.cats, cats); d != "" {
				t.Errorf("categories (-want +got):\n%s", d)
			}
			if lang != tt.lang {
				t.Errorf("language = %q, want %q", lang, tt.lang)
			}
		})
	}
}

func TestKnownCategory(t *testing.T) {
	for name, want := range map[string]bool{
		"overall": true, "coding": true, "multi_turn": true, "lang:en": true, "lang:yue": true,
		"": false, "lang:": false, "lang:EN": false, "lang:e1": false, "cooking": false, "lang:english": false,
	} {
		if got := categories.Known(name); got != want {
			t.Errorf("KnownCategory(%q) = %v, want %v", name, got, want)
		}
	}
}
