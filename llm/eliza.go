package llm

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"sync"
)

// The ELIZA demo bot: keyword rules in the manner of Weizenbaum's 1966
// program. The input is cut into clauses, the highest-ranked rule that
// matches any clause wins, and the words it captured are "reflected" (my →
// your, I am → you are) into one of the rule's replies. It understands
// nothing, which is the point: voters can see what a bot with no language
// model looks like next to real ones.

// elizaRule is one keyword rule. A "%s" in a reply takes the reflected text
// the pattern's first non-empty group captured.
type elizaRule struct {
	rank    int
	re      *regexp.Regexp
	replies []string
}

var elizaRules = sync.OnceValue(func() []elizaRule {
	r := func(rank int, pattern string, replies ...string) elizaRule {
		return elizaRule{rank: rank, re: regexp.MustCompile(pattern), replies: replies}
	}
	return []elizaRule{
		r(90, `\b(?:sorry|apologi[sz]e)\b`,
			"Please don't apologise. What were you going to say?",
			"There is no need to apologise. Go on."),
		r(80, `\bi remember (.+)`,
			"Do you often think of %s?",
			"Why do you remember %s just now?",
			"What else comes to mind when you think of %s?"),
		r(80, `\bdo you remember (.+)`,
			"Did you think I would forget %s?",
			"Why do you want me to recall %s?"),
		r(70, `\bi dream(?:ed|t)? (?:about |of |that )?(.+)`,
			"Have you ever fantasised about %s while you were awake?",
			"What does dreaming of %s suggest to you?"),
		r(65, `\bdreams?\b`,
			"What does that dream suggest to you?",
			"Do you dream often?"),
		r(60, `\bi (?:need|want|would like) (.+)`,
			"Why do you want %s?",
			"What would it mean to you if you got %s?",
			"Suppose you got %s soon. What then?"),
		r(60, `\bi feel (.+)`,
			"Tell me more about feeling %s.",
			"Do you often feel %s?",
			"When do you usually feel %s?"),
		r(58, `\bi(?: am|'m) (.+)`,
			"How long have you been %s?",
			"Did you come to me because you are %s?",
			"Do you enjoy being %s?"),
		r(55, `\bi think (.+)`,
			"Do you really think so?",
			"But you are not sure %s?",
			"What makes you think %s?"),
		r(50, `\bare you (.+)`,
			"Why does it matter to you whether I am %s?",
			"Would you prefer it if I were not %s?",
			"Perhaps you imagine I am %s."),
		r(50, `\byou(?: are|'re) (.+)`,
			"What makes you think I am %s?",
			"Does it please you to believe I am %s?"),
		r(50, `\bcan you (.+)`,
			"What makes you think I can't %s?",
			"If I could %s, what then?"),
		r(50, `\bcan i (.+)`,
			"Perhaps you don't want to %s.",
			"Do you want to be able to %s?"),
		r(45, `\bwhy don't you (.+)`,
			"Do you believe I don't %s?",
			"Perhaps in good time I will %s."),
		r(45, `\bwhy can't i (.+)`,
			"Do you think you should be able to %s?",
			"What is stopping you?"),
		r(40, `\b(?:mother|father|mum|mom|dad|parents?|brother|sister|family|children)\b`,
			"Tell me more about your family.",
			"How do you get along with your family?",
			"Who else in your family comes to mind?"),
		r(38, `\bmy (.+)`,
			"Your %s?",
			"Why do you say your %s?",
			"Is it important to you that your %s?"),
		r(35, `\b(?:vote|votes|voting|arena|battle|leaderboard|ranking)\b`,
			"What makes one answer better than another for you?",
			"How do you feel when the answer you preferred loses?",
			"Do you trust your own judgement when you vote?"),
		r(35, `\b(?:computers?|machines?|robots?|programs?|software|ai|models?|chatbots?|bots?)\b`,
			"Do machines worry you?",
			"What do you think about machines?",
			"Why do you mention machines?"),
		r(30, `^(?:hello|hi|hey|good (?:morning|afternoon|evening))\b`,
			"Hello. What is on your mind today?",
			"Hi. How are you feeling today?"),
		r(25, `\bbecause\b`,
			"Is that the real reason?",
			"What other reasons come to mind?",
			"Does that reason explain anything else?"),
		r(25, `\b(?:always|never)\b`,
			"Can you think of a specific example?",
			"Really, every time?"),
		r(25, `\b(?:everyone|everybody|nobody|no one)\b`,
			"Surely not everyone.",
			"Who in particular are you thinking of?"),
		r(20, `\b(?:maybe|perhaps|probably)\b`,
			"You don't seem very certain.",
			"Why the uncertain tone?"),
		r(20, `^(?:yes|yeah|yep)\b`,
			"You seem quite sure.",
			"I see. Please go on."),
		r(20, `^(?:no|nope|not really)\b`,
			"Why not?",
			"Are you saying no just to be negative?"),
		r(15, `^(?:what|who|where|when|how|which|why)\b`,
			"Why do you ask?",
			"What answer would please you most?",
			"What do you think?",
			"Is that question really on your mind?"),
	}
})

