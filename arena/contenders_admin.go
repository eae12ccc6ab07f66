package arena

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"regexp"
	"strings"
	"time"

	"openarena.dev/arena/arena/fault"
	"openarena.dev/arena/llm"
	"openarena.dev/arena/models"
)

// SlugPattern is what a contender slug may look like: it ends up in URLs
// and exports, so no spaces or markup.
var SlugPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:/+-]{0,127}$`)

// MaxWeight bounds a sampling weight: far above it one contender would
// take nearly every battle, which is a typo more often than a wish.
const MaxWeight = 100

// ContenderProblem checks a contender's metadata as `arena import
// contenders` does, and returns what is wrong in words ("" when nothing).
func ContenderProblem(slug, displayName, organization, country, license string) string {
	switch {
	case slug == "":
		return `"slug" is missing or empty`
	case !SlugPattern.MatchString(slug):
		return fmt.Sprintf("slug %q is not valid (letters, digits and . _ : / + - only, at most 128)", slug)
	case len(displayName) > 256 || len(organization) > 256:
		return "display_name and organization are limited to 256 characters"
	case len(country) > 64 || len(license) > 128:
		return "country is limited to 64 and license to 128 characters"
	}
	return ""
}

// ErrNoSuchContender is an admin request about a contender that does not exist.
var ErrNoSuchContender = fault.New(fault.NotFound, "There is no such contender.")

// checkContender validates everything an admin may set: the import's
// metadata rules, the provider block as the import checks it, the aliases
// and the weight. It trims and defaults as the import does.
func checkContender(c *models.Contender) error {
	c.Slug = strings.TrimSpace(c.Slug)
	c.DisplayName = strings.TrimSpace(c.DisplayName)
	if p := ContenderProblem(c.Slug, c.DisplayName, c.Organization, c.Country, c.License); p != "" {
		return fault.New(fault.Invalid, p)
	}
	if c.DisplayName == "" {
		c.DisplayName = c.Slug
	}
	aliases := []string{}
	for _, a := range c.Aliases {
		if a = strings.TrimSpace(a); a != "" {
			if len(a) > 128 {
				return fault.Invalidf("alias %.20q… is longer than 128 characters", a)
			}
			aliases = append(aliases, a)
		}
	}
	c.Aliases = aliases
	if math.IsNaN(c.Weight) || c.Weight < 0 || c.Weight > MaxWeight {
		return fault.Invalidf("the sampling weight must be a number from 0 (never sampled) to %d (1 is normal)", MaxWeight)
	}
	if c.Provider.Kind != "" || c.Provider.BaseURL != "" || c.Provider.Model != "" {
		if err := providerConfig(c.Provider).Validate(); err != nil {
			return fault.New(fault.Invalid, "provider: "+err.Error())
		}
	}
	return nil
}

// providerConfig is a stored provider block as llm reads it.
func providerConfig(p models.Provider) llm.ProviderConfig {
	return llm.ProviderConfig{Kind: p.Kind, BaseURL: p.BaseURL, Model: p.Model, APIKeyEnv: p.APIKeyEnv, Params: p.Params}
}

// contenderTarget names a contender in the audit log.
func contenderTarget(slug string) string { return "contender:" + slug }

// AddContender validates and stores a new contender, audited.
func (a *Arena) AddContender(ctx context.Context, actor string, c models.Contender) (*models.Contender, error) {
	c.ID = 0
	if err := checkContender(&c); err != nil {
		return nil, err
	}
	err := a.store.CreateContender(ctx, &c)
	if errors.Is(err, models.ErrDuplicate) {
		return nil, fault.Invalidf("a contender with slug %q already exists", c.Slug)
	}
	if err != nil {
		return nil, err
	}
	a.contendersChanged()
	if err := a.Audit(ctx, actor, "contender.create", contenderTarget(c.Slug), nil, c); err != nil {
		return &c, err
	}
	if err := a.logContenderAdded(ctx, &c); err != nil {
		return &c, err
	}
	// A real model ends the demo.
	_, err = a.CheckDemo(ctx, actor)
	return &c, err
}

// UpdateContender replaces the admin-editable fields of the contender
// with that slug by those of c (metadata, provider, aliases, weight,
// enabled), audited with before and after. The slug does not change: it
// names the contender in released data and rating history.
func (a *Arena) UpdateContender(ctx context.Context, actor, slug string, c models.Contender) (*models.Contender, error) {
	before, err := a.contender(ctx, slug)
	if err != nil {
		return nil, err
	}
	c.ID, c.Slug, c.CreatedAt = before.ID, before.Slug, before.CreatedAt
	if err := checkContender(&c); err != nil {
		return nil, err
	}
	c.UpdatedAt = a.now()
	if err := a.store.UpdateContender(ctx, &c); err != nil {
		return nil, err
	}
	a.contendersChanged()
	if err := a.Audit(ctx, actor, "contender.update", contenderTarget(slug), before, c); err != nil {
		return &c, err
	}
	if err := a.logWeightChange(ctx, before, &c); err != nil {
		return &c, err
	}
	// A demo bot turned into a real model ends the demo.
	_, err = a.CheckDemo(ctx, actor)
	return &c, err
}

// SetContenderEnabled enables or disables a contender, audited. A disabled
// contender is never sampled for a new battle.
func (a *Arena) SetContenderEnabled(ctx context.Context, actor, slug string, enabled bool) (*models.Contender, error) {
	before, err := a.contender(ctx, slug)
	if err != nil {
		return nil, err
	}
	if err := a.store.SetContenderEnabled(ctx, before.ID, enabled); err != nil {
		return nil, err
	}
	after := *before
	after.Enabled = enabled
	a.contendersChanged()
	action := "contender.disable"
	if enabled {
		action = "contender.enable"
	}
	if err := a.Audit(ctx, actor, action, contenderTarget(slug), map[string]bool{"enabled": before.Enabled}, map[string]bool{"enabled": enabled}); err != nil {
		return &after, err
	}
	_, err = a.CheckDemo(ctx, actor)
	return &after, err
}

