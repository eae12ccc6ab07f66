package views

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// link is the attribute tail the sanitiser puts on every absolute http(s)
// link.
const link = `rel="nofollow noreferrer noopener" target="_blank"`

func TestRenderMarkdown(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"paragraph", "Hello, world.", "<p>Hello, world.</p>\n"},
		{"headings", "# One\n## Two\n###### Six", "<h1>One</h1>\n<h2>Two</h2>\n<h6>Six</h6>\n"},
		{"emphasis", "**bold** *em* ~~gone~~", "<p><strong>bold</strong> <em>em</em> <del>gone</del></p>\n"},
		{"inline code", "use `a < b` here", "<p>use <code>a &lt; b</code> here</p>\n"},
		{"bullet list", "- a\n- b", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n"},
		{"ordered list keeps start", "3. c\n4. d", "<ol start=\"3\">\n<li>c</li>\n<li>d</li>\n</ol>\n"},
		{"nested list", "1. a\n   - b", "<ol>\n<li>a\n<ul>\n<li>b</li>\n</ul>\n</li>\n</ol>\n"},
		{"blockquote", "> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>\n"},
		{"rule", "a\n\n---\n\nb", "<p>a</p>\n<hr>\n<p>b</p>\n"},
		{"hard break", "a  \nb", "<p>a<br>\nb</p>\n"},
		{"haiku keeps its lines", "An old silent pond\nA frog jumps into the pond\nSplash! Silence again.",
			"<p>An old silent pond<br>\nA frog jumps into the pond<br>\nSplash! Silence again.</p>\n"},
		{"list items with a continued line", "- one\n  more\n- two", "<ul>\n<li>one<br>\nmore</li>\n<li>two</li>\n</ul>\n"},
		{"paragraphs stay paragraphs", "a\n\nb", "<p>a</p>\n<p>b</p>\n"},
		{"code block keeps newlines without breaks", "```\nx\ny\n```", `<pre class="chroma"><code>x` + "\ny\n</code></pre>\n"},
		{
			"table with alignment as attributes",
			"| l | c | r |\n|:--|:-:|--:|\n| 1 | 2 | 3 |",
			"<table>\n<thead>\n<tr>\n<th align=\"left\">l</th>\n<th align=\"center\">c</th>\n<th align=\"right\">r</th>\n</tr>\n</thead>\n" +
				"<tbody>\n<tr>\n<td align=\"left\">1</td>\n<td align=\"center\">2</td>\n<td align=\"right\">3</td>\n</tr>\n</tbody>\n</table>\n",
		},
		{"task list as characters", "- [x] done\n- [ ] todo", "<ul>\n<li>\u2611 done</li>\n<li>\u2610 todo</li>\n</ul>\n"},
		{"link", "[site](https://example.com/a?b=1&c=2 \"T\")", `<p><a href="https://example.com/a?b=1&amp;c=2" title="T" ` + link + `>site</a></p>` + "\n"},
		{"autolink", "<https://example.com>", `<p><a href="https://example.com" ` + link + `>https://example.com</a></p>` + "\n"},
		{"linkify www", "see www.example.com.", `<p>see <a href="http://www.example.com" ` + link + `>www.example.com</a>.</p>` + "\n"},
		{"mailto", "<me@example.com>", `<p><a href="mailto:me@example.com" rel="nofollow noreferrer">me@example.com</a></p>` + "\n"},
		{"reference link", "[x][r]\n\n[r]: https://example.com", `<p><a href="https://example.com" ` + link + `>x</a></p>` + "\n"},
		{"relative link keeps only text", "[home](/admin)", "<p>home</p>\n"},
		{"image becomes link", "![a cat](https://example.com/cat.png)", `<p><a href="https://example.com/cat.png" ` + link + `>a cat</a></p>` + "\n"},
		{"image without alt shows URL", "![](https://example.com/c.png)", `<p><a href="https://example.com/c.png" ` + link + `>https://example.com/c.png</a></p>` + "\n"},
		{"image inside link is its alt", "[![logo](https://example.com/l.png)](https://example.com)", `<p><a href="https://example.com" ` + link + `>logo</a></p>` + "\n"},
		{"inline HTML shown as text", "What does <b>x</b> do?", "<p>What does &lt;b&gt;x&lt;/b&gt; do?</p>\n"},
		{"HTML block shown as code", "<div>\nhi\n</div>", "<pre><code>&lt;div&gt;\nhi\n&lt;/div&gt;</code></pre>\n"},
		{"entities", "&copy; &amp; &lt;", "<p>© &amp; &lt;</p>\n"},
		{
			"fenced code highlighted with classes",
			"```go\nx := 1\n```",
			`<pre class="chroma"><code><span class="line"><span class="cl"><span class="nx">x</span><span class="w"> </span>` +
				`<span class="o">:=</span><span class="w"> </span><span class="mi">1</span><span class="w">` + "\n</span></span></span></code></pre>",
		},
		{
			"unknown language is plain",
			"```no-such-language\na <b>\n```",
			`<pre class="chroma"><code>a &lt;b&gt;` + "\n</code></pre>\n",
		},
		{"no language is plain", "```\nx\n```", `<pre class="chroma"><code>x` + "\n</code></pre>\n"},
		{"text is plain", "~~~text\nx\n~~~", `<pre class="chroma"><code>x` + "\n</code></pre>\n"},
		{"indented code", "    x = 1", "<pre><code>x = 1\n</code></pre>\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, RenderMarkdown(tt.in)); diff != "" {
				t.Errorf("RenderMarkdown(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestRenderMarkdownHighlightsLanguages(t *testing.T) {
	for _, lang := range []string{"python", "py", "js", "rust", "bash", "json", "c++", "GO"} {
		out := RenderMarkdown("```" + lang + "\nif x:\n  return \"s\" # c\n```")
		if !strings.Contains(out, `<pre class="chroma">`) || strings.Count(out, `<span class="`) < 4 {
			t.Errorf("%s: not highlighted: %q", lang, out)
		}
		if strings.Contains(out, "style=") {
			t.Errorf("%s: inline style in %q", lang, out)
		}
	}
}

func TestRenderMarkdownHighlightBudget(t *testing.T) {
	const line = "func f() { return }\n"
	plain := func(code string) string {
		return `<pre class="chroma"><code>` + code + "</code></pre>\n"
	}
	small := "```go\n" + line + "```\n"
	huge := strings.Repeat(line, highlightBudget/len(line)+1)

	// One block over the budget is plain, and a small block after it is
	// still highlighted: the budget is spent only by highlighted blocks.
	out := RenderMarkdown("```go\n" + huge + "```\n\n" + small)
	if !strings.HasPrefix(out, plain(huge)) {
		t.Errorf("huge block not plain: %q", out[:min(len(out), 120)])
	}
	if !strings.HasSuffix(out, `<span class="kd">func</span><span class="w"> </span><span class="nf">f</span><span class="p">()</span><span class="w"> </span><span class="p">{</span><span class="w"> </span><span class="k">return</span><span class="w"> </span><span class="p">}</span><span class="w">`+"\n</span></span></span></code></pre>") {
		t.Errorf("small block after huge one not highlighted: %q", out[len(out)-200:])
	}

	// Many blocks that each fit: the ones past the budget are plain.
	half := strings.Repeat(line, highlightBudget/len(line)/2)
	out = RenderMarkdown(strings.Repeat("```go\n"+half+"```\n\n", 3))
	if got := strings.Count(out, plain(half)); got != 1 {
		t.Errorf("%d plain blocks, want 1 (the third)", got)
	}
	if !strings.HasSuffix(out, plain(half)) {
		t.Error("the last block is not the plain one")
	}
}

func TestLimitNesting(t *testing.T) {
	deep := func(marker string, n int) string { return strings.Repeat(marker, n) + "x" }
	tests := []struct{ name, in, want string }{
		{"ordinary answer unchanged", sampleAnswer, sampleAnswer},
		{"32 bullets unchanged", deep("- ", 32), deep("- ", 32)},
		{"33rd bullet escaped", deep("- ", 33), strings.Repeat("- ", 32) + `\- x`},
		{"quotes", deep(">", 40), strings.Repeat(">", 32) + `\` + deep(">", 8)},
		{"spaced quotes", deep("> ", 33), strings.Repeat("> ", 32) + `\> x`},
		{"ordered escapes the delimiter", deep("1. ", 33), strings.Repeat("1. ", 32) + `1\. x`},
		{"mixed", deep("> * 2) ", 11), strings.Repeat("> * 2) ", 10) + "> * 2\\) x"},
		{"deep indentation counts", strings.Repeat(" ", 70) + "- x", strings.Repeat(" ", 70) + `\- x`},
		{"only the deep line changes", "a\n" + deep("- ", 33) + "\nb\n", "a\n" + strings.Repeat("- ", 32) + `\- x` + "\nb\n"},
		{"thematic break is not a marker", strings.Repeat("-", 100), strings.Repeat("-", 100)},
		{"indented code without markers", strings.Repeat(" ", 100) + "code", strings.Repeat(" ", 100) + "code"},
		{"numbers that are not markers", strings.Repeat("1.5 ", 50), strings.Repeat("1.5 ", 50)},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, limitNesting(tt.in)); diff != "" {
			t.Errorf("%s: limitNesting mismatch (-want +got):\n%s", tt.name, diff)
		}
	}
}

// TestRenderMarkdownDeepNestingIsBounded checks that hostile nesting renders
// as at most maxLineNesting levels, which is what keeps it fast.
func TestRenderMarkdownDeepNestingIsBounded(t *testing.T) {
	for _, in := range []string{
		strings.Repeat("- ", 20_000) + "x",
		strings.Repeat(">", 40_000) + "x",
		strings.Repeat("1. ", 10_000) + "x",
		strings.Repeat("> - ", 10_000) + "x",
	} {
		out := RenderMarkdown(in)
		if n := strings.Count(out, "<ul>") + strings.Count(out, "<ol>") + strings.Count(out, "<blockquote>"); n > maxLineNesting {
			t.Errorf("%q...: %d containers, want at most %d", in[:12], n, maxLineNesting)
		}
	}
}

// TestSanitiserKeepsHighlighting checks that the sanitiser lets through
// every class and element the chroma bridge emits; otherwise highlighting
// would be stripped silently.
func TestSanitiserKeepsHighlighting(t *testing.T) {
	src := "```go\npackage main\n\n// c\nfunc main() { fmt.Println(\"x\", 1, 2.5, true) }\n```\n\n" +
		"```python\n@dec\nclass A(B):\n    def f(self): return f\"{x}\"\n```\n\n" +
		"```html\n<!doctype html><a href=\"x\">&amp;</a>\n```\n"
	var buf bytes.Buffer
	if err := markdown().Convert([]byte(src), &buf); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), `class="`); n < 30 {
		t.Fatalf("only %d classes before sanitising: %q", n, buf.String())
	}
	if diff := cmp.Diff(buf.String(), RenderMarkdown(src)); diff != "" {
		t.Errorf("sanitiser changed highlighted code (-before +after):\n%s", diff)
	}
}

func TestHighlightCSS(t *testing.T) {
	css := HighlightCSS()
	dark := strings.Index(css, "@media (prefers-color-scheme: dark) {")
	if dark < 0 {
		t.Fatalf("no dark media query in:\n%s", css)
	}
	light, darkPart := css[:dark], css[dark:]
	for name, part := range map[string]string{"light": light, "dark": darkPart} {
		for _, sel := range []string{".chroma {", ".chroma .k {", ".chroma .s {", ".chroma .c {"} {
			if !strings.Contains(part, sel) {
				t.Errorf("%s part lacks %q", name, sel)
			}
		}
	}
	if strings.Contains(css, ".bg ") {
		t.Error("unscoped .bg rule present")
	}
	if strings.Count(css, "{") != strings.Count(css, "}") {
		t.Error("unbalanced braces")
	}
	if !strings.HasSuffix(strings.TrimSpace(css), "}") {
		t.Error("media block not closed")
	}
	if HighlightCSS() != css {
		t.Error("HighlightCSS not deterministic")
	}
}

// TestRenderMarkdownConcurrent runs renders in parallel; with -race it shows
// the shared goldmark instance, lexers and policy are safe to share.
func TestRenderMarkdownConcurrent(t *testing.T) {
	inputs := []string{sampleAnswer, "```rust\nfn main() {}\n```", "| a |\n|---|\n| b |", "![x](https://e.com/x.png)"}
	want := make([]string, len(inputs))
	for i, in := range inputs {
		want[i] = RenderMarkdown(in)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 20 {
				k := (g + i) % len(inputs)
				if got := RenderMarkdown(inputs[k]); got != want[k] {
					t.Errorf("concurrent render of input %d differs", k)
					return
				}
			}
		})
	}
	wg.Wait()
}

