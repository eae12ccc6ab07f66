package views

import (
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// languageName is a prompt's language code as a moderator reads it: "en"
// is "English", "und" (undetermined) is "unknown", and a code the tables
// do not know is shown as it is.
func languageName(code string) string {
	code = strings.TrimSpace(code)
	if code == "" || code == "und" {
		return "unknown"
	}
	tag, err := language.Parse(code)
	if err != nil {
		return code
	}
	if name := display.English.Languages().Name(tag); name != "" {
		return name
	}
	return code
}
