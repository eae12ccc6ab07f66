package llmtest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"
)

// Message is one chat message as a client sent it. Content given as an array
// of parts is joined from its text parts.
type Message struct {
	Role    string
	Content string
}

// Request is what the server recorded about one chat-completions call.
type Request struct {
	Model         string
	Messages      []Message
	Stream        bool
	IncludeUsage  bool     // stream_options.include_usage
	MaxTokens     *int     // max_tokens or max_completion_tokens, if sent
	Temperature   *float64 // if sent
	Authorization string   // the Authorization header, verbatim
	// Body is the whole JSON body, for assertions on other fields.
	Body map[string]any
	// Header is the request's headers.
	Header http.Header
}

// Handler is the fake server's http.Handler, usable on any listener (a load
// test can serve it on a real port). Its methods are safe for concurrent use.
type Handler struct {
	mu      sync.Mutex
	def     Behavior
	byModel map[string]Behavior
	models  []string
	key     string
	reqs    []Request
	n       uint64
	gone    chan Request
	mux     *http.ServeMux
	created func() int64
}

// NewHandler returns a handler that answers every model with def unless
// told otherwise with Set.
func NewHandler(def Behavior) *Handler {
	h := &Handler{
		def:     def,
		byModel: map[string]Behavior{},
		gone:    make(chan Request, 1024),
		mux:     http.NewServeMux(),
		created: func() int64 { return time.Now().Unix() },
	}
	h.mux.HandleFunc("POST /v1/chat/completions", h.chat)
	h.mux.HandleFunc("GET /v1/models", h.listModels)
	h.mux.HandleFunc("GET /api/tags", h.ollamaTags)
	h.mux.HandleFunc("/", h.notFound)
	return h
}

// ServeHTTP serves POST /v1/chat/completions, GET /v1/models and GET
// /api/tags; anything else gets the API's 404 body.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

// Set scripts the answers for one model name, so one server can hold a well
// behaved and a failing contender side by side.
func (h *Handler) Set(model string, b Behavior) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.byModel[model] = b
}

// SetModels sets the names listed by /api/tags and /v1/models; by default
// those are the models given to Set, sorted.
func (h *Handler) SetModels(names ...string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.models = slices.Clone(names)
}

// RequireKey makes the server answer 401, as the API does, to requests
// without "Authorization: Bearer key". An empty key accepts anything.
func (h *Handler) RequireKey(key string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.key = key
}

// Requests returns a copy of every chat-completions request so far, in
// arrival order.
func (h *Handler) Requests() []Request {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.reqs)
}

// Disconnects delivers each request whose client went away before its
// answer was complete (cancelled, timed out), as soon as the server notices.
func (h *Handler) Disconnects() <-chan Request { return h.gone }

// Server is a running fake: an httptest.Server serving a Handler.
type Server struct {
	*httptest.Server
	*Handler
}

// New starts a server answering with def; Close it when done.
func New(def Behavior) *Server {
	h := NewHandler(def)
	return &Server{Server: httptest.NewServer(h), Handler: h}
}

// BaseURL is the API root to configure a client with: URL + "/v1".
func (s *Server) BaseURL() string { return s.URL + "/v1" }

// wireRequest is the part of the request body the server reads.
type wireRequest struct {
	Model    string `json:"model"`
	Messages []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	} `json:"messages"`
	Stream        bool `json:"stream"`
	StreamOptions *struct {
		IncludeUsage       *bool `json:"include_usage"`
		IncludeObfuscation *bool `json:"include_obfuscation"`
	} `json:"stream_options"`
	MaxTokens           *int     `json:"max_tokens"`
	MaxCompletionTokens *int     `json:"max_completion_tokens"`
	Temperature         *float64 `json:"temperature"`
}

