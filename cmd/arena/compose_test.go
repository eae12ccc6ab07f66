package main

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The deployment files live at the repository root; no Docker engine is
// needed to check that they describe a working stack.
const (
	composePath    = "../../docker-compose.yml"
	dockerfilePath = "../../Dockerfile"
)

type composeFile struct {
	Services map[string]composeService `yaml:"services"`
	Volumes  map[string]any            `yaml:"volumes"`
}

type composeService struct {
	Image       string `yaml:"image"`
	Build       any    `yaml:"build"`       // "." or {context, dockerfile}
	Environment any    `yaml:"environment"` // map or list of KEY=VALUE
	Volumes     []any  `yaml:"volumes"`     // "src:dst[:mode]" or {type, source, target}
	Ports       []any  `yaml:"ports"`       // "8080:8080" or {target, published}
	DependsOn   any    `yaml:"depends_on"`  // list or map of {condition}
	Healthcheck *struct {
		Test     any    `yaml:"test"` // string or list
		Interval string `yaml:"interval"`
		Timeout  string `yaml:"timeout"`
		Retries  int    `yaml:"retries"`
	} `yaml:"healthcheck"`
}

func loadCompose(t *testing.T) composeFile {
	t.Helper()
	b, err := os.ReadFile(composePath)
	if err != nil {
		t.Fatalf("read docker-compose.yml: %v", err)
	}
	var c composeFile
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatalf("parse docker-compose.yml: %v", err)
	}
	return c
}

