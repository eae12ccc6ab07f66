package categories

import "testing"

func TestCanonical(t *testing.T) {
	cases := []struct{ in, want string }{
		{"creative", CreativeWriting},
		{"Creative Writing", CreativeWriting},
		{"creative-writing", CreativeWriting},
		{"creative_writing", CreativeWriting},
		{" Coding ", Coding},
		{"Programming", Coding},
		{"maths", Math},
		{"Multi-turn", MultiTurn},
		{"longer query", LongQuery},
		{"LANG:DE", "lang:de"},
		{"law", "law"},
		{"lang:fr", "lang:fr"},
		{"Role Play", "role_play"},
		{"role-play", "role_play"},
		{"", ""},
	}
	for _, c := range cases {
		if got := Canonical(c.in); got != c.want {
			t.Errorf("Canonical(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
