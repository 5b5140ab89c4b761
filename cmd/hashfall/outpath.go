package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// outputPath is a pflag.Value for a flag naming a file (or, with dir set, a
// folder) the command will write. Root's PersistentPreRunE checks every one
// the user set with checkOutputPaths, so that a wrong path fails before a
// long computation rather than after it.
type outputPath struct {
	p   *string
	dir bool
}

func (o *outputPath) Set(s string) error {
	if s == "" {
		return errors.New("empty path")
	}
	*o.p = s
	return nil
}

func (o *outputPath) String() string { return *o.p }

func (o *outputPath) Type() string {
	if o.dir {
		return "dir"
	}
	return "file"
}

// outputFileVar defines a flag naming a file the command writes.
func outputFileVar(f *pflag.FlagSet, p *string, name, usage string) {
	f.Var(&outputPath{p: p}, name, usage)
}

// outputDirVar defines a flag naming a folder the command writes into,
// created if missing.
func outputDirVar(f *pflag.FlagSet, p *string, name, usage string) {
	f.Var(&outputPath{p: p, dir: true}, name, usage)
}

// checkOutputPaths checks every output path flag of cmd the user set: a
// file's folder must exist and be writable and the file must not be a
// folder; a folder must be writable or creatable. Errors name the flag and
// the path as typed.
func checkOutputPaths(cmd *cobra.Command) error {
	var err error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		o, ok := f.Value.(*outputPath)
		if !ok || !f.Changed || err != nil {
			return
		}
		if o.dir {
			err = checkOutputDir(*o.p)
		} else {
			err = checkOutputFile(*o.p)
		}
		if err != nil {
			err = usageErrorf("--%s %s: %v", f.Name, *o.p, err)
		}
	})
	return err
}

func checkOutputFile(path string) error {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return errors.New("is a folder, not a file")
	}
	dir := filepath.Dir(path)
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("folder %s does not exist", dir)
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a folder", dir)
	}
	return checkWritableDir(dir)
}

func checkOutputDir(path string) error {
	// The nearest folder that exists must be writable: MkdirAll creates
	// the rest.
	p := filepath.Clean(path)
	for {
		fi, err := os.Stat(p)
		if err == nil {
			if !fi.IsDir() {
				return fmt.Errorf("%s is not a folder", p)
			}
			return checkWritableDir(p)
		}
		parent := filepath.Dir(p)
		if parent == p {
			return err
		}
		p = parent
	}
}

// checkWritableDir tries what the write will do: create a file in dir.
// Permission bits alone do not answer (root, ACLs, read-only mounts).
func checkWritableDir(dir string) error {
	f, err := os.CreateTemp(dir, ".hashfall-write-check-*")
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("cannot write in folder %s: %v", dir, err)
	}
	f.Close()
	return os.Remove(f.Name())
}
