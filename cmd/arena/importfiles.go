package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/arena/categories"
	"openarena.dev/arena/arena/style"
	"openarena.dev/arena/llm"
	"openarena.dev/arena/models"
)

// maxReported bounds how many bad lines one run lists.
const maxReported = 20

// slugPattern is what a model slug may look like (the admin's contender
// form checks the same).
var slugPattern = arena.SlugPattern

// outputLine is one line of an outputs file.
type outputLine struct {
	PromptID string `json:"prompt_id"`
	Prompt   string `json:"prompt"`
	Category string `json:"category"`
	Model    string `json:"model"`
	Output   string `json:"output"`
	line     int
}

// lineErrors collects `file:line: reason` messages.
type lineErrors struct {
	path string
	msgs []string
	n    int
}

func (e *lineErrors) add(line int, format string, args ...any) {
	e.n++
	if len(e.msgs) < maxReported {
		e.msgs = append(e.msgs, fmt.Sprintf("%s:%d: %s", e.path, line, fmt.Sprintf(format, args...)))
	}
}

func (e *lineErrors) err() error {
	if e.n == 0 {
		return nil
	}
	more := ""
	if e.n > len(e.msgs) {
		more = fmt.Sprintf("\n… and %d more", e.n-len(e.msgs))
	}
	return fmt.Errorf("%d bad lines, nothing was imported:\n%s%s", e.n, strings.Join(e.msgs, "\n"), more)
}

func readOutputsFile(path string) ([]outputLine, error) {
	f, err := openFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parseOutputs(path, f)
}

// parseOutputs reads JSON lines, checking every line before anything is
// stored so a bad file changes nothing. Blank lines are skipped.
func parseOutputs(path string, r io.Reader) ([]outputLine, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	bad := &lineErrors{path: path}
	var rows []outputLine
	seen := map[[2]string]int{}
	for n := 1; sc.Scan(); n++ {
		raw := bytes.TrimSpace(sc.Bytes())
		if len(raw) == 0 {
			continue
		}
		var o outputLine
		if err := json.Unmarshal(raw, &o); err != nil {
			bad.add(n, "not a JSON object: %s", jsonReason(err))
			continue
		}
		o.line = n
		if reason := checkOutput(o); reason != "" {
			bad.add(n, "%s", reason)
			continue
		}
		key := [2]string{o.PromptID, o.Model}
		if first, dup := seen[key]; dup {
			bad.add(n, "second answer of model %q to prompt %q (first on line %d)", o.Model, o.PromptID, first)
			continue
		}
		seen[key] = n
		rows = append(rows, o)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("%s: a line is longer than 16 MiB", path)
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := bad.err(); err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: no answers in the file", path)
	}
	return rows, nil
}

func checkOutput(o outputLine) string {
	switch {
	case strings.TrimSpace(o.PromptID) == "":
		return `"prompt_id" is missing or empty`
	case len(o.PromptID) > 128:
		return `"prompt_id" is longer than 128 characters`
	case strings.TrimSpace(o.Prompt) == "":
		return `"prompt" is missing or empty`
	case o.Model == "":
		return `"model" is missing or empty`
	case !slugPattern.MatchString(o.Model):
		return fmt.Sprintf("model %q is not a valid slug (letters, digits and . _ : / + - only, at most 128)", o.Model)
	case strings.TrimSpace(o.Output) == "":
		return `"output" is missing or empty`
	case len(o.Category) > 64:
		return `"category" is longer than 64 characters`
	case !utf8.ValidString(o.Prompt) || !utf8.ValidString(o.Output):
		return "text is not valid UTF-8"
	case strings.ContainsRune(o.Prompt+o.Output+o.PromptID+o.Category, 0):
		return "text contains a NUL character (\\u0000), which databases cannot store"
	}
	return ""
}

func jsonReason(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("field %q must be a %s", te.Field, te.Type)
	}
	return err.Error()
}

// rowsOf converts checked lines to bank rows, measuring each answer's style
// here so that the store keeps SQL and the arena keeps the counting rules.
func rowsOf(lines []outputLine) []models.BankRow {
	out := make([]models.BankRow, len(lines))
	for i, o := range lines {
		counts := style.Measure(o.Output)
		out[i] = models.BankRow{PromptID: o.PromptID, Prompt: o.Prompt, Category: categories.Canonical(o.Category), Model: o.Model,
			Output: o.Output, Style: &counts}
	}
	return out
}

// contenderEntry is one element of a contenders file.
type contenderEntry struct {
	Slug         string   `json:"slug"`
	DisplayName  string   `json:"display_name"`
	Organization string   `json:"organization"`
	Country      string   `json:"country"`
	License      string   `json:"license"`
	OpenWeights  bool     `json:"open_weights"`
	Aliases      []string `json:"aliases"`
	// Provider, when present, makes the contender answer live prompts.
	Provider *llm.ProviderConfig `json:"provider"`
}

func readContendersFile(path string) ([]models.Contender, error) {
	f, err := openFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, 64<<20))
	if err != nil {
		return nil, err
	}
	return parseContenders(path, data)
}

// parseContenders reads a JSON array element by element so each problem
// names the line its element starts on.
func parseContenders(path string, data []byte) ([]models.Contender, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return nil, fmt.Errorf("%s:1: the file must be a JSON array of contenders", path)
	}
	bad := &lineErrors{path: path}
	var out []models.Contender
	seen := map[string]int{}
	for dec.More() {
		line := lineAt(data, dec.InputOffset())
		var c contenderEntry
		if err := dec.Decode(&c); err != nil {
			bad.add(line, "%s", jsonReason(err))
			return nil, bad.err()
		}
		if reason := checkContender(c); reason != "" {
			bad.add(line, "%s", reason)
			continue
		}
		if first, dup := seen[c.Slug]; dup {
			bad.add(line, "slug %q appears twice (first on line %d)", c.Slug, first)
			continue
		}
		seen[c.Slug] = line
		if c.Provider != nil {
			if err := c.Provider.Validate(); err != nil {
				bad.add(line, "provider of %q: %v", c.Slug, err)
				continue
			}
		}
		if c.DisplayName == "" {
			c.DisplayName = c.Slug
		}
		out = append(out, models.Contender{Slug: c.Slug, DisplayName: c.DisplayName, Organization: c.Organization,
			Country: c.Country, License: c.License, OpenWeights: c.OpenWeights, Aliases: nonEmpty(c.Aliases),
			Provider: providerOf(c.Provider)})
	}
	if err := bad.err(); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("%s:%d: the array is not closed", path, lineAt(data, dec.InputOffset()))
	}
	return out, nil
}

// providerOf converts an import's provider block to its stored form.
func providerOf(p *llm.ProviderConfig) models.Provider {
	if p == nil {
		return models.Provider{}
	}
	return models.Provider{Kind: p.Kind, BaseURL: p.BaseURL, Model: p.Model, APIKeyEnv: p.APIKeyEnv, Params: p.Params}
}

// checkContender applies the rules the admin's contender form shares.
func checkContender(c contenderEntry) string {
	return arena.ContenderProblem(c.Slug, c.DisplayName, c.Organization, c.Country, c.License)
}

func nonEmpty(in []string) []string {
	out := []string{}
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// lineAt returns the 1-based line of the first non-space byte at or after off.
func lineAt(data []byte, off int64) int {
	i := int(off)
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r' || data[i] == ',') {
		i++
	}
	return 1 + bytes.Count(data[:min(i, len(data))], []byte("\n"))
}
