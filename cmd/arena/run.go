package main

import (
	"context"
	"fmt"
	"io"
	"strings"
)

// commandIO is what a command may touch of the process: run hands every
// command the same one, so tests can drive each in-process.
type commandIO struct {
	getenv         func(string) string
	stdin          io.Reader
	stdout, stderr io.Writer
}

// command is one line of `arena help` and what it runs.
type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, io commandIO) error
}

// commands lists every subcommand in the order help shows them. It is a
// function, not a variable, because help refers back to the list.
func commands() []command {
	return []command{
		{"serve", "serve the arena (default)", func(ctx context.Context, args []string, c commandIO) error {
			return runServe(ctx, args, c.getenv, c.stdout, c.stderr)
		}},
		{"config", "print the effective settings and where each comes from (takes the serve flags)", func(ctx context.Context, args []string, c commandIO) error {
			return runConfig(args, c.getenv, c.stdout, c.stderr)
		}},
		{"import", "import contenders or pre-generated outputs or released battles (arena import outputs FILE.jsonl)", func(ctx context.Context, args []string, c commandIO) error {
			return runImport(ctx, args, c.getenv, c.stdout, c.stderr)
		}},
		{"export", "write the public battle release (arena export battles --out FILE.json)", func(ctx context.Context, args []string, c commandIO) error {
			return runExport(ctx, args, c.getenv, c.stdout, c.stderr)
		}},
		{"contenders", "list a local Ollama's models as contenders (arena contenders discover [-add])", func(ctx context.Context, args []string, c commandIO) error {
			return runContenders(ctx, args, c.getenv, c.stdout, c.stderr)
		}},
		{"ratings", "run the rating engine on a battles CSV file", func(ctx context.Context, args []string, c commandIO) error {
			return runRatings(ctx, args, c.stdout, c.stderr)
		}},
		{"simulate", "write synthetic battles drawn from known strengths", func(ctx context.Context, args []string, c commandIO) error {
			return runSimulate(ctx, args, c.stdout, c.stderr)
		}},
		{"admin", "manage admin accounts (arena admin create --username NAME)", func(ctx context.Context, args []string, c commandIO) error {
			return runAdmin(ctx, args, c.getenv, c.stdin, c.stdout, c.stderr)
		}},
		{"help", "show this help", func(ctx context.Context, args []string, c commandIO) error {
			return runHelp(c.stdout)
		}},
	}
}

// helpWords reach help although they start with a dash: without this,
// `arena -h` would be taken as serve's flags and show those alone.
var helpWords = map[string]bool{"-h": true, "-help": true, "--help": true}

// run is the whole program: main only wires the process environment into it,
// so tests can drive every subcommand in-process.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	name := "serve"
	if len(args) > 0 && (!strings.HasPrefix(args[0], "-") || helpWords[args[0]]) {
		name, args = args[0], args[1:]
	}
	if helpWords[name] {
		name = "help"
	}
	c := commandIO{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	for _, cmd := range commands() {
		if cmd.name == name {
			return cmd.run(ctx, args, c)
		}
	}
	fmt.Fprint(stderr, usageText())
	return fmt.Errorf("unknown command %q; the commands are %s", name, strings.Join(commandNames(), ", "))
}

// commandNames are the names of the commands, in help's order.
func commandNames() []string {
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	return names
}

// usageText is the first part of help: the commands, one line each.
func usageText() string {
	var b strings.Builder
	b.WriteString("usage: arena [command] [flags]\n\ncommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-11s %s\n", c.name, c.summary)
	}
	return b.String()
}

// runHelp prints the commands, then serve's flags (serve is the default
// command, so its flags are the ones `arena -addr …` takes). The flags show
// the built-in defaults: help must work whatever the environment holds, and
// `arena config` is there to show the effective values.
func runHelp(stdout io.Writer) error {
	fs := newServeFlags(stdout)
	if err := readSettings(func(string) string { return "" }).bindServeFlags(fs); err != nil {
		return err
	}
	fs.Usage()
	return nil
}
