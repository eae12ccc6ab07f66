package main

import (
	"flag"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// settingSource says where an effective value came from.
type settingSource string

const (
	fromDefault settingSource = "default"
	fromEnv     settingSource = "env"
	fromFlag    settingSource = "flag"
)

// settingValue is one setting's effective value.
type settingValue struct {
	s    *setting
	raw  string
	from settingSource
}

// settingValues are the effective values of the whole table for one run of
// a command: the default, replaced by the environment, replaced by a flag.
type settingValues struct {
	list   []*settingValue
	byEnv  map[string]*settingValue
	byFlag map[string]*settingValue
}

// readSettings takes every setting from getenv, or its default when the
// variable is empty (an empty variable has always meant "not set").
func readSettings(getenv func(string) string) *settingValues {
	sv := &settingValues{byEnv: map[string]*settingValue{}, byFlag: map[string]*settingValue{}}
	for i := range settings {
		v := &settingValue{s: &settings[i], raw: settings[i].Default, from: fromDefault}
		if e := getenv(v.s.Env); e != "" {
			v.raw, v.from = e, fromEnv
		}
		sv.list = append(sv.list, v)
		sv.byEnv[v.s.Env] = v
	}
	return sv
}

// get is the effective text of a setting; it has the shape of getenv so
// the typed readers (settingInt, loadIntegrity, …) take either.
func (sv *settingValues) get(env string) string {
	v, ok := sv.byEnv[env]
	if !ok {
		lookupSetting(env) // panics with the name
	}
	return v.raw
}

// bindFlag registers the setting's flag on fs, with the value so far as its
// default, as the hand-written flags did: -h shows what would be used. A
// bad number or boolean in the environment is reported here, before the
// flags are parsed, so it is not hidden by a flag that overrides it.
func (sv *settingValues) bindFlag(fs *flag.FlagSet, env string) error {
	v := sv.byEnv[env]
	if v == nil || v.s.Flag == "" {
		panic(fmt.Sprintf("%s has no flag in the settings table", env))
	}
	usage := strings.ReplaceAll(v.s.Doc, "`", "") + " (" + v.s.Env + ")"
	switch v.s.Kind {
	case kindInt:
		n, err := settingInt(sv.get, env)
		if err != nil {
			return err
		}
		fs.Int(v.s.Flag, n, usage)
	case kindBool:
		b, err := settingBool(sv.get, env)
		if err != nil {
			return err
		}
		fs.Bool(v.s.Flag, b, usage)
	default:
		fs.String(v.s.Flag, v.raw, usage)
	}
	sv.byFlag[v.s.Flag] = v
	return nil
}

// bindServeFlags registers every flag of serve.
func (sv *settingValues) bindServeFlags(fs *flag.FlagSet) error {
	for _, v := range sv.list {
		if v.s.Flag != "" && v.s.FlagCommand == "" {
			if err := sv.bindFlag(fs, v.s.Env); err != nil {
				return err
			}
		}
	}
	return nil
}

// parse parses args with fs (flags anywhere among the positionals) and
// takes the flags that were given over the environment. The flag package has parsed numbers and booleans already, so
// the text taken is its canonical form.
func (sv *settingValues) parse(fs *flag.FlagSet, args []string) error {
	if err := parseAnywhere(fs, args); err != nil {
		return err
	}
	fs.Visit(func(f *flag.Flag) {
		if v := sv.byFlag[f.Name]; v != nil {
			v.raw, v.from = f.Value.String(), fromFlag
		}
	})
	return nil
}

// print writes the effective settings for `arena config`: one line each
// with its value, secrets masked, and where it came from.
func (sv *settingValues) print(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "setting\tvalue\tfrom")
	for _, v := range sv.list {
		from := string(v.from)
		if v.from == fromFlag {
			from += " -" + v.s.Flag
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", v.s.Env, v.display(), from)
	}
	return tw.Flush()
}

// display is the value as it may be shown on a terminal or in a log: a
// secret is never shown, nor the password of a URL (database, Ollama).
func (v *settingValue) display() string {
	switch {
	case v.s.Secret && v.raw != "":
		return "(set, hidden)"
	case v.raw == "" && v.s.DefaultDoc != "":
		return "(" + v.s.DefaultDoc + ")"
	case v.raw == "":
		return "(empty)"
	}
	if u, err := url.Parse(v.raw); err == nil && u.User != nil {
		if _, has := u.User.Password(); has {
			return u.Redacted()
		}
	}
	return v.raw
}

// settingString is a setting's text from get (getenv or settingValues.get),
// or the table's default when get has none.
func settingString(get func(string) string, env string) string {
	if v := get(env); v != "" {
		return v
	}
	return lookupSetting(env).Default
}

// settingInt reads a whole-number setting.
func settingInt(get func(string) string, env string) (int, error) {
	v := settingString(get, env)
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("%s must be a whole number, not %q", env, v)
	}
	return n, nil
}

// settingBool reads a true/false setting.
func settingBool(get func(string) string, env string) (bool, error) {
	v := settingString(get, env)
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s must be true or false, not %q", env, v)
	}
	return b, nil
}

// settingDuration reads a Go duration such as 3s or 1h; zero is allowed
// only when zeroOK (it then means off).
func settingDuration(get func(string) string, env string, zeroOK bool) (time.Duration, error) {
	v := settingString(get, env)
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 || d == 0 && !zeroOK {
		return 0, fmt.Errorf("%s must be a duration such as 3s or 1h, not %q", env, v)
	}
	return d, nil
}
