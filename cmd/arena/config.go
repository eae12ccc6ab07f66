package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"

	"openarena.dev/arena/arena/boards"
	"openarena.dev/arena/arena/integrity"
	"openarena.dev/arena/internal/gcheadroom"
	"openarena.dev/arena/rating"
)

// Config is the whole configuration of a running arena, read through the
// settings table (settings.go): ARENA_* variables, overridable by flags.
type Config struct {
	Addr           string
	DatabaseURL    string
	Secret         string
	RateLimit      int
	TrustedProxies []*net.IPNet
	BodyLimit      string
	SecureCookies  bool
	LogLevel       slog.Level
	// ShutdownGrace is how long live streams may run on after SIGTERM
	// (ARENA_SHUTDOWN_GRACE).
	ShutdownGrace time.Duration
	// MetricsToken guards /metrics on Addr; MetricsAddr serves it apart,
	// unguarded (ARENA_METRICS_TOKEN, ARENA_METRICS_ADDR).
	MetricsToken string
	MetricsAddr  string
	// DebugAddr serves Go's runtime profiles apart (ARENA_DEBUG_ADDR).
	DebugAddr string
	// Demo registers the built-in demo bots as contenders at start-up.
	Demo bool
	// Sampling is the live pair policy (ARENA_SAMPLING: informative, the
	// default, or uniform).
	Sampling rating.PairPolicy
	// Integrity and RiskSweep are the voter-integrity settings
	// (ARENA_RISK_*, see loadIntegrity).
	Integrity integrity.Options
	RiskSweep time.Duration
	// Ratings tunes the recomputer (ARENA_MIN_VOTES, ARENA_BOOTSTRAP_ROUNDS,
	// ARENA_RATINGS_DEBOUNCE, see ratingsOptions).
	Ratings boards.Options
	// GCHeadroom is the memory garbage may take above the live heap
	// (ARENA_GC_HEADROOM, see gcheadroom); 0 leaves Go's default.
	GCHeadroom int64
}

// loadConfig reads the serve command's settings: the table's defaults, the
// environment, then the flags in args.
func loadConfig(args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	sv, err := serveSettings(args, getenv, stderr)
	if err != nil {
		return Config{}, err
	}
	return configFrom(sv.get)
}

// serveSettings resolves the settings as serve (and `arena config`) sees
// them, flags included.
func serveSettings(args []string, getenv func(string) string, stderr io.Writer) (*settingValues, error) {
	sv := readSettings(getenv)
	fs := newServeFlags(stderr)
	if err := sv.bindServeFlags(fs); err != nil {
		return nil, err
	}
	if err := sv.parse(fs, args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return sv, nil
}

// newServeFlags is serve's flag set; its -h lists the commands first, as
// `arena help` does, since serve is what a bare `arena -h` reaches.
func newServeFlags(stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usageText())
		fmt.Fprintln(stderr, "\nserve flags:")
		fs.PrintDefaults()
	}
	return fs
}

// configFrom turns the settings' text into a Config, checking each value.
func configFrom(get func(string) string) (Config, error) {
	cfg := Config{
		Addr:         settingString(get, "ARENA_ADDR"),
		DatabaseURL:  settingString(get, "ARENA_DATABASE_URL"),
		Secret:       settingString(get, "ARENA_SECRET"),
		BodyLimit:    settingString(get, "ARENA_BODY_LIMIT"),
		MetricsToken: settingString(get, "ARENA_METRICS_TOKEN"),
		MetricsAddr:  settingString(get, "ARENA_METRICS_ADDR"),
		DebugAddr:    settingString(get, "ARENA_DEBUG_ADDR"),
	}
	var err error
	if cfg.ShutdownGrace, err = settingDuration(get, "ARENA_SHUTDOWN_GRACE", true); err != nil {
		return cfg, err
	}
	if cfg.MetricsToken != "" && len(cfg.MetricsToken) < 16 {
		return cfg, errors.New("ARENA_METRICS_TOKEN must be at least 16 characters (or empty to serve /metrics only on ARENA_METRICS_ADDR)")
	}
	if cfg.RateLimit, err = settingInt(get, "ARENA_RATE_LIMIT"); err != nil {
		return cfg, err
	}
	if cfg.RateLimit < 0 {
		return cfg, fmt.Errorf("rate limit must be 0 (off) or more, not %d", cfg.RateLimit)
	}
	if cfg.SecureCookies, err = settingBool(get, "ARENA_SECURE_COOKIES"); err != nil {
		return cfg, err
	}
	if cfg.Demo, err = settingBool(get, "ARENA_DEMO"); err != nil {
		return cfg, err
	}
	if cfg.TrustedProxies, err = parseCIDRs(settingString(get, "ARENA_TRUSTED_PROXIES")); err != nil {
		return cfg, err
	}
	if err := cfg.LogLevel.UnmarshalText([]byte(settingString(get, "ARENA_LOG_LEVEL"))); err != nil {
		return cfg, fmt.Errorf("ARENA_LOG_LEVEL: %w", err)
	}
	if cfg.Sampling, err = rating.ParsePairPolicy(settingString(get, "ARENA_SAMPLING")); err != nil {
		return cfg, fmt.Errorf("ARENA_SAMPLING: %w", err)
	}
	if cfg.Integrity, cfg.RiskSweep, err = loadIntegrity(get); err != nil {
		return cfg, err
	}
	if cfg.Ratings, err = ratingsOptions(get); err != nil {
		return cfg, err
	}
	if cfg.GCHeadroom, err = gcheadroom.ParseSize(settingString(get, "ARENA_GC_HEADROOM")); err != nil {
		return cfg, fmt.Errorf("ARENA_GC_HEADROOM: %w", err)
	}
	return cfg, nil
}

// parseCIDRs reads a comma-separated list of networks or single addresses.
func parseCIDRs(s string) ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if !strings.Contains(part, "/") {
			if ip := net.ParseIP(part); ip != nil && ip.To4() != nil {
				part += "/32"
			} else {
				part += "/128"
			}
		}
		_, n, err := net.ParseCIDR(part)
		if err != nil {
			return nil, fmt.Errorf("ARENA_TRUSTED_PROXIES: %q is not an address or network", part)
		}
		out = append(out, n)
	}
	return out, nil
}
