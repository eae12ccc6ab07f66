package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeLive hands out live battles bound to a cookie and streams a fixed
// answer on each side; every third battle fails with an error event.
type fakeLive struct {
	mu     sync.Mutex
	owner  map[string]string
	nextID int
	answer string
}

func (f *fakeLive) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/api/v1/battles":
		var body struct{ Prompt string }
		if json.NewDecoder(r.Body).Decode(&body) != nil || body.Prompt == "" {
			http.Error(w, `{"error":"a prompt was expected"}`, http.StatusBadRequest)
			return
		}
		if _, err := r.Cookie("arena_voter"); err == nil {
			http.Error(w, `{"error":"a fresh voter was expected"}`, http.StatusBadRequest)
			return
		}
		f.mu.Lock()
		f.nextID++
		id, voter := fmt.Sprintf("b%d", f.nextID), fmt.Sprintf("v%d", f.nextID)
		f.owner[id] = voter
		f.mu.Unlock()
		http.SetCookie(w, &http.Cookie{Name: "arena_voter", Value: voter})
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(map[string]string{"id": id, "mode": "live", "stream": "/api/v1/battles/" + id + "/stream"})
	case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/stream"):
		id := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/api/v1/battles/"), "/stream")
		c, err := r.Cookie("arena_voter")
		f.mu.Lock()
		ok := err == nil && f.owner[id] == c.Value
		f.mu.Unlock()
		if !ok {
			http.Error(w, `{"error":"no such battle"}`, http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		ev := func(kind, side, text string) {
			data, _ := json.Marshal(map[string]string{"side": side, "text": text})
			fmt.Fprintf(w, "event: %s\ndata: %s\n\n", kind, data)
			w.(http.Flusher).Flush()
		}
		var num int
		fmt.Sscanf(id, "b%d", &num)
		if num%3 == 0 {
			ev("error", "", "One of the answers failed (timeout). This battle is void.")
			return
		}
		for i := 0; i < len(f.answer); i += 4 {
			end := min(i+4, len(f.answer))
			ev("delta", "a", f.answer[i:end])
			ev("delta", "b", f.answer[i:end])
		}
		ev("done", "a", "")
		ev("done", "b", "")
	default:
		http.NotFound(w, r)
	}
}

func TestLiveModeCountsBattlesAndFailures(t *testing.T) {
	f := &fakeLive{owner: map[string]string{}, answer: "Once upon a time there was a cat."}
	srv := httptest.NewServer(f)
	defer srv.Close()
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"-url", srv.URL, "-mode", "live", "-clients", "1,3", "-duration", "300ms", "-stop-errors", "1", "-json"}, &out, &errOut)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, errOut.String())
	}
	rs, err := readLiveResults(&out)
	if err != nil || len(rs) != 2 {
		t.Fatalf("results %v, %v:\n%s", rs, err, out.String())
	}
	total := 0
	for _, r := range rs {
		total += r.Battles + r.Errors
		if r.Battles == 0 || r.Errors != r.ErrorKinds["void"] || r.TTFDP50MS <= 0 || r.TotalP99MS < r.TTFDP50MS || r.PeakOpen > r.Clients {
			t.Errorf("unexpected result %+v", r)
		}
	}
	if total != f.nextID {
		t.Errorf("results count %d battles, the server started %d", total, f.nextID)
	}
	if void := rs[0].Errors + rs[1].Errors; void != f.nextID/3 {
		t.Errorf("%d battles counted void, want %d", void, f.nextID/3)
	}
}

func TestLiveModeStopsAfterAFailingLevel(t *testing.T) {
	f := &fakeLive{owner: map[string]string{}, answer: "Hi."}
	srv := httptest.NewServer(f)
	defer srv.Close()
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"-url", srv.URL, "-mode", "live", "-clients", "2,4", "-duration", "200ms"}, &out, &errOut)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "stopping: at 2 clients") || strings.Contains(out.String(), "| 4 |") {
		t.Errorf("a level with a third of its battles void should end the run:\n%s", out.String())
	}
}

func TestFakeLLMStreamsAndCounts(t *testing.T) {
	if _, err := startFakeLLM("10.1.2.3:18090", 5, 0); err == nil {
		t.Fatal("a non-loopback address was accepted")
	}
	f, err := startFakeLLM("127.0.0.1:0", 5, time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer f.close()
	body := `{"model":"m1","stream":true,"messages":[{"role":"user","content":"hi"}]}`
	resp, err := http.Post("http://"+f.addr+"/v1/chat/completions", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		var c struct {
			Choices []struct{ Delta struct{ Content string } }
		}
		if line, ok := strings.CutPrefix(sc.Text(), "data: "); ok && json.Unmarshal([]byte(line), &c) == nil && len(c.Choices) > 0 {
			text.WriteString(c.Choices[0].Delta.Content)
		}
	}
	resp.Body.Close()
	if text.String() != f.answer || f.answer != " a the cat sat on" {
		t.Errorf("streamed %q, answer %q", text.String(), f.answer)
	}
	if left := f.waitIdle(context.Background(), time.Second); left != 0 || f.served.Load() != 1 || f.peak.Load() != 1 || f.conns.Load() != 1 {
		t.Errorf("left %d, served %d, peak %d, connections %d", left, f.served.Load(), f.peak.Load(), f.conns.Load())
	}
}
