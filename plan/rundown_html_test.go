package plan

import (
	"math"
	"strings"
	"testing"

	"github.com/hashfall/hashfall/economics"
)

// The run-down starts from the fleet as installed: 100 S21 (200 TH/s) and
// 100 S19 Pro (110 TH/s) are 31 PH/s before any day-0 shutdown, and the
// HTML's hashrate chart starts there (day -1) rather than after them.
func TestRundownInstalledHashrate(t *testing.T) {
	f := mustFleet(t, rundownFleet)
	r, err := f.Rundown(economics.Snapshot2026Feb.Network, rundownOptions())
	if err != nil {
		t.Fatal(err)
	}
	if want := (100*200.0 + 100*110.0) / 1000; math.Abs(r.InstalledPHs-want) > 1e-9 {
		t.Errorf("installed %g PH/s, want %g", r.InstalledPHs, want)
	}
	if r.Timeline[0].OnlinePHs > r.InstalledPHs {
		t.Errorf("day 0 online %g PH/s above installed %g", r.Timeline[0].OnlinePHs, r.InstalledPHs)
	}
	page, err := RundownHTML(r, "test")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), `name="viewport"`) {
		t.Error("the page has no viewport meta: phones lay it out 980 px wide")
	}
}
