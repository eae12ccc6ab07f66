package models_test

import (
	"testing"

	"openarena.dev/arena/models/storetest"
)

// TestRateLimiterBuckets checks the shared buckets on PostgreSQL: a new key
// gets burst requests at once and no more, keys and limiter names count
// apart, and on SQLite there is no shared limiter.
func TestRateLimiterBuckets(t *testing.T) {
	if storetest.Open(t, "sqlite").RateLimiter("voter", 1, 5) != nil {
		t.Error("a shared limiter on SQLite")
	}
	s := storetest.Open(t, "postgres")
	// One token an hour: nothing refills during the test.
	l := s.RateLimiter("voter", 1.0/3600, 3)
	for _, tc := range []struct {
		key  string
		want []bool
	}{
		{"a", []bool{true, true, true, false, false}},
		{"b", []bool{true, true, true, false}},
	} {
		for i, want := range tc.want {
			got, err := l.Allow(tc.key)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("request %d of key %s allowed = %v, want %v", i+1, tc.key, got, want)
			}
		}
	}
	other := s.RateLimiter("address", 1.0/3600, 1)
	if ok, err := other.Allow("a"); !ok || err != nil {
		t.Errorf("another limiter's key a: %v, %v; want allowed", ok, err)
	}
	if ok, err := other.Allow("a"); ok || err != nil {
		t.Errorf("another limiter's key a again: %v, %v; want refused at burst 1", ok, err)
	}
}
