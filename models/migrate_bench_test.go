package models_test

import (
	"testing"

	"openarena.dev/arena/models/storetest"
)

// BenchmarkMigrateFresh measures what every start on an empty database and
// every store test pays: the arena's tables, its numbered steps and the job
// queue's tables.
func BenchmarkMigrateFresh(b *testing.B) {
	for _, d := range storetest.Dialects {
		b.Run(d, func(b *testing.B) {
			for b.Loop() {
				storetest.Open(b, d)
			}
		})
	}
}
