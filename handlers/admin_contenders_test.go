package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"openarena.dev/arena/handlers"
	"openarena.dev/arena/llm/llmtest"
	"openarena.dev/arena/models"
)

// contenderForm is a complete add/edit form; fields override it.
func contenderForm(fields ...string) string {
	v := url.Values{"display_name": {"Nova One"}, "organization": {"Nova Labs"}, "country": {"NZ"},
		"license": {"mit"}, "open_weights": {"true"}, "enabled": {"true"}, "aliases": {"nova\r\nnova-one"},
		"weight": {"1"}, "provider_kind": {""}}
	for i := 0; i+1 < len(fields); i += 2 {
		v.Set(fields[i], fields[i+1])
	}
	return v.Encode()
}

func TestAdminContendersPages(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d string) {
		e := newEnv(t, d, handlers.Config{})
		ctx := context.Background()
		admin := signInAdmin(t, e)
		if r := e.do(e.client(), "GET", "/admin/contenders", "", ""); r.status == http.StatusOK {
			t.Fatal("a voter sees the contenders page")
		}
		if r := e.do(e.client(), "POST", "/admin/contenders", formType, contenderForm("slug", "sneaky"), "Sec-Fetch-Site", "same-origin"); r.status == http.StatusSeeOther || r.status == http.StatusOK {
			t.Fatalf("a voter added a contender: %d", r.status)
		}
		list := e.do(admin, "GET", "/admin/contenders", "", "")
		if list.status != http.StatusOK || !strings.Contains(list.body, "zephyrion-7b") || !strings.Contains(list.body, "Quasarlabs") {
			t.Fatalf("list = %d", list.status)
		}

		// Refused forms change nothing and say why.
		refusals := []struct{ form, want string }{
			{contenderForm("slug", "has space"), "is not valid"},
			{contenderForm("slug", "nova-1", "weight", "lots"), "must be a number"},
			{contenderForm("slug", "nova-1", "weight", "-2"), "sampling weight"},
			{contenderForm("slug", "nova-1", "provider_kind", "openai", "provider_model", "m"), "provider:"},
			{contenderForm("slug", "nova-1", "provider_kind", "demo", "provider_model", "eliza", "provider_params", "{temperature"), "JSON object"},
			{contenderForm("slug", "zephyrion-7b"), "already exists"},
		}
		for _, rf := range refusals {
			r := e.do(admin, "POST", "/admin/contenders", formType, rf.form)
			if r.status != http.StatusBadRequest || !strings.Contains(r.body, rf.want) {
				t.Errorf("POST %s = %d, want 400 with %q", rf.form, r.status, rf.want)
			}
		}
		if cs, _ := e.store.Contenders(ctx); len(cs) != len(testContenders) {
			t.Fatalf("contenders after refused forms = %d", len(cs))
		}

		r := e.do(admin, "POST", "/admin/contenders", formType, contenderForm("slug", "nova-1"))
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/admin/contenders/") {
			t.Fatalf("add = %d %s", r.status, r.header.Get("Location"))
		}
		page := strings.TrimSuffix(r.header.Get("Location"), "?done=created")
		if got := e.do(admin, "GET", r.header.Get("Location"), "", ""); got.status != http.StatusOK || !strings.Contains(got.body, "Added the contender.") {
			t.Fatalf("contender page = %d", got.status)
		}
		c, err := e.store.ContenderBySlug(ctx, "nova-1")
		if err != nil || c.DisplayName != "Nova One" || len(c.Aliases) != 2 || !c.OpenWeights || c.Weight != 1 {
			t.Fatalf("stored %+v, %v", c, err)
		}

		// Edit: weight, provider, metadata; a bad edit comes back with what was typed.
		if r := e.do(admin, "POST", page, formType, contenderForm("weight", "abc", "display_name", "Typed Name")); r.status != http.StatusBadRequest ||
			!strings.Contains(r.body, "Typed Name") || !strings.Contains(r.body, "must be a number") {
			t.Errorf("bad edit = %d", r.status)
		}
		r = e.do(admin, "POST", page, formType, contenderForm("display_name", "Nova Prime", "weight", "0.5",
			"provider_kind", "demo", "provider_model", "eliza", "provider_params", `{"pace_ms": 0}`))
		if r.status != http.StatusSeeOther {
			t.Fatalf("edit = %d %s", r.status, r.body)
		}
		c, _ = e.store.ContenderBySlug(ctx, "nova-1")
		if c.DisplayName != "Nova Prime" || c.Weight != 0.5 || c.Provider.Kind != "demo" || c.Provider.Params["pace_ms"] != float64(0) {
			t.Errorf("after edit %+v", c)
		}
		es, _, _ := e.arena.AuditLog(ctx, models.AuditFilter{Target: "contender:nova-1"})
		actions := map[string]bool{}
		for _, en := range es {
			actions[en.Action] = true
		}
		if !actions["contender.create"] || !actions["contender.update"] {
			t.Errorf("audit actions %v", actions)
		}

		if r := e.do(admin, "POST", page+"/enabled", formType, "enabled=maybe"); r.status != http.StatusBadRequest {
			t.Errorf("enabled=maybe = %d", r.status)
		}
		if r := e.do(admin, "GET", "/admin/contenders/99999", "", ""); r.status != http.StatusNotFound {
			t.Errorf("unknown contender = %d", r.status)
		}

		var api struct {
			Contenders []struct {
				Slug    string  `json:"slug"`
				Weight  float64 `json:"weight"`
				Battles int     `json:"battles"`
			} `json:"contenders"`
		}
		jr := e.do(admin, "GET", "/api/v1/admin/contenders", "", "")
		if err := json.Unmarshal([]byte(jr.body), &api); err != nil || len(api.Contenders) != 4 {
			t.Errorf("API = %d %s", jr.status, jr.body)
		}
	})
}

