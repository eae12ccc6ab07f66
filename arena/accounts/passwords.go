package accounts

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"

	"openarena.dev/arena/arena/fault"
)

// Password length bounds, in bytes: the upper one keeps hashing cost bounded
// and is what NIST SP 800-63B asks a verifier to accept at least.
const (
	MinPasswordBytes = 8
	MaxPasswordBytes = 128
)

// argon2id parameters: OWASP's first recommended set (m=19 MiB, t=2, p=1).
const (
	argonMemoryKiB = 19 * 1024
	argonTime      = 2
	argonThreads   = 1
	argonKeyLen    = 32
	argonSaltLen   = 16
)

// commonPasswordsText is every entry of 8 to 128 bytes among the 20,000 most
// frequent lines of data/passwords.txt in github.com/trustelem/zxcvbn v1.0.1
// (the Go port of Dropbox's zxcvbn; MIT licence, Copyright (c) 2018 Vincent
// Vanackere and Trustelem, and Copyright (c) 2012-2016 Dan Wheeler and
// Dropbox, Inc.), which zxcvbn derived from Xato's 10 million password
// corpus. Shorter ones are refused by length anyway.
//
//go:embed commonpasswords.txt
var commonPasswordsText []byte

var commonPasswords = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(commonPasswordsText))
	for sc.Scan() {
		if w := strings.TrimSpace(sc.Text()); w != "" {
			m[w] = true
		}
	}
	return m
})

// CheckPassword says why a new password is refused, or nil if it is fine.
func CheckPassword(username, password string) error {
	switch n := len(password); {
	case n < MinPasswordBytes:
		return fault.Invalidf("The password is too short: use at least %d characters (it has %d bytes).", MinPasswordBytes, n)
	case n > MaxPasswordBytes:
		return fault.Invalidf("The password is too long: use at most %d bytes (it has %d).", MaxPasswordBytes, n)
	}
	low := strings.ToLower(password)
	if commonPasswords()[low] {
		return fault.New(fault.Invalid, "This password is one of the most common ones and is easily guessed; choose another.")
	}
	if username != "" && strings.EqualFold(password, username) {
		return fault.New(fault.Invalid, "The password must not be the username.")
	}
	return nil
}

// HashPassword returns the argon2id hash of password in the PHC string
// format, $argon2id$v=19$m=…,t=…,p=…$salt$hash, so that the parameters can be
// raised later without breaking stored hashes.
func HashPassword(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemoryKiB, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemoryKiB, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// errBadHash is a stored hash this code cannot read.
var errBadHash = errors.New("unreadable password hash")

// VerifyPassword reports whether password matches the encoded hash, comparing
// in constant time with the parameters stored in the hash.
func VerifyPassword(encoded, password string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || t == 0 || p == 0 {
		return false, errBadHash
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, errBadHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, errBadHash
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
