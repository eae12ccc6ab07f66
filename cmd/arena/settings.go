package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"openarena.dev/arena/arena/boards"
	"openarena.dev/arena/arena/integrity"
	"openarena.dev/arena/models"
	"openarena.dev/arena/rating"
)

// settingKind says how a setting's text is checked where the flag package
// or the environment hands it over; finer rules (ranges, durations, lists)
// are checked where the value is used.
type settingKind int

const (
	kindString settingKind = iota
	kindInt
	kindBool
)

// setting is one line of the configuration table.
type setting struct {
	// Env is the environment variable.
	Env string
	// Flag is the command-line flag without its dash, "" when there is none.
	Flag string
	// FlagCommand is the command the flag belongs to when it is not serve's
	// (serve's flags are shared by commands that need the same setting).
	FlagCommand string
	// Default is the value used when neither the environment nor a flag
	// sets one, written as an operator would write it.
	Default string
	// DefaultDoc replaces Default in the README when the default is not a
	// value one could type (a generated secret).
	DefaultDoc string
	// Doc is the one-line description, in Markdown, as the README shows it.
	Doc string
	// Kind checks the text as it arrives.
	Kind settingKind
	// Secret settings are never printed.
	Secret bool
}

// settings is every setting of the arena, once. The README's table is
// generated from it (settingsMarkdown), `arena config` prints it, and every
// command reads its settings through it: nothing else asks the environment.
// Defaults come from the Go defaults they stand for, so the two cannot drift.
var settings = []setting{
	{Env: "ARENA_ADDR", Flag: "addr", Default: ":8080", Doc: "listen address"},
	{Env: "ARENA_DATABASE_URL", Flag: "db", Default: models.DefaultDSN,
		Doc: "`postgres://…` for PostgreSQL, anything else is a SQLite file path"},
	{Env: "ARENA_SECRET", Secret: true, DefaultDoc: "generated on first run and kept in the database",
		Doc: "key of the voter-cookie signature and of the address hashes; at least 16 characters; set it explicitly when running several replicas"},
	{Env: "ARENA_RATE_LIMIT", Flag: "rate-limit", Kind: kindInt, Default: "60",
		Doc: "battle and vote requests per minute per voter; each address gets five times as many; `0` turns limiting off (load tests)"},
	{Env: "ARENA_TRUSTED_PROXIES",
		Doc: "comma-separated networks of reverse proxies whose `X-Forwarded-For` is believed; when empty the connection's address is the client's and the header is ignored"},
	{Env: "ARENA_SECURE_COOKIES", Kind: kindBool, Default: "false",
		Doc: "mark cookies `Secure` (set it behind a TLS-terminating proxy)"},
	{Env: "ARENA_BODY_LIMIT", Default: "64K", Doc: "largest accepted request body"},
	{Env: "ARENA_LOG_LEVEL", Default: "info", Doc: "`debug`, `info`, `warn` or `error`"},
	{Env: "ARENA_DEMO", Flag: "demo", Kind: kindBool, Default: "true",
		Doc: "while the database holds no real content (no contender besides the demo bots, no imported bank), serve the built-in offline demo bots and a small bank of their answers; adding a real model or importing a bank switches the demo off for good; `false` (`--demo=false`) starts without it"},
	{Env: "ARENA_SAMPLING", Default: rating.PolicyInformative,
		Doc: "how live battles pick their pair: `informative` prefers pairs whose order is still uncertain on the board (close scores, wide intervals, new models), with 10% uniform exploration; `uniform` draws each pair in proportion to the two contenders' sampling weights. Weights apply in both; a weight of 0 is never drawn"},
	{Env: "ARENA_MIN_VOTES", Kind: kindInt, Default: strconv.Itoa(boards.DefaultOptions.MinVotes),
		Doc: "votes a model needs before its rating is no longer marked preliminary; `0` marks none"},
	{Env: "ARENA_BOOTSTRAP_ROUNDS", Kind: kindInt, Default: strconv.Itoa(boards.DefaultOptions.Rounds),
		Doc: "bootstrap rounds behind the leaderboard's intervals (1–10000)"},
	{Env: "ARENA_REWEIGHT_PAIRS", Kind: kindBool, Default: "false",
		Doc: "fit the arena score with every pair of models weighted about equally (each battle weighs 1 / max(battles of its pair, floor)), as lmarena/arena-rank's `reweighted=True`, so pairs the sampler favoured do not dominate; the board says when it was used"},
	{Env: "ARENA_REWEIGHT_FLOOR", Kind: kindInt, Default: strconv.Itoa(rating.DefaultMinPairCount),
		Doc: "with `ARENA_REWEIGHT_PAIRS`, a pair with fewer battles is weighted as if it had this many"},
	{Env: "ARENA_RATINGS_DEBOUNCE", Default: shortDuration(boards.DefaultOptions.Debounce),
		Doc: "how long after the first unrated vote the leaderboard is recomputed"},
	{Env: "ARENA_RATINGS_CATEGORY_INTERVAL", Default: shortDuration(boards.DefaultOptions.CategoryInterval),
		Doc: "while votes keep coming, how often at most the category boards are recomputed (the overall board follows every `ARENA_RATINGS_DEBOUNCE`, within `ARENA_RATINGS_CPU`); they catch up as soon as votes pause"},
	{Env: "ARENA_RATINGS_CPU", Default: strconv.FormatFloat(boards.DefaultOptions.CPU, 'g', -1, 64),
		Doc: "while votes keep coming, how many cores the overall board's recomputations may take on average (the recomputer waits after each one until its CPU time fits); `0` sets no bound, so it follows every `ARENA_RATINGS_DEBOUNCE`"},
	{Env: "ARENA_GC_HEADROOM", Default: "256MiB",
		Doc: "how much memory garbage may take above what the server holds before the Go collector runs (Go's own default lets it take as much as is held, which doubles the memory of a large arena); `off` keeps Go's default; with `GOMEMLIMIT` set, the lower limit applies"},
	{Env: "ARENA_RISK_THRESHOLD", Default: strconv.FormatFloat(integrity.DefaultOptions.Threshold, 'g', -1, 64),
		Doc: "vote risk at which a vote is stored but left out of the ratings (see *Contenders and voter integrity*)"},
	{Env: "ARENA_RISK_FAST_READ", Default: shortDuration(integrity.DefaultOptions.FastRead),
		Doc: `reading time below which a vote is "too fast"`},
	{Env: "ARENA_RISK_BURST_VOTES", Kind: kindInt, Default: strconv.Itoa(integrity.DefaultOptions.BurstVotes),
		Doc: `votes per voter per hour above which a vote is "too many"`},
	{Env: "ARENA_RISK_ADDRESS_VOTERS", Kind: kindInt, Default: strconv.Itoa(integrity.DefaultOptions.AddressVoters),
		Doc: `voter ids per keyed address per day above which a vote is from a "shared address"`},
	{Env: "ARENA_RISK_SWEEP", Default: shortDuration(defaultRiskSweep),
		Doc: "how often `serve` re-scores every vote; `0` turns the periodic sweep off"},
	{Env: "ARENA_SHUTDOWN_GRACE", Default: "15s",
		Doc: "on SIGTERM (or Ctrl-C) `serve` refuses new battles with 503, says 503 on `/readyz`, and lets running live streams finish for this long; those still running are then cut and their battles voided, and it exits at most about 15 s later (see *Shutdown*)"},
	{Env: "ARENA_METRICS_TOKEN", Secret: true,
		Doc: "serve `/metrics` (Prometheus) on `ARENA_ADDR` to requests with `Authorization: Bearer <token>`; at least 16 characters; empty: not served there (see *Metrics*)"},
	{Env: "ARENA_METRICS_ADDR",
		Doc: "also serve `/metrics`, without a token, on this separate address, e.g. `127.0.0.1:9090` (keep it off the public network: the metrics name the models); empty: none"},
	{Env: "ARENA_DEBUG_ADDR",
		Doc: "serve Go's runtime profiles (`/debug/pprof/`, for `go tool pprof`) on this separate address, e.g. `127.0.0.1:6060`; for an operator on the machine, never the public network; empty: none"},
	{Env: "OLLAMA_HOST", Flag: "ollama", FlagCommand: "contenders discover", Default: defaultOllama,
		Doc: "where `arena contenders discover` and the start-up hint of `serve` look for a local Ollama"},
}

// shortDuration writes a duration as an operator types it: 1h, not 1h0m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// lookupSetting finds a setting by its variable. An unknown name is a
// mistake in this program, not in the operator's configuration, so it
// panics (every caller runs in the tests).
func lookupSetting(env string) *setting {
	for i := range settings {
		if settings[i].Env == env {
			return &settings[i]
		}
	}
	panic(fmt.Sprintf("%s is not in the settings table", env))
}

// settingsMarkdown renders the README's configuration table.
func settingsMarkdown() string {
	var b strings.Builder
	b.WriteString("| variable | default | meaning |\n|---|---|---|\n")
	for _, s := range settings {
		name := "`" + s.Env + "`"
		switch {
		case s.Flag != "" && s.FlagCommand != "":
			name += " (`" + s.FlagCommand + " -" + s.Flag + "`)"
		case s.Flag != "":
			name += " (`-" + s.Flag + "`)"
		}
		def := s.DefaultDoc
		switch {
		case def != "":
		case s.Default == "":
			def = "empty"
		default:
			def = "`" + s.Default + "`"
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", name, def, s.Doc)
	}
	return b.String()
}
