package release

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
)

// Battle is one battle of the public data release, in the schema of
// LMArena's released battle data (lmsys/chatbot_arena_conversations): field
// names and their order are that format and must not change.
type Battle struct {
	QuestionID string `json:"question_id"`
	ModelA     string `json:"model_a"`
	ModelB     string `json:"model_b"`
	// Winner is model_a, model_b, tie or "tie (bothbad)".
	Winner string `json:"winner"`
	// Judge is a pseudonym of the voter, stable within a release and never
	// the voter id; empty when the release was made without a key.
	Judge         string    `json:"judge"`
	ConversationA []Message `json:"conversation_a"`
	ConversationB []Message `json:"conversation_b"`
	Turn          int       `json:"turn"`
	Anony         bool      `json:"anony"`
	Language      string    `json:"language"`
	// Tstamp is when the vote was cast, in unix seconds.
	Tstamp float64 `json:"tstamp"`
	// Regenerated holds the answers the voter had written again before
	// voting, oldest first; absent when there were none. It is a
	// field beyond LMArena's schema, added after its fields so readers of
	// that schema are unaffected.
	Regenerated []Regenerated `json:"regenerated,omitempty"`
	// Reasons are the reason tags the voter gave for a decisive vote
	// (arena.ReasonTags codes); absent when none were given. Added after
	// LMArena's fields, like Regenerated.
	Reasons []string `json:"reasons,omitempty"`
}

// Regenerated is a pair of answers to one turn that a regeneration replaced.
type Regenerated struct {
	Turn    int    `json:"turn"`
	AnswerA string `json:"answer_a"`
	AnswerB string `json:"answer_b"`
}

// Message is one message of a released conversation.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// Pseudonym is the judge name a release gives a voter: a keyed hash of the
// voter id, the same for one voter under one key and unlinkable to the id
// without it. The key is domain-separated so the pseudonym can never equal
// any other keyed hash the server makes from the same secret (such as the
// voter cookie's signature).
func Pseudonym(key []byte, voterID string) string {
	k := hmac.New(sha256.New, key)
	k.Write([]byte("arena release judge v1"))
	m := hmac.New(sha256.New, k.Sum(nil))
	m.Write([]byte(voterID))
	return "arena_user_" + hex.EncodeToString(m.Sum(nil))[:16]
}
