package handlers_test

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/handlers"
	"openarena.dev/arena/models"
)

// postForm posts a form as a browser on the same site does.
func (e *env) postForm(c *http.Client, path string, form url.Values) reply {
	e.t.Helper()
	return e.do(c, "POST", path, formType, form.Encode(), "Sec-Fetch-Site", "same-origin")
}

// battleIDOf is the battle a 303 leads to.
func battleIDOf(t *testing.T, r reply) string {
	t.Helper()
	loc := r.header.Get("Location")
	id := strings.TrimPrefix(loc, "/battles/")
	if r.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/battles/") || len(id) != 32 {
		t.Fatalf("reply = %d, Location %q; want 303 to /battles/{id}\n%s", r.status, loc, r.body)
	}
	return id
}

// TestComparePageAndForm checks the choices, the refusals that come back
// on the form with the typed prompt kept, and a side-by-side battle from
// the form to the reveal: names from the start, the vote not counted.
func TestComparePageAndForm(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d string) {
		e := newLiveEnv(t, d)
		c := e.client()
		page := e.do(c, "GET", "/compare", "", "")
		for _, want := range []string{`href="/compare"`, `<select id="model-a" name="a" required>`, `<select id="model-b" name="b" required>`,
			`<option value="zephyrion-7b">Zephyrion 7B (Quasarlabs)</option>`, `<option value="borealis-70b">Borealis 70B (Nimbusworks)</option>`} {
			if !strings.Contains(page.body, want) {
				t.Errorf("GET /compare lacks %s", want)
			}
		}
		if page.status != http.StatusOK || strings.Count(page.body, `<option value="zephyrion-7b"`) != 2 {
			t.Errorf("GET /compare = %d; want each model in both lists", page.status)
		}

		typed := "Compare <b>rivers</b> & lakes"
		tests := []struct {
			name, a, b, prompt string
			status             int
			msg                string
		}{
			{"same model twice", "zephyrion-7b", "zephyrion-7b", typed, http.StatusBadRequest, "Pick two different models to compare."},
			{"unknown model", "zephyrion-7b", "nonexistent-1b", typed, http.StatusBadRequest, `There is no model "nonexistent-1b" available for side-by-side`},
			{"no model", "", "borealis-70b", typed, http.StatusBadRequest, "Pick a model for each side."},
			{"empty prompt", "zephyrion-7b", "borealis-70b", "", http.StatusBadRequest, ""},
		}
		for _, tt := range tests {
			r := e.postForm(c, "/compare", url.Values{"a": {tt.a}, "b": {tt.b}, "prompt": {tt.prompt}})
			if r.status != tt.status || !strings.Contains(r.body, `id="compare-error" role="alert"`) ||
				!strings.Contains(r.body, html.EscapeString(tt.msg)) {
				t.Errorf("%s: POST /compare = %d; want %d with %q on the form\n%s", tt.name, r.status, tt.status, tt.msg, r.body)
			}
			if tt.prompt != "" && !strings.Contains(r.body, ">"+html.EscapeString(tt.prompt)+"</textarea>") {
				t.Errorf("%s: the typed prompt is not kept", tt.name)
			}
			if tt.a != "" && !strings.Contains(r.body, `<option value="`+tt.a+`" selected>`) {
				t.Errorf("%s: the choice %s is not kept", tt.name, tt.a)
			}
		}

		id := battleIDOf(t, e.postForm(c, "/compare", url.Values{"a": {"borealis-70b"}, "b": {"zephyrion-7b"}, "prompt": {"Tell me about rivers."}}))
		before := e.do(c, "GET", "/battles/"+id, "", "")
		ia, ib := strings.Index(before.body, "Borealis 70B"), strings.Index(before.body, "Zephyrion 7B")
		if before.status != http.StatusOK || ia < 0 || ib < ia || !strings.Contains(before.body, `data-stream="/api/v1/battles/`+id+`/stream"`) {
			t.Fatalf("named battle page = %d; want Borealis on the left, Zephyrion on the right, streaming\n%s", before.status, before.body)
		}
		_, evs := e.stream(c, id)
		if a, b, done, errs := joined(evs); a == "" || b == "" || done != 2 || len(errs) > 0 {
			t.Fatalf("stream: A %q B %q done %d errors %v", a, b, done, errs)
		}
		if r, v := e.vote(c, id, models.WinnerA); r.status != http.StatusOK || v.Counted || v.Reason != arena.NamedVoteReason || v.ModelA.Slug != "borealis-70b" {
			t.Fatalf("vote = %d %+v; want stored, not counted, with the side-by-side reason", r.status, v)
		}
		reveal := e.do(c, "GET", "/battles/"+id, "", "")
		if !strings.Contains(reveal.body, "Your vote was stored but not counted. "+html.EscapeString(arena.NamedVoteReason)) ||
			!strings.Contains(reveal.body, `action="/battles/`+id+`/continue"`) {
			t.Errorf("named reveal does not say the vote was not counted, or offers no way on:\n%s", reveal.body)
		}
	})
}

