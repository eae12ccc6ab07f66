package llm

import (
	_ "embed"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"unicode"
)

// The FAQ demo bot: retrieval, not generation. It scores the prompt against
// each question-and-answer pair of corpus/faq.txt by TF-IDF cosine
// similarity and replies with the best answer, or says what it can talk
// about when nothing matches. It shows voters the difference between looking
// something up and writing something new.

//go:embed corpus/faq.txt
var faqCorpus string

// faqMinScore is the similarity below which the bot admits it has no answer;
// below it, matches rest on a single common word.
const faqMinScore = 0.12

const faqFallback = "I can only answer questions about this arena. Try asking how voting works, " +
	"why model names are hidden, what the arena score or its confidence interval means, " +
	"or how to add your own model."

type faqEntry struct {
	Question, Answer string
}

// faqIndex holds TF-IDF vectors, normalised to length one, of each entry's
// question and answer. They are scored apart and the question weighs more:
// it says what the entry is about, while a long answer would otherwise
// dilute a short question's match.
type faqIndex struct {
	entries []faqEntry
	qvecs   []map[string]float64
	avecs   []map[string]float64
	idf     map[string]float64
}

// faqQuestionWeight is the question's share of an entry's score.
const faqQuestionWeight = 0.65

// faqEntries parses "Q: …" / "A: …" blocks separated by blank lines.
func faqEntries() []faqEntry {
	var out []faqEntry
	for _, block := range strings.Split(strings.ReplaceAll(faqCorpus, "\r\n", "\n"), "\n\n") {
		q, a, ok := strings.Cut(strings.TrimSpace(block), "\nA: ")
		if !ok || !strings.HasPrefix(q, "Q: ") {
			continue
		}
		out = append(out, faqEntry{Question: strings.TrimPrefix(q, "Q: "), Answer: strings.Join(strings.Fields(a), " ")})
	}
	return out
}

var faq = sync.OnceValue(func() *faqIndex {
	ix := &faqIndex{entries: faqEntries(), idf: map[string]float64{}}
	df := map[string]int{}
	for _, e := range ix.entries {
		seen := map[string]bool{}
		for _, t := range append(terms(e.Question), terms(e.Answer)...) {
			if !seen[t] {
				seen[t] = true
				df[t]++
			}
		}
	}
	n := float64(len(ix.entries))
	for t, d := range df {
		ix.idf[t] = math.Log(1 + n/float64(d)) // smoothed: a word in every entry still weighs a little
	}
	for _, e := range ix.entries {
		ix.qvecs = append(ix.qvecs, ix.vector(terms(e.Question)))
		ix.avecs = append(ix.avecs, ix.vector(terms(e.Answer)))
	}
	return ix
})

// vector weighs term counts by IDF and normalises; unknown terms are dropped.
func (ix *faqIndex) vector(ts []string) map[string]float64 {
	v := map[string]float64{}
	for _, t := range ts {
		if w, ok := ix.idf[t]; ok {
			v[t] += w
		}
	}
	var norm float64
	for _, w := range v {
		norm += w * w
	}
	norm = math.Sqrt(norm)
	for t := range v {
		v[t] /= norm
	}
	return v
}

// best returns the index of the closest entry and its cosine similarity.
// Ties go to the earlier entry, so the answer is deterministic.
func (ix *faqIndex) best(query string) (int, float64) {
	q := ix.vector(terms(query))
	bi, bs := -1, 0.0
	for i := range ix.entries {
		var sq, sa float64
		for t, w := range q {
			sq += w * ix.qvecs[i][t]
			sa += w * ix.avecs[i][t]
		}
		if s := faqQuestionWeight*sq + (1-faqQuestionWeight)*sa; s > bs {
			bi, bs = i, s
		}
	}
	return bi, bs
}

func faqAnswer(msgs []Message, _ *rand.Rand) string {
	ix := faq()
	i, score := ix.best(lastUser(msgs))
	if i < 0 || score < faqMinScore {
		return faqFallback
	}
	return ix.entries[i].Answer
}

// terms lowercases, splits on anything but letters and digits, drops stop
// words and applies a tiny stemmer, so "votes", "voting" and "voted" meet.
func terms(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if len(w) < 2 || stopWords[w] {
			continue
		}
		out = append(out, stem(w))
	}
	return out
}

func stem(w string) string {
	for _, suf := range []string{"ing", "ed", "es", "s"} {
		if len(w) >= len(suf)+3 && strings.HasSuffix(w, suf) {
			w = strings.TrimSuffix(w, suf)
			break
		}
	}
	if len(w) > 3 {
		w = strings.TrimSuffix(w, "e") // "vote" meets "voting"
	}
	return w
}

// stopWords carry no topic; shared with the Markov bot's topic matching.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a an the and or but if of to in on at by for with from as is are was were be been
		being it its this that these those there here what which who whom whose when where why how do does did done
		can could should would will shall may might must i me my we our you your he she they them their his her
		not no yes so than then too very just about into over under again more most some any each other such only
		own same also both all one two get got has have had having make made up out off am vs`) {
		m[w] = true
	}
	return m
}()
