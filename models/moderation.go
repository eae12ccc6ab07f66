package models

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Moderation errors.
var (
	// ErrDuplicatePrompt means a prompt with the same normalised text is
	// already stored (in the bank, in the queue or asked live).
	ErrDuplicatePrompt = errors.New("a prompt with this text already exists")
	// ErrAlreadyReported means the voter already reported every prompt of
	// the battle.
	ErrAlreadyReported = errors.New("already reported")
)

// Exclusion reasons moderation writes into Vote.Excluded. A vote is
// excluded while any prompt of its battle is rejected or flagged; approving
// the prompt clears exactly these reasons and never another area's.
const (
	ExcludedPromptRejected = "prompt rejected"
	ExcludedPromptFlagged  = "prompt flagged"
)

// VoidPromptRejected is the void reason of an unvoted battle whose prompt
// a moderator rejected.
const VoidPromptRejected = "a moderator withdrew the prompt"

// Report is one voter's report of a prompt they were shown. A voter reports
// a prompt once; a review (approve or reject) resolves its open reports.
type Report struct {
	ID        uint    `gorm:"primaryKey"`
	PromptID  uint    `gorm:"not null;uniqueIndex:idx_report_prompt_voter"`
	Prompt    *Prompt `gorm:"constraint:OnDelete:CASCADE"`
	VoterID   string  `gorm:"size:64;not null;uniqueIndex:idx_report_prompt_voter"`
	BattleID  string  `gorm:"size:32;not null;default:''"`
	Reason    string  `gorm:"size:64;not null"`
	Details   string  `gorm:"size:512;not null;default:''"`
	Resolved  bool    `gorm:"not null;default:false;index"`
	CreatedAt time.Time
}

// PromptReview is what moderation knows of a prompt beyond its status: who
// suggested it, which flag rule caught it, and the last review.
type PromptReview struct {
	PromptID uint    `gorm:"primaryKey;autoIncrement:false"`
	Prompt   *Prompt `gorm:"constraint:OnDelete:CASCADE"`
	// SuggestedBy is the pseudonymous voter id of a suggestion, for the
	// per-voter suggestion limit; empty for other prompts.
	SuggestedBy string `gorm:"size:64;not null;default:'';index"`
	// Flag names the automatic rule that flagged or noted the prompt.
	Flag string `gorm:"size:256;not null;default:''"`
	// Reason is why the prompt was rejected; empty otherwise.
	Reason     string `gorm:"size:512;not null;default:''"`
	Reviewer   string `gorm:"size:128;not null;default:''"`
	ReviewedAt *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Answer-job states.
const (
	JobRunning = "running"
	JobDone    = "done"
)

// AnswerJob is the progress of generating a suggested prompt's answers:
// Done of Total contenders answered, each failure with its reason.
type AnswerJob struct {
	PromptID   uint            `gorm:"primaryKey;autoIncrement:false"`
	Prompt     *Prompt         `gorm:"constraint:OnDelete:CASCADE"`
	State      string          `gorm:"size:16;not null"`
	Total      int             `gorm:"not null;default:0"`
	Done       int             `gorm:"not null;default:0"`
	Failures   []AnswerFailure `gorm:"serializer:json;type:text"`
	StartedAt  time.Time
	FinishedAt *time.Time
}

// AnswerFailure is one contender that could not answer, and why.
type AnswerFailure struct {
	Contender string `json:"contender"`
	Reason    string `json:"reason"`
}

// filterRulesKey is the settings key holding the editable filter rules.
const filterRulesKey = "prompt_filter_rules"

// FilterRulesSetting returns the stored filter rules as saved (JSON), or ""
// when none were ever saved.
func (s *Store) FilterRulesSetting(ctx context.Context) (string, error) {
	var st Setting
	err := s.db.WithContext(ctx).Where("key = ?", filterRulesKey).Limit(1).Find(&st).Error
	return st.Value, err
}

// SaveFilterRulesSetting stores the filter rules, replacing earlier ones.
func (s *Store) SaveFilterRulesSetting(ctx context.Context, value string) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		err := tx.Clauses(clause.OnConflict{
			Columns: []clause.Column{{Name: "key"}}, DoUpdates: clause.AssignmentColumns([]string{"value"}),
		}).Create(&Setting{Key: filterRulesKey, Value: value}).Error
		if err != nil {
			return err
		}
		return notifyTx(tx, SignalFilter)
	})
}

