package main

import (
	"fmt"
	"strconv"
	"time"

	"openarena.dev/arena/arena/integrity"
)

// defaultRiskSweep is how often serve re-scores every vote. The sweep reads
// all votes, so it is not run often; votes are checked cheaply as they are
// cast in between.
const defaultRiskSweep = time.Hour

// loadIntegrity reads the voter-integrity settings:
//
//	ARENA_RISK_THRESHOLD       risk score at which a vote is left out (default 0.7)
//	ARENA_RISK_FAST_READ       reading time below which a vote is "too fast" (default 3s)
//	ARENA_RISK_BURST_VOTES     votes per voter per hour before "too many" (default 60)
//	ARENA_RISK_ADDRESS_VOTERS  voter ids per keyed address per day before "shared address" (default 5)
//	ARENA_RISK_SWEEP           how often every vote is re-scored (default 1h, 0 turns it off)
//
// See integrity.Options for what each signal weighs.
func loadIntegrity(getenv func(string) string) (integrity.Options, time.Duration, error) {
	o := integrity.Defaults
	sweep := defaultRiskSweep
	if v := getenv("ARENA_RISK_THRESHOLD"); v != "" {
		t, err := strconv.ParseFloat(v, 64)
		if err != nil || t <= 0 || t > 10 {
			return o, 0, fmt.Errorf("ARENA_RISK_THRESHOLD must be a number above 0 (default %.1f), not %q", integrity.Defaults.Threshold, v)
		}
		o.Threshold = t
	}
	var err error
	if o.FastRead, err = envDuration(getenv, "ARENA_RISK_FAST_READ", o.FastRead, false); err != nil {
		return o, 0, err
	}
	if sweep, err = envDuration(getenv, "ARENA_RISK_SWEEP", sweep, true); err != nil {
		return o, 0, err
	}
	for _, p := range []struct {
		key string
		dst *int
	}{{"ARENA_RISK_BURST_VOTES", &o.BurstVotes}, {"ARENA_RISK_ADDRESS_VOTERS", &o.AddressVoters}} {
		n, err := envInt(getenv, p.key, *p.dst)
		if err != nil {
			return o, 0, err
		}
		if n < 1 {
			return o, 0, fmt.Errorf("%s must be 1 or more, not %d", p.key, n)
		}
		*p.dst = n
	}
	return o, sweep, nil
}

// envDuration reads a Go duration such as 3s or 1h; zero is allowed only
// when zeroOK (it then means off).
func envDuration(getenv func(string) string, key string, def time.Duration, zeroOK bool) (time.Duration, error) {
	v := getenv(key)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 || d == 0 && !zeroOK {
		return 0, fmt.Errorf("%s must be a duration such as 3s or 1h, not %q", key, v)
	}
	return d, nil
}
