package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

type cliErrorCase struct {
	name   string
	args   []string
	code   int
	prefix string // what stderr starts with after "hashfall: "
}

// cliErrorCases builds, for every command of the tree, one case per class
// of bad input that applies to it: an unknown subcommand of a group, an
// unknown flag, a non-finite float flag, an out-of-range integer flag.
func cliErrorCases() []cliErrorCase {
	var cases []cliErrorCase
	walkCommands(newRootCmd(), func(c *cobra.Command) {
		path := strings.Fields(c.CommandPath())[1:]
		if c.HasSubCommands() {
			cases = append(cases, cliErrorCase{"unknown subcommand/" + c.CommandPath(), append(append([]string{}, path...), "bogus"), exitUsage,
				`unknown command "bogus" for "` + c.CommandPath() + `"`})
		}
		if !c.Runnable() || c.HasSubCommands() {
			return
		}
		cases = append(cases, cliErrorCase{"unknown flag/" + c.CommandPath(), append(append([]string{}, path...), "--bogus-flag"), exitUsage, "unknown flag: --bogus-flag"})
		c.Flags().VisitAll(func(f *pflag.Flag) {
			args := append([]string{}, path...)
			switch f.Value.(type) {
			case *floatValue:
				cases = append(cases, cliErrorCase{"non-finite/" + c.CommandPath() + " --" + f.Name, append(args, "--"+f.Name, "NaN"), exitUsage, "--" + f.Name + ": "})
				cases = append(cases, cliErrorCase{"absurd/" + c.CommandPath() + " --" + f.Name, append(args, "--"+f.Name, "1e308"), exitUsage, "--" + f.Name + ": "})
			case *intValue:
				cases = append(cases, cliErrorCase{"int range/" + c.CommandPath() + " --" + f.Name, append(args, "--"+f.Name, "1000000000000"), exitUsage, "--" + f.Name + ": must be an integer in"})
			}
		})
	})
	return cases
}

// Every command answers each class of bad input with the right exit code
// and a one-line error whose first words name the problem as typed.
func TestCLIErrorsEveryCommand(t *testing.T) {
	dir := t.TempDir()
	fleet := "../../examples/fleet.yaml"
	cases := cliErrorCases()
	cases = append(cases,
		cliErrorCase{"paths too many", []string{"simulate", "--scenario", "default", "--paths", "1000000000000"}, exitUsage, "--paths: must be an integer in [1, 1000000], got 1000000000000"},
		cliErrorCase{"pivot horizon negative", []string{"fleet", "pivot", fleet, "--site", "x", "--horizon-days", "-1"}, exitUsage, "--horizon-days: must be an integer in [0, 36500]"},
		cliErrorCase{"blocks zero", []string{"hashrate", "--db", filepath.Join(dir, "none.db"), "--blocks", "0"}, exitUsage, "--blocks must be"},
		cliErrorCase{"liquidate needs eta", []string{"liquidate", "--btc", "100"}, exitUsage, "--eta is required"},
		cliErrorCase{"liquidate needs btc and eta", []string{"liquidate", "--days", "5"}, exitUsage, "--btc, --eta are required"},
		cliErrorCase{"missing cookie", []string{"sync", "--rpc", "http://127.0.0.1:1", "--rpc-cookie", filepath.Join(dir, "nope"), "--db", filepath.Join(dir, "s.db")}, exitError, "--rpc-cookie: open " + filepath.Join(dir, "nope") + ": no such file"},
	)
	if len(cases) < 100 {
		t.Fatalf("only %d cases: the command tree walk found too little", len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, code := runWithin(t, 20*time.Second, c.args...)
			if code != c.code {
				t.Errorf("%q: exit %d, want %d (stderr %q)", c.args, code, c.code, errOut)
			}
			if out != "" {
				t.Errorf("%q: stdout not empty on error: %q", c.args, out)
			}
			if !strings.HasPrefix(errOut, "hashfall: "+c.prefix) || strings.Count(errOut, "\n") != 1 {
				t.Errorf("%q: stderr %q, want one line starting %q", c.args, errOut, "hashfall: "+c.prefix)
			}
		})
	}
}

// Output paths are checked before the work: a run of the largest allowed
// size with an impossible --html or --out fails at once, naming the flag and
// the user's path.
func TestOutputPathsCheckedBeforeTheWork(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "nodir", "x.html")
	cases := []struct {
		args   []string
		prefix string
	}{
		{[]string{"simulate", "--scenario", "default", "--paths", "1000000", "--html", missing}, "--html " + missing + ": folder " + filepath.Dir(missing) + " does not exist"},
		{[]string{"simulate", "--scenario", "default", "--paths", "1000000", "--out", filepath.Join(file, "s.gob")}, "--out " + filepath.Join(file, "s.gob") + ": " + file + " is not a folder"},
		{[]string{"report", "--html", dir}, "--html " + dir + ": is a folder"},
		{[]string{"fleet", "rundown", "../../examples/fleet.yaml", "--html", missing}, "--html " + missing + ": folder"},
		{[]string{"fleet", "curtail", "../../examples/fleet.yaml", "--schedule-out", missing}, "--schedule-out " + missing + ": folder"},
		{[]string{"merge", "--html", missing, file}, "--html " + missing + ": folder"},
		{[]string{"sweep", "run", "../../examples/sweep.yaml", "--task", "0/1", "--out", filepath.Join(file, "d")}, "--out " + filepath.Join(file, "d") + ": " + file + " is not a folder"},
		{[]string{"sweep", "frontier", file, "--x", "a", "--y", "b", "--chart", missing}, "--chart " + missing + ": folder"},
	}
	for _, c := range cases {
		out, errOut, code := runWithin(t, 20*time.Second, c.args...)
		if code != exitUsage || out != "" || !strings.HasPrefix(errOut, "hashfall: "+c.prefix) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 2 and %q", c.args, code, out, errOut, c.prefix)
		}
		if strings.Contains(errOut, ".tmp") || strings.Contains(errOut, ".shard-") {
			t.Errorf("%q: error names a temp file: %q", c.args, errOut)
		}
	}
}

// A run whose rate promises more than a minute left says so once, with the
// estimate; a short one says nothing.
func TestLongRunWarning(t *testing.T) {
	var clock time.Time
	now := func() time.Time { return clock }
	var b strings.Builder
	warn := longRunWarning(&b, now)
	clock = clock.Add(time.Second)
	warn(10, 1_000_000) // too early to judge
	clock = clock.Add(3 * time.Second)
	warn(100, 1_000_000) // 4 s per 100 paths: 40,000 s left
	warn(200, 1_000_000)
	if got := b.String(); strings.Count(got, "note:") != 1 || !strings.Contains(got, "100 of 1000000 paths in 4s; about 11h6m36s left") {
		t.Errorf("warning = %q", got)
	}
	b.Reset()
	clock = time.Time{}
	warn = longRunWarning(&b, now)
	clock = clock.Add(4 * time.Second)
	warn(900, 1000)
	if b.Len() != 0 {
		t.Errorf("short run warned: %q", b.String())
	}
}