func service(t *testing.T, c composeFile, name string) composeService {
	t.Helper()
	s, ok := c.Services[name]
	if !ok {
		t.Fatalf("docker-compose.yml has no service %q (has %v)", name, keys(c.Services))
	}
	return s
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// defaultVar resolves ${NAME:-default} and ${NAME-default} to their default,
// as compose would with the variable unset; other text is left alone.
var defaultVar = regexp.MustCompile(`\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}`)

func interpolate(s string) string { return defaultVar.ReplaceAllString(s, "$1") }

// env returns a service's environment whichever of the two forms it uses.
func env(t *testing.T, s composeService) map[string]string {
	t.Helper()
	out := map[string]string{}
	switch e := s.Environment.(type) {
	case nil:
	case map[string]any:
		for k, v := range e {
			if v == nil {
				out[k] = ""
				continue
			}
			out[k] = interpolate(strings.TrimSpace(fmt.Sprint(v)))
		}
	case []any:
		for _, item := range e {
			kv, _ := item.(string)
			k, v, _ := strings.Cut(kv, "=")
			out[k] = interpolate(v)
		}
	default:
		t.Fatalf("environment has unexpected form %T", e)
	}
	return out
}

func TestComposeDatabaseService(t *testing.T) {
	c := loadCompose(t)
	db := service(t, c, "db")

	if !strings.HasPrefix(db.Image, "postgres:16") {
		t.Errorf("db image = %q, want postgres:16…", db.Image)
	}
	e := env(t, db)
	for _, k := range []string{"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"} {
		if e[k] == "" {
			t.Errorf("db environment lacks %s", k)
		}
	}

	t.Run("healthcheck", func(t *testing.T) {
		hc := db.Healthcheck
		if hc == nil {
			t.Fatal("db has no healthcheck: app's depends_on service_healthy would never be met")
		}
		var test string
		switch v := hc.Test.(type) {
		case string:
			test = v
		case []any:
			var parts []string
			for _, p := range v {
				parts = append(parts, fmt.Sprint(p))
			}
			test = strings.Join(parts, " ")
		}
		if !strings.Contains(test, "pg_isready") {
			t.Errorf("db healthcheck test = %q, want pg_isready", test)
		}
		if hc.Interval == "" || hc.Timeout == "" || hc.Retries <= 0 {
			t.Errorf("db healthcheck interval=%q timeout=%q retries=%d: want all set", hc.Interval, hc.Timeout, hc.Retries)
		}
	})

	t.Run("named volume", func(t *testing.T) {
		found := false
		for _, v := range db.Volumes {
			var src, dst string
			switch v := v.(type) {
			case string:
				parts := strings.Split(v, ":")
				if len(parts) >= 2 {
					src, dst = parts[0], parts[1]
				}
			case map[string]any:
				src, _ = v["source"].(string)
				dst, _ = v["target"].(string)
			}
			if dst != "/var/lib/postgresql/data" {
				continue
			}
			found = true
			if src == "" || strings.HasPrefix(src, ".") || strings.HasPrefix(src, "/") || strings.HasPrefix(src, "~") {
				t.Errorf("db data volume source %q is not a named volume", src)
				continue
			}
			if _, ok := c.Volumes[src]; !ok {
				t.Errorf("named volume %q is not declared under top-level volumes", src)
			}
		}
		if !found {
			t.Error("db has no volume at /var/lib/postgresql/data: data would be lost with the container")
		}
	})
}

// appServices are the arena replicas of the compose file.
var appServices = []string{"app", "app2"}

func TestComposeAppService(t *testing.T) {
	for _, name := range appServices {
		t.Run(name, func(t *testing.T) { checkAppService(t, name) })
	}
}

// checkAppService checks that one replica builds the arena, waits for the
// database, reaches it and publishes its port.
func checkAppService(t *testing.T, name string) {
	c := loadCompose(t)
	app := service(t, c, name)
	dbEnv := env(t, service(t, c, "db"))

	t.Run("build", func(t *testing.T) {
		buildCtx, dockerfile := "", "Dockerfile"
		switch b := app.Build.(type) {
		case string:
			buildCtx = b
		case map[string]any:
			buildCtx, _ = b["context"].(string)
			if d, ok := b["dockerfile"].(string); ok && d != "" {
				dockerfile = d
			}
		default:
			t.Fatalf("app build = %#v, want the repository root", app.Build)
		}
		if filepath.Clean(buildCtx) != "." {
			t.Errorf("app build context = %q, want .", buildCtx)
		}
		if _, err := os.Stat(filepath.Join("../..", buildCtx, dockerfile)); err != nil {
			t.Errorf("app Dockerfile: %v", err)
		}
	})

	t.Run("depends on healthy db", func(t *testing.T) {
		deps, ok := app.DependsOn.(map[string]any)
		if !ok {
			t.Fatalf("app depends_on = %#v, want a map with db: {condition: service_healthy}", app.DependsOn)
		}
		db, _ := deps["db"].(map[string]any)
		if cond, _ := db["condition"].(string); cond != "service_healthy" {
			t.Errorf("app depends_on db condition = %q, want service_healthy", cond)
		}
	})

	t.Run("database url", func(t *testing.T) {
		raw := env(t, app)["ARENA_DATABASE_URL"]
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatalf("ARENA_DATABASE_URL %q: %v", raw, err)
		}
		pass, _ := u.User.Password()
		port := u.Port()
		if port == "" {
			port = "5432"
		}
		for _, tc := range []struct{ what, got, want string }{
			{"scheme", strings.TrimSuffix(u.Scheme, "ql"), "postgres"},
			{"host", u.Hostname(), "db"},
			{"port", port, "5432"},
			{"user", u.User.Username(), dbEnv["POSTGRES_USER"]},
			{"password", pass, dbEnv["POSTGRES_PASSWORD"]},
			{"database", strings.TrimPrefix(u.Path, "/"), dbEnv["POSTGRES_DB"]},
		} {
			if tc.got != tc.want || tc.want == "" {
				t.Errorf("ARENA_DATABASE_URL %s = %q, want %q (from the db service)", tc.what, tc.got, tc.want)
			}
		}
	})

	t.Run("publishes 8080", func(t *testing.T) {
		for _, p := range app.Ports {
			switch p := p.(type) {
			case string:
				// [ip:]published:target[/proto]
				spec, _, _ := strings.Cut(p, "/")
				if strings.HasSuffix(spec, ":8080") {
					return
				}
			case map[string]any:
				if fmt.Sprint(p["target"]) == "8080" {
					return
				}
			}
		}
		t.Errorf("app ports %v do not publish container port 8080", app.Ports)
	})

	t.Run("listens on 8080", func(t *testing.T) {
		if addr, ok := env(t, app)["ARENA_ADDR"]; ok && !strings.HasSuffix(addr, ":8080") {
			t.Errorf("ARENA_ADDR = %q, but port 8080 is the one published", addr)
		}
	})
}

