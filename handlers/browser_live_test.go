package handlers_test

import (
	"context"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"openarena.dev/arena/llm/llmtest"
	"openarena.dev/arena/models"
)

// The two live answers: plain prose (so the rendered Markdown reads back as
// the same text), long enough at liveTokenDelay a word to watch them grow,
// and free of the words "left" and "right" so the blindness check can look
// for the test server's model names.
const (
	liveTextLeft = "Rivers begin as rain on high ground, gather in small streams, and cut their valleys over " +
		"thousands of years. A river carries sand and silt downhill, drops it where the water slows, and " +
		"builds plains and deltas near the sea. Most large rivers also feed wetlands that hold water in " +
		"dry seasons and shelter birds, fish and insects along their banks."
	liveTextRight = "A river is fresh water moving downhill in a channel toward a lake or the sea. It is fed by " +
		"rain, melting snow and springs, and it shapes the land it crosses by wearing rock away in one " +
		"place and leaving sediment in another. People have settled beside rivers for water, food, " +
		"transport and fertile soil since the earliest towns were built."
	liveTokenDelay = 20 * time.Millisecond
)

// liveSample is one look at a live battle page.
type liveSample struct {
	Same      bool   `json:"same"` // the page has not reloaded since marked
	Ready     bool   `json:"ready"`
	A         string `json:"a"`
	B         string `json:"b"`
	Streaming bool   `json:"streaming"`
	Disabled  []bool `json:"disabled"`
	Status    string `json:"status"`
	// Typing counts the panes' typing indicators; Stop is the Stop button.
	Typing int  `json:"typing"`
	Stop   bool `json:"stop"`
	// Turn and Regenerate: the next-turn form and the regenerate button,
	// which appear once both answers are finished.
	Turn       bool `json:"turn"`
	Regenerate bool `json:"regenerate"`
}

// liveMark tags the current document, so a sample can tell a reload.
const liveMark = `(window.__liveMark = true)`

const liveLook = `(() => {
	const q = (s) => document.querySelector(s);
	const a = q("#answer-a"), b = q("#answer-b"), st = q("#stream-status");
	return {
		same: window.__liveMark === true,
		ready: document.readyState === "complete",
		a: a ? a.textContent : "", b: b ? b.textContent : "",
		streaming: !!(a && a.classList.contains("streaming")),
		disabled: [...document.querySelectorAll("#vote-form button")].map(x => x.disabled),
		status: st ? st.textContent : "",
		typing: document.querySelectorAll(".answer .typing").length,
		stop: !!q("#stream-stop"),
		turn: !!q("#turn-slot textarea"),
		regenerate: !!q("#regenerate-slot #regenerate-form"),
	};
})()`

