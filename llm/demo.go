package llm

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// DefaultPace is how long a demo bot waits before each word: about the pace
// of a small model on a laptop, so the live view feels live.
const DefaultPace = 45 * time.Millisecond

// DemoOptions tune a demo bot.
type DemoOptions struct {
	// Pace is the wait before each streamed word; 0 streams at once (tests).
	Pace time.Duration
	// Seed varies the random choices of the bots that make any; the same
	// seed and conversation always give the same answer.
	Seed int64
	// MaxWords caps answers when the request sets no MaxTokens; 0 means no
	// cap beyond the bot's own.
	MaxWords int
}

// demoBot is the shared streaming shell around a bot's answer function.
type demoBot struct {
	answer func(msgs []Message, rng *rand.Rand) string
	opt    DemoOptions
}

// demoBots maps each demo name to its answer function. The functions parse
// their embedded corpora on first use, so a server that never runs a demo
// bot pays nothing.
var demoBots = map[string]func(msgs []Message, rng *rand.Rand) string{
	"eliza":  elizaAnswer,
	"markov": markovAnswer,
	"faq":    faqAnswer,
}

// DemoNames lists the built-in demo bots, sorted.
func DemoNames() []string {
	names := make([]string, 0, len(demoBots))
	for n := range demoBots {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Demo returns the named demo bot at DefaultPace, or false if there is none.
func Demo(name string) (Backend, bool) {
	b, err := NewDemo(name, DemoOptions{Pace: DefaultPace})
	return b, err == nil
}

// NewDemo returns the named demo bot with the given options.
func NewDemo(name string, opt DemoOptions) (Backend, error) {
	f, ok := demoBots[name]
	if !ok {
		return nil, fmt.Errorf("unknown demo bot %q (known: %s)", name, strings.Join(DemoNames(), ", "))
	}
	if opt.Pace < 0 {
		return nil, errors.New("demo pace must not be negative")
	}
	return &demoBot{answer: f, opt: opt}, nil
}

// Generate streams the bot's answer word by word. See [Backend].
func (d *demoBot) Generate(ctx context.Context, req Request, emit Emit) (Result, error) {
	start := time.Now()
	if !slices.ContainsFunc(req.Messages, func(m Message) bool { return m.Role == RoleUser }) {
		return Result{}, errors.New("llm: request has no user message")
	}
	words := splitWords(d.answer(req.Messages, d.rng(req.Messages, req.Attempt)))
	res := Result{FinishReason: "stop"}
	if limit := cmp.Or(req.MaxTokens, d.opt.MaxWords); limit > 0 && len(words) > limit {
		words, res.FinishReason = words[:limit], "length"
	}
	for _, m := range req.Messages {
		res.Usage.PromptTokens += len(strings.Fields(m.Content))
	}
	var text strings.Builder
	var timer *time.Timer
	if d.opt.Pace > 0 {
		timer = time.NewTimer(d.opt.Pace)
		defer timer.Stop()
	}
	for _, w := range words {
		if timer != nil {
			select {
			case <-timer.C:
				timer.Reset(d.opt.Pace)
			case <-ctx.Done():
				res.Text, res.Latency = text.String(), time.Since(start)
				return res, ctxError(ctx)
			}
		} else if ctx.Err() != nil {
			res.Text, res.Latency = text.String(), time.Since(start)
			return res, ctxError(ctx)
		}
		if res.Chunks == 0 {
			res.FirstToken = time.Since(start)
		}
		res.Chunks++
		res.Usage.CompletionTokens++
		text.WriteString(w)
		if err := emit(w); err != nil {
			res.Text, res.Latency = text.String(), time.Since(start)
			return res, err
		}
	}
	res.Text, res.Latency = text.String(), time.Since(start)
	return res, nil
}

// rng seeds the bot's randomness from the configured seed and the
// conversation, so an answer is a pure function of both.
func (d *demoBot) rng(msgs []Message, attempt int) *rand.Rand {
	h := fnv.New64a()
	if attempt > 0 {
		// The first attempt keeps the hash it always had, so stored
		// demo answers stay reproducible.
		fmt.Fprintf(h, "attempt %d\x00", attempt)
	}
	for _, m := range msgs {
		h.Write([]byte(m.Role))
		h.Write([]byte{0})
		h.Write([]byte(m.Content))
		h.Write([]byte{0})
	}
	return rand.New(rand.NewPCG(uint64(d.opt.Seed), h.Sum64()))
}

// lastUser returns the latest user message, which the bots answer.
func lastUser(msgs []Message) string {
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Role == RoleUser {
			return msgs[i].Content
		}
	}
	return ""
}

// splitWords cuts text into words that carry their leading whitespace, so
// the pieces concatenate back to text exactly (line breaks in Markdown
// answers survive streaming).
func splitWords(text string) []string {
	var out []string
	start := 0
	isSpace := func(c byte) bool { return c == ' ' || c == '\n' || c == '\t' }
	for i := 1; i < len(text); i++ {
		if isSpace(text[i]) && !isSpace(text[i-1]) {
			out = append(out, text[start:i])
			start = i
		}
	}
	if start < len(text) {
		out = append(out, text[start:])
	}
	return out
}

// ContenderInfo is what the arena needs to register a contender: the
// metadata shown after a vote and on the leaderboard, and its provider.
type ContenderInfo struct {
	Slug         string
	DisplayName  string
	Organization string
	Country      string
	License      string
	OpenWeights  bool
	// Aliases are names an answer might use to give the contender away,
	// for the arena's identity-leak check.
	Aliases     []string
	Description string
	Provider    ProviderConfig
}

// DemoContenders suggests one contender per demo bot, for the arena's demo
// mode (on by default while a database holds no real content).
// Names say "demo bot" so nobody takes them for language models.
func DemoContenders() []ContenderInfo {
	mk := func(name, display, desc string, aliases ...string) ContenderInfo {
		return ContenderInfo{
			Slug: "demo-" + name, DisplayName: display, Organization: "Arena demo",
			License: "MIT", OpenWeights: true, Aliases: aliases, Description: desc,
			Provider: ProviderConfig{Kind: KindDemo, Model: name},
		}
	}
	return []ContenderInfo{
		mk("eliza", "ELIZA (demo bot)", "A rule-based responder in the style of Weizenbaum's 1966 ELIZA: it reflects your words back as questions.", "eliza"),
		mk("faq", "Arena FAQ (demo bot)", "A retrieval bot: it answers with the closest entry of a small FAQ about this arena, chosen by TF-IDF similarity.", "faq bot"),
		mk("markov", "Markov chain (demo bot)", "A word-level Markov chain trained on a few paragraphs the arena wrote about itself: fluent-looking, meaningless.", "markov"),
	}
}