// sampleAnswer is shaped like a typical model answer: prose, a list, a
// table and two highlighted code blocks, about 2 KB.
var sampleAnswer = `## Reversing a linked list

Here is an **iterative** approach that runs in *O(n)* time and O(1) space:

1. Keep a ` + "`prev`" + ` pointer, initially nil.
2. Walk the list, pointing each node back at ` + "`prev`" + `.
3. Return ` + "`prev`" + `.

` + "```go" + `
func Reverse(head *Node) *Node {
	var prev *Node
	for head != nil {
		next := head.Next
		head.Next = prev
		prev, head = head, next
	}
	return prev
}
` + "```" + `

| approach  | time | space |
|-----------|-----:|------:|
| iterative | O(n) | O(1)  |
| recursive | O(n) | O(n)  |

And the same in Python, see https://docs.python.org/3/ for details:

` + "```python" + `
def reverse(head):
    prev = None
    while head:
        head.next, prev, head = prev, head, head.next
    return prev
` + "```" + `

> Note: the recursive version can overflow the stack on long lists.
`

func BenchmarkRenderMarkdown(b *testing.B) {
	sizes := []struct {
		name string
		src  string
	}{
		{"answer-2KB", sampleAnswer},
		{"long-100KB", strings.Repeat(sampleAnswer, 100_000/len(sampleAnswer))},
		{"code-60KB", "```go\n" + strings.Repeat("x := fmt.Sprintf(\"%d\", i) // c\n", 60_000/33) + "```\n"},
		{"prose-100KB", strings.Repeat("Lorem ipsum *dolor* sit amet, consectetur adipiscing elit. ", 100_000/60)},
		{"nested-40KB", strings.Repeat("- ", 20_000) + "x"},
	}
	for _, s := range sizes {
		b.Run(s.name, func(b *testing.B) {
			b.SetBytes(int64(len(s.src)))
			for b.Loop() {
				RenderMarkdown(s.src)
			}
		})
	}
}

func ExampleRenderMarkdown() {
	fmt.Print(RenderMarkdown("**Hi** <script>alert(1)</script>"))
	// Output: <p><strong>Hi</strong> &lt;script&gt;alert(1)&lt;/script&gt;</p>
}
