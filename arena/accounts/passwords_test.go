package accounts

import (
	"encoding/base64"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"

	"openarena.dev/arena/arena/fault"
)

func TestCheckPassword(t *testing.T) {
	cases := []struct {
		name, user, password string
		refused              string // part of the reason; empty = accepted
	}{
		{"7 bytes", "ana", "abcdefg", "too short"},
		{"8 bytes", "ana", "kq3-vx9z", ""},
		{"128 bytes", "ana", strings.Repeat("k9", 64), ""},
		{"129 bytes", "ana", strings.Repeat("k", 129), "too long"},
		// Bytes, not characters: 65 two-byte letters are 130 bytes.
		{"65 two-byte letters", "ana", strings.Repeat("é", 65), "too long"},
		{"top of the list", "ana", "password", "most common"},
		{"common, other case", "ana", "Qwertyuiop", "most common"},
		{"common, from deep in the list", "ana", "alexsandr", "most common"},
		{"the username", "harbourmaster", "HARBOURMASTER", "username"},
	}
	for _, tc := range cases {
		err := CheckPassword(tc.user, tc.password)
		switch {
		case tc.refused == "" && err != nil:
			t.Errorf("%s: refused: %v", tc.name, err)
		case tc.refused != "" && (!fault.Is(err, fault.Invalid) || !strings.Contains(err.Error(), tc.refused)):
			t.Errorf("%s: %v, want a refusal saying %q", tc.name, err, tc.refused)
		}
	}
	if n := len(commonPasswords()); n < 5000 {
		t.Errorf("only %d common passwords loaded", n)
	}
}

func TestHashPassword(t *testing.T) {
	h1, err := HashPassword("plum-tree-harbour-42")
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := HashPassword("plum-tree-harbour-42")
	if h1 == h2 {
		t.Error("two hashes of one password are equal: no salt")
	}
	if !strings.HasPrefix(h1, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q", h1)
	}
	for _, tc := range []struct {
		hash, password string
		ok             bool
		bad            bool
	}{
		{h1, "plum-tree-harbour-42", true, false},
		{h2, "plum-tree-harbour-42", true, false},
		{h1, "plum-tree-harbour-43", false, false},
		{h1, "", false, false},
		{"$argon2i$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", "x", false, true},
		{"plain text", "plain text", false, true},
		{strings.Replace(h1, "m=19456", "m=0", 1), "plum-tree-harbour-42", false, true},
	} {
		ok, err := VerifyPassword(tc.hash, tc.password)
		if ok != tc.ok || (err != nil) != tc.bad {
			t.Errorf("VerifyPassword(%q, %q) = %v, %v; want %v, error %v", tc.hash, tc.password, ok, err, tc.ok, tc.bad)
		}
	}
	// A stored hash with other parameters still verifies: they are read
	// from the hash, so raising the cost later keeps old admins working.
	salt := []byte("0123456789abcdef")
	key := argon2.IDKey([]byte("plum-tree-harbour-42"), salt, 1, 64, 1, 32)
	b64 := base64.RawStdEncoding
	low := "$argon2id$v=19$m=64,t=1,p=1$" + b64.EncodeToString(salt) + "$" + b64.EncodeToString(key)
	if ok, err := VerifyPassword(low, "plum-tree-harbour-42"); !ok || err != nil {
		t.Errorf("hash with m=64,t=1 does not verify: %v %v", ok, err)
	}
}