// contender returns the contender with that slug or ErrNoSuchContender.
func (a *Arena) contender(ctx context.Context, slug string) (*models.Contender, error) {
	c, err := a.store.ContenderBySlug(ctx, slug)
	if errors.Is(err, models.ErrNotFound) {
		return nil, ErrNoSuchContender
	}
	return c, err
}

// contendersChanged drops what is cached about who may be sampled.
func (a *Arena) contendersChanged() {
	a.forgetBank()
}

// ProviderTest is the outcome of sending one short prompt to a contender.
type ProviderTest struct {
	Prompt string
	// Answer is what came back; Err, when not empty, why nothing did.
	Answer  string
	Err     string
	Latency time.Duration
}

// providerTestPrompt is short so a test costs next to nothing.
const providerTestPrompt = "Reply with one short sentence: are you working?"

// providerTestTimeout bounds a test so a dead server does not hang the page.
const providerTestTimeout = 30 * time.Second

// TestProvider sends one short prompt through the contender's provider and
// reports the answer or the error, audited. A contender without a provider
// is a ContenderError. The answer is an admin's view only: nothing of it is
// stored as a battle.
func (a *Arena) TestProvider(ctx context.Context, actor, slug string) (*ProviderTest, error) {
	c, err := a.contender(ctx, slug)
	if err != nil {
		return nil, err
	}
	if c.Provider.Kind == "" {
		return nil, fault.Invalidf("%s has no provider: it only answers from the prompt bank", slug)
	}
	res := &ProviderTest{Prompt: providerTestPrompt}
	var be llm.Backend
	if a.live.Backend != nil {
		be, err = a.live.Backend(c)
	} else {
		getenv := a.opt.Getenv
		if getenv == nil {
			getenv = os.Getenv
		}
		be, err = llm.New(providerConfig(c.Provider), getenv)
	}
	if err != nil {
		res.Err = err.Error()
	} else {
		tctx, cancel := context.WithTimeout(ctx, providerTestTimeout)
		start := time.Now()
		out, err := be.Generate(tctx, llm.Request{Messages: []llm.Message{{Role: llm.RoleUser, Content: providerTestPrompt}}, MaxTokens: 64},
			func(string) error { return nil })
		cancel()
		res.Latency = time.Since(start)
		res.Answer = out.Text
		if err != nil {
			res.Err = err.Error()
		}
	}
	return res, a.Audit(ctx, actor, "contender.test", contenderTarget(slug), nil,
		map[string]any{"ok": res.Err == "", "error": res.Err, "latency_ms": res.Latency.Milliseconds()})
}

// ContenderLine is one row of the admin's contenders list.
type ContenderLine struct {
	models.Contender
	Stat models.ContenderStat
	// Uncounted is how its newest finished live battles went, and whether
	// the live sampler turns its weight down for it.
	Uncounted Uncounted
}

// ContenderLines lists every contender with its record.
func (a *Arena) ContenderLines(ctx context.Context) ([]ContenderLine, error) {
	cs, err := a.store.Contenders(ctx)
	if err != nil {
		return nil, err
	}
	stats, err := a.store.ContenderStats(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ContenderLine, len(cs))
	for i, c := range cs {
		out[i].Contender = c
		if st := stats[c.ID]; st != nil {
			out[i].Stat = *st
		}
		if out[i].Uncounted, err = a.Uncounted(ctx, c.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ContenderPageLimit is how many battles a contender's page lists.
const ContenderPageLimit = 200

// ContenderDetail is one contender's admin page: itself, its record and
// its newest battles with their votes.
type ContenderDetail struct {
	ContenderLine
	Battles []models.ContenderBattle
}

// ContenderDetail returns the contender with that slug, its record and
// newest battles.
func (a *Arena) ContenderDetail(ctx context.Context, slug string) (*ContenderDetail, error) {
	c, err := a.contender(ctx, slug)
	if err != nil {
		return nil, err
	}
	stats, err := a.store.ContenderStats(ctx)
	if err != nil {
		return nil, err
	}
	d := &ContenderDetail{ContenderLine: ContenderLine{Contender: *c}}
	if st := stats[c.ID]; st != nil {
		d.Stat = *st
	}
	if d.Uncounted, err = a.Uncounted(ctx, c.ID); err != nil {
		return nil, err
	}
	d.Battles, err = a.store.ContenderBattles(ctx, c.ID, ContenderPageLimit)
	return d, err
}

// ContenderBySlug returns the contender called slug, or models.ErrNotFound
// (unwrapped, so a page can word its own message for an unknown name).
func (a *Arena) ContenderBySlug(ctx context.Context, slug string) (*models.Contender, error) {
	return a.store.ContenderBySlug(ctx, slug)
}

// ContenderByID returns the contender with that id or ErrNoSuchContender.
func (a *Arena) ContenderByID(ctx context.Context, id uint) (*models.Contender, error) {
	c, err := a.store.ContenderByID(ctx, id)
	if errors.Is(err, models.ErrNotFound) {
		return nil, ErrNoSuchContender
	}
	return c, err
}

// ContenderSlugs maps every contender's id to its slug, for admin pages
// that list votes.
func (a *Arena) ContenderSlugs(ctx context.Context) (map[uint]string, error) {
	cs, err := a.store.Contenders(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[uint]string, len(cs))
	for _, c := range cs {
		out[c.ID] = c.Slug
	}
	return out, nil
}
