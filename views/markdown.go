package views

import (
	"bytes"
	"html"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/renderer"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Highlighting themes. GitHub's pair is used because both are designed to sit
// on a plain page background and have the same token palette structure, so
// switching with the OS colour scheme does not change what is emphasised.
const (
	lightStyleName = "github"
	darkStyleName  = "github-dark"
)

// highlightBudget bounds the total bytes of fenced code in one document that
// are run through chroma's lexers. Lexing is by far the slowest step
// (measured at about 4 µs per byte of Go or Python, against well under 0.1 µs
// per byte for the rest of the pipeline), so code beyond the budget is
// rendered as plain escaped text instead: still shown in full, just without
// colours. 16 KiB keeps the worst case for one document near 70 ms while
// covering the code in any ordinary answer.
const highlightBudget = 16 << 10

// maxLineNesting bounds how many containers (list items, block quotes) one
// line may open, counting two columns of indentation before the first marker
// as one level. goldmark's cost grows with the square of the nesting depth
// (20,000 nested "- " in 40 KB took seconds), so a hostile prompt could tie
// up a CPU on every render. Real Markdown never nests anywhere near this
// deep; see limitNesting.
const maxLineNesting = 32

// plainAttr marks a fenced code block, during one render, as over the
// highlighting budget. The attribute lives on that render's own AST, so the
// shared renderer needs no per-document state.
var plainAttr = []byte("arena-plain")

// maxLanguageLen bounds the info string handed to the lexer registry, which
// falls back to glob-matching file patterns for unknown names.
const maxLanguageLen = 32

// RenderMarkdown renders untrusted Markdown (model answers, user prompts) to
// HTML that is safe to embed in a page.
//
// Rendering is goldmark with the GFM extensions (tables, strikethrough,
// autolinks, task lists), with a single newline kept as a line break. Raw HTML in the source is never passed through: it
// is shown as escaped text, so "<b>" reads as the characters the model
// wrote. Fenced code is highlighted by chroma with CSS classes only (no
// style attributes, which the Content-Security-Policy forbids); the matching
// stylesheet comes from HighlightCSS. bluemonday sanitises the result as the
// last step with an allow-list of exactly the elements this renderer emits, so
// a bug in any earlier step cannot smuggle markup through.
//
// Markdown images are rendered as ordinary links to the image, never as <img>:
// a remote image is fetched as soon as the page is shown, so an answer could
// beacon its reader (timing, IP, whether the battle was viewed) or show a
// logo that gives its model away before the vote. A link is fetched only
// when the reader chooses to follow it.
//
// The whole input is rendered, however long, in time close to linear in its
// size: fenced code past highlightBudget is shown without colours, and list
// or quote markers past maxLineNesting on one line are shown as text.
// RenderMarkdown is safe for concurrent use.
func RenderMarkdown(src string) string {
	md := markdown()
	source := []byte(limitNesting(src))
	doc := md.Parser().Parse(text.NewReader(source))
	budgetHighlighting(doc, source)
	var buf bytes.Buffer
	buf.Grow(len(src) + len(src)/2)
	if err := md.Renderer().Render(&buf, source, doc); err != nil {
		// goldmark only fails when the writer fails, which a bytes.Buffer
		// does not; fall back to showing the text rather than nothing.
		return "<pre>" + html.EscapeString(src) + "</pre>"
	}
	return policy().Sanitize(buf.String())
}

// HighlightCSS returns the stylesheet for code blocks produced by
// RenderMarkdown: the light theme unconditionally, then the dark theme inside
// @media (prefers-color-scheme: dark). The static CSS bundle includes it so
// that highlighting needs no inline styles.
func HighlightCSS() string { return highlightCSS() }

var markdown = sync.OnceValue(func() goldmark.Markdown {
	return goldmark.New(
		// GFM, spelled out so the table extension can be configured: the
		// default alignment output is style="text-align:…", which the CSP
		// would block and the sanitiser strips; the align attribute is not.
		goldmark.WithExtensions(
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
			extension.Strikethrough,
			extension.Linkify,
			extension.TaskList,
		),
		// No html.WithUnsafe(): raw HTML is never emitted as markup; the
		// safeRenderer shows it as escaped text instead.
		// Hard wraps: a model's single newline is a line break, as the
		// reader expects of a poem or an address; CommonMark would join the
		// lines into one. Code blocks keep their own newlines regardless.
		goldmark.WithRendererOptions(
			gmhtml.WithHardWraps(),
			renderer.WithNodeRenderers(util.Prioritized(newSafeRenderer(), 100)),
		),
	)
})

// codeFormatter writes chroma tokens as spans with class attributes. It is
// immutable after construction and so shared by all renders.
var codeFormatter = chromahtml.New(chromahtml.WithClasses(true))

// safeRenderer overrides goldmark's rendering of fenced code blocks (to
// highlight them), images (to turn them into links), raw HTML (to show it
// as text) and task-list checkboxes (to avoid <input>). Its priority is
// higher than goldmark's default HTML renderer, so its functions win.
type safeRenderer struct {
	style *chroma.Style
}

func newSafeRenderer() *safeRenderer {
	return &safeRenderer{style: styles.Get(lightStyleName)}
}

// RegisterFuncs implements renderer.NodeRenderer.
func (r *safeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindFencedCodeBlock, r.renderFencedCode)
	reg.Register(ast.KindImage, r.renderImage)
	reg.Register(ast.KindHTMLBlock, r.renderHTMLBlock)
	reg.Register(ast.KindRawHTML, r.renderRawHTML)
	reg.Register(east.KindTaskCheckBox, r.renderTaskCheckBox)
}

