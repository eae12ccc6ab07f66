package handlers_test

import (
	"bufio"
	"compress/gzip"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"openarena.dev/arena/handlers"
	"openarena.dev/arena/llm/llmtest"
)

// rawGet sends a GET asking for gzip itself, so that the transport hands
// back the bytes as sent instead of decompressing them.
func rawGet(t *testing.T, c *http.Client, url string, headers ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept-Encoding", "gzip")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

var cssAsset = regexp.MustCompile(`/static/[0-9a-f]+/app\.css`)

// TestCompression gets the battle page and its stylesheet gzipped with
// Vary: Accept-Encoding, and the same page plain for a client without gzip.
func TestCompression(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite", handlers.Config{})
	c := e.client()
	resp := rawGet(t, c, e.srv.URL+"/")
	if got := resp.Header.Get("Content-Encoding"); got != "gzip" {
		t.Fatalf("/ Content-Encoding = %q, want gzip", got)
	}
	if v := strings.Join(resp.Header.Values("Vary"), ","); !strings.Contains(v, "Accept-Encoding") {
		t.Errorf("/ Vary = %q, want Accept-Encoding", v)
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	page, err := io.ReadAll(zr)
	if err != nil || !strings.Contains(string(page), "<h1") {
		t.Fatalf("the gzipped page does not read back as the battle page: %v\n%.300s", err, page)
	}
	asset := cssAsset.FindString(string(page))
	if asset == "" {
		t.Fatal("the page links no app.css")
	}
	css := rawGet(t, c, e.srv.URL+asset)
	if css.StatusCode != 200 || css.Header.Get("Content-Encoding") != "gzip" || css.Header.Get("Content-Length") != "" {
		t.Errorf("%s: status %d, Content-Encoding %q, Content-Length %q; want gzip without the plain length",
			asset, css.StatusCode, css.Header.Get("Content-Encoding"), css.Header.Get("Content-Length"))
	}
	plain := e.do(c, "GET", "/", "", "", "Accept-Encoding", "identity")
	if plain.header.Get("Content-Encoding") != "" || !strings.Contains(plain.body, "<h1") {
		t.Errorf("without gzip: Content-Encoding %q, body %.200s", plain.header.Get("Content-Encoding"), plain.body)
	}
}

// TestStreamNotCompressed reads a live battle's event stream with gzip
// accepted: it comes plain, and its first event arrives while the models
// are still writing, not when the stream ends.
func TestStreamNotCompressed(t *testing.T) {
	t.Parallel()
	e := newLiveEnv(t, "sqlite")
	slow := llmtest.Behavior{Text: liveTextLeft, Delay: 10 * time.Millisecond}
	e.llm.Set("left", slow)
	e.llm.Set("right", slow)
	voter := e.client()
	id := e.startLive(voter, "Tell me about rivers.")
	start := time.Now()
	resp := rawGet(t, voter, e.srv.URL+"/api/v1/battles/"+id+"/stream", "Accept", "text/event-stream")
	if ct, ce := resp.Header.Get("Content-Type"), resp.Header.Get("Content-Encoding"); ct != "text/event-stream" || ce != "" {
		t.Fatalf("stream Content-Type %q, Content-Encoding %q; want text/event-stream, not encoded", ct, ce)
	}
	sc := bufio.NewScanner(resp.Body)
	var first time.Duration
	events := 0
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "event: ") {
			if events == 0 {
				first = time.Since(start)
			}
			events++
		}
	}
	total := time.Since(start)
	if events < 10 {
		t.Fatalf("%d events in the stream, want many", events)
	}
	if first > total/2 {
		t.Errorf("the first event came after %v of a %v stream: the stream is buffered", first, total)
	}
}
