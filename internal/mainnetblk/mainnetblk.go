// Package mainnetblk finds the real Bitcoin mainnet blocks 0–14,131 that
// btcd ships as test data (blockchain/testdata/blk_0_to_14131.dat), so that
// every package's tests read the same file from the module cache rather
// than a copy in this repository.
package mainnetblk

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Tip is the height of the last block in the file.
const Tip = 14131

var (
	once    sync.Once
	path    string
	findErr error
)

// Path returns the file's path, or skips the test when the btcd module or
// the file cannot be found.
func Path(tb testing.TB) string {
	tb.Helper()
	once.Do(func() {
		out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/btcsuite/btcd").Output()
		if err != nil {
			findErr = fmt.Errorf("locating the btcd module: %w", err)
			return
		}
		path = filepath.Join(strings.TrimSpace(string(out)), "blockchain", "testdata", "blk_0_to_14131.dat")
		if _, err := os.Stat(path); err != nil {
			findErr = err
		}
	})
	if findErr != nil {
		tb.Skipf("btcd's mainnet test blocks are unavailable: %v", findErr)
	}
	return path
}
