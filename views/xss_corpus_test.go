package views

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// corpusPayload is one line of testdata/xss.txt, decoded.
type corpusPayload struct {
	line int
	text string
}

// readCorpus reads testdata/xss.txt in the format documented on its first
// line.
func readCorpus(t *testing.T) []corpusPayload {
	t.Helper()
	f, err := os.Open("testdata/xss.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []corpusPayload
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		text, err := decodeCorpusLine(line)
		if err != nil {
			t.Fatalf("testdata/xss.txt:%d: %v", n, err)
		}
		out = append(out, corpusPayload{line: n, text: text})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// decodeCorpusLine undoes the escapes of the corpus format: \n \t \r \\ and
// \u{HEX}; any other backslash stays as it is.
func decodeCorpusLine(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		switch s[i+1] {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case '\\':
			b.WriteByte('\\')
		case 'u':
			if i+2 < len(s) && s[i+2] == '{' {
				end := strings.IndexByte(s[i+3:], '}')
				if end < 0 {
					return "", fmt.Errorf("unterminated \\u{ at byte %d", i)
				}
				v, err := strconv.ParseUint(s[i+3:i+3+end], 16, 32)
				if err != nil {
					return "", fmt.Errorf("bad \\u{} at byte %d: %v", i, err)
				}
				b.WriteRune(rune(v))
				i += 3 + end
				continue
			}
			b.WriteString(`\u`)
		default:
			b.WriteByte('\\')
			b.WriteByte(s[i+1])
		}
		i++
	}
	return b.String(), nil
}

func TestDecodeCorpusLine(t *testing.T) {
	tests := []struct{ in, want string }{
		{`a\nb`, "a\nb"},
		{`java\tscript:`, "java\tscript:"},
		{`\\n`, `\n`},
		{`x\u{200B}y`, "x\u200by"},
		{`\u{0}`, "\x00"},
		{`\[not a link\]`, `\[not a link\]`},
		{`end\`, `end\`},
	}
	for _, tt := range tests {
		got, err := decodeCorpusLine(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("decodeCorpusLine(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

// forbiddenElements must never appear in rendered output, whatever the input.
var forbiddenElements = map[string]bool{
	"script": true, "iframe": true, "frame": true, "frameset": true, "object": true,
	"embed": true, "applet": true, "style": true, "link": true, "base": true,
	"meta": true, "form": true, "button": true, "select": true, "textarea": true,
	"svg": true, "math": true, "img": true, "video": true, "audio": true,
	"source": true, "template": true, "noscript": true, "details": true,
	"marquee": true, "isindex": true, "plaintext": true, "input": true,
}

// allowedElements is everything RenderMarkdown is meant to emit. An element
// outside it is a failure even if it is not known to be dangerous.
var allowedElements = map[string]bool{
	"p": true, "br": true, "hr": true, "blockquote": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"ul": true, "ol": true, "li": true, "strong": true, "em": true, "del": true,
	"code": true, "pre": true, "span": true, "a": true,
	"table": true, "thead": true, "tbody": true, "tr": true, "th": true, "td": true,
}

// urlAttributes are attributes a browser resolves as URLs.
var urlAttributes = map[string]bool{
	"href": true, "src": true, "action": true, "formaction": true, "data": true,
	"background": true, "poster": true, "srcset": true, "cite": true,
	"xlink:href": true, "codebase": true, "dynsrc": true, "lowsrc": true,
}

// checkSafe reports every way rendered output could run script or load
// something: it parses the HTML as a browser would (inside <body>) and
// inspects every element and attribute.
func checkSafe(out string) []string {
	var problems []string
	if strings.Contains(strings.ToLower(out), "<script") {
		problems = append(problems, "raw output contains <script")
	}
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(out), body)
	if err != nil {
		return append(problems, "output does not parse: "+err.Error())
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			name := n.Data
			if n.Namespace != "" {
				problems = append(problems, fmt.Sprintf("foreign-namespace element %s:%s", n.Namespace, name))
			}
			if forbiddenElements[name] {
				problems = append(problems, "forbidden element <"+name+">")
			} else if !allowedElements[name] {
				problems = append(problems, "unexpected element <"+name+">")
			}
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				if a.Namespace != "" {
					key = a.Namespace + ":" + key
				}
				switch {
				case strings.HasPrefix(key, "on"):
					problems = append(problems, fmt.Sprintf("event handler %s=%q on <%s>", key, a.Val, name))
				case key == "style" || key == "srcdoc":
					problems = append(problems, fmt.Sprintf("attribute %s on <%s>", key, name))
				case urlAttributes[key]:
					if p := badURL(a.Val); p != "" {
						problems = append(problems, fmt.Sprintf("%s=%q on <%s>: %s", key, a.Val, name, p))
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return problems
}

// badURL says why a URL attribute value is unsafe, or "" if it is an
// http(s) or mailto URL. Browsers ignore ASCII whitespace and control
// characters inside a scheme, so they are removed before looking at it.
func badURL(v string) string {
	clean := strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToLower(v))
	for _, s := range []string{"javascript:", "vbscript:", "data:", "file:"} {
		if strings.HasPrefix(clean, s) {
			return "dangerous scheme " + s
		}
	}
	if !(strings.HasPrefix(clean, "http:") || strings.HasPrefix(clean, "https:") || strings.HasPrefix(clean, "mailto:")) {
		return "not an http(s) or mailto URL"
	}
	return ""
}

func TestXSSCorpus(t *testing.T) {
	corpus := readCorpus(t)
	if len(corpus) < 50 {
		t.Fatalf("corpus has %d payloads, want at least 50", len(corpus))
	}
	for _, p := range corpus {
		t.Run("line"+strconv.Itoa(p.line), func(t *testing.T) {
			out := RenderMarkdown(p.text)
			for _, problem := range checkSafe(out) {
				t.Errorf("payload %q\nrendered %q\n%s", p.text, out, problem)
			}
			// Sanitising again must change nothing: output that mutates
			// when re-parsed (mXSS) would show up here.
			if again := policy().Sanitize(out); again != out {
				t.Errorf("payload %q: output not stable under re-sanitising:\n first %q\nsecond %q", p.text, out, again)
			}
		})
	}
}

// TestXSSCorpusWrapped puts each payload inside common Markdown containers,
// where the parser is in a different state.
func TestXSSCorpusWrapped(t *testing.T) {
	wrappers := []struct{ name, before, after string }{
		{"quote", "> ", ""},
		{"list", "- ", ""},
		{"emphasis", "*", "*"},
		{"link text", "[", "](https://example.com)"},
		{"table", "| a |\n|---|\n| ", " |"},
		{"after paragraph", "text\n", ""},
	}
	for _, p := range readCorpus(t) {
		for _, w := range wrappers {
			out := RenderMarkdown(w.before + p.text + w.after)
			for _, problem := range checkSafe(out) {
				t.Errorf("line %d in %s: %q\nrendered %q\n%s", p.line, w.name, p.text, out, problem)
			}
		}
	}
}

// TestCheckSafeCatches guards the checker itself: if it stopped seeing
// these, the corpus tests would pass vacuously.
func TestCheckSafeCatches(t *testing.T) {
	bad := []string{
		`<script>alert(1)</script>`,
		`<img src=x onerror=alert(1)>`,
		`<a href="java&#x09;script:alert(1)">x</a>`,
		`<a href="data:text/html,x">x</a>`,
		`<a href="/relative">x</a>`,
		`<p style="color:red">x</p>`,
		`<iframe></iframe>`,
		`<svg><a href="https://example.com">x</a></svg>`,
		`<input type="checkbox" disabled>`,
		`<form></form>`,
	}
	for _, b := range bad {
		if len(checkSafe(b)) == 0 {
			t.Errorf("checkSafe(%q) found nothing", b)
		}
	}
	if p := checkSafe(`<p><a href="https://example.com" rel="nofollow">x</a> <a href="http:">y</a> <span class="k">z</span></p>`); len(p) != 0 {
		t.Errorf("checkSafe flagged safe HTML: %v", p)
	}
}

// TestPolicyAloneBlocksCorpus feeds the corpus straight to the sanitiser, as
// if the Markdown step had passed raw HTML through (html.WithUnsafe, or a
// goldmark bug): the last step must hold on its own.
func TestPolicyAloneBlocksCorpus(t *testing.T) {
	unsafeMD := goldmark.New(
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithRendererOptions(gmhtml.WithUnsafe()),
	)
	for _, p := range readCorpus(t) {
		var buf bytes.Buffer
		if err := unsafeMD.Convert([]byte(p.text), &buf); err != nil {
			t.Fatal(err)
		}
		for name, in := range map[string]string{"raw": p.text, "unsafe goldmark": buf.String()} {
			out := policy().Sanitize(in)
			for _, problem := range checkSafe(out) {
				t.Errorf("line %d, %s: %q\nsanitised %q\n%s", p.line, name, in, out, problem)
			}
		}
	}
}

// FuzzRenderMarkdown mutates the corpus looking for output that breaks the
// safety rules, or a panic.
func FuzzRenderMarkdown(f *testing.F) {
	f.Add("**b** [x](https://example.com) ![i](https://example.com/i.png)\n\n```go\nx := 1\n```")
	// The corpus is read by hand here: readCorpus needs a *testing.T.
	data, err := os.ReadFile("testdata/xss.txt")
	if err != nil {
		f.Fatal(err)
	}
	for line := range strings.Lines(string(data)) {
		line = strings.TrimSuffix(line, "\n")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if text, err := decodeCorpusLine(line); err == nil {
			f.Add(text)
		}
	}
	f.Fuzz(func(t *testing.T, src string) {
		out := RenderMarkdown(src)
		for _, problem := range checkSafe(out) {
			t.Errorf("input %q\nrendered %q\n%s", src, out, problem)
		}
	})
}
