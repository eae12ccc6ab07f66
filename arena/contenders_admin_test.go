package arena_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/arena/fault"
	"openarena.dev/arena/arena/integrity"
	"openarena.dev/arena/llm/llmtest"
	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// auditOf returns the audit entries of an action, oldest first.
func auditOf(t *testing.T, a *arena.Arena, action string) []models.AuditEntry {
	t.Helper()
	es, _, err := a.AuditLog(context.Background(), models.AuditFilter{Action: action, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for i, j := 0, len(es)-1; i < j; i, j = i+1, j-1 {
		es[i], es[j] = es[j], es[i]
	}
	return es
}

// Bad input is refused with a reason and stores nothing, audits nothing.
func TestAddContenderValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		a := arena.New(s, arena.Options{})
		if _, err := a.AddContender(ctx, "alice", models.Contender{Slug: "taken", Weight: 1, Enabled: true}); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name string
			c    models.Contender
			want string
		}{
			{"empty slug", models.Contender{Weight: 1}, `"slug" is missing`},
			{"slug with space", models.Contender{Slug: "a b", Weight: 1}, "is not valid"},
			{"negative weight", models.Contender{Slug: "w", Weight: -1}, "sampling weight"},
			{"huge weight", models.Contender{Slug: "w", Weight: 1000}, "sampling weight"},
			{"long organization", models.Contender{Slug: "o", Weight: 1, Organization: strings.Repeat("x", 257)}, "256 characters"},
			{"unknown provider kind", models.Contender{Slug: "p", Weight: 1, Provider: models.Provider{Kind: "grpc", Model: "m"}}, `unknown provider kind "grpc"`},
			{"openai without URL", models.Contender{Slug: "p", Weight: 1, Provider: models.Provider{Kind: "openai", Model: "m"}}, "provider:"},
			{"typo in params", models.Contender{Slug: "p", Weight: 1, Provider: models.Provider{Kind: "demo", Model: "eliza", Params: map[string]any{"temprature": 1}}}, "temprature"},
			{"taken slug", models.Contender{Slug: "taken", Weight: 1}, "already exists"},
		}
		for _, tt := range tests {
			_, err := a.AddContender(ctx, "alice", tt.c)
			if !fault.Is(err, fault.Invalid) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%s: err = %v, want an invalid-input fault containing %q", tt.name, err, tt.want)
			}
		}
		cs, _ := s.Contenders(ctx)
		if len(cs) != 1 {
			t.Errorf("contenders after refused adds = %d, want 1", len(cs))
		}
		if n := len(auditOf(t, a, "contender.create")); n != 1 {
			t.Errorf("create audit entries = %d, want 1", n)
		}
	})
}

