package models

import (
	"bytes"
	"testing"
	"time"
)

func TestIDAt(t *testing.T) {
	r := bytes.Repeat([]byte{0xab}, 12)
	tests := []struct {
		at   time.Time
		want string
	}{
		{time.Unix(0, 0), "00000000abababababababababababab"},
		{time.Unix(1_796_601_600, 999_999_999), "6b15f700abababababababababababab"},
		{time.Unix(1<<32-1, 0), "ffffffffabababababababababababab"},
	}
	for _, tc := range tests {
		if got := IDAt(tc.at, r); got != tc.want {
			t.Errorf("IDAt(%v) = %s, want %s", tc.at.UTC(), got, tc.want)
		}
	}
	// Later seconds sort after, whatever the random part.
	early := IDAt(time.Unix(1_796_601_600, 0), bytes.Repeat([]byte{0xff}, 12))
	late := IDAt(time.Unix(1_796_601_601, 0), make([]byte, 12))
	if early >= late {
		t.Errorf("%s made a second before %s sorts after it", early, late)
	}
}