// CreateSuggestion stores a voter's suggested prompt, pending review, unless
// a prompt with the same hash exists (ErrDuplicatePrompt). flag notes a flag
// rule the text matched, for the moderator.
func (s *Store) CreateSuggestion(ctx context.Context, p *Prompt, voterID, flag string) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&Prompt{}).Where("hash = ?", p.Hash).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return ErrDuplicatePrompt
		}
		s.categorize(p)
		if err := tx.Create(p).Error; err != nil {
			return err
		}
		return tx.Create(&PromptReview{PromptID: p.ID, SuggestedBy: voterID, Flag: flag}).Error
	})
}

// SuggestionsSince counts the prompts a voter suggested since a moment.
func (s *Store) SuggestionsSince(ctx context.Context, voterID string, since time.Time) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&PromptReview{}).
		Where("suggested_by = ? AND created_at > ?", voterID, since).Count(&n).Error
	return n, err
}

// NotePromptFlag records which flag rule caught a prompt.
func (s *Store) NotePromptFlag(ctx context.Context, promptID uint, flag string) error {
	return s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "prompt_id"}}, DoUpdates: clause.AssignmentColumns([]string{"flag", "updated_at"}),
	}).Create(&PromptReview{PromptID: promptID, Flag: flag}).Error
}

// battlesUsingSQL selects the battles that showed any of the prompts (?):
// a bank battle by its prompt, a live one by any of its turns.
const battlesUsingSQL = `SELECT b.id FROM battles b WHERE b.prompt_id IN (?)
	UNION SELECT t.battle_id FROM turns t WHERE t.prompt_id IN (?)`

// BattlePromptIDs returns every prompt a battle showed: the bank prompt, or
// each turn's prompt of a live battle.
func (s *Store) BattlePromptIDs(ctx context.Context, battleID string) ([]uint, error) {
	var ids []uint
	err := s.db.WithContext(ctx).Raw(`SELECT prompt_id FROM battles WHERE id = ?
		UNION SELECT prompt_id FROM turns WHERE battle_id = ?`, battleID, battleID).Scan(&ids).Error
	return ids, err
}

func holdOf(statuses []string) string {
	hold := ""
	for _, st := range statuses {
		switch st {
		case StatusRejected:
			return ExcludedPromptRejected
		case StatusFlagged:
			hold = ExcludedPromptFlagged
		}
	}
	return hold
}

// RejectedPromptWithHash returns the id of a rejected prompt with the hash,
// or 0 when there is none.
func (s *Store) RejectedPromptWithHash(ctx context.Context, hash string) (uint, error) {
	var ids []uint
	err := s.db.WithContext(ctx).Model(&Prompt{}).Where("hash = ? AND status = ?", hash, StatusRejected).
		Order("id").Limit(1).Pluck("id", &ids).Error
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	return ids[0], nil
}

// CreateReports stores one report per prompt for the voter, skipping prompts
// the voter already reported; ErrAlreadyReported if every one was.
func (s *Store) CreateReports(ctx context.Context, rs []Report) error {
	created := int64(0)
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for i := range rs {
			res := tx.Clauses(clause.OnConflict{DoNothing: true}).Omit("Prompt").Create(&rs[i])
			if res.Error != nil {
				return res.Error
			}
			created += res.RowsAffected
		}
		return nil
	})
	if err == nil && created == 0 {
		return ErrAlreadyReported
	}
	return err
}

// PromptChange is one prompt's status before and after a review.
type PromptChange struct {
	ID     uint
	Text   string
	Source string
	Before string
	After  string
	// Suggested is a voter's suggestion for the bank.
	Suggested bool
}

