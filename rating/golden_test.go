package rating

import "testing"

func TestGoldenOnlineElo(t *testing.T) {
	_, set, g := loadGolden(t)
	got := OnlineElo(len(set.Models), set.Outcomes, DefaultElo)
	checkClose(t, "online_elo", set.Models, got, g.OnlineElo, 1e-6)
}

func TestGoldenBT(t *testing.T) {
	_, set, g := loadGolden(t)
	got, err := FitBT(len(set.Models), Cells(set.Outcomes), DefaultBT)
	if err != nil {
		t.Fatal(err)
	}
	checkClose(t, "bt vs exact", set.Models, got, g.Exact.BT, 1e-6)
	checkClose(t, "bt vs reference", set.Models, got, g.BT, 0.05)
}

func TestGoldenBattleCounts(t *testing.T) {
	_, set, g := loadGolden(t)
	got := BattleCounts(len(set.Models), set.Outcomes)
	for i, m := range set.Models {
		if got[i] != g.NumBattles[m] {
			t.Errorf("battles[%s] = %d, want %d", m, got[i], g.NumBattles[m])
		}
	}
}
