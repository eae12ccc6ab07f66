package views

import "testing"

func TestCountOf(t *testing.T) {
	for n, want := range map[int]string{0: "0 votes", 1: "1 vote", 999: "999 votes", 1000: "1,000 votes",
		123456: "123,456 votes", 1000000: "1,000,000 votes", -1500: "-1,500 votes"} {
		if got := countOf(n, "vote"); got != want {
			t.Errorf("countOf(%d) = %q, want %q", n, got, want)
		}
	}
}
