package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"regexp"
	"strings"
	"time"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/arena/release"
	"openarena.dev/arena/arena/style"
	"openarena.dev/arena/models"
)

// battleItem is one element of a battles file in LMArena's public battle
// schema (lmsys/chatbot_arena_conversations). Other fields of the
// published datasets (moderation tags, token counts…) are ignored.
type battleItem struct {
	QuestionID    string            `json:"question_id"`
	ModelA        string            `json:"model_a"`
	ModelB        string            `json:"model_b"`
	Winner        string            `json:"winner"`
	Judge         string            `json:"judge"`
	ConversationA []release.Message `json:"conversation_a"`
	ConversationB []release.Message `json:"conversation_b"`
	Turn          int               `json:"turn"`
	// Anony is a pointer so that a file without it counts as anonymous,
	// while an explicit false (a battle whose models were named before
	// the vote) is stored as a named battle, not counted, as the arena's
	// ratings do.
	Anony    *bool    `json:"anony"`
	Language string   `json:"language"`
	Tstamp   *float64 `json:"tstamp"`
}

// questionIDPattern is what a question_id may be: it becomes a battle id.
var questionIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// itemErrors collects `file: item N: reason` messages.
type itemErrors struct {
	path string
	msgs []string
	n    int
}

func (e *itemErrors) add(item int, format string, args ...any) {
	e.n++
	if len(e.msgs) < maxReported {
		e.msgs = append(e.msgs, fmt.Sprintf("%s: item %d: %s", e.path, item, fmt.Sprintf(format, args...)))
	}
}

func (e *itemErrors) err() error {
	if e.n == 0 {
		return nil
	}
	more := ""
	if e.n > len(e.msgs) {
		more = fmt.Sprintf("\n… and %d more", e.n-len(e.msgs))
	}
	return fmt.Errorf("%d bad battles, nothing was imported:\n%s%s", e.n, strings.Join(e.msgs, "\n"), more)
}

// parseBattles reads a JSON array of battles element by element, so a file
// of any size is never held whole, and calls fn with each good one and its
// 1-based position. Every element is checked; if any is bad, the error
// lists them (fn has then been called for the good ones only, which is why
// the import runs a checking pass before the storing one).
func parseBattles(path string, r io.Reader, fn func(n int, b battleItem) error) (int, error) {
	dec := json.NewDecoder(r)
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return 0, fmt.Errorf("%s: the file must be a JSON array of battles (LMArena's battle schema)", path)
	}
	bad := &itemErrors{path: path}
	seen := map[string]int{}
	n := 0
	for dec.More() {
		n++
		var b battleItem
		if err := dec.Decode(&b); err != nil {
			// A syntax error leaves the decoder lost: report what came
			// before and stop.
			bad.add(n, "%s", jsonReason(err))
			return n, bad.err()
		}
		if reason := checkBattle(b); reason != "" {
			bad.add(n, "%s", reason)
			continue
		}
		if first, dup := seen[b.QuestionID]; dup {
			bad.add(n, "question_id %q appears twice (first as item %d)", b.QuestionID, first)
			continue
		}
		seen[b.QuestionID] = n
		if bad.n == 0 {
			if err := fn(n, b); err != nil {
				return n, err
			}
		}
	}
	if err := bad.err(); err != nil {
		return n, err
	}
	if _, err := dec.Token(); err != nil {
		return n, fmt.Errorf("%s: the array is not closed after item %d", path, n)
	}
	if n == 0 {
		return 0, fmt.Errorf("%s: no battles in the file", path)
	}
	return n, nil
}

// checkBattle returns why an item cannot be imported, or "".
func checkBattle(b battleItem) string {
	switch {
	case !questionIDPattern.MatchString(b.QuestionID):
		return fmt.Sprintf("question_id %q must be 1 to 32 letters, digits, _ or -", b.QuestionID)
	case !slugPattern.MatchString(b.ModelA):
		return fmt.Sprintf("model_a %q is not a valid model name (letters, digits and . _ : / + - only, at most 128)", b.ModelA)
	case !slugPattern.MatchString(b.ModelB):
		return fmt.Sprintf("model_b %q is not a valid model name (letters, digits and . _ : / + - only, at most 128)", b.ModelB)
	case b.ModelA == b.ModelB:
		return fmt.Sprintf("model_a and model_b are both %q", b.ModelA)
	case !models.ValidWinner(b.Winner):
		return fmt.Sprintf("winner %q must be model_a, model_b, tie or tie (bothbad)", b.Winner)
	case len(b.Judge) > 256:
		return "judge is longer than 256 characters"
	case b.Tstamp != nil && (math.IsNaN(*b.Tstamp) || *b.Tstamp < 0 || *b.Tstamp > 1e11):
		return "tstamp must be unix seconds"
	case strings.ContainsRune(b.QuestionID+b.Judge+b.Language, 0):
		return "text contains a NUL character (\\u0000), which databases cannot store"
	}
	if reason := checkConversation("conversation_a", b.ConversationA); reason != "" {
		return reason
	}
	if reason := checkConversation("conversation_b", b.ConversationB); reason != "" {
		return reason
	}
	if len(b.ConversationA) != len(b.ConversationB) {
		return "conversation_a and conversation_b have different numbers of messages"
	}
	for i := 0; i < len(b.ConversationA); i += 2 {
		if b.ConversationA[i].Content != b.ConversationB[i].Content {
			return fmt.Sprintf("turn %d: the user's message differs between conversation_a and conversation_b", i/2+1)
		}
	}
	if turns := len(b.ConversationA) / 2; b.Turn != 0 && b.Turn != turns {
		return fmt.Sprintf("turn is %d but the conversations hold %d", b.Turn, turns)
	}
	return ""
}

