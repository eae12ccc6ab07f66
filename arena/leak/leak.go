// Package leak detects answers that reveal which model wrote them (names,
// vendors, aliases, folded against look-alike letters and spacing tricks)
// and prompts that ask a model who it is, so such votes can be kept out.
package leak

import (
	"cmp"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Identity lists the names by which a contender could give itself away in an
// answer. Every field is optional; empty ones are ignored.
type Identity struct {
	Slug         string   // e.g. "qwen3-235b"
	DisplayName  string   // e.g. "Qwen3-235B-A22B"
	Organization string   // e.g. "Alibaba"
	Aliases      []string // other names, e.g. "Qwen", "Tongyi", "通义千问"
}

// Leak is one identity term found in a text.
type Match struct {
	Slug string // Slug of the Identity the term belongs to.
	Term string // The term as configured (e.g. "Alibaba"), not as written in the text.
}

// minTermWeight is the shortest term, in folded characters, that is looked
// for. One- and two-letter names ("o1", "R1", "AI") occur in ordinary text
// far more often than as self-identification, and a vote marked as leaking
// is not counted, so a false positive costs a real vote. Han, kana and Hangul
// characters count double: a two-character Chinese name such as 智谱 is as
// specific as a four-letter Latin one.
const minTermWeight = 3

// DetectLeak reports whether text names its own model or maker: any of who's
// slug, display name, organisation or aliases, compared after folding (see
// LeakDetector). term is the configured name that was found.
func Detect(text string, who Identity) (term string, leaked bool) {
	l, ok := NewDetector(who).Detect(text)
	return l.Term, ok
}

// LeakDetector finds identity terms in texts. Building one folds every term
// once, so a caller checking many texts against the same contenders should
// keep it; it is immutable and safe for concurrent use.
//
// Both the terms and the text are folded the same way before comparing:
// Unicode compatibility decomposition (so fullwidth "ＤｅｅｐＳｅｅｋ" and
// ligatures become plain letters), accents and other combining marks and
// invisible format characters (zero-width space and joiners, soft hyphen,
// bidi controls) removed, Cyrillic, Greek and Armenian letters that look like
// Latin ones mapped to those, and lower case. Digits are kept as they are in
// both directions: model names contain digits (qwen3, llama-3.1), so folding
// 0 to o or o to 0 would confuse versions.
//
// The folded text is then split into words at every character that is not a
// letter or digit, and between letters and digits ("qwen3" is "qwen 3"), so
// "-", "_", ".", "/" and spaces are all equivalent. Han, kana, Hangul and
// Thai-family characters are words of one character each, since those
// scripts do not separate words with spaces. A term matches when its words,
// concatenated, equal a run of consecutive words of the text: matches start
// and end on word boundaries (organisation "Meta" does not match "metadata",
// "gpt-oss-20b" does not match "gpt-oss-120b"), yet spacing inside the term
// does not matter ("DeepSeek" matches "Deep Seek", "qwen3-235b" matches
// "Qwen 3 235B").
//
// Known limit: a term that is also a common word still matches that word
// ("Meta" in "meta-analysis"); keep such organisations' aliases specific.
type Detector struct {
	terms   []leakTerm
	byFirst map[byte][]int // index into terms by first byte of joined
}

type leakTerm struct {
	joined string // folded words concatenated without separators
	leak   Match
}

// NewLeakDetector prepares a detector for the terms of ids. Terms shorter
// than minTermWeight after folding are ignored.
func NewDetector(ids ...Identity) *Detector {
	d := &Detector{byFirst: map[byte][]int{}}
	seen := map[string]bool{}
	for _, id := range ids {
		names := append([]string{id.Slug, id.DisplayName, id.Organization}, id.Aliases...)
		for _, name := range names {
			f := fold(name)
			if termWeight(f) < minTermWeight {
				continue
			}
			joined := strings.ReplaceAll(f, " ", "")
			if seen[id.Slug+"\x00"+joined] {
				continue
			}
			seen[id.Slug+"\x00"+joined] = true
			d.terms = append(d.terms, leakTerm{joined: joined, leak: Match{Slug: id.Slug, Term: name}})
		}
	}
	// Longest first, so that at one position the most specific name is
	// reported ("Qwen3-235B" rather than "Qwen").
	slices.SortStableFunc(d.terms, func(a, b leakTerm) int { return cmp.Compare(len(b.joined), len(a.joined)) })
	for i, t := range d.terms {
		d.byFirst[t.joined[0]] = append(d.byFirst[t.joined[0]], i)
	}
	return d
}

// Detect returns the first identity term, in text order, that text contains.
func (d *Detector) Detect(text string) (Match, bool) {
	if len(d.terms) == 0 {
		return Match{}, false
	}
	i, ok := matchWords(splitWords(fold(text)), d.terms, d.byFirst)
	if !ok {
		return Match{}, false
	}
	return d.terms[i].leak, true
}

// matchWords finds the first position in words where some term's joined
// form equals the concatenation of consecutive words, and returns that
// term's index (the first in terms order at that position).
func matchWords(words []string, terms []leakTerm, byFirst map[byte][]int) (int, bool) {
	for i, w := range words {
		for _, ti := range byFirst[w[0]] {
			if joinedAt(words, i, terms[ti].joined) {
				return ti, true
			}
		}
	}
	return 0, false
}

// joinedAt reports whether words[i], words[i+1], … concatenated are exactly
// joined, ending at a word boundary.
func joinedAt(words []string, i int, joined string) bool {
	rest := joined
	for ; i < len(words); i++ {
		w := words[i]
		if !strings.HasPrefix(rest, w) {
			return false
		}
		rest = rest[len(w):]
		if rest == "" {
			return true
		}
	}
	return false
}

func splitWords(folded string) []string {
	if folded == "" {
		return nil
	}
	return strings.Split(folded, " ")
}

// termWeight is the length of a folded term for minTermWeight.
func termWeight(folded string) int {
	n := 0
	for _, r := range folded {
		switch {
		case r == ' ':
		case isWordPerChar(r):
			n += 2
		default:
			n++
		}
	}
	return n
}

// fold normalises s for comparison as LeakDetector describes, returning its
// words separated by single spaces. fold(fold(s)) == fold(s).
func fold(s string) string {
	// Invalid UTF-8 becomes a separator first: norm passes such bytes
	// through and can then leave the character after them undecomposed.
	s = norm.NFKD.String(strings.ToValidUTF8(s, " "))
	var b strings.Builder
	b.Grow(len(s))
	const (
		none = iota // start, or after a separator
		letter
		digit
		single // a character that is a word by itself
	)
	prev := none
	for _, r := range s {
		if r >= 0x80 && (unicode.Is(unicode.M, r) || unicode.Is(unicode.Cf, r)) {
			// Marks go so that accents cannot hide a name ("Qwén"), format
			// characters because they are invisible (U+200B, U+200D,
			// U+00AD, U+FEFF, bidi controls). Neither splits a word.
			continue
		}
		var class int
		switch {
		case r < 0x80 && ('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'):
			class, r = letter, r|0x20 // ASCII fast path
		case r < 0x80 && '0' <= r && r <= '9':
			class = digit
		case isWordPerChar(r):
			class = single
		case unicode.IsLetter(r):
			class, r = letter, foldLetter(r)
		case unicode.IsNumber(r):
			class = digit
		default:
			prev = none
			continue
		}
		if b.Len() > 0 && (prev != class || class == single) {
			b.WriteByte(' ')
		}
		if r == 'ß' {
			b.WriteString("ss") // German sharp s, so "heißt" is "heisst"
		} else {
			b.WriteRune(r)
		}
		prev = class
	}
	return b.String()
}

// isWordPerChar reports whether r belongs to a script written without spaces
// between words, where each character is treated as a word of its own.
func isWordPerChar(r rune) bool {
	return r >= 0x0E00 && (unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul,
		unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar) || r == 'ー')
}

