// Package style measures what style control holds equal in an answer: its
// length in tokens and its Markdown headers, list items and bold spans.
package style

import (
	"regexp"
	"unicode"

	"openarena.dev/arena/models"
)

// The patterns of FastChat's add_markdown_meta.py, which produced the style
// columns of the arena's published battle data. Go's \s and \d are ASCII
// where Python's are Unicode; answers differ in that only in exotic spacing.
var (
	codeBlock   = regexp.MustCompile("```[^`]*```")
	headerLine  = regexp.MustCompile(`(?m)^#{1,6}\s`)
	bulletItem  = regexp.MustCompile(`(?m)^\s*[-*+]\s`)
	orderedItem = regexp.MustCompile(`(?m)^\s*\d+\.\s`)
	boldStars   = regexp.MustCompile(`\*\*[^*\n]+\*\*`)
	boldUnders  = regexp.MustCompile(`__[^_\n]+__`)
)

// MeasureStyle counts what style control holds equal in one answer: its
// length in tokens and its Markdown headers, list items and bold spans.
// As FastChat does, fenced code blocks are removed before Markdown elements
// are counted (a "# comment" in code is no header), while the length counts
// the whole text.
func Measure(text string) models.StyleCounts {
	prose := codeBlock.ReplaceAllString(text, "")
	count := func(re *regexp.Regexp) int { return len(re.FindAllStringIndex(prose, -1)) }
	return models.StyleCounts{
		Tokens:  CountTokens(text),
		Headers: count(headerLine),
		Lists:   count(bulletItem) + count(orderedItem),
		Bold:    count(boldStars) + count(boldUnders),
	}
}

// countTokens approximates a model tokenizer, which the arena does not have
// (the reference uses tiktoken): a run of letters, digits and underscores is
// one token, and so is each other visible character. Han, kana and Hangul
// count one token per character, as they are written without spaces.
// A real tokenizer splits rare and long words further, so this counts
// somewhat fewer; style control only uses the ratio (a−b)/(a+b+1) of two
// answers' lengths, standardised over all battles, so a steady factor
// hardly matters.
func CountTokens(text string) int {
	n, inWord := 0, false
	for _, r := range text {
		switch {
		case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul):
			n, inWord = n+1, false
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || r == '_':
			if !inWord {
				n, inWord = n+1, true
			}
		case unicode.IsSpace(r) || unicode.IsControl(r):
			inWord = false
		default:
			n, inWord = n+1, false
		}
	}
	return n
}
