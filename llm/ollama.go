package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
)

// DiscoverOllama lists the models an Ollama server has pulled, via its
// GET /api/tags, sorted by name. baseURL is Ollama's root
// ("http://localhost:11434"); a trailing "/v1" (the OpenAI-compatible root)
// is accepted too. A nil client means http.DefaultClient; bound the call with
// ctx, since a start-up probe must not hang on a silent port.
func DiscoverOllama(ctx context.Context, baseURL string, client *http.Client) ([]string, error) {
	if err := checkBaseURL(baseURL); err != nil {
		return nil, fmt.Errorf("ollama: %w", err)
	}
	if client == nil {
		client = http.DefaultClient
	}
	root := strings.TrimSuffix(strings.TrimRight(baseURL, "/"), "/v1")
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, root+"/api/tags", nil)
	if err != nil {
		return nil, fmt.Errorf("ollama: %w", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("ollama: no answer from the server: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("ollama: listing models failed with HTTP %d", resp.StatusCode)
	}
	var body struct {
		Models []struct {
			Name  string `json:"name"`
			Model string `json:"model"`
		} `json:"models"`
	}
	// The list is small; the limit only guards against a wrong port that
	// streams something endless.
	if err := json.NewDecoder(io.LimitReader(resp.Body, 8<<20)).Decode(&body); err != nil {
		return nil, errors.New("ollama: the model list is not the JSON Ollama sends (is this an Ollama server?)")
	}
	names := make([]string, 0, len(body.Models))
	for _, m := range body.Models {
		name := m.Name
		if name == "" {
			name = m.Model
		}
		if name != "" && !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names, nil
}

// OllamaContender suggests a contender for a discovered Ollama model. The
// organisation, licence and weights flags are left for the admin: Ollama's
// list does not say who made a model.
func OllamaContender(baseURL, model string) ContenderInfo {
	root := strings.TrimSuffix(strings.TrimRight(baseURL, "/"), "/v1")
	display := strings.TrimSuffix(model, ":latest")
	return ContenderInfo{
		Slug:        "ollama-" + slugify(display),
		DisplayName: display,
		Aliases:     []string{},
		Provider:    ProviderConfig{Kind: KindOpenAI, BaseURL: root + "/v1", Model: model},
	}
}

// slugify keeps lowercase letters and digits and turns runs of anything else
// into single dashes: "llama3.2:3b" → "llama3-2-3b".
func slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimRight(b.String(), "-")
}
