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

// loadIntegrity reads the voter-integrity settings (ARENA_RISK_*; see the
// settings table for each one's meaning and default) through get, which is
// getenv or the resolved settings. See integrity.Options for what each
// signal weighs.
func loadIntegrity(get func(string) string) (integrity.Options, time.Duration, error) {
	o := integrity.DefaultOptions
	v := settingString(get, "ARENA_RISK_THRESHOLD")
	t, err := strconv.ParseFloat(v, 64)
	if err != nil || t <= 0 || t > 10 {
		return o, 0, fmt.Errorf("ARENA_RISK_THRESHOLD must be a number above 0 (default %.1f), not %q", integrity.DefaultOptions.Threshold, v)
	}
	o.Threshold = t
	if o.FastRead, err = settingDuration(get, "ARENA_RISK_FAST_READ", false); err != nil {
		return o, 0, err
	}
	sweep, err := settingDuration(get, "ARENA_RISK_SWEEP", true)
	if err != nil {
		return o, 0, err
	}
	for _, p := range []struct {
		key string
		dst *int
	}{{"ARENA_RISK_BURST_VOTES", &o.BurstVotes}, {"ARENA_RISK_ADDRESS_VOTERS", &o.AddressVoters}} {
		n, err := settingInt(get, p.key)
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
