package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"openarena.dev/arena/llm"
	"openarena.dev/arena/models"
)

const contendersUsage = `usage:
  arena contenders discover [-ollama URL] [-add] [-db URL]
      list the models a local Ollama has pulled, with the contender slug each
      would get; with -add, create those that are not contenders yet

flags:
  -ollama URL  Ollama's address (OLLAMA_HOST, default http://127.0.0.1:11434)
  -add         create the new contenders; without it nothing is written
  -db URL      postgres:// URL or SQLite file (ARENA_DATABASE_URL, default data/arena.db)
`

// defaultOllama is where a local Ollama listens unless OLLAMA_HOST says
// otherwise.
const defaultOllama = "http://127.0.0.1:11434"

// discoverTimeout bounds the question to Ollama: a silent port must not hang
// the command.
const discoverTimeout = 5 * time.Second

// runContenders dispatches `arena contenders SUBCOMMAND`.
func runContenders(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "discover" {
		fmt.Fprint(stderr, contendersUsage)
		if len(args) == 0 {
			return errors.New("contenders needs a subcommand (discover)")
		}
		return fmt.Errorf("unknown contenders subcommand %q (want discover)", args[0])
	}
	return runDiscover(ctx, args[1:], getenv, stdout, stderr)
}

// discovered is one Ollama model and the contender it would become.
type discovered struct {
	model string
	c     models.Contender
	skip  string // why it cannot be added, or ""
}

// runDiscover lists an Ollama's models as contenders and, with -add, creates
// the missing ones. Existing contenders are never changed: their names and
// organisation may be the admin's work.
func runDiscover(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("contenders discover", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, contendersUsage) }
	sv := readSettings(getenv)
	for _, env := range []string{"OLLAMA_HOST", "ARENA_DATABASE_URL"} {
		if err := sv.bindFlag(fs, env); err != nil {
			return err
		}
	}
	add := fs.Bool("add", false, "create the new contenders")
	if err := sv.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return fmt.Errorf("contenders discover takes no arguments, got %q", fs.Args())
	}
	root, err := ollamaRoot(sv.get("OLLAMA_HOST"))
	if err != nil {
		return err
	}
	shown := redactURL(root)

	names, err := askOllama(ctx, root, shown)
	if err != nil {
		return err
	}
	if len(names) == 0 {
		fmt.Fprintf(stdout, "Ollama at %s has no models; pull one first (ollama pull llama3.2).\n", shown)
		return nil
	}

	found := discoverContenders(root, names)
	if !*add {
		fmt.Fprintf(stdout, "Ollama at %s has %d models:\n", shown, len(names))
		printDiscovered(stdout, found, nil)
		fmt.Fprintln(stdout, "Nothing was added. Run again with -add to create these contenders (existing slugs are left as they are).")
		return nil
	}
	return reportDiscovered(ctx, sv.get("ARENA_DATABASE_URL"), shown, len(names), found, stdout)
}

// reportDiscovered adds the discovered contenders whose slugs are free and
// reports what became of each model.
func reportDiscovered(ctx context.Context, dsn, shown string, nModels int, found []discovered, stdout io.Writer) error {
	var demoNote strings.Builder
	status, added, err := addDiscovered(ctx, dsn, found, &demoNote)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Ollama at %s has %d models:\n", shown, nModels)
	printDiscovered(stdout, found, status)
	fmt.Fprintf(stdout, "%d contenders added to %s, %d already there.\n", added, describeDSN(dsn), len(found)-added)
	if added > 0 {
		fmt.Fprintln(stdout, "They take part in live battles now. Fill in each one's organization and aliases"+
			" (arena import contenders FILE.json) so that answers naming their maker are caught.")
	}
	fmt.Fprint(stdout, demoNote.String())
	return nil
}

// askOllama lists the models the Ollama at root has pulled; shown is root
// as it may be printed. Its errors tell a missing Ollama from a server
// that is not one.
func askOllama(ctx context.Context, root, shown string) ([]string, error) {
	dctx, cancel := context.WithTimeout(ctx, discoverTimeout)
	defer cancel()
	names, err := llm.DiscoverOllama(dctx, root, nil)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			return nil, fmt.Errorf("no Ollama answered at %s; start it or pass -ollama URL", shown)
		}
		return nil, fmt.Errorf("%s answered, but not as Ollama does: %w", shown, err)
	}
	return names, nil
}

