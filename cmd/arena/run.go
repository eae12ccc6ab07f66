package main

import (
	"context"
	"fmt"
	"io"
	"strings"
)

// usage is printed for `arena help` and for an unknown subcommand.
const usage = `usage: arena [command] [flags]

commands:
  serve       serve the arena (default)
  import      import contenders or pre-generated outputs or released battles (arena import outputs FILE.jsonl)
  export      write the public battle release (arena export battles --out FILE.json)
  contenders  list a local Ollama's models as contenders (arena contenders discover [-add])
  ratings     run the rating engine on a battles CSV file
  simulate    write synthetic battles drawn from known strengths
  admin       manage admin accounts (arena admin create --username NAME)
  help        show this help
`

// run is the whole program: main only wires the process environment into it,
// so tests can drive every subcommand in-process.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return runServe(ctx, args, getenv, stdout, stderr)
	case "import":
		return runImport(ctx, args, getenv, stdout, stderr)
	case "export":
		return runExport(ctx, args, getenv, stdout, stderr)
	case "contenders":
		return runContenders(ctx, args, getenv, stdout, stderr)
	case "ratings":
		return runRatings(ctx, args, stdout, stderr)
	case "admin":
		return runAdmin(ctx, args, getenv, stdin, stdout, stderr)
	case "simulate":
		return runSimulate(ctx, args, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
}
