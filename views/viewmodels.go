// Package views renders the arena's pages with templ. Components take view
// models built by the handlers and never see the store.
package views

import "strconv"

// Meta is what every page's frame needs.
type Meta struct {
	Title string
	// Nav is the active navigation entry: "vote" or "leaderboard".
	Nav    string
	CSSURL string
	// HighlightURL is the code-highlighting stylesheet.
	HighlightURL string
	JSURL        string
	// Demo is set while the offline demo bots are enabled.
	Demo *DemoBanner
	// PromptMax is the longest prompt the arena accepts, in characters: the
	// script's counter on prompt boxes reads it from the page.
	PromptMax int
}

// FormState is what a refused prompt form shows again: the text as typed
// and why it was refused. Retry is set when the refusal is transient
// (flooding, no model free), so sending the same text again may work.
type FormState struct {
	Prompt string
	Error  string
	Retry  bool
}

// DemoBanner is the note on every page while the demo bots are on.
type DemoBanner struct {
	// NoAdmin is set while no admin exists yet.
	NoAdmin bool
	// SetupURL is the first-run setup link with its token; set only for
	// requests from the server's own machine.
	SetupURL string
}

// BattleView is a battle before its vote: the prompt and two anonymous answers.
type BattleView struct {
	ID         string
	PromptHTML string
	AHTML      string
	BHTML      string
	// VoteURL is where the plain vote form posts.
	VoteURL string
	// Earlier holds the finished turns before the latest one (live
	// conversations only); the latest turn is the fields above.
	Earlier []TurnView
	// StreamURL is set while the latest turn's answers are still to be
	// streamed; voting waits until both are complete.
	StreamURL string
	// TurnURL is set when the voter may continue the conversation.
	TurnURL string
	// AskURL is set when live battles are available: where a new prompt posts.
	AskURL string
	// Ask and Turn are the own-prompt and next-turn forms as refused, if
	// they were.
	Ask, Turn FormState
	// RegenerateURL is set while the voter may have both answers of the
	// latest turn written again; RegeneratesLeft says how often.
	RegenerateURL   string
	RegeneratesLeft int
	// SetAside holds the answers regenerations replaced, oldest first;
	// pages show them only after the vote.
	SetAside []SetAsideView
}

// regeneratesLeft says how often the answers may still be written again.
func regeneratesLeft(n int) string {
	if n == 1 {
		return "You can regenerate once more"
	}
	return "You can regenerate " + strconv.Itoa(n) + " more times"
}

// SetAsideView is a pair of answers a regeneration replaced.
type SetAsideView struct {
	Turn    int
	Attempt int
	AHTML   string
	BHTML   string
}

// TurnView is one finished exchange of a live conversation.
type TurnView struct {
	PromptHTML string
	AHTML      string
	BHTML      string
}

// Side names a contender after the vote.
type Side struct {
	DisplayName  string
	Organization string
}

// RevealView is a voted battle: the answers, who wrote them, and the verdict.
type RevealView struct {
	Battle  BattleView
	A, B    Side
	Winner  string
	Counted bool
	Reason  string
	// Report is the form for reporting the battle's prompt.
	Report ReportView
	// Reasons is the optional reasons form of a decisive vote.
	Reasons ReasonsView
	// ContinueURL, when set, is where the voter may keep talking to the
	// two models in a new side-by-side battle.
	ContinueURL string
}

// WinnerLabel is the vote in words.
func (r RevealView) WinnerLabel() string {
	switch r.Winner {
	case "model_a":
		return "You preferred A: " + r.A.DisplayName
	case "model_b":
		return "You preferred B: " + r.B.DisplayName
	case "tie":
		return "You called it a tie"
	}
	return "You found both answers bad"
}

// EmptyView tells the operator how to fill an empty bank.
type EmptyView struct {
	Prompts int64
	Answers int64
}

// ErrorView is a page for a request that could not be served.
type ErrorView struct {
	Status  int
	Title   string
	Message string
	// RetryURL is set when the failure is transient and loading the same
	// address again may work.
	RetryURL string
}

// plural writes a count with its noun, adding an s unless the count is one.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
