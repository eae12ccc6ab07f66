// Package categories labels prompts with the topics and the language a
// board is kept for: coding, math, creative writing, long queries,
// multi-turn conversations and one category per detected language.
package categories

import (
	"regexp"
	"slices"
	"strings"

	"github.com/abadojack/whatlanggo"

	"openarena.dev/arena/arena/style"
)

// The topic categories a prompt or battle can fall in. Each has its own
// board beside "overall"; so has every language ("lang:" and its ISO 639-1
// code, see LanguageCategory).
const (
	Coding          = "coding"
	Math            = "math"
	CreativeWriting = "creative_writing"
	LongQuery       = "long_query"
	MultiTurn       = "multi_turn"
)

// CategoryNames are the topic categories Categorize assigns, in the order
// the board shows their tabs. Language categories come on top of them, one
// per language seen, so they are not listed here.
var Names = []string{
	Coding, Math, CreativeWriting, LongQuery, MultiTurn,
}

// LanguagePrefix starts the category of a language: "lang:en", "lang:de".
// Languages are categories rather than a filter of their own so that each
// gets its own rating run and tab, like the arena's "English", "Chinese"…
const LanguagePrefix = "lang:"

// LanguageUnknown is stored as a prompt's language when detection was not
// reliable (too short, mixed, or code only); such prompts get no language
// category. It is ISO 639's code for "undetermined", and it also marks the
// prompt as categorised, unlike the empty language of one never looked at.
const LanguageUnknown = "und"

// LongQueryTokens is how long a prompt must be to count as a long query:
// 500 tokens as the arena's "longer query" category uses, counted as style
// control counts answers (countTokens: a word or a symbol is one token, so
// about 2,000 characters of English prose).
const LongQueryTokens = 500

// LanguageCategory returns the category of a language code, or "" for an
// unknown one.
func ForLanguage(lang string) string {
	if lang == "" || lang == LanguageUnknown {
		return ""
	}
	return LanguagePrefix + lang
}

// KnownCategory reports whether name is a category a board can exist for:
// "overall", a topic of CategoryNames or a language category.
func Known(name string) bool {
	if name == "overall" || slices.Contains(Names, name) {
		return true
	}
	code, ok := strings.CutPrefix(name, LanguagePrefix)
	return ok && IsLanguageCode(code)
}