// look samples the page; a sample taken while the page reloads fails, and
// is retried, so ok is false only when no sample came within browserStep.
func (b *tab) look() (liveSample, bool) {
	b.t.Helper()
	deadline := time.Now().Add(browserStep)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
		s, err := chromedp.Run(ctx, chromedp.Evaluate[liveSample](liveLook))
		cancel()
		if err == nil {
			return s, true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return liveSample{}, false
}

// askLive types prompt into the ask form on / and sends it; it returns the
// live battle's id.
func (b *tab) askLive(base, prompt string) string {
	b.t.Helper()
	b.navigate(base + "/")
	if h := b.text("h1"); h != "Ask two anonymous models" {
		b.t.Fatalf("with live contenders and no bank / shows %q", h)
	}
	b.do("type the prompt", chromedp.SendKeys(chromedp.ID("prompt"), prompt))
	b.clickAndLoad(`form.ask button[type="submit"]`)
	loc := browserRun(b, "location", chromedp.Location())
	u, err := url.Parse(loc)
	if err != nil {
		b.t.Fatal(err)
	}
	id := strings.TrimPrefix(u.Path, "/battles/")
	if !strings.HasPrefix(u.Path, "/battles/") || len(id) != 32 {
		b.t.Fatalf("after sending the prompt the browser is at %s, want /battles/{id}", loc)
	}
	return id
}

var wordLeftRight = regexp.MustCompile(`(?i)\b(left|right)\b`)

// assertLiveBlind checks the live DOM for contender names, the test server's
// model names (as attribute values or text) and the test server's address.
func (b *tab) assertLiveBlind(when string, e *liveEnv) {
	b.t.Helper()
	type dom struct {
		HTML  string   `json:"html"`
		Texts []string `json:"texts"`
	}
	d := browserEval[dom](b, `(() => {
		const texts = [];
		for (const el of document.querySelectorAll("*")) {
			for (const a of el.attributes) texts.push(a.name + "=" + a.value);
		}
		const w = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_COMMENT);
		while (w.nextNode()) texts.push(w.currentNode.nodeValue);
		return {html: document.documentElement.outerHTML, texts};
	})()`)
	low := strings.ToLower(d.HTML)
	for _, term := range identityTerms() {
		if strings.Contains(low, strings.ToLower(term)) {
			b.t.Errorf("%s: the DOM names %q before the vote", when, term)
		}
	}
	host := strings.TrimPrefix(e.llm.URL, "http://")
	if strings.Contains(d.HTML, host) {
		b.t.Errorf("%s: the DOM holds the model server's address %s", when, host)
	}
	for _, s := range d.Texts {
		if m := wordLeftRight.FindString(s); m != "" {
			b.t.Errorf("%s: the DOM holds the model name %q in %q", when, m, s)
		}
	}
}

// prefixOf reports whether s begins one of the texts (or is all of it).
func prefixOf(s string, texts ...string) bool {
	for _, t := range texts {
		if strings.HasPrefix(t, s) {
			return true
		}
	}
	return false
}

// partialOf reports whether s is a proper, non-empty prefix of one of the texts.
func partialOf(s string, texts ...string) bool {
	for _, t := range texts {
		if s != "" && len(s) < len(t) && strings.HasPrefix(t, s) {
			return true
		}
	}
	return false
}

// TestBrowserLiveBattle asks two live models through the page, watches both
// answers grow side by side with the vote locked, a typing indicator on
// each and a Stop button, sees the finished answers swapped in without a
// reload, votes B by keyboard and sees the reveal.
func TestBrowserLiveBattle(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	e := newLiveEnv(t, "sqlite")
	e.llm.Set("left", llmtest.Behavior{Text: liveTextLeft, Delay: liveTokenDelay})
	e.llm.Set("right", llmtest.Behavior{Text: liveTextRight, Delay: liveTokenDelay})
	b := newTab(t, browser)

	id := b.askLive(e.srv.URL, "Tell me about rivers, please.")
	browserEval[bool](b, liveMark)
	partial, final := b.watchLive(e)
	first, last := partial[0], partial[len(partial)-1]
	if len(last.A) <= len(first.A) || len(last.B) <= len(first.B) {
		t.Errorf("the answers did not grow: A %d→%d, B %d→%d", len(first.A), len(last.A), len(first.B), len(last.B))
	}
	t.Logf("%d partial samples; A %d→%d, B %d→%d bytes", len(partial), len(first.A), len(last.A), len(first.B), len(last.B))

	// Swapped in: the whole answers, rendered, the vote unlocked, the
	// indicators gone and the forms of a finished battle there.
	a, bb := strings.TrimSpace(final.A), strings.TrimSpace(final.B)
	if !(a == liveTextLeft && bb == liveTextRight || a == liveTextRight && bb == liveTextLeft) {
		t.Fatalf("after the stream the answers are\nA %q\nB %q", a, bb)
	}
	if final.Typing != 0 || final.Stop || !final.Turn || !final.Regenerate {
		t.Errorf("after the stream: %d typing indicators, Stop %v, turn form %v, regenerate %v; want 0, false, true, true",
			final.Typing, final.Stop, final.Turn, final.Regenerate)
	}
	if md := browserEval[int](b, `document.querySelectorAll("#answer-a p, #answer-b p").length`); md < 2 {
		t.Errorf("the finished answers are not the server's Markdown (%d paragraphs)", md)
	}
	b.assertLiveBlind("before the vote", e)

	b.keyAndLoad("2")
	if got := b.revealed("B"); got != id {
		t.Fatalf("the vote landed on battle %s, want %s", got, id)
	}
	if v, err := e.store.Vote(t.Context(), id); err != nil || v.Winner != models.WinnerB || !v.Counted {
		t.Fatalf("stored vote of %s = %+v, %v; want model_b, counted", id, v, err)
	}
}

// watchLive samples a live battle page until both answers are finished and
// swapped in. It fails on a reload, on streamed text that is not a prefix
// of an answer or shrinks, and on a vote button enabled while streaming.
func (b *tab) watchLive(e *liveEnv) (partial []liveSample, final liveSample) {
	t := b.t
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		s, ok := b.look()
		switch {
		case !ok:
			t.Fatal("the battle page stopped answering")
		case !s.Same:
			t.Fatalf("the page reloaded; the finished answers should be swapped in (%+v)", s)
		case !s.Streaming && len(s.Disabled) == 4 && !s.Disabled[0]:
			if len(partial) < 2 {
				t.Fatalf("saw %d samples with partial text in both panes, want at least 2: %+v", len(partial), partial)
			}
			return partial, s
		case s.A != "" || s.B != "":
			if !prefixOf(s.A, liveTextLeft, liveTextRight) || !prefixOf(s.B, liveTextLeft, liveTextRight) {
				t.Fatalf("streamed text is not a prefix of an answer: A %q, B %q", s.A, s.B)
			}
		}
		if partialOf(s.A, liveTextLeft, liveTextRight) && partialOf(s.B, liveTextLeft, liveTextRight) {
			if n := len(partial); n > 0 && (len(s.A) < len(partial[n-1].A) || len(s.B) < len(partial[n-1].B)) {
				t.Fatalf("streamed text shrank: %d,%d after %d,%d", len(s.A), len(s.B), len(partial[n-1].A), len(partial[n-1].B))
			}
			if n := len(partial); n == 0 || len(s.A) != len(partial[n-1].A) || len(s.B) != len(partial[n-1].B) {
				partial = append(partial, s)
			}
			if len(s.Disabled) != 4 || slices.Contains(s.Disabled, false) {
				t.Fatalf("vote buttons %v while the answers stream, want 4 disabled", s.Disabled)
			}
			if !s.Streaming || s.Typing != 2 || !s.Stop {
				t.Errorf("while streaming: panes marked %v, %d typing indicators, Stop %v; want true, 2, true", s.Streaming, s.Typing, s.Stop)
			}
			if len(partial) == 2 {
				b.assertLiveBlind("while streaming", e)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the answers were not swapped in; last sample %+v", s)
		}
		time.Sleep(15 * time.Millisecond)
	}
}

// TestBrowserLiveFailureShowsVoid fails one side: the page says the battle
// is void, without naming anything, and offers a new battle.
func TestBrowserLiveFailureShowsVoid(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	e := newLiveEnv(t, "sqlite")
	e.llm.Set("left", llmtest.Behavior{Text: liveTextLeft, Delay: liveTokenDelay})
	e.llm.Set("right", llmtest.Behavior{Mode: llmtest.Status, Status: 500})
	b := newTab(t, browser)

	id := b.askLive(e.srv.URL, "Tell me about rivers, please.")
	b.do("wait for the failure", chromedp.WaitVisible(chromedp.CSS("#stream-status.failed #next")))
	status := b.text("#stream-status")
	if !strings.Contains(status, "void") {
		t.Errorf("#stream-status = %q, want it to say the battle is void", status)
	}
	if next := b.text("#next"); next != "New battle" {
		t.Errorf("#next says %q, want \"New battle\"", next)
	}
	href := browserRun(b, "href of #next", chromedp.AttributeValue(chromedp.ID("next"), "href"))
	if href.Value != "/" {
		t.Errorf("#next leads to %q, want /", href.Value)
	}
	s, _ := b.look()
	for i, d := range s.Disabled {
		if !d {
			t.Errorf("vote button %d is enabled on a void battle", i+1)
		}
	}
	b.assertLiveBlind("after the failure", e)
	battle, err := e.store.Battle(t.Context(), id)
	if err != nil || battle.State != models.StateVoid {
		t.Errorf("battle %s = %+v, %v; want void", id, battle, err)
	}

	b.clickAndLoad("#next")
	if h := b.text("h1"); h != "Ask two anonymous models" {
		t.Errorf("New battle led to a page headed %q", h)
	}
}

// TestBrowserLiveStop presses Stop while both answers stream: the page says
// the battle is void and offers a new one, and the server has voided it.
func TestBrowserLiveStop(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	e := newLiveEnv(t, "sqlite")
	slow := llmtest.Behavior{Text: liveTextLeft, Delay: 50 * time.Millisecond}
	e.llm.Set("left", slow)
	e.llm.Set("right", slow)
	b := newTab(t, browser)
	id := b.askLive(e.srv.URL, "Tell me about rivers, please.")
	b.do("wait for the typing indicator", chromedp.WaitVisible(chromedp.CSS("#typing-a")))
	browserRun(b, "wait for text", chromedp.Poll[bool](`document.querySelector("#answer-a").textContent.length > 0`))
	b.do("stop", chromedp.Click(chromedp.ID("stream-stop"), chromedp.NodeVisible))
	b.do("wait for the notice", chromedp.WaitVisible(chromedp.CSS("#stream-status.failed #next")))
	if st := b.text("#stream-status"); !strings.Contains(st, "stopped") || !strings.Contains(st, "void") {
		t.Errorf("#stream-status = %q; want it to say the answers were stopped and the battle is void", st)
	}
	if s, _ := b.look(); s.Typing != 0 || s.Stop || slices.Contains(s.Disabled, false) {
		t.Errorf("after Stop: %+v; want no typing indicator, no Stop, the vote locked", s)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		battle, err := e.store.Battle(t.Context(), id)
		if err == nil && battle.State == models.StateVoid {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after Stop the battle is %+v, %v; want void", battle, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	b.clickAndLoad("#next")
	if h := b.text("h1"); h != "Ask two anonymous models" {
		t.Errorf("New battle led to a page headed %q", h)
	}
}
