package handlers_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var promptBox = regexp.MustCompile(`(?s)<textarea id="prompt"[^>]*>(.*?)</textarea>`)

// keptPrompt is the text of the page's #prompt box.
func keptPrompt(t *testing.T, body string) string {
	t.Helper()
	m := promptBox.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("the page has no #prompt box:\n%.2000s", body)
	}
	return html.UnescapeString(m[1])
}

// TestRefusedPromptKeptOnPage sends prompts the arena refuses from a bank
// battle's own-prompt form and from the ask page: each comes back on the
// same page, typed text kept, the reason beside the form, and a Try again
// button only when the refusal is transient (flooding).
func TestRefusedPromptKeptOnPage(t *testing.T) {
	t.Parallel()
	e := newModerationEnv(t, "sqlite")
	voter := e.client()
	page := e.do(voter, "GET", "/", "", "")
	m := regexp.MustCompile(`action="/battles/([0-9a-f]{32})/vote"`).FindStringSubmatch(page.body)
	if m == nil {
		t.Fatalf("/ shows no bank battle:\n%.1500s", page.body)
	}
	bank := m[1]
	if !strings.Contains(page.body, `<details class="own-prompt" id="own-prompt">`) || strings.Contains(page.body, `maxlength="8000"`) {
		t.Errorf("the own-prompt box is not folded, or still cuts at maxlength")
	}
	long := strings.Repeat("Why is the sky blue? ", 1000) // 21,000 characters
	r := e.postForm(voter, "/battles", url.Values{"prompt": {long}, "from": {bank}})
	if r.status != http.StatusBadRequest {
		t.Fatalf("a 21,000-character prompt = %d, want 400", r.status)
	}
	for _, want := range []string{"Which answer is better?", `id="prompt-error"`, "the limit is 8000", `<details class="own-prompt" id="own-prompt" open>`, "/battles/" + bank + "/vote"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("the refused page lacks %q", want)
		}
	}
	if got := keptPrompt(t, r.body); got != long {
		t.Errorf("the prompt came back %d characters long, want all %d", len(got), len(long))
	}
	if strings.Contains(r.body, `id="prompt-error-retry"`) {
		t.Error("a prompt too long is offered a retry; sending it again cannot work")
	}

	// Flooding is transient: the refusal offers to send the same text again.
	var last reply
	for i := range 8 {
		last = e.postForm(voter, "/battles", url.Values{"prompt": {"Question number " + strings.Repeat("x", i)}})
		if last.status == http.StatusTooManyRequests {
			break
		}
	}
	if last.status != http.StatusTooManyRequests {
		t.Fatalf("8 prompts in a row were all accepted (last %d)", last.status)
	}
	for _, want := range []string{"Ask two anonymous models", `id="prompt-error"`, `id="prompt-error-retry"`} {
		if !strings.Contains(last.body, want) {
			t.Errorf("the flooding refusal lacks %q:\n%.1500s", want, last.body)
		}
	}
	if got := keptPrompt(t, last.body); !strings.HasPrefix(got, "Question number") {
		t.Errorf("flooding: the prompt came back as %q", got)
	}
}

// TestRefusedTurnKeptOnPage sends a next turn that is too long: the battle
// comes back with the text in the turn box and the reason beside it.
func TestRefusedTurnKeptOnPage(t *testing.T) {
	t.Parallel()
	e := newLiveEnv(t, "sqlite")
	voter := e.client()
	id := e.startLive(voter, "Tell me something.")
	e.stream(voter, id)
	long := strings.Repeat("a", 9000)
	r := e.postForm(voter, "/battles/"+id+"/turns", url.Values{"prompt": {long}})
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, "Which answer is better?") || !strings.Contains(r.body, "the limit is 8000") {
		t.Fatalf("a turn too long = %d:\n%.1500s", r.status, r.body)
	}
	if got := keptPrompt(t, r.body); got != long {
		t.Errorf("the turn came back %d characters long, want %d", len(got), len(long))
	}
}
