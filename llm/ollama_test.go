package llm

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"openarena.dev/arena/llm/llmtest"
)

func TestDiscoverOllama(t *testing.T) {
	srv := llmtest.New(llmtest.Behavior{})
	defer srv.Close()
	srv.SetModels("qwen2.5:7b", "llama3.2:latest", "gemma3:1b")
	want := []string{"gemma3:1b", "llama3.2:latest", "qwen2.5:7b"}
	for _, base := range []string{srv.URL, srv.URL + "/", srv.URL + "/v1"} {
		got, err := DiscoverOllama(context.Background(), base, srv.Client())
		if err != nil {
			t.Fatalf("DiscoverOllama(%q): %v", base, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("DiscoverOllama(%q) (-want +got):\n%s", base, diff)
		}
	}
}

func TestDiscoverOllamaFailures(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    string
	}{
		{"not Ollama", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("<html>hello</html>")) }, "not the JSON Ollama sends"},
		{"server error", func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "boom", http.StatusInternalServerError) }, "HTTP 500"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			_, err := DiscoverOllama(context.Background(), srv.URL, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	if _, err := DiscoverOllama(context.Background(), closed.URL, nil); err == nil {
		t.Error("no server: want an error")
	}
	if _, err := DiscoverOllama(context.Background(), "localhost:11434", nil); err == nil || !strings.Contains(err.Error(), "http://") {
		t.Errorf("URL without scheme: err = %v", err)
	}
}

func TestOllamaContender(t *testing.T) {
	got := OllamaContender("http://localhost:11434/", "llama3.2:latest")
	want := ContenderInfo{
		Slug: "ollama-llama3-2", DisplayName: "llama3.2", Aliases: []string{},
		Provider: ProviderConfig{Kind: KindOpenAI, BaseURL: "http://localhost:11434/v1", Model: "llama3.2:latest"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("OllamaContender (-want +got):\n%s", diff)
	}
	if err := got.Provider.Validate(); err != nil {
		t.Errorf("suggested provider invalid: %v", err)
	}
}