// TestComposeReplicas: the replicas are copies of one server on one
// database, with one secret (else a voter's cookie would not be valid on
// the other), each published on its own host port.
func TestComposeReplicas(t *testing.T) {
	c := loadCompose(t)
	first := service(t, c, appServices[0])
	hostPorts := map[string]string{}
	for _, name := range appServices {
		s := service(t, c, name)
		if fmt.Sprint(s.Build) != fmt.Sprint(first.Build) || s.Image != first.Image {
			t.Errorf("%s builds %v as %q, %s %v as %q: want the same image", name, s.Build, s.Image, appServices[0], first.Build, first.Image)
		}
		for _, k := range []string{"ARENA_DATABASE_URL", "ARENA_SECRET"} {
			if got, want := env(t, s)[k], env(t, first)[k]; got != want || got == "" {
				t.Errorf("%s %s = %q, %s has %q: want the same", name, k, got, appServices[0], want)
			}
		}
		for _, p := range s.Ports {
			spec, _, _ := strings.Cut(fmt.Sprint(p), "/")
			parts := strings.Split(spec, ":")
			if len(parts) < 2 {
				t.Errorf("%s port %q publishes no host port", name, spec)
				continue
			}
			host := parts[len(parts)-2]
			if other, dup := hostPorts[host]; dup {
				t.Errorf("%s and %s both publish host port %s", other, name, host)
			}
			hostPorts[host] = name
		}
	}
}

func TestDockerfile(t *testing.T) {
	b, err := os.ReadFile(dockerfilePath)
	if err != nil {
		t.Fatalf("read Dockerfile: %v", err)
	}
	// One instruction per line: drop comments, join continuation lines.
	var lines []string
	cont := false
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		next := strings.HasSuffix(l, "\\")
		l = strings.TrimSpace(strings.TrimSuffix(l, "\\"))
		if cont {
			lines[len(lines)-1] += " " + l
		} else {
			lines = append(lines, l)
		}
		cont = next
	}
	text := strings.Join(lines, "\n")
	count := func(re string) int {
		return len(regexp.MustCompile(`(?im)`+re).FindAllString(text, -1))
	}
	for _, tc := range []struct {
		name string
		re   string
		min  int
	}{
		{"multi-stage build (two FROM lines or more)", `^FROM\s`, 2},
		{"builds ./cmd/arena", `go build\b.*\./cmd/arena\b`, 1},
		{"static binary (CGO_ENABLED=0)", `CGO_ENABLED=0`, 1},
		{"exposes 8080", `^EXPOSE\s+8080\b`, 1},
		{"has an entrypoint", `^ENTRYPOINT\s`, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if n := count(tc.re); n < tc.min {
				t.Errorf("Dockerfile matches %q %d times, want at least %d", tc.re, n, tc.min)
			}
		})
	}

	t.Run("runs as a non-root user", func(t *testing.T) {
		users := regexp.MustCompile(`(?im)^USER\s+(\S+)`).FindAllStringSubmatch(text, -1)
		if len(users) == 0 {
			t.Fatal("Dockerfile sets no USER: the server would run as root")
		}
		last, _, _ := strings.Cut(users[len(users)-1][1], ":")
		if last == "root" || last == "0" {
			t.Errorf("final USER is %q, want a non-root user", last)
		}
	})
}
