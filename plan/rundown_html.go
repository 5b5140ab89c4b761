package plan

import (
	"bytes"
	"fmt"
	"html/template"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// RundownHTML renders the plan as a standalone HTML page: a timeline of
// online hashrate, cash and BTC held (SVG charts drawn with gonum/plot),
// with the dated events below.
func RundownHTML(r Rundown, title string) ([]byte, error) {
	series := []struct {
		name, unit string
		y          func(RundownDay) float64
		c          color.RGBA
	}{
		{"Online hashrate", "PH/s", func(d RundownDay) float64 { return d.OnlinePHs }, color.RGBA{R: 0xd9, G: 0x6c, B: 0x00, A: 0xff}},
		{"Cash", "USD millions", func(d RundownDay) float64 { return d.CashUSD / 1e6 }, color.RGBA{G: 0x70, B: 0xc0, A: 0xff}},
		{"Treasury BTC", "BTC", func(d RundownDay) float64 { return d.BTC }, color.RGBA{R: 0x40, G: 0x40, B: 0x40, A: 0xff}},
	}
	var charts []template.HTML
	for _, s := range series {
		p := plot.New()
		p.Title.Text = s.name
		p.X.Label.Text = "day"
		p.Y.Label.Text = s.unit
		xy := make(plotter.XYs, len(r.Timeline))
		for i, d := range r.Timeline {
			xy[i] = plotter.XY{X: float64(d.Day), Y: s.y(d)}
		}
		line, err := plotter.NewLine(xy)
		if err != nil {
			return nil, fmt.Errorf("%s chart: %w", s.name, err)
		}
		line.Color = s.c
		line.Width = vg.Points(1.5)
		p.Add(line, plotter.NewGrid())
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
<html><head><meta charset="utf-8"><title>{{.Title}}</title>
<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}table{border-collapse:collapse}td,th{padding:.2em .6em;border-bottom:1px solid #ddd;text-align:left}td.n{text-align:right}</style>
</head><body>
<h1>{{.Title}}</h1>
<p>Deterministic run-down on the assumed price and difficulty drift; dashed lines mark shutdowns and conversions.</p>
{{range .Charts}}<div>{{.}}</div>{{end}}
<h2>Summary</h2>
<table>
<tr><td>mining profit</td><td class=n>{{printf "$%.0f" .Summary.MiningProfitUSD}}</td></tr>
<tr><td>debt service</td><td class=n>{{printf "$%.0f" .Summary.DebtServiceUSD}}</td></tr>
<tr><td>hardware sales</td><td class=n>{{printf "$%.0f" .Summary.HardwareSalesUSD}}</td></tr>
<tr><td>BTC sold</td><td class=n>{{printf "%.4f" .Summary.BTCSold}}</td></tr>
<tr><td>expected impact cost of BTC sales</td><td class=n>{{printf "$%.0f" .Summary.ExpectedImpactUSD}}</td></tr>
<tr><td>end cash</td><td class=n>{{printf "$%.0f" .Summary.EndCashUSD}}</td></tr>
<tr><td>shortfall not covered</td><td class=n>{{printf "$%.0f" .Summary.UncoveredUSD}}</td></tr>
</table>
<h2>Schedule</h2>
<table><tr><th>date</th><th>action</th><th>site</th><th>model</th><th>count</th><th>BTC</th><th>USD</th><th>why</th></tr>
{{range .Events}}<tr><td>{{.Date}}</td><td>{{.Action}}</td><td>{{.Site}}</td><td>{{.Model}}</td><td class=n>{{if .Count}}{{.Count}}{{end}}</td><td class=n>{{if .BTC}}{{printf "%.4f" .BTC}}{{end}}</td><td class=n>{{printf "%.0f" .AmountUSD}}</td><td>{{.Reason}}</td></tr>
{{end}}</table>
</body></html>
`))
