package main

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestLagTimes: the k-th answered vote is on the board at the first poll,
// not before the answer, whose board holds the starting votes plus k; votes
// the board never reaches are counted apart.
func TestLagTimes(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	acks := []time.Time{at(1.5), at(1), at(2), at(3)}
	seen := []boardSeen{{at(0.5), 100}, {at(1.2), 100}, {at(2.5), 102}, {at(4), 103}}
	lags, unseen := lagTimes(100, acks, seen)
	if d := cmp.Diff([]float64{1.5, 1, 2}, lags); d != "" || unseen != 1 {
		t.Errorf("lags (-want +got):\n%s\nunseen %d, want 1", d, unseen)
	}
	if got := lagQuantile([]float64{3, 1, 2, 4}, 0.95); got != 4 {
		t.Errorf("p95 of 1..4 = %v, want 4", got)
	}
}
