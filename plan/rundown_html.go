package plan

import (
	"bytes"
	"fmt"
	"html/template"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// RundownHTML renders the plan as a standalone HTML page: a timeline of
// online hashrate, cash and BTC held (SVG charts drawn with gonum/plot),
// with the dated events below.
func RundownHTML(r Rundown, title string) ([]byte, error) {
	// before is each series' value on day -1, the fleet as it stands
	// before the day-0 shutdowns (NaN: the series has no such point).
	series := []struct {
		name, unit string
		y          func(RundownDay) float64
		before     float64
		c          color.RGBA
	}{
		{"Online hashrate", "PH/s", func(d RundownDay) float64 { return d.OnlinePHs }, r.InstalledPHs, color.RGBA{R: 0xd9, G: 0x6c, B: 0x00, A: 0xff}},
		{"Cash", "USD millions", func(d RundownDay) float64 { return d.CashUSD / 1e6 }, math.NaN(), color.RGBA{G: 0x70, B: 0xc0, A: 0xff}},
		{"Treasury BTC", "BTC", func(d RundownDay) float64 { return d.BTC }, math.NaN(), color.RGBA{R: 0x40, G: 0x40, B: 0x40, A: 0xff}},
	}
	var charts []template.HTML
	for _, s := range series {
		p := plot.New()
		p.Title.Text = s.name
		p.X.Label.Text = "day"
		p.Y.Label.Text = s.unit
		var xy plotter.XYs
		if !math.IsNaN(s.before) && len(r.Timeline) > 0 {
			xy = append(xy, plotter.XY{X: -1, Y: s.before})
		}
		nonNegative := true
		for _, d := range r.Timeline {
			xy = append(xy, plotter.XY{X: float64(d.Day), Y: s.y(d)})
			nonNegative = nonNegative && s.y(d) >= 0
		}
		if len(xy) == 0 {
			return nil, fmt.Errorf("%s chart: the plan has no days", s.name)
		}
		line, err := plotter.NewLine(xy)
		if err != nil {
			return nil, fmt.Errorf("%s chart: %w", s.name, err)
		}
		line.Color = s.c
		line.Width = vg.Points(1.5)
		p.Add(line, plotter.NewGrid())
		if nonNegative {
			p.Y.Min = 0 // a level, not a wiggle: the axis starts at zero
		}
		for _, e := range r.Events {
			if e.Action == "shut down" || e.Action == "convert site" {
				mark, err := plotter.NewLine(plotter.XYs{{X: float64(e.Day), Y: p.Y.Min}, {X: float64(e.Day), Y: p.Y.Max}})
				if err == nil {
					mark.Color = color.RGBA{R: 0xb0, G: 0xb0, B: 0xb0, A: 0xff}
					mark.Dashes = []vg.Length{vg.Points(3), vg.Points(3)}
					p.Add(mark)
				}
			}
		}
		w, err := p.WriterTo(9*vg.Inch, 2.6*vg.Inch, "svg")
		if err != nil {
			return nil, err
		}
		var b bytes.Buffer
		if _, err := w.WriteTo(&b); err != nil {
			return nil, err
		}
		charts = append(charts, template.HTML(b.String())) // gonum's own SVG output
	}
	var out bytes.Buffer
	err := rundownPage.Execute(&out, struct {
		Title   string
		Charts  []template.HTML
		Events  []RundownEvent
		Summary RundownSummary
	}{title, charts, r.Events, r.Summary})
	return out.Bytes(), err
}

var rundownPage = template.Must(template.New("rundown").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{.Title}}</title>
<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}svg{max-width:100%;height:auto}.scroll{overflow-x:auto}table{border-collapse:collapse}td,th{padding:.2em .6em;border-bottom:1px solid #ddd;text-align:left;white-space:nowrap}td.why{white-space:normal;min-width:16em}td.n{text-align:right}</style>
</head><body>
<h1>{{.Title}}</h1>
<p>Deterministic run-down on the assumed price and difficulty drift; dashed lines mark shutdowns and conversions. Day −1 is the fleet as it stands, before the day-0 shutdowns.</p>
{{range .Charts}}<div>{{.}}</div>{{end}}
<h2>Summary</h2>
<div class="scroll"><table>
<tr><td>mining profit</td><td class=n>{{printf "$%.0f" .Summary.MiningProfitUSD}}</td></tr>
<tr><td>debt service</td><td class=n>{{printf "$%.0f" .Summary.DebtServiceUSD}}</td></tr>
<tr><td>hardware sales</td><td class=n>{{printf "$%.0f" .Summary.HardwareSalesUSD}}</td></tr>
<tr><td>BTC sold</td><td class=n>{{printf "%.4f" .Summary.BTCSold}}</td></tr>
<tr><td>expected impact cost of BTC sales</td><td class=n>{{printf "$%.0f" .Summary.ExpectedImpactUSD}}</td></tr>
<tr><td>end cash</td><td class=n>{{printf "$%.0f" .Summary.EndCashUSD}}</td></tr>
<tr><td>shortfall not covered</td><td class=n>{{printf "$%.0f" .Summary.UncoveredUSD}}</td></tr>
</table></div>
<h2>Schedule</h2>
<div class="scroll"><table><tr><th>date</th><th>action</th><th>site</th><th>model</th><th>count</th><th>BTC</th><th>USD</th><th>why</th></tr>
{{range .Events}}<tr><td>{{.Date}}</td><td>{{.Action}}</td><td>{{.Site}}</td><td>{{.Model}}</td><td class=n>{{if .Count}}{{.Count}}{{end}}</td><td class=n>{{if .BTC}}{{printf "%.4f" .BTC}}{{end}}</td><td class=n>{{printf "%.0f" .AmountUSD}}</td><td class=why>{{.Reason}}</td></tr>
{{end}}</table></div>
</body></html>
`))
