package serve

import (
	"os/exec"
	"testing"

	"github.com/hashfall/hashfall/internal/testbin"
)

// The example Prometheus alerting rules fire on input series that cross
// each threshold, after their for-duration, and not before.
func TestPrometheusAlertRules(t *testing.T) {
	promtool := testbin.Need(t, "prometheus", "promtool")
	cmd := exec.Command(promtool, "test", "rules", "hashfall-alerts.test.yml")
	cmd.Dir = "../examples/prometheus"
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("promtool test rules: %v\n%s", err, out)
	}
}
