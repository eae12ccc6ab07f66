package arena

// The demo: an arena with no real content yet serves the built-in offline
// demo bots and a small bank of their answers, so the first command gives a
// working arena. Real content is any contender that is not a demo bot, or
// an approved prompt from outside the demo (live prompts aside) that holds
// an answer. Once real content exists the demo is switched off for good: the
// demo bots are disabled and the votes on their battles are kept apart from
// the ratings (models.ExcludedDemo). The switch is recorded, so that neither
// a restart nor the periodic check turns the demo on again, and so that an
// admin who re-enables a demo bot on purpose is not overruled.

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"
	"sync"
	"time"

	"openarena.dev/arena/arena/style"
	"openarena.dev/arena/llm"
	"openarena.dev/arena/models"
)

//go:embed demo_prompts.json
var demoPromptsJSON []byte

// demoPrompt is one prompt of the embedded demo bank.
type demoPrompt struct {
	ID       string `json:"id"`
	Category string `json:"category"`
	Prompt   string `json:"prompt"`
}

// demoPrompts parses the embedded bank; it is part of the binary, so a
// broken file is a bug the tests catch.
func demoPrompts() []demoPrompt {
	var ps []demoPrompt
	if err := json.Unmarshal(demoPromptsJSON, &ps); err != nil {
		panic("arena: demo_prompts.json: " + err.Error())
	}
	return ps
}

// demoPromptPrefix starts the external id of a demo prompt, so the demo
// bank is found again on the next start and never duplicated.
const demoPromptPrefix = "demo:"

// demoOffKey is the setting recording when real content switched the demo
// off.
const demoOffKey = "demo_switched_off"

// demoStateTTL is how long the demo state behind the banner is cached: a
// command run beside the server switches the demo off in the database,
// and the pages follow within this time.
const demoStateTTL = 5 * time.Second

// DemoCheckEvery is how often serve looks for real content added by a
// command run beside it.
const DemoCheckEvery = 30 * time.Second

// DemoStart says what the start-up rule did.
type DemoStart struct {
	// On is true when the demo is being served.
	On bool
	// Real is true when real content exists (or once did), so the demo
	// stays off whatever the setting.
	Real bool
	// BotsCreated counts the demo contenders registered now.
	BotsCreated int
	// Prompts is the size of the demo bank; Bank is what storing it did.
	Prompts int
	Bank    models.BankStats
	// Off is what switching the demo off did, when it was switched off.
	Off *DemoOff
}

// DemoOff is what switching the demo off did.
type DemoOff struct {
	// Bots is how many demo bots were disabled.
	Bots int64
	// Votes is how many votes on their battles were kept apart.
	Votes int64
}

// DemoBanner is what every page says about the demo.
type DemoBanner struct {
	// On is true while a demo bot is enabled.
	On bool
	// SetupToken is the first-run token while no admin exists (only ever
	// shown to the machine the server runs on).
	SetupToken string
}

// demoState caches the banner so that pages do not query for it each time.
type demoState struct {
	mu     sync.Mutex
	at     time.Time
	banner DemoBanner
	known  bool
}

// StartDemo applies the demo rule at start-up; want is the operator's
// setting (ARENA_DEMO). With real content the demo is switched off if it
// was not yet. Without, want registers and enables the demo bots and
// fills the demo bank (progress, when not nil, is told of each answer);
// not wanting it disables the demo bots and keeps their votes apart until
// it is wanted again.
func (a *Arena) StartDemo(ctx context.Context, want bool, progress func(done, total int)) (DemoStart, error) {
	var st DemoStart
	real, err := a.demoRetired(ctx)
	if err != nil {
		return st, err
	}
	switch {
	case real:
		st.Real = true
		st.Off, err = a.CheckDemo(ctx, "serve")
		return st, err
	case !want:
		sw, err := a.store.DisableContendersOfKind(ctx, llm.KindDemo, models.ExcludedDemo)
		if err == nil && sw.Contenders > 0 {
			st.Off = &DemoOff{Bots: sw.Contenders, Votes: sw.Votes}
		}
		a.demoChanged(ctx)
		return st, err
	}
	bots, err := a.registerDemoBots(ctx)
	if err != nil {
		return st, err
	}
	st.BotsCreated, st.Prompts = bots, len(demoPrompts())
	if st.Bank, err = a.fillDemoBank(ctx, progress); err != nil {
		return st, err
	}
	a.demoChanged(ctx)
	st.On = true
	return st, nil
}

