package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"openarena.dev/arena/llm/llmtest"
	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// fakeOllama serves Ollama's GET /api/tags listing the given models.
func fakeOllama(t *testing.T, names ...string) *httptest.Server {
	t.Helper()
	h := llmtest.NewHandler(llmtest.Behavior{})
	h.SetModels(names...)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// runWithEnv runs the binary's run function in-process with env as the
// whole environment.
func runWithEnv(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errb)
	return out.String() + errb.String(), err
}

func TestContendersDiscover(t *testing.T) {
	srv := fakeOllama(t, "llama3.2:latest", "qwen3:8b", "hf.co/Org/Tiny-GGUF:Q4_K_M")
	dsn := storetest.SQLiteDSN(t)
	env := map[string]string{"ARENA_DATABASE_URL": dsn}

	// Without -add: a listing, and nothing written, not even a database file.
	out, err := runWithEnv(t, env, "contenders", "discover", "-ollama", srv.URL)
	if err != nil {
		t.Fatalf("discover: %v\n%s", err, out)
	}
	for _, want := range []string{
		"has 3 models", "llama3.2:latest", "ollama-llama3.2-latest", "ollama-qwen3-8b",
		"ollama-hf.co-org-tiny-gguf-q4_k_m", "Nothing was added", "-add",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("listing lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(dsn); !os.IsNotExist(err) {
		t.Fatalf("discover without -add touched the database (%v)", err)
	}

	// An admin already has one of them, with their own details.
	store, err := openStore(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	mine := models.Contender{Slug: "ollama-qwen3-8b", DisplayName: "Qwen3 8B", Organization: "Alibaba",
		Provider: models.Provider{Kind: "openai", BaseURL: "http://gpu-box:11434/v1", Model: "qwen3:8b"}}
	if _, err := store.UpsertContenders(t.Context(), []models.Contender{mine}, nil); err != nil {
		t.Fatal(err)
	}

	// With -add, and Ollama's address from OLLAMA_HOST without a scheme, as
	// Ollama itself accepts it.
	env["OLLAMA_HOST"] = strings.TrimPrefix(srv.URL, "http://")
	out, err = runWithEnv(t, env, "contenders", "discover", "-add")
	if err != nil {
		t.Fatalf("discover -add: %v\n%s", err, out)
	}
	if !strings.Contains(out, "2 contenders added") || !strings.Contains(out, "1 already there") || !strings.Contains(out, "organization") {
		t.Errorf("discover -add says:\n%s", out)
	}
	cs, err := store.Contenders(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	bySlug := map[string]models.Contender{}
	for _, c := range cs {
		bySlug[c.Slug] = c
	}
	if len(cs) != 3 {
		t.Fatalf("contenders after -add: %+v", cs)
	}
	llama := bySlug["ollama-llama3.2-latest"]
	wantProvider := models.Provider{Kind: "openai", BaseURL: srv.URL + "/v1", Model: "llama3.2:latest"}
	if llama.DisplayName != "llama3.2" || llama.Organization != "" || !llama.Enabled ||
		llama.Provider.Kind != wantProvider.Kind || llama.Provider.BaseURL != wantProvider.BaseURL || llama.Provider.Model != wantProvider.Model {
		t.Errorf("added contender = %+v, want display name llama3.2, no organization, provider %+v", llama, wantProvider)
	}
	if hf := bySlug["ollama-hf.co-org-tiny-gguf-q4_k_m"]; hf.Provider.Model != "hf.co/Org/Tiny-GGUF:Q4_K_M" {
		t.Errorf("namespaced model stored as %+v", hf)
	}
	if got := bySlug["ollama-qwen3-8b"]; got.Organization != "Alibaba" || got.Provider.BaseURL != mine.Provider.BaseURL {
		t.Errorf("-add changed an existing contender: %+v", got)
	}

	// Again: nothing new.
	out, err = runWithEnv(t, env, "contenders", "discover", "-add")
	if err != nil || !strings.Contains(out, "0 contenders added") || !strings.Contains(out, "3 already there") {
		t.Errorf("second -add: %v\n%s", err, out)
	}
}

func TestContendersDiscoverNoOllama(t *testing.T) {
	gone := httptest.NewServer(http.NotFoundHandler())
	addr := gone.URL
	gone.Close()
	out, err := runWithEnv(t, nil, "contenders", "discover", "-ollama", addr)
	if err == nil || !strings.Contains(err.Error(), "no Ollama answered at "+addr) || !strings.Contains(err.Error(), "-ollama URL") {
		t.Errorf("closed port: %v\n%s", err, out)
	}

	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<!doctype html><p>Not Ollama</p>"))
	}))
	defer web.Close()
	_, err = runWithEnv(t, nil, "contenders", "discover", "-ollama", web.URL)
	if err == nil || !strings.Contains(err.Error(), "not as Ollama does") {
		t.Errorf("a web server that is not Ollama: %v", err)
	}

	if _, err := runWithEnv(t, nil, "contenders", "list"); err == nil || !strings.Contains(err.Error(), "discover") {
		t.Errorf("unknown subcommand: %v", err)
	}
	if _, err := runWithEnv(t, nil, "contenders", "discover", "-ollama", "ftp://x"); err == nil {
		t.Errorf("an ftp address was accepted")
	}
}

