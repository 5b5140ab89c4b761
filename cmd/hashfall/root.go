// Command hashfall measures the Bitcoin mining network, prices ASICs and
// fleets, simulates what comes next and plans an operator's decisions.
//
// Each subcommand lives in its own file and registers itself from init();
// this file holds only what every command shares: the --format flag,
// emitting results, and turning errors into one line and an exit code.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/hashfall/hashfall/output"
)

// Exit codes: 2 for a command line the user must correct, 1 for anything
// that went wrong while doing the work.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

var commandConstructors []func() *cobra.Command

// register adds a subcommand constructor; call it from a file's init().
func register(newCmd func() *cobra.Command) {
	commandConstructors = append(commandConstructors, newCmd)
}

// usageError marks an error the user fixes by changing the command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// usageErrorf returns an error that exits with status 2.
func usageErrorf(format string, args ...any) error {
	return usageError{msg: fmt.Sprintf(format, args...)}
}

// requireFlags returns a usage error listing, as typed, every one of names
// the user did not set.
func requireFlags(cmd *cobra.Command, names ...string) error {
	var missing []string
	for _, n := range names {
		if !cmd.Flags().Changed(n) {
			missing = append(missing, "--"+n)
		}
	}
	switch len(missing) {
	case 0:
		return nil
	case 1:
		return usageErrorf("%s is required", missing[0])
	}
	return usageErrorf("%s are required", strings.Join(missing, ", "))
}

// unknownSubcommand makes a command that only groups subcommands reject an
// argument that names none of them: `hashfall fleet bogus` is a usage error,
// not help with exit 0. Without arguments it prints its help.
func unknownSubcommand(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageErrorf("unknown command %q for %q", args[0], cmd.CommandPath())
	}
	return cmd.Help()
}

// emit renders v in the --format the user chose and writes it to stdout.
// A CSV is one table: of a Document, the section --section names or its
// main one, with the title, notes and the other sections' names on stderr.
// --section also narrows table and JSON output to one section.
func emit(cmd *cobra.Command, v any) error {
	f, err := formatOf(cmd)
	if err != nil {
		return err
	}
	section, _ := cmd.Flags().GetString("section")
	d, isDoc := output.AsDocument(v)
	switch {
	case isDoc && (section != "" || f == output.CSV):
		s, err := d.Section(section)
		if err != nil {
			return usageErrorf("--section: %v", err)
		}
		if f == output.CSV {
			writeCSVNotes(cmd.ErrOrStderr(), d, s.Name)
		}
		v = s.Data
	case section != "":
		return usageErrorf("--section: %s prints one table; --section applies to results with several", cmd.CommandPath())
	}
	return output.Write(cmd.OutOrStdout(), f, v)
}

// writeCSVNotes puts on stderr what a one-table CSV on stdout cannot hold.
func writeCSVNotes(w io.Writer, d output.Document, shown string) {
	if d.Title != "" {
		fmt.Fprintf(w, "note: %s\n", d.Title)
	}
	for _, n := range d.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	var others []string
	for _, name := range d.SectionNames() {
		if name != shown {
			others = append(others, name)
		}
	}
	if len(others) > 0 {
		fmt.Fprintf(w, "note: CSV holds section %s; others: %s (--section NAME)\n", shown, strings.Join(others, ", "))
	}
}

func formatOf(cmd *cobra.Command) (output.Format, error) {
	s, err := cmd.Flags().GetString("format")
	if err != nil {
		return output.Table, nil
	}
	f, err := output.ParseFormat(s)
	if err != nil {
		return "", usageError{msg: "--format: " + err.Error()}
	}
	return f, nil
}

// progressOut is where progress bars go: stderr when it is a terminal or
// the user asked for them, nowhere otherwise, so that logs and pipes stay
// free of carriage-return noise.
func progressOut(cmd *cobra.Command) (io.Writer, error) {
	mode, err := cmd.Flags().GetString("progress")
	if err != nil {
		mode = "auto"
	}
	switch mode {
	case "always":
		return cmd.ErrOrStderr(), nil
	case "never":
		return io.Discard, nil
	case "auto":
		if f, ok := cmd.ErrOrStderr().(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			return f, nil
		}
		return io.Discard, nil
	}
	return nil, usageError{msg: fmt.Sprintf("--progress: unknown mode %q (want auto, always or never)", mode)}
}

// newProgressBar returns a bar of max steps that draws to progressOut.
func newProgressBar(cmd *cobra.Command, max int64, description string, options ...progressbar.Option) *progressbar.ProgressBar {
	w, err := progressOut(cmd)
	if err != nil {
		w = io.Discard
	}
	options = append([]progressbar.Option{
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(description),
		progressbar.OptionShowCount(),
		progressbar.OptionThrottle(200 * time.Millisecond),
		progressbar.OptionClearOnFinish(),
	}, options...)
	return progressbar.NewOptions64(max, options...)
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "hashfall",
		Short: "Measure, price, simulate and plan Bitcoin mining under capitulation",
		Long: `hashfall measures the Bitcoin network from your own node, prices every ASIC
model and a whole fleet, simulates price → miners → difficulty → hashprice →
security, and plans curtailment, shutdown, AI/HPC conversion and BTC sales.

Start with: hashfall report`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if _, err := formatOf(cmd); err != nil {
				return err
			}
			if _, err := progressOut(cmd); err != nil {
				return err
			}
			return checkOutputPaths(cmd)
		},
	}
	root.PersistentFlags().String("format", "table", "output format: table, json or csv")
	root.PersistentFlags().String("section", "", "print only this section of a result with several (a CSV holds the main one by default)")
	root.PersistentFlags().String("progress", "auto", "progress bars on stderr: auto (when stderr is a terminal), always or never")
	for _, newCmd := range commandConstructors {
		root.AddCommand(newCmd())
	}
	markUsageErrors(root)
	walkGroups(root)
	return root
}

// walkGroups gives every command below root that has subcommands but does
// nothing itself the unknownSubcommand behaviour.
func walkGroups(c *cobra.Command) {
	for _, sub := range c.Commands() {
		if sub.HasSubCommands() && sub.Run == nil && sub.RunE == nil {
			sub.Args = cobra.ArbitraryArgs
			sub.RunE = unknownSubcommand
		}
		walkGroups(sub)
	}
}

// markUsageErrors makes flag and argument errors of every command exit
// with status 2, whatever validator the command uses.
func markUsageErrors(c *cobra.Command) {
	c.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		// "--power-cost: must be in [0, 10] USD/kWh, got NaN" rather than
		// pflag's longer `invalid argument "NaN" for "--power-cost" flag: …`.
		var invalid *pflag.InvalidValueError
		if errors.As(err, &invalid) {
			return usageError{msg: "--" + invalid.GetFlag().Name + ": " + invalid.Unwrap().Error()}
		}
		return usageError{msg: err.Error()}
	})
	if args := c.Args; args != nil {
		c.Args = func(cmd *cobra.Command, a []string) error {
			if err := args(cmd, a); err != nil {
				return usageError{msg: err.Error()}
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		markUsageErrors(sub)
	}
}

// run executes hashfall with args and returns the process exit code. Errors
// are printed as a single line on stderr.
func run(args []string, stdout, stderr io.Writer) int {
	root := newRootCmd()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	msg := strings.Join(strings.Fields(err.Error()), " ")
	fmt.Fprintf(stderr, "hashfall: %s\n", msg)
	var ue usageError
	if errors.As(err, &ue) || strings.HasPrefix(msg, "unknown command") || strings.HasPrefix(msg, "unknown flag") {
		return exitUsage
	}
	return exitError
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
