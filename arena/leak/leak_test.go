package leak

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

var (
	qwen = Identity{
		Slug: "qwen3-235b", DisplayName: "Qwen3-235B-A22B", Organization: "Alibaba",
		Aliases: []string{"Qwen", "Tongyi Qianwen", "通义千问"},
	}
	llama    = Identity{Slug: "llama-3.1-8b", DisplayName: "Llama 3.1 8B Instruct", Organization: "Meta"}
	gptOSS   = Identity{Slug: "gpt-oss-20b", DisplayName: "gpt-oss-20b", Organization: "OpenAI"}
	deepseek = Identity{Slug: "deepseek-v3", DisplayName: "DeepSeek-V3", Organization: "DeepSeek"}
	glm      = Identity{Slug: "glm-4.5", Organization: "Zhipu AI", Aliases: []string{"智谱", "o1", "AI"}}
	mistral  = Identity{Slug: "mistral-small", DisplayName: "Mistral Small", Organization: "Mistral AI"}
)

func TestDetectLeak(t *testing.T) {
	tests := []struct {
		name     string
		text     string
		who      Identity
		wantTerm string // "" for no leak
	}{
		// Plain mentions, case and separators.
		{"slug with space", "I am Qwen3 235B, a large language model.", qwen, "qwen3-235b"},
		{"display name exact", "Model: Qwen3-235B-A22B.", qwen, "Qwen3-235B-A22B"},
		{"alias", "I'm Qwen, created by Alibaba Cloud.", qwen, "Qwen"},
		{"organisation before alias", "Alibaba Cloud built me.", qwen, "Alibaba"},
		{"organisation lower case", "trained by alibaba cloud", qwen, "Alibaba"},
		{"possessive", "Alibaba's research team", qwen, "Alibaba"},
		{"alias with digits attached", "As qwen2.5 I cannot", qwen, "Qwen"},
		{"underscores", "my id is llama_3_1_8b", llama, "llama-3.1-8b"},
		{"dots and spaces", "this is Llama 3.1 8B", llama, "llama-3.1-8b"},
		{"display name", "Llama 3.1 8B Instruct here", llama, "Llama 3.1 8B Instruct"},
		{"org on its own", "I was made by Meta.", llama, "Meta"},
		{"org in parentheses", "a model (by Meta)", llama, "Meta"},
		{"slash separators", "gpt/oss/20b", gptOSS, "gpt-oss-20b"},
		{"org camel case", "OpenAI trained me", gptOSS, "OpenAI"},
		{"org spaced", "I come from Open AI.", gptOSS, "OpenAI"},
		{"name spaced", "I'm Deep Seek V3", deepseek, "deepseek-v3"},
		{"markdown bold", "I am **DeepSeek**!", deepseek, "DeepSeek"},
		{"url", "see https://deepseek.com/chat", deepseek, "DeepSeek"},
		{"CJK alias inside sentence", "我是通义千问，由阿里云开发。", qwen, "通义千问"},
		{"two-character CJK name counts", "我是智谱开发的模型", glm, "智谱"},
		{"org with space", "by Mistral AI", mistral, "Mistral AI"},
		// Look-alikes and invisible characters.
		{"Cyrillic e", "I am Qw\u0435n.", qwen, "Qwen"},
		{"Cyrillic a and o", "made by \u0410lib\u0430b\u0430", qwen, "Alibaba"},
		{"Greek alpha", "I am Ll\u03b1m\u03b1 3.1 8B", llama, "llama-3.1-8b"},
		{"Greek omicron", "Hi from Meta-\u039fpen", Identity{Organization: "Open"}, "Open"},
		{"zero-width space", "Deep\u200bSeek", deepseek, "DeepSeek"},
		{"zero-width joiner", "Q\u200dw\u200de\u200dn", qwen, "Qwen"},
		{"soft hyphen", "Ali\u00adbaba", qwen, "Alibaba"},
		{"BOM and bidi", "\ufeff\u202eMeta\u202c", llama, "Meta"},
		{"fullwidth", "我是ＤｅｅｐＳｅｅｋ", deepseek, "DeepSeek"},
		{"fullwidth digits", "ｑｗｅｎ３－２３５ｂ", qwen, "qwen3-235b"},
		{"accents", "Qwén", qwen, "Qwen"},
		{"combining accent", "Mete\u0301a Meta\u0301", llama, "Meta"},
		{"math bold", "\U0001d40c\U0001d41e\U0001d42d\U0001d41a", llama, "Meta"},
		{"Greek capital eta is H", "Η\u03bfw", Identity{Organization: "How"}, "How"},
		// Negatives.
		{"no mention", "Paris is the capital of France.", qwen, ""},
		{"metadata", "Read the metadata first.", llama, ""},
		{"metaphor", "It is a metaphor.", llama, ""},
		{"metal", "heavy metal", llama, ""},
		{"other model", "Unlike ChatGPT, I think...", qwen, ""},
		{"bigger sibling", "compare with gpt-oss-120b", gptOSS, ""},
		{"prefix of a word", "gpt-oss-20bx", gptOSS, ""},
		{"term inside word", "the qwenology of it", qwen, ""},
		{"short alias ignored", "o1 and AI are everywhere", glm, ""},
		{"digits not folded to letters", "M3ta and Me7a", llama, ""},
		{"letters not folded to digits", "qwen three, gpt-oss-2ob", Identity{Slug: "qwen3", Aliases: []string{"gpt-oss-20b"}}, ""},
		{"version differs", "Llama 3.2 8B", Identity{Slug: "llama-3.1-8b"}, ""},
		{"empty identity", "Qwen Meta OpenAI", Identity{}, ""},
		{"empty text", "", qwen, ""},
		{"deep and seek apart", "deep learning lets us seek", deepseek, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			term, leaked := Detect(tt.text, tt.who)
			if leaked != (tt.wantTerm != "") || term != tt.wantTerm {
				t.Errorf("DetectLeak(%q) = %q, %v; want %q", tt.text, term, leaked, tt.wantTerm)
			}
		})
	}
}

