package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"strings"
	"testing"
	"time"
)

// TestSettingsTable checks the table itself: each variable and flag once,
// a description for each, and defaults the typed readers accept.
func TestSettingsTable(t *testing.T) {
	envs, flags := map[string]bool{}, map[string]bool{}
	for _, s := range settings {
		if envs[s.Env] {
			t.Errorf("%s appears twice", s.Env)
		}
		envs[s.Env] = true
		if s.Flag != "" {
			key := s.FlagCommand + " -" + s.Flag
			if flags[key] {
				t.Errorf("flag %s appears twice", key)
			}
			flags[key] = true
		}
		if s.Doc == "" || strings.Contains(s.Doc, "\n") || strings.Contains(s.Doc, "|") {
			t.Errorf("%s: the description must be one line without |: %q", s.Env, s.Doc)
		}
		if s.Secret && s.Default != "" {
			t.Errorf("%s: a secret has no default to print", s.Env)
		}
	}
	// The defaults alone must make a valid configuration.
	if _, err := configFrom(func(string) string { return "" }); err != nil {
		t.Errorf("the defaults are refused: %v", err)
	}
}

func TestShortDuration(t *testing.T) {
	for in, want := range map[string]string{"1h": "1h", "3s": "3s", "2h30m": "2h30m", "90s": "1m30s", "15m": "15m", "500ms": "500ms"} {
		d, _ := time.ParseDuration(in)
		if got := shortDuration(d); got != want {
			t.Errorf("shortDuration(%s) = %q, want %q", in, got, want)
		}
	}
}

// TestSettingSources follows one setting through default, environment and
// flag, and checks what `arena config` prints of each.
func TestSettingSources(t *testing.T) {
	tests := []struct {
		name     string
		env      map[string]string
		args     []string
		key      string
		wantRaw  string
		wantFrom settingSource
		wantShow string
	}{
		{name: "default", key: "ARENA_ADDR", wantRaw: ":8080", wantFrom: fromDefault, wantShow: ":8080"},
		{name: "env", env: map[string]string{"ARENA_ADDR": ":9000"}, key: "ARENA_ADDR", wantRaw: ":9000", wantFrom: fromEnv, wantShow: ":9000"},
		{name: "flag over env", env: map[string]string{"ARENA_ADDR": ":9000"}, args: []string{"-addr", ":7000"},
			key: "ARENA_ADDR", wantRaw: ":7000", wantFrom: fromFlag, wantShow: ":7000"},
		{name: "int flag canonical", args: []string{"-rate-limit", "0x10"}, key: "ARENA_RATE_LIMIT", wantRaw: "16", wantFrom: fromFlag, wantShow: "16"},
		{name: "bool flag alone", args: []string{"-demo"}, key: "ARENA_DEMO", wantRaw: "true", wantFrom: fromFlag, wantShow: "true"},
		{name: "bool default true", key: "ARENA_DEMO", wantRaw: "true", wantFrom: fromDefault, wantShow: "true"},
		{name: "bool flag turned off", env: map[string]string{"ARENA_DEMO": "true"}, args: []string{"-demo=false"}, key: "ARENA_DEMO", wantRaw: "false", wantFrom: fromFlag, wantShow: "false"},
		{name: "secret hidden", env: map[string]string{"ARENA_SECRET": "0123456789abcdef-very-secret"}, key: "ARENA_SECRET",
			wantRaw: "0123456789abcdef-very-secret", wantFrom: fromEnv, wantShow: "(set, hidden)"},
		{name: "secret unset", key: "ARENA_SECRET", wantFrom: fromDefault, wantShow: "(generated on first run and kept in the database)"},
		{name: "database password masked", env: map[string]string{"ARENA_DATABASE_URL": "postgres://arena:hunter2@db:5432/arena"},
			key: "ARENA_DATABASE_URL", wantRaw: "postgres://arena:hunter2@db:5432/arena", wantFrom: fromEnv, wantShow: "postgres://arena:xxxxx@db:5432/arena"},
		{name: "database flag masked", args: []string{"-db", "postgres://u:pw@h/d"}, key: "ARENA_DATABASE_URL",
			wantRaw: "postgres://u:pw@h/d", wantFrom: fromFlag, wantShow: "postgres://u:xxxxx@h/d"},
		{name: "empty shown as such", key: "ARENA_TRUSTED_PROXIES", wantFrom: fromDefault, wantShow: "(empty)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sv, err := serveSettings(tt.args, func(k string) string { return tt.env[k] }, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			v := sv.byEnv[tt.key]
			if v.raw != tt.wantRaw || v.from != tt.wantFrom || v.display() != tt.wantShow {
				t.Errorf("%s = %q from %s shown %q; want %q from %s shown %q",
					tt.key, v.raw, v.from, v.display(), tt.wantRaw, tt.wantFrom, tt.wantShow)
			}
		})
	}
}

