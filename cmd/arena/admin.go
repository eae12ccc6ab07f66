package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/arena/accounts"
)

const adminUsage = `usage:
  arena admin create --username NAME   create an admin; the password is asked for
                                       on the terminal (not echoed) or read as the
                                       first line of standard input

flags:
  -db URL   postgres:// URL or SQLite file (ARENA_DATABASE_URL, default data/arena.db)
`

// runAdmin manages admin accounts. The password is never a flag: flags end
// up in shell history and in the process list.
func runAdmin(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) < 1 || args[0] != "create" {
		fmt.Fprint(stderr, adminUsage)
		if len(args) < 1 {
			return errors.New("admin needs a command: create")
		}
		return fmt.Errorf("unknown admin command %q (want create)", args[0])
	}
	fs := flag.NewFlagSet("admin create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, adminUsage) }
	sv := readSettings(getenv)
	if err := sv.bindFlag(fs, "ARENA_DATABASE_URL"); err != nil {
		return err
	}
	username := fs.String("username", "", "the new admin's username")
	if err := sv.parse(fs, args[1:]); err != nil {
		return err
	}
	if *username == "" || fs.NArg() != 0 {
		fs.Usage()
		return errors.New("admin create needs --username NAME and nothing else (the password is asked for)")
	}
	password, err := readPassword(stdin, stderr)
	if err != nil {
		return err
	}
	// Check the policy before touching the database, so a refused password
	// is reported at once.
	if err := accounts.CheckPassword(*username, password); err != nil {
		return err
	}
	store, err := openStore(ctx, sv.get("ARENA_DATABASE_URL"))
	if err != nil {
		return err
	}
	defer store.Close()
	a := arena.New(store, arena.Options{})
	ad, err := a.Accounts().CreateAdmin(ctx, "cli", *username, password)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Admin %q created; sign in at /admin.\n", ad.Username)
	return nil
}

// readPassword asks twice without echo on a terminal; otherwise it takes the
// first line of stdin, so scripts can pipe a password in.
func readPassword(stdin io.Reader, stderr io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stderr, "Password: ")
		p1, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		fmt.Fprint(stderr, "Repeat password: ")
		p2, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if string(p1) != string(p2) {
			return "", errors.New("the two passwords differ; nothing was created")
		}
		return string(p1), nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from standard input: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("no password given: type it when asked, or pipe it as the first line of standard input")
	}
	return line, nil
}

// announceSetup prints the one-time first-run address when the arena has no
// admin yet; the token in it is used up when the first admin is created.
func announceSetup(ctx context.Context, a *arena.Arena, addr string, stdout io.Writer) error {
	token, ok, err := a.Accounts().SetupToken(ctx)
	if err != nil || !ok {
		return err
	}
	fmt.Fprintf(stdout, "No admin yet: create the first one at http://%s/admin/setup?token=%s (or run: arena admin create --username NAME)\n", addr, token)
	return nil
}