func TestLeakDetectorMany(t *testing.T) {
	d := NewDetector(qwen, llama, deepseek)
	tests := []struct {
		text string
		want Match
		ok   bool
	}{
		{"Nothing here.", Match{}, false},
		{"Unlike Llama 3.1 8B, I am DeepSeek.", Match{Slug: "llama-3.1-8b", Term: "llama-3.1-8b"}, true},
		{"I am DeepSeek, not Qwen.", Match{Slug: "deepseek-v3", Term: "DeepSeek"}, true},
		// At one position the longest term wins.
		{"qwen3-235b-a22b", Match{Slug: "qwen3-235b", Term: "Qwen3-235B-A22B"}, true},
	}
	for _, tt := range tests {
		got, ok := d.Detect(tt.text)
		if ok != tt.ok || got != tt.want {
			t.Errorf("Detect(%q) = %+v, %v; want %+v, %v", tt.text, got, ok, tt.want, tt.ok)
		}
	}
	if _, ok := NewDetector().Detect("anything"); ok {
		t.Error("empty detector found a leak")
	}
}

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"  --  ", ""},
		{"Qwen3-235B", "qwen 3 235 b"},
		{"llama_3.1", "llama 3 1"},
		{"ＤｅｅｐＳｅｅｋ", "deepseek"},
		{"Qw\u0435n", "qwen"},
		{"De\u200bep\u200dSeek", "deepseek"},
		{"Straße", "strasse"},
		{"ﬁne", "fine"},
		{"通义千问2", "通 义 千 问 2"},
		{"GPT-4o mini", "gpt 4 o mini"},
		{"é", "e"},
		{"Ⅻ", "xii"},
		{"\xf4ŝ", "s"},
		{"Me\xffta", "me ta"},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, fold(tt.in)); diff != "" {
			t.Errorf("fold(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestIdentityQuestion(t *testing.T) {
	tests := []struct {
		prompt string
		want   bool
	}{
		{"Who are you?", true},
		{"who r u", true},
		{"WHAT MODEL ARE YOU", true},
		{"Hey, which model are you exactly?", true},
		{"What LLM is this?", true},
		{"Which company made you?", true},
		{"what company created you", true},
		{"Who trained you?", true},
		{"What's your name?", true},
		{"whats your name", true},
		{"Are you ChatGPT?", true},
		{"Please introduce yourself.", true},
		{"你是谁？", true},
		{"你是什么模型", true},
		{"請問你是誰", true},
		{"¿Quién eres?", true},
		{"¿Cómo te llamas?", true},
		{"Qui es-tu ?", true},
		{"Comment t'appelles-tu ?", true},
		{"Wer bist du?", true},
		{"Wie heisst du?", true},
		{"Wie heißt du?", true},
		{"Кто ты?", true},
		{"あなたは誰ですか", true},
		{"당신은 누구입니까?", true},
		{"Chi sei?", true},
		{"Quem é você?", true},
		{"Ｗｈｏ ａｒｅ ｙｏｕ", true},
		{"Who are\u200b you", true},
		// Negatives.
		{"Write a haiku about autumn.", false},
		{"What model of car is best for a family?", false},
		{"Who wrote Hamlet?", false},
		{"Explain how transformers work.", false},
		{"What is the name of the capital of France?", false},
		{"", false},
		{"你好", false},
		{"¿Qué hora es?", false},
	}
	for _, tt := range tests {
		if got := IdentityQuestion(tt.prompt); got != tt.want {
			t.Errorf("IdentityQuestion(%q) = %v, want %v", tt.prompt, got, tt.want)
		}
	}
}

func BenchmarkDetectLeak(b *testing.B) {
	text := strings.Repeat("The quick brown fox jumps over the lazy dog; metadata, metaphors and deep learning. ", 120) +
		"I am Qwen."
	b.Run("DetectLeak", func(b *testing.B) {
		b.SetBytes(int64(len(text)))
		for b.Loop() {
			Detect(text, qwen)
		}
	})
	d := NewDetector(qwen, llama, gptOSS, deepseek, glm, mistral)
	b.Run("Detector-6-identities", func(b *testing.B) {
		b.SetBytes(int64(len(text)))
		for b.Loop() {
			d.Detect(text)
		}
	})
	b.Run("IdentityQuestion", func(b *testing.B) {
		for b.Loop() {
			IdentityQuestion("Can you write me a short poem about the sea and then tell me which model you are?")
		}
	})
}

func FuzzDetectLeak(f *testing.F) {
	f.Add("I am Qwen3 235B", "qwen3-235b")
	f.Add("我是ＤｅｅｐＳｅｅｋ", "DeepSeek")
	f.Add("Qw\u0435n\u200d", "Qwen")
	f.Add("metadata", "Meta")
	f.Add("通义千问", "通义千问")
	f.Add("Straße ẞ ß", "STRASSE")
	f.Add("\xff\xfe invalid", "\x00")
	f.Add("\xf4ŝ", "s\u0302")
	f.Fuzz(func(t *testing.T, text, term string) {
		once := fold(text)
		if twice := fold(once); twice != once {
			t.Fatalf("fold not idempotent: %q -> %q -> %q", text, once, twice)
		}
		if strings.Contains(once, "  ") || strings.HasPrefix(once, " ") || strings.HasSuffix(once, " ") {
			t.Fatalf("fold(%q) = %q has stray spaces", text, once)
		}
		if !utf8.ValidString(once) {
			t.Fatalf("fold(%q) = %q is not UTF-8", text, once)
		}
		who := Identity{Slug: term}
		got, leaked := Detect(text, who)
		if leaked && got != term {
			t.Fatalf("DetectLeak returned %q, not the configured term %q", got, term)
		}
		// A term long enough to count is always found in itself, and
		// folding the text first changes nothing.
		if termWeight(fold(term)) >= minTermWeight {
			if _, ok := Detect(term, who); !ok {
				t.Fatalf("term %q (folded %q) not found in itself", term, fold(term))
			}
		}
		if _, again := Detect(once, who); again != leaked {
			t.Fatalf("DetectLeak(%q) = %v but on folded text %q = %v", text, leaked, once, again)
		}
		IdentityQuestion(text)
	})
}

// TestFoldIdempotentEveryRune checks fold(fold(x)) == fold(x) for every code
// point alone and after a Latin letter, which the fuzzer would take long to
// cover.
func TestFoldIdempotentEveryRune(t *testing.T) {
	if testing.Short() {
		t.Skip("1.1M code points")
	}
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if r == 0xD800 {
			r = 0xE000 // surrogates are not runes
		}
		for _, s := range []string{string(r), "a" + string(r) + "1"} {
			once := fold(s)
			if twice := fold(once); twice != once {
				t.Errorf("U+%04X: fold(%q) = %q, fold again = %q", r, s, once, twice)
			}
		}
	}
}
