package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"gorm.io/gorm"
)

// BankRow is one pre-generated answer of an imported prompt bank.
type BankRow struct {
	PromptID string
	Prompt   string
	Category string
	Model    string
	Output   string
	// Style is the measured style of Output; nil leaves the answer to be
	// measured later (see StyleCounts).
	Style *StyleCounts
}

// BankStats counts what a bank import did.
type BankStats struct {
	ContendersCreated int
	PromptsCreated    int
	PromptsUpdated    int
	ResponsesCreated  int
	ResponsesUpdated  int
	Unchanged         int
}

// PromptHash hashes the normalised text (case and white space folded), so
// near-identical prompts are found as duplicates.
func PromptHash(text string) string {
	norm := strings.Join(strings.FieldsFunc(strings.ToLower(text), unicode.IsSpace), " ")
	sum := sha256.Sum256([]byte(norm))
	return hex.EncodeToString(sum[:])
}

// ImportBank stores rows in one transaction: unknown models become contenders,
// prompts are approved, answers are created or updated per prompt and model.
// Importing the same rows twice changes nothing. A prompt_id already stored
// with another text is refused as a *RowError.
func (s *Store) ImportBank(ctx context.Context, rows []BankRow, progress func()) (BankStats, error) {
	return s.importBank(ctx, rows, SourceImport, progress)
}

// ImportDemoBank stores the demo bots' answers to the demo prompts as
// ImportBank stores a bank, with the prompts' source SourceDemo so that they
// are never taken for real content.
func (s *Store) ImportDemoBank(ctx context.Context, rows []BankRow) (BankStats, error) {
	return s.importBank(ctx, rows, SourceDemo, nil)
}

func (s *Store) importBank(ctx context.Context, rows []BankRow, source string, progress func()) (BankStats, error) {
	var st BankStats
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		b := bankImport{store: s, tx: tx, st: &st, source: source, contenders: map[string]uint{}, prompts: map[string]*Prompt{}}
		for i, r := range rows {
			if err := b.row(i, r); err != nil {
				return err
			}
			if progress != nil {
				progress()
			}
		}
		return notifyTx(tx, SignalBank)
	})
	return st, err
}

type bankImport struct {
	store      *Store
	tx         *gorm.DB
	st         *BankStats
	source     string
	contenders map[string]uint
	prompts    map[string]*Prompt
}

func (b *bankImport) row(i int, r BankRow) error {
	cid, err := b.contender(r.Model)
	if err != nil {
		return err
	}
	p, err := b.prompt(i, r)
	if err != nil {
		return err
	}
	var cur Response
	err = b.tx.Where("prompt_id = ? AND contender_id = ?", p.ID, cid).First(&cur).Error
	switch {
	case err == gorm.ErrRecordNotFound:
		b.st.ResponsesCreated++
		resp := Response{PromptID: p.ID, ContenderID: cid, Text: r.Output}
		if r.Style != nil {
			resp.Style = *r.Style
		}
		return b.tx.Create(&resp).Error
	case err != nil:
		return err
	case cur.Text == r.Output && (r.Style == nil || *r.Style == cur.Style):
		b.st.Unchanged++
		return nil
	default:
		// Same text with other counts means the answer predates measuring
		// (or the rules changed): refreshing them is an update.
		b.st.ResponsesUpdated++
		up := map[string]any{"text": r.Output}
		if r.Style != nil {
			up["style_tokens"], up["style_headers"], up["style_lists"], up["style_bold"] = r.Style.Tokens, r.Style.Headers, r.Style.Lists, r.Style.Bold
		} else {
			up["style_tokens"] = -1
		}
		return b.tx.Model(&cur).Updates(up).Error
	}
}

func (b *bankImport) contender(slug string) (uint, error) {
	if id, ok := b.contenders[slug]; ok {
		return id, nil
	}
	var c Contender
	err := b.tx.Where("slug = ?", slug).First(&c).Error
	if err == gorm.ErrRecordNotFound {
		c = Contender{Slug: slug, DisplayName: slug, Enabled: true, Weight: 1}
		err = b.tx.Create(&c).Error
		b.st.ContendersCreated++
	}
	if err != nil {
		return 0, err
	}
	b.contenders[slug] = c.ID
	return c.ID, nil
}