var elizaFallbacks = []string{
	"Please go on.",
	"Tell me more about that.",
	"How does that make you feel?",
	"I see. What does that suggest to you?",
	"Can you say more about what you mean?",
	"That is interesting. Why do you say so?",
}

// elizaReflect swaps first and second person, word by word.
var elizaReflect = map[string]string{
	"am": "are", "was": "were", "i": "you", "i'd": "you would", "i've": "you have",
	"i'll": "you will", "i'm": "you are", "my": "your", "me": "you", "mine": "yours",
	"myself": "yourself", "you": "me", "your": "my", "yours": "mine",
	"yourself": "myself", "you're": "I am", "you've": "I have", "you'll": "I will",
}

var (
	elizaClause = regexp.MustCompile(`[.!?;,:\n]+`)
	elizaMyRe   = regexp.MustCompile(`\bmy (.+)`)
)

// elizaAnswer replies to the latest user message.
func elizaAnswer(msgs []Message, rng *rand.Rand) string {
	best, frag := -1, ""
	var rule elizaRule
	for _, clause := range elizaClauses(lastUser(msgs)) {
		for _, r := range elizaRules() {
			if r.rank <= best {
				continue
			}
			m := r.re.FindStringSubmatch(clause)
			if m == nil {
				continue
			}
			f := firstGroup(m)
			if len(m) > 1 && f == "" {
				continue // a rule that needs a fragment got none ("i am")
			}
			best, frag, rule = r.rank, f, r
		}
	}
	if best < 0 {
		// Like the original's memory: bring back something the voter said
		// about themselves earlier in the conversation.
		if earlier := elizaMemory(msgs); earlier != "" {
			return capitalize(fmt.Sprintf("Earlier you mentioned your %s. Tell me more about that.", earlier))
		}
		return elizaFallbacks[rng.IntN(len(elizaFallbacks))]
	}
	reply := rule.replies[rng.IntN(len(rule.replies))]
	if strings.Contains(reply, "%s") {
		if strings.Contains(frag, "eliza") {
			// Echoing its own name back would reveal the bot and void the
			// vote as an identity leak.
			return "Why does that matter to you?"
		}
		reply = fmt.Sprintf(reply, reflect(frag))
	}
	return capitalize(reply)
}

// elizaClauses lowercases the input and cuts it at punctuation.
func elizaClauses(s string) []string {
	s = strings.NewReplacer("’", "'", "‘", "'").Replace(strings.ToLower(s))
	var out []string
	for _, c := range elizaClause.Split(s, -1) {
		if c = strings.Join(strings.Fields(c), " "); c != "" {
			out = append(out, c)
		}
	}
	return out
}

// elizaMemory finds "my …" in an earlier user message.
func elizaMemory(msgs []Message) string {
	users := 0
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Role != RoleUser {
			continue
		}
		if users++; users == 1 {
			continue // the latest message already had its chance
		}
		for _, c := range elizaClauses(msgs[i].Content) {
			if m := elizaMyRe.FindStringSubmatch(c); m != nil {
				return reflect(m[1])
			}
		}
	}
	return ""
}

func firstGroup(m []string) string {
	for _, g := range m[1:] {
		if g = strings.TrimSpace(g); g != "" {
			return g
		}
	}
	return ""
}

// reflect turns the voter's words around and keeps the fragment short, as
// a long echo reads like a bug rather than a question.
func reflect(frag string) string {
	words := strings.Fields(frag)
	if len(words) > 12 {
		words = words[:12]
	}
	for i, w := range words {
		if r, ok := elizaReflect[w]; ok {
			if w == "you" && i == 0 {
				r = "I"
			}
			words[i] = r
		}
	}
	return strings.Join(words, " ")
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
