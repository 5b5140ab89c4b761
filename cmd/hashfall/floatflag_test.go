package main

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// walkCommands calls fn for c and every command below it.
func walkCommands(c *cobra.Command, fn func(*cobra.Command)) {
	fn(c)
	for _, sub := range c.Commands() {
		walkCommands(sub, fn)
	}
}

// Every float flag of every command goes through floatValue: a plain
// pflag float64 would accept NaN, ±Inf and 1e308.
func TestEveryFloatFlagIsBounded(t *testing.T) {
	n := 0
	walkCommands(newRootCmd(), func(c *cobra.Command) {
		c.Flags().VisitAll(func(f *pflag.Flag) {
			switch f.Value.Type() {
			case "float64", "float32", "float64Slice", "float32Slice":
				t.Errorf("%s --%s is a plain %s flag; use floatVar", c.CommandPath(), f.Name, f.Value.Type())
			case "float":
				n++
				for _, bad := range []string{"NaN", "nan", "Inf", "-Inf", "+Inf", "1e308", "-1e308"} {
					if err := f.Value.Set(bad); err == nil {
						t.Errorf("%s --%s accepted %s", c.CommandPath(), f.Name, bad)
					}
				}
			}
		})
	})
	if n < 30 {
		t.Errorf("found %d bounded float flags, want every float flag (≥ 30)", n)
	}
}

func TestFloatFlagErrorsAreUsageErrorsNamingTheFlag(t *testing.T) {
	cases := []struct {
		args []string
		flag string
	}{
		{[]string{"hashprice", "--price", "75000", "--difficulty", "1e308"}, "--difficulty"},
		{[]string{"hashprice", "--price", "NaN", "--difficulty", "1e14"}, "--price"},
		{[]string{"hashprice", "--price", "2e7", "--difficulty", "1e14"}, "--price"},
		{[]string{"report", "--power-cost", "1e308"}, "--power-cost"},
		{[]string{"report", "--power-cost", "11"}, "--power-cost"},
		{[]string{"energy", "--asic-usd-per-th", "NaN"}, "--asic-usd-per-th"},
		{[]string{"fleet", "rundown", "../../examples/fleet.yaml", "--price-drift-pct", "NaN"}, "--price-drift-pct"},
		{[]string{"fleet", "rundown", "../../examples/fleet.yaml", "--price-drift-pct", "-150"}, "--price-drift-pct"},
		{[]string{"fleet", "rundown", "../../examples/fleet.yaml", "--price-drift-pct", "-100"}, "--price-drift-pct"},
		{[]string{"liquidate", "--btc", "100", "--sigma", "1e308"}, "--sigma"},
		{[]string{"simulate", "--scenario", "exogenous", "--growth-pct-per-2w", "NaN", "--epochs", "10", "--paths", "1"}, "--growth-pct-per-2w"},
		{[]string{"difficulty", "history", "--rank", "NaN"}, "--rank"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			out, errOut, code := runWithin(t, 20*time.Second, c.args...)
			if code != exitUsage || out != "" {
				t.Fatalf("exit %d, stdout %q, stderr %q; want exit 2 and no output", code, out, errOut)
			}
			if !strings.HasPrefix(errOut, "hashfall: "+c.flag) || strings.Count(errOut, "\n") != 1 {
				t.Errorf("stderr %q: want one line starting with %q", errOut, c.flag)
			}
		})
	}
}

// runWithin is runCLI that fails the test if hashfall has not returned
// after limit (the simulate NaN case used to spin forever).
func runWithin(t *testing.T, limit time.Duration, args ...string) (string, string, int) {
	t.Helper()
	type result struct {
		out, errOut string
		code        int
	}
	done := make(chan result, 1)
	go func() {
		out, errOut, code := runCLI(t, args...)
		done <- result{out, errOut, code}
	}()
	select {
	case r := <-done:
		return r.out, r.errOut, r.code
	case <-time.After(limit):
		t.Fatalf("hashfall %q did not return within %v", args, limit)
	}
	return "", "", 0
}