// renderTaskCheckBox writes a GFM task marker as a ballot-box character
// rather than goldmark's <input type="checkbox" disabled>. The sanitiser can
// allow an attribute but not require one, so allowing <input> at all would
// let an un-disabled checkbox through; a character needs no allowance.
func (r *safeRenderer) renderTaskCheckBox(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	if node.(*east.TaskCheckBox).IsChecked {
		_, _ = w.WriteString("\u2611 ") // ☑ BALLOT BOX WITH CHECK
	} else {
		_, _ = w.WriteString("\u2610 ") // ☐ BALLOT BOX
	}
	return ast.WalkContinue, nil
}

// renderHTMLBlock shows a raw HTML block as escaped source in a code block.
// goldmark's safe default drops it silently, which would make an answer that
// wrote HTML without a fence (or a prompt asking about <div>) look as if part
// of it were missing; voters should judge what the model actually wrote.
// Escaped text is inert, so this is no weaker than omitting it.
func (r *safeRenderer) renderHTMLBlock(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.HTMLBlock)
	_, _ = w.WriteString("<pre><code>")
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		_, _ = w.Write(util.EscapeHTML(seg.Value(source)))
	}
	if n.HasClosure() {
		_, _ = w.Write(util.EscapeHTML(n.ClosureLine.Value(source)))
	}
	_, _ = w.WriteString("</code></pre>\n")
	return ast.WalkSkipChildren, nil
}

// renderRawHTML shows inline HTML (e.g. "use <br> here") as escaped text,
// for the same reason as renderHTMLBlock.
func (r *safeRenderer) renderRawHTML(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	n := node.(*ast.RawHTML)
	for i := 0; i < n.Segments.Len(); i++ {
		seg := n.Segments.At(i)
		_, _ = w.Write(util.EscapeHTML(seg.Value(source)))
	}
	return ast.WalkSkipChildren, nil
}

func (r *safeRenderer) renderFencedCode(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.FencedCodeBlock)
	var code strings.Builder
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		code.Write(seg.Value(source))
	}
	src := code.String()

	_, overBudget := n.AttributeString(string(plainAttr))
	if lexer := lexerFor(string(n.Language(source))); lexer != nil && !overBudget {
		if it, err := chroma.Coalesce(lexer).Tokenise(nil, src); err == nil {
			if err := codeFormatter.Format(w, r.style, it); err == nil {
				return ast.WalkSkipChildren, nil
			}
		}
	}
	// No language, over budget, or chroma failed (e.g. a lexer rule timed
	// out): plain text in the same wrapper so the page styles it like other
	// code.
	_, _ = w.WriteString(`<pre class="chroma"><code>`)
	_, _ = w.WriteString(html.EscapeString(src))
	_, _ = w.WriteString("</code></pre>\n")
	return ast.WalkSkipChildren, nil
}

// budgetHighlighting marks the fenced code blocks of doc that do not fit in
// highlightBudget, taken in document order, as plain.
func budgetHighlighting(doc ast.Node, source []byte) {
	left := highlightBudget
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering || n.Kind() != ast.KindFencedCodeBlock {
			return ast.WalkContinue, nil
		}
		size := 0
		lines := n.Lines()
		for i := 0; i < lines.Len(); i++ {
			seg := lines.At(i)
			size += seg.Len()
		}
		if size > left {
			n.SetAttribute(plainAttr, true)
		} else {
			left -= size
		}
		return ast.WalkSkipChildren, nil
	})
}

