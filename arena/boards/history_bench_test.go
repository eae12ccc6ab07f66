package boards

import (
	"encoding/json"
	"fmt"
	"testing"

	"openarena.dev/arena/models"
)

// BenchmarkDecodeHistoryPoint decodes one snapshot of 100 models that all
// met (4,950 pairs): the cost of each point of a history read for the
// first time.
func BenchmarkDecodeHistoryPoint(b *testing.B) {
	board := RatedBoard{Category: "overall", Method: MethodBradleyTerry, Votes: 1_000_000}
	for i := range 100 {
		board.Models = append(board.Models, RatedRow{Slug: fmt.Sprintf("model-%03d", i), DisplayName: fmt.Sprintf("Model %d", i),
			Organization: "Org", Country: "FR", Score: 1000 + float64(i), CILower: 990, CIUpper: 1010, Votes: 20000,
			Style: &RatedStyle{Score: 1000, CILower: 990, CIUpper: 1010, RankUB: 3}})
	}
	for i := range 100 {
		for j := i + 1; j < 100; j++ {
			board.Pairs = append(board.Pairs, RatedPair{A: board.Models[i].Slug, B: board.Models[j].Slug, AWins: 120, Ties: 30, BWins: 97})
		}
	}
	raw, err := json.Marshal(board)
	if err != nil {
		b.Fatal(err)
	}
	snap := &models.RatingSnapshot{ID: 1, Result: string(raw)}
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		p, err := decodeHistoryPoint(snap)
		if err != nil || len(p.Models) != 100 || p.Votes != 1_000_000 {
			b.Fatalf("decoded %d models, %d votes, %v", len(p.Models), p.Votes, err)
		}
	}
}
