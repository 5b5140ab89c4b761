package main

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashfall/hashfall/internal/testbin"
)

// readerCommands are every command that reads a store, each with flags that
// make its output a function of the store alone.
func readerCommands(db string) [][]string {
	return [][]string{
		{"hashrate", "--db", db, "--format", "json"},
		{"nextretarget", "--db", db, "--now", "1240000000", "--format", "json"},
		{"signals", "--db", db, "--format", "json"},
		{"pools", "--db", db, "--days", "30", "--format", "json"},
		{"report", "--db", db, "--format", "json"},
		{"energy", "--db", db, "--format", "json"},
	}
}

func copyFile(t *testing.T, from, to string, mode os.FileMode) {
	t.Helper()
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, mode)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// TestReadersOnReadOnlyStore: a store file of mode 0444 in a 0555 folder,
// read by another user (uid 65534 through setpriv), gives every reader the
// same output and exit code as its owner gets, and stays byte-identical.
// The hashfall binary run is this test binary, copied where that user can
// run it; TestMain turns it into the hashfall command.
func TestReadersOnReadOnlyStore(t *testing.T) {
	setpriv := testbin.Need(t, "util-linux", "setpriv")
	if os.Geteuid() != 0 {
		t.Skip("setpriv --reuid needs root to switch to another user")
	}
	db := syncedMainnet(t)
	prices := "date,close\n"
	for d := time.Date(2009, 1, 3, 0, 0, 0, 0, time.UTC); d.Before(time.Date(2009, 6, 1, 0, 0, 0, 0, time.UTC)); d = d.AddDate(0, 0, 1) {
		prices += fmt.Sprintf("%s,%d\n", d.Format(time.DateOnly), 1+d.YearDay()%7)
	}
	csv := filepath.Join(t.TempDir(), "p.csv")
	if err := os.WriteFile(csv, []byte(prices), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := runCLI(t, "import", "prices", csv, "--db", db); code != 0 {
		t.Fatal(errOut)
	}

	base, err := os.MkdirTemp("", "hashfall-ro-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		os.Chmod(filepath.Join(base, "rodir"), 0o755)
		os.RemoveAll(base)
	})
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	rodir := filepath.Join(base, "rodir")
	if err := os.Mkdir(rodir, 0o755); err != nil {
		t.Fatal(err)
	}
	ro := filepath.Join(rodir, "ro.db")
	copyFile(t, db, ro, 0o444)
	if err := os.Chmod(rodir, 0o555); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(base, "hashfall")
	copyFile(t, os.Args[0], bin, 0o755)
	before := fileSum(t, ro)

	type result struct {
		out, errOut string
		code        int
	}
	var asNobody []result
	for _, args := range readerCommands(ro) {
		cmd := exec.Command(setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", bin, "-test.run=^$")
		cmd.Env = []string{"HASHFALL_TEST_MAIN=" + strings.Join(args, "\x1f"), "PATH=/usr/bin:/bin", "HOME=/nonexistent"}
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		asNobody = append(asNobody, result{out.String(), errOut.String(), code})
		t.Logf("%s: exit %d, %d bytes out %s", args[0], code, out.Len(), strings.TrimSpace(errOut.String()))
	}
	if fileSum(t, ro) != before {
		t.Error("a reader changed the read-only store")
	}
	if entries, _ := os.ReadDir(rodir); len(entries) != 1 {
		t.Errorf("read-only folder holds %d entries after the readers, want only ro.db", len(entries))
	}
	// The owner (root, whom the modes do not bind) gets the same answers.
	for i, args := range readerCommands(ro) {
		out, errOut, code := runCLI(t, args...)
		if got := asNobody[i]; got != (result{out, errOut, code}) {
			t.Errorf("%s as uid 65534: exit %d %q\nwant exit %d %q as the owner", args[0], got.code, got.errOut, code, errOut)
		}
		if code != 0 && args[0] != "energy" {
			t.Errorf("%s: exit %d %q", args[0], code, errOut)
		}
	}
}

// TestReadersLeaveEmptyFileAlone: a reader pointed at an existing empty
// file refuses it with a clear error and leaves it at 0 bytes.
func TestReadersLeaveEmptyFileAlone(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "empty.db")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range readerCommands(empty) {
		_, errOut, code := runCLI(t, args...)
		if code != exitError || !strings.Contains(errOut, "not a hashfall store") || !strings.Contains(errOut, "run hashfall sync") {
			t.Errorf("%s on an empty file: exit %d %q", args[0], code, errOut)
		}
		if fi, err := os.Stat(empty); err != nil || fi.Size() != 0 {
			t.Fatalf("%s wrote into the empty file: %v %v", args[0], fi.Size(), err)
		}
	}
	if entries, _ := os.ReadDir(filepath.Dir(empty)); len(entries) != 1 {
		t.Errorf("readers left %d files beside the empty one", len(entries)-1)
	}
}