// limitNesting returns src with a backslash inserted before the container
// marker that would take a line past maxLineNesting, so that marker and any
// after it are literal text rather than more nesting. Every other line, and
// src itself when no line is that deep, is unchanged. It does not know about
// code fences: a code line that starts with more than 32 ">" or "- " would
// show the backslash, a cost accepted for a bound that cannot be dodged.
func limitNesting(src string) string {
	var b strings.Builder
	last, changed := 0, false
	for start := 0; start < len(src); {
		end := strings.IndexByte(src[start:], '\n')
		if end < 0 {
			end = len(src)
		} else {
			end += start + 1
		}
		if cut := nestingCut(src[start:end]); cut >= 0 {
			if !changed {
				b.Grow(len(src) + 64)
				changed = true
			}
			b.WriteString(src[last : start+cut])
			b.WriteByte('\\')
			last = start + cut
		}
		start = end
	}
	if !changed {
		return src
	}
	b.WriteString(src[last:])
	return b.String()
}

// nestingCut returns the offset in line at which to insert a backslash to
// stop it opening more than maxLineNesting containers, or -1 if it does not.
// It reads only the line's leading run of indentation and container markers:
// ">", a bullet ("-", "*", "+") or an ordered marker ("12." or "12)")
// followed by a space, tab or the line end.
func nestingCut(line string) int {
	cols, depth := 0, 0
	spaceAfter := func(i int) bool {
		return i == len(line) || line[i] == ' ' || line[i] == '\t' || line[i] == '\n' || line[i] == '\r'
	}
	for i := 0; i < len(line); {
		c := line[i]
		switch {
		case c == ' ':
			cols++
			i++
			continue
		case c == '\t':
			cols += 4
			i++
			continue
		case c == '>':
			if depth++; depth+cols/2 > maxLineNesting {
				return i
			}
			i++
		case (c == '-' || c == '*' || c == '+') && spaceAfter(i+1):
			if depth++; depth+cols/2 > maxLineNesting {
				return i
			}
			i++
		case '0' <= c && c <= '9':
			j := i
			for j < len(line) && j-i < 9 && '0' <= line[j] && line[j] <= '9' {
				j++
			}
			if j == len(line) || (line[j] != '.' && line[j] != ')') || !spaceAfter(j+1) {
				return -1
			}
			if depth++; depth+cols/2 > maxLineNesting {
				return j // a backslash escapes the delimiter, not the digits
			}
			i = j + 1
		default:
			return -1
		}
		// The one space that belongs to a marker is not indentation.
		if i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
	}
	return -1
}

// lexerFor picks a lexer by the fence's info string, or returns nil for no
// highlighting. Unknown, missing and plain-text languages are not lexed at
// all (chroma's plain-text lexer would only add line spans, at real cost),
// and the content is never sniffed with lexers.Analyse, which is slow and
// would make the same answer render differently depending on its content.
func lexerFor(lang string) chroma.Lexer {
	if lang == "" || len(lang) > maxLanguageLen {
		return nil
	}
	l := lexers.Get(lang)
	if l == nil || l == lexers.Fallback || l.Config().Name == "plaintext" {
		return nil
	}
	return l
}

// renderImage writes ![alt](url) as <a href="url">alt</a> (see RenderMarkdown
// for why). Inside a link it writes only the alt text, because nested anchors
// are invalid HTML and the outer link already goes somewhere.
func (r *safeRenderer) renderImage(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Image)
	inLink := false
	for p := n.Parent(); p != nil; p = p.Parent() {
		if p.Kind() == ast.KindLink || p.Kind() == ast.KindAutoLink {
			inLink = true
			break
		}
	}
	dest := util.URLEscape(n.Destination, true)
	asLink := !inLink && !gmhtml.IsDangerousURL(dest)
	if entering {
		if asLink {
			_, _ = w.WriteString(`<a href="`)
			_, _ = w.Write(util.EscapeHTML(dest))
			_, _ = w.WriteString(`"`)
			if n.Title != nil {
				_, _ = w.WriteString(` title="`)
				_, _ = w.Write(util.EscapeHTML(n.Title))
				_, _ = w.WriteString(`"`)
			}
			_, _ = w.WriteString(`>`)
		}
		if !n.HasChildren() {
			// No alt text: show where the link goes so it is not empty.
			_, _ = w.Write(util.EscapeHTML(dest))
		}
		return ast.WalkContinue, nil
	}
	if asLink {
		_, _ = w.WriteString(`</a>`)
	}
	return ast.WalkContinue, nil
}

