package moderation

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"openarena.dev/arena/arena/fault"
	"openarena.dev/arena/arena/filter"
)

// FilterRules are the admin-editable lists of the automatic prompt filter:
// prompts matching a block entry are refused, prompts matching a flag entry
// are answered but held for review. Personal data is always refused and is
// not part of these lists: it must never reach a model.
type FilterRules struct {
	BlockWords    []string `json:"block_words"`
	BlockPatterns []string `json:"block_patterns"`
	FlagWords     []string `json:"flag_words"`
	FlagPatterns  []string `json:"flag_patterns"`
}

// Limits on the editable lists: enough for any real word list, small enough
// that checking a prompt stays cheap.
const (
	maxRuleEntries = 500
	maxWordChars   = 100
	maxPatternLen  = 500
)

// DefaultRulesRefresh is how long a replica keeps the stored rules before
// reading them again when Options.RulesRefresh is zero: on PostgreSQL an
// edit reaches the other replicas at once by signal (ForgetRules), and this
// is the fallback should a signal be lost.
const DefaultRulesRefresh = 5 * time.Second

// RuleLines splits a textarea into list entries, one a line, dropping blank
// lines and surrounding space.
func RuleLines(text string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// compiledRules are the stored lists ready to match.
type compiledRules struct {
	blockPatterns, flagPatterns []*regexp.Regexp
	blockWords, flagWords       []string
}

// normalize trims, drops empty and repeated entries and checks each one;
// words are kept lower-case since they match case-insensitively.
func (r FilterRules) normalize() (FilterRules, *compiledRules, error) {
	var c compiledRules
	var err error
	var out FilterRules
	if out.BlockWords, err = words("Block word", r.BlockWords); err != nil {
		return out, nil, err
	}
	if out.FlagWords, err = words("Flag word", r.FlagWords); err != nil {
		return out, nil, err
	}
	if out.BlockPatterns, c.blockPatterns, err = patterns("Block pattern", r.BlockPatterns); err != nil {
		return out, nil, err
	}
	if out.FlagPatterns, c.flagPatterns, err = patterns("Flag pattern", r.FlagPatterns); err != nil {
		return out, nil, err
	}
	c.blockWords, c.flagWords = out.BlockWords, out.FlagWords
	return out, &c, nil
}

func cleanList(what string, in []string) ([]string, error) {
	out := []string{}
	for _, e := range in {
		if e = strings.TrimSpace(e); e != "" && !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	if len(out) > maxRuleEntries {
		return nil, fault.Invalidf("%ss: %d entries; the limit is %d.", what, len(out), maxRuleEntries)
	}
	return out, nil
}

func words(what string, in []string) ([]string, error) {
	lower := make([]string, len(in))
	for i, w := range in {
		lower[i] = strings.ToLower(w)
	}
	out, err := cleanList(what, lower)
	if err != nil {
		return nil, err
	}
	for _, w := range out {
		if !utf8.ValidString(w) || strings.ContainsAny(w, "\x00\r\n") {
			return nil, fault.Invalidf("%s %q contains characters that cannot be stored.", what, w)
		}
		if n := utf8.RuneCountInString(w); n > maxWordChars {
			return nil, fault.Invalidf("%s %.30q… is %d characters long; the limit is %d.", what, w, n, maxWordChars)
		}
	}
	return out, nil
}

func patterns(what string, in []string) ([]string, []*regexp.Regexp, error) {
	out, err := cleanList(what, in)
	if err != nil {
		return nil, nil, err
	}
	res := make([]*regexp.Regexp, 0, len(out))
	for _, p := range out {
		if len(p) > maxPatternLen {
			return nil, nil, fault.Invalidf("%s %.30q… is %d bytes long; the limit is %d.", what, p, len(p), maxPatternLen)
		}
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, nil, fault.Invalidf("%s %q is not a valid regular expression: %v.", what, p, err)
		}
		res = append(res, re)
	}
	return out, res, nil
}

// FilterRules returns the editable lists as stored (empty when never set).
func (a *Service) FilterRules(ctx context.Context) (FilterRules, error) {
	raw, err := a.store.FilterRulesSetting(ctx)
	if err != nil || raw == "" {
		return FilterRules{BlockWords: []string{}, BlockPatterns: []string{}, FlagWords: []string{}, FlagPatterns: []string{}}, err
	}
	var r FilterRules
	if err := json.Unmarshal([]byte(raw), &r); err != nil {
		return r, fmt.Errorf("stored filter rules: %w", err)
	}
	r, _, err = r.normalize()
	return r, err
}

// SetFilterRules checks and stores the lists, records the change in the
// audit log, and applies them on this replica at once (others when the
// store's signal reaches them, or within RulesRefresh). A bad entry is a *FilterRulesError and changes nothing.
func (a *Service) SetFilterRules(ctx context.Context, actor string, r FilterRules) error {
	norm, compiled, err := r.normalize()
	if err != nil {
		return err
	}
	before, err := a.FilterRules(ctx)
	if err != nil {
		return err
	}
	raw, err := json.Marshal(norm)
	if err != nil {
		return err
	}
	if err := a.store.SaveFilterRulesSetting(ctx, string(raw)); err != nil {
		return err
	}
	a.mu.Lock()
	a.rules, a.rulesAt = compiled, a.now()
	a.mu.Unlock()
	return a.audit.Record(ctx, actor, "filter.update", "prompt filter", before, norm)
}

// PromptRules is the live filter: the configured rules (length, flooding and
// any lists set in code) with the stored lists added.
func (a *Service) PromptRules(ctx context.Context) (filter.Rules, error) {
	c, err := a.storedRules(ctx)
	if err != nil {
		return filter.Rules{}, err
	}
	r := a.opt.Rules
	r.Blocked = append(slices.Clip(r.Blocked), c.blockWords...)
	r.Patterns = append(slices.Clip(r.Patterns), c.blockPatterns...)
	r.FlagWords = append(slices.Clip(r.FlagWords), c.flagWords...)
	r.FlagPatterns = append(slices.Clip(r.FlagPatterns), c.flagPatterns...)
	return r, nil
}

func (a *Service) storedRules(ctx context.Context) (*compiledRules, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.rules != nil && a.now().Sub(a.rulesAt) < a.opt.RulesRefresh {
		return a.rules, nil
	}
	raw, err := a.store.FilterRulesSetting(ctx)
	if err != nil {
		return nil, err
	}
	var r FilterRules
	if raw != "" {
		if err := json.Unmarshal([]byte(raw), &r); err != nil {
			return nil, fmt.Errorf("stored filter rules: %w", err)
		}
	}
	_, c, err := r.normalize()
	if err != nil {
		return nil, fmt.Errorf("stored filter rules: %w", err)
	}
	a.rules, a.rulesAt = c, a.now()
	return c, nil
}

// ForgetRules drops the cached lists, so the next prompt checked reads them
// again: another instance changed them.
func (a *Service) ForgetRules() {
	a.mu.Lock()
	a.rules = nil
	a.mu.Unlock()
}
