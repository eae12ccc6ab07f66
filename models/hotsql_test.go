package models

import "testing"

func TestNumberPlaceholders(t *testing.T) {
	tests := []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"a = ? AND b = ?", "a = $1 AND b = $2"},
		{"x <> '' AND y = ? AND z = '?'", "x <> '' AND y = $1 AND z = '?'"},
		{`"odd?" = ? OR w = 'it''s ?' OR v = ?`, `"odd?" = $1 OR w = 'it''s ?' OR v = $2`},
		{"? ? ? ? ? ? ? ? ? ? ?", "$1 $2 $3 $4 $5 $6 $7 $8 $9 $10 $11"},
	}
	for _, tc := range tests {
		if got := numberPlaceholders(tc.in); got != tc.want {
			t.Errorf("numberPlaceholders(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
