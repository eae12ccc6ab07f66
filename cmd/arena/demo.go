package main

import (
	"context"
	"fmt"
	"io"

	"openarena.dev/arena/llm"
	"openarena.dev/arena/models"
)

// addDemoBots registers the built-in demo bots as contenders, so a fresh
// clone has a working live arena with no network and no model server.
func addDemoBots(ctx context.Context, store *models.Store, stdout io.Writer) error {
	var cs []models.Contender
	for _, d := range llm.DemoContenders() {
		cs = append(cs, models.Contender{Slug: d.Slug, DisplayName: d.DisplayName, Organization: d.Organization,
			Country: d.Country, License: d.License, OpenWeights: d.OpenWeights, Aliases: d.Aliases,
			Provider: providerOf(&d.Provider)})
	}
	st, err := store.UpsertContenders(ctx, cs, nil)
	if err != nil {
		return fmt.Errorf("add demo bots: %w", err)
	}
	fmt.Fprintf(stdout, "Demo bots ready (%d new): they are rule-based and statistical toys, not language models.\n", st.Created)
	return nil
}