// addDiscovered creates the found contenders whose slugs are free in the
// database at dsn, all in one go, and returns what became of each model
// and how many were added. Adding a model ends the demo; what that did is
// written to demoNote.
func addDiscovered(ctx context.Context, dsn string, found []discovered, demoNote io.Writer) (map[string]string, int, error) {
	store, err := openStore(ctx, dsn)
	if err != nil {
		return nil, 0, err
	}
	defer store.Close()
	existing, err := store.Contenders(ctx)
	if err != nil {
		return nil, 0, err
	}
	have := map[string]bool{}
	for _, c := range existing {
		have[c.Slug] = true
	}
	status := map[string]string{}
	var fresh []models.Contender
	for _, d := range found {
		switch {
		case d.skip != "":
			status[d.model] = "not added: " + d.skip
		case have[d.c.Slug]:
			status[d.model] = "already a contender, left as it is"
		default:
			status[d.model] = "added"
			fresh = append(fresh, d.c)
		}
	}
	if len(fresh) > 0 {
		if _, err := store.UpsertContenders(ctx, fresh, nil); err != nil {
			return nil, 0, fmt.Errorf("add contenders: %w (nothing was added)", err)
		}
		if err := checkDemo(ctx, store, "cli: contenders discover", demoNote); err != nil {
			return nil, 0, err
		}
	}
	return status, len(fresh), nil
}

// discoverContenders proposes a contender for each model, marking the ones
// whose slug is unusable or already taken by an earlier model of the list.
func discoverContenders(root string, names []string) []discovered {
	out := make([]discovered, 0, len(names))
	owner := map[string]string{}
	for _, name := range names {
		p := llm.ProviderConfig{Kind: llm.KindOpenAI, BaseURL: root + "/v1", Model: name}
		d := discovered{model: name, c: models.Contender{
			Slug:        ollamaSlug(name),
			DisplayName: strings.TrimSuffix(name, ":latest"),
			Provider:    providerOf(&p),
		}}
		switch {
		case !slugPattern.MatchString(d.c.Slug):
			d.skip = "the name makes no valid slug (at most 128 characters)"
		case len(name) > 256:
			d.skip = "the name is longer than 256 characters"
		case p.Validate() != nil:
			d.skip = p.Validate().Error()
		case owner[d.c.Slug] != "":
			d.skip = fmt.Sprintf("same slug as %s", owner[d.c.Slug])
		default:
			owner[d.c.Slug] = name
		}
		out = append(out, d)
	}
	return out
}

func printDiscovered(w io.Writer, found []discovered, status map[string]string) {
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  MODEL\tCONTENDER SLUG\t")
	for _, d := range found {
		note := d.skip
		if status != nil {
			note = status[d.model]
		} else if note != "" {
			note = "cannot be added: " + note
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", d.model, d.c.Slug, note)
	}
	tw.Flush()
	for line := range strings.Lines(buf.String()) {
		fmt.Fprintln(w, strings.TrimRight(line, " \n"))
	}
}

// ollamaSlug is the contender slug of an Ollama model: "ollama-" and the
// name in lower case, with every run of characters other than letters,
// digits and . _ + - (such as the tag's ":" and a namespace's "/") turned
// into one "-": "llama3.2:latest" → "ollama-llama3.2-latest".
func ollamaSlug(model string) string {
	var b strings.Builder
	b.WriteString("ollama-")
	dash := true // after "ollama-"
	for _, r := range strings.ToLower(model) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '_', r == '+':
			b.WriteRune(r)
			dash = false
		case !dash:
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimRight(b.String(), "-")
}

// ollamaRoot turns an -ollama value or OLLAMA_HOST into Ollama's root URL, as
// Ollama reads OLLAMA_HOST: without a scheme it is http on port 11434
// ("0.0.0.0", "localhost:11434"); a trailing "/v1" (the OpenAI-compatible
// root) is dropped.
func ollamaRoot(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if !strings.Contains(s, "://") {
		host, path, _ := strings.Cut(s, "/")
		if _, _, err := net.SplitHostPort(host); err != nil {
			host = net.JoinHostPort(strings.Trim(host, "[]"), "11434")
		}
		s = "http://" + host
		if path != "" {
			s += "/" + path
		}
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" {
		return "", fmt.Errorf("the Ollama address %q (-ollama or OLLAMA_HOST) is not an http(s) address such as %s", raw, defaultOllama)
	}
	u.RawQuery, u.Fragment = "", ""
	root := strings.TrimRight(u.String(), "/")
	return strings.TrimSuffix(root, "/v1"), nil
}

// hintOllama tells the operator, once at start-up, that a local Ollama
// answers and how to add its models. It adds nothing itself, and it gives up
// quietly after a second: most machines run no Ollama.
func hintOllama(ctx context.Context, getenv func(string) string, stdout io.Writer) {
	root, err := ollamaRoot(settingString(getenv, "OLLAMA_HOST"))
	if err != nil {
		return
	}
	dctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	names, err := llm.DiscoverOllama(dctx, root, nil)
	if err != nil || len(names) == 0 {
		return
	}
	fmt.Fprintf(stdout, "A local Ollama at %s has %d models; to let them answer live prompts run: arena contenders discover -add\n",
		redactURL(root), len(names))
}