// chromaClassRe matches a class attribute made only of chroma's token class
// names, e.g. "kd" or "line hl". Sanitising classes against this list keeps
// arbitrary page classes (which could restyle an answer to look like the
// app's own buttons) out even if an earlier step ever let one through.
var chromaClassRe = sync.OnceValue(func() *regexp.Regexp {
	var names []string
	for _, c := range chroma.StandardTypes {
		if c != "" {
			names = append(names, regexp.QuoteMeta(c))
		}
	}
	sort.Strings(names)
	one := "(?:" + strings.Join(names, "|") + ")"
	return regexp.MustCompile(`^` + one + `(?: ` + one + `)*$`)
})

// policy is the sanitiser: an explicit allow-list of what goldmark and the
// chroma bridge produce, rather than bluemonday.UGCPolicy, so that nothing the
// renderer never emits (img, iframe, form, style, …) can appear.
var policy = sync.OnceValue(func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements(
		"p", "br", "hr", "blockquote",
		"h1", "h2", "h3", "h4", "h5", "h6",
		"ul", "li", "strong", "em", "del", "code",
		"table", "thead", "tbody", "tr",
	)
	p.AllowAttrs("start").Matching(regexp.MustCompile(`^[0-9]{1,9}$`)).OnElements("ol")
	p.AllowElements("ol")
	p.AllowAttrs("align").Matching(regexp.MustCompile(`^(?:left|center|right)$`)).OnElements("th", "td")
	p.AllowElements("th", "td")

	// Code: chroma wraps blocks in <pre class="chroma"><code> with spans.
	p.AllowAttrs("class").Matching(chromaClassRe()).OnElements("pre", "span")
	p.AllowElements("pre", "span")

	// Links: absolute http(s) and mailto only. Relative URLs are refused so
	// an answer cannot link into the arena itself (e.g. to a vote or admin
	// URL that looks like part of the page). Every link opens in a new tab
	// without a referrer, so following it reveals neither the battle URL nor
	// gives the target a handle on this window.
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("title").OnElements("a")
	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowRelativeURLs(false)
	p.RequireParseableURLs(true)
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	return p
})

var highlightCSS = sync.OnceValue(func() string {
	f := chromahtml.New(chromahtml.WithClasses(true), chromahtml.WithCSSComments(false))
	var b strings.Builder
	b.WriteString("/* Code highlighting (chroma " + lightStyleName + " / " + darkStyleName + "); generated by views.HighlightCSS. */\n")
	writeCSS(&b, f, lightStyleName)
	b.WriteString("@media (prefers-color-scheme: dark) {\n")
	// Chroma writes no rule for a token the dark theme leaves at its
	// default colour, so the light rule for that class would otherwise
	// still apply (dark text on a dark background). Reset every token class
	// first; the dark rules below have the same specificity and come later,
	// so they win where they exist.
	var sel []string
	for t, c := range chroma.StandardTypes {
		if c == "" || t == chroma.Background || t == chroma.PreWrapper {
			continue
		}
		sel = append(sel, ".chroma ."+c)
	}
	sort.Strings(sel)
	b.WriteString(strings.Join(sel, ",\n"))
	b.WriteString(" { color: inherit; background-color: transparent; font-weight: inherit; font-style: inherit; text-decoration: inherit }\n")
	writeCSS(&b, f, darkStyleName)
	b.WriteString("}\n")
	return b.String()
})

// writeCSS appends chroma's rules for the named style, minus the rule for the
// .bg class: that class is only used by chroma's standalone documents, and an
// unscoped ".bg" selector could restyle unrelated elements of the app.
func writeCSS(b *strings.Builder, f *chromahtml.Formatter, style string) {
	var css strings.Builder
	if err := f.WriteCSS(&css, styles.Get(style)); err != nil {
		panic(err) // writing to a strings.Builder cannot fail
	}
	for line := range strings.Lines(css.String()) {
		if !strings.HasPrefix(line, ".bg ") {
			b.WriteString(line)
		}
	}
}
