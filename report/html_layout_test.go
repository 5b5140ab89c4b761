package report

import (
	"regexp"
	"strconv"
	"testing"
)

// svgTextY returns the y of the SVG text element that says s. gonum's
// SVG flips the y axis (transform="scale(1, -1)"), so -y is the height
// above the bottom edge.
func svgTextY(t *testing.T, svg []byte, s string) float64 {
	t.Helper()
	m := regexp.MustCompile(`<text x="[^"]*" y="([^"]*)"[^>]*>` + regexp.QuoteMeta(s) + `</text>`).FindSubmatch(svg)
	if m == nil {
		t.Fatalf("no text %q in the chart", s)
	}
	y, err := strconv.ParseFloat(string(m[1]), 64)
	if err != nil {
		t.Fatal(err)
	}
	return -y
}

// The legend sits under the plot, below the x-axis label, not inside the
// data area where it covered gridlines.
func TestShutdownChartLegendBelowPlot(t *testing.T) {
	svg, err := seedReport(t).ShutdownChartSVG()
	if err != nil {
		t.Fatal(err)
	}
	axis := svgTextY(t, svg, "efficiency (J/TH)")
	for _, entry := range []string{"profitable", "underwater"} {
		if y := svgTextY(t, svg, entry); y >= axis {
			t.Errorf("legend entry %q at %.1f pt from the bottom, the x-axis label at %.1f: the legend is inside the plot", entry, y, axis)
		}
	}
}