// TestCompareAPI checks the JSON endpoint: 4xx JSON refusals, and a start
// that names both models.
func TestCompareAPI(t *testing.T) {
	t.Parallel()
	e := newLiveEnv(t, "sqlite")
	c := e.client()
	tests := []struct {
		name, body string
		status     int
		msg        string
	}{
		{"same model", `{"a":"zephyrion-7b","b":"zephyrion-7b","prompt":"Hi"}`, http.StatusBadRequest, "two different models"},
		{"unknown model", `{"a":"zephyrion-7b","b":"nope","prompt":"Hi"}`, http.StatusBadRequest, `"nope"`},
		{"no prompt", `{"a":"zephyrion-7b","b":"borealis-70b"}`, http.StatusBadRequest, `"prompt"`},
		{"not JSON", `a=b`, http.StatusBadRequest, "JSON object"},
		{"unknown field", `{"a":"zephyrion-7b","b":"borealis-70b","prompt":"Hi","mode":"x"}`, http.StatusBadRequest, "JSON object"},
	}
	for _, tt := range tests {
		r := e.do(c, "POST", "/api/v1/compare", "application/json", tt.body)
		var got struct{ Error string }
		if r.status != tt.status || json.Unmarshal([]byte(r.body), &got) != nil || !strings.Contains(got.Error, tt.msg) {
			t.Errorf("%s: %d %s; want %d JSON error with %q", tt.name, r.status, r.body, tt.status, tt.msg)
		}
	}
	r := e.do(c, "POST", "/api/v1/compare", "application/json", `{"a":"zephyrion-7b","b":"borealis-70b","prompt":"Hi there"}`)
	var out struct {
		ID, Mode, Stream string
		ModelA           side `json:"model_a"`
		ModelB           side `json:"model_b"`
	}
	if r.status != http.StatusCreated || json.Unmarshal([]byte(r.body), &out) != nil || out.Mode != models.ModeNamed ||
		out.Stream != "/api/v1/battles/"+out.ID+"/stream" || out.ModelA.Slug != "zephyrion-7b" || out.ModelB.Slug != "borealis-70b" {
		t.Errorf("start = %d %s", r.status, r.body)
	}

	// Without two live models there is nothing to compare.
	bank := newEnv(t, "sqlite", handlers.Config{})
	bc := bank.client()
	if p := bank.do(bc, "GET", "/compare", "", ""); p.status != http.StatusOK ||
		!strings.Contains(p.body, "Side-by-side needs at least two models with a live backend.") || strings.Contains(p.body, "<select") {
		t.Errorf("GET /compare without live models = %d\n%s", p.status, p.body)
	}
	r = bank.do(bc, "POST", "/api/v1/compare", "application/json", `{"a":"zephyrion-7b","b":"borealis-70b","prompt":"Hi"}`)
	if r.status != http.StatusConflict || !strings.Contains(r.body, "side-by-side needs at least two models with a live backend") {
		t.Errorf("API without live models = %d %s", r.status, r.body)
	}
}

