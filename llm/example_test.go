package llm_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"openarena.dev/arena/llm"
	"openarena.dev/arena/llm/llmtest"
)

// How the arena drives one side of a live battle: build the backend from the
// contender's provider block, stream the answer to the voter, and turn a
// failure into a void reason and a plain message.
func ExampleNew() {
	srv := llmtest.New(llmtest.Behavior{Text: "Paris is the capital of France."})
	defer srv.Close()

	backend, err := llm.New(llm.ProviderConfig{
		Kind: "openai", BaseURL: srv.BaseURL(), Model: "llama3.2",
		Params: map[string]any{"temperature": 0.7, "max_tokens": 256.0},
	}, os.Getenv)
	if err != nil {
		fmt.Println("bad provider block:", err)
		return
	}
	var streamed []string
	res, err := backend.Generate(context.Background(), llm.Request{
		Messages: []llm.Message{{Role: llm.RoleUser, Content: "What is the capital of France?"}},
	}, func(chunk string) error {
		streamed = append(streamed, chunk) // the arena sends a "delta" event here
		return nil
	})
	if err != nil {
		fmt.Println("void:", llm.Reason(err), "-", err)
		return
	}
	fmt.Printf("%d chunks: %s (%s, %d tokens)\n", len(streamed), res.Text, res.FinishReason, res.Usage.CompletionTokens)
	// Output: 6 chunks: Paris is the capital of France. (stop, 6 tokens)
}

// A failed side voids the battle; the error text is safe to show and store.
func ExampleReason() {
	srv := llmtest.New(llmtest.Behavior{Mode: llmtest.Status, Status: 429})
	defer srv.Close()
	backend, _ := llm.New(llm.ProviderConfig{Kind: "openai", BaseURL: srv.BaseURL(), Model: "some-hosted-model"}, nil)
	_, err := backend.Generate(context.Background(), llm.Request{
		Messages: []llm.Message{{Role: llm.RoleUser, Content: "Hi"}},
	}, func(string) error { return nil })
	var e *llm.Error
	fmt.Println(llm.Reason(err), errors.As(err, &e) && e.Status == 429, errors.Is(err, llm.ErrUpstream))
	fmt.Println(err)
	// Output:
	// upstream true true
	// the model server returned an error (HTTP 429)
}

// Demo bots need no server; --demo registers them from DemoContenders.
func ExampleDemoContenders() {
	for _, c := range llm.DemoContenders() {
		bot, _ := llm.New(c.Provider, nil)
		_ = bot // stream with bot.Generate, as any backend
		fmt.Printf("%s %q %s\n", c.Slug, c.DisplayName, strings.Join(c.Aliases, ","))
	}
	// Output:
	// demo-eliza "ELIZA (demo bot)" eliza
	// demo-faq "Arena FAQ (demo bot)" faq bot
	// demo-markov "Markov chain (demo bot)" markov
}
