// Package testbin finds the external programs that hashfall's integration
// tests start: chromium, prometheus and promtool, the Slurm daemons, Debian's
// python3 with numpy. It is test support only.
//
// The rule is the project's: under CI=true a program the test needs and
// cannot find fails the test, because .ci/run installs every one of them and
// a silent skip would hide a broken install; elsewhere the test skips with a
// one-line reason, so a developer without the program still runs the rest.
package testbin

import (
	"os"
	"os/exec"
	"testing"
)

// InCI reports whether the tests run under CI (CI=true), where nothing that
// .ci/run installs may be missing.
func InCI() bool { return os.Getenv("CI") == "true" }

// Need returns the path of the first of names found on PATH or as an
// absolute path. If none is found it fails the test under CI and skips it
// elsewhere, naming the programs and the Debian package that has them.
func Need(tb testing.TB, debianPackage string, names ...string) string {
	tb.Helper()
	for _, name := range names {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	Missing(tb, "%v not found (apt-get install %s)", names, debianPackage)
	return ""
}

// Missing fails the test under CI and skips it elsewhere, with the reason
// formatted as by fmt.Sprintf. Use it for a dependency that is present but
// unusable, such as a daemon that will not start.
func Missing(tb testing.TB, format string, args ...any) {
	tb.Helper()
	if InCI() {
		tb.Fatalf("CI=true and "+format, args...)
	}
	tb.Skipf(format, args...)
}
