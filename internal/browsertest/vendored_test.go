package browsertest

import (
	"os"
	"path/filepath"
	"testing"
)

func TestAxeVendored(t *testing.T) {
	v, err := CheckVendored("vendor/axe-core")
	if err != nil {
		t.Fatal(err)
	}
	if v != "4.11.1" {
		t.Errorf("axe-core version %q", v)
	}
}

// One byte added to a vendored file must fail the check.
func TestCheckVendoredCatchesEdit(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"SOURCE", "LICENSE", "axe.min.js"} {
		b, err := os.ReadFile(filepath.Join("vendor/axe-core", n))
		if err != nil {
			t.Fatal(err)
		}
		if n == "LICENSE" {
			b = append(b, ' ')
		}
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := CheckVendored(dir); err == nil {
		t.Fatal("an edited LICENSE passed the checksum check")
	}
}