func checkConversation(name string, msgs []release.Message) string {
	if len(msgs) == 0 || len(msgs)%2 != 0 {
		return fmt.Sprintf("%s must hold user and assistant messages in pairs", name)
	}
	for i, m := range msgs {
		want := "user"
		if i%2 == 1 {
			want = "assistant"
		}
		switch {
		case m.Role != want:
			return fmt.Sprintf("%s message %d has role %q; want %q (user and assistant alternate, user first)", name, i+1, m.Role, want)
		case want == "user" && strings.TrimSpace(m.Content) == "":
			return fmt.Sprintf("%s message %d: the user's message is empty", name, i+1)
		case strings.ContainsRune(m.Content, 0):
			return fmt.Sprintf("%s message %d contains a NUL character (\\u0000), which databases cannot store", name, i+1)
		}
	}
	return ""
}

// battleImportOf turns a checked item into what the store needs, measuring
// each answer's style here so the store keeps SQL and the arena the rules.
func battleImportOf(b battleItem, now time.Time) models.BattleImport {
	out := models.BattleImport{ID: b.QuestionID, ModelA: b.ModelA, ModelB: b.ModelB, Winner: b.Winner,
		VoterID: importVoterID(b.Judge), Language: truncateRunes(b.Language, 16), VotedAt: now, Counted: true}
	if b.Tstamp != nil {
		out.VotedAt = time.UnixMicro(int64(math.Round(*b.Tstamp * 1e6))).UTC()
	}
	if b.Anony != nil && !*b.Anony {
		out.Counted, out.Reason, out.Named = false, "not anonymous in the imported data", true
	}
	for i := 0; i < len(b.ConversationA); i += 2 {
		a, bb := b.ConversationA[i+1].Content, b.ConversationB[i+1].Content
		out.Turns = append(out.Turns, models.ImportTurn{Prompt: b.ConversationA[i].Content, AnswerA: a, AnswerB: bb,
			StyleA: style.Measure(a), StyleB: style.Measure(bb)})
	}
	return out
}

// importVoterID stands for a dataset's judge: hashed, so a judge string of
// any shape fits the voter column, and prefixed so imported voters are never
// taken for this arena's own.
func importVoterID(judge string) string {
	sum := sha256.Sum256([]byte(judge))
	return "import:" + hex.EncodeToString(sum[:16])
}

// truncateRunes keeps the first n characters: prompts keep a language name
// of at most 16, and a dataset may use a longer one.
func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

// importBattles loads a battles file in two passes over it: the first
// checks every item, the second stores them in one transaction. Nothing is
// stored unless every item is good.
func importBattles(ctx context.Context, dsn, path string, stdout, stderr io.Writer) error {
	f, err := openFile(path)
	if err != nil {
		return err
	}
	defer f.Close()
	total, err := parseBattles(path, f, func(int, battleItem) error { return nil })
	if err != nil {
		return err
	}
	store, err := openStore(ctx, dsn)
	if err != nil {
		return err
	}
	defer store.Close()
	// The arena labels every prompt the store creates with its categories
	// and language, imported ones included, so they count on the
	// per-category boards at once.
	arena.New(store, arena.Options{})
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	bar := newProgress(stderr, total, "importing battles")
	now := time.Now().UTC()
	st, err := store.ImportBattles(ctx, func(add func(models.BattleImport) error) error {
		_, err := parseBattles(path, f, func(n int, b battleItem) error {
			bar.step()
			if err := add(battleImportOf(b, now)); err != nil {
				return fmt.Errorf("%s: item %d: %w", path, n, err)
			}
			return nil
		})
		return err
	})
	bar.finish()
	if err != nil {
		return fmt.Errorf("import %s: %w (nothing was imported)", path, err)
	}
	fmt.Fprintf(stdout, "%s: %d battles: %d imported, %d already stored; %d new prompts, %d prompts reused, %d new answers\n",
		path, total, st.Battles, st.AlreadyStored, st.PromptsCreated, st.PromptsReused, st.ResponsesCreated)
	if len(st.NewContenders) > 0 {
		fmt.Fprintf(stdout, "%d new contenders created from their slug only, disabled (they are rated; enable them in the admin to serve their answers): %s\n",
			len(st.NewContenders), strings.Join(st.NewContenders, ", "))
	}
	if st.Battles > 0 {
		fmt.Fprintln(stdout, "the server rates them when it starts, or within its check interval if it is running")
	}
	return checkDemo(ctx, store, "cli: import battles", stdout)
}