func IsLanguageCode(s string) bool {
	if len(s) < 2 || len(s) > 3 {
		return false
	}
	for _, r := range s {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

// Word lists are matched whole-word and case-insensitively. They are kept
// to words that rarely appear outside their topic: a false "coding" tag
// moves a vote into a board it does not belong to, a missed one only
// leaves it in "overall".
var (
	fencedCode = regexp.MustCompile("(?s:```.*?```)|(?m:^(?:    |\t)\\S[^\\n]*\\n(?:(?:    |\t)[^\\n]*\\n?)+)")
	codeWords  = regexp.MustCompile(`(?i)\b(?:python|javascript|typescript|golang|rust(?:c|lang)? (?:code|program|function)|c\+\+|c#|java (?:code|program|class)|kotlin|swift code|php|ruby on rails|sql|html|css|regex|regexp|json|yaml|bash|shell script|powershell|docker(?:file)?|kubernetes|git (?:commit|branch|merge|rebase)|compiler|compilation error|debug(?:ging)?|stack ?trace|segfault|null pointer|api endpoint|algorithm|(?:write|implement) a function|source code|code snippet|unit tests?|refactor|programming|programmer|linux command|numpy|pandas|django|flask|leetcode)\b`)
	codeSyntax = regexp.MustCompile(`(?m)(?:^\s*(?:def|class|import|from \S+ import|func|fn|public static|#include|SELECT .+ FROM)\b|=>|\)\s*\{|;\s*$|</?[a-z]+>)`)
	mathWords  = regexp.MustCompile(`(?i)\b(?:equations?|integrals?|integrate|derivatives?|differentiate|theorem|lemma|prove that|probability|polynomials?|algebra|geometry|trigonometry|calculus|matri(?:x|ces)|eigen\w*|logarithm|factorial|prime numbers?|solve for|arithmetic|fractions?|quadratic|hypotenuse|perimeter|circumference|square root|sqrt|sum of|modulo|combinatorics|permutations?|variance|standard deviation)\b`)
	mathSyntax = regexp.MustCompile(`\\(?:frac|sqrt|int|sum|prod|lim|cdot|times|leq|geq|alpha|beta|theta|pi)\b|\$[^$\n]*[\\^_=][^$\n]*\$|\d\s*[+*×÷^=]\s*\d|\d\s+[-/]\s+\d|\b[xyzn]\s*[=^]\s*[\dxyzn(]|[∫∑∏√≤≥≠π]`)
	// creativeAsk needs a request to produce a piece of writing; the form
	// alone ("a poem by Keats") is a question about literature.
	creativeAsk = regexp.MustCompile(`(?i)\b(?:write|compose|create|draft|pen|make up|come up with|tell me)\b[^.?!\n]{0,40}\b(?:poems?|poetry|haiku|sonnet|limerick|lyrics|song|rap|story|stories|short story|fairy ?tale|fable|fiction|novel|chapter|screenplay|script for a (?:play|film|movie|scene)|dialogue|monologue|ballad|ode|verse)\b|\b(?:once upon a time|in the style of (?:a )?(?:poem|shakespeare|haiku))\b`)
)

// Categorize assigns a prompt's categories and detects its language. turns
// is the number of exchanges of the battle it belongs to; more than one
// adds "multi_turn" (a property of the battle, so pass 1 when categorising
// a prompt on its own). The categories come in CategoryNames order, then
// the language category; the result is never nil, so a prompt that fits
// none is told apart from one never categorised. language is an ISO 639-1
// code, or LanguageUnknown when detection is not reliable.
//
// It is a heuristic on words and syntax, which is what the arena's
// published categories are too (with a model as judge); it runs in
// microseconds, so every prompt is categorised at ingest.
func Of(text string, turns int) (categories []string, language string) {
	categories = []string{}
	prose := fencedCode.ReplaceAllString(text, " ")
	hasCode := len(prose) != len(text) || len(codeSyntax.FindAllStringIndex(text, 3)) >= 2
	if hasCode || codeWords.MatchString(text) {
		categories = append(categories, Coding)
	}
	if mathWords.MatchString(prose) || mathSyntax.MatchString(prose) {
		categories = append(categories, Math)
	}
	if creativeAsk.MatchString(prose) {
		categories = append(categories, CreativeWriting)
	}
	if style.CountTokens(text) > LongQueryTokens {
		categories = append(categories, LongQuery)
	}
	if turns > 1 {
		categories = append(categories, MultiTurn)
	}
	language = detectLanguage(prose)
	if c := ForLanguage(language); c != "" {
		categories = append(categories, c)
	}
	return categories, language
}

// minLanguageLetters is the fewest letters detection is tried on: on a
// handful of words a trigram model guesses, and a wrong language board is
// worse than none.
const minLanguageLetters = 12

// detectableLanguages are the languages a prompt may be labelled with (ISO
// 639-3, as whatlanggo names them): the thirty most used on the web. Ruling
// out the rest removes the likeliest confusions of short prompts (English
// read as Hungarian, Norwegian or Portuguese in our samples), at the price
// of leaving prompts in rarer languages unlabelled.
var detectableLanguages = func() map[whatlanggo.Lang]bool {
	m := map[whatlanggo.Lang]bool{}
	for _, c := range []string{"eng", "deu", "fra", "spa", "ita", "por", "nld", "rus", "cmn", "jpn", "kor",
		"arb", "hin", "tur", "pol", "ukr", "vie", "ind", "swe", "ces", "pes", "heb", "ell", "ron", "hun",
		"dan", "fin", "nob", "tha", "ben"} {
		m[whatlanggo.CodeToLang(c)] = true
	}
	return m
}()

// detectLanguage names the language of text, or LanguageUnknown when the
// detector is unsure (confidence at most 0.8, its own threshold).
//
// It uses whatlanggo rather than lingua-go, measured here on 27 sample
// prompts of 4 to 14 words: whatlanggo (trigram profiles compiled in,
// about 400 kB, no start-up cost, microseconds a prompt) labelled 14 right,
// 1 wrong ("Write a haiku about autumn leaves…" as French) and left 12
// unlabelled; lingua-go labelled nearly all right, but a program using it
// was a 135 MB binary (its models are embedded) and loading them took 0.9 s
// and 340 MB of memory. Language boards are a side view, so the arena
// accepts fewer labelled prompts for a small binary.
func detectLanguage(text string) string {
	letters := 0
	for _, r := range text {
		if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r > 0x7f {
			letters++
		}
	}
	if letters < minLanguageLetters {
		return LanguageUnknown
	}
	info := whatlanggo.DetectWithOptions(text, whatlanggo.Options{Whitelist: detectableLanguages})
	code := info.Lang.Iso6391()
	if !info.IsReliable() || code == "" {
		return LanguageUnknown
	}
	return code
}

// battleCategories are the categories a battle's votes are rated in: its
// prompt's (as stored) plus multi_turn for a conversation of several turns.
func ForBattle(prompt []string, turns int) []string {
	if turns <= 1 || slices.Contains(prompt, MultiTurn) {
		return prompt
	}
	return append(slices.Clip(prompt), MultiTurn)
}

// categorizePrompt is Categorize for a prompt on its own, the store's
// categorizer: turns are a property of the battle, added when rating.
func OfPrompt(text string) ([]string, string) {
	return Of(text, 1)
}