// ReviewPrompts sets the prompts' status in one transaction, records the
// reviewer (and reason, for a rejection), resolves their open reports, voids
// the unvoted battles showing a rejected prompt, and brings the exclusion of
// every vote on a battle that showed them in line with the new status.
// Unknown ids are ErrNotFound and change nothing.
func (s *Store) ReviewPrompts(ctx context.Context, ids []uint, status, reviewer, reason string, at time.Time) ([]PromptChange, error) {
	var out []PromptChange
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var ps []Prompt
		if err := tx.Where("id IN ?", ids).Order("id").Find(&ps).Error; err != nil {
			return err
		}
		if len(ps) != len(uniqueIDs(ids)) {
			return ErrNotFound
		}
		var suggested []uint
		if err := tx.Model(&PromptReview{}).Where("prompt_id IN ? AND suggested_by <> ''", ids).
			Pluck("prompt_id", &suggested).Error; err != nil {
			return err
		}
		for _, p := range ps {
			out = append(out, PromptChange{ID: p.ID, Text: p.Text, Source: p.Source, Before: p.Status, After: status,
				Suggested: slices.Contains(suggested, p.ID)})
		}
		if err := tx.Model(&Prompt{}).Where("id IN ?", ids).
			Updates(map[string]any{"status": status, "updated_at": at}).Error; err != nil {
			return err
		}
		for _, p := range ps {
			rv := PromptReview{PromptID: p.ID, Reviewer: reviewer, Reason: reason, ReviewedAt: &at}
			err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "prompt_id"}},
				DoUpdates: clause.AssignmentColumns([]string{"reviewer", "reason", "reviewed_at", "updated_at"})}).
				Omit("Prompt").Create(&rv).Error
			if err != nil {
				return err
			}
		}
		if err := tx.Model(&Report{}).Where("prompt_id IN ? AND resolved = ?", ids, false).
			Update("resolved", true).Error; err != nil {
			return err
		}
		if status == StatusRejected {
			// Battles showing the prompt and not yet voted end here, so
			// no voter is shown it again, not even on a reload.
			err := tx.Model(&Battle{}).
				Where("state IN ? AND id IN ("+battlesUsingSQL+")", []string{StateOpen, StateStreaming, StateReady}, ids, ids).
				Updates(map[string]any{"state": StateVoid, "void_reason": VoidPromptRejected, "updated_at": at}).Error
			if err != nil {
				return err
			}
		}
		if err := notifyTx(tx, SignalBank); err != nil {
			return err
		}
		return syncPromptExclusions(tx, ids)
	})
	return out, err
}

// syncPromptExclusions sets each counted vote on a battle that showed one of
// the prompts to "prompt rejected" if any prompt of its battle is rejected,
// else "prompt flagged" if any is flagged, else in. Votes another rule
// excluded are left alone, so undoing a review restores exactly its own.
func syncPromptExclusions(tx *gorm.DB, ids []uint) error {
	// One pass: the battles that showed the prompts, each battle's worst
	// prompt status (2 rejected, 1 flagged, 0 neither), then one UPDATE
	// joined to that, skipping votes already right (a popular bank prompt
	// has many, and rewriting each row would churn the table for nothing).
	// The reasons are constants, so they are written into the statement.
	if err := logPromptChanges(tx, ids); err != nil {
		return err
	}
	target := `CASE held.level WHEN 2 THEN '` + ExcludedPromptRejected + `' WHEN 1 THEN '` + ExcludedPromptFlagged + `' ELSE '' END`
	return tx.Exec(`WITH shown AS (`+battlesUsingSQL+`),
		held AS (
			SELECT x.battle_id, MAX(CASE p.status WHEN '`+StatusRejected+`' THEN 2 WHEN '`+StatusFlagged+`' THEN 1 ELSE 0 END) AS level
			FROM (
				SELECT b.id AS battle_id, b.prompt_id FROM battles b WHERE b.id IN (SELECT id FROM shown)
				UNION ALL SELECT t.battle_id, t.prompt_id FROM turns t WHERE t.battle_id IN (SELECT id FROM shown)
			) x JOIN prompts p ON p.id = x.prompt_id
			GROUP BY x.battle_id
		)
		UPDATE votes SET excluded = `+target+`
		FROM held
		WHERE votes.battle_id = held.battle_id AND votes.counted = ? AND votes.excluded IN ('', ?, ?)
			AND votes.excluded <> `+target,
		ids, ids, true, ExcludedPromptRejected, ExcludedPromptFlagged).Error
}

func uniqueIDs(ids []uint) map[uint]bool {
	m := map[uint]bool{}
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// Prompt returns one prompt.
func (s *Store) Prompt(ctx context.Context, id uint) (*Prompt, error) {
	var p Prompt
	if err := s.db.WithContext(ctx).First(&p, id).Error; err != nil {
		return nil, notFound(err)
	}
	return &p, nil
}

// SetPromptLabels replaces a prompt's categories and language and returns
// the prompt as it was before.
func (s *Store) SetPromptLabels(ctx context.Context, id uint, categories []string, language string) (*Prompt, error) {
	var before Prompt
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.First(&before, id).Error; err != nil {
			return notFound(err)
		}
		if categories == nil {
			categories = []string{}
		}
		if err := logPromptChanges(tx, []uint{id}); err != nil {
			return err
		}
		return tx.Model(&Prompt{ID: id}).Select("categories", "language").
			Updates(&Prompt{Categories: categories, Language: language}).Error
	})
	if err != nil {
		return nil, err
	}
	return &before, nil
}

// Queue tabs.
const (
	TabPending  = "pending"
	TabFlagged  = "flagged"
	TabReported = "reported"
	TabApproved = "approved"
	TabRejected = "rejected"
)

