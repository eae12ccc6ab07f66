package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"openarena.dev/arena/arena/accounts"
	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// runWithStdin runs the binary's run function with stdin as standard input.
func runWithStdin(t *testing.T, dsn, stdin string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	getenv := func(k string) string {
		if k == "ARENA_DATABASE_URL" {
			return dsn
		}
		return ""
	}
	err := run(context.Background(), args, getenv, strings.NewReader(stdin), &out, &out)
	return out.String(), err
}

func TestAdminCreate(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			dsn := dsnFor(t, d)
			refused := []struct {
				name, stdin string
				args        []string
				want        string
			}{
				{"no username", "plum-tree-harbour-42\n", nil, "needs --username"},
				{"password as a flag", "", []string{"--username", "ana", "--password", "plum-tree-harbour-42"}, "flag provided but not defined"},
				{"no password", "", []string{"--username", "ana"}, "no password given"},
				{"short password", "short7\n", []string{"--username", "ana"}, "too short"},
				{"129-byte password", strings.Repeat("x", 129) + "\n", []string{"--username", "ana"}, "too long"},
				{"common password", "password123\n", []string{"--username", "ana"}, "most common"},
				{"common password in capitals", "PASSWORD123\n", []string{"--username", "ana"}, "most common"},
				{"bad username", "plum-tree-harbour-42\n", []string{"--username", "a b"}, "letters, digits"},
			}
			for _, tc := range refused {
				out, err := runWithStdin(t, dsn, tc.stdin, append([]string{"admin", "create"}, tc.args...)...)
				if err == nil || !strings.Contains(err.Error()+out, tc.want) {
					t.Errorf("%s: err %v, output %q; want a refusal saying %q", tc.name, err, out, tc.want)
				}
			}
			// A 128-byte password is the longest accepted; a CRLF line
			// ending is not part of it.
			long := strings.Repeat("q7", 64)
			out, err := runWithStdin(t, dsn, long+"\r\n", "admin", "create", "--username", "ana")
			if err != nil || !strings.Contains(out, `Admin "ana" created`) {
				t.Fatalf("create: %v\n%s", err, out)
			}
			if _, err := runWithStdin(t, dsn, "another-good-one-9\n", "admin", "create", "--username", "ana"); err == nil || !strings.Contains(err.Error(), "already exists") {
				t.Errorf("second ana: %v, want already exists", err)
			}

			store, err := models.Open(dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer store.Close()
			ad, err := store.AdminByUsername(t.Context(), "ana")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(ad.PasswordHash, "$argon2id$v=19$m=19456,t=2,p=1$") {
				t.Errorf("hash %q is not argon2id with OWASP parameters", ad.PasswordHash)
			}
			if ok, err := accounts.VerifyPassword(ad.PasswordHash, long); !ok || err != nil {
				t.Errorf("stored hash does not verify the password: %v %v", ok, err)
			}
			if n, _ := store.CountAdmins(t.Context()); n != 1 {
				t.Errorf("%d admins, want 1: refused attempts created some", n)
			}
			entries, _, err := store.AuditEntries(t.Context(), models.AuditFilter{Action: "admin.create"})
			if err != nil || len(entries) != 1 || entries[0].Actor != "cli" || entries[0].Target != "ana" {
				t.Errorf("audit entries %+v, %v; want one admin.create by cli on ana", entries, err)
			}
		})
	}
}

// TestServeFirstRunSetup runs the real serve command on an empty database: it
// must print a setup link that creates the first admin once and then stops
// working, and a restart must not offer one again.
func TestServeFirstRunSetup(t *testing.T) {
	dsn := storetest.SQLiteDSN(t)
	link := serveUntilLine(t, dsn, "/admin/setup?token=")
	u, err := url.Parse(strings.Fields(link[strings.Index(link, "http://"):])[0])
	if err != nil {
		t.Fatal(err)
	}
	token := u.Query().Get("token")
	if len(token) < 32 {
		t.Fatalf("setup token %q is too short to be unguessable", token)
	}
	if r := httpDo(t, "GET", u.String(), ""); r != http.StatusOK {
		t.Fatalf("setup page = %d", r)
	}
	form := url.Values{"token": {token}, "username": {"ana"}, "password": {"plum-tree-harbour-42"}}.Encode()
	base := u.Scheme + "://" + u.Host
	if r := httpDo(t, "POST", base+"/admin/setup", form); r != http.StatusSeeOther {
		t.Fatalf("setup = %d, want 303", r)
	}
	if r := httpDo(t, "POST", base+"/admin/setup", strings.Replace(form, "ana", "eve", 1)); r != http.StatusNotFound {
		t.Errorf("second setup with the same token = %d, want 404", r)
	}
	if line := serveUntilLine(t, dsn, "Arena is serving"); strings.Contains(line, "setup") {
		t.Errorf("restart offers setup again: %q", line)
	}
}

// serveUntilLine starts serve on dsn and returns the first output line
// containing want; serve is stopped when the test ends. A start-up that
// prints the serving line but not want within a second fails.
func serveUntilLine(t *testing.T, dsn, want string) string {
	t.Helper()
	env := map[string]string{"ARENA_DATABASE_URL": dsn, "ARENA_ADDR": "127.0.0.1:0", "ARENA_LOG_LEVEL": "warn"}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, func(k string) string { return env[k] }, strings.NewReader(""), pw, io.Discard)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Error("serve did not stop")
		}
	})
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	timeout := time.After(15 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("serve ended before printing %q", want)
			}
			if strings.Contains(l, want) {
				go func() {
					for range lines {
					}
				}()
				return l
			}
		case <-timeout:
			t.Fatalf("serve printed no line with %q", want)
		}
	}
}

func httpDo(t *testing.T, method, u, form string) int {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(form))
	if err != nil {
		t.Fatal(err)
	}
	if form != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