// Disabling a contender from its page keeps it out of every new battle.
func TestAdminDisableContenderStopsSampling(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d string) {
		e := newEnv(t, d, handlers.Config{})
		admin := signInAdmin(t, e)
		c, err := e.store.ContenderBySlug(context.Background(), "borealis-70b")
		if err != nil {
			t.Fatal(err)
		}
		r := e.do(admin, "POST", fmt.Sprintf("/admin/contenders/%d/enabled", c.ID), formType, "enabled=false")
		if r.status != http.StatusSeeOther {
			t.Fatalf("disable = %d %s", r.status, r.body)
		}
		for i := range 12 {
			voter := e.client()
			rb, b := e.startBattle(voter)
			if rb.status != http.StatusCreated {
				t.Fatalf("battle %d = %d %s", i, rb.status, rb.body)
			}
			_, v := e.vote(voter, b.ID, models.WinnerTie)
			if v.ModelA.Slug == "borealis-70b" || v.ModelB.Slug == "borealis-70b" || v.ModelA.Slug == "" {
				t.Fatalf("battle %d revealed %q and %q with borealis disabled", i, v.ModelA.Slug, v.ModelB.Slug)
			}
		}
		if page := e.do(admin, "GET", fmt.Sprintf("/admin/contenders/%d", c.ID), "", ""); !strings.Contains(page.body, `id="enable-contender"`) {
			t.Error("page of a disabled contender offers no enable button")
		}
	})
}

// The test button shows the provider's answer, or its error.
func TestAdminTestProvider(t *testing.T) {
	t.Parallel()
	fake := llmtest.New(llmtest.Behavior{Text: "Yes, working fine."})
	t.Cleanup(fake.Close)
	fake.Handler.Set("down", llmtest.Behavior{Mode: llmtest.Status, Status: 503})
	e := newEnv(t, "sqlite", handlers.Config{})
	admin := signInAdmin(t, e)
	for _, m := range []string{"up", "down"} {
		r := e.do(admin, "POST", "/admin/contenders", formType, contenderForm("slug", "live-"+m, "provider_kind", "openai",
			"provider_base_url", fake.BaseURL(), "provider_model", m))
		if r.status != http.StatusSeeOther {
			t.Fatalf("add live-%s = %d %s", m, r.status, r.body)
		}
		page := strings.TrimSuffix(r.header.Get("Location"), "?done=created")
		got := e.do(admin, "POST", page+"/test", formType, "")
		switch {
		case got.status != http.StatusOK:
			t.Errorf("test %s = %d %s", m, got.status, got.body)
		case m == "up" && !strings.Contains(got.body, "Yes, working fine."):
			t.Error("the answer is not shown")
		case m == "down" && !strings.Contains(got.body, "The provider failed"):
			t.Error("the failure is not shown")
		}
	}
	c, _ := e.store.ContenderBySlug(context.Background(), "zephyrion-7b")
	if r := e.do(admin, "POST", fmt.Sprintf("/admin/contenders/%d/test", c.ID), formType, ""); r.status != http.StatusBadRequest || !strings.Contains(r.body, "has no provider") {
		t.Errorf("test of a bank-only contender = %d", r.status)
	}
}