func TestContendersDiscoverEmpty(t *testing.T) {
	srv := fakeOllama(t)
	out, err := runWithEnv(t, nil, "contenders", "discover", "-ollama", srv.URL+"/v1/")
	if err != nil || !strings.Contains(out, "has no models") {
		t.Errorf("empty Ollama: %v\n%s", err, out)
	}
}

func TestOllamaSlugAndRoot(t *testing.T) {
	for in, want := range map[string]string{
		"llama3.2:latest":               "ollama-llama3.2-latest",
		"qwen3:8b":                      "ollama-qwen3-8b",
		"library/Mistral:7B-instruct":   "ollama-library-mistral-7b-instruct",
		"hf.co/a/b_c-GGUF:Q4_K_M":       "ollama-hf.co-a-b_c-gguf-q4_k_m",
		"weird  name::x/":               "ollama-weird-name-x",
		"phi4+reasoning:14b-plus-q8_0 ": "ollama-phi4+reasoning-14b-plus-q8_0",
	} {
		if got := ollamaSlug(in); got != want {
			t.Errorf("ollamaSlug(%q) = %q, want %q", in, got, want)
		}
		if !slugPattern.MatchString(ollamaSlug(in)) {
			t.Errorf("ollamaSlug(%q) = %q does not match slugPattern", in, ollamaSlug(in))
		}
	}
	found := discoverContenders("http://h:11434", []string{"a:b", "a/b", strings.Repeat("x", 130)})
	if found[0].skip != "" || !strings.Contains(found[1].skip, "same slug as a:b") || found[2].skip == "" {
		t.Errorf("collisions and long names: %+v", found)
	}

	for in, want := range map[string]string{
		"":                            "",
		"http://127.0.0.1:11434":      "http://127.0.0.1:11434",
		"http://127.0.0.1:11434/v1/":  "http://127.0.0.1:11434",
		"0.0.0.0":                     "http://0.0.0.0:11434",
		"localhost:8000":              "http://localhost:8000",
		"https://ollama.example/base": "https://ollama.example/base",
		"[::1]":                       "http://[::1]:11434",
	} {
		got, err := ollamaRoot(in)
		if want == "" {
			if err == nil {
				t.Errorf("ollamaRoot(%q) = %q, want an error", in, got)
			}
			continue
		}
		if err != nil || got != want {
			t.Errorf("ollamaRoot(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestHintOllamaAtStartUp(t *testing.T) {
	fake := llmtest.New(llmtest.Behavior{})
	defer fake.Close()
	fake.SetModels("llama3.2:latest", "qwen3:8b")
	var out strings.Builder
	hintOllama(context.Background(), func(k string) string {
		if k == "OLLAMA_HOST" {
			return fake.URL
		}
		return ""
	}, &out)
	if !strings.Contains(out.String(), "has 2 models") || !strings.Contains(out.String(), "contenders discover -add") {
		t.Errorf("start-up hint = %q", out.String())
	}
	out.Reset()
	hintOllama(context.Background(), func(k string) string {
		if k == "OLLAMA_HOST" {
			return "127.0.0.1:1"
		}
		return ""
	}, &out)
	if out.Len() != 0 {
		t.Errorf("hint without an Ollama: %q", out.String())
	}
}
