package main

import "flag"

// parseAnywhere parses args with fs, taking flags wherever they stand:
// `arena import outputs FILE -db URL` must work like `-db URL` first, while
// the flag package alone stops at the first positional argument. The
// positionals keep their order and end up as fs.Args(); everything after a
// bare "--" is positional.
func parseAnywhere(fs *flag.FlagSet, args []string) error {
	var pos []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return err
		}
		rest := fs.Args()
		used := args[:len(args)-len(rest)]
		if len(used) > 0 && used[len(used)-1] == "--" {
			pos = append(pos, rest...)
			break
		}
		if len(rest) == 0 {
			break
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
	// A parse of "--" alone sets no flag and leaves pos as fs.Args().
	return fs.Parse(append([]string{"--"}, pos...))
}