// QueueTabs lists the tabs in the order the page shows them.
var QueueTabs = []string{TabPending, TabFlagged, TabReported, TabApproved, TabRejected}

// QueueQuery picks one page of the moderation queue.
type QueueQuery struct {
	Tab string
	// Search, when not empty, keeps prompts whose text contains it,
	// ignoring case.
	Search  string
	Page    int // from 1
	PerPage int
}

// QueueItem is one prompt of the queue with what the moderator needs.
type QueueItem struct {
	Prompt  Prompt
	Review  PromptReview
	Reports int64
	// ReportReasons are the distinct reasons of its open reports.
	ReportReasons []string
	Answers       int64
	Job           *AnswerJob
}

// queueScope narrows prompts to a tab and search.
func queueScope(db *gorm.DB, tab, search string) *gorm.DB {
	q := db.Model(&Prompt{})
	if tab == TabReported {
		q = q.Where("EXISTS (SELECT 1 FROM reports r WHERE r.prompt_id = prompts.id AND r.resolved = ?)", false)
	} else {
		q = q.Where("prompts.status = ?", tab)
	}
	if search = strings.TrimSpace(search); search != "" {
		q = q.Where("LOWER(prompts.text) LIKE ? ESCAPE '!'", "%"+likeEscape(strings.ToLower(search))+"%")
	}
	return q
}

func likeEscape(s string) string {
	return strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(s)
}

// QueueCounts returns how many prompts each tab holds under the search.
func (s *Store) QueueCounts(ctx context.Context, search string) (map[string]int64, error) {
	out := map[string]int64{}
	for _, tab := range QueueTabs {
		var n int64
		if err := queueScope(s.db.WithContext(ctx), tab, search).Count(&n).Error; err != nil {
			return nil, err
		}
		out[tab] = n
	}
	return out, nil
}

// Queue returns one page of a tab, newest first, and the tab's
// total under the search.
func (s *Store) ModerationQueue(ctx context.Context, q QueueQuery) ([]QueueItem, int64, error) {
	db := s.db.WithContext(ctx)
	var total int64
	if err := queueScope(db, q.Tab, q.Search).Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var ps []Prompt
	err := queueScope(db, q.Tab, q.Search).Order("prompts.id DESC").
		Offset((max(q.Page, 1) - 1) * q.PerPage).Limit(q.PerPage).Find(&ps).Error
	if err != nil || len(ps) == 0 {
		return nil, total, err
	}
	ids := make([]uint, len(ps))
	items := make([]QueueItem, len(ps))
	byID := map[uint]*QueueItem{}
	for i, p := range ps {
		ids[i], items[i].Prompt = p.ID, p
		byID[p.ID] = &items[i]
	}
	var reviews []PromptReview
	if err := db.Where("prompt_id IN ?", ids).Find(&reviews).Error; err != nil {
		return nil, 0, err
	}
	for _, r := range reviews {
		byID[r.PromptID].Review = r
	}
	var reports []Report
	if err := db.Where("prompt_id IN ? AND resolved = ?", ids, false).Order("id").Find(&reports).Error; err != nil {
		return nil, 0, err
	}
	for _, r := range reports {
		it := byID[r.PromptID]
		it.Reports++
		reason := r.Reason
		if r.Details != "" {
			reason += ": " + r.Details
		}
		if len(it.ReportReasons) < 5 && !slices.Contains(it.ReportReasons, reason) {
			it.ReportReasons = append(it.ReportReasons, reason)
		}
	}
	var counts []struct {
		PromptID uint
		N        int64
	}
	if err := db.Model(&Response{}).Select("prompt_id, COUNT(*) AS n").Where("prompt_id IN ?", ids).
		Group("prompt_id").Scan(&counts).Error; err != nil {
		return nil, 0, err
	}
	for _, c := range counts {
		byID[c.PromptID].Answers = c.N
	}
	var jobs []AnswerJob
	if err := db.Where("prompt_id IN ?", ids).Find(&jobs).Error; err != nil {
		return nil, 0, err
	}
	for i := range jobs {
		byID[jobs[i].PromptID].Job = &jobs[i]
	}
	return items, total, nil
}

// AnswerJobOf returns a prompt's answer job.
func (s *Store) AnswerJobOf(ctx context.Context, promptID uint) (*AnswerJob, error) {
	var job AnswerJob
	if err := s.db.WithContext(ctx).First(&job, "prompt_id = ?", promptID).Error; err != nil {
		return nil, notFound(err)
	}
	return &job, nil
}
