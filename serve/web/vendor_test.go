package web

import (
	"testing"

	"github.com/hashfall/hashfall/internal/browsertest"
)

// The served uPlot is byte for byte the npm release vendor.sh fetched.
func TestUPlotVendored(t *testing.T) {
	v, err := browsertest.CheckVendored("static/vendor/uplot")
	if err != nil {
		t.Fatal(err)
	}
	if v != "1.6.32" {
		t.Errorf("uPlot version %q", v)
	}
}