func (b *bankImport) prompt(i int, r BankRow) (*Prompt, error) {
	if p, ok := b.prompts[r.PromptID]; ok {
		if p.Text != r.Prompt {
			return nil, &RowError{Row: i, Reason: fmt.Sprintf("prompt_id %q appears earlier with a different prompt text", r.PromptID)}
		}
		return p, b.addCategory(p, r.Category)
	}
	var p Prompt
	err := b.tx.Where("external_id = ?", r.PromptID).First(&p).Error
	switch {
	case err == gorm.ErrRecordNotFound:
		ext := r.PromptID
		p = Prompt{ExternalID: &ext, Text: r.Prompt, Hash: PromptHash(r.Prompt), Source: b.source,
			Status: StatusApproved, Categories: []string{}}
		if r.Category != "" {
			p.Categories = []string{r.Category}
		}
		b.store.categorize(&p)
		if err := b.tx.Create(&p).Error; err != nil {
			return nil, err
		}
		b.st.PromptsCreated++
	case err != nil:
		return nil, err
	case p.Text != r.Prompt:
		return nil, &RowError{Row: i, Reason: fmt.Sprintf("prompt_id %q is already stored with a different prompt text", r.PromptID)}
	default:
		if err := b.addCategory(&p, r.Category); err != nil {
			return nil, err
		}
	}
	b.prompts[r.PromptID] = &p
	return &p, nil
}

// addCategory merges a row's category into the prompt's, so rows of one
// prompt may each name one.
func (b *bankImport) addCategory(p *Prompt, cat string) error {
	if cat == "" || slices.Contains(p.Categories, cat) {
		return nil
	}
	p.Categories = append(p.Categories, cat)
	b.st.PromptsUpdated++
	if err := logPromptChanges(b.tx, []uint{p.ID}); err != nil {
		return err
	}
	return b.tx.Model(p).Update("categories", p.Categories).Error
}

// BankPromptIDs lists approved prompts holding answers from at least two
// enabled contenders that may be sampled (neither retired nor suspended). Live prompts are never among
// them, whatever their answers: another voter's typed prompt is not served.
func (s *Store) BankPromptIDs(ctx context.Context) ([]uint, error) {
	var ids []uint
	err := s.db.WithContext(ctx).Table("responses r").
		Joins("JOIN prompts p ON p.id = r.prompt_id").
		Joins("JOIN contenders c ON c.id = r.contender_id").
		Where("p.status = ? AND p.source <> ? AND c.enabled = ? AND c.weight > 0 AND c.status = ''", StatusApproved, SourceLive, true).
		Group("r.prompt_id").Having("COUNT(*) >= 2").Order("r.prompt_id").
		Pluck("r.prompt_id", &ids).Error
	return ids, err
}

// PromptAnswers returns a prompt and its answers from enabled contenders
// neither retired nor suspended,
// each with its contender loaded.
func (s *Store) PromptAnswers(ctx context.Context, promptID uint) (*Prompt, []Response, error) {
	var p Prompt
	if err := s.db.WithContext(ctx).First(&p, promptID).Error; err != nil {
		return nil, nil, notFound(err)
	}
	var rs []Response
	err := s.db.WithContext(ctx).Joins("Contender").
		Where("responses.prompt_id = ? AND \"Contender\".enabled = ? AND \"Contender\".weight > 0 AND \"Contender\".status = ''", promptID, true).
		Order("responses.id").Find(&rs).Error
	return &p, rs, err
}

// AnswerChoice is one answer a bank battle may show, without its text:
// its id, its contender's and that contender's sampling weight.
type AnswerChoice struct {
	ResponseID, ContenderID uint
	Weight                  float64
}

// AnswerChoices lists the answers to a prompt by enabled, sampled
// contenders (weight above 0, neither retired nor suspended), in id order:
// what a bank battle chooses its pair from. With hundreds of contenders
// reading every answer's text to show two would cost far more than the
// battle.
func (s *Store) AnswerChoices(ctx context.Context, promptID uint) ([]AnswerChoice, error) {
	var out []AnswerChoice
	err := s.db.WithContext(ctx).Raw(`SELECT r.id AS response_id, r.contender_id, c.weight
		FROM responses r JOIN contenders c ON c.id = r.contender_id
		WHERE r.prompt_id = ? AND c.enabled = ? AND c.weight > 0 AND c.status = ''
		ORDER BY r.id`, promptID, true).Scan(&out).Error
	return out, err
}

// AnswerPair reads two answers with their contenders, in the order asked;
// ErrNotFound when either is gone.
func (s *Store) AnswerPair(ctx context.Context, a, b uint) (*Response, *Response, error) {
	var rs []Response
	if err := s.db.WithContext(ctx).Joins("Contender").Where("responses.id IN ?", []uint{a, b}).Find(&rs).Error; err != nil {
		return nil, nil, err
	}
	if len(rs) != 2 {
		return nil, nil, ErrNotFound
	}
	if rs[0].ID != a {
		rs[0], rs[1] = rs[1], rs[0]
	}
	return &rs[0], &rs[1], nil
}

// BankSize counts approved prompts and stored answers, for the empty-bank page.
func (s *Store) BankSize(ctx context.Context) (prompts, answers int64, err error) {
	db := s.db.WithContext(ctx)
	if err = db.Model(&Prompt{}).Where("status = ?", StatusApproved).Count(&prompts).Error; err != nil {
		return
	}
	err = db.Model(&Response{}).Count(&answers).Error
	return
}
