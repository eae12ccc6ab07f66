package models

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
)

// BattleImport is one battle of a released dataset (LMArena's battle
// schema) ready to be stored: checked, with each answer's style measured.
type BattleImport struct {
	// ID is the dataset's question_id; it becomes the battle id, so an
	// import run twice finds its battles and stores nothing again.
	ID       string
	ModelA   string
	ModelB   string
	Winner   string
	VoterID  string
	Language string
	VotedAt  time.Time
	// Counted and Reason become the vote's: a dataset's non-anonymous
	// battles are stored but not counted.
	Counted bool
	Reason  string
	// Named marks a battle whose models were named before the vote
	// (anony false): it is stored as a named battle, with its own live
	// prompts so that its answers never enter the prompt bank.
	Named bool
	Turns []ImportTurn
}

// ImportTurn is one exchange of an imported battle.
type ImportTurn struct {
	Prompt           string
	AnswerA, AnswerB string
	StyleA, StyleB   StyleCounts
}

// BattleImportStats counts what an import of battles did.
type BattleImportStats struct {
	Battles          int
	AlreadyStored    int
	PromptsCreated   int
	PromptsReused    int
	ResponsesCreated int
	// NewContenders are the slugs created, disabled, by the import.
	NewContenders []string
}

// ImportBattles stores battles in one transaction: all or nothing. each
// hands the battles over one at a time through add, so a caller can stream
// a file of any size into the transaction. Unknown models become disabled
// contenders (slug only): a dataset's models are rated, but their answers
// are not served to voters until an admin enables them. A prompt is reused
// when one with the same normalised text exists whose stored answers by
// the battle's two models are the same as the battle's (or absent);
// otherwise a new one is made, source import, approved. A battle reusing a
// rejected or flagged prompt gets its vote excluded as moderation would
// (see VoteChecks). A battle whose id is already stored is skipped.
func (s *Store) ImportBattles(ctx context.Context, each func(add func(BattleImport) error) error) (BattleImportStats, error) {
	var st BattleImportStats
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		im := battleImport{s: s, tx: tx, st: &st, contenders: map[string]uint{}}
		if err := each(im.add); err != nil || st.Battles == 0 {
			return err
		}
		// Imported votes may take ids below a recomputer's watermark
		// while the import runs, so every instance reads all votes again.
		return logAllChanged(tx)
	})
	if err != nil {
		return BattleImportStats{}, err
	}
	return st, nil
}

type battleImport struct {
	s          *Store
	tx         *gorm.DB
	st         *BattleImportStats
	contenders map[string]uint
}

func (im *battleImport) add(b BattleImport) error {
	var n int64
	if err := im.tx.Model(&Battle{}).Where("id = ?", b.ID).Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		im.st.AlreadyStored++
		return nil
	}
	ca, err := im.contender(b.ModelA)
	if err != nil {
		return err
	}
	cb, err := im.contender(b.ModelB)
	if err != nil {
		return err
	}
	type stored struct{ prompt, a, b uint }
	turns := make([]stored, len(b.Turns))
	var statuses []string
	for i, t := range b.Turns {
		var pid uint
		var status string
		var err error
		if b.Named {
			pid, status, err = im.namedPrompt(t, b.Language, b.VotedAt)
		} else {
			pid, status, err = im.prompt(t, ca, cb, b.Language, b.VotedAt)
		}
		if err != nil {
			return err
		}
		statuses = append(statuses, status)
		ra, err := im.response(pid, ca, t.AnswerA, t.StyleA, b.VotedAt)
		if err != nil {
			return err
		}
		rb, err := im.response(pid, cb, t.AnswerB, t.StyleB, b.VotedAt)
		if err != nil {
			return err
		}
		turns[i] = stored{pid, ra, rb}
	}
	last := turns[len(turns)-1]
	battle := Battle{ID: b.ID, PromptID: turns[0].prompt, ContenderAID: ca, ContenderBID: cb,
		ResponseAID: &last.a, ResponseBID: &last.b, VoterID: b.VoterID, Mode: ModeBank, State: StateVoted,
		CreatedAt: b.VotedAt}
	if len(turns) > 1 {
		battle.Mode = ModeLive
	}
	if b.Named {
		battle.Mode = ModeNamed
	}
	if err := im.tx.Omit("Prompt", "ContenderA", "ContenderB", "ResponseA", "ResponseB").Create(&battle).Error; err != nil {
		return err
	}
	if HasTurns(battle.Mode) {
		for i, t := range turns {
			turn := Turn{BattleID: b.ID, N: i + 1, PromptID: t.prompt, ResponseAID: &t.a, ResponseBID: &t.b, CreatedAt: b.VotedAt}
			if err := im.tx.Omit("Prompt", "ResponseA", "ResponseB").Create(&turn).Error; err != nil {
				return err
			}
		}
	}
	// A battle asking a prompt the admin rejected or flagged here is held
	// out of the ratings exactly as a vote cast here would be.
	v := Vote{BattleID: b.ID, Winner: b.Winner, VoterID: b.VoterID, Counted: b.Counted, Reason: b.Reason,
		Excluded: holdOf(statuses), CreatedAt: b.VotedAt}
	if err := im.tx.Omit("Battle").Create(&v).Error; err != nil {
		return err
	}
	im.st.Battles++
	return nil
}

