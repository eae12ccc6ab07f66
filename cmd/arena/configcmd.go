package main

import (
	"fmt"
	"io"
)

// runConfig prints the settings serve would run with, given the same
// environment and flags: each value (secrets and URL passwords masked) and
// whether it is the default, from the environment or from a flag. It then
// checks them as serve would, so a bad value is reported without starting.
func runConfig(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	sv, err := serveSettings(args, getenv, stderr)
	if err != nil {
		return err
	}
	if err := sv.print(stdout); err != nil {
		return err
	}
	if _, err := configFrom(sv.get); err != nil {
		return fmt.Errorf("these settings would not start serve: %w", err)
	}
	return nil
}
