package main

import (
	"os"
	"strings"
	"testing"
)

// readmeTable returns the configuration table of the README: the lines
// from its header row to the first line that is not a table row.
func readmeTable(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "| variable | default | meaning |\n")
	if !ok {
		t.Fatal("README.md has no configuration table (header | variable | default | meaning |)")
	}
	var rows []string
	for _, line := range strings.Split(rest, "\n") {
		if !strings.HasPrefix(line, "|") {
			break
		}
		rows = append(rows, line)
	}
	return "| variable | default | meaning |\n" + strings.Join(rows, "\n") + "\n"
}

// TestReadmeSettingsTable keeps the README's table what the settings table
// generates; on a difference it prints the table to paste.
func TestReadmeSettingsTable(t *testing.T) {
	want := settingsMarkdown()
	if got := readmeTable(t); got != want {
		t.Errorf("README.md's configuration table differs from the settings table (settings.go); replace it with:\n\n%s", want)
	}
}