func (im *battleImport) contender(slug string) (uint, error) {
	if id, ok := im.contenders[slug]; ok {
		return id, nil
	}
	var c Contender
	err := im.tx.Where("slug = ?", slug).First(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		c = Contender{Slug: slug, DisplayName: slug, Aliases: []string{}, Weight: 1}
		if err = im.tx.Create(&c).Error; err == nil {
			// Enabled has a database default of true, which GORM applies
			// to a false field on create; switch it off explicitly.
			err = im.tx.Model(&c).Update("enabled", false).Error
		}
		im.st.NewContenders = append(im.st.NewContenders, slug)
	}
	if err != nil {
		return 0, err
	}
	im.contenders[slug] = c.ID
	return c.ID, nil
}

// prompt finds a prompt with the turn's text whose answers by both
// contenders agree with the turn's (or are absent), oldest first, or stores
// a new one: answers are unique per prompt and contender, and the same
// question asked twice in a dataset often got two different answers from
// one model.
func (im *battleImport) prompt(t ImportTurn, ca, cb uint, language string, at time.Time) (uint, string, error) {
	hash := PromptHash(t.Prompt)
	var found []struct {
		ID     uint
		Status string
	}
	err := im.tx.Raw(`
		SELECT p.id, p.status FROM prompts p
		WHERE p.hash = ? AND p.text = ?
			AND NOT EXISTS (SELECT 1 FROM responses r WHERE r.prompt_id = p.id AND r.contender_id = ? AND r.text <> ?)
			AND NOT EXISTS (SELECT 1 FROM responses r WHERE r.prompt_id = p.id AND r.contender_id = ? AND r.text <> ?)
		`, hash, t.Prompt, ca, t.AnswerA, cb, t.AnswerB).Scan(&found).Error
	if err != nil {
		return 0, "", err
	}
	// The oldest is picked here, not by ORDER BY id LIMIT 1: inside the
	// import's transaction PostgreSQL has no statistics for the new rows,
	// and with that clause it walks the primary key past every prompt
	// instead of looking the hash up, which made a large import quadratic.
	if len(found) > 0 {
		best := found[0]
		for _, f := range found[1:] {
			if f.ID < best.ID {
				best = f
			}
		}
		im.st.PromptsReused++
		return best.ID, best.Status, nil
	}
	// The arena's own categorizer labels the prompt as it labels every
	// other, so per-category boards count imported battles alike; the
	// dataset's language is kept only when there is no categorizer.
	p := Prompt{Text: t.Prompt, Hash: hash, Source: SourceImport, Status: StatusApproved, Categories: []string{}, CreatedAt: at}
	if im.s.categorize(&p); p.Language == "" {
		p.Language = language
	}
	if err := im.tx.Create(&p).Error; err != nil {
		return 0, "", err
	}
	im.st.PromptsCreated++
	return p.ID, p.Status, nil
}

// namedPrompt stores a named battle's turn under a prompt of its own,
// source live: the bank serves no live prompt, so a battle whose voter
// knew the models never lends its answers to blind battles.
func (im *battleImport) namedPrompt(t ImportTurn, language string, at time.Time) (uint, string, error) {
	p := Prompt{Text: t.Prompt, Hash: PromptHash(t.Prompt), Source: SourceLive, Status: StatusApproved, Categories: []string{}, CreatedAt: at}
	if im.s.categorize(&p); p.Language == "" {
		p.Language = language
	}
	if err := im.tx.Create(&p).Error; err != nil {
		return 0, "", err
	}
	im.st.PromptsCreated++
	return p.ID, p.Status, nil
}

func (im *battleImport) response(promptID, contenderID uint, text string, style StyleCounts, at time.Time) (uint, error) {
	var r Response
	// Take, not First: the pair is unique, and First's ORDER BY id makes
	// PostgreSQL scan responses by id (see prompt).
	err := im.tx.Where("prompt_id = ? AND contender_id = ?", promptID, contenderID).Take(&r).Error
	if err == nil {
		return r.ID, nil
	}
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return 0, err
	}
	r = Response{PromptID: promptID, ContenderID: contenderID, Text: text, Style: style, CreatedAt: at}
	if err := im.tx.Omit("Prompt", "Contender").Create(&r).Error; err != nil {
		return 0, err
	}
	im.st.ResponsesCreated++
	return r.ID, nil
}
