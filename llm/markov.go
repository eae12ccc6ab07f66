package llm

import (
	_ "embed"
	"math/rand/v2"
	"strings"
	"sync"
	"unicode"
)

// The Markov demo bot: a second-order word chain trained on a few paragraphs
// the project wrote about the arena (corpus/markov.txt). Each next word is
// drawn from the words that followed the previous two in the corpus, so the
// text is locally fluent and globally meaningless — a useful reminder to
// voters that fluency is not understanding. It starts from a
// sentence that shares a word with the prompt when the corpus has one, which
// makes it seem on topic.

//go:embed corpus/markov.txt
var markovCorpus string

// Length bounds of a Markov answer, in words: it ends at the first sentence
// end after markovMin, or is cut at markovMax.
const (
	markovMin = 35
	markovMax = 90
)

type markovState [2]string

// markovChain holds successors in corpus order (a map's order is random,
// and answers must be deterministic given the seed).
type markovChain struct {
	next   map[markovState][]string
	starts []markovState            // pairs that begin a sentence
	byWord map[string][]markovState // sentence starts whose sentence holds this word (bare)
}

var markov = sync.OnceValue(func() *markovChain {
	words := strings.Fields(markovCorpus)
	c := &markovChain{next: map[markovState][]string{}, byWord: map[string][]markovState{}}
	var sentence markovState
	for i := 0; i+2 < len(words); i++ {
		s := markovState{words[i], words[i+1]}
		c.next[s] = append(c.next[s], words[i+2])
		if i == 0 || endsSentence(words[i-1]) {
			sentence = s
			c.starts = append(c.starts, s)
		}
		if k := bare(words[i]); len(k) >= 3 && !stopWords[k] {
			if list := c.byWord[k]; len(list) == 0 || list[len(list)-1] != sentence {
				c.byWord[k] = append(list, sentence)
			}
		}
	}
	return c
})

// markovAnswer generates text seeded by rng, starting near the prompt's topic.
func markovAnswer(msgs []Message, rng *rand.Rand) string {
	c := markov()
	s := c.starts[rng.IntN(len(c.starts))]
	var topical []markovState
	for _, w := range strings.Fields(lastUser(msgs)) {
		topical = append(topical, c.byWord[bare(w)]...)
	}
	if len(topical) > 0 {
		s = topical[rng.IntN(len(topical))]
	}
	out := []string{s[0], s[1]}
	for len(out) < markovMax {
		if len(out) >= markovMin && endsSentence(out[len(out)-1]) {
			break
		}
		succ := c.next[s]
		if len(succ) == 0 { // the corpus's last pair: jump to a fresh sentence
			s = c.starts[rng.IntN(len(c.starts))]
			out = append(out, s[0], s[1])
			continue
		}
		w := succ[rng.IntN(len(succ))]
		out = append(out, w)
		s = markovState{s[1], w}
	}
	text := strings.Join(out, " ")
	if !endsSentence(text) {
		text = strings.TrimRightFunc(text, unicode.IsPunct) + "."
	}
	return text
}

func endsSentence(w string) bool {
	return strings.HasSuffix(w, ".") || strings.HasSuffix(w, "!") || strings.HasSuffix(w, "?")
}

// bare lowercases a word and strips punctuation around it, for matching
// prompt words to corpus words.
func bare(w string) string {
	return strings.ToLower(strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }))
}
