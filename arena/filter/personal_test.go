package filter_test

import (
	"strings"
	"testing"

	"openarena.dev/arena/arena/filter"
)

func TestPersonalData(t *testing.T) {
	cases := []struct {
		name, text, want string
	}{
		{"email", "write to jane.doe@example.org today", filter.FoundEmail},
		{"phone international", "call me on +44 20 7946 0958", filter.FoundPhone},
		{"phone national grouped", "my number is (555) 123-4567 ok", filter.FoundPhone},
		{"visa test card", "card 4111 1111 1111 1111 exp 12/29", filter.FoundCard},
		{"card without spaces", "pay with 5500005555555559", filter.FoundCard},
		{"iban", "send it to GB82 WEST 1234 5698 7654 32 please", filter.FoundIBAN},
		{"iban compact", "DE89370400440532013000", filter.FoundIBAN},
		{"ipv4", "my server is 203.0.113.7", filter.FoundIP},
		{"ipv6", "reach 2001:db8::8a2e:370:7334 now", filter.FoundIP},
		{"openai key", "use sk-proj-abcdefghijklmnopqrstuvwx123", filter.FoundSecret},
		{"github token", "ghp_abcdefghijklmnopqrstuvwxyz0123456789", filter.FoundSecret},
		{"aws key", "AKIAIOSFODNN7EXAMPLE", filter.FoundSecret},
		{"private key", "-----BEGIN RSA PRIVATE KEY-----\nMIIE", filter.FoundSecret},

		{"plain prose", "Explain quicksort in two sentences.", ""},
		{"long plain number", "2^40 = 1099511627776", ""},
		{"decimal", "pi is 3.14159265358979", ""},
		{"card failing luhn", "4111 1111 1111 1112", ""},
		{"iban failing checksum", "GB82WEST12345698765433", ""},
		{"loopback", "curl http://127.0.0.1:8080/ and ::1", ""},
		{"cpp scope", "std::vector<int> v; a::b::c", ""},
		{"clock time", "meet at 12:30:45", ""},
		{"short date", "on 2024-01-15 we met", ""},
		{"zeros", "0000 0000 0000 0000", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := filter.PersonalData(c.text)
			if got != c.want || ok != (c.want != "") {
				t.Errorf("PersonalData(%q) = %q, %v; want %q", c.text, got, ok, c.want)
			}
		})
	}
}

// BenchmarkPersonalData measures the filter on a typical answer (few
// digits, no @) and on one full of numbers, where the patterns must run.
func BenchmarkPersonalData(b *testing.B) {
	for name, text := range map[string]string{
		"prose":   strings.Repeat("The answer is to sort the list first, then merge the halves. See section 2.1. ", 4),
		"numbers": strings.Repeat("Step 3: 1234 + 5678 = 6912; 3.14159 * 2 = 6.28318, at 12:30 on 2024-01-15. ", 4),
	} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, ok := filter.PersonalData(text); ok {
					b.Fatal("flagged a clean text")
				}
			}
		})
	}
}