func (h *Handler) chat(w http.ResponseWriter, r *http.Request) {
	var (
		raw  map[string]any
		wire wireRequest
	)
	dec := json.NewDecoder(r.Body)
	dec.UseNumber()
	err := dec.Decode(&raw)
	if err == nil {
		b, _ := json.Marshal(raw)
		err = json.Unmarshal(b, &wire)
	}
	rec := Request{
		Model: wire.Model, Stream: wire.Stream,
		MaxTokens: cmpOr(wire.MaxTokens, wire.MaxCompletionTokens), Temperature: wire.Temperature,
		Authorization: r.Header.Get("Authorization"), Body: raw, Header: r.Header.Clone(),
	}
	for _, m := range wire.Messages {
		rec.Messages = append(rec.Messages, Message{Role: m.Role, Content: contentText(m.Content)})
	}
	obfuscate := true
	if so := wire.StreamOptions; so != nil {
		rec.IncludeUsage = so.IncludeUsage != nil && *so.IncludeUsage
		obfuscate = so.IncludeObfuscation == nil || *so.IncludeObfuscation
	}

	h.mu.Lock()
	h.n++
	n := h.n
	h.reqs = append(h.reqs, rec)
	b, ok := h.byModel[wire.Model]
	if !ok {
		b = h.def
	}
	key := h.key
	h.mu.Unlock()

	switch {
	case key != "" && rec.Authorization != "Bearer "+key:
		writeError(w, errorBody(http.StatusUnauthorized, wire.Model, rec.Authorization, ""), http.StatusUnauthorized)
		return
	case err != nil:
		writeError(w, errorBody(http.StatusBadRequest, "", "", "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)"), http.StatusBadRequest)
		return
	case wire.Model == "":
		writeError(w, errorBody(http.StatusBadRequest, "", "", "you must provide a model parameter"), http.StatusBadRequest)
		return
	case len(wire.Messages) == 0:
		writeError(w, errorBody(http.StatusBadRequest, "", "", "[] is too short - 'messages'"), http.StatusBadRequest)
		return
	case b.Mode == Status:
		status := b.Status
		if status == 0 {
			status = http.StatusInternalServerError
		}
		writeError(w, errorBody(status, wire.Model, rec.Authorization, b.Message), status)
		return
	}
	a := &answer{
		h: h, w: w, r: r, rec: rec, b: b, n: n,
		rnd:       rand.New(rand.NewPCG(n, 1)),
		obfuscate: obfuscate,
		created:   h.created(),
	}
	if wire.Stream {
		a.stream()
	} else {
		a.whole()
	}
}

// contentText reads a message content given as a string or as parts.
func contentText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	_ = json.Unmarshal(raw, &parts)
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(p.Text)
	}
	return b.String()
}

// writeError sends an API error body; the API pretty-prints them.
func writeError(w http.ResponseWriter, body apiError, status int) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(marshalIndent(body, "    "), '\n'))
}

func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	writeError(w, errorBody(0, "", "", fmt.Sprintf("Invalid URL (%s %s)", r.Method, r.URL.Path)), http.StatusNotFound)
}

// listed returns the model names to list.
func (h *Handler) listed() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.models != nil {
		return slices.Clone(h.models)
	}
	names := make([]string, 0, len(h.byModel))
	for m := range h.byModel {
		names = append(names, m)
	}
	slices.Sort(names)
	return names
}

func (h *Handler) listModels(w http.ResponseWriter, _ *http.Request) {
	type model struct {
		ID      string `json:"id"`
		Object  string `json:"object"`
		Created int64  `json:"created"`
		OwnedBy string `json:"owned_by"`
	}
	out := struct {
		Object string  `json:"object"`
		Data   []model `json:"data"`
	}{Object: "list", Data: []model{}}
	for _, name := range h.listed() {
		out.Data = append(out.Data, model{ID: name, Object: "model", Created: h.created(), OwnedBy: "library"})
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(marshal(out))
}

// ollamaTags answers like Ollama's model list.
func (h *Handler) ollamaTags(w http.ResponseWriter, _ *http.Request) {
	type details struct {
		ParentModel       string   `json:"parent_model"`
		Format            string   `json:"format"`
		Family            string   `json:"family"`
		Families          []string `json:"families"`
		ParameterSize     string   `json:"parameter_size"`
		QuantizationLevel string   `json:"quantization_level"`
	}
	type model struct {
		Name       string  `json:"name"`
		Model      string  `json:"model"`
		ModifiedAt string  `json:"modified_at"`
		Size       int64   `json:"size"`
		Digest     string  `json:"digest"`
		Details    details `json:"details"`
	}
	out := struct {
		Models []model `json:"models"`
	}{Models: []model{}}
	for i, name := range h.listed() {
		family, _, _ := strings.Cut(name, ":")
		out.Models = append(out.Models, model{
			Name: name, Model: name, ModifiedAt: "2025-01-01T00:00:00.000000000Z",
			Size: 2019393189 + int64(i), Digest: fmt.Sprintf("%064x", i+1),
			Details: details{Format: "gguf", Family: family, Families: []string{family}, ParameterSize: "3.2B", QuantizationLevel: "Q4_K_M"},
		})
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(marshal(out))
}

func cmpOr[T any](a, b *T) *T {
	if a != nil {
		return a
	}
	return b
}
