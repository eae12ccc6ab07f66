package main

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"openarena.dev/arena/arena/integrity"
)

func TestLoadIntegrity(t *testing.T) {
	def := integrity.DefaultOptions
	tests := []struct {
		name      string
		env       map[string]string
		want      func(o *integrity.Options)
		wantSweep time.Duration
		err       string
	}{
		{name: "defaults", wantSweep: time.Hour},
		{name: "all set", env: map[string]string{"ARENA_RISK_THRESHOLD": "0.9", "ARENA_RISK_FAST_READ": "5s",
			"ARENA_RISK_BURST_VOTES": "100", "ARENA_RISK_ADDRESS_VOTERS": "20", "ARENA_RISK_SWEEP": "15m"},
			want: func(o *integrity.Options) {
				o.Threshold, o.FastRead, o.BurstVotes, o.AddressVoters = 0.9, 5*time.Second, 100, 20
			}, wantSweep: 15 * time.Minute},
		{name: "sweep off", env: map[string]string{"ARENA_RISK_SWEEP": "0"}, wantSweep: 0},
		{name: "bad threshold", env: map[string]string{"ARENA_RISK_THRESHOLD": "high"}, err: "ARENA_RISK_THRESHOLD must be a number"},
		{name: "zero threshold", env: map[string]string{"ARENA_RISK_THRESHOLD": "0"}, err: "ARENA_RISK_THRESHOLD"},
		{name: "bad duration", env: map[string]string{"ARENA_RISK_FAST_READ": "3"}, err: "ARENA_RISK_FAST_READ must be a duration"},
		{name: "zero fast read", env: map[string]string{"ARENA_RISK_FAST_READ": "0s"}, err: "ARENA_RISK_FAST_READ"},
		{name: "negative sweep", env: map[string]string{"ARENA_RISK_SWEEP": "-1h"}, err: "ARENA_RISK_SWEEP"},
		{name: "zero burst", env: map[string]string{"ARENA_RISK_BURST_VOTES": "0"}, err: "ARENA_RISK_BURST_VOTES must be 1 or more"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, sweep, err := loadIntegrity(func(k string) string { return tt.env[k] })
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := def
			if tt.want != nil {
				tt.want(&want)
			}
			if d := cmp.Diff(want, o); d != "" || sweep != tt.wantSweep {
				t.Errorf("sweep %v want %v; options (-want +got):\n%s", sweep, tt.wantSweep, d)
			}
		})
	}
}
