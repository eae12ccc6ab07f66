// Package filter holds the checks on text the arena applies before storing
// or publishing it: the prompt rules (length, blocked words and patterns,
// flag rules, personal data in prompts) and the personal-data screen of a
// data release.
package filter

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"openarena.dev/arena/arena/fault"
)

// PromptRules are the automatic filter a live prompt passes before any model
// sees it. The zero value is not useful; start from DefaultPromptRules.
type Rules struct {
	// MaxChars bounds a prompt's length in characters.
	MaxChars int
	// Blocked are words or phrases refused anywhere in a prompt, matched
	// case-insensitively on word boundaries.
	Blocked []string
	// Patterns are further regular expressions refused in a prompt.
	Patterns []*regexp.Regexp
	// PerMinute bounds how many live prompts one voter may send a minute.
	PerMinute int
	// FlagWords and FlagPatterns do not refuse a prompt: a live prompt
	// matching one is answered but held for review (see Flag).
	FlagWords    []string
	FlagPatterns []*regexp.Regexp
}

// DefaultPromptRules are the arena's defaults: prompts up to 8,000 characters
// (room for a long question with code, short of what floods two models) and
// at most 6 live prompts a minute per voter.
func DefaultRules() Rules {
	return Rules{MaxChars: 8000, PerMinute: 6}
}

var (
	EmailPattern = regexp.MustCompile(`(?i)\b[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}\b`)
	// phonePattern catches international and common national phone
	// numbers: 9 to 15 digits with the usual separators, optionally led by +.
	PhonePattern = regexp.MustCompile(`(?:^|[^\w])(\+?\d[\d ()./-]{7,18}\d)(?:$|[^\w])`)
)

// CheckPrompt applies the length, blocked-word, pattern and personal-data
// rules. Flooding is checked by the caller, which knows the voter's history.
func (r Rules) CheckPrompt(text string) error {
	trimmed := strings.TrimSpace(text)
	switch n := utf8.RuneCountInString(trimmed); {
	case n == 0:
		return fault.New(fault.Invalid, "Type a prompt first.")
	case !utf8.ValidString(text) || strings.ContainsRune(text, 0):
		return fault.New(fault.Invalid, "The prompt contains characters that cannot be stored.")
	case n > r.MaxChars:
		return fault.Invalidf("The prompt is %d characters long; the limit is %d.", n, r.MaxChars)
	}
	if m := EmailPattern.FindString(text); m != "" {
		return fault.New(fault.Invalid, "The prompt contains an e-mail address. Remove personal data: prompts and answers may be published.")
	}
	if m := PhonePattern.FindStringSubmatch(text); m != nil && Digits(m[1]) >= 9 && Digits(m[1]) <= 15 {
		return fault.New(fault.Invalid, "The prompt seems to contain a phone number. Remove personal data: prompts and answers may be published.")
	}
	low := strings.ToLower(text)
	for _, w := range r.Blocked {
		if w = strings.ToLower(strings.TrimSpace(w)); w != "" && ContainsWord(low, w) {
			return fault.New(fault.Invalid, "The prompt contains a word this arena does not accept.")
		}
	}
	for _, p := range r.Patterns {
		if p.MatchString(text) {
			return fault.New(fault.Invalid, "The prompt matches a pattern this arena does not accept.")
		}
	}
	return nil
}

// Flag names the first flag rule the prompt matches, or "" when none does.
// Words match as in Blocked: case-insensitively on word boundaries.
func (r Rules) Flag(text string) string {
	low := strings.ToLower(text)
	for _, w := range r.FlagWords {
		if w = strings.ToLower(strings.TrimSpace(w)); w != "" && ContainsWord(low, w) {
			return "flag word " + strconv.Quote(w)
		}
	}
	for _, p := range r.FlagPatterns {
		if p.MatchString(text) {
			return "flag pattern " + strconv.Quote(p.String())
		}
	}
	return ""
}

func Digits(s string) int {
	n := 0
	for _, c := range s {
		if c >= '0' && c <= '9' {
			n++
		}
	}
	return n
}

// containsWord reports whether w occurs in s not glued to other letters.
func ContainsWord(s, w string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(w)
		if !isWordByteBefore(s, start) && !isWordByteAt(s, end) {
			return true
		}
		i = start + 1
	}
}

func isWordByteBefore(s string, i int) bool {
	if i == 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return isWordRune(r)
}

func isWordByteAt(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return isWordRune(r)
}

func isWordRune(r rune) bool {
	return r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 127
}
