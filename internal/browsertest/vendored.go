package browsertest

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// CheckVendored verifies the files a SOURCE file in dir lists (written by
// serve/web/vendor.sh: "sha256: <hex>  <name>" lines) against their
// sha256, and returns the SOURCE's version line. A vendored file edited by
// hand, or replaced without re-running the script, fails.
func CheckVendored(dir string) (version string, err error) {
	f, err := os.Open(filepath.Join(dir, "SOURCE"))
	if err != nil {
		return "", err
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "version: "); ok {
			version = v
		}
		rest, ok := strings.CutPrefix(line, "sha256: ")
		if !ok {
			continue
		}
		want, name, ok := strings.Cut(rest, "  ")
		if !ok {
			return "", fmt.Errorf("%s/SOURCE: bad line %q", dir, line)
		}
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return "", err
		}
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); got != want {
			return "", fmt.Errorf("%s/%s: sha256 %s, SOURCE says %s", dir, name, got, want)
		}
		n++
	}
	if err := sc.Err(); err != nil {
		return "", err
	}
	if n == 0 || version == "" {
		return "", fmt.Errorf("%s/SOURCE lists no version or no checksums", dir)
	}
	return version, nil
}