// Add, edit (metadata, provider, aliases, weight), disable and enable
// round-trip through the store, each with its audit row.
func TestContenderEditRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		a := arena.New(s, arena.Options{})
		added, err := a.AddContender(ctx, "alice", models.Contender{Slug: "nova-1", DisplayName: " Nova One ", Weight: 1, Enabled: true,
			Aliases: []string{" nova ", ""}})
		if err != nil {
			t.Fatal(err)
		}
		if added.DisplayName != "Nova One" || !cmp.Equal(added.Aliases, []string{"nova"}) {
			t.Errorf("added = %+v, want trimmed name and aliases", added)
		}
		edit := models.Contender{Slug: "ignored", DisplayName: "Nova One Pro", Organization: "Nova Labs", Country: "NZ",
			License: "apache-2.0", OpenWeights: true, Aliases: []string{"nova", "nova pro"}, Enabled: true, Weight: 0.25,
			Provider: models.Provider{Kind: "demo", Model: "eliza", Params: map[string]any{"pace_ms": float64(0)}}}
		if _, err := a.UpdateContender(ctx, "bob", "nova-1", edit); err != nil {
			t.Fatal(err)
		}
		got, err := s.ContenderBySlug(ctx, "nova-1")
		if err != nil {
			t.Fatal(err)
		}
		want := edit
		want.Slug, want.ID = "nova-1", added.ID
		if d := cmp.Diff(want, *got, cmpopts.IgnoreFields(models.Contender{}, "CreatedAt", "UpdatedAt")); d != "" {
			t.Errorf("after edit (-want +got):\n%s", d)
		}
		// Weight 0 and disabled are written, not skipped as zero values.
		if _, err := a.SetContenderEnabled(ctx, "bob", "nova-1", false); err != nil {
			t.Fatal(err)
		}
		edit.Weight, edit.Enabled = 0, false
		if _, err := a.UpdateContender(ctx, "bob", "nova-1", edit); err != nil {
			t.Fatal(err)
		}
		got, _ = s.ContenderBySlug(ctx, "nova-1")
		if got.Weight != 0 || got.Enabled {
			t.Errorf("weight %v enabled %v, want 0 and false", got.Weight, got.Enabled)
		}
		if _, err := a.SetContenderEnabled(ctx, "bob", "nova-1", true); err != nil {
			t.Fatal(err)
		}
		if got, _ = s.ContenderBySlug(ctx, "nova-1"); !got.Enabled {
			t.Error("not enabled again")
		}

		ups := auditOf(t, a, "contender.update")
		if len(ups) != 2 || ups[0].Actor != "bob" || ups[0].Target != "contender:nova-1" {
			t.Fatalf("update audit = %+v", ups)
		}
		var before, after models.Contender
		if err := json.Unmarshal([]byte(ups[0].Before), &before); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(ups[0].After), &after); err != nil {
			t.Fatal(err)
		}
		if before.DisplayName != "Nova One" || after.DisplayName != "Nova One Pro" || after.Weight != 0.25 || after.Provider.Model != "eliza" {
			t.Errorf("audit before %+v after %+v", before, after)
		}
		dis, en := auditOf(t, a, "contender.disable"), auditOf(t, a, "contender.enable")
		if len(dis) != 1 || dis[0].Before != `{"enabled":true}` || dis[0].After != `{"enabled":false}` || len(en) != 1 {
			t.Errorf("enable/disable audit: %+v %+v", dis, en)
		}
		if _, err := a.UpdateContender(ctx, "bob", "nobody", edit); !errors.Is(err, arena.ErrNoSuchContender) {
			t.Errorf("editing an unknown slug: err = %v", err)
		}
	})
}

// A disabled contender is never sampled; enabling it again brings it back.
func TestDisabledContenderNeverSampled(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		seedBank(t, s, "one", "two", "three")
		a := arena.New(s, arena.Options{BankRefresh: 1})
		if _, err := a.SetContenderEnabled(ctx, "admin", "two", false); err != nil {
			t.Fatal(err)
		}
		seen := map[string]int{}
		for i := range 60 {
			b, err := a.StartBankBattle(ctx, fmt.Sprintf("v%d", i))
			if err != nil {
				t.Fatal(err)
			}
			seen[b.ContenderA.Slug]++
			seen[b.ContenderB.Slug]++
		}
		if seen["two"] != 0 || seen["one"] != 60 || seen["three"] != 60 {
			t.Errorf("sampled %v with two disabled", seen)
		}
		if _, err := a.SetContenderEnabled(ctx, "admin", "two", true); err != nil {
			t.Fatal(err)
		}
		for i := range 60 {
			b, err := a.StartBankBattle(ctx, fmt.Sprintf("w%d", i))
			if err != nil {
				t.Fatal(err)
			}
			seen[b.ContenderA.Slug]++
			seen[b.ContenderB.Slug]++
		}
		if seen["two"] == 0 {
			t.Error("two never sampled after enabling")
		}
	})
}

// The test button reaches the provider through llm: an answer, a server
// error, and a contender without a provider.
func TestTestProvider(t *testing.T) {
	srv := llmtest.New(llmtest.Behavior{Text: "Yes, I am working."})
	t.Cleanup(srv.Close)
	srv.Handler.Set("broken", llmtest.Behavior{Mode: llmtest.Status, Status: 503})
	s := storetest.Open(t, "sqlite")
	ctx := context.Background()
	a := arena.New(s, arena.Options{})
	for _, c := range []models.Contender{
		{Slug: "good", Weight: 1, Enabled: true, Provider: models.Provider{Kind: "openai", BaseURL: srv.BaseURL(), Model: "good"}},
		{Slug: "bad", Weight: 1, Enabled: true, Provider: models.Provider{Kind: "openai", BaseURL: srv.BaseURL(), Model: "broken"}},
		{Slug: "bank-only", Weight: 1, Enabled: true},
	} {
		if _, err := a.AddContender(ctx, "alice", c); err != nil {
			t.Fatal(err)
		}
	}
	res, err := a.TestProvider(ctx, "alice", "good")
	if err != nil || res.Err != "" || res.Answer != "Yes, I am working." {
		t.Errorf("good provider: %+v, %v", res, err)
	}
	res, err = a.TestProvider(ctx, "alice", "bad")
	if err != nil || res.Err == "" || res.Answer != "" {
		t.Errorf("broken provider: %+v, %v; want the error reported", res, err)
	}
	if _, err := a.TestProvider(ctx, "alice", "bank-only"); !fault.Is(err, fault.Invalid) {
		t.Errorf("no provider: err = %v, want an invalid-input fault", err)
	}
	tests := auditOf(t, a, "contender.test")
	if len(tests) != 2 || !strings.Contains(tests[0].After, `"ok":true`) || !strings.Contains(tests[1].After, `"ok":false`) {
		t.Errorf("test audit = %+v", tests)
	}
	if reqs := srv.Handler.Requests(); len(reqs) != 2 {
		t.Errorf("provider requests = %d, want 2", len(reqs))
	}
}

