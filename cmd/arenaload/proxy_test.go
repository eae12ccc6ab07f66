package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// refusedAddr is a loopback address where nothing listens.
func refusedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// countingBackend answers 200 with the body it got, counting requests.
func countingBackend(t *testing.T, hits *atomic.Int64) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		b, _ := io.ReadAll(r.Body)
		w.Write(b)
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// droppingBackend reads each request whole, then closes the connection
// without answering: a replica killed after the request reached it.
func droppingBackend(t *testing.T, hits *atomic.Int64) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		io.ReadAll(r.Body)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

func proxyDo(t *testing.T, url, method, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestProxySkipsARefusingBackend: a request that could not connect never
// reached its backend, so even a vote goes on to the next one, body intact.
func TestProxySkipsARefusingBackend(t *testing.T) {
	var hits atomic.Int64
	p := httptest.NewServer(newRoundRobin([]string{refusedAddr(t), countingBackend(t, &hits)}, io.Discard))
	defer p.Close()
	for i := range 6 {
		body := fmt.Sprintf(`{"winner":"tie","n":%d}`, i)
		if status, got := proxyDo(t, p.URL+"/api/v1/battles/x/vote", http.MethodPost, body); status != http.StatusOK || got != body {
			t.Errorf("vote %d: %d %q, want 200 with the body sent", i, status, got)
		}
	}
	if hits.Load() != 6 {
		t.Errorf("the live backend got %d requests, want 6", hits.Load())
	}
}

// TestProxyResendsOnlyIdempotentRequests: a request that reached a backend
// which then died goes to another backend only when sending it twice is
// harmless; a vote gets 502 and reaches no second backend.
func TestProxyResendsOnlyIdempotentRequests(t *testing.T) {
	for _, tc := range []struct {
		method     string
		allAnswers bool
	}{
		{http.MethodGet, true},
		{http.MethodPost, false},
	} {
		t.Run(tc.method, func(t *testing.T) {
			var dropped, answered atomic.Int64
			p := httptest.NewServer(newRoundRobin([]string{droppingBackend(t, &dropped), countingBackend(t, &answered)}, io.Discard))
			defer p.Close()
			const n = 8
			ok := 0
			for range n {
				if status, _ := proxyDo(t, p.URL+"/x", tc.method, "body"); status == http.StatusOK {
					ok++
				} else if status != http.StatusBadGateway {
					t.Errorf("status %d, want 200 or 502", status)
				}
			}
			if tc.allAnswers && ok != n {
				t.Errorf("%d of %d answered, want all (resent to the live backend)", ok, n)
			}
			if !tc.allAnswers {
				if ok == n || ok == 0 {
					t.Errorf("%d of %d answered: round robin should have sent some to each backend", ok, n)
				}
				if got := dropped.Load() + answered.Load(); got != n {
					t.Errorf("backends saw %d requests for %d sent: a vote was sent twice", got, n)
				}
			}
		})
	}
}

// faultArena stores the first attempt at each vote and then drops the
// connection, as a replica killed after its commit; a repeat with the
// same winner is answered 200, another winner 409, as the arena does.
type faultArena struct {
	mu     sync.Mutex
	next   int
	owner  map[string]string
	winner map[string]string
}

func (f *faultArena) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.URL.Path == "/api/v1/battles" {
		f.next++
		id := fmt.Sprintf("b%d", f.next)
		f.owner[id] = id + "-voter"
		http.SetCookie(w, &http.Cookie{Name: "arena_voter", Value: f.owner[id]})
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, `{"id":%q}`, id)
		return
	}
	id := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/api/v1/battles/"), "/vote")
	c, err := r.Cookie("arena_voter")
	body, _ := io.ReadAll(r.Body)
	winner, _, _ := strings.Cut(strings.TrimPrefix(string(body), `{"winner":"`), `"`)
	switch {
	case err != nil || f.owner[id] != c.Value:
		http.NotFound(w, r)
	case f.winner[id] == "":
		f.winner[id] = winner
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			conn.Close()
		}
	case f.winner[id] != winner:
		http.Error(w, "another vote", http.StatusConflict)
	default:
		fmt.Fprintf(w, `{"winner":%q}`, winner)
	}
}

// TestFaultVotersSendALostVoteAgain: every vote's first answer is lost
// after it was stored; the voters send it again and record it once, with
// the winner stored.
func TestFaultVotersSendALostVoteAgain(t *testing.T) {
	f := &faultArena{owner: map[string]string{}, winner: map[string]string{}}
	srv := httptest.NewServer(f)
	defer srv.Close()
	out := filepath.Join(t.TempDir(), "acks.csv")
	var stdout, stderr strings.Builder
	args := []string{"-url", srv.URL, "-out", out, "-clients", "2", "-duration", "500ms", "-patience", "5s"}
	if err := runFaults(context.Background(), args, &stdout, &stderr); err != nil {
		t.Fatalf("faults: %v\n%s", err, stderr.String())
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if lines[0] == "" {
		lines = nil
	}
	if len(lines) == 0 {
		t.Fatalf("no vote acknowledged; voters said %s", stdout.String())
	}
	seen := map[string]bool{}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, l := range lines {
		id, winner, _ := strings.Cut(l, ",")
		if seen[id] || f.winner[id] != winner {
			t.Errorf("ack %q: recorded before %v, stored winner %q", l, seen[id], f.winner[id])
		}
		seen[id] = true
	}
	if !strings.Contains(stdout.String(), "refused 0 ") {
		t.Errorf("voters: %s, want nothing refused", stdout.String())
	}
}