// fuzzFloatTargets are commands that run offline in well under a second,
// each with one float flag whose value the fuzzer chooses.
var fuzzFloatTargets = []struct {
	args []string
	flag string
}{
	{[]string{"hashprice", "--difficulty", "141.7T"}, "--price"},
	{[]string{"hashprice", "--price", "75000"}, "--difficulty"},
	{[]string{"hashprice", "--price", "75000"}, "--hashrate"},
	{[]string{"hashprice", "--price", "75000", "--difficulty", "141.7T"}, "--fees-btc"},
	{[]string{"machines", "--price", "75000", "--difficulty", "141.7T"}, "--power-cost"},
	{[]string{"report"}, "--power-cost"},
	{[]string{"report"}, "--pue"},
	{[]string{"report"}, "--pool-fee"},
	{[]string{"report"}, "--price"},
	{[]string{"security"}, "--attacker-share"},
	{[]string{"security"}, "--hours"},
	{[]string{"security"}, "--risk"},
	{[]string{"security"}, "--rent-usd-per-ph-day"},
	{[]string{"security"}, "--power-cost"},
	{[]string{"security"}, "--hashrate-drop-pct"},
	{[]string{"security", "--attacker-budget-usd", "1e9"}, "--rentable-share"},
	{[]string{"security"}, "--attacker-budget-usd"},
	{[]string{"liquidate", "--btc", "100", "--eta", "1", "--gamma", "0.1"}, "--sigma"},
	{[]string{"liquidate", "--sigma", "1000", "--eta", "1", "--gamma", "0.1"}, "--btc"},
	{[]string{"liquidate", "--btc", "100", "--sigma", "1000", "--gamma", "0.1"}, "--eta"},
	{[]string{"liquidate", "--btc", "100", "--sigma", "1000", "--eta", "1", "--gamma", "0.1"}, "--lambda"},
	{[]string{"liquidate", "--btc", "100", "--sigma", "1000", "--eta", "1", "--gamma", "0.1"}, "--days"},
	{[]string{"fleet", "status", "../../examples/fleet.yaml"}, "--price"},
	{[]string{"fleet", "rundown", "../../examples/fleet.yaml", "--horizon-days", "60"}, "--price-drift-pct"},
	{[]string{"fleet", "rundown", "../../examples/fleet.yaml", "--horizon-days", "60"}, "--difficulty-drift-pct"},
	{[]string{"fleet", "rundown", "../../examples/fleet.yaml", "--horizon-days", "60"}, "--btc-vol-pct"},
	{[]string{"fleet", "rundown", "../../examples/fleet.yaml", "--horizon-days", "60"}, "--salvage-decline-pct"},
	{[]string{"fleet", "rundown", "../../examples/fleet.yaml", "--horizon-days", "60"}, "--lambda"},
	{[]string{"simulate", "--scenario", "exogenous", "--epochs", "10", "--paths", "1"}, "--growth-pct-per-2w"},
}

var nonFinite = regexp.MustCompile(`(?i)\bnan\b|[+-]?inf\b`)

// FuzzFloatFlags gives each offline command's float flag an arbitrary
// value: the command must exit 2, or print only finite numbers, and must
// return within a time bound.
func FuzzFloatFlags(f *testing.F) {
	for i := range fuzzFloatTargets {
		for _, v := range []string{"NaN", "Inf", "-Inf", "1e308", "-1e308", "0", "-0", "1", "0.5", "-99.999", "1e-300", "1E"} {
			f.Add(uint8(i), v, uint8(0))
		}
	}
	formats := []string{"table", "csv", "json"}
	f.Fuzz(func(t *testing.T, which uint8, value string, format uint8) {
		target := fuzzFloatTargets[int(which)%len(fuzzFloatTargets)]
		args := append(append([]string{}, target.args...), target.flag+"="+value, "--format", formats[int(format)%len(formats)])
		out, errOut, code := runWithin(t, 20*time.Second, args...)
		switch code {
		case exitUsage, exitError:
			if out != "" {
				t.Errorf("%q: exit %d with stdout %q", args, code, out)
			}
			if strings.Count(errOut, "\n") != 1 {
				t.Errorf("%q: stderr is not one line: %q", args, errOut)
			}
		case exitOK:
			if m := nonFinite.FindString(out); m != "" {
				t.Errorf("%q: output holds %q:\n%s", args, m, out)
			}
		default:
			t.Errorf("%q: exit %d", args, code)
		}
	})
}
