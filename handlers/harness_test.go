package handlers_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/handlers"
	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// testContenders have names that appear nowhere else in a page, so finding
// one in a response before the vote is a real leak.
var testContenders = []models.Contender{
	{Slug: "zephyrion-7b", DisplayName: "Zephyrion 7B", Organization: "Quasarlabs", License: "apache-2.0", OpenWeights: true},
	{Slug: "borealis-70b", DisplayName: "Borealis 70B", Organization: "Nimbusworks", License: "proprietary"},
	{Slug: "cascadia-3", DisplayName: "Cascadia Three", Organization: "Fjordmind", License: "mit", OpenWeights: true},
}

// identityTerms are every name a contender goes by.
func identityTerms() []string {
	var out []string
	for _, c := range testContenders {
		out = append(out, c.Slug, c.DisplayName, c.Organization)
	}
	return out
}

type env struct {
	t     *testing.T
	store *models.Store
	arena *arena.Arena
	srv   *httptest.Server
	// transport is shared by the env's clients (nil: the default one).
	transport http.RoundTripper
}

// newEnv starts the real handlers on a real store of the dialect, with the
// test contenders and a bank of neutral answers.
func newEnv(t *testing.T, dialect string, cfg handlers.Config) *env {
	t.Helper()
	return newEnvOn(t, storetest.Open(t, dialect), cfg)
}

// newEnvOn is newEnv on a store the test opened itself.
func newEnvOn(t *testing.T, s *models.Store, cfg handlers.Config) *env {
	t.Helper()
	ctx := context.Background()
	if _, err := s.UpsertContenders(ctx, testContenders, nil); err != nil {
		t.Fatal(err)
	}
	var rows []models.BankRow
	for _, p := range []struct{ id, text string }{{"p-1", "What is 2+2?"}, {"p-2", "Name a **prime** number."}} {
		for i, c := range testContenders {
			rows = append(rows, models.BankRow{PromptID: p.id, Prompt: p.text, Model: c.Slug,
				Output: strings.Repeat("An answer. ", i+1) + "`code`"})
		}
	}
	if _, err := s.ImportBank(ctx, rows, nil); err != nil {
		t.Fatal(err)
	}
	return startEnv(t, s, cfg)
}

func startEnv(t *testing.T, s *models.Store, cfg handlers.Config) *env {
	t.Helper()
	if cfg.Secret == nil {
		cfg.Secret = []byte("test-secret-0123456789")
	}
	a := arena.New(s, arena.Options{})
	e, err := handlers.New(cfg, a, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return &env{t: t, store: s, arena: a, srv: srv, transport: keepAlive(t)}
}

// keepAlive is a transport that keeps enough idle connections for the
// concurrent tests: the default keeps two per host, so 64 voters at once
// would open (and leave in TIME_WAIT) a new connection for nearly every
// request, which costs more than the request itself.
func keepAlive(t *testing.T) *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns, tr.MaxIdleConnsPerHost = 256, 256
	t.Cleanup(tr.CloseIdleConnections)
	return tr
}

// client is one browser: its own cookie jar, no redirects followed.
func (e *env) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Transport: e.transport, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

type reply struct {
	status int
	header http.Header
	body   string
}

func (e *env) do(c *http.Client, method, path, contentType, body string, headers ...string) reply {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{resp.StatusCode, resp.Header, string(b)}
}

func (e *env) startBattle(c *http.Client) (reply, battleReply) {
	e.t.Helper()
	r := e.do(c, "POST", "/api/v1/battles", "application/json", "")
	var b battleReply
	if r.status == http.StatusCreated {
		if err := json.Unmarshal([]byte(r.body), &b); err != nil {
			e.t.Fatalf("battle JSON: %v in %s", err, r.body)
		}
	}
	return r, b
}

func (e *env) vote(c *http.Client, id, winner string) (reply, voteReply) {
	e.t.Helper()
	body, _ := json.Marshal(map[string]string{"winner": winner})
	r := e.do(c, "POST", "/api/v1/battles/"+id+"/vote", "application/json", string(body))
	var v voteReply
	if r.status == http.StatusOK {
		if err := json.Unmarshal([]byte(r.body), &v); err != nil {
			e.t.Fatalf("vote JSON: %v in %s", err, r.body)
		}
	}
	return r, v
}

type battleReply struct {
	ID     string `json:"id"`
	Prompt struct{ Text, HTML string }
	A, B   struct{ HTML string }
}

type side struct {
	Slug         string `json:"slug"`
	DisplayName  string `json:"display_name"`
	Organization string `json:"organization"`
}

type voteReply struct {
	Winner  string `json:"winner"`
	Counted bool   `json:"counted"`
	Reason  string `json:"reason"`
	ModelA  side   `json:"model_a"`
	ModelB  side   `json:"model_b"`
}

// assertBlind fails if any identity term is in the reply's headers or body.
func assertBlind(t *testing.T, what string, r reply) {
	t.Helper()
	var all strings.Builder
	for k, vs := range r.header {
		all.WriteString(k + ": " + strings.Join(vs, ",") + "\n")
	}
	all.WriteString(r.body)
	low := strings.ToLower(all.String())
	for _, term := range identityTerms() {
		if strings.Contains(low, strings.ToLower(term)) {
			t.Errorf("%s reveals %q before the vote", what, term)
		}
	}
}
