package main

import (
	"encoding/binary"
	"fmt"
	mrand "math/rand/v2"
	"strings"
	"time"

	"openarena.dev/arena/models"
)

// seedBattleID is the id of a battle seeded age before the seed ran,
// made as the arena makes one (models.IDAt) but from a fixed day rather
// than the clock, and with its random part drawn from the seed's
// generator, so that the same -seed gives the same ids. Older battles
// still sort first.
func seedBattleID(rng *mrand.Rand, age time.Duration) string {
	var b [12]byte
	binary.LittleEndian.PutUint64(b[:8], rng.Uint64())
	binary.LittleEndian.PutUint32(b[8:], rng.Uint32())
	return models.IDAt(seedIDDay.Add(-age), b[:])
}

// seedIDDay is the day seeded ids count back from.
var seedIDDay = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// seedVoterID is the voter of a seeded battle: one of about four billion,
// named by the first random digits of the battle's id (after its time).
func seedVoterID(battleID string) string {
	return "bench-voter-" + battleID[8:16]
}

// seedContenders are n benchmark contenders spread over organisations,
// countries and licences, about half with open weights.
func seedContenders(n int) []models.Contender {
	orgs := []struct{ name, country string }{
		{"Bench Labs", "US"}, {"Modelworks", "US"}, {"Nordic AI", "SE"}, {"Lyon Research", "FR"},
		{"Rhein Systems", "DE"}, {"Pacific Minds", "CN"}, {"Harbour AI", "GB"}, {"Maple Models", "CA"},
		{"Sakura Compute", "JP"}, {"Seoul Neural", "KR"},
	}
	licenses := []string{"Apache-2.0", "MIT", "Llama community", "Proprietary"}
	out := make([]models.Contender, n)
	for i := range out {
		o := orgs[i%len(orgs)]
		lic := licenses[(i/len(orgs))%len(licenses)]
		out[i] = models.Contender{Slug: fmt.Sprintf("bench-model-%03d", i), DisplayName: fmt.Sprintf("Bench Model %03d", i),
			Organization: o.name, Country: o.country, License: lic, OpenWeights: lic != "Proprietary"}
	}
	return out
}

// seedPrompt is the i-th benchmark prompt: a rotation of coding, maths,
// creative-writing, general, long and non-English questions, each made
// distinct by its number.
func seedPrompt(i int) string {
	topics := []string{"rivers", "volcanoes", "trains", "honeybees", "lighthouses", "glaciers", "markets", "bridges"}
	t := topics[i%len(topics)]
	switch i % 8 {
	case 0:
		return fmt.Sprintf("Write a Python function that counts the %s in a list of records, and explain its complexity (case %d).", t, i)
	case 1:
		return fmt.Sprintf("Solve for x when %dx + 7 = %d, and show each step of the working clearly.", i%9+2, 7+(i%9+2)*(i%13+1))
	case 2:
		return fmt.Sprintf("Write a short poem about %s at night, in the voice of an old keeper (number %d).", t, i)
	case 3:
		return fmt.Sprintf("What are the main differences between %s in Europe and in Asia, and why do they matter? (question %d)", t, i)
	case 4:
		return fmt.Sprintf("Wie viele %s gibt es ungefähr in Deutschland, und warum sind sie für die Menschen so wichtig? (Frage %d)", germanTopic(t), i)
	case 5:
		return fmt.Sprintf("Quelle est l'histoire des %s en France, et pourquoi les gens les aiment-ils tant aujourd'hui ? (question %d)", frenchTopic(t), i)
	case 6:
		return strings.Repeat(fmt.Sprintf("Here is a long report about %s that the committee reviewed again this year. ", t), 45) +
			fmt.Sprintf("Summarise the report above in five bullet points (report %d).", i)
	}
	return fmt.Sprintf("Give me three practical tips for a family trip to see %s on a small budget (trip %d).", t, i)
}

func germanTopic(t string) string {
	return map[string]string{"rivers": "Flüsse", "volcanoes": "Vulkane", "trains": "Züge", "honeybees": "Honigbienen",
		"lighthouses": "Leuchttürme", "glaciers": "Gletscher", "markets": "Märkte", "bridges": "Brücken"}[t]
}

func frenchTopic(t string) string {
	return map[string]string{"rivers": "rivières", "volcanoes": "volcans", "trains": "trains", "honeybees": "abeilles",
		"lighthouses": "phares", "glaciers": "glaciers", "markets": "marchés", "bridges": "ponts"}[t]
}
