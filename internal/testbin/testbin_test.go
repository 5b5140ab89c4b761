package testbin

import (
	"testing"
)

// TestNeedFindsGo checks the lookup against a program every machine that
// runs these tests has: the go command itself is on PATH (go test runs it).
func TestNeedFindsGo(t *testing.T) {
	if p := Need(t, "golang", "no-such-program-hashfall", "go"); p == "" {
		t.Fatal("Need returned an empty path for go")
	}
}

// TestMissingSkipsOutsideCI runs Missing in a subtest and checks its
// outcome: skipped outside CI, failed under it.
func TestMissingSkipsOutsideCI(t *testing.T) {
	var skipped bool
	ok := t.Run("missing", func(t *testing.T) {
		if InCI() {
			t.Skip("under CI Missing fails; checked by the outcome below")
		}
		defer func() { skipped = t.Skipped() }()
		Missing(t, "program %q absent", "x")
	})
	if !ok {
		t.Fatal("Missing failed a test outside CI")
	}
	if !InCI() && !skipped {
		t.Fatal("Missing did not skip outside CI")
	}
}
