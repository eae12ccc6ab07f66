package gcheadroom

import "testing"

func TestParseSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"256MiB", 256 << 20, true},
		{"1GiB", 1 << 30, true},
		{" 64 KiB ", 64 << 10, true},
		{"4096B", 4096, true},
		{"2TiB", 2 << 40, true},
		{"off", 0, true},
		{"0", 0, true},
		{"0MiB", 0, true},
		{"256", 0, false},
		{"256MB", 0, false},
		{"-1MiB", 0, false},
		{"1.5GiB", 0, false},
		{"MiB", 0, false},
		{"99999999999TiB", 0, false},
		{"", 0, false},
	} {
		got, err := ParseSize(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}