// The record counts battles, live failures, votes and latencies per side.
func TestContenderStats(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		votes := []integrity.RiskVote{}
		for k := range 4 {
			votes = append(votes, integrity.RiskVote{Voter: k, Address: k, ReadSeconds: 10, At: float64(k)})
			votes[k].A, votes[k].B, votes[k].Result = 0, 1+k%2, 1
		}
		storeVotes(t, s, votes, 3)
		a := arena.New(s, arena.Options{})
		c0, _ := s.ContenderBySlug(ctx, "c0")
		c1, _ := s.ContenderBySlug(ctx, "c1")
		pids, _ := s.BankPromptIDs(ctx)
		for i, st := range []string{models.StateVoid, models.StateReady} {
			b := &models.Battle{ID: fmt.Sprintf("live%d", i), PromptID: pids[0], ContenderAID: c1.ID, ContenderBID: c0.ID,
				VoterID: "x", Mode: models.ModeLive, State: st}
			if st == models.StateVoid {
				b.VoidReason = "the model server answered 503"
			}
			if err := s.CreateBattle(ctx, b); err != nil {
				t.Fatal(err)
			}
		}
		lines, err := a.ContenderLines(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]models.ContenderStat{}
		for _, l := range lines {
			got[l.Slug] = l.Stat
		}
		want := map[string]models.ContenderStat{
			"c0": {Battles: 6, Live: 2, Failed: 1, Votes: 4, Rated: 4},
			"c1": {Battles: 4, Live: 2, Failed: 1, Votes: 2, Rated: 2},
			"c2": {Battles: 2, Votes: 2, Rated: 2},
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("stats (-want +got):\n%s", d)
		}
		if r := got["c0"].FailureRate(); r != 0.5 {
			t.Errorf("failure rate %v, want 0.5", r)
		}
		d, err := a.ContenderDetail(ctx, "c2")
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Battles) != 2 || d.Battles[0].OpponentSlug != "c0" || d.Battles[0].Side != "B" || d.Battles[0].Winner != models.WinnerA {
			t.Errorf("c2 battles = %+v", d.Battles)
		}
	})
}

// The provider test reads the contender's API key through Options.Getenv,
// so the command's environment is the only one consulted.
func TestTestProviderKeyThroughGetenv(t *testing.T) {
	srv := llmtest.New(llmtest.Behavior{Text: "Yes, I am working."})
	t.Cleanup(srv.Close)
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string
	}{
		{name: "key set", env: map[string]string{"ARENA_TEST_PROVIDER_KEY": "sk-test"}},
		{name: "key missing", wantErr: "ARENA_TEST_PROVIDER_KEY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			a := arena.New(storetest.Open(t, "sqlite"), arena.Options{Getenv: func(k string) string { return tt.env[k] }})
			c := models.Contender{Slug: "keyed", Weight: 1, Enabled: true, Provider: models.Provider{
				Kind: "openai", BaseURL: srv.BaseURL(), Model: "keyed", APIKeyEnv: "ARENA_TEST_PROVIDER_KEY"}}
			if _, err := a.AddContender(ctx, "alice", c); err != nil {
				t.Fatal(err)
			}
			res, err := a.TestProvider(ctx, "alice", "keyed")
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantErr == "" && res.Err != "" || tt.wantErr != "" && !strings.Contains(res.Err, tt.wantErr) {
				t.Errorf("result error %q, want %q", res.Err, tt.wantErr)
			}
		})
	}
	reqs := srv.Handler.Requests()
	if len(reqs) != 1 || reqs[0].Authorization != "Bearer sk-test" {
		t.Errorf("provider requests = %+v, want one with the key from Getenv", reqs)
	}
}
