package llm

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func generate(t *testing.T, b Backend, req Request) (Result, []string) {
	t.Helper()
	var chunks []string
	res, err := b.Generate(context.Background(), req, func(s string) error { chunks = append(chunks, s); return nil })
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	return res, chunks
}

func TestDemoBotsStreamDeterministicAnswers(t *testing.T) {
	prompts := []string{"Hello there", "I am worried about my exam", "How does the arena score work?", "Write a haiku about rain", ""}
	for _, name := range DemoNames() {
		for _, p := range prompts {
			b, err := NewDemo(name, DemoOptions{Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			req := userAsks(p)
			res, chunks := generate(t, b, req)
			if strings.TrimSpace(res.Text) == "" {
				t.Errorf("%s(%q): empty answer", name, p)
			}
			if got := strings.Join(chunks, ""); got != res.Text {
				t.Errorf("%s(%q): chunks join to %q, text is %q", name, p, got, res.Text)
			}
			if len(chunks) < 2 && len(strings.Fields(res.Text)) > 1 {
				t.Errorf("%s(%q): %d chunks, want one per word", name, p, len(chunks))
			}
			if res.FinishReason != "stop" || res.Chunks != len(chunks) || res.Usage.CompletionTokens != len(chunks) {
				t.Errorf("%s(%q): result %+v for %d chunks", name, p, res, len(chunks))
			}
			again, _ := generate(t, b, req)
			if again.Text != res.Text {
				t.Errorf("%s(%q) not deterministic: %q then %q", name, p, res.Text, again.Text)
			}
		}
	}
}

func TestDemoSeedVariesMarkov(t *testing.T) {
	answers := map[string]bool{}
	for seed := range int64(5) {
		b, _ := NewDemo("markov", DemoOptions{Seed: seed})
		res, _ := generate(t, b, userAsks("Tell me about votes"))
		answers[res.Text] = true
	}
	if len(answers) < 2 {
		t.Errorf("five seeds gave %d distinct answers", len(answers))
	}
}

func TestDemoPaceAndCancel(t *testing.T) {
	const pace = 20 * time.Millisecond
	b, _ := NewDemo("faq", DemoOptions{Pace: pace})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start := time.Now()
	n := 0
	res, err := b.Generate(ctx, userAsks("How do I vote?"), func(string) error {
		if n++; n == 3 {
			cancel()
		}
		return nil
	})
	elapsed := time.Since(start)
	if !errors.Is(err, ErrCanceled) || !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want ErrCanceled", err)
	}
	if elapsed < 3*pace || elapsed > 3*pace+500*time.Millisecond {
		t.Errorf("took %v for 3 words at %v and a cancel", elapsed, pace)
	}
	if res.Chunks != 3 || len(strings.Fields(res.Text)) != 3 {
		t.Errorf("partial result %+v, want 3 words", res)
	}
}

func TestDemoDeadlineIsTimeout(t *testing.T) {
	b, _ := NewDemo("markov", DemoOptions{Pace: 50 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	_, err := b.Generate(ctx, userAsks("hi"), func(string) error { return nil })
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
}

func TestDemoMaxTokens(t *testing.T) {
	b, _ := NewDemo("faq", DemoOptions{MaxWords: 100})
	req := userAsks("How do I vote?")
	req.MaxTokens = 4
	res, chunks := generate(t, b, req)
	if len(chunks) != 4 || res.FinishReason != "length" {
		t.Errorf("got %d chunks, finish %q; want 4, length", len(chunks), res.FinishReason)
	}
}

func TestDemoEmitErrorStops(t *testing.T) {
	b, _ := NewDemo("eliza", DemoOptions{})
	stop := errors.New("stop")
	_, err := b.Generate(context.Background(), userAsks("I feel fine today"), func(string) error { return stop })
	if !errors.Is(err, stop) {
		t.Errorf("err = %v, want the emit error", err)
	}
}

func TestElizaReplies(t *testing.T) {
	tests := []struct {
		conversation []string // alternating user, assistant, user…
		want         []string // any of these
	}{
		{[]string{"I am sad about my exam"}, []string{
			"How long have you been sad about your exam?", "Did you come to me because you are sad about your exam?", "Do you enjoy being sad about your exam?"}},
		{[]string{"I need a holiday."}, []string{"Why do you want a holiday?", "What would it mean to you if you got a holiday?", "Suppose you got a holiday soon. What then?"}},
		{[]string{"Sorry, I'm late"}, []string{"Please don't apologise. What were you going to say?", "There is no need to apologise. Go on."}},
		{[]string{"Can you help me?"}, []string{"What makes you think I can't help you?", "If I could help you, what then?"}},
		{[]string{"You are boring"}, []string{"What makes you think I am boring?", "Does it please you to believe I am boring?"}},
		{[]string{"My brother never calls", "Your brother?", "Whatever."}, []string{"Earlier you mentioned your brother never calls. Tell me more about that."}},
	}
	b, _ := NewDemo("eliza", DemoOptions{})
	for _, tt := range tests {
		var req Request
		for i, c := range tt.conversation {
			role := RoleUser
			if i%2 == 1 {
				role = RoleAssistant
			}
			req.Messages = append(req.Messages, Message{Role: role, Content: c})
		}
		res, _ := generate(t, b, req)
		found := false
		for _, w := range tt.want {
			found = found || res.Text == w
		}
		if !found {
			t.Errorf("eliza(%q) = %q, want one of %q", tt.conversation, res.Text, tt.want)
		}
	}
}

func TestFAQRetrieval(t *testing.T) {
	tests := []struct{ prompt, wantPrefix string }{
		{"How does voting work?", "Read both answers"},
		{"why are the names hidden", "Because names change judgement"},
		{"what's the difference between elo and bradley-terry", "Elo updates ratings"},
		{"what does the confidence interval mean", "It is the range"},
		{"can I add my own ollama model", "Any server that speaks"},
		{"is my data private?", "Prompts and votes are stored"},
		{"write me a sonnet about the sea", "I can only answer questions about this arena"},
	}
	b, _ := NewDemo("faq", DemoOptions{})
	for _, tt := range tests {
		res, _ := generate(t, b, userAsks(tt.prompt))
		if !strings.HasPrefix(res.Text, tt.wantPrefix) {
			t.Errorf("faq(%q) = %q, want it to start %q", tt.prompt, res.Text, tt.wantPrefix)
		}
	}
	if n := len(faq().entries); n < 15 {
		t.Errorf("FAQ has %d entries, want at least 15", n)
	}
}

func TestMarkovStaysInCorpusAndEndsASentence(t *testing.T) {
	b, _ := NewDemo("markov", DemoOptions{Seed: 3})
	res, _ := generate(t, b, userAsks("confidence intervals"))
	words := strings.Fields(res.Text)
	if len(words) < markovMin-2 || len(words) > markovMax+2 || !endsSentence(res.Text) {
		t.Errorf("answer of %d words, ends %q", len(words), res.Text[len(res.Text)-1:])
	}
	for _, w := range words {
		if !strings.Contains(markovCorpus, strings.TrimRight(w, ".")) {
			t.Errorf("word %q is not from the corpus", w)
		}
	}
}

func TestDemoRegistry(t *testing.T) {
	if diff := cmp.Diff([]string{"eliza", "faq", "markov"}, DemoNames()); diff != "" {
		t.Errorf("DemoNames (-want +got):\n%s", diff)
	}
	if _, ok := Demo("eliza"); !ok {
		t.Error(`Demo("eliza") not found`)
	}
	if _, ok := Demo("gpt"); ok {
		t.Error(`Demo("gpt") found`)
	}
	var slugs []string
	for _, c := range DemoContenders() {
		slugs = append(slugs, c.Slug)
		if !strings.HasSuffix(c.DisplayName, "(demo bot)") || c.Organization != "Arena demo" || c.License != "MIT" || !c.OpenWeights {
			t.Errorf("contender %+v: want a '(demo bot)' name, Arena demo, MIT, open weights", c)
		}
		if err := c.Provider.Validate(); err != nil {
			t.Errorf("%s provider: %v", c.Slug, err)
		}
	}
	if diff := cmp.Diff([]string{"demo-eliza", "demo-faq", "demo-markov"}, slugs); diff != "" {
		t.Errorf("slugs (-want +got):\n%s", diff)
	}
	// A demo bot must not name itself in an answer: that would be an
	// identity leak and void the vote.
	for _, c := range DemoContenders() {
		b, _ := New(ProviderConfig{Kind: KindDemo, Model: c.Provider.Model, Params: map[string]any{"pace_ms": 0}}, nil)
		for _, p := range []string{"Who are you?", "What is your name?", "Are you ELIZA?", "what are the demo bots"} {
			res, _ := generate(t, b, userAsks(p))
			for _, alias := range c.Aliases {
				if strings.Contains(strings.ToLower(res.Text), alias) {
					t.Errorf("%s answered %q with %q, naming itself", c.Slug, p, res.Text)
				}
			}
		}
	}
}

// A regeneration (a later Attempt) of a bot that draws at random gives a new
// answer, while attempt 0 keeps the answer the conversation always had.
func TestDemoAttemptVariesAnswer(t *testing.T) {
	for _, name := range []string{"markov", "eliza"} {
		b, err := NewDemo(name, DemoOptions{})
		if err != nil {
			t.Fatal(err)
		}
		msgs := []Message{{Role: RoleUser, Content: "I feel the arena is a fine place to compare answers."}}
		answer := func(attempt int) string {
			res, err := b.Generate(t.Context(), Request{Messages: msgs, Attempt: attempt}, func(string) error { return nil })
			if err != nil {
				t.Fatal(err)
			}
			return res.Text
		}
		first, again := answer(0), answer(0)
		if first != again {
			t.Errorf("%s: attempt 0 answered %q then %q; want the same", name, first, again)
		}
		differs := false
		for attempt := 1; attempt <= 3; attempt++ {
			differs = differs || answer(attempt) != first
		}
		if !differs {
			t.Errorf("%s: three regenerations all repeated %q", name, first)
		}
	}
}
