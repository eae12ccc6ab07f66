package categories

import "strings"

// aliases maps the names bank files commonly give a topic onto the built-in
// category, so an imported "creative" lands on the "Creative writing" board
// instead of opening a tab of its own beside it.
var aliases = map[string]string{
	"creative": CreativeWriting, "creative_writing": CreativeWriting, "writing": CreativeWriting,
	"creativity": CreativeWriting, "story": CreativeWriting, "poetry": CreativeWriting,
	"code": Coding, "coding": Coding, "programming": Coding, "software": Coding,
	"math": Math, "maths": Math, "mathematics": Math, "arithmetic": Math,
	"long": LongQuery, "long_query": LongQuery, "longer_query": LongQuery, "long_prompt": LongQuery,
	"multi_turn": MultiTurn, "multiturn": MultiTurn, "conversation": MultiTurn,
}

// Canonical is the category a name from an imported file stands for: a
// built-in topic for its usual spellings (case, spaces and hyphens aside),
// a language category as "lang:de" (a bare "de" is left alone: short topic
// names such as "art" or "law" look like language codes), and
// otherwise the name itself in lower case with underscores, so "Role Play"
// and "role-play" are one category. An empty name stays empty.
func Canonical(name string) string {
	key := strings.ToLower(strings.TrimSpace(name))
	key = strings.NewReplacer(" ", "_", "-", "_").Replace(key)
	if c, ok := aliases[key]; ok {
		return c
	}
	if code, ok := strings.CutPrefix(key, LanguagePrefix); ok && IsLanguageCode(code) {
		return LanguagePrefix + code
	}
	return key
}
