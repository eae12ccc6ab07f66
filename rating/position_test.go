package rating

import (
	"math"
	"testing"
)

func TestSidePreference(t *testing.T) {
	for _, tc := range []struct {
		winsA, winsB int
		lo, hi       float64 // Wilson 95% bounds, computed by hand
		biased       bool
	}{
		{60, 40, 0.5020025867910618, 0.6905987135675411, false}, // excludes 50% but not the band
		{600, 400, 0.5693094295142662, 0.6299252187886226, true},
		{520, 480, 0.4890177246575191, 0.5508292050030589, false},
		{400, 600, 0.37007478121137727, 0.4306905704857338, true},
		{5, 0, 0.5655175352168251, 1, true},
		{0, 0, 0, 1, false},
	} {
		got := SidePreference(tc.winsA, tc.winsB)
		share := 0.5
		if n := tc.winsA + tc.winsB; n > 0 {
			share = float64(tc.winsA) / float64(n)
		}
		if math.Abs(got.Lower-tc.lo) > 1e-12 || math.Abs(got.Upper-tc.hi) > 1e-12 || got.Share != share || got.Biased != tc.biased {
			t.Errorf("SidePreference(%d, %d) = %+v, want [%v, %v] share %v biased %v", tc.winsA, tc.winsB, got, tc.lo, tc.hi, share, tc.biased)
		}
	}
}