// foldLetter lower-cases a letter and maps a look-alike to the Latin letter
// it imitates. Capitals are looked up before lower-casing because some look
// like a different Latin letter than their lower case does (Greek Η is "H"
// but η is "n").
func foldLetter(r rune) rune {
	if m, ok := lookalikes[r]; ok {
		return m
	}
	l := unicode.ToLower(r)
	if m, ok := lookalikes[l]; ok {
		return m
	}
	return l
}

// lookalikes maps letters of other scripts that are commonly substituted for
// Latin letters (in spoofing, or by a model that writes its name in a mixed
// script) to the Latin letter, lower case. It follows the single-letter
// entries of Unicode's confusables list for Cyrillic, Greek and Armenian, plus
// a few Latin variants that compatibility decomposition keeps.
var lookalikes = map[rune]rune{
	// Cyrillic capitals.
	'А': 'a', 'В': 'b', 'Е': 'e', 'К': 'k', 'М': 'm', 'Н': 'h', 'О': 'o', 'Р': 'p',
	'С': 'c', 'Т': 't', 'У': 'y', 'Х': 'x', 'Ѕ': 's', 'І': 'i', 'Ј': 'j', 'Ԛ': 'q',
	'Ԝ': 'w', 'Һ': 'h', 'Ӏ': 'l', 'Ү': 'y',
	// Cyrillic small.
	'а': 'a', 'е': 'e', 'о': 'o', 'р': 'p', 'с': 'c', 'у': 'y', 'х': 'x', 'ѕ': 's',
	'і': 'i', 'ј': 'j', 'ԁ': 'd', 'ԛ': 'q', 'ԝ': 'w', 'һ': 'h', 'ӏ': 'l', 'ү': 'y',
	'ь': 'b', 'к': 'k', 'м': 'm', 'т': 't', 'в': 'b', 'н': 'h',
	// Greek capitals.
	'Α': 'a', 'Β': 'b', 'Ε': 'e', 'Ζ': 'z', 'Η': 'h', 'Ι': 'i', 'Κ': 'k', 'Μ': 'm',
	'Ν': 'n', 'Ο': 'o', 'Ρ': 'p', 'Τ': 't', 'Υ': 'y', 'Χ': 'x',
	// Greek small.
	'α': 'a', 'ε': 'e', 'ι': 'i', 'κ': 'k', 'ν': 'v', 'ο': 'o', 'ρ': 'p', 'τ': 't',
	'υ': 'u', 'χ': 'x', 'γ': 'y', 'ω': 'w', 'η': 'n',
	// Armenian.
	'օ': 'o', 'ս': 'u', 'հ': 'h', 'ո': 'n', 'ց': 'g', 'զ': 'q',
	// Latin variants; ß is spelled out as "ss" by fold.
	'ı': 'i', 'ɑ': 'a', 'ɡ': 'g', 'ɪ': 'i', 'ʟ': 'l', 'ẞ': 'ß',
}

