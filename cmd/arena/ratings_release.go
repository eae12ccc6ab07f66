package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"

	"openarena.dev/arena/arena/boards"
	"openarena.dev/arena/arena/release"
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

// readReleaseFile reads a battle release in LMArena's schema (see
// release.Outcomes for how style counts are measured), its models numbered
// in slug order as the server numbers them.
func readReleaseFile(path string) (*rating.BattleSet, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var battles []release.Battle
	if err := json.Unmarshal(data, &battles); err != nil {
		return nil, fmt.Errorf("%s: not a battle release (a JSON array in LMArena's schema): %w", path, err)
	}
	var out release.Outcomes
	for i, b := range battles {
		if err := out.Add(b); err != nil {
			return nil, fmt.Errorf("%s: item %d: %w", path, i+1, err)
		}
	}
	return &out.Set, nil
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
