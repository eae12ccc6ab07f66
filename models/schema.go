// Package models holds the arena's tables and the Store that reads and writes
// them, on PostgreSQL or the embedded SQLite default.
package models

import "time"

// Contender is one model taking part in battles. It is not called Model so
// that it does not read as models.Model.
type Contender struct {
	ID           uint     `gorm:"primaryKey"`
	Slug         string   `gorm:"size:128;not null;uniqueIndex"`
	DisplayName  string   `gorm:"size:256;not null"`
	Organization string   `gorm:"size:256;not null;default:''"`
	Country      string   `gorm:"size:64;not null;default:''"`
	License      string   `gorm:"size:128;not null;default:''"`
	OpenWeights  bool     `gorm:"not null;default:false"`
	Aliases      []string `gorm:"serializer:json;type:text"`
	Enabled      bool     `gorm:"not null;default:true"`
	// Weight scales how often the contender is sampled; 0 never, 1 normal.
	Weight float64 `gorm:"not null;default:1"`
	// Provider says how to reach the model for live battles; an empty
	// Kind means the contender only answers from the prompt bank.
	Provider Provider `gorm:"embedded;embeddedPrefix:provider_"`
	// Status is "" for a contender in play, or ContenderRetired or
	// ContenderSuspended; either keeps it out of every new battle.
	// StatusAt and StatusReason say when and why it was set.
	Status       string `gorm:"size:16;not null;default:''"`
	StatusAt     *time.Time
	StatusReason string `gorm:"size:512;not null;default:''"`
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Stored lifecycle statuses of a contender (see Contender.Status).
const (
	ContenderRetired   = "retired"
	ContenderSuspended = "suspended"
)

// Provider is how a contender is reached: "openai" for any
// OpenAI-compatible chat-completions server, "demo" for a built-in demo bot.
// The API key itself is never stored, only the name of the variable holding it.
type Provider struct {
	Kind      string         `gorm:"size:16;not null;default:''"`
	BaseURL   string         `gorm:"size:512;not null;default:''"`
	Model     string         `gorm:"size:256;not null;default:''"`
	APIKeyEnv string         `gorm:"size:128;not null;default:''"`
	Params    map[string]any `gorm:"serializer:json;type:text"`
}

// Prompt sources and statuses.
const (
	SourceBank = "bank"
	// SourceUser is a prompt a voter suggested for the bank.
	SourceUser   = "user"
	SourceImport = "import"
	// SourceLive is a prompt a voter typed in a live battle. It is never
	// served to anyone else: it may be personal, and its answers were
	// streamed to that voter only.
	SourceLive = "live"
	// SourceDemo is a prompt of the built-in demo bank, answered by the
	// offline demo bots on an arena with no real content yet. It is not
	// real content: importing a real bank switches the demo off.
	SourceDemo = "demo"

	StatusPending  = "pending"
	StatusApproved = "approved"
	StatusRejected = "rejected"
	StatusFlagged  = "flagged"
)

// Prompt is a question put to the contenders.
type Prompt struct {
	ID uint `gorm:"primaryKey"`
	// ExternalID is the prompt_id of an imported bank; empty for others.
	ExternalID *string `gorm:"size:128;uniqueIndex"`
	Text       string  `gorm:"type:text;not null"`
	// Hash is of the normalised text, to find duplicates.
	Hash       string   `gorm:"size:64;not null;index"`
	Source     string   `gorm:"size:16;not null"`
	Status     string   `gorm:"size:16;not null;index"`
	Categories []string `gorm:"serializer:json;type:text"`
	Language   string   `gorm:"size:16;not null;default:''"`
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Response is one contender's answer to one prompt. Pre-generated answers are
// unique per prompt and contender.
type Response struct {
	ID          uint       `gorm:"primaryKey"`
	PromptID    uint       `gorm:"not null;uniqueIndex:idx_response_prompt_contender"`
	ContenderID uint       `gorm:"not null;uniqueIndex:idx_response_prompt_contender"`
	Prompt      *Prompt    `gorm:"constraint:OnDelete:CASCADE"`
	Contender   *Contender `gorm:"constraint:OnDelete:CASCADE"`
	Text        string     `gorm:"type:text;not null"`
	Tokens      int        `gorm:"not null;default:0"`
	LatencyMS   int        `gorm:"not null;default:0"`
	// Style holds what style control compares (see StyleCounts); its
	// Tokens is -1 until the answer has been measured.
	Style     StyleCounts `gorm:"embedded;embeddedPrefix:style_"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Voter is an anonymous browser, known only by the id in its signed cookie.
type Voter struct {
	ID        string `gorm:"primaryKey;size:64"`
	IPHash    string `gorm:"size:64;not null;default:'';index"`
	Blocked   bool   `gorm:"not null;default:false"`
	CreatedAt time.Time
	LastSeen  time.Time
}

// Battle modes and states.
const (
	ModeBank = "bank"
	ModeLive = "live"
	// ModeNamed is a side-by-side battle whose voter chose both models and
	// saw their names: its vote is stored but never counted.
	ModeNamed = "named"

	StateOpen = "open"
	// StateStreaming is a live battle whose answers are being generated; it
	// guards against two streams generating for one battle.
	StateStreaming = "streaming"
	StateReady     = "ready"
	StateVoted     = "voted"
	StateVoid      = "void"
)

// Battle puts two contenders' answers to one prompt side by side for one voter.
// A is the left side, B the right; which contender sits where is random.
type Battle struct {
	// ID is random and unguessable; it is the only handle the client gets.
	ID           string     `gorm:"primaryKey;size:32"`
	PromptID     uint       `gorm:"not null;index"`
	Prompt       *Prompt    `gorm:"constraint:OnDelete:CASCADE"`
	ContenderAID uint       `gorm:"not null;index"`
	ContenderBID uint       `gorm:"not null;index"`
	ContenderA   *Contender `gorm:"foreignKey:ContenderAID;constraint:OnDelete:CASCADE"`
	ContenderB   *Contender `gorm:"foreignKey:ContenderBID;constraint:OnDelete:CASCADE"`
	ResponseAID  *uint
	ResponseBID  *uint
	ResponseA    *Response `gorm:"foreignKey:ResponseAID;constraint:OnDelete:SET NULL"`
	ResponseB    *Response `gorm:"foreignKey:ResponseBID;constraint:OnDelete:SET NULL"`
	// VoterID is looked up through idx_battles_voter_state_created, whose
	// first column it is: an index of its own would only slow the inserts.
	VoterID string `gorm:"size:64;not null"`
	Mode    string `gorm:"size:8;not null"`
	State   string `gorm:"size:16;not null;index"`
	// Leak names the term by which an answer revealed its model; votes on
	// such a battle are stored but not counted.
	Leak       string `gorm:"size:256;not null;default:''"`
	VoidReason string `gorm:"size:256;not null;default:''"`
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Turn is one exchange of a live battle: the voter's prompt and both answers.
// A live battle may run several turns with the same two contenders.
type Turn struct {
	ID          uint    `gorm:"primaryKey"`
	BattleID    string  `gorm:"size:32;not null;uniqueIndex:idx_turn_battle_n"`
	N           int     `gorm:"not null;uniqueIndex:idx_turn_battle_n"`
	PromptID    uint    `gorm:"not null"`
	Prompt      *Prompt `gorm:"constraint:OnDelete:CASCADE"`
	ResponseAID *uint
	ResponseBID *uint
	ResponseA   *Response `gorm:"foreignKey:ResponseAID;constraint:OnDelete:SET NULL"`
	ResponseB   *Response `gorm:"foreignKey:ResponseBID;constraint:OnDelete:SET NULL"`
	CreatedAt   time.Time
}

// Winner values, as in the arena's public battle data.
const (
	WinnerA       = "model_a"
	WinnerB       = "model_b"
	WinnerTie     = "tie"
	WinnerBothBad = "tie (bothbad)"
)

// ValidWinner reports whether w is one of the four vote values.
func ValidWinner(w string) bool {
	switch w {
	case WinnerA, WinnerB, WinnerTie, WinnerBothBad:
		return true
	}
	return false
}

// Vote is the single vote a battle takes.
type Vote struct {
	ID       uint    `gorm:"primaryKey"`
	BattleID string  `gorm:"size:32;not null;uniqueIndex"`
	Battle   *Battle `gorm:"constraint:OnDelete:CASCADE"`
	Winner   string  `gorm:"size:16;not null"`
	// VoterID is looked up through idx_votes_voter_created (see Battle's).
	VoterID string `gorm:"size:64;not null"`
	IPHash  string `gorm:"size:64;not null;default:''"`
	// ReadSeconds is the time between the battle being shown and the vote.
	ReadSeconds float64 `gorm:"not null;default:0"`
	// Counted is read through the partial indexes idx_votes_counted_id and
	// idx_votes_rated_id: nearly every vote counts, so an index on the
	// flag alone is never worth reading.
	Counted bool   `gorm:"not null"`
	Reason  string `gorm:"size:256;not null;default:''"`
	// Excluded, when not empty, says why a vote counted at the time it was
	// cast has since been left out of the ratings (a rejected prompt, a
	// blocked voter, a risk score, an admin's decision). It is kept apart
	// from Counted so that lifting the exclusion restores the vote exactly.
	Excluded  string `gorm:"size:256;not null;default:''"`
	CreatedAt time.Time
}

// Setting is a key-value pair the binary keeps for itself (for example the
// secret it generated on first run).
type Setting struct {
	Key   string `gorm:"primaryKey;size:64"`
	Value string `gorm:"type:text;not null"`
}

// allTables lists every table AutoMigrate keeps in shape, parents first.
func allTables() []any {
	return []any{&Setting{}, &Contender{}, &Prompt{}, &Response{}, &Voter{}, &Battle{}, &Turn{}, &Vote{}, &RatingSnapshot{}, &Admin{}, &SignInFailure{}, &AuditEntry{}, &Session{}, &Report{}, &PromptReview{}, &AnswerJob{}, &VoteClearance{}, &Regeneration{}, &ChangelogEntry{}, &VoteReason{}, &RatingChange{}}
}
