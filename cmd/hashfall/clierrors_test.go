package main

import (
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
