package main

import (
	"context"
	"strings"
	"testing"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/models/storetest"
)

// The import commands switch the demo off and say so; a later import finds
// it off already and says nothing about it.
func TestImportSwitchesDemoOff(t *testing.T) {
	for _, kind := range []string{"outputs", "contenders"} {
		t.Run(kind, func(t *testing.T) {
			dsn := storetest.SQLiteDSN(t)
			store, err := openStore(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			st, err := arena.New(store, arena.Options{}).StartDemo(context.Background(), true, nil)
			store.Close()
			if err != nil || !st.On {
				t.Fatalf("StartDemo = %+v, %v", st, err)
			}
			file := writeFile(t, "o.jsonl", goodOutputs)
			if kind == "contenders" {
				file = writeFile(t, "c.json", `[{"slug": "qwen3-235b", "display_name": "Qwen3"}]`)
			}
			out, err := runArena(t, dsn, "import", kind, file)
			if err != nil || !strings.Contains(out, "Demo mode is off: 3 demo bots disabled") {
				t.Fatalf("first import: %v\n%s", err, out)
			}
			out, err = runArena(t, dsn, "import", kind, file)
			if err != nil || strings.Contains(out, "Demo mode") {
				t.Errorf("second import: %v\n%s", err, out)
			}
		})
	}
}
