package main

import (
	"bufio"
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"slices"

	"openarena.dev/arena/arena/boards"
	"openarena.dev/arena/arena/release"
	"openarena.dev/arena/arena/style"
	"openarena.dev/arena/models"
	"openarena.dev/arena/rating"
)

// isReleaseFile reports whether path holds a JSON array (the release that
// `arena export battles` writes) rather than a CSV.
func isReleaseFile(path string) (bool, error) {
	fh, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer fh.Close()
	r := bufio.NewReader(fh)
	for {
		c, _, err := r.ReadRune()
		if err != nil {
			return false, nil // empty: let the CSV reader say what is wrong
		}
		switch c {
		case ' ', '\t', '\r', '\n', '\uFEFF':
			continue
		}
		return c == '[', nil
	}
}

// readReleaseFile reads a battle release in LMArena's schema. The style
// counts of each side are measured from its answers with the measure the
// server uses (arena/style), summed over the turns of a conversation as
// the server sums them, so style control sees the same numbers.
func readReleaseFile(path string) (*rating.BattleSet, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var battles []release.Battle
	if err := json.Unmarshal(data, &battles); err != nil {
		return nil, fmt.Errorf("%s: not a battle release (a JSON array in LMArena's schema): %w", path, err)
	}
	set := &rating.BattleSet{}
	index := map[string]int{}
	id := func(slug string) int {
		i, ok := index[slug]
		if !ok {
			i = len(set.Models)
			index[slug] = i
			set.Models = append(set.Models, slug)
		}
		return i
	}
	for i, b := range battles {
		res, ok := releaseResult(b.Winner)
		if !ok || b.ModelA == "" || b.ModelB == "" || b.ModelA == b.ModelB {
			return nil, fmt.Errorf("%s: battle %d (%s): want two different models and a winner of model_a, model_b, tie or tie (bothbad)", path, i+1, b.QuestionID)
		}
		set.Outcomes = append(set.Outcomes, rating.Outcome{A: id(b.ModelA), B: id(b.ModelB), Result: res})
		set.Style = append(set.Style, rating.StyleCounts{A: measured(b.ConversationA), B: measured(b.ConversationB)})
	}
	return set, nil
}

// releaseResult maps a release's winner to an outcome.
func releaseResult(winner string) (float64, bool) {
	switch winner {
	case models.WinnerA:
		return 1, true
	case models.WinnerB:
		return 0, true
	case models.WinnerTie, models.WinnerBothBad:
		return 0.5, true
	}
	return 0, false
}

// measured sums the style counts of a conversation's assistant turns.
func measured(conv []release.Message) [rating.NumStyleFeatures]float64 {
	var out [rating.NumStyleFeatures]float64
	for _, m := range conv {
		if m.Role != "assistant" {
			continue
		}
		c := style.Measure(m.Content)
		out[0] += float64(c.Tokens)
		out[1] += float64(c.Headers)
		out[2] += float64(c.Lists)
		out[3] += float64(c.Bold)
	}
	return out
}

// bySlug renumbers a battle set's models in slug order, as the server
// numbers them: the bootstrap resamples cells in model order, so only the
// same numbering draws the same resamples from the same seed.
func bySlug(set *rating.BattleSet) {
	order := slices.Clone(set.Models)
	slices.SortFunc(order, cmp.Compare)
	pos := make(map[string]int, len(order))
	for i, m := range order {
		pos[m] = i
	}
	for i, o := range set.Outcomes {
		set.Outcomes[i].A, set.Outcomes[i].B = pos[set.Models[o.A]], pos[set.Models[o.B]]
	}
	set.Models = order
}

// readSettingsFile reads the settings a board was published with, as
// /api/v1/leaderboard/settings serves them.
func readSettingsFile(path string) (*boards.Settings, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var st boards.Settings
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("%s: not the leaderboard's settings JSON: %w", path, err)
	}
	switch {
	case st.Method != "" && st.Method != boards.MethodBradleyTerry:
		return nil, fmt.Errorf("%s: method %q: only %s boards can be recomputed", path, st.Method, boards.MethodBradleyTerry)
	case st.Category != "" && st.Category != models.CategoryOverall:
		return nil, fmt.Errorf("%s: category %q: the release does not record the categories the server gave each battle, so only the overall board can be recomputed", path, st.Category)
	case st.CI != string(rating.CIBootstrap) && st.CI != string(rating.CISandwich):
		return nil, fmt.Errorf("%s: ci %q: want bootstrap or sandwich", path, st.CI)
	case st.Rounds < 0 || st.Level <= 0 || st.Level >= 1:
		return nil, fmt.Errorf("%s: rounds %d and level %v are not usable", path, st.Rounds, st.Level)
	}
	return &st, nil
}