// registerDemoBots creates the demo contenders that are missing, enables
// every demo bot and lifts the demo exclusion of their votes (a demo turned
// off by the setting alone comes back as it was).
func (a *Arena) registerDemoBots(ctx context.Context) (int, error) {
	var cs []models.Contender
	for _, d := range llm.DemoContenders() {
		cs = append(cs, models.Contender{Slug: d.Slug, DisplayName: d.DisplayName, Organization: d.Organization,
			Country: d.Country, License: d.License, OpenWeights: d.OpenWeights, Aliases: d.Aliases,
			Provider: models.Provider{Kind: d.Provider.Kind, Model: d.Provider.Model, Params: d.Provider.Params}})
	}
	st, err := a.store.UpsertContenders(ctx, cs, nil)
	if err != nil {
		return 0, fmt.Errorf("add demo bots: %w", err)
	}
	if _, err := a.store.EnableContendersOfKind(ctx, llm.KindDemo, models.ExcludedDemo); err != nil {
		return 0, fmt.Errorf("enable demo bots: %w", err)
	}
	return st.Created, nil
}

// fillDemoBank has every enabled demo bot answer every demo prompt at
// once (no pace) and stores the answers as a bank. The bots are
// deterministic, so a restart finds every answer unchanged.
func (a *Arena) fillDemoBank(ctx context.Context, progress func(done, total int)) (models.BankStats, error) {
	cs, err := a.store.Contenders(ctx)
	if err != nil {
		return models.BankStats{}, err
	}
	var bots []models.Contender
	for _, c := range cs {
		if c.Provider.Kind == llm.KindDemo && c.Enabled {
			bots = append(bots, c)
		}
	}
	prompts := demoPrompts()
	total := len(bots) * len(prompts)
	rows := make([]models.BankRow, 0, total)
	done := 0
	for _, c := range bots {
		cfg := providerConfig(c.Provider)
		cfg.Params = maps.Clone(cfg.Params)
		if cfg.Params == nil {
			cfg.Params = map[string]any{}
		}
		cfg.Params["pace_ms"] = 0
		be, err := llm.New(cfg, nil)
		if err != nil {
			return models.BankStats{}, fmt.Errorf("demo bot %s: %w", c.Slug, err)
		}
		for _, p := range prompts {
			res, err := be.Generate(ctx, llm.Request{Messages: []llm.Message{{Role: llm.RoleUser, Content: p.Prompt}}},
				func(string) error { return nil })
			if err != nil {
				return models.BankStats{}, fmt.Errorf("demo bot %s: %w", c.Slug, err)
			}
			if res.Text != "" {
				counts := style.Measure(res.Text)
				rows = append(rows, models.BankRow{PromptID: demoPromptPrefix + p.ID, Prompt: p.Prompt,
					Category: p.Category, Model: c.Slug, Output: res.Text, Style: &counts})
			}
			if done++; progress != nil {
				progress(done, total)
			}
		}
	}
	return a.store.ImportDemoBank(ctx, rows)
}

// demoRetired reports whether the demo must stay off: real content exists,
// or once did and switched it off.
func (a *Arena) demoRetired(ctx context.Context) (bool, error) {
	if _, done, err := a.store.Setting(ctx, demoOffKey); err != nil || done {
		return done, err
	}
	return a.realContent(ctx)
}

// realContent reports whether the arena holds anything besides the demo.
func (a *Arena) realContent(ctx context.Context) (bool, error) {
	if real, err := a.store.AnyContenderBesidesKind(ctx, llm.KindDemo); err != nil || real {
		return real, err
	}
	return a.store.AnyAnsweredPromptBesides(ctx, models.SourceDemo, models.SourceLive)
}