// IdentityQuestion reports whether prompt asks the model who it is ("who are
// you", "what model are you", "which company made you", "what's your name"),
// in English, Chinese, Japanese, Korean, Spanish, French, German, Portuguese,
// Italian or Russian. Answers to such prompts are the likeliest to name
// their model, so the arena can treat them specially. Matching uses the same
// folding as LeakDetector, so case, accents and punctuation do not matter.
func IdentityQuestion(prompt string) bool {
	_, ok := matchWords(splitWords(fold(prompt)), identityPhrases.terms, identityPhrases.byFirst)
	return ok
}

// identityPhrases is built once; it is read-only afterwards.
var identityPhrases = func() *Detector {
	phrases := []string{
		// English.
		"who are you", "who r u", "who am i talking to", "who am i speaking with", "who am i chatting with",
		"who is this", "what is your name", "what's your name", "tell me your name", "do you have a name",
		"introduce yourself", "tell me about yourself", "describe yourself", "what are you called",
		"your model name", "what model is this", "what is your model", "what are you based on",
		"are you chatgpt", "are you gpt", "are you claude", "are you gemini", "are you llama",
		"are you qwen", "are you deepseek", "are you mistral", "are you grok", "are you an openai",
		"are you made by", "are you from openai", "are you from google", "are you from meta",
		// Spanish.
		"quién eres", "quién es usted", "qué modelo eres", "cuál modelo eres", "qué modelo es usted",
		"cómo te llamas", "cómo se llama usted", "cuál es tu nombre", "quién te creó", "quién te entrenó",
		"quién te hizo", "quién te desarrolló", "qué empresa te creó", "qué compañía te creó", "preséntate",
		// French.
		"qui es-tu", "qui es tu", "qui êtes-vous", "tu es qui", "vous êtes qui", "quel modèle es-tu",
		"quel modèle êtes-vous", "quel est ton nom", "quel est votre nom", "comment tu t'appelles",
		"comment t'appelles-tu", "comment vous appelez-vous", "qui t'a créé", "qui vous a créé",
		"qui t'a entraîné", "quelle entreprise t'a créé", "présente-toi",
		// German.
		"wer bist du", "wer sind sie", "was bist du", "welches modell bist du", "welches modell sind sie",
		"wie heißt du", "wie heißen sie", "wer hat dich erstellt", "wer hat dich entwickelt",
		"wer hat dich trainiert", "wer hat dich gemacht", "wer hat dich programmiert", "stell dich vor",
		"welche firma hat dich",
		// Portuguese.
		"quem é você", "quem és tu", "qual é o seu nome", "qual o seu nome", "como você se chama",
		"quem te criou", "que modelo é você", "qual modelo você é",
		// Italian.
		"chi sei", "chi è lei", "come ti chiami", "qual è il tuo nome", "chi ti ha creato",
		"che modello sei", "quale modello sei", "presentati",
		// Russian.
		"кто ты", "кто вы", "как тебя зовут", "как вас зовут", "какая ты модель", "какая вы модель",
		"кто тебя создал", "кто тебя разработал", "кто тебя обучил", "представься",
		// Chinese (simplified and traditional).
		"你是谁", "你是誰", "您是谁", "您是誰", "你叫什么", "你叫什麼", "你的名字", "你是什么模型",
		"你是什麼模型", "你是哪个模型", "你是哪個模型", "你是什么ai", "你是什么人工智能", "你是什么大模型",
		"你是什么语言模型", "你是哪家", "你是哪个公司", "谁开发了你", "谁创造了你", "谁训练了你",
		"谁制作了你", "你是由谁", "你由谁", "哪家公司开发", "哪个公司开发", "你基于什么模型",
		"介绍一下你自己", "介绍你自己", "自我介绍", "誰開發了你", "誰創造了你",
		// Japanese.
		"あなたは誰", "あなたはだれ", "あなたは何者", "君は誰", "きみはだれ", "お名前は", "あなたの名前",
		"何というモデル", "どのモデル", "誰が作った", "誰があなたを作", "自己紹介",
		// Korean.
		"너는 누구", "넌 누구", "당신은 누구", "누구세요", "이름이 뭐", "어떤 모델", "누가 만들었",
		"누가 너를 만들", "자기소개",
	}
	// "what/which <noun> <verb>": the commonest English shapes, generated
	// rather than listed.
	for _, q := range []string{"what", "which"} {
		for _, noun := range []string{"model", "llm", "ai", "ai model", "language model", "large language model",
			"version", "company", "organization", "organisation", "lab", "team", "chatbot", "assistant"} {
			for _, verb := range []string{"are you", "is this", "made you", "created you", "built you",
				"trained you", "developed you", "owns you", "powers you", "are you based on", "is behind you",
				"do you run on"} {
				phrases = append(phrases, q+" "+noun+" "+verb)
			}
		}
	}
	for _, verb := range []string{"made", "created", "built", "trained", "developed", "designed", "owns",
		"programmed", "wrote"} {
		phrases = append(phrases, "who "+verb+" you")
	}
	d := &Detector{byFirst: map[byte][]int{}}
	for _, p := range phrases {
		joined := strings.ReplaceAll(fold(p), " ", "")
		d.terms = append(d.terms, leakTerm{joined: joined, leak: Match{Term: p}})
		d.byFirst[joined[0]] = append(d.byFirst[joined[0]], len(d.terms)-1)
	}
	return d
}()
