package filter

import (
	"net/netip"
	"regexp"
	"strings"
)

// The personal-data filter decides what may never leave the arena in a
// public data release. It errs on the side of leaving a battle out: a
// version string that looks like an IPv4 address costs one battle of the
// release, a leaked address cannot be taken back.

var (
	// cardCandidate is 13 to 19 digits, optionally grouped by single spaces
	// or dashes, as card numbers are written.
	cardCandidate = regexp.MustCompile(`\b\d(?:[ -]?\d){12,18}\b`)
	// ibanCandidate is a country code, two check digits and 11 to 30
	// letters or digits, optionally in groups of four.
	ibanCandidate = regexp.MustCompile(`(?i)\b[a-z]{2}\d{2}(?:[ ]?[a-z0-9]){11,30}\b`)
	ipv4Candidate = regexp.MustCompile(`\b\d{1,3}(?:\.\d{1,3}){3}\b`)
	// ipv6Candidate is hex groups joined by colons, with at least two colons.
	ipv6Candidate = regexp.MustCompile(`(?i)(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}`)
	// secretPatterns are the shapes of API keys and private keys that
	// providers hand out; any of them in a prompt or an answer is a leak.
	secretPatterns = []*regexp.Regexp{
		regexp.MustCompile(`\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{16,}`),
		regexp.MustCompile(`\bgh[pousr]_[A-Za-z0-9]{30,}`),
		regexp.MustCompile(`\bgithub_pat_[A-Za-z0-9_]{30,}`),
		regexp.MustCompile(`\bglpat-[A-Za-z0-9_-]{20,}`),
		regexp.MustCompile(`\bhf_[A-Za-z0-9]{30,}`),
		regexp.MustCompile(`\bxox[abprs]-[A-Za-z0-9-]{10,}`),
		regexp.MustCompile(`\b(?:AKIA|ASIA)[0-9A-Z]{16}\b`),
		regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}`),
		regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----`),
	}
)

// Kinds of personal data PersonalData reports. They name what was found,
// never the text itself, so they can be counted and logged.
const (
	FoundEmail  = "e-mail address"
	FoundPhone  = "phone number"
	FoundCard   = "payment card number"
	FoundIBAN   = "IBAN"
	FoundIP     = "IP address"
	FoundSecret = "API key or secret"
)

// PersonalData reports whether text holds personal data or a secret that a
// public release must not contain: e-mail addresses, phone numbers, payment
// card numbers (Luhn-checked), IBANs (checksum-checked), IPv4 and IPv6
// addresses other than loopback, and API-key-like tokens. found names the
// kind, never the matched text.
func PersonalData(text string) (found string, ok bool) {
	// Cheap byte tests first: the regular expressions cost tens of
	// microseconds each, and most texts have no @, few digits and none of
	// the secrets' prefixes, so most are skipped.
	n := Digits(text)
	switch {
	case strings.Contains(text, "@") && EmailPattern.MatchString(text):
		return FoundEmail, true
	case hasSecret(text):
		return FoundSecret, true
	// Cards and IBANs go before phones: a card number also looks like a
	// long phone number, and the more precise name helps the admin.
	case n >= 13 && hasCard(text):
		return FoundCard, true
	case n >= 6 && hasIBAN(text):
		return FoundIBAN, true
	case n >= 2 && hasIP(text, n):
		return FoundIP, true
	case n >= 9 && hasPhone(text):
		return FoundPhone, true
	}
	return "", false
}

// secretHints are substrings one of which every secret pattern needs.
var secretHints = []string{"sk-", "gh", "github_pat_", "glpat-", "hf_", "xox", "AKIA", "ASIA", "AIza", "PRIVATE KEY"}

func hasSecret(text string) bool {
	hinted := false
	for _, h := range secretHints {
		if strings.Contains(text, h) {
			hinted = true
			break
		}
	}
	if !hinted {
		return false
	}
	for _, p := range secretPatterns {
		if p.MatchString(text) {
			return true
		}
	}
	return false
}

func hasCard(text string) bool {
	for _, m := range cardCandidate.FindAllString(text, -1) {
		if luhn(m) {
			return true
		}
	}
	return false
}

// luhn checks the mod-10 check digit of the digits in s.
func luhn(s string) bool {
	sum, n, double := 0, 0, false
	for i := len(s) - 1; i >= 0; i-- {
		c := s[i]
		if c < '0' || c > '9' {
			continue
		}
		d := int(c - '0')
		if double {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
		n++
		double = !double
	}
	// A run of zeros passes the sum but is no card.
	return n >= 13 && sum%10 == 0 && strings.Trim(s, "0 -") != ""
}

func hasIBAN(text string) bool {
	for _, m := range ibanCandidate.FindAllString(text, -1) {
		// The pattern may run on into the next word; an IBAN is then a
		// prefix of the candidate.
		c := strings.ReplaceAll(m, " ", "")
		for n := len(c); n >= 15; n-- {
			if ibanValid(c[:n]) {
				return true
			}
		}
	}
	return false
}

// ibanValid applies the ISO 13616 mod-97 check: move the first four
// characters to the end, read letters as 10..35, and the number mod 97 is 1.
func ibanValid(s string) bool {
	if len(s) < 15 || len(s) > 34 {
		return false
	}
	s = strings.ToUpper(s[4:] + s[:4])
	rem := 0
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			rem = (rem*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			rem = (rem*100 + int(c-'A'+10)) % 97
		default:
			return false
		}
	}
	return rem == 1
}

// hasIP looks for IPv4 addresses only in texts with four digits and three
// dots, and for IPv6 ones only in texts with two colons.
func hasIP(text string, Digits int) bool {
	if Digits >= 4 && strings.Count(text, ".") >= 3 {
		for _, m := range ipv4Candidate.FindAllString(text, -1) {
			if ip, err := netip.ParseAddr(m); err == nil && publicish(ip) {
				return true
			}
		}
	}
	if strings.Count(text, ":") < 2 {
		return false
	}
	for _, m := range ipv6Candidate.FindAllString(text, -1) {
		// Require a digit and two groups so that C++'s a::b and times
		// like 12:30 are not addresses.
		if !strings.ContainsAny(m, "0123456789") || strings.Count(m, ":") < 2 {
			continue
		}
		if ip, err := netip.ParseAddr(m); err == nil && publicish(ip) {
			return true
		}
	}
	return false
}

// publicish leaves out only the addresses that identify no one: loopback
// and unspecified. Private ranges stay in: they still map a network.
func publicish(ip netip.Addr) bool {
	return !ip.IsLoopback() && !ip.IsUnspecified()
}

// hasPhone uses the live filter's phone pattern, but a run of digits must
// start with + or be grouped by spaces, dashes, slashes or brackets to
// count: answers are full of long plain numbers and decimals like 3.14159.
func hasPhone(text string) bool {
	for _, m := range PhonePattern.FindAllStringSubmatch(text, -1) {
		n, s := Digits(m[1]), m[1]
		if n < 9 || n > 15 {
			continue
		}
		if strings.HasPrefix(s, "+") || strings.ContainsAny(s, " ()/-") {
			return true
		}
	}
	return false
}
