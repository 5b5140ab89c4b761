package sim

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"image/color"
	"io"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// chartMetrics are the metrics drawn as fan charts, with their axis label
// and the factor that scales them to that unit.
var chartMetrics = []struct {
	metric int
	label  string
	scale  float64
}{
	{mPrice, "price (USD)", 1},
	{mHashrate, "hashrate (EH/s)", 1e-18},
	{mDifficulty, "difficulty (T)", 1e-12},
	{mBlockTime, "block time (s, log scale)", 1},
	{mHashprice, "hashprice (USD/PH/day)", 1},
	{mUnderwater, "share of fleet underwater", 1},
	{mSecurityBudget, "security budget (M USD/day)", 1e-6},
	{mBuild51, "cost to build 51% (B USD)", 1e-9},
	{mRent51, "cost to rent 51% for a day (M USD)", 1e-6},
	{mConfirmations, "confirmations needed against the budget attacker", 1},
	{mSales, "miner sales (BTC/day)", 1},
	{mAIMW, "sites converted to AI (MW)", 1},
}

// WriteHTML writes a self-contained HTML page of fan charts: for each
// metric the p5–p95 and p25–p75 bands and the median, by day.
func (s *Summary) WriteHTML(w io.Writer) error {
	if s.ScenarioKind != KindEconomic {
		return errors.New("fan charts need an economic scenario; the exogenous scenario has no daily bands")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>hashfall simulate: %s</title>\n", html.EscapeString(s.ScenarioName))
	b.WriteString("<style>body{font-family:sans-serif;margin:2em auto;padding:0 1em;max-width:90em}figure{display:inline-block;margin:0.5em;max-width:calc(100% - 1em)}figure svg{max-width:100%;height:auto}</style></head><body>\n")
	fmt.Fprintf(&b, "<h1>hashfall simulate: %s</h1>\n<p>%d paths, %d days, engine %s, seed %d. Bands: p5–p95 (light), p25–p75 (dark), median (line). Quantiles within %.1f%%.</p>\n",
		html.EscapeString(s.ScenarioName), s.TotalPaths, s.HorizonDays, html.EscapeString(s.Engine), s.Seed, sketchAlpha*100)
	if l := s.Scenario.Fleet.Label; l != "" {
		fmt.Fprintf(&b, "<p><small>fleet: %s</small></p>\n", html.EscapeString(l))
	}
	for _, c := range chartMetrics {
		svg, err := s.fanChart(c.metric, c.label, c.scale)
		if err != nil {
			return fmt.Errorf("chart %s: %w", metricNames[c.metric], err)
		}
		fmt.Fprintf(&b, "<figure>%s</figure>\n", svg)
	}
	b.WriteString("</body></html>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// fanChart draws one metric's fan chart as inline SVG.
func (s *Summary) fanChart(metric int, label string, scale float64) (string, error) {
	p, err := s.fanPlot(metric, label, scale)
	if err != nil {
		return "", err
	}
	wt, err := p.WriterTo(6*vg.Inch, 3.5*vg.Inch, "svg")
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return "", err
	}
	svg := buf.String()
	if i := strings.Index(svg, "<svg"); i > 0 {
		svg = svg[i:] // drop the XML prolog: the SVG is inline
	}
	return svg, nil
}

func (s *Summary) fanPlot(metric int, label string, scale float64) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = label
	p.X.Label.Text = "day"
	n := s.HorizonDays
	q := func(d int, x float64) float64 { return s.Daily[metric][d].Quantile(x) * scale }
	band := func(lo, hi float64, c color.Color) error {
		pts := make(plotter.XYs, 0, 2*n)
		for d := 0; d < n; d++ {
			pts = append(pts, plotter.XY{X: float64(d), Y: q(d, lo)})
		}
		for d := n - 1; d >= 0; d-- {
			pts = append(pts, plotter.XY{X: float64(d), Y: q(d, hi)})
		}
		poly, err := plotter.NewPolygon(pts)
		if err != nil {
			return err
		}
		poly.Color = c
		poly.LineStyle.Width = 0
		p.Add(poly)
		return nil
	}
	if err := band(0.05, 0.95, color.RGBA{R: 198, G: 219, B: 239, A: 255}); err != nil {
		return nil, err
	}
	if err := band(0.25, 0.75, color.RGBA{R: 107, G: 174, B: 214, A: 255}); err != nil {
		return nil, err
	}
	med := make(plotter.XYs, n)
	for d := range med {
		med[d] = plotter.XY{X: float64(d), Y: q(d, 0.5)}
	}
	line, err := plotter.NewLine(med)
	if err != nil {
		return nil, err
	}
	line.Color = color.RGBA{R: 8, G: 48, B: 107, A: 255}
	line.Width = vg.Points(1.5)
	p.Add(line)
	if metric == mBlockTime && s.positive(metric, scale) {
		// A day's p95 block time can be 100× its median (a path where
		// the hashrate left just before a retarget); on a linear axis that
		// spike flattens every other day into the floor.
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.TickerFunc(logTicks)
	}
	return p, nil
}

// logTicks labels a log axis at 1, 2 and 5 times the powers of ten in
// [min, max], and at both ends when fewer than two of those fall inside
// (a block-time range can sit within one decade, where gonum's LogTicks
// labels nothing).
func logTicks(min, max float64) []plot.Tick {
	var ts []plot.Tick
	for e := math.Floor(math.Log10(min)); e <= math.Ceil(math.Log10(max)); e++ {
		for _, m := range []float64{1, 2, 5} {
			if v := m * math.Pow(10, e); v >= min && v <= max {
				ts = append(ts, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'g', -1, 64)})
			}
		}
	}
	if len(ts) < 2 {
		ts = append(ts, plot.Tick{Value: min, Label: tickLabel(min)}, plot.Tick{Value: max, Label: tickLabel(max)})
	}
	return ts
}

// tickLabel writes an axis end in plain digits: whole numbers from 10 up,
// two significant figures below.
func tickLabel(v float64) string {
	if math.Abs(v) >= 10 {
		return strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'g', 2, 64)
}

// positive reports whether every drawn quantile of a metric is > 0, so
// that it can go on a log axis.
func (s *Summary) positive(metric int, scale float64) bool {
	for d := 0; d < s.HorizonDays; d++ {
		for _, x := range []float64{0.05, 0.25, 0.5, 0.75, 0.95} {
			if !(s.Daily[metric][d].Quantile(x)*scale > 0) {
				return false
			}
		}
	}
	return true
}