// TestContinueAfterVoteHandlers keeps talking after a blind live vote,
// through the reveal page's form and the API, and checks who may.
func TestContinueAfterVoteHandlers(t *testing.T) {
	t.Parallel()
	e := newLiveEnv(t, "sqlite")
	c := e.client()
	id := e.startLive(c, "Tell me about rivers.")
	r := e.do(c, "POST", "/api/v1/battles/"+id+"/continue", "application/json", `{"prompt":"More?"}`)
	if r.status != http.StatusConflict || !strings.Contains(r.body, "vote on this battle first") {
		t.Errorf("continue before the vote = %d %s; want 409", r.status, r.body)
	}
	e.stream(c, id)
	if r, v := e.vote(c, id, models.WinnerB); r.status != http.StatusOK || !v.Counted {
		t.Fatalf("blind vote = %d %+v", r.status, v)
	}
	reveal := e.do(c, "GET", "/battles/"+id, "", "")
	if !strings.Contains(reveal.body, "Keep talking to these two models (not counted)") || !strings.Contains(reveal.body, `action="/battles/`+id+`/continue"`) {
		t.Errorf("the live reveal offers no way to keep talking:\n%s", reveal.body)
	}
	other := e.client()
	if r := e.postForm(other, "/battles/"+id+"/continue", url.Values{"prompt": {"Mine now"}}); r.status != http.StatusNotFound {
		t.Errorf("another browser continuing = %d, want 404", r.status)
	}
	nid := battleIDOf(t, e.postForm(c, "/battles/"+id+"/continue", url.Values{"prompt": {"And lakes?"}}))
	page := e.do(c, "GET", "/battles/"+nid, "", "")
	if !strings.Contains(page.body, "Side by side:") || !strings.Contains(page.body, "Tell me about rivers.") ||
		!strings.Contains(page.body, "And lakes?") || !strings.Contains(page.body, `data-stream="/api/v1/battles/`+nid+`/stream"`) {
		t.Errorf("continued battle page lacks the names, the earlier turn or the stream:\n%s", page.body)
	}
	if v, err := e.store.Vote(t.Context(), id); err != nil || v.Winner != models.WinnerB || !v.Counted {
		t.Errorf("original vote = %+v, %v; want untouched", v, err)
	}
	r = e.do(c, "POST", "/api/v1/battles/"+id+"/continue", "application/json", `{"prompt":"Once more"}`)
	var out struct{ ID, Mode string }
	if r.status != http.StatusCreated || json.Unmarshal([]byte(r.body), &out) != nil || out.Mode != models.ModeNamed || out.ID == nid {
		t.Errorf("API continue = %d %s", r.status, r.body)
	}
}

// TestAdminExportNamedChoice checks the export page's side-by-side box: off
// by default, and when ticked carried into the download link.
func TestAdminExportNamedChoice(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite", handlers.Config{})
	admin := signInAdmin(t, e)
	def := e.do(admin, "GET", "/admin/export", "", "")
	if !strings.Contains(def.body, `<input type="checkbox" name="named" value="include" id="export-named">`) ||
		!strings.Contains(def.body, `href="/admin/export/battles.json"`) {
		t.Errorf("default export page: the side-by-side box is not there unticked\n%s", def.body)
	}
	on := e.do(admin, "GET", "/admin/export?named=include&served_bank=include", "", "")
	if !strings.Contains(on.body, `id="export-named" checked>`) ||
		!strings.Contains(on.body, `href="/admin/export/battles.json?served_bank=include&amp;named=include"`) ||
		!strings.Contains(on.body, `href="/admin/export?named=include"`) {
		t.Errorf("export page with side-by-side battles: box or links do not carry the choice\n%s", on.body)
	}
}
