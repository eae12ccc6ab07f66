package views

import "testing"

func TestLanguageName(t *testing.T) {
	for code, want := range map[string]string{
		"en": "English", "nl": "Dutch", "zh": "Chinese", "pt": "Portuguese", "und": "unknown", "": "unknown", "x!": "x!",
	} {
		if got := languageName(code); got != want {
			t.Errorf("languageName(%q) = %q, want %q", code, got, want)
		}
	}
}
