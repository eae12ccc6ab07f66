package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestParseBaseURLOnlyLoopback(t *testing.T) {
	ctx := context.Background()
	for _, ok := range []string{"http://127.0.0.1:8080", "http://[::1]:8080/", "http://127.0.0.2:1/prefix", "http://localhost:8080"} {
		if _, err := parseBaseURL(ctx, ok, net.DefaultResolver); err != nil {
			t.Errorf("%s refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"http://10.0.0.1:8080", "http://example.com", "http://192.168.1.1", "ftp://127.0.0.1", "http://user@127.0.0.1", "127.0.0.1:8080", "http://0.0.0.0:8080"} {
		if _, err := parseBaseURL(ctx, bad, net.DefaultResolver); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestQuantileNearestRank(t *testing.T) {
	var xs []time.Duration
	for i := 1; i <= 100; i++ {
		xs = append(xs, time.Duration(i)*time.Millisecond)
	}
	for q, want := range map[float64]time.Duration{0.5: 50 * time.Millisecond, 0.99: 99 * time.Millisecond, 1: 100 * time.Millisecond, 0: time.Millisecond} {
		if got := quantile(xs, q); got != want {
			t.Errorf("quantile(%v) = %v, want %v", q, got, want)
		}
	}
}

// fakeArena hands out battles bound to a cookie and takes one vote each.
type fakeArena struct {
	mu     sync.Mutex
	owner  map[string]string
	voted  map[string]bool
	nextID int
}

func (f *fakeArena) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/api/v1/battles":
		if _, err := r.Cookie("arena_voter"); err == nil {
			http.Error(w, "a fresh voter was expected", http.StatusBadRequest)
			return
		}
		f.nextID++
		id, voter := fmt.Sprintf("b%d", f.nextID), fmt.Sprintf("v%d", f.nextID)
		f.owner[id] = voter
		http.SetCookie(w, &http.Cookie{Name: "arena_voter", Value: voter})
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(map[string]string{"id": id})
	case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/vote"):
		id := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/api/v1/battles/"), "/vote")
		c, err := r.Cookie("arena_voter")
		body, _ := io.ReadAll(r.Body)
		if err != nil || f.owner[id] != c.Value || !bytes.Equal(body, voteBody) {
			http.Error(w, `{"error":"no such battle"}`, http.StatusNotFound)
			return
		}
		if f.voted[id] {
			http.Error(w, `{"error":"again"}`, http.StatusConflict)
			return
		}
		f.voted[id] = true
		w.Write([]byte(`{"winner":"model_a"}`))
	default:
		http.NotFound(w, r)
	}
}

func TestRunAgainstFakeArena(t *testing.T) {
	f := &fakeArena{owner: map[string]string{}, voted: map[string]bool{}}
	srv := httptest.NewServer(f)
	defer srv.Close()
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"-url", srv.URL, "-mode", "arena", "-clients", "1,4", "-votes", "50", "-warmup", "5", "-json"}, &out, &errOut); err != nil {
		t.Fatalf("run: %v\n%s", err, errOut.String())
	}
	rs, err := readResults(&out)
	if err != nil || len(rs) != 2 {
		t.Fatalf("results %v, %v:\n%s", rs, err, out.String())
	}
	for _, r := range rs {
		if r.Votes != 50 || r.Errors != 0 || r.VotesPerSec <= 0 || r.P99MS < r.P50MS {
			t.Errorf("unexpected result %+v", r)
		}
	}
	if len(f.voted) != 110 {
		t.Errorf("server saw %d votes, want 110 (2 × (50 + 5 warm-up))", len(f.voted))
	}
}

func TestComparisonTableUsesMedians(t *testing.T) {
	rs := []Result{
		{Mode: ModeArena, Clients: 16, VotesPerSec: 100, P50MS: 1, P99MS: 9},
		{Mode: ModeBaseline, Clients: 16, VotesPerSec: 400, P50MS: 1, P99MS: 2},
		{Mode: ModeArena, Clients: 16, VotesPerSec: 300, P50MS: 3, P99MS: 5},
		{Mode: ModeBaseline, Clients: 16, VotesPerSec: 600, P50MS: 1, P99MS: 2},
		{Mode: ModeArena, Clients: 16, VotesPerSec: 200, P50MS: 2, P99MS: 7},
	}
	var b bytes.Buffer
	writeComparison(&b, rs)
	if !strings.Contains(b.String(), "| 16 | 200 | 2.00 ms | 7.00 ms | 500 | 1.00 ms | 2.00 ms | 2.50× | 3 / 2 |") {
		t.Errorf("table:\n%s", b.String())
	}
}

func TestIsBackendOf(t *testing.T) {
	for title, want := range map[string]bool{
		"postgres: 15/main: postgres arena_bench 127.0.0.1(45214) idle":               true,
		"postgres: 15/main: postgres arena_bench 127.0.0.1(45214) UPDATE\x00\x00\x00": true,
		"postgres: 15/main: postgres arena_bench_2 127.0.0.1(45214) idle":             false,
		"postgres: 15/main: arena_bench postgres 127.0.0.1(45214) idle":               false,
		"postgres: 15/main: autovacuum worker arena_bench":                            false,
		"/tmp/bin/arenaload -pg-db arena_bench":                                       false,
	} {
		if got := isBackendOf(title, "arena_bench"); got != want {
			t.Errorf("isBackendOf(%q) = %v", title, got)
		}
	}
}

func TestProcCPUOfSelf(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc")
	}
	end := time.Now().Add(50 * time.Millisecond)
	for time.Now().Before(end) {
	}
	if d, ok := procCPU(os.Getpid()); !ok || d <= 0 {
		t.Errorf("procCPU(self) = %v, %v", d, ok)
	}
}