// TestServeSettingsErrors: bad text is refused where it arrives, and a bad
// environment value is reported even when a flag overrides it, as before
// the table.
func TestServeSettingsErrors(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{name: "bad int env", env: map[string]string{"ARENA_RATE_LIMIT": "lots"}, want: "ARENA_RATE_LIMIT must be a whole number"},
		{name: "bad int env under a flag", env: map[string]string{"ARENA_RATE_LIMIT": "lots"}, args: []string{"-rate-limit", "5"}, want: "ARENA_RATE_LIMIT"},
		{name: "bad bool env", env: map[string]string{"ARENA_DEMO": "maybe"}, want: "ARENA_DEMO must be true or false"},
		{name: "bad int flag", args: []string{"-rate-limit", "lots"}, want: `invalid value "lots" for flag -rate-limit`},
		{name: "unknown flag", args: []string{"-nope"}, want: "flag provided but not defined: -nope"},
		{name: "stray argument", args: []string{"extra"}, want: `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := serveSettings(tt.args, func(k string) string { return tt.env[k] }, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

// TestSubcommandFlagsFromTable: the commands other than serve take -db (and
// discover -ollama) from the table, with the environment as the default.
func TestSubcommandFlagsFromTable(t *testing.T) {
	sv := readSettings(func(k string) string { return map[string]string{"ARENA_DATABASE_URL": "env.db"}[k] })
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	for _, env := range []string{"ARENA_DATABASE_URL", "OLLAMA_HOST"} {
		if err := sv.bindFlag(fs, env); err != nil {
			t.Fatal(err)
		}
	}
	if err := sv.parse(fs, []string{"-ollama", "http://h:1"}); err != nil {
		t.Fatal(err)
	}
	if got := sv.get("ARENA_DATABASE_URL"); got != "env.db" {
		t.Errorf("db = %q, want the environment's", got)
	}
	if got := sv.get("OLLAMA_HOST"); got != "http://h:1" {
		t.Errorf("ollama = %q, want the flag's", got)
	}
}

func TestUnknownSettingPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("an unknown setting name did not panic")
		}
	}()
	readSettings(func(string) string { return "" }).get("ARENA_NO_SUCH")
}

// TestConfigCommand runs `arena config` end to end.
func TestConfigCommand(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		want    []string
		notWant []string
		err     string
	}{
		{name: "defaults", want: []string{"setting", "ARENA_ADDR", ":8080", "default", "OLLAMA_HOST"}},
		{name: "env and flag", env: map[string]string{"ARENA_SECRET": "a-long-enough-secret-value", "ARENA_DATABASE_URL": "postgres://u:pw@db/arena"},
			args:    []string{"-addr", "127.0.0.1:1"},
			want:    []string{"127.0.0.1:1", "flag -addr", "(set, hidden)", "postgres://u:xxxxx@db/arena", "env"},
			notWant: []string{"a-long-enough-secret-value", ":pw@"}},
		{name: "invalid value", env: map[string]string{"ARENA_LOG_LEVEL": "loud"}, want: []string{"loud"}, err: "would not start serve: ARENA_LOG_LEVEL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(context.Background(), append([]string{"config"}, tt.args...), func(k string) string { return tt.env[k] },
				strings.NewReader(""), &out, io.Discard)
			if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
				t.Fatalf("err = %v, want %q", err, tt.err)
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(out.String(), w) {
					t.Errorf("output shows %q:\n%s", w, out.String())
				}
			}
		})
	}
}

// TestHelp: every way of asking lists each command with its line, then
// serve's flags; an unknown command names the commands.
func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}, {"-help"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var out bytes.Buffer
			// A bad environment must not stop help.
			env := func(k string) string { return map[string]string{"ARENA_RATE_LIMIT": "lots"}[k] }
			if err := run(context.Background(), args, env, strings.NewReader(""), &out, io.Discard); err != nil {
				t.Fatal(err)
			}
			for _, c := range commands() {
				if !strings.Contains(out.String(), "  "+c.name) || !strings.Contains(out.String(), c.summary) {
					t.Errorf("help lacks %s:\n%s", c.name, out.String())
				}
			}
			cmdsAt, flagsAt := strings.Index(out.String(), "commands:"), strings.Index(out.String(), "serve flags:")
			if cmdsAt < 0 || flagsAt < cmdsAt || !strings.Contains(out.String(), "-rate-limit int") || !strings.Contains(out.String(), "-addr string") {
				t.Errorf("help does not list the commands, then serve's flags:\n%s", out.String())
			}
		})
	}
	var stderr bytes.Buffer
	err := run(context.Background(), []string{"serv"}, func(string) string { return "" }, strings.NewReader(""), io.Discard, &stderr)
	if err == nil || !strings.Contains(err.Error(), `unknown command "serv"`) || !strings.Contains(err.Error(), "serve, config, import") {
		t.Errorf("unknown command: %v", err)
	}
	if !strings.Contains(stderr.String(), "commands:") {
		t.Errorf("unknown command prints no usage:\n%s", stderr.String())
	}
}