// CheckDemo switches the demo off when real content has arrived and it
// was not switched off before: the demo bots are disabled, the votes on
// their battles are kept apart, the ratings are recomputed, and the switch
// is recorded and audited under actor. It returns nil when it switched
// nothing. Every way real content comes in calls it: the admin's contender
// pages, the import and discover commands, and serve at start-up and every
// DemoCheckEvery.
func (a *Arena) CheckDemo(ctx context.Context, actor string) (*DemoOff, error) {
	defer a.demoChanged(ctx)
	if _, done, err := a.store.Setting(ctx, demoOffKey); err != nil || done {
		return nil, err
	}
	real, err := a.realContent(ctx)
	if err != nil || !real {
		return nil, err
	}
	sw, err := a.store.DisableContendersOfKind(ctx, llm.KindDemo, models.ExcludedDemo)
	if err != nil {
		return nil, err
	}
	if _, err := a.store.EnsureSetting(ctx, demoOffKey, a.now().Format(time.RFC3339)); err != nil {
		return nil, err
	}
	off := &DemoOff{Bots: sw.Contenders, Votes: sw.Votes}
	if err := a.Audit(ctx, actor, "demo.off", "demo", map[string]bool{"demo": true},
		map[string]any{"demo": false, "bots_disabled": off.Bots, "votes_kept_apart": off.Votes}); err != nil {
		return off, err
	}
	return off, a.logChange(ctx, models.ChangeDemoOff, "demo", "off", fmt.Sprintf(
		"Real content arrived: the demo bots were switched off (%d disabled) and the %d votes on their battles kept out of the ratings.", off.Bots, off.Votes))
}

// WatchDemo runs CheckDemo every interval until ctx ends, logging
// failures: a command run beside the server (an import, a discovery) may
// have switched the demo off or brought real content, and the pages, the
// bank and the ratings must follow.
func (a *Arena) WatchDemo(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if off, err := a.CheckDemo(ctx, "serve"); err != nil && ctx.Err() == nil {
			a.boards.Logger().Warn("checking for real content failed", "err", err)
		} else if off != nil {
			a.boards.Logger().Info("real content arrived: the demo is off", "bots_disabled", off.Bots, "votes_kept_apart", off.Votes)
		}
	}
}

// demoChanged reads the demo state anew and, when it differs from what
// this process last saw (another process may have changed it), drops the
// cached bank and has the ratings recomputed.
func (a *Arena) demoChanged(ctx context.Context) {
	a.demo.mu.Lock()
	before, known := a.demo.banner.On, a.demo.known
	a.demo.mu.Unlock()
	b, err := a.readDemoBanner(ctx)
	if err != nil {
		return
	}
	if !known || b.On != before {
		a.forgetBank()
		a.boards.VotesChanged()
		// It fails only when ctx has ended; the recomputer's own check
		// sees the changed counts anyway.
		_ = a.boards.InvalidateRatings(ctx)
	}
}

// Demo returns what the pages say about the demo, cached for demoStateTTL.
func (a *Arena) Demo(ctx context.Context) (DemoBanner, error) {
	a.demo.mu.Lock()
	b, fresh := a.demo.banner, a.demo.known && a.now().Sub(a.demo.at) < demoStateTTL
	a.demo.mu.Unlock()
	if fresh {
		return b, nil
	}
	return a.readDemoBanner(ctx)
}

// readDemoBanner reads the demo state from the database and caches it.
func (a *Arena) readDemoBanner(ctx context.Context) (DemoBanner, error) {
	n, err := a.store.EnabledContendersOfKind(ctx, llm.KindDemo)
	if err != nil {
		return DemoBanner{}, err
	}
	b := DemoBanner{On: n > 0}
	if b.On {
		token, ok, err := a.accounts.SetupToken(ctx)
		if err != nil {
			return DemoBanner{}, err
		}
		if ok {
			b.SetupToken = token
		}
	}
	a.demo.mu.Lock()
	a.demo.banner, a.demo.at, a.demo.known = b, a.now(), true
	a.demo.mu.Unlock()
	return b, nil
}
